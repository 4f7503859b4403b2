/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private interfaces between the files of the configfs tree.
 *
 * Locking order (outermost first):
 *   configfs su_mutex (held around make_group/drop_item)
 *     -> ktgt_listener_mutex (portal.c, held while a socket is opened/closed)
 *     -> ktgt_cfg_mutex (short critical sections only)
 * ktgt_cfg_mutex is never held across ktgt_tpg_close_sessions(),
 * ktgt_listener_get()/put(), synchronize_rcu() or a LUN drain.
 */
#ifndef KTGT_CFS_H
#define KTGT_CFS_H

#include "ktgt_iscsi.h"
#include "ktgt_stats.h"

/* iscsi_tgt/portal.c, beyond what ktgt_iscsi.h declares */
bool ktgt_sockaddr_equal(const struct sockaddr_storage *a,
			 const struct sockaddr_storage *b);
void ktgt_listener_cleanup(void);

/* backstore.c */
extern const struct config_item_type ktgt_bs_hba_type;
struct ktgt_dev *ktgt_cfs_item_to_dev(struct config_item *item);

/* target.c */
extern const struct config_item_type ktgt_targets_type;
int ktgt_cfs_check_iscsi_name(const char *name, char *lower);
int ktgt_cfs_params_init(void);

/* auth.c */
extern const struct config_item_type ktgt_discovery_auth_type;
extern const struct config_item_type ktgt_tpg_auth_type;
extern const struct config_item_type ktgt_acl_auth_type;

/* lun.c */
extern const struct config_item_type ktgt_lun_group_type;
extern const struct config_item_type ktgt_acl_group_type;

/* alua.c */
void ktgt_cfs_alua_init(struct ktgt_dev *dev);
void ktgt_cfs_alua_remove(struct ktgt_dev *dev);
extern struct configfs_attribute *ktgt_lun_alua_attrs[];

/* np.c */
extern const struct config_item_type ktgt_np_group_type;

/* subsys.c: helpers for attribute stores and directory names */
int ktgt_cfs_parse_u32(const char *page, u32 min, u32 max, u32 *out);
int ktgt_cfs_get_str(const char *page, size_t count, char *buf, size_t size);
int ktgt_cfs_parse_index(const char *name, const char *prefix, u32 min,
			 u32 max, u32 *out);
int ktgt_cfs_hba_type(struct config_group *group);

#endif /* KTGT_CFS_H */
