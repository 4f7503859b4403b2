#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Faults: vanishing initiators, a silent peer, login churn, 50 concurrent
# sessions (60-faults.py) against a demo-mode ktgt target.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/lib-iscsi.sh"

if pdu_setup; then
	t_ok "setup: module, demo target and ACL target"
else
	t_bail "setup of the targets failed"
fi
pdu_run 60-faults.py
pdu_finish
