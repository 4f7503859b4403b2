// SPDX-License-Identifier: GPL-2.0
/*
 * LUNs and ACLs:
 *
 *   tpgt_N/lun/lun_L/<link> -> backstores/<type>/<name>
 *   tpgt_N/acls/<initiator>/lun_M/<link> -> tpgt_N/lun/lun_L
 *   tpgt_N/acls/<initiator>/auth/
 *
 * A LUN's percpu_ref exists for the whole life of its directory, dead while
 * no backstore is linked.  Linking revives it and publishes the LUN in
 * tpg->luns[]; unlinking unpublishes it, waits for RCU readers, kills the
 * ref and waits until every command holding it has finished, and only then
 * drops the backstore reference.  Lookups through an ACL reach the LUN via
 * mlun->lun and rely on percpu_ref_tryget_live() failing while it is dead.
 *
 * configfs refuses to rmdir a directory that still holds a symlink
 * (ENOTEMPTY) or that a symlink points to (EBUSY), so a LUN is unlinked
 * before its rmdir and cannot be removed while an ACL maps it; the drop
 * paths below nevertheless clean up as if it could.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/configfs.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/percpu-refcount.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ktgt_cfs.h"

static inline struct ktgt_lun *to_ktgt_lun(struct config_item *item)
{
	return container_of(to_config_group(item), struct ktgt_lun, group);
}

static inline struct ktgt_acl *to_ktgt_acl(struct config_item *item)
{
	return container_of(to_config_group(item), struct ktgt_acl, group);
}

static inline struct ktgt_mapped_lun *to_ktgt_mlun(struct config_item *item)
{
	return container_of(to_config_group(item), struct ktgt_mapped_lun,
			    group);
}

/* ------------------------------------------------------------------ */
/* tpgt_N/lun/lun_L                                                    */

static void ktgt_lun_ref_release(struct percpu_ref *ref)
{
	struct ktgt_lun *lun = container_of(ref, struct ktgt_lun, ref);

	complete(&lun->drained);
}

/*
 * Make the LUN unreachable and wait for the commands using it; then drop
 * the backstore.  Serialised with ktgt_lun_allow_link() by the LUN
 * directory's inode lock (held by configfs around symlink/unlink/rmdir).
 */
static void ktgt_lun_unmap(struct ktgt_lun *lun)
{
	struct ktgt_dev *dev = lun->dev;

	if (!dev)
		return;

	mutex_lock(&ktgt_cfg_mutex);
	RCU_INIT_POINTER(lun->tpg->luns[lun->id], NULL);
	WRITE_ONCE(lun->live, false);
	mutex_unlock(&ktgt_cfg_mutex);
	synchronize_rcu();
	ktgt_tpg_luns_changed(lun->tpg, NULL, lun);

	percpu_ref_kill(&lun->ref);
	wait_for_completion(&lun->drained);
	ktgt_alua_port_detach(dev, &lun->alua_port);

	WRITE_ONCE(lun->dev, NULL);
	mutex_lock(&dev->lock);
	atomic_dec(&dev->nr_luns);
	mutex_unlock(&dev->lock);
	ktgt_dev_put(dev);
}

/*
 * ln -s backstores/<type>/<name> lun_L/<link>: the target must be a
 * backstore directory (else -EINVAL) that is enabled (else -ENODEV); a LUN
 * has one backstore (a second link: -EEXIST).
 */
static int ktgt_lun_allow_link(struct config_item *src,
			       struct config_item *target)
{
	struct ktgt_lun *lun = to_ktgt_lun(src);
	struct ktgt_tpg *tpg = lun->tpg;
	struct ktgt_dev *dev = ktgt_cfs_item_to_dev(target);

	if (!dev)
		return -EINVAL;
	if (lun->dev)
		return -EEXIST;

	/* ktgt_dev_disable() refuses while nr_luns != 0: check and count
	 * under the same lock.
	 */
	mutex_lock(&dev->lock);
	if (!dev->enabled) {
		mutex_unlock(&dev->lock);
		return -ENODEV;
	}
	atomic_inc(&dev->nr_luns);
	mutex_unlock(&dev->lock);
	ktgt_dev_get(dev);

	/* lun->dev must be visible to whoever gets a live reference */
	WRITE_ONCE(lun->dev, dev);
	reinit_completion(&lun->drained);
	percpu_ref_reinit(&lun->ref);
	ktgt_alua_port_attach(dev, &lun->alua_port, tpg->tpgt);

	mutex_lock(&ktgt_cfg_mutex);
	WRITE_ONCE(lun->live, true);
	rcu_assign_pointer(tpg->luns[lun->id], lun);
	mutex_unlock(&ktgt_cfg_mutex);
	ktgt_tpg_luns_changed(tpg, NULL, lun);
	return 0;
}

/* unlink lun_L/<link>: blocks until the LUN's commands have drained. */
static void ktgt_lun_drop_link(struct config_item *src,
			       struct config_item *target)
{
	ktgt_lun_unmap(to_ktgt_lun(src));
}

static void ktgt_lun_release(struct config_item *item)
{
	struct ktgt_lun *lun = to_ktgt_lun(item);

	percpu_ref_exit(&lun->ref);
	ktgt_lun_stats_free(lun);
	kfree(lun);
}

static struct configfs_item_operations ktgt_lun_item_ops = {
	.release	= ktgt_lun_release,
	.allow_link	= ktgt_lun_allow_link,
	.drop_link	= ktgt_lun_drop_link,
};

static const struct config_item_type ktgt_lun_type = {
	.ct_item_ops	= &ktgt_lun_item_ops,
	.ct_attrs	= ktgt_lun_alua_attrs,
	.ct_owner	= THIS_MODULE,
};

/* mkdir lun_L: L below KTGT_MAX_LUNS, canonical (else -EINVAL / -ERANGE) */
static struct config_group *ktgt_lun_make_group(struct config_group *group,
						const char *name)
{
	struct ktgt_tpg *tpg = container_of(group, struct ktgt_tpg, lun_group);
	struct ktgt_lun *lun;
	u32 id;
	int ret;

	ret = ktgt_cfs_parse_index(name, "lun_", 0, KTGT_MAX_LUNS - 1, &id);
	if (ret)
		return ERR_PTR(ret);

	lun = kzalloc(sizeof(*lun), GFP_KERNEL);
	if (!lun)
		return ERR_PTR(-ENOMEM);
	ret = percpu_ref_init(&lun->ref, ktgt_lun_ref_release,
			      PERCPU_REF_INIT_DEAD, GFP_KERNEL);
	if (ret)
		goto err_free;
	init_completion(&lun->drained);
	lun->tpg = tpg;
	lun->id = id;

	config_group_init_type_name(&lun->group, name, &ktgt_lun_type);
	ret = ktgt_lun_stats_init(lun);
	if (ret) {
		percpu_ref_exit(&lun->ref);
		goto err_free;
	}
	return &lun->group;

err_free:
	kfree(lun);
	return ERR_PTR(ret);
}

/* Clear every ACL mapping that still points at @lun. */
static void ktgt_lun_forget_mappings(struct ktgt_lun *lun)
{
	struct ktgt_tpg *tpg = lun->tpg;
	struct ktgt_mapped_lun *mlun;
	struct ktgt_acl *acl;
	bool found = false;
	int i;

	mutex_lock(&ktgt_cfg_mutex);
	list_for_each_entry(acl, &tpg->acls, node) {
		for (i = 0; i < KTGT_MAX_LUNS; i++) {
			mlun = rcu_dereference_protected(acl->mluns[i],
					lockdep_is_held(&ktgt_cfg_mutex));
			if (mlun && rcu_access_pointer(mlun->lun) == lun) {
				RCU_INIT_POINTER(mlun->lun, NULL);
				found = true;
			}
		}
	}
	mutex_unlock(&ktgt_cfg_mutex);
	if (found)
		synchronize_rcu();
}

static void ktgt_lun_drop_item(struct config_group *group,
			       struct config_item *item)
{
	struct ktgt_lun *lun = to_ktgt_lun(item);

	ktgt_lun_unmap(lun);
	ktgt_lun_forget_mappings(lun);
	config_item_put(item);
}

static void ktgt_lun_group_release(struct config_item *item)
{
	struct ktgt_tpg *tpg = container_of(to_config_group(item),
					    struct ktgt_tpg, lun_group);

	config_group_put(&tpg->group);
}

static struct configfs_item_operations ktgt_lun_group_item_ops = {
	.release	= ktgt_lun_group_release,
};

static struct configfs_group_operations ktgt_lun_group_group_ops = {
	.make_group	= ktgt_lun_make_group,
	.drop_item	= ktgt_lun_drop_item,
};

const struct config_item_type ktgt_lun_group_type = {
	.ct_item_ops	= &ktgt_lun_group_item_ops,
	.ct_group_ops	= &ktgt_lun_group_group_ops,
	.ct_owner	= THIS_MODULE,
};

/* ------------------------------------------------------------------ */
/* tpgt_N/acls/<initiator>/lun_M                                       */

/*
 * ln -s tpgt_N/lun/lun_L lun_M/<link>: the target must be a LUN directory
 * of the same TPG (else -EINVAL); one link per mapping (else -EEXIST).
 */
static int ktgt_mlun_allow_link(struct config_item *src,
				struct config_item *target)
{
	struct ktgt_mapped_lun *mlun = to_ktgt_mlun(src);
	struct ktgt_lun *lun;
	int ret = 0;

	if (target->ci_type != &ktgt_lun_type)
		return -EINVAL;
	lun = to_ktgt_lun(target);
	if (lun->tpg != mlun->acl->tpg)
		return -EINVAL;

	mutex_lock(&ktgt_cfg_mutex);
	if (rcu_access_pointer(mlun->lun))
		ret = -EEXIST;
	else
		rcu_assign_pointer(mlun->lun, lun);
	mutex_unlock(&ktgt_cfg_mutex);
	if (!ret)
		ktgt_tpg_luns_changed(lun->tpg, mlun->acl, NULL);
	return ret;
}

static void ktgt_mlun_drop_link(struct config_item *src,
				struct config_item *target)
{
	struct ktgt_mapped_lun *mlun = to_ktgt_mlun(src);

	mutex_lock(&ktgt_cfg_mutex);
	RCU_INIT_POINTER(mlun->lun, NULL);
	mutex_unlock(&ktgt_cfg_mutex);
	synchronize_rcu();
	ktgt_tpg_luns_changed(mlun->acl->tpg, mlun->acl, NULL);
}

static void ktgt_mlun_release(struct config_item *item)
{
	kfree(to_ktgt_mlun(item));
}

static struct configfs_item_operations ktgt_mlun_item_ops = {
	.release	= ktgt_mlun_release,
	.allow_link	= ktgt_mlun_allow_link,
	.drop_link	= ktgt_mlun_drop_link,
};

static const struct config_item_type ktgt_mlun_type = {
	.ct_item_ops	= &ktgt_mlun_item_ops,
	.ct_owner	= THIS_MODULE,
};

/* mkdir lun_M: the LUN number this initiator sees, below KTGT_MAX_LUNS */
static struct config_group *ktgt_mlun_make_group(struct config_group *group,
						 const char *name)
{
	struct ktgt_acl *acl = to_ktgt_acl(&group->cg_item);
	struct ktgt_mapped_lun *mlun;
	u32 id;
	int ret;

	ret = ktgt_cfs_parse_index(name, "lun_", 0, KTGT_MAX_LUNS - 1, &id);
	if (ret)
		return ERR_PTR(ret);

	mlun = kzalloc(sizeof(*mlun), GFP_KERNEL);
	if (!mlun)
		return ERR_PTR(-ENOMEM);
	mlun->acl = acl;
	mlun->id = id;
	config_group_init_type_name(&mlun->group, name, &ktgt_mlun_type);

	mutex_lock(&ktgt_cfg_mutex);
	rcu_assign_pointer(acl->mluns[id], mlun);
	mutex_unlock(&ktgt_cfg_mutex);
	return &mlun->group;
}

static void ktgt_mlun_drop_item(struct config_group *group,
				struct config_item *item)
{
	struct ktgt_mapped_lun *mlun = to_ktgt_mlun(item);
	struct ktgt_acl *acl = mlun->acl;

	mutex_lock(&ktgt_cfg_mutex);
	RCU_INIT_POINTER(mlun->lun, NULL);
	RCU_INIT_POINTER(acl->mluns[mlun->id], NULL);
	mutex_unlock(&ktgt_cfg_mutex);
	synchronize_rcu();
	config_item_put(item);
}

/* ------------------------------------------------------------------ */
/* tpgt_N/acls/<initiator>                                             */

static void ktgt_acl_release(struct config_item *item)
{
	kfree(to_ktgt_acl(item));
}

static struct configfs_item_operations ktgt_acl_item_ops = {
	.release	= ktgt_acl_release,
};

static struct configfs_group_operations ktgt_acl_group_ops = {
	.make_group	= ktgt_mlun_make_group,
	.drop_item	= ktgt_mlun_drop_item,
};

static const struct config_item_type ktgt_acl_type = {
	.ct_item_ops	= &ktgt_acl_item_ops,
	.ct_group_ops	= &ktgt_acl_group_ops,
	.ct_owner	= THIS_MODULE,
};

/*
 * mkdir acls/<initiator>: -EINVAL unless a valid iSCSI name, -EEXIST when
 * the TPG has an ACL for the same name in another case.
 */
static struct config_group *ktgt_acl_make_group(struct config_group *group,
						const char *name)
{
	struct ktgt_tpg *tpg = container_of(group, struct ktgt_tpg, acl_group);
	struct ktgt_acl *acl, *a;
	int ret;

	acl = kzalloc(sizeof(*acl), GFP_KERNEL);
	if (!acl)
		return ERR_PTR(-ENOMEM);
	ret = ktgt_cfs_check_iscsi_name(name, acl->name);
	if (ret)
		goto err_free;
	acl->tpg = tpg;

	mutex_lock(&ktgt_cfg_mutex);
	list_for_each_entry(a, &tpg->acls, node) {
		if (!strcmp(a->name, acl->name)) {
			ret = -EEXIST;
			break;
		}
	}
	if (!ret)
		list_add_tail(&acl->node, &tpg->acls);
	mutex_unlock(&ktgt_cfg_mutex);
	if (ret)
		goto err_free;

	config_group_init_type_name(&acl->group, name, &ktgt_acl_type);
	config_group_init_type_name(&acl->auth_group, "auth",
				    &ktgt_acl_auth_type);
	configfs_add_default_group(&acl->auth_group, &acl->group);
	/* dropped by the auth group's ->release() */
	config_group_get(&acl->group);
	return &acl->group;

err_free:
	kfree(acl);
	return ERR_PTR(ret);
}

/*
 * rmdir acls/<initiator> (its lun_M directories are gone: configfs refuses
 * with ENOTEMPTY otherwise): no new login can find the ACL; the sessions
 * using it are ended and waited for.
 */
static void ktgt_acl_drop_item(struct config_group *group,
			       struct config_item *item)
{
	struct ktgt_acl *acl = to_ktgt_acl(item);

	mutex_lock(&ktgt_cfg_mutex);
	list_del_init(&acl->node);
	mutex_unlock(&ktgt_cfg_mutex);

	ktgt_acl_close_sessions(acl);

	configfs_remove_default_groups(&acl->group);
	config_item_put(item);
}

static void ktgt_acl_group_release(struct config_item *item)
{
	struct ktgt_tpg *tpg = container_of(to_config_group(item),
					    struct ktgt_tpg, acl_group);

	config_group_put(&tpg->group);
}

static struct configfs_item_operations ktgt_acl_group_item_ops = {
	.release	= ktgt_acl_group_release,
};

static struct configfs_group_operations ktgt_acl_group_group_ops = {
	.make_group	= ktgt_acl_make_group,
	.drop_item	= ktgt_acl_drop_item,
};

const struct config_item_type ktgt_acl_group_type = {
	.ct_item_ops	= &ktgt_acl_group_item_ops,
	.ct_group_ops	= &ktgt_acl_group_group_ops,
	.ct_owner	= THIS_MODULE,
};
