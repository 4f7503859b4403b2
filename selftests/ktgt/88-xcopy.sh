#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# EXTENDED COPY and RECEIVE COPY RESULTS.  88-xcopy.py (raw PDUs) checks
# that a session can only copy between LUs its own ACL maps (never from or
# to one only another initiator's ACL reaches), that copied data reads back
# equal, and the limits, write protection, ranges and held results; then
# libiscsi's SCSI.ExtendedCopy and SCSI.ReceiveCopyResults suites run
# against ram, file and block LUNs (0 failed, none skipped).
. "$KTGT_SRC/selftests/lib/lib.sh"
. "$KTGT_SRC/selftests/iscsi/lib-iscsi.sh"

XIQN=iqn.2026-11.org.ktgt:xcopy
INI_A=iqn.2026-11.org.ktgt:xcopy-a
INI_B=iqn.2026-11.org.ktgt:xcopy-b
SIZE=$((16 << 20))

xcopy_target() {
	local t=$KTGT_CFS/targets/$XIQN/tpgt_1 b
	for b in xa xb xc xro; do
		ktgt_backstore ram $b $SIZE || return 1
	done
	echo 0 > "$KTGT_CFS/backstores/ram/xro/enable" &&
		echo 1 > "$KTGT_CFS/backstores/ram/xro/readonly" &&
		echo 1 > "$KTGT_CFS/backstores/ram/xro/enable" || return 1
	mkdir "$KTGT_CFS/backstores/ram/x4k" &&
		echo 4096 > "$KTGT_CFS/backstores/ram/x4k/block_size" &&
		echo $SIZE > "$KTGT_CFS/backstores/ram/x4k/size_bytes" &&
		echo 1 > "$KTGT_CFS/backstores/ram/x4k/enable" || return 1
	ktgt_target $XIQN 1 127.0.0.1:3260 &&
		ktgt_lun $XIQN 1 0 ram/xa && ktgt_lun $XIQN 1 1 ram/xb &&
		ktgt_lun $XIQN 1 2 ram/xc && ktgt_lun $XIQN 1 3 ram/xro &&
		ktgt_lun $XIQN 1 4 ram/x4k &&
		echo 0 > "$t/attrib/generate_node_acls" &&
		ktgt_acl $XIQN 1 $INI_A 0 0 1 1 3 3 4 4 &&
		ktgt_acl $XIQN 1 $INI_B 0 2 &&
		echo 1 > "$t/enable"
}

# cu_target TYPE: iqn...:xcopy-TYPE, LUN 0 = TYPE/cu_TYPE, libiscsi's ACLs
cu_target() {
	local iqn=$XIQN-$1
	case $1 in
	ram) ktgt_backstore ram cu_ram $SIZE ;;
	file) truncate -s $SIZE /tmp/xcopy-cu.img &&
		ktgt_backstore file cu_file $SIZE /tmp/xcopy-cu.img ;;
	block) brd_disk 16 && ktgt_backstore block cu_block 0 /dev/ram0 ;;
	esac || return 1
	ktgt_target "$iqn" 1 127.0.0.1:3260 && ktgt_lun "$iqn" 1 0 "$1/cu_$1" &&
		ktgt_acl "$iqn" 1 "$LIBISCSI_INI1" 0 0 &&
		ktgt_acl "$iqn" 1 "$LIBISCSI_INI2" 0 0 &&
		echo 1 > "$KTGT_CFS/targets/$iqn/tpgt_1/enable"
}

# cu_suite TYPE SUITE: 0 failed, at least one run, no test skipped
cu_suite() {
	local out=/tmp/xcopy-cu.$1.$2 sum ran failed
	timeout 300 iscsi-test-cu --dataloss --test="$2" \
		"iscsi://127.0.0.1/$XIQN-$1/0" > "$out" 2>&1
	sum=$(grep -E '^ +tests ' "$out" | tr -s ' ')
	ran=$(echo "$sum" | cut -d' ' -f4)
	failed=$(echo "$sum" | cut -d' ' -f6)
	# (iscsi-test-cu's own PERSISTENT RESERVE IN probe at exit is not a test)
	if [ -n "$ran" ] && [ "$ran" -gt 0 ] && [ "$failed" = 0 ] &&
		! grep -i 'SKIPPED\]\|not implemented' "$out" |
			grep -q -v 'PERSISTENT RESERVE'; then
		t_ok "$1: $2: $ran run, 0 failed, none skipped"
	else
		t_notok "$1: $2: ${failed:-?} failed of ${ran:-?}" \
			"$(grep -i -B2 'FAILED\|SKIPPED' "$out" | head -n 20)"
	fi
}

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
t_run "target: A maps xa xb xro x4k, B maps xc" xcopy_target ||
	t_bail "target setup failed"

PDU_DIR=$KTGT_SRC/selftests/ktgt
pdu_run 88-xcopy.py

for type in ram file block; do
	t_run "$type LUN for libiscsi" cu_target $type || continue
	cu_suite $type SCSI.ExtendedCopy
	cu_suite $type SCSI.ReceiveCopyResults
done

t_run "teardown" ktgt_teardown
t_run "rmmod" rmmod ktgt
t_done
