#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Read-only statistics (Documentation/configfs-abi.rst): tpgt_N/sessions
# lists the open-iscsi session with its initiator, ISID, TSIH, connection
# addresses, CmdSN window, LUNs and negotiated parameters;
# lun_L/statistics/ and the session's counters move by exactly what the
# initiator did (1 MiB written, 1 MiB read, one failed command); ktgtctl
# sessions and stats print them.
. "$KTGT_SRC/selftests/lib/lib.sh"
K=$KTGT_SRC/tools/ktgtctl
IQN=iqn.2026-11.org.ktgt:stats
INI=iqn.2026-11.org.ktgt:stats-ini
P=127.0.0.1:3260
T=$KTGT_CFS/targets/$IQN/tpgt_1
ST=$T/lun/lun_0/statistics
cnt() { cat "$ST/$1"; }
# sess KEY: the value of KEY in the one session block
sess() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$T/sessions"; }

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
setup() {
	ktgt_backstore ram r0 $((64 << 20)) && ktgt_backstore ram r1 $((16 << 20)) &&
		ktgt_target $IQN 1 $P && ktgt_lun $IQN 1 0 ram/r0 && ktgt_lun $IQN 1 1 ram/r1 &&
		ktgt_acl $IQN 1 $INI 0 0 5 1 && echo 1 > $T/enable
}
t_run "target with LUNs 0 and 1, ACL mapping them as 0 and 5" setup
t_eq "statistics/ holds the counters" \
	"aborts cmds errors latency_max_us latency_total_us read_bytes write_bytes" \
	"$(ls $ST | xargs)"
t_eq "a new LUN has zero commands" 0 "$(cnt cmds)"
t_eq "no session: sessions is empty" "" "$(cat $T/sessions)"
t_errno "statistics files are read-only: EACCES" EACCES write $ST/cmds 5
t_errno "so is sessions" EACCES write $T/sessions x

t_run "iscsid as $INI" iscsi_start $INI
t_run "login" iscsi_login $IQN $P
DEV=$(iscsi_disk $IQN 0)
t_run "LUN 0 is a disk" test -b "$DEV"
iscsi_disk $IQN 5 > /dev/null
t_eq "one session block" 1 "$(grep -c '^session ' $T/sessions)"
t_eq "initiator" "$INI" "$(sess initiator)"
t_eq "ACL" "$INI" "$(sess acl)"
t_eq "target" "$IQN" "$(sess target)"
t_eq "tpgt" 1 "$(sess tpgt)"
S=$(ls -d /sys/class/iscsi_session/session* | head -n 1)
if [ -r "$S/isid" ]; then
	t_eq "ISID as the initiator reports it" "$(cat $S/isid)" "$(sess isid)"
else
	t_match "ISID is 12 hex digits" '^[0-9a-f]{12}$' "$(sess isid)"
fi
t_match "TSIH is a number 1-65535" '^[1-9][0-9]*$' "$(sess tsih)"
t_eq "session header names the TSIH" "session $(sess tsih)" "$(grep '^session ' $T/sessions)"
t_eq "mapped LUNs" "0 5" "$(sess luns)"
t_match "connection: local and peer address" "^0 127\.0\.0\.1:3260 127\.0\.0\.1:[0-9]+$" "$(sess conn)"
t_eq "negotiated MaxRecvDataSegmentLength (target's)" "param MaxRecvDataSegmentLength 262144" \
	"$(grep '^param MaxRecvDataSegmentLength ' $T/sessions)"
t_eq "negotiated MaxXmitDataSegmentLength (initiator's)" "param MaxXmitDataSegmentLength 262144" \
	"$(grep '^param MaxXmitDataSegmentLength ' $T/sessions)"
t_eq "negotiated ImmediateData" "param ImmediateData Yes" "$(grep '^param ImmediateData ' $T/sessions)"
t_eq "CmdSN window: depth 64" 64 "$(sess cmdsn_depth)"
w=$(( $(sess max_cmdsn) - $(sess exp_cmdsn) ))
t_eq "idle: MaxCmdSN = ExpCmdSN + 63" 63 "$w"
t_eq "reads in 1-byte pieces give the same text" "$(cat $T/sessions)" \
	"$(dd if=$T/sessions bs=1 status=none)"

c0=$(cnt cmds) w0=$(cnt write_bytes) r0=$(cnt read_bytes) e0=$(cnt errors)
sc0=$(sess cmds) sw0=$(sess write_bytes) sr0=$(sess read_bytes) se0=$(sess errors)
head -c 1M /dev/urandom > /tmp/s.bin
t_run "write 1 MiB (16 x 64 KiB, direct)" dd if=/tmp/s.bin of="$DEV" bs=64k oflag=direct status=none
t_eq "LUN write_bytes grew by exactly 1 MiB" 1048576 $(( $(cnt write_bytes) - w0 ))
t_eq "session write_bytes grew by exactly 1 MiB" 1048576 $(( $(sess write_bytes) - sw0 ))
t_run "read it back (direct)" sh -c "dd if=$DEV of=/tmp/s.out bs=64k count=16 iflag=direct status=none && cmp /tmp/s.bin /tmp/s.out"
t_eq "LUN read_bytes grew by exactly 1 MiB" 1048576 $(( $(cnt read_bytes) - r0 ))
t_eq "session read_bytes grew by exactly 1 MiB" 1048576 $(( $(sess read_bytes) - sr0 ))
t_eq "LUN cmds grew by the 32 commands" 32 $(( $(cnt cmds) - c0 ))
t_eq "session cmds too" 32 $(( $(sess cmds) - sc0 ))
# READ(10) of LBA 0x7fffffff: beyond the 64 MiB disk, CHECK CONDITION
t_rc "READ(10) beyond the end fails" 1 sh -c "sg_raw -r 512 $DEV 28 00 7f ff ff ff 00 00 01 00 > /dev/null 2>&1; [ \$? = 0 ] && exit 0; exit 1"
t_eq "LUN errors grew by one" 1 $(( $(cnt errors) - e0 ))
t_eq "session errors grew by one" 1 $(( $(sess errors) - se0 ))
t_run "latency: max <= total, total > 0" test "$(cnt latency_max_us)" -le "$(cnt latency_total_us)" -a "$(cnt latency_total_us)" -gt 0
t_eq "LUN 1 (r1) saw no I/O bytes" 0 "$(cat $T/lun/lun_1/statistics/write_bytes)"

out=$($K sessions 2>&1)
t_match "ktgtctl sessions: a row with TSIH, initiator and window" \
	"$IQN +1 +$(sess tsih) [0-9a-f]{12} $INI +[0-9]+ +[0-9]+ 0,5" "$out"
t_match "ktgtctl sessions: the connection" "conn 0: 127\.0\.0\.1:3260 <- 127\.0\.0\.1:" "$out"
t_eq "ktgtctl sessions --json" "$INI [0, 5] 64 None" \
	"$($K sessions --json | python3 -c 'import json,sys; s=json.load(sys.stdin)[0]; print(s["initiator"], s["luns"], s["cmdsn_depth"], s["params"]["HeaderDigest"])')"
t_eq "ktgtctl stats --json: LUN 0 counters equal the files" "$(cnt write_bytes) $(cnt errors) ram/r0" \
	"$($K stats --json $IQN 1 | python3 -c 'import json,sys; l=json.load(sys.stdin)["luns"][0]; print(l["write_bytes"], l["errors"], l["backstore"])')"
t_run "ktgtctl stats prints both tables" sh -c "$K stats | grep -q AVG_US && $K stats | grep -q '$INI'"
t_rc "ktgtctl stats of a missing target: status 1" 1 $K stats iqn.2026-11.org.ktgt:none

t_run "logout" iscsi_logout $IQN $P
t_eq "after logout: no session" "" "$(cat $T/sessions)"
t_run "LUN counters stay after logout" test "$(cnt write_bytes)" -ge 1048576
t_run "stop iscsid" iscsi_stop
t_run "teardown" ktgt_teardown
t_run "rmmod" ktgt_unload
t_done
