#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness's plumbing against Linux's own target (LIO), not ktgt: a
# ramdisk LUN in demo mode on 127.0.0.1:3260; SendTargets, login, ext4 with
# files of several sizes checksummed across a logout/login, raw dd and fio
# verify, then iscsi-test-cu.  Proves the VM, open-iscsi and libiscsi steps
# that the ktgt tests use.  Not part of make check (make vm-selftest-lio).
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
dev=$(iscsi_disk $IQN 0)
t_match "LUN 0 appears as a SCSI disk" '^/dev/sd[a-z]+$' "$dev" || t_bail "no disk"
t_eq "disk size is 256 MiB" 268435456 "$(blockdev --getsize64 "$dev")"
t_run "mkfs.ext4" mkfs.ext4 -q -F "$dev"
mkdir -p /mnt/lio
t_run "mount" mount "$dev" /mnt/lio
for s in 4K 1M 8M 64M; do
	head -c $s /dev/urandom > /tmp/f.$s
	cp /tmp/f.$s /mnt/lio/f.$s
done
(cd /tmp && sha256sum f.4K f.1M f.8M f.64M) > /tmp/sums
t_run "umount" umount /mnt/lio
t_run "logout" iscsi_logout $IQN $P
t_eq "no session left" 0 "$(iscsi_sessions)"
t_run "login again" iscsi_login $IQN $P
dev=$(iscsi_disk $IQN 0)
t_run "mount again" mount "$dev" /mnt/lio
t_run "files read back with equal sha256 (4K, 1M, 8M, 64M)" bash -c "cd /mnt/lio && sha256sum -c --quiet /tmp/sums"
t_run "umount" umount /mnt/lio
t_run "dd 32 MiB raw write with O_DIRECT" dd if=/tmp/f.64M of="$dev" bs=1M count=32 oflag=direct status=none
t_eq "dd raw read back equal" "$(head -c 32M /tmp/f.64M | sha256sum)" "$(dd if="$dev" bs=1M count=32 iflag=direct status=none | sha256sum)"
t_run "fio verify=crc32c" fio --name=v --filename="$dev" --rw=randwrite --bs=4k --size=32M \
	--direct=1 --ioengine=libaio --iodepth=16 --verify=crc32c --verify_fatal=1 --do_verify=1
t_run "logout" iscsi_logout $IQN $P
t_run "iscsi-test-cu SCSI.Read10,SCSI.Write10" iscsi-test-cu --test=SCSI.Read10,SCSI.Write10 --dataloss "iscsi://127.0.0.1/$IQN/0"
t_run "stop iscsid" iscsi_stop
t_run "tear LIO down" lio_teardown
t_done
