# SPDX-License-Identifier: GPL-2.0
"""Task management across I_T nexuses (RFC 7143 11.5, SAM-5 7, SPC-4
5.12.11.2.6): two raw-PDU sessions A and B of the demo target, with
different initiator names.  A leaves a WRITE pending (InitialR2T=Yes, the
solicited data never sent); B's LOGICAL UNIT RESET, TARGET WARM RESET and
CLEAR TASK SET end it without any response to A (TAS=0), and A's next
command gets the exact unit attention; ABORT TASK SET stays with B's own
tasks; PERSISTENT RESERVE OUT PREEMPT AND ABORT from B ends A's task;
TARGET COLD RESET closes every connection of the target, not those of
another target."""

import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pdu import *  # noqa: E402,F401,F403

UA = 0x6
GOOD = None
INI_A = "iqn.2026-11.org.ktgt:tmf-a"
INI_B = "iqn.2026-11.org.ktgt:tmf-b"
SLOW_LUN = 1      # block LU over dm-delay (75-tmf.sh)
DELAY = int(env("TMF_DELAY_MS", "3000")) / 1000.0
KEY_A, KEY_B = 0xAAAA0001, 0xBBBB0002


def sense_triple(sense):
    if len(sense) >= 14 and sense[0] & 0x7F in (0x70, 0x71):
        return (sense[2] & 0x0F, sense[12], sense[13])
    return ("?", sense.hex())


def fmt(tr):
    return "%x/%02xh/%02xh" % tr if tr else "GOOD"


def status_of(r):
    p = r.status_pdu
    if p is None:
        return ("no status",)
    if p.opcode != OP_SCSI_RSP and p.opcode != OP_DATA_IN:
        return ("pdu", p.name())
    if p.status == 0:
        return GOOD
    if p.status == 2:
        return sense_triple(p.sense)
    return ("status", p.status)


def tur(s, lun=0):
    """TEST UNIT READY: (sense triple or GOOD, PDUs of other tasks)."""
    r = s.collect(s.scsi_send(cdb_tur(), lun=lun))
    return status_of(r), r.other


def aborts(lun=0):
    with open("%s/lun/lun_%d/statistics/aborts" % (tpg_path(), lun)) as f:
        return int(f.read())


def depth():
    with open("%s/attrib/default_cmdsn_depth" % tpg_path()) as f:
        return int(f.read())


def pair():
    a = logged_in(initiator=INI_A)
    b = logged_in(initiator=INI_B)
    # both nexuses have addressed the LU (and start without a condition)
    tur(a)
    tur(b)
    return a, b


def pending_write(t, s, lba):
    """A WRITE(10) of one block, no immediate data: the target asks for the
    data with an R2T and waits for it (never sent)."""
    itt = s.scsi_send(cdb_write10(lba, 1), 512, write=True)
    p = s.recv()
    t.ok(p.opcode == OP_R2T and p.itt == itt and p.length == 512,
         "A's WRITE is pending: R2T for its 512 bytes", repr(p))
    return itt, p.ttt


def after_abort(t, s, label, expect):
    """The aborted task got nothing; the next TUR reports @expect once."""
    st, other = tur(s)
    t.eq("%s: A's aborted WRITE got no response (TAS=0)" % label,
         [], [o.name() for o in other])
    t.eq("%s: A's next command: CHECK CONDITION %s" % (label, fmt(expect)),
         expect, st)
    st, other = tur(s)
    t.eq("%s: reported once, A's next TUR is GOOD" % label, GOOD, st)
    # the aborted command gave its CmdSN window slot back
    t.eq("%s: A's window is whole again (MaxCmdSN - ExpCmdSN = depth - 1)"
         % label, depth() - 1, (s.max_cmdsn - s.exp_cmdsn) & 0xFFFFFFFF)


def works(t, s, label, lba):
    data = bytes((lba + i) & 0xFF for i in range(4096))
    r = s.write(cdb_write10(lba, 8), data)
    t.eq("%s: a normal WRITE on A: GOOD" % label, GOOD, status_of(r))
    r = s.read(cdb_read10(lba, 8), 4096)
    t.ok(status_of(r) is GOOD and bytes(r.data) == data,
         "%s: and reads back equal" % label, repr(r.status_pdu))


def close(*ss):
    for s in ss:
        s.conn.close()


def reset_case(t, fn, fname, lun, lba, name, a_ua, b_expect, b_desc, work_lba,
               count_aborts=False):
    """B issues TMF fn while A has a WRITE pending: B gets FUNCTION
    COMPLETE, A's WRITE ends unanswered and A sees a_ua, B's next TEST UNIT
    READY gives b_expect, and A then works again."""
    a, b = pair()
    try:
        n0 = aborts()
        pending_write(t, a, lba)
        rsp = b.tmf(fn, lun=lun) if lun is not None else b.tmf(fn)
        t.eq("%s from B: FUNCTION COMPLETE" % fname, 0, rsp.response)
        if count_aborts:
            t.eq("the LU counts exactly one aborted task", n0 + 1, aborts())
        after_abort(t, a, name, a_ua)
        st, _ = tur(b)
        t.eq(b_desc, b_expect, st)
        works(t, a, "after " + name, work_lba)
    finally:
        close(a, b)


def test_lun_reset(t):
    reset_case(t, TMF_LUN_RESET, "LOGICAL UNIT RESET", 0, 100, "LU reset",
               (UA, 0x29, 0x03), (UA, 0x29, 0x03),
               "LU reset: the issuer B gets BUS DEVICE RESET FUNCTION OCCURRED too",
               200, count_aborts=True)


def test_target_warm_reset(t):
    reset_case(t, TMF_TARGET_WARM_RESET, "TARGET WARM RESET", None, 101,
               "target warm reset", (UA, 0x29, 0x00), (UA, 0x29, 0x00),
               "target warm reset: B gets POWER ON, RESET, OR BUS DEVICE RESET "
               "OCCURRED", 300)


def test_clear_task_set(t):
    reset_case(t, TMF_CLEAR_TASK_SET, "CLEAR TASK SET", 0, 102, "clear task set",
               (UA, 0x2F, 0x00), GOOD,
               "clear task set: B, whose tasks were not cleared by another, "
               "gets no unit attention", 400)


def test_abort_task_set_own(t):
    a, b = pair()
    try:
        itt, ttt = pending_write(t, a, 103)
        rsp = b.tmf(TMF_ABORT_TASK_SET, lun=0)
        t.eq("ABORT TASK SET from B: FUNCTION COMPLETE", 0, rsp.response)
        # A's task is still there: its data completes it
        a.data_out(itt, ttt, 0, bytes(512))
        r = a.collect(itt)
        t.eq("ABORT TASK SET is per nexus: A's WRITE completes GOOD",
             GOOD, status_of(r))
        st, _ = tur(a)
        t.eq("and A gets no unit attention", GOOD, st)
    finally:
        close(a, b)


def cdb_prout(sa, rtype=0, plen=24):
    return struct.pack(">BBBBBIB", 0x5F, sa, rtype, 0, 0, plen, 0)


def prout(s, sa, key, sa_key, rtype=0):
    plist = struct.pack(">QQ", key, sa_key) + bytes(8)
    r = s.write(cdb_prout(sa, rtype), plist)
    return status_of(r)


def test_preempt_and_abort(t):
    a, b = pair()
    try:
        t.eq("A registers", GOOD, prout(a, 0, 0, KEY_A))
        t.eq("B registers", GOOD, prout(b, 0, 0, KEY_B))
        t.eq("A reserves Write Exclusive", GOOD, prout(a, 1, KEY_A, 0, 1))
        n0 = aborts()
        pending_write(t, a, 104)
        t.eq("B: PREEMPT AND ABORT of A's key: GOOD", GOOD,
             prout(b, 5, KEY_B, KEY_A, 1))
        st, other = tur(a)
        t.eq("preempt and abort: A's pending WRITE got no response",
             [], [o.name() for o in other])
        t.eq("preempt and abort: A gets REGISTRATIONS PREEMPTED",
             (UA, 0x2A, 0x05), st)
        t.eq("the LU counts exactly one aborted task", n0 + 1, aborts())
        t.eq("preempt and abort: A's window is whole again", depth() - 1,
             (a.max_cmdsn - a.exp_cmdsn) & 0xFFFFFFFF)
        r = a.write(cdb_write10(105, 1), bytes(512))
        t.eq("B holds Write Exclusive: A's WRITE is a RESERVATION CONFLICT",
             ("status", 0x18), status_of(r))
        t.eq("B clears the reservations", GOOD, prout(b, 3, KEY_B, 0))
        st, _ = tur(b)
        t.eq("B's own tasks were kept, and B has no unit attention", GOOD, st)
        works(t, a, "after preempt and abort and clear", 500)
    finally:
        close(a, b)


def test_cold_reset(t):
    a, b = pair()
    c = logged_in(target=ACL_IQN, initiator=ACL_INI)
    try:
        pending_write(t, a, 106)
        rsp = b.tmf(TMF_TARGET_COLD_RESET)
        t.eq("TARGET COLD RESET from B: FUNCTION COMPLETE", 0, rsp.response)
        t.ok(b.conn.wait_closed(), "cold reset: B's connection is closed")
        t.ok(a.conn.wait_closed(), "cold reset: A's connection (same target) "
             "is closed")
        t.eq("cold reset: A's pending WRITE got no response before the close",
             [], [p.name() for p in a.conn.pending])
        r = c.nop(b"other target")
        t.ok(r.opcode == OP_NOOP_IN and r.data == b"other target",
             "cold reset: a session of another target goes on", repr(r))
        d = logged_in(initiator=INI_A)
        try:
            st, _ = tur(d)
            t.eq("after cold reset: a new I_T nexus starts without a unit "
                 "attention", GOOD, st)
            works(t, d, "after cold reset", 600)
        finally:
            close(d)
    finally:
        close(a, b, c)


def running_write(t, s, lba):
    """A WRITE to the slow LU with all its data immediate: it executes at
    once and stays in the backstore for DELAY.  The NOP-Out answered after
    it proves that the target has taken it (in order on the connection)."""
    itt = s.scsi_send(cdb_write10(lba, 1), 512, write=True, data=bytes(512),
                      lun=SLOW_LUN)
    r = s.nop(b"after the write")
    t.ok(r.opcode == OP_NOOP_IN and r.data == b"after the write",
         "A's WRITE to the dm-delay LU is in the backstore", repr(r))
    return itt


def test_waits_for_running(t):
    a, b = pair()
    try:
        tur(a, SLOW_LUN)
        tur(b, SLOW_LUN)
        n0 = aborts(SLOW_LUN)
        running_write(t, a, 0)
        t0 = time.monotonic()
        rsp = b.tmf(TMF_LUN_RESET, lun=SLOW_LUN, timeout=DELAY + 30)
        waited = time.monotonic() - t0
        t.eq("LU reset while A's WRITE runs in the backstore: FUNCTION "
             "COMPLETE", 0, rsp.response)
        t.ok(waited >= DELAY / 3, "the response waited for A's running WRITE "
             "to end (%.2f s, the backstore holds it %.1f s)" % (waited, DELAY))
        t.eq("the LU counts exactly one aborted task", n0 + 1, aborts(SLOW_LUN))
        st, other = tur(a, SLOW_LUN)
        t.eq("A's running WRITE, aborted, got no response (TAS=0)",
             [], [o.name() for o in other])
        t.eq("A's next command: CHECK CONDITION 6/29h/03h", (UA, 0x29, 0x03), st)
        t.eq("A's window is whole again", depth() - 1,
             (a.max_cmdsn - a.exp_cmdsn) & 0xFFFFFFFF)
    finally:
        close(a, b)


def test_waits_for_dead_conn(t):
    a, b = pair()
    try:
        tur(a, SLOW_LUN)
        tur(b, SLOW_LUN)
        running_write(t, a, 8)
        t0 = time.monotonic()
        b.send(build_tmf(b.next_itt(), TMF_LUN_RESET, b.cmdsn, b.exp_statsn,
                         lun=SLOW_LUN))
        a.conn.close()          # A's connection dies while the TMF waits
        rsp = b.recv(DELAY + 30)
        waited = time.monotonic() - t0
        t.ok(rsp.opcode == OP_TMF_RSP and rsp.response == 0,
             "A's connection closed while B's LU reset waits: B still gets "
             "FUNCTION COMPLETE", repr(rsp))
        t.ok(waited >= DELAY / 3, "once A's WRITE has left the backstore "
             "(%.2f s)" % waited)
        st, _ = tur(b, SLOW_LUN)
        t.eq("B goes on: its next command gets 6/29h/03h", (UA, 0x29, 0x03), st)
        st, _ = tur(b, SLOW_LUN)
        t.eq("and the one after it is GOOD", GOOD, st)
    finally:
        close(a, b)


def test_cmdsn_gap(t):
    """A task still waiting for its turn in CmdSN order is aborted where it
    waits: ExpCmdSN moves past it once the gap closes."""
    a, b = pair()
    try:
        n = a.cmdsn
        witt = a.scsi_send(cdb_write10(107, 1), 512, write=True,
                           data=bytes(512), cmdsn=n + 1)
        early = a.recv_or_none(0.5)
        t.ok(early is None, "A's WRITE with CmdSN N+1 waits for CmdSN N",
             repr(early))
        rsp = b.tmf(TMF_LUN_RESET, lun=0)
        t.eq("LU reset from B while A's CmdSN N is missing: FUNCTION COMPLETE",
             0, rsp.response)
        r = a.collect(a.scsi_send(cdb_tur(), cmdsn=n))
        t.eq("A's TUR with CmdSN N closes the gap: 6/29h/03h", (UA, 0x29, 0x03),
             status_of(r))
        a.cmdsn = n + 2
        st, other = tur(a)
        t.eq("A's next command, CmdSN N+2, runs: GOOD (ExpCmdSN moved past "
             "the aborted N+1)", GOOD, st)
        t.eq("and the aborted WRITE (N+1) got no response",
             [], [o.name() for o in r.other + other if o.itt == witt])
        t.eq("A's window is whole again", depth() - 1,
             (a.max_cmdsn - a.exp_cmdsn) & 0xFFFFFFFF)
    finally:
        close(a, b)


MCS_KEYS = [("MaxConnections", "2")]


def test_mcs_abort_task_set(t):
    """MC/S: ABORT TASK SET on one connection ends the session's tasks on
    the LU on the other connection too; CLEAR TASK SET gives the issuer's
    own nexus no unit attention."""
    with Params(MaxConnections="2"):
        a = logged_in(MCS_KEYS, initiator=INI_A)
    a2 = None
    try:
        a2 = Session(HOST, PORT, initiator=a.initiator, isid=a.isid)
        a2.tsih, a2.cid, a2.itt = a.tsih, 2, 0x200000
        a2.cmdsn = a.cmdsn
        a2.login(IQN, MCS_KEYS)
        t.eq("MC/S: a second connection joins A's session", a.tsih, a2.tsih)
        tur(a)
        a.cmdsn = a2.cmdsn = a.cmdsn
        itt, _ = pending_write(t, a2, 108)
        a.cmdsn = a2.cmdsn
        rsp = a.tmf(TMF_ABORT_TASK_SET, lun=0)
        t.eq("ABORT TASK SET on connection 1: FUNCTION COMPLETE", 0,
             rsp.response)
        a2.cmdsn = a.cmdsn
        st, other = tur(a2)
        t.eq("the WRITE pending on connection 2 got no response",
             [], [o.name() for o in other])
        t.eq("and the session has no unit attention", GOOD, st)
        a.cmdsn = a2.cmdsn
        itt, _ = pending_write(t, a2, 109)
        a.cmdsn = a2.cmdsn
        rsp = a.tmf(TMF_CLEAR_TASK_SET, lun=0)
        t.eq("CLEAR TASK SET on connection 1: FUNCTION COMPLETE", 0,
             rsp.response)
        a2.cmdsn = a.cmdsn
        st, other = tur(a2)
        t.eq("the WRITE pending on connection 2 got no response",
             [], [o.name() for o in other])
        t.eq("the issuing nexus gets no COMMANDS CLEARED BY ANOTHER "
             "INITIATOR", GOOD, st)
        t.eq("the session's window is whole again", depth() - 1,
             (a2.max_cmdsn - a2.exp_cmdsn) & 0xFFFFFFFF)
    finally:
        close(a, *([a2] if a2 else []))


if __name__ == "__main__":
    main([test_lun_reset, test_target_warm_reset, test_clear_task_set,
          test_abort_task_set_own, test_preempt_and_abort, test_cmdsn_gap,
          test_mcs_abort_task_set,
          test_waits_for_running, test_waits_for_dead_conn, test_cold_reset])
