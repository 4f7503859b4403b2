#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# libiscsi's iSCSI conformance suite (iscsi-test-cu --test=iSCSI --dataloss:
# CmdSN, DataSN, residuals, TMF) against a writable RAM LUN in demo mode:
# every one of its 15 tests must run and pass.
. "$KTGT_SRC/selftests/lib/lib.sh"
IQN=iqn.2026-11.org.ktgt:conformance
T=$KTGT_CFS/targets/$IQN/tpgt_1

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
t_run "demo target with a 128 MiB RAM LUN" ktgt_demo_target $IQN ram $((128 << 20))
timeout 600 iscsi-test-cu --test=iSCSI --dataloss "iscsi://127.0.0.1/$IQN/0" > /tmp/cu-iscsi.out 2>&1
rc=$?
t_eq "iscsi-test-cu exit status" 0 "$rc"
summary=$(grep -E '^ +tests ' /tmp/cu-iscsi.out | tr -s ' ')
t_eq "15 tests run, 15 passed, 0 failed" " tests 15 15 15 0 0" "$summary"
t_eq "15 tests started" 15 "$(grep -o 'Test: [A-Za-z0-9]* \.\.\.' /tmp/cu-iscsi.out | wc -l)"
t_eq "no test ended FAILED" 0 "$(grep -c 'FAILED$' /tmp/cu-iscsi.out)"
for s in iSCSIcmdsn iSCSIdatasn iSCSIResiduals iSCSITMF; do
	t_run "suite $s ran" grep -q "Suite: $s\$" /tmp/cu-iscsi.out
done
grep -E "FAILED|Test:" /tmp/cu-iscsi.out | grep -v passed | sed 's/^/# /' | head -20
t_run "teardown" ktgt_teardown
t_run "rmmod" rmmod ktgt
t_done
