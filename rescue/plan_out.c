// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plan_out.c - the operations of a full disk's cleanup: MOVE a file to a
 * directory of the helper, DELETE it (only on --delete), TRUNCATE an active
 * log after copying it out.
 *
 * The journal cannot keep the bytes of what is removed: the disk is full.
 * So the copy on the helper comes first (written, fsynced, checked against
 * the victim's file), then the journal record naming it ("moved SEQ DEST",
 * docs/journal.md), then the victim's change. A crash at any point leaves
 * the file either still on the victim or safe on the helper.
 *
 * A victim too full to hold even the journal's manifest: the first files
 * are moved before the journal exists (rsc_plan_make_room), into the
 * directory of the journal id chosen in advance, and recorded as soon as
 * the journal can be started.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fault.h"
#include "journal.h"
#include "movedir.h"
#include "plan_int.h"
#include "root.h"
#include "util.h"

#define ROOM_TRIES 10000 /* files moved before giving up on starting the journal */

/* What the journal says of each kind, and what messages call it. */
static const struct {
	enum rsc_jgone how;
	const char *verb;
} kinds[] = {
	[RSC_OP_MOVE] = { RSC_JG_MOVED, "move" },
	[RSC_OP_DELETE] = { RSC_JG_DELETED, "delete" },
	[RSC_OP_TRUNCATE] = { RSC_JG_TRUNCATED, "truncate" },
};

static const char *verb(enum rsc_op_kind k)
{
	return kinds[k].verb;
}

void plan_preview_out(const struct rsc_op *op, const struct state *s, const char *epath, FILE *out)
{
	_cleanup_free_ char *dir = op->target ? rsc_escape(op->target) : NULL;
	const char *to = dir ? dir : "(no --move-to DIR given)";

	if (s->exists && s->type != S_IFREG) {
		fprintf(out, "  %s %s (%s: refused)", verb(op->kind), epath,
			s->type == S_IFDIR ? "directory" : "not a regular file");
		return;
	}
	switch (op->kind) {
	case RSC_OP_MOVE:
		fprintf(out, "  move %s (%llu bytes) to %s", epath, s->size, to);
		break;
	case RSC_OP_DELETE:
		fprintf(out, "  delete %s (%llu bytes, not kept)", epath, s->size);
		break;
	default:
		fprintf(out, "  truncate %s (%llu -> 0 bytes, a copy to %s)", epath, s->size, to);
		break;
	}
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static int open_base(const struct rsc_op *op, struct rsc_journal *j, struct plan_out *c, FILE *err)
{
	const char *id = j ? rsc_journal_id(j) : c->id;
	struct stat st = { 0 };
	int r;

	if (c->base >= 0)
		return 0;
	if (!op->target)
		return -EDESTADDRREQ;
	r = rsc_movedir_make(op->target, id, &c->base);
	if (r == 0 && fstat(c->base, &st) < 0)
		r = -errno;
	if (r < 0) {
		_cleanup_free_ char *e = rsc_escape(op->target);

		if (err)
			fprintf(err, "sshrescue: cannot make %s/%s for the moved files: %s\n",
				e ? e : "?", id, strerror(-r));
		return r;
	}
	c->dev = st.st_dev;
	return 0;
}

/* Truncate the open file w to nothing and fsync it; each step is a fault point. */
static int truncate_synced(int w)
{
	int r = rsc_fault("truncate");

	if (r == 0 && ftruncate(w, 0) < 0)
		r = -errno;
	if (r == 0)
		r = rsc_fault("fsync");
	if (r == 0 && fsync(w) < 0)
		r = -errno;
	return r;
}

/* Copy the victim's open file in (state st) to DIR/<id><path>; the copy is durable after. */
static int copy_out(const struct rsc_op *op, int in, const struct stat *st, struct plan_out *c,
		    FILE *err)
{
	_cleanup_close_ int out = -1;
	struct stat after;
	uint64_t n = 0;
	int r;

	if (st->st_dev == c->dev) {
		_cleanup_free_ char *e = rsc_escape(op->target);

		if (err)
			fprintf(err,
				"sshrescue: --move-to %s is on the victim's filesystem: moving "
				"there frees nothing\n",
				e ? e : "?");
		return -EXDEV;
	}
	out = rsc_movedir_create(c->base, op->path);
	if (out < 0)
		return out;
	r = rsc_fault("copy");
	if (r == 0)
		r = rsc_copy_fd(in, out, &n);
	if (r == 0)
		r = rsc_copy_meta(out, st);
	if (r == 0)
		r = rsc_fault("syncfs");
	if (r == 0 && syncfs(out) < 0)
		r = -errno;
	if (r == 0)
		r = rsc_fault("verify"); /* as if the victim's file had changed meanwhile */
	if (r == 0 && fstat(in, &after) < 0)
		r = -errno;
	/* the victim's file must not have changed while it was copied */
	if (r == 0 && (n != (uint64_t)st->st_size || !same_file(st, &after)))
		r = -EAGAIN;
	if (r < 0)
		rsc_movedir_remove(c->base, op->path); /* a partial copy is nobody's */
	return r;
}

int plan_out_apply(const struct rsc_op *op, struct rsc_root *root, struct rsc_journal *j,
		   struct plan_out *c, struct stat *before, FILE *err)
{
	_cleanup_free_ char *dest = NULL, *e = rsc_escape(op->path);
	_cleanup_close_ int in = -1, w = -1;
	const char *step = "read";
	struct stat st, now;
	int r = 0;

	in = rsc_root_open_ro(root, op->path, 0, RSC_NOFOLLOW);
	if (in < 0)
		r = in;
	else if (fstat(in, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	else if (st.st_nlink > 1)
		r = -EMLINK; /* its other names keep the blocks: nothing would be freed */
	if (r == 0 && op->kind != RSC_OP_DELETE) {
		step = "copy to the helper";
		r = open_base(op, j, c, err);
		if (r == 0)
			r = copy_out(op, in, &st, c, err);
		if (r == 0) {
			dest = rsc_movedir_dest(op->target, j ? rsc_journal_id(j) : c->id,
						op->path);
			if (!dest)
				r = -ENOMEM;
		}
	}
	if (r == 0 && j) {
		step = "journal";
		r = rsc_journal_gone(j, op->path, &st, kinds[op->kind].how, dest);
	}
	/* the victim's change, on the very file that was copied */
	if (r == 0) {
		step = op->kind == RSC_OP_TRUNCATE ? "truncate" : "remove";
		r = rsc_root_stat(root, op->path, &now, RSC_NOFOLLOW);
		if (r == 0 && !same_file(&st, &now))
			r = -EAGAIN;
	}
	if (r == 0 && op->kind == RSC_OP_TRUNCATE) {
		w = rsc_root_open_at(root, op->path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
				     0, RSC_NOFOLLOW);
		if (w < 0)
			r = w;
		else if (fstat(w, &now) < 0 || !same_file(&st, &now))
			r = -EAGAIN;
		else
			r = truncate_synced(w);
	} else if (r == 0) {
		r = rsc_root_unlink(root, op->path, 0);
		if (r == 0)
			r = rsc_root_sync_parent(root, op->path);
	}
	if (r < 0 && err)
		fprintf(err, "sshrescue: cannot %s %s (%s): %s\n", verb(op->kind), e ? e : "?",
			step, strerror(-r));
	if (r == 0 && before)
		*before = st;
	return r;
}

void plan_out_end(struct plan_out *c)
{
	if (c->base >= 0)
		close(c->base);
	c->base = -1;
}

/* The helper's --move-to DIR of the plan's cleanup, NULL for none (--delete). */
static const char *moved_to(const struct rsc_plan *p)
{
	for (size_t i = 0; i < p->nops; i++)
		if (plan_is_out(p->ops[i].kind) && p->ops[i].target)
			return p->ops[i].target;
	return NULL;
}

/* Is the victim's file of op gone (or emptied by a TRUNCATE) after a failed plan_out_apply()? */
static bool taken(const struct rsc_op *op, struct rsc_root *root)
{
	struct stat st;
	int r = rsc_root_stat(root, op->path, &st, RSC_NOFOLLOW);

	return r == -ENOENT || (r == 0 && op->kind == RSC_OP_TRUNCATE && st.st_size == 0);
}

/* One file taken away before the journal existed, to be recorded in it. */
struct early {
	const struct rsc_op *op;
	struct stat st;
};

int rsc_plan_make_room(const struct rsc_plan *p, struct rsc_root *root, const char *command,
		       struct rsc_journal **j, size_t *done, FILE *err)
{
	_cleanup_free_ char *id = NULL;
	_cleanup_free_ struct early *early = NULL;
	struct plan_out c = { .base = -1 };
	size_t n = 0;
	int r;

	*j = NULL;
	*done = 0;
	r = rsc_journal_free_id(root, moved_to(p), &id);
	if (r < 0)
		return r;
	c.id = id;
	early = calloc(p->nops ? p->nops : 1, sizeof(*early));
	if (!early)
		return -ENOMEM;
	r = -ENOSPC;
	for (size_t i = 0; i < p->nops && n < ROOM_TRIES && (r == -ENOSPC || r == -EDQUOT); i++) {
		const struct rsc_op *op = &p->ops[i];
		struct state s;

		if (!plan_is_out(op->kind))
			continue;
		r = plan_state_of(p, i, root, false, &s);
		if (r < 0)
			break;
		r = -ENOSPC;
		if (!s.exists || s.type != S_IFREG || (op->kind == RSC_OP_TRUNCATE && s.size == 0))
			continue;
		r = plan_out_apply(op, root, NULL, &c, &early[n].st, err);
		if (r < 0) {
			if (taken(op, root))
				early[n++].op = op; /* only its fsync failed: counted, and said */
			break;
		}
		early[n++].op = op;
		r = rsc_journal_begin_as(root, command, id, j);
	}
	plan_out_end(&c);
	if (r == 0) {
		for (size_t k = 0; k < n && r == 0; k++) {
			bool copied = early[k].op->kind != RSC_OP_DELETE;
			_cleanup_free_ char *dest = copied ? rsc_movedir_dest(early[k].op->target,
									      id, early[k].op->path)
							   : NULL;

			if (copied && !dest)
				r = -ENOMEM;
			else
				r = rsc_journal_gone(*j, early[k].op->path, &early[k].st,
						     kinds[early[k].op->kind].how, dest);
		}
	}
	*done = n;
	if (r < 0 && err) {
		fprintf(err,
			"sshrescue: no journal could be started on the victim (%s) after taking "
			"%zu file%s away",
			strerror(-r), n, n == 1 ? "" : "s");
		if (n && early[0].op->target) {
			_cleanup_free_ char *e = rsc_escape(early[0].op->target);

			fprintf(err, "; what was moved is in %s/%s, below its victim path",
				e ? e : "?", id);
		}
		fputs("\n", err);
	}
	if (r < 0 && *j) {
		rsc_journal_close(*j);
		*j = NULL;
	}
	return r;
}
