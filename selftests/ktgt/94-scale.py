# SPDX-License-Identifier: GPL-2.0
"""Scale (run by 94-scale.sh): SCALE_SESSIONS (200) concurrent sessions each
writing and reading back its own LBA of LUN 0, then SCALE_CYCLES (1000)
login/logout cycles; after each, a fresh session still works."""

import os
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "iscsi"))
from pdu import *  # noqa: E402,F401,F403

NSESS = int(env("SCALE_SESSIONS", "200"))
CYCLES = int(env("SCALE_CYCLES", "1000"))


def test_sessions(t):
    results = [None] * NSESS
    held = threading.Barrier(NSESS + 1, timeout=240)
    release = threading.Event()

    def one(i):
        s = None
        try:
            s = new_session(timeout=60)
            s.login(IQN)
            lba = 4096 + i * 8
            data = struct.pack(">II", i, 0x6b746774) * 512
            w = s.write(cdb_write10(lba, 8), data, timeout=60)
            r = s.read(cdb_read10(lba, 8), 4096, timeout=60)
            ok = w.status == 0 and r.status == 0 and bytes(r.data) == data
            results[i] = True if ok else "status %r/%r" % (w.status, r.status)
            held.wait()          # all NSESS sessions are open at once here
            release.wait(240)
            s.logout(timeout=60)
            s.conn.wait_closed(30)
        except Exception as e:  # noqa: BLE001
            results[i] = repr(e)
            try:
                held.abort()
            except Exception:  # noqa: BLE001
                pass
        finally:
            if s:
                s.conn.close()

    t0 = time.monotonic()
    th = [threading.Thread(target=one, args=(i,)) for i in range(NSESS)]
    for x in th:
        x.start()
    together = True
    try:
        held.wait()
    except threading.BrokenBarrierError:
        together = False
    el = time.monotonic() - t0
    try:
        with open("/sys/kernel/config/ktgt/targets/%s/tpgt_1/sessions" % IQN) as f:
            t.diag("the TPG's sessions file lists %d lines" % len(f.read().splitlines()))
    except OSError:
        pass
    release.set()
    for x in th:
        x.join(300)
    bad = [(i, r) for i, r in enumerate(results) if r is not True]
    t.ok(together and not bad,
         "%d sessions open at once, each wrote and read back its own LBA (%.1f s)"
         % (NSESS, el), *["session %d: %s" % b for b in bad[:10]])
    s = logged_in()
    res = s.read(cdb_read10(4096, NSESS * 8), NSESS * 4096, timeout=60)
    want = b"".join(struct.pack(">II", i, 0x6b746774) * 512 for i in range(NSESS))
    t.ok(res.status == 0 and bytes(res.data) == want,
         "all %d LBAs hold their session's data" % NSESS, repr(res.status_pdu))
    s.logout(timeout=10)
    s.conn.close()
    smoke(t, "%d concurrent sessions" % NSESS)


def test_cycles(t):
    good = 0
    err = None
    t0 = time.monotonic()
    for i in range(CYCLES):
        s = None
        try:
            s = new_session()
            s.login(IQN)
            r = s.logout(timeout=10)
            if r.opcode == OP_LOGOUT_RSP and r.response == 0 and s.conn.wait_closed(6):
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
    smoke(t, "%d login/logout cycles" % CYCLES)


main([test_sessions, test_cycles])
