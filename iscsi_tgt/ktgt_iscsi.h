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
	struct list_head sessions;	/* under ktgt_cfg_mutex */
};

/* discovery_auth/ */
struct ktgt_discovery_auth {
	u32 enforce;
	struct ktgt_auth auth;
};
extern struct ktgt_discovery_auth ktgt_discovery_auth;

/* ------------------------------------------------------------------ */
/* Sessions, connections, tasks (session.c, conn.c, login.c, cmd.c)    */

struct ktgt_conn;

enum ktgt_task_state {
	KTGT_TASK_NEW,
	KTGT_TASK_DATA_OUT,		/* waiting for Data-Out */
	KTGT_TASK_EXEC,			/* with the SCSI layer */
	KTGT_TASK_DONE,			/* response queued */
};

/* One SCSI task: the iSCSI view of a ktgt_cmd. */
struct ktgt_task {
	struct ktgt_cmd scmd;
	struct ktgt_conn *conn;
	struct ktgt_lun *lun;		/* ref held while the task lives */
	struct list_head node;		/* conn->tasks */
	struct list_head rsp_node;	/* conn->rsp_queue */
	struct list_head pend_node;	/* session->pending (CmdSN order) */
	enum ktgt_task_state state;
	u8 attr;
	u8 opcode_flags;
	bool immediate;
	u32 itt;
	u32 cmdsn;
	u32 exp_xfer_len;		/* ExpectedDataTransferLength */
	u32 ttt;
	/* write data progress */
	u32 data_received;
	u32 r2t_offset;			/* next offset to solicit */
	u32 r2t_outstanding;
	u32 r2tsn;
	u32 exp_datasn;
	/* send side progress */
	u32 datasn;
	u32 tx_offset;
};

enum ktgt_conn_state {
	KTGT_CONN_LOGIN,
	KTGT_CONN_FULL_FEATURE,
	KTGT_CONN_LOGOUT,		/* logout response queued */
	KTGT_CONN_CLOSING,
};

enum ktgt_rx_state {
	KTGT_RX_BHS,
	KTGT_RX_AHS,
	KTGT_RX_HDIGEST,
	KTGT_RX_DATA,
	KTGT_RX_DDIGEST,
};

/* An outgoing PDU: header, optional linear data, optional task data. */
struct ktgt_tx_pdu {
	struct list_head node;
	struct ktgt_bhs bhs;
	u8 hdigest[KTGT_DIGEST_LEN];
	void *data;			/* kmalloc'ed, freed after send */
	u32 data_len;
	struct ktgt_task *task;		/* Data-In source, or NULL */
	u32 task_off;
	/* progress */
	u32 sent;
};

struct ktgt_session {
	struct kref kref;
	struct ktgt_tpg *tpg;		/* NULL for discovery */
	struct ktgt_acl *acl;		/* NULL in demo mode / discovery */
	struct ktgt_listener *listener;
	struct list_head node;		/* tpg->sessions or discovery list */
	struct ktgt_nexus nexus;
	enum ktgt_session_type type;
	char initiator_name[KTGT_NAME_MAX];
	char target_name[KTGT_NAME_MAX];
	u8 isid[6];
	u16 tsih;
	struct ktgt_params params;

	spinlock_t sn_lock;		/* CmdSN window */
	u32 exp_cmdsn;
	u32 max_cmdsn;
	u32 cmdsn_depth;
	struct list_head pending;	/* out-of-order commands, by CmdSN */

	struct ktgt_conn *conn;		/* MaxConnections=1 for now */
	bool write_protect;
	struct completion *released;	/* signalled from the final put */
};

struct ktgt_conn {
	struct kref kref;
	struct socket *sock;
	struct ktgt_listener *listener;
	struct ktgt_session *sess;
	enum ktgt_conn_state state;
	u16 cid;
	struct sockaddr_storage local, peer;

	struct work_struct io_work;
	int cpu;
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);

	/* receive state machine */
	enum ktgt_rx_state rx_state;
	struct ktgt_bhs rx_bhs;
	u32 rx_off;			/* bytes received of the current part */
	u32 rx_dlen;			/* data segment length */
	u32 rx_dlen_padded;
	u8 *rx_buf;			/* linear data segment (non Data-Out) */
	u32 rx_buf_cap;
	struct ktgt_task *rx_task;	/* Data-Out / immediate data target */
	u32 rx_task_off;		/* buffer offset the data goes to */
	u32 rx_pad;
	u8 rx_ddigest[KTGT_DIGEST_LEN];

	/* send side */
	spinlock_t tx_lock;
	struct list_head tx_queue;	/* ktgt_tx_pdu ready to go */
	struct list_head rsp_queue;	/* tasks completed by the SCSI layer */
	struct ktgt_tx_pdu *tx_cur;

	u32 statsn;
	u32 exp_statsn;
	struct list_head tasks;		/* all tasks, under tx_lock */

	/* login */
	struct ktgt_login *login;

	struct completion *closed;
};

/* conn.c */
void ktgt_conn_create(struct ktgt_listener *l, struct socket *sock);
void ktgt_conn_queue_tx(struct ktgt_conn *conn, struct ktgt_tx_pdu *pdu);
struct ktgt_tx_pdu *ktgt_tx_pdu_alloc(u8 opcode, u32 data_len, gfp_t gfp);
void ktgt_conn_close(struct ktgt_conn *conn);
void ktgt_conn_put(struct ktgt_conn *conn);

/* session.c */
void ktgt_tpg_close_sessions(struct ktgt_tpg *tpg);
void ktgt_close_all_sessions(void);

/* tpg.c: lookups for login and the data path (configfs owns the objects) */
struct ktgt_tpg *ktgt_tpg_find(const char *target_name, struct ktgt_listener *l);
struct ktgt_acl *ktgt_acl_find(struct ktgt_tpg *tpg, const char *initiator_name);
struct ktgt_lun *ktgt_lun_get(struct ktgt_tpg *tpg, struct ktgt_acl *acl, u64 lun_id);
void ktgt_lun_put(struct ktgt_lun *lun);
u32 ktgt_tpg_report_luns(struct ktgt_tpg *tpg, struct ktgt_acl *acl, u64 *luns, u32 max);
int ktgt_sendtargets(struct ktgt_listener *l, const char *initiator_name,
		     const char *which, struct ktgt_textbuf *out);

/* portal.c */
int ktgt_listener_get(const struct sockaddr_storage *addr, struct ktgt_listener **out);
void ktgt_listener_put(struct ktgt_listener *l);
int ktgt_parse_portal_addr(const char *name, struct sockaddr_storage *ss);

/* configfs/ */
int ktgt_configfs_init(void);
void ktgt_configfs_exit(void);

#endif /* KTGT_ISCSI_H */
