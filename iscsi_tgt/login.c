// SPDX-License-Identifier: GPL-2.0
/*
 * The login phase (RFC 7143 6): stages, the T/C bits, text reassembly,
 * target/ACL resolution, session creation or reinstatement.  Key
 * semantics live in params.c; this file only drives them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/random.h>
#include <crypto/hash.h>

#include "ktgt_iscsi.h"
#include "ktgt_conn.h"
#include "ktgt_chap.h"

#define KTGT_LOGIN_TEXT_MAX	(64U << 10)	/* reassembled request text */
#define KTGT_LOGIN_RSP_MAX	8192
/*
 * Connections between accept and full feature phase, over all portals.
 * Each holds KTGT_LOGIN_TEXT_MAX plus its receive buffer for up to
 * KTGT_LOGIN_TIMEOUT before anyone is authenticated: the cap bounds what
 * unauthenticated peers can pin (about 20 MiB), as sshd's MaxStartups.
 */
#define KTGT_MAX_LOGIN_CONNS	256

static atomic_t ktgt_login_conns = ATOMIC_INIT(0);

struct ktgt_login {
	struct ktgt_nego nego;
	struct ktgt_param_offer offer;
	bool started;
	int stage;			/* current stage, KTGT_STAGE_* */
	u8 isid[6];
	u16 tsih;
	u16 cid;
	u32 itt;
	u32 cmdsn;
	bool resolved;			/* target/ACL checked */
	bool auth_required;
	bool sent_tpgt;
	u16 tpgt;
	u32 cmdsn_depth;
	char *text;			/* request text, C-bit reassembly */
	u32 text_len;
	struct ktgt_chap chap;		/* credentials copied at resolve time */
};

/* ---- CHAP through the kernel crypto API ------------------------------ */

static const char *ktgt_chap_hash_name(u8 alg)
{
	switch (alg) {
	case KTGT_CHAP_ALG_MD5:
		return "md5";
	case KTGT_CHAP_ALG_SHA1:
		return "sha1";
	case KTGT_CHAP_ALG_SHA256:
		return "sha256";
	case KTGT_CHAP_ALG_SHA3_256:
		return "sha3-256";
	default:
		return NULL;
	}
}

static bool ktgt_chap_has_alg(void *priv, u8 alg)
{
	const char *name = ktgt_chap_hash_name(alg);

	return name && crypto_has_shash(name, 0, 0);
}

static int ktgt_chap_digest(void *priv, u8 alg, const struct ktgt_chap_buf *parts,
			    unsigned int n, u8 *out)
{
	const char *name = ktgt_chap_hash_name(alg);
	struct crypto_shash *tfm;
	unsigned int i;
	int ret;

	if (!name)
		return -EINVAL;
	tfm = crypto_alloc_shash(name, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	{
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		ret = crypto_shash_init(desc);
		for (i = 0; !ret && i < n; i++)
			ret = crypto_shash_update(desc, parts[i].p, parts[i].len);
		if (!ret)
			ret = crypto_shash_final(desc, out);
		shash_desc_zero(desc);
	}
	crypto_free_shash(tfm);
	return ret;
}

static void ktgt_chap_random(void *priv, u8 *buf, u32 len)
{
	get_random_bytes(buf, len);
}

static const struct ktgt_chap_ops ktgt_chap_kops = {
	.has_alg = ktgt_chap_has_alg,
	.digest = ktgt_chap_digest,
	.random = ktgt_chap_random,
};

static void ktgt_login_set_auth(struct ktgt_login *login, const struct ktgt_auth *auth)
{
	/* too long a secret makes every exchange fail, as it should */
	ktgt_chap_init(&login->chap, &ktgt_chap_kops, NULL, auth->userid,
		       auth->password, auth->mutual_userid, auth->mutual_password);
}

int ktgt_login_init(struct ktgt_conn *conn)
{
	struct ktgt_login *login;

	if (atomic_inc_return(&ktgt_login_conns) > KTGT_MAX_LOGIN_CONNS) {
		atomic_dec(&ktgt_login_conns);
		pr_warn_ratelimited("%d connections are logging in already: closing a new one\n",
				    KTGT_MAX_LOGIN_CONNS);
		return -EBUSY;
	}
	login = kzalloc(sizeof(*login), GFP_KERNEL);
	if (!login)
		goto fail;
	login->text = kvmalloc(KTGT_LOGIN_TEXT_MAX, GFP_KERNEL);
	if (!login->text) {
		kfree(login);
		goto fail;
	}
	ktgt_param_offer_defaults(&login->offer);
	conn->login = login;
	return 0;
fail:
	atomic_dec(&ktgt_login_conns);
	return -ENOMEM;
}

void ktgt_login_free(struct ktgt_conn *conn)
{
	struct ktgt_login *login = conn->login;

	if (!login)
		return;
	kvfree(login->text);
	ktgt_chap_wipe(&login->chap);
	kfree_sensitive(login);
	conn->login = NULL;
	atomic_dec(&ktgt_login_conns);
}

static struct ktgt_tx_pdu *ktgt_login_rsp(struct ktgt_conn *conn, u32 data_len)
{
	struct ktgt_login *login = conn->login;
	struct ktgt_login_rsp_hdr *rsp;
	struct ktgt_tx_pdu *pdu;

	pdu = ktgt_tx_pdu_alloc(KTGT_OP_LOGIN_RSP, data_len, GFP_KERNEL);
	if (!pdu)
		return NULL;
	rsp = (struct ktgt_login_rsp_hdr *)&pdu->bhs;
	rsp->flags = 0;
	rsp->max_version = 0;
	rsp->active_version = 0;
	memcpy(rsp->isid, login->isid, sizeof(rsp->isid));
	rsp->tsih = cpu_to_be16(login->tsih);
	rsp->itt = cpu_to_be32(login->itt);
	rsp->exp_cmdsn = cpu_to_be32(login->cmdsn);
	rsp->max_cmdsn = cpu_to_be32(login->cmdsn + (login->cmdsn_depth ?: 1) - 1);
	return pdu;
}

/* Answer with a login status and close once it is sent. */
static int ktgt_login_fail(struct ktgt_conn *conn, int status)
{
	struct ktgt_login_rsp_hdr *rsp;
	struct ktgt_tx_pdu *pdu;

	pr_info_ratelimited("login from %pISpc refused: status %02x%02x\n",
			    &conn->peer, status >> 8, status & 0xff);
	pdu = ktgt_login_rsp(conn, 0);
	if (!pdu)
		return -ENOMEM;
	rsp = (struct ktgt_login_rsp_hdr *)&pdu->bhs;
	rsp->tsih = 0;
	rsp->status_class = status >> 8;
	rsp->status_detail = status & 0xff;
	pdu->close_after = true;
	conn->state = KTGT_CONN_LOGOUT;	/* receive nothing more */
	ktgt_conn_queue_tx(conn, pdu);
	return 0;
}

#define KTGT_STATUS(c, d)	((KTGT_LOGIN_CLASS_##c << 8) | KTGT_LOGIN_##d)

/* Pull TargetName / SessionType / InitiatorName out of the request text. */
static void ktgt_login_peek(const char *text, u32 len, char *target, char *initiator,
			    bool *discovery)
{
	struct ktgt_text_iter it = { .p = text, .end = text + len };
	const char *k, *v;
	u32 kl, vl;

	while (ktgt_text_next(&it, &k, &kl, &v, &vl)) {
		if (kl == 10 && !memcmp(k, "TargetName", 10) && vl < KTGT_NAME_MAX) {
			memcpy(target, v, vl);
			target[vl] = 0;
		} else if (kl == 13 && !memcmp(k, "InitiatorName", 13) &&
			   vl < KTGT_NAME_MAX) {
			memcpy(initiator, v, vl);
			initiator[vl] = 0;
		} else if (kl == 11 && !memcmp(k, "SessionType", 11)) {
			*discovery = vl == 9 && !memcmp(v, "Discovery", 9);
		}
	}
}

/*
 * First complete request: find the target and check the initiator may use
 * it.  Returns 0 or a login status.
 */
static int ktgt_login_resolve(struct ktgt_conn *conn, const char *text, u32 len)
{
	struct ktgt_login *login = conn->login;
	char *target, *initiator;
	bool discovery = false;
	struct ktgt_tpg *tpg;
	int status = 0;

	target = kzalloc(2 * KTGT_NAME_MAX, GFP_KERNEL);
	if (!target)
		return KTGT_STATUS(TARGET_ERR, NO_RESOURCES);
	initiator = target + KTGT_NAME_MAX;
	ktgt_login_peek(text, len, target, initiator, &discovery);

	if (!initiator[0]) {
		status = KTGT_STATUS(INITIATOR_ERR, MISSING_PARAM);
		goto out;
	}
	mutex_lock(&ktgt_cfg_mutex);
	if (discovery) {
		login->auth_required = ktgt_discovery_auth.enforce;
		login->cmdsn_depth = KTGT_DEFAULT_CMDSN_DEPTH;
		ktgt_login_set_auth(login, &ktgt_discovery_auth.auth);
	} else if (!target[0]) {
		status = KTGT_STATUS(INITIATOR_ERR, MISSING_PARAM);
	} else {
		struct ktgt_acl *acl = NULL;

		tpg = ktgt_tpg_find(target, conn->listener);
		if (tpg)
			acl = ktgt_acl_find(tpg, initiator);
		if (!tpg) {
			status = KTGT_STATUS(INITIATOR_ERR, TGT_NOT_FOUND);
		} else if (!acl && !tpg->attrib.generate_node_acls) {
			status = KTGT_STATUS(INITIATOR_ERR, AUTHZ_FAILED);
		} else {
			/* an ACL's own secrets, else the TPG's (demo mode) */
			ktgt_login_set_auth(login, acl ? &acl->auth : &tpg->auth);
			login->auth_required = tpg->attrib.authentication;
			login->offer = tpg->params;
			login->tpgt = tpg->tpgt;
			login->cmdsn_depth = tpg->attrib.default_cmdsn_depth;
		}
	}
	mutex_unlock(&ktgt_cfg_mutex);
out:
	kfree(target);
	return status;
}

/*
 * Leaving the operational stage: create the session (or join/reinstate)
 * under the configuration lock, re-resolving the TPG so nothing found
 * earlier is used after it could have been removed.
 */
static int ktgt_login_attach(struct ktgt_conn *conn)
{
	struct ktgt_login *login = conn->login;
	struct ktgt_nego *n = &login->nego;
	struct ktgt_session_info info = {
		.type = n->session_type == KTGT_SESSION_DISCOVERY ?
			KTGT_SESSION_DISCOVERY : KTGT_SESSION_NORMAL,
		.isid = login->isid,
		.initiator_name = n->initiator_name,
		.target_name = n->target_name,
		.params = &n->params,
		.cmdsn = login->cmdsn,
		.cmdsn_depth = login->cmdsn_depth,
	};
	struct ktgt_session *sess, *old;
	int status = 0;

	mutex_lock(&ktgt_cfg_mutex);
	if (info.type == KTGT_SESSION_NORMAL) {
		info.tpg = ktgt_tpg_find(n->target_name, conn->listener);
		if (!info.tpg) {
			status = KTGT_STATUS(INITIATOR_ERR, TGT_REMOVED);
			goto out;
		}
		info.acl = ktgt_acl_find(info.tpg, n->initiator_name);
		if (!info.acl && !info.tpg->attrib.generate_node_acls) {
			status = KTGT_STATUS(INITIATOR_ERR, AUTHZ_FAILED);
			goto out;
		}
		info.write_protect = !info.acl &&
				     info.tpg->attrib.demo_mode_write_protect;
		info.nopin_interval = info.tpg->attrib.nopin_interval;
		info.nopin_timeout = info.tpg->attrib.nopin_response_timeout;
	}

	if (login->tsih) {
		/*
		 * Joining an existing session (RFC 7143 5.3.2, 6.3.4): a new
		 * CID adds a connection up to the MaxConnections the leading
		 * login negotiated; a CID in use reinstates that connection.
		 */
		mutex_lock(&ktgt_sess_mutex);
		old = ktgt_session_find(info.tpg, n->initiator_name, login->isid,
					login->tsih);
		if (!old) {
			status = KTGT_STATUS(INITIATOR_ERR, NO_SESSION);
		} else {
			struct ktgt_conn *c;
			bool same_cid = false;

			list_for_each_entry(c, &old->conns, sess_node)
				if (c->cid == login->cid)
					same_cid = true;
			if (!same_cid &&
			    old->nr_conns >= max(old->params.max_connections, 1U)) {
				status = KTGT_STATUS(INITIATOR_ERR, TOO_MANY_CONNS);
			} else {
				list_for_each_entry(c, &old->conns, sess_node)
					if (c->cid == login->cid)
						ktgt_conn_close_quiet(c);
				ktgt_session_add_conn(old, conn);
			}
		}
		mutex_unlock(&ktgt_sess_mutex);
		goto out;
	}

	sess = ktgt_session_alloc(&info);
	if (!sess) {
		status = KTGT_STATUS(TARGET_ERR, NO_RESOURCES);
		goto out;
	}
	/* Session reinstatement: same initiator and ISID end the old one. */
	mutex_lock(&ktgt_sess_mutex);
	old = ktgt_session_find(info.tpg, n->initiator_name, login->isid, 0);
	if (old && info.type == KTGT_SESSION_NORMAL) {
		pr_info_ratelimited("%s ISID %6phN: reinstating session TSIH %u\n",
				    n->initiator_name, login->isid, old->tsih);
		ktgt_session_close(old);
	}
	mutex_unlock(&ktgt_sess_mutex);
	ktgt_session_add(sess, conn);
	login->tsih = sess->tsih;
	if (info.type == KTGT_SESSION_NORMAL)
		pr_info_ratelimited("%s ISID %6phN logged in to %s tpgt %u from %pISpc: TSIH %u\n",
				    n->initiator_name, login->isid, n->target_name,
				    info.tpg->tpgt, &conn->peer, sess->tsih);
out:
	mutex_unlock(&ktgt_cfg_mutex);
	return status;
}

/* The final login response went out: switch to full feature phase. */
int ktgt_login_complete(struct ktgt_conn *conn)
{
	struct ktgt_params *p = &conn->login->nego.params;
	int ret;

	ret = ktgt_conn_set_max_recv(conn, p->max_recv_dsl);
	if (ret)
		return ret;
	conn->hdigest = p->header_digest;
	conn->ddigest = p->data_digest;
	conn->max_xmit_dsl = p->max_xmit_dsl;
	conn->state = KTGT_CONN_FULL_FEATURE;
	cancel_delayed_work(&conn->timeout_work);
	ktgt_login_free(conn);
	ktgt_conn_start_pings(conn);
	return 0;
}

static int ktgt_login_process(struct ktgt_conn *conn, u8 flags)
{
	struct ktgt_login *login = conn->login;
	struct ktgt_login_rsp_hdr *rsp;
	bool transit = flags & KTGT_FLAG_LOGIN_TRANSIT;
	int nsg = flags & KTGT_LOGIN_NSG_MASK;
	struct ktgt_textbuf tb;
	struct ktgt_tx_pdu *pdu;
	int status;

	if (!login->resolved) {
		status = ktgt_login_resolve(conn, login->text, login->text_len);
		if (status)
			return ktgt_login_fail(conn, status);
		login->resolved = true;
		ktgt_nego_init(&login->nego, &login->offer);
		login->nego.leading = !login->tsih;
		login->nego.auth_required = login->auth_required;
	}

	pdu = ktgt_login_rsp(conn, KTGT_LOGIN_RSP_MAX);
	if (!pdu)
		return -ENOMEM;
	tb.buf = pdu->data;
	tb.len = 0;
	tb.cap = KTGT_LOGIN_RSP_MAX;

	status = ktgt_nego_login(&login->nego, login->stage, login->text,
				 login->text_len, &tb);
	if (!status && login->stage == KTGT_STAGE_SECURITY &&
	    !strcmp(login->nego.auth_method, "CHAP"))
		status = ktgt_chap_process(&login->chap, login->text,
					   login->text_len, &tb);
	if (status)
		goto fail;

	if (!login->sent_tpgt && login->nego.session_type != KTGT_SESSION_DISCOVERY) {
		char v[8];

		snprintf(v, sizeof(v), "%u", login->tpgt);
		if (ktgt_textbuf_add(&tb, "TargetPortalGroupTag", v)) {
			status = KTGT_STATUS(TARGET_ERR, TGT_ERROR);
			goto fail;
		}
		login->sent_tpgt = true;
	}

	rsp = (struct ktgt_login_rsp_hdr *)&pdu->bhs;
	rsp->flags = login->stage << KTGT_LOGIN_CSG_SHIFT;
	if (transit) {
		/* Stages only move forward; FFP is reachable from either. */
		if (nsg == 2 || nsg <= login->stage) {
			status = KTGT_STATUS(INITIATOR_ERR, INIT_ERR);
			goto fail;
		}
		if (login->stage == KTGT_STAGE_SECURITY &&
		    !strcmp(login->nego.auth_method, "CHAP") &&
		    !ktgt_chap_done(&login->chap)) {
			/* the exchange is still going: stay in this stage */
			rsp->flags |= login->stage;
			goto send;
		}
		if (login->stage == KTGT_STAGE_SECURITY) {
			status = ktgt_nego_leave_security(&login->nego,
							  ktgt_chap_done(&login->chap));
			if (status)
				goto fail;
		}
		if (nsg == KTGT_STAGE_FULL_FEATURE) {
			status = ktgt_nego_finish(&login->nego, &tb);
			if (status)
				goto fail;
			if (ktgt_nego_pending(&login->nego)) {
				/* our offers need the initiator's answer first */
				rsp->flags |= login->stage;
				goto send;
			}
			status = ktgt_login_attach(conn);
			if (status)
				goto fail;
			rsp->tsih = cpu_to_be16(login->tsih);
			/* a connection joining a session sees its window */
			ktgt_session_fill_window(conn->sess, &rsp->exp_cmdsn,
						 &rsp->max_cmdsn);
			pdu->login_final = true;
		}
		rsp->flags |= KTGT_FLAG_LOGIN_TRANSIT | nsg;
		login->stage = nsg;
	} else {
		rsp->flags |= login->stage;
	}
send:
	pdu->data_len = tb.len;
	login->text_len = 0;
	ktgt_conn_queue_tx(conn, pdu);
	return 0;
fail:
	ktgt_tx_pdu_free(pdu);
	return ktgt_login_fail(conn, status);
}

/* A complete Login Request is in conn->rx_bhs / conn->rx_buf. */
int ktgt_login_rx(struct ktgt_conn *conn)
{
	struct ktgt_login_req_hdr *req = (struct ktgt_login_req_hdr *)&conn->rx_bhs;
	struct ktgt_login *login = conn->login;
	u8 flags = req->flags;
	int csg = (flags & KTGT_LOGIN_CSG_MASK) >> KTGT_LOGIN_CSG_SHIFT;
	struct ktgt_tx_pdu *pdu;

	if (!login || ktgt_bhs_opcode(&conn->rx_bhs) != KTGT_OP_LOGIN_REQ) {
		pr_err_ratelimited("non-login PDU 0x%02x during login\n",
				   ktgt_bhs_opcode(&conn->rx_bhs));
		return -EPROTO;
	}

	if (!login->started) {
		login->started = true;
		memcpy(login->isid, req->isid, sizeof(login->isid));
		login->tsih = be16_to_cpu(req->tsih);
		login->cid = be16_to_cpu(req->cid);
		login->itt = be32_to_cpu(req->itt);
		login->cmdsn = be32_to_cpu(req->cmdsn);
		login->stage = csg;
		conn->cid = login->cid;
		conn->exp_statsn = be32_to_cpu(req->exp_statsn);
		conn->statsn = conn->exp_statsn;
		if (req->min_version > 0)
			return ktgt_login_fail(conn, KTGT_STATUS(INITIATOR_ERR,
							UNSUPPORTED_VER));
	} else if (memcmp(login->isid, req->isid, sizeof(login->isid)) ||
		   login->tsih != be16_to_cpu(req->tsih) ||
		   login->cid != be16_to_cpu(req->cid)) {
		return ktgt_login_fail(conn, KTGT_STATUS(INITIATOR_ERR, INIT_ERR));
	}
	login->itt = be32_to_cpu(req->itt);

	if (csg != login->stage || csg == 2 || csg == KTGT_STAGE_FULL_FEATURE ||
	    ((flags & KTGT_FLAG_LOGIN_TRANSIT) && (flags & KTGT_FLAG_LOGIN_CONTINUE)))
		return ktgt_login_fail(conn, KTGT_STATUS(INITIATOR_ERR, INIT_ERR));

	if (conn->rx_dlen > KTGT_LOGIN_TEXT_MAX - login->text_len)
		return ktgt_login_fail(conn, KTGT_STATUS(INITIATOR_ERR, INIT_ERR));
	memcpy(login->text + login->text_len, conn->rx_buf, conn->rx_dlen);
	login->text_len += conn->rx_dlen;

	if (flags & KTGT_FLAG_LOGIN_CONTINUE) {
		/* RFC 7143 6.2: acknowledge each partial PDU with an empty
		 * response in the same stage.
		 */
		pdu = ktgt_login_rsp(conn, 0);
		if (!pdu)
			return -ENOMEM;
		pdu->bhs.flags = login->stage << KTGT_LOGIN_CSG_SHIFT | login->stage;
		ktgt_conn_queue_tx(conn, pdu);
		return 0;
	}
	return ktgt_login_process(conn, flags);
}
