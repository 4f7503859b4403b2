#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktgtctl against the real configfs tree: every verb does what the ABI
# says, refusals exit 1 naming the object and the reason, show prints the
# tree, clear empties it, and a ktgtctl-made target serves discovery.
. "$KTGT_SRC/selftests/lib/lib.sh"
K=$KTGTCTL
C=$KTGT_CFS
IQN=iqn.2026-11.org.ktgt:ctl
INI=iqn.2026-11.org.ktgt:ctl-ini
T=$C/targets/$IQN/tpgt_1

t_run "ktgtctl is built" test -x $K || t_bail "no $K (make tools)"
t_rc "before the module is loaded: status 1" 1 $K show
t_match "and it says why" "does not exist: load the module" "$($K show 2>&1)"
t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
t_run "backstore create ram r0 64M --block-size 4096 --serial CTL-1" $K backstore create ram r0 64M --block-size 4096 --serial CTL-1
t_file "size_bytes" $C/backstores/ram/r0/size_bytes 67108864
t_file "block_size" $C/backstores/ram/r0/block_size 4096
t_file "unit_serial" $C/backstores/ram/r0/unit_serial CTL-1
t_file "enabled" $C/backstores/ram/r0/enable 1
t_rc "backstore create ram r0 again: status 1" 1 $K backstore create ram r0 64M
t_match "EEXIST is named" "backstore ram/r0: cannot create $C/backstores/ram/r0: File exists" \
	"$($K backstore create ram r0 64M 2>&1)"
t_rc "backstore create ram bad 1000 (not a multiple of 512): status 1" 1 $K backstore create ram bad 1000
t_match "the refused write is named" "cannot write \"1000\" to $C/backstores/ram/bad/size_bytes: Invalid argument" \
	"$($K backstore create ram bad 1000 2>&1)"
t_run "and the half-made backstore was removed" test ! -e $C/backstores/ram/bad
t_rc "bad size syntax: status 2" 2 $K backstore create ram bad 1Q
t_run "backstore create null n0 1G" $K backstore create null n0 1G
t_run "tpg create $IQN 1" $K tpg create $IQN 1
t_run "lun create $IQN 1 0 ram/r0" $K lun create $IQN 1 0 ram/r0
t_eq "LUN 0 links to r0" "$C/backstores/ram/r0" "$(readlink -f $T/lun/lun_0/ram_r0)"
t_run "lun create $IQN 1 1 null/n0" $K lun create $IQN 1 1 null/n0
t_rc "lun create on LUN 256: status 1" 1 $K lun create $IQN 1 256 ram/r0
t_match "ERANGE is named" "lun_256: Numerical result out of range" "$($K lun create $IQN 1 256 ram/r0 2>&1)"
t_run "portal create 127.0.0.1:3260" $K portal create $IQN 1 127.0.0.1:3260
t_run "portal create [::1]:3260" $K portal create $IQN 1 "[::1]:3260"
t_run "both portal directories exist" test -d "$T/np/127.0.0.1:3260" -a -d "$T/np/[::1]:3260"
t_rc "portal create 192.0.2.1:3260: status 1" 1 $K portal create $IQN 1 192.0.2.1:3260
t_match "EADDRNOTAVAIL is explained" "Cannot assign requested address: no local interface has that address" \
	"$($K portal create $IQN 1 192.0.2.1:3260 2>&1)"
t_run "acl create" $K acl create $IQN 1 $INI
t_run "acl map-lun (mapped LUN 2 -> LUN 1)" $K acl map-lun $IQN 1 $INI 2 1
t_eq "mapping links to LUN 1" "$T/lun/lun_1" "$(readlink -f $T/acls/$INI/lun_2/lun_1)"
t_run "acl set auth userid" $K acl set $IQN 1 $INI auth userid ctl-user
t_file "userid written" $T/acls/$INI/auth/userid ctl-user
t_run "tpg set attrib default_cmdsn_depth 128" $K tpg set $IQN 1 attrib default_cmdsn_depth 128
t_file "default_cmdsn_depth written" $T/attrib/default_cmdsn_depth 128
t_rc "tpg set attrib default_cmdsn_depth 0: status 1" 1 $K tpg set $IQN 1 attrib default_cmdsn_depth 0
t_run "tpg set param MaxBurstLength 262144" $K tpg set $IQN 1 param MaxBurstLength 262144
t_file "MaxBurstLength written" $T/param/MaxBurstLength 262144
t_run "tpg set auth userid" $K tpg set $IQN 1 auth userid tpg-user
t_run "discovery-auth set userid" $K discovery-auth set userid disc-user
t_file "discovery userid written" $C/discovery_auth/userid disc-user
t_run "tpg enable" $K tpg enable $IQN 1
t_file "enabled" $T/enable 1
t_rc "backstore delete of a mapped backstore: status 1" 1 $K backstore delete ram r0
t_match "EBUSY is explained" "backstore ram/r0: cannot remove $C/backstores/ram/r0: Device or resource busy" \
	"$($K backstore delete ram r0 2>&1)"
out=$($K show)
t_match "show: backstore line" "size_bytes=67108864" "$out"
t_match "show: LUN link" "ram_r0 -> backstores/ram/r0" "$out"
t_match "show: portal" "\\[::1\\]:3260" "$out"
t_match "show: ACL mapping" "lun_1 -> targets/$IQN/tpgt_1/lun/lun_1" "$out"
t_run "show --json is valid JSON with the size" sh -c "$K show --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"backstores\"][\"ram\"][\"r0\"][\"size_bytes\"] == \"67108864\"'"
t_run "iscsid" iscsi_start $INI
t_eq "the target serves SendTargets" "127.0.0.1:3260,1 $IQN|[::1]:3260,1 $IQN" \
	"$(iscsi_discover 127.0.0.1:3260 | sort | paste -sd '|')"
t_run "login through the ACL" iscsi_login $IQN 127.0.0.1:3260
t_eq "mapped LUN 2 is the 1 GiB null backstore" 1073741824 "$(blockdev --getsize64 "$(iscsi_disk $IQN 2)")"
t_run "logout" iscsi_logout $IQN 127.0.0.1:3260
iscsi_stop
t_run "acl unmap-lun" $K acl unmap-lun $IQN 1 $INI 2
t_run "lun delete 1" $K lun delete $IQN 1 1
t_run "portal delete [::1]:3260" $K portal delete $IQN 1 "[::1]:3260"
t_run "tpg disable" $K tpg disable $IQN 1
t_run "target delete removes the TPG and all it holds" $K target delete $IQN
t_run "target gone" test ! -e $C/targets/$IQN
t_run "backstore delete (no longer mapped)" $K backstore delete ram r0
t_run "tpg create again for clear" $K tpg create $IQN 7
$K lun create $IQN 7 0 null/n0 > /dev/null && $K portal create $IQN 7 127.0.0.1:3260 > /dev/null
t_run "clear" $K clear
t_eq "no backstore left" "" "$(find $C/backstores -mindepth 2 -maxdepth 2)"
t_eq "no target left" "" "$(ls $C/targets)"
for a in userid; do echo > $C/discovery_auth/$a; done
t_run "rmmod" rmmod ktgt
t_done
