#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ACLs (generate_node_acls=0): a listed initiator logs in and sees exactly
# its mapped LUNs under their mapped numbers; an unlisted one is refused
# (iscsiadm status 24, as against LIO); with demo mode on, an unlisted
# initiator sees every LUN while a listed one keeps its own view.
. "$KTGT_SRC/selftests/lib/lib.sh"
IQN=iqn.2026-11.org.ktgt:acl-test
P=127.0.0.1:3260
T=$KTGT_CFS/targets/$IQN/tpgt_1
A=iqn.2026-11.org.ktgt:ini-a
B=iqn.2026-11.org.ktgt:ini-b
C=iqn.2026-11.org.ktgt:ini-c
luns_of() { # the LUN numbers of the session's disks, sorted
	local s
	for s in /sys/class/iscsi_session/session*/device/target*/*:*:*:*; do
		[ -e "$s/block" ] && echo "${s##*:}"
	done | sort -n | xargs
}
size_of_lun() { blockdev --getsize64 "$(iscsi_disk $IQN "$1")"; }

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
setup() {
	ktgt_backstore ram r0 $((64 << 20)) && ktgt_backstore ram r1 $((128 << 20)) &&
		ktgt_target $IQN 1 $P && ktgt_lun $IQN 1 0 ram/r0 && ktgt_lun $IQN 1 1 ram/r1
}
t_run "backstores r0 (64 MiB), r1 (128 MiB); target with LUN 0 = r0, LUN 1 = r1 on $P" setup
t_run "ACL for $A: its LUN 0 is the TPG's LUN 1" ktgt_acl $IQN 1 $A 0 1
t_run "ACL for $B: its LUN 3 is the TPG's LUN 0" ktgt_acl $IQN 1 $B 3 0
t_file "demo mode is off" $T/attrib/generate_node_acls 0
t_run "enable" sh -c "echo 1 > $T/enable"

t_run "iscsid as $A" iscsi_start $A
t_eq "SendTargets as $A lists the target" "$P,1 $IQN" "$(iscsi_discover $P)"
t_run "login as $A" iscsi_login $IQN $P
iscsi_disk $IQN 0 > /dev/null
t_eq "$A sees exactly LUN 0" "0" "$(luns_of)"
t_eq "$A's LUN 0 is r1 (128 MiB)" 134217728 "$(size_of_lun 0)"
head -c 1M /dev/urandom > /tmp/a.bin
t_run "$A writes 1 MiB" dd if=/tmp/a.bin of="$(iscsi_disk $IQN 0)" bs=1M oflag=direct status=none
t_run "logout" iscsi_logout $IQN $P

t_run "iscsid as $B" iscsi_start $B
t_run "login as $B" iscsi_login $IQN $P
iscsi_disk $IQN 3 > /dev/null
t_eq "$B sees exactly LUN 3" "3" "$(luns_of)"
t_eq "$B's LUN 3 is r0 (64 MiB)" 67108864 "$(size_of_lun 3)"
t_run "logout" iscsi_logout $IQN $P

t_run "iscsid as $C (no ACL)" iscsi_start $C
t_rc "login as $C is refused: status 24" 24 iscsi_login $IQN $P
t_eq "no session" 0 "$(iscsi_sessions)"

t_run "demo mode on" sh -c "echo 1 > $T/attrib/generate_node_acls && echo 0 > $T/attrib/demo_mode_write_protect"
t_run "login as $C now" iscsi_login $IQN $P
iscsi_disk $IQN 1 > /dev/null
t_eq "$C sees every LUN of the TPG" "0 1" "$(luns_of)"
t_eq "$C's LUN 1 is r1 (128 MiB)" 134217728 "$(size_of_lun 1)"
t_eq "$C reads what $A wrote on r1" "$(sha256sum < /tmp/a.bin)" \
	"$(dd if="$(iscsi_disk $IQN 1)" bs=1M count=1 iflag=direct status=none | sha256sum)"
t_run "logout" iscsi_logout $IQN $P
t_run "iscsid as $A" iscsi_start $A
t_run "login as $A with demo mode on" iscsi_login $IQN $P
iscsi_disk $IQN 0 > /dev/null
t_eq "$A still sees only its own mapping" "0" "$(luns_of)"
t_eq "its LUN 0 is still r1" 134217728 "$(size_of_lun 0)"
t_run "logout" iscsi_logout $IQN $P
t_run "stop iscsid" iscsi_stop
t_run "teardown" ktgt_teardown
t_run "rmmod" rmmod ktgt
t_done
