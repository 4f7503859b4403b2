#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ACLs against LIO (harness plumbing, not ktgt): an initiator with an ACL
# logs in; one without is refused with iscsiadm's exit status 24 (login
# authorization failure).  Pins the exact status the ktgt test expects.
. "$KTGT_SRC/selftests/lib/lib.sh"
IQN=iqn.2003-01.org.linux-iscsi.ktgt-vm:acl
P=127.0.0.1:3260
A=iqn.2026-11.org.ktgt:ini-a
B=iqn.2026-11.org.ktgt:ini-b

setup() { lio_load && lio_rd rd0 64 && lio_target $IQN $P rd0 && lio_acl $IQN $A && lio_enable $IQN; }
t_run "LIO target with LUN 0, no demo mode, an ACL for $A" setup
t_run "iscsid as $A" iscsi_start $A
t_run "login as $A (listed)" iscsi_login $IQN $P
t_match "its LUN 0 appears" '^/dev/sd[a-z]+$' "$(iscsi_disk $IQN 0)"
t_run "logout" iscsi_logout $IQN $P
t_run "iscsid as $B" iscsi_start $B
t_rc "login as $B (not listed) is refused: status 24" 24 iscsi_login $IQN $P
t_eq "no session" 0 "$(iscsi_sessions)"
iscsi_stop
t_run "tear LIO down" lio_teardown
t_done
