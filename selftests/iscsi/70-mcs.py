# SPDX-License-Identifier: GPL-2.0
"""Multiple connections per session (MC/S, RFC 7143 5.3.2, 6.3.4, 4.2.2.1):
MaxConnections bounds the connections a session may hold, commands are
delivered in CmdSN order across connections, each connection has its own
StatSN, Logout can close one connection (also another one, by CID) and
leave the session, and at ErrorRecoveryLevel 0 a connection that fails
takes its whole session down."""

import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pdu import *  # noqa: E402,F401,F403

KEYS = [("MaxConnections", "4"), ("ImmediateData", "Yes"), ("InitialR2T", "Yes")]


def join(s, cid):
    """A further connection of session s, CID cid; returns its Session."""
    c = Session(HOST, PORT, initiator=s.initiator, isid=s.isid)
    c.tsih = s.tsih
    c.cid = cid
    c.cmdsn = s.cmdsn
    c.itt = 0x100000 * cid
    c.login(IQN, KEYS)
    return c


def rst(sess):
    """Close with SO_LINGER 0: the target sees a TCP RST."""
    sess.conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                              struct.pack("ii", 1, 0))
    sess.conn.close()


def test_max_connections_1(t):
    """The default offer MaxConnections=1: a second CID is refused."""
    s = logged_in(KEYS)
    try:
        t.eq("default: MaxConnections negotiates to 1", "1", s.params.get("MaxConnections"))
        try:
            c = join(s, 2)
            c.conn.close()
            t.ok(False, "MaxConnections=1: a second connection is refused with 0206")
        except LoginError as e:
            t.eq("MaxConnections=1: a second connection is refused with 0206 "
                 "(too many connections)", 0x0206, e.rsp.status)
        r = s.nop(b"still here")
        t.ok(r.opcode == OP_NOOP_IN and r.data == b"still here",
             "the session's connection still works", repr(r))
    finally:
        s.conn.close()


def test_mcs(t):
    with Params(MaxConnections="2"):
        s = logged_in(KEYS)
    c2 = None
    try:
        t.eq("MaxConnections: minimum of 4 and the target's 2", "2",
             s.params.get("MaxConnections"))
        c2 = join(s, 2)
        t.eq("a second connection (CID 2) joins the session: same TSIH",
             s.tsih, c2.tsih)
        try:
            c3 = join(s, 3)
            c3.conn.close()
            t.ok(False, "a third connection is refused with 0206")
        except LoginError as e:
            t.eq("a third connection, beyond MaxConnections=2, is refused with 0206",
                 0x0206, e.rsp.status)

        # Commands ordered by CmdSN across the connections (4.2.2.1).
        old = os.urandom(4096)
        new = os.urandom(4096)
        r = s.write(cdb_write10(200, 8), old)
        t.eq("WRITE of pattern A on connection 1: GOOD", 0, r.status)
        n = s.cmdsn
        c2.cmdsn = n
        witt = c2.scsi_send(cdb_write10(200, 8), 4096, write=True, data=new,
                            cmdsn=n + 1)
        early = c2.recv_or_none(1.5)
        t.ok(early is None, "a WRITE with CmdSN N+1 on connection 2 waits for CmdSN N",
             repr(early))
        ritt = s.scsi_send(cdb_read10(200, 8), 4096, read=True, cmdsn=n)
        s.cmdsn = c2.cmdsn = n + 2
        rd = s.collect(ritt, 10)
        t.eq("CmdSN N, a READ on connection 1, runs first: it returns pattern A",
             old.hex()[:64], bytes(rd.data[:4096]).hex()[:64])
        wr = c2.collect(witt, 10)
        t.eq("then the WRITE (N+1) on connection 2 completes: GOOD", 0, wr.status)
        rd2 = c2.read(cdb_read10(200, 8), 4096)
        s.cmdsn = c2.cmdsn
        t.ok(bytes(rd2.data[:4096]) == new,
             "a READ on connection 2 returns the pattern B it wrote")
        t.eq("the session's ExpCmdSN, seen on connection 2, counts the commands "
             "of both", (n + 3) & 0xFFFFFFFF, c2.exp_cmdsn)
        sn = c2.statsns[-3:]
        t.ok(len(sn) == 3 and sn[1] == sn[0] + 1 and sn[2] == sn[1] + 1,
             "connection 2 numbers its responses with its own StatSN", repr(sn))

        # ABORT TASK on connection 1 for a task of connection 2 (11.5.1).
        c2.cmdsn = s.cmdsn
        wsn = c2.cmdsn
        witt = c2.scsi_send(cdb_write10(300, 8), 4096, write=True)
        r2t = c2.recv(10)
        t.ok(r2t.opcode == OP_R2T,
             "a WRITE without immediate data on connection 2 waits for its data (R2T)",
             repr(r2t))
        s.cmdsn = c2.cmdsn
        tm = s.tmf(TMF_ABORT_TASK, rtt=witt, refcmdsn=wsn, lun=0, timeout=10)
        t.ok(tm.opcode == OP_TMF_RSP and tm.response == 0,
             "ABORT TASK on connection 1 finds the WRITE of connection 2: "
             "function complete", repr(tm))
        late = c2.recv_or_none(2)
        t.ok(late is None, "the aborted WRITE gets no response", repr(late))
        tm = s.tmf(TMF_ABORT_TASK, rtt=0x7777777, refcmdsn=s.cmdsn - 1, lun=0,
                   timeout=10)
        t.ok(tm.opcode == OP_TMF_RSP and tm.response == 1,
             "ABORT TASK for a tag no connection has: task does not exist", repr(tm))
        c2.cmdsn = s.cmdsn
        r = c2.nop(b"c2 after abort")
        s.cmdsn = c2.cmdsn
        t.ok(r.opcode == OP_NOOP_IN and r.data == b"c2 after abort",
             "connection 2 goes on after the abort", repr(r))

        # Logout closes connection 2 only, asked on connection 1 (11.14).
        lo = s.logout(LOGOUT_CONNECTION, cid=2, timeout=10)
        t.ok(lo.opcode == OP_LOGOUT_RSP and lo.response == 0,
             "Logout on connection 1 closing CID 2: response 0 (closed)", repr(lo))
        t.ok(c2.conn.wait_closed(10), "the target closes connection 2")
        c2.conn.close()
        c2 = None
        r = s.nop(b"after CID 2")
        t.ok(r.opcode == OP_NOOP_IN and r.data == b"after CID 2",
             "connection 1 goes on: NOP-Out answered", repr(r))

        # A connection added again, and logged out by itself.
        c2 = join(s, 2)
        lo = c2.logout(LOGOUT_CONNECTION, timeout=10)
        s.cmdsn = c2.cmdsn             # the Logout took a session CmdSN
        t.ok(lo.opcode == OP_LOGOUT_RSP and lo.response == 0,
             "connection 2 joins again and logs itself out", repr(lo))
        c2.conn.close()
        c2 = None
        r = s.read(cdb_read10(200, 8), 4096)
        t.ok(r.status == 0 and bytes(r.data[:4096]) == new,
             "connection 1 still reads pattern B")

        # ERL0: a failed connection fails the session (7.1.5).
        c2 = join(s, 2)
        rst(c2)
        c2 = None
        t.ok(s.conn.wait_closed(15),
             "ErrorRecoveryLevel 0: a RST on connection 2 ends the session: "
             "connection 1 is closed too")
    finally:
        s.conn.close()
        if c2:
            c2.conn.close()
    smoke(t, "MC/S")


def test_reinstatement_ends_all(t):
    """Session reinstatement (same ISID, TSIH 0) ends every connection."""
    with Params(MaxConnections="2"):
        s = logged_in(KEYS)
    try:
        c2 = join(s, 2)
        n = new_session(initiator=s.initiator, isid=s.isid)
        n.login(IQN, KEYS)
        t.ok(s.conn.wait_closed(10) and c2.conn.wait_closed(10),
             "a new session with the same ISID closes both connections of the old one")
        r = n.nop(b"new")
        t.ok(r.opcode == OP_NOOP_IN, "the new session works", repr(r))
        n.conn.close()
        c2.conn.close()
    finally:
        s.conn.close()


if __name__ == "__main__":
    main([test_max_connections_1, test_mcs, test_reinstatement_ends_all])
