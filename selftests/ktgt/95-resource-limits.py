# SPDX-License-Identifier: GPL-2.0
"""Resource bounds a hostile peer meets (run by 95-resource-limits.sh):

- connections that never log in: at most 256 are held at once (the rest
  are closed at accept), each for at most the 15 s login timeout;
- immediate SCSI commands (outside the CmdSN window): at most 16
  outstanding per connection, then Reject "immediate command reject";
- a peer that sends but never reads: the target stops reading once 4 MiB
  of responses wait, instead of queueing without end; every response is
  there, intact, when the peer reads again.
"""

import os
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "iscsi"))
from pdu import *  # noqa: E402,F401,F403

LOGIN_CAP = 256
LOGIN_TIMEOUT = 15
IMM_CAP = 16


def eof_within(sock, secs):
    """True if the peer closes (EOF or RST) within secs."""
    sock.settimeout(secs)
    try:
        return sock.recv(1) == b""
    except socket.timeout:
        return False
    except OSError:
        return True


def test_idle_logins(t):
    extra = 40
    socks = []
    for _ in range(LOGIN_CAP + extra):
        socks.append(socket.create_connection((HOST, PORT), timeout=10))
    t0 = time.monotonic()
    # the target closes the ones past the cap at once
    closed = []
    deadline = time.monotonic() + 10
    while len(closed) < extra and time.monotonic() < deadline:
        r, _, _ = select.select([x for x in socks if x not in closed], [], [], 1)
        closed += [x for x in r if eof_within(x, 1)]
    # and no more than those
    r, _, _ = select.select([x for x in socks if x not in closed], [], [], 1)
    closed += r
    t.eq("%d connections that do not log in: all but %d closed at once"
         % (LOGIN_CAP + extra, LOGIN_CAP), extra, len(closed))
    held = [s for s in socks if s not in closed]
    # a new connection meanwhile is refused the same way
    s = socket.create_connection((HOST, PORT), timeout=10)
    t.ok(eof_within(s, 10), "with %d idle connections held, a new one is closed" % LOGIN_CAP)
    s.close()
    # the held ones time out
    gone = [x for x in held if eof_within(x, max(0.1, LOGIN_TIMEOUT + 15 -
                                                (time.monotonic() - t0)))]
    el = time.monotonic() - t0
    t.ok(len(gone) == len(held) and el < LOGIN_TIMEOUT + 15,
         "the %d held connections are closed by the login timeout (%.1f s)" % (len(held), el),
         "%d of %d closed" % (len(gone), len(held)))
    for x in socks:
        x.close()
    # the slots come back: a normal login works (the closes may lag a little)
    ok = False
    deadline = time.monotonic() + 20
    while not ok and time.monotonic() < deadline:
        try:
            sess = logged_in()
            ok = sess.nop(b"x", timeout=10).opcode == OP_NOOP_IN
            sess.logout(timeout=10)
            sess.conn.close()
        except (Closed, Timeout, LoginError, OSError):
            time.sleep(0.5)
    t.ok(ok, "afterwards a normal login works")


def test_immediate_cap(t):
    s = logged_in([("InitialR2T", "Yes"), ("ImmediateData", "No")])
    n = IMM_CAP + 8
    itts = []
    for i in range(n):
        itts.append(s.scsi_send(cdb_write10(1000 + i * 8, 8), 4096,
                                write=True, immediate=True))
    r2ts, rejects, other = {}, [], []
    deadline = time.monotonic() + 30
    while len(r2ts) + len(rejects) < n and time.monotonic() < deadline:
        p = s.recv_or_none(5)
        if p is None:
            break
        if p.opcode == OP_R2T:
            r2ts.setdefault(p.itt, p)
        elif p.opcode == OP_REJECT:
            rejects.append(p)
        else:
            other.append(p)
    t.eq("%d immediate WRITEs waiting for data: the first %d get R2Ts"
         % (n, IMM_CAP), itts[:IMM_CAP], sorted(r2ts, key=itts.index))
    t.eq("the other %d get Reject" % (n - IMM_CAP), n - IMM_CAP, len(rejects),
         repr(other[:3]))
    t.ok(all(p.reason == REJ_IMM_CMD for p in rejects),
         "with reason 0x06 (immediate command reject)",
         repr([p.reason for p in rejects][:5]))
    # finishing one frees a slot
    r = r2ts[itts[0]]
    s.send_burst(itts[0], r.ttt, r.offset, bytes(r.length))
    st = s.collect(itts[0], timeout=30)
    t.eq("completing one of them (GOOD)", 0, st.status)
    itt = s.scsi_send(cdb_read10(0, 1), 512, read=True, immediate=True)
    st = s.collect(itt, timeout=30)
    t.eq("then an immediate READ is served again", 0, st.status)
    s.conn.close()
    smoke(t, "16 immediate commands held open")


def test_non_reader(t):
    s = logged_in()
    sock = s.conn.sock
    payload = bytes(range(256)) * 32           # 8 KiB, the PDU limit
    goal = 96 << 20
    sent = 0
    n = 0
    sock.settimeout(3)
    t0 = time.monotonic()
    try:
        while sent < goal and time.monotonic() - t0 < 120:
            b = build_nop_out(0x10000 + n, RSVD_TAG, s.cmdsn, s.exp_statsn,
                              immediate=True)
            b[5:8] = struct.pack(">I", len(payload))[1:]
            sock.sendall(bytes(b) + payload)
            sent += len(b) + len(payload)
            n += 1
    except socket.timeout:
        pass
    t.diag("sent %d NOP-Outs (%.1f MiB) before the target stopped reading"
           % (n, sent / 1048576.0))
    t.ok(sent < 48 << 20,
         "a peer that never reads: the target stops reading (accepted %.1f MiB of %d MiB)"
         % (sent / 1048576.0, goal >> 20))
    # now read: every NOP-In is there, with its data
    got = bad = 0
    sock.settimeout(None)
    try:
        while got < n:
            p = s.recv(30)
            if p.opcode == OP_NOOP_IN and p.itt != RSVD_TAG:
                if p.data != payload:
                    bad += 1
                got += 1
    except (Timeout, Closed) as e:
        t.diag("stopped at %d of %d: %r" % (got, n, e))
    t.ok(got >= n - 1 and not bad,
         "reading again: every NOP-In comes, its data intact (%d of %d)" % (got, n))
    s.conn.close()
    smoke(t, "a peer that stopped reading")


main([test_immediate_cap, test_non_reader, test_idle_logins])
