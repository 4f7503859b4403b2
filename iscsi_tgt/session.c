// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions: the I_T nexus, the CmdSN window, TSIH allocation, and ending
 * sessions when their TPG or ACL goes away.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/idr.h>

#include "ktgt_iscsi.h"
#include "ktgt_conn.h"
#include "ktgt_tmf.h"

/* Protects tpg->sessions, ktgt_discovery_sessions and session->conns. */
DEFINE_MUTEX(ktgt_sess_mutex);
static LIST_HEAD(ktgt_discovery_sessions);
static DEFINE_IDA(ktgt_tsih_ida);
static DECLARE_WAIT_QUEUE_HEAD(ktgt_sess_wq);
static atomic_t ktgt_sess_gen = ATOMIC_INIT(0);

static u32 ktgt_sess_report_luns(struct ktgt_nexus *nexus, u64 *luns, u32 max)
{
	struct ktgt_session *sess = container_of(nexus, struct ktgt_session, nexus);

	if (!sess->tpg)
		return 0;
	return ktgt_tpg_report_luns(sess->tpg, sess->acl, luns, max);
}

/*
 * EXTENDED COPY names its copy source and destination by designator: look
 * only at the LUNs this session's own mapping (ACL or demo mode) reaches,
 * so a copy can never touch a LU another initiator is given.
 */
static struct ktgt_dev *ktgt_sess_get_dev_by_naa(struct ktgt_nexus *nexus,
						 u64 naa_id, void **ref)
{
	struct ktgt_session *sess = container_of(nexus, struct ktgt_session, nexus);
	struct ktgt_lun *lun;
	u64 id;

	*ref = NULL;
	for (id = 0; sess->tpg && id < KTGT_MAX_LUNS; id++) {
		lun = ktgt_lun_get(sess->tpg, sess->acl, id);
		if (!lun)
			continue;
		if (lun->dev && lun->dev->naa_id == naa_id) {
			*ref = lun;
			return lun->dev;
		}
		ktgt_lun_put(lun);
	}
	return NULL;
}

static void ktgt_sess_put_dev(struct ktgt_nexus *nexus, void *ref)
{
	if (ref)
		ktgt_lun_put(ref);
}

static const struct ktgt_nexus_ops ktgt_sess_nexus_ops = {
	.report_luns = ktgt_sess_report_luns,
	.get_dev_by_naa = ktgt_sess_get_dev_by_naa,
	.put_dev = ktgt_sess_put_dev,
	.abort_tasks = ktgt_tmf_nexus_abort,
};

struct ktgt_session *ktgt_session_alloc(const struct ktgt_session_info *info)
{
	struct ktgt_session *sess;
	int tsih;

	sess = kzalloc(sizeof(*sess), GFP_KERNEL);
	if (!sess)
		return NULL;
	tsih = ida_alloc_range(&ktgt_tsih_ida, 1, 0xffff, GFP_KERNEL);
	if (tsih < 0) {
		kfree(sess);
		return NULL;
	}
	kref_init(&sess->kref);
	sess->tsih = tsih;
	sess->type = info->type;
	sess->tpg = info->tpg;
	sess->acl = info->acl;
	memcpy(sess->isid, info->isid, sizeof(sess->isid));
	strscpy(sess->initiator_name, info->initiator_name, sizeof(sess->initiator_name));
	strscpy(sess->target_name, info->target_name, sizeof(sess->target_name));
	sess->params = *info->params;
	sess->exp_cmdsn = info->cmdsn;
	sess->cmdsn_depth = clamp_t(u32, info->cmdsn_depth, 1, KTGT_MAX_CMDSN_DEPTH);
	sess->write_protect = info->write_protect;
	sess->nopin_interval = info->nopin_interval;
	sess->nopin_timeout = info->nopin_timeout;
	spin_lock_init(&sess->sn_lock);
	INIT_LIST_HEAD(&sess->pending);
	INIT_LIST_HEAD(&sess->conns);
	INIT_LIST_HEAD(&sess->node);
	sess->nexus.ops = &ktgt_sess_nexus_ops;
	sess->nexus.reports_loss = true;	/* see ktgt_session_nexus_loss() */
	sess->nexus.rel_port_id = info->tpg ? info->tpg->tpgt : 0;
	sess->nexus.target_name = sess->target_name;
	sess->nexus.initiator_name = sess->initiator_name;
	memcpy(sess->nexus.isid, sess->isid, sizeof(sess->nexus.isid));
	ktgt_ua_nexus_init(&sess->nexus);
	return sess;
}

static void ktgt_session_release(struct kref *kref)
{
	struct ktgt_session *sess = container_of(kref, struct ktgt_session, kref);

	ida_free(&ktgt_tsih_ida, sess->tsih);
	kfree(sess);
}

void ktgt_session_put(struct ktgt_session *sess)
{
	kref_put(&sess->kref, ktgt_session_release);
}

/*
 * Publish a new session with its leading connection.  The caller holds
 * ktgt_cfg_mutex and has checked that the TPG still serves.
 */
void ktgt_session_add(struct ktgt_session *sess, struct ktgt_conn *conn)
{
	lockdep_assert_held(&ktgt_cfg_mutex);
	mutex_lock(&ktgt_sess_mutex);
	if (sess->tpg)
		list_add_tail(&sess->node, &sess->tpg->sessions);
	else
		list_add_tail(&sess->node, &ktgt_discovery_sessions);
	list_add_tail(&conn->sess_node, &sess->conns);
	sess->nr_conns++;
	conn->sess = sess;
	mutex_unlock(&ktgt_sess_mutex);
}

/* Attach a further connection (connection reinstatement). */
void ktgt_session_add_conn(struct ktgt_session *sess, struct ktgt_conn *conn)
{
	lockdep_assert_held(&ktgt_sess_mutex);
	kref_get(&sess->kref);
	list_add_tail(&conn->sess_node, &sess->conns);
	sess->nr_conns++;
	conn->sess = sess;
}

/* Find a live session by initiator, ISID and TPG (and TSIH when non-zero). */
struct ktgt_session *ktgt_session_find(struct ktgt_tpg *tpg, const char *initiator,
				       const u8 *isid, u16 tsih)
{
	struct list_head *head = tpg ? &tpg->sessions : &ktgt_discovery_sessions;
	struct ktgt_session *sess;

	lockdep_assert_held(&ktgt_sess_mutex);
	list_for_each_entry(sess, head, node) {
		if (memcmp(sess->isid, isid, sizeof(sess->isid)) ||
		    strcmp(sess->initiator_name, initiator))
			continue;
		if (tsih && sess->tsih != tsih)
			continue;
		return sess;
	}
	return NULL;
}

/* Close every connection of @sess; returns without waiting. */
void ktgt_session_close(struct ktgt_session *sess)
{
	struct ktgt_conn *conn;

	lockdep_assert_held(&ktgt_sess_mutex);
	list_for_each_entry(conn, &sess->conns, sess_node)
		ktgt_conn_close(conn);
}

/* Call @fn for the backstore of every LUN the session can reach. */
void ktgt_session_for_each_dev(struct ktgt_session *sess,
			       void (*fn)(struct ktgt_dev *dev, void *arg), void *arg)
{
	struct ktgt_lun *lun;
	u64 *ids;
	u32 i, n;

	if (!sess->tpg)
		return;
	ids = kmalloc_array(KTGT_MAX_LUNS, sizeof(*ids), GFP_KERNEL);
	if (!ids)
		return;
	n = ktgt_tpg_report_luns(sess->tpg, sess->acl, ids, KTGT_MAX_LUNS);
	for (i = 0; i < min_t(u32, n, KTGT_MAX_LUNS); i++) {
		lun = ktgt_lun_get(sess->tpg, sess->acl, ids[i]);
		if (!lun)
			continue;
		fn(lun->dev, arg);
		ktgt_lun_put(lun);
	}
	kfree(ids);
}

static void ktgt_dev_nexus_loss(struct ktgt_dev *dev, void *nexus)
{
	ktgt_dev_nexus_gone(dev, nexus);
}

/* I_T nexus loss: the backstores forget what this session held. */
static void ktgt_session_nexus_loss(struct ktgt_session *sess)
{
	ktgt_session_for_each_dev(sess, ktgt_dev_nexus_loss, &sess->nexus);
	ktgt_ua_nexus_gone(&sess->nexus);
}

/* Does @acl map @lun under some LUN number? */
static bool ktgt_acl_maps(struct ktgt_acl *acl, struct ktgt_lun *lun)
{
	struct ktgt_mapped_lun *mlun;
	bool found = false;
	int i;

	rcu_read_lock();
	for (i = 0; i < KTGT_MAX_LUNS && !found; i++) {
		mlun = rcu_dereference(acl->mluns[i]);
		found = mlun && rcu_access_pointer(mlun->lun) == lun;
	}
	rcu_read_unlock();
	return found;
}

/**
 * ktgt_tpg_luns_changed() - REPORTED LUNS DATA HAS CHANGED to the
 *                           sessions whose LUN inventory changed
 * @tpg: the TPG
 * @acl: a mapped LUN of this ACL changed: its sessions; or NULL
 * @lun: with @acl NULL, this TPG LUN was added or removed: the demo-mode
 *       sessions and those whose ACL maps it
 *
 * Process context, without ktgt_cfg_mutex or ktgt_sess_mutex held.
 */
void ktgt_tpg_luns_changed(struct ktgt_tpg *tpg, struct ktgt_acl *acl,
			   struct ktgt_lun *lun)
{
	struct ktgt_session *sess;

	mutex_lock(&ktgt_sess_mutex);
	list_for_each_entry(sess, &tpg->sessions, node)
		if (acl ? sess->acl == acl :
		    !sess->acl || ktgt_acl_maps(sess->acl, lun))
			ktgt_ua_luns_changed(&sess->nexus);
	mutex_unlock(&ktgt_sess_mutex);
}

/* Called from connection release: the last connection ends the session. */
void ktgt_session_detach(struct ktgt_conn *conn)
{
	struct ktgt_session *sess = conn->sess;
	bool last;

	if (!sess)
		return;
	mutex_lock(&ktgt_sess_mutex);
	last = sess->nr_conns == 1;
	mutex_unlock(&ktgt_sess_mutex);
	/* before the session leaves the TPG's list, so the TPG is still there */
	if (last)
		ktgt_session_nexus_loss(sess);

	mutex_lock(&ktgt_sess_mutex);
	list_del_init(&conn->sess_node);
	if (!--sess->nr_conns) {
		list_del_init(&sess->node);
		atomic_inc(&ktgt_sess_gen);
		wake_up_all(&ktgt_sess_wq);
	}
	mutex_unlock(&ktgt_sess_mutex);
	conn->sess = NULL;
	ktgt_session_put(sess);
}

/* ExpCmdSN / MaxCmdSN for an outgoing PDU. */
void ktgt_session_fill_window(struct ktgt_session *sess, __be32 *exp, __be32 *max)
{
	unsigned long flags;
	u32 e, m;

	spin_lock_irqsave(&sess->sn_lock, flags);
	e = sess->exp_cmdsn;
	m = e + sess->cmdsn_depth - 1 - min(sess->outstanding, sess->cmdsn_depth - 1);
	spin_unlock_irqrestore(&sess->sn_lock, flags);
	*exp = cpu_to_be32(e);
	*max = cpu_to_be32(m);
}

/*
 * Close the sessions @match selects and wait until none is left.  The
 * generation count moves each time a session ends, so the wait needs no
 * lock in its condition.
 */
static void ktgt_close_sessions_wait(struct list_head *head,
				     bool (*match)(struct ktgt_session *, void *),
				     void *arg)
{
	unsigned long deadline = jiffies + KTGT_ASYNC_LOGOUT_WAIT * HZ;
	struct ktgt_session *sess;
	struct ktgt_conn *conn;
	bool found, polite = true;
	unsigned int gen;

	for (;;) {
		found = false;
		mutex_lock(&ktgt_sess_mutex);
		list_for_each_entry(sess, head, node) {
			if (!match(sess, arg))
				continue;
			found = true;
			if (!polite) {
				ktgt_session_close(sess);
				continue;
			}
			/* RFC 7143 11.9.1: ask for a logout first */
			list_for_each_entry(conn, &sess->conns, sess_node)
				ktgt_conn_request_logout(conn, KTGT_ASYNC_LOGOUT_WAIT);
		}
		gen = atomic_read(&ktgt_sess_gen);
		mutex_unlock(&ktgt_sess_mutex);
		if (!found)
			return;
		if (polite) {
			polite = false;
			wait_event_timeout(ktgt_sess_wq,
					   atomic_read(&ktgt_sess_gen) != gen ||
					   time_after(jiffies, deadline),
					   KTGT_ASYNC_LOGOUT_WAIT * HZ);
			if (time_before(jiffies, deadline))
				polite = true;
			continue;
		}
		wait_event(ktgt_sess_wq, atomic_read(&ktgt_sess_gen) != gen);
	}
}

static bool ktgt_sess_match_all(struct ktgt_session *sess, void *arg)
{
	return true;
}

static bool ktgt_sess_match_acl(struct ktgt_session *sess, void *acl)
{
	return sess->acl == acl;
}

void ktgt_tpg_close_sessions(struct ktgt_tpg *tpg)
{
	ktgt_close_sessions_wait(&tpg->sessions, ktgt_sess_match_all, NULL);
}

void ktgt_acl_close_sessions(struct ktgt_acl *acl)
{
	ktgt_close_sessions_wait(&acl->tpg->sessions, ktgt_sess_match_acl, acl);
}
