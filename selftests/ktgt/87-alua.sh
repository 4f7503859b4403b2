#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ALUA: one backstore exported through two TPGs (two portals, two target
# ports), each port in its own target port group.  The configfs ABI of
# alua/ (ids, states, supported states, errnos), INQUIRY TPGS, VPD 83h,
# REPORT TARGET PORT GROUPS (both formats, byte for byte), the exact
# sense through a standby / unavailable / transitioning port, SET TARGET
# PORT GROUPS, REPORT SUPPORTED OPERATION CODES, and dm-multipath with
# prio alua when multipath-tools is installed: I/O through the map while
# the groups' states are swapped under it.
. "$KTGT_SRC/selftests/lib/lib.sh"
IQN=iqn.2026-11.org.ktgt:alua
P1=127.0.0.1:3260
P2=127.0.0.1:3261
BS=$KTGT_CFS/backstores/ram/shared
AL=$BS/alua
T=$KTGT_CFS/targets/$IQN
L1=$T/tpgt_1/lun/lun_0
L2=$T/tpgt_2/lun/lun_0

# sg_of PORT: the /dev/sgN of LUN 0 of the session logged in through PORT
sg_of() {
	local end=$((SECONDS + 30)) s c d
	while [ $SECONDS -lt $end ]; do
		for s in /sys/class/iscsi_session/session*; do
			for c in /sys/class/iscsi_connection/connection"${s##*session}":*; do
				[ "$(cat "$c/persistent_port" 2> /dev/null)" = "$1" ] || continue
				for d in "$s"/device/target*/*:*:*:0/scsi_generic/*; do
					[ -e "$d" ] && { echo "/dev/$(basename "$d")"; return 0; }
				done
			done
		done
		sleep 0.3
	done
	return 1
}
hex() { od -An -tx1 -v | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }
rtpg() { sg_rtpg -r "$@" | hex; }
# sense KEY/ASC/ASCQ of a command sent with sg_raw (fixed format sense)
sense_of() {
	sg_raw -v "$@" 2>&1 | sed -n 's/^ *Fixed format, current; *Sense key: *//p; s/^ *Additional sense: *//p' | paste -sd'|'
}
# setstate GROUP STATE: change it through configfs; every I_T nexus that
# used the LU then has ASYMMETRIC ACCESS STATE CHANGED (2Ah/06h) pending
# (SPC-4 5.16.2.4), taken here by one TEST UNIT READY through each path.
setstate() { echo "$2" > "$AL/$1/alua_access_state" && ua_taken "$S1" && ua_taken "$S2"; }
ua_taken() { [ "$(sense_of "$1" 00 00 00 00 00 00)" = "Unit Attention|Asymmetric access state changed" ]; }

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"

# ---------------------------------------------------------------- ABI ---
t_run "ram backstore 'shared' (32 MiB)" ktgt_backstore ram shared $((32 << 20))
t_run "alua/ and alua/default_tg_pt_gp exist" test -d "$AL/default_tg_pt_gp"
t_file "default group id 0" "$AL/default_tg_pt_gp/tg_pt_gp_id" 0
t_file "default group active/optimized" "$AL/default_tg_pt_gp/alua_access_state" active/optimized
t_file "default access type: implicit and explicit" "$AL/default_tg_pt_gp/alua_access_type" 3
t_file "default status none" "$AL/default_tg_pt_gp/alua_access_status" none
t_file "default not preferred" "$AL/default_tg_pt_gp/preferred" 0
t_errno "default group id is fixed: EPERM" EPERM write "$AL/default_tg_pt_gp/tg_pt_gp_id" 5
t_errno "rmdir default_tg_pt_gp: EPERM" EPERM rmdir "$AL/default_tg_pt_gp"
t_errno "mkdir alua/ao" OK mkdir "$AL/ao"
t_errno "mkdir alua/sb" OK mkdir "$AL/sb"
t_file "first group gets id 1" "$AL/ao/tg_pt_gp_id" 1
t_file "second group gets id 2" "$AL/sb/tg_pt_gp_id" 2
t_errno "id 2 again: EEXIST" EEXIST write "$AL/ao/tg_pt_gp_id" 2
t_errno "id 0: EINVAL" EINVAL write "$AL/ao/tg_pt_gp_id" 0
t_errno "id 65536: EINVAL" EINVAL write "$AL/ao/tg_pt_gp_id" 65536
t_errno "id 10" OK write "$AL/ao/tg_pt_gp_id" 10
t_errno "id 20" OK write "$AL/sb/tg_pt_gp_id" 20
t_errno "state 'sleepy': EINVAL" EINVAL write "$AL/sb/alua_access_state" sleepy
t_errno "state 4 (reserved): EINVAL" EINVAL write "$AL/sb/alua_access_state" 4
t_errno "state by code: 2" OK write "$AL/sb/alua_access_state" 2
t_file "reads back as standby" "$AL/sb/alua_access_state" standby
t_file "status implicit after a configfs change" "$AL/sb/alua_access_status" implicit
t_errno "standby cannot stop being supported while in it: EBUSY" EBUSY write "$AL/sb/alua_support_standby" 0
t_errno "clear alua_support_offline" OK write "$AL/sb/alua_support_offline" 0
t_errno "state offline, now unsupported: EINVAL" EINVAL write "$AL/sb/alua_access_state" offline
t_errno "support offline again" OK write "$AL/sb/alua_support_offline" 1
t_errno "access type 0: EINVAL" EINVAL write "$AL/sb/alua_access_type" 0
t_errno "preferred on ao" OK write "$AL/ao/preferred" 1
t_errno "rmdir backstore while alua/ has a group: ENOTEMPTY" ENOTEMPTY rmdir "$BS"

two_tpgs() {
	ktgt_target $IQN 1 $P1 && ktgt_target $IQN 2 $P2 &&
		ktgt_lun $IQN 1 0 ram/shared && ktgt_lun $IQN 2 0 ram/shared
}
t_run "target: tpgt_1 on $P1, tpgt_2 on $P2, LUN 0 of both = ram/shared" two_tpgs
t_file "a new port is in the default group" "$L1/alua_tg_pt_gp" default_tg_pt_gp
t_errno "unknown group: ENOENT" ENOENT write "$L1/alua_tg_pt_gp" nosuch
t_errno "tpgt_1 LUN 0 -> ao" OK write "$L1/alua_tg_pt_gp" ao
t_errno "tpgt_2 LUN 0 -> sb" OK write "$L2/alua_tg_pt_gp" sb
t_file "LUN reads back its group" "$L2/alua_tg_pt_gp" sb
t_file "members of ao" "$AL/ao/members" "$IQN/tpgt_1/lun_0"
mkdir "$T/tpgt_1/lun/lun_7"
t_errno "LUN without backstore: ENODEV" ENODEV write "$T/tpgt_1/lun/lun_7/alua_tg_pt_gp" ao
t_file "LUN without backstore reads empty" "$T/tpgt_1/lun/lun_7/alua_tg_pt_gp" ""
rmdir "$T/tpgt_1/lun/lun_7"
for n in 1 2; do
	echo 1 > "$T/tpgt_$n/attrib/generate_node_acls"
	echo 0 > "$T/tpgt_$n/attrib/demo_mode_write_protect"
	echo 1 > "$T/tpgt_$n/enable"
done

# ---------------------------------------------------------------- SCSI --
t_run "iscsid" iscsi_start
t_run "login through $P1" iscsi_login $IQN $P1
t_run "login through $P2" iscsi_login $IQN $P2
S1=$(sg_of 3260) && S2=$(sg_of 3261)
t_run "both paths have an sg device ($S1, $S2)" test -c "$S1" -a -c "$S2"

t_match "INQUIRY TPGS=3 (implicit and explicit)" "TPGS=3" "$(sg_inq "$S1" 2>&1)"
vpd() { sg_inq -p 0x83 "$1" 2>&1 | tr -s ' \n' ' '; }
t_match "VPD 83h of path 1: relative port 1, group 10" \
	"Relative target port: 0x1 .*Target port group: 0xa" "$(vpd "$S1")"
t_match "VPD 83h of path 2: relative port 2, group 20" \
	"Relative target port: 0x2 .*Target port group: 0x14" "$(vpd "$S2")"

G_DEF="00 cf 00 00 00 00 00 00"
G_AO="80 cf 00 0a 00 00 00 01 00 00 00 01"
G_SB="02 cf 00 14 00 02 00 01 00 00 00 02"
t_eq "RTPG (length format) through path 1" "00 00 00 20 $G_DEF $G_AO $G_SB" "$(rtpg "$S1")"
t_eq "RTPG (extended format) through the standby path" \
	"00 00 00 24 10 00 00 00 $G_DEF $G_AO $G_SB" "$(rtpg -e "$S2")"
t_eq "RTPG with allocation length 4: the header only, full length" \
	"00 00 00 20" "$(sg_raw -r 4 -b "$S1" a3 0a 00 00 00 00 00 00 00 04 00 00 2>/dev/null | hex)"
t_eq "RTPG with format 2: INVALID FIELD IN CDB" "Illegal Request|Invalid field in cdb" \
	"$(sense_of -r 64 "$S1" a3 4a 00 00 00 00 00 00 00 40 00 00)"

READ10="28 00 00 00 00 00 00 00 01 00"
t_eq "READ(10) through the standby port: NOT READY 04h/0Bh" \
	"Not Ready|Logical unit not accessible, target port in standby state" "$(sense_of -r 512 "$S2" $READ10)"
t_eq "TEST UNIT READY through standby: 04h/0Bh" \
	"Not Ready|Logical unit not accessible, target port in standby state" "$(sense_of "$S2" 00 00 00 00 00 00)"
t_rc "MODE SENSE(6) through standby is allowed" 0 sg_raw -r 64 "$S2" 1a 00 3f 00 40 00
t_rc "REPORT LUNS through standby is allowed" 0 sg_luns "$S2"
head -c 512 /dev/urandom > /tmp/blk0
t_run "WRITE(10) block 0 through the optimized port" \
	sg_raw -s 512 -i /tmp/blk0 "$S1" 2a 00 00 00 00 00 00 00 01 00
t_eq "READ(10) through the optimized port reads it back" "$(sha256sum < /tmp/blk0)" \
	"$(sg_raw -r 512 -b "$S1" $READ10 2>/dev/null | sha256sum)"

t_run "sb -> unavailable (configfs); both paths told once (2Ah/06h)" setstate sb unavailable
t_eq "RTPG shows group 20 unavailable" "00 00 00 20 $G_DEF $G_AO 03 cf 00 14 00 02 00 01 00 00 00 02" "$(rtpg "$S1")"
t_eq "MODE SENSE through unavailable: 04h/0Ch" \
	"Not Ready|Logical unit not accessible, target port in unavailable state" "$(sense_of -r 64 "$S2" 1a 00 3f 00 40 00)"
t_rc "INQUIRY through unavailable is allowed" 0 sg_inq "$S2"
t_run "sb -> offline" setstate sb offline
t_eq "READ(10) through offline: 04h/0Ch" \
	"Not Ready|Logical unit not accessible, target port in unavailable state" "$(sense_of -r 512 "$S2" $READ10)"
t_run "sb -> transitioning" setstate sb transitioning
t_eq "READ(10) through transitioning: 04h/0Ah" \
	"Not Ready|Logical unit not accessible, asymmetric access state transition" "$(sense_of -r 512 "$S2" $READ10)"
t_eq "RTPG through transitioning is allowed" "00 00 00 20" "$(rtpg "$S2" | cut -c1-11)"
t_run "sb -> active/non-optimized (by code 1)" setstate sb 1
t_eq "READ(10) through the non-optimized port reads the same block" "$(sha256sum < /tmp/blk0)" \
	"$(sg_raw -r 512 -b "$S2" $READ10 2>/dev/null | sha256sum)"
t_run "sb -> standby" setstate sb standby

# SET TARGET PORT GROUPS
OPC=$(sg_opcodes -u "$S1" 2>&1)
t_eq "RSOC lists REPORT TARGET PORT GROUPS (a3/0a)" 1 "$(grep -cE '^ *a3 +a +12 ' <<< "$OPC")"
t_eq "RSOC lists SET TARGET PORT GROUPS (a4/0a)" 1 "$(grep -cE '^ *a4 +a +12 ' <<< "$OPC")"
t_run "STPG through the standby port: group 20 -> active/optimized" sg_stpg --tp=20 --state=0 "$S2"
t_eq "path 1 is told: UNIT ATTENTION, ASYMMETRIC ACCESS STATE CHANGED" \
	"Unit Attention|Asymmetric access state changed" "$(sense_of "$S1" 00 00 00 00 00 00)"
t_rc "once: its next TUR is GOOD" 0 sg_turs "$S1"
t_rc "path 2, which sent the STPG, is not told: TUR GOOD" 0 sg_turs "$S2"
t_file "configfs shows the new state" "$AL/sb/alua_access_state" active/optimized
t_file "status explicit" "$AL/sb/alua_access_status" explicit
t_eq "RTPG shows it" "00 00 00 20 $G_DEF $G_AO 00 cf 00 14 00 01 00 01 00 00 00 02" "$(rtpg "$S1")"
t_rc "TUR through path 2 now succeeds" 0 sg_turs "$S2"
printf '\0\0\0\0\x0e\0\0\x14' > /tmp/stpg_off
t_eq "STPG to offline (Eh): INVALID FIELD IN PARAMETER LIST" "Illegal Request|Invalid field in parameter list" \
	"$(sense_of -s 8 -i /tmp/stpg_off "$S1" a4 0a 00 00 00 00 00 00 00 08 00 00)"
printf '\0\0\0\0\x02\0\x01\x2c' > /tmp/stpg_nogp
t_eq "STPG to an unknown group: INVALID FIELD IN PARAMETER LIST" "Illegal Request|Invalid field in parameter list" \
	"$(sense_of -s 8 -i /tmp/stpg_nogp "$S1" a4 0a 00 00 00 00 00 00 00 08 00 00)"
printf '\0\0\0\0\x02\0\0\x14\0' > /tmp/stpg_len
t_eq "STPG with a partial descriptor: PARAMETER LIST LENGTH ERROR" "Illegal Request|Parameter list length error" \
	"$(sense_of -s 9 -i /tmp/stpg_len "$S1" a4 0a 00 00 00 00 00 00 00 09 00 00)"
t_file "failed STPGs changed nothing" "$AL/sb/alua_access_state" active/optimized
t_run "sg_stpg: group 20 -> standby" sg_stpg --tp=20 --standby "$S1"
t_run "path 2 is told (2Ah/06h)" ua_taken "$S2"
t_errno "ao: implicit only" OK write "$AL/ao/alua_access_type" 1
t_match "INQUIRY through path 1: TPGS=1" "TPGS=1" "$(sg_inq "$S1" 2>&1)"
t_eq "SET TARGET PORT GROUPS is gone from path 1: INVALID COMMAND OPERATION CODE" \
	"Illegal Request|Invalid command operation code" \
	"$(sense_of -s 8 -i /tmp/stpg_off "$S1" a4 0a 00 00 00 00 00 00 00 08 00 00)"
printf '\0\0\0\0\x02\0\0\x0a' > /tmp/stpg_ao
t_eq "STPG of the implicit-only group through path 2: INVALID FIELD IN PARAMETER LIST" \
	"Illegal Request|Invalid field in parameter list" \
	"$(sense_of -s 8 -i /tmp/stpg_ao "$S2" a4 0a 00 00 00 00 00 00 00 08 00 00)"
echo 3 > "$AL/ao/alua_access_type"

# ---------------------------------------------------------- multipath ---
if command -v multipath > /dev/null && command -v multipathd > /dev/null; then
	mkdir -p /etc/multipath
	cat > /etc/multipath.conf << 'EOF'
defaults {
	user_friendly_names no
	find_multipaths no
}
devices {
	device {
		vendor "KTGT"
		product ".*"
		path_grouping_policy group_by_prio
		prio alua
		hardware_handler "1 alua"
		failback immediate
		no_path_retry 12
	}
}
EOF
	modprobe dm_multipath
	# multipath finds paths and their WWIDs through udev's database: a
	# udevd for this section only, stopped below with the maps flushed
	/lib/systemd/systemd-udevd --daemon > /dev/null 2>&1
	udevadm trigger --subsystem-match=block > /dev/null 2>&1
	udevadm settle -t 30 > /dev/null 2>&1
	t_run "multipath: the map of the two paths" multipath
	t_run "multipathd" multipathd
	wait_for 30 sh -c 'multipath -ll | grep -q "status=active"'
	MP=$(multipath -ll 2>&1)
	t_match "one map over both paths, the optimized group active" "prio=50 status=active" "$MP"
	t_match "the standby path in its own group" "prio=1 status=enabled" "$MP"
	# I/O through the map, then the groups' states swapped under it:
	# dm-multipath must move to path 2 and lose nothing.
	DM=/dev/mapper/$(multipath -ll 2> /dev/null | awk 'NR == 1 {print $1}')
	D2=$(basename "$(ls -d /sys/class/scsi_generic/"${S2#/dev/}"/device/block/* 2> /dev/null)")
	head -c 4M /dev/urandom > /tmp/mp1.bin
	head -c 4M /dev/urandom > /tmp/mp2.bin
	t_run "write 4 MiB through the multipath device" \
		dd if=/tmp/mp1.bin of="$DM" bs=1M oflag=direct status=none
	t_eq "it reads back" "$(sha256sum < /tmp/mp1.bin)" \
		"$(dd if="$DM" bs=1M count=4 iflag=direct status=none | sha256sum)"
	active_is_path2() {
		multipath -ll 2> /dev/null | grep -A1 "prio=50 status=active" | grep -q " $D2 "
	}
	echo standby > "$AL/ao/alua_access_state"
	echo active/optimized > "$AL/sb/alua_access_state"
	t_run "groups swapped: multipathd makes path 2 ($D2) the active group, prio 50" \
		wait_for 60 active_is_path2
	t_eq "the data reads back through path 2" "$(sha256sum < /tmp/mp1.bin)" \
		"$(dd if="$DM" bs=1M count=4 iflag=direct status=none | sha256sum)"
	t_run "write 4 MiB more through the map" \
		dd if=/tmp/mp2.bin of="$DM" bs=1M seek=4 oflag=direct status=none
	t_eq "it reads back" "$(sha256sum < /tmp/mp2.bin)" \
		"$(dd if="$DM" bs=1M skip=4 count=4 iflag=direct status=none | sha256sum)"
	t_eq "and through path 2 itself" "$(sha256sum < /tmp/mp2.bin)" \
		"$(dd if="/dev/$D2" bs=1M skip=4 count=4 iflag=direct status=none | sha256sum)"
	echo active/optimized > "$AL/ao/alua_access_state"
	echo standby > "$AL/sb/alua_access_state"
	multipathd shutdown > /dev/null 2>&1
	multipath -F > /dev/null 2>&1
	udevadm control --exit > /dev/null 2>&1
else
	echo "ok $((_t_n += 1)) - dm-multipath over both paths with prio alua # SKIP multipath-tools is not installed"
fi

# ------------------------------------------------------------- removal --
logout_both() { iscsi_logout $IQN $P1 && iscsi_logout $IQN $P2; }
t_run "logout both" logout_both
t_errno "rmdir alua/sb" OK rmdir "$AL/sb"
t_file "its port went back to the default group" "$L2/alua_tg_pt_gp" default_tg_pt_gp
t_file "default members" "$AL/default_tg_pt_gp/members" "$IQN/tpgt_2/lun_0"
t_errno "rmdir alua/ao" OK rmdir "$AL/ao"
K=$KTGTCTL
t_run "ktgtctl alua create ram/shared g30 30" $K alua create ram/shared g30 30
t_file "with id 30" "$AL/g30/tg_pt_gp_id" 30
t_rc "ktgtctl alua create with a taken id: status 1, nothing left" 1 $K alua create ram/shared g31 30
t_run "no g31" test ! -e "$AL/g31"
t_run "ktgtctl alua set ... alua_access_state unavailable" $K alua set ram/shared g30 alua_access_state unavailable
t_file "state set" "$AL/g30/alua_access_state" unavailable
t_run "ktgtctl lun set ... alua_tg_pt_gp g30" $K lun set $IQN 1 0 alua_tg_pt_gp g30
t_file "LUN in g30" "$L1/alua_tg_pt_gp" g30
t_run "ktgtctl save" $K save /tmp/alua.json
t_run "ktgtctl clear (removes the ALUA group too)" $K clear
t_eq "the tree is empty" "" "$(ls -A $KTGT_CFS/targets; ls -A $KTGT_CFS/backstores/ram)"
t_run "ktgtctl restore" $K restore /tmp/alua.json
t_file "restored group id" "$AL/g30/tg_pt_gp_id" 30
t_file "restored group state" "$AL/g30/alua_access_state" unavailable
t_file "restored LUN group" "$L1/alua_tg_pt_gp" g30
t_file "restored members" "$AL/g30/members" "$IQN/tpgt_1/lun_0"
t_run "ktgtctl clear" $K clear
t_run "teardown" ktgt_teardown
t_run "rmmod" ktgt_unload
t_done
