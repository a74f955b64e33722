/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * devicesP.h - shared by the files of `sshrescue devices`: the helper's
 * block devices as cmd_devices.c reads them, and the activation of the LVM
 * volume groups and LUKS containers among them (devices_activate.c).
 */
#ifndef RSC_DEVICESP_H
#define RSC_DEVICESP_H

#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"
#include "fstab.h"
#include "util.h"

struct rsc_dev {
	char name[64]; /* "sda1", "dm-0" */
	char *type, *label, *uuid, *partuuid, *pttype, *usage;
	unsigned long long size;
	bool partition;
	char *mounted; /* where the helper has it mounted, or NULL */
	bool running_root;
	char *clone_of; /* the helper's mountpoint of a filesystem with the same UUID */
	char *dm_name;	/* its device-mapper name (/dev/mapper/NAME), or NULL */
	char *holders;	/* what is stacked on it, "/dev/mapper/a /dev/mapper/b", or NULL */
	/* the peek */
	bool peeked, linux_root, has_sshd;
	char *os;
	struct rsc_fstab fstab;
	char *why_not; /* why it was not peeked or is no root */
};

/*
 * The block devices of /sys/class/block (no ramN, none of size 0), each
 * identified with libblkid, sorted by name, in a new array *out (free it
 * with rsc_devs_free). Returns their count or -errno.
 */
int rsc_devs_scan(struct rsc_dev **out);
void rsc_devs_free(struct rsc_dev *devs, int n);

/*
 * The device-mapper name of the block device NAME ("dm-3"), from sysfs, or
 * NULL (no dm device, ENOMEM). Caller frees.
 */
char *rsc_dm_name(const char *name);

/*
 * What sysfs says is stacked on the block device NAME (its holders: a
 * logical volume, an open LUKS mapping), as "/dev/mapper/X /dev/Y", or NULL
 * (none, ENOMEM). Caller frees.
 */
char *rsc_dev_holders(const char *name);

/*
 * devices --activate: activate the volume groups of the LVM physical
 * volumes here and open the LUKS containers read-only (until nothing new
 * appears: LVM on LUKS), saying on msg what was done, refused or failed.
 * *undo gets the commands that undo it, one a line, in the order to run
 * them. Returns 0 when every container is active, or RSC_EXIT_OPERATIONAL.
 */
int rsc_devs_activate(const struct rsc_opts *o, FILE *msg, struct rsc_buf *undo);

#endif
