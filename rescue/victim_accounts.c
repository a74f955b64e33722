// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * victim_accounts.c - the parsers of the victim's account files
 * (/etc/passwd, /etc/group, /etc/shadow) behind rsc_parse_passwd() & co.
 *
 * They read the files the way glibc's "files" NSS module does: leading
 * blanks skipped, empty and '#' lines ignored, a malformed line skipped, the
 * first of two entries with one name wins. Every skipped line becomes a
 * note "<file>:<line>: <why>"; notes never quote victim bytes, so they need
 * no escaping.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "victim_int.h"

#define MAX_ENTRIES 500000u /* users, groups */

/* ---- the loop every account file shares ---- */

/* The line being parsed (the names already known are in the victim's index). */
struct acct_line {
	struct rsc_victim *v;
	const char *file;
	unsigned long lineno;
};

/* The part of one line that differs per file: 0 to go on, 1 to stop reading, or -errno. */
typedef int (*acct_line_fn)(struct acct_line *a, char **f, size_t nf);

/* A note about the current line: "<file>:<line>: <message>". */
static int line_note(const struct acct_line *a, const char *fmt, ...) _printf_(2, 3);
static int line_note(const struct acct_line *a, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	int r;

	if (vic_notes_full(a->v))
		return 0; /* not formatted: a hostile file has a million such lines */
	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	r = vic_note(a->v, "%s:%lu: %s", a->file, a->lineno, msg);
	free(msg);
	return r;
}

/*
 * The common part of reading one account-file line: refuse overlong lines
 * and NUL bytes, skip blank/comment lines and NIS compat lines. Returns 1
 * with *out a copy to split (a trailing CR is kept, as glibc keeps it),
 * 0 to skip the line, -ENOMEM.
 */
static int account_line(const struct acct_line *a, const char *s, size_t n, char **out)
{
	*out = NULL;
	if (n > LINE_MAX_LEN)
		return line_note(a, "line longer than %u bytes", LINE_MAX_LEN);
	if (memchr(s, '\0', n))
		return line_note(a, "NUL byte in the line");
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	if (n == 0 || *s == '#')
		return 0;
	if (*s == '+' || *s == '-')
		return line_note(a, "NIS compat line (+/-) ignored");
	if (s[n - 1] == '\r') {
		int r = line_note(a, "line ends in CR (a CR LF file); the last field keeps the CR");

		if (r < 0)
			return r;
	}
	*out = strndup(s, n);
	return *out ? 1 : -ENOMEM;
}

/* Split s in place at sep into at most max fields; returns the real number of fields. */
static size_t split_fields(char *s, char sep, char **f, size_t max)
{
	size_t n = 0;

	for (;;) {
		char *c = strchr(s, sep);

		if (n < max)
			f[n] = s;
		n++;
		if (!c)
			return n;
		*c = '\0';
		s = c + 1;
	}
}

/*
 * For each line of data that account_line() accepts: split it at ':' into
 * at most 9 fields and hand them to fn, with the names of v's users (or,
 * of_groups, v's groups) indexed (victim_index.c), those added by fn included.
 */
static int each_account_line(struct rsc_victim *v, const char *file, const char *data, size_t len,
			     bool of_groups, acct_line_fn fn)
{
	struct acct_line a = { .v = v, .file = file };
	const char *p = data, *end = data + len, *s;
	size_t n;
	int r = 0;

	if (!v || (!data && len))
		return -EINVAL;
	r = of_groups ? vic_index_groups(v) : vic_index_users(v);
	while (r == 0 && vic_next_line(&p, end, &s, &n)) {
		_cleanup_free_ char *line = NULL;
		char *f[9];

		a.lineno++;
		r = account_line(&a, s, n, &line);
		if (r > 0 && line)
			r = fn(&a, f, split_fields(line, ':', f, ARRAY_SIZE(f)));
	}
	return r < 0 ? r : 0;
}

static int parse_id(const char *s, unsigned long *out)
{
	return rsc_parse_ulong(s, UID_MAX_VALID, out);
}

/* A note that the entry limit is reached, and the signal to stop. */
static int too_many(const struct acct_line *a, const char *what)
{
	int r = line_note(a, "more than %u %s; the rest is ignored", MAX_ENTRIES, what);

	return r < 0 ? r : 1;
}

/* ---- /etc/passwd ---- */

static void user_free(struct rsc_user *u)
{
	free(u->name);
	free(u->gecos);
	free(u->home);
	free(u->shell);
	free(u->hash);
}

static int passwd_line(struct acct_line *a, char **f, size_t nf)
{
	struct rsc_victim *v = a->v;
	struct rsc_user u = { .expire_day = -1 };
	unsigned long uid, gid;
	ssize_t dup;

	if (nf != 7)
		return line_note(a, "%zu fields, expected 7", nf);
	if (!*f[0])
		return line_note(a, "empty user name");
	if (parse_id(f[2], &uid) < 0 || parse_id(f[3], &gid) < 0)
		return line_note(a, "uid or gid is not a number from 0 to %lu", UID_MAX_VALID);
	dup = vic_user_index(v, f[0]);
	if (dup >= 0)
		return line_note(a, "user already defined on line %lu; the first wins",
				 v->users[dup].lineno);
	if (v->nusers >= MAX_ENTRIES)
		return too_many(a, "users");
	u.uid = (uid_t)uid;
	u.gid = (gid_t)gid;
	u.lineno = a->lineno;
	u.name = strdup(f[0]);
	u.gecos = strdup(f[4]);
	u.home = strdup(f[5]);
	u.shell = strdup(f[6]);
	if (!u.name || !u.gecos || !u.home || !u.shell ||
	    vic_grow(&v->users, v->nusers, sizeof(*v->users)) < 0) {
		user_free(&u);
		return -ENOMEM;
	}
	v->users[v->nusers++] = u;
	return vic_index_users(v);
}

int rsc_parse_passwd(struct rsc_victim *v, const char *data, size_t len)
{
	return each_account_line(v, FILE_PASSWD, data, len, false, passwd_line);
}

/* ---- /etc/group ---- */

static void group_free(struct rsc_group *g)
{
	free(g->name);
	for (size_t i = 0; i < g->nmembers; i++)
		free(g->members[i]);
	free(g->members);
}

static int split_members(char *list, struct rsc_group *g)
{
	struct vic_strv m = { 0 };
	char *save = NULL;

	for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		if (!*tok)
			continue;
		if (vic_strv_pushdup(&m, tok) < 0) {
			vic_strv_free(&m);
			return -ENOMEM;
		}
	}
	if (!m.v) {
		m.v = calloc(1, sizeof(*m.v));
		if (!m.v)
			return -ENOMEM;
	}
	g->members = m.v;
	g->nmembers = m.n;
	return 0;
}

static int group_line(struct acct_line *a, char **f, size_t nf)
{
	struct rsc_victim *v = a->v;
	struct rsc_group g = { 0 };
	unsigned long gid;
	int r;

	if (nf != 4)
		return line_note(a, "%zu fields, expected 4", nf);
	if (!*f[0])
		return line_note(a, "empty group name");
	if (parse_id(f[2], &gid) < 0)
		return line_note(a, "gid is not a number from 0 to %lu", UID_MAX_VALID);
	if (vic_group_index(v, f[0]) >= 0)
		return line_note(a, "group already defined; the first wins");
	if (v->ngroups >= MAX_ENTRIES)
		return too_many(a, "groups");
	g.gid = (gid_t)gid;
	g.name = strdup(f[0]);
	r = g.name ? split_members(f[3], &g) : -ENOMEM;
	if (r == 0)
		r = vic_grow(&v->groups, v->ngroups, sizeof(*v->groups));
	if (r < 0) {
		group_free(&g);
		return r;
	}
	v->groups[v->ngroups++] = g;
	return vic_index_groups(v);
}

int rsc_parse_group(struct rsc_victim *v, const char *data, size_t len)
{
	int r = each_account_line(v, FILE_GROUP, data, len, true, group_line);

	return r < 0 ? r : vic_index_members(v);
}

/* ---- /etc/shadow ---- */

/* A shadow number: empty is -1, a negative number means "none" too. */
static int parse_days(const char *s, long *out)
{
	unsigned long val;
	bool neg = *s == '-';

	*out = -1;
	if (!*s)
		return 0;
	if (rsc_parse_ulong(s + neg, LONG_MAX, &val) < 0)
		return -EINVAL;
	if (!neg)
		*out = (long)val;
	return 0;
}

static int shadow_line(struct acct_line *a, char **f, size_t nf)
{
	long days[7] = { -1, -1, -1, -1, -1, -1, -1 };
	struct rsc_user *u;
	ssize_t at;
	bool bad = false;

	if (nf != 9 && nf != 2)
		return line_note(a, "%zu fields, expected 9", nf);
	for (size_t i = 2; i < nf; i++)
		bad = bad || parse_days(f[i], &days[i - 2]) < 0;
	if (bad || !*f[0])
		return line_note(a, "%s", bad ? "a day field is not a number" : "empty user name");
	at = vic_user_index(a->v, f[0]);
	if (at < 0)
		return 0; /* no such account: nothing logs in with it */
	u = &a->v->users[at];
	if (u->has_shadow)
		return line_note(a, "user already has a shadow entry; the first wins");
	u->hash = strdup(f[1]);
	if (!u->hash)
		return -ENOMEM;
	u->has_shadow = true;
	u->expire_day = days[5];
	return 0;
}

int rsc_parse_shadow(struct rsc_victim *v, const char *data, size_t len)
{
	return each_account_line(v, FILE_SHADOW, data, len, false, shadow_line);
}

void vic_free_accounts(struct rsc_victim *v)
{
	for (size_t i = 0; i < v->nusers; i++)
		user_free(&v->users[i]);
	free(v->users);
	v->users = NULL;
	v->nusers = 0;
	for (size_t i = 0; i < v->ngroups; i++)
		group_free(&v->groups[i]);
	free(v->groups);
	v->groups = NULL;
	v->ngroups = 0;
	vic_free_index(v);
}
