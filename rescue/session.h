/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.h - what a command holds while it works on a target: the opened
 * volume, the victim model and the findings (commands.c).
 */
#ifndef RSC_SESSION_H
#define RSC_SESSION_H

#include <stdbool.h>

#include "cmd.h"
#include "fsphase.h"
#include "report.h"

struct rsc_volume;
struct rsc_victim;

struct session {
	struct rsc_volume *vol;
	struct rsc_victim *victim;
	struct rsc_ctx ctx;
	bool ctx_ready;
	struct rsc_fsphase fsp; /* --deep, and the filesystem repair of fix --apply */
};

/*
 * Open o->target (read-write when rw) and check it looks like a Linux root;
 * with --user, load the victim and check the users exist. Before the mount,
 * --deep runs the filesystem's checker, and fix --apply --only fs.errors (…)
 * its repair (fsphase.h); their results stay in s->fsp, also on failure. Returns 0 or an
 * exit status, after telling o->err why.
 */
int session_open(struct session *s, const struct rsc_opts *o, bool rw);
void session_close(struct session *s);

#endif
