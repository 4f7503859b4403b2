#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Raw-PDU protocol tests: 70-mcs.py against a demo-mode ktgt target
# (selftests/iscsi/pdu.py is the initiator).
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/lib-iscsi.sh"

if pdu_setup; then
	t_ok "setup: module, demo target and ACL target"
else
	t_bail "setup of the targets failed"
fi
pdu_run 70-mcs.py
pdu_finish
