// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of iscsi_tgt/params.c: text records, configuration values and
 * the login negotiation with the key sets real initiators send.
 */
#include "ktgt_compat.h"
#include "ktgt_params.h"
#include "ktgt_unit.h"

#define IQN_I	"iqn.2004-10.com.ubuntu:01:3f2e9a1b7c"
#define IQN_T	"iqn.2024-01.org.ktgt:disk1"

static char in_buf[65536];
static char out_buf[8192];
static struct ktgt_textbuf out;

/* Build "k=v\0k=v\0" from a NULL-terminated list of records. */
static u32 text_of(const char *const *recs)
{
	u32 len = 0;

	for (; *recs; recs++) {
		size_t l = strlen(*recs) + 1;

		memcpy(in_buf + len, *recs, l);
		len += (u32)l;
	}
	return len;
}

#define TEXT(...) text_of((const char *const[]){ __VA_ARGS__, NULL })

static void out_reset(void)
{
	out.buf = out_buf;
	out.len = 0;
	out.cap = sizeof(out_buf);
}

static void print_text(const char *what, const char *t, u32 len)
{
	u32 i;

	printf("# %s: \"", what);
	for (i = 0; i < len; i++)
		putchar(t[i] ? t[i] : '|');
	printf("\"\n");
}

/* The response text must be exactly these records, in this order. */
static bool out_is(const char *const *recs)
{
	char want[8192];
	u32 len = 0;

	for (; *recs; recs++) {
		size_t l = strlen(*recs) + 1;

		memcpy(want + len, *recs, l);
		len += (u32)l;
	}
	if (len == out.len && !memcmp(want, out.buf, len))
		return true;
	print_text("got ", out.buf, out.len);
	print_text("want", want, len);
	return false;
}

#define OUT_IS(...) out_is((const char *const[]){ __VA_ARGS__, NULL })
#define OUT_EMPTY() (out.len == 0)

static int login(struct ktgt_nego *n, int stage, u32 len)
{
	out_reset();
	return ktgt_nego_login(n, stage, in_buf, len, &out);
}

/* Continue the response of the last login() with finish. */
static int finish(struct ktgt_nego *n)
{
	return ktgt_nego_finish(n, &out);
}

static int finish_fresh(struct ktgt_nego *n)
{
	out_reset();
	return ktgt_nego_finish(n, &out);
}

/* ------------------------------------------------------------------ */

static void test_text_iter(void)
{
	static const char t1[] = "A=1\0B=\0\0\0C\0=x\0D=e=f";
	struct ktgt_text_iter it;
	const char *k, *v;
	u32 kl, vl;
	bool ok;

	ktgt_text_iter_init(&it, t1, sizeof(t1) - 1);
	ok = ktgt_text_next(&it, &k, &kl, &v, &vl) && kl == 1 && k[0] == 'A' &&
	     v && vl == 1 && v[0] == '1';
	KTGT_CHECK(ok, "iter: first record");
	ok = ktgt_text_next(&it, &k, &kl, &v, &vl) && kl == 1 && k[0] == 'B' &&
	     v && vl == 0;
	KTGT_CHECK(ok, "iter: empty value");
	ok = ktgt_text_next(&it, &k, &kl, &v, &vl) && kl == 1 && k[0] == 'C' &&
	     !v && vl == 0;
	KTGT_CHECK(ok, "iter: padding skipped, record without '='");
	ok = ktgt_text_next(&it, &k, &kl, &v, &vl) && kl == 0 && v &&
	     vl == 1 && v[0] == 'x';
	KTGT_CHECK(ok, "iter: empty key");
	ok = ktgt_text_next(&it, &k, &kl, &v, &vl) && kl == 1 && k[0] == 'D' &&
	     vl == 3 && !memcmp(v, "e=f", 3);
	KTGT_CHECK(ok, "iter: last record without NUL, '=' in value");
	KTGT_CHECK(!ktgt_text_next(&it, &k, &kl, &v, &vl), "iter: end");
	KTGT_CHECK(!ktgt_text_next(&it, &k, &kl, &v, &vl), "iter: stays at end");

	ktgt_text_iter_init(&it, NULL, 100);
	KTGT_CHECK(!ktgt_text_next(&it, &k, &kl, &v, &vl), "iter: NULL text");
	ktgt_text_iter_init(&it, t1, 0);
	KTGT_CHECK(!ktgt_text_next(&it, &k, &kl, &v, &vl), "iter: empty text");
	ktgt_text_iter_init(&it, "\0\0\0", 3);
	KTGT_CHECK(!ktgt_text_next(&it, &k, &kl, &v, &vl), "iter: only NULs");

	/* a huge record without any terminator */
	memset(in_buf, 'K', sizeof(in_buf));
	in_buf[100] = '=';
	ktgt_text_iter_init(&it, in_buf, sizeof(in_buf));
	ok = ktgt_text_next(&it, &k, &kl, &v, &vl) && kl == 100 &&
	     vl == sizeof(in_buf) - 101 &&
	     !ktgt_text_next(&it, &k, &kl, &v, &vl);
	KTGT_CHECK(ok, "iter: huge unterminated record");
}

static void test_textbuf(void)
{
	char small[12];
	struct ktgt_textbuf tb = { small, 0, sizeof(small) };

	KTGT_CHECK(ktgt_textbuf_add(&tb, "Ab", "cd") == 0 && tb.len == 6 &&
		   !memcmp(small, "Ab=cd", 6), "textbuf add");
	KTGT_CHECK(ktgt_textbuf_add(&tb, "Ef", "ghi") == -ENOSPC && tb.len == 6,
		   "textbuf full: -ENOSPC, nothing appended");
	KTGT_CHECK(ktgt_textbuf_add(&tb, "E", "gh") == 0 && tb.len == 11,
		   "textbuf exact fit");
	KTGT_CHECK(ktgt_textbuf_add(&tb, "", "") == -ENOSPC,
		   "textbuf no room for empty record");
	tb.len = 13;
	KTGT_CHECK(ktgt_textbuf_add(&tb, "A", "b") == -ENOSPC,
		   "textbuf inconsistent len");
}

static void test_config(void)
{
	struct ktgt_param_offer offer;
	bool ok = true;
	int i;

	for (i = 0; i < KTGT_P_NR_CONFIGURABLE; i++)
		if (ktgt_param_lookup(ktgt_param_name(i)) != i)
			ok = false;
	KTGT_CHECK(ok, "lookup(name(id)) == id for every key");
	KTGT_CHECK(ktgt_param_lookup("MaxRecvDataSegmentLength") ==
		   KTGT_P_MAX_RECV_DSL, "lookup MaxRecvDataSegmentLength");
	KTGT_CHECK(ktgt_param_lookup("maxburstlength") == -EINVAL,
		   "lookup is case-sensitive");
	KTGT_CHECK(ktgt_param_lookup("InitiatorName") == -EINVAL,
		   "lookup: not configurable");
	KTGT_CHECK(ktgt_param_lookup(NULL) == -EINVAL, "lookup NULL");
	KTGT_CHECK(!ktgt_param_name(-1) &&
		   !ktgt_param_name(KTGT_P_NR_CONFIGURABLE), "name out of range");

	ktgt_param_offer_defaults(&offer);
	ok = true;
	for (i = 0; i < KTGT_P_NR_CONFIGURABLE; i++)
		if (ktgt_param_validate(i, offer.val[i]))
			ok = false;
	KTGT_CHECK(ok, "defaults validate");
	KTGT_CHECK(!strcmp(offer.val[KTGT_P_MAX_RECV_DSL], "262144") &&
		   !strcmp(offer.val[KTGT_P_MAX_BURST], "1048576") &&
		   !strcmp(offer.val[KTGT_P_FIRST_BURST], "65536") &&
		   !strcmp(offer.val[KTGT_P_IMMEDIATE_DATA], "Yes") &&
		   !strcmp(offer.val[KTGT_P_INITIAL_R2T], "No") &&
		   !strcmp(offer.val[KTGT_P_MAX_OUTSTANDING_R2T], "1") &&
		   !strcmp(offer.val[KTGT_P_ERROR_RECOVERY_LEVEL], "0") &&
		   !strcmp(offer.val[KTGT_P_MAX_CONNECTIONS], "1") &&
		   !strcmp(offer.val[KTGT_P_HEADER_DIGEST], "None") &&
		   !strcmp(offer.val[KTGT_P_DATA_DIGEST], "None") &&
		   !strcmp(offer.val[KTGT_P_DEFAULT_TIME2WAIT], "2") &&
		   !strcmp(offer.val[KTGT_P_DEFAULT_TIME2RETAIN], "20") &&
		   !strcmp(offer.val[KTGT_P_TARGET_ALIAS], ""),
		   "default values");

#define V(id, s) ktgt_param_validate(KTGT_P_##id, s)
	KTGT_CHECK(!V(HEADER_DIGEST, "CRC32C,None") && !V(HEADER_DIGEST, "CRC32C") &&
		   !V(DATA_DIGEST, "None,CRC32C"), "validate digest lists");
	KTGT_CHECK(V(HEADER_DIGEST, "") && V(HEADER_DIGEST, "crc32c") &&
		   V(HEADER_DIGEST, "None,None") && V(HEADER_DIGEST, "None,") &&
		   V(HEADER_DIGEST, "MD5"), "validate digest garbage");
	KTGT_CHECK(!V(MAX_RECV_DSL, "512") && !V(MAX_RECV_DSL, "16777215") &&
		   !V(MAX_BURST, "0x100000"), "validate lengths");
	KTGT_CHECK(V(MAX_RECV_DSL, "511") && V(MAX_RECV_DSL, "16777216") &&
		   V(MAX_BURST, "") && V(MAX_BURST, "1k") &&
		   V(MAX_BURST, "-1") && V(MAX_BURST, " 512") &&
		   V(MAX_BURST, "512\n") && V(FIRST_BURST, "0x") &&
		   V(FIRST_BURST, "99999999999999999999999"),
		   "validate length garbage");
	KTGT_CHECK(!V(INITIAL_R2T, "Yes") && !V(IMMEDIATE_DATA, "No") &&
		   V(INITIAL_R2T, "yes") && V(DATA_PDU_IN_ORDER, "1"),
		   "validate booleans");
	KTGT_CHECK(!V(ERROR_RECOVERY_LEVEL, "2") && V(ERROR_RECOVERY_LEVEL, "3"),
		   "validate ErrorRecoveryLevel");
	KTGT_CHECK(!V(MAX_CONNECTIONS, "65535") && V(MAX_CONNECTIONS, "0") &&
		   V(MAX_OUTSTANDING_R2T, "65536"), "validate counts");
	KTGT_CHECK(!V(DEFAULT_TIME2WAIT, "3600") && V(DEFAULT_TIME2RETAIN, "3601"),
		   "validate times");
	KTGT_CHECK(!V(OF_MARKER, "No") && V(OF_MARKER, "Yes") &&
		   !V(IF_MARK_INT, "1~65535") && !V(OF_MARK_INT, "2048") &&
		   V(OF_MARK_INT, "0") && V(OF_MARK_INT, "9~8") &&
		   V(OF_MARK_INT, "1~"), "validate markers");
	KTGT_CHECK(!V(TARGET_ALIAS, "") && !V(TARGET_ALIAS, "Bob's disk") &&
		   V(TARGET_ALIAS, "bad\ttab"), "validate TargetAlias");
	{
		char big[KTGT_PARAM_VAL_MAX + 8];

		memset(big, 'a', sizeof(big));
		big[255] = 0;
		KTGT_CHECK(!V(TARGET_ALIAS, big), "validate alias 255 bytes");
		big[255] = 'a';
		big[256] = 0;
		KTGT_CHECK(V(TARGET_ALIAS, big), "validate alias 256 bytes");
	}
	KTGT_CHECK(ktgt_param_validate(-1, "1") == -EINVAL &&
		   ktgt_param_validate(KTGT_P_NR_CONFIGURABLE, "1") == -EINVAL &&
		   ktgt_param_validate(0, NULL) == -EINVAL, "validate bad id");
#undef V
}

/* ------------------------------------------------------------------ */
/* open-iscsi 2.1                                                      */

static u32 open_iscsi_security(const char *type)
{
	static char st[32];

	snprintf(st, sizeof(st), "SessionType=%s", type);
	if (!strcmp(type, "Discovery"))
		return TEXT("InitiatorName=" IQN_I, "InitiatorAlias=host1", st,
			    "AuthMethod=None");
	return TEXT("InitiatorName=" IQN_I, "InitiatorAlias=host1",
		    "TargetName=" IQN_T, st, "AuthMethod=None");
}

static u32 open_iscsi_operational(void)
{
	return TEXT("HeaderDigest=None", "DataDigest=None",
		    "DefaultTime2Wait=2", "DefaultTime2Retain=0",
		    "IFMarker=No", "OFMarker=No", "ErrorRecoveryLevel=0",
		    "InitialR2T=No", "ImmediateData=Yes",
		    "MaxBurstLength=16776192", "FirstBurstLength=262144",
		    "MaxOutstandingR2T=1", "MaxConnections=1",
		    "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes",
		    "MaxRecvDataSegmentLength=262144");
}

static void test_open_iscsi_normal(void)
{
	struct ktgt_nego n;
	const struct ktgt_params *p = &n.params;

	ktgt_nego_init(&n, NULL);
	KTGT_CHECK(n.leading && !n.auth_required, "init: leading, no auth");
	KTGT_CHECK(login(&n, KTGT_STAGE_SECURITY,
			 open_iscsi_security("Normal")) == 0,
		   "open-iscsi security stage accepted");
	KTGT_CHECK(OUT_IS("AuthMethod=None"), "open-iscsi: AuthMethod=None");
	KTGT_CHECK(!strcmp(n.initiator_name, IQN_I) &&
		   !strcmp(n.target_name, IQN_T) &&
		   !strcmp(n.initiator_alias, "host1") &&
		   n.session_type == KTGT_SESSION_NORMAL &&
		   !strcmp(n.auth_method, "None"), "open-iscsi: names recorded");
	KTGT_CHECK(ktgt_nego_leave_security(&n, false) == 0,
		   "open-iscsi: may leave security stage");

	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 open_iscsi_operational()) == 0,
		   "open-iscsi operational stage accepted");
	KTGT_CHECK(finish(&n) == 0 && !ktgt_nego_pending(&n),
		   "open-iscsi: finish, nothing pending");
	KTGT_CHECK(OUT_IS("HeaderDigest=None", "DataDigest=None",
			  "DefaultTime2Wait=2", "DefaultTime2Retain=0",
			  "IFMarker=No", "OFMarker=No", "ErrorRecoveryLevel=0",
			  "InitialR2T=No", "ImmediateData=Yes",
			  "MaxBurstLength=1048576", "FirstBurstLength=65536",
			  "MaxOutstandingR2T=1", "MaxConnections=1",
			  "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes",
			  "MaxRecvDataSegmentLength=262144"),
		   "open-iscsi: exact operational response");
	KTGT_CHECK(p->max_recv_dsl == 262144 && p->max_xmit_dsl == 262144 &&
		   p->max_burst == 1048576 && p->first_burst == 65536 &&
		   p->max_outstanding_r2t == 1 && p->max_connections == 1 &&
		   p->default_time2wait == 2 && p->default_time2retain == 0 &&
		   p->erl == 0 && !p->header_digest && !p->data_digest &&
		   !p->initial_r2t && p->immediate_data &&
		   p->data_pdu_in_order && p->data_seq_in_order,
		   "open-iscsi: negotiated values");

	/* finishing again declares nothing twice */
	KTGT_CHECK(finish_fresh(&n) == 0 && OUT_EMPTY(),
		   "finish twice: nothing new");
}

/* Without CHAP credentials open-iscsi skips the security stage. */
static void test_open_iscsi_no_auth(void)
{
	struct ktgt_nego n;

	ktgt_nego_init(&n, NULL);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("InitiatorName=" IQN_I, "InitiatorAlias=host1",
			      "TargetName=" IQN_T, "SessionType=Normal",
			      "HeaderDigest=None", "DataDigest=None",
			      "DefaultTime2Wait=2", "DefaultTime2Retain=0",
			      "IFMarker=No", "OFMarker=No",
			      "ErrorRecoveryLevel=0", "InitialR2T=No",
			      "ImmediateData=Yes", "MaxBurstLength=16776192",
			      "FirstBurstLength=262144", "MaxOutstandingR2T=1",
			      "MaxConnections=1", "DataPDUInOrder=Yes",
			      "DataSequenceInOrder=Yes",
			      "MaxRecvDataSegmentLength=262144")) == 0 &&
		   finish(&n) == 0 && !ktgt_nego_pending(&n),
		   "open-iscsi without auth: one operational request");
	KTGT_CHECK(OUT_IS("HeaderDigest=None", "DataDigest=None",
			  "DefaultTime2Wait=2", "DefaultTime2Retain=0",
			  "IFMarker=No", "OFMarker=No", "ErrorRecoveryLevel=0",
			  "InitialR2T=No", "ImmediateData=Yes",
			  "MaxBurstLength=1048576", "FirstBurstLength=65536",
			  "MaxOutstandingR2T=1", "MaxConnections=1",
			  "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes",
			  "MaxRecvDataSegmentLength=262144") &&
		   !n.auth_method[0] && ktgt_nego_leave_security(&n, false) == 0,
		   "open-iscsi without auth: exact response");
}

static void test_open_iscsi_discovery(void)
{
	struct ktgt_nego n;

	ktgt_nego_init(&n, NULL);
	KTGT_CHECK(login(&n, KTGT_STAGE_SECURITY,
			 open_iscsi_security("Discovery")) == 0 &&
		   OUT_IS("AuthMethod=None") &&
		   n.session_type == KTGT_SESSION_DISCOVERY &&
		   !n.target_name[0], "open-iscsi discovery: security stage");
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("HeaderDigest=None", "DataDigest=None",
			      "DefaultTime2Wait=2", "DefaultTime2Retain=0",
			      "IFMarker=No", "OFMarker=No",
			      "ErrorRecoveryLevel=0",
			      "MaxRecvDataSegmentLength=32768")) == 0 &&
		   finish(&n) == 0 && !ktgt_nego_pending(&n),
		   "open-iscsi discovery: operational stage");
	KTGT_CHECK(OUT_IS("HeaderDigest=None", "DataDigest=None",
			  "DefaultTime2Wait=2", "DefaultTime2Retain=0",
			  "IFMarker=No", "OFMarker=No", "ErrorRecoveryLevel=0",
			  "MaxRecvDataSegmentLength=262144"),
		   "open-iscsi discovery: exact response, no offers");
	KTGT_CHECK(n.params.max_xmit_dsl == 32768 &&
		   n.params.max_recv_dsl == 262144,
		   "open-iscsi discovery: data segment lengths");
}

/* ------------------------------------------------------------------ */
/* libiscsi                                                            */

static u32 libiscsi_opneg(const char *type, const char *hdig)
{
	static char st[32], hd[64];

	snprintf(st, sizeof(st), "SessionType=%s", type);
	snprintf(hd, sizeof(hd), "HeaderDigest=%s", hdig);
	return TEXT("InitiatorName=iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test",
		    "InitiatorAlias=libiscsi", "TargetName=" IQN_T, st, hd,
		    "DataDigest=None", "InitialR2T=No", "ImmediateData=Yes",
		    "MaxBurstLength=262144", "FirstBurstLength=262144",
		    "DefaultTime2Wait=2", "DefaultTime2Retain=0",
		    "MaxOutstandingR2T=1", "ErrorRecoveryLevel=0",
		    "IFMarker=No", "OFMarker=No", "MaxConnections=1",
		    "MaxRecvDataSegmentLength=262144", "DataPDUInOrder=Yes",
		    "DataSequenceInOrder=Yes");
}

static void test_libiscsi(void)
{
	struct ktgt_param_offer offer;
	struct ktgt_nego n;

	/* no CHAP: libiscsi starts in the operational stage */
	ktgt_nego_init(&n, NULL);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 libiscsi_opneg("Normal", "None,CRC32C")) == 0 &&
		   finish(&n) == 0 && !ktgt_nego_pending(&n),
		   "libiscsi: single operational request");
	KTGT_CHECK(OUT_IS("HeaderDigest=None", "DataDigest=None",
			  "InitialR2T=No", "ImmediateData=Yes",
			  "MaxBurstLength=262144", "FirstBurstLength=65536",
			  "DefaultTime2Wait=2", "DefaultTime2Retain=0",
			  "MaxOutstandingR2T=1", "ErrorRecoveryLevel=0",
			  "IFMarker=No", "OFMarker=No", "MaxConnections=1",
			  "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes",
			  "MaxRecvDataSegmentLength=262144"),
		   "libiscsi: exact response");
	KTGT_CHECK(n.params.max_burst == 262144 &&
		   n.params.first_burst == 65536 && !n.params.header_digest,
		   "libiscsi: values");

	/* target prefers CRC32C: the initiator's order still wins */
	ktgt_param_offer_defaults(&offer);
	strcpy(offer.val[KTGT_P_HEADER_DIGEST], "CRC32C,None");
	ktgt_nego_init(&n, &offer);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 libiscsi_opneg("Normal", "None,CRC32C")) == 0 &&
		   !n.params.header_digest &&
		   !memcmp(out.buf, "HeaderDigest=None", 18),
		   "digest: first of the initiator's list we allow");
	ktgt_nego_init(&n, &offer);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 libiscsi_opneg("Normal", "CRC32C,None")) == 0 &&
		   n.params.header_digest &&
		   !memcmp(out.buf, "HeaderDigest=CRC32C", 20),
		   "digest: CRC32C first");

	/* target requires CRC32C */
	strcpy(offer.val[KTGT_P_HEADER_DIGEST], "CRC32C");
	ktgt_nego_init(&n, &offer);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 libiscsi_opneg("Normal", "None,CRC32C")) == 0 &&
		   n.params.header_digest && finish(&n) == 0,
		   "digest: required CRC32C picked from the list");
	ktgt_nego_init(&n, &offer);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 libiscsi_opneg("Normal", "None")) == 0 &&
		   !memcmp(out.buf, "HeaderDigest=Reject", 20),
		   "digest: required CRC32C, initiator offers None: Reject");
	KTGT_CHECK(finish(&n) == KTGT_LOGIN_ST_INIT_ERR,
		   "digest: login fails without the required digest");

	/* a discovery session: session-wide keys are irrelevant */
	ktgt_nego_init(&n, NULL);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 libiscsi_opneg("Discovery", "None")) == 0 &&
		   finish(&n) == 0, "libiscsi discovery accepted");
	KTGT_CHECK(OUT_IS("HeaderDigest=None", "DataDigest=None",
			  "InitialR2T=Irrelevant", "ImmediateData=Irrelevant",
			  "MaxBurstLength=Irrelevant",
			  "FirstBurstLength=Irrelevant",
			  "DefaultTime2Wait=2", "DefaultTime2Retain=0",
			  "MaxOutstandingR2T=Irrelevant",
			  "ErrorRecoveryLevel=0", "IFMarker=No", "OFMarker=No",
			  "MaxConnections=Irrelevant",
			  "DataPDUInOrder=Irrelevant",
			  "DataSequenceInOrder=Irrelevant",
			  "MaxRecvDataSegmentLength=262144"),
		   "libiscsi discovery: exact response");
	KTGT_CHECK(!strcmp(n.target_name, IQN_T), "discovery keeps TargetName");
}

static void test_chap_selection(void)
{
	struct ktgt_nego n;

	/* libiscsi with a CHAP user, target requires CHAP */
	ktgt_nego_init(&n, NULL);
	n.auth_required = true;
	KTGT_CHECK(login(&n, KTGT_STAGE_SECURITY,
			 TEXT("InitiatorName=" IQN_I, "TargetName=" IQN_T,
			      "SessionType=Normal",
			      "AuthMethod=CHAP,None")) == 0 &&
		   OUT_IS("AuthMethod=CHAP") && !strcmp(n.auth_method, "CHAP"),
		   "auth required: CHAP picked");
	KTGT_CHECK(ktgt_nego_leave_security(&n, false) ==
		   KTGT_LOGIN_ST_AUTH_FAILED, "CHAP not done: cannot leave");
	KTGT_CHECK(login(&n, KTGT_STAGE_SECURITY, TEXT("CHAP_A=5")) == 0 &&
		   OUT_EMPTY(), "CHAP keys left to the CHAP code");
	KTGT_CHECK(login(&n, KTGT_STAGE_SECURITY,
			 TEXT("CHAP_N=user", "CHAP_R=0x0102")) == 0 &&
		   OUT_EMPTY(), "CHAP response left to the CHAP code");
	KTGT_CHECK(ktgt_nego_leave_security(&n, true) == 0,
		   "CHAP done: may leave");
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("MaxRecvDataSegmentLength=65536")) == 0,
		   "operational stage after CHAP");
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL, TEXT("CHAP_A=5")) ==
		   KTGT_LOGIN_ST_INIT_ERR, "CHAP key in operational stage");

	/* auth not required: None wins even when listed second */
	ktgt_nego_init(&n, NULL);
	KTGT_CHECK(login(&n, KTGT_STAGE_SECURITY,
			 TEXT("InitiatorName=" IQN_I, "TargetName=" IQN_T,
			      "AuthMethod=CHAP,None", "CHAP_A=5")) == 0 &&
		   OUT_IS("AuthMethod=None", "CHAP_A=Irrelevant"),
		   "no auth required: None, stray CHAP_A irrelevant");
	KTGT_CHECK(ktgt_nego_leave_security(&n, false) == 0,
		   "no auth: may leave");

	/* the initiator insists on CHAP */
	ktgt_nego_init(&n, NULL);
	KTGT_CHECK(login(&n, KTGT_STAGE_SECURITY,
			 TEXT("InitiatorName=" IQN_I, "TargetName=" IQN_T,
			      "AuthMethod=CHAP")) == 0 &&
		   OUT_IS("AuthMethod=CHAP") &&
		   ktgt_nego_leave_security(&n, false) ==
		   KTGT_LOGIN_ST_AUTH_FAILED,
		   "initiator only offers CHAP: CHAP must complete");

	ktgt_nego_init(&n, NULL);
	n.auth_required = true;
	KTGT_CHECK(login(&n, KTGT_STAGE_SECURITY,
			 TEXT("InitiatorName=" IQN_I, "TargetName=" IQN_T,
			      "AuthMethod=None")) == KTGT_LOGIN_ST_AUTH_FAILED &&
		   OUT_IS("AuthMethod=Reject"),
		   "auth required, None offered: 0x0201");

	ktgt_nego_init(&n, NULL);
	KTGT_CHECK(login(&n, KTGT_STAGE_SECURITY,
			 TEXT("InitiatorName=" IQN_I, "TargetName=" IQN_T,
			      "AuthMethod=SRP,KRB5")) ==
		   KTGT_LOGIN_ST_AUTH_FAILED, "no common AuthMethod: 0x0201");

	ktgt_nego_init(&n, NULL);
	KTGT_CHECK(login(&n, KTGT_STAGE_SECURITY,
			 TEXT("InitiatorName=" IQN_I, "TargetName=" IQN_T,
			      "AuthMethod=None,")) ==
		   KTGT_LOGIN_ST_AUTH_FAILED, "malformed AuthMethod list");

	ktgt_nego_init(&n, NULL);
	n.auth_required = true;
	KTGT_CHECK(login(&n, KTGT_STAGE_SECURITY,
			 TEXT("InitiatorName=" IQN_I, "TargetName=" IQN_T)) == 0 &&
		   ktgt_nego_leave_security(&n, false) ==
		   KTGT_LOGIN_ST_AUTH_FAILED,
		   "auth required, no AuthMethod: cannot leave");

	ktgt_nego_init(&n, NULL);
	n.auth_required = true;
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("InitiatorName=" IQN_I, "TargetName=" IQN_T)) ==
		   KTGT_LOGIN_ST_AUTH_FAILED,
		   "auth required: operational stage first is refused");

	ktgt_nego_init(&n, NULL);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("InitiatorName=" IQN_I, "TargetName=" IQN_T,
			      "AuthMethod=None")) == KTGT_LOGIN_ST_INIT_ERR,
		   "AuthMethod in operational stage: initiator error");
}

/* ------------------------------------------------------------------ */
/* Error paths and edge cases                                          */

#define FIRST "InitiatorName=" IQN_I, "TargetName=" IQN_T

static int first_with(struct ktgt_nego *n, u32 len)
{
	ktgt_nego_init(n, NULL);
	return login(n, KTGT_STAGE_OPERATIONAL, len);
}

static void test_errors(void)
{
	struct ktgt_nego n;
	char key[80], rec[600];

	KTGT_CHECK(first_with(&n, TEXT(FIRST, "MaxBurstLength=512",
				       "MaxBurstLength=512")) ==
		   KTGT_LOGIN_ST_INIT_ERR, "key sent twice: 0x0200");
	ktgt_nego_init(&n, NULL);
	login(&n, KTGT_STAGE_SECURITY, TEXT(FIRST, "HeaderDigest=None"));
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("HeaderDigest=None")) == KTGT_LOGIN_ST_INIT_ERR,
		   "key renegotiated in a later request: 0x0200");
	KTGT_CHECK(first_with(&n, TEXT("TargetName=" IQN_T)) ==
		   KTGT_LOGIN_ST_MISSING_PARAM, "no InitiatorName: 0x0207");
	KTGT_CHECK(first_with(&n, TEXT("InitiatorName=" IQN_I)) ==
		   KTGT_LOGIN_ST_MISSING_PARAM, "no TargetName: 0x0207");
	KTGT_CHECK(first_with(&n, TEXT("InitiatorName=" IQN_I,
				       "SessionType=Normal")) ==
		   KTGT_LOGIN_ST_MISSING_PARAM,
		   "no TargetName, Normal session: 0x0207");
	KTGT_CHECK(first_with(&n, TEXT("InitiatorName=" IQN_I,
				       "SessionType=Discovery")) == 0,
		   "no TargetName, Discovery session: fine");
	KTGT_CHECK(first_with(&n, TEXT(FIRST, "SessionType=Bogus")) ==
		   KTGT_LOGIN_ST_NO_SESSION_TYPE, "bad SessionType: 0x0209");
	KTGT_CHECK(first_with(&n, TEXT("", "")) == KTGT_LOGIN_ST_MISSING_PARAM,
		   "empty request: 0x0207");
	ktgt_nego_init(&n, NULL);
	KTGT_CHECK(finish_fresh(&n) == KTGT_LOGIN_ST_MISSING_PARAM,
		   "finish before any request: 0x0207");

	ktgt_nego_init(&n, NULL);
	KTGT_CHECK(login(&n, 2, TEXT(FIRST)) == KTGT_LOGIN_ST_INIT_ERR &&
		   login(&n, KTGT_STAGE_FULL_FEATURE, TEXT(FIRST)) ==
		   KTGT_LOGIN_ST_INIT_ERR, "bad stage: 0x0200");

	/* names: only in the first request, validated */
	ktgt_nego_init(&n, NULL);
	login(&n, KTGT_STAGE_SECURITY, TEXT("InitiatorName=" IQN_I,
					    "SessionType=Discovery"));
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("TargetName=" IQN_T)) == KTGT_LOGIN_ST_INIT_ERR,
		   "TargetName after the first request: 0x0200");
	ktgt_nego_init(&n, NULL);
	login(&n, KTGT_STAGE_SECURITY, TEXT(FIRST));
	KTGT_CHECK(login(&n, KTGT_STAGE_SECURITY,
			 TEXT("SessionType=Normal")) == 0,
		   "SessionType repeated later, same value: fine");
	ktgt_nego_init(&n, NULL);
	login(&n, KTGT_STAGE_SECURITY, TEXT(FIRST));
	KTGT_CHECK(login(&n, KTGT_STAGE_SECURITY,
			 TEXT("SessionType=Discovery")) ==
		   KTGT_LOGIN_ST_INIT_ERR, "SessionType changed later: 0x0200");

	memset(rec, 'a', sizeof(rec));
	memcpy(rec, "InitiatorName=iqn.", 18);
	rec[14 + 223] = 0;
	KTGT_CHECK(first_with(&n, TEXT(rec, "TargetName=" IQN_T)) == 0 &&
		   strlen(n.initiator_name) == 223, "223-byte name accepted");
	rec[14 + 223] = 'a';
	rec[14 + 224] = 0;
	KTGT_CHECK(first_with(&n, TEXT(rec, "TargetName=" IQN_T)) ==
		   KTGT_LOGIN_ST_MISSING_PARAM &&
		   OUT_IS("InitiatorName=Reject"),
		   "224-byte name: Reject, then missing");
	KTGT_CHECK(first_with(&n, TEXT("InitiatorName=iqn.a b",
				       "TargetName=" IQN_T)) ==
		   KTGT_LOGIN_ST_MISSING_PARAM, "name with a blank rejected");
	KTGT_CHECK(first_with(&n, TEXT("InitiatorName=", "TargetName=" IQN_T))
		   == KTGT_LOGIN_ST_MISSING_PARAM, "empty name rejected");
	KTGT_CHECK(first_with(&n, TEXT(FIRST, "InitiatorAlias=bad\x01")) == 0 &&
		   OUT_IS("InitiatorAlias=Reject") && !n.initiator_alias[0],
		   "alias with a control character: Reject");
	memset(rec, 'b', sizeof(rec));
	memcpy(rec, "InitiatorAlias=", 15);
	rec[15 + 255] = 0;
	KTGT_CHECK(first_with(&n, TEXT(FIRST, rec)) == 0 && OUT_EMPTY() &&
		   strlen(n.initiator_alias) == KTGT_NAME_MAX - 1,
		   "255-byte alias accepted, stored truncated");
	rec[15 + 255] = 'b';
	rec[15 + 256] = 0;
	KTGT_CHECK(first_with(&n, TEXT(FIRST, rec)) == 0 &&
		   OUT_IS("InitiatorAlias=Reject"), "256-byte alias: Reject");

	/* malformed records */
	KTGT_CHECK(first_with(&n, TEXT(FIRST, "NoEquals")) ==
		   KTGT_LOGIN_ST_INIT_ERR, "record without '=': 0x0200");
	KTGT_CHECK(first_with(&n, TEXT(FIRST, "=value")) ==
		   KTGT_LOGIN_ST_INIT_ERR, "empty key: 0x0200");
	KTGT_CHECK(first_with(&n, TEXT(FIRST, "Bad Key=1")) ==
		   KTGT_LOGIN_ST_INIT_ERR, "key with a blank: 0x0200");
	memset(key, 'K', sizeof(key));
	memcpy(key + 63, "=1", 3);
	KTGT_CHECK(first_with(&n, TEXT(FIRST, key)) == 0 &&
		   out.len == 63 + 15 && !memcmp(out.buf + 63, "=NotUnderstood", 15),
		   "63-byte unknown key: NotUnderstood");
	memset(key, 'K', sizeof(key));
	memcpy(key + 64, "=1", 3);
	KTGT_CHECK(first_with(&n, TEXT(FIRST, key)) == KTGT_LOGIN_ST_INIT_ERR,
		   "64-byte key: 0x0200");

	/* unknown and extension keys */
	KTGT_CHECK(first_with(&n, TEXT(FIRST, "FooBar=1",
				       "X-com.cisco.PingTimeout=5",
				       "X#org.example.key=1",
				       "iSCSIProtocolLevel=1")) == 0 &&
		   OUT_IS("FooBar=NotUnderstood",
			  "X-com.cisco.PingTimeout=NotUnderstood",
			  "X#org.example.key=NotUnderstood",
			  "iSCSIProtocolLevel=NotUnderstood"),
		   "unknown and X- keys: NotUnderstood");
	KTGT_CHECK(first_with(&n, TEXT(FIRST, "maxburstlength=512")) == 0 &&
		   OUT_IS("maxburstlength=NotUnderstood"),
		   "keys are case-sensitive");

	/* keys the initiator must not send */
	KTGT_CHECK(first_with(&n, TEXT(FIRST, "TargetPortalGroupTag=1",
				       "TargetAddress=10.0.0.1:3260,1",
				       "TargetAlias=x", "SendTargets=All")) == 0 &&
		   OUT_IS("TargetPortalGroupTag=Reject",
			  "TargetAddress=Reject", "TargetAlias=Reject",
			  "SendTargets=Reject"),
		   "target-only and FFP-only keys: Reject");

	/* out of range and garbage values */
	KTGT_CHECK(first_with(&n, TEXT(FIRST, "MaxBurstLength=511",
				       "FirstBurstLength=16777216",
				       "MaxConnections=0", "ErrorRecoveryLevel=3",
				       "DefaultTime2Wait=3601",
				       "MaxOutstandingR2T=12a",
				       "DefaultTime2Retain=",
				       "ImmediateData=yes", "InitialR2T=1",
				       "DataPDUInOrder=Yes,No",
				       "MaxRecvDataSegmentLength=100")) == 0 &&
		   OUT_IS("MaxBurstLength=Reject", "FirstBurstLength=Reject",
			  "MaxConnections=Reject", "ErrorRecoveryLevel=Reject",
			  "DefaultTime2Wait=Reject", "MaxOutstandingR2T=Reject",
			  "DefaultTime2Retain=Reject", "ImmediateData=Reject",
			  "InitialR2T=Reject", "DataPDUInOrder=Reject",
			  "MaxRecvDataSegmentLength=Reject"),
		   "bad values: Reject");
	KTGT_CHECK(n.params.max_burst == 262144 &&
		   n.params.first_burst == 65536 &&
		   n.params.max_xmit_dsl == 8192 && n.params.initial_r2t &&
		   n.params.immediate_data && n.params.default_time2retain == 20,
		   "rejected keys keep the RFC defaults");
	KTGT_CHECK(first_with(&n, TEXT(FIRST,
				       "MaxBurstLength=99999999999999999999999",
				       "FirstBurstLength=0x1000",
				       "MaxRecvDataSegmentLength=0X2000",
				       "MaxConnections=+1", "DefaultTime2Wait= 1")) == 0 &&
		   OUT_IS("MaxBurstLength=Reject", "FirstBurstLength=4096",
			  "MaxConnections=Reject", "DefaultTime2Wait=Reject") &&
		   n.params.first_burst == 4096 &&
		   n.params.max_xmit_dsl == 8192,
		   "overflow, hex constants, signs, blanks");
	memset(rec, '1', sizeof(rec));
	memcpy(rec, "HeaderDigest=None,", 18);
	rec[13 + 256] = 0;
	KTGT_CHECK(first_with(&n, TEXT(FIRST, rec)) == 0 &&
		   OUT_IS("HeaderDigest=Reject"), "256-byte value: Reject");
	KTGT_CHECK(first_with(&n, TEXT(FIRST, "HeaderDigest=None,,CRC32C",
				       "DataDigest=Y-com.example.x,None")) == 0 &&
		   OUT_IS("HeaderDigest=Reject", "DataDigest=None"),
		   "digest list with an empty element / unknown value");
	KTGT_CHECK(first_with(&n, TEXT(FIRST, "HeaderDigest=CRC32C")) == 0 &&
		   OUT_IS("HeaderDigest=Reject") && !n.params.header_digest,
		   "digest CRC32C only, target offers None: Reject");

	/* answers the target never asked for */
	KTGT_CHECK(first_with(&n, TEXT(FIRST, "MaxBurstLength=Reject",
				       "InitialR2T=Irrelevant",
				       "HeaderDigest=NotUnderstood")) == 0 &&
		   OUT_EMPTY() && n.params.max_burst == 262144,
		   "unsolicited Reject/Irrelevant/NotUnderstood ignored");

	/* markers and other keys */
	KTGT_CHECK(first_with(&n, TEXT(FIRST, "OFMarker=Yes", "IFMarker=No",
				       "OFMarkInt=2048~8192", "IFMarkInt=0",
				       "TaskReporting=ResponseFence,RFC3720")) == 0 &&
		   OUT_IS("OFMarker=No", "IFMarker=No", "OFMarkInt=Irrelevant",
			  "IFMarkInt=Reject", "TaskReporting=RFC3720"),
		   "markers off, TaskReporting");
	KTGT_CHECK(first_with(&n, TEXT(FIRST, "TaskReporting=FastAbort")) == 0 &&
		   OUT_IS("TaskReporting=Reject"), "TaskReporting without RFC3720");

	/* operational keys in the security stage */
	ktgt_nego_init(&n, NULL);
	KTGT_CHECK(login(&n, KTGT_STAGE_SECURITY,
			 TEXT(FIRST, "AuthMethod=None", "MaxBurstLength=65536",
			      "HeaderDigest=None")) == 0 &&
		   OUT_IS("AuthMethod=None", "MaxBurstLength=65536",
			  "HeaderDigest=None") && n.params.max_burst == 65536,
		   "operational keys negotiated in the security stage");

	/* FirstBurstLength bounded by MaxBurstLength, whatever the order */
	KTGT_CHECK(first_with(&n, TEXT(FIRST, "FirstBurstLength=262144",
				       "MaxBurstLength=4096")) == 0 &&
		   OUT_IS("FirstBurstLength=4096", "MaxBurstLength=4096") &&
		   finish(&n) == 0 && n.params.first_burst == 4096 &&
		   n.params.max_burst == 4096,
		   "FirstBurstLength <= MaxBurstLength");
	ktgt_nego_init(&n, NULL);
	login(&n, KTGT_STAGE_SECURITY, TEXT(FIRST, "MaxBurstLength=1024"));
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("FirstBurstLength=8192")) == 0 &&
		   OUT_IS("FirstBurstLength=1024"),
		   "FirstBurstLength bounded by an earlier MaxBurstLength");
	ktgt_nego_init(&n, NULL);
	login(&n, KTGT_STAGE_SECURITY,
	      TEXT(FIRST, "AuthMethod=None", "FirstBurstLength=65536"));
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("MaxBurstLength=4096")) == 0 &&
		   OUT_IS("MaxBurstLength=4096") && finish(&n) == 0 &&
		   !ktgt_nego_pending(&n) && n.params.max_burst == 4096 &&
		   n.params.first_burst == 4096,
		   "a later smaller MaxBurstLength caps FirstBurstLength (no 0x0200)");

	/* textbuf too small for the answers */
	ktgt_nego_init(&n, NULL);
	out_reset();
	out.cap = 20;
	KTGT_CHECK(ktgt_nego_login(&n, KTGT_STAGE_OPERATIONAL, in_buf,
				   TEXT(FIRST, "HeaderDigest=None",
					"DataDigest=None"), &out) ==
		   KTGT_LOGIN_ST_NO_RESOURCES && out.len <= 20,
		   "response overflow: 0x0302");
}

static void test_non_leading(void)
{
	struct ktgt_nego n;

	ktgt_nego_init(&n, NULL);
	n.leading = false;
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT(FIRST, "SessionType=Normal", "HeaderDigest=None",
			      "MaxBurstLength=262144", "InitialR2T=No",
			      "MaxConnections=1", "IFMarker=No",
			      "MaxRecvDataSegmentLength=65536")) == 0 &&
		   finish(&n) == 0 && !ktgt_nego_pending(&n),
		   "non-leading connection accepted");
	KTGT_CHECK(OUT_IS("HeaderDigest=None", "MaxBurstLength=Reject",
			  "InitialR2T=Reject", "MaxConnections=Reject",
			  "IFMarker=No", "MaxRecvDataSegmentLength=262144"),
		   "non-leading: leading-only keys rejected, no offers");
	KTGT_CHECK(n.params.max_xmit_dsl == 65536,
		   "non-leading: connection keys negotiated");
}

static void test_offers(void)
{
	struct ktgt_param_offer offer;
	struct ktgt_nego n;

	/*
	 * The initiator sends nothing operational: a target with default
	 * settings offers nothing (the RFC defaults fit it) and declares.
	 */
	ktgt_nego_init(&n, NULL);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL, TEXT(FIRST)) == 0 &&
		   finish(&n) == 0 && !ktgt_nego_pending(&n) &&
		   OUT_IS("MaxRecvDataSegmentLength=262144"),
		   "default target: no offers, only the declaration");
	KTGT_CHECK(n.params.initial_r2t && n.params.immediate_data &&
		   n.params.max_burst == 262144,
		   "un-negotiated keys take the RFC defaults");

	/* limits stricter than the RFC defaults must be offered */
	ktgt_param_offer_defaults(&offer);
	strcpy(offer.val[KTGT_P_MAX_BURST], "65536");
	strcpy(offer.val[KTGT_P_IMMEDIATE_DATA], "No");
	ktgt_nego_init(&n, &offer);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL, TEXT(FIRST)) == 0 &&
		   finish(&n) == 0 && ktgt_nego_pending(&n),
		   "offers pending after finish");
	KTGT_CHECK(OUT_IS("ImmediateData=No", "MaxBurstLength=65536",
			  "MaxRecvDataSegmentLength=262144"),
		   "offers: limits the RFC defaults would break + declaration");
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("ImmediateData=No", "MaxBurstLength=65536")) == 0 &&
		   OUT_EMPTY(), "answers to offers need no response");
	KTGT_CHECK(finish(&n) == 0 && !ktgt_nego_pending(&n) && OUT_EMPTY(),
		   "nothing pending after the answers");
	KTGT_CHECK(!n.params.immediate_data && n.params.max_burst == 65536,
		   "offered keys take the answered values");

	/* an answer below FirstBurstLength, answered before: capped */
	ktgt_nego_init(&n, &offer);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT(FIRST, "FirstBurstLength=262144")) == 0 &&
		   OUT_IS("FirstBurstLength=65536") && finish(&n) == 0 &&
		   ktgt_nego_pending(&n), "FirstBurstLength bounded by our offer");
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("ImmediateData=No", "MaxBurstLength=8192")) == 0 &&
		   finish_fresh(&n) == 0 && !ktgt_nego_pending(&n) &&
		   n.params.max_burst == 8192 && n.params.first_burst == 8192,
		   "MaxBurstLength answered below FirstBurstLength caps it (no 0x0200)");

	/* answers that do not fit the offer */
	ktgt_nego_init(&n, &offer);
	login(&n, KTGT_STAGE_OPERATIONAL, TEXT(FIRST));
	finish(&n);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("MaxBurstLength=131072")) ==
		   KTGT_LOGIN_ST_INIT_ERR, "answer above a Minimum offer");
	ktgt_nego_init(&n, &offer);
	login(&n, KTGT_STAGE_OPERATIONAL, TEXT(FIRST));
	finish(&n);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL, TEXT("ImmediateData=Maybe")) ==
		   KTGT_LOGIN_ST_INIT_ERR, "garbage answer");

	/* Reject, and no answer at all: defaults */
	ktgt_nego_init(&n, &offer);
	login(&n, KTGT_STAGE_OPERATIONAL, TEXT(FIRST));
	finish(&n);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("MaxBurstLength=Reject")) == 0 &&
		   ktgt_nego_pending(&n), "Reject answer, ImmediateData unanswered");
	KTGT_CHECK(finish_fresh(&n) == 0 && !ktgt_nego_pending(&n) &&
		   OUT_EMPTY() && n.params.max_burst == 262144 &&
		   n.params.immediate_data,
		   "unanswered offers fall back to the RFC defaults");

	/* the target insists on a digest */
	ktgt_param_offer_defaults(&offer);
	strcpy(offer.val[KTGT_P_DATA_DIGEST], "CRC32C");
	strcpy(offer.val[KTGT_P_INITIAL_R2T], "Yes");
	strcpy(offer.val[KTGT_P_MAX_BURST], "262144");
	strcpy(offer.val[KTGT_P_TARGET_ALIAS], "Bob's disk");
	ktgt_nego_init(&n, &offer);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL, TEXT(FIRST)) == 0 &&
		   finish(&n) == 0 &&
		   OUT_IS("DataDigest=CRC32C", "MaxRecvDataSegmentLength=262144",
			  "TargetAlias=Bob's disk"),
		   "required digest offered, alias declared");
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("DataDigest=CRC32C")) == 0 && finish(&n) == 0 &&
		   n.params.data_digest && !n.params.header_digest,
		   "digest agreed");
	ktgt_nego_init(&n, &offer);
	login(&n, KTGT_STAGE_OPERATIONAL, TEXT(FIRST));
	finish(&n);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("DataDigest=None")) == KTGT_LOGIN_ST_INIT_ERR,
		   "answer outside the offered list");
	ktgt_nego_init(&n, &offer);
	login(&n, KTGT_STAGE_OPERATIONAL, TEXT(FIRST));
	finish(&n);
	KTGT_CHECK(login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT("DataDigest=Reject")) == 0 &&
		   finish(&n) == KTGT_LOGIN_ST_INIT_ERR,
		   "required digest rejected: login fails");

	/* a discovery session offers nothing session-wide, no alias */
	ktgt_nego_init(&n, &offer);
	KTGT_CHECK(login(&n, KTGT_STAGE_SECURITY,
			 TEXT("InitiatorName=" IQN_I,
			      "SessionType=Discovery")) == 0 &&
		   finish(&n) == 0 &&
		   OUT_IS("DataDigest=CRC32C", "MaxRecvDataSegmentLength=262144"),
		   "discovery: only relevant offers, no TargetAlias");

	/* invalid configured values fall back to the defaults */
	ktgt_param_offer_defaults(&offer);
	strcpy(offer.val[KTGT_P_MAX_BURST], "garbage");
	strcpy(offer.val[KTGT_P_MAX_RECV_DSL], "");
	strcpy(offer.val[KTGT_P_FIRST_BURST], "2097152");
	memset(offer.val[KTGT_P_TARGET_ALIAS], 'z', KTGT_PARAM_VAL_MAX);
	ktgt_nego_init(&n, &offer);
	KTGT_CHECK(n.params.max_recv_dsl == 262144 &&
		   login(&n, KTGT_STAGE_OPERATIONAL,
			 TEXT(FIRST, "MaxBurstLength=16777215",
			      "FirstBurstLength=16777215")) == 0 &&
		   OUT_IS("MaxBurstLength=1048576", "FirstBurstLength=1048576"),
		   "bad offer values: defaults; FirstBurst clamped to MaxBurst");
	KTGT_CHECK(finish(&n) == 0 && !n.target_alias[0],
		   "unterminated alias ignored");
}

int main(void)
{
	test_text_iter();
	test_textbuf();
	test_config();
	test_open_iscsi_normal();
	test_open_iscsi_no_auth();
	test_open_iscsi_discovery();
	test_libiscsi();
	test_chap_selection();
	test_errors();
	test_non_leading();
	test_offers();
	return ktgt_unit_done();
}
