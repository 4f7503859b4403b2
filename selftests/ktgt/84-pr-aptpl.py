# SPDX-License-Identifier: GPL-2.0
"""Many APTPL registrations over raw PDUs (run by 84-pr-aptpl.sh).

PR_PHASE=register: initiator 0 sends one PERSISTENT RESERVE OUT REGISTER
with SPEC_I_PT and APTPL whose TransportIDs name initiators 1..PR_NR-1
(format 01b: 223-byte iSCSI names, each with its own ISID), so PR_NR I_T
nexuses are registered at once; READ FULL STATUS lists exactly those, and
its bytes are kept in PR_FULL_STATUS.

PR_PHASE=check (after ktgtctl save, rmmod, insmod, ktgtctl restore): READ
FULL STATUS lists exactly the same registrations, byte for byte."""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "iscsi"))
from pdu import *  # noqa: E402,F401,F403

TARGET = env("PR_IQN", "iqn.2026-11.org.ktgt:aptpl")
NR = int(env("PR_NR", "200"))
PHASE = env("PR_PHASE", "register")
SAVED = env("PR_FULL_STATUS", "/tmp/pr-aptpl-full-status.bin")
KEY = 0x4b5447540000aa01
GOOD = 0


def name(i):
    """Initiator i's iSCSI name: 223 bytes, the longest RFC 7143 allows."""
    base = "iqn.2026-11.org.ktgt:aptpl-%03d-" % i
    return base + "n" * (223 - len(base))


def isid(i):
    return bytes([0x80, 0x00, 0x4b, 0x54]) + struct.pack(">H", i)


def tid(i):
    """iSCSI TransportID, format 01b: name,i,0x<ISID>, NUL, padded to 4."""
    s = ("%s,i,0x%s" % (name(i), isid(i).hex())).encode() + b"\0"
    s += bytes(-len(s) % 4)
    return bytes([0x45, 0]) + struct.pack(">H", len(s)) + s


def prout_register_spec_i_pt(s, tids):
    t = b"".join(tids)
    # RESERVATION KEY 0, SERVICE ACTION KEY, obsolete, SPEC_I_PT | APTPL
    p = struct.pack(">QQIBBH", 0, KEY, 0, 0x08 | 0x01, 0, 0)
    p += struct.pack(">I", len(t)) + t
    cdb = bytes([0x5f, 0x00, 0x00, 0, 0]) + struct.pack(">I", len(p)) + b"\0"
    return s.write(cdb, p, timeout=30)


def read_full_status(s):
    cdb = bytes([0x5e, 0x03, 0, 0, 0, 0, 0]) + struct.pack(">H", 0xffff) + b"\0"
    return s.read(cdb, 0xffff, timeout=30)


def descriptors(d):
    """(key, flags, scope/type, rtpi, TransportID) of each descriptor."""
    out = []
    off = 8
    while off + 24 <= len(d):
        key, flags, st, rtpi, tl = struct.unpack(">Q4xBB4xHI", d[off:off + 24])
        out.append((key, flags, st, rtpi, d[off + 24:off + 24 + tl]))
        off += 24 + tl
    return out, off


def expected():
    return sorted((KEY, 0, 0, 1, tid(i)) for i in range(NR))


def check_full_status(t, r, what):
    d = bytes(r.data)
    if not t.eq("%s: READ FULL STATUS: GOOD" % what, GOOD, r.status):
        return None
    got, end = descriptors(d)
    add_len = struct.unpack(">I", d[4:8])[0] if len(d) >= 8 else -1
    t.ok(end == len(d) and add_len == len(d) - 8,
         "%s: READ FULL STATUS: %d bytes, ADDITIONAL LENGTH %d, whole descriptors"
         % (what, len(d), add_len), "descriptors end at %d" % end)
    t.eq("%s: %d registrations" % (what, NR), NR, len(got))
    t.ok(sorted(got) == expected(),
         "%s: each one exactly: key, no holder, relative target port 1, "
         "its 223-byte name and ISID" % what,
         *["unexpected: %r" % (g,) for g in sorted(set(got) - set(expected()))][:3])
    return d


def test_register(t):
    s = Session(HOST, PORT, initiator=name(0), isid=isid(0))
    s.login(TARGET)
    try:
        r = prout_register_spec_i_pt(s, [tid(i) for i in range(1, NR)])
        t.eq("PR OUT REGISTER, SPEC_I_PT with %d TransportIDs, APTPL: GOOD" % (NR - 1),
             GOOD, r.status, repr(getattr(r.status_pdu, "sense", b"").hex()))
        d = check_full_status(t, read_full_status(s), "registered")
        if d is not None:
            with open(SAVED, "wb") as f:
                f.write(d)
        s.logout()
    finally:
        s.conn.close()


def test_check(t):
    s = Session(HOST, PORT, initiator=name(0), isid=isid(0))
    s.login(TARGET)
    try:
        d = check_full_status(t, read_full_status(s), "restored")
        with open(SAVED, "rb") as f:
            before = f.read()
        t.ok(d == before, "restored: READ FULL STATUS is byte for byte what it was "
             "before save, rmmod, insmod, restore (generation included)",
             "before %d bytes, now %s" % (len(before), None if d is None else len(d)))
        s.logout()
    finally:
        s.conn.close()


main([test_register if PHASE == "register" else test_check])
