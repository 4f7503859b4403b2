#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Integrity across forced disconnects: fio writes with crc32c verification
# over open-iscsi while a loop kills the connection (ss -K of the
# initiator's socket, ss -K of the target's kernel socket, TPG disable and
# enable); open-iscsi reconnects and replays.  Every acknowledged write
# must read back intact, in fio's own verify phase and in a second
# verify-only pass after a fresh login.  Then an ext4 on the LU: files
# written and synced, the connection killed under the mounted filesystem
# (with more writes in flight), umount: fsck.ext4 -n finds it clean and
# every file is identical.  INTEGRITY_MIB (48), KILL_EVERY (3 s) and KILLS
# (6, the kills to reach) tune it.
. "$KTGT_SRC/selftests/lib/lib.sh"
IQN=iqn.2026-11.org.ktgt:integrity
P=127.0.0.1:3260
T=$KTGT_CFS/targets/$IQN/tpgt_1
MIB=${INTEGRITY_MIB:-48}
KILL_EVERY=${KILL_EVERY:-3}
KILLS=${KILLS:-6}

sessions_up() {
	iscsiadm -m session -P 3 2> /dev/null | grep -q 'iSCSI Session State: LOGGED_IN'
}
# kill_one N: the Nth way of breaking the connection
kill_one() {
	case $(($1 % 3)) in
	0) ss -K state established dst 127.0.0.1 dport = 3260 > /dev/null ;;	# initiator's socket
	1) ss -K state established src 127.0.0.1 sport = 3260 > /dev/null ;;	# the target's
	2) echo 0 > $T/enable && echo 1 > $T/enable ;;	# target ends the session
	esac
}
# killer: until /tmp/stop-kill exists, break the connection every
# KILL_EVERY seconds once the session is back up; counts in /tmp/kills
killer() {
	local n=0
	rm -f /tmp/stop-kill
	while [ ! -e /tmp/stop-kill ]; do
		sleep "$KILL_EVERY"
		wait_for 60 sessions_up || { echo "session did not come back" >> /tmp/kill.err; break; }
		[ -e /tmp/stop-kill ] && break
		kill_one $n && n=$((n + 1))
		echo $n > /tmp/kills
	done
}
conn_errors() { dmesg | grep -c 'detected conn error'; }

load() { ktgt_load && modprobe tcp_diag; }
t_run "insmod; tcp_diag for ss -K" load || t_bail "cannot load $KTGT_KO"
t_run "demo target, ram LUN of $((MIB + 64)) MiB" ktgt_demo_target $IQN ram $(((MIB + 64) << 20))
t_run "iscsid" iscsi_start
t_run "login" iscsi_login $IQN $P
DEV=$(iscsi_disk $IQN 0)
t_match "LUN 0 is a disk" '^/dev/sd[a-z]+$' "$DEV" || t_bail "no disk"

# --- fio with verification while the connection is killed in a loop
e0=$(conn_errors)
echo 0 > /tmp/kills
killer &
KPID=$!
t0=$SECONDS
# fio_pass SEED [ARGS]: one pass over the LU (writes, then its verify)
fio_pass() {
	fio --name=integ --filename="$DEV" --rw=randwrite --bsrange=4k-64k --size=${MIB}M \
		--direct=1 --ioengine=libaio --iodepth=16 --verify=crc32c --verify_fatal=1 \
		--randseed="$1" "${@:2}" --output=/tmp/fio.integ
}
# passes until the connection has been killed KILLS times (at most 30)
pass=0 bad=
while [ "$(cat /tmp/kills)" -lt "$KILLS" ] && [ $pass -lt 30 ]; do
	pass=$((pass + 1))
	fio_pass $pass --do_verify=1 || { bad="pass $pass failed"; t_diag_file /tmp/fio.integ; break; }
done
touch /tmp/stop-kill
wait $KPID
kills=$(cat /tmp/kills)
t_eq "fio: $pass passes of $MIB MiB random writes (4-64 KiB, QD16), each verified with crc32c, while the connection was killed every ${KILL_EVERY} s" "" "$bad"
t_diag "fio with kills: $((SECONDS - t0)) s, $kills kills, $(($(conn_errors) - e0)) connection errors seen by open-iscsi"
t_run "the connection was killed at least $KILLS times during the passes ($kills)" \
	test "$kills" -ge "$KILLS"
t_eq "the session always came back within 60 s" "" "$(cat /tmp/kill.err 2> /dev/null)"
t_run "logout" iscsi_logout $IQN $P
t_run "login again" iscsi_login $IQN $P
DEV=$(iscsi_disk $IQN 0)
t_run "fio --verify_only: the last pass's blocks read back intact on a fresh session" \
	fio_pass $pass --verify_only

# --- ext4: synced files survive a forced disconnect under the mount
MNT=/mnt/integ
mkdir -p $MNT /tmp/integ
t_run "mkfs.ext4" mkfs.ext4 -q -F -E nodiscard "$DEV"
t_run "mount" mount "$DEV" $MNT
for i in 1 2 3 4; do head -c $((i * 3))M /dev/urandom > /tmp/integ/a.$i; done
for i in 1 2 3 4; do head -c $((i * 512))K /dev/urandom > /tmp/integ/b.$i; done
t_run "write 30 MiB in four files" cp /tmp/integ/a.1 /tmp/integ/a.2 /tmp/integ/a.3 /tmp/integ/a.4 $MNT/
t_run "sync" sync
t_run "kill the target's socket" kill_one 1
t_run "write more files while the session recovers" cp /tmp/integ/b.1 /tmp/integ/b.2 /tmp/integ/b.3 /tmp/integ/b.4 $MNT/
t_run "the session comes back" wait_for 60 sessions_up
t_run "kill the initiator's socket" kill_one 0
t_run "the session comes back" wait_for 60 sessions_up
t_run "disable and enable the TPG (the target ends the session)" kill_one 2
t_run "sync again (after the reconnect)" timeout 120 sync
t_run "the session is logged in" wait_for 60 sessions_up
t_run "umount" umount $MNT
t_run "logout" iscsi_logout $IQN $P
t_run "login" iscsi_login $IQN $P
DEV=$(iscsi_disk $IQN 0)
t_run "fsck.ext4 -n -f finds the filesystem clean" fsck.ext4 -n -f "$DEV"
t_run "mount read-only" mount -o ro "$DEV" $MNT
t_run "every file is identical" sh -c "cd /tmp/integ && for f in *; do cmp -s \$f $MNT/\$f || { echo \$f differs; exit 1; }; done"
umount $MNT
rm -rf /tmp/integ
t_run "logout" iscsi_logout $IQN $P
t_run "stop iscsid" iscsi_stop
t_run "teardown" ktgt_teardown
t_run "rmmod" ktgt_unload
t_done
