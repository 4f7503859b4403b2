#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Persistent reservations.  (1) libiscsi's PERSISTENT RESERVE and RESERVE(6)
# suites against a ram LUN with ACLs for both libiscsi initiators: 0 failed,
# none skipped.  (2) Two open-iscsi initiators (two ifaces with their own
# initiator names) and sg_persist: registration, each reservation type with
# the exact RESERVATION CONFLICT pattern for the other initiator's reads
# and writes, preempt, clear, release.  (3) APTPL state survives ktgtctl
# save, rmmod, insmod, ktgtctl restore.  The pr_state configfs ABI and
# APTPL state at full size: 84-pr-aptpl.sh.
. "$KTGT_SRC/selftests/lib/lib.sh"
. "$KTGT_SRC/selftests/ktgt/scsi-conformance.lib"

PR_SUITES="SCSI.PrinReadKeys SCSI.PrinServiceactionRange SCSI.PrinReportCapabilities
SCSI.ProutRegister SCSI.ProutReserve SCSI.ProutClear SCSI.ProutPreempt SCSI.Reserve6"

# pr_suite NAME: like run_suite, and no test may be skipped
pr_suite() {
	local out=/tmp/cu.pr.$1 sum ran failed skipped
	timeout 300 iscsi-test-cu --dataloss --test="$1" "$URL/0" > "$out" 2>&1
	sum=$(grep -E '^ +tests ' "$out" | tr -s ' ')
	ran=$(echo "$sum" | cut -d' ' -f4)
	failed=$(echo "$sum" | cut -d' ' -f6)
	skipped=$(grep -c -i 'skipped' "$out")
	if [ -n "$ran" ] && [ "$ran" -gt 0 ] && [ "$failed" = 0 ] && [ "$skipped" = 0 ]; then
		t_ok "$1: $ran run, 0 failed, 0 skipped"
	else
		t_notok "$1: ${failed:-?} failed of ${ran:-?}, $skipped skipped" \
			"$(grep -i -B3 -E 'FAILED$|skipped' "$out" | head -n 30)"
	fi
}

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
t_run "ram backstore of 64 MiB" ktgt_backstore ram bs0 $((64 << 20))
t_run "target with LUN 0 = ram/bs0; ACLs for both libiscsi initiators" \
	scsi_conformance_target ram
for s in $PR_SUITES; do
	pr_suite "$s"
done
t_run "teardown" ktgt_teardown

# ---------------------------------------------- two open-iscsi initiators
T=iqn.2026-11.org.ktgt:pr
P=127.0.0.1:3260
IA=iqn.2026-11.org.ktgt:pr-ini-a
IB=iqn.2026-11.org.ktgt:pr-ini-b
KA=0xa1
KB=0xb2
BLK=/tmp/pr.blk

pr_target() {
	ktgt_backstore ram prbs $((16 << 20)) &&
		ktgt_target $T 1 $P && ktgt_lun $T 1 0 ram/prbs &&
		ktgt_acl $T 1 $IA 0 0 && ktgt_acl $T 1 $IB 0 0 &&
		echo 1 > "$KTGT_CFS/targets/$T/tpgt_1/enable"
}

# iface NAME INITIATOR: an open-iscsi iface logging in as INITIATOR
iface() {
	iscsiadm -m iface -I "$1" -o new > /dev/null &&
		iscsiadm -m iface -I "$1" -o update -n iface.initiatorname -v "$2" > /dev/null
}

login_both() {
	local i
	for i in ifa ifb; do
		iscsiadm -m node -T $T -p $P -I $i -o new > /dev/null 2>&1
		iscsiadm -m node -T $T -p $P -I $i -l > /dev/null || return 1
	done
}

logout_both() { iscsiadm -m node -T $T -p $P -u > /dev/null 2>&1; }

# disk_of INITIATOR: the /dev/sdX of LUN 0 of that initiator's session
disk_of() {
	local end=$((SECONDS + 30)) s d
	while [ $SECONDS -lt $end ]; do
		for s in /sys/class/iscsi_session/session*; do
			[ "$(cat "$s/initiatorname" 2> /dev/null)" = "$1" ] || continue
			for d in "$s"/device/target*/*:*:*:0/block/*; do
				[ -e "$d" ] && [ -b "/dev/${d##*/}" ] && { echo "/dev/${d##*/}"; return 0; }
			done
		done
		sleep 0.3
	done
	return 1
}

find_disks() { DA=$(disk_of $IA) && DB=$(disk_of $IB) && [ "$DA" != "$DB" ]; }

# ua_of DISK: the ASC text of the unit attention a TEST UNIT READY gets
ua_of() { sg_raw -v "$1" 00 00 00 00 00 00 2>&1 | sed -n 's/^ *Additional sense: *//p'; }

# io DISK read|write: GOOD -> "ok", RESERVATION CONFLICT -> "conflict"
# (a pending unit attention is taken and the command sent again, as an
# initiator's SCSI layer does; the tests that expect one say so first)
io() {
	local out rc try
	for try in 1 2; do
		if [ "$2" = read ]; then
			out=$(sg_raw -r 4096 "$1" 28 00 00 00 00 10 00 00 08 00 2>&1)
		else
			out=$(sg_raw -s 4096 -i $BLK "$1" 2a 00 00 00 00 10 00 00 08 00 2>&1)
		fi
		rc=$?
		grep -q -i 'unit attention' <<< "$out" || break
	done
	if [ $rc = 0 ]; then
		echo ok
	elif grep -q -i 'reservation conflict' <<< "$out"; then
		echo conflict
	else
		echo "rc=$rc: $out" | tr '\n' ' '
	fi
}

# expect WHAT "A-read A-write B-read B-write"
expect() {
	t_eq "$1" "$2" "$(io $DA read) $(io $DA write) $(io $DB read) $(io $DB write)"
}

# sg_persist, once more after a unit attention (as io() does)
pers() {
	local out rc
	out=$(sg_persist --no-inquiry "$@" 2>&1)
	rc=$?
	if grep -q -i 'unit attention' <<< "$out"; then
		out=$(sg_persist --no-inquiry "$@" 2>&1)
		rc=$?
	fi
	printf '%s\n' "$out"
	return $rc
}
prout() { pers --out "$@" > /tmp/prout.log 2>&1; }
keys_of() { pers --in -k "$1" | awk '$1 ~ /^0x/ {print $1}' | sort | tr '\n' ' '; }
resv_of() { pers --in -r "$1" | tr -s ' \n' ' '; }

head -c 4096 /dev/urandom > $BLK
# a PR OUT parameter list with RESERVATION KEY $KA, for sg_raw
PRL=/tmp/pr.list
{ printf '\x00\x00\x00\x00\x00\x00\x00\xa1'; head -c 16 /dev/zero; } > $PRL
t_run "target $T: ram LUN, ACLs for $IA and $IB" pr_target
t_run "iscsid" iscsi_start
t_run "iface ifa logs in as $IA" iface ifa $IA
t_run "iface ifb logs in as $IB" iface ifb $IB
t_run "both initiators log in" login_both
find_disks
t_result "a disk for each initiator: A $DA, B $DB" $?

t_run "A registers $KA" prout --register --param-sark=$KA "$DA"
t_run "B registers $KB" prout --register --param-sark=$KB "$DB"
t_eq "READ KEYS from B lists both keys" "$KA $KB " "$(keys_of "$DB")"
t_rc "REGISTER of a registered nexus with a wrong key: RESERVATION CONFLICT" 24 \
	prout --register --param-sark=0xcc "$DB"
t_eq "no reservation: everybody reads and writes" "ok ok ok ok" \
	"$(io $DA read) $(io $DA write) $(io $DB read) $(io $DB write)"

# type: expected for registered B, then for unregistered B
declare -A REG=( [1]="ok ok ok conflict" [3]="ok ok conflict conflict"
	[5]="ok ok ok ok" [6]="ok ok ok ok" [7]="ok ok ok ok" [8]="ok ok ok ok" )
declare -A UNREG=( [1]="ok ok ok conflict" [3]="ok ok conflict conflict"
	[5]="ok ok ok conflict" [6]="ok ok conflict conflict"
	[7]="ok ok ok conflict" [8]="ok ok conflict conflict" )
for ty in 1 3 5 6 7 8; do
	t_run "A reserves type $ty" prout --reserve --param-rk=$KA --prout-type=$ty "$DA"
	t_match "B reads the reservation: type $ty" "type: .*$( case $ty in
		1) echo 'Write Exclusive *$' ;; 3) echo 'Exclusive Access *$' ;;
		5) echo 'Write Exclusive, registrants only' ;; 6) echo 'Exclusive Access, registrants only' ;;
		7) echo 'Write Exclusive, all registrants' ;; 8) echo 'Exclusive Access, all registrants' ;;
		esac)" "$(resv_of "$DB")"
	expect "type $ty, B registered: A-rd A-wr B-rd B-wr" "${REG[$ty]}"
	t_run "B unregisters" prout --register --param-rk=$KB --param-sark=0 "$DB"
	expect "type $ty, B not registered: A-rd A-wr B-rd B-wr" "${UNREG[$ty]}"
	t_rc "type $ty: RESERVE from unregistered B: RESERVATION CONFLICT" 24 \
		prout --reserve --param-rk=$KB --prout-type=$ty "$DB"
	t_run "B registers again" prout --register --param-sark=$KB "$DB"
	if [ $ty -lt 7 ]; then
		t_rc "type $ty: RELEASE with another type: ILLEGAL REQUEST" 5 \
			prout --release --param-rk=$KA --prout-type=$(( ty == 1 ? 3 : 1 )) "$DA"
		t_match "... INVALID RELEASE OF PERSISTENT RESERVATION" "Invalid release of persistent reservation" \
			"$(sg_raw -s 24 -i $PRL "$DA" 5f 02 0$(( ty == 1 ? 3 : 1 )) 00 00 00 00 00 18 00 2>&1)"
	fi
	t_run "A releases type $ty" prout --release --param-rk=$KA --prout-type=$ty "$DA"
	if [ $ty -ge 5 ]; then
		t_eq "type $ty released: registered B is told RESERVATIONS RELEASED" \
			"Reservations released" "$(ua_of "$DB")"
	fi
	t_match "no reservation left" "there is NO reservation held" "$(resv_of "$DB")"
done

t_run "A reserves Write Exclusive" prout --reserve --param-rk=$KA --prout-type=1 "$DA"
sg_raw "$DB" 16 00 00 00 00 00 > /tmp/res6.log 2>&1
t_match "RESERVE(6) while registrations exist: RESERVATION CONFLICT" "Reservation Conflict" \
	"$(cat /tmp/res6.log)"
t_run "B preempts A into Exclusive Access" \
	prout --preempt --param-rk=$KB --param-sark=$KA --prout-type=3 "$DB"
t_eq "preempted A is told REGISTRATIONS PREEMPTED" "Registrations preempted" "$(ua_of "$DA")"
t_eq "once: its next TEST UNIT READY reports nothing" "" "$(ua_of "$DA")"
t_eq "A's registration is gone" "$KB " "$(keys_of "$DA")"
t_match "B holds Exclusive Access" "Key=$KB.*Exclusive Access" "$(resv_of "$DA")"
expect "after PREEMPT: A-rd A-wr B-rd B-wr" "conflict conflict ok ok"
t_rc "CLEAR from the unregistered A: RESERVATION CONFLICT" 24 prout --clear --param-rk=$KA "$DA"
t_run "B clears" prout --clear --param-rk=$KB "$DB"
t_eq "no keys after CLEAR" "" "$(keys_of "$DA")"
expect "after CLEAR: A-rd A-wr B-rd B-wr" "ok ok ok ok"

t_run "A registers itself and B (SPEC_I_PT, TransportID format 00b)" \
	prout --register --param-sark=$KA --transport-id="$IB" "$DA"
t_eq "READ KEYS: the key twice, for A and for B" "$KA $KA " "$(keys_of "$DB")"
t_match "READ FULL STATUS gives both initiators' TransportIDs" "$IA.*$IB|$IB.*$IA" \
	"$(sg_persist --in --no-inquiry -s "$DA" 2>&1 | tr '\n' ' ')"
t_rc "SPEC_I_PT again from the registered A: ILLEGAL REQUEST" 5 \
	prout --register --param-rk=$KA --param-sark=$KA --transport-id="$IB" "$DA"
t_run "B, registered by A, reserves Write Exclusive" prout --reserve --param-rk=$KA --prout-type=1 "$DB"
expect "B holds Write Exclusive: A-rd A-wr B-rd B-wr" "ok conflict ok ok"
t_run "REGISTER AND MOVE from B to A" prout --register-move --param-rk=$KA --param-sark=$KA \
	--prout-type=1 --relative-target-port=1 --transport-id="$IA" "$DB"
expect "A holds it now: A-rd A-wr B-rd B-wr" "ok ok ok conflict"
t_run "A clears" prout --clear --param-rk=$KA "$DA"

# ----------------------------------------- APTPL across save / rmmod / restore
CFG=/tmp/pr-cfg.json
t_run "A registers $KA with APTPL" prout --register --param-sark=$KA --param-aptpl "$DA"
t_run "A reserves Write Exclusive" prout --reserve --param-rk=$KA --prout-type=1 "$DA"
t_match "REPORT CAPABILITIES: PTPL_A" 'PTPL_A\):1' "$(sg_persist --in --no-inquiry -c "$DA" 2>&1 | tr -d ' ')"
PRS_SAVED=$(cat $KTGT_CFS/backstores/ram/prbs/pr_state)
t_run "ktgtctl save" "$KTGTCTL" save $CFG
t_match "the saved configuration carries the state" '"pr_state": "aptpl 1' "$(cat $CFG)"
t_run "logout" logout_both
t_run "teardown" ktgt_teardown
t_run "rmmod" rmmod ktgt
t_run "insmod" ktgt_load
t_run "ktgtctl restore" "$KTGTCTL" restore $CFG
t_file "pr_state after restore is what was saved" $KTGT_CFS/backstores/ram/prbs/pr_state "$PRS_SAVED"
t_run "both initiators log in again" login_both
find_disks
t_result "a disk for each initiator: A $DA, B $DB" $?
t_eq "READ KEYS after the reload: $KA" "$KA " "$(keys_of "$DB")"
t_match "the reservation is back: $KA holds Write Exclusive" "Key=$KA.*Write Exclusive" "$(resv_of "$DB")"
# open-iscsi logs in with a new ISID: a new initiator port, not the holder
t_eq "after the reload, Write Exclusive: B-rd B-wr" "ok conflict" "$(io $DB read) $(io $DB write)"
t_run "A registers its new I_T nexus (REGISTER AND IGNORE EXISTING KEY)" \
	prout --register-ignore --param-sark=$KA "$DA"
t_run "A clears" prout --clear --param-rk=$KA "$DA"
t_eq "after CLEAR: B-rd B-wr" "ok ok" "$(io $DB read) $(io $DB write)"
t_run "logout" logout_both
iscsi_stop
t_run "teardown" ktgt_teardown
t_run "rmmod" rmmod ktgt
t_done
