// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sshd_config.c - repair the victim's sshd_config in the file where the
 * problem lives:
 *
 *  - a line sshd refuses (unknown keyword, bad value, a global keyword
 *    inside a Match block, a deprecated keyword) is commented out with a
 *    marker naming the code: "#sshrescue sshd.config.value# <line>";
 *  - a keyword unknown to the victim's release under this name but known
 *    under another name of the same setting (PubkeyAcceptedAlgorithms on a
 *    7.x sshd, say) is renamed instead;
 *  - a broken Match line is commented out with its whole block, so that
 *    the block's settings never become global;
 *  - a missing sshd_config is restored: the distribution's default
 *    (/usr/share/openssh/sshd_config on Debian and Ubuntu) or, without one,
 *    a minimal configuration that keeps every default;
 *  - with fix --reset-sshd-config, every problem of /etc/ssh/sshd_config
 *    itself is repaired by replacing the file with that default (mode and
 *    owner kept, the old bytes in the journal); included files are still
 *    repaired line by line.
 *
 * Several repairs of one file are made in one rewrite; the file keeps its
 * mode and owner, and the journal keeps the old bytes for undo.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fixups.h"
#include "plan.h"
#include "report.h"
#include "root.h"
#include "sshdcfg.h"
#include "util.h"
#include "victim.h"

#define CONFIG_CAP     (4u << 20)
#define MARKER	       "#sshrescue "
#define DEBIAN_DEFAULT "/usr/share/openssh/sshd_config"
#define MAIN_CONFIG    "/etc/ssh/sshd_config"

static const enum rsc_pid ids[] = {
	PR_SSHD_CONFIG_MISSING,	   PR_SSHD_CONFIG_KEYWORD,    PR_SSHD_CONFIG_VALUE,
	PR_SSHD_CONFIG_SYNTAX,	   PR_SSHD_CONFIG_NOTINMATCH, PR_SSHD_CONFIG_MATCH,
	PR_SSHD_CONFIG_DEPRECATED, PR_SSHD_USER_DENIED,	      PR_SSHD_USER_NOKEYAUTH,
};

/* [start, end) of line n (1-based) in data, without its '\n'; false if there is none. */
static bool find_line(const char *data, size_t len, unsigned long n, size_t *start, size_t *end)
{
	size_t pos = 0;

	for (unsigned long l = 1; pos <= len; l++) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t e = nl ? (size_t)(nl - data) : len;

		if (l == n) {
			if (pos == len && !nl)
				return false;
			*start = pos;
			*end = e;
			return true;
		}
		if (!nl)
			return false;
		pos = e + 1;
	}
	return false;
}

static bool is_commented(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == '#';
}

/* The keyword of a line: [*kw, *kw + *klen). */
static void line_keyword(const char *s, size_t n, size_t *kw, size_t *klen)
{
	size_t i = 0, k;

	while (i < n && strchr(" \t\r", s[i]))
		i++;
	k = i;
	while (i < n && !strchr(" \t\r=\"", s[i]))
		i++;
	*kw = k;
	*klen = i - k;
}

/*
 * Edit one line of buf: comment it out with the marker and code, or, when
 * rename is set, replace its keyword. Lines already commented stay.
 */
static int edit_line(struct rsc_buf *buf, unsigned long line, const char *code, const char *rename)
{
	_cleanup_(rsc_buf_free) struct rsc_buf out = { 0 };
	size_t s = 0, e = 0, kw, klen;
	int r;

	if (!buf->data || !find_line(buf->data, buf->len, line, &s, &e))
		return -ENOENT;
	if (is_commented(buf->data + s, e - s))
		return 0;
	r = rsc_buf_add(&out, buf->data, s);
	if (rename) {
		line_keyword(buf->data + s, e - s, &kw, &klen);
		if (r == 0)
			r = rsc_buf_add(&out, buf->data + s, kw);
		if (r == 0)
			r = rsc_buf_adds(&out, rename);
		if (r == 0)
			r = rsc_buf_add(&out, buf->data + s + kw + klen, e - s - kw - klen);
	} else if (r == 0) {
		r = rsc_buf_printf(&out, MARKER "%s# ", code);
		if (r == 0)
			r = rsc_buf_add(&out, buf->data + s, e - s);
	}
	if (r == 0)
		r = rsc_buf_add(&out, buf->data + e, buf->len - e);
	if (r < 0)
		return r;
	rsc_buf_free(buf);
	*buf = out;
	out = (struct rsc_buf){ 0 };
	return 0;
}

/* The lines of the Match block that starts at line m of file, up to the next Match or EOF. */
static int match_block_end(const struct sshd_config *cfg, const char *file, unsigned m,
			   unsigned *last)
{
	*last = m;
	for (size_t i = 0; i < cfg->nentries; i++)
		if (cfg->entries[i].file && strcmp(cfg->entries[i].file, file) == 0 &&
		    cfg->entries[i].line > m && cfg->entries[i].line > *last)
			*last = cfg->entries[i].line;
	for (size_t i = 0; i < cfg->nmatches; i++)
		if (strcmp(cfg->matches[i].file, file) == 0 && cfg->matches[i].line > m &&
		    cfg->matches[i].line <= *last)
			*last = cfg->matches[i].line - 1;
	return 0;
}

/* A name of the same setting that the victim's release knows, for a keyword it does not. */
static const char *known_alias(const struct sshd_config *cfg, const char *data, size_t len,
			       unsigned long line)
{
	size_t s, e, kw, klen;
	char name[64];
	int row, canon;

	if (!find_line(data, len, line, &s, &e))
		return NULL;
	line_keyword(data + s, e - s, &kw, &klen);
	if (klen == 0 || klen >= sizeof(name))
		return NULL;
	memcpy(name, data + s + kw, klen);
	name[klen] = '\0';
	row = sshd_kw_lookup(name, 9999, ~0u);
	if (row < 0 && (row = sshd_kw_lookup(name, 704, ~0u)) < 0)
		return NULL;
	canon = sshd_kw_canon(row);
	for (int k = 0; k < sshd_kw_count(); k++)
		if (k != row && sshd_kw_canon(k) == canon &&
		    sshd_kw_lookup(sshd_kw_name(k), cfg->version, cfg->vendors) == k)
			return sshd_kw_name(k);
	return NULL;
}

/* A minimal sshd_config for a victim without one: every default, plus what the distribution needs. */
static int minimal_config(struct rsc_ctx *ctx, struct rsc_buf *b)
{
	static const char *const sftp[] = { "/usr/lib/openssh/sftp-server",
					    "/usr/libexec/openssh/sftp-server",
					    "/usr/lib/ssh/sftp-server",
					    "/usr/libexec/sftp-server" };
	struct stat st;
	int r;

	r = rsc_buf_adds(b, "# Written by sshrescue (sshd.config.missing): OpenSSH's defaults.\n");
	if (r == 0 && rsc_victim_ssh_cmp(ctx->victim, 8, 2) >= 0 &&
	    rsc_root_stat(ctx->root, "/etc/ssh/sshd_config.d", &st, 0) == 0 && S_ISDIR(st.st_mode))
		r = rsc_buf_adds(b, "Include /etc/ssh/sshd_config.d/*.conf\n");
	if (r == 0 && rsc_root_stat(ctx->root, "/etc/pam.d/sshd", &st, 0) == 0)
		r = rsc_buf_adds(b, "KbdInteractiveAuthentication no\nUsePAM yes\n");
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(sftp); i++)
		if (rsc_root_stat(ctx->root, sftp[i], &st, 0) == 0) {
			r = rsc_buf_printf(b, "Subsystem sftp %s\n", sftp[i]);
			break;
		}
	return r;
}

#define WHY_DISTRO  "the distribution's default (" DEBIAN_DEFAULT ")"
#define WHY_MINIMAL "a minimal configuration with OpenSSH's defaults"

/* Is op the plan's rewrite of a file with the default configuration? */
static bool is_reset(const struct rsc_op *op)
{
	return op && op->why &&
	       (strcmp(op->why, WHY_DISTRO) == 0 || strcmp(op->why, WHY_MINIMAL) == 0);
}

/*
 * Write the default configuration at f->path with mode/owner: the
 * distribution's (DEBIAN_DEFAULT) or a minimal one. A rewrite of the file
 * already in the plan (line edits of other findings) is replaced.
 */
static int plan_default(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p,
			mode_t mode, uid_t uid, gid_t gid)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_(rsc_buf_free) struct rsc_buf b = { 0 };
	const char *why = WHY_DISTRO;
	struct rsc_op *op = rsc_plan_find_write(p, f->path);
	size_t len = 0;
	int r;

	if (is_reset(op))
		return 0;
	r = rsc_root_read_file(ctx->root, DEBIAN_DEFAULT, CONFIG_CAP, 0, &data, &len, NULL);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		why = WHY_MINIMAL;
		r = minimal_config(ctx, &b);
		if (r < 0)
			return r;
		data = rsc_buf_steal(&b);
		len = data ? strlen(data) : 0;
	}
	if (op) {
		char *w = strdup(why);

		if (!w)
			return -ENOMEM;
		free(op->data);
		free(op->why);
		op->data = TAKE_PTR(data);
		op->len = len;
		op->why = w;
		return 0;
	}
	return rsc_plan_write(p, rsc_problem(f->id)->code, f->path, data, len, mode, uid, gid, why);
}

/* fix --reset-sshd-config: a problem of the main file is repaired by the default file. */
static int plan_reset(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	struct stat st;
	int r = rsc_root_stat(ctx->root, f->path, &st, RSC_NOFOLLOW);

	if (r < 0 || !S_ISREG(st.st_mode))
		return r == -ENOMEM ? r : -ENOTSUP;
	return plan_default(ctx, f, p, st.st_mode & 07777, st.st_uid, st.st_gid);
}

static int plan(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	const struct sshd_config *cfg = ctx->victim->sshdcfg;
	const char *code = rsc_problem(f->id)->code;
	_cleanup_(rsc_buf_free) struct rsc_buf buf = { 0 };
	_cleanup_free_ char *why = NULL;
	struct rsc_op *op;
	const char *rename = NULL;
	struct stat st = { 0 };
	unsigned last;
	int r = 0;

	if (f->id == PR_SSHD_CONFIG_MISSING)
		return plan_default(ctx, f, p, 0644, 0, 0);
	if (!f->path || f->line == 0 || !cfg)
		return -ENOTSUP;
	if (ctx->reset_sshd_config && strcmp(f->path, MAIN_CONFIG) == 0)
		return plan_reset(ctx, f, p);
	op = rsc_plan_find_write(p, f->path);
	if (is_reset(op))
		return 0; /* the file is reset: its lines go with it */
	if (op) {
		r = rsc_buf_add(&buf, op->data, op->len);
	} else {
		_cleanup_free_ char *data = NULL;
		size_t len = 0;

		r = rsc_root_read_file(ctx->root, f->path, CONFIG_CAP, 0, &data, &len, &st);
		if (r == 0)
			r = rsc_buf_add(&buf, data, len);
	}
	if (r < 0)
		return r == -ENOMEM ? r : -ENOTSUP;
	if (f->id == PR_SSHD_CONFIG_KEYWORD && buf.data)
		rename = known_alias(cfg, buf.data, buf.len, f->line);
	if (f->id == PR_SSHD_CONFIG_MATCH) {
		match_block_end(cfg, f->path, (unsigned)f->line, &last);
		for (unsigned l = (unsigned)f->line; r == 0 && l <= last; l++)
			r = edit_line(&buf, l, code, NULL);
		if (r == 0 &&
		    asprintf(&why, "Match block of lines %lu-%u commented out", f->line, last) < 0)
			why = NULL;
	} else {
		r = edit_line(&buf, f->line, code, rename);
		if (r == 0 && asprintf(&why,
				       rename ? "line %lu: keyword renamed to %s"
					      : "line %lu commented out%s",
				       f->line, rename ? rename : "") < 0)
			why = NULL;
	}
	if (r == -ENOENT)
		return -ENOTSUP;
	if (r < 0)
		return r;
	if (op) {
		size_t n = buf.len;
		char *data = rsc_buf_steal(&buf);

		free(op->data);
		op->data = data;
		op->len = n;
		return 0;
	}
	return rsc_plan_write(p, code, f->path, buf.data, buf.len, st.st_mode & 07777, st.st_uid,
			      st.st_gid, why);
}

const struct rsc_fixer fix_sshd_config = {
	.name = "sshd-config",
	.ids = ids,
	.nids = sizeof(ids) / sizeof(ids[0]),
	.plan = plan,
};
