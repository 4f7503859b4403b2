# SPDX-License-Identifier: GPL-2.0
"""Full feature phase (RFC 7143 4.2, 11.2-11.9, 11.18, 11.19): NOP, writes
with immediate / unsolicited / solicited data, reads split over Data-In
PDUs, residuals, CmdSN ordering and window, StatSN."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pdu import *  # noqa: E402,F401,F403

BS = 512


def lba_of(kib_offset):
    return kib_offset * 1024 // BS


def readback(t, s, lba, data, label):
    r = s.read(cdb_read10(lba, len(data) // BS), len(data))
    t.ok(r.status == 0 and bytes(r.data) == data, "%s: data read back equal" % label,
         "status %r, %d bytes back" % (r.status, len(r.data)))


def good(t, label, r):
    t.ok(r.status_pdu is not None and r.status_pdu.opcode in (OP_SCSI_RSP, OP_DATA_IN) and
         r.status == 0, "%s: status GOOD" % label, repr(r.status_pdu))


def test_nop(t):
    s = logged_in()
    try:
        data = bytes(range(256)) * 3 + b"odd length!"       # 779 bytes: padded
        itt = s.next_itt()
        cmdsn = s.take_cmdsn()
        statsn = s.exp_statsn
        s.send(build_nop_out(itt, RSVD_TAG, cmdsn, s.exp_statsn), data)
        r = s.recv()
        t.eq("NOP-Out ping: answered by a NOP-In", OP_NOOP_IN, r.opcode)
        t.eq("NOP-In: ITT echoed (11.19)", itt, r.itt)
        t.eq("NOP-In: TTT 0xffffffff (11.19.2)", RSVD_TAG, r.ttt)
        t.ok(r.final, "NOP-In: F bit set")
        t.ok(r.data == data, "NOP-In: the ping data echoed (11.18.7)",
             "%d bytes back" % len(r.data))
        t.eq("NOP-In: pad bytes are zero", bytes(pad4(len(data))), r.pad)
        t.eq("NOP-In: StatSN is the ExpStatSN we sent", statsn, r.statsn)
        t.eq("NOP-In: ExpCmdSN = CmdSN + 1", cmdsn + 1, r.exp_cmdsn)
        # immediate NOP-Out: CmdSN not advanced
        itt = s.next_itt()
        s.send(build_nop_out(itt, RSVD_TAG, s.cmdsn, s.exp_statsn, immediate=True), b"imm")
        r = s.recv()
        t.ok(r.opcode == OP_NOOP_IN and r.itt == itt and r.data == b"imm",
             "immediate NOP-Out answered", repr(r))
        t.eq("immediate NOP-Out: ExpCmdSN not advanced (4.2.2.1)", s.cmdsn, r.exp_cmdsn)
    finally:
        s.conn.close()
    smoke(t, "NOP tests")


def test_write_immediate(t):
    s = logged_in([("ImmediateData", "Yes"), ("InitialR2T", "Yes")])
    try:
        t.eq("negotiated ImmediateData=Yes InitialR2T=Yes", ("Yes", "Yes"),
             (s.params.get("ImmediateData"), s.params.get("InitialR2T")))
        data = os.urandom(4096)
        r = s.write(cdb_write10(lba_of(0), 8), data)
        good(t, "WRITE 4 KiB all immediate", r)
        t.eq("WRITE 4 KiB all immediate: no R2T", 0, len(r.r2ts))
        t.eq("WRITE 4 KiB all immediate: no O/U flags", 0, r.rflags & (F_O | F_U))
        readback(t, s, lba_of(0), data, "WRITE 4 KiB all immediate")

        data = os.urandom(96 * 1024)
        r = s.write(cdb_write10(lba_of(64), len(data) // BS), data)
        good(t, "WRITE 96 KiB: 64 KiB immediate + R2T", r)
        t.eq("WRITE 96 KiB: one R2T for the rest [offset, length, R2TSN]",
             [(65536, 32768, 0)], [(x.offset, x.length, x.r2tsn) for x in r.r2ts])
        t.eq("WRITE 96 KiB: SCSI Response ExpDataSN = number of R2Ts (11.4.8)", 1,
             r.status_pdu.exp_datasn)
        readback(t, s, lba_of(64), data, "WRITE 96 KiB immediate + R2T")
    finally:
        s.conn.close()
    smoke(t, "immediate data writes")


def test_write_unsolicited(t):
    s = logged_in([("ImmediateData", "No"), ("InitialR2T", "No")])
    try:
        t.eq("negotiated ImmediateData=No InitialR2T=No", ("No", "No"),
             (s.params.get("ImmediateData"), s.params.get("InitialR2T")))
        s.mxdsl = 8192
        data = os.urandom(32 * 1024)
        r = s.write(cdb_write10(lba_of(256), len(data) // BS), data)
        good(t, "WRITE 32 KiB as 4 unsolicited Data-Out", r)
        t.eq("WRITE 32 KiB unsolicited: no R2T", 0, len(r.r2ts))
        readback(t, s, lba_of(256), data, "WRITE 32 KiB unsolicited")

        data = os.urandom(128 * 1024)
        r = s.write(cdb_write10(lba_of(512), len(data) // BS), data)
        good(t, "WRITE 128 KiB: 64 KiB unsolicited (FirstBurstLength) + R2T", r)
        t.eq("WRITE 128 KiB: one R2T after the first burst [offset, length]",
             [(65536, 65536)], [(x.offset, x.length) for x in r.r2ts])
        readback(t, s, lba_of(512), data, "WRITE 128 KiB unsolicited + R2T")
    finally:
        s.conn.close()
    s = logged_in([("ImmediateData", "Yes"), ("InitialR2T", "No")])
    try:
        s.mxdsl = 16384
        data = os.urandom(96 * 1024)
        r = s.write(cdb_write10(lba_of(768), len(data) // BS), data)
        good(t, "WRITE 96 KiB: 16 KiB immediate + 48 KiB Data-Out + R2T", r)
        t.eq("WRITE 96 KiB immediate+unsolicited: one R2T [offset, length]",
             [(65536, 32768)], [(x.offset, x.length) for x in r.r2ts])
        readback(t, s, lba_of(768), data, "WRITE immediate + unsolicited + R2T")
    finally:
        s.conn.close()
    smoke(t, "unsolicited data writes")


def test_write_r2t(t):
    with Params(InitialR2T="Yes", MaxOutstandingR2T="4"):
        for mor2t in (1, 2, 4):
            s = logged_in([("InitialR2T", "Yes"), ("ImmediateData", "No"),
                           ("MaxBurstLength", "65536"), ("FirstBurstLength", "65536"),
                           ("MaxOutstandingR2T", str(mor2t))])
            lab = "MaxOutstandingR2T=%d" % mor2t
            try:
                t.eq("%s negotiated" % lab, str(mor2t), s.params.get("MaxOutstandingR2T"))
                s.mxdsl = 16384
                data = os.urandom(256 * 1024)
                r = s.write(cdb_write10(lba_of(1024 + 256 * mor2t), len(data) // BS), data)
                good(t, "%s: WRITE 256 KiB with R2Ts only" % lab, r)
                t.eq("%s: R2Ts [R2TSN, offset, length] (11.8)" % lab,
                     [(i, i * 65536, 65536) for i in range(4)],
                     [(x.r2tsn, x.offset, x.length) for x in r.r2ts])
                t.eq("%s: R2Ts outstanding at once" % lab, mor2t, r.max_outstanding)
                t.eq("%s: SCSI Response ExpDataSN = 4 R2Ts (11.4.8)" % lab, 4,
                     r.status_pdu.exp_datasn)
                t.ok(len({x.ttt for x in r.r2ts}) >= 1 and
                     all(x.ttt != RSVD_TAG for x in r.r2ts),
                     "%s: R2T TTTs are not 0xffffffff" % lab)
                readback(t, s, lba_of(1024 + 256 * mor2t), data, "%s WRITE" % lab)
            finally:
                s.conn.close()
    smoke(t, "R2T writes")


def test_read_split(t):
    s = logged_in([("MaxRecvDataSegmentLength", "4096")])
    try:
        data = os.urandom(64 * 1024)
        w = s.write(cdb_write10(lba_of(2048), 128), data)
        good(t, "WRITE 64 KiB to read back", w)
        statsn = s.exp_statsn
        r = s.read(cdb_read10(lba_of(2048), 128), len(data))
        good(t, "READ 64 KiB with MaxRecvDataSegmentLength=4096", r)
        di = r.datain
        t.eq("READ 64 KiB: 16 Data-In PDUs of 4096 bytes (12.12)", [4096] * 16,
             [len(p.data) for p in di])
        t.eq("READ: DataSN 0..15 (11.7.5)", list(range(16)), [p.datasn for p in di])
        t.eq("READ: Buffer Offsets 0, 4096, ... (11.7.6)", [i * 4096 for i in range(16)],
             [p.offset for p in di])
        t.eq("READ: S bit on the last Data-In only (status collapsed, 11.7.1)",
             [False] * 15 + [True], [p.flag(F_S) for p in di])
        t.eq("READ: F bit on the last Data-In only (one burst)", [False] * 15 + [True],
             [p.final for p in di])
        t.eq("READ: StatSN on the status Data-In", statsn, di[-1].statsn)
        t.ok(bytes(r.data) == data, "READ: data equal")
        extra = s.recv_or_none(0.5)
        t.ok(extra is None, "READ: no SCSI Response after the Data-In with S", repr(extra))
    finally:
        s.conn.close()
    s = logged_in([("MaxRecvDataSegmentLength", "4096"), ("MaxBurstLength", "16384")])
    try:
        r = s.read(cdb_read10(lba_of(2048), 128), 65536)
        di = r.datain
        good(t, "READ 64 KiB with MaxBurstLength=16384", r)
        t.eq("MaxBurstLength=16384: F bit ends each 16 KiB sequence (11.7.1)",
             [i % 4 == 3 for i in range(16)], [p.final for p in di])
        t.eq("MaxBurstLength=16384: DataSN runs on across sequences", list(range(16)),
             [p.datasn for p in di])
        t.ok(bytes(r.data) == data, "MaxBurstLength=16384: data equal")
    finally:
        s.conn.close()
    smoke(t, "split reads")


def test_residuals(t):
    s = logged_in()
    try:
        r = s.read(cdb_read10(0, 8), 2048)
        good(t, "READ(10) 8 blocks, EDTL 2048", r)
        t.eq("READ 8 blocks EDTL 2048: 2048 bytes of Data-In", 2048,
             sum(len(p.data) for p in r.datain))
        t.eq("READ 8 blocks EDTL 2048: O set, U clear (11.4.5.1)", F_O,
             r.rflags & (F_O | F_U))
        t.eq("READ 8 blocks EDTL 2048: residual 2048 (11.4.5.1)", 2048, r.residual)

        r = s.read(cdb_read10(0, 4), 8192)
        good(t, "READ(10) 4 blocks, EDTL 8192", r)
        t.eq("READ 4 blocks EDTL 8192: 2048 bytes of Data-In", 2048,
             sum(len(p.data) for p in r.datain))
        t.eq("READ 4 blocks EDTL 8192: U set, O clear (11.4.5.1)", F_U,
             r.rflags & (F_O | F_U))
        t.eq("READ 4 blocks EDTL 8192: residual 6144 (11.4.5.1)", 6144, r.residual)

        r = s.read(cdb_read10(0, 4), 2048)
        t.eq("READ 4 blocks EDTL 2048: neither O nor U", 0, r.rflags & (F_O | F_U))
        t.eq("bidirectional overflow/underflow bits clear", 0,
             r.rflags & (F_BIDI_O | F_BIDI_U))

        cap = 64 * 1024 * 1024 // BS
        r = s.read(cdb_read10(cap, 1), 512)
        t.ok(r.status_pdu is not None and r.status_pdu.opcode == OP_SCSI_RSP,
             "READ past the end: status in a SCSI Response", repr(r.status_pdu))
        t.eq("READ past the end: CHECK CONDITION", 0x02, r.status)
        sense = r.status_pdu.sense if r.status_pdu.opcode == OP_SCSI_RSP else b""
        t.ok(len(sense) >= 14 and (sense[2] & 0x0F) == 5 and sense[12] == 0x21,
             "READ past the end: sense data with its length prefix (11.4.7.2), "
             "ILLEGAL REQUEST / LBA out of range", sense.hex())
        t.eq("READ past the end: no Data-In", 0, len(r.datain))
    finally:
        s.conn.close()
    smoke(t, "residual tests")


def test_cmdsn_order(t):
    s = logged_in()
    try:
        n = s.cmdsn
        itt_a = s.scsi_send(cdb_read10(0, 8), 4096, read=True, cmdsn=n + 1)
        early = s.recv_or_none(1.5)
        t.ok(early is None, "CmdSN N+1 before N: not executed while N is missing (4.2.2.1)",
             repr(early))
        itt_b = s.scsi_send(cdb_read10(8, 8), 4096, read=True, cmdsn=n)
        s.cmdsn = n + 2
        done = {}
        order = []
        while len(done) < 2:
            p = s.recv()
            if p.opcode == OP_DATA_IN and p.flag(F_S) or p.opcode == OP_SCSI_RSP:
                done[p.itt] = p
                order.append(p.itt)
        t.ok(done.get(itt_a) is not None and done[itt_a].status == 0,
             "CmdSN N+1 completes once N arrived")
        t.ok(done.get(itt_b) is not None and done[itt_b].status == 0, "CmdSN N completes")
        t.eq("after both: ExpCmdSN = N+2", n + 2, s.exp_cmdsn)
        r = s.nop(b"after reorder")
        t.ok(r.opcode == OP_NOOP_IN and r.exp_cmdsn == n + 3,
             "next command in order: ExpCmdSN = N+3", repr(r))
    finally:
        s.conn.close()
    smoke(t, "CmdSN reordering")


def test_cmdsn_window(t):
    s = logged_in()
    try:
        r = s.nop()
        exp, mx = r.exp_cmdsn, r.max_cmdsn
        t.ok(((mx - exp + 1) & 0xFFFFFFFF) < 0x80000000, "window open: MaxCmdSN >= ExpCmdSN-1",
             "exp %d max %d" % (exp, mx))
        itt = s.scsi_send(cdb_read10(0, 1), 512, read=True, cmdsn=mx + 1)
        p = s.recv_or_none(2)
        t.ok(p is None, "command with CmdSN = MaxCmdSN+1 is ignored (4.2.2.1)", repr(p))
        s.send(build_nop_out(s.next_itt(), RSVD_TAG, exp - 1, s.exp_statsn), b"old")
        p = s.recv_or_none(2)
        t.ok(p is None, "NOP-Out with CmdSN = ExpCmdSN-1 (already used) is ignored", repr(p))
        s.cmdsn = exp
        r = s.nop(b"in window")
        t.ok(r.opcode == OP_NOOP_IN and r.data == b"in window",
             "then a command with CmdSN = ExpCmdSN is answered", repr(r))
        t.eq("ExpCmdSN advanced by one only", exp + 1, r.exp_cmdsn)
        # the ignored command's ITT is free again
        rr = s.read(cdb_read10(0, 1), 512) if itt else None
        t.ok(rr is not None and rr.status == 0, "reads still work after ignored commands")
    finally:
        s.conn.close()
    smoke(t, "CmdSN window")


def test_bad_lun(t):
    s = logged_in()
    try:
        r = s.read(cdb_read10(0, 1), 512, lun=5)
        sense = r.status_pdu.sense if r.status_pdu.opcode == OP_SCSI_RSP else b""
        t.ok(r.status == 0x02 and len(sense) >= 14 and (sense[2] & 0x0F) == 5 and
             sense[12] == 0x25, "READ to a LUN that does not exist: CHECK CONDITION, "
             "LOGICAL UNIT NOT SUPPORTED", repr(r.status_pdu), sense.hex())
    finally:
        s.conn.close()


def test_statsn_window(t):
    s = logged_in()
    try:
        login_statsn = s.login_rsps[-1].statsn
        seen = []

        def note(label, pdu):
            seen.append((label, pdu.statsn, pdu.exp_cmdsn, pdu.max_cmdsn, s.cmdsn))

        note("nop", s.nop(b"1"))
        r = s.write(cdb_write10(4096, 2), os.urandom(1024))
        note("write", r.status_pdu)
        r = s.read(cdb_read10(4096, 2), 1024)
        note("read", r.status_pdu)
        r = s.collect(s.scsi_send(cdb_tur(), 0))
        note("tur", r.status_pdu)
        rsps, keys = s.text([("SendTargets", "All")])
        note("text", rsps[-1])
        note("tmf", s.tmf(TMF_ABORT_TASK, rtt=0x7777, refcmdsn=s.cmdsn + 1000))
        note("nop", s.nop(b"2"))
        statsns = [x[1] for x in seen]
        t.eq("StatSN: login response + 1, then one more per response (4.2.2.2)",
             [(login_statsn + 1 + i) & 0xFFFFFFFF for i in range(len(seen))], statsns,
             *["%s: statsn %d expcmdsn %d maxcmdsn %d (next CmdSN %d)" % x for x in seen])
        t.eq("ExpCmdSN = next CmdSN after each answered command",
             [x[4] for x in seen], [x[2] for x in seen])
        maxes = [x[3] for x in seen]
        t.ok(all(((b - a) & 0xFFFFFFFF) < 0x80000000 for a, b in zip(maxes, maxes[1:])),
             "MaxCmdSN never decreases", repr(maxes))
        t.ok(maxes[-1] != maxes[0], "MaxCmdSN advances as commands complete", repr(maxes))
        t.eq("TMF ABORT TASK of an unknown task, RefCmdSN outside the window: "
             "'Task does not exist' (11.6.1)", 1,
             [p for d, p in s.conn.log if d == "in" and p.opcode == OP_TMF_RSP][-1].response)
    finally:
        s.conn.close()
    smoke(t, "StatSN tests")


main([test_nop, test_write_immediate, test_write_unsolicited, test_write_r2t,
      test_read_split, test_residuals, test_cmdsn_order, test_cmdsn_window,
      test_statsn_window, test_bad_lun])
