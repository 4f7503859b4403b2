#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Memory pressure: four sessions (four targets, RAM LUNs written full
# first) under verified fio load with up to 1 MiB commands while a pinned
# tmpfs file leaves only MEM_LEFT_MIB (192) of the guest's memory available.
# ktgt's buffers, PDUs and tasks then compete for the last pages: a command
# that finds no memory must end with TASK SET FULL or BUSY (the initiator
# retries) or the connection must drop and recover; never a hang, never
# bad data, and no OOM kill (the test sizes its load to avoid one and
# fails if one happens).  For a harder run boot a small guest, e.g.
#   VM_MEM=320 MEM_LEFT_MIB=0 selftests/vm/run selftests/ktgt/93-mem-pressure.sh
# (MEM_LEFT_MIB=0: no tmpfs fill).
. "$KTGT_SRC/selftests/lib/lib.sh"
P=127.0.0.1:3260
N=4
LUN_MIB=24
MEM_LEFT_MIB=${MEM_LEFT_MIB:-192}
FILL=/mnt/memfill

setup() {
	local i t
	ktgt_load || return 1
	for i in $(seq 1 $N); do
		t=iqn.2026-11.org.ktgt:mem-$i
		ktgt_backstore ram m$i $((LUN_MIB << 20)) && ktgt_target $t 1 $P &&
			ktgt_lun $t 1 0 ram/m$i &&
			echo 1 > $KTGT_CFS/targets/$t/tpgt_1/attrib/generate_node_acls &&
			echo 0 > $KTGT_CFS/targets/$t/tpgt_1/attrib/demo_mode_write_protect &&
			echo 1 > $KTGT_CFS/targets/$t/tpgt_1/enable || return 1
	done
}
login_all() {
	local i
	for i in $(seq 1 $N); do
		iscsi_login iqn.2026-11.org.ktgt:mem-$i $P > /dev/null || return 1
	done
}
avail_mib() { awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo; }
fill_memory() {
	local fill
	[ "$MEM_LEFT_MIB" = 0 ] && return 0
	fill=$(($(avail_mib) - MEM_LEFT_MIB))
	[ $fill -gt 0 ] || return 0
	mkdir -p $FILL && mount -t tmpfs -o size=$((fill + 16))M memfill $FILL &&
		dd if=/dev/zero of=$FILL/fill bs=1M count=$fill status=none
}
oom_kills() { dmesg | grep -c -E 'Out of memory|oom-kill'; }

t_run "setup: $N targets with a $LUN_MIB MiB RAM LUN each (one portal)" setup || t_bail "setup"
t_run "iscsid" iscsi_start
t_run "login to all $N targets" login_all
DEVS=()
for i in $(seq 1 $N); do DEVS+=("$(iscsi_disk iqn.2026-11.org.ktgt:mem-$i 0)"); done
t_match "$N disks" '^(/dev/sd[a-z]+ ){3}/dev/sd[a-z]+$' "${DEVS[*]}" || t_bail "no disks"
for d in "${DEVS[@]}"; do
	dd if=/dev/urandom of="$d" bs=1M count=$LUN_MIB oflag=direct status=none || t_notok "prefill $d"
done
t_ok "each LUN written full (its RAM pages allocated)"
o0=$(oom_kills)
t_run "pin all but $MEM_LEFT_MIB MiB of available memory in tmpfs (was $(avail_mib) MiB)" fill_memory
t_diag "MemAvailable now $(avail_mib) MiB, MemFree $(awk '/^MemFree:/ {print int($2 / 1024)}' /proc/meminfo) MiB"
jobs=()
for d in "${DEVS[@]}"; do
	jobs+=(--name="$(basename "$d")" --filename="$d")
done
t0=$SECONDS
t_run "fio on $N sessions: random writes of 64 KiB-1 MiB at QD16 each, crc32c verified" \
	timeout 240 fio --rw=randwrite --bsrange=64k-1m --size=${LUN_MIB}M --direct=1 \
	--ioengine=libaio --iodepth=16 --verify=crc32c --verify_fatal=1 --do_verify=1 \
	--output=/tmp/fio.mem "${jobs[@]}"
t_diag "fio: $((SECONDS - t0)) s; MemAvailable at the end $(avail_mib) MiB"
t_diag_file /tmp/fio.mem 4
t_run "fio: 4 KiB random reads at QD64 on all sessions for 15 s" timeout 120 fio --rw=randread \
	--bs=4k --direct=1 --ioengine=libaio --iodepth=64 --time_based --runtime=15 \
	--output=/tmp/fio.mem2 "${jobs[@]}"
t_eq "no OOM kill happened" 0 $(($(oom_kills) - o0))
[ -d $FILL ] && { rm -f $FILL/fill; umount $FILL; }
t_run "all sessions logged in" test "$(iscsiadm -m session -P 3 | grep -c 'Session State: LOGGED_IN')" = $N
t_run "logout" iscsiadm -m node -u
t_run "stop iscsid" iscsi_stop
t_run "teardown" ktgt_teardown
t_run "rmmod" ktgt_unload
t_done
