# SPDX-License-Identifier: GPL-2.0
"""CmdSN window with commands outstanding (4.2.2.1), NOP-In within the
initiator's MaxRecvDataSegmentLength (13.12) and a Text Request continued
with the C bit (11.10.2): cases the raw-PDU initiator found broken in ktgt,
kept as regression tests."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pdu import *  # noqa: E402,F401,F403


def test_cmdsn_window_outstanding(t):
    """From 20-ffp. With a task outstanding the target advertises a smaller MaxCmdSN; a
    command beyond the advertised MaxCmdSN must still be ignored."""
    old = set_attrib("default_cmdsn_depth", 2)
    try:
        s = logged_in([("InitialR2T", "Yes"), ("ImmediateData", "No")])
    finally:
        set_attrib("default_cmdsn_depth", old)
    try:
        n = s.cmdsn
        data = os.urandom(4096)
        witt = s.scsi_send(cdb_write10(300, 8), 4096, write=True)
        r2t = s.recv(5)
        t.ok(r2t.opcode == OP_R2T, "depth 2: WRITE CmdSN N waits for data (R2T)", repr(r2t))
        t.eq("depth 2, one task outstanding: ExpCmdSN N+1, MaxCmdSN N+1",
             (n + 1, n + 1), (r2t.exp_cmdsn, r2t.max_cmdsn))
        ritt = s.scsi_send(cdb_read10(0, 1), 512, read=True, cmdsn=r2t.max_cmdsn + 1)
        nitt = s.next_itt()
        s.send(build_nop_out(nitt, RSVD_TAG, s.take_cmdsn(), s.exp_statsn), b"fills N+1")
        seen = [s.recv(5)]
        s.send_burst(witt, r2t.ttt, r2t.offset, data)
        while True:
            p = s.recv_or_none(2)
            if p is None:
                break
            seen.append(p)
        t.ok(any(p.itt == nitt and p.opcode == OP_NOOP_IN for p in seen),
             "NOP-Out CmdSN N+1 answered", repr(seen))
        t.ok(any(p.itt == witt and p.opcode == OP_SCSI_RSP for p in seen),
             "the WRITE completes", repr(seen))
        t.ok(not any(p.itt == ritt for p in seen),
             "the command sent beyond the advertised MaxCmdSN was ignored (4.2.2.1)",
             repr(seen))
    finally:
        s.conn.close()
    smoke(t, "CmdSN window with outstanding tasks")


def test_mrdsl_respected(t):
    """From 20-ffp: a NOP-In echo larger than our MaxRecvDataSegmentLength."""
    s = logged_in([("MaxRecvDataSegmentLength", "4096")])
    try:
        data = os.urandom(6000)
        r = s.nop(data)
        t.ok(r.opcode == OP_NOOP_IN, "NOP-Out with 6000 bytes answered", repr(r))
        t.ok(r.dlen <= 4096, "the NOP-In data segment respects our "
             "MaxRecvDataSegmentLength=4096 (13.12, 11.19)", "NOP-In dlen %d" % r.dlen)
        t.ok(r.data == data[:len(r.data)], "the NOP-In data is (a prefix of) the ping data")
    finally:
        s.conn.close()
    smoke(t, "large NOP-Out")




def test_text_continue(t):
    """From 30-errors: a Text Request continued over two PDUs (C bit, 11.10.2)."""
    # a Text Request continued over two PDUs (C bit, 11.10.2)
    s = new_session()
    try:
        s.login(discovery=True)
        itt = s.next_itt()
        text = text_encode([("SendTargets", "All")])
        s.send(build_text(itt, s.take_cmdsn(), s.exp_statsn, final=False, cont=True), text[:5])
        r = s.recv(5)
        t.ok(r.opcode == OP_TEXT_RSP and r.dlen == 0 and not r.final and r.ttt != RSVD_TAG,
             "Text Request with C=1: an empty Text Response, F=0, TTT valid (6.2, 11.11)",
             repr(r))
        ttt = r.ttt if r.opcode == OP_TEXT_RSP else RSVD_TAG
        s.send(build_text(itt, s.take_cmdsn(), s.exp_statsn, ttt=ttt), text[5:])
        r = s.recv(5)
        t.ok(r.opcode == OP_TEXT_RSP and ("TargetName", IQN) in r.keys,
             "the completed request is answered", repr(r))
    except (Timeout, Closed) as e:
        t.ok(False, "multi-PDU Text Request answered", repr(e))
    finally:
        s.conn.close()
    smoke(t, "multi-PDU Text Request")


main([test_cmdsn_window_outstanding, test_mrdsl_respected, test_text_continue])
