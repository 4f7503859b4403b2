#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness's own test: the guest has what every other test relies on.
. "$KTGT_SRC/selftests/lib/lib.sh"

t_eq "running inside the test VM" ktgt-vm "$(hostname)"
t_eq "guest kernel is the one asked for" "$(uname -r)" "$(ls /lib/modules | grep -x "$(uname -r)")"
t_run "configfs is mounted" mountpoint -q /sys/kernel/config
t_match "loopback is up" "UP" "$(ip -o link show lo)"
t_eq "no other network interface (-nic none)" "lo" "$(ls /sys/class/net | tr '\n' ' ' | xargs)"
t_run "/tmp is writable" bash -c 'echo x > /tmp/harness.$$ && rm /tmp/harness.$$'
t_run "the host root is read-only below the overlay" bash -c '! touch /ktgt/harness-must-fail 2>/dev/null'
t_run "the results dir is writable" bash -c 'echo x > /ktgt-results/harness.w && rm /ktgt-results/harness.w'
t_run "modprobe works (brd RAM disk)" brd_disk 64
t_eq "brd disk has the asked size" 67108864 "$(blockdev --getsize64 /dev/ram0 2>&1)"
t_run "rmmod brd" modprobe -r brd
for c in iscsiadm iscsid iscsi-test-cu iscsi-ls fio mkfs.ext4 sg_inq sha256sum ss; do
	t_run "tool present: $c" command -v $c
done
t_errno "errno_of: mkdir of an existing dir is EEXIST" EEXIST mkdir /tmp
t_errno "errno_of: write of a bad sysctl value is EINVAL" EINVAL write /proc/sys/kernel/hung_task_timeout_secs abc
t_errno "errno_of: a successful write is OK" OK write /tmp/errno-test x
t_errno "errno_of: rmdir of a non-empty dir is ENOTEMPTY" ENOTEMPTY rmdir /etc
t_errno "errno_of: symlink over an existing file is EEXIST" EEXIST symlink /x /tmp/errno-test
t_eq "slub_debug is on" "FZPU" "$(sed -n 's/.*slub_debug=\([^ ]*\).*/\1/p' /proc/cmdline)"
t_done
