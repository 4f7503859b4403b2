#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the CPU goes while fio runs against ktgt (block backstore on brd)
# over open-iscsi on loopback: perf record -a (cpu-clock; TCG has no PMU)
# per workload, the top symbols in $KTGT_RESULTS/profile-<workload>.txt.
# A development aid, not a test: selftests/vm/run selftests/perf/profile.sh
# (PROFILE_TARGET=lio profiles LIO instead).
{
. "$KTGT_SRC/selftests/lib/lib.sh"
IQN=iqn.2026-11.org.ktgt:prof
P=127.0.0.1:3260
W=${PROFILE_WORK:-"rr4k-qd32 rw4k-qd32 sr128k-qd8 sw128k-qd8"}
command -v perf > /dev/null || t_bail "no perf"
t_run "brd" brd_disk 256
t_run "fill brd" dd if=/dev/zero of=/dev/ram0 bs=1M count=256 oflag=direct status=none
if [ "${PROFILE_TARGET:-ktgt}" = lio ]; then
	IQN=iqn.2003-01.org.linux-iscsi.ktgt-vm:prof
	t_run "LIO iblock on brd" sh -c "modprobe target_core_mod && modprobe iscsi_target_mod &&
		modprobe target_core_iblock && d=$LIO_CFS/core/iblock_0/p && mkdir -p \$d &&
		echo udev_path=/dev/ram0 > \$d/control && echo 1 > \$d/enable &&
		t=$LIO_CFS/iscsi/$IQN/tpgt_1 && mkdir -p \$t && mkdir \$t/np/$P &&
		mkdir \$t/lun/lun_0 && ln -s \$d \$t/lun/lun_0/p" &&
		lio_demo_mode $IQN && echo 0 > $LIO_CFS/iscsi/$IQN/tpgt_1/attrib/authentication &&
		lio_enable $IQN
else
	t_run "insmod" ktgt_load || t_bail "no ktgt"
	ktgt_brd_target() {
		local t=$KTGT_CFS/targets/$IQN/tpgt_1
		ktgt_backstore block b0 0 /dev/ram0 && ktgt_target $IQN 1 $P &&
			ktgt_lun $IQN 1 0 block/b0 &&
			echo 1 > "$t/attrib/generate_node_acls" &&
			echo 0 > "$t/attrib/demo_mode_write_protect" &&
			echo 1 > "$t/enable"
	}
	t_run "ktgt block on brd" ktgt_brd_target
fi
t_run "iscsid" iscsi_start
t_run "login" iscsi_login $IQN $P
DEV=$(iscsi_disk $IQN 0)
echo none > /sys/block/${DEV#/dev/}/queue/scheduler
for w in $W; do
	case $w in
	rr4k-qd32) a="--rw=randread --bs=4k --iodepth=32" ;;
	rw4k-qd32) a="--rw=randwrite --bs=4k --iodepth=32" ;;
	rr4k-qd1) a="--rw=randread --bs=4k --iodepth=1" ;;
	sr128k-qd8) a="--rw=read --bs=128k --iodepth=8" ;;
	sw128k-qd8) a="--rw=write --bs=128k --iodepth=8" ;;
	esac
	perf record -a -g -e cpu-clock -o /tmp/perf.$w -- fio --name=p --filename=$DEV \
		--ioengine=libaio --direct=1 $a --time_based --runtime=${PROFILE_RUNTIME:-8} \
		--size=200M --norandommap --output-format=terse > /tmp/fio.$w 2> /tmp/perf.err
	t_result "perf record $w" $? "$(tail -n 3 /tmp/perf.err)"
	{
		awk -F';' '{print "# IOPS " $8 + $49}' /tmp/fio.$w
		perf report -i /tmp/perf.$w --no-children --sort sym --stdio -g none 2> /dev/null |
			grep -v '^#' | grep -v '^$' | head -n 70
		echo "## by command"
		perf report -i /tmp/perf.$w --no-children --sort comm --stdio -g none 2> /dev/null |
			grep -v '^#' | grep -v '^$' | head -n 20
		echo "## by command and symbol"
		perf report -i /tmp/perf.$w --no-children --sort comm,sym --stdio -g none 2> /dev/null |
			grep -v '^#' | grep -v '^$' | head -n 150
		echo "## with children (callees counted in their callers)"
		perf report -i /tmp/perf.$w --children --sort sym --stdio -g none 2> /dev/null |
			grep -v '^#' | grep -v '^$' | head -n 120
	} > "$KTGT_RESULTS/profile-$w.txt"
done
t_run "logout" iscsi_logout $IQN $P
t_run "stop iscsid" iscsi_stop
t_done
exit
}
