/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Task management across I_T nexuses (tmf.c): a TMF response that waits
 * for the tasks it aborted, on any connection, and the requests that carry
 * an abort to the connections of other sessions.
 */
#ifndef KTGT_TMF_H
#define KTGT_TMF_H

#include "ktgt_conn.h"

/*
 * A task management response waiting for the tasks it aborted: tasks the
 * backstore is running cannot be recalled, so the response goes out once
 * the last of them has ended (its own response suppressed).  @waiting
 * counts the issuer's own reference, every aborted task still running and
 * every abort request not yet carried out by its connection; whoever drops
 * the last one sends the response, from any process context.
 */
struct ktgt_tmf {
	atomic_t waiting;
	struct ktgt_conn *conn;		/* the issuer; a reference is held */
	struct ktgt_tx_pdu *rsp;
};

struct ktgt_tmf *ktgt_tmf_alloc(struct ktgt_conn *conn);
void ktgt_tmf_put(struct ktgt_tmf *tmf);
void ktgt_tmf_conn_run(struct ktgt_conn *conn);
void ktgt_tmf_conn_end(struct ktgt_conn *conn);
void ktgt_tmf_lu_others(struct ktgt_tmf *tmf, struct ktgt_session *sess,
			struct ktgt_dev *dev, u8 fn);
void ktgt_tmf_task_others(struct ktgt_tmf *tmf, struct ktgt_session *sess,
			  u32 itt, u64 lun_id);
void ktgt_tmf_target_others(struct ktgt_tmf *tmf, struct ktgt_session *sess,
			    bool cold);
void ktgt_tmf_nexus_abort(struct ktgt_nexus *issuer, struct ktgt_dev *dev,
			  bool (*match)(const struct ktgt_nexus *nexus, const void *arg),
			  const void *arg);

/* cmd.c */
void ktgt_task_abort(struct ktgt_task *task, struct ktgt_tmf *tmf);

/* conn.c */
bool ktgt_conn_queue_tx_live(struct ktgt_conn *conn, struct ktgt_tx_pdu *pdu);
void ktgt_conn_for_each(void (*fn)(struct ktgt_conn *conn, void *arg), void *arg);
unsigned int ktgt_conn_count(void);

#endif /* KTGT_TMF_H */
