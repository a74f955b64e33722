// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report_text.c - the text report (rsc_report_text): the verdict per user,
 * the findings grouped by user, the filesystem and its checker. Every string
 * from the victim is escaped on output.
 */
#include <stdlib.h>
#include <string.h>

#include "fsck.h"
#include "fsphase.h"
#include "report.h"
#include "report_int.h"
#include "usage.h"
#include "util.h"
#include "victim.h"
#include "volume.h"

struct paint {
	const char *err, *warn, *info, *bold, *off;
};

static const struct paint colors = { "\033[1;31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m" };
static const struct paint plain = { "", "", "", "", "" };

static const char *sev_color(const struct paint *p, enum rsc_severity s)
{
	return s == RSC_SEV_ERROR ? p->err : s == RSC_SEV_WARNING ? p->warn : p->info;
}

static void print_verdict(struct rsc_ctx *ctx, const struct paint *p, FILE *out)
{
	_cleanup_free_ const struct rsc_finding **ws = NULL;

	(void)rsc_report_refusals(ctx, &ws); /* without memory: one search per user */
	fprintf(out, "%sVerdict%s\n", p->bold, p->off);
	if (ctx->nusers == 0)
		fprintf(out, "  no account with SSH keys or a login shell was examined\n");
	for (size_t i = 0; i < ctx->nusers; i++) {
		const struct rsc_user_state *u = &ctx->users[i];
		const struct rsc_finding *w = ws ? ws[i] : rsc_report_refusal(ctx, u->name);
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
		rsc_usage_human(u->blocks * bs, a, sizeof(a)), used_pct(u->blocks, u->blocks_free),
		rsc_usage_human(u->blocks_root * bs, b, sizeof(b)),
		rsc_usage_human(u->blocks_user * bs, c, sizeof(c)),
		rsc_usage_human(u->reserved * bs, d, sizeof(d)));
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
		if (first || !rsc_report_str_eq(group, f->user)) {
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
