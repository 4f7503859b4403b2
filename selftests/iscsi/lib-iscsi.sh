# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the raw-PDU protocol tests (sourced after ../lib/lib.sh).
# The python test (pdu.py's Tap) continues lib.sh's TAP numbering and hands
# its count and failures back through a state file, so a script mixes shell
# assertions (setup, teardown) and python ones in one TAP stream.

PDU_DIR=$KTGT_SRC/selftests/iscsi
PDU_IQN=iqn.2026-11.org.ktgt:pdu
PDU_ACL_IQN=iqn.2026-11.org.ktgt:pdu-acl
PDU_ACL_INI=iqn.2026-11.org.ktgt:pdu-allowed
PDU_HOST=127.0.0.1
PDU_PORT=3260

# pdu_setup: the module, a demo-mode target with a 64 MiB ram LUN, and a
# second target with generate_node_acls=0 and one ACL, same portal.
pdu_setup() {
	local t=$KTGT_CFS/targets/$PDU_ACL_IQN/tpgt_1
	ktgt_load || return 1
	ktgt_demo_target "$PDU_IQN" ram 67108864 "$PDU_HOST:$PDU_PORT" || return 1
	ktgt_backstore ram pdu_acl 1048576 &&
		ktgt_target "$PDU_ACL_IQN" 1 "$PDU_HOST:$PDU_PORT" &&
		ktgt_lun "$PDU_ACL_IQN" 1 0 ram/pdu_acl &&
		echo 0 > "$t/attrib/generate_node_acls" &&
		ktgt_acl "$PDU_ACL_IQN" 1 "$PDU_ACL_INI" 0 0 &&
		echo 1 > "$t/enable"
}

# pdu_run TEST.py: run a python test; its TAP lines join this script's.
pdu_run() {
	local state=/tmp/pdu-tap.$$ n f rc
	rm -f "$state"
	PDU_IQN=$PDU_IQN PDU_ACL_IQN=$PDU_ACL_IQN PDU_ACL_INI=$PDU_ACL_INI \
		PDU_HOST=$PDU_HOST PDU_PORT=$PDU_PORT KTGT_CFS=$KTGT_CFS \
		python3 "$PDU_DIR/$1" --tap-start "$_t_n" --tap-state "$state"
	rc=$?
	if read -r n f < "$state" 2> /dev/null; then
		_t_n=$n
		_t_failed=$((_t_failed + f))
		[ "$f" = 0 ] && [ $rc != 0 ] && t_notok "$1 exited with status $rc"
	else
		t_notok "$1 finished its TAP stream" "exit status $rc (crashed?)"
	fi
	rm -f "$state"
}

# pdu_finish: tear down, check the module unloads, print the plan.
pdu_finish() {
	ktgt_teardown
	t_result "teardown" $?
	ktgt_unload
	t_result "module unloads" $?
	t_done
}

# pdu_main TEST.py: the whole of a plain raw-PDU test: setup, TEST.py, finish.
pdu_main() {
	if pdu_setup; then
		t_ok "setup: module, demo target and ACL target"
	else
		t_bail "setup of the targets failed"
	fi
	pdu_run "$1"
	pdu_finish
}

pdu_dmset() { dmsetup --noudevsync --verifyudev "$@"; }

# pdu_slow_lun DM NAME DELAY...: LUN 1 of $PDU_IQN, a block LU NAME over the
# device-mapper device DM on an 8 MiB brd disk; linear while the LU is set
# up, then "delay /dev/ram0 0 DELAY..." (dm-delay's table after its first
# device: one delay for all I/O, or "0 /dev/ram0 0 MS" for writes only).
pdu_slow_lun() {
	local dm=$1 name=$2 sectors=$((8 * 2048))
	shift 2
	brd_disk 8 && modprobe -a dm_mod dm_delay &&
		{ echo "0 $sectors linear /dev/ram0 0" | pdu_dmset create "$dm"; } &&
		pdu_dmset mknodes "$dm" && wait_for 10 test -b "/dev/mapper/$dm" &&
		ktgt_backstore block "$name" 0 "/dev/mapper/$dm" &&
		ktgt_lun "$PDU_IQN" 1 1 "block/$name" &&
		pdu_dmset suspend "$dm" &&
		{ echo "0 $sectors delay /dev/ram0 0 $*" | pdu_dmset load "$dm"; } &&
		pdu_dmset resume "$dm"
}
