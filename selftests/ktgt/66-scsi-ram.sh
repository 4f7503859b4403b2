#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# libiscsi's SCSI conformance suites against a ram backstore (see
# scsi-conformance.lib).
. "$KTGT_SRC/selftests/lib/lib.sh"
. "$KTGT_SRC/selftests/ktgt/scsi-conformance.lib"
scsi_conformance ram
