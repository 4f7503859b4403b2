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

# ---- save / restore / clear, against hand-built trees ----
S=$R/saved; E=$R/empty; F=$R/fresh
mkroot() { mkdir -p "$1"/backstores/{ram,null,block,file} "$1"/targets "$1"/discovery_auth; }
mkroot "$S"; mkroot "$E"; mkroot "$F"
put() { mkdir -p "$(dirname "$1")"; printf '%s\n' "$2" > "$1"; }
B=$S/backstores/ram/r0
put $B/enable 1; put $B/size_bytes 1048576; put $B/block_size 4096; put $B/unit_serial SN-R0; put $B/readonly 0
PRS=$'aptpl 1\ngeneration 2\ntype 1\nscope 0\nreg key=0x00000000000000a1 holder=1 all_tg_pt=0 tpgt=1 initiator=iqn.x,i,0x23d000000001 target=iqn.t'
put $B/pr_state "$PRS"
B=$S/backstores/block/b0
put $B/enable 0; put $B/size_bytes 0; put $B/block_size 512; put $B/unit_serial SN-B0; put $B/readonly 1; put $B/dev /dev/sdz
put $B/pr_state $'aptpl 0\ngeneration 5\ntype 0\nscope 0\nreg key=0x00000000000000b2 holder=0 all_tg_pt=0 tpgt=1 initiator=iqn.y target=iqn.t'
ST=$S/targets/$IQN/tpgt_2
put $ST/enable 1; put $ST/attrib/generate_node_acls 0; put $ST/param/HeaderDigest CRC32C,None
put $ST/auth/userid tu; mkdir -p "$ST/np/0.0.0.0:3260" "$ST/np/[::]:3261" $ST/lun/lun_0
ln -s $S/backstores/ram/r0 $ST/lun/lun_0/ram_r0
put $ST/acls/$INI/auth/password "p w"; put $ST/acls/$INI/auth/mutual_password mp
mkdir -p $ST/acls/$INI/lun_3; ln -s ../../../lun/lun_0 $ST/acls/$INI/lun_3/lun_0
put $S/discovery_auth/enforce 1; put $S/discovery_auth/userid du

run 0 "save FILE" --root "$S" save "$R/s.json"
[ "$(stat -c %a "$R/s.json")" = 600 ] && ok "saved file has mode 0600" || notok "saved file has mode 0600" "$(stat -c %a "$R/s.json")"
[ ! -e "$R/s.json.tmp" ] && ok "no FILE.tmp left behind" || notok "no FILE.tmp left behind"
json_is() { # DESC FILE PYTHON-EXPRESSION-OF-d
	if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); want=json.loads(sys.argv[2]); sys.exit(0 if d == want else print(json.dumps(d, indent=1)) or 1)" "$2" "$3" > "$R/py.out" 2>&1
	then ok "$1"; else notok "$1" "$(cat "$R/py.out")"; fi
}
json_is "save of a hand-built tree is the expected JSON" "$R/s.json" '{"version": 1,
 "backstores": [
  {"type": "ram", "name": "r0", "size_bytes": 1048576, "block_size": 4096, "unit_serial": "SN-R0", "readonly": false, "enabled": true,
   "pr_state": "aptpl 1\ngeneration 2\ntype 1\nscope 0\nreg key=0x00000000000000a1 holder=1 all_tg_pt=0 tpgt=1 initiator=iqn.x,i,0x23d000000001 target=iqn.t"},
  {"type": "block", "name": "b0", "size_bytes": 0, "block_size": 512, "unit_serial": "SN-B0", "readonly": true, "dev": "/dev/sdz", "enabled": false}],
 "targets": [{"name": "iqn.2026-11.org.ktgt:t1", "tpgs": [{"tpgt": 2, "enable": true,
   "attrib": {"generate_node_acls": "0"}, "param": {"HeaderDigest": "CRC32C,None"}, "auth": {"userid": "tu"},
   "luns": [{"lun": 0, "backstore": "ram/r0", "link": "ram_r0"}],
   "acls": [{"name": "iqn.2026-11.org.ktgt:ini1", "auth": {"mutual_password": "mp", "password": "p w"},
             "mapped_luns": [{"mapped_lun": 3, "lun": 0}]}],
   "portals": ["0.0.0.0:3260", "[::]:3261"]}]}],
 "discovery_auth": {"enforce": "1", "userid": "du"}}'
run 0 "save - prints the JSON" --root "$S" save -
said "save - has the secrets" '"password": "p w"'

run 0 "restore into an empty root" --root "$E" restore "$R/s.json"
ET=$E/targets/$IQN/tpgt_2
has "restore: ram size_bytes" $E/backstores/ram/r0/size_bytes 1048576
has "restore: ram block_size" $E/backstores/ram/r0/block_size 4096
has "restore: ram enabled" $E/backstores/ram/r0/enable 1
has "restore: block dev" $E/backstores/block/b0/dev /dev/sdz
has "restore: block readonly" $E/backstores/block/b0/readonly 1
has "restore: APTPL persistent reservations" $E/backstores/ram/r0/pr_state "$PRS"
[ ! -e $E/backstores/block/b0/pr_state ] && ok "reservations without APTPL are not saved" || notok "reservations without APTPL are not saved"
has "restore: param" $ET/param/HeaderDigest CRC32C,None
has "restore: TPG auth" $ET/auth/userid tu
has "restore: ACL password with a blank" $ET/acls/$INI/auth/password "p w"
has "restore: TPG enabled" $ET/enable 1
has "restore: discovery_auth" $E/discovery_auth/userid du
link "restore: LUN links to the backstore" $ET/lun/lun_0/ram_r0 $E/backstores/ram/r0
link "restore: mapped LUN links to the LUN" $ET/acls/$INI/lun_3/lun_0 $ET/lun/lun_0
[ -d "$ET/np/0.0.0.0:3260" ] && [ -d "$ET/np/[::]:3261" ] && ok "restore: portals" || notok "restore: portals"
run 0 "save of the restored tree" --root "$E" save "$R/e.json"
cmp -s "$R/s.json" "$R/e.json" && ok "save, restore, save: the same file" || notok "save, restore, save: the same file" "$(diff "$R/s.json" "$R/e.json")"

dump() { (cd "$1" && find . -printf '%y %p %l\n' | sort && find . -type f -exec md5sum {} + | sort); }
before=$(dump "$E")
run 1 "restore onto existing objects without --merge fails" --root "$E" restore "$R/s.json"
said "the first conflicting object is named" "backstore ram/r0 already exists"
[ "$before" = "$(dump "$E")" ] && ok "the refused restore changed nothing" || notok "the refused restore changed nothing"
sed 's/"SN-R0"/"SN-NEW"/' "$R/s.json" > "$R/m.json"
run 0 "restore --merge onto the same objects" --root "$E" restore --merge "$R/m.json"
has "merge set the attribute that differs" $E/backstores/ram/r0/unit_serial SN-NEW

# pr_state (a binary attribute in configfs) longer than a page: 256
# registrations with 223-byte initiator names, saved and restored whole
BIG=$'aptpl 1\ngeneration 9\ntype 0\nscope 0'
for i in $(seq 256); do
	BIG+=$'\n'"reg key=0x$(printf %016x $i) holder=0 all_tg_pt=0 tpgt=1 initiator=iqn.2026-11.org.ktgt:$(printf %0202d $i),i,0x23d000000001 target=iqn.t"
done
G=$R/big; mkroot "$G"; cp -a "$E/backstores/ram/r0" "$G/backstores/ram/"
put $G/backstores/ram/r0/pr_state "$BIG"
run 0 "save of a 139 KB pr_state" --root "$G" save "$R/big.json"
python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["backstores"][0]["pr_state"] != sys.argv[2])' "$R/big.json" "$BIG" &&
	ok "the saved pr_state is all of it (${#BIG} bytes)" || notok "the saved pr_state is all of it (${#BIG} bytes)"
H=$R/bigr; mkroot "$H"
run 0 "restore of the 139 KB pr_state" --root "$H" restore "$R/big.json"
has "restore: all of pr_state written" $H/backstores/ram/r0/pr_state "$BIG"
# a pr_state the kernel refuses (at close, so the write succeeds) does not
# read back: here it goes to /dev/null
H=$R/bigx; mkroot "$H"; mkdir "$H/backstores/ram/r0"; ln -s /dev/null "$H/backstores/ram/r0/pr_state"
run 1 "restore: pr_state that does not read back as written fails" --root "$H" restore --merge "$R/big.json"
said "with a clear error" "backstore ram/r0: pr_state not restored: .*refused it \(its log, dmesg, says why"

sed '5s/: /: :/' "$R/s.json" > "$R/bad.json"
run 1 "corrupted JSON is rejected" --root "$F" restore "$R/bad.json"
said "with the file's line number" "bad.json:5:[0-9]+: "
[ "$(find "$F" -mindepth 1 | wc -l)" = 7 ] && ok "and nothing was created" || notok "and nothing was created" "$(find "$F")"
head -c 200 "$R/s.json" > "$R/trunc.json"
run 1 "truncated JSON is rejected" --root "$F" restore "$R/trunc.json"
said "as incomplete" "unexpected end of file"
sed 's/"tpgt": 2,/"tpgt": 2, "colour": "red",/' "$R/s.json" > "$R/unk.json"
run 1 "an unknown key is rejected" --root "$F" restore "$R/unk.json"
said "the unknown key is named" 'unknown key "colour"'
sed 's#"backstore": "ram/r0"#"backstore": "ram/nope"#' "$R/s.json" > "$R/ref.json"
run 1 "a LUN of a missing backstore is rejected" --root "$F" restore "$R/ref.json"
said "the backstore is named" "backstore ram/nope is neither in the file nor configured"
[ "$(find "$F" -mindepth 1 | wc -l)" = 7 ] && ok "refused restores created nothing" || notok "refused restores created nothing" "$(find "$F")"
run 1 "restore of a missing file" --root "$F" restore "$R/none.json"
said "names the file" "cannot read $R/none.json"
run 2 "restore with an unknown option" --root "$F" restore --bogus
run 2 "save with two files" --root "$F" save a b
run 2 "save with an unknown option" --root "$F" save --bogus

# ---- ALUA groups: verbs, save and restore ----
A=$R/alua-root; AR=$R/alua-restored
mkroot "$A"; mkroot "$AR"
B=$A/backstores/ram/d
put $B/enable 1; put $B/size_bytes 1048576; put $B/block_size 512; put $B/unit_serial SN-D; put $B/readonly 0
G=$B/alua/default_tg_pt_gp
put $G/tg_pt_gp_id 0; put $G/alua_access_state active/optimized; put $G/alua_access_type 3; put $G/preferred 0
put $G/alua_access_status none; put $G/members ""
run 0 "alua create with an id" --root "$A" alua create ram/d ao 10
has "alua create wrote the id" $B/alua/ao/tg_pt_gp_id 10
run 0 "alua create without an id" --root "$A" alua create ram/d sb
[ -d $B/alua/sb ] && ok "alua group directory made" || notok "alua group directory made"
run 0 "alua set state" --root "$A" alua set ram/d sb alua_access_state standby
has "alua set wrote the state" $B/alua/sb/alua_access_state standby
run 0 "alua set support bit" --root "$A" alua set ram/d sb alua_support_offline 0
run 0 "alua set id" --root "$A" alua set ram/d sb tg_pt_gp_id 20
run 2 "alua create with id 0 is refused" --root "$A" alua create ram/d x 0
run 2 "alua with a malformed backstore" --root "$A" alua create d x
run 1 "alua create on a missing backstore" --root "$A" alua create ram/nope x
said "missing backstore is named" "backstore ram/nope does not exist"
run 1 "alua set of a missing group" --root "$A" alua set ram/d nope preferred 1
said "missing group is named" "alua group ram/d/nope does not exist"
AT=$A/targets/$IQN/tpgt_1
mkdir -p $AT/lun/lun_0 $AT/np $AT/acls; put $AT/enable 0
ln -s $B $AT/lun/lun_0/ram_d; put $AT/lun/lun_0/alua_tg_pt_gp default_tg_pt_gp
run 0 "lun set alua_tg_pt_gp" --root "$A" lun set $IQN 1 0 alua_tg_pt_gp sb
has "lun set wrote the group" $AT/lun/lun_0/alua_tg_pt_gp sb
run 1 "lun set of a missing LUN" --root "$A" lun set $IQN 1 5 alua_tg_pt_gp sb
run 0 "alua delete" --root "$A" alua create ram/d gone
run 0 "alua delete" --root "$A" alua delete ram/d gone
[ ! -e $B/alua/gone ] && ok "alua group removed" || notok "alua group removed"
run 0 "show --json has the groups" --root "$A" show --json
said "show --json has the state" '"alua_access_state": "standby"'
run 0 "save with ALUA groups" --root "$A" save "$R/a.json"
python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
b=d['backstores'][0]
assert [g['name'] for g in b['alua']] == ['ao', 'default_tg_pt_gp', 'sb'], b['alua']
sb=b['alua'][2]
assert sb['tg_pt_gp_id'] == '20' and sb['alua_access_state'] == 'standby' and sb['alua_support_offline'] == '0', sb
assert 'members' not in sb and 'alua_access_status' not in b['alua'][1]
assert d['targets'][0]['tpgs'][0]['luns'][0]['alua_tg_pt_gp'] == 'sb'
" "$R/a.json" > "$R/py.out" 2>&1 && ok "saved JSON has the groups and the LUN's group" || notok "saved JSON has the groups and the LUN's group" "$(cat "$R/py.out")"
run 0 "restore with ALUA groups" --root "$AR" restore "$R/a.json"
has "restore: group id" $AR/backstores/ram/d/alua/sb/tg_pt_gp_id 20
has "restore: group state" $AR/backstores/ram/d/alua/sb/alua_access_state standby
has "restore: LUN group" $AR/targets/$IQN/tpgt_1/lun/lun_0/alua_tg_pt_gp sb
run 0 "save of the restored tree" --root "$AR" save "$R/a2.json"
cmp -s "$R/a.json" "$R/a2.json" && ok "ALUA: save, restore, save: the same file" || notok "ALUA: save, restore, save: the same file" "$(diff "$R/a.json" "$R/a2.json")"
echo '{"version": 1, "backstores": [{"type": "ram", "name": "x", "alua": [{"name": "g", "bogus": "1"}]}]}' > "$R/abad.json"
run 1 "an unknown ALUA key is rejected" --root "$F" restore "$R/abad.json"
said "the unknown ALUA key is named" 'unknown key "bogus"'

# A plain directory keeps the attribute files configfs would not: clear
# there can only unlink the links and empty discovery_auth.
run 1 "clear of a plain directory cannot rmdir attribute-holding dirs" --root "$E" clear
[ ! -e "$ET/acls/$INI/lun_3/lun_0" ] && [ ! -e "$ET/lun/lun_0/ram_r0" ] && ok "clear unlinked mapped LUNs and LUNs" || notok "clear unlinked mapped LUNs and LUNs"
has "clear disabled the TPG" $ET/enable 0
has "clear reset discovery_auth enforce" $E/discovery_auth/enforce 0
has "clear reset discovery_auth userid" $E/discovery_auth/userid ""

# sessions / stats read tpgt_N/sessions and lun_L/statistics/ (tools/stats.c).
S=$R/stats
ST=$S/targets/$IQN/tpgt_1
mkdir -p "$ST/lun/lun_0/statistics" "$S/backstores/ram/r0"
ln -s ../../../../../backstores/ram/r0 "$ST/lun/lun_0/ram_r0"
for f in cmds:10 read_bytes:1536 write_bytes:4096 errors:1 aborts:0 latency_total_us:95 latency_max_us:40; do
	echo "${f#*:}" > "$ST/lun/lun_0/statistics/${f%%:*}"
done
printf 'session 3\ninitiator %s\nisid 400001370000\ntsih 3\ntarget %s\ntpgt 1\nacl -\nexp_cmdsn 5\nmax_cmdsn 68\ncmdsn_depth 64\noutstanding 0\nluns 0\nconn 0 [::1]:3260 [::1]:40000\nparam HeaderDigest None\ncmds 10\nread_bytes 1536\nwrite_bytes 4096\nerrors 1\naborts 0\n\n\n' "$INI" "$IQN" > "$ST/sessions"
run 0 "sessions lists a session" --root "$S" sessions
said "with TSIH, ISID, initiator and window" "$IQN +1 +3 400001370000 $INI +5 +68 0"
said "and its connection" "conn 0: \[::1\]:3260 <- \[::1\]:40000"
out=$("$K" --root "$S" sessions --json | python3 -c 'import json,sys; s=json.load(sys.stdin)[0]; print(s["tsih"], s["acl"], s["params"]["HeaderDigest"], s["connections"][0]["peer"], s["luns"])' 2>&1)
said "sessions --json" "^3 None None \[::1\]:40000 \[0\]$"
run 0 "sessions of one TPG" --root "$S" sessions "$IQN" 1
run 1 "sessions of a missing target" --root "$S" sessions iqn.2026-11.org.ktgt:nope
said "names the target and the reason" "target iqn.2026-11.org.ktgt:nope: no such target"
run 1 "sessions of a missing TPG" --root "$S" sessions "$IQN" 9
said "names the TPG" "TPG $IQN/9: no such TPG"
run 2 "sessions with a bad TPGT" --root "$S" sessions "$IQN" 0
run 2 "sessions with an unknown option" --root "$S" sessions --bogus
run 0 "stats prints the LUN counters" --root "$S" stats
said "with the mean latency" "$IQN +1 +0 ram/r0 +10 +1.5Ki +4.0Ki +1 +0 +10 +40"
said "and the session counters" "$IQN +1 +3 $INI +10 +1.5Ki +4.0Ki +1 +0"
out=$("$K" --root "$S" stats --json | python3 -c 'import json,sys; d=json.load(sys.stdin); l=d["luns"][0]; print(l["backstore"], l["write_bytes"], l["latency_max_us"], d["sessions"][0]["read_bytes"])' 2>&1)
said "stats --json" "^ram/r0 4096 40 1536$"
echo x > "$ST/lun/lun_0/statistics/cmds"
run 1 "a counter that is not a number" --root "$S" stats
said "names the LUN and the file" "LUN $IQN/1/0: .*/statistics/cmds: not a number"
echo "tsih 1" > "$ST/sessions"
run 1 "a sessions file in another format" --root "$S" sessions
said "names the file and the line" "sessions line 1: not in the expected format"
run 1 "sessions without the module" --root "$R/nonexistent" sessions
said "explains why" "does not exist: load the module"
run 0 "show leaves out run-time state" --root "$S" show
[ -n "$out" ] && ! printf '%s' "$out" | grep -q -e statistics -e sessions -e latency && ok "no statistics or sessions in show" || notok "no statistics or sessions in show" "$out"
out=$("$K" --root "$S" show --json 2>&1)
! printf '%s' "$out" | grep -q -e statistics -e '"sessions"' && ok "nor in show --json" || notok "nor in show --json" "$out"
run 0 "sessions --help" sessions --help
run 0 "stats --help" stats --help
said "usage lists stats" "stats \[--json\]"

echo "1..$n"
[ $failed = 0 ]
