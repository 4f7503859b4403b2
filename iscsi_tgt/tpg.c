// SPDX-License-Identifier: GPL-2.0
/*
 * Lookups in the configuration for login, discovery and the data path.
 * The objects themselves are created and destroyed by configfs/.
 *
 * ktgt_tpg_find() and ktgt_acl_find() walk the configuration lists: the
 * caller holds ktgt_cfg_mutex, and what they return is only valid until it
 * is released, unless the caller publishes a session under the same hold
 * (TPG and ACL removal end their sessions).  ktgt_sendtargets() takes
 * ktgt_cfg_mutex itself.  ktgt_lun_get(), ktgt_lun_put() and
 * ktgt_tpg_report_luns() are RCU-based and callable from any context that
 * may use RCU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kernel.h>
#include <linux/percpu-refcount.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include <net/ipv6.h>

#include "ktgt_iscsi.h"
#include "../configfs/ktgt_cfs.h"

static bool ktgt_tpg_on_listener(struct ktgt_tpg *tpg, struct ktgt_listener *l)
{
	struct ktgt_portal *p;

	list_for_each_entry(p, &tpg->portals, node)
		if (p->listener == l)
			return true;
	return false;
}

/**
 * ktgt_tpg_find() - the TPG serving @target_name through listener @l
 * @target_name: TargetName of a login, compared without regard to case
 * @l:           listener the connection came in on; NULL matches any
 *
 * Return: the first enabled TPG of that target with a portal on @l, or
 * NULL.  Caller holds ktgt_cfg_mutex.
 */
struct ktgt_tpg *ktgt_tpg_find(const char *target_name, struct ktgt_listener *l)
{
	struct ktgt_target *tgt;
	struct ktgt_tpg *tpg;

	lockdep_assert_held(&ktgt_cfg_mutex);

	list_for_each_entry(tgt, &ktgt_targets, node) {
		if (strcasecmp(tgt->name, target_name))
			continue;
		list_for_each_entry(tpg, &tgt->tpgs, node) {
			if (!tpg->enabled)
				continue;
			if (!l || ktgt_tpg_on_listener(tpg, l))
				return tpg;
		}
		break;
	}
	return NULL;
}

/**
 * ktgt_acl_find() - the ACL of a TPG for an initiator
 * @tpg:            the TPG
 * @initiator_name: InitiatorName, compared without regard to case
 *
 * Return: the ACL or NULL.  Caller holds ktgt_cfg_mutex.
 */
struct ktgt_acl *ktgt_acl_find(struct ktgt_tpg *tpg, const char *initiator_name)
{
	struct ktgt_acl *acl;

	lockdep_assert_held(&ktgt_cfg_mutex);

	list_for_each_entry(acl, &tpg->acls, node)
		if (!strcasecmp(acl->name, initiator_name))
			return acl;
	return NULL;
}

/* Under rcu_read_lock(): the LUN @acl (or demo mode when NULL) sees at @id. */
static struct ktgt_lun *ktgt_lun_lookup(struct ktgt_tpg *tpg,
					struct ktgt_acl *acl, u64 id)
{
	struct ktgt_mapped_lun *mlun;

	if (!acl)
		return rcu_dereference(tpg->luns[id]);
	mlun = rcu_dereference(acl->mluns[id]);
	return mlun ? rcu_dereference(mlun->lun) : NULL;
}

/**
 * ktgt_lun_get() - take a reference on the LUN an I_T nexus addresses
 * @tpg:    the session's TPG (NULL, as for discovery: no LUN)
 * @acl:    the session's ACL; NULL in demo mode (all TPG LUNs, same numbers)
 * @lun_id: LUN number as the initiator sees it
 *
 * Return: the LUN with a reference that keeps lun->dev usable until
 * ktgt_lun_put(), or NULL if nothing is mapped there or it is being
 * removed.
 */
struct ktgt_lun *ktgt_lun_get(struct ktgt_tpg *tpg, struct ktgt_acl *acl,
			      u64 lun_id)
{
	struct ktgt_lun *lun;

	if (!tpg || lun_id >= KTGT_MAX_LUNS)
		return NULL;

	rcu_read_lock();
	lun = ktgt_lun_lookup(tpg, acl, lun_id);
	if (lun && !percpu_ref_tryget_live(&lun->ref))
		lun = NULL;
	rcu_read_unlock();
	return lun;
}

void ktgt_lun_put(struct ktgt_lun *lun)
{
	percpu_ref_put(&lun->ref);
}

/**
 * ktgt_tpg_report_luns() - the LUN numbers visible to a nexus
 * @tpg:  the session's TPG
 * @acl:  the session's ACL, NULL in demo mode
 * @luns: receives up to @max LUN numbers, in increasing order
 * @max:  room in @luns
 *
 * Return: how many LUNs are visible in all (may exceed @max).
 */
u32 ktgt_tpg_report_luns(struct ktgt_tpg *tpg, struct ktgt_acl *acl,
			 u64 *luns, u32 max)
{
	struct ktgt_lun *lun;
	u32 n = 0;
	u64 id;

	if (!tpg)
		return 0;
	rcu_read_lock();
	for (id = 0; id < KTGT_MAX_LUNS; id++) {
		lun = ktgt_lun_lookup(tpg, acl, id);
		if (!lun || !READ_ONCE(lun->live))
			continue;
		if (n < max)
			luns[n] = id;
		n++;
	}
	rcu_read_unlock();
	return n;
}

/* May @initiator log in to @tpg: demo mode, or it has an ACL. */
static bool ktgt_tpg_allows(struct ktgt_tpg *tpg, const char *initiator)
{
	return tpg->attrib.generate_node_acls ||
	       ktgt_acl_find(tpg, initiator);
}

/*
 * "TargetAddress=<addr>:<port>,<tpgt>" for each portal of @tpg.  A portal
 * listening on the wildcard address is reported with the address the
 * initiator reached this target at (@local), which it can use.
 */
static int ktgt_sendtargets_tpg(struct ktgt_tpg *tpg,
				const struct sockaddr_storage *local,
				struct ktgt_textbuf *out)
{
	/* "[" 45-char IPv6 "]:" 5-digit port "," 5-digit tag NUL */
	char val[64];
	struct ktgt_portal *p;
	int ret;

	list_for_each_entry(p, &tpg->portals, node) {
		bool wild_here = local && local->ss_family == p->addr.ss_family;

		if (p->addr.ss_family == AF_INET6) {
			const struct sockaddr_in6 *sin6 =
				(const struct sockaddr_in6 *)&p->addr;
			const struct in6_addr *a = &sin6->sin6_addr;

			if (wild_here && ipv6_addr_any(a))
				a = &((const struct sockaddr_in6 *)local)->sin6_addr;
			snprintf(val, sizeof(val), "[%pI6c]:%u,%u",
				 a, ntohs(sin6->sin6_port), tpg->tpgt);
		} else {
			const struct sockaddr_in *sin =
				(const struct sockaddr_in *)&p->addr;
			const struct in_addr *a = &sin->sin_addr;

			if (wild_here && a->s_addr == htonl(INADDR_ANY))
				a = &((const struct sockaddr_in *)local)->sin_addr;
			snprintf(val, sizeof(val), "%pI4:%u,%u",
				 a, ntohs(sin->sin_port), tpg->tpgt);
		}
		ret = ktgt_textbuf_add(out, "TargetAddress", val);
		if (ret)
			return ret;
	}
	return 0;
}

/* Is @tgt visible to a SendTargets on @l: a TPG of it serves there. */
static bool ktgt_sendtargets_target_ok(struct ktgt_target *tgt,
				       struct ktgt_listener *l,
				       const char *initiator)
{
	struct ktgt_tpg *tpg;

	list_for_each_entry(tpg, &tgt->tpgs, node)
		if (tpg->enabled && (!l || ktgt_tpg_on_listener(tpg, l)) &&
		    ktgt_tpg_allows(tpg, initiator))
			return true;
	return false;
}

/**
 * ktgt_sendtargets() - build a SendTargets answer (RFC 7143 appendix C)
 * @l:              listener of the discovery connection (NULL: any)
 * @initiator_name: the session's InitiatorName
 * @which:          "All", or one target name (any case)
 * @local:          address the initiator connected to (NULL: unknown)
 * @out:            receives, per target, "TargetName=<name>" followed by
 *                  one "TargetAddress=<ip>:<port>,<tpgt>" per portal of
 *                  each of its TPGs that are enabled and let the initiator
 *                  in (demo mode or an ACL); IPv6 in brackets; portals are
 *                  reported with their configured address, a wildcard
 *                  one with @local's
 *
 * A target is listed only when at least one such TPG has a portal on @l.
 * Takes ktgt_cfg_mutex: call from process context, without it.
 *
 * Return: 0, or -ENOSPC from ktgt_textbuf_add() when @out is full (@out
 * then holds the records that fitted).
 */
int ktgt_sendtargets(struct ktgt_listener *l, const char *initiator_name,
		     const char *which, const struct sockaddr_storage *local,
		     struct ktgt_textbuf *out)
{
	bool all = !strcmp(which, "All");
	struct ktgt_target *tgt;
	struct ktgt_tpg *tpg;
	int ret = 0;

	mutex_lock(&ktgt_cfg_mutex);
	list_for_each_entry(tgt, &ktgt_targets, node) {
		if (!all && strcasecmp(tgt->name, which))
			continue;
		if (!ktgt_sendtargets_target_ok(tgt, l, initiator_name))
			continue;
		ret = ktgt_textbuf_add(out, "TargetName", tgt->name);
		if (ret)
			goto out_unlock;
		list_for_each_entry(tpg, &tgt->tpgs, node) {
			if (!tpg->enabled ||
			    !ktgt_tpg_allows(tpg, initiator_name))
				continue;
			ret = ktgt_sendtargets_tpg(tpg, local, out);
			if (ret)
				goto out_unlock;
		}
	}
out_unlock:
	mutex_unlock(&ktgt_cfg_mutex);
	return ret;
}
