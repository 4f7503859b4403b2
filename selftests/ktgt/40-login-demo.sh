#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Demo mode (generate_node_acls=1) with open-iscsi: SendTargets over IPv4
# and IPv6, login, ext4 files checksummed across logout/login, raw dd and
# fio verify, IPv6 login, and demo_mode_write_protect=1 refusing writes.
. "$KTGT_SRC/selftests/lib/lib.sh"
IQN=iqn.2026-11.org.ktgt:demo-test
P=127.0.0.1:3260
P6="[::1]:3260"
T=$KTGT_CFS/targets/$IQN/tpgt_1

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
t_run "demo-mode target, 256 MiB ram LUN 0 on $P" ktgt_demo_target $IQN ram $((256 << 20)) $P
t_run "second portal $P6" mkdir "$T/np/$P6"
t_run "start iscsid" iscsi_start iqn.2026-11.org.ktgt:demo-initiator || t_bail "no iscsid"
t_eq "SendTargets on $P lists the target at both portals" \
	"$P,1 $IQN|$P6,1 $IQN" "$(iscsi_discover $P | sort | paste -sd '|')"
t_eq "SendTargets on $P6 gives the same" \
	"$P,1 $IQN|$P6,1 $IQN" "$(iscsi_discover "$P6" | sort | paste -sd '|')"
t_run "login on $P" iscsi_login $IQN $P || t_bail "login failed"
t_eq "one session" 1 "$(iscsi_sessions)"
DEV=$(iscsi_disk $IQN 0)
t_match "LUN 0 appears as a SCSI disk" '^/dev/sd[a-z]+$' "$DEV" || t_bail "no disk"
t_eq "disk size is 256 MiB" 268435456 "$(blockdev --getsize64 "$DEV")"
t_eq "logical block size 512" 512 "$(blockdev --getss "$DEV")"
t_eq "disk is writable" 0 "$(blockdev --getro "$DEV")"
t_fs_roundtrip $IQN $P
t_raw_io "$DEV" 32
t_run "logout" iscsi_logout $IQN $P

t_run "login on $P6" iscsi_login $IQN "$P6"
DEV=$(iscsi_disk $IQN 0)
t_match "LUN 0 over IPv6" '^/dev/sd[a-z]+$' "$DEV"
head -c 1M /dev/urandom > /tmp/v6.bin
t_run "write 1 MiB over IPv6" dd if=/tmp/v6.bin of="$DEV" bs=1M oflag=direct status=none
t_eq "read it back over IPv6" "$(sha256sum < /tmp/v6.bin)" "$(dd if="$DEV" bs=1M count=1 iflag=direct status=none | sha256sum)"
t_run "logout from $P6" iscsi_logout $IQN "$P6"

t_run "demo_mode_write_protect=1" sh -c "echo 1 > $T/attrib/demo_mode_write_protect"
t_run "login again" iscsi_login $IQN $P
DEV=$(iscsi_disk $IQN 0)
t_eq "the data is still there" "$(sha256sum < /tmp/v6.bin)" "$(dd if="$DEV" bs=1M count=1 iflag=direct status=none | sha256sum)"
t_rc "a write is refused" 1 dd if=/dev/zero of="$DEV" bs=4k count=1 oflag=direct status=none
t_eq "and changed nothing" "$(sha256sum < /tmp/v6.bin)" "$(dd if="$DEV" bs=1M count=1 iflag=direct status=none | sha256sum)"
t_run "logout" iscsi_logout $IQN $P

t_run "disable the TPG" sh -c "echo 0 > $T/enable"
t_run "login to a disabled TPG fails" sh -c "! iscsiadm -m node -T $IQN -p $P -l"
t_eq "no session" 0 "$(iscsi_sessions)"
t_run "stop iscsid" iscsi_stop
t_run "teardown" ktgt_teardown
t_run "rmmod" rmmod ktgt
t_done
