/* SPDX-License-Identifier: GPL-2.0 */
/* Internals shared by the files of scsi_backend/ (not for other layers). */
#ifndef KTGT_SCSI_INT_H
#define KTGT_SCSI_INT_H

#include <linux/blk_types.h>
#include <linux/workqueue.h>

#include "ktgt_scsi.h"
#include "ktgt_sense.h"
#include "ktgt_cdb.h"

#define KTGT_VENDOR		"KTGT    "
#define KTGT_REVISION		"0001"
/* Company ID (locally administered, X bit set) for NAA 5 designators */
#define KTGT_NAA_COMPANY_ID	0x6a7467ULL

/* cmd->scsi_flags */
#define KTGT_CMDF_GATED		0x01	/* counted in dev->nr_writes */
#define KTGT_CMDF_EXCL		0x02	/* holds dev->excl_active */
#define KTGT_CMDF_WANT_EXCL	0x04	/* waiting for exclusive access */
#define KTGT_CMDF_WS_UNMAP	0x08	/* WRITE SAME: UNMAP bit */
#define KTGT_CMDF_WS_NDOB	0x10	/* WRITE SAME: no data-out buffer */
#define KTGT_CMDF_BUFFERED	0x20	/* file: direct I/O refused, retried */
#define KTGT_CMDF_TRUNCATE	0x40	/* WRITE: a short buffer ends it early */
#define KTGT_CMDF_ATOMIC	0x80	/* WRITE ATOMIC: all or nothing, alone */

/* Limits reported in VPD B0h and enforced by sbc.c */
#define KTGT_MAX_CAW_BLOCKS	64
#define KTGT_MAX_UNMAP_BLOCKS	0x100000U
#define KTGT_MAX_UNMAP_DESCS	256U
/*
 * MAXIMUM WRITE SAME LENGTH: 65535 blocks, LIO's default too.  A longer
 * WRITE SAME gets INVALID FIELD IN CDB; Linux splits its write-zeroes and
 * discards to fit.
 */
#define KTGT_MAX_WS_BLOCKS	0xffffULL
/* VERIFY with BYTCHK=11b (one block compared against a range) */
#define KTGT_MAX_VERIFY_SAME_BLOCKS	0x400000ULL
/* WRITE SAME / VERIFY(BYTCHK=3) are carried out in chunks of this size */
#define KTGT_CHUNK_BYTES	(1U << 20)

/* The largest data buffer ktgt_cmd_alloc_buf() hands out (= max EDTL) */
#define KTGT_MAX_BUF_BYTES	(16U << 20)

/* Emulated responses are built in a buffer of this size. */
#define KTGT_EMU_BUF_LEN	4096

extern struct workqueue_struct *ktgt_scsi_wq;	/* multi-step commands */
extern struct workqueue_struct *ktgt_io_wq;	/* blocking backend I/O */

/* One supported command: dispatch and REPORT SUPPORTED OPERATION CODES. */
struct ktgt_opdesc {
	u8 opcode;
	bool has_sa;
	u16 sa;
	u8 cdb_len;
	u16 flags;
	int (*parse)(struct ktgt_cmd *cmd);
	u8 usage[KTGT_CDB_LEN];	/* CDB usage data: bits that may be set */
};

#define KTGT_OPF_NO_LU		0x01	/* allowed when no LU is mapped */
#define KTGT_OPF_NOT_READY_OK	0x02	/* allowed on a disabled backstore */
#define KTGT_OPF_RESV_OK	0x04	/* allowed despite another's RESERVE */
#define KTGT_OPF_NEEDS_LBP	0x08	/* only when the backstore can unmap */
#define KTGT_OPF_NEEDS_LOSS	0x10	/* only if the nexus reports_loss */
#define KTGT_OPF_NO_MEDIUM_OK	0x20	/* allowed with no medium loaded */
#define KTGT_OPF_SANITIZE	0x40	/* per service action (sanitize.c) */
#define KTGT_OPF_NEEDS_ATOMIC	0x80	/* WRITE ATOMIC (atomic.c) */
#define KTGT_OPF_NEEDS_EXPLICIT	0x100	/* only if the port's ALUA group
					 * allows explicit transitions */

extern const struct ktgt_opdesc ktgt_opdescs[];
extern const unsigned int ktgt_nr_opdescs;
bool ktgt_opdesc_supported(const struct ktgt_opdesc *d, const struct ktgt_cmd *cmd);

/* core.c */
void ktgt_cmd_set_err(struct ktgt_cmd *cmd, const struct ktgt_sense_err *e);
void ktgt_cmd_fail(struct ktgt_cmd *cmd, const struct ktgt_sense_err *e);
int ktgt_cmd_parse_invalid_cdb(struct ktgt_cmd *cmd, u16 byte, int bit);
void ktgt_cmd_fail_invalid_param(struct ktgt_cmd *cmd, u16 byte, int bit);
void ktgt_cmd_complete_errno(struct ktgt_cmd *cmd, int err);
void ktgt_cmd_complete_blk(struct ktgt_cmd *cmd, blk_status_t sts);
void ktgt_cmd_respond(struct ktgt_cmd *cmd, const void *buf, u32 len);
int ktgt_cmd_read_params(struct ktgt_cmd *cmd, void **out, u32 *len);
void ktgt_cmd_zero(struct ktgt_cmd *cmd, u32 off, u32 len);
void ktgt_cmd_good(struct ktgt_cmd *cmd);
int ktgt_cmd_set_emulated(struct ktgt_cmd *cmd, enum ktgt_data_dir dir,
			  u32 len, void (*fn)(struct ktgt_cmd *cmd));
bool ktgt_dev_write_protected(const struct ktgt_cmd *cmd);

int ktgt_bvec_alloc(u32 len, gfp_t gfp, struct bio_vec **bvp,
		    unsigned int *nrp);
void ktgt_bvec_free(struct bio_vec *bv, unsigned int nr);

/* an internal command for a multi-step command's sub-I/O, waited for */
int ktgt_sub_io(struct ktgt_cmd *parent, enum ktgt_data_dir dir, u64 lba,
		u32 nr_blocks, bool fua, struct bio_vec *bvec,
		unsigned int nr_bvec, u32 len);

/* spc.c */
int ktgt_spc_parse_tur(struct ktgt_cmd *cmd);
int ktgt_spc_parse_inquiry(struct ktgt_cmd *cmd);
int ktgt_spc_parse_request_sense(struct ktgt_cmd *cmd);
int ktgt_spc_parse_report_luns(struct ktgt_cmd *cmd);
int ktgt_spc_parse_mode_sense(struct ktgt_cmd *cmd);
int ktgt_spc_parse_mode_select(struct ktgt_cmd *cmd);
int ktgt_spc_parse_reserve(struct ktgt_cmd *cmd);
int ktgt_spc_parse_release(struct ktgt_cmd *cmd);
int ktgt_spc_parse_report_opcodes(struct ktgt_cmd *cmd);
int ktgt_spc_parse_report_tmfs(struct ktgt_cmd *cmd);
int ktgt_spc_parse_nop(struct ktgt_cmd *cmd);

/* sbc.c */
int ktgt_sbc_parse_rw(struct ktgt_cmd *cmd);
int ktgt_sbc_parse_read_capacity(struct ktgt_cmd *cmd);
int ktgt_sbc_parse_read_defect(struct ktgt_cmd *cmd);
int ktgt_sbc_parse_sync_cache(struct ktgt_cmd *cmd);
int ktgt_sbc_parse_verify(struct ktgt_cmd *cmd);
int ktgt_sbc_parse_write_same(struct ktgt_cmd *cmd);
int ktgt_sbc_parse_unmap(struct ktgt_cmd *cmd);
int ktgt_sbc_parse_caw(struct ktgt_cmd *cmd);
int ktgt_sbc_parse_write_verify(struct ktgt_cmd *cmd);
int ktgt_sbc_parse_orwrite(struct ktgt_cmd *cmd);
int ktgt_sbc_parse_pre_fetch(struct ktgt_cmd *cmd);
int ktgt_sbc_parse_get_lba_status(struct ktgt_cmd *cmd);
void ktgt_sbc_io_done(struct ktgt_cmd *cmd);
void ktgt_sbc_run_excl(struct ktgt_cmd *cmd, work_func_t fn);

/* atomic.c */
#define KTGT_OP_WRITE_ATOMIC_16	0x9c
int ktgt_atomic_parse(struct ktgt_cmd *cmd);
bool ktgt_atomic_supported(const struct ktgt_dev *dev);
void ktgt_atomic_vpd_b0(const struct ktgt_dev *dev, u8 *buf);

/* sanitize.c */
#define KTGT_SANITIZE_IDLE	0
#define KTGT_SANITIZE_RUNNING	1
#define KTGT_SANITIZE_FAILED	2
int ktgt_sanitize_parse(struct ktgt_cmd *cmd);
bool ktgt_sanitize_supported(const struct ktgt_dev *dev, u16 sa);
bool ktgt_sanitize_check(struct ktgt_cmd *cmd, const struct ktgt_opdesc *d);
bool ktgt_sanitize_sense(const struct ktgt_dev *dev, struct ktgt_sense_err *e);
bool ktgt_sanitize_busy(const struct ktgt_dev *dev);
u8 ktgt_sanitize_vpd_b1(const struct ktgt_dev *dev);

/* pr.c: persistent reservations */
int ktgt_pr_dev_init(struct ktgt_dev *dev);
void ktgt_pr_dev_free(struct ktgt_dev *dev);
bool ktgt_pr_conflict(struct ktgt_cmd *cmd);
bool ktgt_pr_conflict_io(struct ktgt_dev *dev, struct ktgt_nexus *nexus, bool write);
int ktgt_pr_parse_in(struct ktgt_cmd *cmd);
int ktgt_pr_parse_out(struct ktgt_cmd *cmd);
/* alua.c */
int ktgt_alua_check(struct ktgt_cmd *cmd);
u8 ktgt_alua_tpgs(const struct ktgt_cmd *cmd);
u16 ktgt_alua_group_id(const struct ktgt_cmd *cmd);
bool ktgt_alua_explicit(const struct ktgt_cmd *cmd);
int ktgt_alua_parse_rtpg(struct ktgt_cmd *cmd);
int ktgt_alua_parse_stpg(struct ktgt_cmd *cmd);
/* xcopy.c */
int ktgt_xcopy_parse_cdb(struct ktgt_cmd *cmd);
int ktgt_rcr_parse(struct ktgt_cmd *cmd);
u32 ktgt_xcopy_vpd(struct ktgt_cmd *cmd, u8 *buf);
void ktgt_xcopy_nexus_gone(struct ktgt_dev *dev, const struct ktgt_nexus *nexus);
void ktgt_xcopy_dev_gone(struct ktgt_dev *dev);
void ktgt_xcopy_exit(void);

/* ua.c */
bool ktgt_ua_check(struct ktgt_cmd *cmd);
bool ktgt_ua_request_sense(struct ktgt_cmd *cmd, struct ktgt_sense_err *se);
void ktgt_ua_reset(struct ktgt_dev *dev, u16 asc_ascq);
void ktgt_ua_dev_nexus_gone(struct ktgt_dev *dev,
			    const struct ktgt_nexus *nexus);
void ktgt_ua_dev_free(struct ktgt_dev *dev);
int ktgt_ua_set_prevent(struct ktgt_cmd *cmd, bool prevent);
int ktgt_ua_load_eject(struct ktgt_cmd *cmd, bool load);

/* medium.c */
bool ktgt_medium_absent(const struct ktgt_dev *dev);
int ktgt_medium_parse_start_stop(struct ktgt_cmd *cmd);
int ktgt_medium_parse_prevent(struct ktgt_cmd *cmd);

/* backstores */
extern const struct ktgt_backend_ops ktgt_ram_ops;
extern const struct ktgt_backend_ops ktgt_null_ops;
extern const struct ktgt_backend_ops ktgt_block_ops;
extern const struct ktgt_backend_ops ktgt_file_ops;

#endif /* KTGT_SCSI_INT_H */
