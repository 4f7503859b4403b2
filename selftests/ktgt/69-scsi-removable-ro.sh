#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# libiscsi's suites that need a removable or a read-only LU, which the
# other conformance runs skip: SCSI.StartStopUnit and SCSI.PreventAllow
# against a removable ram LU (backstore attribute removable=1), and
# SCSI.ReadOnly against a ram LU made read-only while enabled (readonly=1
# live) and against a file LU enabled read-only.  Each suite must end with
# 0 failed and print no [SKIPPED].
. "$KTGT_SRC/selftests/lib/lib.sh"
. "$KTGT_SRC/selftests/ktgt/scsi-conformance.lib"
B=$KTGT_CFS/backstores

# run_suite_noskip LUN SUITE DESC: also, no test of the suite is skipped.
# iscsi-test-cu probes PERSISTENT RESERVE IN when a suite ends and prints
# "[SKIPPED] PERSISTENT RESERVE IN is not implemented" when it is not:
# that is no test of these suites and does not count.
run_suite_noskip() {
	local skipped
	run_suite "$1" "$2" "$3"
	skipped=$(sed -n '/Test: /,$p' "/tmp/cu.$1.$2" | grep 'SKIPPED' |
		  grep -v 'SKIPPED\] PERSISTENT RESERVE IN is not implemented')
	if ! grep -q 'Test: ' "/tmp/cu.$1.$2"; then
		t_notok "$3: $2: no test skipped" "no \"Test: \" line in the output"
	elif [ -z "$skipped" ]; then
		t_ok "$3: $2: no test skipped"
	else
		t_notok "$3: $2: no test skipped" "$skipped"
	fi
}

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
t_run "ram backstore rm0 of 64 MiB" ktgt_backstore ram rm0 $((64 << 20))
t_run "rm0 removable" sh -c "echo 1 > $B/ram/rm0/removable"
t_run "ram backstore ro0 of 64 MiB" ktgt_backstore ram ro0 $((64 << 20))
t_run "ro0 read-only while enabled" sh -c "echo 1 > $B/ram/ro0/readonly"
t_run "file of 64 MiB" truncate -s 64M /tmp/ro1.img
t_run "file backstore ro1, enabled read-only" sh -c \
	"mkdir $B/file/ro1 && echo /tmp/ro1.img > $B/file/ro1/path &&
	 echo 1 > $B/file/ro1/readonly && echo 1 > $B/file/ro1/enable"
make_target() {
	ktgt_target $IQN 1 127.0.0.1:3260 && ktgt_lun $IQN 1 0 ram/rm0 &&
		ktgt_lun $IQN 1 1 ram/ro0 && ktgt_lun $IQN 1 2 file/ro1 &&
		ktgt_acl $IQN 1 "$LIBISCSI_INI1" 0 0 1 1 2 2 &&
		ktgt_acl $IQN 1 "$LIBISCSI_INI2" 0 0 1 1 2 2 &&
		echo 1 > "$KTGT_CFS/targets/$IQN/tpgt_1/enable"
}
t_run "target: LUN 0 removable, LUN 1 and 2 read-only; ACLs for both libiscsi initiators" \
	make_target

for s in SCSI.StartStopUnit SCSI.PreventAllow; do
	run_suite_noskip 0 $s "removable ram"
done
# and the medium is back in at the end
t_run "removable LU: medium loaded after the suites" \
	iscsi-readcapacity16 -i "$LIBISCSI_INI1" -s "$URL/0"
run_suite_noskip 1 SCSI.ReadOnly "ram read-only live"
run_suite_noskip 2 SCSI.ReadOnly "file enabled read-only"

t_run "teardown" ktgt_teardown
t_run "rmmod" rmmod ktgt
t_done
