// SPDX-License-Identifier: GPL-2.0
/*
 * Network portals: tpgt_N/np/<IPv4>:<port> and tpgt_N/np/[<IPv6>]:<port>.
 *
 * mkdir opens (or shares) the listening socket for the address, rmdir
 * releases it; the socket closes when its last portal goes.  Connections
 * already accepted are not affected by a portal's removal, but new logins
 * through that listener no longer find this TPG.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/configfs.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/slab.h>

#include "ktgt_cfs.h"

static inline struct ktgt_portal *to_ktgt_portal(struct config_item *item)
{
	return container_of(to_config_group(item), struct ktgt_portal, group);
}

static void ktgt_portal_release(struct config_item *item)
{
	kfree(to_ktgt_portal(item));
}

static struct configfs_item_operations ktgt_portal_item_ops = {
	.release	= ktgt_portal_release,
};

static const struct config_item_type ktgt_portal_type = {
	.ct_item_ops	= &ktgt_portal_item_ops,
	.ct_owner	= THIS_MODULE,
};

/*
 * A network portal belongs to one portal group of a target (RFC 7143 4.4):
 * is @addr a portal of any TPG of @tgt already?
 */
static bool ktgt_target_has_portal(struct ktgt_target *tgt,
				   const struct sockaddr_storage *addr)
{
	struct ktgt_portal *p;
	struct ktgt_tpg *tpg;

	lockdep_assert_held(&ktgt_cfg_mutex);
	list_for_each_entry(tpg, &tgt->tpgs, node)
		list_for_each_entry(p, &tpg->portals, node)
			if (ktgt_sockaddr_equal(&p->addr, addr))
				return true;
	return false;
}

/*
 * mkdir np/<addr>:<port>: -EINVAL for a malformed address, -EEXIST when a
 * TPG of the same target already has this address (possibly spelt
 * differently), else the error of opening the listening socket
 * (socket/bind/listen, e.g. -EADDRINUSE, -EADDRNOTAVAIL, -EAFNOSUPPORT).
 * TPGs of different targets share the listener of an address.
 */
static struct config_group *ktgt_portal_make_group(struct config_group *group,
						   const char *name)
{
	struct ktgt_tpg *tpg = container_of(group, struct ktgt_tpg, np_group);
	struct ktgt_portal *portal;
	int ret;

	portal = kzalloc(sizeof(*portal), GFP_KERNEL);
	if (!portal)
		return ERR_PTR(-ENOMEM);
	ret = ktgt_parse_portal_addr(name, &portal->addr);
	if (ret)
		goto err_free;
	portal->tpg = tpg;

	mutex_lock(&ktgt_cfg_mutex);
	if (ktgt_target_has_portal(tpg->tgt, &portal->addr))
		ret = -EEXIST;
	mutex_unlock(&ktgt_cfg_mutex);
	if (ret)
		goto err_free;

	/* not under ktgt_cfg_mutex: see the locking order in ktgt_cfs.h */
	ret = ktgt_listener_get(&portal->addr, &portal->listener);
	if (ret)
		goto err_free;

	/*
	 * Recheck (cheap): make_group calls are serialised by the configfs
	 * subsystem mutex today, but the rule should not depend on it.
	 */
	mutex_lock(&ktgt_cfg_mutex);
	if (ktgt_target_has_portal(tpg->tgt, &portal->addr))
		ret = -EEXIST;
	else
		list_add_tail(&portal->node, &tpg->portals);
	mutex_unlock(&ktgt_cfg_mutex);
	if (ret)
		goto err_put;

	config_group_init_type_name(&portal->group, name, &ktgt_portal_type);
	return &portal->group;

err_put:
	ktgt_listener_put(portal->listener);
err_free:
	kfree(portal);
	return ERR_PTR(ret);
}

static void ktgt_portal_drop_item(struct config_group *group,
				  struct config_item *item)
{
	struct ktgt_portal *portal = to_ktgt_portal(item);

	mutex_lock(&ktgt_cfg_mutex);
	list_del_init(&portal->node);
	mutex_unlock(&ktgt_cfg_mutex);

	ktgt_listener_put(portal->listener);
	portal->listener = NULL;
	config_item_put(item);
}

static void ktgt_np_group_release(struct config_item *item)
{
	struct ktgt_tpg *tpg = container_of(to_config_group(item),
					    struct ktgt_tpg, np_group);

	config_group_put(&tpg->group);
}

static struct configfs_item_operations ktgt_np_group_item_ops = {
	.release	= ktgt_np_group_release,
};

static struct configfs_group_operations ktgt_np_group_group_ops = {
	.make_group	= ktgt_portal_make_group,
	.drop_item	= ktgt_portal_drop_item,
};

const struct config_item_type ktgt_np_group_type = {
	.ct_item_ops	= &ktgt_np_group_item_ops,
	.ct_group_ops	= &ktgt_np_group_group_ops,
	.ct_owner	= THIS_MODULE,
};
