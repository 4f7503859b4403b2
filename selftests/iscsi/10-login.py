# SPDX-License-Identifier: GPL-2.0
"""Login phase (RFC 7143 6, 11.12, 11.13, 13): status codes, stages, the
T/C bits, and the negotiation rules of the keys."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pdu import *  # noqa: E402,F401,F403


def names(target=IQN, initiator=DEFAULT_INITIATOR, session="Normal"):
    k = []
    if initiator:
        k.append(("InitiatorName", initiator))
    if session:
        k.append(("SessionType", session))
    if target:
        k.append(("TargetName", target))
    return k


def refused(t, label, keys, status, exact=True, **kw):
    """One Login Request; the response must carry status (class<<8|detail)
    (only the class when exact is False), then the target must close."""
    s = new_session()
    try:
        r = s.login_pdu(keys, **kw)
        t.eq("%s: the answer is a Login Response" % label, OP_LOGIN_RSP, r.opcode)
        if exact:
            t.hexeq("%s: status 0x%04x" % (label, status), status, r.status, repr(r))
        else:
            t.hexeq("%s: status class 0x%02x (initiator error)" % (label, status >> 8),
                    status >> 8, r.status_class, repr(r))
        t.ok(s.conn.wait_closed(8), "%s: the target closes the connection (11.13.5)" % label)
    finally:
        s.conn.close()


def test_unknown_target(t):
    refused(t, "unknown TargetName", names(target="iqn.2026-11.org.ktgt:no-such-target"),
            0x0203)
    smoke(t, "unknown target")


def test_missing_initiator_name(t):
    refused(t, "no InitiatorName", names(initiator=None), 0x0207)
    smoke(t, "no InitiatorName")


def test_acl(t):
    refused(t, "initiator not in the ACL (generate_node_acls=0)",
            names(target=ACL_IQN), 0x0202)
    s = new_session(initiator=ACL_INI)
    try:
        r = s.login(ACL_IQN)
        t.ok(r.status == 0 and r.tsih != 0, "initiator in the ACL: login succeeds", repr(r))
        r = s.nop(b"acl")
        t.ok(r.opcode == OP_NOOP_IN and r.data == b"acl",
             "initiator in the ACL: NOP-Out answered", repr(r))
    finally:
        s.conn.close()
    smoke(t, "ACL refusal")


def test_version(t):
    refused(t, "Version-min 1 (only version 0 exists)", names(), 0x0205, vmax=2, vmin=1)
    smoke(t, "unsupported version")


def test_stages(t):
    refused(t, "T=1 CSG=1 NSG=0 (stages only move forward)", names(), 0x0200,
            csg=STAGE_OP, nsg=STAGE_SEC)
    refused(t, "T=1 NSG=2 (reserved stage)", names(), 0x0200, csg=STAGE_OP, nsg=2)
    refused(t, "T=1 and C=1 together (11.12.2)", names(), 0x0200, exact=False,
            transit=True, cont=True)
    # CSG mismatch: after the target moved to the operational stage,
    # the next request claims the security stage again.
    s = new_session()
    try:
        r = s.login_pdu(names() + [("AuthMethod", "None")], STAGE_SEC, STAGE_OP)
        t.ok(r.status == 0 and r.transit and r.nsg == STAGE_OP and r.csg == STAGE_SEC,
             "security stage, AuthMethod=None, T=1 NSG=1: accepted with T=1 NSG=1",
             repr(r))
        keys = [k for k, v in r.keys]
        t.ok("TargetPortalGroupTag" in keys,
             "TargetPortalGroupTag in the first Login Response (13.9)", repr(r.keys))
        t.eq("AuthMethod=None chosen", "None", dict(r.keys).get("AuthMethod"))
        r = s.login_pdu([("MaxBurstLength", "65536")], STAGE_SEC, STAGE_FFP)
        t.hexeq("CSG=0 after the target moved to CSG=1: status 0x0200", 0x0200, r.status,
                repr(r))
        t.ok(s.conn.wait_closed(8), "CSG mismatch: the target closes the connection")
    finally:
        s.conn.close()
    smoke(t, "stage errors")


def test_no_target_name(t):
    refused(t, "Normal session without TargetName", names(target=None), 0x0207)
    refused(t, "no SessionType (Normal) and no TargetName", names(target=None, session=None),
            0x0207)
    smoke(t, "no TargetName")


def test_negotiation(t):
    # 1) initiator values below / stricter than the target's offer
    s = new_session()
    try:
        keys = [("MaxBurstLength", "131072"), ("FirstBurstLength", "32768"),
                ("InitialR2T", "Yes"), ("ImmediateData", "No"),
                ("HeaderDigest", "CRC32C,None"), ("DataDigest", "CRC32C,None"),
                ("MaxOutstandingR2T", "4"), ("ErrorRecoveryLevel", "2"),
                ("DefaultTime2Wait", "0"), ("DefaultTime2Retain", "0"),
                ("MaxConnections", "4"), ("DataPDUInOrder", "No"),
                ("DataSequenceInOrder", "Yes"), ("MaxRecvDataSegmentLength", "8192")]
        first = s.login_pdu(names() + keys, STAGE_OP, STAGE_FFP)
        t.eq("login: status 0", 0, first.status, repr(first))
        t.ok(first.transit and first.nsg == STAGE_FFP and first.csg == STAGE_OP,
             "login: T=1 CSG=1 NSG=3 in the response", repr(first))
        t.ok(first.tsih != 0, "login: TSIH != 0 in the final response (11.13.4)", repr(first))
        t.eq("login: ITT echoed", s.login_itt, first.itt)
        t.eq("login: ISID echoed", s.isid, first.isid)
        t.eq("login: Version-active 0", 0, first.version_active)
        t.eq("login: ExpCmdSN is the login's CmdSN", s.cmdsn, first.exp_cmdsn)
        p = dict(first.keys)
        t.eq("TargetPortalGroupTag=1 in the first response (13.9)", "1",
             p.get("TargetPortalGroupTag"))
        t.eq("MaxBurstLength: minimum of 131072 and 1048576 (13.13)", "131072",
             p.get("MaxBurstLength"))
        t.eq("FirstBurstLength: minimum of 32768 and 65536 (13.14)", "32768",
             p.get("FirstBurstLength"))
        t.eq("InitialR2T: Yes OR No = Yes (13.10)", "Yes", p.get("InitialR2T"))
        t.eq("ImmediateData: No AND Yes = No (13.11)", "No", p.get("ImmediateData"))
        t.eq("HeaderDigest: CRC32C,None vs target None -> None (13.1)", "None",
             p.get("HeaderDigest"))
        t.eq("DataDigest: CRC32C,None vs target None -> None (13.1)", "None",
             p.get("DataDigest"))
        t.eq("MaxOutstandingR2T: minimum of 4 and 1 (13.17)", "1",
             p.get("MaxOutstandingR2T"))
        t.eq("ErrorRecoveryLevel: minimum of 2 and 0 (13.20)", "0",
             p.get("ErrorRecoveryLevel"))
        t.eq("DefaultTime2Wait: maximum of 0 and 2 (13.15)", "2", p.get("DefaultTime2Wait"))
        t.eq("DefaultTime2Retain: minimum of 0 and 20 (13.16)", "0",
             p.get("DefaultTime2Retain"))
        t.eq("MaxConnections: minimum of 4 and 1 (13.2)", "1", p.get("MaxConnections"))
        t.eq("DataPDUInOrder: No OR Yes = Yes (13.18)", "Yes", p.get("DataPDUInOrder"))
        t.eq("target declares MaxRecvDataSegmentLength=262144 (13.12)", "262144",
             p.get("MaxRecvDataSegmentLength"))
        s.enter_ffp(keys)
        r = s.nop(b"negotiated")
        t.ok(r.opcode == OP_NOOP_IN and r.data == b"negotiated",
             "full feature phase after the negotiation: NOP-Out answered", repr(r))
    finally:
        s.conn.close()

    # 2) initiator values above / looser than the target's offer
    s = new_session()
    try:
        s.login(IQN, [("MaxBurstLength", "4194304"), ("FirstBurstLength", "16777215"),
                      ("InitialR2T", "No"), ("ImmediateData", "Yes")])
        p = s.params
        t.eq("MaxBurstLength: minimum of 4194304 and 1048576", "1048576",
             p.get("MaxBurstLength"))
        t.eq("FirstBurstLength: minimum of 16777215 and 65536", "65536",
             p.get("FirstBurstLength"))
        t.eq("InitialR2T: No OR No = No", "No", p.get("InitialR2T"))
        t.eq("ImmediateData: Yes AND Yes = Yes", "Yes", p.get("ImmediateData"))
    finally:
        s.conn.close()

    # 3) the target's offer changed through param/
    with Params(InitialR2T="Yes", ImmediateData="No", HeaderDigest="CRC32C,None",
                DataDigest="CRC32C,None", MaxBurstLength="65536"):
        s = new_session()
        try:
            s.login(IQN, [("InitialR2T", "No"), ("ImmediateData", "Yes"),
                          ("HeaderDigest", "CRC32C,None"), ("DataDigest", "None,CRC32C"),
                          ("MaxBurstLength", "262144")])
            p = s.params
            t.eq("InitialR2T: No OR target Yes = Yes", "Yes", p.get("InitialR2T"))
            t.eq("ImmediateData: Yes AND target No = No", "No", p.get("ImmediateData"))
            t.eq("HeaderDigest: initiator CRC32C,None, target CRC32C,None -> CRC32C",
                 "CRC32C", p.get("HeaderDigest"))
            t.eq("DataDigest: the first of the initiator's list the target supports "
                 "(None,CRC32C -> None)", "None", p.get("DataDigest"))
            t.eq("MaxBurstLength: minimum of 262144 and target 65536", "65536",
                 p.get("MaxBurstLength"))
            r = s.nop(b"header digests on")
            t.ok(r.opcode == OP_NOOP_IN and r.data == b"header digests on" and r.hdigest_ok,
                 "HeaderDigest=CRC32C: NOP-Out/NOP-In with valid header digests", repr(r))
        finally:
            s.conn.close()
        s = new_session()
        try:
            s.login(IQN, [("HeaderDigest", "CRC32C"), ("DataDigest", "CRC32C")])
            t.eq("DataDigest=CRC32C offered alone: CRC32C", "CRC32C", s.params.get("DataDigest"))
            r = s.nop(b"both digests, 27 bytes long")
            t.ok(r.opcode == OP_NOOP_IN and r.data == b"both digests, 27 bytes long" and
                 r.hdigest_ok and r.ddigest_ok,
                 "both digests: NOP-In echoes the data with valid digests", repr(r))
        finally:
            s.conn.close()
    smoke(t, "negotiation")


def test_security_to_ffp(t):
    s = new_session()
    try:
        r = s.login_pdu(names() + [("AuthMethod", "None")], STAGE_SEC, STAGE_FFP)
        t.ok(r.status == 0 and r.transit and r.nsg == STAGE_FFP and r.tsih != 0,
             "security stage straight to full feature phase (T=1 CSG=0 NSG=3)", repr(r))
        s.enter_ffp()
        r = s.nop(b"sec-ffp")
        t.ok(r.opcode == OP_NOOP_IN and r.data == b"sec-ffp",
             "after CSG=0 -> NSG=3: NOP-Out answered", repr(r))
    finally:
        s.conn.close()


def test_discovery_login(t):
    s = new_session()
    try:
        r = s.login(discovery=True)
        t.ok(r.status == 0 and r.tsih != 0, "discovery session login: status 0, TSIH != 0",
             repr(r))
    finally:
        s.conn.close()


def test_continue_bit(t):
    text = text_encode(names() + [("MaxBurstLength", "131072"),
                                  ("ImmediateData", "No"),
                                  ("X-org.ktgt.padding", "p" * 100)])
    cut1 = text.index(b"MaxBurst") + 5        # inside a key
    cut2 = text.index(b"131072") + 3          # inside a value
    parts = [text[:cut1], text[cut1:cut2], text[cut2:]]
    s = new_session()
    try:
        for i, part in enumerate(parts[:2]):
            r = s.login_pdu(None, STAGE_OP, STAGE_FFP, transit=False, cont=True, data=part)
            t.ok(r.opcode == OP_LOGIN_RSP and r.status == 0,
                 "C=1 request %d: Login Response status 0" % (i + 1), repr(r))
            t.eq("C=1 request %d: empty response data segment (6.2, 11.13)" % (i + 1),
                 0, r.dlen)
            t.ok(not r.transit and not r.cont and r.csg == STAGE_OP,
                 "C=1 request %d: response T=0 C=0 CSG=1" % (i + 1), repr(r))
        r = s.login_pdu(None, STAGE_OP, STAGE_FFP, transit=True, cont=False, data=parts[2])
        t.ok(r.status == 0 and r.transit and r.tsih != 0,
             "last part (C=0, T=1): login completes", repr(r))
        p = dict(r.keys)
        t.eq("a key split across PDUs is negotiated (MaxBurstLength=131072)", "131072",
             p.get("MaxBurstLength"))
        t.eq("ImmediateData=No negotiated from the reassembled text", "No",
             p.get("ImmediateData"))
        s.enter_ffp([("ImmediateData", "No")])
        r = s.nop(b"after multi-PDU login")
        t.ok(r.opcode == OP_NOOP_IN and r.data == b"after multi-PDU login",
             "multi-PDU login: full feature phase works", repr(r))
    finally:
        s.conn.close()
    smoke(t, "multi-PDU login")


def test_key_twice(t):
    refused(t, "a key twice in one request (6.2)",
            names() + [("MaxBurstLength", "131072"), ("MaxBurstLength", "65536")],
            0x0200, exact=False)
    s = new_session()
    try:
        r = s.login_pdu(names() + [("MaxBurstLength", "131072")], STAGE_OP, STAGE_FFP,
                        transit=False)
        t.ok(r.status == 0 and dict(r.keys).get("MaxBurstLength") == "131072",
             "T=0 request negotiating MaxBurstLength: answered", repr(r))
        r = s.login_pdu([("MaxBurstLength", "65536")], STAGE_OP, STAGE_FFP)
        t.hexeq("MaxBurstLength negotiated again in the next request: "
                "initiator error class 0x02 (6.2)", 0x02, r.status_class, repr(r))
        t.ok(s.conn.wait_closed(8), "renegotiation: the target closes the connection")
    finally:
        s.conn.close()
    smoke(t, "key sent twice")


def test_not_understood(t):
    s = new_session()
    try:
        r = s.login(IQN, [("X-org.ktgt.Bogus", "1"), ("FooBarKey", "Yes")])
        p = dict(s.login_rsps[0].keys)
        t.eq("unknown X- key answered NotUnderstood (6.2)", "NotUnderstood",
             p.get("X-org.ktgt.Bogus"))
        t.eq("unknown key answered NotUnderstood (6.2)", "NotUnderstood", p.get("FooBarKey"))
        t.ok(r.status == 0 and r.tsih != 0, "login with unknown keys completes", repr(r))
    finally:
        s.conn.close()
    smoke(t, "unknown keys")


main([test_unknown_target, test_missing_initiator_name, test_acl, test_version,
      test_stages, test_no_target_name, test_negotiation, test_security_to_ffp, test_discovery_login,
      test_continue_bit, test_key_twice, test_not_understood])
