#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktgtctl save / clear / restore against the real configfs tree: two
# targets, several TPGs and LUNs on backstores of every type (ram, file,
# null, block; one removable), IPv4 and IPv6 portals, ACLs with mutual
# CHAP, discovery auth, an ALUA group holding a LUN's port, and a
# persistent reservation with APTPL.  The saved configuration
# comes back object by object after clear, and after rmmod + insmod; a
# conflicting or corrupted file is refused and changes nothing.
. "$KTGT_SRC/selftests/lib/lib.sh"
K=$KTGTCTL
C=$KTGT_CFS
A=iqn.2026-11.org.ktgt:sr-a
B=iqn.2026-11.org.ktgt:sr-b
I1=iqn.2026-11.org.ktgt:sr-ini1
I2=iqn.2026-11.org.ktgt:sr-ini2
D=/tmp/sr
CFG=$D/cfg.json

# The tree as "path = value" lines, secrets included, links resolved.
flat() {
	$K show --json --secrets | python3 -c '
import json, sys
def walk(p, o):
    if isinstance(o, dict) and set(o) != {"link"}:
        if not o:
            print(p + "/")
        for k in o:
            walk(p + "/" + k, o[k])
    else:
        print(p, "=", json.dumps(o))
walk("", json.load(sys.stdin))' | sort
}
# same_objects WHEN BEFORE: every top-level object equal to BEFORE's
same_objects() {
	local now obj
	now=$(flat)
	for obj in /backstores/ram/r0 /backstores/ram/r1 /backstores/file/f0 /backstores/file/f1 \
		/backstores/null/n0 /backstores/block/b0 /targets/$A/tpgt_1 /targets/$A/tpgt_2 /targets/$B/tpgt_1 /discovery_auth; do
		t_eq "$1: $obj" "$(grep -F "$obj/" <<< "$2")" "$(grep -F "$obj/" <<< "$now")"
	done
	t_eq "$1: the whole tree" "$2" "$now"
}
empty_tree() {
	[ -z "$(find $C/backstores -mindepth 2)" ] && [ -z "$(ls -A $C/targets)" ]
}

build() {
	$K backstore create ram r0 32M --serial SR-R0 &&
	$K backstore create ram r1 16M --block-size 4096 --readonly &&
	$K backstore create file f0 $D/f0.img &&
	$K backstore create file f1 $D/f1.img 8M --serial SR-F1 &&
	$K tpg create $A 1 && $K tpg create $A 2 && $K tpg create $B 1 &&
	$K lun create $A 1 0 ram/r0 && $K lun create $A 1 1 file/f0 &&
	$K lun create $A 2 0 ram/r1 && $K lun create $A 2 5 file/f1 &&
	$K lun create $B 1 0 file/f0 && $K lun create $B 1 1 ram/r0 &&
	$K portal create $A 1 127.0.0.1:3260 && $K portal create $A 1 "[::1]:3260" &&
	$K portal create $A 2 127.0.0.1:3261 && $K portal create $B 1 "[::1]:3262" &&
	$K acl create $A 1 $I1 && $K acl map-lun $A 1 $I1 0 0 && $K acl map-lun $A 1 $I1 1 1 &&
	$K acl set $A 1 $I1 auth userid u1 && $K acl set $A 1 $I1 auth password secret-one-1 &&
	$K acl set $A 1 $I1 auth mutual_userid tu1 && $K acl set $A 1 $I1 auth mutual_password mutual-one-1 &&
	$K acl create $B 1 $I2 && $K acl map-lun $B 1 $I2 3 1 &&
	$K acl set $B 1 $I2 auth userid u2 && $K acl set $B 1 $I2 auth password secret-two-2 &&
	$K acl set $B 1 $I2 auth mutual_userid tu2 && $K acl set $B 1 $I2 auth mutual_password mutual-two-2 &&
	$K tpg set $A 1 attrib authentication 1 && $K tpg set $A 1 attrib default_cmdsn_depth 128 &&
	$K tpg set $B 1 attrib generate_node_acls 1 &&
	$K tpg set $A 1 param MaxBurstLength 262144 && $K tpg set $A 1 param HeaderDigest CRC32C,None &&
	$K tpg set $A 2 param TargetAlias "save restore" &&
	$K tpg set $B 1 auth userid demo && $K tpg set $B 1 auth password demo-secret1 &&
	$K discovery-auth set enforce 1 && $K discovery-auth set userid disc &&
	$K discovery-auth set password disc-secret1 && $K discovery-auth set mutual_userid tdisc &&
	$K discovery-auth set mutual_password tdisc-secret &&
	$K backstore create null n0 1G && $K backstore create block b0 /dev/ram0 &&
	$K backstore set ram r0 removable 1 &&
	$K lun create $B 1 2 null/n0 && $K lun create $B 1 3 block/b0 &&
	$K alua create ram/r0 standby_gp 7 && $K alua set ram/r0 standby_gp alua_access_state standby &&
	$K alua set ram/r0 standby_gp preferred 1 &&
	$K lun set $B 1 1 alua_tg_pt_gp standby_gp &&
	printf '%s' "$PR" | dd of=$C/backstores/block/b0/pr_state bs=65536 status=none &&
	$K tpg enable $A 1 && $K tpg enable $B 1
}
# An APTPL persistent reservation on block/b0, as a session would leave it
PR='aptpl 1
generation 3
type 1
scope 0
reg key=0x00000000000000a1 holder=1 all_tg_pt=0 tpgt=1 initiator=iqn.2026-11.org.ktgt:sr-ini2,i,0x23d000000001 target=iqn.2026-11.org.ktgt:sr-b'


t_run "ktgtctl is built" test -x $K || t_bail "no $K (make tools)"
t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
mkdir -p $D && truncate -s 16M $D/f0.img $D/f1.img
t_run "brd RAM disk for the block backstore" brd_disk 16
t_run "build: 6 backstores, 2 targets, 3 TPGs, 8 LUNs, 4 portals, 2 ACLs, ALUA, PR" build
before=$(flat)
t_match "the tree has the IPv6 portal" "/np/\\[::1\\]:3262/" "$before"
t_match "the tree has the ALUA group in standby" "/alua/standby_gp/alua_access_state = \"standby\"" "$before"
t_match "the tree has the LUN's port in that group" "/lun_1/alua_tg_pt_gp = \"standby_gp\"" "$before"
t_match "the tree has the APTPL reservation" "pr_state = .*aptpl 1.*key=0x00000000000000a1 holder=1" "$before"
t_run "save FILE" $K save $CFG
t_eq "the file has mode 0600" 600 "$(stat -c %a $CFG)"
t_run "save (default file)" $K save
t_run "the default is /etc/ktgt/saveconfig.json, the same" cmp $CFG /etc/ktgt/saveconfig.json

t_rc "restore onto the same objects: status 1" 1 $K restore $CFG
t_match "the first conflicting object is named" "backstore ram/r0 already exists" "$($K restore $CFG 2>&1)"
t_eq "the refused restore changed nothing" "$before" "$(flat)"
t_run "restore --merge onto the same objects" $K restore --merge $CFG
t_eq "the merge changed nothing" "$before" "$(flat)"

t_run "clear" $K clear
t_run "the tree is empty" empty_tree
t_file "discovery_auth enforce reset" $C/discovery_auth/enforce 0
t_file "discovery_auth password reset" $C/discovery_auth/password ""
t_run "restore FILE" $K restore $CFG
same_objects "after clear + restore" "$before"

t_run "clear before rmmod" $K clear
t_run "rmmod" rmmod ktgt
t_run "insmod again" ktgt_load
t_run "restore (default file) into the new module" $K restore
same_objects "after rmmod + insmod + restore" "$before"

sed '7s/"size_bytes": /"size_bytes": :/' $CFG > $D/bad.json
t_rc "a corrupted file: status 1" 1 $K restore --merge $D/bad.json
t_match "the error names the file and line 7" "bad.json:7:[0-9]+: " "$($K restore --merge $D/bad.json 2>&1)"
t_eq "and the tree is untouched" "$before" "$(flat)"

t_run "clear at the end" $K clear
t_run "empty again" empty_tree
t_run "rmmod" rmmod ktgt
t_done
