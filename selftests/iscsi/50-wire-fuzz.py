# SPDX-License-Identifier: GPL-2.0
"""Wire fuzzer: mutated PDUs from a seeded PRNG against a logged-in session.

Each batch logs in (normal session, demo target) and sends FUZZ_BATCH
mutated PDUs: random opcodes and headers, DataSegmentLength/TotalAHSLength
that lie, bad padding, CmdSN/ExpStatSN chaos, stray and oversized Data-Out,
Login PDUs in full feature phase, unterminated text, TMFs with random
functions, SCSI commands with random CDBs and EDTLs, truncated PDUs, plus
logins stuffed with thousands of keys and overlong values.  The target may
answer, reject or close the connection; whenever it closes (or a mutation
leaves the stream out of step) the fuzzer logs in again, and that login
must never fail or hang.  After every batch: a fresh login, a NOP-Out and a
READ(10) of LBA 0 must work.

Environment: FUZZ_SEED (default 0x6b746774), FUZZ_ITERS (mutations, default
1200), FUZZ_BATCH (per batch, default 24), FUZZ_TIME (seconds; no new batch
starts after it, default 70).  The seed and the iterations run are printed.
"""

import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pdu import *  # noqa: E402,F401,F403

SEED = int(env("FUZZ_SEED", "0x6b746774"), 0)
ITERS = int(env("FUZZ_ITERS", "1200"), 0)
BATCH = max(1, int(env("FUZZ_BATCH", "24"), 0))
TLIMIT = float(env("FUZZ_TIME", "70"))
# FUZZ_RACY=1: close right after the final Login Response / Logout Response
# instead of first letting the target finish with it (a NOP-Out round trip,
# a short pause).  That reaches a known target race (a connection freed
# with its ping or linger timer armed); make check leaves it off.
RACY = env("FUZZ_RACY", "0") not in ("", "0")

rng = random.Random(SEED)


class Desync(Exception):
    """The mutation left the byte stream out of step: start over."""


def rbytes(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def rword():
    return rng.choice((0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE,
                       rng.getrandbits(32), rng.getrandbits(8)))


def rlen():
    return rng.choice((0, 1, 3, 4, 47, 48, 512, 4095, 8192, 8193, 65536, 262145,
                       0xFFFFFF, rng.getrandbits(24), rng.randrange(1, 9000)))


def new_isid():
    return bytes([0x80, 0x00, 0x00]) + rbytes(2) + b"\x02"


def fresh(keys=()):
    s = Session(HOST, PORT, timeout=10.0, isid=new_isid())
    s.login(IQN, keys)
    if not RACY:
        s.nop(b"settle", timeout=10)
    return s


def logout_close(s):
    """Logout, then let the target finish sending before closing."""
    try:
        s.logout(timeout=5)
        if not RACY:
            s.conn.wait_closed(0.5)
    except (Closed, Timeout, OSError):
        pass
    s.conn.close()


def rst_close(s):
    try:
        s.conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                               struct.pack("ii", 1, 0))
    except OSError:
        pass
    s.conn.close()


def drain(s, t=0.02):
    """Read what the target sent (answering its pings); Closed propagates."""
    n = 0
    while n < 64:
        p = s.recv_or_none(t)
        if p is None:
            return
        n += 1


# ------------------------------------------------------------ mutations --
# Each takes the logged-in session s; raising Desync (or the target closing)
# ends the connection and the fuzzer logs in again.


def m_random_opcode(s):
    b = bytearray(rbytes(48))
    b[0] = rng.randrange(0x40) | (rng.choice((0, IMMEDIATE)))
    data = rbytes(rng.choice((0, 0, 5, 48, 300)))
    b[4] = 0
    s.send(b, data)


def m_random_bhs_lying(s):
    b = bytearray(build_nop_out(s.next_itt(), RSVD_TAG, s.take_cmdsn(), s.exp_statsn))
    if rng.random() < 0.5:
        b[0] = rng.choice((OP_NOOP_OUT, OP_SCSI_CMD, OP_TMF_REQ, OP_LOGIN_REQ,
                           OP_TEXT_REQ, OP_DATA_OUT, OP_LOGOUT_REQ, OP_SNACK,
                           rng.randrange(0x40)))
    raw = bytearray(b)
    raw[4] = rng.randrange(256)              # TotalAHSLength, not sent
    raw[5:8] = struct.pack(">I", rlen())[1:]  # DataSegmentLength, maybe lying
    send = rbytes(rng.choice((0, 4, 100, 1000)))
    s.conn.send_raw(bytes(raw) + send)
    raise Desync()


def m_dlen_over_mrdsl(s):
    """An honest DataSegmentLength beyond what the target declared."""
    n = s.mxdsl + rng.choice((1, 4, 512, s.mxdsl, 60000))
    op = rng.choice(("nop", "text", "write"))
    if op == "nop":
        bhs = build_nop_out(s.next_itt(), RSVD_TAG, s.take_cmdsn(), s.exp_statsn)
    elif op == "text":
        bhs = build_text(s.next_itt(), s.take_cmdsn(), s.exp_statsn)
    else:
        bhs = build_scsi_cmd(s.next_itt(), cdb_write10(rng.randrange(64), 256), 131072,
                             s.take_cmdsn(), s.exp_statsn, write=True)
    s.send(bhs, rbytes(n))


def m_dlen_lie_short(s):
    """DataSegmentLength larger than what follows, then go on sending."""
    bhs = build_nop_out(s.next_itt(), RSVD_TAG, s.take_cmdsn(), s.exp_statsn)
    s.send(bhs, rbytes(16), dlen=rng.choice((17, 100, 4096, s.mxdsl, s.mxdsl + 1)))
    raise Desync()


def m_ahs_lie(s):
    bhs = build_scsi_cmd(s.next_itt(), cdb_read10(0, 1), 512, s.take_cmdsn(),
                         s.exp_statsn, read=True)
    ahs = rbytes(4 * rng.randrange(0, 64))
    if rng.random() < 0.5:
        s.send(bhs, b"", ahs=ahs)            # AHS sent, but random types
    else:
        b = bytearray(bhs)
        b[4] = rng.randrange(1, 256)          # claimed, never sent
        s.conn.send_raw(bytes(b) + ahs[:8])
        raise Desync()


def m_bad_padding(s):
    bhs = bytearray(build_nop_out(s.next_itt(), RSVD_TAG, s.take_cmdsn(), s.exp_statsn))
    data = rbytes(rng.choice((1, 2, 3, 5, 7)))
    bhs[5:8] = struct.pack(">I", len(data))[1:]
    if rng.random() < 0.5:
        # non-zero padding bytes (to be ignored)
        s.conn.send_raw(bytes(bhs) + data + b"\xff" * pad4(len(data)))
    else:
        # no padding at all: the next header is off by a few bytes
        s.conn.send_raw(bytes(bhs) + data)
        raise Desync()


def m_cmdsn_chaos(s):
    cmdsn = rng.choice((s.cmdsn + rng.randrange(2, 1 << 20), s.cmdsn - rng.randrange(1, 100),
                        s.cmdsn + 0x80000000, rng.getrandbits(32), s.cmdsn - 1, s.cmdsn + 1))
    exp = rng.choice((rng.getrandbits(32), s.exp_statsn + 1000, s.exp_statsn - 1000, 0))
    imm = rng.random() < 0.3
    if rng.random() < 0.5:
        bhs = build_nop_out(s.next_itt(), RSVD_TAG, cmdsn, exp, immediate=imm)
        s.send(bhs, rbytes(rng.choice((0, 8))))
    else:
        bhs = build_scsi_cmd(s.next_itt(), cdb_read10(rng.randrange(16), 1), 512,
                             cmdsn, exp, read=True, immediate=imm)
        s.send(bhs)


def m_data_out_unknown(s):
    bhs = build_data_out(rword(), rword(), rword(), rng.choice((0, rword())), s.exp_statsn,
                         final=rng.random() < 0.7, lun=rng.choice((0, 0, 1, 255)))
    s.send(bhs, rbytes(rng.choice((0, 1, 512, 4096))))


def m_data_out_beyond_edtl(s):
    edtl = rng.choice((512, 1024, 4096))
    lba = rng.randrange(100, 1000)
    itt = s.scsi_send(cdb_write10(lba, edtl // 512), edtl, write=True,
                      final=rng.random() < 0.5)
    # wait briefly for an R2T to use its TTT; else unsolicited
    ttt = RSVD_TAG
    p = s.recv_or_none(0.05)
    if p is not None and p.opcode == OP_R2T and p.itt == itt:
        ttt = p.ttt
    for _ in range(rng.randrange(1, 4)):
        off = rng.choice((edtl, edtl - 4, edtl + 512, rword() & ~3, 0))
        s.data_out(itt, ttt, off, rbytes(rng.choice((512, 1024, 8))),
                   datasn=rng.randrange(4), final=rng.random() < 0.6)


def m_login_in_ffp(s):
    keys = rng.choice(([("InitiatorName", DEFAULT_INITIATOR), ("TargetName", IQN)],
                       [("MaxRecvDataSegmentLength", "512")],
                       [("AuthMethod", "CHAP,None")], [], ["garbage"]))
    bhs = build_login(rword(), new_isid(), tsih=rng.choice((0, s.tsih, rword() & 0xFFFF)),
                      cid=rng.randrange(4), cmdsn=s.cmdsn, exp_statsn=s.exp_statsn,
                      csg=rng.randrange(4), nsg=rng.randrange(4),
                      transit=rng.random() < 0.5, cont=rng.random() < 0.3)
    s.send(bhs, text_encode(keys))


def m_text_unterminated(s):
    kind = rng.randrange(4)
    if kind == 0:
        data = b"SendTargets=All"                      # no NUL
    elif kind == 1:
        data = b"X" * rng.randrange(1, 8000)            # one key, no '=' nor NUL
    elif kind == 2:
        data = b"\0" * rng.randrange(1, 100)            # empty records
    else:
        data = text_encode([("X-fuzz-%d" % i, "v" * rng.randrange(300))
                            for i in range(rng.randrange(1, 40))])[:-1]
    cont = rng.random() < 0.4
    bhs = build_text(s.next_itt(), s.take_cmdsn(), s.exp_statsn,
                     ttt=rng.choice((RSVD_TAG, RSVD_TAG, rword())), final=not cont,
                     cont=cont)
    s.send(bhs, data[:s.mxdsl])


def m_tmf(s):
    fn = rng.choice((rng.randrange(128), TMF_ABORT_TASK, TMF_ABORT_TASK_SET,
                     TMF_LUN_RESET, TMF_CLEAR_TASK_SET, rng.randrange(8, 16)))
    bhs = build_tmf(s.next_itt(), fn, rng.choice((s.cmdsn, rword())), s.exp_statsn,
                    rtt=rng.choice((RSVD_TAG, s.itt, rword())), refcmdsn=rword(),
                    exp_datasn=rword(), lun=rng.choice((0, 0, 1, 255, 300)),
                    immediate=rng.random() < 0.8)
    if rng.random() < 0.2:
        bhs[1] &= 0x7F                       # F bit clear
    s.send(bhs)


_CDB_OPS = (0x00, 0x03, 0x08, 0x0A, 0x12, 0x15, 0x1A, 0x1B, 0x1D, 0x25, 0x28, 0x2A,
            0x2F, 0x35, 0x41, 0x42, 0x4D, 0x55, 0x5A, 0x5E, 0x5F, 0x88, 0x8A, 0x8F,
            0x91, 0x93, 0x9E, 0xA0, 0xA3, 0xA8, 0xAA)


def m_scsi_random(s):
    cdb = bytearray(rbytes(16))
    cdb[0] = rng.choice(_CDB_OPS + (rng.randrange(256),))
    if rng.random() < 0.5:
        # short transfer lengths most of the time, to keep the batch quick
        for i in range(4, 16):
            if rng.random() < 0.7:
                cdb[i] = 0
    edtl = rng.choice((0, 512, 4096, 65536, rng.getrandbits(32), rng.randrange(8192)))
    rd = rng.random() < 0.5
    wr = rng.random() < 0.4
    imm = b""
    if wr and rng.random() < 0.5:
        imm = rbytes(min(s.mxdsl, rng.choice((1, 512, 4096))))
    lun = rng.choice((0, 0, 0, 1, 7))
    s.scsi_send(bytes(cdb), edtl & 0xFFFFFFFF, read=rd, write=wr, data=imm,
                final=rng.random() < 0.9, lun=lun)


def m_nop_odd(s):
    kind = rng.randrange(3)
    if kind == 0:   # answer to a ping never sent
        bhs = build_nop_out(RSVD_TAG, rword(), s.cmdsn, s.exp_statsn, immediate=True)
    elif kind == 1:  # ITT reserved, non-immediate, with data
        bhs = build_nop_out(RSVD_TAG, RSVD_TAG, s.cmdsn, s.exp_statsn)
    else:           # F bit clear, random LUN
        bhs = build_nop_out(s.next_itt(), RSVD_TAG, s.take_cmdsn(), s.exp_statsn,
                            lun=rng.randrange(512), flags=0)
    s.send(bhs, rbytes(rng.choice((0, 3, 64))))


def m_snack_logout(s):
    if rng.random() < 0.5:
        s.send(build_snack(rword(), rng.randrange(16), s.exp_statsn, ttt=rword(),
                           begrun=rword(), runlength=rword()))
    else:
        s.send(build_logout(s.next_itt(), rng.choice((s.cmdsn, rword())), s.exp_statsn,
                            rng.randrange(128), rng.randrange(4),
                            immediate=rng.random() < 0.5))
        if not RACY:
            s.conn.wait_closed(0.5)


def m_truncated_close(s):
    bhs = build_scsi_cmd(s.next_itt(), cdb_write10(rng.randrange(64), 8), 4096,
                         s.take_cmdsn(), s.exp_statsn, write=True, final=False)
    raw = bytes(bhs) + rbytes(4096)
    s.conn.send_raw(raw[:rng.randrange(1, 48 + 2048)])
    if rng.random() < 0.5:
        rst_close(s)
    raise Desync()


def m_reinstate(s):
    """A second login with the same ISID (session reinstatement) while
    this one may hold tasks."""
    s2 = Session(HOST, PORT, timeout=10.0, isid=s.isid)
    try:
        s2.login(IQN)
        s2.nop(b"reinstated", timeout=10)
    finally:
        s2.conn.close()
    raise Desync()


MUTATIONS = [
    (m_random_opcode, 4), (m_random_bhs_lying, 2), (m_dlen_over_mrdsl, 2),
    (m_dlen_lie_short, 1), (m_ahs_lie, 2), (m_bad_padding, 2), (m_cmdsn_chaos, 4),
    (m_data_out_unknown, 3), (m_data_out_beyond_edtl, 3), (m_login_in_ffp, 2),
    (m_text_unterminated, 3), (m_tmf, 4), (m_scsi_random, 6), (m_nop_odd, 2),
    (m_snack_logout, 2), (m_truncated_close, 1), (m_reinstate, 1),
]
_WEIGHTED = [m for m, w in MUTATIONS for _ in range(w)]


# ------------------------------------------------------ login stuffing --


def login_stuffing():
    """A fresh connection whose login carries thousands of keys or overlong
    values, in several Login PDUs (C bit), then close."""
    s = Session(HOST, PORT, timeout=10.0, isid=new_isid())
    kind = rng.randrange(4)
    base = [("InitiatorName", DEFAULT_INITIATOR), ("SessionType", "Normal"),
            ("TargetName", IQN)]
    if kind == 0:
        keys = base + [("X-fuzz-%05d" % i, "v%d" % i) for i in range(rng.randrange(1000, 5000))]
    elif kind == 1:
        keys = [("InitiatorName", "iqn.x:" + "a" * rng.randrange(224, 20000))] + base[1:]
    elif kind == 2:
        keys = base + [("MaxRecvDataSegmentLength", "9" * rng.randrange(10, 600)),
                       ("HeaderDigest", ",".join(["None"] * rng.randrange(10, 2000)))]
    else:
        keys = base + [("TargetAlias", "t" * rng.randrange(256, 9000)),
                       ("X-" + "k" * rng.randrange(60, 300), "v")]
    data = text_encode(keys)
    try:
        off = 0
        while off < len(data):
            chunk = data[off:off + 8192]
            off += len(chunk)
            more = off < len(data)
            r = s.login_pdu([], STAGE_OP, STAGE_FFP, transit=not more, cont=more,
                            data=chunk, timeout=10)
            if r.opcode != OP_LOGIN_RSP or r.status:
                break
            if not more:
                if r.transit and not RACY:
                    s.enter_ffp()
                    s.nop(b"settle", timeout=10)
                break
    except (Closed, Timeout, OSError):
        pass
    finally:
        if rng.random() < 0.5:
            rst_close(s)
        else:
            s.conn.close()


# ------------------------------------------------------------- checks --


def check(t, label):
    s = None
    try:
        s = fresh()
        r = s.nop(b"fuzz-check", timeout=10)
        ok = r.opcode == OP_NOOP_IN and r.data == b"fuzz-check"
        res = s.read(cdb_read10(0, 1), 512, timeout=10)
        ok2 = res.status == 0 and len(res.data) == 512
        t.ok(ok and ok2, "%s: a fresh login, a NOP-Out and READ(10) of LBA 0 work" % label,
             repr(r), repr(res.status_pdu))
        logout_close(s)
        return ok and ok2
    except Exception as e:  # noqa: BLE001
        t.ok(False, "%s: a fresh login, a NOP-Out and READ(10) of LBA 0 work" % label,
             repr(e))
        return False
    finally:
        if s:
            s.conn.close()


def run_batch(t, bno, n, stats):
    """n mutations; returns False if a reconnect login failed."""
    s = None
    done = 0
    while done < n:
        if s is None:
            try:
                s = fresh()
                stats["logins"] += 1
            except Exception as e:  # noqa: BLE001
                t.ok(False, "batch %d: re-login after mutation %d works" % (bno, done),
                     repr(e))
                return done, False
        if rng.random() < 0.04:
            login_stuffing()
            stats["stuffing"] += 1
            done += 1
            continue
        m = rng.choice(_WEIGHTED)
        stats[m.__name__] = stats.get(m.__name__, 0) + 1
        done += 1
        try:
            m(s)
            drain(s)
        except Desync:
            stats["desync"] += 1
            s.conn.close()
            s = None
        except (Closed, OSError):
            stats["closed"] += 1
            s.conn.close()
            s = None
        except (Timeout, LoginError):
            # reinstatement login may be refused while the old one drains
            stats["other"] += 1
            s.conn.close()
            s = None
    if s is not None:
        if rng.random() < 0.5:
            rst_close(s)
        else:
            s.conn.close()
    return done, True


def test_fuzz(t):
    t.diag("FUZZ_SEED=0x%x FUZZ_ITERS=%d FUZZ_BATCH=%d FUZZ_TIME=%g FUZZ_RACY=%d" %
           (SEED, ITERS, BATCH, TLIMIT, RACY))
    stats = {"logins": 0, "desync": 0, "closed": 0, "other": 0, "stuffing": 0}
    check(t, "before fuzzing")
    start = time.monotonic()
    total = 0
    bno = 0
    while total < ITERS:
        if time.monotonic() - start > TLIMIT:
            t.diag("FUZZ_TIME reached: stopping early")
            break
        bno += 1
        n, ok = run_batch(t, bno, min(BATCH, ITERS - total), stats)
        total += n
        if not check(t, "batch %d (%d mutations so far)" % (bno, total)):
            t.diag("seed 0x%x: the failure follows batch %d" % (SEED, bno))
            break
    el = time.monotonic() - start
    t.diag("iterations run: %d in %d batches, %.1f s (seed 0x%x)" % (total, bno, el, SEED))
    t.diag("stats: %s" % " ".join("%s=%d" % kv for kv in sorted(stats.items())))
    t.ok(total > 0, "fuzzer ran %d iterations (seed 0x%x)" % (total, SEED))


main([test_fuzz])
