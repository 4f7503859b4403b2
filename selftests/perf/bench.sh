#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktgt against LIO, side by side, in one VM boot (run by selftests/perf/run,
# i.e. make bench; not part of make check).
#
# Both targets export the same block devices: a brd RAM disk (/dev/ram0)
# and a null_blk device (/dev/nullb0); ktgt through its block backstore on
# 127.0.0.1:3260, LIO through an iblock backstore on 127.0.0.1:3261.  Only
# one target is configured and logged in at a time (iblock and ktgt both
# claim the device exclusively).  open-iscsi logs in over loopback, fio runs
# the same job files against /dev/sdX, and also against the raw brd device.
# Targets are interleaved (the order alternates every repetition).
#
# Settings (from /ktgt/build/perf/bench.conf, written by selftests/perf/run):
#   BENCH_RUNTIME  seconds per fio job (5)
#   BENCH_REPS     repetitions (3)
#   BENCH_WORK     workloads to run (default: all, see WORKLOADS below)
#   BENCH_NULL     1: also the null_blk runs (1)
#   BENCH_SESSIONS session counts for the multi-session randread (1 2 4)
#   BENCH_TARGETS  targets to compare ("ktgt lio", with BENCH_KO_B "ktgt ktgtB lio")
#   BENCH_WARMUP   seconds of unrecorded fio after each login round (3)
#   BENCH_KO_B     a second ktgt.ko (path in the tree): target "ktgtB" is
#                  ktgt with that module, for before/after comparisons
# Each measurement is a line "R rep backing target workload iops KiB/s
# cpu_us_per_io" in $KTGT_RESULTS/bench.raw; selftests/perf/report turns
# them into the table.
# Parsed whole before it runs: rebuilding the tree cannot upset a running copy.
{
. "$KTGT_SRC/selftests/lib/lib.sh"
[ -f "$KTGT_SRC/build/perf/bench.conf" ] && . "$KTGT_SRC/build/perf/bench.conf"
RT=${BENCH_RUNTIME:-5}
REPS=${BENCH_REPS:-3}
WORKLOADS=${BENCH_WORK:-"rr4k-qd1 rw4k-qd1 rr4k-qd32 rw4k-qd32 sr128k-qd8 sw128k-qd8 mix4k-qd32"}
SESSIONS=${BENCH_SESSIONS:-"1 2 4"}
KO_A=$KTGT_KO
KO_B=${BENCH_KO_B:+$KTGT_SRC/$BENCH_KO_B}
if [ -n "$KO_B" ]; then
	TARGETS=${BENCH_TARGETS:-"ktgt ktgtB lio"}
else
	TARGETS=${BENCH_TARGETS:-"ktgt lio"}
fi
DO_NULL=${BENCH_NULL:-1}
# On null_blk: the random and sequential workloads at depth only.
NULL_WORKLOADS="rr4k-qd32 rw4k-qd32 sr128k-qd8 sw128k-qd8"
OUT=${KTGT_RESULTS:-/tmp}/bench.raw
KIQN=iqn.2026-11.org.ktgt:bench
LIQN=iqn.2003-01.org.linux-iscsi.ktgt-vm:bench
KP=127.0.0.1:3260
LP=127.0.0.1:3261
BRD_MIB=256
: > "$OUT"

# fio job file for WORKLOAD over the devices given (one job per device,
# each at the workload's depth); the same text for every target.
jobfile() {
	local w=$1 i=0 d rw bs qd
	shift
	case $w in
	rr4k-qd1) rw=randread bs=4k qd=1 ;;
	rw4k-qd1) rw=randwrite bs=4k qd=1 ;;
	rr4k-qd32) rw=randread bs=4k qd=32 ;;
	rw4k-qd32) rw=randwrite bs=4k qd=32 ;;
	sr128k-qd8) rw=read bs=128k qd=8 ;;
	sw128k-qd8) rw=write bs=128k qd=8 ;;
	mix4k-qd32) rw="randrw
rwmixread=70" bs=4k qd=32 ;;
	*) echo "unknown workload $w" >&2; return 1 ;;
	esac
	cat << EOF
[global]
ioengine=libaio
direct=1
rw=$rw
bs=$bs
iodepth=$qd
time_based=1
runtime=$RT
size=$((BRD_MIB - 16))M
norandommap=1
randrepeat=0
group_reporting=1
EOF
	for d; do
		i=$((i + 1))
		printf '[j%d]\nfilename=%s\n' $i "$d"
	done
}

# busy jiffies of all CPUs: user nice system irq softirq steal
busy_total() { awk '$1 == "cpu" {printf "%.0f\n", $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

# run_fio REP BACKING TARGET WORKLOAD NAME DEV...: one measurement.
run_fio() {
	local rep=$1 bk=$2 tgt=$3 w=$4 name=$5 b0 b1 res
	shift 5
	jobfile "$w" "$@" > /tmp/bench.fio || return 1
	b0=$(busy_total)
	fio --output-format=terse --terse-version=3 /tmp/bench.fio > /tmp/bench.out 2> /tmp/bench.err || {
		cat /tmp/bench.err >&2
		return 1
	}
	b1=$(busy_total)
	# terse v3: read iops $8, runtime(ms) $9, bw KiB/s $7; write 49, 50, 48.
	res=$(awk -F';' -v busy=$((b1 - b0)) 'NR == 1 {
		ios = $8 * $9 / 1000 + $49 * $50 / 1000
		iops = $8 + $49
		if (ios < 1) ios = 1
		printf "%.0f %.0f %.1f", iops, $7 + $48, busy * 10000 / ios
	}' /tmp/bench.out)
	[ -n "$res" ] || return 1
	echo "R $rep $bk $tgt $name $res" >> "$OUT"
	echo "# $bk $tgt $name: $res (IOPS KiB/s cpu_us/io)"
}

# ---- targets ----------------------------------------------------------

# use_ko PATH: ktgt.ko loaded from PATH
KO_LOADED= SWAPPED=
use_ko() {
	[ "$KO_LOADED" = "$1" ] && [ -d /sys/module/ktgt ] && return 0
	[ -d /sys/module/ktgt ] && { rmmod ktgt || return 1; }
	insmod "$1" && KO_LOADED=$1 && SWAPPED=1
}
ktgtB_up() { use_ko "$KO_B" && ktgt_up_cfg "$1"; }
ktgtB_down() { ktgt_teardown; }
ktgt_up() { use_ko "$KO_A" && ktgt_up_cfg "$1"; }
ktgt_up_cfg() {	# DEV
	ktgt_backstore block bench 0 "$1" &&
		ktgt_target $KIQN 1 $KP && ktgt_lun $KIQN 1 0 block/bench &&
		echo 1 > $KTGT_CFS/targets/$KIQN/tpgt_1/attrib/generate_node_acls &&
		echo 0 > $KTGT_CFS/targets/$KIQN/tpgt_1/attrib/demo_mode_write_protect &&
		echo 1 > $KTGT_CFS/targets/$KIQN/tpgt_1/enable
}
ktgt_down() { ktgt_teardown; }

lio_up() {	# DEV
	local d=$LIO_CFS/core/iblock_0/bench t=$LIO_CFS/iscsi/$LIQN/tpgt_1
	mkdir -p "$d" && echo "udev_path=$1" > "$d/control" && echo 1 > "$d/enable" &&
		mkdir -p "$t" && mkdir "$t/np/$LP" && mkdir "$t/lun/lun_0" &&
		ln -s "$d" "$t/lun/lun_0/bench" &&
		echo 0 > "$t/attrib/authentication" && lio_demo_mode $LIQN && lio_enable $LIQN
}
lio_down() {
	local t=$LIO_CFS/iscsi/$LIQN/tpgt_1
	[ -d "$t" ] || return 0
	echo 0 > "$t/enable"
	rm_link_dirs "$t"/lun/lun_*
	for d in "$t"/np/*; do [ -d "$d" ] && rmdir "$d"; done
	rmdir "$t" "$LIO_CFS/iscsi/$LIQN" &&
		rmdir $LIO_CFS/core/iblock_0/bench $LIO_CFS/core/iblock_0
}

logout_all() {
	iscsiadm -m node -u > /dev/null 2>&1
	iscsiadm -m node -o delete > /dev/null 2>&1
	wait_for 20 test "$(iscsi_sessions)" = 0
}

wait_sessions() {	# N: the scan found N disks
	local end=$((SECONDS + 30))
	while [ $SECONDS -lt $end ]; do
		[ "$(ls -d /sys/class/iscsi_session/session*/device/target*/*:*:*:0/block/* 2> /dev/null | wc -l)" = "$1" ] && return 0
		sleep 0.3
	done
	return 1
}

# bench_target REP BACKING DEV TARGET WORKLOADS...: configure TARGET on
# DEV, log in as many sessions as the sweep needs (idle ones cost nothing),
# run the workloads on the first, the session sweep on the first N.
bench_target() {
	local rep=$1 bk=$2 dev=$3 tgt=$4 w n i devs iqn p nmax=1
	shift 4
	if [ "$tgt" = lio ]; then iqn=$LIQN p=$LP; else iqn=$KIQN p=$KP; fi
	if [ "$bk" = brd ]; then
		for n in $SESSIONS; do [ "$n" -gt $nmax ] && nmax=$n; done
	fi
	${tgt}_up "$dev" || { t_notok "$tgt up on $dev"; ${tgt}_down; return 1; }
	logout_all
	for i in $(seq 1 $nmax); do
		iscsiadm -m node -T $iqn -p $p -I bench$i -o new > /dev/null 2>&1
		iscsiadm -m node -T $iqn -p $p -I bench$i -l > /dev/null 2>&1
	done
	if ! wait_sessions $nmax; then
		t_notok "$bk $tgt: $nmax session(s) and their disks"
	else
		devs=$(for d in /sys/class/iscsi_session/session*/device/target*/*:*:*:0/block/*; do
			echo /dev/$(basename "$d"); echo none > "$d/queue/scheduler" 2> /dev/null; done)
		# Warm-up, not recorded: the first seconds after a login, and
		# some 20 s after a module swap (rmmod + insmod), are measurably
		# slower in the TCG guest.
		fio --name=warmup --filename=$(echo $devs | cut -d' ' -f1) --ioengine=libaio \
			--direct=1 --rw=randrw --bs=4k --iodepth=32 --time_based \
			--runtime=$([ -n "$SWAPPED" ] && echo 20 || echo "${BENCH_WARMUP:-3}") \
			--size=64M > /dev/null 2>&1
		SWAPPED=
		for w; do
			run_fio "$rep" "$bk" "$tgt" "$w" "$w" $(echo $devs | cut -d' ' -f1) ||
				t_notok "$bk $tgt $w"
		done
		if [ "$bk" = brd ]; then
			for n in $SESSIONS; do
				run_fio "$rep" "$bk" "$tgt" rr4k-qd32 "rr4k-qd32-s$n" \
					$(echo $devs | cut -d' ' -f1-$n) ||
					t_notok "$bk $tgt rr4k-qd32 $n sessions"
			done
		fi
	fi
	logout_all
	${tgt}_down || t_notok "$tgt down"
}

# ---- main -------------------------------------------------------------

t_run "brd /dev/ram0 ($BRD_MIB MiB), filled" sh -c "modprobe -r brd 2> /dev/null;
	modprobe brd rd_nr=1 rd_size=$((BRD_MIB * 1024)) max_part=0 &&
	for i in 1 2 3 4 5 6 7 8 9 10; do test -b /dev/ram0 && break; sleep 0.2; done &&
	dd if=/dev/zero of=/dev/ram0 bs=1M count=$BRD_MIB oflag=direct status=none" || t_bail "no brd"
echo none > /sys/block/ram0/queue/scheduler 2> /dev/null
if [ "$DO_NULL" = 1 ]; then
	t_run "null_blk /dev/nullb0 (1 GiB, blk-mq, inline completion)" sh -c \
		"modprobe null_blk nr_devices=1 gb=1 queue_mode=2 irqmode=0 &&
		for i in 1 2 3 4 5 6 7 8 9 10; do test -b /dev/nullb0 && break; sleep 0.2; done; test -b /dev/nullb0"
fi
t_run "insmod ktgt" ktgt_load || t_bail "cannot load $KTGT_KO"
KO_LOADED=$KO_A
t_run "load LIO (target_core_mod, iscsi_target_mod, target_core_iblock)" \
	sh -c 'modprobe target_core_mod && modprobe iscsi_target_mod && modprobe target_core_iblock' ||
	t_bail "no LIO"
t_run "iscsid" iscsi_start || t_bail "no iscsid"
for i in 1 2 3 4; do
	iscsiadm -m iface -I bench$i -o new > /dev/null 2>&1
done
{
	echo "# date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "# kernel: $(uname -r), $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {print $2 / 1024 " MiB"}' /proc/meminfo)"
	echo "# fio: $(fio --version), open-iscsi: $(iscsiadm --version 2>&1 | head -n 1)"
	echo "# runtime ${RT}s per job, $REPS repetitions; brd ${BRD_MIB} MiB; null_blk 1 GiB"
	echo "# ktgt: $(git -C "$KTGT_SRC" describe --always --dirty 2> /dev/null || echo '?') ($KO_A)"
	[ -n "$KO_B" ] && echo "# ktgtB: $KO_B"
} >> "$OUT"

order=$TARGETS
for rep in $(seq 1 "$REPS"); do
	for w in $WORKLOADS; do
		run_fio "$rep" brd raw "$w" "$w" /dev/ram0 || t_notok "raw brd $w"
	done
	for tgt in $order; do
		bench_target "$rep" brd /dev/ram0 "$tgt" $WORKLOADS
		if [ "$DO_NULL" = 1 ]; then
			SAVE=$SESSIONS
			SESSIONS=
			bench_target "$rep" null /dev/nullb0 "$tgt" $NULL_WORKLOADS
			SESSIONS=$SAVE
		fi
	done
	# interleave: the other target goes first next time
	order=$(echo $order | awk '{for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "")}')
done
t_eq "every measurement recorded" \
	$((REPS * ($(echo $WORKLOADS | wc -w) + $(echo $TARGETS | wc -w) * ($(echo $WORKLOADS | wc -w) + $(echo $SESSIONS | wc -w) + (DO_NULL == 1 ? $(echo $NULL_WORKLOADS | wc -w) : 0))))) \
	"$(grep -c '^R ' "$OUT")"
t_run "stop iscsid" iscsi_stop
t_run "ktgt teardown" ktgt_teardown
t_run "rmmod ktgt" rmmod ktgt
t_done
exit
}
