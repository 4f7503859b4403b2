#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Wire fuzzer: 50-wire-fuzz.py (FUZZ_SEED, FUZZ_ITERS, FUZZ_TIME) against a
# demo-mode ktgt target (selftests/iscsi/pdu.py is the initiator).
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/lib-iscsi.sh"

pdu_main 50-wire-fuzz.py
