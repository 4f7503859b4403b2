#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Login security and digests with open-iscsi: one-way and mutual CHAP per
# ACL and per TPG (demo mode) with each algorithm open-iscsi offers, wrong
# secrets refused with status 0201 (iscsiadm 24), discovery under enforced
# discovery auth, and CRC32C header and data digests carrying verified I/O.
. "$KTGT_SRC/selftests/lib/lib.sh"
IQN=iqn.2026-11.org.ktgt:chap-test
P=127.0.0.1:3260
T=$KTGT_CFS/targets/$IQN/tpgt_1
A=iqn.2026-11.org.ktgt:ini-chap
ACL=$T/acls/$A

# node_set KEY VALUE...: update the node record of the target
node_set() {
	while [ $# -ge 2 ]; do
		iscsiadm -m node -T $IQN -p $P -o update -n "$1" -v "$2" > /dev/null || return 1
		shift 2
	done
}
node_new() {
	iscsiadm -m node -o delete > /dev/null 2>&1
	iscsiadm -m node -T $IQN -p $P -o new > /dev/null
}
# chap_login RC USER PASS [USER_IN PASS_IN [ALGS]]: log in with these secrets,
# expect iscsiadm status RC, log out again on success.
chap_login() {
	local want=$1 rc
	node_new
	node_set node.session.auth.authmethod CHAP node.session.auth.username "$2" \
		node.session.auth.password "$3"
	[ -n "${4:-}" ] && node_set node.session.auth.username_in "$4" \
		node.session.auth.password_in "$5"
	[ -n "${6:-}" ] && node_set node.session.auth.chap_algs "$6"
	iscsiadm -m node -T $IQN -p $P -l > /tmp/chap.out 2>&1
	rc=$?
	[ $rc = 0 ] && iscsiadm -m node -T $IQN -p $P -u > /dev/null 2>&1
	[ "$rc" = "$want" ] || { cat /tmp/chap.out; echo "status $rc, expected $want"; return 1; }
}
login_failures() { dmesg | grep -c "refused: status 0201"; }

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
setup() {
	ktgt_backstore ram r0 $((64 << 20)) && ktgt_target $IQN 1 $P &&
		ktgt_lun $IQN 1 0 ram/r0 && ktgt_acl $IQN 1 $A 0 0
}
t_run "ram backstore, target with LUN 0, ACL for $A" setup
t_run "ACL secrets; authentication required" sh -c "
	echo alice > $ACL/auth/userid && echo alice-secret-12 > $ACL/auth/password &&
	echo 1 > $T/attrib/authentication && echo 1 > $T/enable"
t_file "ACL userid reads back" $ACL/auth/userid alice
t_run "iscsid as $A" iscsi_start $A

t_rc "login without CHAP is refused: 24" 24 sh -c "iscsiadm -m node -T $IQN -p $P -o new >/dev/null; iscsiadm -m node -T $IQN -p $P -l"
before=$(login_failures)
t_run "one-way CHAP (MD5)" chap_login 0 alice alice-secret-12 "" "" MD5
t_run "one-way CHAP (SHA1)" chap_login 0 alice alice-secret-12 "" "" SHA1
t_run "one-way CHAP (SHA256)" chap_login 0 alice alice-secret-12 "" "" SHA256
t_run "one-way CHAP (SHA3-256)" chap_login 0 alice alice-secret-12 "" "" SHA3-256
t_run "wrong secret is refused: 24" chap_login 24 alice wrong-secret-123
t_run "wrong user name is refused: 24" chap_login 24 mallory alice-secret-12
t_eq "target answered each with 0201" $((before + 2)) "$(login_failures)"

t_run "mutual secrets on the ACL" sh -c "
	echo target-bob > $ACL/auth/mutual_userid && echo bob-secret-1234 > $ACL/auth/mutual_password"
t_run "mutual CHAP" chap_login 0 alice alice-secret-12 target-bob bob-secret-1234
t_run "initiator refuses a target that proves a different secret: 19" \
	chap_login 19 alice alice-secret-12 target-bob not-bobs-secret
t_run "mutual CHAP with SHA256" chap_login 0 alice alice-secret-12 target-bob bob-secret-1234 SHA256
t_run "mutual secrets cleared" sh -c "echo > $ACL/auth/mutual_userid && echo > $ACL/auth/mutual_password"
t_file "mutual_userid is empty" $ACL/auth/mutual_userid ""
t_run "mutual CHAP asked for but not configured is refused: 24" \
	chap_login 24 alice alice-secret-12 target-bob bob-secret-1234

# demo mode: the TPG's own secrets
t_run "demo mode with TPG secrets" sh -c "
	echo 1 > $T/attrib/generate_node_acls && echo tpguser > $T/auth/userid &&
	echo tpg-secret-5678 > $T/auth/password"
t_run "iscsid as an initiator without ACL" iscsi_start iqn.2026-11.org.ktgt:ini-other
t_run "demo-mode CHAP with the TPG's secret" chap_login 0 tpguser tpg-secret-5678
t_run "demo-mode CHAP with the ACL's secret is refused: 24" chap_login 24 alice alice-secret-12

# discovery auth
t_run "discovery auth enforced" sh -c "
	echo 1 > $KTGT_CFS/discovery_auth/enforce && echo disc > $KTGT_CFS/discovery_auth/userid &&
	echo disc-secret-9999 > $KTGT_CFS/discovery_auth/password"
iscsiadm -m discoverydb -o delete > /dev/null 2>&1
t_rc "SendTargets without credentials fails: 24" 24 iscsiadm -m discovery -t st -p $P
disc() {
	iscsiadm -m discoverydb -t st -p $P -o delete > /dev/null 2>&1
	iscsiadm -m discoverydb -t st -p $P -o new > /dev/null &&
	iscsiadm -m discoverydb -t st -p $P -o update -n discovery.sendtargets.auth.authmethod -v CHAP &&
	iscsiadm -m discoverydb -t st -p $P -o update -n discovery.sendtargets.auth.username -v disc &&
	iscsiadm -m discoverydb -t st -p $P -o update -n discovery.sendtargets.auth.password -v "$1" &&
	iscsiadm -m discoverydb -t st -p $P --discover
}
t_eq "SendTargets with discovery CHAP lists the target" "$P,1 $IQN" "$(disc disc-secret-9999 2>&1)"
t_rc "SendTargets with a wrong discovery secret fails: 24" 24 disc wrong-secret-000
t_run "discovery auth off" sh -c "echo 0 > $KTGT_CFS/discovery_auth/enforce"

# digests
t_run "iscsid as $A again" iscsi_start $A
t_run "authentication off; target offers CRC32C digests" sh -c "
	echo 0 > $T/attrib/authentication &&
	echo CRC32C,None > $T/param/HeaderDigest && echo CRC32C,None > $T/param/DataDigest"
t_file "param/HeaderDigest reads back" $T/param/HeaderDigest "CRC32C,None"
node_new
node_set node.conn[0].iscsi.HeaderDigest CRC32C node.conn[0].iscsi.DataDigest CRC32C
t_run "login with CRC32C digests" iscsiadm -m node -T $IQN -p $P -l
neg=$(iscsiadm -m session -P 2 2>/dev/null)
t_match "negotiated HeaderDigest CRC32C" "HeaderDigest: CRC32C" "$neg"
t_match "negotiated DataDigest CRC32C" "DataDigest: CRC32C" "$neg"
d=$(iscsi_disk $IQN)
t_run "fio --verify=crc32c over digested PDUs" fio --name=dg --filename="$d" --direct=1 \
	--ioengine=libaio --rw=randwrite --bsrange=512-256k --size=32m --iodepth=8 \
	--verify=crc32c --verify_fatal=1 --do_verify=1 --output=/tmp/fio-dg.out
t_run "logout" iscsi_logout $IQN $P
t_run "stop iscsid" iscsi_stop
t_run "teardown" ktgt_teardown
t_run "rmmod" rmmod ktgt
t_done
