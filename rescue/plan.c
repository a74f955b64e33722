// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plan.c - the list of changes a fix makes: built by the fix families,
 * previewed against the victim's current state, applied through the journal.
 *
 * An operation whose target already has the wanted state is neither shown,
 * counted, journaled nor applied: a second run of the same plan does nothing.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "journal.h"
#include "plan.h"
#include "plan_int.h"
#include "root.h"
#include "util.h"
#include "volume.h"

static void op_clear(struct rsc_op *op)
{
	free(op->path);
	free(op->data);
	free(op->target);
	free(op->code);
	free(op->why);
	memset(op, 0, sizeof(*op));
}

void rsc_plan_free(struct rsc_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nops; i++)
		op_clear(&p->ops[i]);
	free(p->ops);
	free(p->link);
	rsc_hmap_free(&p->bypath);
	memset(p, 0, sizeof(*p));
}

/* ---- the index: a path's operations ------------------------------------- */

static uint64_t path_hash(const char *path)
{
	return rsc_hash_str(rsc_hash_init(), path);
}

/* The plan's first operation on path, PLAN_NONE if none. */
static size_t first_of(const struct rsc_plan *p, const char *path)
{
	uint64_t h = path_hash(path);
	size_t pos = 0, i;

	while (rsc_hmap_next(&p->bypath, h, &pos, &i))
		if (i < p->nops && strcmp(p->ops[i].path, path) == 0)
			return i;
	return PLAN_NONE;
}

/* Put ops[i] (already in the array, i < cap) at the end of its path's operations. */
static int link_op(struct rsc_plan *p, size_t i)
{
	size_t f = first_of(p, p->ops[i].path);
	int r;

	if (f == PLAN_NONE) {
		r = rsc_hmap_add(&p->bypath, path_hash(p->ops[i].path), i);
		if (r < 0)
			return r;
		p->link[i] = (struct plan_link){ i, PLAN_NONE, i };
		return 0;
	}
	p->link[i] = (struct plan_link){ f, PLAN_NONE, PLAN_NONE };
	p->link[p->link[f].last].next = i;
	p->link[f].last = i;
	return 0;
}

/* Make the index again after the operations moved. 0 or -ENOMEM. */
static int reindex(struct rsc_plan *p)
{
	size_t n = p->nops;
	int r = 0;

	rsc_hmap_free(&p->bypath);
	p->nops = 0; /* first_of() sees only the operations linked so far */
	for (size_t i = 0; i < n && r == 0; i++) {
		p->nops = i;
		r = link_op(p, i);
	}
	p->nops = n;
	return r;
}

/* The first operation of this kind on path, if any. */
static struct rsc_op *find(const struct rsc_plan *p, enum rsc_op_kind kind, const char *path)
{
	for (size_t i = first_of(p, path); i != PLAN_NONE; i = p->link[i].next)
		if (p->ops[i].kind == kind)
			return &p->ops[i];
	return NULL;
}

/* Room for one more operation in ops[] and link[]. */
static int grow(struct rsc_plan *p)
{
	size_t cap = p->cap ? p->cap * 2 : 8;
	struct rsc_op *ops;
	struct plan_link *link;

	if (p->nops < p->cap)
		return 0;
	if (cap > UINT32_MAX - 2)
		return -ENOMEM; /* the index holds 32-bit positions */
	ops = reallocarray(p->ops, cap, sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	p->ops = ops;
	link = reallocarray(p->link, cap, sizeof(*link));
	if (!link)
		return -ENOMEM; /* ops[] is larger, cap is not: the next call grows link[] again */
	p->link = link;
	p->cap = cap;
	return 0;
}

/* Copy code and why into op (replacing what it had). */
static int set_text(struct rsc_op *op, const char *code, const char *why)
{
	char *c = strdup(code ? code : "-");
	char *w = why ? strdup(why) : NULL;

	if (!c || (why && !w)) {
		free(c);
		free(w);
		return -ENOMEM;
	}
	free(op->code);
	free(op->why);
	op->code = c;
	op->why = w;
	return 0;
}

/* Append a copy of tmpl with its own copies of path, data, target, code and why. */
static int add(struct rsc_plan *p, const struct rsc_op *tmpl, const char *code, const char *path,
	       const void *data, size_t len, const char *target, const char *why)
{
	struct rsc_op op = *tmpl;
	int r;

	if (!path || path[0] != '/')
		return -EINVAL;
	r = grow(p);
	if (r < 0)
		return r;
	op.path = strdup(path);
	op.code = NULL;
	op.why = NULL;
	op.data = NULL;
	op.len = 0;
	op.target = target ? strdup(target) : NULL;
	if (data) {
		op.data = malloc(len ? len : 1);
		if (op.data) {
			memcpy(op.data, data, len);
			op.len = len;
		}
	}
	r = set_text(&op, code, why);
	if (r < 0 || !op.path || (data && !op.data) || (target && !op.target)) {
		op_clear(&op);
		return -ENOMEM;
	}
	p->ops[p->nops] = op;
	r = link_op(p, p->nops);
	if (r < 0) {
		op_clear(&p->ops[p->nops]);
		return r;
	}
	p->nops++;
	return 0;
}

int rsc_plan_chmod(struct rsc_plan *p, const char *code, const char *path, mode_t mode,
		   const char *why)
{
	struct rsc_op tmpl = { .kind = RSC_OP_CHMOD, .mode = mode & 07777 };
	struct rsc_op *old = path ? find(p, RSC_OP_CHMOD, path) : NULL;

	if (!old)
		return add(p, &tmpl, code, path, NULL, 0, NULL, why);
	if (old->mode == tmpl.mode)
		return 0;
	/* two modes for one path: the later wins, still one operation */
	old->mode = tmpl.mode;
	return set_text(old, code, why);
}

int rsc_plan_chown(struct rsc_plan *p, const char *code, const char *path, uid_t uid, gid_t gid,
		   const char *why)
{
	struct rsc_op tmpl = { .kind = RSC_OP_CHOWN, .uid = uid, .gid = gid };
	struct rsc_op *old = path ? find(p, RSC_OP_CHOWN, path) : NULL;

	if (!old)
		return add(p, &tmpl, code, path, NULL, 0, NULL, why);
	if (old->uid == uid && old->gid == gid)
		return 0;
	old->uid = uid;
	old->gid = gid;
	return set_text(old, code, why);
}

int rsc_plan_write(struct rsc_plan *p, const char *code, const char *path, const void *data,
		   size_t len, mode_t mode, uid_t uid, gid_t gid, const char *why)
{
	struct rsc_op tmpl = { .kind = RSC_OP_WRITE, .mode = mode & 07777, .uid = uid, .gid = gid };

	if (!data && len)
		return -EINVAL;
	return add(p, &tmpl, code, path, data ? data : "", len, NULL, why);
}

int rsc_plan_mkdir(struct rsc_plan *p, const char *code, const char *path, mode_t mode, uid_t uid,
		   gid_t gid, const char *why)
{
	struct rsc_op tmpl = { .kind = RSC_OP_MKDIR, .mode = mode & 07777, .uid = uid, .gid = gid };

	return add(p, &tmpl, code, path, NULL, 0, NULL, why);
}

int rsc_plan_unlink(struct rsc_plan *p, const char *code, const char *path, const char *why)
{
	struct rsc_op tmpl = { .kind = RSC_OP_UNLINK };

	return add(p, &tmpl, code, path, NULL, 0, NULL, why);
}

int rsc_plan_symlink(struct rsc_plan *p, const char *code, const char *path, const char *target,
		     uid_t uid, gid_t gid, const char *why)
{
	struct rsc_op tmpl = { .kind = RSC_OP_SYMLINK, .uid = uid, .gid = gid };

	if (!target || !*target)
		return -EINVAL;
	if (strnlen(target, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	return add(p, &tmpl, code, path, NULL, 0, target, why);
}

static int add_out(struct rsc_plan *p, enum rsc_op_kind kind, const char *code, const char *path,
		   const char *dir, const char *why)
{
	struct rsc_op tmpl = { .kind = kind };

	return add(p, &tmpl, code, path, NULL, 0, dir, why);
}

int rsc_plan_move(struct rsc_plan *p, const char *code, const char *path, const char *dir,
		  const char *why)
{
	return add_out(p, RSC_OP_MOVE, code, path, dir, why);
}

int rsc_plan_delete(struct rsc_plan *p, const char *code, const char *path, const char *why)
{
	return add_out(p, RSC_OP_DELETE, code, path, NULL, why);
}

int rsc_plan_truncate(struct rsc_plan *p, const char *code, const char *path, const char *dir,
		      const char *why)
{
	return add_out(p, RSC_OP_TRUNCATE, code, path, dir, why);
}

bool rsc_plan_needs_dir(const struct rsc_plan *p)
{
	for (size_t i = 0; i < p->nops; i++)
		if ((p->ops[i].kind == RSC_OP_MOVE || p->ops[i].kind == RSC_OP_TRUNCATE) &&
		    !p->ops[i].target)
			return true;
	return false;
}

bool rsc_plan_frees(const struct rsc_plan *p)
{
	for (size_t i = 0; i < p->nops; i++)
		if (plan_is_out(p->ops[i].kind))
			return true;
	return false;
}

/* ---- state of a path ---------------------------------------------------- */

static void effect(const struct rsc_op *op, struct state *s)
{
	switch (op->kind) {
	case RSC_OP_CHMOD:
		s->perm = op->mode;
		break;
	case RSC_OP_CHOWN:
		s->uid = op->uid;
		s->gid = op->gid;
		break;
	case RSC_OP_WRITE:
		if (s->exists && s->type != S_IFREG)
			return; /* the write would fail */
		*s = (struct state){ true, S_IFREG, op->mode, op->uid, op->gid, op->len, op, NULL };
		break;
	case RSC_OP_MKDIR:
		if (s->exists && s->type != S_IFDIR)
			return;
		*s = (struct state){ true, S_IFDIR, op->mode, op->uid, op->gid, 0, NULL, NULL };
		break;
	case RSC_OP_UNLINK:
		if (s->exists && (s->type == S_IFREG || s->type == S_IFLNK))
			*s = (struct state){ 0 };
		break;
	case RSC_OP_SYMLINK:
		if (s->exists)
			return; /* refused, or already that link */
		*s = (struct state){ true, S_IFLNK, 0777, op->uid, op->gid, strlen(op->target),
				     NULL, op };
		break;
	case RSC_OP_MOVE:
	case RSC_OP_DELETE:
		if (s->exists && s->type == S_IFREG)
			*s = (struct state){ 0 };
		break;
	case RSC_OP_TRUNCATE:
		if (s->exists && s->type == S_IFREG)
			s->size = 0;
		break;
	}
}

/*
 * The state of ops[idx]'s path: read from the victim, then, when simulate is
 * set, as the plan's earlier operations would leave it (the preview must
 * count what apply will do). Returns 0 or -errno (not -ENOENT).
 */
int plan_state_of(const struct rsc_plan *p, size_t idx, struct rsc_root *root, bool simulate,
		  struct state *s)
{
	const char *path = p->ops[idx].path;
	struct stat st;
	int r = rsc_root_stat(root, path, &st, RSC_NOFOLLOW);

	memset(s, 0, sizeof(*s));
	if (r < 0 && r != -ENOENT)
		return r;
	if (r == 0)
		*s = (struct state){ .exists = true,
				     .type = st.st_mode & S_IFMT,
				     .perm = st.st_mode & 07777,
				     .uid = st.st_uid,
				     .gid = st.st_gid,
				     .size = (unsigned long long)st.st_size };
	for (size_t i = p->link[idx].first; simulate && i < idx; i = p->link[i].next)
		effect(&p->ops[i], s);
	return 0;
}

/* Does the file at op->path (or the plan's earlier write, s->wrote) hold op's bytes? */
static bool same_bytes(const struct rsc_op *op, struct rsc_root *root, const struct state *s)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;

	if (s->size != op->len)
		return false;
	if (s->wrote)
		return s->wrote->len == op->len && memcmp(s->wrote->data, op->data, op->len) == 0;
	if (rsc_root_read_file(root, op->path, op->len ? op->len : 1, RSC_NOFOLLOW, &data, &len,
			       NULL) < 0)
		return false;
	return len == op->len && memcmp(data, op->data, len) == 0;
}

/*
 * The target of the symlink at path (or of the plan's earlier SYMLINK,
 * s->linked), caller frees; NULL when it is not a symlink or cannot be read.
 */
static char *link_target(const char *path, struct rsc_root *root, const struct state *s)
{
	char *t = NULL;

	if (!s->exists || s->type != S_IFLNK)
		return NULL;
	if (s->linked)
		return strdup(s->linked->target);
	if (rsc_root_readlink(root, path, &t) < 0)
		return NULL;
	return t;
}

static bool same_target(const struct rsc_op *op, struct rsc_root *root, const struct state *s)
{
	_cleanup_free_ char *t = link_target(op->path, root, s);

	return t && strcmp(t, op->target) == 0;
}

static bool satisfied(const struct rsc_op *op, struct rsc_root *root, const struct state *s)
{
	if (op->kind == RSC_OP_UNLINK || op->kind == RSC_OP_MOVE || op->kind == RSC_OP_DELETE)
		return !s->exists;
	if (!s->exists)
		return false;
	switch (op->kind) {
	case RSC_OP_CHMOD:
		return s->type != S_IFLNK && s->perm == op->mode;
	case RSC_OP_CHOWN:
		return s->type != S_IFLNK && s->uid == op->uid && s->gid == op->gid;
	case RSC_OP_WRITE:
		return s->type == S_IFREG && s->perm == op->mode && s->uid == op->uid &&
		       s->gid == op->gid && same_bytes(op, root, s);
	case RSC_OP_MKDIR:
		return s->type == S_IFDIR && s->perm == op->mode && s->uid == op->uid &&
		       s->gid == op->gid;
	case RSC_OP_UNLINK:
	case RSC_OP_MOVE:
	case RSC_OP_DELETE:
		return false;
	case RSC_OP_TRUNCATE:
		return s->type == S_IFREG && s->size == 0;
	case RSC_OP_SYMLINK:
		/* the owner of a link is not compared: nothing reads it */
		return same_target(op, root, s);
	}
	return false;
}

/* ---- preview ------------------------------------------------------------ */

static void preview_op(const struct rsc_op *op, struct rsc_root *root, const struct state *s,
		       FILE *out)
{
	_cleanup_free_ char *path = rsc_escape(op->path), *code = rsc_escape(op->code);
	_cleanup_free_ char *why = op->why ? rsc_escape(op->why) : NULL;
	_cleanup_free_ char *target = NULL, *now = NULL;
	char tail[64] = "";
	const char *e = path ? path : "?", *sep;

	switch (op->kind) {
	case RSC_OP_CHMOD:
		if (s->exists)
			fprintf(out, "  chmod %04o -> %04o  %s", (unsigned)s->perm,
				(unsigned)op->mode, e);
		else
			fprintf(out, "  chmod (missing) -> %04o  %s", (unsigned)op->mode, e);
		break;
	case RSC_OP_CHOWN:
		if (s->exists)
			fprintf(out, "  chown %u:%u -> %u:%u  %s", (unsigned)s->uid,
				(unsigned)s->gid, (unsigned)op->uid, (unsigned)op->gid, e);
		else
			fprintf(out, "  chown (missing) -> %u:%u  %s", (unsigned)op->uid,
				(unsigned)op->gid, e);
		break;
	case RSC_OP_WRITE:
		if (s->exists)
			fprintf(out, "  rewrite %s (%llu -> %zu bytes", e, s->size, op->len);
		else
			fprintf(out, "  create %s (%zu bytes", e, op->len);
		fprintf(out, ", mode %04o, owner %u:%u)", (unsigned)op->mode, (unsigned)op->uid,
			(unsigned)op->gid);
		break;
	case RSC_OP_MKDIR:
		if (s->exists && s->type == S_IFDIR)
			snprintf(tail, sizeof(tail), " (exists as %04o %u:%u)", (unsigned)s->perm,
				 (unsigned)s->uid, (unsigned)s->gid);
		else if (s->exists)
			snprintf(tail, sizeof(tail), " (something else is in the way)");
		fprintf(out, "  mkdir %s %04o %u:%u%s", e, (unsigned)op->mode, (unsigned)op->uid,
			(unsigned)op->gid, tail);
		break;
	case RSC_OP_UNLINK:
		if (s->type == S_IFREG) {
			fprintf(out, "  remove %s (file, %llu bytes)", e, s->size);
		} else if (s->type == S_IFLNK) {
			_cleanup_free_ char *t = link_target(op->path, root, s);

			now = t ? rsc_escape(t) : NULL;
			fprintf(out, "  remove %s (symlink -> %s)", e, now ? now : "?");
		} else {
			fprintf(out, "  remove %s (%s: refused)", e,
				s->type == S_IFDIR ? "directory" : "other");
		}
		break;
	case RSC_OP_SYMLINK:
		target = rsc_escape(op->target);
		fprintf(out, "  symlink %s -> %s%s", e, target ? target : "?",
			s->exists ? " (something else is in the way)" : "");
		break;
	case RSC_OP_MOVE:
	case RSC_OP_DELETE:
	case RSC_OP_TRUNCATE:
		plan_preview_out(op, s, e, out);
		break;
	}
	/* chmod and chown lines set the path apart with two spaces, like their state */
	sep = op->kind == RSC_OP_CHMOD || op->kind == RSC_OP_CHOWN ? "  " : " ";
	fprintf(out, "%s(%s%s%s)\n", sep, code ? code : "?", why ? ": " : "", why ? why : "");
}

size_t rsc_plan_preview(const struct rsc_plan *p, struct rsc_root *root, FILE *out)
{
	unsigned long long freed = 0;
	size_t n = 0, nfreed = 0;

	for (size_t i = 0; i < p->nops; i++) {
		struct state s;
		int r = plan_state_of(p, i, root, true, &s);

		if (r < 0) {
			_cleanup_free_ char *e = rsc_escape(p->ops[i].path);

			fprintf(out, "  cannot read %s: %s\n", e ? e : "?", strerror(-r));
			n++; /* apply will meet the same error: it is not "nothing to do" */
			continue;
		}
		if (satisfied(&p->ops[i], root, &s))
			continue;
		preview_op(&p->ops[i], root, &s, out);
		n++;
		if (plan_is_out(p->ops[i].kind) && s.type == S_IFREG) {
			freed += s.size;
			nfreed++;
		}
	}
	if (nfreed)
		fprintf(out, "  frees %llu bytes in %zu file%s\n", freed, nfreed,
			nfreed == 1 ? "" : "s");
	return n;
}

/* ---- apply -------------------------------------------------------------- */

static const char *const verbs[] = {
	[RSC_OP_CHMOD] = "chmod", [RSC_OP_CHOWN] = "chown",   [RSC_OP_WRITE] = "write",
	[RSC_OP_MKDIR] = "mkdir", [RSC_OP_UNLINK] = "unlink", [RSC_OP_SYMLINK] = "symlink",
	[RSC_OP_MOVE] = "move",	  [RSC_OP_DELETE] = "delete", [RSC_OP_TRUNCATE] = "truncate",
};

/* Why op cannot be applied to s (type mismatch), or 0. */
static int refuse(const struct rsc_op *op, const struct state *s)
{
	if (!s->exists)
		return op->kind == RSC_OP_CHMOD || op->kind == RSC_OP_CHOWN ||
				       op->kind == RSC_OP_TRUNCATE
			       ? -ENOENT
			       : 0;
	if (plan_is_out(op->kind))
		return s->type == S_IFREG ? 0 : s->type == S_IFDIR ? -EISDIR : -EINVAL;
	if (op->kind == RSC_OP_SYMLINK)
		return -EEXIST; /* a link with the same target is satisfied, never refused */
	if (op->kind == RSC_OP_UNLINK)
		return s->type == S_IFDIR			  ? -EISDIR
		       : s->type == S_IFREG || s->type == S_IFLNK ? 0
								  : -EINVAL;
	if (s->type == S_IFLNK)
		return -ELOOP; /* never through a symlink */
	if (op->kind == RSC_OP_WRITE && s->type != S_IFREG)
		return s->type == S_IFDIR ? -EISDIR : -EINVAL;
	if (op->kind == RSC_OP_MKDIR && s->type != S_IFDIR)
		return -EEXIST;
	return 0;
}

static int change(const struct rsc_op *op, struct rsc_root *root, const struct state *s)
{
	struct stat st;
	int r;

	switch (op->kind) {
	case RSC_OP_CHMOD:
		return rsc_root_chmod(root, op->path, op->mode);
	case RSC_OP_CHOWN:
		return rsc_root_chown(root, op->path, op->uid, op->gid);
	case RSC_OP_WRITE:
		return rsc_root_write_file(root, op->path, op->data, op->len, op->mode, op->uid,
					   op->gid);
	case RSC_OP_MKDIR:
		if (!s->exists) {
			r = rsc_root_mkdir(root, op->path, op->mode, op->uid, op->gid);
		} else {
			r = rsc_root_chown(root, op->path, op->uid, op->gid);
		}
		/* the mode last: mkdir's is masked by the umask, chown may clear set-id bits */
		if (r == 0)
			r = rsc_root_stat(root, op->path, &st, RSC_NOFOLLOW);
		if (r == 0 && (st.st_mode & 07777) != op->mode)
			r = rsc_root_chmod(root, op->path, op->mode);
		return r;
	case RSC_OP_UNLINK:
		r = rsc_root_unlink(root, op->path, 0);
		if (r == 0)
			r = rsc_root_sync_parent(root, op->path);
		return r;
	case RSC_OP_SYMLINK:
		r = rsc_root_symlink(root, op->path, op->target, op->uid, op->gid);
		if (r == 0)
			r = rsc_root_sync_parent(root, op->path);
		return r;
	case RSC_OP_MOVE:
	case RSC_OP_DELETE:
	case RSC_OP_TRUNCATE:
		return -EINVAL; /* plan_out_apply() journals and makes these */
	}
	return -EINVAL;
}

/*
 * A WRITE as it is applied: with the mode and owner that the plan's later
 * CHMOD and CHOWN of the same path give it, so that one rename makes the
 * path's final state (a crash in between never leaves the new bytes with
 * the old mode); those later operations then find nothing to do.
 */
static const struct rsc_op *with_final_meta(const struct rsc_plan *p, size_t i)
{
	static struct rsc_op op;

	if (p->ops[i].kind != RSC_OP_WRITE)
		return &p->ops[i];
	op = p->ops[i];
	for (size_t k = p->link[i].next; k != PLAN_NONE; k = p->link[k].next) {
		if (p->ops[k].kind == RSC_OP_CHMOD) {
			op.mode = p->ops[k].mode;
		} else if (p->ops[k].kind == RSC_OP_CHOWN) {
			op.uid = p->ops[k].uid;
			op.gid = p->ops[k].gid;
		} else {
			break; /* another rewrite or a removal: its own state */
		}
	}
	return &op;
}

struct rsc_op *rsc_plan_find_write(const struct rsc_plan *p, const char *path)
{
	return find(p, RSC_OP_WRITE, path);
}

int rsc_plan_remove_marked(struct rsc_plan *p, const bool *gone)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nops; i++) {
		if (gone[i])
			op_clear(&p->ops[i]);
		else
			p->ops[n++] = p->ops[i];
	}
	if (n == p->nops)
		return 0;
	p->nops = n;
	return reindex(p);
}

int rsc_plan_sort(struct rsc_plan *p, int (*rank)(enum rsc_op_kind), int nranks)
{
	_cleanup_free_ size_t *at = NULL;
	struct rsc_op *sorted;

	if (nranks <= 0 || p->nops < 2)
		return nranks <= 0 ? -EINVAL : 0;
	at = calloc((size_t)nranks + 1, sizeof(*at));
	if (!at)
		return -ENOMEM;
	/* a counting sort: at[k + 1] counts rank k, then at[k] is where rank k starts */
	for (size_t i = 0; i < p->nops; i++) {
		int k = rank(p->ops[i].kind);

		if (k < 0 || k >= nranks)
			return -EINVAL;
		at[k + 1]++;
	}
	for (int k = 0; k < nranks; k++)
		at[k + 1] += at[k];
	sorted = reallocarray(NULL, p->cap, sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	for (size_t i = 0; i < p->nops; i++)
		sorted[at[rank(p->ops[i].kind)]++] = p->ops[i];
	free(p->ops);
	p->ops = sorted;
	return reindex(p);
}

/*
 * Does the plan write, remove or link ops[idx]'s path? Its earlier bytes (or a
 * link's target) must then be saved by its first record.
 */
static bool saves(const struct rsc_plan *p, size_t idx)
{
	for (size_t i = p->link[idx].first; i != PLAN_NONE; i = p->link[i].next)
		if (p->ops[i].kind == RSC_OP_WRITE || p->ops[i].kind == RSC_OP_UNLINK ||
		    p->ops[i].kind == RSC_OP_SYMLINK)
			return true;
	return false;
}

int rsc_plan_apply(const struct rsc_plan *p, struct rsc_root *root, struct rsc_journal *j,
		   size_t *done, FILE *err)
{
	struct plan_out out = { .base = -1 };
	size_t n = 0;
	int r = 0;

	for (size_t i = 0; i < p->nops; i++) {
		const struct rsc_op *op = &p->ops[i];
		bool journaled = true;
		struct state s;

		if (rsc_signal_pending()) {
			r = -EINTR; /* the change before this one is complete; none after it */
			break;
		}
		r = plan_state_of(p, i, root, false, &s);
		if (r == 0 && satisfied(op, root, &s))
			continue;
		if (r == 0)
			r = refuse(op, &s);
		if (r == 0 && plan_is_out(op->kind)) {
			/* journaled by plan_out_apply itself, once the copy is safe */
			r = plan_out_apply(op, root, j, &out, NULL, err);
			if (r < 0)
				break;
			n++;
			continue;
		}
		if (r == 0) {
			/*
			 * The earlier state is on disk before anything changes, with the
			 * earlier bytes even when a chmod comes before the plan's write
			 * (only the first record of a path counts); then the bytes about
			 * to be written, so that undo can tell a later edit from them.
			 */
			r = rsc_journal_record(j, op->path, saves(p, i));
			if (r == 0 && op->kind == RSC_OP_WRITE)
				r = rsc_journal_wrote(j, op->path, op->data, op->len);
			if (r == 0 && op->kind == RSC_OP_SYMLINK)
				r = rsc_journal_linked(j, op->path, op->target);
			journaled = r == 0;
		}
		if (r == 0)
			r = change(with_final_meta(p, i), root, &s);
		if (r < 0) {
			if (err) {
				_cleanup_free_ char *e = rsc_escape(op->path);

				fprintf(err, "sshrescue: cannot %s%s %s%s: %s\n",
					journaled ? "" : "journal the ", verbs[op->kind],
					e ? e : "?", journaled ? "" : ", so it was not made",
					strerror(-r));
			}
			break;
		}
		n++;
	}
	plan_out_end(&out);
	if (done)
		*done = n;
	return r;
}
