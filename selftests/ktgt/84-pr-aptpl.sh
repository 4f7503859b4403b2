#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# APTPL persistent reservations at full size.  (1) The pr_state configfs
# ABI, a binary attribute: the largest state (256 registrations, 223-byte
# names) written in many write(2)s reads back exactly; malformed, oversize
# and live-changing states are refused (logged, nothing changes).  (2) 200
# registrations with distinct 223-byte initiator names (one PR OUT REGISTER
# with SPEC_I_PT over raw PDUs, 84-pr-aptpl.py) survive ktgtctl save,
# rmmod, insmod, ktgtctl restore: READ FULL STATUS returns the same bytes.
# (3) A corrupted pr_state in the saved file: ktgtctl restore fails, saying
# so, and the kernel logs the line at fault.
. "$KTGT_SRC/selftests/lib/lib.sh"
. "$KTGT_SRC/selftests/iscsi/lib-iscsi.sh"

T=iqn.2026-11.org.ktgt:aptpl
NR=200
CFG=/tmp/pr-aptpl.json
S=$KTGT_CFS/backstores/ram/prcfg/pr_state
EMPTY=$'aptpl 0\ngeneration 0\ntype 0\nscope 0'
R1='reg key=0x00000000000000a1 holder=1 all_tg_pt=0 tpgt=1 initiator=iqn.2026-11.org.ktgt:x,i,0x23d000000001 target=iqn.2026-11.org.ktgt:t'
R2='reg key=0x00000000000000b2 holder=0 all_tg_pt=1 tpgt=2 initiator=iqn.2026-11.org.ktgt:y target=-'

# why_refused BACKSTORE: the kernel's last "pr_state refused" reason for it
why_refused() {
	dmesg | sed -n "s#.* $1: pr_state refused, nothing restored: ##p" | tail -n 1
}
nr_refused() { dmesg | grep -c "pr_state refused, nothing restored"; }

# refused DESC TEXT WHY: writing TEXT succeeds (configfs hands it over at
# close and drops the result), changes nothing, and the kernel logs WHY
refused() {
	local before n
	before=$(cat $S)
	n=$(nr_refused)
	t_errno "$1: the write(2)s succeed" OK write $S "$2"
	t_eq "$1: nothing changes" "$before" "$(cat $S)"
	t_eq "$1: logged once: $3" "1 $3" "$(($(nr_refused) - n)) $(why_refused ram/prcfg)"
}

# reg_lines N NAMECHAR: N "reg" lines (each after a newline), the first
# the holder, with 223-byte initiator and target names and long values
reg_lines() {
	local i pad out=""
	printf -v pad '%*s' 191 ''
	pad=${pad// /$2}
	for ((i = 1; i <= $1; i++)); do
		printf -v out '%s\nreg key=0x%016x holder=%d all_tg_pt=0 tpgt=65535 initiator=iqn.2026-11.org.ktgt:%s%011d,i,0xffffffff%04x target=iqn.2026-11.org.ktgt:%s%011d' \
			"$out" $((0x7fff000000000000 + i)) $((i == 1)) "$pad" $i $i "$pad" $i
	done
	printf '%s' "$out"
}

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"

# ------------------------------------------------ (1) the configfs ABI
t_run "backstore ram/prcfg" ktgt_backstore ram prcfg $((1 << 20))
t_file "pr_state of a new backstore" $S "$EMPTY"
refused "unknown line" $'colour red\n' "line 1: unknown keyword"
refused "a type without a holder" $'type 1\n' "a reservation type without a holder"
refused "a holder without a type" "$R1" "a holder without a reservation type"
refused "type 2" $'type 2\n'"$R1" "line 1: invalid type"
refused "scope 1" $'aptpl 1\nscope 1\n' "line 2: invalid scope"
refused "a reg without a key" $'aptpl 1\n\nreg initiator=iqn.x' "line 3: invalid registration"
refused "a zero key" 'reg key=0 initiator=iqn.x' "line 1: invalid registration"
refused "a bad ISID" 'reg key=1 initiator=iqn.x,i,0x12' "line 1: invalid registration"
refused "a 224-byte initiator name" "reg key=1 initiator=iqn.$(printf 'a%.0s' {1..220})" \
	"line 1: invalid registration"
refused "two holders" $'type 1\n'"$R1"$'\n'"${R1/x,i/z,i}" "line 3: a second holder"
refused "blank lines only" $'\n\n \n' "empty"
n=$(nr_refused)
printf 'aptpl 1\ngeneration 3\000\n' > $S
t_eq "a NUL byte: refused" "1 a NUL byte" "$(($(nr_refused) - n)) $(why_refused ram/prcfg)"
n=$(nr_refused)
head -c 100000 /dev/urandom > $S
t_eq "100000 random bytes: refused, logged" 1 "$(($(nr_refused) - n))"
t_file "... nothing changed" $S "$EMPTY"
L257=$(reg_lines 257 m)
refused "257 registrations" "type 8$L257" \
	"line 258: more than 256 registrations"

S2=$KTGT_CFS/backstores/ram/prcfg2/pr_state
R12=$'aptpl 1\ngeneration 7\ntype 1\nscope 0\n'"$R1"$'\n'"$R2"
t_run "backstore ram/prcfg2" ktgt_backstore ram prcfg2 $((1 << 20))
t_errno "restore two registrations and a reservation" OK write $S2 "$R12"
t_file "... reads back exactly" $S2 "$R12"
t_run "rmdir ram/prcfg2" rmdir $KTGT_CFS/backstores/ram/prcfg2

MAX=$'aptpl 1\ngeneration 4294967295\ntype 8\nscope 0'"${L257%$'\n'reg *}"
n=$(nr_refused)
t_errno "the largest state (256 registrations, ${#MAX} bytes) in many write(2)s" \
	OK write $S "$MAX"
t_file "... reads back exactly" $S "$MAX"
t_eq "... and nothing was refused" 0 "$(($(nr_refused) - n))"
t_eq "a state longer than any valid one: EFBIG" EFBIG "$(printf '%s' "$MAX$MAX" |
	dd of=$S bs=1M iflag=fullblock status=none 2>&1 | sed 's/.*: //; s/File too large/EFBIG/')"
t_eq "... what configfs hands over at close (nothing) is refused" empty "$(why_refused ram/prcfg)"
refused "while registrations exist" $'aptpl 0\n' "the backstore has registrations"
t_file "... the largest state is still there" $S "$MAX"
t_run "rmdir the backstore" rmdir $KTGT_CFS/backstores/ram/prcfg

# ------------------ (2) 200 registrations across save / rmmod / restore
t_run "target $T: ram LUN 0, demo mode" ktgt_demo_target $T ram $((1 << 20))
PDU_DIR=$KTGT_SRC/selftests/ktgt
PR_IQN=$T PR_NR=$NR PR_PHASE=register pdu_run 84-pr-aptpl.py
BS=$KTGT_CFS/backstores/ram/ram_demo
SAVED=$(cat $BS/pr_state)
t_eq "pr_state: aptpl 1 and $NR registrations (${#SAVED} bytes)" "aptpl 1 $NR" \
	"$(head -n 1 <<< "$SAVED") $(grep -c '^reg ' <<< "$SAVED")"
t_run "ktgtctl save" "$KTGTCTL" save $CFG
t_eq "the saved configuration holds all of pr_state" "$SAVED" \
	"$(python3 -c 'import json,sys; print(next(b["pr_state"] for b in json.load(open(sys.argv[1]))["backstores"] if "pr_state" in b))' $CFG)"
t_run "teardown" ktgt_teardown
t_run "rmmod" rmmod ktgt
t_run "insmod" ktgt_load
t_run "ktgtctl restore" "$KTGTCTL" restore $CFG
t_file "pr_state after restore is what was saved" $BS/pr_state "$SAVED"
PR_IQN=$T PR_NR=$NR PR_PHASE=check pdu_run 84-pr-aptpl.py

# ------------------------------- (3) a corrupted pr_state in the saved file
t_run "teardown" ktgt_teardown
python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
b = next(b for b in d["backstores"] if "pr_state" in b)
l = b["pr_state"].split("\n")
l[153] = l[153].replace("key=0x", "key=0xg")
b["pr_state"] = "\n".join(l)
json.dump(d, open(sys.argv[2], "w"))' $CFG $CFG.bad
n=$(nr_refused)
out=$("$KTGTCTL" restore $CFG.bad 2>&1)
t_eq "ktgtctl restore of a corrupted pr_state: exit status 1" 1 $?
t_match "... saying pr_state was not restored and why" \
	"backstore ram/ram_demo: pr_state not restored: .*pr_state does not read back as written: the kernel refused it \(its log, dmesg, says why" "$out"
t_eq "... the kernel logs the line at fault" "1 line 154: invalid registration" \
	"$(($(nr_refused) - n)) $(why_refused ram/ram_demo)"
t_file "... pr_state is untouched" $BS/pr_state "$EMPTY"
t_run "teardown" ktgt_teardown
t_run "rmmod" rmmod ktgt
t_done
