#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Removal under load: rmmod while open-iscsi is logged in and fio runs
# (refused with EBUSY, I/O unharmed), then configfs removal of a mapped LUN,
# a LUN, an ACL, a portal, and a whole TPG and target while fio runs on
# them.  Every removal finishes in bounded time, the initiator's I/O ends
# (errors allowed, no hang), and target B, configured alongside, keeps
# serving verified I/O after each step.  The guest's dmesg must stay clean.
. "$KTGT_SRC/selftests/lib/lib.sh"
A=iqn.2026-11.org.ktgt:rm-a
B=iqn.2026-11.org.ktgt:rm-b
INI=iqn.2026-11.org.ktgt:rm-initiator
PA=127.0.0.1:3260 PA2=127.0.0.1:3262 PB=127.0.0.1:3261
TA=$KTGT_CFS/targets/$A/tpgt_1 TB=$KTGT_CFS/targets/$B/tpgt_1
FIO_PID=

setup() {
	ktgt_load && ktgt_backstore ram a0 67108864 && ktgt_backstore ram a1 67108864 &&
		ktgt_backstore ram b0 67108864 &&
		ktgt_target $A 1 $PA && ktgt_lun $A 1 0 ram/a0 && ktgt_lun $A 1 1 ram/a1 &&
		echo 0 > $TA/attrib/generate_node_acls && ktgt_acl $A 1 $INI 0 0 1 1 &&
		echo 1 > $TA/enable &&
		ktgt_target $B 1 $PB && ktgt_lun $B 1 0 ram/b0 &&
		echo 1 > $TB/attrib/generate_node_acls &&
		echo 0 > $TB/attrib/demo_mode_write_protect && echo 1 > $TB/enable
}

# ios DEV: I/Os the disk has completed (reads + writes)
ios() { awk '{print $1 + $5}' "/sys/block/$(basename "$1")/stat"; }
# ios_ge DEV N: it has completed at least N
ios_ge() { [ "$(ios "$1")" -ge "$2" ]; }
# fio_bg DEV: random 4 KiB reads and writes at QD8 until stopped; returns
# once 200 of its I/Os have completed
fio_bg() {
	local n0
	n0=$(ios "$1")
	fio --name=bg --filename="$1" --rw=randrw --bs=4k --direct=1 --ioengine=libaio \
		--iodepth=8 --time_based --runtime=600 --output=/tmp/fio.bg > /dev/null 2>&1 &
	FIO_PID=$!
	wait_for 60 ios_ge "$1" $((n0 + 200)) || t_diag "fio on $1 did not get going"
}
# fio_stop: fio ends within 60 s of SIGTERM (its I/O may fail; it must not hang)
fio_stop() {
	kill "$FIO_PID" 2> /dev/null
	wait_for 60 bash -c "! kill -0 $FIO_PID"
	local rc=$?
	wait "$FIO_PID" 2> /dev/null
	FIO_PID=
	return $rc
}
# b_works: target B's disk takes a 4 MiB write and reads it back
b_works() {
	local d
	d=$(iscsi_disk $B 0) || return 1
	head -c 4M /dev/urandom > /tmp/b.bin
	dd if=/tmp/b.bin of="$d" bs=1M oflag=direct status=none &&
		[ "$(sha256sum < /tmp/b.bin)" = "$(dd if="$d" bs=1M count=4 iflag=direct status=none | sha256sum)" ]
}
# timed DESC SECONDS CMD...: CMD (a command or rm_link_dirs) succeeds
# within SECONDS; its time is shown
timed() {
	local desc=$1 lim=$2 t0=$SECONDS
	shift 2
	t_run "$desc" timeout "$lim" bash -c "$(declare -f rm_link_dirs); \"\$@\"" _ "$@"
	t_diag "$desc: $((SECONDS - t0)) s"
}
lun_disk_gone() { ! iscsi_disk "$A" "$1" > /dev/null 2>&1; }

t_run "setup: target A (ACL, LUNs 0 and 1) on $PA, target B (demo) on $PB" setup ||
	t_bail "setup failed"
t_run "iscsid" iscsi_start $INI
t_run "login to A" iscsi_login $A $PA
t_run "login to B" iscsi_login $B $PB
DA0=$(iscsi_disk $A 0) DA1=$(iscsi_disk $A 1) DB=$(iscsi_disk $B 0)
t_match "A's LUNs 0 and 1 and B's LUN 0 are disks" '^/dev/sd[a-z]+ /dev/sd[a-z]+ /dev/sd[a-z]+$' \
	"$DA0 $DA1 $DB" || t_bail "no disks"

# --- rmmod while sessions run: refused, nothing disturbed
fio --name=v --filename="$DA0" --rw=randwrite --bs=4k --size=32M --direct=1 \
	--ioengine=libaio --iodepth=16 --verify=crc32c --verify_fatal=1 --do_verify=1 \
	--output=/tmp/fio.v > /dev/null 2>&1 &
FIO_PID=$!
n0=$(ios "$DA0")
wait_for 60 ios_ge "$DA0" $((n0 + 200)) || t_diag "fio did not get going"
out=$(rmmod ktgt 2>&1)
t_eq "rmmod while fio runs over two sessions is refused" 1 $?
t_match "with a clear error (EBUSY: in use)" 'in use' "$out"
t_eq "the module is still loaded" yes "$([ -d /sys/module/ktgt ] && echo yes)"
wait "$FIO_PID"
t_eq "fio's verified writes (32 MiB) completed without error" 0 $?
FIO_PID=

# --- unmap LUN 1 from the ACL, then remove LUN 1, with fio on it
fio_bg "$DA1"
timed "rm the ACL's lun_1 mapping while fio runs on it" 60 rm_link_dirs $TA/acls/$INI/lun_1
timed "rm LUN 1 from the TPG" 60 rm_link_dirs $TA/lun/lun_1
t_run "fio on the vanished LUN ends" fio_stop
t_run "LUN 0 of A still takes verified I/O" fio --name=a0 --filename="$DA0" --rw=randwrite \
	--bs=64k --size=8M --direct=1 --ioengine=libaio --iodepth=4 --verify=crc32c \
	--verify_fatal=1 --output=/tmp/fio.a0
t_run "target B still works" b_works

# --- remove the ACL with fio on its LUN 0: its session ends, relogin refused
fio_bg "$DA0"
timed "rm the ACL's lun_0 mapping while fio runs on it" 60 rm_link_dirs $TA/acls/$INI/lun_0
timed "rmdir the ACL (ends its session)" 60 rmdir $TA/acls/$INI
t_run "fio on A ends" fio_stop
t_run "target B still works" b_works
t_run "re-create the ACL" ktgt_acl $A 1 $INI 0 0
a_logged_in() {
	iscsiadm -m session -P 3 | grep -A20 "Target: $A" | grep -q 'iSCSI Session State: LOGGED_IN'
}
# open-iscsi may have given up its retries on the refusal: then log in anew
relogin() { wait_for 40 a_logged_in || { iscsi_logout $A $PA; iscsi_login $A $PA; }; }
t_run "A's initiator is let in again (open-iscsi's retry or a new login)" relogin
DA0=$(iscsi_disk $A 0)
t_run "and LUN 0 of A takes I/O again" dd if=/dev/zero of="$DA0" bs=64k count=16 oflag=direct status=none

# --- remove the portal with fio running over it
fio_bg "$DA0"
timed "rmdir the portal $PA while fio runs over it" 60 rmdir "$TA/np/$PA"
t_run "add another portal $PA2" mkdir "$TA/np/$PA2"
t_match "discovery on $PA2 finds A" "$PA2,1 $A" "$(iscsi_discover $PA2)"
t_run "fio on A ends" fio_stop

# --- remove the whole TPG and target with fio running on it
fio_bg "$DA0"
teardown_a() {
	rm_link_dirs $TA/acls/$INI/lun_* && rmdir $TA/acls/$INI &&
		rm_link_dirs $TA/lun/lun_* && rmdir $TA/np/* && rmdir $TA &&
		rmdir $KTGT_CFS/targets/$A && rmdir $KTGT_CFS/backstores/ram/a0 \
			$KTGT_CFS/backstores/ram/a1
}
timed "remove target A (ACL, LUN, portal, TPG, target, backstores) while fio runs" 90 \
	bash -c "$(declare -f rm_link_dirs teardown_a); TA='$TA' INI='$INI' A='$A' KTGT_CFS='$KTGT_CFS' teardown_a"
t_run "fio on A ends" fio_stop
t_run "target B still works" b_works
t_eq "B's session is the only one A's removal left working" LOGGED_IN \
	"$(iscsiadm -m session -P 3 | grep -A20 "Target: $B" | awk '/iSCSI Session State/ {print $4; exit}')"

t_run "the initiator drops A's session (its target is gone)" timeout 60 iscsiadm -m node -T $A -u

# --- logout in the middle of heavy I/O
fio_bg "$(iscsi_disk $B 0)"
timed "logout of B while fio runs on it" 60 iscsiadm -m node -T $B -p $PB -u
t_run "fio on B ends" fio_stop
t_eq "no session left" 0 "$(iscsi_sessions)"

# --- the rest unloads cleanly
iscsiadm -m node -u > /dev/null 2>&1
t_run "stop iscsid" iscsi_stop
t_run "teardown of B" ktgt_teardown
timed "rmmod" 60 rmmod ktgt
t_done
