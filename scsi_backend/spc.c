// SPDX-License-Identifier: GPL-2.0
/*
 * SPC-4 commands: INQUIRY and VPD pages, REQUEST SENSE, REPORT LUNS,
 * MODE SENSE/SELECT, RESERVE/RELEASE, REPORT SUPPORTED OPERATION CODES and
 * TASK MANAGEMENT FUNCTIONS.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ktgt_scsi_int.h"

/* Version descriptors: SAM-5, iSCSI, SPC-4, SBC-3 */
static const u16 ktgt_version_descs[] = { 0x00a0, 0x0960, 0x0460, 0x04c0 };

static const u8 ktgt_vpd_pages[] = {
	0x00, 0x80, 0x83, 0x86, 0x8f, 0xb0, 0xb1, 0xb2
};

#define KTGT_INQ_STD_LEN	66

/* Allocate the response scratch buffer; on failure complete with BUSY. */
static u8 *ktgt_emu_buf(struct ktgt_cmd *cmd)
{
	u8 *buf = kzalloc(KTGT_EMU_BUF_LEN, GFP_NOIO);

	if (!buf)
		ktgt_cmd_complete(cmd, KTGT_SAM_BUSY);
	return buf;
}

static void ktgt_emu_finish(struct ktgt_cmd *cmd, u8 *buf, u32 len)
{
	ktgt_cmd_respond(cmd, buf, len);
	kfree(buf);
}

static void ktgt_put_padded(u8 *dst, const char *src, size_t len)
{
	size_t n = min(strlen(src), len);

	memset(dst, ' ', len);
	memcpy(dst, src, n);
}

static u8 ktgt_periph(const struct ktgt_cmd *cmd)
{
	/* qualifier 3, type 1Fh: no logical unit at this LUN */
	return cmd->dev ? 0x00 : 0x7f;
}

/* ------------------------------------------------------------------ */
/* TEST UNIT READY, PREVENT ALLOW MEDIUM REMOVAL: nothing to do         */

static void ktgt_spc_exec_good(struct ktgt_cmd *cmd)
{
	ktgt_cmd_good(cmd);
}

int ktgt_spc_parse_tur(struct ktgt_cmd *cmd)
{
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_NONE, 0, ktgt_spc_exec_good);
}

int ktgt_spc_parse_nop(struct ktgt_cmd *cmd)
{
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_NONE, 0, ktgt_spc_exec_good);
}

/* ------------------------------------------------------------------ */
/* INQUIRY                                                              */

static u32 ktgt_inquiry_std(struct ktgt_cmd *cmd, u8 *buf)
{
	const char *product = cmd->dev ? cmd->dev->ops->product : "";
	unsigned int i;

	buf[0] = ktgt_periph(cmd);
	if (cmd->dev && READ_ONCE(cmd->dev->removable))
		buf[1] = 0x80;		/* RMB */
	buf[2] = 0x06;			/* SPC-4 */
	buf[3] = 0x12;			/* HISUP, response data format 2 */
	buf[4] = KTGT_INQ_STD_LEN - 5;
	buf[5] = ktgt_alua_tpgs(cmd);	/* TPGS */
	if (cmd->dev)
		buf[5] |= 0x08;	/* 3PC: EXTENDED COPY (xcopy.c) */
	buf[7] = 0x02;			/* CMDQUE */
	ktgt_put_padded(&buf[8], KTGT_VENDOR, 8);
	ktgt_put_padded(&buf[16], product, 16);
	ktgt_put_padded(&buf[32], KTGT_REVISION, 4);
	for (i = 0; i < ARRAY_SIZE(ktgt_version_descs); i++)
		put_unaligned_be16(ktgt_version_descs[i], &buf[58 + 2 * i]);
	return KTGT_INQ_STD_LEN;
}

static u32 ktgt_vpd_supported(struct ktgt_cmd *cmd, u8 *buf)
{
	memcpy(&buf[4], ktgt_vpd_pages, sizeof(ktgt_vpd_pages));
	return 4 + sizeof(ktgt_vpd_pages);
}

static u32 ktgt_vpd_serial(struct ktgt_cmd *cmd, u8 *buf)
{
	size_t n = strnlen(cmd->dev->unit_serial, KTGT_SERIAL_MAX);

	memcpy(&buf[4], cmd->dev->unit_serial, n);
	return 4 + n;
}

/* Append a designation descriptor header at @p; returns the data pointer. */
static u8 *ktgt_desig(u8 *p, u8 proto_codeset, u8 piv_assoc_type, u8 len)
{
	p[0] = proto_codeset;
	p[1] = piv_assoc_type;
	p[2] = 0;
	p[3] = len;
	return p + 4;
}

/* SCSI name string designator: NUL terminated, padded to 4 bytes. */
static u32 ktgt_desig_name(u8 *p, u8 assoc, const char *fmt_name,
			   const char *suffix)
{
	size_t n = strlen(fmt_name) + strlen(suffix) + 1;
	u8 *d;

	n = round_up(n, 4);
	if (n > 252)
		return 0;
	/* iSCSI protocol, UTF-8; PIV, association, type 8 */
	d = ktgt_desig(p, 0x53, 0x80 | assoc << 4 | 0x08, n);
	memset(d, 0, n);
	snprintf(d, n, "%s%s", fmt_name, suffix);
	return 4 + n;
}

static u32 ktgt_vpd_devid(struct ktgt_cmd *cmd, u8 *buf)
{
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_nexus *nx = cmd->nexus;
	size_t slen = strnlen(dev->unit_serial, KTGT_SERIAL_MAX);
	u8 *p = &buf[4], *d;
	char suffix[16];

	/* NAA IEEE Registered, binary, logical unit */
	d = ktgt_desig(p, 0x01, 0x03, 8);
	put_unaligned_be64(dev->naa_id, d);
	p = d + 8;

	/* T10 vendor ID: vendor + unit serial, ASCII, logical unit */
	d = ktgt_desig(p, 0x02, 0x01, 8 + slen);
	memcpy(d, KTGT_VENDOR, 8);
	memcpy(d + 8, dev->unit_serial, slen);
	p = d + 8 + slen;

	if (nx) {
		/* relative target port, iSCSI, binary, target port */
		d = ktgt_desig(p, 0x51, 0x94, 4);
		put_unaligned_be16(nx->rel_port_id, d + 2);
		p = d + 4;

		/* target port group */
		d = ktgt_desig(p, 0x51, 0x95, 4);
		put_unaligned_be16(ktgt_alua_group_id(cmd), d + 2);
		p = d + 4;

		if (nx->target_name && *nx->target_name) {
			snprintf(suffix, sizeof(suffix), ",t,0x%04x",
				 nx->rel_port_id);
			/* the target port and the target device */
			p += ktgt_desig_name(p, 1, nx->target_name, suffix);
			p += ktgt_desig_name(p, 2, nx->target_name, "");
		}
	}
	return p - buf;
}

/* SPC-4 7.8.7 Extended INQUIRY Data: what the task set and the LU offer */
static u32 ktgt_vpd_ext_inquiry(struct ktgt_cmd *cmd, u8 *buf)
{
	buf[5] = 0x04 | 0x02 | 0x01;		/* HEADSUP, ORDSUP, SIMPSUP */
	if (READ_ONCE(cmd->dev->wce))
		buf[6] = 0x01;			/* V_SUP: a volatile cache */
	/* LUICLR: REPORT LUNS clears REPORTED LUNS DATA HAS CHANGED (ua.c) */
	buf[7] = 0x01;
	return 64;
}

static u32 ktgt_vpd_block_limits(struct ktgt_cmd *cmd, u8 *buf)
{
	struct ktgt_dev *dev = cmd->dev;
	u32 max_xfer = KTGT_MAX_XFER_BYTES >> dev->block_shift;

	buf[4] = 0x01;				/* WSNZ */
	buf[5] = KTGT_MAX_CAW_BLOCKS;
	put_unaligned_be16(1U << dev->lbppbe, &buf[6]);
	put_unaligned_be32(max_xfer, &buf[8]);
	put_unaligned_be32(max_xfer, &buf[12]);
	if (dev->lbp) {
		put_unaligned_be32(KTGT_MAX_UNMAP_BLOCKS, &buf[20]);
		put_unaligned_be32(KTGT_MAX_UNMAP_DESCS, &buf[24]);
		put_unaligned_be32(dev->unmap_gran, &buf[28]);
	}
	put_unaligned_be64(KTGT_MAX_WS_BLOCKS, &buf[36]);
	ktgt_atomic_vpd_b0(dev, buf);
	return 64;
}

static u32 ktgt_vpd_block_chars(struct ktgt_cmd *cmd, u8 *buf)
{
	/* MEDIUM ROTATION RATE: 1 = non-rotating, 0 = not reported */
	put_unaligned_be16(cmd->dev->nonrot ? 1 : 0, &buf[4]);
	buf[7] = ktgt_sanitize_vpd_b1(cmd->dev);	/* WABEREQ, WACEREQ */
	return 64;
}

static u32 ktgt_vpd_lbp(struct ktgt_cmd *cmd, u8 *buf)
{
	struct ktgt_dev *dev = cmd->dev;

	if (dev->lbp) {
		buf[5] = 0x80 | 0x40 | 0x20;	/* LBPU, LBPWS, LBPWS10 */
		if (dev->lbprz)
			buf[5] |= 0x04;		/* LBPRZ */
		buf[6] = 0x02;			/* thin provisioned */
	}
	return 8;
}

static void ktgt_spc_exec_inquiry(struct ktgt_cmd *cmd)
{
	u8 *buf = ktgt_emu_buf(cmd);
	u32 len;

	if (!buf)
		return;

	if (!(cmd->cdb[1] & 0x01)) {
		len = ktgt_inquiry_std(cmd, buf);
		ktgt_emu_finish(cmd, buf, len);
		return;
	}

	buf[0] = ktgt_periph(cmd);
	buf[1] = cmd->cdb[2];
	if (!cmd->dev) {
		len = 4;
	} else {
		switch (cmd->cdb[2]) {
		case 0x00:
			len = ktgt_vpd_supported(cmd, buf);
			break;
		case 0x80:
			len = ktgt_vpd_serial(cmd, buf);
			break;
		case 0x83:
			len = ktgt_vpd_devid(cmd, buf);
			break;
		case 0x86:
			len = ktgt_vpd_ext_inquiry(cmd, buf);
			break;
		case 0x8f:
			len = ktgt_xcopy_vpd(cmd, buf);
			break;
		case 0xb0:
			len = ktgt_vpd_block_limits(cmd, buf);
			break;
		case 0xb1:
			len = ktgt_vpd_block_chars(cmd, buf);
			break;
		default:
			len = ktgt_vpd_lbp(cmd, buf);
			break;
		}
	}
	put_unaligned_be16(len - 4, &buf[2]);
	ktgt_emu_finish(cmd, buf, len);
}

int ktgt_spc_parse_inquiry(struct ktgt_cmd *cmd)
{
	u8 *cdb = cmd->cdb;

	if (cdb[1] & 0x01) {
		if (cmd->dev && !memchr(ktgt_vpd_pages, cdb[2],
					sizeof(ktgt_vpd_pages)))
			return ktgt_cmd_parse_invalid_cdb(cmd, 2, 7);
	} else if (cdb[2]) {
		return ktgt_cmd_parse_invalid_cdb(cmd, 2, 7);
	}
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_READ,
				     get_unaligned_be16(&cdb[3]),
				     ktgt_spc_exec_inquiry);
}

/* ------------------------------------------------------------------ */
/* REQUEST SENSE: a pending unit attention, else the LU's state         */

static void ktgt_spc_exec_request_sense(struct ktgt_cmd *cmd)
{
	struct ktgt_sense_err e;
	u8 buf[KTGT_SENSE_LEN];
	u32 len;

	if (!cmd->dev)
		ktgt_sense_set(&e, KTGT_SK_ILLEGAL_REQUEST,
			       KTGT_ASC_LUN_NOT_SUPPORTED);
	else if (ktgt_ua_request_sense(cmd, &e))
		;				/* reported and cleared */
	else if (!READ_ONCE(cmd->dev->enabled))
		ktgt_sense_set(&e, KTGT_SK_NOT_READY,
			       KTGT_ASC_LUN_NOT_READY_MANUAL);
	else if (ktgt_medium_absent(cmd->dev))
		ktgt_sense_set(&e, KTGT_SK_NOT_READY,
			       KTGT_ASC_MEDIUM_NOT_PRESENT_TRAY_OPEN);
	else if (ktgt_sanitize_sense(cmd->dev, &e))
		;				/* SANITIZE in progress or failed */
	else
		ktgt_sense_set(&e, KTGT_SK_NO_SENSE,
			       KTGT_ASC_NO_ADDITIONAL_SENSE);
	len = ktgt_sense_build(buf, sizeof(buf), cmd->cdb[1] & 0x01, &e);
	ktgt_cmd_respond(cmd, buf, len);
}

int ktgt_spc_parse_request_sense(struct ktgt_cmd *cmd)
{
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_READ, cmd->cdb[4],
				     ktgt_spc_exec_request_sense);
}

/* ------------------------------------------------------------------ */
/* REPORT LUNS                                                          */

static void ktgt_spc_exec_report_luns(struct ktgt_cmd *cmd)
{
	struct ktgt_nexus *nx = cmd->nexus;
	u32 i, n = 0;
	u64 *luns;
	u8 *buf;

	buf = ktgt_emu_buf(cmd);
	if (!buf)
		return;
	luns = kmalloc_array(KTGT_MAX_LUNS, sizeof(*luns), GFP_NOIO);
	if (!luns) {
		kfree(buf);
		ktgt_cmd_complete(cmd, KTGT_SAM_BUSY);
		return;
	}

	if (cmd->cdb[2] == 0x01) {
		n = 0;			/* well known LUs only: none */
	} else if (nx && nx->ops && nx->ops->report_luns) {
		n = nx->ops->report_luns(nx, luns, KTGT_MAX_LUNS);
		n = min_t(u32, n, KTGT_MAX_LUNS);
	} else {
		luns[0] = cmd->lun_id;
		n = 1;
	}
	for (i = 0; i < n; i++)
		ktgt_cdb_encode_lun(luns[i], &buf[8 + 8 * i]);
	put_unaligned_be32(n * 8, &buf[0]);
	kfree(luns);
	ktgt_emu_finish(cmd, buf, 8 + n * 8);
}

int ktgt_spc_parse_report_luns(struct ktgt_cmd *cmd)
{
	u32 alloc = get_unaligned_be32(&cmd->cdb[6]);

	switch (cmd->cdb[2]) {
	case 0x00:
	case 0x01:
	case 0x02:
		break;
	default:
		return ktgt_cmd_parse_invalid_cdb(cmd, 2, 7);
	}
	if (alloc < 16)
		return ktgt_cmd_parse_invalid_cdb(cmd, 6, 7);
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_READ, alloc,
				     ktgt_spc_exec_report_luns);
}

/* ------------------------------------------------------------------ */
/* Mode pages                                                           */

enum ktgt_mode_pc {
	KTGT_PC_CURRENT,
	KTGT_PC_CHANGEABLE,
	KTGT_PC_DEFAULT,
	KTGT_PC_SAVED,
};

static u32 ktgt_mode_rw_recovery(struct ktgt_dev *dev, int pc, u8 *p)
{
	p[0] = 0x01;
	p[1] = 0x0a;
	return 12;
}

static u32 ktgt_mode_caching(struct ktgt_dev *dev, int pc, u8 *p)
{
	p[0] = 0x08;
	p[1] = 0x12;
	if (pc == KTGT_PC_CHANGEABLE)
		p[2] = 0x04;			/* WCE */
	else if (pc == KTGT_PC_CURRENT && dev->wce)
		p[2] = 0x04;
	else if (pc == KTGT_PC_DEFAULT && dev->wce)
		p[2] = 0x04;
	return 20;
}

static u32 ktgt_mode_control(struct ktgt_dev *dev, int pc, u8 *p)
{
	p[0] = 0x0a;
	p[1] = 0x0a;
	switch (pc) {
	case KTGT_PC_CHANGEABLE:
		p[2] = 0x04;			/* D_SENSE */
		p[4] = 0x08;			/* SWP */
		break;
	case KTGT_PC_CURRENT:
		if (dev->d_sense)
			p[2] |= 0x04;
		if (dev->swp)
			p[4] |= 0x08;
		fallthrough;
	default:
		p[3] = 0x10;			/* QAM 1: unrestricted order */
		put_unaligned_be16(0xffff, &p[8]);	/* busy timeout: unlimited */
		break;
	}
	return 12;
}

static u32 ktgt_mode_iec(struct ktgt_dev *dev, int pc, u8 *p)
{
	p[0] = 0x1c;
	p[1] = 0x0a;
	if (pc != KTGT_PC_CHANGEABLE)
		p[2] = 0x08;			/* DEXCPT */
	return 12;
}

struct ktgt_mode_page {
	u8 page;
	u8 len;		/* including the 2-byte header */
	u32 (*fill)(struct ktgt_dev *dev, int pc, u8 *p);
};

static const struct ktgt_mode_page ktgt_mode_pages[] = {
	{ 0x01, 12, ktgt_mode_rw_recovery },
	{ 0x08, 20, ktgt_mode_caching },
	{ 0x0a, 12, ktgt_mode_control },
	{ 0x1c, 12, ktgt_mode_iec },
};

static const struct ktgt_mode_page *ktgt_mode_page_find(u8 page)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ktgt_mode_pages); i++)
		if (ktgt_mode_pages[i].page == page)
			return &ktgt_mode_pages[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* MODE SENSE(6/10)                                                     */

static void ktgt_spc_exec_mode_sense(struct ktgt_cmd *cmd)
{
	struct ktgt_dev *dev = cmd->dev;
	bool ten = cmd->cdb[0] == KTGT_OP_MODE_SENSE_10;
	bool dbd = cmd->cdb[1] & 0x08;
	bool llbaa = ten && (cmd->cdb[1] & 0x10);
	int pc = cmd->cdb[2] >> 6;
	u8 page = cmd->cdb[2] & 0x3f;
	u64 nr_blocks = ktgt_dev_nr_blocks(dev);
	u32 hdr = ten ? 8 : 4, bdlen = 0, off, i;
	u8 devspec = 0x10;			/* DPOFUA */
	u8 *buf;

	buf = ktgt_emu_buf(cmd);
	if (!buf)
		return;

	if (ktgt_dev_write_protected(cmd))
		devspec |= 0x80;		/* WP */

	off = hdr;
	if (!dbd) {
		u8 *bd = &buf[off];

		if (llbaa) {
			bdlen = 16;
			put_unaligned_be64(nr_blocks, &bd[0]);
			put_unaligned_be32(dev->block_size, &bd[12]);
		} else {
			/* short LBA mode parameter block descriptor */
			bdlen = 8;
			put_unaligned_be32(min_t(u64, nr_blocks, 0xffffffff),
					   &bd[0]);
			put_unaligned_be24(dev->block_size, &bd[5]);
		}
		off += bdlen;
	}

	for (i = 0; i < ARRAY_SIZE(ktgt_mode_pages); i++) {
		const struct ktgt_mode_page *mp = &ktgt_mode_pages[i];

		if (page != 0x3f && page != mp->page)
			continue;
		off += mp->fill(dev, pc, &buf[off]);
	}

	if (ten) {
		put_unaligned_be16(off - 2, &buf[0]);
		buf[3] = devspec;
		if (llbaa && bdlen)
			buf[4] = 0x01;		/* LONGLBA */
		put_unaligned_be16(bdlen, &buf[6]);
	} else {
		buf[0] = off - 1;
		buf[2] = devspec;
		buf[3] = bdlen;
	}
	ktgt_emu_finish(cmd, buf, off);
}

int ktgt_spc_parse_mode_sense(struct ktgt_cmd *cmd)
{
	u8 *cdb = cmd->cdb;
	int pc = cdb[2] >> 6;
	u8 page = cdb[2] & 0x3f;
	u32 alloc;

	if (pc == KTGT_PC_SAVED)
		return ktgt_cmd_parse_err(cmd, KTGT_SK_ILLEGAL_REQUEST,
					  KTGT_ASC_SAVING_PARAMS_NOT_SUPPORTED);
	if (page != 0x3f && !ktgt_mode_page_find(page))
		return ktgt_cmd_parse_invalid_cdb(cmd, 2, 5);
	/* no subpages here: 0 or "all subpages" only */
	if (cdb[3] && cdb[3] != 0xff)
		return ktgt_cmd_parse_invalid_cdb(cmd, 3, 7);

	if (cdb[0] == KTGT_OP_MODE_SENSE_10)
		alloc = get_unaligned_be16(&cdb[7]);
	else
		alloc = cdb[4];
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_READ, alloc,
				     ktgt_spc_exec_mode_sense);
}

/* ------------------------------------------------------------------ */
/* MODE SELECT(6/10): WCE, D_SENSE and SWP                              */

static void ktgt_spc_exec_mode_select(struct ktgt_cmd *cmd)
{
	struct ktgt_dev *dev = cmd->dev;
	bool ten = cmd->cdb[0] == KTGT_OP_MODE_SELECT_10;
	u32 hdr = ten ? 8 : 4, len, off, bdlen, plen, i;
	u8 cur[32], chg[32];
	bool wce, d_sense, swp;
	u8 *p;

	if (ktgt_cmd_read_params(cmd, (void **)&p, &len))
		return;
	if (!len) {
		ktgt_cmd_good(cmd);
		return;
	}
	if (len < hdr) {
		kfree(p);
		ktgt_cmd_complete_sense(cmd, KTGT_SK_ILLEGAL_REQUEST, 0x1a, 0x00);
		return;
	}

	bdlen = ten ? get_unaligned_be16(&p[6]) : p[3];
	if (p[ten ? 2 : 1]) {			/* medium type */
		ktgt_cmd_fail_invalid_param(cmd, ten ? 2 : 1, 7);
		goto out;
	}
	if (bdlen) {
		u32 bl;

		if (bdlen != 8 && !(ten && bdlen == 16 && (p[4] & 0x01))) {
			ktgt_cmd_fail_invalid_param(cmd, ten ? 6 : 3, 7);
			goto out;
		}
		if (hdr + bdlen > len) {
			ktgt_cmd_complete_sense(cmd, KTGT_SK_ILLEGAL_REQUEST,
						0x1a, 0x00);
			goto out;
		}
		bl = bdlen == 16 ? get_unaligned_be32(&p[hdr + 12]) :
				   get_unaligned_be24(&p[hdr + 5]);
		if (bl && bl != dev->block_size) {
			ktgt_cmd_fail_invalid_param(cmd, hdr + bdlen - 3, 7);
			goto out;
		}
	}

	wce = dev->wce;
	d_sense = dev->d_sense;
	swp = dev->swp;
	for (off = hdr + bdlen; off < len; off += plen) {
		const struct ktgt_mode_page *mp;
		u8 *pg = &p[off];

		if (len - off < 2 || (pg[0] & 0x40)) {	/* no subpages */
			ktgt_cmd_fail_invalid_param(cmd, off, 6);
			goto out;
		}
		mp = ktgt_mode_page_find(pg[0] & 0x3f);
		if (!mp) {
			ktgt_cmd_fail_invalid_param(cmd, off, 5);
			goto out;
		}
		plen = pg[1] + 2;
		if (plen != mp->len) {
			ktgt_cmd_fail_invalid_param(cmd, off + 1, 7);
			goto out;
		}
		if (len - off < plen) {
			ktgt_cmd_complete_sense(cmd, KTGT_SK_ILLEGAL_REQUEST,
						0x1a, 0x00);
			goto out;
		}
		memset(cur, 0, sizeof(cur));
		memset(chg, 0, sizeof(chg));
		mp->fill(dev, KTGT_PC_CURRENT, cur);
		mp->fill(dev, KTGT_PC_CHANGEABLE, chg);
		/* only changeable bits may differ from the current values */
		for (i = 2; i < plen; i++) {
			u8 bad = (pg[i] ^ cur[i]) & ~chg[i];

			if (bad) {
				ktgt_cmd_fail_invalid_param(cmd, off + i,
							    fls(bad) - 1);
				goto out;
			}
		}
		if (mp->page == 0x08) {
			wce = pg[2] & 0x04;
		} else if (mp->page == 0x0a) {
			d_sense = pg[2] & 0x04;
			swp = pg[4] & 0x08;
		}
	}

	/* SPC-4 5.14: MODE PARAMETERS CHANGED for the other I_T nexuses */
	if (wce != dev->wce || d_sense != dev->d_sense || swp != dev->swp)
		ktgt_ua_raise_others(dev, cmd->nexus,
				     KTGT_UA_MODE_PARAMS_CHANGED);
	dev->wce = wce;
	dev->d_sense = d_sense;
	dev->swp = swp;
	ktgt_cmd_good(cmd);
out:
	kfree(p);
}

int ktgt_spc_parse_mode_select(struct ktgt_cmd *cmd)
{
	u8 *cdb = cmd->cdb;
	u32 len;

	if (cdb[1] & 0x01)			/* SP: nothing is saveable */
		return ktgt_cmd_parse_invalid_cdb(cmd, 1, 0);
	if (cdb[0] == KTGT_OP_MODE_SELECT_10)
		len = get_unaligned_be16(&cdb[7]);
	else
		len = cdb[4];
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_WRITE, len,
				     ktgt_spc_exec_mode_select);
}

/* ------------------------------------------------------------------ */
/* RESERVE / RELEASE (6/10), SPC-2 style                                */

static void ktgt_spc_exec_reserve(struct ktgt_cmd *cmd)
{
	struct ktgt_dev *dev = cmd->dev;
	unsigned long flags;
	u8 status = KTGT_SAM_GOOD;

	spin_lock_irqsave(&dev->io_lock, flags);
	if (dev->reserved_by && dev->reserved_by != cmd->nexus)
		status = KTGT_SAM_RESERVATION_CONFLICT;
	else
		dev->reserved_by = cmd->nexus;
	spin_unlock_irqrestore(&dev->io_lock, flags);
	ktgt_cmd_complete(cmd, status);
}

static void ktgt_spc_exec_release(struct ktgt_cmd *cmd)
{
	struct ktgt_dev *dev = cmd->dev;
	unsigned long flags;

	spin_lock_irqsave(&dev->io_lock, flags);
	if (dev->reserved_by == cmd->nexus)
		dev->reserved_by = NULL;
	spin_unlock_irqrestore(&dev->io_lock, flags);
	ktgt_cmd_good(cmd);
}

int ktgt_spc_parse_reserve(struct ktgt_cmd *cmd)
{
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_NONE, 0,
				     ktgt_spc_exec_reserve);
}

int ktgt_spc_parse_release(struct ktgt_cmd *cmd)
{
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_NONE, 0,
				     ktgt_spc_exec_release);
}

/* ------------------------------------------------------------------ */
/* REPORT SUPPORTED OPERATION CODES                                     */

#define KTGT_TIMEOUT_NOMINAL	30	/* seconds */
#define KTGT_TIMEOUT_RECOMMENDED 60

static u32 ktgt_rsoc_timeouts(u8 *p)
{
	put_unaligned_be16(0x0a, &p[0]);
	put_unaligned_be32(KTGT_TIMEOUT_NOMINAL, &p[4]);
	put_unaligned_be32(KTGT_TIMEOUT_RECOMMENDED, &p[8]);
	return 12;
}

static bool ktgt_rsoc_known(u8 opcode)
{
	unsigned int i;

	for (i = 0; i < ktgt_nr_opdescs; i++)
		if (ktgt_opdescs[i].opcode == opcode)
			return true;
	return false;
}

static void ktgt_spc_exec_report_opcodes(struct ktgt_cmd *cmd)
{
	u8 *cdb = cmd->cdb;
	bool rctd = cdb[2] & 0x80;
	u8 opts = cdb[2] & 0x07;
	u16 sa = get_unaligned_be16(&cdb[4]);
	const struct ktgt_opdesc *d, *found = NULL;
	bool has_sa = false;
	u32 off, i;
	u8 *buf;

	buf = ktgt_emu_buf(cmd);
	if (!buf)
		return;

	if (opts == 0) {
		off = 4;
		for (i = 0; i < ktgt_nr_opdescs; i++) {
			d = &ktgt_opdescs[i];
			if (!ktgt_opdesc_supported(d, cmd))
				continue;
			if (off + 20 > KTGT_EMU_BUF_LEN)
				break;
			buf[off] = d->opcode;
			put_unaligned_be16(d->sa, &buf[off + 2]);
			buf[off + 5] = (rctd ? 0x02 : 0) | (d->has_sa ? 0x01 : 0);
			put_unaligned_be16(d->cdb_len, &buf[off + 6]);
			off += 8;
			if (rctd)
				off += ktgt_rsoc_timeouts(&buf[off]);
		}
		put_unaligned_be32(off - 4, &buf[0]);
		ktgt_emu_finish(cmd, buf, off);
		return;
	}

	for (i = 0; i < ktgt_nr_opdescs; i++)
		if (ktgt_opdescs[i].opcode == cdb[3])
			has_sa |= ktgt_opdescs[i].has_sa;
	/* options 1: the opcode must not have service actions; 2: must */
	if ((opts == 1 && has_sa) ||
	    (opts == 2 && !has_sa && ktgt_rsoc_known(cdb[3]))) {
		struct ktgt_sense_err e;

		/*
		 * INVALID FIELD IN CDB pointing at REQUESTED OPERATION CODE:
		 * without a field pointer an initiator may take it for "no
		 * such service action", i.e. RSOC itself not supported.
		 */
		kfree(buf);
		ktgt_sense_invalid_cdb(&e, 3, 7);
		ktgt_cmd_fail(cmd, &e);
		return;
	}
	for (i = 0; i < ktgt_nr_opdescs; i++) {
		d = &ktgt_opdescs[i];
		if (d->opcode != cdb[3] || !ktgt_opdesc_supported(d, cmd))
			continue;
		if (d->has_sa ? d->sa == sa : (opts == 1 || !sa)) {
			found = d;
			break;
		}
	}

	if (!found) {
		buf[1] = 0x01;			/* not supported */
		ktgt_emu_finish(cmd, buf, 4);
		return;
	}
	buf[1] = (rctd ? 0x80 : 0) | 0x03;	/* supported per standard */
	put_unaligned_be16(found->cdb_len, &buf[2]);
	memcpy(&buf[4], found->usage, found->cdb_len);
	off = 4 + found->cdb_len;
	if (rctd)
		off += ktgt_rsoc_timeouts(&buf[off]);
	ktgt_emu_finish(cmd, buf, off);
}

int ktgt_spc_parse_report_opcodes(struct ktgt_cmd *cmd)
{
	u8 opts = cmd->cdb[2] & 0x07;

	if (opts > 3)
		return ktgt_cmd_parse_invalid_cdb(cmd, 2, 2);
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_READ,
				     get_unaligned_be32(&cmd->cdb[6]),
				     ktgt_spc_exec_report_opcodes);
}

/* ------------------------------------------------------------------ */
/* REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS                           */

static void ktgt_spc_exec_report_tmfs(struct ktgt_cmd *cmd)
{
	u8 buf[16] = { 0 };
	bool repd = cmd->cdb[2] & 0x80;

	/* ABORT TASK, ABORT TASK SET, CLEAR TASK SET, LOGICAL UNIT RESET */
	buf[0] = 0x80 | 0x40 | 0x10 | 0x08;
	if (repd)
		buf[3] = 0x0c;
	ktgt_cmd_respond(cmd, buf, repd ? 16 : 4);
}

int ktgt_spc_parse_report_tmfs(struct ktgt_cmd *cmd)
{
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_READ,
				     get_unaligned_be32(&cmd->cdb[6]),
				     ktgt_spc_exec_report_tmfs);
}
