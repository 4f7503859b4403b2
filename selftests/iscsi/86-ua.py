# SPDX-License-Identifier: GPL-2.0
"""Unit attentions (SPC-4 5.14, SAM-5 6.3), removable medium and write
protection, seen by two raw-PDU sessions A and B (two I_T nexuses) of the
demo target: the exact sense key / ASC / ASCQ of each condition, who gets
it, that it is reported once, oldest first, by REQUEST SENSE too, and in
descriptor format once D_SENSE is set."""

import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pdu import *  # noqa: E402,F401,F403

BS_DIR = "%s/backstores/ram/ram_demo" % CFS
NEW_BS = "%s/backstores/ram/ua_new" % CFS
GOOD = None       # sense triple of a GOOD status

UA, NOT_READY, ILLEGAL, DATA_PROTECT = 0x6, 0x2, 0x5, 0x7


def wr(path, val):
    with open(path, "w") as f:
        f.write("%s\n" % val)


def sense_triple(sense):
    """(key, asc, ascq, format) of fixed (70h) or descriptor (72h) sense."""
    if len(sense) >= 14 and sense[0] & 0x7F in (0x70, 0x71):
        return (sense[2] & 0x0F, sense[12], sense[13], "fixed")
    if len(sense) >= 4 and sense[0] & 0x7F in (0x72, 0x73):
        return (sense[1] & 0x0F, sense[2], sense[3], "desc")
    return ("?", sense.hex())


def cmd(s, cdb, lun=0, edtl=0, read=False):
    """Run a command without Data-Out: (sense triple or None, data)."""
    if read:
        r = s.read(cdb, edtl, lun=lun)
    else:
        r = s.collect(s.scsi_send(cdb, 0, lun=lun))
    p = r.status_pdu
    if p is None:
        return ("no status", None), b""
    if p.status == 0:
        return GOOD, bytes(r.data)
    if p.status == 2 and p.opcode == OP_SCSI_RSP:
        return sense_triple(p.sense)[:3], p.sense
    return ("status", p.status), b""


def tur(s, lun=0):
    return cmd(s, cdb_tur(), lun)[0]


def cdb_start_stop(start, loej):
    return bytes([0x1B, 0, 0, 0, (2 if loej else 0) | (1 if start else 0), 0])


def cdb_prevent(prevent):
    return bytes([0x1E, 0, 0, 0, 1 if prevent else 0, 0])


def cdb_mode_sense6(page, dbd=True, alloc=252):
    return bytes([0x1A, 0x08 if dbd else 0, page, 0, alloc, 0])


def cdb_request_sense(desc=False, alloc=252):
    return bytes([0x03, 1 if desc else 0, 0, 0, alloc, 0])


def cdb_report_luns(alloc=4096):
    return struct.pack(">BBBBBBIBB", 0xA0, 0, 0, 0, 0, 0, alloc, 0, 0)


def mode_page(s, page):
    """The current mode page (DBD) as a bytearray, and the device-specific
    parameter of the header."""
    st, data = cmd(s, cdb_mode_sense6(page), edtl=252, read=True)
    if st is not GOOD or len(data) < 4:
        raise RuntimeError("MODE SENSE page %02x: %r" % (page, st))
    return bytearray(data[4 + data[3]:]), data[2]


def mode_select(s, page_bytes):
    """MODE SELECT(6), PF=1, no block descriptor: the sense triple."""
    plist = bytes(4) + bytes(page_bytes)
    cdb = bytes([0x15, 0x10, 0, 0, len(plist), 0])
    r = s.write(cdb, plist)
    p = r.status_pdu
    if p.status == 0:
        return GOOD
    return sense_triple(p.sense)[:3] if p.status == 2 else ("status", p.status)


def twice(t, s, label, expect, lun=0):
    """The next TUR reports @expect, the one after it is GOOD."""
    t.eq("%s: CHECK CONDITION %s" % (label, fmt(expect)), expect, tur(s, lun))
    t.eq("%s: reported once, the next TEST UNIT READY is GOOD" % label,
         GOOD, tur(s, lun))


def fmt(tr):
    return "%x/%02xh/%02xh" % tr if tr else "GOOD"


def sessions():
    a = logged_in()
    b = logged_in()
    return a, b


def test_fresh_nexus(t):
    a, b = sessions()
    try:
        t.eq("a new I_T nexus gets no POWER ON unit attention: TUR GOOD",
             GOOD, tur(a))
        t.eq("second nexus: TUR GOOD", GOOD, tur(b))
    finally:
        a.conn.close()
        b.conn.close()


def test_resets(t):
    a, b = sessions()
    try:
        tur(a)
        tur(b)
        rsp = a.tmf(TMF_LUN_RESET, lun=0)
        t.eq("LOGICAL UNIT RESET: function complete", 0, rsp.response)
        st, data = cmd(a, cdb_inquiry(), edtl=96, read=True)
        t.eq("after LU reset: INQUIRY is not held up by the unit attention",
             GOOD, st)
        twice(t, a, "after LU reset, the issuer: BUS DEVICE RESET FUNCTION "
              "OCCURRED", (UA, 0x29, 0x03))
        st, data = cmd(b, cdb_request_sense(), edtl=252, read=True)
        t.eq("after LU reset, the other nexus: REQUEST SENSE returns "
             "6/29h/03h", (UA, 0x29, 0x03, "fixed"), sense_triple(data))
        t.eq("REQUEST SENSE cleared it: TUR GOOD", GOOD, tur(b))
        rsp = a.tmf(TMF_TARGET_WARM_RESET)
        t.eq("TARGET WARM RESET: function complete", 0, rsp.response)
        twice(t, a, "after target warm reset: POWER ON, RESET, OR BUS DEVICE "
              "RESET OCCURRED", (UA, 0x29, 0x00))
        twice(t, b, "after target warm reset, other nexus", (UA, 0x29, 0x00))
    finally:
        a.conn.close()
        b.conn.close()


def test_mode_select(t):
    a, b = sessions()
    try:
        tur(a)
        tur(b)
        pg, _ = mode_page(a, 0x08)
        old = bytes(pg)
        pg[2] ^= 0x04                                   # WCE
        t.eq("MODE SELECT toggling WCE: GOOD", GOOD, mode_select(a, pg))
        t.eq("the nexus that changed it gets no unit attention", GOOD, tur(a))
        twice(t, b, "other nexus: MODE PARAMETERS CHANGED", (UA, 0x2A, 0x01))
        t.eq("MODE SELECT restoring WCE: GOOD", GOOD, mode_select(a, old))
        tur(b)
        pg2 = mode_select(a, old)
        t.eq("MODE SELECT changing nothing: GOOD", GOOD, pg2)
        t.eq("a MODE SELECT that changes nothing raises nothing", GOOD, tur(b))

        ctl, _ = mode_page(a, 0x0A)
        ctl_old = bytes(ctl)
        ctl[2] |= 0x04                                  # D_SENSE
        t.eq("MODE SELECT setting D_SENSE: GOOD", GOOD, mode_select(a, ctl))
        st, sense = cmd(b, cdb_tur())
        t.eq("other nexus: MODE PARAMETERS CHANGED in descriptor format "
             "(D_SENSE=1)", (UA, 0x2A, 0x01, "desc"), sense_triple(sense))
        t.eq("MODE SELECT clearing D_SENSE: GOOD", GOOD, mode_select(a, ctl_old))
        st, sense = cmd(b, cdb_tur())
        t.eq("and in fixed format again", (UA, 0x2A, 0x01, "fixed"),
             sense_triple(sense))
    finally:
        a.conn.close()
        b.conn.close()


def read_capacity(s):
    st, data = cmd(s, cdb_read_capacity10(), edtl=8, read=True)
    return st, (struct.unpack(">II", data[:8]) if st is GOOD else None)


def test_resize(t):
    a, b = sessions()
    try:
        tur(a)
        tur(b)
        wr("%s/size_bytes" % BS_DIR, 32 << 20)
        t.eq("READ CAPACITY after a live resize: CAPACITY DATA HAS CHANGED",
             ((UA, 0x2A, 0x09), None), read_capacity(a))
        t.eq("then the new capacity (65536 blocks of 512)",
             (GOOD, (65535, 512)), read_capacity(a))
        r = a.read(cdb_read10(65536, 1), 512)
        t.ok(r.status == 2 and r.status_pdu.sense[12] == 0x21,
             "READ past the new end: LBA OUT OF RANGE", repr(r.status_pdu))
        twice(t, b, "other nexus too", (UA, 0x2A, 0x09))
        wr("%s/size_bytes" % BS_DIR, 48 << 20)
        wr("%s/size_bytes" % BS_DIR, 64 << 20)
        a.tmf(TMF_LUN_RESET, lun=0)
        t.eq("two resizes and a reset: the resize first (oldest), once",
             (UA, 0x2A, 0x09), tur(b))
        twice(t, b, "then the reset", (UA, 0x29, 0x03))
        t.eq("capacity back to 64 MiB", ((UA, 0x2A, 0x09), None), read_capacity(a))
        tur(a)
        t.eq("READ CAPACITY: 131072 blocks", (GOOD, (131071, 512)), read_capacity(a))
    finally:
        a.conn.close()
        b.conn.close()


def test_alua_state(t):
    """ASYMMETRIC ACCESS STATE CHANGED (2A/06) when configfs changes the
    state of the default target port group: every nexus that used the LU
    is told once; standby refuses media access with 04/0Bh meanwhile."""
    a, b = sessions()
    gp = "%s/alua/default_tg_pt_gp/alua_access_state" % BS_DIR
    try:
        tur(a)
        tur(b)
        wr(gp, "active/non-optimized")
        twice(t, a, "ALUA state changed (configfs), nexus A", (UA, 0x2A, 0x06))
        twice(t, b, "nexus B", (UA, 0x2A, 0x06))
        wr(gp, "standby")
        t.eq("to standby: A told", (UA, 0x2A, 0x06), tur(a))
        r = a.read(cdb_read10(0, 1), 512)
        t.eq("READ(10) through a standby port: NOT READY 04/0Bh",
             (NOT_READY, 0x04, 0x0B), sense_triple(r.status_pdu.sense)[:3])
        wr(gp, "active/optimized")
        t.eq("back to active/optimized: B is told once (the two changes "
             "are the same condition)", (UA, 0x2A, 0x06), tur(b))
        r = b.read(cdb_read10(0, 1), 512)
        t.eq("READ(10) GOOD again", 0, r.status)
    finally:
        a.conn.close()
        b.conn.close()
        wr(gp, "active/optimized")


def report_luns(s):
    st, data = cmd(s, cdb_report_luns(), edtl=4096, read=True)
    if st is not GOOD:
        return st
    n = struct.unpack(">I", data[:4])[0] // 8
    return [struct.unpack(">H", data[8 + 8 * i:10 + 8 * i])[0] & 0x3FFF
            for i in range(n)]


def test_luns_changed(t):
    a, b = sessions()
    lun1 = "%s/lun/lun_1" % tpg_path()
    try:
        tur(a)
        tur(b)
        os.mkdir(NEW_BS)
        wr("%s/size_bytes" % NEW_BS, 1 << 20)
        wr("%s/enable" % NEW_BS, 1)
        os.mkdir(lun1)
        os.symlink(NEW_BS, "%s/ram_ua_new" % lun1)
        twice(t, a, "LUN 1 added: REPORTED LUNS DATA HAS CHANGED on LUN 0",
              (UA, 0x3F, 0x0E))
        t.eq("the other nexus: REPORT LUNS is not held up, lists LUN 0 and 1",
             [0, 1], report_luns(b))
        t.eq("REPORT LUNS cleared it: TUR GOOD", GOOD, tur(b))
        t.eq("LUN 1 works", GOOD, tur(a, lun=1))
        os.unlink("%s/ram_ua_new" % lun1)
        os.rmdir(lun1)
        st = tur(a, lun=5)
        t.eq("LUN 1 removed: reported on a command to any LUN (here LUN 5, "
             "none)", (UA, 0x3F, 0x0E), st)
        t.eq("then LUN 5: LOGICAL UNIT NOT SUPPORTED", (ILLEGAL, 0x25, 0x00),
             tur(a, lun=5))
        twice(t, b, "other nexus", (UA, 0x3F, 0x0E))
    finally:
        a.conn.close()
        b.conn.close()
        if os.path.exists(lun1):
            for f in os.listdir(lun1):
                os.unlink("%s/%s" % (lun1, f))
            os.rmdir(lun1)
        if os.path.exists(NEW_BS):
            wr("%s/enable" % NEW_BS, 0)
            os.rmdir(NEW_BS)


def test_removable(t):
    a, b = sessions()
    try:
        tur(a)
        tur(b)
        st, inq = cmd(a, cdb_inquiry(), edtl=96, read=True)
        t.eq("removable=0: INQUIRY RMB=0", 0, inq[1] & 0x80)
        t.eq("removable=0: START STOP UNIT LOEJ=1 START=0 does nothing",
             GOOD, cmd(a, cdb_start_stop(False, True))[0])
        t.eq("removable=0: medium still there", GOOD, tur(a))
        wr("%s/removable" % BS_DIR, 1)
        st, inq = cmd(a, cdb_inquiry(), edtl=96, read=True)
        t.eq("removable=1: INQUIRY RMB=1", 0x80, inq[1] & 0x80)
        twice(t, a, "removable changed live: INQUIRY DATA HAS CHANGED",
              (UA, 0x3F, 0x03))
        tur(b)
        t.eq("eject (LOEJ=1 START=0): GOOD", GOOD,
             cmd(a, cdb_start_stop(False, True))[0])
        t.eq("no medium: TUR NOT READY, MEDIUM NOT PRESENT - TRAY OPEN",
             (NOT_READY, 0x3A, 0x02), tur(a))
        r = a.read(cdb_read10(0, 1), 512)
        t.eq("no medium: READ(10) NOT READY 3Ah/02h", (NOT_READY, 0x3A, 0x02),
             sense_triple(r.status_pdu.sense)[:3])
        st, data = cmd(b, cdb_request_sense(), edtl=252, read=True)
        t.eq("no medium: REQUEST SENSE reports NOT READY 3Ah/02h",
             (NOT_READY, 0x3A, 0x02, "fixed"), sense_triple(data))
        t.eq("B prevents medium removal (allowed without medium): GOOD",
             GOOD, cmd(b, cdb_prevent(True))[0])
        t.eq("A loads while B prevents: ILLEGAL REQUEST, MEDIUM REMOVAL "
             "PREVENTED", (ILLEGAL, 0x53, 0x02),
             cmd(a, cdb_start_stop(True, True))[0])
        t.eq("B allows medium removal: GOOD", GOOD, cmd(b, cdb_prevent(False))[0])
        t.eq("A loads (LOEJ=1 START=1): GOOD", GOOD,
             cmd(a, cdb_start_stop(True, True))[0])
        t.eq("the loading nexus: TUR GOOD at once", GOOD, tur(a))
        twice(t, b, "the other nexus: NOT READY TO READY CHANGE, MEDIUM MAY "
              "HAVE CHANGED", (UA, 0x28, 0x00))
        t.eq("A prevents: GOOD", GOOD, cmd(a, cdb_prevent(True))[0])
        t.eq("B ejects while A prevents: MEDIUM REMOVAL PREVENTED",
             (ILLEGAL, 0x53, 0x02), cmd(b, cdb_start_stop(False, True))[0])
        t.eq("POWER CONDITION != 0: START and LOEJ ignored, GOOD", GOOD,
             cmd(b, bytes([0x1B, 0, 0, 0, 0x12, 0]))[0])
        a.conn.close()
        a = None
        # the prevention goes with A's I_T nexus (the session ends when its
        # connection is gone; the eject may race that briefly)
        import time
        st = None
        for _ in range(50):
            st = cmd(b, cdb_start_stop(False, True))[0]
            if st is GOOD:
                break
            time.sleep(0.1)
        t.eq("A's nexus lost: its prevention is dropped, B ejects", GOOD, st)
        t.eq("B loads again", GOOD, cmd(b, cdb_start_stop(True, True))[0])
        t.eq("B prevents, then a LU reset drops it", GOOD,
             cmd(b, cdb_prevent(True))[0])
        b.tmf(TMF_LUN_RESET, lun=0)
        tur(b)
        t.eq("after the LU reset B ejects", GOOD,
             cmd(b, cdb_start_stop(False, True))[0])
        wr("%s/removable" % BS_DIR, 0)
        t.eq("removable=0 again: medium back, INQUIRY DATA HAS CHANGED",
             (UA, 0x3F, 0x03), tur(b))
        t.eq("and TUR GOOD", GOOD, tur(b))
    finally:
        if a:
            a.conn.close()
        b.conn.close()
        wr("%s/removable" % BS_DIR, 0)


def test_write_protect(t):
    a = logged_in()
    try:
        tur(a)
        _, devspec = mode_page(a, 0x08)
        t.eq("readonly=0: MODE SENSE WP=0", 0, devspec & 0x80)
        wr("%s/readonly" % BS_DIR, 1)
        _, devspec = mode_page(a, 0x08)
        t.eq("readonly=1 live: MODE SENSE WP=1", 0x80, devspec & 0x80)
        r = a.write(cdb_write10(0, 1), bytes(512))
        t.eq("WRITE(10): DATA PROTECT, WRITE PROTECTED",
             (DATA_PROTECT, 0x27, 0x00), sense_triple(r.status_pdu.sense)[:3])
        wr("%s/readonly" % BS_DIR, 0)
        _, devspec = mode_page(a, 0x08)
        t.eq("readonly=0 again: WP=0", 0, devspec & 0x80)
        r = a.write(cdb_write10(0, 1), bytes(512))
        t.eq("WRITE(10) GOOD", 0, r.status)
    finally:
        a.conn.close()
        wr("%s/readonly" % BS_DIR, 0)


main([test_fresh_nexus, test_resets, test_mode_select, test_resize,
      test_luns_changed, test_removable, test_write_protect,
      test_alua_state])
