#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit attentions, removable medium and write protection with their exact
# sense data, through two raw-PDU sessions (selftests/iscsi/86-ua.py):
# LU and target reset, MODE SELECT seen by the other nexus, D_SENSE,
# live resize, a LUN added and removed, eject / load / prevent, readonly;
# then eject / load / prevent with sg3-utils through open-iscsi.
. "$KTGT_SRC/selftests/lib/lib.sh"
. "$KTGT_SRC/selftests/iscsi/lib-iscsi.sh"

if pdu_setup; then
	t_ok "setup: module, demo target and ACL target"
else
	t_bail "setup of the targets failed"
fi
pdu_run 86-ua.py

# The same with sg3-utils through open-iscsi, on a removable LU of its own
SG_IQN=iqn.2026-11.org.ktgt:ua-sg
sg_setup() {
	local t=$KTGT_CFS/targets/$SG_IQN/tpgt_1
	ktgt_backstore ram ua_sg $((16 << 20)) &&
		echo 1 > "$KTGT_CFS/backstores/ram/ua_sg/removable" &&
		ktgt_target $SG_IQN 1 127.0.0.1:3260 &&
		ktgt_lun $SG_IQN 1 0 ram/ua_sg &&
		echo 1 > "$t/attrib/generate_node_acls" &&
		echo 0 > "$t/attrib/demo_mode_write_protect" &&
		echo 1 > "$t/enable"
}
# eject: the kernel's own prevention (sd_open of a udev probe) may still
# be held for a moment after the scan
eject() {
	local i
	for i in $(seq 50); do
		sg_start --eject "$SG" > /dev/null 2>&1 && return 0
		sleep 0.2
	done
	sg_start --eject "$SG"
}
t_run "demo target with a removable 16 MiB ram LU" sg_setup
t_run "sg driver" modprobe sg
t_run "iscsid" iscsi_start
t_run "login" iscsi_login $SG_IQN 127.0.0.1:3260
DISK=$(iscsi_disk $SG_IQN 0)
SG=/dev/$(basename "$(ls -d /sys/block/"$(basename "$DISK")"/device/scsi_generic/* 2> /dev/null)")
t_match "open-iscsi disk and its sg device" '^/dev/sg[0-9]+$' "$SG"
udevadm settle 2> /dev/null
t_eq "sg_inq: RMB=1" "1" "$(sg_inq "$SG" | sed -n 's/.*RMB=\([01]\).*/\1/p' | head -n 1)"
# Extended INQUIRY Data VPD page: listed in page 00h; HEADSUP, ORDSUP,
# SIMPSUP in byte 5, LUICLR in byte 7, page length 3Ch.
t_match "VPD 00h lists 86h" " 86" "$(sg_vpd -p 0 -r "$SG" 2> /dev/null | od -An -tx1 -j4 | tr -s ' \n' ' ')"
t_eq "VPD 86h: length 3Ch, byte 5 07h (HEADSUP ORDSUP SIMPSUP), byte 7 01h (LUICLR)" \
	"86 3c 07 01" \
	"$(sg_vpd -p 0x86 -r "$SG" 2> /dev/null | od -An -tx1 | tr -s ' \n' ' ' | awk '{print $2, $4, $6, $8}')"
t_run "sg_start --eject" eject
t_rc "sg_turs: NOT READY (exit status 2)" 2 sg_turs "$SG"
t_match "sg_requests: NOT READY, MEDIUM NOT PRESENT - TRAY OPEN" \
	'Sense key: Not Ready.*Medium not present - tray open' \
	"$(sg_requests "$SG" 2>&1 | tr '\n' ' ')"
t_run "sg_prevent --prevent=1" sg_prevent --prevent=1 "$SG"
out=$(sg_start -v --load "$SG" 2>&1); rc=$?
t_eq "sg_start --load while prevented: ILLEGAL REQUEST (exit status 5)" 5 $rc
t_match "and the sense: MEDIUM REMOVAL PREVENTED" '[Mm]edium removal prevented' "$out"
t_run "sg_prevent --allow" sg_prevent --allow "$SG"
t_run "sg_start --load" sg_start --load "$SG"
t_run "sg_turs: ready again" sg_turs "$SG"
t_run "logout" iscsi_logout $SG_IQN 127.0.0.1:3260
pdu_finish
