# SPDX-License-Identifier: GPL-2.0
"""Backing-device faults (run by 90-dm-faults.sh, which swaps the
device-mapper table under LUN 0 between phases).  One phase per call:

  error   dm-error over LBAs ERR_LBA..ERR_LBA+ERR_LEN-1: reads there end in
          MEDIUM ERROR 03/11/00, writes in 03/0C/00; the rest of the LU works
  flakey  dm-flakey with error_writes (1 s up, 1 s down): every WRITE ends
          GOOD or in 03/0C/00, never silence; the acknowledged blocks are
          written to ACKED_FILE for the check after the table is linear again
  acked   every block a GOOD WRITE acknowledged reads back intact
  linear  after the swap back to linear the failing region works again
  delay   dm-delay (DELAY_MS) longer than the initiator waits: the connection
          still answers NOP-Out, ABORT TASK and LOGOUT complete in bounded
          time, and LUN 1 (RAM) serves another session meanwhile
"""

import os
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "iscsi"))
from pdu import *  # noqa: E402,F401,F403

ERR_LBA = int(env("ERR_LBA", "8192"))
ERR_LEN = int(env("ERR_LEN", "2048"))
DELAY_MS = int(env("DELAY_MS", "20000"))
ACKED = env("ACKED_FILE", "/tmp/dm-acked")
BS = 512
GOOD, CHECK = 0x00, 0x02


def sense_of(res):
    """(key, asc, ascq) of a CHECK CONDITION, fixed or descriptor format."""
    p = res.status_pdu
    s = getattr(p, "sense", b"") if p is not None else b""
    if len(s) >= 14 and (s[0] & 0x7F) in (0x70, 0x71):
        return (s[2] & 0x0F, s[12], s[13])
    if len(s) >= 4 and (s[0] & 0x7F) in (0x72, 0x73):
        return (s[1] & 0x0F, s[2], s[3])
    return None


def info_of(res):
    """INFORMATION if VALID is set (fixed format) else None."""
    s = res.status_pdu.sense if res.status_pdu is not None else b""
    if len(s) >= 7 and (s[0] & 0x7F) in (0x70, 0x71) and s[0] & 0x80:
        return struct.unpack(">I", s[3:7])[0]
    return None


def pattern(lba, blocks, tag):
    out = bytearray()
    for i in range(blocks):
        head = struct.pack(">QI", lba + i, tag)
        out += (head * (BS // len(head) + 1))[:BS]
    return bytes(out)


def phase_error(t):
    s = logged_in()
    r = s.read(cdb_read10(0, 8), 8 * BS, timeout=15)
    t.eq("dm-error: READ(10) of LBA 0 (linear part) is GOOD", GOOD, r.status)
    for lba, n, what in ((ERR_LBA, 8, "the first failing LBA"),
                         (ERR_LBA - 4, 8, "a range that runs into the region"),
                         (ERR_LBA + ERR_LEN - 1, 1, "the last failing LBA")):
        r = s.read(cdb_read10(lba, n), n * BS, timeout=15)
        t.eq("dm-error: READ(10) of %s: CHECK CONDITION" % what, CHECK, r.status,
             repr(r.status_pdu))
        t.eq("dm-error: READ(10) of %s: MEDIUM ERROR, UNRECOVERED READ ERROR "
             "(03/11/00)" % what, (3, 0x11, 0), sense_of(r))
        info = info_of(r)
        t.ok(info is None or lba <= info < lba + n,
             "dm-error: READ(10) of %s: INFORMATION, if valid, names a LBA of "
             "the command" % what, "INFORMATION=%r" % info)
        r = s.write(cdb_write10(lba, n), pattern(lba, n, 1), timeout=15)
        t.eq("dm-error: WRITE(10) of %s: CHECK CONDITION" % what, CHECK, r.status,
             repr(r.status_pdu))
        t.eq("dm-error: WRITE(10) of %s: MEDIUM ERROR, WRITE ERROR (03/0C/00)" % what,
             (3, 0x0C, 0), sense_of(r))
    # a large transfer split over many bios, with one failing in the middle
    n = 512
    lba = ERR_LBA - 256
    r = s.read(cdb_read10(lba, n), n * BS, timeout=15)
    t.eq("dm-error: 256 KiB READ(10) with the failing region inside: 03/11/00",
         (3, 0x11, 0), sense_of(r))
    data = pattern(ERR_LBA + ERR_LEN + 64, 64, 2)
    r = s.write(cdb_write10(ERR_LBA + ERR_LEN + 64, 64), data, timeout=15)
    t.eq("dm-error: WRITE(10) after the region is GOOD", GOOD, r.status)
    r = s.read(cdb_read10(ERR_LBA + ERR_LEN + 64, 64), 64 * BS, timeout=15)
    t.ok(r.status == GOOD and bytes(r.data) == data,
         "dm-error: and reads back intact", repr(r.status_pdu))
    r = s.nop(b"still-here", timeout=10)
    t.ok(r.opcode == OP_NOOP_IN and r.data == b"still-here",
         "dm-error: the session still answers NOP-Out", repr(r))
    s.logout(timeout=10)
    s.conn.close()


def phase_flakey(t):
    s = logged_in()
    acked = []
    bad_sense = []
    good = failed = 0
    end = time.time() + 6
    tag = 100
    lba = 0
    while time.time() < end:
        n = 8
        tag += 1
        r = s.write(cdb_write10(lba, n), pattern(lba, n, tag), timeout=20)
        if r.status == GOOD:
            good += 1
            acked.append("%d %d %d" % (lba, n, tag))
        else:
            failed += 1
            if r.status != CHECK or sense_of(r) != (3, 0x0C, 0):
                bad_sense.append((r.status, sense_of(r)))
        r = s.read(cdb_read10(lba, n), n * BS, timeout=20)
        if r.status != GOOD:
            bad_sense.append(("read", r.status, sense_of(r)))
        lba = (lba + n) % 4096
    t.ok(good > 0 and failed > 0,
         "dm-flakey: WRITEs both succeed (up) and fail (down)",
         "good=%d failed=%d" % (good, failed))
    t.eq("dm-flakey: every failed WRITE is CHECK CONDITION 03/0C/00 and every "
         "READ is GOOD", [], bad_sense[:5])
    with open(ACKED, "w") as f:
        f.write("\n".join(acked) + "\n")
    t.diag("dm-flakey: %d WRITEs acknowledged, %d failed" % (good, failed))
    s.logout(timeout=10)
    s.conn.close()


def phase_acked(t):
    s = logged_in()
    last = {}
    with open(ACKED) as f:
        for line in f:
            if line.strip():
                lba, n, tag = map(int, line.split())
                last[lba] = (n, tag)
    # dm-flakey's error_writes fails a bio before it reaches the disk: a
    # failed WRITE leaves the last acknowledged data of its blocks in place
    bad = []
    checked = 0
    for lba, (n, tag) in sorted(last.items()):
        r = s.read(cdb_read10(lba, n), n * BS, timeout=15)
        checked += 1
        if r.status != GOOD or bytes(r.data) != pattern(lba, n, tag):
            bad.append(lba)
    t.ok(checked > 0 and not bad,
         "dm-flakey: every acknowledged WRITE reads back intact (%d ranges)" % checked,
         "bad LBAs: %r" % bad[:10])
    s.logout(timeout=10)
    s.conn.close()


def phase_linear(t):
    s = logged_in()
    data = pattern(ERR_LBA, 64, 7)
    r = s.write(cdb_write10(ERR_LBA, 64), data, timeout=15)
    t.eq("linear again: WRITE(10) of the formerly failing region is GOOD", GOOD,
         r.status, repr(r.status_pdu))
    r = s.read(cdb_read10(ERR_LBA, 64), 64 * BS, timeout=15)
    t.ok(r.status == GOOD and bytes(r.data) == data,
         "linear again: and READ(10) returns the data", repr(r.status_pdu))
    s.logout(timeout=10)
    s.conn.close()


def phase_delay(t):
    s = logged_in()
    delay = DELAY_MS / 1000.0
    t0 = time.time()
    itt = s.scsi_send(cdb_read10(0, 8), 8 * BS, read=True)
    r = s.nop(b"while-delayed", timeout=5)
    t.ok(r.opcode == OP_NOOP_IN and r.data == b"while-delayed" and
         time.time() - t0 < delay / 2,
         "dm-delay: with a READ stuck in the device, NOP-Out is answered at once",
         repr(r))
    # another session, another LU: not held up
    o = logged_in()
    r = o.read(cdb_read10(0, 1), BS, lun=1, timeout=5)
    t.eq("dm-delay: another session reads LUN 1 meanwhile", GOOD, r.status)
    o.logout(timeout=5)
    o.conn.close()
    tm = s.tmf(TMF_ABORT_TASK, rtt=itt, refcmdsn=s.cmdsn - 2, timeout=delay + 30)
    # the READ's own PDUs may come first (it completed) or never (aborted)
    while tm.opcode != OP_TMF_RSP:
        tm = s.recv(delay + 30)
    el = time.time() - t0
    t.ok(tm.response in (0, 1) and el < delay + 30,
         "dm-delay: ABORT TASK answered (FUNCTION COMPLETE or TASK DOES NOT EXIST) "
         "within the delay plus 30 s", "response %d after %.1f s" % (tm.response, el))
    r = s.read(cdb_read10(0, 1), BS, lun=1, timeout=10)
    t.eq("dm-delay: after the abort the session serves a READ of LUN 1", GOOD, r.status)
    # a READ in flight, then LOGOUT: the logout waits for it, in bounded time
    t0 = time.time()
    s.scsi_send(cdb_read10(64, 8), 8 * BS, read=True)
    time.sleep(0.2)
    lo = s.logout(timeout=delay + 30)
    while lo.opcode != OP_LOGOUT_RSP:
        lo = s.recv(delay + 30)
    el = time.time() - t0
    t.ok(lo.response == 0 and el < delay + 30,
         "dm-delay: LOGOUT with a READ in the device completes in bounded time",
         "response %d after %.1f s" % (lo.response, el))
    s.conn.close()
    # a connection dropped with a READ in the device
    s = logged_in()
    s.scsi_send(cdb_read10(128, 8), 8 * BS, read=True)
    time.sleep(0.2)
    s.conn.close()
    smoke(t, "a connection closed with a READ stuck in the device")


PHASES = {"error": phase_error, "flakey": phase_flakey, "acked": phase_acked,
          "linear": phase_linear, "delay": phase_delay}

if __name__ == "__main__":
    ph = os.environ["DM_PHASE"]
    main([PHASES[ph]])
