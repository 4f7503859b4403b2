// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI persistent reservations (SPC-4 5.13): PERSISTENT RESERVE IN/OUT,
 * the reservation check every command goes through, and the text form of
 * the state configfs shows (and restores, for APTPL).
 *
 * One struct ktgt_pr per backstore.  An I_T nexus is an iSCSI initiator
 * port (name + ISID) and a target port (target name + TPGT, the relative
 * target port identifier).  A registration names the initiator port, or
 * the whole initiator device when SPEC_I_PT gave a format 00b TransportID,
 * and one target port, or all of them with ALL_TG_PT.  Registrations and
 * the reservation outlive the I_T nexus (only RESERVE(6/10) does not).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>
#include <linux/mm.h>
#include <linux/ctype.h>
#include <linux/stringify.h>

#include "ktgt_scsi_int.h"
#include "ktgt_pr.h"

struct ktgt_pr_reg {
	struct list_head node;
	u64 key;
	bool has_isid;			/* false: any ISID of iname */
	bool all_tg_pt;			/* false: only tname/rtpi */
	u8 isid[6];
	u16 rtpi;
	char iname[KTGT_PR_NAME_MAX];	/* lower case */
	char tname[KTGT_PR_NAME_MAX];
};

struct ktgt_pr {
	struct mutex lock;		/* everything below */
	struct list_head regs;		/* of ktgt_pr_reg */
	u32 nr_regs;
	u32 generation;
	/*
	 * The reservation, NULL if none.  For the All Registrants types every
	 * registrant holds it; @holder is then just one of them.
	 */
	struct ktgt_pr_reg *holder;
	u8 type;
	u8 scope;
	bool aptpl;
	bool active;			/* nr_regs != 0, read locklessly */
};

/* PR OUT outcome besides 0 (GOOD) and -errno (sense in @e) */
#define KTGT_PR_CONFLICT	1

/* Room for @n more registrations?  Else INSUFFICIENT REGISTRATION RESOURCES. */
static int ktgt_pr_room(struct ktgt_pr *pr, u32 n, struct ktgt_sense_err *e)
{
	if (pr->nr_regs + n <= KTGT_PR_MAX_REGS)
		return 0;
	ktgt_sense_set(e, KTGT_SK_ILLEGAL_REQUEST,
		       KTGT_ASC_INSUFFICIENT_REG_RESOURCES);
	return -EINVAL;
}

int ktgt_pr_dev_init(struct ktgt_dev *dev)
{
	struct ktgt_pr *pr = kzalloc(sizeof(*pr), GFP_KERNEL);

	if (!pr)
		return -ENOMEM;
	mutex_init(&pr->lock);
	INIT_LIST_HEAD(&pr->regs);
	dev->pr = pr;
	return 0;
}

static void ktgt_pr_free_regs(struct ktgt_pr *pr)
{
	struct ktgt_pr_reg *reg, *tmp;

	list_for_each_entry_safe(reg, tmp, &pr->regs, node) {
		list_del(&reg->node);
		kfree(reg);
	}
	pr->nr_regs = 0;
	pr->holder = NULL;
	pr->type = KTGT_PR_TYPE_NONE;
	pr->scope = 0;
	WRITE_ONCE(pr->active, false);
}

void ktgt_pr_dev_free(struct ktgt_dev *dev)
{
	struct ktgt_pr *pr = dev->pr;

	if (!pr)
		return;
	ktgt_pr_free_regs(pr);
	mutex_destroy(&pr->lock);
	kfree(pr);
	dev->pr = NULL;
}

static bool ktgt_pr_reg_match(const struct ktgt_pr_reg *reg,
			      const struct ktgt_nexus *nexus);

static bool ktgt_pr_ua_match(const struct ktgt_nexus *nexus, const void *reg)
{
	return ktgt_pr_reg_match(reg, nexus);
}

/*
 * Unit attentions for the registrants a PR OUT affects: RESERVATIONS
 * PREEMPTED (2A/03), RESERVATIONS RELEASED (2A/04), REGISTRATIONS PREEMPTED
 * (2A/05), to every I_T nexus of the registration that has used the LU.
 */
static void ktgt_pr_ua(struct ktgt_dev *dev, const struct ktgt_pr_reg *reg,
		       u16 asc_ascq)
{
	ktgt_ua_raise_match(dev, ktgt_pr_ua_match, reg, asc_ascq);
}

static const char *ktgt_pr_nexus_iname(const struct ktgt_nexus *nexus)
{
	return nexus && nexus->initiator_name ? nexus->initiator_name : "";
}

static bool ktgt_pr_reg_match(const struct ktgt_pr_reg *reg,
			      const struct ktgt_nexus *nexus)
{
	if (!nexus || strcasecmp(reg->iname, ktgt_pr_nexus_iname(nexus)))
		return false;
	if (reg->has_isid && memcmp(reg->isid, nexus->isid, 6))
		return false;
	if (reg->all_tg_pt)
		return true;
	return reg->rtpi == nexus->rel_port_id &&
	       !strcasecmp(reg->tname, nexus->target_name ?: "");
}

static struct ktgt_pr_reg *ktgt_pr_find(struct ktgt_pr *pr,
					const struct ktgt_nexus *nexus)
{
	struct ktgt_pr_reg *reg;

	lockdep_assert_held(&pr->lock);
	list_for_each_entry(reg, &pr->regs, node)
		if (ktgt_pr_reg_match(reg, nexus))
			return reg;
	return NULL;
}

/* Do two registrations name a common I_T nexus? */
static bool ktgt_pr_reg_overlap(const struct ktgt_pr_reg *a,
				const struct ktgt_pr_reg *b)
{
	if (strcmp(a->iname, b->iname))
		return false;
	if (a->has_isid && b->has_isid && memcmp(a->isid, b->isid, 6))
		return false;
	if (a->all_tg_pt || b->all_tg_pt)
		return true;
	return a->rtpi == b->rtpi && !strcasecmp(a->tname, b->tname);
}

static bool ktgt_pr_is_holder(struct ktgt_pr *pr, struct ktgt_pr_reg *reg)
{
	if (!pr->holder || !reg)
		return false;
	return ktgt_pr_type_all_reg(pr->type) || pr->holder == reg;
}

static void ktgt_pr_lower(char *s)
{
	for (; *s; s++)
		*s = tolower(*s);
}

static struct ktgt_pr_reg *ktgt_pr_reg_new(const struct ktgt_nexus *nexus,
					   u64 key, bool all_tg_pt)
{
	struct ktgt_pr_reg *reg = kzalloc(sizeof(*reg), GFP_NOIO);

	if (!reg)
		return NULL;
	reg->key = key;
	reg->all_tg_pt = all_tg_pt;
	reg->has_isid = true;
	memcpy(reg->isid, nexus->isid, 6);
	reg->rtpi = nexus->rel_port_id;
	strscpy(reg->iname, ktgt_pr_nexus_iname(nexus), sizeof(reg->iname));
	ktgt_pr_lower(reg->iname);
	strscpy(reg->tname, nexus->target_name ?: "", sizeof(reg->tname));
	return reg;
}

static void ktgt_pr_add(struct ktgt_pr *pr, struct ktgt_pr_reg *reg)
{
	list_add_tail(&reg->node, &pr->regs);
	pr->nr_regs++;
	WRITE_ONCE(pr->active, true);
}

static void ktgt_pr_drop_resv(struct ktgt_pr *pr)
{
	pr->holder = NULL;
	pr->type = KTGT_PR_TYPE_NONE;
	pr->scope = 0;
}

/*
 * Remove a registration.  Losing the holder of an ordinary reservation
 * releases it (SPC-4 5.13.11.2.3); an All Registrants reservation lasts
 * while anybody is registered.
 */
static void ktgt_pr_remove(struct ktgt_dev *dev, struct ktgt_pr_reg *reg,
			   bool release_ua)
{
	struct ktgt_pr *pr = dev->pr;
	struct ktgt_pr_reg *other;

	list_del(&reg->node);
	pr->nr_regs--;
	WRITE_ONCE(pr->active, pr->nr_regs != 0);
	if (pr->holder == reg) {
		if (ktgt_pr_type_all_reg(pr->type) && pr->nr_regs) {
			pr->holder = list_first_entry(&pr->regs,
						      struct ktgt_pr_reg, node);
		} else {
			if (release_ua && ktgt_pr_type_reg_only(pr->type))
				list_for_each_entry(other, &pr->regs, node)
					ktgt_pr_ua(dev, other,
						   KTGT_ASC_RESERVATIONS_RELEASED);
			ktgt_pr_drop_resv(pr);
		}
	}
	kfree(reg);
}

/* ------------------------------------------------------------------ */
/* The reservation check                                                */

/**
 * ktgt_pr_conflict() - does a persistent reservation refuse @cmd?
 * @cmd: a parsed command with a backstore
 *
 * Also refuses RESERVE/RELEASE(6/10) while anybody is registered
 * (SPC-4 5.13.3).  Process context (ktgt_scsi_execute()).
 */
bool ktgt_pr_conflict(struct ktgt_cmd *cmd)
{
	struct ktgt_pr *pr = cmd->dev->pr;
	struct ktgt_pr_reg *reg;
	bool ret;
	u8 op = cmd->cdb[0];

	if (!pr || !READ_ONCE(pr->active))
		return false;
	if (op == KTGT_OP_RESERVE_6 || op == KTGT_OP_RELEASE_6 ||
	    op == KTGT_OP_RESERVE_10 || op == KTGT_OP_RELEASE_10)
		return true;
	if (op == KTGT_OP_PR_IN || op == KTGT_OP_PR_OUT)
		return false;
	mutex_lock(&pr->lock);
	if (!pr->holder) {
		ret = false;
	} else {
		reg = ktgt_pr_find(pr, cmd->nexus);
		ret = ktgt_pr_conflicts(cmd->cdb, pr->type,
					ktgt_pr_is_holder(pr, reg), reg);
	}
	mutex_unlock(&pr->lock);
	return ret;
}

/**
 * ktgt_pr_conflict_io() - would a read or write by @nexus conflict?
 * @dev: the LU
 * @nexus: the I_T nexus the data moves for (EXTENDED COPY's issuer)
 * @write: a write (else a read)
 *
 * For commands that touch an LU other than the one they were sent to
 * (EXTENDED COPY): the same answer the LU would give a READ(10) or a
 * WRITE(10) from @nexus.
 */
bool ktgt_pr_conflict_io(struct ktgt_dev *dev, struct ktgt_nexus *nexus, bool write)
{
	u8 cdb[KTGT_CDB_LEN] = { write ? KTGT_OP_WRITE_10 : KTGT_OP_READ_10 };
	struct ktgt_pr *pr = dev->pr;
	struct ktgt_pr_reg *reg;
	bool ret = false;

	if (!pr || !READ_ONCE(pr->active))
		return false;
	mutex_lock(&pr->lock);
	if (pr->holder) {
		reg = ktgt_pr_find(pr, nexus);
		ret = ktgt_pr_conflicts(cdb, pr->type, ktgt_pr_is_holder(pr, reg), reg);
	}
	mutex_unlock(&pr->lock);
	return ret;
}

/* ------------------------------------------------------------------ */
/* PERSISTENT RESERVE OUT                                               */

/* Decode the TransportIDs of SPEC_I_PT into registrations to add. */
static int ktgt_pr_spec_i_pt(struct ktgt_cmd *cmd, const u8 *p,
			     const struct ktgt_pr_out *o,
			     struct list_head *out, struct ktgt_sense_err *e)
{
	struct ktgt_pr_tid *t;
	struct ktgt_pr_reg *reg, *r;
	u32 off = o->tid_off, end = o->tid_off + o->tid_len;
	int n, ret = 0;

	t = kmalloc(sizeof(*t), GFP_NOIO);
	if (!t)
		return -ENOMEM;
	while (off < end) {
		n = ktgt_pr_tid_decode(&p[off], end - off, off, t, e);
		if (n < 0) {
			ret = n;
			break;
		}
		reg = ktgt_pr_reg_new(cmd->nexus, o->sa_key, o->all_tg_pt);
		if (!reg) {
			ret = -ENOMEM;
			break;
		}
		strscpy(reg->iname, t->name, sizeof(reg->iname));
		reg->has_isid = t->has_isid;
		memcpy(reg->isid, t->isid, 6);
		/* one I_T nexus named twice in the list */
		list_for_each_entry(r, out, node) {
			if (ktgt_pr_reg_overlap(r, reg)) {
				kfree(reg);
				ktgt_sense_invalid_param(e, off, 7);
				ret = -EINVAL;
				goto out;
			}
		}
		list_add_tail(&reg->node, out);
		off += n;
	}
out:
	kfree(t);
	return ret;
}

static int ktgt_pr_register(struct ktgt_cmd *cmd, const struct ktgt_pr_out *o,
			    struct list_head *tids, struct ktgt_sense_err *e)
{
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_pr *pr = dev->pr;
	struct ktgt_pr_reg *reg = ktgt_pr_find(pr, cmd->nexus);
	struct ktgt_pr_reg *r, *t, *tmp;
	bool ignore = o->sa == KTGT_PROUT_REGISTER_IGNORE;
	u32 n = 1;

	if (!reg) {
		if (!ignore && o->res_key)
			return KTGT_PR_CONFLICT;
		if (!o->sa_key)
			return 0;
		list_for_each_entry(t, tids, node)
			n++;
		if (ktgt_pr_room(pr, n, e))
			return -EINVAL;
		reg = ktgt_pr_reg_new(cmd->nexus, o->sa_key, o->all_tg_pt);
		if (!reg)
			return -ENOMEM;
		/* SPEC_I_PT: none of the named I_T nexuses may be registered */
		list_for_each_entry(t, tids, node) {
			bool bad = ktgt_pr_reg_overlap(t, reg);

			list_for_each_entry(r, &pr->regs, node)
				bad |= ktgt_pr_reg_overlap(t, r);
			if (bad) {
				kfree(reg);
				ktgt_sense_invalid_param(e, o->tid_off, 7);
				return -EINVAL;
			}
		}
		ktgt_pr_add(pr, reg);
		list_for_each_entry_safe(t, tmp, tids, node) {
			list_del(&t->node);
			ktgt_pr_add(pr, t);
		}
		pr->aptpl = o->aptpl;
		pr->generation++;
		return 0;
	}
	if (!ignore && o->res_key != reg->key)
		return KTGT_PR_CONFLICT;
	if (o->spec_i_pt) {
		/* SPC-4 table 49: INVALID FIELD IN CDB (no field pointer) */
		ktgt_sense_set(e, KTGT_SK_ILLEGAL_REQUEST,
			       KTGT_ASC_INVALID_FIELD_IN_CDB);
		return -EINVAL;
	}
	if (!o->sa_key) {
		ktgt_pr_remove(dev, reg, true);
	} else {
		reg->key = o->sa_key;
		pr->aptpl = o->aptpl;
	}
	pr->generation++;
	return 0;
}

static int ktgt_pr_check_scope_type(const struct ktgt_pr_out *o,
				    struct ktgt_sense_err *e)
{
	if (o->scope != KTGT_PR_SCOPE_LU) {
		ktgt_sense_invalid_cdb(e, 2, 7);
		return -EINVAL;
	}
	if (!ktgt_pr_type_valid(o->type)) {
		ktgt_sense_invalid_cdb(e, 2, 3);
		return -EINVAL;
	}
	return 0;
}

static int ktgt_pr_reserve(struct ktgt_cmd *cmd, const struct ktgt_pr_out *o,
			   struct ktgt_pr_reg *reg, struct ktgt_sense_err *e)
{
	struct ktgt_pr *pr = cmd->dev->pr;

	if (ktgt_pr_check_scope_type(o, e))
		return -EINVAL;
	if (pr->holder) {
		if (ktgt_pr_is_holder(pr, reg) && pr->type == o->type &&
		    pr->scope == o->scope)
			return 0;
		return KTGT_PR_CONFLICT;
	}
	pr->holder = reg;
	pr->type = o->type;
	pr->scope = o->scope;
	return 0;
}

static int ktgt_pr_release(struct ktgt_cmd *cmd, const struct ktgt_pr_out *o,
			   struct ktgt_pr_reg *reg, struct ktgt_sense_err *e)
{
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_pr *pr = dev->pr;
	struct ktgt_pr_reg *r;
	u8 type = pr->type;

	if (!ktgt_pr_is_holder(pr, reg))
		return 0;	/* no reservation, or somebody else's: GOOD */
	if (o->scope != pr->scope || o->type != pr->type) {
		ktgt_sense_set(e, KTGT_SK_ILLEGAL_REQUEST,
			       KTGT_ASC_INVALID_RELEASE_OF_PR);
		return -EINVAL;
	}
	ktgt_pr_drop_resv(pr);
	if (ktgt_pr_type_reg_only(type) || ktgt_pr_type_all_reg(type))
		list_for_each_entry(r, &pr->regs, node)
			if (r != reg)
				ktgt_pr_ua(dev, r, KTGT_ASC_RESERVATIONS_RELEASED);
	return 0;
}

static int ktgt_pr_clear(struct ktgt_cmd *cmd, struct ktgt_pr_reg *reg)
{
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_pr *pr = dev->pr;
	struct ktgt_pr_reg *r;

	list_for_each_entry(r, &pr->regs, node)
		if (r != reg)
			ktgt_pr_ua(dev, r, KTGT_ASC_RESERVATIONS_PREEMPTED);
	ktgt_pr_free_regs(pr);
	pr->generation++;
	return 0;
}

/*
 * Remove every registration with @key except @keep; the count removed.
 * Each removed registrant gets REGISTRATIONS PREEMPTED.  With @abort (the
 * PREEMPT AND ABORT command), the tasks its I_T nexuses have on the LU
 * are aborted too (SPC-4 5.12.11.2.6), those of @abort's own nexus kept.
 */
static u32 ktgt_pr_remove_key(struct ktgt_dev *dev, u64 key,
			      struct ktgt_pr_reg *keep, bool all,
			      struct ktgt_cmd *abort)
{
	struct ktgt_pr *pr = dev->pr;
	struct ktgt_pr_reg *r, *tmp;
	u32 n = 0;

	list_for_each_entry_safe(r, tmp, &pr->regs, node) {
		if (r == keep || (!all && r->key != key))
			continue;
		ktgt_pr_ua(dev, r, KTGT_ASC_REGISTRATIONS_PREEMPTED);
		if (abort && abort->nexus && abort->nexus->ops &&
		    abort->nexus->ops->abort_tasks)
			abort->nexus->ops->abort_tasks(abort->nexus, dev,
						       ktgt_pr_ua_match, r);
		if (pr->holder == r)
			pr->holder = keep;	/* replaced by the caller */
		list_del(&r->node);
		pr->nr_regs--;
		kfree(r);
		n++;
	}
	WRITE_ONCE(pr->active, pr->nr_regs != 0);
	return n;
}

/*
 * PREEMPT / PREEMPT AND ABORT (SPC-4 5.12.11.2.4-6).  With PREEMPT AND
 * ABORT the tasks of the preempted I_T nexuses on this LU end without a
 * response (TAS 0): the transport aborts them in the background, so the
 * command completes without waiting for tasks the backstore is still
 * running.  With PREEMPT those tasks go on; later ones meet the new
 * reservation.
 */
static int ktgt_pr_preempt(struct ktgt_cmd *cmd, const struct ktgt_pr_out *o,
			   struct ktgt_pr_reg *reg, struct ktgt_sense_err *e)
{
	struct ktgt_cmd *abort = o->sa == KTGT_PROUT_PREEMPT_AND_ABORT ? cmd : NULL;
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_pr *pr = dev->pr;
	struct ktgt_pr_reg *r;
	u8 old_type = pr->type, old_scope = pr->scope;

	if (!pr->holder) {
		/* no reservation: remove the registrations with SA key */
		if (!o->sa_key) {
			ktgt_sense_invalid_param(e, 8, 7);
			return -EINVAL;
		}
		if (!ktgt_pr_remove_key(dev, o->sa_key, reg, false, abort))
			return KTGT_PR_CONFLICT;
		pr->generation++;
		return 0;
	}
	if (ktgt_pr_type_all_reg(pr->type)) {
		if (o->sa_key) {
			/* remove those registrations, keep the reservation */
			if (!ktgt_pr_remove_key(dev, o->sa_key, reg, false, abort))
				return KTGT_PR_CONFLICT;
			if (!pr->holder)	/* it was held by one of them */
				pr->holder = reg;
			pr->generation++;
			return 0;
		}
		if (ktgt_pr_check_scope_type(o, e))
			return -EINVAL;
		ktgt_pr_remove_key(dev, 0, reg, true, abort);
		goto reserve;
	}
	if (o->sa_key != pr->holder->key) {
		if (!o->sa_key) {
			ktgt_sense_invalid_param(e, 8, 7);
			return -EINVAL;
		}
		if (!ktgt_pr_remove_key(dev, o->sa_key, reg, false, abort))
			return KTGT_PR_CONFLICT;
		pr->generation++;
		return 0;
	}
	if (ktgt_pr_check_scope_type(o, e))
		return -EINVAL;
	/* the holder's key: preempt the reservation too */
	ktgt_pr_remove_key(dev, o->sa_key, reg, false, abort);
reserve:
	pr->holder = reg;
	pr->type = o->type;
	pr->scope = o->scope;
	if (old_type != o->type || old_scope != o->scope)
		list_for_each_entry(r, &pr->regs, node)
			if (r != reg)
				ktgt_pr_ua(dev, r, KTGT_ASC_RESERVATIONS_RELEASED);
	pr->generation++;
	return 0;
}

static int ktgt_pr_move(struct ktgt_cmd *cmd, const struct ktgt_pr_out *o,
			const u8 *p, struct ktgt_pr_reg *reg,
			struct ktgt_sense_err *e)
{
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_pr *pr = dev->pr;
	struct ktgt_pr_reg *dest, *r;
	struct ktgt_pr_tid *t;
	bool known = false;
	int n;

	if (!pr->holder || ktgt_pr_type_all_reg(pr->type) || pr->holder != reg)
		return KTGT_PR_CONFLICT;
	if (!o->sa_key) {
		ktgt_sense_invalid_param(e, 8, 7);
		return -EINVAL;
	}
	t = kmalloc(sizeof(*t), GFP_NOIO);
	if (!t)
		return -ENOMEM;
	n = ktgt_pr_tid_decode(&p[o->tid_off], o->tid_len, o->tid_off, t, e);
	if (n < 0)
		goto out;
	if (n != o->tid_len) {
		/* exactly one TransportID */
		ktgt_sense_invalid_param(e, 20, 7);
		n = -EINVAL;
		goto out;
	}
	/* only the target port the command came through is known here */
	if (o->rtpi != cmd->nexus->rel_port_id) {
		ktgt_sense_invalid_param(e, 18, 7);
		n = -EINVAL;
		goto out;
	}
	dest = ktgt_pr_reg_new(cmd->nexus, o->sa_key, false);
	if (!dest) {
		n = -ENOMEM;
		goto out;
	}
	strscpy(dest->iname, t->name, sizeof(dest->iname));
	dest->has_isid = t->has_isid;
	memcpy(dest->isid, t->isid, 6);
	if (ktgt_pr_reg_overlap(dest, reg)) {
		/* moving to the I_T nexus the command came on */
		kfree(dest);
		ktgt_sense_invalid_param(e, o->tid_off, 7);
		n = -EINVAL;
		goto out;
	}
	list_for_each_entry(r, &pr->regs, node) {
		if (ktgt_pr_reg_overlap(dest, r)) {
			kfree(dest);
			dest = r;	/* already registered: keeps its key */
			known = true;
			break;
		}
	}
	if (!known) {
		if (ktgt_pr_room(pr, 1, e)) {
			kfree(dest);
			n = -EINVAL;
			goto out;
		}
		ktgt_pr_add(pr, dest);
	}
	pr->holder = dest;
	pr->aptpl = o->aptpl;
	if (o->unreg)
		ktgt_pr_remove(dev, reg, false);
	pr->generation++;
	n = 0;
out:
	kfree(t);
	return n;
}

static void ktgt_pr_exec_out(struct ktgt_cmd *cmd)
{
	struct ktgt_pr *pr = cmd->dev->pr;
	struct ktgt_pr_reg *reg, *tmp;
	struct ktgt_sense_err e;
	struct ktgt_pr_out o;
	LIST_HEAD(tids);
	void *p;
	u32 len;
	int ret;

	/* an I_T nexus without an initiator port name cannot register */
	if (!cmd->nexus || !cmd->nexus->initiator_name) {
		ktgt_cmd_complete(cmd, KTGT_SAM_RESERVATION_CONFLICT);
		return;
	}
	if (ktgt_cmd_read_params(cmd, &p, &len))
		return;
	ret = ktgt_pr_out_decode(cmd->cdb, p, len, &o, &e);
	if (!ret && o.spec_i_pt)
		ret = ktgt_pr_spec_i_pt(cmd, p, &o, &tids, &e);
	if (ret)
		goto done;

	mutex_lock(&pr->lock);
	reg = ktgt_pr_find(pr, cmd->nexus);
	switch (o.sa) {
	case KTGT_PROUT_REGISTER:
	case KTGT_PROUT_REGISTER_IGNORE:
		ret = ktgt_pr_register(cmd, &o, &tids, &e);
		break;
	default:
		/* the others need a registered I_T nexus with its key */
		if (!reg || reg->key != o.res_key) {
			ret = KTGT_PR_CONFLICT;
			break;
		}
		if (o.sa == KTGT_PROUT_RESERVE)
			ret = ktgt_pr_reserve(cmd, &o, reg, &e);
		else if (o.sa == KTGT_PROUT_RELEASE)
			ret = ktgt_pr_release(cmd, &o, reg, &e);
		else if (o.sa == KTGT_PROUT_CLEAR)
			ret = ktgt_pr_clear(cmd, reg);
		else if (o.sa == KTGT_PROUT_REGISTER_AND_MOVE)
			ret = ktgt_pr_move(cmd, &o, p, reg, &e);
		else
			ret = ktgt_pr_preempt(cmd, &o, reg, &e);
		break;
	}
	mutex_unlock(&pr->lock);
done:
	list_for_each_entry_safe(reg, tmp, &tids, node)
		kfree(reg);
	kfree(p);
	if (ret == KTGT_PR_CONFLICT)
		ktgt_cmd_complete(cmd, KTGT_SAM_RESERVATION_CONFLICT);
	else if (ret == -ENOMEM)
		ktgt_cmd_complete(cmd, KTGT_SAM_BUSY);
	else if (ret)
		ktgt_cmd_fail(cmd, &e);
	else
		ktgt_cmd_good(cmd);
}

int ktgt_pr_parse_out(struct ktgt_cmd *cmd)
{
	u32 len = get_unaligned_be32(&cmd->cdb[5]);

	if (len > KTGT_PR_MAX_PARAM_LEN)
		return ktgt_cmd_parse_err(cmd, KTGT_SK_ILLEGAL_REQUEST,
					  KTGT_ASC_PARAM_LIST_LENGTH_ERROR);
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_WRITE, len,
				     ktgt_pr_exec_out);
}

/* ------------------------------------------------------------------ */
/* PERSISTENT RESERVE IN                                                */

static u32 ktgt_pr_full_status(struct ktgt_pr *pr, u8 *buf, u32 size)
{
	struct ktgt_pr_reg *r;
	u32 off = 8, tl;

	list_for_each_entry(r, &pr->regs, node) {
		tl = ktgt_pr_tid_encode(NULL, 0, r->iname,
					r->has_isid ? r->isid : NULL);
		if (buf && off + 24 + tl <= size) {
			u8 *d = &buf[off];

			memset(d, 0, 24);
			put_unaligned_be64(r->key, &d[0]);
			if (r->all_tg_pt)
				d[12] |= 0x02;
			if (ktgt_pr_is_holder(pr, r)) {
				d[12] |= 0x01;
				d[13] = pr->scope << 4 | pr->type;
			}
			put_unaligned_be16(r->rtpi, &d[18]);
			put_unaligned_be32(tl, &d[20]);
			ktgt_pr_tid_encode(&d[24], tl, r->iname,
					   r->has_isid ? r->isid : NULL);
		}
		off += 24 + tl;
	}
	return off;
}

static void ktgt_pr_exec_in(struct ktgt_cmd *cmd)
{
	struct ktgt_pr *pr = cmd->dev->pr;
	struct ktgt_pr_reg *r;
	u32 len, size;
	u8 *buf;

	mutex_lock(&pr->lock);
	switch (cmd->cdb[1] & 0x1f) {
	case KTGT_PRIN_READ_KEYS:
		size = 8 + 8 * pr->nr_regs;
		break;
	case KTGT_PRIN_READ_RESERVATION:
		size = 8 + 16;
		break;
	case KTGT_PRIN_REPORT_CAPABILITIES:
		size = 8;
		break;
	default:
		size = ktgt_pr_full_status(pr, NULL, 0);
		break;
	}
	buf = kvzalloc(size, GFP_NOIO);
	if (!buf) {
		mutex_unlock(&pr->lock);
		ktgt_cmd_complete(cmd, KTGT_SAM_BUSY);
		return;
	}
	put_unaligned_be32(pr->generation, &buf[0]);
	len = 8;
	switch (cmd->cdb[1] & 0x1f) {
	case KTGT_PRIN_READ_KEYS:
		list_for_each_entry(r, &pr->regs, node) {
			put_unaligned_be64(r->key, &buf[len]);
			len += 8;
		}
		break;
	case KTGT_PRIN_READ_RESERVATION:
		if (pr->holder) {
			/* All Registrants: the key is zero */
			if (!ktgt_pr_type_all_reg(pr->type))
				put_unaligned_be64(pr->holder->key, &buf[8]);
			buf[21] = pr->scope << 4 | pr->type;
			len += 16;
		}
		break;
	case KTGT_PRIN_REPORT_CAPABILITIES:
		put_unaligned_be16(8, &buf[0]);
		buf[2] = 0x08 | 0x04 | 0x01;	/* SIP_C, ATP_C, PTPL_C */
		buf[3] = 0x80 | 0x10;		/* TMV, ALLOW COMMANDS 001b */
		if (pr->aptpl)
			buf[3] |= 0x01;		/* PTPL_A */
		/* WR_EX_AR, EX_AC_RO, WR_EX_RO, EX_AC, WR_EX; EX_AC_AR */
		buf[4] = 0x80 | 0x40 | 0x20 | 0x08 | 0x02;
		buf[5] = 0x01;
		mutex_unlock(&pr->lock);
		ktgt_cmd_respond(cmd, buf, 8);
		kvfree(buf);
		return;
	default:
		len = ktgt_pr_full_status(pr, buf, size);
		break;
	}
	mutex_unlock(&pr->lock);
	put_unaligned_be32(len - 8, &buf[4]);
	ktgt_cmd_respond(cmd, buf, len);
	kvfree(buf);
}

int ktgt_pr_parse_in(struct ktgt_cmd *cmd)
{
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_READ,
				     get_unaligned_be16(&cmd->cdb[7]),
				     ktgt_pr_exec_in);
}

/* ------------------------------------------------------------------ */
/* Text form for configfs (backstores/<type>/<name>/pr_state)           */

/*
 * Print the state into @buf of KTGT_PR_STATE_MAX + 1 bytes: one "key value"
 * line each for aptpl, generation, type and scope, then a "reg" line per
 * registration.  Returns its length (at most KTGT_PR_STATE_MAX: every line
 * is bounded, see KTGT_PR_STATE_LINE_MAX).
 */
static size_t ktgt_pr_state_print(struct ktgt_pr *pr, char *buf)
{
	const size_t size = KTGT_PR_STATE_MAX + 1;
	struct ktgt_pr_reg *r;
	size_t n;

	mutex_lock(&pr->lock);
	n = scnprintf(buf, size,
		      "aptpl %d\ngeneration %u\ntype %u\nscope %u\n",
		      pr->aptpl, pr->generation, pr->type, pr->scope);
	list_for_each_entry(r, &pr->regs, node) {
		char isid[20] = "";

		if (r->has_isid)
			snprintf(isid, sizeof(isid), KTGT_PR_ISID_SEP "%6phN",
				 r->isid);
		n += scnprintf(buf + n, size - n,
			       "reg key=0x%016llx holder=%d all_tg_pt=%d tpgt=%u initiator=%s%s target=%s\n",
			       r->key, pr->holder == r, r->all_tg_pt, r->rtpi,
			       r->iname, isid, r->tname[0] ? r->tname : "-");
	}
	mutex_unlock(&pr->lock);
	return n;
}

/**
 * ktgt_pr_state_read() - the persistent reservation state as text
 * @dev: the backstore
 * @buf: NULL to get the length, else where to print it
 * @size: the size of @buf
 *
 * configfs reads a binary attribute in two calls: the first (@buf NULL)
 * sizes the buffer, the second fills all of it.  Should a PERSISTENT
 * RESERVE OUT in between have shortened the text, newlines (blank lines,
 * which ktgt_pr_state_write() skips) fill the rest; -EAGAIN if it grew.
 *
 * Return: the length of the text, @size, or -errno.
 */
ssize_t ktgt_pr_state_read(struct ktgt_dev *dev, void *buf, size_t size)
{
	char *text = kvmalloc(KTGT_PR_STATE_MAX + 1, GFP_KERNEL);
	ssize_t ret;
	size_t n;

	if (!text)
		return -ENOMEM;
	n = ktgt_pr_state_print(dev->pr, text);
	if (!buf) {
		ret = n;
	} else if (n > size) {
		ret = -EAGAIN;
	} else {
		memcpy(buf, text, n);
		memset((char *)buf + n, '\n', size - n);
		ret = size;
	}
	kvfree(text);
	return ret;
}

static int ktgt_pr_parse_reg(char *line, struct ktgt_pr_reg *reg,
			     bool *holder)
{
	char *tok, *val, *sep;
	unsigned int v;
	int seen = 0;

	while ((tok = strsep(&line, " \t")) != NULL) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = 0;
		if (!strcmp(tok, "key")) {
			if (kstrtou64(val, 0, &reg->key) || !reg->key)
				return -EINVAL;
			seen |= 1;
		} else if (!strcmp(tok, "holder")) {
			if (kstrtobool(val, holder))
				return -EINVAL;
		} else if (!strcmp(tok, "all_tg_pt")) {
			if (kstrtobool(val, &reg->all_tg_pt))
				return -EINVAL;
		} else if (!strcmp(tok, "tpgt")) {
			if (kstrtouint(val, 0, &v) || v > 0xffff)
				return -EINVAL;
			reg->rtpi = v;
		} else if (!strcmp(tok, "initiator")) {
			sep = strstr(val, KTGT_PR_ISID_SEP);
			if (sep) {
				*sep = 0;
				if (ktgt_pr_isid_parse(sep + 5, reg->isid))
					return -EINVAL;
				reg->has_isid = true;
			}
			if (!*val || strscpy(reg->iname, val,
					     sizeof(reg->iname)) < 0)
				return -EINVAL;
			ktgt_pr_lower(reg->iname);
			seen |= 2;
		} else if (!strcmp(tok, "target")) {
			if (strcmp(val, "-") &&
			    strscpy(reg->tname, val, sizeof(reg->tname)) < 0)
				return -EINVAL;
		} else {
			return -EINVAL;
		}
	}
	return seen == 3 ? 0 : -EINVAL;
}

/* The state a pr_state text describes, before it is applied. */
struct ktgt_pr_state {
	struct list_head regs;
	struct ktgt_pr_reg *holder;
	u32 nr;
	unsigned int aptpl, generation, type, scope;
};

/* One line of a pr_state text; NULL or why it is refused. */
static const char *ktgt_pr_state_line(struct ktgt_pr_state *st, char *line)
{
	struct ktgt_pr_reg *reg;
	char *val;
	bool h = false;

	val = strchr(line, ' ');
	if (!val)
		return "no value";
	*val++ = 0;
	val = skip_spaces(val);
	if (!strcmp(line, "reg")) {
		if (st->nr >= KTGT_PR_MAX_REGS)
			return "more than " __stringify(KTGT_PR_MAX_REGS) " registrations";
		reg = kzalloc(sizeof(*reg), GFP_KERNEL);
		if (!reg)
			return "out of memory";
		list_add_tail(&reg->node, &st->regs);
		st->nr++;
		if (ktgt_pr_parse_reg(val, reg, &h))
			return "invalid registration";
		if (h) {
			if (st->holder)
				return "a second holder";
			st->holder = reg;
		}
	} else if (!strcmp(line, "aptpl")) {
		if (kstrtouint(val, 0, &st->aptpl) || st->aptpl > 1)
			return "invalid aptpl";
	} else if (!strcmp(line, "generation")) {
		if (kstrtouint(val, 0, &st->generation))
			return "invalid generation";
	} else if (!strcmp(line, "type")) {
		if (kstrtouint(val, 0, &st->type) ||
		    (st->type && !ktgt_pr_type_valid(st->type)))
			return "invalid type";
	} else if (!strcmp(line, "scope")) {
		if (kstrtouint(val, 0, &st->scope) || st->scope)
			return "invalid scope";
	} else {
		return "unknown keyword";
	}
	return NULL;
}

/*
 * Parse @text (NUL-terminated, changed) into @st, then apply it unless the
 * backstore has registrations.  Returns 0 or -errno with *@why (and
 * *@lineno when a line is at fault) saying why.
 */
static int ktgt_pr_state_apply(struct ktgt_pr *pr, struct ktgt_pr_state *st,
			       char *text, const char **why,
			       unsigned int *lineno)
{
	bool blank = true;
	char *line;

	while ((line = strsep(&text, "\n")) != NULL) {
		++*lineno;
		line = strim(line);
		if (!*line)
			continue;
		blank = false;
		*why = ktgt_pr_state_line(st, line);
		if (*why)
			return -EINVAL;
	}
	*lineno = 0;
	if (blank) {
		*why = "empty";
		return -EINVAL;
	}
	/* a reservation needs its holder, and the holder a reservation */
	if (st->type && !st->holder) {
		*why = "a reservation type without a holder";
		return -EINVAL;
	}
	if (!st->type && st->holder) {
		*why = "a holder without a reservation type";
		return -EINVAL;
	}

	mutex_lock(&pr->lock);
	if (pr->nr_regs) {
		mutex_unlock(&pr->lock);
		*why = "the backstore has registrations";
		return -EBUSY;
	}
	list_splice_tail_init(&st->regs, &pr->regs);
	pr->nr_regs = st->nr;
	WRITE_ONCE(pr->active, st->nr != 0);
	pr->aptpl = st->aptpl;
	pr->generation = st->generation;
	pr->holder = st->holder;
	pr->type = st->type;
	pr->scope = st->scope;
	mutex_unlock(&pr->lock);
	return 0;
}

/**
 * ktgt_pr_state_write() - restore the state ktgt_pr_state_read() printed
 * @dev: the backstore
 * @buf: text in the form ktgt_pr_state_read() prints
 * @count: its length
 *
 * Only while nobody is registered (-EBUSY otherwise): this is for
 * restoring APTPL state after a reboot, not for changing live state.
 * configfs calls this when the writer closes the file and drops the
 * result, so a refusal is also logged: the writer learns of it by reading
 * pr_state back.
 *
 * Return: @count, or -errno (nothing changed).
 */
ssize_t ktgt_pr_state_write(struct ktgt_dev *dev, const void *buf,
			    size_t count)
{
	struct ktgt_pr_state st = { .regs = LIST_HEAD_INIT(st.regs) };
	struct ktgt_pr_reg *reg, *tmp;
	const char *why = NULL;
	unsigned int lineno = 0;
	char *text = NULL;
	int ret = -EINVAL;

	if (!count) {
		why = "empty";
	} else if (count > KTGT_PR_STATE_MAX) {
		why = "longer than any valid state";
		ret = -EFBIG;
	} else if (memchr(buf, 0, count)) {
		why = "a NUL byte";
	} else {
		text = kvmalloc(count + 1, GFP_KERNEL);
		if (text) {
			memcpy(text, buf, count);
			text[count] = 0;
			ret = ktgt_pr_state_apply(dev->pr, &st, text, &why,
						  &lineno);
		} else {
			why = "out of memory";
			ret = -ENOMEM;
		}
	}
	list_for_each_entry_safe(reg, tmp, &st.regs, node)
		kfree(reg);
	kvfree(text);
	if (!ret)
		return count;
	if (lineno)
		pr_warn("backstore %s/%s: pr_state refused, nothing restored: line %u: %s\n",
			dev->ops->name, dev->name, lineno, why);
	else
		pr_warn("backstore %s/%s: pr_state refused, nothing restored: %s\n",
			dev->ops->name, dev->name, why);
	return ret;
}
