#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Task attributes (SAM-5 8.6) with raw PDUs (77-task-attr.py): ORDERED,
# SIMPLE, HEAD OF QUEUE and ACA against a WRITE held in the backstore.
# LUN 1 of the demo target is a block LU over dm-delay that delays
# writes only, so a WRITE stays running while later commands arrive and
# the data a READ returns tells whether it waited for it.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/lib-iscsi.sh"
DM=ktgt_tattr
export TA_DELAY_MS=2000
export TA_RAW=/dev/ram0

if pdu_setup; then
	t_ok "setup: module, demo target and ACL target"
else
	t_bail "setup of the targets failed"
fi
t_run "LUN 1: block LU over dm-delay (writes $TA_DELAY_MS ms)" \
	pdu_slow_lun $DM tattr_slow 0 $TA_RAW 0 $TA_DELAY_MS
pdu_run 77-task-attr.py
ktgt_teardown
t_result "teardown" $?
ktgt_unload
t_result "module unloads" $?
pdu_dmset remove $DM
t_result "dmsetup remove" $?
t_done
