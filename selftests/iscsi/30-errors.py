# SPDX-License-Identifier: GPL-2.0
"""Error handling at ErrorRecoveryLevel 0 (RFC 7143 7.3, 7.8, 11.17) plus
Text/SendTargets (11.10, 11.11, appendix C) and Logout (11.14, 11.15)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pdu import *  # noqa: E402,F401,F403


def expect_reject(t, s, label, reason, sent_bhs, timeout=5):
    """The next PDU is a Reject with reason and the rejected header as its
    data (11.17.1-3).  Returns the PDU (or None)."""
    try:
        r = s.recv(timeout)
    except (Timeout, Closed) as e:
        t.ok(False, "%s: Reject reason 0x%02x (11.17.1)" % (label, reason), repr(e))
        return None
    ok = r.opcode == OP_REJECT and r.reason == reason
    t.ok(ok, "%s: Reject reason 0x%02x (11.17.1)" % (label, reason), repr(r))
    if r.opcode == OP_REJECT:
        t.ok(r.itt == RSVD_TAG and r.final,
             "%s: Reject has F=1 and ITT 0xffffffff (11.17)" % label, repr(r))
        t.ok(r.data[:BHS_LEN] == bytes(sent_bhs[:BHS_LEN]) and len(r.data) == BHS_LEN,
             "%s: the rejected header is echoed as the data (11.17.3)" % label,
             "sent %s" % bytes(sent_bhs).hex(), "got  %s" % r.data.hex())
    return r


def still_works(t, s, label):
    try:
        r = s.nop(b"still alive", timeout=5)
        t.ok(r.opcode == OP_NOOP_IN and r.data == b"still alive",
             "%s: the connection goes on (NOP-Out answered)" % label, repr(r))
    except (Timeout, Closed) as e:
        t.ok(False, "%s: the connection goes on (NOP-Out answered)" % label, repr(e))


def test_unknown_opcode(t):
    s = logged_in()
    try:
        for op in (0x0C, 0x1C):
            # non-immediate, CmdSN not consumed: a rejected command leaves a
            # gap the initiator plugs by reusing the CmdSN (7.3)
            bhs = build_nop_out(s.next_itt(), RSVD_TAG, s.cmdsn, s.exp_statsn)
            bhs[0] = op
            s.send(bhs)
            expect_reject(t, s, "opcode 0x%02x" % op, REJ_NOT_SUPPORTED, bhs)
        still_works(t, s, "after unknown opcodes (CmdSN reused, 7.3)")
    finally:
        s.conn.close()
    smoke(t, "unknown opcode")


def test_snack_erl0(t):
    s = logged_in()
    try:
        t.eq("ErrorRecoveryLevel=0 in force", "0", s.params.get("ErrorRecoveryLevel", "0"))
        bhs = build_snack(RSVD_TAG, 1, s.exp_statsn, begrun=0, runlength=0)
        s.send(bhs)
        expect_reject(t, s, "status SNACK at ERL0", REJ_PROTOCOL, bhs)
        r = s.read(cdb_read10(0, 8), 4096)
        bhs = build_snack(r.itt, 0, s.exp_statsn, begrun=0, runlength=0)
        s.send(bhs)
        expect_reject(t, s, "Data SNACK at ERL0", REJ_PROTOCOL, bhs)
        still_works(t, s, "after SNACKs")
    finally:
        s.conn.close()
    smoke(t, "SNACK")


def test_data_out_unknown_itt(t):
    s = logged_in()
    try:
        bhs = build_data_out(0x00DEAD00, RSVD_TAG, 0, 0, s.exp_statsn)
        s.send(bhs, bytes(1024))
        expect_reject(t, s, "Data-Out for an unknown ITT", REJ_INVALID_FIELD, bhs)
        still_works(t, s, "after the stray Data-Out")
    finally:
        s.conn.close()
    smoke(t, "stray Data-Out")


def test_duplicate_itt(t):
    s = logged_in([("InitialR2T", "Yes"), ("ImmediateData", "No")])
    try:
        data = os.urandom(4096)
        itt = s.scsi_send(cdb_write10(100, 8), 4096, write=True)
        r2t = s.recv(5)
        t.ok(r2t.opcode == OP_R2T and r2t.itt == itt, "WRITE waits for its data: R2T",
             repr(r2t))
        bhs = build_scsi_cmd(itt, cdb_read10(0, 1), 512, s.cmdsn, s.exp_statsn, read=True)
        s.send(bhs)
        expect_reject(t, s, "SCSI Command reusing an active ITT", REJ_TASK_IN_PROGRESS, bhs)
        # plug the CmdSN gap of the rejected command (7.3)
        r = s.nop(b"plug")
        t.ok(r.opcode == OP_NOOP_IN, "rejected command's CmdSN reused by a NOP-Out", repr(r))
        s.send_burst(itt, r2t.ttt, r2t.offset, data[r2t.offset:r2t.offset + r2t.length])
        res = s.collect(itt, 5)
        t.ok(res.status == 0 and res.status_pdu.opcode == OP_SCSI_RSP,
             "the first task with that ITT completes normally", repr(res.status_pdu))
        back = s.read(cdb_read10(100, 8), 4096)
        t.ok(bytes(back.data) == data, "and its data was written")
    finally:
        s.conn.close()
    smoke(t, "duplicate ITT")


def test_header_digest_error(t):
    with Params(HeaderDigest="CRC32C,None"):
        s = logged_in([("HeaderDigest", "CRC32C")])
    try:
        t.eq("HeaderDigest=CRC32C negotiated", "CRC32C", s.params.get("HeaderDigest"))
        r = s.nop(b"ok first")
        t.ok(r.opcode == OP_NOOP_IN and r.hdigest_ok, "a NOP with a good header digest works",
             repr(r))
        bhs = build_nop_out(s.next_itt(), RSVD_TAG, s.take_cmdsn(), s.exp_statsn)
        s.send(bhs, b"bad header digest", corrupt_hdigest=True)
        closed = s.conn.wait_closed(10)
        t.ok(closed, "header digest error at ERL0: the target closes the connection (7.8)",
             repr(s.conn.pending))
        t.ok(not any(p.opcode == OP_NOOP_IN for p in s.conn.pending),
             "header digest error: the PDU is not executed (no NOP-In)", repr(s.conn.pending))
    finally:
        s.conn.close()
    smoke(t, "header digest error")


def test_data_digest_error(t):
    for kind in ("NOP-Out", "WRITE immediate data"):
        with Params(DataDigest="CRC32C,None"):
            s = logged_in([("DataDigest", "CRC32C")])
        try:
            t.eq("DataDigest=CRC32C negotiated", "CRC32C", s.params.get("DataDigest"))
            r = s.nop(b"good data digest")
            t.ok(r.opcode == OP_NOOP_IN and r.data == b"good data digest" and r.ddigest_ok,
                 "a NOP with a good data digest works", repr(r))
            if kind == "NOP-Out":
                bhs = build_nop_out(s.next_itt(), RSVD_TAG, s.cmdsn, s.exp_statsn)
                data = b"corrupted data digest"
            else:
                bhs = build_scsi_cmd(s.next_itt(), cdb_write10(200, 2), 1024, s.cmdsn,
                                     s.exp_statsn, write=True)
                data = os.urandom(1024)
            s.send(bhs, data, corrupt_ddigest=True)
            lab = "data digest error on a %s" % kind
            expect_reject(t, s, lab, REJ_DIGEST, bhs)
            t.ok(s.conn.wait_closed(10), "%s: then the target closes the connection (7.8)"
                 % lab, repr(getattr(s.conn, "pending", None)))
        finally:
            s.conn.close()
    smoke(t, "data digest errors")


def test_sendtargets(t):
    s = new_session()
    try:
        s.login(discovery=True)
        rsps, keys = s.text([("SendTargets", "All")])
        last = rsps[-1]
        t.ok(last.opcode == OP_TEXT_RSP and last.final and last.ttt == RSVD_TAG,
             "SendTargets=All: a final Text Response, TTT 0xffffffff (11.11)", repr(last))
        pairs = list(keys)
        want = ("TargetName", IQN)
        t.ok(want in pairs, "SendTargets=All lists the demo target (appendix C)", repr(pairs))
        addr = None
        if want in pairs:
            i = pairs.index(want)
            if i + 1 < len(pairs) and pairs[i + 1][0] == "TargetAddress":
                addr = pairs[i + 1][1]
        t.eq("the TargetName is followed by its portal, address:port,tpgt",
             "%s:%d,1" % (HOST, PORT), addr)
        rsps, keys = s.text([("SendTargets", IQN)])
        t.eq("SendTargets=<name> reports that target only",
             [("TargetName", IQN), ("TargetAddress", "%s:%d,1" % (HOST, PORT))], keys)
        r = s.logout()
        t.ok(r.opcode == OP_LOGOUT_RSP and r.response == 0, "discovery session logout",
             repr(r))
    finally:
        s.conn.close()
    s = new_session(initiator=ACL_INI)
    try:
        s.login(discovery=True)
        rsps, keys = s.text([("SendTargets", "All")])
        t.ok(("TargetName", ACL_IQN) in keys,
             "SendTargets=All lists the ACL target to an initiator in its ACL", repr(keys))
    finally:
        s.conn.close()
    smoke(t, "SendTargets")


def test_logout(t):
    s = logged_in()
    try:
        s.nop(b"x")
        statsn = s.exp_statsn
        itt = s.next_itt()
        cmdsn = s.take_cmdsn()
        s.send(build_logout(itt, cmdsn, s.exp_statsn, LOGOUT_SESSION, s.cid))
        r = s.recv(5)
        t.ok(r.opcode == OP_LOGOUT_RSP and r.response == 0,
             "Logout (close the session): response 0 (11.15.1)", repr(r))
        t.eq("Logout Response: ITT echoed", itt, r.itt)
        t.eq("Logout Response: StatSN", statsn, r.statsn)
        t.eq("Logout Response: ExpCmdSN = CmdSN + 1", cmdsn + 1, r.exp_cmdsn)
        t.ok(s.conn.wait_closed(10), "after the Logout Response the target closes the "
             "connection (11.14)")
        old_tsih, isid = s.tsih, s.isid
    finally:
        s.conn.close()
    # that session is gone: joining it by TSIH fails
    s = new_session(isid=isid)
    try:
        r = s.login_pdu([("InitiatorName", DEFAULT_INITIATOR), ("SessionType", "Normal"),
                         ("TargetName", IQN)], tsih=old_tsih)
        t.hexeq("login with the TSIH of the logged-out session: 0x020a (11.13.5)", 0x020A,
                r.status, repr(r))
    finally:
        s.conn.close()
    s = logged_in()
    try:
        r = s.logout(LOGOUT_CONNECTION)
        t.ok(r.opcode == OP_LOGOUT_RSP and r.response == 0,
             "Logout (close this connection, own CID): response 0", repr(r))
        t.ok(s.conn.wait_closed(10), "then the target closes the connection")
    finally:
        s.conn.close()
    s = logged_in()
    try:
        r = s.logout(LOGOUT_RECOVERY)
        t.ok(r.opcode == OP_LOGOUT_RSP and r.response == 2,
             "Logout 'remove the connection for recovery' at ERL0: response 2, "
             "connection recovery not supported (11.15.1)", repr(r))
        still_works(t, s, "after the refused recovery logout")
    finally:
        s.conn.close()
    smoke(t, "logout")


main([test_unknown_opcode, test_snack_erl0, test_data_out_unknown_itt, test_duplicate_itt,
      test_header_digest_error, test_data_digest_error, test_sendtargets, test_logout])
