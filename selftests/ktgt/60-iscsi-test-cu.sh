#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# libiscsi's conformance tests: SCSI.Read10 and SCSI.Write10 with
# --dataloss, once through ACLs for both of iscsi-test-cu's initiator names
# and once in demo mode; iscsi-ls sees the target and its LUN.
. "$KTGT_SRC/selftests/lib/lib.sh"
IQN=iqn.2026-11.org.ktgt:cu-test
P=127.0.0.1:3260
T=$KTGT_CFS/targets/$IQN/tpgt_1

setup() {
	ktgt_backstore ram r0 $((64 << 20)) && ktgt_target $IQN 1 $P && ktgt_lun $IQN 1 0 ram/r0 &&
		ktgt_acl $IQN 1 $LIBISCSI_INI1 0 0 && ktgt_acl $IQN 1 $LIBISCSI_INI2 0 0 &&
		echo 1 > $T/enable
}
t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
t_run "64 MiB ram LUN 0, ACLs for iscsi-test-cu's two initiator names" setup
t_match "iscsi-ls lists the target" "Target:$IQN Portal:$P,1" \
	"$(iscsi-ls -i $LIBISCSI_INI1 iscsi://$P 2>&1)"
# iscsi-ls prints (last LBA x block size) in MiB, rounded down: 63M for a
# 64 MiB LUN (lio/10-login-io.sh pins the same against LIO).
t_match "iscsi-ls -s shows LUN 0 of 64 MiB" "Lun:0 +Type:DIRECT_ACCESS \\(Size:63M\\)" \
	"$(iscsi-ls -s -i $LIBISCSI_INI1 iscsi://$P 2>&1)"
t_iscsi_test_cu "iscsi://$P/$IQN/0" SCSI.Read10,SCSI.Write10

t_run "demo mode instead of ACLs" sh -c "echo 0 > $T/enable && rm $T/acls/*/lun_0/lun_0 && rmdir $T/acls/*/lun_0 $T/acls/* &&
	echo 1 > $T/attrib/generate_node_acls && echo 0 > $T/attrib/demo_mode_write_protect && echo 1 > $T/enable"
t_iscsi_test_cu "iscsi://$P/$IQN/0" SCSI.Read10,SCSI.Write10
t_run "teardown" ktgt_teardown
t_run "rmmod" rmmod ktgt
t_done
