/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SCSI layer: backstores (struct ktgt_dev), logical units and the
 * command object the iSCSI layer hands down.  The iSCSI layer never decodes
 * a CDB; this layer never sees a PDU.
 */
#ifndef KTGT_SCSI_H
#define KTGT_SCSI_H

#include <linux/types.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/bvec.h>
#include <linux/configfs.h>
#include <linux/blk_types.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "ktgt_taskattr.h"

#define KTGT_SENSE_LEN		96
#define KTGT_CDB_LEN		16
#define KTGT_DEV_NAME_MAX	64
#define KTGT_SERIAL_MAX		64
#define KTGT_PATH_MAX		256
#define KTGT_MAX_LUNS		256	/* per TPG and per ACL */
/* Largest READ/WRITE we accept (VPD B0h MAXIMUM TRANSFER LENGTH). */
#define KTGT_MAX_XFER_BYTES	(8U << 20)

/* SAM status codes */
#define KTGT_SAM_GOOD			0x00
#define KTGT_SAM_CHECK_CONDITION	0x02
#define KTGT_SAM_BUSY			0x08
#define KTGT_SAM_RESERVATION_CONFLICT	0x18
#define KTGT_SAM_TASK_SET_FULL		0x28

enum ktgt_dev_type {
	KTGT_DEV_RAM,
	KTGT_DEV_NULL,
	KTGT_DEV_BLOCK,
	KTGT_DEV_FILE,
	KTGT_DEV_NR_TYPES,
};

enum ktgt_data_dir {
	KTGT_DIR_NONE,
	KTGT_DIR_READ,		/* device -> initiator (Data-In) */
	KTGT_DIR_WRITE,		/* initiator -> device (Data-Out) */
};

struct ktgt_cmd;
struct ktgt_dev;
struct ktgt_alua;
struct ktgt_alua_tg_pt_gp;

/*
 * A target port through which a LU is reached (a LUN of a TPG): ALUA puts
 * it in one target port group of the backstore (alua.c).  The transport
 * embeds it in its LUN object and points cmd->alua_port at it.
 */
struct ktgt_alua_port {
	struct list_head node;		/* alua->ports, under alua->lock */
	struct ktgt_alua_tg_pt_gp __rcu *gp;	/* NULL while detached */
	u16 rel_port_id;
	bool attached;
};

/*
 * What a backstore implements.  SBC parsing is shared; backstores differ
 * only in how blocks move.  Every execute_* finishes the command with
 * ktgt_cmd_complete() (possibly later, from another context).
 */
struct ktgt_backend_ops {
	const char *name;		/* "ram", "null", "block", "file" */
	const char *product;		/* INQUIRY PRODUCT IDENTIFICATION */
	int (*open)(struct ktgt_dev *dev);	/* enable=1; sets size if 0 */
	void (*close)(struct ktgt_dev *dev);
	/*
	 * cmd->dir, lba, nr_blocks, fua: move nr_blocks blocks between the
	 * device and cmd->bvec (the SBC code has already checked the range
	 * and that the buffer holds nr_blocks blocks).
	 */
	void (*execute_rw)(struct ktgt_cmd *cmd);
	void (*sync_cache)(struct ktgt_cmd *cmd);
	/*
	 * Optional, synchronous (called from a work item, may sleep):
	 * deallocate blocks (UNMAP, WRITE SAME with UNMAP); -errno on error.
	 * Set dev->lbp at open time when it is usable.
	 */
	int (*unmap)(struct ktgt_dev *dev, u64 lba, u64 nr_blocks);
	/* Optional: 1 if @lba is mapped, 0 if deallocated (GET LBA STATUS). */
	int (*lba_mapped)(struct ktgt_dev *dev, u64 lba, u64 *nr_same);
	/*
	 * Optional, live resize (dev->lock held, may sleep): set
	 * dev->size_bytes to @size, or when @size is 0 to the backing file's
	 * or device's size rounded down to whole blocks, excluding the
	 * backend's own I/O as it must.  Without it only the size changes.
	 */
	int (*resize)(struct ktgt_dev *dev, u64 size);
};

/* A backstore: backstores/<type>/<name>/ */
struct ktgt_dev {
	struct config_group group;
	struct kref kref;		/* configfs item + each LUN mapping */
	struct mutex lock;		/* attribute changes, enable */
	enum ktgt_dev_type type;
	const struct ktgt_backend_ops *ops;
	char name[KTGT_DEV_NAME_MAX];

	u64 size_bytes;
	u32 block_size;			/* 512 or 4096 */
	u32 block_shift;
	bool enabled;
	bool readonly;
	char unit_serial[KTGT_SERIAL_MAX];
	char path[KTGT_PATH_MAX];	/* block: dev; file: path */
	u64 naa_id;			/* 64-bit NAA IEEE Registered id */
	atomic_t nr_luns;		/* LUNs mapping this backstore */

	/* set at enable time by the backend, some changed by MODE SELECT */
	bool wce;			/* caching page WCE (volatile cache) */
	bool d_sense;			/* control page D_SENSE: descriptor sense */
	bool swp;			/* control page SWP: software write protect */
	bool nonrot;			/* VPD B1h: non-rotating medium */
	bool lbp;			/* backend ->unmap works: LBPME */
	bool lbprz;			/* deallocated blocks read back as zeros */
	u8 lbppbe;			/* logical blocks per physical block, log2 */
	u32 unmap_gran;			/* optimal unmap granularity, blocks */

	/* write ordering for COMPARE AND WRITE / ORWRITE (sbc.c) */
	spinlock_t io_lock;
	u32 nr_writes;			/* writes in flight */
	bool excl_active;		/* an atomic read-modify-write in flight */
	struct list_head io_waiters;	/* of ktgt_cmd, FIFO */
	/* RESERVE(6/10) holder, compared only, never dereferenced */
	const struct ktgt_nexus *reserved_by;
	struct ktgt_pr *pr;		/* persistent reservations (pr.c) */
	struct ktgt_alua *alua;		/* target port groups (alua.c) */
	struct ktgt_task_set ts;	/* task attributes (taskattr.c) */
	/* sanitize.c, under io_lock: KTGT_SANITIZE_IDLE/RUNNING/FAILED */
	u8 sanitize_state;
	bool sanitize_ause;		/* the failed one allowed EXIT FAILURE MODE */
	u16 sanitize_progress;		/* of the running one, 0..65535 */

	/* ua.c: unit attentions and removable medium, per I_T nexus */
	struct list_head ua_nexuses;	/* of ktgt_ua_nexus, RCU */
	bool removable;			/* INQUIRY RMB, START STOP LOEJ */
	bool no_medium;			/* removable and ejected */
	bool open_ro;			/* the backend was opened read-only */

	void *priv;			/* backend private */
};

/* nr_blocks - 1 is the last LBA */
static inline u64 ktgt_dev_nr_blocks(const struct ktgt_dev *dev)
{
	return dev->size_bytes >> dev->block_shift;
}

/*
 * The I_T nexus as the SCSI layer sees it: enough to answer REPORT LUNS
 * without knowing what an ACL or a session is.
 */
struct ktgt_nexus;
struct ktgt_nexus_ops {
	/* Fill @luns with up to @max LUN numbers visible; return the total. */
	u32 (*report_luns)(struct ktgt_nexus *nexus, u64 *luns, u32 max);
	/*
	 * EXTENDED COPY: the LU this nexus reaches through its own LUN
	 * mapping whose NAA designator (dev->naa_id) is @naa_id, or NULL.
	 * The reference (*@ref) keeps it usable, as a command to that LUN
	 * would, until put_dev(@nexus, *@ref).  Optional: without it a copy
	 * can only name the LU it was sent to.
	 */
	struct ktgt_dev *(*get_dev_by_naa)(struct ktgt_nexus *nexus,
					   u64 naa_id, void **ref);
	void (*put_dev)(struct ktgt_nexus *nexus, void *ref);
	/*
	 * PREEMPT AND ABORT: end, without a response (TAS 0), the tasks on
	 * @dev of every other I_T nexus @match selects; @match runs in
	 * atomic context and only before this returns.  Optional.
	 */
	void (*abort_tasks)(struct ktgt_nexus *nexus, struct ktgt_dev *dev,
			    bool (*match)(const struct ktgt_nexus *nexus,
					  const void *arg),
			    const void *arg);
};

struct ktgt_nexus {
	const struct ktgt_nexus_ops *ops;
	u16 rel_port_id;		/* relative target port (= TPGT) */
	const char *target_name;	/* for VPD 0x83 SCSI name designator */
	/* initiator port, for persistent reservations: iSCSI name + ISID */
	const char *initiator_name;
	u8 isid[6];
	/*
	 * Set by a transport that calls ktgt_dev_nexus_gone() when this
	 * nexus ends and ktgt_dev_lun_reset() on LU/target resets: only then
	 * are RESERVE/RELEASE(6/10) offered (a reservation that outlives its
	 * nexus would lock everybody out).
	 */
	bool reports_loss;
	/* ua.c: this nexus's unit attention state (ktgt_ua_nexus_init()) */
	unsigned long ua_flags;
	struct list_head ua_entries;
};

typedef void (*ktgt_cmd_done_t)(struct ktgt_cmd *cmd);

/*
 * One SCSI command.  The iSCSI layer embeds it in its own task and fills
 * the "in" fields; the SCSI layer sets the rest.
 */
struct ktgt_cmd {
	/* in: set by the transport before ktgt_scsi_parse() */
	u8 cdb[KTGT_CDB_LEN];
	u64 lun_id;
	struct ktgt_dev *dev;		/* NULL: no LU at this LUN */
	struct ktgt_nexus *nexus;
	struct ktgt_alua_port *alua_port;	/* NULL: no ALUA checks */
	bool write_protect;		/* nexus-level WP (demo_mode_write_protect) */
	u32 exp_len;			/* buffer size the initiator announced */
	u8 task_attr;			/* enum ktgt_task_attr */
	ktgt_cmd_done_t done;		/* completion, any context */

	/* data buffer: set by the transport after parse, before execute */
	struct bio_vec *bvec;
	unsigned int nr_bvec;
	u32 buf_len;			/* bytes the buffer holds/receives */

	/* out of parse */
	enum ktgt_data_dir dir;
	u32 data_len;			/* transfer length the CDB implies */
	u64 lba;
	u32 nr_blocks;
	bool fua;
	void (*execute)(struct ktgt_cmd *cmd);

	/* out of execute */
	u32 xfer_len;			/* bytes actually moved (<= buf_len) */
	u8 status;
	u8 sense_len;
	u8 sense[KTGT_SENSE_LEN];

	/* private to the SCSI layer: the transport leaves these alone */
	u32 scsi_flags;
	struct work_struct work;	/* deferred execution, any step */
	struct list_head wait_node;	/* dev->io_waiters */
	struct list_head ts_node;	/* dev->ts.dormant */
	u8 ts_state;			/* KTGT_TS_*, taskattr.c */
	bool ts_exec;			/* executed while dormant */
	struct kiocb iocb;		/* file backend */
	void *scsi_priv;
	/* set while an abort can end the command early (ktgt_scsi_abort()) */
	void (*abort)(struct ktgt_cmd *cmd);
};

/* --- scsi_backend API used by iscsi_tgt/ and configfs/ --- */

/**
 * ktgt_scsi_parse() - decode cmd->cdb against cmd->dev
 * Sets dir, data_len, execute.  Returns 0, or -EINVAL when the command is
 * already failed (status/sense set): the transport then skips the data
 * phase as the protocol allows and calls ktgt_scsi_execute() anyway, which
 * just completes it.
 */
int ktgt_scsi_parse(struct ktgt_cmd *cmd);

/**
 * ktgt_scsi_execute() - run a parsed command; completes through cmd->done.
 * Call it from process context with no spinlock held (it may sleep in
 * GFP_NOIO allocations and block-layer submission).  cmd->done may run
 * before it returns (emulated commands, RAM/NULL backstores) or later from
 * any context (bio/kiocb completion, the SCSI layer's workqueues).
 */
void ktgt_scsi_execute(struct ktgt_cmd *cmd);

/**
 * ktgt_scsi_abort() - the transport aborted a command it has executed
 * The command still completes through cmd->done, possibly before this
 * returns; the transport discards its status.  A command whose work goes
 * on regardless (a SANITIZE without IMMED) completes at once here and
 * leaves the operation running; one held back by its task attribute
 * (ktgt_scsi_enter()) completes at once without ever running; any other
 * command just runs to its end.
 * Call it from process context with no spinlock held.
 */
void ktgt_scsi_abort(struct ktgt_cmd *cmd);

/**
 * ktgt_cmd_parse_err() - fail a command before it executes
 * Sets CHECK CONDITION with @key and @asc_ascq (ASC << 8 | ASCQ) in the
 * format the LU uses; ktgt_scsi_execute() then just completes it.
 * Return: -EINVAL, for a parser to return.
 */
int ktgt_cmd_parse_err(struct ktgt_cmd *cmd, u8 key, u16 asc_ascq);

/* Completion helpers, callable from any context (incl. bio end_io). */
void ktgt_cmd_complete(struct ktgt_cmd *cmd, u8 status);
void ktgt_cmd_complete_sense(struct ktgt_cmd *cmd, u8 key, u8 asc, u8 ascq);

/* Copy between a flat buffer and cmd->bvec (offset into the data buffer). */
size_t ktgt_cmd_copy_to(struct ktgt_cmd *cmd, u32 off, const void *src, size_t len);
size_t ktgt_cmd_copy_from(struct ktgt_cmd *cmd, u32 off, void *dst, size_t len);

/*
 * Data buffers of whole pages, allocated by the transport: buf_len = @len
 * exactly, one bvec per page (bv_offset 0, bv_len PAGE_SIZE, the last page
 * possibly only partly used).  -E2BIG above 16 MiB.  For a WRITE the
 * transport fills [0, buf_len) completely before ktgt_scsi_execute().
 */
int ktgt_cmd_alloc_buf(struct ktgt_cmd *cmd, u32 len, gfp_t gfp);
void ktgt_cmd_free_buf(struct ktgt_cmd *cmd);

/* Backstore objects (configfs/ creates them). */
struct ktgt_dev *ktgt_dev_alloc(enum ktgt_dev_type type, const char *name);
int ktgt_dev_enable(struct ktgt_dev *dev);	/* opens the backend */
/* Close the backend; -EBUSY while LUNs still map it (nr_luns != 0). */
int ktgt_dev_disable(struct ktgt_dev *dev);
void ktgt_dev_get(struct ktgt_dev *dev);
void ktgt_dev_put(struct ktgt_dev *dev);	/* last put closes and frees */
const struct ktgt_backend_ops *ktgt_backend_ops(enum ktgt_dev_type type);

/*
 * Forget a RESERVE(6/10), unit attentions and the medium removal prevention
 * of @nexus (call when the I_T nexus goes away, for each backstore the
 * session could reach; ktgt_ua_nexus_gone() catches the others).
 */
void ktgt_dev_nexus_gone(struct ktgt_dev *dev, const struct ktgt_nexus *nexus);
/*
 * LOGICAL UNIT RESET: drops any RESERVE(6/10) and medium removal
 * prevention, raises BUS DEVICE RESET FUNCTION OCCURRED for every nexus.
 */
void ktgt_dev_lun_reset(struct ktgt_dev *dev);
/* TARGET WARM/COLD RESET: the same with POWER ON, RESET, OR BDR OCCURRED */
void ktgt_dev_target_reset(struct ktgt_dev *dev);

/* --- Unit attentions (ua.c), SPC-4 5.14, UA_INTLCK_CTRL = 0 --- */

/* Conditions, as (ASC << 8 | ASCQ), sense key UNIT ATTENTION */
#define KTGT_UA_NOT_READY_TO_READY	0x2800	/* medium may have changed */
#define KTGT_UA_RESET_OCCURRED		0x2900	/* power on, reset or BDR */
#define KTGT_UA_BUS_DEVICE_RESET	0x2903	/* LU reset */
#define KTGT_UA_COMMANDS_CLEARED	0x2f00	/* by another initiator */
#define KTGT_UA_MODE_PARAMS_CHANGED	0x2a01
#define KTGT_UA_RESERVATIONS_PREEMPTED	0x2a03
#define KTGT_UA_RESERVATIONS_RELEASED	0x2a04
#define KTGT_UA_REGISTRATIONS_PREEMPTED	0x2a05
#define KTGT_UA_ALUA_STATE_CHANGED	0x2a06	/* asymmetric access state */
#define KTGT_UA_CAPACITY_CHANGED	0x2a09
#define KTGT_UA_INQUIRY_DATA_CHANGED	0x3f03
#define KTGT_UA_REPORTED_LUNS_CHANGED	0x3f0e	/* per nexus, not per LU */

/**
 * ktgt_ua_nexus_init() - prepare a nexus for unit attentions
 * @nexus: a new nexus, before its first command
 */
void ktgt_ua_nexus_init(struct ktgt_nexus *nexus);

/**
 * ktgt_ua_nexus_gone() - forget everything kept for a nexus that ended
 * @nexus: the I_T nexus; no command of it is parsed any more
 *
 * Frees its pending unit attentions and its medium removal preventions
 * on every backstore.  Call it once when the I_T nexus ends, before it
 * is freed.  Process context.
 */
void ktgt_ua_nexus_gone(struct ktgt_nexus *nexus);

/**
 * ktgt_ua_raise() - establish a unit attention for one I_T nexus
 * @dev:       the logical unit
 * @nexus:     the I_T nexus that is to see it
 * @asc_ascq:  ASC << 8 | ASCQ, e.g. KTGT_UA_RESERVATIONS_PREEMPTED
 *
 * The nexus's next command to @dev other than INQUIRY, REPORT LUNS and
 * REQUEST SENSE is terminated with CHECK CONDITION, UNIT ATTENTION and
 * this ASC/ASCQ (or REQUEST SENSE returns it), oldest condition first.
 * A condition already pending is not queued twice.  Any context.
 */
void ktgt_ua_raise(struct ktgt_dev *dev, const struct ktgt_nexus *nexus,
		   u16 asc_ascq);

/**
 * ktgt_ua_raise_others() - establish a unit attention for every I_T
 *                          nexus of @dev except @except
 * @dev:      the logical unit
 * @except:   the nexus that caused the change (NULL: none excepted)
 * @asc_ascq: ASC << 8 | ASCQ
 *
 * Only nexuses that have addressed @dev since they were established are
 * concerned: one that never did has nothing to be told.  Any context.
 */
void ktgt_ua_raise_others(struct ktgt_dev *dev,
			  const struct ktgt_nexus *except, u16 asc_ascq);

/**
 * ktgt_ua_raise_match() - establish a unit attention for every I_T nexus
 * of @dev that @match accepts (persistent reservations: the nexuses of a
 * registration)
 * @dev:      the logical unit
 * @match:    called under a spinlock, must not sleep; @nexus is valid
 *            for the call
 * @arg:      passed to @match
 * @asc_ascq: ASC << 8 | ASCQ
 */
void ktgt_ua_raise_match(struct ktgt_dev *dev,
			 bool (*match)(const struct ktgt_nexus *nexus, const void *arg),
			 const void *arg, u16 asc_ascq);

/**
 * ktgt_ua_raise_all() - establish a unit attention for every I_T nexus
 * @dev:      the logical unit
 * @asc_ascq: ASC << 8 | ASCQ
 */
void ktgt_ua_raise_all(struct ktgt_dev *dev, u16 asc_ascq);

/**
 * ktgt_ua_luns_changed() - REPORTED LUNS DATA HAS CHANGED for a nexus
 * @nexus: the I_T nexus whose LUN inventory changed
 *
 * Reported once, on the nexus's next command (other than INQUIRY, REPORT
 * LUNS and REQUEST SENSE) to any LUN, after the conditions of that LU;
 * a REPORT LUNS clears it.  Any context.
 */
void ktgt_ua_luns_changed(struct ktgt_nexus *nexus);

/* Backstore state (medium.c) */
/**
 * ktgt_dev_resize() - change the capacity of an enabled backstore
 * @dev:  the backstore
 * @size: new size in bytes, a multiple of the block size; 0 for the size
 *        of the backing file or device (file and block backstores)
 *
 * Raises CAPACITY DATA HAS CHANGED for every nexus when the capacity
 * changed.  Return: 0, -EINVAL (bad size), or the backend's error.
 */
int ktgt_dev_resize(struct ktgt_dev *dev, u64 size);
/* removable 0/1; raises INQUIRY DATA HAS CHANGED when it changes live */
void ktgt_dev_set_removable(struct ktgt_dev *dev, bool removable);

/*
 * backstores/<type>/<name>/pr_state: persistent reservations as text, a
 * configfs binary attribute of at most KTGT_PR_STATE_MAX bytes (pr.c).
 */
ssize_t ktgt_pr_state_read(struct ktgt_dev *dev, void *buf, size_t size);
ssize_t ktgt_pr_state_write(struct ktgt_dev *dev, const void *buf,
			    size_t count);
/* ALUA (alua.c): a LUN joins/leaves the ports of its backstore. */
void ktgt_alua_port_attach(struct ktgt_dev *dev, struct ktgt_alua_port *port,
			   u16 rel_port_id);
void ktgt_alua_port_detach(struct ktgt_dev *dev, struct ktgt_alua_port *port);

int ktgt_scsi_init(void);
void ktgt_scsi_exit(void);

#endif /* KTGT_SCSI_H */
