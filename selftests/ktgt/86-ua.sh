#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit attentions, removable medium and write protection with their exact
# sense data, through two raw-PDU sessions (selftests/iscsi/86-ua.py):
# LU and target reset, MODE SELECT seen by the other nexus, D_SENSE,
# live resize, a LUN added and removed, eject / load / prevent, readonly.
. "$KTGT_SRC/selftests/lib/lib.sh"
. "$KTGT_SRC/selftests/iscsi/lib-iscsi.sh"

if pdu_setup; then
	t_ok "setup: module, demo target and ACL target"
else
	t_bail "setup of the targets failed"
fi
pdu_run 86-ua.py
pdu_finish
