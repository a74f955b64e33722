// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - findings: recording (rsc_report), ordering, and who is refused
 * by which; the reports themselves are report_text.c and report_json.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_int.h"
#include "util.h"
#include "victim.h"

void rsc_ctx_init(struct rsc_ctx *ctx, struct rsc_root *root, struct rsc_victim *victim)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->root = root;
	ctx->victim = victim;
}

static void finding_free(struct rsc_finding *f)
{
	free(f->user);
	free(f->path);
	free(f->file);
	free(f->evidence);
}

void rsc_ctx_clear(struct rsc_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nfindings; i++)
		finding_free(&ctx->findings[i]);
	free(ctx->findings);
	ctx->findings = NULL;
	ctx->nfindings = ctx->cap = 0;
	for (size_t i = 0; i < ctx->nusers; i++)
		free(ctx->users[i].name);
	free(ctx->users);
	ctx->users = NULL;
	ctx->nusers = ctx->ucap = 0;
	rsc_hmap_free(&ctx->finding_idx);
	rsc_hmap_free(&ctx->user_idx);
	ctx->nfindings_indexed = 0;
	free(ctx->fs.health_note);
	memset(&ctx->fs, 0, sizeof(ctx->fs));
}

bool rsc_report_str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static int dup_opt(const char *s, char **out)
{
	*out = NULL;
	if (!s)
		return 0;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

/* What makes two findings one: code, user, path and line. */
static uint64_t finding_hash(enum rsc_pid id, unsigned long line, const char *user,
			     const char *path)
{
	uint64_t h = rsc_hash_u64(rsc_hash_init(), (uint64_t)id);

	h = rsc_hash_u64(h, line);
	h = rsc_hash_str(h, user);
	return rsc_hash_str(h, path);
}

/* Index the findings not yet in ctx->finding_idx (all of them after a sort). */
static int index_findings(struct rsc_ctx *ctx)
{
	for (; ctx->nfindings_indexed < ctx->nfindings; ctx->nfindings_indexed++) {
		const struct rsc_finding *f = &ctx->findings[ctx->nfindings_indexed];
		int r = rsc_hmap_add(&ctx->finding_idx,
				     finding_hash(f->id, f->line, f->user, f->path),
				     ctx->nfindings_indexed);

		if (r < 0)
			return r;
	}
	return 0;
}

int rsc_report(struct rsc_ctx *ctx, enum rsc_pid id, const struct rsc_detail *d)
{
	static const struct rsc_detail none;
	struct rsc_finding f = { .id = id };
	uint64_t h;
	size_t pos = 0, i;
	int r;

	if (!d)
		d = &none;
	r = index_findings(ctx);
	if (r < 0)
		return r;
	h = finding_hash(id, d->line, d->user, d->path);
	while (rsc_hmap_next(&ctx->finding_idx, h, &pos, &i)) {
		const struct rsc_finding *o = &ctx->findings[i];

		if (o->id == id && o->line == d->line && rsc_report_str_eq(o->user, d->user) &&
		    rsc_report_str_eq(o->path, d->path))
			return 0;
	}
	if (ctx->nfindings == ctx->cap) {
		size_t cap = ctx->cap ? ctx->cap * 2 : 16;
		struct rsc_finding *n = reallocarray(ctx->findings, cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		ctx->findings = n;
		ctx->cap = cap;
	}
	r = dup_opt(d->user, &f.user);
	if (r == 0)
		r = dup_opt(d->path, &f.path);
	if (r == 0)
		r = dup_opt(d->file, &f.file);
	if (r == 0)
		r = dup_opt(d->evidence, &f.evidence);
	if (r == 0)
		r = rsc_hmap_add(&ctx->finding_idx, h, ctx->nfindings);
	if (r < 0) {
		finding_free(&f);
		return r;
	}
	f.line = d->line;
	f.has_stat = d->has_stat;
	f.mode = d->mode;
	f.uid = d->uid;
	f.gid = d->gid;
	f.in_home = d->in_home;
	f.seq = ctx->nfindings;
	ctx->findings[ctx->nfindings++] = f;
	ctx->nfindings_indexed = ctx->nfindings;
	return 0;
}

/* The index in ctx->users of the state of user name, -1 if none. */
static ssize_t user_state_index(const struct rsc_ctx *ctx, const char *name)
{
	uint64_t h = rsc_hash_str(rsc_hash_init(), name);
	size_t pos = 0, i;

	while (rsc_hmap_next(&ctx->user_idx, h, &pos, &i))
		if (strcmp(ctx->users[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

struct rsc_user_state *rsc_ctx_user(struct rsc_ctx *ctx, const char *name, uid_t uid)
{
	struct rsc_user_state *u = NULL;
	ssize_t at = user_state_index(ctx, name);

	if (at >= 0)
		return &ctx->users[at];
	if (ctx->nusers == ctx->ucap) {
		size_t cap = ctx->ucap ? ctx->ucap * 2 : 8;
		struct rsc_user_state *n = reallocarray(ctx->users, cap, sizeof(*n));

		if (!n)
			return NULL;
		ctx->users = n;
		ctx->ucap = cap;
	}
	u = &ctx->users[ctx->nusers];
	memset(u, 0, sizeof(*u));
	u->name = strdup(name);
	if (!u->name)
		return NULL;
	if (rsc_hmap_add(&ctx->user_idx, rsc_hash_str(rsc_hash_init(), name), ctx->nusers) < 0) {
		free(u->name);
		u->name = NULL;
		return NULL;
	}
	u->uid = uid;
	ctx->nusers++;
	return u;
}

bool rsc_ctx_has_errors(const struct rsc_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nfindings; i++)
		if (rsc_problem(ctx->findings[i].id)->severity == RSC_SEV_ERROR)
			return true;
	return false;
}

char *rsc_finding_format(const struct rsc_finding *f, const char *tmpl)
{
	struct rsc_buf b = { 0 };
	int r = rsc_buf_adds(&b, "");

	for (const char *s = tmpl; r == 0 && *s; s++) {
		if (*s != '%' || !s[1]) {
			size_t n = strcspn(s + 1, "%") +
				   1; /* up to the next '%': one add, not one a byte */

			r = rsc_buf_add(&b, s, n);
			s += n - 1;
			continue;
		}
		switch (*++s) {
		case 'p':
			r = rsc_buf_add_escaped(&b, f->path ? f->path : "?");
			break;
		case 'u':
			r = rsc_buf_add_escaped(&b, f->user ? f->user : "?");
			break;
		case 'f':
			r = rsc_buf_add_escaped(&b, f->file ? f->file : (f->path ? f->path : "?"));
			break;
		case 'l':
			r = rsc_buf_printf(&b, "%lu", f->line);
			break;
		case 'c':
			r = rsc_buf_adds(&b, rsc_problem(f->id)->code);
			break;
		default:
			r = rsc_buf_add(&b, s, 1);
			break;
		}
	}
	if (r < 0) {
		rsc_buf_free(&b);
		return NULL;
	}
	return rsc_buf_steal(&b);
}

/* Position of a user in the victim's passwd (unknown users last, findings without user first). */
static size_t user_rank(const struct rsc_ctx *ctx, const char *name)
{
	const struct rsc_user *u;

	if (!name)
		return 0;
	u = rsc_victim_user_by_name(ctx->victim, name);
	return u ? (size_t)(u - ctx->victim->users) + 1 : (size_t)-1;
}

static int cmp_finding(const void *a, const void *b)
{
	const struct rsc_finding *x = a, *y = b;
	int sx = (int)rsc_problem(x->id)->severity, sy = (int)rsc_problem(y->id)->severity;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->user && y->user && strcmp(x->user, y->user) != 0)
		return strcmp(x->user, y->user);
	if (sx != sy)
		return sy - sx;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

void rsc_ctx_sort(struct rsc_ctx *ctx)
{
	if (ctx->nfindings == 0)
		return; /* findings may be NULL: qsort must not see it */
	/* the rank once per finding, not once per comparison */
	for (size_t i = 0; i < ctx->nfindings; i++)
		ctx->findings[i].rank = user_rank(ctx, ctx->findings[i].user);
	qsort(ctx->findings, ctx->nfindings, sizeof(*ctx->findings), cmp_finding);
	/* the findings moved: rsc_report() indexes them again */
	rsc_hmap_free(&ctx->finding_idx);
	ctx->nfindings_indexed = 0;
}

/* The worst finding of a user (sorted ctx: the first one), NULL if none. */
static const struct rsc_finding *worst_of(const struct rsc_ctx *ctx, const char *user)
{
	const struct rsc_finding *w = NULL;

	for (size_t i = 0; i < ctx->nfindings; i++) {
		const struct rsc_finding *f = &ctx->findings[i];

		if (!rsc_report_str_eq(f->user, user))
			continue;
		if (!w || rsc_problem(f->id)->severity > rsc_problem(w->id)->severity)
			w = f;
	}
	return w;
}

/* A finding that stops every login (sshd does not start), NULL if none. */
static const struct rsc_finding *blocker(const struct rsc_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nfindings; i++)
		if (rsc_problem(ctx->findings[i].id)->everyone &&
		    rsc_problem(ctx->findings[i].id)->severity == RSC_SEV_ERROR)
			return &ctx->findings[i];
	return NULL;
}

const struct rsc_finding *rsc_report_refusal(const struct rsc_ctx *ctx, const char *name)
{
	const struct rsc_finding *w = worst_of(ctx, name);

	if (w && rsc_problem(w->id)->severity == RSC_SEV_ERROR)
		return w;
	return blocker(ctx);
}

int rsc_report_refusals(const struct rsc_ctx *ctx, const struct rsc_finding ***out)
{
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, one per user */
	const struct rsc_finding **w = calloc(ctx->nusers ? ctx->nusers : 1, sizeof(*w));
	const struct rsc_finding *b = blocker(ctx);

	*out = NULL;
	if (!w)
		return -ENOMEM;
	for (size_t i = 0; i < ctx->nfindings; i++) {
		const struct rsc_finding *f = &ctx->findings[i];
		ssize_t at = f->user ? user_state_index(ctx, f->user) : -1;

		if (at >= 0 &&
		    (!w[at] || rsc_problem(f->id)->severity > rsc_problem(w[at]->id)->severity))
			w[at] = f;
	}
	for (size_t i = 0; i < ctx->nusers; i++)
		if (!w[i] || rsc_problem(w[i]->id)->severity != RSC_SEV_ERROR)
			w[i] = b;
	*out = w;
	return 0;
}
