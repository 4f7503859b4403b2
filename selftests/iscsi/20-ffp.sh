#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Raw-PDU protocol tests: 20-ffp.py against a demo-mode ktgt target
# (selftests/iscsi/pdu.py is the initiator).
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/lib-iscsi.sh"

pdu_main 20-ffp.py
