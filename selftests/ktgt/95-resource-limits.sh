#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What a hostile peer can hold (95-resource-limits.py): idle connections
# before login, immediate commands outside the CmdSN window, responses it
# never reads.  Documentation/security.rst lists these limits.
. "$KTGT_SRC/selftests/lib/lib.sh"
. "$KTGT_SRC/selftests/iscsi/lib-iscsi.sh"

if pdu_setup; then
	t_ok "setup: module, demo target and ACL target"
else
	t_bail "setup of the targets failed"
fi
pdu_run ../ktgt/95-resource-limits.py
pdu_finish
