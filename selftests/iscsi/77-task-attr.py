# SPDX-License-Identifier: GPL-2.0
"""Task attributes (SAM-5 8.6, control mode page TST 000b): LUN 1 is a
block LU over dm-delay that holds every WRITE for TA_DELAY_MS (reads are
not delayed).  A block is first filled with pattern A behind the
target's back; a slow WRITE of pattern B then runs while other commands
arrive, and what a READ returns, and the order of the responses, tell
whether it waited for the WRITE:

- an ORDERED READ (from another I_T nexus: one task set per LU) returns B
  and answers after the WRITE; the same READ as SIMPLE returns A before
  the WRITE answers (so the test can tell);
- a SIMPLE READ after an ORDERED WRITE returns the new data;
- a HEAD OF QUEUE READ behind a dormant ORDERED READ answers first;
- a SIMPLE READ after a HEAD OF QUEUE WRITE returns the new data;
- ABORT TASK of a dormant ORDERED WRITE: it never runs, and the SIMPLE
  READ that waited behind it goes on at once;
- a session dropped with dormant tasks leaves the task set usable;
- the ACA attribute is refused with ILLEGAL REQUEST, INVALID FIELD IN
  CDB (NormACA 0)."""

import mmap
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pdu import *  # noqa: E402,F401,F403

SIMPLE, ORDERED, HOQ, ACA = 1, 2, 3, 4
LUN = 1
BS = 512
DELAY = int(env("TA_DELAY_MS", "2000")) / 1000.0
RAW = env("TA_RAW", "/dev/ram0")
WAIT = DELAY + 30


def pattern(tag, lba):
    return bytes([tag]) + struct.pack(">I", lba) + bytes([tag]) * (BS - 5)


def fill(lba, data):
    """Write a block under the LU, behind the target's back."""
    buf = mmap.mmap(-1, mmap.PAGESIZE)     # aligned, for O_DIRECT
    buf[:BS] = data
    fd = os.open(RAW, os.O_WRONLY | os.O_DIRECT)
    try:
        os.pwrite(fd, memoryview(buf)[:BS], lba * BS)
    finally:
        os.close(fd)
        buf.close()


def send(s, cdb, attr, edtl=0, read=False, write=False, data=b""):
    itt = s.next_itt()
    cmdsn = s.take_cmdsn()
    s.send(build_scsi_cmd(itt, cdb, edtl, cmdsn, s.exp_statsn, read, write,
                          True, LUN, attr=attr), data)
    return itt, cmdsn


def write(s, lba, data, attr=SIMPLE):
    """A one-block WRITE with its data immediate: it executes on arrival."""
    return send(s, cdb_write10(lba, 1), attr, BS, write=True, data=data)[0]


def read(s, lba, attr=SIMPLE):
    return send(s, cdb_read10(lba, 1), attr, BS, read=True)[0]


def taken(t, s, what):
    """The NOP-Out answered after it proves the target has received it."""
    r = s.nop(b"taken")
    t.ok(r.opcode == OP_NOOP_IN and r.data == b"taken",
         "%s: received by the target" % what, repr(r))


class Done:
    def __init__(self):
        self.status = None
        self.sense = b""
        self.data = bytearray()
        self.at = None


def gather(s, itts, timeout=WAIT, pre=()):
    """Receive until every task in itts has its status (the PDUs in pre,
    already received, first).  Returns (order of completion, {itt: Done},
    PDUs of other tasks)."""
    done = {itt: Done() for itt in itts}
    order, other = [], []
    pre = list(pre)
    while len(order) < len(itts):
        p = pre.pop(0) if pre else s.recv(timeout)
        d = done.get(p.itt)
        if d is None or p.itt in order:
            other.append(p)
            continue
        fin = False
        if p.opcode == OP_DATA_IN:
            end = p.offset + len(p.data)
            if len(d.data) < end:
                d.data.extend(bytes(end - len(d.data)))
            d.data[p.offset:end] = p.data
            fin = p.flag(F_S)
        elif p.opcode == OP_SCSI_RSP:
            fin = True
            d.sense = bytes(p.sense or b"")
        else:
            other.append(p)
        if fin:
            d.status = p.status
            d.at = time.monotonic()
            order.append(p.itt)
    return order, done, other


def sense_triple(sense):
    if len(sense) >= 14 and sense[0] & 0x7F in (0x70, 0x71):
        return (sense[2] & 0x0F, sense[12], sense[13])
    return ("?", sense.hex())


def close(*ss):
    for s in ss:
        if s is not None:
            s.conn.close()


def slow_write_then_read(t, lba, attr):
    """Session A: a slow SIMPLE WRITE of B; then session B: a READ of the
    same block with attr.  Returns (read data, read's time from the WRITE
    sent, whether A's WRITE had answered when B's READ did)."""
    a = logged_in(initiator="iqn.2026-11.org.ktgt:ta-a")
    b = logged_in(initiator="iqn.2026-11.org.ktgt:ta-b")
    try:
        fill(lba, pattern(0xA1, lba))
        t0 = time.monotonic()
        w = write(a, lba, pattern(0xB2, lba))
        taken(t, a, "A's slow WRITE")
        r = read(b, lba, attr)
        _, dr, _ = gather(b, [r])
        w_done = a.recv_or_none(0) is not None
        _, dw, _ = gather(a, [w]) if not w_done else (None, {w: Done()}, None)
        if not w_done:
            t.eq("A's WRITE: GOOD", 0, dw[w].status)
        t.eq("B's READ: GOOD", 0, dr[r].status)
        return bytes(dr[r].data), dr[r].at - t0, w_done
    finally:
        close(a, b)


def test_ordered_waits(t):
    lba = 8
    data, took, w_done = slow_write_then_read(t, lba, ORDERED)
    t.ok(data == pattern(0xB2, lba), "ORDERED READ from another nexus "
         "returns the slow WRITE's data B (one task set per LU)",
         data[:8].hex())
    t.ok(took >= DELAY * 0.95, "and completes after the WRITE's %.1f s in "
         "the backstore (%.2f s)" % (DELAY, took))


def test_simple_does_not_wait(t):
    lba = 16
    data, took, w_done = slow_write_then_read(t, lba, SIMPLE)
    t.ok(data == pattern(0xA1, lba), "SIMPLE READ from another nexus returns "
         "the old data A while the WRITE runs (the ORDERED case could fail)",
         data[:8].hex())
    t.ok(not w_done, "and completes before the WRITE")


def simple_read_after(t, s, lba, tag, attr, what):
    """On s: a slow WRITE of pattern tag with attr, then a SIMPLE READ of
    the same block, which must return the new data and answer after it."""
    fill(lba, pattern(0xA1, lba))
    w = write(s, lba, pattern(tag, lba), attr)
    r = read(s, lba, SIMPLE)
    order, done, _ = gather(s, [w, r])
    t.eq("%s slow WRITE: GOOD" % what, 0, done[w].status)
    t.ok(done[r].status == 0 and bytes(done[r].data) == pattern(tag, lba),
         "a SIMPLE READ sent after it returns the new data",
         bytes(done[r].data[:8]).hex())
    t.eq("and completes after it", [w, r], order)


def test_simple_after_ordered_write(t):
    s = logged_in()
    try:
        simple_read_after(t, s, 24, 0xC3, ORDERED, "ORDERED")
    finally:
        close(s)


def test_head_of_queue(t):
    lba = 32
    s = logged_in()
    try:
        fill(lba, pattern(0xA1, lba))
        t0 = time.monotonic()
        w = write(s, lba, pattern(0xD4, lba))
        o = read(s, lba, ORDERED)
        r = read(s, lba, SIMPLE)
        h = read(s, lba, HOQ)
        order, done, _ = gather(s, [w, o, r, h])
        for itt, what in ((w, "WRITE"), (o, "ORDERED READ"),
                          (r, "SIMPLE READ"), (h, "HEAD OF QUEUE READ")):
            t.eq("%s: GOOD" % what, 0, done[itt].status)
        t.eq("HEAD OF QUEUE READ first, then the WRITE, the ORDERED READ and "
             "the SIMPLE READ behind it", [h, w, o, r], order)
        t.ok(done[h].at - t0 < DELAY, "HEAD OF QUEUE did not wait for the "
             "WRITE (%.2f s)" % (done[h].at - t0))
        t.ok(bytes(done[h].data) == pattern(0xA1, lba),
             "HEAD OF QUEUE READ returns the old data A",
             bytes(done[h].data[:8]).hex())
        t.ok(bytes(done[o].data) == pattern(0xD4, lba) and
             bytes(done[r].data) == pattern(0xD4, lba),
             "the ORDERED READ and the SIMPLE READ return the new data")
    finally:
        close(s)


def test_abort_dormant(t):
    lba = 40
    s = logged_in()
    try:
        fill(lba, pattern(0xA1, lba))
        n0 = aborts()
        t0 = time.monotonic()
        w = write(s, lba, pattern(0xB2, lba))
        ow, ow_sn = send(s, cdb_write10(lba, 1), ORDERED, BS, write=True,
                         data=pattern(0xE5, lba))
        r = read(s, lba, SIMPLE)
        rsp = s.tmf(TMF_ABORT_TASK, rtt=ow, refcmdsn=ow_sn, lun=LUN,
                    timeout=WAIT)
        early = []
        while rsp.opcode != OP_TMF_RSP:
            early.append(rsp)     # the READ it released may answer first
            rsp = s.recv(WAIT)
        t.eq("ABORT TASK of the dormant ORDERED WRITE: FUNCTION COMPLETE",
             0, rsp.response)
        t.ok(time.monotonic() - t0 < DELAY, "without waiting for the slow "
             "WRITE (%.2f s)" % (time.monotonic() - t0))
        order, done, other = gather(s, [w, r], pre=early)
        t.eq("the aborted WRITE got no response", [],
             [p.name() for p in other])
        t.eq("the SIMPLE READ behind it went on at once, before the slow "
             "WRITE ended", [r, w], order)
        t.ok(bytes(done[r].data) == pattern(0xA1, lba), "and read A",
             bytes(done[r].data[:8]).hex())
        r2 = read(s, lba, ORDERED)
        _, done2, _ = gather(s, [r2])
        t.ok(bytes(done2[r2].data) == pattern(0xB2, lba),
             "the block holds B: the aborted ORDERED WRITE never ran",
             bytes(done2[r2].data[:8]).hex())
        t.eq("the LU counts the aborted task", n0 + 1, aborts())
    finally:
        close(s)


def aborts():
    with open("%s/lun/lun_%d/statistics/aborts" % (tpg_path(), LUN)) as f:
        return int(f.read())


def test_session_drop(t):
    lba = 48
    s = logged_in()
    fill(lba, pattern(0xA1, lba))
    write(s, lba, pattern(0xB2, lba))
    read(s, lba, ORDERED)
    read(s, lba, SIMPLE)
    write(s, lba + 1, pattern(0xB2, lba + 1), ORDERED)
    taken(t, s, "a slow WRITE and three dormant tasks")
    close(s)
    s = logged_in()
    try:
        t0 = time.monotonic()
        r = read(s, lba, ORDERED)
        _, done, _ = gather(s, [r])
        t.eq("a new session's ORDERED READ: GOOD", 0, done[r].status)
        t.ok(bytes(done[r].data) == pattern(0xB2, lba),
             "after the dropped session's running WRITE (B)",
             bytes(done[r].data[:8]).hex())
        t.ok(time.monotonic() - t0 < WAIT, "the dropped tasks left the task "
             "set (%.2f s)" % (time.monotonic() - t0))
        h = read(s, lba + 1, ORDERED)
        _, done, _ = gather(s, [h])
        t.ok(done[h].status == 0 and bytes(done[h].data) != pattern(0xB2, lba + 1),
             "the dropped session's dormant ORDERED WRITE never ran")
    finally:
        close(s)


def test_lu_reset_dormant(t):
    """B's LOGICAL UNIT RESET ends A's running WRITE and the tasks dormant
    behind it; none of them answers, and the task set is empty after."""
    lba = 56
    a = logged_in(initiator="iqn.2026-11.org.ktgt:ta-a")
    b = logged_in(initiator="iqn.2026-11.org.ktgt:ta-b")
    try:
        for s in (a, b):        # both nexuses have addressed the LU
            gather(s, [send(s, cdb_tur(), SIMPLE)[0]])
        fill(lba, pattern(0xA1, lba))
        t0 = time.monotonic()
        write(a, lba, pattern(0xB2, lba))
        write(a, lba + 1, pattern(0xB2, lba + 1), ORDERED)
        read(a, lba, SIMPLE)
        taken(t, a, "A's slow WRITE and two dormant tasks")
        rsp = b.tmf(TMF_LUN_RESET, lun=LUN, timeout=WAIT)
        took = time.monotonic() - t0
        t.eq("LOGICAL UNIT RESET from B: FUNCTION COMPLETE", 0, rsp.response)
        t.ok(took >= DELAY * 0.95, "once A's running WRITE has left the "
             "backstore (%.2f s)" % took)
        c = send(a, cdb_tur(), SIMPLE)[0]
        _, d, other = gather(a, [c])
        t.eq("A's WRITE and dormant tasks got no response", [],
             [p.name() for p in other])
        t.eq("A's next command: 6/29h/03h", (6, 0x29, 0x03),
             sense_triple(d[c].sense))
        t0 = time.monotonic()
        r = read(a, lba + 1, ORDERED)
        _, d, _ = gather(a, [r])
        t.ok(d[r].status == 0 and bytes(d[r].data) != pattern(0xB2, lba + 1),
             "A's ORDERED READ runs at once (%.2f s): the task set is empty "
             "and the dormant ORDERED WRITE never ran"
             % (time.monotonic() - t0))
    finally:
        close(a, b)


def test_simple_after_hoq_write(t):
    """SAM-5 8.6.3: a SIMPLE task is enabled once every older HEAD OF
    QUEUE task has ended.  Before that rule, the READ returned A."""
    lba = 40
    s = logged_in()
    try:
        simple_read_after(t, s, lba, 0xE5, HOQ, "HEAD OF QUEUE")
        h = read(s, lba, HOQ)
        r2 = read(s, lba, SIMPLE)
        order, done, _ = gather(s, [h, r2])
        t.ok(done[h].status == 0 and done[r2].status == 0,
             "a HEAD OF QUEUE READ and a SIMPLE READ behind it: GOOD")
    finally:
        close(s)


def test_aca(t):
    s = logged_in()
    try:
        r = read(s, 0, ACA)
        _, done, _ = gather(s, [r])
        t.eq("ACA attribute: CHECK CONDITION", 2, done[r].status)
        t.eq("ILLEGAL REQUEST, INVALID FIELD IN CDB", (5, 0x24, 0x00),
             sense_triple(done[r].sense))
        r = read(s, 0, SIMPLE)
        _, done, _ = gather(s, [r])
        t.eq("the next SIMPLE READ: GOOD", 0, done[r].status)
    finally:
        close(s)


if __name__ == "__main__":
    main([test_ordered_waits, test_simple_does_not_wait,
          test_simple_after_ordered_write, test_head_of_queue,
          test_simple_after_hoq_write,
          test_abort_dormant, test_session_drop, test_lu_reset_dormant,
          test_aca])
