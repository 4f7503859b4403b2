#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/tests/cli.sh KTGTCTL: ktgtctl against a plain directory laid out like
# /sys/kernel/config/ktgt (--root / KTGT_CONFIGFS): the files and links each
# verb makes, its exit status and its messages.  TAP.  The same verbs against
# the real configfs tree are tested in the VM (selftests/ktgt/).
set -u
K=$(readlink -f "${1:-./ktgtctl}")
R=$(mktemp -d "${TMPDIR:-/tmp}/ktgtctl-test.XXXXXX")
trap 'rm -rf "$R"' EXIT
n=0 failed=0
IQN=iqn.2026-11.org.ktgt:t1
INI=iqn.2026-11.org.ktgt:ini1
T=$R/targets/$IQN/tpgt_1

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; printf '#   %s\n' "$@"; }
# run WANT_STATUS DESC ARGS...: ktgtctl --root $R ARGS exits WANT_STATUS
run() {
	local want=$1 desc=$2
	shift 2
	out=$("$K" --root "$R" "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ]; then ok "$desc"; else notok "$desc" "ktgtctl $*: status $rc, expected $want" "$out"; fi
}
# has DESC FILE CONTENT
has() { local got; got=$(cat "$2" 2>&1); if [ "$got" = "$3" ]; then ok "$1"; else notok "$1" "$2: '$got', expected '$3'"; fi; }
# said DESC ERE: the last command's output matches
said() { if printf '%s' "$out" | grep -q -E -- "$2"; then ok "$1"; else notok "$1" "output: $out" "expected to match: $2"; fi; }
# link DESC LINK TARGET
link() { local got; got=$(readlink "$2" 2>&1); if [ "$got" = "$3" ]; then ok "$1"; else notok "$1" "$2 -> '$got', expected '$3'"; fi; }

mkdir -p "$R"/backstores/{ram,null,block,file} "$R"/targets "$R"/discovery_auth

run 0 "--help exits 0" --help
said "--help prints the usage" '^Usage: ktgtctl'
run 2 "no command: usage error" 
run 2 "unknown command: usage error" frobnicate
said "unknown command is named" "unknown command 'frobnicate'"
out=$(KTGT_CONFIGFS=$R/nonexistent "$K" show 2>&1); rc=$?
[ $rc = 1 ] && ok "missing configfs root: status 1" || notok "missing configfs root: status 1" "status $rc"
said "missing root is explained" "nonexistent does not exist: load the module"

run 0 "backstore create ram with options" backstore create ram r0 1G --block-size 4096 --serial SN01
has "ram size_bytes written in bytes" "$R/backstores/ram/r0/size_bytes" 1073741824
has "ram block_size written" "$R/backstores/ram/r0/block_size" 4096
has "ram unit_serial written" "$R/backstores/ram/r0/unit_serial" SN01
has "ram enabled" "$R/backstores/ram/r0/enable" 1
run 1 "backstore create twice fails" backstore create ram r0 1G
said "EEXIST names the object and the path" "backstore ram/r0: cannot create $R/backstores/ram/r0: File exists"
run 2 "bad size is a usage error" backstore create ram r1 12Q
said "bad size is named" "bad size '12Q'"
run 2 "bad block size is a usage error" backstore create ram r1 1M --block-size 1024
run 2 "unknown backstore type" backstore create rd_mcp r1 1M
run 2 "file backstore needs an absolute path" backstore create file f0 img.raw
run 0 "backstore create file with size" backstore create file f0 /var/tmp/f0.img 64M --readonly
has "file path written" "$R/backstores/file/f0/path" /var/tmp/f0.img
has "file size written" "$R/backstores/file/f0/size_bytes" 67108864
has "file readonly written" "$R/backstores/file/f0/readonly" 1
run 0 "backstore create block" backstore create block b0 /dev/ram0
has "block dev written" "$R/backstores/block/b0/dev" /dev/ram0
run 0 "backstore create null" backstore create null n0 1T
has "null size" "$R/backstores/null/n0/size_bytes" 1099511627776
run 0 "backstore set" backstore set ram r0 unit_serial SN02
has "backstore set wrote the attribute" "$R/backstores/ram/r0/unit_serial" SN02

run 0 "tpg create makes the target too" tpg create $IQN 1
[ -d "$T" ] && ok "tpgt_1 directory exists" || notok "tpgt_1 directory exists"
run 2 "TPGT 0 is refused" tpg create $IQN 0
run 2 "TPGT 65536 is refused" tpg create $IQN 65536
# configfs makes these default groups itself; a plain directory does not
mkdir -p "$T"/{lun,np,acls,attrib,param,auth}
run 0 "lun create" lun create $IQN 1 0 ram/r0
link "LUN links to the backstore" "$T/lun/lun_0/ram_r0" "$R/backstores/ram/r0"
run 1 "lun create of a missing backstore fails" lun create $IQN 1 1 ram/nope
said "missing backstore is named" "backstore ram/nope does not exist"
[ ! -e "$T/lun/lun_1" ] && ok "failed lun create left nothing" || notok "failed lun create left nothing"
run 2 "lun create with a malformed backstore" lun create $IQN 1 1 r0
run 1 "lun create on a missing TPG fails" lun create $IQN 7 0 ram/r0
said "missing TPG tells how to create it" "ktgtctl tpg create $IQN 7"
run 0 "portal create IPv4" portal create $IQN 1 127.0.0.1:3260
run 0 "portal create IPv6" portal create $IQN 1 "[::1]:3260"
[ -d "$T/np/127.0.0.1:3260" ] && [ -d "$T/np/[::1]:3260" ] && ok "portal directories exist" || notok "portal directories exist"
run 2 "portal without port is refused" portal create $IQN 1 127.0.0.1
run 0 "acl create" acl create $IQN 1 $INI
run 0 "acl map-lun" acl map-lun $IQN 1 $INI 3 0
link "mapped LUN links to the TPG LUN" "$T/acls/$INI/lun_3/lun_0" "$T/lun/lun_0"
run 1 "acl map-lun of a missing LUN fails" acl map-lun $IQN 1 $INI 4 9
mkdir -p "$T/acls/$INI/auth"
run 0 "acl set auth" acl set $IQN 1 $INI auth password s3cret
has "acl password written" "$T/acls/$INI/auth/password" s3cret
run 0 "tpg set attrib" tpg set $IQN 1 attrib generate_node_acls 1
has "attrib written" "$T/attrib/generate_node_acls" 1
run 0 "tpg set param" tpg set $IQN 1 param MaxRecvDataSegmentLength 65536
has "param written" "$T/param/MaxRecvDataSegmentLength" 65536
run 2 "tpg set of an unknown group" tpg set $IQN 1 bogus k v
run 0 "tpg enable" tpg enable $IQN 1
has "enable written" "$T/enable" 1
run 0 "discovery-auth set" discovery-auth set enforce 1
has "discovery_auth written" "$R/discovery_auth/enforce" 1

run 0 "show" show
said "show lists the backstore and its size" "size_bytes=1073741824"
said "show lists the LUN link" "ram_r0 -> backstores/ram/r0"
said "show hides passwords" "password=\(set\)"
run 0 "show --secrets" show --secrets
said "show --secrets prints the password" "password=s3cret"
run 0 "show --json" show --json
said "show --json has the size" '"size_bytes": "1073741824"'
said "show --json has the link" '"link": "backstores/ram/r0"'
out=$(KTGT_CONFIGFS=$R "$K" show 2>&1); rc=$?
[ $rc = 0 ] && printf '%s' "$out" | grep -q "unit_serial=SN02" && ok "KTGT_CONFIGFS selects the root" || notok "KTGT_CONFIGFS selects the root" "$out"

run 0 "acl unmap-lun" acl unmap-lun $IQN 1 $INI 3
[ ! -e "$T/acls/$INI/lun_3" ] && ok "mapped LUN removed" || notok "mapped LUN removed"
# A plain directory keeps its attribute files, so rmdir fails as configfs
# would with ENOTEMPTY; the message must say which object and why.
run 1 "backstore delete of a non-empty dir fails" backstore delete ram r0
said "delete failure names object, path and reason" "backstore ram/r0: cannot remove $R/backstores/ram/r0: Directory not empty"
run 1 "backstore delete of a missing backstore" backstore delete ram nope
said "missing backstore is named" "backstore ram/nope does not exist"
run 0 "lun delete" lun delete $IQN 1 0
[ ! -e "$T/lun/lun_0" ] && ok "LUN removed" || notok "LUN removed"
run 0 "portal delete" portal delete $IQN 1 127.0.0.1:3260

echo "1..$n"
[ $failed = 0 ]
