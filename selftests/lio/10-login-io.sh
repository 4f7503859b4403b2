#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness's plumbing against Linux's own target (LIO), not ktgt: a
# ramdisk LUN in demo mode on 127.0.0.1:3260; SendTargets, login, ext4 with
# files checksummed across a logout/login, raw dd and fio verify, then
# iscsi-test-cu.  The same helpers drive the ktgt tests.  Not in make check
# (make vm-selftest-lio).
. "$KTGT_SRC/selftests/lib/lib.sh"
IQN=iqn.2003-01.org.linux-iscsi.ktgt-vm:lio
P=127.0.0.1:3260

t_run "load LIO" lio_load || t_bail "no LIO"
t_run "ramdisk backstore rd0 (256 MiB)" lio_rd rd0 256
t_run "target with a portal on $P and LUN 0" lio_target $IQN $P rd0
t_run "demo mode" lio_demo_mode $IQN
t_run "enable the TPG" lio_enable $IQN
t_run "start iscsid" iscsi_start || t_bail "no iscsid"
t_eq "SendTargets lists the target" "$P,1 $IQN" "$(iscsi_discover $P)"
t_run "login" iscsi_login $IQN $P
DEV=$(iscsi_disk $IQN 0)
t_match "LUN 0 appears as a SCSI disk" '^/dev/sd[a-z]+$' "$DEV" || t_bail "no disk"
t_eq "disk size is 256 MiB" 268435456 "$(blockdev --getsize64 "$DEV")"
# iscsi-ls prints (last LBA x block size) in MiB, rounded down
t_match "iscsi-ls -s shows LUN 0 as 255M" "Lun:0 +Type:DIRECT_ACCESS \\(Size:255M\\)" \
	"$(iscsi-ls -s iscsi://$P 2>&1)"
t_fs_roundtrip $IQN $P
t_raw_io "$DEV" 32
t_run "logout" iscsi_logout $IQN $P
t_iscsi_test_cu "iscsi://127.0.0.1/$IQN/0" SCSI.Read10,SCSI.Write10
t_run "stop iscsid" iscsi_stop
t_run "tear LIO down" lio_teardown
t_done
