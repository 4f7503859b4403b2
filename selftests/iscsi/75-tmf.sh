#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Task management across I_T nexuses with raw PDUs (75-tmf.py): LU reset,
# target warm and cold reset, CLEAR TASK SET and PREEMPT AND ABORT from
# one session end the pending task of another, with the exact unit
# attentions; ABORT TASK SET stays per nexus.  LUN 1 of the demo target is
# a block LU over dm-delay, so that a reset also meets a task the
# backstore is still running on another session (and that session's
# connection dying meanwhile).
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/lib-iscsi.sh"
DM=ktgt_tmf
export TMF_DELAY_MS=3000

if pdu_setup; then
	t_ok "setup: module, demo target and ACL target"
else
	t_bail "setup of the targets failed"
fi
t_run "LUN 1: block LU over dm-delay ($TMF_DELAY_MS ms)" \
	pdu_slow_lun $DM tmf_slow $TMF_DELAY_MS
pdu_run 75-tmf.py
ktgt_teardown
t_result "teardown" $?
ktgt_unload
t_result "module unloads" $?
pdu_dmset remove $DM
t_result "dmsetup remove" $?
t_done
