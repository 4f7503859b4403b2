# SPDX-License-Identifier: GPL-2.0
"""
pdu.py - a small raw-PDU iSCSI initiator for protocol tests (RFC 7143).

Python 3, standard library only.  Three layers:

  * codec: CRC32C, the 48-byte BHS of every opcode (build_* functions and
    PDU.parse), text key=value segments, padding;
  * Conn: one TCP connection sending and receiving whole PDUs, with
    optional header/data digests and deliberate corruption for tests;
  * Session helpers: login (arbitrary keys, stages, T/C bits, ISID, TSIH,
    CID), Text/SendTargets, NOP-Out, SCSI commands with immediate data,
    unsolicited Data-Out and R2T-driven Data-Out, Data-In collection, TMF,
    Logout, SNACK, with CmdSN/ExpStatSN bookkeeping.

Plus a TAP helper (class Tap) printing one line per assertion.
Nothing here enforces protocol rules: a test may send anything.
"""

import itertools
import os
import select
import socket
import struct
import sys
import time

# ---------------------------------------------------------------- opcodes --

OP_NOOP_OUT = 0x00
OP_SCSI_CMD = 0x01
OP_TMF_REQ = 0x02
OP_LOGIN_REQ = 0x03
OP_TEXT_REQ = 0x04
OP_DATA_OUT = 0x05
OP_LOGOUT_REQ = 0x06
OP_SNACK = 0x10

OP_NOOP_IN = 0x20
OP_SCSI_RSP = 0x21
OP_TMF_RSP = 0x22
OP_LOGIN_RSP = 0x23
OP_TEXT_RSP = 0x24
OP_DATA_IN = 0x25
OP_LOGOUT_RSP = 0x26
OP_R2T = 0x31
OP_ASYNC = 0x32
OP_REJECT = 0x3F

OP_NAMES = {
    OP_NOOP_OUT: "NOP-Out", OP_SCSI_CMD: "SCSI Command", OP_TMF_REQ: "TMF Request",
    OP_LOGIN_REQ: "Login Request", OP_TEXT_REQ: "Text Request",
    OP_DATA_OUT: "Data-Out", OP_LOGOUT_REQ: "Logout Request", OP_SNACK: "SNACK",
    OP_NOOP_IN: "NOP-In", OP_SCSI_RSP: "SCSI Response", OP_TMF_RSP: "TMF Response",
    OP_LOGIN_RSP: "Login Response", OP_TEXT_RSP: "Text Response",
    OP_DATA_IN: "Data-In", OP_LOGOUT_RSP: "Logout Response", OP_R2T: "R2T",
    OP_ASYNC: "Async Message", OP_REJECT: "Reject",
}

IMMEDIATE = 0x40
F_FINAL = 0x80
F_READ = 0x40
F_WRITE = 0x20
ATTR_SIMPLE = 1
# Data-In / SCSI Response flags
F_ACK = 0x40
F_O = 0x04
F_U = 0x02
F_S = 0x01
F_BIDI_O = 0x10
F_BIDI_U = 0x08
# Login
F_TRANSIT = 0x80
F_CONTINUE = 0x40
STAGE_SEC = 0
STAGE_OP = 1
STAGE_FFP = 3
# Text
F_TEXT_C = 0x40

RSVD_TAG = 0xFFFFFFFF

# Reject reasons (11.17.1)
REJ_DIGEST = 0x02
REJ_SNACK = 0x03
REJ_PROTOCOL = 0x04
REJ_NOT_SUPPORTED = 0x05
REJ_IMM_CMD = 0x06
REJ_TASK_IN_PROGRESS = 0x07
REJ_INVALID_DATA_ACK = 0x08
REJ_INVALID_FIELD = 0x09

# TMF functions
TMF_ABORT_TASK = 1
TMF_ABORT_TASK_SET = 2
TMF_CLEAR_ACA = 3
TMF_CLEAR_TASK_SET = 4
TMF_LUN_RESET = 5
TMF_TARGET_WARM_RESET = 6
TMF_TARGET_COLD_RESET = 7

# Logout reasons
LOGOUT_SESSION = 0
LOGOUT_CONNECTION = 1
LOGOUT_RECOVERY = 2

BHS_LEN = 48

# ------------------------------------------------------------------ CRC32C --


def _crc32c_table():
    poly = 0x82F63B78  # Castagnoli, reflected
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data, crc=0):
    """CRC32C as iSCSI uses it (RFC 7143 13.1, RFC 3385): init ~0, final ~.
    Pass the previous result as crc to continue over several buffers."""
    c = crc ^ 0xFFFFFFFF
    t = _CRC_TABLE
    for b in data:
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def digest_bytes(data):
    """The 4 bytes of a digest on the wire (least significant byte first, as
    every iSCSI implementation puts it)."""
    return struct.pack("<I", crc32c(data))


assert crc32c(b"123456789") == 0xE3069283, "CRC32C self-check"
# RFC 3720 B.4 example: 32 bytes of zeros
assert digest_bytes(bytes(32)) == bytes([0xAA, 0x36, 0x91, 0x8A]), "CRC32C vector"

# ------------------------------------------------------------------- text --


def pad4(n):
    return (4 - (n & 3)) & 3


def text_encode(keys):
    """keys: list of (key, value) pairs or "key=value" strings (a string is
    sent verbatim, so malformed records can be built) -> data segment."""
    out = b""
    for kv in keys:
        if isinstance(kv, (bytes, bytearray)):
            out += bytes(kv) + b"\0"
        elif isinstance(kv, str):
            out += kv.encode() + b"\0"
        else:
            out += ("%s=%s" % kv).encode() + b"\0"
    return out


def text_decode(data):
    """Data segment -> list of (key, value) (value None when no '=')."""
    res = []
    for rec in bytes(data).split(b"\0"):
        if not rec:
            continue
        s = rec.decode("utf-8", "replace")
        if "=" in s:
            k, v = s.split("=", 1)
            res.append((k, v))
        else:
            res.append((s, None))
    return res


def text_dict(data):
    """Last value wins; use text_decode to see duplicates."""
    return dict(text_decode(data))

# -------------------------------------------------------------------- BHS --


def _dlen3(n):
    return struct.pack(">I", n)[1:]


def _bhs(opcode, immediate=False, flags=0, b2=0, b3=0, lun=b"\0" * 8, itt=0,
         words=(), tail=None, ahs_len=0, dlen=0):
    b = bytearray(BHS_LEN)
    b[0] = (opcode & 0x3F) | (IMMEDIATE if immediate else 0)
    b[1] = flags & 0xFF
    b[2] = b2 & 0xFF
    b[3] = b3 & 0xFF
    b[4] = (ahs_len // 4) & 0xFF
    b[5:8] = _dlen3(dlen)
    b[8:16] = bytes(lun).ljust(8, b"\0")[:8]
    struct.pack_into(">I", b, 16, itt & 0xFFFFFFFF)
    off = 20
    for w in words:
        struct.pack_into(">I", b, off, w & 0xFFFFFFFF)
        off += 4
    if tail is not None:
        t = bytes(tail)
        b[off:off + len(t)] = t
    return b


def lun_bytes(lun):
    """SAM single-level LUN (peripheral below 256, flat space above)."""
    if lun < 256:
        return bytes([0, lun]) + bytes(6)
    return bytes([0x40 | (lun >> 8), lun & 0xFF]) + bytes(6)


def build_nop_out(itt, ttt=RSVD_TAG, cmdsn=0, exp_statsn=0, lun=0,
                  immediate=False, flags=F_FINAL):
    return _bhs(OP_NOOP_OUT, immediate, flags, lun=lun_bytes(lun), itt=itt,
                words=(ttt, cmdsn, exp_statsn))


def build_scsi_cmd(itt, cdb, edtl, cmdsn, exp_statsn, read=False, write=False,
                   final=True, lun=0, attr=ATTR_SIMPLE, immediate=False):
    flags = (F_FINAL if final else 0) | (F_READ if read else 0) | \
        (F_WRITE if write else 0) | (attr & 7)
    cdb = bytes(cdb).ljust(16, b"\0")
    return _bhs(OP_SCSI_CMD, immediate, flags, lun=lun_bytes(lun), itt=itt,
                words=(edtl, cmdsn, exp_statsn), tail=cdb)


def build_tmf(itt, function, cmdsn, exp_statsn, rtt=RSVD_TAG, refcmdsn=0,
              exp_datasn=0, lun=0, immediate=True):
    return _bhs(OP_TMF_REQ, immediate, F_FINAL | (function & 0x7F),
                lun=lun_bytes(lun), itt=itt,
                words=(rtt, cmdsn, exp_statsn, refcmdsn, exp_datasn))


def build_login(itt, isid, tsih=0, cid=0, cmdsn=0, exp_statsn=0, csg=STAGE_OP,
                nsg=STAGE_FFP, transit=True, cont=False, vmax=0, vmin=0):
    flags = (F_TRANSIT if transit else 0) | (F_CONTINUE if cont else 0) | \
        ((csg & 3) << 2) | (nsg & 3)
    isid = bytes(isid).ljust(6, b"\0")[:6]
    b = _bhs(OP_LOGIN_REQ, True, flags, vmax, vmin, lun=isid + struct.pack(">H", tsih),
             itt=itt, words=((cid << 16), cmdsn, exp_statsn))
    return b


def build_text(itt, cmdsn, exp_statsn, ttt=RSVD_TAG, final=True, cont=False,
               lun=0, immediate=False):
    flags = (F_FINAL if final else 0) | (F_TEXT_C if cont else 0)
    return _bhs(OP_TEXT_REQ, immediate, flags, lun=lun_bytes(lun), itt=itt,
                words=(ttt, cmdsn, exp_statsn))


def build_data_out(itt, ttt, datasn, offset, exp_statsn, final=True, lun=0):
    return _bhs(OP_DATA_OUT, False, F_FINAL if final else 0, lun=lun_bytes(lun),
                itt=itt, words=(ttt, 0, exp_statsn, 0, datasn, offset, 0))


def build_logout(itt, cmdsn, exp_statsn, reason=LOGOUT_SESSION, cid=0,
                 immediate=False):
    return _bhs(OP_LOGOUT_REQ, immediate, F_FINAL | (reason & 0x7F), itt=itt,
                words=((cid << 16), cmdsn, exp_statsn))


def build_snack(itt, snack_type, exp_statsn, ttt=RSVD_TAG, begrun=0, runlength=0,
                lun=0):
    return _bhs(OP_SNACK, False, F_FINAL | (snack_type & 0x0F), lun=lun_bytes(lun),
                itt=itt, words=(ttt, 0, exp_statsn, 0, 0, begrun, runlength))

# ------------------------------------------------------------------- PDU --


class PDU:
    """A received (or built) PDU with the generic and per-opcode fields."""

    def __init__(self, bhs, ahs=b"", data=b""):
        self.bhs = bytes(bhs)
        self.ahs = bytes(ahs)
        self.data = bytes(data)
        b = self.bhs
        self.immediate = bool(b[0] & IMMEDIATE)
        self.opcode = b[0] & 0x3F
        self.flags = b[1]
        self.b2 = b[2]
        self.b3 = b[3]
        self.ahs_len = b[4] * 4
        self.dlen = struct.unpack(">I", b"\0" + b[5:8])[0]
        self.lun = b[8:16]
        (self.itt, self.w20, self.w24, self.w28, self.w32, self.w36, self.w40,
         self.w44) = struct.unpack(">8I", b[16:48])
        op = self.opcode
        self.final = bool(self.flags & F_FINAL)
        # names shared by target PDUs
        self.ttt = self.w20
        self.statsn = self.w24
        self.exp_cmdsn = self.w28
        self.max_cmdsn = self.w32
        if op == OP_LOGIN_RSP:
            self.transit = bool(self.flags & F_TRANSIT)
            self.cont = bool(self.flags & F_CONTINUE)
            self.csg = (self.flags >> 2) & 3
            self.nsg = self.flags & 3
            self.version_max = b[2]
            self.version_active = b[3]
            self.isid = b[8:14]
            self.tsih = struct.unpack(">H", b[14:16])[0]
            self.status_class = b[36]
            self.status_detail = b[37]
            self.status = (b[36] << 8) | b[37]
            self.keys = text_decode(self.data)
        elif op == OP_TEXT_RSP:
            self.cont = bool(self.flags & F_TEXT_C)
            self.keys = text_decode(self.data)
        elif op == OP_SCSI_RSP:
            self.response = b[2]
            self.status = b[3]
            self.snack_tag = self.w20
            self.exp_datasn = self.w36
            self.bidi_residual = self.w40
            self.residual = self.w44
            self.sense = b""
            if len(self.data) >= 2:
                sl = struct.unpack(">H", self.data[:2])[0]
                self.sense = self.data[2:2 + sl]
        elif op == OP_DATA_IN:
            self.status = b[3]
            self.datasn = self.w36
            self.offset = self.w40
            self.residual = self.w44
        elif op == OP_R2T:
            self.r2tsn = self.w36
            self.offset = self.w40
            self.length = self.w44
        elif op == OP_REJECT:
            self.reason = b[2]
            self.datasn = self.w36
        elif op == OP_LOGOUT_RSP:
            self.response = b[2]
            self.time2wait = struct.unpack(">H", b[40:42])[0]
            self.time2retain = struct.unpack(">H", b[42:44])[0]
        elif op == OP_TMF_RSP:
            self.response = b[2]
        elif op == OP_ASYNC:
            self.event = b[36]

    @property
    def name(self):
        return OP_NAMES.get(self.opcode, "opcode 0x%02x" % self.opcode)

    def flag(self, f):
        return bool(self.flags & f)

    def __repr__(self):
        s = "<%s flags=0x%02x itt=0x%08x dlen=%d" % (self.name, self.flags,
                                                     self.itt, self.dlen)
        if self.opcode >= 0x20:
            s += " statsn=%d expcmdsn=%d maxcmdsn=%d" % (self.statsn, self.exp_cmdsn,
                                                       self.max_cmdsn)
        if self.opcode == OP_LOGIN_RSP:
            s += " status=0x%04x tsih=%d T=%d csg=%d nsg=%d keys=%r" % (
                self.status, self.tsih, self.transit, self.csg, self.nsg, self.keys)
        elif self.opcode == OP_REJECT:
            s += " reason=0x%02x" % self.reason
        elif self.opcode == OP_SCSI_RSP:
            s += " status=0x%02x resp=%d resid=%d" % (self.status, self.response,
                                                     self.residual)
        elif self.opcode == OP_DATA_IN:
            s += " datasn=%d off=%d S=%d" % (self.datasn, self.offset,
                                             self.flag(F_S))
        elif self.opcode == OP_R2T:
            s += " r2tsn=%d off=%d len=%d" % (self.r2tsn, self.offset, self.length)
        return s + ">"

# ------------------------------------------------------------ connection --


class Closed(Exception):
    """The target closed (or reset) the connection."""


class Timeout(Exception):
    """No complete PDU within the timeout."""


class Conn:
    """One TCP connection carrying whole PDUs."""

    def __init__(self, host="127.0.0.1", port=3260, timeout=10.0):
        self.host, self.port = host, port
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.hdigest = False
        self.ddigest = False
        self.rbuf = b""
        self.log = []           # (direction, PDU) of everything seen
        self.trace = bool(os.environ.get("PDU_TRACE"))

    # -- send --
    def send(self, bhs, data=b"", ahs=b"", corrupt_hdigest=False,
             corrupt_ddigest=False, dlen=None, raw_tail=b""):
        """Send one PDU.  DataSegmentLength is set from data unless dlen is
        given.  corrupt_* flip a bit of the digest sent."""
        # the caller's bytearray is updated too, so it shows what was sent
        b = bhs if isinstance(bhs, bytearray) else bytearray(bhs)
        b[4] = len(ahs) // 4
        b[5:8] = _dlen3(len(data) if dlen is None else dlen)
        hdr = bytes(b) + bytes(ahs)
        out = hdr
        if self.hdigest:
            d = bytearray(digest_bytes(hdr))
            if corrupt_hdigest:
                d[0] ^= 0x01
            out += bytes(d)
        if data:
            seg = bytes(data) + bytes(pad4(len(data)))
            out += seg
            if self.ddigest:
                d = bytearray(digest_bytes(seg))
                if corrupt_ddigest:
                    d[0] ^= 0x01
                out += bytes(d)
        out += raw_tail
        if self.trace:
            sys.stderr.write("-> %r\n" % PDU(b, ahs, data))
        self.log.append(("out", PDU(b, ahs, data)))
        self.sock.sendall(out)

    def send_raw(self, raw):
        self.sock.sendall(raw)

    # -- receive --
    def _fill(self, n, deadline):
        while len(self.rbuf) < n:
            left = max(0.0, deadline - time.monotonic())
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                raise Timeout()
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionResetError, BrokenPipeError) as e:
                raise Closed(str(e))
            if not chunk:
                raise Closed("EOF")
            self.rbuf += chunk

    def recv(self, timeout=None):
        """One PDU, or raise Timeout / Closed.  A partial PDU stays buffered
        after a Timeout."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        self._fill(BHS_LEN, deadline)
        b = self.rbuf[:BHS_LEN]
        ahs_len = b[4] * 4
        dlen = struct.unpack(">I", b"\0" + b[5:8])[0]
        hd = 4 if self.hdigest else 0
        dd = 4 if (self.ddigest and dlen) else 0
        total = BHS_LEN + ahs_len + hd + dlen + pad4(dlen) + dd
        self._fill(total, deadline)
        raw, self.rbuf = self.rbuf[:total], self.rbuf[total:]
        ahs = raw[BHS_LEN:BHS_LEN + ahs_len]
        p = BHS_LEN + ahs_len
        pdu_hd = raw[p:p + hd]
        p += hd
        data = raw[p:p + dlen]
        seg = raw[p:p + dlen + pad4(dlen)]
        p += dlen + pad4(dlen)
        pdu_dd = raw[p:p + dd]
        pdu = PDU(b, ahs, data)
        pdu.hdigest_ok = (not hd) or pdu_hd == digest_bytes(raw[:BHS_LEN + ahs_len])
        pdu.ddigest_ok = (not dd) or pdu_dd == digest_bytes(seg)
        pdu.pad = raw[BHS_LEN + ahs_len + hd + dlen:BHS_LEN + ahs_len + hd + dlen + pad4(dlen)]
        if self.trace:
            sys.stderr.write("<- %r\n" % pdu)
        self.log.append(("in", pdu))
        return pdu

    def recv_or_none(self, timeout=None):
        try:
            return self.recv(timeout)
        except Timeout:
            return None

    def wait_closed(self, timeout=10.0):
        """True if the target closes the connection within timeout (PDUs
        received meanwhile are kept in self.log and returned in .pending)."""
        self.pending = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.pending.append(self.recv(max(0.0, deadline - time.monotonic())))
            except Closed:
                return True
            except Timeout:
                return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

# ---------------------------------------------------------------- session --


class LoginError(Exception):
    def __init__(self, rsp):
        Exception.__init__(self, "login failed: %r" % rsp)
        self.rsp = rsp


DEFAULT_INITIATOR = "iqn.2026-11.org.ktgt:pdu-initiator"


# ISID qualifiers of Session(): a random start, then one after the other
_ISID_SEQ = itertools.count(int.from_bytes(os.urandom(2), "big"))


class Session:
    """An initiator session of one connection, with numbering state.

    s = Session(host, port); s.login(target); s.nop(b"ping"); s.logout()
    """

    def __init__(self, host="127.0.0.1", port=3260, timeout=10.0,
                 initiator=DEFAULT_INITIATOR, isid=None):
        self.conn = Conn(host, port, timeout)
        self.initiator = initiator
        # ISIDs unique within this process (a repeated one would reinstate,
        # that is end, the session that has it), random across processes
        self.isid = isid if isid is not None else \
            bytes([0x80, 0x00, 0x00]) + struct.pack(">H", next(_ISID_SEQ) & 0xFFFF) + b"\x01"
        self.tsih = 0
        self.cid = 1
        self.itt = 0x1000
        self.cmdsn = 1
        self.exp_statsn = 0
        self.max_cmdsn = 1
        self.exp_cmdsn = 1
        self.params = {}             # negotiated, from the login responses
        self.login_rsps = []
        self.mrdsl = 8192            # what we declared (our receive limit)
        self.mxdsl = 8192            # what the target declared
        self.first_burst = 65536
        self.max_burst = 262144
        self.immediate_data = True
        self.initial_r2t = True
        self.max_r2t = 1
        self.statsns = []            # StatSN of every status-bearing PDU
        self.auto_ping = True
        self.pings = []

    # -- numbering --
    def next_itt(self):
        self.itt += 1
        if self.itt == RSVD_TAG:
            self.itt = 1
        return self.itt

    def take_cmdsn(self):
        c = self.cmdsn
        self.cmdsn = (self.cmdsn + 1) & 0xFFFFFFFF
        return c

    def _track(self, pdu):
        """Update ExpStatSN/window from a target PDU."""
        if pdu.opcode in (OP_SCSI_RSP, OP_NOOP_IN, OP_TEXT_RSP, OP_LOGOUT_RSP,
                          OP_TMF_RSP, OP_REJECT, OP_ASYNC, OP_LOGIN_RSP) or \
                (pdu.opcode == OP_DATA_IN and pdu.flag(F_S)):
            if not (pdu.opcode == OP_NOOP_IN and pdu.itt == RSVD_TAG):
                self.exp_statsn = (pdu.statsn + 1) & 0xFFFFFFFF
                self.statsns.append(pdu.statsn)
        if pdu.opcode in (OP_SCSI_RSP, OP_NOOP_IN, OP_TEXT_RSP, OP_LOGOUT_RSP,
                          OP_TMF_RSP, OP_REJECT, OP_ASYNC, OP_R2T, OP_DATA_IN,
                          OP_LOGIN_RSP):
            self.exp_cmdsn = pdu.exp_cmdsn
            self.max_cmdsn = pdu.max_cmdsn

    def send(self, bhs, data=b"", **kw):
        self.conn.send(bhs, data, **kw)

    def recv(self, timeout=None):
        """Next PDU for the test.  Target pings (NOP-In with ITT 0xffffffff
        and a TTT) are answered here (11.18) and kept in self.pings, unless
        auto_ping is False.  The timeout is one deadline for the whole call:
        answering pings does not restart it."""
        deadline = time.monotonic() + (self.conn.timeout if timeout is None else timeout)
        while True:
            pdu = self.conn.recv(max(0.0, deadline - time.monotonic()))
            self._track(pdu)
            if self.auto_ping and pdu.opcode == OP_NOOP_IN and pdu.itt == RSVD_TAG \
                    and pdu.ttt != RSVD_TAG:
                self.pings.append(pdu)
                b = build_nop_out(RSVD_TAG, pdu.ttt, self.cmdsn, self.exp_statsn,
                                  immediate=True)
                b[8:16] = pdu.lun
                self.conn.send(b)
                continue
            return pdu

    def recv_or_none(self, timeout=None):
        try:
            return self.recv(timeout)
        except Timeout:
            return None

    # -- login --
    def login_pdu(self, keys, csg=STAGE_OP, nsg=STAGE_FFP, transit=True,
                  cont=False, vmax=0, vmin=0, itt=None, isid=None, tsih=None,
                  cid=None, cmdsn=None, data=None, timeout=None, expect_rsp=True):
        """Send one Login Request with these keys; return the response."""
        if itt is None:
            itt = self.login_itt = getattr(self, "login_itt", None) or self.next_itt()
        bhs = build_login(itt, self.isid if isid is None else isid,
                          self.tsih if tsih is None else tsih,
                          self.cid if cid is None else cid,
                          self.cmdsn if cmdsn is None else cmdsn,
                          self.exp_statsn, csg, nsg, transit, cont, vmax, vmin)
        self.conn.send(bhs, text_encode(keys) if data is None else data)
        if not expect_rsp:
            return None
        rsp = self.recv(timeout)
        self.login_rsps.append(rsp)
        if rsp.opcode == OP_LOGIN_RSP:
            for k, v in rsp.keys:
                self.params[k] = v
        return rsp

    def login(self, target=None, keys=(), discovery=False, security=False,
              initiator=None, digests=None):
        """A whole login: optional security stage (AuthMethod=None), then the
        operational stage to full feature phase.  keys are extra operational
        keys.  Returns the final response; raises LoginError on a non-zero
        status.  Applies the negotiated digests and lengths."""
        ini = self.initiator if initiator is None else initiator
        first = [("InitiatorName", ini)]
        if discovery:
            first.append(("SessionType", "Discovery"))
        else:
            first.append(("SessionType", "Normal"))
            if target is not None:
                first.append(("TargetName", target))
        if security:
            rsp = self.login_pdu(first + [("AuthMethod", "None")], STAGE_SEC, STAGE_OP)
            if rsp.opcode != OP_LOGIN_RSP or rsp.status:
                raise LoginError(rsp)
            while not rsp.transit:
                rsp = self.login_pdu([], STAGE_SEC, STAGE_OP)
                if rsp.opcode != OP_LOGIN_RSP or rsp.status:
                    raise LoginError(rsp)
            first = []
        opk = list(first) + list(keys)
        if not any(k[0] == "MaxRecvDataSegmentLength" for k in opk if isinstance(k, tuple)):
            opk.append(("MaxRecvDataSegmentLength", str(self.mrdsl)))
        rsp = self.login_pdu(opk, STAGE_OP, STAGE_FFP)
        if rsp.opcode != OP_LOGIN_RSP or rsp.status:
            raise LoginError(rsp)
        n = 0
        while not rsp.transit:
            # the target has offers pending: answer them with its values
            # (only the target's own offers: keys we sent are answered)
            sent = {k[0] for k in opk if isinstance(k, tuple)}
            ans = [(k, v) for k, v in rsp.keys
                   if k not in sent and
                   k not in ("TargetPortalGroupTag", "TargetAlias", "TargetAddress",
                             "MaxRecvDataSegmentLength")]
            rsp = self.login_pdu(ans, STAGE_OP, STAGE_FFP)
            if rsp.opcode != OP_LOGIN_RSP or rsp.status:
                raise LoginError(rsp)
            n += 1
            if n > 4:
                raise LoginError(rsp)
        self.tsih = rsp.tsih
        self.enter_ffp(keys)
        return rsp

    def enter_ffp(self, keys=()):
        """Apply negotiated values once the final login response is in."""
        sent = {}
        for kv in keys:
            if isinstance(kv, tuple):
                sent[kv[0]] = kv[1]
        p = self.params
        for k in ("MaxRecvDataSegmentLength",):
            if k in sent:
                self.mrdsl = int(sent[k], 0)
        if "MaxRecvDataSegmentLength" in p:
            self.mxdsl = int(p["MaxRecvDataSegmentLength"], 0)

        def val(key, default):
            return p.get(key, sent.get(key, default))
        self.first_burst = int(val("FirstBurstLength", "65536"), 0)
        self.max_burst = int(val("MaxBurstLength", "262144"), 0)
        self.immediate_data = val("ImmediateData", "Yes") == "Yes"
        self.initial_r2t = val("InitialR2T", "Yes") == "Yes"
        self.max_r2t = int(val("MaxOutstandingR2T", "1"), 0)
        self.conn.hdigest = val("HeaderDigest", "None") == "CRC32C"
        self.conn.ddigest = val("DataDigest", "None") == "CRC32C"
        self.login_itt = None

    # -- full feature phase --
    def nop(self, data=b"", lun=0, timeout=None):
        itt = self.next_itt()
        self.send(build_nop_out(itt, RSVD_TAG, self.take_cmdsn(), self.exp_statsn, lun),
                  data)
        return self.recv(timeout)

    def text(self, keys, timeout=None):
        """Text request; follows C-bit continuations; returns (responses, keys)."""
        itt = self.next_itt()
        self.send(build_text(itt, self.take_cmdsn(), self.exp_statsn), text_encode(keys))
        rsps = []
        data = b""
        while True:
            r = self.recv(timeout)
            rsps.append(r)
            if r.opcode != OP_TEXT_RSP:
                break
            data += r.data
            if r.final or not r.cont:
                break
            self.send(build_text(itt, self.take_cmdsn(), self.exp_statsn, ttt=r.ttt), b"")
        return rsps, text_decode(data)

    def logout(self, reason=LOGOUT_SESSION, cid=None, timeout=None):
        itt = self.next_itt()
        self.send(build_logout(itt, self.take_cmdsn(), self.exp_statsn, reason,
                               self.cid if cid is None else cid))
        return self.recv(timeout)

    def tmf(self, function, rtt=RSVD_TAG, refcmdsn=0, lun=0, timeout=None):
        itt = self.next_itt()
        self.send(build_tmf(itt, function, self.cmdsn, self.exp_statsn, rtt, refcmdsn,
                            lun=lun))
        return self.recv(timeout)

    def snack(self, snack_type, itt=RSVD_TAG, begrun=0, runlength=0):
        self.send(build_snack(itt, snack_type, self.exp_statsn, begrun=begrun,
                              runlength=runlength))

    def scsi_send(self, cdb, edtl=0, read=False, write=False, data=b"",
                  final=True, lun=0, itt=None, cmdsn=None, immediate=False):
        """Send just the SCSI Command PDU (data = immediate data)."""
        if itt is None:
            itt = self.next_itt()
        if cmdsn is None:
            cmdsn = self.cmdsn if immediate else self.take_cmdsn()
        self.send(build_scsi_cmd(itt, cdb, edtl, cmdsn, self.exp_statsn, read, write,
                                 final, lun, immediate=immediate), data)
        return itt

    def data_out(self, itt, ttt, offset, data, datasn=0, final=True, lun=0, **kw):
        self.send(build_data_out(itt, ttt, datasn, offset, self.exp_statsn, final, lun),
                  data, **kw)

    def send_burst(self, itt, ttt, offset, data, lun=0):
        """Data-Out PDUs of at most MaxXmitDataSegmentLength for one burst."""
        sn = 0
        off = 0
        while off < len(data) or (off == 0 and not data):
            chunk = data[off:off + self.mxdsl]
            last = off + len(chunk) >= len(data)
            self.data_out(itt, ttt, offset + off, chunk, datasn=sn, final=last, lun=lun)
            sn += 1
            off += len(chunk)
            if not data:
                break

    def collect(self, itt, timeout=None):
        """Receive until the task's status arrives (SCSI Response, or Data-In
        with S).  Returns a Result; PDUs of other tasks are kept in
        result.other."""
        res = Result()
        while True:
            p = self.recv(timeout)
            if p.itt != itt and p.opcode != OP_REJECT:
                res.other.append(p)
                continue
            res.pdus.append(p)
            if p.opcode == OP_DATA_IN:
                res.datain.append(p)
                res.data[p.offset:p.offset + len(p.data)] = p.data
                if p.flag(F_S):
                    res.status_pdu = p
                    return res
            elif p.opcode == OP_SCSI_RSP:
                res.status_pdu = p
                return res
            elif p.opcode == OP_R2T:
                res.r2ts.append(p)
            elif p.opcode == OP_REJECT:
                res.status_pdu = p
                return res

    def read(self, cdb, edtl, lun=0, timeout=None):
        itt = self.scsi_send(cdb, edtl, read=True, lun=lun)
        res = self.collect(itt, timeout)
        res.itt = itt
        return res

    def write(self, cdb, data, edtl=None, lun=0, immediate_len=None, unsolicited=None,
              timeout=None, r2t_order=None, r2t_wait=0.3):
        """A WRITE: immediate data (up to FirstBurstLength and MRDSL if
        ImmediateData=Yes, or immediate_len), unsolicited Data-Out up to
        FirstBurstLength when InitialR2T=No (or unsolicited=True), then
        answers R2Ts until the status.  Returns a Result with the R2Ts."""
        edtl = len(data) if edtl is None else edtl
        fb = min(self.first_burst, edtl)
        if immediate_len is None:
            immediate_len = min(fb, self.mxdsl) if self.immediate_data else 0
        if unsolicited is None:
            unsolicited = not self.initial_r2t
        unsol_end = fb if unsolicited else immediate_len
        unsol_end = max(unsol_end, immediate_len)
        imm = data[:immediate_len]
        final = not (unsolicited and unsol_end > immediate_len)
        itt = self.scsi_send(cdb, edtl, write=True, data=imm, final=final, lun=lun)
        if not final:
            off = immediate_len
            sn = 0
            while off < unsol_end:
                chunk = data[off:min(off + self.mxdsl, unsol_end)]
                self.data_out(itt, RSVD_TAG, off, chunk, datasn=sn,
                              final=off + len(chunk) >= unsol_end, lun=lun)
                sn += 1
                off += len(chunk)
        res = Result()
        res.itt = itt
        pending = []

        def handle(p):
            if p.itt != itt and p.opcode != OP_REJECT:
                res.other.append(p)
                return False
            res.pdus.append(p)
            if p.opcode == OP_R2T:
                res.r2ts.append(p)
                pending.append(p)
                return False
            if p.opcode in (OP_SCSI_RSP, OP_REJECT):
                res.status_pdu = p
                return True
            return False

        while True:
            if handle(self.recv(timeout)):
                return res
            # R2Ts the target sends back to back are all outstanding at once
            while pending:
                q = self.recv_or_none(r2t_wait)
                if q is None:
                    break
                if handle(q):
                    return res
            res.max_outstanding = max(res.max_outstanding, len(pending))
            if r2t_order == "reverse":
                pending.reverse()
            while pending:
                r = pending.pop(0)
                self.send_burst(itt, r.ttt, r.offset,
                                data[r.offset:r.offset + r.length], lun=lun)


class Result:
    def __init__(self):
        self.pdus = []
        self.datain = []
        self.r2ts = []
        self.other = []
        self.data = bytearray()
        self.status_pdu = None
        self.max_outstanding = 0
        self.itt = None

    @property
    def status(self):
        return None if self.status_pdu is None else self.status_pdu.status

    @property
    def residual(self):
        return None if self.status_pdu is None else self.status_pdu.residual

    @property
    def rflags(self):
        return None if self.status_pdu is None else self.status_pdu.flags

# ------------------------------------------------------------------- CDBs --


def cdb_read10(lba, blocks):
    return struct.pack(">BBIBHB", 0x28, 0, lba, 0, blocks, 0)


def cdb_write10(lba, blocks):
    return struct.pack(">BBIBHB", 0x2A, 0, lba, 0, blocks, 0)


def cdb_tur():
    return bytes(6)


def cdb_inquiry(alloc=96):
    return struct.pack(">BBBHB", 0x12, 0, 0, alloc, 0)


def cdb_read_capacity10():
    return bytes([0x25]) + bytes(9)

# -------------------------------------------------------------------- TAP --


class Tap:
    """TAP output, one line per assertion; numbering continues from start
    (the count so far of the calling shell script).  Call done() last: it
    writes "<count> <failed>" to the state file given (for lib.sh), or
    prints the plan itself."""

    def __init__(self, start=0, state=None):
        self.n = start
        self.failed = 0
        self.state = state
        self.failures = []

    def diag(self, *lines):
        for l in lines:
            for s in str(l).splitlines() or [""]:
                print("# %s" % s)
        sys.stdout.flush()

    def ok(self, cond, desc, *diag):
        self.n += 1
        if cond:
            print("ok %d - %s" % (self.n, desc))
        else:
            self.failed += 1
            self.failures.append(desc)
            print("not ok %d - %s" % (self.n, desc))
            self.diag(*diag)
        sys.stdout.flush()
        return bool(cond)

    def eq(self, desc, expected, got, *diag):
        return self.ok(expected == got, desc, "expected: %r" % (expected,),
                       "got:      %r" % (got,), *diag)

    def hexeq(self, desc, expected, got, *diag):
        fmt = lambda v: v if v is None else "0x%04x" % v
        return self.ok(expected == got, desc, "expected: %s" % fmt(expected),
                       "got:      %s" % fmt(got), *diag)

    def done(self):
        if self.state:
            with open(self.state, "w") as f:
                f.write("%d %d\n" % (self.n, self.failed))
        else:
            print("1..%d" % self.n)
        return 1 if self.failed else 0


def tap_from_argv():
    """--tap-start N --tap-state FILE, as lib-iscsi.sh passes them."""
    start, state = 0, None
    a = sys.argv[1:]
    for i, v in enumerate(a):
        if v == "--tap-start":
            start = int(a[i + 1])
        elif v == "--tap-state":
            state = a[i + 1]
    return Tap(start, state)


def env(name, default):
    return os.environ.get(name, default)

# ------------------------------------------------------- test scaffolding --

HOST = env("PDU_HOST", "127.0.0.1")
PORT = int(env("PDU_PORT", "3260"))
IQN = env("PDU_IQN", "iqn.2026-11.org.ktgt:pdu")
ACL_IQN = env("PDU_ACL_IQN", "iqn.2026-11.org.ktgt:pdu-acl")
ACL_INI = env("PDU_ACL_INI", "iqn.2026-11.org.ktgt:pdu-allowed")
CFS = env("KTGT_CFS", "/sys/kernel/config/ktgt")


def tpg_path(iqn=None):
    return "%s/targets/%s/tpgt_1" % (CFS, iqn or IQN)


def get_param(key, iqn=None):
    with open("%s/param/%s" % (tpg_path(iqn), key)) as f:
        return f.read().strip()


def set_param(key, val, iqn=None):
    """Change the target's offer for later logins; returns the old value."""
    old = get_param(key, iqn)
    with open("%s/param/%s" % (tpg_path(iqn), key), "w") as f:
        f.write(val + "\n")
    return old


def set_attrib(key, val, iqn=None):
    """tpgt_1/attrib/<key>; returns the old value."""
    p = "%s/attrib/%s" % (tpg_path(iqn), key)
    with open(p) as f:
        old = f.read().strip()
    with open(p, "w") as f:
        f.write(str(val) + "\n")
    return old


class Params:
    """with Params(InitialR2T="Yes", ...): target offers, restored after."""

    def __init__(self, iqn=None, **kv):
        self.iqn = iqn
        self.kv = kv
        self.old = {}

    def __enter__(self):
        for k, v in self.kv.items():
            self.old[k] = set_param(k, v, self.iqn)
        return self

    def __exit__(self, *exc):
        for k, v in self.old.items():
            set_param(k, v, self.iqn)
        return False


def new_session(**kw):
    return Session(HOST, PORT, **kw)


def logged_in(keys=(), target=None, **kw):
    s = new_session(**kw)
    s.login(target or IQN, keys)
    return s


def smoke(t, label):
    """Robustness: a fresh login and a NOP-Out still work."""
    s = None
    try:
        s = new_session()
        s.login(IQN)
        r = s.nop(b"smoke-test")
        ok = r.opcode == OP_NOOP_IN and r.data == b"smoke-test"
        t.ok(ok, "after %s: a fresh login and NOP-Out work" % label, repr(r))
        try:
            s.logout(timeout=5)
        except (Closed, Timeout):
            pass
    except Exception as e:  # noqa: BLE001 - any failure is the finding
        t.ok(False, "after %s: a fresh login and NOP-Out work" % label, repr(e))
    finally:
        if s:
            s.conn.close()


def main(cases):
    """Run test functions f(t) in order; an exception fails that case."""
    import traceback
    t = tap_from_argv()
    for fn in cases:
        t.diag("--- %s" % fn.__name__)
        try:
            fn(t)
        except Exception:  # noqa: BLE001
            t.ok(False, "%s: ran to the end" % fn.__name__,
                 *traceback.format_exc().splitlines())
    sys.exit(t.done())
