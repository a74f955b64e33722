/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsphase.h - what happens to the victim's filesystem before it is mounted
 * (commands.c passes rsc_fsphase_hook to rsc_volume_open_hook):
 *   check --deep   the filesystem's own read-only checker (fsck.h);
 *   fix --apply --only fs.errors (or another code of rsc_fsphase_code())
 *                  when the superblock (or --deep) shows that damage: a
 *                  metadata backup on the helper (e2image -Q), then the
 *                  repair (e2fsck -fy -z UNDO, its undo file beside the
 *                  backup). Only on the unmounted device, never in check,
 *                  never without being asked by code. A repair that stops
 *                  half-way (e2fsck cancelled by SIGINT, or killed) is rolled
 *                  back from that file (e2undo): the device is as before.
 *                  A signal to sshrescue waits for the checker to end.
 * fix --apply also reads the superblock here (after the repair, if any): a
 * read-write mount changes its state, so that is what its report shows.
 * The results go into the report (ctx->fsphase) and, after a repair, into a
 * log on the victim written through the journal (rsc_fsphase_log_plan).
 */
#ifndef RSC_FSPHASE_H
#define RSC_FSPHASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "fsck.h"
#include "problem.h"

struct rsc_buf;
struct rsc_ctx;
struct rsc_plan;
struct rsc_root;
struct rsc_volume;

/* Where backups go when --fs-backup is not given (on the helper). */
#define RSC_FS_BACKUP_DIR "/var/lib/sshrescue/backups"

struct rsc_fsphase {
	/* what was asked */
	bool deep;	    /* --deep */
	bool repair;	    /* fix --apply */
	char **only;	    /* fix --only codes (borrowed) */
	const char *backup; /* --fs-backup FILE, NULL: a new file in RSC_FS_BACKUP_DIR */
	bool no_backup;	    /* --no-fs-backup */
	FILE *progress;	    /* a terminal for progress lines, or NULL */
	FILE *msg;	    /* where the steps are told */
	/* what happened */
	char *fstype; /* of the filesystem seen (owned) */
	struct rsc_fsck_result deep_res, backup_res, repair_res, rollback_res;
	char *backup_path;   /* the backup written (owned) */
	char *undo_path;     /* ext*: e2fsck's undo file, beside the backup (owned) */
	struct rsc_ctx *pre; /* fix --apply: the superblock's findings before the mount (owned) */
	char *why_repair; /* the codes that asked for the repair, "fs.errors fs.unclean" (owned) */
	enum rsc_pid why_id; /* the first of them */
};

/* The problems a filesystem repair answers. */
#define RSC_FSPHASE_NIDS 5
extern const enum rsc_pid rsc_fsphase_ids[RSC_FSPHASE_NIDS];

/* true for the codes a filesystem repair answers (fs.errors, fs.unclean, …). */
bool rsc_fsphase_code(const char *code);

/* true when o->only names one of those codes. */
bool rsc_fsphase_wanted(char **only);

/* The volume hook: see the top of this file. arg is a struct rsc_fsphase. */
int rsc_fsphase_hook(const struct rsc_volume *v, const char *dev, void *arg, struct rsc_buf *why);

/*
 * After a repair: add to p the log /var/log/sshrescue/fsck-STAMP.log on the
 * victim (the checker's command, status and output, the backup and how to
 * restore it). Nothing when no repair ran. Returns 0 or -ENOMEM.
 */
int rsc_fsphase_log_plan(const struct rsc_fsphase *f, struct rsc_root *root, struct rsc_plan *p);

/*
 * The deep check's verdict, when it ran, for an error line: appends "; before the
 * mount, e2fsck -f -n DEV: damaged (exit status 4): first problems" to b, escaped;
 * nothing when it did not run. For a volume that then could not be mounted or is
 * not a Linux root: the verdict must not be lost with the report. 0 or -ENOMEM.
 */
int rsc_fsphase_deep_said(const struct rsc_fsphase *f, struct rsc_buf *b);

void rsc_fsphase_free(struct rsc_fsphase *f);

#endif
