/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsck.h - the filesystems' own checkers, run on an unmounted device: the
 * deep read-only check (check --deep: e2fsck -fn, xfs_repair -n, btrfs check
 * --readonly), the metadata backup before a repair (e2image -Q), the
 * repair itself (e2fsck -fy, keeping an undo file) and its rollback
 * (e2undo). One table row per checker (fsck.c); the caller guarantees the
 * device is not mounted (volume.h's pre-mount hook).
 */
#ifndef RSC_FSCK_H
#define RSC_FSCK_H

#include <stdbool.h>
#include <stdio.h>

enum rsc_fsck_mode {
	RSC_FSCK_DEEP,	   /* read-only: change nothing, say what is wrong */
	RSC_FSCK_REPAIR,   /* repair everything the checker can */
	RSC_FSCK_BACKUP,   /* save the metadata to a file (e2image -Q) */
	RSC_FSCK_ROLLBACK, /* put back what a repair changed, from its undo file (e2undo) */
};

enum rsc_fsck_verdict {
	RSC_FSCK_NOT_RUN = 0,
	RSC_FSCK_CLEAN,	   /* nothing wrong (a repair changed nothing) */
	RSC_FSCK_DAMAGED,  /* the read-only check found damage */
	RSC_FSCK_REPAIRED, /* the repair changed the filesystem and left no error */
	RSC_FSCK_LEFT,	   /* the repair left errors it could not correct */
	RSC_FSCK_FAILED,   /* the checker could not do its job (missing, error, timeout) */
	RSC_FSCK_DONE,	   /* a backup was written */
};

struct rsc_fsck_result {
	enum rsc_fsck_mode mode;
	enum rsc_fsck_verdict verdict;
	const char *tool; /* "e2fsck" (static), NULL when no checker knows the fstype */
	char *command;	  /* the command line as run, for the user (owned) */
	int status;	  /* its exit status, -1 when it did not exit */
	char *output;	  /* what it printed, stdout and stderr, at most 1 MiB (owned) */
	bool truncated;	  /* output was longer */
	bool killed;	  /* it ended by a signal (status -1) */
	char *reason;	  /* FAILED: one sentence (owned) */
	long elapsed_ms;
};

/* true when a checker is known for fstype in mode ("ext4", RSC_FSCK_DEEP). */
bool rsc_fsck_supported(const char *fstype, enum rsc_fsck_mode mode);

/* The program of fstype in mode ("e2image"), or NULL. */
const char *rsc_fsck_tool(const char *fstype, enum rsc_fsck_mode mode);

/* How the user puts a metadata backup of fstype back: "e2image -r FILE DEVICE". */
const char *rsc_fsck_restore_hint(const char *fstype);

/*
 * Run the checker of fstype on the unmounted device dev in mode. file is
 * the backup file (RSC_FSCK_BACKUP; it must not exist), the undo file the
 * repair keeps (RSC_FSCK_REPAIR, e2fsck -z; NULL for none; it must not
 * exist), or the undo file to replay (RSC_FSCK_ROLLBACK). With progress
 * (a terminal) a progress line is drawn there while e2fsck works. Returns
 * 0 with *res filled (any verdict, FAILED included), or -ENOMEM.
 */
int rsc_fsck_run(const char *fstype, const char *dev, enum rsc_fsck_mode mode, const char *file,
		 FILE *progress, struct rsc_fsck_result *res);

/*
 * The lines of res->output that say what is wrong or what was changed: the
 * checker's banner, pass headers and summary left out. At most max lines,
 * joined by "; ". Returns a string (owned by the caller) or NULL on ENOMEM.
 */
char *rsc_fsck_problems(const struct rsc_fsck_result *res, unsigned max);

/*
 * Whether a repair changed the filesystem: e2fsck says so in bits 1 and 2 of
 * its status, also when errors are left; xfs_repair stopped by a dirty log
 * (status 2) changed nothing.
 */
bool rsc_fsck_changed(const struct rsc_fsck_result *res);

/*
 * Whether a repair stopped half-way: e2fsck cancelled (status bit 32, after a
 * SIGINT) or killed by a signal. What it changed until then is in its undo file.
 */
bool rsc_fsck_interrupted(const struct rsc_fsck_result *res);

/* "clean", "damaged", … for reports. */
const char *rsc_fsck_verdict_name(enum rsc_fsck_verdict v);

void rsc_fsck_result_free(struct rsc_fsck_result *res);

#endif
