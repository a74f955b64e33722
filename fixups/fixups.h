/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fixups.h - the registry of fix families. A fix family turns findings of
 * the codes it knows into operations of a plan (rescue/plan.h); it never
 * changes the victim itself. Applying, journaling and undo are the core's.
 */
#ifndef RSC_FIXUPS_H
#define RSC_FIXUPS_H

#include <stdbool.h>
#include <stddef.h>

#include "problem.h"

struct rsc_ctx;
struct rsc_finding;
struct rsc_plan;

struct rsc_fixer {
	const char *name;	 /* "ssh-perms" */
	const enum rsc_pid *ids; /* the problems it repairs */
	size_t nids;
	/* Add the operations that repair f to p. 0, -ENOTSUP when f cannot be repaired, or -errno. */
	int (*plan)(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p);
};

extern const struct rsc_fixer fix_ssh_perms;
extern const struct rsc_fixer fix_ssh_authkeys;
extern const struct rsc_fixer fix_sshd_config;
extern const struct rsc_fixer fix_sshd_hostkeys;
extern const struct rsc_fixer fix_sshd_privsep;
extern const struct rsc_fixer fix_login;
extern const struct rsc_fixer fix_boot;
extern const struct rsc_fixer fix_packages;
extern const struct rsc_fixer fix_fs_repair;
extern const struct rsc_fixer fix_fs_cleanup;

/* Every fix family, NULL-terminated. */
extern const struct rsc_fixer *const rsc_fixers[];

/* The fixer for a problem, NULL when nothing can repair it automatically. */
const struct rsc_fixer *rsc_fixer_for(enum rsc_pid id);

#endif
