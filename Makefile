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
#   make install      ktgt.ko, ktgtctl, man page, bash completion, systemd
#                     unit (DESTDIR, PREFIX=/usr, KVER); make uninstall
#   make dkms-src     copy the source to /usr/src/ktgt-VERSION for dkms
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

# Installation (Documentation/admin-guide.rst).  KVER: the kernel of KDIR.
KVER ?= $(notdir $(patsubst %/,%,$(dir $(KDIR))))
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= /lib/systemd/system
INSTALL_MOD_DIR ?= extra
VERSION := 0.1

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

install: install-module install-tools

install-module: module
	install -D -m 0644 ktgt.ko $(DESTDIR)/lib/modules/$(KVER)/$(INSTALL_MOD_DIR)/ktgt.ko
	$(if $(DESTDIR),,depmod -a $(KVER))

# ktgtctl, its man page and completion, ktgt.service (with dkms: this only)
install-tools: tools
	$(MAKE) -C tools install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) SBINDIR=$(SBINDIR) \
		MANDIR=$(MANDIR) BASHCOMPDIR=$(BASHCOMPDIR)
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)/etc/ktgt
	sed 's|@SBINDIR@|$(SBINDIR)|g' ktgt.service.in > $(DESTDIR)$(UNITDIR)/ktgt.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/ktgt.service
	chmod 0700 $(DESTDIR)/etc/ktgt

# Leaves /etc/ktgt (the saved configuration) in place.
uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/$(INSTALL_MOD_DIR)/ktgt.ko $(DESTDIR)$(UNITDIR)/ktgt.service
	$(MAKE) -C tools uninstall DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) SBINDIR=$(SBINDIR) \
		MANDIR=$(MANDIR) BASHCOMPDIR=$(BASHCOMPDIR)
	$(if $(DESTDIR),,depmod -a $(KVER))

# The source tree dkms builds from (then: dkms add/install ktgt/$(VERSION)).
dkms-src:
	install -d $(DESTDIR)/usr/src/ktgt-$(VERSION)
	cp -r Kbuild Makefile dkms.conf include iscsi_tgt scsi_backend configfs \
		$(DESTDIR)/usr/src/ktgt-$(VERSION)/

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools clean
	rm -rf build

.PHONY: all module tools deps check fuzz bench vm-selftest vm-selftest-lio demo vm-shell clean \
	install install-module install-tools uninstall dkms-src
