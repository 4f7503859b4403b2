# SPDX-License-Identifier: GPL-2.0
"""EXTENDED COPY / RECEIVE COPY RESULTS over raw PDUs (run by 88-xcopy.sh).

Initiator A's ACL maps LUN 0 = xa, 1 = xb, 3 = xro (read-only), 4 = x4k
(4096-byte blocks); initiator B's ACL maps LUN 0 = xc only.  A copy may only
name LUs of the sending I_T nexus' own mapping: whatever designator it sends
for another initiator's LU, the copy manager answers COPY TARGET DEVICE NOT
REACHABLE and no block moves."""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "iscsi"))
from pdu import *  # noqa: E402,F401,F403

BS = 512
XIQN = env("XCOPY_IQN", "iqn.2026-11.org.ktgt:xcopy")
INI_A = env("XCOPY_INI_A", "iqn.2026-11.org.ktgt:xcopy-a")
INI_B = env("XCOPY_INI_B", "iqn.2026-11.org.ktgt:xcopy-b")
NR_BLOCKS = int(env("XCOPY_BLOCKS", "32768"))

CHECK_CONDITION = 0x02
ILLEGAL_REQUEST = 0x5
DATA_PROTECT = 0x7
COPY_ABORTED = 0xa


def session(ini):
    s = Session(HOST, PORT, initiator=ini)
    s.login(XIQN)
    return s


def cdb_xcopy(plen):
    return bytes([0x83, 0x00]) + bytes(8) + struct.pack(">I", plen) + bytes(2)


def cdb_rcr(sa, list_id, alloc):
    return bytes([0x84, sa, list_id]) + bytes(7) + struct.pack(">I", alloc) + bytes(2)


def tgt(naa, bl=BS):
    d = bytearray(32)
    d[0] = 0xe4
    d[4:8] = bytes([0x01, 0x03, 0x00, 0x08])    # binary, LU, NAA, 8 bytes
    d[8:16] = naa
    d[29:32] = bl.to_bytes(3, "big")
    return bytes(d)


def seg(src, dst, nr, slba, dlba):
    return struct.pack(">BBHHHHHQQ", 0x02, 0, 24, src, dst, 0, nr, slba, dlba)


def plist(tgts, segs, list_id=0, usage=3):
    t = b"".join(tgts)
    s = b"".join(segs)
    return struct.pack(">BBHIII", list_id, usage << 3, len(t), 0, len(s), 0) + t + s


def sense(r):
    p = r.status_pdu
    sb = getattr(p, "sense", b"") if p is not None else b""
    if len(sb) >= 14 and (sb[0] & 0x7f) in (0x70, 0x71):
        return (sb[2] & 0xf, sb[12], sb[13])
    if len(sb) >= 4 and (sb[0] & 0x7f) in (0x72, 0x73):
        return (sb[1] & 0xf, sb[2], sb[3])
    return None


def naa_of(s, lun):
    r = s.read(bytes([0x12, 0x01, 0x83, 0x00, 0xff, 0x00]), 255, lun=lun)
    d = bytes(r.data)
    off = 4
    while off + 4 <= len(d):
        dl = d[off + 3]
        if d[off + 1] & 0x3f == 0x03 and dl == 8:
            return d[off + 4:off + 12]
        off += 4 + dl
    return None


def write_blocks(s, lun, lba, data):
    step = 256 * 1024
    for off in range(0, len(data), step):
        chunk = data[off:off + step]
        r = s.write(cdb_write10(lba + off // BS, len(chunk) // BS), chunk, lun=lun)
        if r.status != 0:
            return False
    return True


def read_blocks(s, lun, lba, nbytes):
    out = bytearray()
    step = 256 * 1024
    for off in range(0, nbytes, step):
        n = min(step, nbytes - off)
        r = s.read(cdb_read10(lba + off // BS, n // BS), n, lun=lun)
        if r.status != 0:
            return None
        out += bytes(r.data)
    return bytes(out)


def xcopy(s, pl, lun=0):
    return s.write(cdb_xcopy(len(pl)), pl, lun=lun)


def check_sense(t, label, r, key, asc, ascq):
    t.eq(label, (CHECK_CONDITION, (key, asc, ascq)), (r.status, sense(r)))


def test_all(t):
    a = session(INI_A)
    b = session(INI_B)
    try:
        r = a.read(bytes([0x12, 0, 0, 0, 96, 0]), 96)
        t.ok(r.status == 0 and len(r.data) > 5 and r.data[5] & 0x08,
             "standard INQUIRY: 3PC bit set")
        naa = {k: naa_of(a, lun) for k, lun in (("xa", 0), ("xb", 1), ("xro", 3),
                                                 ("x4k", 4))}
        naa["xc"] = naa_of(b, 0)
        t.ok(all(naa.values()) and len(set(naa.values())) == 5,
             "every LU reports its own 8-byte NAA designator", repr(naa))

        # --- copy between two LUNs of the same session, > 1 MiB (chunks)
        data = os.urandom(2 * 1024 * 1024 + 4096)
        nr = len(data) // BS
        t.ok(write_blocks(a, 0, 100, data), "A: pattern written to xa LBA 100")
        r = xcopy(a, plist([tgt(naa["xa"]), tgt(naa["xb"])],
                           [seg(0, 1, nr, 100, 300)], list_id=5, usage=0))
        t.eq("A: XCOPY xa -> xb, %d blocks: GOOD" % nr, 0, r.status, repr(sense(r)))
        t.ok(read_blocks(a, 1, 300, len(data)) == data,
             "A: xb LBA 300 reads back what was written to xa")

        r = a.read(cdb_rcr(0x00, 5, 64), 64)
        d = bytes(r.data)
        t.eq("RECEIVE COPY RESULTS COPY STATUS, list 5: completed, 1 segment, "
             "%d bytes" % len(data),
             (0, 8, 0x01, 1, 0, len(data)),
             (r.status,) + struct.unpack(">IBHBI", d[:12]) if len(d) >= 12 else d)
        r = a.read(cdb_rcr(0x00, 5, 64), 64)
        check_sense(t, "COPY STATUS returned once, then discarded: INVALID FIELD IN CDB",
                    r, ILLEGAL_REQUEST, 0x24, 0x00)

        # --- another initiator's LU is not reachable, in either direction
        pb = os.urandom(64 * 1024)
        t.ok(write_blocks(b, 0, 0, pb), "B: pattern written to xc")
        r = xcopy(a, plist([tgt(naa["xc"]), tgt(naa["xa"])], [seg(0, 1, 128, 0, 0)]))
        check_sense(t, "A: XCOPY from B's LU: COPY ABORTED, COPY TARGET DEVICE NOT REACHABLE",
                    r, COPY_ABORTED, 0x0d, 0x02)
        t.ok(read_blocks(a, 0, 100, len(pb)) == data[:len(pb)],
             "xa unchanged: nothing was read from B's LU")
        r = xcopy(a, plist([tgt(naa["xa"]), tgt(naa["xc"])], [seg(0, 1, 128, 100, 0)]))
        check_sense(t, "A: XCOPY to B's LU: COPY ABORTED, COPY TARGET DEVICE NOT REACHABLE",
                    r, COPY_ABORTED, 0x0d, 0x02)
        r = xcopy(b, plist([tgt(naa["xa"]), tgt(naa["xc"])], [seg(0, 1, 128, 100, 0)]))
        check_sense(t, "B: XCOPY from A's LU into its own: COPY TARGET DEVICE NOT REACHABLE",
                    r, COPY_ABORTED, 0x0d, 0x02)
        t.ok(read_blocks(b, 0, 0, len(pb)) == pb,
             "xc unchanged: neither copy wrote B's LU")
        r = xcopy(b, plist([tgt(naa["xc"])], [seg(0, 0, 128, 0, 1000)]))
        t.eq("B: XCOPY within its own LU: GOOD", 0, r.status, repr(sense(r)))
        t.ok(read_blocks(b, 0, 1000, len(pb)) == pb, "B: its copy reads back equal")

        # --- write protection, block sizes, ranges
        r = xcopy(a, plist([tgt(naa["xa"]), tgt(naa["xro"])], [seg(0, 1, 8, 0, 0)]))
        check_sense(t, "XCOPY to a read-only LU: DATA PROTECT, WRITE PROTECTED",
                    r, DATA_PROTECT, 0x27, 0x00)
        r = xcopy(a, plist([tgt(naa["xa"]), tgt(naa["x4k"], 4096)], [seg(0, 1, 8, 0, 0)]))
        check_sense(t, "XCOPY between 512- and 4096-byte LUs: INVALID FIELD IN PARAMETER LIST",
                    r, ILLEGAL_REQUEST, 0x26, 0x00)
        r = xcopy(a, plist([tgt(naa["xa"], 4096)], [seg(0, 0, 8, 0, 100)]))
        check_sense(t, "target descriptor block length != the LU's: INVALID FIELD IN PARAMETER LIST",
                    r, ILLEGAL_REQUEST, 0x26, 0x00)
        r = xcopy(a, plist([tgt(naa["xa"])], [seg(0, 0, 2, NR_BLOCKS - 1, 0)],
                           list_id=6, usage=0))
        check_sense(t, "source range past the last LBA: COPY ABORTED", r,
                    COPY_ABORTED, 0x00, 0x00)
        r = a.read(cdb_rcr(0x04, 6, 255), 255)
        d = bytes(r.data)
        ok = r.status == 0 and len(d) >= 60 and d[56] == CHECK_CONDITION and \
            struct.unpack(">I", d[:4])[0] == len(d) - 4 and \
            struct.unpack(">H", d[58:60])[0] == len(d) - 60 and d[62] & 0xf == COPY_ABORTED
        t.ok(ok, "FAILED SEGMENT DETAILS, list 6: CHECK CONDITION with the COPY ABORTED sense",
             d.hex())
        r = a.read(cdb_rcr(0x00, 6, 64), 64)
        t.ok(r.status == 0 and len(r.data) >= 12 and r.data[4] == 0x02,
             "COPY STATUS, list 6: completed with errors", bytes(r.data).hex())
        r = xcopy(a, plist([tgt(naa["xa"])], [seg(0, 0, 8, 0, NR_BLOCKS - 4)]))
        check_sense(t, "destination range past the last LBA: COPY ABORTED", r,
                    COPY_ABORTED, 0x00, 0x00)

        # --- overlapping copy within one LU behaves like memmove
        pat = os.urandom(1536 * 1024)
        t.ok(write_blocks(a, 1, 10000, pat), "A: pattern written to xb LBA 10000")
        r = xcopy(a, plist([tgt(naa["xb"])], [seg(0, 0, len(pat) // BS, 10000, 10256)]))
        t.eq("XCOPY xb 10000 -> 10256 (overlapping): GOOD", 0, r.status, repr(sense(r)))
        t.ok(read_blocks(a, 1, 10256, len(pat)) == pat,
             "overlapping copy: destination equals the original source")

        # --- several segments, sent to another LU than the ones copied
        r = xcopy(a, plist([tgt(naa["xb"]), tgt(naa["xa"])],
                           [seg(0, 1, 16, 300, 20000), seg(1, 0, 16, 20000, 21000)]), lun=4)
        t.eq("XCOPY sent to LUN 4: xb -> xa -> xb in two segments: GOOD", 0, r.status,
             repr(sense(r)))
        t.ok(read_blocks(a, 1, 21000, 16 * BS) == data[:16 * BS],
             "two-segment copy reads back equal")

        # --- operating parameters and the VPD page report the enforced limits
        r = a.read(cdb_rcr(0x03, 0, 255), 255)
        d = bytes(r.data)
        got = struct.unpack(">IB3xHHII", d[:20]) + (d[43], d[44:46]) if len(d) >= 46 else d
        t.eq("OPERATING PARAMETERS: SNLID, 8 targets, 8 segments, 1024-byte lists, "
             "16 MiB segments, descriptors 02h E4h",
             (42, 1, 8, 8, 1024, 16 << 20, 2, b"\x02\xe4"), got)
        r = a.read(bytes([0x12, 0x01, 0x00, 0x00, 0xff, 0x00]), 255)
        t.ok(r.status == 0 and 0x8f in bytes(r.data)[4:], "VPD 00h lists page 8Fh")
        r = a.read(bytes([0x12, 0x01, 0x8f, 0x01, 0x00, 0x00]), 256)
        d = bytes(r.data)
        t.ok(r.status == 0 and len(d) > 16 and d[1] == 0x8f and d[4:6] == b"\x00\x01" and
             d[9:17] == bytes([0x83, 1, 0, 0x84, 3, 0, 3, 4]),
             "VPD 8Fh: supported commands EXTENDED COPY(00h), RECEIVE COPY RESULTS(00h 03h 04h)",
             d.hex())
        r = a.write(cdb_xcopy(0), b"")
        t.eq("EXTENDED COPY with parameter list length 0: GOOD", 0, r.status)
    finally:
        a.conn.close()
        b.conn.close()


main([test_all])
