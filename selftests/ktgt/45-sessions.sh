#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Several sessions from one initiator (open-iscsi node.session.nr_sessions),
# each with its own ISID and TSIH, all reaching the same LU: data written
# through one session reads back through every other.  Then connections are
# torn down under a write (TCP RST from both ends, as a failing network or a
# crashed peer would leave them): open-iscsi logs in again with the same
# ISID, the target starts a new session for it, and the write that the block
# layer acknowledged is on the LU.
. "$KTGT_SRC/selftests/lib/lib.sh"
IQN=iqn.2026-11.org.ktgt:sessions
INI=iqn.2026-11.org.ktgt:multi-initiator
P=127.0.0.1:3260
N=4

# disk_of SESSION_DIR: /dev/sdX of LUN 0 of that open-iscsi session
disk_of() {
	local d
	for d in "$1"/device/target*/*:*:*:0/block/*; do
		[ -e "$d" ] && { echo "/dev/$(basename "$d")"; return 0; }
	done
	return 1
}

# logins: the ISIDs the target logged in, one line per login, in order
logins() { dmesg | grep "ktgt: $INI ISID .* logged in to $IQN" | grep -o 'ISID [0-9a-f]*' | cut -d' ' -f2; }

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
t_run "demo-mode target, 64 MiB ram LUN 0 on $P" ktgt_demo_target $IQN ram $((64 << 20)) $P
t_run "start iscsid as $INI" iscsi_start $INI || t_bail "no iscsid"
t_run "discovery" iscsi_discover $P
t_run "node.session.nr_sessions = $N" iscsiadm -m node -T $IQN -p $P -o update \
	-n node.session.nr_sessions -v $N
t_run "login" iscsi_login $IQN $P
wait_for 30 bash -c "[ \$(ls -d /sys/class/iscsi_session/session* | wc -l) = $N ]"
t_eq "$N sessions to the target" $N "$(iscsi_sessions)"
t_eq "the target logged in $N distinct ISIDs" $N \
	"$(dmesg | grep -o "ktgt: $INI ISID [0-9a-f]* logged in" | sort -u | wc -l)"
t_eq "with $N distinct TSIHs" $N \
	"$(dmesg | grep "ktgt: $INI ISID .* logged in to $IQN" | grep -o 'TSIH [0-9]*' | sort -u | wc -l)"

DISKS=()
for s in /sys/class/iscsi_session/session*; do
	wait_for 30 disk_of "$s"
	d=$(disk_of "$s") && DISKS+=("$d")
done
t_eq "each session has its disk" $N "${#DISKS[@]}"
t_eq "all disks show the same LU (VPD 0x83)" 1 \
	"$(for d in "${DISKS[@]}"; do sg_vpd -p di -r "$d" | sha256sum; done | sort -u | wc -l)"

# Session i writes MiB i; session i+1 reads it back.
for i in $(seq 0 $((N - 1))); do head -c 1M /dev/urandom > /tmp/s$i.bin; done
ok=0
for i in $(seq 0 $((N - 1))); do
	dd if=/tmp/s$i.bin of="${DISKS[$i]}" bs=1M seek=$i oflag=direct status=none || ok=1
done
for i in $(seq 0 $((N - 1))); do
	j=$(((i + 1) % N))
	[ "$(dd if="${DISKS[$j]}" bs=1M skip=$i count=1 iflag=direct status=none | sha256sum)" = \
		"$(sha256sum < /tmp/s$i.bin)" ] || ok=1
done
t_result "what each session wrote reads back through the next one" $ok

# --- connection loss under a write ---------------------------------------
modprobe -q tcp_diag 2> /dev/null
S1=$(ls -d /sys/class/iscsi_session/session* | head -n 1)
C1=$(ls -d "$S1"/device/connection*/iscsi_connection/connection* | head -n 1)
D1=$(disk_of "$S1")
LPORT=$(cat "$C1/local_port" 2> /dev/null)
t_match "session 1's connection has a local port" '^[0-9]+$' "$LPORT"
before=$(logins | wc -l)
head -c 16M /dev/urandom > /tmp/big.bin
dd if=/tmp/big.bin of="$D1" bs=64k seek=128 oflag=direct status=none &
DD=$!
sleep 0.3
t_run "reset its TCP connection (both ends)" sh -c \
	"ss -K dst 127.0.0.1 dport = 3260 sport = :$LPORT; ss -K src 127.0.0.1 sport = 3260 dport = :$LPORT"
wait $DD
t_eq "the write in flight completes" 0 $?
wait_for 30 bash -c "[ \$(dmesg | grep -c 'ktgt: $INI ISID .* logged in to $IQN') -gt $before ]"
t_eq "open-iscsi logged in once more" $((before + 1)) "$(logins | wc -l)"
t_eq "reusing the ISID of one of its sessions" 1 "$(logins | head -n $N | grep -c -x "$(logins | tail -n 1)")"
t_eq "still $N sessions" $N "$(iscsi_sessions)"
t_eq "the acknowledged write is on the LU (read through another session)" \
	"$(sha256sum < /tmp/big.bin)" \
	"$(dd if="${DISKS[1]}" bs=64k skip=128 count=256 iflag=direct status=none | sha256sum)"
t_eq "and the data of the other sessions is intact" "$(sha256sum < /tmp/s3.bin)" \
	"$(dd if="${DISKS[2]}" bs=1M skip=3 count=1 iflag=direct status=none | sha256sum)"

t_run "logout of all $N sessions" iscsi_logout $IQN $P
t_eq "no session left" 0 "$(iscsi_sessions)"
t_run "stop iscsid" iscsi_stop
t_run "teardown" ktgt_teardown
t_run "rmmod" rmmod ktgt
t_done
