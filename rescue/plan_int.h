/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plan_int.h - private to the plan (plan.c, plan_out.c): the state of a
 * path as the plan sees it, and the cleanup operations that move, delete or
 * truncate files of a full disk (plan_out.c). Everyone else uses plan.h.
 */
#ifndef RSC_PLAN_INT_H
#define RSC_PLAN_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "plan.h"

struct rsc_journal;
struct rsc_root;

struct state {
	bool exists;
	mode_t type; /* S_IFMT bits */
	mode_t perm; /* 07777 */
	uid_t uid;
	gid_t gid;
	unsigned long long size;
	const struct rsc_op *wrote;  /* the plan's last WRITE of the path (preview only) */
	const struct rsc_op *linked; /* the plan's SYMLINK that made the path (preview only) */
};

#define PLAN_NONE SIZE_MAX

/* Where an operation's path is in the plan: its first and next operation, its last. */
struct plan_link {
	size_t first; /* the plan's first operation on this path (maybe this one) */
	size_t next;  /* the next operation on it, PLAN_NONE after the last */
	size_t last;  /* kept on the first operation only: the last on the path */
};

/*
 * The state of ops[idx]'s path: read from the victim, then, when simulate is
 * set, as the plan's earlier operations would leave it (the preview must
 * count what apply will do). Returns 0 or -errno (not -ENOENT).
 */
int plan_state_of(const struct rsc_plan *p, size_t idx, struct rsc_root *root, bool simulate,
		  struct state *s);

static inline bool plan_is_out(enum rsc_op_kind k)
{
	return k == RSC_OP_MOVE || k == RSC_OP_DELETE || k == RSC_OP_TRUNCATE;
}

/* The helper directory of one apply: DIR/<id>/, opened at the first MOVE or TRUNCATE. */
struct plan_out {
	int base;
	dev_t dev;	/* its filesystem: the victim's must differ */
	const char *id; /* the journal id, when there is no journal yet */
};

/* Print the preview line of a MOVE, DELETE or TRUNCATE (without its "(CODE)" tail). */
void plan_preview_out(const struct rsc_op *op, const struct state *s, const char *epath, FILE *out);

/*
 * Make one MOVE, DELETE or TRUNCATE: copy to the helper (fsynced, checked),
 * journal it (rsc_journal_gone()) before the victim changes, then change
 * the victim. With j NULL (no room for a journal yet), the record is not
 * written but the file's earlier state is returned in *before for the caller
 * to record later. Messages to err. 0 or -errno.
 */
int plan_out_apply(const struct rsc_op *op, struct rsc_root *root, struct rsc_journal *j,
		   struct plan_out *c, struct stat *before, FILE *err);
void plan_out_end(struct plan_out *c);

#endif
