/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ALUA (SPC-4 5.16): asymmetric logical unit access.  Each backstore holds
 * target port groups (backstores/<type>/<name>/alua/<group>/); every target
 * port reaching the backstore (a LUN of a TPG, struct ktgt_alua_port) is in
 * exactly one of them, the default group unless assigned.  The group's
 * access state decides which commands the port accepts.
 *
 * scsi_backend/alua.c holds the logic and the SCSI commands;
 * configfs/alua.c the directories and attributes.
 */
#ifndef KTGT_ALUA_H
#define KTGT_ALUA_H

#include <linux/configfs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "ktgt_scsi.h"

#define KTGT_OP_MAINTENANCE_OUT		0xa4
#define KTGT_MO_SET_TPGS		0x0a

/* ASYMMETRIC ACCESS STATE (SPC-4 table 173) */
#define KTGT_ALUA_AO		0x0	/* active/optimized */
#define KTGT_ALUA_AN		0x1	/* active/non-optimized */
#define KTGT_ALUA_STANDBY	0x2
#define KTGT_ALUA_UNAVAILABLE	0x3
#define KTGT_ALUA_OFFLINE	0xe
#define KTGT_ALUA_TRANSITIONING	0xf

/* supported-state bits: byte 1 of a target port group descriptor */
#define KTGT_ALUA_SUP_T		0x80
#define KTGT_ALUA_SUP_O		0x40
#define KTGT_ALUA_SUP_U		0x08
#define KTGT_ALUA_SUP_S		0x04
#define KTGT_ALUA_SUP_AN	0x02
#define KTGT_ALUA_SUP_AO	0x01
#define KTGT_ALUA_SUP_ALL	0xcf

/* alua_access_type: TPGS bits (INQUIRY byte 5 bits 5-4 = type << 4) */
#define KTGT_ALUA_IMPLICIT	0x1
#define KTGT_ALUA_EXPLICIT	0x2

/* RTPG status code */
#define KTGT_ALUA_STATUS_NONE		0x0
#define KTGT_ALUA_STATUS_EXPLICIT	0x1
#define KTGT_ALUA_STATUS_IMPLICIT	0x2

#define KTGT_ALUA_DEFAULT_GP_NAME	"default_tg_pt_gp"
#define KTGT_ALUA_DEFAULT_GP_ID		0

/* backstores/<type>/<name>/alua/<group>/ */
struct ktgt_alua_tg_pt_gp {
	struct config_group group;
	struct ktgt_alua *alua;		/* owner */
	struct list_head node;		/* alua->gps, under alua->lock */
	struct rcu_head rcu;
	u16 id;				/* unique in the backstore */
	u8 state;			/* KTGT_ALUA_*, read locklessly */
	u8 status;			/* KTGT_ALUA_STATUS_* */
	u8 supported;			/* KTGT_ALUA_SUP_* */
	u8 access_type;			/* KTGT_ALUA_IMPLICIT | _EXPLICIT */
	bool pref;
	bool is_default;
};

/* backstores/<type>/<name>/alua/ */
struct ktgt_alua {
	struct config_group group;
	struct ktgt_dev *dev;
	struct mutex lock;		/* gps, ports, group attributes */
	struct list_head gps;		/* default first */
	struct list_head ports;		/* of ktgt_alua_port */
	struct ktgt_alua_tg_pt_gp default_gp;
};

/* scsi_backend/alua.c */
int ktgt_alua_dev_init(struct ktgt_dev *dev);
void ktgt_alua_dev_free(struct ktgt_dev *dev);
void ktgt_alua_gp_init(struct ktgt_alua *alua, struct ktgt_alua_tg_pt_gp *gp);
/* Add @gp with the lowest free id >= 1; -ENOSPC when all are taken. */
int ktgt_alua_gp_add(struct ktgt_alua *alua, struct ktgt_alua_tg_pt_gp *gp);
/* Remove @gp: its ports return to the default group. */
void ktgt_alua_gp_remove(struct ktgt_alua_tg_pt_gp *gp);
int ktgt_alua_gp_set_id(struct ktgt_alua_tg_pt_gp *gp, u16 id);
int ktgt_alua_gp_set_state(struct ktgt_alua_tg_pt_gp *gp, u8 state);
int ktgt_alua_gp_set_supported(struct ktgt_alua_tg_pt_gp *gp, u8 bit, bool on);
int ktgt_alua_gp_set_access_type(struct ktgt_alua_tg_pt_gp *gp, u8 type);
void ktgt_alua_gp_set_pref(struct ktgt_alua_tg_pt_gp *gp, bool pref);
/* Put @port in the group named @name of @dev: -ENOENT, -ENODEV. */
int ktgt_alua_port_set_gp(struct ktgt_dev *dev, struct ktgt_alua_port *port,
			  const char *name);
/* The name of @port's group into @buf, "" when detached. */
void ktgt_alua_port_gp_name(struct ktgt_dev *dev, struct ktgt_alua_port *port,
			    char *buf, size_t size);
const char *ktgt_alua_state_name(u8 state);
int ktgt_alua_parse_state(const char *s, u8 *state);


#endif /* KTGT_ALUA_H */
