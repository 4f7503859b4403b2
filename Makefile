# SPDX-License-Identifier: GPL-2.0
#
# ktgt: the module (Kbuild), ktgtctl (tools/), tests (selftests/).
#   make              build ktgt.ko and ktgtctl
#   make check        install missing Debian packages, build, run every test
#                     (unit tests + one QEMU VM running the VM tests); ends
#                     with "N passed, N failed"
#   make demo         boot a VM with ktgt serving a 1 GiB RAM LUN, reachable
#                     on 127.0.0.1:$(DEMO_PORT) of this machine
#   make fuzz         run each libFuzzer target FUZZ_SECONDS (300) seconds
#   make bench        ktgt against LIO in one 2-vCPU VM (selftests/perf/run;
#                     BENCH_QUICK=1 for a quick look)
# See README and Documentation/testing.rst.
KDIR ?= $(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1)
DEMO_PORT ?= 3260
# Extra options for selftests/vm/run, e.g. VM_ARGS=-v to see the console.
VM_ARGS ?=
FUZZ_SECONDS ?= 300
# Tests for vm-selftest (default: those of make check).
TESTS ?=

all: module tools

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools

deps:
	scripts/install-deps all

check: deps
	selftests/check

fuzz: deps
	$(MAKE) -C selftests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

# The VM tests alone (make check's list, or TESTS="selftests/ktgt/x.sh ...").
vm-selftest: module tools
	selftests/vm/run $(VM_ARGS) $(if $(TESTS),$(TESTS),-l selftests/check.list)

# ktgt against LIO, side by side (Documentation/benchmark.rst); not in make check.
bench: module tools
	selftests/perf/run

# The harness's own plumbing against Linux's LIO target (not ktgt).
vm-selftest-lio: deps
	selftests/vm/run $(VM_ARGS) -l selftests/lio.list

demo: deps module tools
	selftests/vm/run --demo --port $(DEMO_PORT) $(VM_ARGS)

# A shell in the test VM (ktgt.ko at /ktgt/ktgt.ko, helpers in /ktgt/selftests/lib).
vm-shell: module tools
	selftests/vm/run --shell $(VM_ARGS)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools clean
	rm -rf build

.PHONY: all module tools deps check fuzz bench vm-selftest vm-selftest-lio demo vm-shell clean
