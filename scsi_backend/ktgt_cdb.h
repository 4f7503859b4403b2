/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CDB field decoding (SPC-4 / SBC-3).  Pure: no kernel I/O headers, so the
 * very same code is unit-tested in user space.
 */
#ifndef KTGT_CDB_H
#define KTGT_CDB_H

#include "ktgt_compat.h"
#include "ktgt_sense.h"

/* Operation codes */
#define KTGT_OP_TEST_UNIT_READY		0x00
#define KTGT_OP_REQUEST_SENSE		0x03
#define KTGT_OP_READ_6			0x08
#define KTGT_OP_WRITE_6			0x0a
#define KTGT_OP_INQUIRY			0x12
#define KTGT_OP_MODE_SELECT_6		0x15
#define KTGT_OP_RESERVE_6		0x16
#define KTGT_OP_RELEASE_6		0x17
#define KTGT_OP_MODE_SENSE_6		0x1a
#define KTGT_OP_START_STOP_UNIT		0x1b
#define KTGT_OP_SEND_DIAGNOSTIC		0x1d
#define KTGT_OP_PREVENT_ALLOW		0x1e
#define KTGT_OP_READ_CAPACITY_10	0x25
#define KTGT_OP_READ_10			0x28
#define KTGT_OP_WRITE_10		0x2a
#define KTGT_OP_WRITE_VERIFY_10		0x2e
#define KTGT_OP_VERIFY_10		0x2f
#define KTGT_OP_PRE_FETCH_10		0x34
#define KTGT_OP_SYNC_CACHE_10		0x35
#define KTGT_OP_READ_DEFECT_DATA_10	0x37
#define KTGT_OP_WRITE_BUFFER		0x3b
#define KTGT_OP_READ_BUFFER		0x3c
#define KTGT_OP_WRITE_SAME_10		0x41
#define KTGT_OP_UNMAP			0x42
#define KTGT_OP_MODE_SELECT_10		0x55
#define KTGT_OP_RESERVE_10		0x56
#define KTGT_OP_RELEASE_10		0x57
#define KTGT_OP_MODE_SENSE_10		0x5a
#define KTGT_OP_READ_16			0x88
#define KTGT_OP_COMPARE_AND_WRITE	0x89
#define KTGT_OP_WRITE_16		0x8a
#define KTGT_OP_ORWRITE_16		0x8b
#define KTGT_OP_EXTENDED_COPY		0x83
#define KTGT_OP_RECEIVE_COPY_RESULTS	0x84
#define KTGT_OP_WRITE_VERIFY_16		0x8e
#define KTGT_OP_VERIFY_16		0x8f
#define KTGT_OP_PRE_FETCH_16		0x90
#define KTGT_OP_SYNC_CACHE_16		0x91
#define KTGT_OP_WRITE_SAME_16		0x93
#define KTGT_OP_SERVICE_ACTION_IN_16	0x9e
#define KTGT_OP_REPORT_LUNS		0xa0
#define KTGT_OP_MAINTENANCE_IN		0xa3
#define KTGT_OP_READ_12			0xa8
#define KTGT_OP_WRITE_12		0xaa
#define KTGT_OP_WRITE_VERIFY_12		0xae
#define KTGT_OP_VERIFY_12		0xaf
#define KTGT_OP_READ_DEFECT_DATA_12	0xb7

/* Service actions */
#define KTGT_SAI_READ_CAPACITY_16	0x10
#define KTGT_SAI_GET_LBA_STATUS		0x12
#define KTGT_MI_REPORT_TPGS		0x0a
#define KTGT_MI_REPORT_OPCODES		0x0c
#define KTGT_MI_REPORT_TMFS		0x0d

/* Decoded LBA-addressed command (READ/WRITE/VERIFY/SYNC/WRITE SAME...). */
struct ktgt_cdb_rw {
	u64 lba;
	u32 nr_blocks;
	u8 protect;		/* RDPROTECT/WRPROTECT/VRPROTECT */
	bool fua;
	bool dpo;
	bool has_protect;	/* the CDB has a xxPROTECT field */
};

/* Length of a CDB from its group code; 0 for reserved/vendor groups. */
unsigned int ktgt_cdb_len(u8 opcode);

/*
 * Decode LBA and transfer length (and FUA/DPO/protect) of an LBA-addressed
 * command.  READ(6)/WRITE(6) transfer length 0 means 256.  Returns 0, or
 * -EINVAL if @cdb[0] is not an LBA-addressed command.
 */
int ktgt_cdb_decode_rw(const u8 *cdb, struct ktgt_cdb_rw *rw);

/*
 * LBA range check: 0 if [@lba, @lba + @nr) lies within @capacity blocks
 * (with @nr 0, @lba == @capacity is fine), else -ERANGE with @e set to
 * ILLEGAL REQUEST, LOGICAL BLOCK ADDRESS OUT OF RANGE.
 */
int ktgt_cdb_check_range(u64 lba, u64 nr, u64 capacity,
			 struct ktgt_sense_err *e);

/*
 * Reserved-bit check against a CDB usage map (REPORT SUPPORTED OPERATION
 * CODES format: byte 0 is the opcode, a set bit means "may be set").
 * The vendor-specific bits 7..6 of the control byte are ignored.  Returns 0,
 * or -EINVAL with @e = INVALID FIELD IN CDB pointing at the first
 * offending (byte, most significant bit).
 */
int ktgt_cdb_check_usage(const u8 *cdb, const u8 *usage, unsigned int len,
			 struct ktgt_sense_err *e);

/*
 * Validate an UNMAP parameter list of @len bytes (SBC-3 5.28.2): header,
 * descriptor count (<= @max_descs), each count (<= @max_lbas) and range
 * (against @capacity blocks).  Returns 0 and the number of descriptors in
 * @nr_descs, or -EINVAL with @e set.
 */
int ktgt_cdb_unmap_check(const u8 *p, u32 len, u64 capacity, u32 max_descs,
			 u32 max_lbas, u32 *nr_descs, struct ktgt_sense_err *e);

/* REPORT LUNS: encode a LUN number as an 8-byte SAM LUN (peripheral/flat). */
void ktgt_cdb_encode_lun(u64 lun, u8 *out);

#endif /* KTGT_CDB_H */
