/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * checks.h - the registry of check families. Each family lives in its own
 * file, defines one const struct rsc_check, and reports findings only
 * through rsc_report(). Checks never write to the victim.
 */
#ifndef RSC_CHECKS_H
#define RSC_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct rsc_ctx;

struct rsc_check {
	const char *name;    /* "ssh-access" */
	const char *summary; /* one line for --help and the docs */
	/* Returns 0, or -errno when the check itself could not run. */
	int (*run)(struct rsc_ctx *ctx);
};

extern const struct rsc_check chk_fs_health;
extern const struct rsc_check chk_ssh_access;
extern const struct rsc_check chk_sshd_config;
extern const struct rsc_check chk_sshd_lockout;
extern const struct rsc_check chk_sshd_start;
extern const struct rsc_check chk_sshd_boot;
extern const struct rsc_check chk_sshd_binary;
extern const struct rsc_check chk_login_gate;
extern const struct rsc_check chk_packages;

/* Every check family, in run order, NULL-terminated. */
extern const struct rsc_check *const rsc_checks[];

/*
 * Run every check on ctx. A family that fails is named in err (may be NULL),
 * becomes a finding (fs.read.error for a read the kernel refused as damaged,
 * else check.failed) and the others still run. Returns 0, the first -errno,
 * or -ENOMEM at once.
 */
int rsc_run_checks(struct rsc_ctx *ctx, FILE *err);

/* Does the -errno err mean damage (EIO, EBADMSG, EUCLEAN), so fs.read.error and not check.failed? */
bool rsc_err_is_damage(int err);

#endif
