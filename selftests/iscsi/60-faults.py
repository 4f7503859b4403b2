# SPDX-License-Identifier: GPL-2.0
"""Faults: initiators that vanish (TCP RST) mid-write and mid-login, a
silent peer that never answers the target's NOP-In pings, 200 login/logout
cycles, 50 concurrent sessions each writing and reading back its own LBA;
after each, a fresh login still works.  TPG attributes are restored."""

import os
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pdu import *  # noqa: E402,F401,F403

CYCLES = int(env("FAULT_CYCLES", "200"))
NSESS = int(env("FAULT_SESSIONS", "50"))


def rst(sock):
    """Close with SO_LINGER 0: the peer sees a TCP RST."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


def works(t, label):
    """A fresh login, a NOP-Out and a READ(10) of LBA 0."""
    s = None
    try:
        s = logged_in()
        r = s.nop(b"fault-check", timeout=10)
        res = s.read(cdb_read10(0, 1), 512, timeout=10)
        t.ok(r.opcode == OP_NOOP_IN and r.data == b"fault-check" and res.status == 0,
             "after %s: a fresh login, NOP-Out and READ(10) work" % label,
             repr(r), repr(res.status_pdu))
        try:
            s.logout(timeout=5)
            s.conn.wait_closed(6)
        except (Closed, Timeout, OSError):
            pass
    except Exception as e:  # noqa: BLE001
        t.ok(False, "after %s: a fresh login, NOP-Out and READ(10) work" % label, repr(e))
    finally:
        if s:
            s.conn.close()


def test_vanish_mid_write(t):
    keys = [("InitialR2T", "Yes"), ("ImmediateData", "No")]
    with Params(InitialR2T="Yes", ImmediateData="No"):
        # 1: the target has sent its R2T and waits for Data-Out
        s = logged_in(keys)
        itt = s.scsi_send(cdb_write10(300, 16), 8192, write=True)
        r = s.recv(10)
        t.ok(r.opcode == OP_R2T and r.itt == itt,
             "WRITE with InitialR2T=Yes: the target asks for the data (R2T)", repr(r))
        rst(s.conn.sock)
        works(t, "an RST while the target waits for Data-Out")
        # 2: half the solicited data sent, then RST
        s = logged_in(keys)
        itt = s.scsi_send(cdb_write10(400, 16), 8192, write=True)
        r = s.recv(10)
        if r.opcode == OP_R2T:
            s.data_out(itt, r.ttt, r.offset, os.urandom(min(2048, r.length)), final=False)
        time.sleep(0.2)
        rst(s.conn.sock)
        works(t, "an RST in the middle of a Data-Out sequence")
        # 3: several writes outstanding, half a Data-Out PDU on the wire, RST
        s = logged_in(keys)
        itts = [s.scsi_send(cdb_write10(500 + 16 * i, 16), 8192, write=True)
                for i in range(4)]
        r2ts = []
        for _ in range(4):
            p = s.recv_or_none(5)
            if p is None:
                break
            if p.opcode == OP_R2T:
                r2ts.append(p)
        t.ok(len(r2ts) >= 1, "four WRITEs outstanding: R2Ts arrive", repr(r2ts))
        if r2ts:
            bhs = build_data_out(r2ts[0].itt, r2ts[0].ttt, 0, 0, s.exp_statsn, final=True)
            bhs[5:8] = struct.pack(">I", 4096)[1:]
            s.conn.send_raw(bytes(bhs) + os.urandom(1000))
        time.sleep(0.2)
        rst(s.conn.sock)
        works(t, "an RST with four WRITEs outstanding and a Data-Out half sent")


def test_vanish_mid_login(t):
    isid = bytes([0x80, 0, 0, 0x12, 0x34, 0x03])
    bhs = build_login(0x77, isid, csg=STAGE_OP, nsg=STAGE_FFP, transit=True)
    data = text_encode([("InitiatorName", DEFAULT_INITIATOR), ("SessionType", "Normal"),
                        ("TargetName", IQN)])
    bhs[5:8] = struct.pack(">I", len(data))[1:]
    raw = bytes(bhs) + data + bytes(pad4(len(data)))
    for cut, label in ((24, "half a Login BHS"), (48 + len(data) // 2, "a Login PDU cut in its data"),
                       (0, "a connection with nothing sent")):
        c = Conn(HOST, PORT, 10)
        if cut:
            c.send_raw(raw[:cut])
        time.sleep(0.2)
        rst(c.sock)
        works(t, "an RST after %s" % label)
    # mid-login after the first exchange: security stage done, then RST
    s = new_session()
    r = s.login_pdu([("InitiatorName", DEFAULT_INITIATOR), ("SessionType", "Normal"),
                     ("TargetName", IQN), ("AuthMethod", "None")], STAGE_SEC, STAGE_OP)
    t.ok(r.opcode == OP_LOGIN_RSP and r.status == 0,
         "security stage answered (AuthMethod=None)", repr(r))
    c2 = s.conn
    c2.send_raw(bytes(build_login(s.login_itt, s.isid, csg=STAGE_OP))[:30])
    rst(c2.sock)
    works(t, "an RST between the login stages")


def test_silent_peer(t):
    old_i = set_attrib("nopin_interval", 2)
    old_t = set_attrib("nopin_response_timeout", 3)
    try:
        s = logged_in()
        s.auto_ping = False
        t0 = time.monotonic()
        closed = s.conn.wait_closed(15)
        el = time.monotonic() - t0
        pings = [p for p in s.conn.pending if p.opcode == OP_NOOP_IN and p.itt == RSVD_TAG
                 and p.ttt != RSVD_TAG]
        t.ok(len(pings) >= 1, "silent peer: the target pings (NOP-In, ITT 0xffffffff, "
             "a TTT) after nopin_interval", repr(s.conn.pending))
        t.ok(closed and el < 12, "silent peer: the target closes the connection "
             "(nopin_interval 2 + nopin_response_timeout 3; %.1f s)" % el,
             "closed=%r after %.1f s" % (closed, el))
        s.conn.close()
        # a peer that does answer keeps its connection
        s = logged_in()
        t0 = time.monotonic()
        # nothing but pings comes; Session.recv answers them until its deadline
        r = s.recv_or_none(8)
        el = time.monotonic() - t0
        t.ok(r is None and 7.5 <= el < 12, "Session.recv(8) answers the pings and "
             "times out after 8 s (%.1f s)" % el, repr(r))
        r = s.nop(b"still here", timeout=10)
        t.ok(len(s.pings) >= 2 and r.opcode == OP_NOOP_IN and r.data == b"still here",
             "a peer answering the pings keeps its connection (%d pings in 8 s)"
             % len(s.pings), repr(r))
        s.conn.close()
    finally:
        set_attrib("nopin_interval", old_i)
        set_attrib("nopin_response_timeout", old_t)
    t.eq("nopin attributes restored", (old_i, old_t),
         (set_attrib("nopin_interval", old_i), set_attrib("nopin_response_timeout", old_t)))
    works(t, "a silent peer")


def test_login_logout_cycles(t):
    good = 0
    err = None
    t0 = time.monotonic()
    for i in range(CYCLES):
        s = None
        try:
            s = new_session()
            s.login(IQN)
            r = s.logout(timeout=10)
            closed = s.conn.wait_closed(6)
            if r.opcode == OP_LOGOUT_RSP and r.response == 0 and closed:
                good += 1
            elif err is None:
                err = "cycle %d: %r" % (i, r)
        except Exception as e:  # noqa: BLE001
            if err is None:
                err = "cycle %d: %r" % (i, e)
        finally:
            if s:
                s.conn.close()
    t.eq("%d login/logout cycles all succeed (%.1f s)" % (CYCLES, time.monotonic() - t0),
         CYCLES, good, err or "")
    works(t, "%d login/logout cycles" % CYCLES)


def test_concurrent_sessions(t):
    results = [None] * NSESS
    ready = threading.Barrier(NSESS, timeout=60)

    def one(i):
        s = None
        try:
            s = new_session(timeout=30)
            s.login(IQN)
            try:
                ready.wait()
            except threading.BrokenBarrierError:
                pass
            lba = 2048 + i * 8
            data = struct.pack(">I", i) * 1024          # 4 KiB, distinct per session
            w = s.write(cdb_write10(lba, 8), data, timeout=30)
            if w.status != 0:
                results[i] = "write status %r" % (w.status_pdu,)
                return
            r = s.read(cdb_read10(lba, 8), 4096, timeout=30)
            if r.status != 0 or bytes(r.data) != data:
                results[i] = "read back differs (status %r)" % (r.status,)
                return
            s.logout(timeout=30)
            s.conn.wait_closed(10)
            results[i] = True
        except Exception as e:  # noqa: BLE001
            results[i] = repr(e)
            try:
                ready.abort()
            except Exception:  # noqa: BLE001
                pass
        finally:
            if s:
                s.conn.close()

    t0 = time.monotonic()
    th = [threading.Thread(target=one, args=(i,)) for i in range(NSESS)]
    for x in th:
        x.start()
    for x in th:
        x.join(120)
    bad = [(i, r) for i, r in enumerate(results) if r is not True]
    t.ok(not bad, "%d concurrent sessions each write and read back a distinct LBA "
         "(%.1f s)" % (NSESS, time.monotonic() - t0), *["session %d: %s" % b for b in bad[:10]])
    # and the data of all of them, through one session
    s = logged_in()
    try:
        res = s.read(cdb_read10(2048, NSESS * 8), NSESS * 4096, timeout=30)
        want = b"".join(struct.pack(">I", i) * 1024 for i in range(NSESS))
        t.ok(res.status == 0 and bytes(res.data) == want,
             "all %d LBAs hold their session's data" % NSESS, repr(res.status_pdu))
    finally:
        s.conn.close()
    works(t, "%d concurrent sessions" % NSESS)


def test_final(t):
    works(t, "all the faults")


main([test_vanish_mid_write, test_vanish_mid_login, test_silent_peer,
      test_login_logout_cycles, test_concurrent_sessions, test_final])
