// SPDX-License-Identifier: GPL-2.0
/* Unit tests of scsi_backend/pr_proto.c: PR OUT lists, TransportIDs (TAP). */
#include "ktgt_compat.h"
#include "ktgt_pr.h"
#include "ktgt_cdb.h"
#include "ktgt_unit.h"

static u8 cdb[10];
static u8 list[1024];

static void set_cdb(u8 sa, u8 type, u32 len)
{
	memset(cdb, 0, sizeof(cdb));
	cdb[0] = KTGT_OP_PR_OUT;
	cdb[1] = sa;
	cdb[2] = type;
	put_unaligned_be32(len, &cdb[5]);
}

static bool is_err(const struct ktgt_sense_err *e, u16 asc_ascq)
{
	return e->key == KTGT_SK_ILLEGAL_REQUEST &&
	       (e->asc << 8 | e->ascq) == asc_ascq;
}

static void test_basic(void)
{
	struct ktgt_pr_out o;
	struct ktgt_sense_err e;

	memset(list, 0, sizeof(list));
	put_unaligned_be64(0x1122334455667788ULL, &list[0]);
	put_unaligned_be64(0xabcdULL, &list[8]);
	list[20] = 0x05;		/* ALL_TG_PT, APTPL */
	set_cdb(KTGT_PROUT_REGISTER, 0, 24);
	KTGT_CHECK(ktgt_pr_out_decode(cdb, list, 24, &o, &e) == 0,
		   "REGISTER with 24 bytes decodes");
	KTGT_CHECK(o.res_key == 0x1122334455667788ULL && o.sa_key == 0xabcd,
		   "keys decoded big-endian");
	KTGT_CHECK(o.all_tg_pt && o.aptpl && !o.spec_i_pt, "ALL_TG_PT and APTPL");

	KTGT_CHECK(ktgt_pr_out_decode(cdb, list, 23, &o, &e) == -EINVAL &&
		   is_err(&e, KTGT_ASC_PARAM_LIST_LENGTH_ERROR),
		   "23 bytes: PARAMETER LIST LENGTH ERROR");
	KTGT_CHECK(ktgt_pr_out_decode(cdb, list, 28, &o, &e) == -EINVAL &&
		   is_err(&e, KTGT_ASC_PARAM_LIST_LENGTH_ERROR),
		   "28 bytes without SPEC_I_PT: PARAMETER LIST LENGTH ERROR");
	KTGT_CHECK(ktgt_pr_out_decode(cdb, NULL, 0, &o, &e) == -EINVAL &&
		   is_err(&e, KTGT_ASC_PARAM_LIST_LENGTH_ERROR),
		   "empty list: PARAMETER LIST LENGTH ERROR");

	set_cdb(KTGT_PROUT_RESERVE, 0x01, 24);
	KTGT_CHECK(ktgt_pr_out_decode(cdb, list, 24, &o, &e) == 0 &&
		   !o.all_tg_pt && o.type == 1 && o.scope == 0,
		   "RESERVE: ALL_TG_PT ignored, type 1");

	list[20] = 0x02;		/* reserved bit */
	KTGT_CHECK(ktgt_pr_out_decode(cdb, list, 24, &o, &e) == -EINVAL &&
		   is_err(&e, KTGT_ASC_INVALID_FIELD_IN_PARAM_LIST) &&
		   e.sks_valid && !e.sks_cd && e.sks_field == 20,
		   "reserved bit in byte 20: INVALID FIELD IN PARAMETER LIST at 20");
	list[20] = 0x08;		/* SPEC_I_PT with RESERVE */
	KTGT_CHECK(ktgt_pr_out_decode(cdb, list, 24, &o, &e) == -EINVAL &&
		   is_err(&e, KTGT_ASC_INVALID_FIELD_IN_PARAM_LIST) &&
		   e.sks_bit == 3, "SPEC_I_PT on RESERVE: INVALID FIELD, bit 3");
	set_cdb(KTGT_PROUT_REGISTER_IGNORE, 0, 24);
	KTGT_CHECK(ktgt_pr_out_decode(cdb, list, 24, &o, &e) == -EINVAL &&
		   is_err(&e, KTGT_ASC_INVALID_FIELD_IN_PARAM_LIST),
		   "SPEC_I_PT on REGISTER AND IGNORE: INVALID FIELD");
	set_cdb(0x08, 0, 24);
	KTGT_CHECK(ktgt_pr_out_decode(cdb, list, 24, &o, &e) == -EINVAL &&
		   is_err(&e, KTGT_ASC_INVALID_FIELD_IN_CDB) && e.sks_cd,
		   "service action 8: INVALID FIELD IN CDB");
}

static void test_spec_i_pt(void)
{
	struct ktgt_pr_out o;
	struct ktgt_sense_err e;
	struct ktgt_pr_tid t;
	u32 n1, n2;
	u8 isid[6] = { 0x23, 0xd0, 0x00, 0x00, 0x00, 0x01 };

	memset(list, 0, sizeof(list));
	list[20] = 0x08;
	n1 = ktgt_pr_tid_encode(&list[28], 512, "iqn.2026-11.org.ktgt:a", NULL);
	n2 = ktgt_pr_tid_encode(&list[28 + n1], 512, "iqn.2026-11.org.ktgt:b", isid);
	KTGT_CHECK(n1 == 28 && n1 % 4 == 0, "format 00b: 4 + name + NUL, padded");
	KTGT_CHECK(n2 % 4 == 0 && n2 >= 4 + 23 + 17, "format 01b: name,i,0x + ISID");
	KTGT_CHECK(list[28] == 0x05 && list[28 + n1] == 0x45, "format and protocol bytes");
	put_unaligned_be32(n1 + n2, &list[24]);
	set_cdb(KTGT_PROUT_REGISTER, 0, 28 + n1 + n2);
	KTGT_CHECK(ktgt_pr_out_decode(cdb, list, 28 + n1 + n2, &o, &e) == 0 &&
		   o.spec_i_pt && o.tid_off == 28 && o.tid_len == n1 + n2,
		   "SPEC_I_PT list decodes");
	KTGT_CHECK(ktgt_pr_out_decode(cdb, list, 28 + n1 + n2 + 4, &o, &e) == -EINVAL &&
		   is_err(&e, KTGT_ASC_PARAM_LIST_LENGTH_ERROR),
		   "TPDL not matching the list length: PARAMETER LIST LENGTH ERROR");
	KTGT_CHECK(ktgt_pr_out_decode(cdb, list, 27, &o, &e) == -EINVAL &&
		   is_err(&e, KTGT_ASC_PARAM_LIST_LENGTH_ERROR),
		   "SPEC_I_PT and 27 bytes: PARAMETER LIST LENGTH ERROR");

	KTGT_CHECK(ktgt_pr_tid_decode(&list[28], n1, 28, &t, &e) == (int)n1 &&
		   !strcmp(t.name, "iqn.2026-11.org.ktgt:a") && !t.has_isid,
		   "format 00b TransportID decodes");
	KTGT_CHECK(ktgt_pr_tid_decode(&list[28 + n1], n2, 28 + n1, &t, &e) == (int)n2 &&
		   !strcmp(t.name, "iqn.2026-11.org.ktgt:b") && t.has_isid &&
		   !memcmp(t.isid, isid, 6), "format 01b TransportID decodes with ISID");
	KTGT_CHECK(ktgt_pr_tid_decode(&list[28], n1 - 4, 28, &t, &e) == -EINVAL &&
		   is_err(&e, KTGT_ASC_INVALID_FIELD_IN_PARAM_LIST) && e.sks_field == 30,
		   "truncated TransportID: INVALID FIELD at its ADDITIONAL LENGTH");

	list[28] = 0x04;		/* SAS */
	KTGT_CHECK(ktgt_pr_tid_decode(&list[28], n1, 28, &t, &e) == -EINVAL &&
		   is_err(&e, KTGT_ASC_INVALID_FIELD_IN_PARAM_LIST),
		   "non-iSCSI TransportID refused");
	list[28] = 0x85;		/* format 10b */
	KTGT_CHECK(ktgt_pr_tid_decode(&list[28], n1, 28, &t, &e) == -EINVAL,
		   "format 10b refused");
	list[28] = 0x05;
	put_unaligned_be16(22, &list[30]);
	KTGT_CHECK(ktgt_pr_tid_decode(&list[28], n1, 28, &t, &e) == -EINVAL,
		   "ADDITIONAL LENGTH not a multiple of 4 refused");
	put_unaligned_be16(24, &list[30]);
	memset(&list[32], 'a', 24);	/* no NUL */
	KTGT_CHECK(ktgt_pr_tid_decode(&list[28], n1, 28, &t, &e) == -EINVAL,
		   "name without NUL refused");

	/* 01b with a bad ISID */
	memset(list, 0, sizeof(list));
	list[0] = 0x45;
	put_unaligned_be16(28, &list[2]);
	memcpy(&list[4], "iqn.x,i,0x23d00000000g", 22);
	KTGT_CHECK(ktgt_pr_tid_decode(list, 32, 0, &t, &e) == -EINVAL,
		   "01b with a non-hex ISID refused");
	memcpy(&list[4], "iqn.X,I,0X23D000000001", 22);
	KTGT_CHECK(ktgt_pr_tid_decode(list, 32, 0, &t, &e) == 32 &&
		   !strcmp(t.name, "iqn.x") && t.isid[5] == 1,
		   "01b: case-insensitive separator, name in lower case");
	memcpy(&list[4], "iqn.x,i,0x23d0000000011", 23);
	KTGT_CHECK(ktgt_pr_tid_decode(list, 32, 0, &t, &e) == -EINVAL,
		   "01b with 13 ISID digits refused");
}

static void test_move(void)
{
	struct ktgt_pr_out o;
	struct ktgt_sense_err e;
	u32 n;

	memset(list, 0, sizeof(list));
	list[17] = 0x03;
	put_unaligned_be16(1, &list[18]);
	n = ktgt_pr_tid_encode(&list[24], 512, "iqn.2026-11.org.ktgt:a", NULL);
	put_unaligned_be32(n, &list[20]);
	set_cdb(KTGT_PROUT_REGISTER_AND_MOVE, 1, 24 + n);
	KTGT_CHECK(ktgt_pr_out_decode(cdb, list, 24 + n, &o, &e) == 0 &&
		   o.unreg && o.aptpl && o.rtpi == 1 && o.tid_len == n,
		   "REGISTER AND MOVE decodes UNREG, APTPL, RTPI, TransportID");
	KTGT_CHECK(ktgt_pr_out_decode(cdb, list, 24 + n - 1, &o, &e) == -EINVAL &&
		   is_err(&e, KTGT_ASC_PARAM_LIST_LENGTH_ERROR),
		   "REGISTER AND MOVE with a short list: PARAMETER LIST LENGTH ERROR");
	list[17] = 0x04;
	KTGT_CHECK(ktgt_pr_out_decode(cdb, list, 24 + n, &o, &e) == -EINVAL &&
		   is_err(&e, KTGT_ASC_INVALID_FIELD_IN_PARAM_LIST),
		   "REGISTER AND MOVE reserved bit: INVALID FIELD");
}

static void test_conflicts(void)
{
	u8 rd[10] = { KTGT_OP_READ_10 }, wr[10] = { KTGT_OP_WRITE_10 };
	u8 inq[6] = { KTGT_OP_INQUIRY }, tur[6] = { 0 };
	u8 ms[6] = { KTGT_OP_MODE_SENSE_6 };
	u8 sync[10] = { KTGT_OP_SYNC_CACHE_10 };
	u8 types[] = { 1, 3, 5, 6, 7, 8 };
	/* expected conflicts for a non-holder: {unregistered, registered} */
	static const bool rd_c[6][2] = { {0, 0}, {1, 1}, {0, 0}, {1, 0}, {0, 0}, {1, 0} };
	static const bool wr_c[6][2] = { {1, 1}, {1, 1}, {1, 0}, {1, 0}, {1, 0}, {1, 0} };
	unsigned int i, r;
	bool ok = true;

	for (i = 0; i < 6; i++) {
		for (r = 0; r < 2; r++) {
			ok &= ktgt_pr_conflicts(rd, types[i], false, r) == rd_c[i][r];
			ok &= ktgt_pr_conflicts(wr, types[i], false, r) == wr_c[i][r];
			ok &= !ktgt_pr_conflicts(rd, types[i], true, true);
			ok &= !ktgt_pr_conflicts(wr, types[i], true, true);
			ok &= !ktgt_pr_conflicts(inq, types[i], false, r);
			ok &= !ktgt_pr_conflicts(tur, types[i], false, r);
		}
	}
	KTGT_CHECK(ok, "READ/WRITE/INQUIRY/TUR through each type, SPC-4 table");
	KTGT_CHECK(!ktgt_pr_conflicts(ms, KTGT_PR_TYPE_WE, false, false) &&
		   ktgt_pr_conflicts(ms, KTGT_PR_TYPE_EA, false, false),
		   "MODE SENSE: allowed through WE, not EA");
	KTGT_CHECK(ktgt_pr_conflicts(sync, KTGT_PR_TYPE_WE, false, false),
		   "SYNCHRONIZE CACHE conflicts with WE");
	KTGT_CHECK(!ktgt_pr_conflicts(wr, KTGT_PR_TYPE_NONE, false, false),
		   "no reservation: no conflict");
	KTGT_CHECK(ktgt_pr_type_valid(1) && !ktgt_pr_type_valid(2) &&
		   !ktgt_pr_type_valid(4) && !ktgt_pr_type_valid(9) &&
		   !ktgt_pr_type_valid(0), "valid types 1, 3, 5-8");
}

int main(void)
{
	test_basic();
	test_spec_i_pt();
	test_move();
	test_conflicts();
	return ktgt_unit_done();
}
