#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Faults: vanishing initiators, a silent peer, login churn, 50 concurrent
# sessions (60-faults.py) against a demo-mode ktgt target.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/lib-iscsi.sh"

pdu_main 60-faults.py
