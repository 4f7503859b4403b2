#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Backing-device faults with device-mapper: LUN 0 is a block backstore over
# /dev/mapper/ktgt_dm, whose table this script swaps (dm-error over a
# region, dm-flakey failing writes, dm-delay longer than an initiator
# waits, then linear again) under the live LU.  The raw-PDU client
# (90-dm-faults.py) asserts the exact sense of each failing command; sg_raw
# through open-iscsi checks the same from the Linux initiator's side, and
# that its own error handling ends while dm-delay holds a command.
. "$KTGT_SRC/selftests/lib/lib.sh"
. "$KTGT_SRC/selftests/iscsi/lib-iscsi.sh"
DM=ktgt_dm
MIB=64
SECTORS=$((MIB * 2048))
ERR_LBA=8192 ERR_LEN=2048
DELAY_MS=${DELAY_MS:-20000}
T=$KTGT_CFS/targets/$PDU_IQN/tpgt_1

# No udev in the guest: dmsetup must not wait for it, and makes the node itself.
dmset() { dmsetup --noudevsync --verifyudev "$@"; }
dm_table() { # the table on stdin: load it and resume (the swap of a live LU)
	dmset suspend $DM && dmset load $DM && dmset resume $DM
}
tbl_linear() { echo "0 $SECTORS linear /dev/ram0 0"; }
tbl_error() {
	echo "0 $ERR_LBA linear /dev/ram0 0"
	echo "$ERR_LBA $ERR_LEN error"
	echo "$((ERR_LBA + ERR_LEN)) $((SECTORS - ERR_LBA - ERR_LEN)) linear /dev/ram0 $((ERR_LBA + ERR_LEN))"
}
tbl_flakey() { echo "0 $SECTORS flakey /dev/ram0 0 1 1 1 error_writes"; }
tbl_delay() { echo "0 $SECTORS delay /dev/ram0 0 $DELAY_MS"; }
tbl_delay12() { echo "0 $SECTORS delay /dev/ram0 0 12000"; }
swap() { "tbl_$1" | dm_table; }

phase() {
	local state=/tmp/dm-tap.$$ n f rc
	rm -f "$state"
	DM_PHASE=$1 ERR_LBA=$ERR_LBA ERR_LEN=$ERR_LEN DELAY_MS=$DELAY_MS \
		PDU_IQN=$PDU_IQN PDU_HOST=$PDU_HOST PDU_PORT=$PDU_PORT KTGT_CFS=$KTGT_CFS \
		timeout 150 python3 "$KTGT_SRC/selftests/ktgt/90-dm-faults.py" \
		--tap-start "$_t_n" --tap-state "$state"
	rc=$?
	if read -r n f < "$state" 2> /dev/null; then
		_t_n=$n
		_t_failed=$((_t_failed + f))
		[ "$f" = 0 ] && [ $rc != 0 ] && t_notok "phase $1 exited with status $rc"
	else
		t_notok "phase $1 finished its TAP stream" "exit status $rc (crashed or timed out?)"
	fi
	rm -f "$state"
}

setup() {
	brd_disk $MIB && modprobe -a dm_mod dm_flakey dm_delay &&
		{ tbl_linear | dmset create $DM; } && dmset mknodes $DM &&
		wait_for 10 test -b /dev/mapper/$DM &&
		ktgt_load && ktgt_backstore block dm0 0 /dev/mapper/$DM &&
		ktgt_backstore ram r1 16777216 && ktgt_target $PDU_IQN 1 $PDU_HOST:$PDU_PORT &&
		ktgt_lun $PDU_IQN 1 0 block/dm0 && ktgt_lun $PDU_IQN 1 1 ram/r1 &&
		echo 1 > $T/attrib/generate_node_acls &&
		echo 0 > $T/attrib/demo_mode_write_protect && echo 1 > $T/enable
}

# sg_raw through the Linux initiator: the sense as sg3-utils decodes it
sg_phase() {
	local dev out rc
	t_run "open-iscsi: login" iscsi_login $PDU_IQN $PDU_HOST:$PDU_PORT || return
	dev=$(iscsi_disk $PDU_IQN 0)
	t_match "open-iscsi: LUN 0 is a disk" '^/dev/sd[a-z]+$' "$dev" || return
	out=$(sg_raw -r 4096 -o /dev/null "$dev" 28 00 00 00 20 00 00 00 08 00 2>&1)
	rc=$?
	t_eq "sg_raw READ(10) of LBA $ERR_LBA: exit status 3 (medium or hardware error)" 3 "$rc"
	t_match "sg_raw: Medium Error, Unrecovered read error" \
		'Sense key: Medium Error.*Additional sense: Unrecovered read error' "$(echo $out)"
	head -c 4096 /dev/zero > /tmp/zero4k
	out=$(sg_raw -s 4096 -i /tmp/zero4k "$dev" 2a 00 00 00 20 00 00 00 08 00 2>&1)
	rc=$?
	t_eq "sg_raw WRITE(10) of LBA $ERR_LBA: exit status 3" 3 "$rc"
	t_match "sg_raw: Medium Error, Write error" \
		'Sense key: Medium Error.*Additional sense: Write error' "$(echo $out)"
	t_run "open-iscsi: reading LBA 0 still works" dd if="$dev" of=/dev/null bs=4k count=1 iflag=direct status=none
	t_run "open-iscsi: logout" iscsi_logout $PDU_IQN $PDU_HOST:$PDU_PORT
}

t_run "setup: brd, dm linear table $DM, block LUN 0 over it, ram LUN 1" setup ||
	t_bail "setup failed"
t_run "swap $DM to dm-error over LBAs $ERR_LBA-$((ERR_LBA + ERR_LEN - 1))" swap error
phase error
t_run "iscsid" iscsi_start
sg_phase
iscsi_stop
t_run "swap back to linear" swap linear
phase linear
t_run "swap to dm-flakey (writes fail 1 s of every 2)" swap flakey
phase flakey
t_run "swap back to linear" swap linear
phase acked
t_run "swap to dm-delay ($DELAY_MS ms)" swap delay
phase delay
t_run "swap back to linear" swap linear
# The Linux initiator's command timeout (5 s) expires first and its error
# handling sends ABORT TASK, which the target answers once the device
# gives the command back (12 s: within open-iscsi's 15 s abort timeout,
# and under the guest's 30 s hung-task limit, as SG_IO waits in D state).
delay_iscsi() {
	local dev t0 rc
	t_run "iscsid" iscsi_start
	t_run "open-iscsi: login" iscsi_login $PDU_IQN $PDU_HOST:$PDU_PORT || return
	dev=$(iscsi_disk $PDU_IQN 0)
	t_run "swap to dm-delay (12000 ms)" swap delay12
	t0=$SECONDS
	timeout 150 sg_raw -t 5 -r 4096 -o /dev/null "$dev" 28 00 00 00 01 00 00 00 08 00 > /dev/null 2>&1
	rc=$?
	t_match "sg_raw READ with a 5 s timeout on the delayed LU returns within 30 s (the abort completes)" \
		'^([0-9]|[12][0-9])$' "$((SECONDS - t0))"
	t_diag "sg_raw: status $rc, $((SECONDS - t0)) s"
	t_run "swap back to linear (flushes the delayed I/O)" swap linear
	t_run "open-iscsi: the session is (back) in LOGGED_IN within 60 s" wait_for 60 \
		bash -c "iscsiadm -m session -P 3 | grep -q 'iSCSI Session State: LOGGED_IN'"
	dev=$(iscsi_disk $PDU_IQN 0)
	t_run "open-iscsi: reads work again" dd if="$dev" of=/dev/null bs=64k count=16 iflag=direct status=none
	t_run "open-iscsi: logout" timeout 60 iscsiadm -m node -u
	iscsi_stop
}
delay_iscsi
phase linear
t_run "teardown" ktgt_teardown
t_run "rmmod" ktgt_unload
t_run "dmsetup remove" dmset remove $DM
t_run "rmmod brd" modprobe -r brd
t_done
