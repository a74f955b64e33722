/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report.h - the run context, findings, and the one choke point that
 * records them: rsc_report(). Text and JSON output are produced from the
 * collected findings; checks never print.
 */
#ifndef RSC_REPORT_H
#define RSC_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "problem.h"

struct rsc_root;
struct rsc_victim;
struct rsc_volume;
struct rsc_fsphase;

/* What a check knows about one finding; every string is raw victim data. */
struct rsc_detail {
	const char *user;     /* account name, NULL if none */
	const char *path;     /* subject path (%p) */
	const char *file;     /* authorized keys file as sshd names it (%f) */
	unsigned long line;   /* %l, 0 if none */
	const char *evidence; /* one sentence of facts: "mode 0777, owner alice:alice" */
	bool has_stat;	      /* mode/uid/gid are the subject's */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	bool in_home; /* the subject is the user's home or below it */
};

struct rsc_finding {
	enum rsc_pid id;
	char *user, *path, *file, *evidence;
	unsigned long line;
	bool has_stat;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	bool in_home;
	size_t seq; /* order of report, for stable output */
};

/* Per-user summary kept for the verdict. */
struct rsc_user_state {
	char *name;
	uid_t uid;
	unsigned usable_keys; /* keys sshd would accept */
	unsigned key_files;   /* authorized keys files that exist */
};

/*
 * The victim's root filesystem as the fs-health family measured it, for the
 * report (blocks in units of block_size). Filled by that family; zero (has_usage
 * false) when nothing could be measured.
 */
struct rsc_fs_usage {
	bool has_usage;
	const char *source;  /* "superblock" or "statvfs" (static) */
	const char *fstype;  /* "ext4", … or NULL (static or the volume's) */
	bool health_checked; /* the superblock was read (libext2fs) */
	char *health_note;   /* why not, when !health_checked (owned) */
	bool unreplayed;     /* a journal needs recovery: the figures are the unreplayed state */
	uint64_t block_size;
	uint64_t blocks;      /* total */
	uint64_t blocks_free; /* free, root's reserve included */
	uint64_t blocks_root; /* of the free ones, how many root may still use */
	uint64_t blocks_user; /* of the free ones, how many any user may use */
	uint64_t reserved;    /* reserved for root (s_r_blocks_count, or bfree - bavail) */
	uint64_t inodes, inodes_free;
};

struct rsc_ctx {
	struct rsc_root *root;		 /* borrowed */
	struct rsc_victim *victim;	 /* borrowed */
	const struct rsc_volume *volume; /* borrowed; NULL in unit tests: no device to read */
	struct rsc_fs_usage fs;		 /* filled by the fs-health family */
	char **only_users;		 /* --user filter, NULL-terminated or NULL */
	bool reset_sshd_config;		 /* fix --reset-sshd-config: replace a broken sshd_config */
	char **debs;	     /* fix --from-deb: package archives on the helper (borrowed) */
	const char *move_to; /* fix --move-to DIR: where a cleanup moves files (borrowed) */
	bool delete_files;   /* fix --delete */
	bool truncate_logs;  /* fix --truncate-logs */
	const struct rsc_fsphase *fsphase; /* --deep and repair results (borrowed), may be NULL */
	struct rsc_finding *findings;
	size_t nfindings, cap;
	struct rsc_user_state *users;
	size_t nusers, ucap;
};

/* Init ctx for root and victim (both borrowed). */
void rsc_ctx_init(struct rsc_ctx *ctx, struct rsc_root *root, struct rsc_victim *victim);
/* Free findings, user states and fs (not root/victim/volume/only_users). */
void rsc_ctx_clear(struct rsc_ctx *ctx);

/*
 * Record a finding. The detail's strings are copied. A finding identical to
 * one already recorded (same code, user, path and line) is recorded once.
 * Returns 0 or -ENOMEM.
 */
int rsc_report(struct rsc_ctx *ctx, enum rsc_pid id, const struct rsc_detail *d);

/* Find or add the state of a user for the verdict. NULL on ENOMEM. */
struct rsc_user_state *rsc_ctx_user(struct rsc_ctx *ctx, const char *name, uid_t uid);

/* true if findings of severity error remain */
bool rsc_ctx_has_errors(const struct rsc_ctx *ctx);

/*
 * Expand a template of the problem table for finding f: %p %u %f %l %c (the code) %%.
 * Returns a new, ESCAPED string (safe for a terminal or a log), NULL on ENOMEM.
 */
char *rsc_finding_format(const struct rsc_finding *f, const char *tmpl);

/* Sort findings: by user (users in passwd order first), then severity (worst first), then seq. */
void rsc_ctx_sort(struct rsc_ctx *ctx);

struct rsc_report_opts {
	const char *command;		 /* "check", "fix", … */
	const struct rsc_volume *volume; /* may be NULL */
	bool color;
	int exit_status; /* for JSON */
};

/* The human report: verdict first, then findings grouped by user. */
void rsc_report_text(struct rsc_ctx *ctx, const struct rsc_report_opts *o, FILE *out);
/* The JSON report (docs/report.schema.json). Returns 0 or -ENOMEM. */
int rsc_report_json(struct rsc_ctx *ctx, const struct rsc_report_opts *o, FILE *out);

#endif
