#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A filesystem on a thin-provisioned block backstore survives UNMAP and
# WRITE SAME interleaved with verified I/O.  LUN 0 is a block backstore on
# a loop device over a tmpfs file (a RAM disk that can deallocate: brd
# cannot discard on Linux 6.1, so ktgt rightly reports it fully
# provisioned; LUN 1, a block backstore on brd, checks exactly that).
# Partition 1 holds an ext4 mounted -o discard, partition 2 stays raw.
# fio --verify=crc32c passes (512 B to 1 MiB, O_DIRECT) run on the ext4
# while two loops run beside them: files created, deleted and fstrim'd,
# fallocate --punch-hole/--zero-range with the file read back; and on
# partition 2 blkdiscard, blkdiscard -z, fallocate -z/-p and sg_write_same
# of a pattern with and without UNMAP, each region read back (O_DIRECT)
# against a mirror of what partition 2 must hold.  The initiator's SCSI
# tracepoint shows the UNMAP and WRITE SAME commands and their GOOD
# status; the tmpfs file's holes show that ktgt deallocated.  Afterwards
# the last fio pass verifies again, fsck.ext4 -fn is clean, files
# written before the storm are identical, partition 2 equals its mirror.
# FSV_ROUNDS (2) tunes the length of the storm.
. "$KTGT_SRC/selftests/lib/lib.sh"
IQN=iqn.2026-11.org.ktgt:fsverify
P=127.0.0.1:3260
T=$KTGT_CFS/targets/$IQN/tpgt_1
BACK=/mnt/fsv-back
IMG=$BACK/lu.img
MNT=/mnt/fsv
W=/tmp/fsv
TR=/sys/kernel/tracing
EV=$TR/events/scsi/scsi_dispatch_cmd_done
LU_MIB=112
P1_MIB=96
ROUNDS=${FSV_ROUNDS:-2}
t0=$SECONDS

rm -rf $W && mkdir -p $W $BACK $MNT
t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
backing() {
	modprobe loop && mount -t tmpfs -o size=$((LU_MIB + 8))m fsv $BACK &&
		truncate -s ${LU_MIB}M $IMG && brd_disk 16
}
t_run "a ${LU_MIB} MiB file on tmpfs; brd of 16 MiB" backing || t_bail "no backing devices"
LOOP=$(losetup -f --show $IMG)
t_match "loop device over the tmpfs file" '^/dev/loop[0-9]+$' "$LOOP" || t_bail "no loop device"
setup() {
	ktgt_backstore block fsv 0 "$LOOP" && ktgt_backstore block brd 0 /dev/ram0 &&
		ktgt_target $IQN 1 $P && ktgt_lun $IQN 1 0 block/fsv &&
		ktgt_lun $IQN 1 1 block/brd &&
		echo 1 > $T/attrib/generate_node_acls &&
		echo 0 > $T/attrib/demo_mode_write_protect && echo 1 > $T/enable
}
t_run "target: LUN 0 block on $LOOP, LUN 1 block on /dev/ram0" setup
t_run "iscsid" iscsi_start
t_run "login" iscsi_login $IQN $P
DEV=$(iscsi_disk $IQN 0)
BDEV=$(iscsi_disk $IQN 1)
t_match "LUN 0 is a disk" '^/dev/sd[a-z]+$' "$DEV" || t_bail "no disk"
t_match "LUN 1 is a disk" '^/dev/sd[a-z]+$' "$BDEV" || t_bail "no disk"
S=${DEV#/dev/} BS=${BDEV#/dev/}
Q=/sys/block/$S/queue
stat_of() { cat $T/lun/lun_$1/statistics/$2; }

# --- what the initiator sees
t_file "LUN 0: 512-byte logical blocks (512 B O_DIRECT is possible)" $Q/logical_block_size 512
t_match "LUN 0: discard_max_bytes > 0 (LBPME, LBPU, block limits)" '^[1-9][0-9]*$' "$(cat $Q/discard_max_bytes)"
t_match "LUN 0: write_zeroes_max_bytes > 0 (MAXIMUM WRITE SAME LENGTH)" '^[1-9][0-9]*$' \
	"$(cat $Q/write_zeroes_max_bytes)"
t_eq "LUN 0: sd discards with UNMAP" unmap "$(cat /sys/block/$S/device/scsi_disk/*/provisioning_mode)"
t_eq "LUN 0: sd zeroes with WRITE SAME (LBPRZ=0: no UNMAP bit)" writesame \
	"$(cat /sys/block/$S/device/scsi_disk/*/zeroing_mode)"

# --- LUN 1 on brd: fully provisioned, WRITE SAME still zeroes
b_err0=$(stat_of 1 errors)
t_file "LUN 1 (brd): discard_max_bytes 0 (brd cannot discard, no LBPME)" \
	/sys/block/$BS/queue/discard_max_bytes 0
t_match "LUN 1 (brd): write_zeroes_max_bytes > 0" '^[1-9][0-9]*$' \
	"$(cat /sys/block/$BS/queue/write_zeroes_max_bytes)"
t_rc "LUN 1 (brd): WRITE SAME(16) with UNMAP: ILLEGAL REQUEST (sg3_utils status 5)" 5 \
	sg_write_same --16 --unmap --lba=64 --num=8 "$BDEV"
t_eq "LUN 1 (brd): exactly that command counted as an error" 1 $(($(stat_of 1 errors) - b_err0))
head -c 1M /dev/urandom > $W/rand.1m
brd_zero() {
	dd if=$W/rand.1m of="$BDEV" bs=1M oflag=direct status=none &&
		blkdiscard -f -z -o 4096 -l 520192 "$BDEV" &&
		head -c 4096 $W/rand.1m > $W/brd.exp && head -c 520192 /dev/zero >> $W/brd.exp &&
		tail -c +524289 $W/rand.1m >> $W/brd.exp &&
		dd if="$BDEV" bs=1M count=1 iflag=direct status=none | cmp - $W/brd.exp &&
		head -c 1M /dev/ram0 | cmp - $W/brd.exp
}
t_run "LUN 1 (brd): blkdiscard -z zeroes exactly its range (read back, and on /dev/ram0)" brd_zero

# --- partitions, ext4 -o discard, files with known checksums
# part: an MBR (no partitioning tool in the guest) with two Linux
# partitions, partition 1 from 1 MiB, partition 2 from its end to the end
part() {
	/usr/bin/python3 -c '
import struct, sys
p1, size = int(sys.argv[1]), int(sys.argv[2])
mbr = bytearray(512)
for i, (start, n) in enumerate(((2048, p1), (2048 + p1, size - 2048 - p1))):
    mbr[446 + 16 * i:462 + 16 * i] = struct.pack("<B3sB3sII", 0, b"\xfe\xff\xff", 0x83,
                                                 b"\xfe\xff\xff", start, n)
mbr[510:512] = b"\x55\xaa"
sys.stdout.buffer.write(mbr)' $((P1_MIB * 2048)) $((LU_MIB * 2048)) > $W/mbr &&
		dd if=$W/mbr of="$DEV" bs=512 count=1 oflag=direct status=none &&
		blockdev --rereadpt "$DEV"
}
t_run "partition LUN 0 (MBR): 1 = $P1_MIB MiB, 2 = the rest" part
t_run "the partitions appear" wait_for 20 test -b "${DEV}1" -a -b "${DEV}2"
P2_START=$(cat /sys/block/$S/${S}2/start)
P2_BYTES=$(($(cat /sys/block/$S/${S}2/size) * 512))
IMG_P2=$((P2_START * 512))
t_run "mkfs.ext4 on partition 1 (it discards the partition first)" mkfs.ext4 -q -F "${DEV}1"
t_run "mount -o discard" mount -o discard "${DEV}1" $MNT || t_bail "cannot mount"
mkdir -p $MNT/known $MNT/fio $MNT/storm $W/known
for f in 512 4096 300000 2097152 6291456; do head -c $f /dev/urandom > $W/known/k.$f; done
(cd $W/known && sha256sum k.*) > $W/known.sums
t_run "files of 512 B to 6 MiB written and synced before the storm" \
	sh -c "cp $W/known/k.* $MNT/known/ && sync"
head -c $P2_BYTES /dev/urandom > $W/p2.img
t_run "partition 2 ($((P2_BYTES >> 20)) MiB) filled with random data" \
	dd if=$W/p2.img of="${DEV}2" bs=1M oflag=direct status=none
t_run "and reads back equal" sh -c "dd if=${DEV}2 bs=1M iflag=direct status=none | cmp - $W/p2.img"

# --- the initiator's own record of the commands it sent (UNMAP, WRITE SAME)
trace_on() {
	{ mountpoint -q $TR || mount -t tracefs tracefs $TR; } &&
		echo 0 > $TR/tracing_on && echo 8192 > $TR/buffer_size_kb && echo > $TR/trace &&
		echo 'opcode == 0x42 || opcode == 0x41 || opcode == 0x93' > $EV/filter &&
		echo 1 > $EV/enable && echo 1 > $TR/tracing_on
}
t_run "trace scsi_dispatch_cmd_done for UNMAP, WRITE SAME(10) and (16)" trace_on
err0=$(stat_of 0 errors) cmds0=$(stat_of 0 cmds)

# --- partition 2: every operation followed by its exact expected content
: > $W/raw.err
head -c 512 /dev/urandom > $W/pat
cp $W/pat $W/pat.1m
for i in $(seq 11); do cat $W/pat.1m $W/pat.1m > $W/pat.2 && mv $W/pat.2 $W/pat.1m; done
head -c 512 /dev/zero > $W/zero
# m_put SRC OFF LEN: the mirror of partition 2 gets LEN bytes of SRC at OFF
m_put() { dd if="$1" of=$W/p2.img bs="$3" count=1 seek="$2" oflag=seek_bytes conv=notrunc status=none; }
# region_ok OFF LEN: partition 2 (O_DIRECT) equals the mirror over the
# region and 64 KiB either side
region_ok() {
	local a=$(($1 - 65536)) n=$(($2 + 131072))
	[ $a -lt 0 ] && { n=$((n + a)); a=0; }
	[ $((a + n)) -gt $P2_BYTES ] && n=$((P2_BYTES - a))
	dd if=$W/p2.img of=$W/slice bs=1M skip=$a count=$n iflag=skip_bytes,count_bytes status=none &&
		dd if="${DEV}2" bs=1M skip=$a count=$n iflag=direct,skip_bytes,count_bytes status=none |
		cmp - $W/slice > /dev/null
}
# all_is FILE OFF LEN: partition 2's region holds exactly FILE's first LEN bytes
all_is() {
	dd if="${DEV}2" bs=1M skip="$2" count="$3" iflag=direct,skip_bytes,count_bytes status=none |
		cmp -n "$3" - "$1" > /dev/null
}
# hole OFF LEN: the tmpfs file behind the LU has no data in the 4 KiB pages
# wholly inside partition 2's region (the target deallocated them)
hole() {
	local a=$(((IMG_P2 + $1 + 4095) / 4096 * 4096)) b=$(((IMG_P2 + $1 + $2) / 4096 * 4096))
	[ $b -gt $a ] || return 0
	/usr/bin/python3 -c '
import errno, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
a, b = int(sys.argv[2]), int(sys.argv[3])
try:
    d = os.lseek(fd, a, os.SEEK_DATA)
except OSError as e:
    if e.errno != errno.ENXIO:
        raise
    d = b
sys.exit(0 if d >= b else 1)' $IMG $a $b
}
rfail() { echo "round $1, $2 at $3+$4: $5" >> $W/raw.err; }
# raw_op R OP: fresh random data on a random region, then OP on it
raw_op() {
	local r=$1 op=$2 off len lba nb ex=$W/zero.1m
	off=$((1048576 + (RANDOM % ((P2_BYTES - 3145728) / 4096)) * 4096))
	len=$(((RANDOM % 128 + 1) * 4096))
	# odd sizes too for the block layer's own commands
	case $op in discard | zeroout) len=$((len - (RANDOM % 8) * 512)) ;; esac
	lba=$((P2_START + off / 512)) nb=$((len / 512))
	dd if=$W/rand.1m of="${DEV}2" bs=$len count=1 seek=$off iflag=fullblock \
		oflag=direct,seek_bytes status=none || { rfail $r $op $off $len "random write failed"; return; }
	m_put $W/rand.1m $off $len
	case $op in
	discard) blkdiscard -f -o $off -l $len "${DEV}2" 2>> $W/raw.log ;;
	zeroout) blkdiscard -f -z -o $off -l $len "${DEV}2" 2>> $W/raw.log ;;
	falloc-z) fallocate -z -o $off -l $len "${DEV}2" ;;
	falloc-p) fallocate -p -o $off -l $len "${DEV}2" ;;
	ws10) ex=$W/pat.1m; sg_write_same --10 --in=$W/pat --lba=$lba --num=$nb "$DEV" ;;
	ws16) ex=$W/pat.1m; sg_write_same --16 --in=$W/pat --lba=$lba --num=$nb "$DEV" ;;
	ws16-unmap) sg_write_same --16 --unmap --in=$W/zero --lba=$lba --num=$nb "$DEV" ;;
	ws16-unmap-pat)
		# LBPRZ=0 lets the target deallocate instead of writing a
		# non-zero pattern: either is right, mixed is not
		ex=$W/pat.1m
		sg_write_same --16 --unmap --in=$W/pat --lba=$lba --num=$nb "$DEV" &&
			{ all_is $W/pat.1m $off $len || { ex=$W/zero.1m; true; }; } ;;
	esac || { rfail $r $op $off $len "command failed ($?)"; return; }
	m_put $ex $off $len
	region_ok $off $len || rfail $r $op $off $len "region or its neighbours differ from the expected"
	case $op in discard | ws16-unmap)
		hole $off $len || rfail $r $op $off $len "the backing file still has data there" ;;
	esac
}
head -c 1M /dev/zero > $W/zero.1m
RAW_OPS="discard zeroout falloc-z falloc-p ws10 ws16 ws16-unmap ws16-unmap-pat"
raw_storm() {
	local r op
	RANDOM=4242
	for r in $(seq "$ROUNDS"); do
		for op in $RAW_OPS; do raw_op $r $op; done
		echo "$r" > $W/raw.rounds
	done
	echo $((SECONDS - ts)) > $W/raw.secs
}

# --- the filesystem storm: create, delete, fstrim, punch and zero ranges
: > $W/fs.err
ffail() { echo "round $1: $2" >> $W/fs.err; }
fs_storm() {
	local r i off len
	RANDOM=1717
	for r in $(seq "$ROUNDS"); do
		for i in 1 2 3 4 5 6; do
			head -c $(((RANDOM % 512 + 1) * 1024)) /dev/urandom > $MNT/storm/f.$i ||
				ffail $r "create f.$i"
		done
		sync -f $MNT/storm || ffail $r "sync"
		rm -f $MNT/storm/f.* || ffail $r "rm"
		fstrim $MNT || ffail $r "fstrim"
		head -c 2M /dev/urandom > $W/scratch.exp
		cp $W/scratch.exp $MNT/storm/scratch && sync -f $MNT/storm/scratch || ffail $r "scratch"
		off=$(((RANDOM % 448) * 4096)) len=$(((RANDOM % 64 + 1) * 4096))
		fallocate --punch-hole -o $off -l $len $MNT/storm/scratch || ffail $r "punch-hole"
		dd if=/dev/zero of=$W/scratch.exp bs=$len count=1 seek=$off oflag=seek_bytes \
			conv=notrunc status=none
		off=$(((RANDOM % 3584) * 512)) len=$(((RANDOM % 512 + 1) * 512))
		fallocate --zero-range -o $off -l $len $MNT/storm/scratch || ffail $r "zero-range"
		dd if=/dev/zero of=$W/scratch.exp bs=$len count=1 seek=$off oflag=seek_bytes \
			conv=notrunc status=none
		sync -f $MNT/storm/scratch
		dd if=$MNT/storm/scratch bs=1M iflag=direct status=none | cmp - $W/scratch.exp > /dev/null ||
			ffail $r "scratch file differs after punch-hole/zero-range"
		rm -f $MNT/storm/scratch
		fstrim $MNT || ffail $r "fstrim"
		echo "$r" > $W/fs.rounds
	done
	echo $((SECONDS - ts)) > $W/fs.secs
}

# fio_pass SEED ARGS: two 8 MiB files, random writes of 512 B to 1 MiB,
# crc32c in every block, every written block verified
fio_pass() {
	fio --name=fsv --directory=$MNT/fio --numjobs=2 --size=8M --rw=randwrite \
		--bssplit=512/20:4k/25:16k/20:64k/15:256k/12:1m/8 --direct=1 --ioengine=libaio \
		--iodepth=8 --verify=crc32c --verify_fatal=1 --randseed="$1" "${@:2}" \
		--output=$W/fio.out
}
echo 0 > $W/raw.rounds
echo 0 > $W/fs.rounds
ts=$SECONDS
t_diag "before the storm: $((ts - t0)) s"
fs_storm &
FSP=$!
raw_storm &
RSP=$!
pass=0 bad=
while [ $pass = 0 ] || kill -0 $FSP 2> /dev/null || kill -0 $RSP 2> /dev/null; do
	pass=$((pass + 1))
	fio_pass $pass --do_verify=1 || { bad="pass $pass failed"; t_diag_file $W/fio.out; break; }
	[ $pass -ge 40 ] && break
done
wait $FSP $RSP
t_diag "storm: $((SECONDS - ts)) s, $pass fio passes, $(cat $W/fs.rounds) filesystem rounds ($(cat $W/fs.secs) s), $(cat $W/raw.rounds) raw rounds ($(cat $W/raw.secs) s)"
t_eq "fio: $pass passes of random writes of 512 B-1 MiB (O_DIRECT), each verified with crc32c" "" "$bad"
t_eq "filesystem storm: $ROUNDS rounds of create/delete/fstrim and punch-hole/zero-range, scratch file exact" \
	"$ROUNDS:" "$(cat $W/fs.rounds):$(cat $W/fs.err)"
t_eq "partition 2: $ROUNDS rounds of $(echo $RAW_OPS | wc -w) operations, each region exact" \
	"$ROUNDS:" "$(cat $W/raw.rounds):$(head -n 5 $W/raw.err)"

# --- the commands really reached the target and ended GOOD
echo 0 > $EV/enable
echo 0 > $TR/tracing_on
grep -E 'lun=0 .*cmnd=\(' $TR/trace > $W/trace
echo 0 > $EV/filter
cnt() { grep -c -E "$1" $W/trace; }
n_unmap=$(cnt 'cmnd=\(UNMAP ')
n_ws=$(cnt 'cmnd=\(WRITE_SAME(_16)? .* raw=(41|93) 00 ')
n_wsu=$(cnt 'cmnd=\(WRITE_SAME_16 .* raw=93 08 ')
t_diag "traced on LUN 0: $n_unmap UNMAP, $n_ws WRITE SAME, $n_wsu WRITE SAME(16) with UNMAP" \
	"LUN 0 counters: $(($(stat_of 0 cmds) - cmds0)) commands during the storm"
t_match "UNMAP commands were sent (blkdiscard, -o discard, fstrim)" '^[1-9][0-9]*$' "$n_unmap"
t_match "WRITE SAME without UNMAP was sent (blkdiscard -z, fallocate -z/-p, sg_write_same)" \
	'^[1-9][0-9]*$' "$n_ws"
t_eq "WRITE SAME(16) with UNMAP: one per sg_write_same --unmap" $((2 * ROUNDS)) "$n_wsu"
t_eq "every one of them ended GOOD" "" "$(grep -v 'SAM_STAT_GOOD' $W/trace | head -n 3)"
t_eq "LUN 0: no command ended in error on the target" "$err0" "$(stat_of 0 errors)"

# --- afterwards: the filesystem and partition 2
t_run "umount" umount $MNT
t_run "fsck.ext4 -fn finds the filesystem clean" fsck.ext4 -fn "${DEV}1"
t_run "mount again" mount "${DEV}1" $MNT
t_run "fio --verify_only: the last pass's blocks are intact" fio_pass $pass --verify_only
t_run "the files written before the storm are identical" \
	sh -c "cd $MNT/known && sha256sum -c --quiet $W/known.sums"
t_run "partition 2 equals its mirror, byte for byte" \
	sh -c "dd if=${DEV}2 bs=1M iflag=direct status=none | cmp - $W/p2.img"
t_run "umount" umount $MNT
t_run "logout" iscsi_logout $IQN $P
t_run "stop iscsid" iscsi_stop
t_run "teardown" ktgt_teardown
t_run "rmmod" ktgt_unload
losetup -d "$LOOP"
umount $BACK
modprobe -r brd
rm -rf $W
t_diag "96-fs-unmap-verify: $((SECONDS - t0)) s"
t_done
