#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SANITIZE through the Linux initiator with sg_raw: OVERWRITE (pattern,
# INVERT, passes) and BLOCK ERASE read back on a ram LU; exact sense for a
# bad parameter list and for service actions not offered; NOT READY,
# SANITIZE IN PROGRESS with a progress indication during an IMMED
# sanitize; failure mode on a file LU whose tmpfs fills up, left by
# EXIT FAILURE MODE (AUSE=1 only) or by a sanitize that succeeds; a null
# LU does not know the command.  WRITE ATOMIC(16) on ram (data, limits in
# VPD B0h, over the maximum) and refused on file.
. "$KTGT_SRC/selftests/lib/lib.sh"
IQN=iqn.2026-11.org.ktgt:sanitize
P=127.0.0.1:3260
T=$KTGT_CFS/targets/$IQN/tpgt_1
MB=$((1 << 20))

setup() {
	mkdir -p /tmp/san && mount -t tmpfs -o size=8m tmpfs /tmp/san &&
		truncate -s 32M /tmp/san/f.img &&
		ktgt_backstore ram r0 $((64 * MB)) &&
		ktgt_backstore file f0 $((32 * MB)) /tmp/san/f.img &&
		ktgt_backstore null n0 $((64 * MB)) &&
		ktgt_backstore ram r1 $((320 * MB)) &&
		ktgt_target $IQN 1 $P && ktgt_lun $IQN 1 0 ram/r0 &&
		ktgt_lun $IQN 1 1 file/f0 && ktgt_lun $IQN 1 2 null/n0 &&
		ktgt_lun $IQN 1 3 ram/r1 &&
		echo 1 > $T/attrib/generate_node_acls &&
		echo 0 > $T/attrib/demo_mode_write_protect && echo 1 > $T/enable
}

# sense DEV CDB...: "KEY / ASC text" of sg_raw, or GOOD
sense() {
	local out
	out=$(timeout 60 sg_raw -t 50 -v "$@" 2>&1)
	if echo "$out" | grep -q "SCSI Status: Good"; then
		echo GOOD
		return
	fi
	echo "$(echo "$out" | sed -n 's/.*Sense key: *//p' | head -1) / $(echo "$out" | sed -n 's/^ *Additional sense: *//p' | head -1)"
	echo "$out" | grep -i -E "sense key specific|progress|byte [0-9]+" | head -2
}

# expect_blocks DEV LBA FILE: the 1 MiB at LBA reads back as FILE
expect_blocks() {
	dd if="$1" bs=1M skip=$(($2 * 512)) count=1 iflag=direct,skip_bytes status=none | cmp -s - "$3"
}

pattern_file() {	# pattern_file HEXBYTES OUT: 1 MiB of the bytes repeated
	python3 -c "import sys; p=bytes.fromhex('$1'); b=(p*(512//len(p)+1))[:512]; sys.stdout.buffer.write(b*2048)" > "$2"
}

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
t_run "ram LUN 0 (64 MiB), file LUN 1 (32 MiB on an 8 MiB tmpfs), null LUN 2, ram LUN 3 (320 MiB)" setup
t_run "iscsid" iscsi_start
t_run "login" iscsi_login $IQN $P
DA=$(iscsi_disk $IQN 0) && DF=$(iscsi_disk $IQN 1) && DN=$(iscsi_disk $IQN 2) && DB=$(iscsi_disk $IQN 3)
t_run "disks of LUN 0..3 appear ($DA $DF $DN $DB)" test -b "$DA" -a -b "$DF" -a -b "$DN" -a -b "$DB"
LAST=$(( 64 * MB / 512 - 2048 ))

# --- OVERWRITE ---
head -c $MB /dev/zero | tr '\0' a > /tmp/a.img
t_run "write 'a' to the first and last MiB" sh -c \
	"dd if=/tmp/a.img of=$DA bs=1M count=1 oflag=direct status=none &&
	 dd if=/tmp/a.img of=$DA bs=1M seek=$((LAST * 512)) oflag=direct,seek_bytes status=none"
printf '\x01\x00\x00\x04\xde\xad\xbe\xef' > /tmp/ow1
t_match "REPORT SUPPORTED OPCODES lists SANITIZE 01h, 02h, 1Fh, not 03h" \
	"^48,1 48,2 48,1f \$" "$(sg_opcodes -n -r "$DA" 2>/dev/null | od -An -tx1 -v | tr -s ' \n' ' ' |
		python3 -c 'import sys
b=bytes.fromhex(sys.stdin.read().replace(" ",""))
o=[]
i=4
while i+8<=len(b):
	if b[i]==0x48: o.append("48,%x" % int.from_bytes(b[i+2:i+4],"big"))
	i+=8+(12 if b[i+5]&2 else 0)
print(" ".join(o)+" ")')"
t_eq "OVERWRITE, pattern deadbeef, 1 pass: GOOD" GOOD \
	"$(sense -s 8 -i /tmp/ow1 "$DA" 48 01 00 00 00 00 00 00 08 00)"
pattern_file deadbeef /tmp/exp1
t_run "first MiB reads back as the pattern" expect_blocks "$DA" 0 /tmp/exp1
t_run "last MiB reads back as the pattern" expect_blocks "$DA" $LAST /tmp/exp1
printf '\x82\x00\x00\x02\x0f\xf0' > /tmp/ow2
t_eq "OVERWRITE, INVERT, 2 passes, pattern 0ff0: GOOD" GOOD \
	"$(sense -s 6 -i /tmp/ow2 "$DA" 48 01 00 00 00 00 00 00 06 00)"
pattern_file f00f /tmp/exp2
t_run "the second pass left the inverted pattern" expect_blocks "$DA" $LAST /tmp/exp2
printf '\x00\x00\x00\x04\xde\xad\xbe\xef' > /tmp/ow0
t_match "OVERWRITE COUNT 0: ILLEGAL REQUEST, INVALID FIELD IN PARAMETER LIST at byte 0 bit 4" \
	"^Illegal Request / Invalid field in parameter list.*byte 0 bit 4" \
	"$(sense -s 8 -i /tmp/ow0 "$DA" 48 01 00 00 00 00 00 00 08 00 | tr '\n' ' ')"
printf '\x01\x00\x02\x01' > /tmp/owl; head -c 513 /dev/zero >> /tmp/owl
t_match "parameter list of block size + 5: INVALID FIELD IN CDB at byte 7" \
	"^Illegal Request / Invalid field in cdb.*byte 7 bit 7" \
	"$(sense -s 517 -i /tmp/owl "$DA" 48 01 00 00 00 00 00 02 05 00 | tr '\n' ' ')"
t_match "CRYPTOGRAPHIC ERASE: INVALID FIELD IN CDB at byte 1 bit 4" \
	"^Illegal Request / Invalid field in cdb.*byte 1 bit 4" \
	"$(sense "$DA" 48 03 00 00 00 00 00 00 00 00 | tr '\n' ' ')"
t_match "reserved bit 6 of byte 1: INVALID FIELD IN CDB at byte 1 bit 6" \
	"^Illegal Request / Invalid field in cdb.*byte 1 bit 6" \
	"$(sense "$DA" 48 42 00 00 00 00 00 00 00 00 | tr '\n' ' ')"
t_match "BLOCK ERASE with a parameter list: INVALID FIELD IN CDB at byte 7" \
	"^Illegal Request / Invalid field in cdb.*byte 7 bit 7" \
	"$(sense "$DA" 48 02 00 00 00 00 00 00 08 00 | tr '\n' ' ')"
t_match "VPD B1h: WABEREQ 01b, WACEREQ 00b" "^40\$" \
	"$(sg_vpd -p 0xb1 -r "$DA" 2>/dev/null | od -An -tx1 -j7 -N1 | tr -d ' ')"

# --- BLOCK ERASE ---
t_eq "BLOCK ERASE: GOOD" GOOD "$(sense "$DA" 48 02 00 00 00 00 00 00 00 00)"
head -c $MB /dev/zero > /tmp/zero
t_run "first MiB reads back as zeros" expect_blocks "$DA" 0 /tmp/zero
t_run "last MiB reads back as zeros" expect_blocks "$DA" $LAST /tmp/zero
t_eq "GET LBA STATUS: LBA 0, 131072 blocks, deallocated" \
	" 00 00 00 00 00 00 00 00 00 02 00 00 01" \
	"$(sg_raw -r 24 -o /tmp/gls "$DA" 9e 12 00 00 00 00 00 00 00 00 00 00 00 18 00 00 > /dev/null 2>&1 &&
		od -An -tx1 -j8 -N13 /tmp/gls | tr -s ' \n' ' ' | sed 's/ $//')"

# --- failure mode (file LU, its 8 MiB tmpfs fills up) ---
t_match "OVERWRITE of the file LU fails: MEDIUM ERROR, SANITIZE COMMAND FAILED" \
	"^Medium Error / Sanitize command failed" \
	"$(sense -s 8 -i /tmp/ow1 "$DF" 48 01 00 00 00 00 00 00 08 00 | head -1)"
t_match "TEST UNIT READY in failure mode: MEDIUM ERROR 31/03" \
	"^Medium Error / Sanitize command failed" "$(sense "$DF" 00 00 00 00 00 00 | head -1)"
t_match "READ(10) in failure mode: MEDIUM ERROR 31/03" \
	"^Medium Error / Sanitize command failed" \
	"$(sense -r 512 "$DF" 28 00 00 00 00 00 00 00 01 00 | head -1)"
t_match "EXIT FAILURE MODE after AUSE=0: INVALID FIELD IN CDB" \
	"^Illegal Request / Invalid field in cdb" "$(sense "$DF" 48 1f 00 00 00 00 00 00 00 00 | head -1)"
t_eq "BLOCK ERASE succeeds and ends failure mode" GOOD \
	"$(sense "$DF" 48 02 00 00 00 00 00 00 00 00)"
t_eq "TEST UNIT READY: GOOD" GOOD "$(sense "$DF" 00 00 00 00 00 00)"
t_run "the file is all holes again" test "$(du -k /tmp/san/f.img | cut -f1)" -lt 1024
t_match "OVERWRITE with AUSE=1 fails: MEDIUM ERROR 31/03" \
	"^Medium Error / Sanitize command failed" \
	"$(sense -s 8 -i /tmp/ow1 "$DF" 48 21 00 00 00 00 00 00 08 00 | head -1)"
t_eq "EXIT FAILURE MODE after AUSE=1: GOOD" GOOD "$(sense "$DF" 48 1f 00 00 00 00 00 00 00 00)"
t_eq "TEST UNIT READY: GOOD" GOOD "$(sense "$DF" 00 00 00 00 00 00)"

# --- IMMED: NOT READY, SANITIZE IN PROGRESS while it runs ---
# 31 passes over the 320 MiB LU: 9.7 GiB copied, many seconds even on a
# fast host, against four commands sent right after it.
printf '\x1f\x00\x00\x01\x5a' > /tmp/ow31
SECONDS=0
t_eq "IMMED OVERWRITE, 31 passes over 320 MiB: GOOD at once" GOOD \
	"$(sense -s 5 -i /tmp/ow31 "$DB" 48 81 00 00 00 00 00 00 05 00)"
t_run "REQUEST SENSE meanwhile: NOT READY 04/1B, SKSV (progress indication)" sh -c \
	"sg_raw -r 18 -o /tmp/rs $DB 03 00 00 00 12 00 > /dev/null 2>&1 &&
	 [ \"\$(od -An -tx1 -N18 /tmp/rs | tr -s ' \n' ' ' | cut -d' ' -f2,4,14,15,17)\" = '70 02 04 1b 80' ]"
t_match "TEST UNIT READY meanwhile: NOT READY, SANITIZE IN PROGRESS" \
	"^Not Ready / Logical unit not ready, sanitize in progress" "$(sense "$DB" 00 00 00 00 00 00 | head -1)"
t_match "READ(10) meanwhile: NOT READY, SANITIZE IN PROGRESS" \
	"^Not Ready / Logical unit not ready, sanitize in progress" \
	"$(sense -r 512 "$DB" 28 00 00 00 00 00 00 00 01 00 | head -1)"
t_match "INQUIRY meanwhile: GOOD" "KTGT" "$(sg_inq "$DB" 2>&1)"
t_diag "checks done after $SECONDS s"
t_run "the sanitize ends (TEST UNIT READY GOOD) within 240 s" \
	wait_for 240 sh -c "sg_raw $DB 00 00 00 00 00 00 2>&1 | grep -q 'Status: Good'"
t_diag "IMMED sanitize: $SECONDS s"
pattern_file 5a /tmp/exp3
t_run "the LU reads back as the pattern 5a" expect_blocks "$DB" $(( 320 * MB / 512 - 2048 )) /tmp/exp3

# --- WRITE ATOMIC(16): ram only ---
head -c 4096 /dev/zero | tr '\0' b > /tmp/b8
t_eq "WRITE ATOMIC(16) of 8 blocks at LBA 16 (ram): GOOD" GOOD \
	"$(sense -s 4096 -i /tmp/b8 "$DA" 9c 00 00 00 00 00 00 00 00 10 00 00 00 08 00 00)"
t_run "they read back" sh -c "dd if=$DA bs=4096 skip=2 count=1 iflag=direct status=none | cmp -s - /tmp/b8"
t_match "2049 blocks, over MAXIMUM ATOMIC TRANSFER LENGTH 2048: INVALID FIELD IN CDB at byte 12" \
	"^Illegal Request / Invalid field in cdb.*byte 12 bit 7" \
	"$(sense "$DA" 9c 00 00 00 00 00 00 00 00 00 00 00 08 01 00 00 | tr '\n' ' ')"
t_match "ATOMIC BOUNDARY 1 (none offered): INVALID FIELD IN CDB at byte 10/11" \
	"^Illegal Request / Invalid field in cdb.*byte 1[01]" \
	"$(sense -s 4096 -i /tmp/b8 "$DA" 9c 00 00 00 00 00 00 00 00 10 00 01 00 08 00 00 | tr '\n' ' ')"
t_match "VPD B0h on ram: max atomic 2048, alignment 1, granularity 1, boundaries 0" \
	"^00 00 08 00 00 00 00 01 00 00 00 01 00 00 00 00 00 00 00 00\$" \
	"$(sg_vpd -p 0xb0 -r "$DA" 2>/dev/null | od -An -tx1 -j44 -N20 | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')"
t_match "WRITE ATOMIC(16) on the file LU: INVALID COMMAND OPERATION CODE" \
	"^Illegal Request / Invalid command operation code" \
	"$(sense -s 4096 -i /tmp/b8 "$DF" 9c 00 00 00 00 00 00 00 00 10 00 00 00 08 00 00 | head -1)"

# --- ANCHOR: not supported (VPD B2h ANC_SUP 0) ---
t_match "WRITE SAME(16) with ANCHOR: INVALID FIELD IN CDB at byte 1 bit 4" \
	"^Illegal Request / Invalid field in cdb.*byte 1 bit 4" \
	"$(sense -s 512 -i /tmp/b8 "$DA" 93 18 00 00 00 00 00 00 00 00 00 00 00 08 00 00 | tr '\n' ' ')"
t_match "UNMAP with ANCHOR: INVALID FIELD IN CDB at byte 1 bit 0" \
	"^Illegal Request / Invalid field in cdb.*byte 1 bit 0" \
	"$(sense -s 24 -i /tmp/b8 "$DA" 42 01 00 00 00 00 00 00 18 00 | tr '\n' ' ')"

# --- null: no SANITIZE ---
t_match "SANITIZE on the null LU: INVALID COMMAND OPERATION CODE" \
	"^Illegal Request / Invalid command operation code" \
	"$(sense -s 8 -i /tmp/ow1 "$DN" 48 01 00 00 00 00 00 00 08 00 | head -1)"

t_run "logout" iscsi_logout $IQN $P
iscsi_stop
t_run "teardown" ktgt_teardown
t_run "rmmod" rmmod ktgt
umount /tmp/san
t_done
