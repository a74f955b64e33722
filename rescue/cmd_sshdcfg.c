// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_sshdcfg.c - `sshrescue sshd-config TARGET [--dump [--match SPEC]]`:
 * the victim's sshd_config judged like the victim's own sshd would judge
 * it, one "FILE:LINE: severity: message" per problem; or the effective
 * configuration in the format of `sshd -T`. Exit 0 when sshd would start
 * with it, 4 when it would refuse to.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "cmd.h"
#include "report.h"
#include "execvictim.h"
#include "session.h"
#include "sshdcfg.h"
#include "util.h"
#include "victim.h"
#include "volume.h"

static void print_diag(const struct sshd_diag *d, FILE *out)
{
	_cleanup_free_ char *file = rsc_escape(d->file ? d->file : "?");
	_cleanup_free_ char *msg = rsc_escape(d->msg ? d->msg : "");
	const struct rsc_problem *p = rsc_problem(d->id);

	if (d->line)
		fprintf(out, "%s:%u: %s: %s [%s]\n", file ? file : "?", d->line,
			rsc_severity_name(p->severity), msg ? msg : "?", p->code);
	else
		fprintf(out, "%s: %s: %s [%s]\n", file ? file : "?", rsc_severity_name(p->severity),
			msg ? msg : "?", p->code);
}

#define EXEC_TIMEOUT_MS 10000
#define DIFF_SHOWN	20

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text (modified in place), sorted. */
static char **sorted_lines(char *text, size_t *n)
{
	size_t cap = 1;
	char **v;

	for (const char *p = text; *p; p++)
		cap += *p == '\n';
	v = calloc(cap + 1, sizeof(*v));
	if (!v)
		return NULL;
	*n = 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && *n < cap;
	     l = strtok_r(NULL, "\n", &save))
		v[(*n)++] = l;
	qsort(v, *n, sizeof(*v), cmp_line);
	return v;
}

/* Print the lines only one side has; returns how many differ. */
static size_t diff_sorted(char **a, size_t na, char **b, size_t nb, FILE *out)
{
	size_t i = 0, k = 0, diff = 0;

	while (i < na || k < nb) {
		int c = i == na ? 1 : k == nb ? -1 : strcmp(a[i], b[k]);
		const char *side = c < 0 ? "sshrescue" : "sshd";
		const char *line = c < 0 ? a[i] : b[k];

		if (c == 0) {
			i++, k++;
			continue;
		}
		if (diff++ < DIFF_SHOWN) {
			_cleanup_free_ char *e = rsc_escape(line);

			fprintf(out, "  only %-9s: %s\n", side, e ? e : "?");
		}
		if (c < 0)
			i++;
		else
			k++;
	}
	return diff;
}

/* Where the victim root is mounted on the helper. */
static const char *root_dir(const struct session *s)
{
	return s->vol->mountpoint ? s->vol->mountpoint : s->vol->target;
}

/*
 * --exec-victim: the victim's own sshd -t (and -T) in the sandbox, compared
 * with our verdict (and dump). Returns 0 when they agree, 1 when not, -errno.
 */
static int cross_check(struct session *s, const struct sshd_config *cfg, bool fatal,
		       const struct sshd_conn *conn, const char *spec, FILE *out)
{
	char *targv[] = { "/usr/sbin/sshd", "-t", NULL };
	char *dargv[] = { "/usr/sbin/sshd", "-T", "-C", (char *)spec, NULL };
	struct rsc_exec_result t, d = { 0 };
	_cleanup_free_ char *ours = NULL;
	_cleanup_free_ char **ol = NULL, **tl = NULL;
	size_t olen = 0, no = 0, nt = 0, diff;
	bool accepted;
	FILE *f;
	int r;

	r = rsc_exec_victim(root_dir(s), targv, EXEC_TIMEOUT_MS, &t);
	if (r < 0)
		return r;
	accepted = t.status == 0 && !t.timed_out;
	{
		_cleanup_free_ char *first = strndup(t.err.data, strcspn(t.err.data, "\n"));
		_cleanup_free_ char *e = rsc_escape(first ? first : "");

		fprintf(out, "the victim's sshd -t: %s (status %d)%s%s\n",
			t.timed_out ? "killed at the time limit"
			: accepted  ? "accepted"
				    : "refused",
			t.status, *t.err.data ? ": " : "", e ? e : "");
	}
	rsc_exec_result_free(&t);
	if (accepted == fatal) {
		fprintf(out, "DISAGREE: sshrescue says sshd would %s\n",
			fatal ? "refuse to start" : "start");
		return 1;
	}
	if (!accepted)
		return 0;
	if (!spec)
		dargv[2] = NULL;
	r = rsc_exec_victim(root_dir(s), dargv, EXEC_TIMEOUT_MS, &d);
	if (r < 0)
		return r;
	f = open_memstream(&ours, &olen);
	if (!f) {
		rsc_exec_result_free(&d);
		return -ENOMEM;
	}
	r = sshd_config_dump(cfg, conn, f);
	fclose(f);
	if (r == 0 && ours) {
		ol = sorted_lines(ours, &no);
		tl = sorted_lines(d.out.data, &nt);
		if (!ol || !tl)
			r = -ENOMEM;
	}
	if (r < 0) {
		rsc_exec_result_free(&d);
		return r;
	}
	diff = diff_sorted(ol, no, tl, nt, out);
	fprintf(out, "the victim's sshd -T: %zu lines, %zu differ%s\n", nt, diff,
		diff ? " (DISAGREE)" : "");
	rsc_exec_result_free(&d);
	return diff ? 1 : 0;
}

/*
 * What else stops sshd at start (sshd -t checks the host keys too): the
 * sshd-start check's findings, printed like the configuration's. Returns
 * the number of those that stop every login, or -errno.
 */
static int start_findings(struct session *s, FILE *out)
{
	struct rsc_ctx ctx;
	int n = 0, r;

	rsc_ctx_init(&ctx, s->vol->root, s->victim);
	r = chk_sshd_start.run(&ctx);
	for (size_t i = 0; r == 0 && i < ctx.nfindings; i++) {
		const struct rsc_finding *f = &ctx.findings[i];
		const struct rsc_problem *p = rsc_problem(f->id);
		_cleanup_free_ char *title = rsc_finding_format(f, p->title);
		_cleanup_free_ char *ev = f->evidence ? rsc_escape(f->evidence) : NULL;

		fprintf(out, "%s: %s%s%s [%s]\n", rsc_severity_name(p->severity),
			title ? title : "?", ev ? ": " : "", ev ? ev : "", p->code);
		/* a DSA-only sshd starts (sshd -t accepts it); only its clients fail */
		n += p->everyone && p->severity == RSC_SEV_ERROR &&
		     f->id != PR_SSHD_HOSTKEY_DSA_ONLY;
	}
	rsc_ctx_clear(&ctx);
	return r < 0 ? r : n;
}

int rsc_cmd_sshd_config(const struct rsc_opts *o)
{
	struct session s;
	struct sshd_conn conn, *connp = NULL;
	_cleanup_free_ char *spec = NULL;
	_cleanup_free_ const char **groups = NULL;
	const struct sshd_config *cfg;
	struct rsc_buf why = { 0 };
	int status, r;
	size_t errors = 0;
	bool fatal;

	if (o->match && !o->dump && !o->exec_victim) {
		fprintf(o->err, "sshrescue: --match goes with --dump or --exec-victim\n");
		return RSC_EXIT_USAGE;
	}
	if (o->match) {
		spec = strdup(o->match);
		if (!spec)
			return RSC_EXIT_OPERATIONAL;
		if (sshd_conn_parse(spec, &conn, &why) < 0) {
			_cleanup_free_ char *e = rsc_escape(why.data ? why.data : "");

			fprintf(o->err, "sshrescue: --match: %s\n", e ? e : "?");
			rsc_buf_free(&why);
			return RSC_EXIT_USAGE;
		}
		connp = &conn;
	}
	status = session_open(&s, o, false);
	if (status)
		return status;
	r = s.victim ? 0 : rsc_victim_load(s.vol->root, &s.victim);
	if (r < 0) {
		fprintf(o->err, "sshrescue: cannot read the victim: %s\n", strerror(-r));
		session_close(&s);
		return RSC_EXIT_OPERATIONAL;
	}
	cfg = s.victim->sshdcfg;
	if (connp && connp->user && rsc_victim_user_groups(s.victim, connp->user, &groups) < 0) {
		session_close(&s);
		return RSC_EXIT_OPERATIONAL;
	}
	if (connp)
		conn.groups = groups;
	for (size_t i = 0; i < cfg->ndiags; i++)
		if (rsc_problem(cfg->diags[i].id)->severity == RSC_SEV_ERROR)
			errors++;
	fatal = cfg->fatal;
	if (o->dump) {
		if (cfg->fatal || (cfg->found && start_findings(&s, o->err) != 0)) {
			for (size_t i = 0; i < cfg->ndiags; i++)
				print_diag(&cfg->diags[i], o->err);
			session_close(&s);
			return RSC_EXIT_LEFT;
		}
		if (sshd_config_needs_lport(cfg) && (!connp || connp->lport <= 0)) {
			fprintf(o->err,
				"sshrescue: 'Match LocalPort' in configuration but 'lport' not "
				"in the --match specification\n");
			session_close(&s);
			return RSC_EXIT_LEFT;
		}
		r = sshd_config_dump(cfg, connp, o->out);
		session_close(&s);
		return r < 0 ? RSC_EXIT_OPERATIONAL : RSC_EXIT_OK;
	}
	for (size_t i = 0; i < cfg->ndiags; i++)
		print_diag(&cfg->diags[i], o->out);
	if (cfg->found) {
		r = start_findings(&s, o->out);
		if (r < 0) {
			session_close(&s);
			return RSC_EXIT_OPERATIONAL;
		}
		fatal |= r > 0;
		errors += (size_t)r;
	}
	fprintf(o->out, "%s: OpenSSH %d.%d%s: %s\n", "/etc/ssh/sshd_config", cfg->version / 100,
		cfg->version % 100, s.victim->ssh.major ? "" : " (version unknown: newest assumed)",
		fatal ? "sshd would refuse to start" : "sshd would accept this configuration");
	if (errors)
		fprintf(o->out, "%zu error(s), %zu warning(s)\n", errors, cfg->ndiags - errors);
	status = fatal ? RSC_EXIT_LEFT : RSC_EXIT_OK;
	if (o->exec_victim) {
		r = cross_check(&s, cfg, fatal, connp, o->match, o->out);
		if (r < 0) {
			fprintf(o->err, "sshrescue: --exec-victim: %s\n", strerror(-r));
			status |= RSC_EXIT_OPERATIONAL;
		} else if (r > 0) {
			status |= RSC_EXIT_LEFT;
		}
	}
	session_close(&s);
	return status;
}
