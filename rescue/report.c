// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - findings: recording (rsc_report), ordering, and the text and
 * JSON reports. Every string from the victim is escaped on output.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fsck.h"
#include "fsphase.h"
#include "report.h"
#include "util.h"
#include "victim.h"
#include "volume.h"

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

static bool str_eq(const char *a, const char *b)
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

		if (o->id == id && o->line == d->line && str_eq(o->user, d->user) &&
		    str_eq(o->path, d->path))
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

		if (!str_eq(f->user, user))
			continue;
		if (!w || rsc_problem(f->id)->severity > rsc_problem(w->id)->severity)
			w = f;
	}
	return w;
}

struct paint {
	const char *err, *warn, *info, *bold, *off;
};

static const struct paint colors = { "\033[1;31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m" };
static const struct paint plain = { "", "", "", "", "" };

static const char *sev_color(const struct paint *p, enum rsc_severity s)
{
	return s == RSC_SEV_ERROR ? p->err : s == RSC_SEV_WARNING ? p->warn : p->info;
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

/* The finding that keeps user name out: one of theirs, or one that stops everyone. */
static const struct rsc_finding *refusal(const struct rsc_ctx *ctx, const char *name)
{
	const struct rsc_finding *w = worst_of(ctx, name);

	if (w && rsc_problem(w->id)->severity == RSC_SEV_ERROR)
		return w;
	return blocker(ctx);
}

/*
 * refusal() of every user of ctx->users in one pass over the findings (once per user would
 * be quadratic): (*out)[i] for ctx->users[i]. Caller frees the array. 0 or -ENOMEM.
 */
static int refusals(const struct rsc_ctx *ctx, const struct rsc_finding ***out)
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

static void print_verdict(struct rsc_ctx *ctx, const struct paint *p, FILE *out)
{
	_cleanup_free_ const struct rsc_finding **ws = NULL;

	(void)refusals(ctx, &ws); /* without memory: one search per user */
	fprintf(out, "%sVerdict%s\n", p->bold, p->off);
	if (ctx->nusers == 0)
		fprintf(out, "  no account with SSH keys or a login shell was examined\n");
	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct rsc_user_state *u = &ctx->users[i];
		const struct rsc_finding *w = ws ? ws[i] : refusal(ctx, u->name);
		_cleanup_free_ char *name = rsc_escape(u->name);
		_cleanup_free_ char *why = NULL;

		if (!name)
			continue;
		if (w) {
			why = rsc_finding_format(w, rsc_problem(w->id)->title);
			fprintf(out, "  %s%s cannot log in with a key%s: %s (%s)\n", p->err, name,
				p->off, why ? why : "?", rsc_problem(w->id)->code);
		} else if (u->usable_keys > 0) {
			fprintf(out, "  %s can log in with a key (%u key%s)\n", name,
				u->usable_keys, u->usable_keys == 1 ? "" : "s");
		} else {
			fprintf(out, "  %s has no authorized keys (password login only, if any)\n",
				name);
		}
	}
}

static void print_finding(const struct rsc_finding *f, const struct paint *p, FILE *out)
{
	const struct rsc_problem *pb = rsc_problem(f->id);
	_cleanup_free_ char *title = rsc_finding_format(f, pb->title);
	_cleanup_free_ char *log = pb->sshd_log ? rsc_finding_format(f, pb->sshd_log) : NULL;
	_cleanup_free_ char *fix = rsc_finding_format(f, pb->fix);
	_cleanup_free_ char *ev = f->evidence ? rsc_escape(f->evidence) : NULL;
	static const char *const tags[] = { "INFO ", "WARN ", "ERROR" };

	fprintf(out, "  %s%s%s %s  [%s]\n", sev_color(p, pb->severity), tags[pb->severity], p->off,
		title ? title : "?", pb->code);
	if (ev)
		fprintf(out, "         found:  %s\n", ev);
	fprintf(out, "         client: %s\n", pb->symptom);
	if (log)
		fprintf(out, "         sshd:   %s\n", log);
	fprintf(out, "         fix:    %s\n", fix ? fix : "?");
}

/* "1.5 GiB" into buf: binary units, one decimal */
static const char *human(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	size_t i = 0;

	while (v >= 1024 && i + 1 < ARRAY_SIZE(unit)) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, i ? "%.1f %s" : "%.0f %s", v, unit[i]);
	return buf;
}

static int used_pct(uint64_t total, uint64_t free)
{
	if (!total || free > total)
		return 0;
	return (int)(((total - free) * 100 + total - 1) / total);
}

/* "Filesystem /: …" lines: size, use, what root and users may still write. */
static void print_fs(const struct rsc_fs_usage *u, FILE *out)
{
	char a[32], b[32], c[32], d[32];
	uint64_t bs = u->block_size;

	if (!u->has_usage)
		return;
	fprintf(out,
		"Filesystem /: %s%s%s, %d%% used; free %s for root, %s for users (%s "
		"reserved for root)",
		u->fstype ? u->fstype : "", u->fstype ? ", " : "",
		human(u->blocks * bs, a, sizeof(a)), used_pct(u->blocks, u->blocks_free),
		human(u->blocks_root * bs, b, sizeof(b)), human(u->blocks_user * bs, c, sizeof(c)),
		human(u->reserved * bs, d, sizeof(d)));
	if (u->inodes)
		fprintf(out, "; inodes %d%% used (%llu free)", used_pct(u->inodes, u->inodes_free),
			(unsigned long long)u->inodes_free);
	fprintf(out, " [%s]\n", u->source ? u->source : "?");
	if (u->unreplayed)
		fprintf(out, "  (the journal needs recovery: this is the unreplayed state)\n");
	if (!u->health_checked) {
		_cleanup_free_ char *n = u->health_note ? rsc_escape(u->health_note) : NULL;

		fprintf(out, "  filesystem health not checked: %s\n", n ? n : "?");
	}
}

/* "  deep check: e2fsck -f -n /dev/loop3: clean (exit status 0, 1.2 s)" */
static void print_fsck(const char *what, const struct rsc_fsck_result *res, FILE *out)
{
	_cleanup_free_ char *c = NULL, *why = NULL;

	if (res->verdict == RSC_FSCK_NOT_RUN)
		return;
	c = rsc_escape(res->command ? res->command : "no checker");
	why = res->reason ? rsc_escape(res->reason) : NULL;
	fprintf(out, "  %s: %s: %s (exit status %d, %.1f s)%s%s\n", what, c ? c : "?",
		rsc_fsck_verdict_name(res->verdict), res->status, res->elapsed_ms / 1000.0,
		why ? "; " : "", why ? why : "");
}

static void print_fsphase(const struct rsc_fsphase *f, FILE *out)
{
	if (!f)
		return;
	print_fsck("deep check", &f->deep_res, out);
	print_fsck("metadata backup", &f->backup_res, out);
	if (f->backup_res.verdict == RSC_FSCK_DONE && f->backup_path) {
		_cleanup_free_ char *b = rsc_escape(f->backup_path);

		fprintf(out, "    saved to %s (on this helper)\n", b ? b : "?");
	}
	print_fsck("repaired before mounting", &f->repair_res, out);
}

void rsc_report_text(struct rsc_ctx *ctx, const struct rsc_report_opts *o, FILE *out)
{
	const struct paint *p = o->color ? &colors : &plain;
	const struct rsc_victim *v = ctx->victim;
	const char *group = NULL;
	size_t count[3] = { 0 };
	bool first = true;

	rsc_ctx_sort(ctx);
	if (o->volume) {
		_cleanup_free_ char *t = rsc_escape(o->volume->target);

		fprintf(out, "Target: %s", t ? t : "?");
		if (o->volume->partition)
			fprintf(out, ", partition %u", o->volume->partition);
		if (o->volume->fstype)
			fprintf(out, " (%s%s%s)", o->volume->fstype,
				o->volume->read_only ? ", mounted read-only" : "",
				o->volume->kind == RSC_TARGET_DIR ? "" : " in a private namespace");
		fputc('\n', out);
		if (o->volume->beside) {
			/* already escaped, one line per fstab entry */
			fprintf(out, "From the victim's fstab:\n");
			for (const char *l = o->volume->beside; *l;) {
				size_t n = strcspn(l, "\n");

				fprintf(out, "  %.*s\n", (int)n, l);
				l += n + (l[n] == '\n');
			}
		}
	}
	if (v) {
		_cleanup_free_ char *os =
			rsc_escape(v->os_pretty_name ? v->os_pretty_name : "unknown OS");
		_cleanup_free_ char *ssh = v->ssh.text ? rsc_escape(v->ssh.text) : NULL;

		fprintf(out, "Victim: %s, OpenSSH %s%s%s%s\n", os ? os : "?", ssh ? ssh : "unknown",
			v->ssh.source ? " (from " : "", v->ssh.source ? v->ssh.source : "",
			v->ssh.source ? ")" : "");
	}
	print_fs(&ctx->fs, out);
	print_fsphase(ctx->fsphase, out);
	fputc('\n', out);
	print_verdict(ctx, p, out);

	for (size_t i = 0; i < ctx->nfindings; i++) {
		const struct rsc_finding *f = &ctx->findings[i];

		count[rsc_problem(f->id)->severity]++;
		if (first || !str_eq(group, f->user)) {
			_cleanup_free_ char *name = f->user ? rsc_escape(f->user) : NULL;
			const struct rsc_user *u =
				f->user && v ? rsc_victim_user_by_name(v, f->user) : NULL;

			if (u)
				fprintf(out, "\n%s%s%s (uid %u)\n", p->bold, name ? name : "?",
					p->off, (unsigned)u->uid);
			else
				fprintf(out, "\n%s%s%s\n", p->bold, name ? name : "System", p->off);
			group = f->user;
			first = false;
		}
		print_finding(f, p, out);
	}
	fprintf(out, "\n%zu error%s, %zu warning%s, %zu note%s.\n", count[RSC_SEV_ERROR],
		count[RSC_SEV_ERROR] == 1 ? "" : "s", count[RSC_SEV_WARNING],
		count[RSC_SEV_WARNING] == 1 ? "" : "s", count[RSC_SEV_INFO],
		count[RSC_SEV_INFO] == 1 ? "" : "s");
}

/* JSON: victim strings are escaped with rsc_escape so the output is always valid ASCII JSON. */
static int jadd_str(struct json_object *o, const char *key, const char *raw, bool escape)
{
	_cleanup_free_ char *e = NULL;
	struct json_object *s = NULL;

	if (!raw)
		return json_object_object_add(o, key, NULL);
	if (escape) {
		e = rsc_escape(raw);
		if (!e)
			return -ENOMEM;
	}
	s = json_object_new_string(e ? e : raw);
	if (!s)
		return -ENOMEM;
	return json_object_object_add(o, key, s);
}

static int jadd_owned_str(struct json_object *o, const char *key, char *s)
{
	int r;

	if (!s)
		return -ENOMEM;
	r = json_object_object_add(o, key, json_object_new_string(s));
	free(s);
	return r;
}

static struct json_object *json_finding(const struct rsc_finding *f)
{
	const struct rsc_problem *pb = rsc_problem(f->id);
	struct json_object *o = json_object_new_object();
	int r = 0;

	if (!o)
		return NULL;
	r |= jadd_str(o, "code", pb->code, false);
	r |= jadd_str(o, "severity", rsc_severity_name(pb->severity), false);
	r |= jadd_str(o, "user", f->user, true);
	r |= jadd_str(o, "path", f->path, true);
	r |= json_object_object_add(o, "line",
				    f->line ? json_object_new_int64((int64_t)f->line) : NULL);
	r |= jadd_owned_str(o, "title", rsc_finding_format(f, pb->title));
	r |= jadd_str(o, "evidence", f->evidence, true);
	r |= jadd_str(o, "explanation", pb->explain, false);
	r |= jadd_str(o, "symptom", pb->symptom, false);
	if (pb->sshd_log)
		r |= jadd_owned_str(o, "sshd_log", rsc_finding_format(f, pb->sshd_log));
	else
		r |= json_object_object_add(o, "sshd_log", NULL);
	r |= jadd_owned_str(o, "fix", rsc_finding_format(f, pb->fix));
	if (r) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *json_victim(const struct rsc_victim *v)
{
	static const char *const fam[] = { "unknown", "debian", "rhel", "suse", "arch", "alpine" };
	struct json_object *o = json_object_new_object(), *os = NULL, *ssh = NULL;

	if (!o)
		return NULL;
	if (!v)
		return o;
	os = json_object_new_object();
	ssh = json_object_new_object();
	if (!os || !ssh) {
		json_object_put(os);
		json_object_put(ssh);
		json_object_put(o);
		return NULL;
	}
	jadd_str(os, "id", v->os_id, true);
	jadd_str(os, "version_id", v->os_version_id, true);
	jadd_str(os, "pretty_name", v->os_pretty_name, true);
	jadd_str(os, "family", (unsigned)v->family < ARRAY_SIZE(fam) ? fam[v->family] : "unknown",
		 false);
	jadd_str(ssh, "version", v->ssh.text, true);
	jadd_str(ssh, "package", v->ssh.package, true);
	jadd_str(ssh, "source", v->ssh.source, false);
	json_object_object_add(o, "os", os);
	json_object_object_add(o, "openssh", ssh);
	return o;
}

static int jadd_u64(struct json_object *o, const char *key, uint64_t v)
{
	return json_object_object_add(
		o, key, json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v));
}

/* One checker run (fsck.h) as an object, or NULL (JSON null) when it did not run. */
static struct json_object *json_fsck(const struct rsc_fsck_result *res, const char *file)
{
	struct json_object *o;
	_cleanup_free_ char *lines = NULL;
	int r = 0;

	if (res->verdict == RSC_FSCK_NOT_RUN)
		return NULL;
	o = json_object_new_object();
	lines = rsc_fsck_problems(res, 20);
	if (!o || !lines) {
		json_object_put(o);
		return NULL;
	}
	r |= jadd_str(o, "tool", res->tool, true);
	r |= jadd_str(o, "command", res->command, true);
	r |= jadd_str(o, "verdict", rsc_fsck_verdict_name(res->verdict), false);
	r |= json_object_object_add(o, "exit_status", json_object_new_int(res->status));
	r |= json_object_object_add(o, "seconds", json_object_new_double(res->elapsed_ms / 1000.0));
	r |= jadd_str(o, "problems", *lines ? lines : NULL, true);
	r |= jadd_str(o, "reason", res->reason, true);
	if (file)
		r |= jadd_str(o, "file", file, true);
	if (r) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* "filesystems": [] or one entry for the root; see docs/report-schema.md. */
static struct json_object *json_filesystems(const struct rsc_fs_usage *u,
					    const struct rsc_fsphase *f)
{
	struct json_object *arr = json_object_new_array(), *o = NULL;
	int r = 0;

	if (!arr || !u->has_usage)
		return arr;
	o = json_object_new_object();
	if (!o) {
		json_object_put(arr);
		return NULL;
	}
	r |= jadd_str(o, "mountpoint", "/", false);
	r |= jadd_str(o, "fstype", u->fstype, true);
	r |= jadd_str(o, "source", u->source, false);
	r |= json_object_object_add(o, "health_checked",
				    json_object_new_boolean(u->health_checked));
	r |= jadd_str(o, "health_note", u->health_checked ? NULL : u->health_note, true);
	r |= json_object_object_add(o, "journal_unreplayed",
				    json_object_new_boolean(u->unreplayed));
	r |= jadd_u64(o, "block_size", u->block_size);
	r |= jadd_u64(o, "blocks", u->blocks);
	r |= jadd_u64(o, "blocks_free", u->blocks_free);
	r |= jadd_u64(o, "blocks_available_root", u->blocks_root);
	r |= jadd_u64(o, "blocks_available_users", u->blocks_user);
	r |= jadd_u64(o, "blocks_reserved_root", u->reserved);
	r |= jadd_u64(o, "inodes", u->inodes);
	r |= jadd_u64(o, "inodes_free", u->inodes_free);
	if (f) {
		r |= json_object_object_add(o, "deep_check", json_fsck(&f->deep_res, NULL));
		r |= json_object_object_add(o, "metadata_backup",
					    json_fsck(&f->backup_res, f->backup_path));
		r |= json_object_object_add(o, "repair", json_fsck(&f->repair_res, NULL));
	}
	if (r || json_object_array_add(arr, o) < 0) {
		json_object_put(o);
		json_object_put(arr);
		return NULL;
	}
	return arr;
}

/*
 * Print o as json-c prints it nested depth levels deep (two spaces a level): the same text
 * as one whole document, one element at a time. json-c escapes every newline inside a
 * string, so each newline of the text is layout.
 */
static int print_nested(FILE *out, struct json_object *o, int depth)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE);

	if (!s)
		return -ENOMEM;
	for (;;) {
		size_t n = strcspn(s, "\n");

		fwrite(s, 1, n, out);
		if (!s[n])
			return 0;
		fprintf(out, "\n%*s", 2 * depth, "");
		s += n + 1;
	}
}

/* One element of a top-level array: (",") "\n    " and the element; takes o. */
static int print_element(FILE *out, struct json_object *o, size_t i)
{
	int r;

	if (!o)
		return -ENOMEM;
	fprintf(out, "%s\n    ", i ? "," : "");
	r = print_nested(out, o, 2);
	json_object_put(o);
	return r;
}

static struct json_object *json_user(const struct rsc_user_state *u, const struct rsc_finding *w)
{
	struct json_object *jo = json_object_new_object();

	if (!jo)
		return NULL;
	jadd_str(jo, "name", u->name, true);
	json_object_object_add(jo, "uid", json_object_new_int64(u->uid));
	json_object_object_add(jo, "key_files", json_object_new_int64(u->key_files));
	json_object_object_add(jo, "usable_keys", json_object_new_int64(u->usable_keys));
	json_object_object_add(jo, "key_login", json_object_new_boolean(u->usable_keys > 0 && !w));
	return jo;
}

/*
 * The document is the one json-c would print for the whole tree, but the users and the
 * findings are built and printed one at a time: a victim with 300,000 users has as many
 * findings, and the whole tree of them took more than a GiB. Without memory the output
 * stops where it is (status 8 then).
 */
int rsc_report_json(struct rsc_ctx *ctx, const struct rsc_report_opts *o, FILE *out)
{
	struct json_object *top = json_object_new_object(), *tail = NULL;
	struct json_object *tgt = NULL, *sum = NULL;
	_cleanup_free_ const struct rsc_finding **ws = NULL;
	size_t count[3] = { 0 };
	const char *s;
	int r = -ENOMEM;

	rsc_ctx_sort(ctx);
	if (!top)
		return -ENOMEM;
	tail = json_object_new_object();
	sum = json_object_new_object();
	if (!tail || !sum || refusals(ctx, &ws) < 0)
		goto out;
	json_object_object_add(top, "schema", json_object_new_string("sshrescue-report"));
	json_object_object_add(top, "schema_version", json_object_new_int(1));
	json_object_object_add(top, "tool_version", json_object_new_string(RSC_VERSION));
	json_object_object_add(top, "command", json_object_new_string(o->command));
	if (o->volume) {
		static const char *const kinds[] = { "directory", "image", "block-device" };

		tgt = json_object_new_object();
		if (!tgt)
			goto out;
		jadd_str(tgt, "path", o->volume->target, true);
		jadd_str(tgt, "kind", kinds[o->volume->kind], false);
		jadd_str(tgt, "fstype", o->volume->fstype, true);
		jadd_str(tgt, "uuid", o->volume->uuid, true);
		jadd_str(tgt, "label", o->volume->label, true);
		json_object_object_add(tgt, "read_only",
				       json_object_new_boolean(o->volume->read_only));
		jadd_str(tgt, "beside", o->volume->beside, false);
		json_object_object_add(tgt, "partition",
				       o->volume->partition
					       ? json_object_new_int((int)o->volume->partition)
					       : NULL);
		json_object_object_add(top, "target", tgt);
	}
	json_object_object_add(top, "victim", json_victim(ctx->victim));
	json_object_object_add(top, "filesystems", json_filesystems(&ctx->fs, ctx->fsphase));
	/* the head without its closing "\n}", then the two arrays */
	s = json_object_to_json_string_ext(top, JSON_C_TO_STRING_PRETTY |
							JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s || strlen(s) < 2)
		goto out;
	fprintf(out, "%.*s,\n  \"users\":[", (int)(strlen(s) - 2), s);
	for (size_t i = 0; i < ctx->nusers; i++) {
		r = print_element(out, json_user(&ctx->users[i], ws[i]), i);
		if (r < 0)
			goto out;
	}
	fprintf(out, "\n  ],\n  \"findings\":[");
	for (size_t i = 0; i < ctx->nfindings; i++) {
		r = print_element(out, json_finding(&ctx->findings[i]), i);
		if (r < 0)
			goto out;
		count[rsc_problem(ctx->findings[i].id)->severity]++;
	}
	fprintf(out, "\n  ]");
	r = -ENOMEM;
	json_object_object_add(sum, "errors", json_object_new_int64((int64_t)count[RSC_SEV_ERROR]));
	json_object_object_add(sum, "warnings",
			       json_object_new_int64((int64_t)count[RSC_SEV_WARNING]));
	json_object_object_add(sum, "info", json_object_new_int64((int64_t)count[RSC_SEV_INFO]));
	json_object_object_add(tail, "summary", sum);
	sum = NULL;
	json_object_object_add(tail, "exit_status", json_object_new_int(o->exit_status));
	/* the tail without its opening "{" */
	s = json_object_to_json_string_ext(tail, JSON_C_TO_STRING_PRETTY |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s || !*s)
		goto out;
	fprintf(out, ",%s\n", s + 1);
	r = 0;
out:
	json_object_put(sum);
	json_object_put(tail);
	json_object_put(top);
	return r;
}
