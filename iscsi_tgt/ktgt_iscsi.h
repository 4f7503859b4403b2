/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The iSCSI layer: configuration objects (targets, TPGs, LUNs, portals,
 * ACLs), sessions, connections and tasks.
 */
#ifndef KTGT_ISCSI_H
#define KTGT_ISCSI_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/kref.h>
#include <linux/percpu-refcount.h>
#include <linux/completion.h>
#include <linux/workqueue.h>
#include <linux/socket.h>
#include <linux/configfs.h>
#include <linux/rcupdate.h>
#include <linux/wait.h>

#include "ktgt_proto.h"
#include "ktgt_params.h"
#include "../scsi_backend/ktgt_scsi.h"

#define KTGT_SECRET_MAX		256
#define KTGT_DEFAULT_CMDSN_DEPTH 64
#define KTGT_MAX_CMDSN_DEPTH	512
#define KTGT_DEFAULT_NOPIN_INTERVAL	15
#define KTGT_DEFAULT_NOPIN_TIMEOUT	30

extern struct workqueue_struct *ktgt_wq;
/* Serialises configuration changes and login-time lookups. */
extern struct mutex ktgt_cfg_mutex;
extern struct list_head ktgt_targets;	/* of ktgt_target, under ktgt_cfg_mutex */

struct ktgt_auth {
	char userid[KTGT_SECRET_MAX];
	char password[KTGT_SECRET_MAX];
	char mutual_userid[KTGT_SECRET_MAX];
	char mutual_password[KTGT_SECRET_MAX];
};

/* targets/<iqn>/ */
struct ktgt_target {
	struct config_group group;
	struct list_head node;		/* ktgt_targets */
	struct list_head tpgs;		/* under ktgt_cfg_mutex */
	char name[KTGT_NAME_MAX];
};

struct ktgt_tpg_attrib {
	u32 authentication;		/* 1: CHAP required */
	u32 generate_node_acls;		/* 1: demo mode */
	u32 demo_mode_write_protect;	/* 1: demo-mode initiators read-only */
	u32 default_cmdsn_depth;
	u32 nopin_interval;		/* s between target pings; 0: none */
	u32 nopin_response_timeout;	/* s to answer a ping before the close */
};

/* tpgt_N/lun/lun_L/ */
struct ktgt_lun {
	struct config_group group;
	struct ktgt_tpg *tpg;
	u64 id;
	struct ktgt_dev *dev;		/* set by the symlink; one ref held */
	struct percpu_ref ref;		/* in-flight commands */
	struct completion drained;
	bool live;			/* published in tpg->luns[] */
	struct ktgt_alua_port alua_port;	/* its ALUA target port group */
	struct config_group stats_group;	/* statistics/ */
	struct ktgt_lun_stats __percpu *stats;
};

/* acls/<iqn>/lun_M/ */
struct ktgt_mapped_lun {
	struct config_group group;
	struct ktgt_acl *acl;
	u64 id;				/* LUN number the initiator sees */
	struct ktgt_lun __rcu *lun;	/* set by the symlink */
};

/* tpgt_N/acls/<iqn>/ */
struct ktgt_acl {
	struct config_group group;
	struct config_group auth_group;
	struct ktgt_tpg *tpg;
	struct list_head node;		/* tpg->acls, under ktgt_cfg_mutex */
	char name[KTGT_NAME_MAX];
	struct ktgt_auth auth;
	struct ktgt_mapped_lun __rcu *mluns[KTGT_MAX_LUNS];
};

/* A listening socket, shared by every portal with the same address. */
struct ktgt_listener {
	struct list_head node;		/* global list, under ktgt_cfg_mutex */
	struct sockaddr_storage addr;
	struct socket *sock;
	int nr_portals;
	struct work_struct accept_work;
	void (*saved_data_ready)(struct sock *sk);
};

/* tpgt_N/np/<addr>:<port> */
struct ktgt_portal {
	struct config_group group;
	struct ktgt_tpg *tpg;
	struct list_head node;		/* tpg->portals */
	struct sockaddr_storage addr;
	struct ktgt_listener *listener;
};

/* targets/<iqn>/tpgt_N/ */
struct ktgt_tpg {
	struct config_group group;
	struct config_group lun_group;
	struct config_group np_group;
	struct config_group acl_group;
	struct config_group attrib_group;
	struct config_group auth_group;
	struct config_group param_group;
	struct ktgt_target *tgt;
	struct list_head node;		/* tgt->tpgs */
	u16 tpgt;
	bool enabled;
	struct ktgt_tpg_attrib attrib;
	struct ktgt_auth auth;
	struct ktgt_param_offer params;
	struct ktgt_lun __rcu *luns[KTGT_MAX_LUNS];
	struct list_head acls;
	struct list_head portals;
	struct list_head sessions;	/* under ktgt_sess_mutex (session.c) */
};

/* discovery_auth/ */
struct ktgt_discovery_auth {
	u32 enforce;
	struct ktgt_auth auth;
};
extern struct ktgt_discovery_auth ktgt_discovery_auth;

struct ktgt_conn;
struct ktgt_session;

/* conn.c, session.c: what the configuration side calls */
void ktgt_conn_create(struct ktgt_listener *l, struct socket *sock);
/* End every session of @tpg (or of @acl) and wait until they are gone. */
void ktgt_tpg_close_sessions(struct ktgt_tpg *tpg);
void ktgt_acl_close_sessions(struct ktgt_acl *acl);
/* REPORTED LUNS DATA HAS CHANGED to the sessions a LUN change concerns */
void ktgt_tpg_luns_changed(struct ktgt_tpg *tpg, struct ktgt_acl *acl,
			   struct ktgt_lun *lun);

/* tpg.c: lookups for login and the data path (configfs owns the objects) */
struct ktgt_tpg *ktgt_tpg_find(const char *target_name, struct ktgt_listener *l);
struct ktgt_acl *ktgt_acl_find(struct ktgt_tpg *tpg, const char *initiator_name);
struct ktgt_lun *ktgt_lun_get(struct ktgt_tpg *tpg, struct ktgt_acl *acl, u64 lun_id);
void ktgt_lun_put(struct ktgt_lun *lun);
u32 ktgt_tpg_report_luns(struct ktgt_tpg *tpg, struct ktgt_acl *acl, u64 *luns, u32 max);
int ktgt_sendtargets(struct ktgt_listener *l, const char *initiator_name,
		     const char *which, const struct sockaddr_storage *local,
		     struct ktgt_textbuf *out);

/* portal.c */
int ktgt_listener_get(const struct sockaddr_storage *addr, struct ktgt_listener **out);
void ktgt_listener_put(struct ktgt_listener *l);
int ktgt_parse_portal_addr(const char *name, struct sockaddr_storage *ss);

/* configfs/ */
int ktgt_configfs_init(void);
void ktgt_configfs_exit(void);

#endif /* KTGT_ISCSI_H */
