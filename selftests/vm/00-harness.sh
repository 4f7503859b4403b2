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
for c in iscsiadm iscsid iscsi-test-cu iscsi-ls fio mkfs.ext4 sg_inq sha256sum perl; do
	t_run "tool present: $c" command -v $c
done
t_eq "errno helper reports EEXIST" EEXIST "$(perl "$ERRNO_OF" mkdir /tmp)"
t_eq "slub_debug is on" "FZPU" "$(sed -n 's/.*slub_debug=\([^ ]*\).*/\1/p' /proc/cmdline)"
t_done
