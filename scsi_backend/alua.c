// SPDX-License-Identifier: GPL-2.0
/*
 * ALUA (SPC-4 5.16): target port groups of a backstore, the access-state
 * check of every command, REPORT TARGET PORT GROUPS and SET TARGET PORT
 * GROUPS.  See ktgt_alua.h for the model.
 *
 * Locking: alua->lock (a mutex) guards the group list, the port list and
 * every change of a group or of a port's group.  The data path reads
 * port->gp under RCU and the group's state with READ_ONCE(); a removed
 * group is freed after a grace period (configfs/alua.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ktgt_scsi_int.h"
#include "ktgt_alua.h"

#define KTGT_ASC_ALUA_TRANSITION	0x040a
#define KTGT_ASC_ALUA_STANDBY		0x040b
#define KTGT_ASC_ALUA_UNAVAILABLE	0x040c
#define KTGT_ASC_ALUA_STATE_CHANGED	0x2a06

static const struct {
	u8 state;
	u8 sup;
	const char *name;
} ktgt_alua_states[] = {
	{ KTGT_ALUA_AO, KTGT_ALUA_SUP_AO, "active/optimized" },
	{ KTGT_ALUA_AN, KTGT_ALUA_SUP_AN, "active/non-optimized" },
	{ KTGT_ALUA_STANDBY, KTGT_ALUA_SUP_S, "standby" },
	{ KTGT_ALUA_UNAVAILABLE, KTGT_ALUA_SUP_U, "unavailable" },
	{ KTGT_ALUA_OFFLINE, KTGT_ALUA_SUP_O, "offline" },
	{ KTGT_ALUA_TRANSITIONING, KTGT_ALUA_SUP_T, "transitioning" },
};

const char *ktgt_alua_state_name(u8 state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ktgt_alua_states); i++)
		if (ktgt_alua_states[i].state == state)
			return ktgt_alua_states[i].name;
	return "unknown";
}

static u8 ktgt_alua_state_sup(u8 state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ktgt_alua_states); i++)
		if (ktgt_alua_states[i].state == state)
			return ktgt_alua_states[i].sup;
	return 0;
}

/* A state name or its code in decimal or 0x hex (e.g. "standby", "2"). */
int ktgt_alua_parse_state(const char *s, u8 *state)
{
	unsigned int i;
	u8 v;

	for (i = 0; i < ARRAY_SIZE(ktgt_alua_states); i++) {
		if (!strcmp(s, ktgt_alua_states[i].name)) {
			*state = ktgt_alua_states[i].state;
			return 0;
		}
	}
	if (kstrtou8(s, 0, &v) || !ktgt_alua_state_sup(v))
		return -EINVAL;
	*state = v;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Objects                                                              */

void ktgt_alua_gp_init(struct ktgt_alua *alua, struct ktgt_alua_tg_pt_gp *gp)
{
	gp->alua = alua;
	INIT_LIST_HEAD(&gp->node);
	gp->state = KTGT_ALUA_AO;
	gp->status = KTGT_ALUA_STATUS_NONE;
	gp->supported = KTGT_ALUA_SUP_ALL;
	gp->access_type = KTGT_ALUA_IMPLICIT | KTGT_ALUA_EXPLICIT;
}

int ktgt_alua_dev_init(struct ktgt_dev *dev)
{
	struct ktgt_alua *alua = kzalloc(sizeof(*alua), GFP_KERNEL);

	if (!alua)
		return -ENOMEM;
	alua->dev = dev;
	mutex_init(&alua->lock);
	INIT_LIST_HEAD(&alua->gps);
	INIT_LIST_HEAD(&alua->ports);
	ktgt_alua_gp_init(alua, &alua->default_gp);
	alua->default_gp.is_default = true;
	alua->default_gp.id = KTGT_ALUA_DEFAULT_GP_ID;
	list_add(&alua->default_gp.node, &alua->gps);
	dev->alua = alua;
	return 0;
}

/* The last LUN is gone (it held a reference): no port is attached. */
void ktgt_alua_dev_free(struct ktgt_dev *dev)
{
	struct ktgt_alua *alua = dev->alua;

	if (!alua)
		return;
	WARN_ON(!list_empty(&alua->ports));
	mutex_destroy(&alua->lock);
	kfree(alua);
	dev->alua = NULL;
}

static struct ktgt_alua_tg_pt_gp *ktgt_alua_gp_by_id(struct ktgt_alua *alua,
						     u16 id)
{
	struct ktgt_alua_tg_pt_gp *gp;

	lockdep_assert_held(&alua->lock);
	list_for_each_entry(gp, &alua->gps, node)
		if (gp->id == id)
			return gp;
	return NULL;
}

int ktgt_alua_gp_add(struct ktgt_alua *alua, struct ktgt_alua_tg_pt_gp *gp)
{
	u32 id;
	int ret = -ENOSPC;

	mutex_lock(&alua->lock);
	for (id = 1; id <= 0xffff; id++) {
		if (!ktgt_alua_gp_by_id(alua, id)) {
			gp->id = id;
			list_add_tail(&gp->node, &alua->gps);
			ret = 0;
			break;
		}
	}
	mutex_unlock(&alua->lock);
	return ret;
}

/*
 * Establish ASYMMETRIC ACCESS STATE CHANGED (2Ah/06h) for the I_T nexuses
 * reaching the ports of @gp (all but @except, the nexus of a SET TARGET
 * PORT GROUPS): every I_T nexus of the LU, as the access state of each
 * port is part of what REPORT TARGET PORT GROUPS tells all of them.
 */
static void ktgt_alua_ua_state_changed(struct ktgt_alua_tg_pt_gp *gp,
				       const struct ktgt_nexus *except)
{
	lockdep_assert_held(&gp->alua->lock);
	pr_debug("%s: target port group %u is now %s\n", gp->alua->dev->name,
		 gp->id, ktgt_alua_state_name(gp->state));
	ktgt_ua_raise_others(gp->alua->dev, except, KTGT_UA_ALUA_STATE_CHANGED);
}

static void ktgt_alua_port_move(struct ktgt_alua_port *port,
				struct ktgt_alua_tg_pt_gp *to)
{
	struct ktgt_alua_tg_pt_gp *from;

	from = rcu_dereference_protected(port->gp,
					 lockdep_is_held(&to->alua->lock));
	rcu_assign_pointer(port->gp, to);
	if (from && from->state != to->state)
		ktgt_alua_ua_state_changed(to, NULL);
}

void ktgt_alua_gp_remove(struct ktgt_alua_tg_pt_gp *gp)
{
	struct ktgt_alua *alua = gp->alua;
	struct ktgt_alua_port *port;

	mutex_lock(&alua->lock);
	list_for_each_entry(port, &alua->ports, node)
		if (rcu_access_pointer(port->gp) == gp)
			ktgt_alua_port_move(port, &alua->default_gp);
	list_del_init(&gp->node);
	mutex_unlock(&alua->lock);
}

int ktgt_alua_gp_set_id(struct ktgt_alua_tg_pt_gp *gp, u16 id)
{
	struct ktgt_alua *alua = gp->alua;
	struct ktgt_alua_tg_pt_gp *other;
	int ret = 0;

	if (gp->is_default)
		return -EPERM;
	if (!id)
		return -EINVAL;
	mutex_lock(&alua->lock);
	other = ktgt_alua_gp_by_id(alua, id);
	if (other && other != gp)
		ret = -EEXIST;
	else
		gp->id = id;
	mutex_unlock(&alua->lock);
	return ret;
}

static void ktgt_alua_gp_change(struct ktgt_alua_tg_pt_gp *gp, u8 state,
				u8 status, const struct ktgt_nexus *except)
{
	lockdep_assert_held(&gp->alua->lock);
	if (gp->state == state)
		return;
	WRITE_ONCE(gp->state, state);
	gp->status = status;
	ktgt_alua_ua_state_changed(gp, except);
}

int ktgt_alua_gp_set_state(struct ktgt_alua_tg_pt_gp *gp, u8 state)
{
	int ret = 0;

	mutex_lock(&gp->alua->lock);
	if (!(gp->supported & ktgt_alua_state_sup(state)))
		ret = -EINVAL;
	else
		ktgt_alua_gp_change(gp, state, KTGT_ALUA_STATUS_IMPLICIT, NULL);
	mutex_unlock(&gp->alua->lock);
	return ret;
}

/* A state the group is in cannot stop being supported (-EBUSY). */
int ktgt_alua_gp_set_supported(struct ktgt_alua_tg_pt_gp *gp, u8 bit, bool on)
{
	int ret = 0;

	mutex_lock(&gp->alua->lock);
	if (on)
		gp->supported |= bit;
	else if (ktgt_alua_state_sup(gp->state) == bit)
		ret = -EBUSY;
	else
		gp->supported &= ~bit;
	mutex_unlock(&gp->alua->lock);
	return ret;
}

int ktgt_alua_gp_set_access_type(struct ktgt_alua_tg_pt_gp *gp, u8 type)
{
	if (!type || type > (KTGT_ALUA_IMPLICIT | KTGT_ALUA_EXPLICIT))
		return -EINVAL;
	mutex_lock(&gp->alua->lock);
	WRITE_ONCE(gp->access_type, type);
	mutex_unlock(&gp->alua->lock);
	return 0;
}

void ktgt_alua_gp_set_pref(struct ktgt_alua_tg_pt_gp *gp, bool pref)
{
	mutex_lock(&gp->alua->lock);
	gp->pref = pref;
	mutex_unlock(&gp->alua->lock);
}

void ktgt_alua_port_attach(struct ktgt_dev *dev, struct ktgt_alua_port *port,
			   u16 rel_port_id)
{
	struct ktgt_alua *alua = dev->alua;

	mutex_lock(&alua->lock);
	port->rel_port_id = rel_port_id;
	rcu_assign_pointer(port->gp, &alua->default_gp);
	list_add_tail(&port->node, &alua->ports);
	port->attached = true;
	mutex_unlock(&alua->lock);
}

/* After the LUN has drained: no command looks at the port any more. */
void ktgt_alua_port_detach(struct ktgt_dev *dev, struct ktgt_alua_port *port)
{
	struct ktgt_alua *alua = dev->alua;

	mutex_lock(&alua->lock);
	if (port->attached) {
		list_del_init(&port->node);
		RCU_INIT_POINTER(port->gp, NULL);
		port->attached = false;
	}
	mutex_unlock(&alua->lock);
}

int ktgt_alua_port_set_gp(struct ktgt_dev *dev, struct ktgt_alua_port *port,
			  const char *name)
{
	struct ktgt_alua *alua = dev->alua;
	struct ktgt_alua_tg_pt_gp *gp;
	int ret = -ENOENT;

	mutex_lock(&alua->lock);
	if (!port->attached) {
		ret = -ENODEV;
		goto out;
	}
	list_for_each_entry(gp, &alua->gps, node) {
		if (!strcmp(config_item_name(&gp->group.cg_item), name)) {
			ktgt_alua_port_move(port, gp);
			ret = 0;
			break;
		}
	}
out:
	mutex_unlock(&alua->lock);
	return ret;
}

void ktgt_alua_port_gp_name(struct ktgt_dev *dev, struct ktgt_alua_port *port,
			    char *buf, size_t size)
{
	struct ktgt_alua *alua = dev->alua;
	struct ktgt_alua_tg_pt_gp *gp;

	mutex_lock(&alua->lock);
	gp = rcu_dereference_protected(port->gp, lockdep_is_held(&alua->lock));
	strscpy(buf, gp && port->attached ?
		config_item_name(&gp->group.cg_item) : "", size);
	mutex_unlock(&alua->lock);
}

/* ------------------------------------------------------------------ */
/* The data path                                                        */

/* Read the group of the command's port; the default when there is none. */
static void ktgt_alua_cmd_gp(const struct ktgt_cmd *cmd, u8 *state, u8 *type,
			     u16 *id)
{
	struct ktgt_alua_tg_pt_gp *gp = NULL;

	*state = KTGT_ALUA_AO;
	*type = KTGT_ALUA_IMPLICIT | KTGT_ALUA_EXPLICIT;
	*id = KTGT_ALUA_DEFAULT_GP_ID;
	if (!cmd->alua_port)
		return;
	rcu_read_lock();
	gp = rcu_dereference(cmd->alua_port->gp);
	if (gp) {
		*state = READ_ONCE(gp->state);
		*type = READ_ONCE(gp->access_type);
		*id = READ_ONCE(gp->id);
	}
	rcu_read_unlock();
}

/* INQUIRY byte 5: the TPGS field of the port's group. */
u8 ktgt_alua_tpgs(const struct ktgt_cmd *cmd)
{
	u8 state, type;
	u16 id;

	if (!cmd->dev)
		return 0;
	ktgt_alua_cmd_gp(cmd, &state, &type, &id);
	return type << 4;
}

/* VPD 83h: the target port group designator. */
u16 ktgt_alua_group_id(const struct ktgt_cmd *cmd)
{
	u8 state, type;
	u16 id;

	ktgt_alua_cmd_gp(cmd, &state, &type, &id);
	return id;
}

/* SET TARGET PORT GROUPS exists when the port's group allows explicit. */
bool ktgt_alua_explicit(const struct ktgt_cmd *cmd)
{
	u8 state, type;
	u16 id;

	ktgt_alua_cmd_gp(cmd, &state, &type, &id);
	return type & KTGT_ALUA_EXPLICIT;
}

enum {
	KTGT_ALUA_OK_ALL = 0x1,		/* all inaccessible states */
	KTGT_ALUA_OK_STANDBY = 0x2,
	KTGT_ALUA_OK_UNAVAIL = 0x4,
};

/*
 * Commands a port in a standby, unavailable, offline or transitioning
 * group still accepts (SPC-4 5.16.2.4); everything else gets NOT READY.
 */
static unsigned int ktgt_alua_allowed(const u8 *cdb)
{
	u8 sa = cdb[1] & 0x1f;

	switch (cdb[0]) {
	case KTGT_OP_INQUIRY:
	case KTGT_OP_REPORT_LUNS:
	case KTGT_OP_REQUEST_SENSE:
		return KTGT_ALUA_OK_ALL;
	case KTGT_OP_MAINTENANCE_IN:
		if (sa == KTGT_MI_REPORT_TPGS || sa == KTGT_MI_REPORT_OPCODES ||
		    sa == KTGT_MI_REPORT_TMFS)
			return KTGT_ALUA_OK_ALL;
		return 0;
	case KTGT_OP_MAINTENANCE_OUT:
		if (sa == KTGT_MO_SET_TPGS)
			return KTGT_ALUA_OK_STANDBY | KTGT_ALUA_OK_UNAVAIL;
		return 0;
	case KTGT_OP_MODE_SENSE_6:
	case KTGT_OP_MODE_SENSE_10:
	case KTGT_OP_MODE_SELECT_6:
	case KTGT_OP_MODE_SELECT_10:
	case 0x1c:	/* RECEIVE DIAGNOSTIC RESULTS */
	case KTGT_OP_SEND_DIAGNOSTIC:
	case 0x4c:	/* LOG SELECT */
	case 0x4d:	/* LOG SENSE */
	case 0x5e:	/* PERSISTENT RESERVE IN */
	case 0x5f:	/* PERSISTENT RESERVE OUT */
		return KTGT_ALUA_OK_STANDBY;
	/*
	 * The capacity through a standby port, as LIO and SCST also allow:
	 * an initiator that finds a path in standby (Linux sd probing it)
	 * must size it, or the path is unusable once the group turns active
	 * (I/O "beyond the end of the device" of capacity 0).
	 */
	case KTGT_OP_READ_CAPACITY_10:
		return KTGT_ALUA_OK_STANDBY;
	case KTGT_OP_SERVICE_ACTION_IN_16:
		return sa == KTGT_SAI_READ_CAPACITY_16 ? KTGT_ALUA_OK_STANDBY : 0;
	default:
		return 0;
	}
}

/**
 * ktgt_alua_check() - may the command's port run it in its group's state?
 * @cmd: a command to a LU, before its own parse
 *
 * Return: 0, or -EINVAL with CHECK CONDITION, NOT READY and the ASC/ASCQ
 * of the state set (standby 04h/0Bh, unavailable and offline 04h/0Ch,
 * transitioning 04h/0Ah).
 */
int ktgt_alua_check(struct ktgt_cmd *cmd)
{
	unsigned int ok;
	u16 asc, id;
	u8 state, type;

	ktgt_alua_cmd_gp(cmd, &state, &type, &id);
	if (state == KTGT_ALUA_AO || state == KTGT_ALUA_AN)
		return 0;
	ok = ktgt_alua_allowed(cmd->cdb);
	if (ok & KTGT_ALUA_OK_ALL)
		return 0;
	switch (state) {
	case KTGT_ALUA_STANDBY:
		if (ok & KTGT_ALUA_OK_STANDBY)
			return 0;
		asc = KTGT_ASC_ALUA_STANDBY;
		break;
	case KTGT_ALUA_UNAVAILABLE:
		if (ok & KTGT_ALUA_OK_UNAVAIL)
			return 0;
		asc = KTGT_ASC_ALUA_UNAVAILABLE;
		break;
	case KTGT_ALUA_OFFLINE:
		asc = KTGT_ASC_ALUA_UNAVAILABLE;
		break;
	default:
		asc = KTGT_ASC_ALUA_TRANSITION;
		break;
	}
	return ktgt_cmd_parse_err(cmd, KTGT_SK_NOT_READY, asc);
}

/* ------------------------------------------------------------------ */
/* REPORT TARGET PORT GROUPS                                            */

static bool ktgt_alua_seen(struct ktgt_alua *alua, struct ktgt_alua_port *upto,
			   struct ktgt_alua_tg_pt_gp *gp, u16 rel)
{
	struct ktgt_alua_port *p;

	list_for_each_entry(p, &alua->ports, node) {
		if (p == upto)
			return false;
		if (rcu_access_pointer(p->gp) == gp && p->rel_port_id == rel)
			return true;
	}
	return false;
}

static void ktgt_alua_exec_rtpg(struct ktgt_cmd *cmd)
{
	struct ktgt_alua *alua = cmd->dev->alua;
	bool ext = (cmd->cdb[1] >> 5) == 1;
	u32 hdr = ext ? 8 : 4, len, off, nr_gps = 0, nr_ports = 0;
	struct ktgt_alua_tg_pt_gp *gp;
	struct ktgt_alua_port *port;
	u8 *buf;

	mutex_lock(&alua->lock);
	list_for_each_entry(gp, &alua->gps, node)
		nr_gps++;
	list_for_each_entry(port, &alua->ports, node)
		nr_ports++;
	len = hdr + 8 * nr_gps + 4 * nr_ports;
	buf = kzalloc(len, GFP_NOIO);
	if (!buf) {
		mutex_unlock(&alua->lock);
		ktgt_cmd_complete(cmd, KTGT_SAM_BUSY);
		return;
	}

	off = hdr;
	list_for_each_entry(gp, &alua->gps, node) {
		u8 *d = &buf[off];
		u32 n = 0;

		d[0] = (gp->pref ? 0x80 : 0) | gp->state;
		d[1] = gp->supported;
		put_unaligned_be16(gp->id, &d[2]);
		d[5] = gp->status;
		off += 8;
		list_for_each_entry(port, &alua->ports, node) {
			if (rcu_access_pointer(port->gp) != gp || n == 255 ||
			    ktgt_alua_seen(alua, port, gp, port->rel_port_id))
				continue;
			put_unaligned_be16(port->rel_port_id, &buf[off + 2]);
			off += 4;
			n++;
		}
		d[7] = n;
	}
	mutex_unlock(&alua->lock);

	put_unaligned_be32(off - 4, &buf[0]);
	if (ext) {
		buf[4] = 0x10;		/* format type 001b */
		buf[5] = 0;		/* implicit transition time: none */
	}
	ktgt_cmd_respond(cmd, buf, off);
	kfree(buf);
}

int ktgt_alua_parse_rtpg(struct ktgt_cmd *cmd)
{
	u8 fmt = cmd->cdb[1] >> 5;

	if (fmt > 1)
		return ktgt_cmd_parse_invalid_cdb(cmd, 1, 7);
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_READ,
				     get_unaligned_be32(&cmd->cdb[6]),
				     ktgt_alua_exec_rtpg);
}

/* ------------------------------------------------------------------ */
/* SET TARGET PORT GROUPS                                               */

static void ktgt_alua_exec_stpg(struct ktgt_cmd *cmd)
{
	struct ktgt_alua *alua = cmd->dev->alua;
	struct ktgt_alua_tg_pt_gp *gp;
	u32 len, off, bad = 0;	/* bad: offending byte + 1 */
	int bit = 0;
	u8 *p;

	if (ktgt_cmd_read_params(cmd, (void **)&p, &len))
		return;
	if (len < 4) {
		kfree(p);
		ktgt_cmd_good(cmd);
		return;
	}
	if ((len - 4) % 4) {
		kfree(p);
		ktgt_cmd_complete_sense(cmd, KTGT_SK_ILLEGAL_REQUEST, 0x1a, 0x00);
		return;
	}

	mutex_lock(&alua->lock);
	/* check every descriptor before changing anything */
	for (off = 4; off < len && !bad; off += 4) {
		u8 state = p[off] & 0x0f;

		gp = ktgt_alua_gp_by_id(alua, get_unaligned_be16(&p[off + 2]));
		if (p[off] & 0xf0) {
			bad = off + 1;
			bit = 7;
		} else if (!gp) {
			bad = off + 3;
			bit = 7;
		} else if (state > KTGT_ALUA_UNAVAILABLE ||
			   !(gp->supported & ktgt_alua_state_sup(state)) ||
			   !(gp->access_type & KTGT_ALUA_EXPLICIT)) {
			bad = off + 1;
			bit = 3;
		}
	}
	for (off = 4; off < len && !bad; off += 4) {
		gp = ktgt_alua_gp_by_id(alua, get_unaligned_be16(&p[off + 2]));
		ktgt_alua_gp_change(gp, p[off] & 0x0f,
				    KTGT_ALUA_STATUS_EXPLICIT, cmd->nexus);
	}
	mutex_unlock(&alua->lock);
	kfree(p);
	if (bad)
		ktgt_cmd_fail_invalid_param(cmd, bad - 1, bit);
	else
		ktgt_cmd_good(cmd);
}

int ktgt_alua_parse_stpg(struct ktgt_cmd *cmd)
{
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_WRITE,
				     get_unaligned_be32(&cmd->cdb[6]),
				     ktgt_alua_exec_stpg);
}
