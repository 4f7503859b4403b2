/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sessions, connections and tasks: private to conn.c, session.c, login.c
 * and cmd.c.
 */
#ifndef KTGT_CONN_H
#define KTGT_CONN_H

#include "ktgt_iscsi.h"
#include "ktgt_stats.h"

#define KTGT_MAX_XFER_LEN	(16U << 20)	/* largest EDTL accepted */
#define KTGT_MAX_AHS_LEN	1020
#define KTGT_MAX_IMMEDIATE_TASKS 16	/* per connection, outside the window */
#define KTGT_TX_BACKLOG_MAX	(4U << 20) /* queued response data: stop reading */
#define KTGT_TEXT_RSP_MAX	(64U << 10)
#define KTGT_TEXT_REQ_MAX	(16U << 10)
#define KTGT_LOGIN_TIMEOUT	(15 * HZ)	/* accept to full feature phase */
#define KTGT_LINGER_TIMEOUT	(5 * HZ)	/* final PDU sent to peer's close */
#define KTGT_ASYNC_LOGOUT_WAIT	3		/* s an initiator has to log out */
/*
 * Per-connection recycling (cmd.c, ktgt_task_get()): a task's data buffer
 * up to KTGT_TASK_POOL_BUF_PAGES pages comes from the connection's page
 * pool, its bio_vec array is in the task; at most KTGT_CONN_POOL_TASKS
 * tasks and KTGT_CONN_POOL_PAGES pages wait for reuse per connection.
 */
#define KTGT_TASK_POOL_BUF_PAGES 32		/* 128 KiB with 4 KiB pages */
#define KTGT_CONN_POOL_TASKS	128
#define KTGT_CONN_POOL_PAGES	256

enum ktgt_task_state {
	KTGT_TASK_NEW,
	KTGT_TASK_DATA_OUT,		/* waiting for Data-Out */
	KTGT_TASK_EXEC,			/* with the SCSI layer */
	KTGT_TASK_DONE,			/* completed, response pending */
	KTGT_TASK_RESPONDING,		/* response PDUs built and queued */
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
	bool immediate;
	bool failed;			/* parse failed: data is discarded */
	bool aborted;			/* no response will be sent */
	bool counted;			/* holds a slot of the CmdSN window */
	bool rsp_sent;			/* last PDU on the wire: the ITT is free */
	struct ktgt_tmf *tmf;		/* the TMF that aborted it */
	u32 itt;
	u32 cmdsn;
	u32 exp_xfer_len;		/* ExpectedDataTransferLength */
	u32 spdtl;			/* transfer length the CDB asks for */
	u32 ttt;
	u8 lun_wire[8];
	/* write data progress */
	u32 data_received;		/* bytes of Data-Out/immediate data */
	u32 unsol_end;			/* end of the unsolicited region */
	u32 r2t_next;			/* next offset to solicit */
	u32 r2t_outstanding;
	u32 r2tsn;
	u32 exp_datasn;
	u64 start_ns;			/* arrival, for the latency counters */
	struct list_head pool_node;	/* conn->task_pool while free */
	/* scmd.bvec is pool_bv: its pages go back to the connection's pool */
	bool pooled_buf;
	/* not cleared on reuse: filled for every pooled buffer */
	struct bio_vec pool_bv[KTGT_TASK_POOL_BUF_PAGES];
};

enum ktgt_conn_state {
	KTGT_CONN_LOGIN,
	KTGT_CONN_FULL_FEATURE,
	KTGT_CONN_LOGOUT,		/* logout response queued */
};

enum ktgt_rx_state {
	KTGT_RX_BHS,
	KTGT_RX_AHS,
	KTGT_RX_HDIGEST,
	KTGT_RX_DATA,
	KTGT_RX_DDIGEST,
};

/* An outgoing PDU: header, optional linear data or a slice of task data. */
struct ktgt_tx_pdu {
	struct list_head node;
	struct ktgt_bhs bhs;
	u8 hdigest[KTGT_DIGEST_LEN];
	u8 ddigest[KTGT_DIGEST_LEN];
	void *data;			/* kmalloc'ed, freed with the PDU */
	u32 data_len;
	struct ktgt_task *task;		/* owning task, or NULL */
	u32 task_off;			/* task_len > 0: data comes from the */
	u32 task_len;			/* task's pages, not from @data */
	u32 sent;			/* progress */
	bool free_task;			/* last PDU of the task: free it when sent */
	bool close_after;		/* close the connection once sent */
	bool login_final;		/* switch to full feature phase once sent */
};

struct ktgt_session {
	struct kref kref;
	struct ktgt_tpg *tpg;		/* NULL for discovery */
	struct ktgt_acl *acl;		/* NULL in demo mode / discovery */
	struct list_head node;		/* tpg->sessions or discovery list */
	struct ktgt_nexus nexus;
	enum ktgt_session_type type;
	char initiator_name[KTGT_NAME_MAX];
	char target_name[KTGT_NAME_MAX];
	u8 isid[6];
	u16 tsih;
	struct ktgt_params params;
	bool write_protect;
	u32 nopin_interval;		/* seconds; 0: no target pings */
	u32 nopin_timeout;

	spinlock_t sn_lock;		/* CmdSN window */
	u32 exp_cmdsn;
	u32 cmdsn_depth;
	u32 outstanding;		/* accepted, not yet answered */
	struct list_head pending;	/* out-of-order tasks, by CmdSN */

	struct list_head conns;		/* under ktgt_sess_mutex */
	unsigned int nr_conns;
	struct ktgt_sess_stats stats;
};

struct ktgt_login;
struct ktgt_tmf;

struct ktgt_conn {
	struct kref kref;
	struct socket *sock;
	struct ktgt_listener *listener;	/* compare only, never dereference */
	struct ktgt_session *sess;
	struct list_head sess_node;
	struct list_head global_node;
	enum ktgt_conn_state state;
	u16 cid;
	struct sockaddr_storage local, peer;
	bool hdigest, ddigest;
	u32 max_recv_dsl;
	u32 max_xmit_dsl;

	struct work_struct io_work;
	struct work_struct tx_work;	/* sends tx_wire on tx_cpu */
	struct work_struct release_work;
	struct delayed_work timeout_work;	/* login timeout, linger */
	struct delayed_work nopin_work;		/* target pings */
	u32 nopin_ttt;			/* outstanding ping, or KTGT_RSVD_TAG */
	atomic_t nopin_seq;
	int cpu;
	int tx_cpu;			/* == cpu: io_work sends itself */
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);

	/* receive state machine (io_work only) */
	enum ktgt_rx_state rx_state;
	struct ktgt_bhs rx_bhs;
	u8 rx_ahs[KTGT_MAX_AHS_LEN];
	u32 rx_ahs_len;
	u8 rx_hdigest[KTGT_DIGEST_LEN];
	u8 rx_ddigest[KTGT_DIGEST_LEN];
	u32 rx_off;
	u32 rx_dlen;
	u32 rx_pad;
	u32 rx_crc;
	u8 *rx_buf;			/* linear data segment */
	u32 rx_buf_cap;
	struct ktgt_task *rx_task;	/* data goes into this task's pages */
	u32 rx_task_off;
	bool rx_discard;
	u8 rx_reject;			/* reject the PDU once it is in */
	struct ktgt_task *rx_cur;	/* task of the PDU being received */

	/* send side */
	spinlock_t tx_lock;		/* tx_queue, rsp_queue, tasks, nr_exec */
	struct list_head tx_queue;
	u32 tx_backlog;			/* bytes of tx_queue's PDUs' data */
	struct list_head rsp_queue;
	struct list_head tasks;
	struct list_head tmf_reqs;	/* aborts from other sessions (tmf.c) */
	bool tmf_closed;		/* torn down: no more tmf_reqs */
	struct ktgt_tx_pdu *tx_cur;	/* io_work only */
	/*
	 * Free tasks and data pages kept for the next commands (io_work,
	 * and release once io_work is cancelled): no slab allocation and
	 * no page zeroing per I/O.  A pooled page only ever held data of
	 * this connection's commands.
	 */
	struct list_head task_pool;
	unsigned int nr_task_pool;
	struct list_head page_pool;	/* by page->lru */
	unsigned int nr_page_pool;
	/*
	 * Full feature phase with a second CPU: io_work builds and numbers
	 * the PDUs and hands them to tx_work (tx_wire), which sends them
	 * and gives them back (tx_sent) for io_work to release.  tx_busy:
	 * tx_work owns tx_wire and will run again; under tx_lock.
	 */
	struct list_head tx_wire;
	struct list_head tx_sent;
	struct ktgt_tx_pdu *tx_wcur;	/* tx_work only */
	bool tx_busy;
	unsigned int nr_exec;
	unsigned int nr_immediate;	/* immediate tasks; as tasks */
	wait_queue_head_t exec_wq;
	bool closing;
	bool logout_requested;		/* under ktgt_sess_mutex */
	/*
	 * Ended by a logout or by connection reinstatement: the session
	 * lives on.  Any other end of a connection fails its session
	 * (ERL0, RFC 7143 7.1.5 / 6.1.5: session recovery).
	 */
	bool quiet_close;
	/*
	 * MC/S: this connection's tasks whose CmdSN turn came while another
	 * connection received the command that closed the gap; io_work
	 * delivers them.  Under sess->sn_lock, linked by pend_node.
	 */
	struct list_head ready;

	u32 statsn;			/* next StatSN, io_work only */
	u32 exp_statsn;
	u32 next_ttt;

	/* pending text response (SendTargets continuation) */
	char *text_rsp;
	u32 text_rsp_len;
	u32 text_rsp_off;
	u32 text_ttt;
	char *text_req;			/* request split with the C bit */
	u32 text_req_len;

	struct ktgt_login *login;
};

/* conn.c */
struct ktgt_tx_pdu *ktgt_tx_pdu_alloc(u8 opcode, u32 data_len, gfp_t gfp);
void ktgt_tx_pdu_free(struct ktgt_tx_pdu *pdu);
void ktgt_conn_queue_tx(struct ktgt_conn *conn, struct ktgt_tx_pdu *pdu);
void ktgt_conn_task_done(struct ktgt_task *task);
void ktgt_conn_close(struct ktgt_conn *conn);
void ktgt_conn_close_quiet(struct ktgt_conn *conn);
void ktgt_conn_kick(struct ktgt_conn *conn);
void ktgt_conn_start_pings(struct ktgt_conn *conn);
void ktgt_conn_request_logout(struct ktgt_conn *conn, u16 secs);
void ktgt_conn_ping_answered(struct ktgt_conn *conn, u32 ttt);
void ktgt_conn_put(struct ktgt_conn *conn);
int ktgt_conn_set_max_recv(struct ktgt_conn *conn, u32 max_recv_dsl);
void ktgt_close_all_conns(void);
int ktgt_conn_init(void);
void ktgt_conn_exit(void);

/* cmd.c: PDU dispatch in full feature phase, tasks */
int ktgt_rx_pdu_start(struct ktgt_conn *conn);
int ktgt_rx_pdu_done(struct ktgt_conn *conn);
int ktgt_rx_data_digest_error(struct ktgt_conn *conn);
void ktgt_task_respond(struct ktgt_task *task);
void ktgt_pdu_sent(struct ktgt_conn *conn, struct ktgt_tx_pdu *pdu);
void ktgt_conn_pool_drain(struct ktgt_conn *conn);
void ktgt_conn_end_tasks(struct ktgt_conn *conn);
void ktgt_conn_abort_dormant(struct ktgt_conn *conn);
void ktgt_conn_run_ready(struct ktgt_conn *conn);
void ktgt_conn_reject(struct ktgt_conn *conn, u8 reason);
int ktgt_task_init(void);
void ktgt_task_exit(void);

/* login.c */
int ktgt_login_init(struct ktgt_conn *conn);
void ktgt_login_free(struct ktgt_conn *conn);
int ktgt_login_rx(struct ktgt_conn *conn);
int ktgt_login_complete(struct ktgt_conn *conn);

/* session.c */
struct ktgt_session_info {
	enum ktgt_session_type type;
	struct ktgt_tpg *tpg;
	struct ktgt_acl *acl;
	const u8 *isid;
	const char *initiator_name;
	const char *target_name;
	const struct ktgt_params *params;
	u32 cmdsn;
	u32 cmdsn_depth;
	bool write_protect;
	u32 nopin_interval;
	u32 nopin_timeout;
};

extern struct mutex ktgt_sess_mutex;
struct ktgt_session *ktgt_session_alloc(const struct ktgt_session_info *info);
void ktgt_session_add(struct ktgt_session *sess, struct ktgt_conn *conn);
void ktgt_session_add_conn(struct ktgt_session *sess, struct ktgt_conn *conn);
struct ktgt_session *ktgt_session_find(struct ktgt_tpg *tpg, const char *initiator,
				       const u8 *isid, u16 tsih);
void ktgt_session_close(struct ktgt_session *sess);
void ktgt_session_for_each_dev(struct ktgt_session *sess,
			       void (*fn)(struct ktgt_dev *dev, void *arg), void *arg);
void ktgt_session_fill_window(struct ktgt_session *sess, __be32 *exp, __be32 *max);
void ktgt_session_detach(struct ktgt_conn *conn);
void ktgt_session_put(struct ktgt_session *sess);
int ktgt_session_init(void);
void ktgt_session_exit(void);

#endif /* KTGT_CONN_H */
