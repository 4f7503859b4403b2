#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# I/O through each backstore type: block (a brd RAM disk), file (an image on
# ext4) and null, as LUNs 0-2 of one demo-mode target.  What the initiator
# writes lands byte for byte on the block device and in the file.
. "$KTGT_SRC/selftests/lib/lib.sh"
IQN=iqn.2026-11.org.ktgt:bs-test
P=127.0.0.1:3260
T=$KTGT_CFS/targets/$IQN/tpgt_1

setup_disks() {
	modprobe -r brd 2> /dev/null
	modprobe brd rd_nr=2 rd_size=$((64 * 1024)) max_part=0 && wait_for 10 test -b /dev/ram1 &&
		mkfs.ext4 -q -F /dev/ram1 && mkdir -p /mnt/img && mount /dev/ram1 /mnt/img &&
		truncate -s 32M /mnt/img/lun1.img
}
setup() {
	ktgt_backstore block b0 0 /dev/ram0 && ktgt_backstore file f0 0 /mnt/img/lun1.img &&
		ktgt_backstore null n0 $((1 << 30)) && ktgt_target $IQN 1 $P &&
		ktgt_lun $IQN 1 0 block/b0 && ktgt_lun $IQN 1 1 file/f0 && ktgt_lun $IQN 1 2 null/n0 &&
		echo 1 > $T/attrib/generate_node_acls && echo 0 > $T/attrib/demo_mode_write_protect &&
		echo 1 > $T/enable
}
t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
t_run "brd /dev/ram0 (64 MiB); 32 MiB image file on ext4 on /dev/ram1" setup_disks
t_run "LUN 0 block on /dev/ram0, LUN 1 file, LUN 2 null (1 GiB)" setup
t_file "block backstore took the device's size" $KTGT_CFS/backstores/block/b0/size_bytes 67108864
t_file "file backstore took the file's size" $KTGT_CFS/backstores/file/f0/size_bytes 33554432
t_run "iscsid" iscsi_start
t_run "login" iscsi_login $IQN $P
D0=$(iscsi_disk $IQN 0) D1=$(iscsi_disk $IQN 1) D2=$(iscsi_disk $IQN 2)
t_eq "LUN 0 is 64 MiB" 67108864 "$(blockdev --getsize64 "$D0")"
t_eq "LUN 1 is 32 MiB" 33554432 "$(blockdev --getsize64 "$D1")"
t_eq "LUN 2 is 1 GiB" 1073741824 "$(blockdev --getsize64 "$D2")"
t_raw_io "$D0" 16
t_raw_io "$D1" 16
head -c 8M /dev/urandom > /tmp/pattern
t_run "write 8 MiB to the block LUN" dd if=/tmp/pattern of="$D0" bs=1M seek=4 oflag=direct status=none
t_run "write 8 MiB to the file LUN" dd if=/tmp/pattern of="$D1" bs=1M seek=2 oflag=direct status=none
t_run "sync both" sh -c "blockdev --flushbufs $D0 && blockdev --flushbufs $D1"
t_eq "the bytes are on /dev/ram0 at the same offset" "$(sha256sum < /tmp/pattern)" \
	"$(dd if=/dev/ram0 bs=1M skip=4 count=8 iflag=direct status=none | sha256sum)"
t_eq "the bytes are in the image file at the same offset" "$(sha256sum < /tmp/pattern)" \
	"$(dd if=/mnt/img/lun1.img bs=1M skip=2 count=8 status=none | sha256sum)"
t_run "the null LUN accepts writes" dd if=/tmp/pattern of="$D2" bs=1M oflag=direct status=none
t_run "and reads" dd if="$D2" of=/dev/null bs=1M count=8 iflag=direct status=none
t_run "logout" iscsi_logout $IQN $P
t_run "stop iscsid" iscsi_stop
t_run "teardown" ktgt_teardown
t_run "rmmod" rmmod ktgt
umount /mnt/img
t_done
