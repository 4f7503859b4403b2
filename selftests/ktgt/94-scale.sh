#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale: 256 LUNs in one TPG (the most KTGT_MAX_LUNS allows), seen whole by
# open-iscsi (256 disks), REPORT LUNS (sg_luns) and libiscsi's iscsi-ls;
# then SCALE_SESSIONS (200) sessions open at once and SCALE_CYCLES (1000)
# login/logout cycles (94-scale.py).
. "$KTGT_SRC/selftests/lib/lib.sh"
. "$KTGT_SRC/selftests/iscsi/lib-iscsi.sh"
T=$KTGT_CFS/targets/$PDU_IQN/tpgt_1
NLUNS=256

# LUNs 1-255: null backstores, made from python (no fork per mkdir,
# echo and ln: under TCG that is most of the setup time)
null_luns() {
	python3 - "$KTGT_CFS" "$T" "$NLUNS" << 'PY'
import os, sys
cfs, tpg, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(1, n):
    b = "%s/backstores/null/n%d" % (cfs, i)
    os.mkdir(b)
    for attr, val in (("size_bytes", "1048576"), ("enable", "1")):
        with open("%s/%s" % (b, attr), "w") as f:
            f.write(val + "\n")
    os.mkdir("%s/lun/lun_%d" % (tpg, i))
    os.symlink(b, "%s/lun/lun_%d/null_n%d" % (tpg, i, i))
PY
}
setup() {
	ktgt_load && ktgt_backstore ram s0 67108864 && ktgt_target $PDU_IQN 1 $PDU_HOST:$PDU_PORT &&
		ktgt_lun $PDU_IQN 1 0 ram/s0 && null_luns &&
		echo 1 > $T/attrib/generate_node_acls && echo 0 > $T/attrib/demo_mode_write_protect &&
		echo 1 > $T/enable
}
ndisks() {
	local s
	for s in /sys/class/iscsi_session/session*/device/target*/*:*:*:*/block/*; do
		[ -e "$s" ] && echo "$s"
	done | wc -l
}

t0=$SECONDS
t_run "a TPG with $NLUNS LUNs (0: RAM, 1-255: null)" setup || t_bail "setup failed"
t_diag "setup: $((SECONDS - t0)) s"
t_errno "LUN $NLUNS is refused (ERANGE)" ERANGE mkdir $T/lun/lun_$NLUNS
t_run "iscsid" iscsi_start
t0=$SECONDS
t_run "open-iscsi login" iscsi_login $PDU_IQN $PDU_HOST:$PDU_PORT
all_disks() { [ "$(ndisks)" -ge $NLUNS ]; }
wait_for 180 all_disks
t_eq "open-iscsi sees $NLUNS disks" $NLUNS "$(ndisks)"
t_diag "login and scan of $NLUNS LUNs: $((SECONDS - t0)) s"
D0=$(iscsi_disk $PDU_IQN 0)
t_eq "REPORT LUNS (sg_luns) lists $NLUNS LUNs" $NLUNS \
	"$(sg_luns "$D0" 2> /dev/null | grep -c -E '^ +[0-9a-f]{16}$')"
D255=$(iscsi_disk $PDU_IQN 255)
t_run "LUN 255 reads" dd if="$D255" of=/dev/null bs=64k count=16 iflag=direct status=none
t_run "logout" iscsi_logout $PDU_IQN $PDU_HOST:$PDU_PORT
t_run "stop iscsid" iscsi_stop
t_eq "libiscsi iscsi-ls lists $NLUNS LUNs" $NLUNS \
	"$(iscsi-ls -s "iscsi://$PDU_HOST/" 2> /dev/null | grep -c -E '^[[:space:]]*Lun:[0-9]+')"
pdu_run ../ktgt/94-scale.py
pdu_finish
