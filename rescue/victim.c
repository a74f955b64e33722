// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * victim.c - the model of the victim, read from its own files through
 * rsc_root (never the helper's NSS, never a host path).
 *
 * Account files are parsed the way glibc's "files" NSS module reads them:
 * leading blanks skipped, empty and '#' lines ignored, a malformed line
 * skipped, the first of two entries with one name wins. Every skipped line
 * becomes a note "<file>:<line>: <why>"; notes never quote victim bytes, so
 * they need no escaping.
 *
 * The small sshd_config reader follows OpenSSH's servconf.c (checked against
 * 9.2p1): keyword split on blanks or one '=', arguments split with quotes
 * and backslash escapes, first value wins, Include globs relative to
 * /etc/ssh, a Match block ends the global section of the file it is in (an
 * included file's Match does not reach back into the including file), and
 * more than 16 levels of Include are not read (sshd refuses to start then).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "root.h"
#include "util.h"
#include "victim.h"

#define ACCOUNT_FILE_CAP (16u << 20) /* /etc/passwd, group, shadow */
#define SMALL_FILE_CAP	 (1u << 20)  /* os-release, login.defs */
#define DPKG_STATUS_CAP	 (64u << 20)
#define SSHD_BINARY_CAP	 (16u << 20) /* read at most this much of sshd, truncated */
#define SSHD_CONFIG_CAP	 (4u << 20)
#define LINE_MAX_LEN	 65536u	 /* longer account lines are refused */
#define MAX_ENTRIES	 500000u /* users, groups */
#define MAX_NOTES	 1000u
#define UID_MAX_VALID	 4294967294UL /* (uid_t)-1 is "no uid" */
#define INCLUDE_DEPTH	 16	      /* servconf.c SERVCONF_MAX_DEPTH */
#define INCLUDE_FILES	 256	      /* files read for one sshd_config, all levels */
#define GLOB_MAX	 1024	      /* results of one Include pattern */
#define DIR_SCAN_MAX	 10000	      /* entries looked at in one directory */
#define GLOB_DIRS_MAX	 256	      /* directories listed for one Include pattern */
#define VER_PART_MAX	 999

static const char FILE_PASSWD[] = "/etc/passwd";
static const char FILE_GROUP[] = "/etc/group";
static const char FILE_SHADOW[] = "/etc/shadow";

/* ---- small helpers ---- */

/*
 * Room for one more element in an array that only this file grows: the
 * capacity is implied by the count (8, then doubling), so appending n
 * entries costs O(n) copies, not O(n^2).
 */
static int grow(void *arrayp, size_t n, size_t size)
{
	void **array = arrayp;
	void *p = NULL;

	if (n >= 8 ? (n & (n - 1)) != 0 : n != 0)
		return 0;
	p = reallocarray(*array, n ? n * 2 : 8, size);
	if (!p)
		return -ENOMEM;
	*array = p;
	return 0;
}

struct strv {
	char **v; /* NULL-terminated once anything was added */
	size_t n, cap;
};

static int strv_push(struct strv *s, char *str)
{
	if (s->n + 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		char **n = reallocarray(s->v, cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->v = n;
		s->cap = cap;
	}
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
	return 0;
}

static int strv_pushdup(struct strv *s, const char *str)
{
	char *d = strdup(str);

	if (!d || strv_push(s, d) < 0) {
		free(d);
		return -ENOMEM;
	}
	return 0;
}

static void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static int note(struct rsc_victim *v, const char *fmt, ...) _printf_(2, 3);
static int note(struct rsc_victim *v, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int r;

	if (v->nnotes > MAX_NOTES)
		return 0;
	if (v->nnotes == MAX_NOTES) {
		s = strdup("further malformed lines are not listed");
	} else {
		va_start(ap, fmt);
		r = vasprintf(&s, fmt, ap);
		va_end(ap);
		if (r < 0)
			s = NULL;
	}
	if (!s)
		return -ENOMEM;
	if (grow(&v->notes, v->nnotes, sizeof(*v->notes)) < 0) {
		free(s);
		return -ENOMEM;
	}
	v->notes[v->nnotes++] = s;
	return 0;
}

/* Next line of [*p, end) without its '\n'. */
static bool next_line(const char **p, const char *end, const char **line, size_t *len)
{
	const char *nl;

	if (*p >= end)
		return false;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*len = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	*p = nl ? nl + 1 : end;
	return true;
}

/* A name -> index hash for duplicate detection and shadow lookups while parsing. */
struct name_index {
	struct {
		const char *name;
		size_t idx;
	} * slot;
	size_t mask, used;
};

static size_t hash_name(const char *s)
{
	size_t h = 14695981039346656037ULL & SIZE_MAX;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
	return h;
}

static void index_free(struct name_index *x)
{
	free(x->slot);
	x->slot = NULL;
	x->mask = x->used = 0;
}

static ssize_t index_find(const struct name_index *x, const char *name)
{
	if (!x->slot)
		return -1;
	for (size_t i = hash_name(name) & x->mask;; i = (i + 1) & x->mask) {
		if (!x->slot[i].name)
			return -1;
		if (strcmp(x->slot[i].name, name) == 0)
			return (ssize_t)x->slot[i].idx;
	}
}

static int index_grow(struct name_index *x);

/* Add name (borrowed, must outlive the index) unless present. */
static int index_add(struct name_index *x, const char *name, size_t idx)
{
	size_t i;
	int r;

	if ((x->used + 1) * 2 > x->mask + 1 || !x->slot) {
		r = index_grow(x);
		if (r < 0)
			return r;
	}
	for (i = hash_name(name) & x->mask; x->slot[i].name; i = (i + 1) & x->mask)
		if (strcmp(x->slot[i].name, name) == 0)
			return 0;
	x->slot[i].name = name;
	x->slot[i].idx = idx;
	x->used++;
	return 0;
}

static int index_grow(struct name_index *x)
{
	struct name_index n = { 0 };
	size_t size = x->slot ? (x->mask + 1) * 2 : 64;

	n.slot = calloc(size, sizeof(*n.slot));
	if (!n.slot)
		return -ENOMEM;
	n.mask = size - 1;
	for (size_t i = 0; x->slot && i <= x->mask; i++)
		if (x->slot[i].name)
			(void)index_add(&n, x->slot[i].name, x->slot[i].idx); /* no growth needed */
	free(x->slot);
	*x = n;
	return 0;
}

/*
 * The common part of reading one account-file line: refuse overlong lines
 * and NUL bytes, skip blank/comment lines and NIS compat lines. Returns 1
 * with *out a copy to split (a trailing CR is kept, as glibc keeps it),
 * 0 to skip the line, -ENOMEM.
 */
static int account_line(struct rsc_victim *v, const char *file, unsigned long lineno, const char *s,
			size_t n, char **out)
{
	*out = NULL;
	if (n > LINE_MAX_LEN)
		return note(v, "%s:%lu: line longer than %u bytes", file, lineno, LINE_MAX_LEN);
	if (memchr(s, '\0', n))
		return note(v, "%s:%lu: NUL byte in the line", file, lineno);
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	if (n == 0 || *s == '#')
		return 0;
	if (*s == '+' || *s == '-')
		return note(v, "%s:%lu: NIS compat line (+/-) ignored", file, lineno);
	if (s[n - 1] == '\r') {
		int r = note(v,
			     "%s:%lu: line ends in CR (a CR LF file); the last field keeps the CR",
			     file, lineno);
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

static int parse_id(const char *s, unsigned long *out)
{
	return rsc_parse_ulong(s, UID_MAX_VALID, out);
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

int rsc_parse_passwd(struct rsc_victim *v, const char *data, size_t len)
{
	struct name_index idx = { 0 };
	const char *p = data, *end = data + len, *s;
	unsigned long lineno = 0;
	size_t n;
	int r = 0;

	if (!v || (!data && len))
		return -EINVAL;
	for (size_t i = 0; i < v->nusers && r == 0; i++)
		r = index_add(&idx, v->users[i].name, i);
	while (r == 0 && next_line(&p, end, &s, &n)) {
		_cleanup_free_ char *line = NULL;
		unsigned long uid, gid;
		struct rsc_user u = { .expire_day = -1 };
		char *f[7];
		size_t nf;
		ssize_t dup;

		lineno++;
		r = account_line(v, FILE_PASSWD, lineno, s, n, &line);
		if (r <= 0)
			continue;
		r = 0;
		nf = split_fields(line, ':', f, 7);
		if (nf != 7) {
			r = note(v, "%s:%lu: %zu fields, expected 7", FILE_PASSWD, lineno, nf);
			continue;
		}
		if (!*f[0]) {
			r = note(v, "%s:%lu: empty user name", FILE_PASSWD, lineno);
			continue;
		}
		if (parse_id(f[2], &uid) < 0 || parse_id(f[3], &gid) < 0) {
			r = note(v, "%s:%lu: uid or gid is not a number from 0 to %lu", FILE_PASSWD,
				 lineno, UID_MAX_VALID);
			continue;
		}
		dup = index_find(&idx, f[0]);
		if (dup >= 0) {
			r = note(v, "%s:%lu: user already defined on line %lu; the first wins",
				 FILE_PASSWD, lineno, v->users[dup].lineno);
			continue;
		}
		if (v->nusers >= MAX_ENTRIES) {
			r = note(v, "%s:%lu: more than %u users; the rest is ignored", FILE_PASSWD,
				 lineno, MAX_ENTRIES);
			break;
		}
		u.uid = (uid_t)uid;
		u.gid = (gid_t)gid;
		u.lineno = lineno;
		u.name = strdup(f[0]);
		u.gecos = strdup(f[4]);
		u.home = strdup(f[5]);
		u.shell = strdup(f[6]);
		if (!u.name || !u.gecos || !u.home || !u.shell ||
		    grow(&v->users, v->nusers, sizeof(*v->users)) < 0) {
			user_free(&u);
			r = -ENOMEM;
			break;
		}
		v->users[v->nusers] = u;
		r = index_add(&idx, v->users[v->nusers].name, v->nusers);
		v->nusers++;
	}
	index_free(&idx);
	return r;
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
	struct strv m = { 0 };
	char *save = NULL;

	for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		if (!*tok)
			continue;
		if (strv_pushdup(&m, tok) < 0) {
			strv_free(&m);
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

int rsc_parse_group(struct rsc_victim *v, const char *data, size_t len)
{
	struct name_index idx = { 0 };
	const char *p = data, *end = data + len, *s;
	unsigned long lineno = 0;
	size_t n;
	int r = 0;

	if (!v || (!data && len))
		return -EINVAL;
	for (size_t i = 0; i < v->ngroups && r == 0; i++)
		r = index_add(&idx, v->groups[i].name, i);
	while (r == 0 && next_line(&p, end, &s, &n)) {
		_cleanup_free_ char *line = NULL;
		struct rsc_group g = { 0 };
		unsigned long gid;
		char *f[4];
		size_t nf;

		lineno++;
		r = account_line(v, FILE_GROUP, lineno, s, n, &line);
		if (r <= 0)
			continue;
		r = 0;
		nf = split_fields(line, ':', f, 4);
		if (nf != 4) {
			r = note(v, "%s:%lu: %zu fields, expected 4", FILE_GROUP, lineno, nf);
			continue;
		}
		if (!*f[0]) {
			r = note(v, "%s:%lu: empty group name", FILE_GROUP, lineno);
			continue;
		}
		if (parse_id(f[2], &gid) < 0) {
			r = note(v, "%s:%lu: gid is not a number from 0 to %lu", FILE_GROUP, lineno,
				 UID_MAX_VALID);
			continue;
		}
		if (index_find(&idx, f[0]) >= 0) {
			r = note(v, "%s:%lu: group already defined; the first wins", FILE_GROUP,
				 lineno);
			continue;
		}
		if (v->ngroups >= MAX_ENTRIES) {
			r = note(v, "%s:%lu: more than %u groups; the rest is ignored", FILE_GROUP,
				 lineno, MAX_ENTRIES);
			break;
		}
		g.gid = (gid_t)gid;
		g.name = strdup(f[0]);
		r = g.name ? split_members(f[3], &g) : -ENOMEM;
		if (r == 0)
			r = grow(&v->groups, v->ngroups, sizeof(*v->groups));
		if (r < 0) {
			group_free(&g);
			break;
		}
		v->groups[v->ngroups] = g;
		r = index_add(&idx, v->groups[v->ngroups].name, v->ngroups);
		v->ngroups++;
	}
	index_free(&idx);
	return r;
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

int rsc_parse_shadow(struct rsc_victim *v, const char *data, size_t len)
{
	struct name_index idx = { 0 };
	const char *p = data, *end = data + len, *s;
	unsigned long lineno = 0;
	size_t n;
	int r = 0;

	if (!v || (!data && len))
		return -EINVAL;
	for (size_t i = 0; i < v->nusers && r == 0; i++)
		r = index_add(&idx, v->users[i].name, i);
	while (r == 0 && next_line(&p, end, &s, &n)) {
		_cleanup_free_ char *line = NULL;
		struct rsc_user *u;
		long days[7] = { -1, -1, -1, -1, -1, -1, -1 };
		char *f[9];
		size_t nf;
		ssize_t at;
		bool bad = false;

		lineno++;
		r = account_line(v, FILE_SHADOW, lineno, s, n, &line);
		if (r <= 0)
			continue;
		r = 0;
		nf = split_fields(line, ':', f, 9);
		if (nf != 9 && nf != 2) {
			r = note(v, "%s:%lu: %zu fields, expected 9", FILE_SHADOW, lineno, nf);
			continue;
		}
		for (size_t i = 2; i < nf; i++)
			bad = bad || parse_days(f[i], &days[i - 2]) < 0;
		if (bad || !*f[0]) {
			r = note(v, "%s:%lu: %s", FILE_SHADOW, lineno,
				 bad ? "a day field is not a number" : "empty user name");
			continue;
		}
		at = index_find(&idx, f[0]);
		if (at < 0)
			continue; /* no such account: nothing logs in with it */
		u = &v->users[at];
		if (u->has_shadow) {
			r = note(v, "%s:%lu: user already has a shadow entry; the first wins",
				 FILE_SHADOW, lineno);
			continue;
		}
		u->hash = strdup(f[1]);
		if (!u->hash) {
			r = -ENOMEM;
			break;
		}
		u->has_shadow = true;
		u->expire_day = days[5];
	}
	index_free(&idx);
	return r;
}

/* ---- os-release ---- */

/*
 * Shell-style value: '...' literal, "..." with \" \\ \$ \` and \newline
 * escapes, bare backslash quotes the next byte; an unquoted blank ends the
 * value. NULL with errno EINVAL on an unterminated quote.
 */
static char *shell_value(const char *s, size_t n, int *err)
{
	struct rsc_buf b = { 0 };
	char quote = 0;
	size_t i;
	int r = rsc_buf_add(&b, "", 0);

	for (i = 0; r == 0 && i < n; i++) {
		char c = s[i];

		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else
				r = rsc_buf_add(&b, &c, 1);
		} else if (quote == '"') {
			if (c == '"')
				quote = 0;
			else if (c == '\\' && i + 1 < n && strchr("\"\\$`", s[i + 1]))
				r = rsc_buf_add(&b, &s[++i], 1);
			else
				r = rsc_buf_add(&b, &c, 1);
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '\\' && i + 1 < n) {
			r = rsc_buf_add(&b, &s[++i], 1);
		} else if (c == ' ' || c == '\t' || c == '\r') {
			break;
		} else {
			r = rsc_buf_add(&b, &c, 1);
		}
	}
	if (r == 0 && quote)
		r = -EINVAL;
	*err = r;
	if (r < 0) {
		rsc_buf_free(&b);
		return NULL;
	}
	return rsc_buf_steal(&b);
}

static bool word_in(const char *w, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && memcmp(*list, w, n) == 0)
			return true;
	return false;
}

static enum rsc_os_family family_of_word(const char *w, size_t n)
{
	static const char *const debian[] = { "debian", "ubuntu", "raspbian", NULL };
	static const char *const rhel[] = { "rhel",	 "fedora", "centos", "rocky",
					    "almalinux", "amzn",   "ol",     NULL };
	static const char *const suse[] = { "suse", "opensuse", "sles", "sled", NULL };
	static const char *const arch[] = { "arch", "archarm", NULL };

	if (word_in(w, n, debian))
		return RSC_OS_DEBIAN;
	if (word_in(w, n, rhel))
		return RSC_OS_RHEL;
	if (word_in(w, n, suse) || (n > 9 && memcmp(w, "opensuse-", 9) == 0) ||
	    (n > 5 && memcmp(w, "sles_", 5) == 0))
		return RSC_OS_SUSE;
	if (word_in(w, n, arch))
		return RSC_OS_ARCH;
	if (n == 6 && memcmp(w, "alpine", 6) == 0)
		return RSC_OS_ALPINE;
	return RSC_OS_UNKNOWN;
}

static enum rsc_os_family family_of(const char *id, const char *like)
{
	enum rsc_os_family f = id ? family_of_word(id, strlen(id)) : RSC_OS_UNKNOWN;

	for (const char *w = like; w && *w && f == RSC_OS_UNKNOWN;) {
		size_t n = strcspn(w, " \t");

		f = family_of_word(w, n);
		w += n;
		w += strspn(w, " \t");
	}
	return f;
}

int rsc_parse_os_release(struct rsc_victim *v, const char *data, size_t len)
{
	static const char *const keys[] = { "ID", "ID_LIKE", "VERSION_ID", "PRETTY_NAME" };
	char **fields[] = { &v->os_id, &v->os_id_like, &v->os_version_id, &v->os_pretty_name };
	const char *p = data, *end = data + len, *s;
	size_t n;

	if (!data && len)
		return -EINVAL;
	while (next_line(&p, end, &s, &n)) {
		size_t k;
		char *val;
		int err;

		if (memchr(s, '\0', n) || n > LINE_MAX_LEN)
			continue;
		while (n > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		k = 0;
		while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_'))
			k++;
		if (k == 0 || k == n || s[k] != '=')
			continue; /* comment, blank or not an assignment */
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
			if (strlen(keys[i]) != k || memcmp(keys[i], s, k) != 0)
				continue;
			val = shell_value(s + k + 1, n - k - 1, &err);
			if (!val && err == -ENOMEM)
				return -ENOMEM;
			if (val) { /* a later assignment wins, as in a shell */
				free(*fields[i]);
				*fields[i] = val;
			}
		}
	}
	v->family = family_of(v->os_id, v->os_id_like);
	return 0;
}

/* ---- OpenSSH version ---- */

static int parse_part(const char **s, int *out)
{
	int val = 0;

	if (!isdigit((unsigned char)**s))
		return -EINVAL;
	for (; isdigit((unsigned char)**s); (*s)++) {
		val = val * 10 + (**s - '0');
		if (val > VER_PART_MAX)
			return -EINVAL;
	}
	*out = val;
	return 0;
}

int rsc_parse_sshver(const char *text, struct rsc_sshver *out)
{
	const char *s = text, *start;
	int major, minor, micro, portable = 0;
	char *t;

	if (!text || !out)
		return -EINVAL;
	if (rsc_startswith(s, "OpenSSH_"))
		s += 8;
	else if (isdigit((unsigned char)*s) && strchr(s, ':')) { /* dpkg/rpm epoch "1:" */
		const char *e = s + strspn(s, "0123456789");

		if (*e == ':')
			s = e + 1;
	}
	start = s;
	if (parse_part(&s, &major) < 0 || *s++ != '.' || parse_part(&s, &minor) < 0)
		return -EINVAL;
	if (*s == '.' && (s++, parse_part(&s, &micro) < 0)) /* 6.6.1p1 */
		return -EINVAL;
	if (*s == 'p' && (s++, parse_part(&s, &portable) < 0))
		return -EINVAL;
	if (isalnum((unsigned char)*s) || *s == '.' || *s == '_' || major == 0)
		return -EINVAL;
	t = strndup(start, (size_t)(s - start));
	if (!t)
		return -ENOMEM;
	out->major = major;
	out->minor = minor;
	out->portable = portable;
	out->text = t;
	return 0;
}

/* Trim blanks at both ends of [s, s+n). */
static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

static bool field_is(const char *s, size_t n, const char *name, const char **val, size_t *vlen)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(s, name, k) != 0 || s[k] != ':')
		return false;
	*val = s + k + 1;
	*vlen = n - k - 1;
	trim(val, vlen);
	return true;
}

/* "Status: install ok installed" (or "hold ok installed"): the third word. */
static bool is_installed(const char *s, size_t n)
{
	const char *last = s + n;

	while (last > s && last[-1] != ' ')
		last--;
	return (size_t)(s + n - last) == 9 && memcmp(last, "installed", 9) == 0 &&
	       memmem(s, n, " ok ", 4) != NULL;
}

/* The installed openssh-server's Version from dpkg's status file. */
static int ssh_from_dpkg(struct rsc_root *root, struct rsc_sshver *out)
{
	_cleanup_free_ char *data = NULL;
	const char *p, *end, *s, *ver = NULL, *val;
	size_t len = 0, n, vlen = 0, l;
	bool is_ssh = false, installed = false;
	int r;

	r = rsc_root_read_file(root, "/var/lib/dpkg/status", DPKG_STATUS_CAP, 0, &data, &len, NULL);
	if (r < 0)
		return r;
	p = data;
	end = data + len;
	for (bool more = true; more;) {
		more = next_line(&p, end, &s, &n);
		if (more && n > 0 && s[0] != '\r') {
			if (field_is(s, n, "Package", &val, &l))
				is_ssh = l == 14 && memcmp(val, "openssh-server", 14) == 0;
			else if (field_is(s, n, "Status", &val, &l))
				installed = is_installed(val, l);
			else if (field_is(s, n, "Version", &val, &l) && l > 0 && l < 256) {
				ver = val;
				vlen = l;
			}
			continue;
		}
		/* end of a paragraph */
		if (is_ssh && installed && ver) {
			_cleanup_free_ char *pkg = strndup(ver, vlen);
			struct rsc_sshver sv = { 0 };

			if (!pkg)
				return -ENOMEM;
			if (memchr(ver, '\0', vlen))
				return -EINVAL;
			r = rsc_parse_sshver(pkg, &sv);
			if (r < 0)
				return r;
			*out = sv;
			out->package = TAKE_PTR(pkg);
			out->source = "dpkg";
			return 0;
		}
		is_ssh = installed = false;
		ver = NULL;
	}
	return -ENOENT;
}

/*
 * The release string inside an sshd binary: "OpenSSH_9.2p1 Debian-2+deb12u3"
 * (or "OpenSSH_9.2p1"), ended by NUL. compat.c's patterns ("OpenSSH_7.4*",
 * "OpenSSH_2.*,OpenSSH_3.0*") hold '*' or ',' and are skipped. A string
 * with the portable "pN" suffix is preferred over the bare SSH_VERSION.
 */
static int ssh_from_buffer(const char *data, size_t len, struct rsc_sshver *out)
{
	static const char tag[] = "OpenSSH_";
	const char *p = data, *end = data + len, *hit;
	struct rsc_sshver best = { 0 };

	while (p < end && (hit = memmem(p, (size_t)(end - p), tag, sizeof(tag) - 1))) {
		size_t room = (size_t)(end - hit) < 200 ? (size_t)(end - hit) : 200;
		const char *z = memchr(hit, '\0', room);
		size_t n = z ? (size_t)(z - hit) : 0;
		_cleanup_free_ char *s = NULL;
		struct rsc_sshver sv = { 0 };

		p = hit + 1;
		if (!z || memchr(hit, '*', n) || memchr(hit, ',', n))
			continue;
		s = strndup(hit, n);
		if (!s) {
			free(best.text);
			return -ENOMEM;
		}
		if (rsc_parse_sshver(s, &sv) < 0)
			continue;
		if (!best.text || (best.portable == 0 && sv.portable > 0)) {
			free(best.text);
			best = sv;
		} else {
			free(sv.text);
		}
		if (best.portable > 0)
			break;
	}
	if (!best.text)
		return -ENOENT;
	*out = best;
	out->source = "binary";
	return 0;
}

static int ssh_from_binary(struct rsc_root *root, struct rsc_sshver *out)
{
	static const char *const paths[] = { "/usr/sbin/sshd", "/usr/bin/sshd" };

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		int r = rsc_root_read_file(root, paths[i], SSHD_BINARY_CAP, RSC_READ_TRUNCATE,
					   &data, &len, NULL);

		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		r = ssh_from_buffer(data, len, out);
		if (r != -ENOENT)
			return r;
	}
	return -ENOENT;
}

static int load_ssh_version(struct rsc_victim *v)
{
	int r = ssh_from_dpkg(v->root, &v->ssh);

	if (r == -ENOMEM)
		return r;
	if (r == 0)
		return 0;
	r = ssh_from_binary(v->root, &v->ssh);
	return r == -ENOMEM ? r : 0;
}

int rsc_victim_ssh_cmp(const struct rsc_victim *v, int major, int minor)
{
	if (!v || v->ssh.major == 0)
		return 1;
	if (v->ssh.major != major)
		return v->ssh.major < major ? -1 : 1;
	return (v->ssh.minor > minor) - (v->ssh.minor < minor);
}

/* ---- login.defs ---- */

static int load_uid_min(struct rsc_victim *v)
{
	_cleanup_free_ char *data = NULL;
	const char *p, *end, *s;
	size_t len = 0, n;
	int r;

	v->uid_min = 1000;
	r = rsc_root_read_file(v->root, "/etc/login.defs", SMALL_FILE_CAP, 0, &data, &len, NULL);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	p = data;
	end = data + len;
	while (next_line(&p, end, &s, &n)) {
		char num[32];
		size_t k;
		unsigned long val;

		trim(&s, &n);
		if (n < 8 || memcmp(s, "UID_MIN", 7) != 0 || (s[7] != ' ' && s[7] != '\t'))
			continue;
		s += 7;
		n -= 7;
		trim(&s, &n);
		k = strcspn(s, " \t#\n");
		if (k >= n)
			k = n;
		if (k == 0 || k >= sizeof(num))
			continue;
		memcpy(num, s, k);
		num[k] = '\0';
		if (rsc_parse_ulong(num, UID_MAX_VALID, &val) == 0)
			v->uid_min = val; /* shadow's getdef: the last definition wins */
	}
	return 0;
}

/* ---- the small sshd_config reader ---- */

struct sshd_reader {
	struct rsc_victim *v;
	struct strv akf;
	bool akf_set;
	int strict_modes, pubkey; /* -1 unset */
	unsigned files;		  /* files read so far */
};

/*
 * Split the arguments like OpenSSH's argv_split(): blanks separate, "..."
 * and '...' quote, \\ \" \' (and "\ " outside quotes) escape, an unquoted
 * '#' at the start of a word ends the line. -EINVAL on an open quote.
 */
static int split_args(const char *s, struct strv *out)
{
	size_t i = 0;

	for (;;) {
		struct rsc_buf b = { 0 };
		char quote = 0;
		int r;

		i += strspn(s + i, " \t");
		if (!s[i] || s[i] == '#')
			return 0;
		r = rsc_buf_add(&b, "", 0);
		for (; r == 0 && s[i]; i++) {
			char c = s[i];

			if (c == '\\' && (s[i + 1] == '\'' || s[i + 1] == '"' || s[i + 1] == '\\' ||
					  (!quote && s[i + 1] == ' ')))
				r = rsc_buf_add(&b, &s[++i], 1);
			else if (!quote && (c == ' ' || c == '\t'))
				break;
			else if (!quote && (c == '"' || c == '\''))
				quote = c;
			else if (quote && c == quote)
				quote = 0;
			else
				r = rsc_buf_add(&b, &c, 1);
		}
		if (r == 0 && quote)
			r = -EINVAL;
		if (r == 0)
			r = strv_push(out, b.data);
		if (r < 0) {
			rsc_buf_free(&b);
			return r;
		}
	}
}

static int parse_flag(const struct strv *args, int *val)
{
	if (args->n < 1)
		return 0;
	if (*val != -1)
		return 0; /* the first value wins */
	if (strcasecmp(args->v[0], "yes") == 0)
		*val = 1;
	else if (strcasecmp(args->v[0], "no") == 0)
		*val = 0;
	return 0;
}

/*
 * sshd expands "~" and "~user" of an AuthorizedKeysFile when it reads the
 * config, with the accounts of the machine it runs on: the victim's.
 */
static int tilde_expand(const struct rsc_victim *v, const char *arg, char **out)
{
	const struct rsc_user *u = NULL;
	const char *path;
	_cleanup_free_ char *user = NULL;
	size_t hl;

	*out = NULL;
	if (arg[0] != '~')
		return (*out = strdup(arg)) ? 0 : -ENOMEM;
	path = strchr(arg + 1, '/');
	if (path == arg + 1 || arg[1] == '\0') {
		u = rsc_victim_user_by_uid(v, 0);
	} else {
		user = path ? strndup(arg + 1, (size_t)(path - arg - 1)) : strdup(arg + 1);
		if (!user)
			return -ENOMEM;
		u = rsc_victim_user_by_name(v, user);
	}
	if (!u || !u->home) /* sshd refuses this; keep the text */
		return (*out = strdup(arg)) ? 0 : -ENOMEM;
	path = path ? path + strspn(path, "/") : "";
	hl = strlen(u->home);
	if (asprintf(out, "%s%s%s", u->home, hl == 0 || u->home[hl - 1] != '/' ? "/" : "", path) <
	    0) {
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int set_akf(struct sshd_reader *rd, const struct strv *args)
{
	struct strv list = { 0 };

	if (rd->akf_set || args->n == 0)
		return 0;
	for (size_t i = 0; i < args->n; i++) {
		char *e = NULL;
		int r;

		if (!*args->v[i]) { /* sshd: "empty argument", the line is bad */
			strv_free(&list);
			return 0;
		}
		r = tilde_expand(rd->v, args->v[i], &e);
		if (r == 0)
			r = strv_push(&list, e);
		if (r < 0) {
			free(e);
			strv_free(&list);
			return r;
		}
	}
	rd->akf = list;
	rd->akf_set = true;
	return 0;
}

static int read_config(struct sshd_reader *rd, const char *path, int depth);

static bool has_magic(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[' || s[i] == '\\')
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * glob(3) inside the victim: dir is the victim path matched so far, rest
 * the pattern still to match. Matches are appended to out.
 */
static int glob_walk(struct rsc_root *root, const char *dir, const char *rest, struct strv *out,
		     unsigned *dirs)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *comp = NULL;
	struct strv names = { 0 };
	struct dirent *de;
	size_t clen;
	unsigned seen = 0;
	DIR *d = NULL;
	int r = 0;

	rest += strspn(rest, "/");
	if (out->n >= GLOB_MAX)
		return 0;
	if (!*rest) {
		struct stat st;

		return rsc_root_stat(root, dir, &st, 0) == 0 ? strv_pushdup(out, dir) : 0;
	}
	clen = strcspn(rest, "/");
	comp = strndup(rest, clen);
	if (!comp)
		return -ENOMEM;
	if (!has_magic(comp, clen)) {
		_cleanup_free_ char *next = rsc_path_join(dir, comp);

		return next ? glob_walk(root, next, rest + clen, out, dirs) : -ENOMEM;
	}
	if (++*dirs > GLOB_DIRS_MAX)
		return 0;
	fd = rsc_root_open_at(root, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, 0);
	if (fd < 0)
		return fd == -ENOMEM ? fd : 0;
	d = fdopendir(fd);
	if (!d)
		return 0;
	fd = -1; /* owned by d */
	while (r == 0 && (de = readdir(d)) && seen++ < DIR_SCAN_MAX) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fnmatch(comp, de->d_name, FNM_PERIOD) == 0)
			r = strv_pushdup(&names, de->d_name);
	}
	closedir(d);
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; r == 0 && i < names.n; i++) {
		_cleanup_free_ char *next = rsc_path_join(dir, names.v[i]);

		r = next ? glob_walk(root, next, rest + clen, out, dirs) : -ENOMEM;
	}
	strv_free(&names);
	return r;
}

/* Include: each argument is a glob, relative to /etc/ssh; matches are read in sorted order. */
static int do_include(struct sshd_reader *rd, const struct strv *args, int depth)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < args->n; i++) {
		_cleanup_free_ char *pattern = NULL;
		const char *a = args->v[i];
		struct strv found = { 0 };
		size_t alen = strlen(a);
		unsigned dirs = 0;

		if (!*a || a[0] == '~' || a[alen - 1] == '/' || alen >= PATH_MAX)
			continue; /* empty: sshd error; '~' is literal for glob; '/' only dirs */
		if (a[0] == '/')
			pattern = strdup(a);
		else if (asprintf(&pattern, "/etc/ssh/%s", a) < 0)
			pattern = NULL;
		if (!pattern)
			return -ENOMEM;
		r = glob_walk(rd->v->root, "/", pattern, &found, &dirs);
		if (r == 0 && found.n > 1)
			qsort(found.v, found.n, sizeof(*found.v), cmp_str);
		for (size_t k = 0; r == 0 && k < found.n; k++)
			r = read_config(rd, found.v[k], depth + 1);
		strv_free(&found);
	}
	return r;
}

/* One line of a config file; *stop at a Match. */
static int config_line(struct sshd_reader *rd, char *line, int depth, bool *stop)
{
	struct strv args = { 0 };
	char *kw, *rest;
	size_t n = strlen(line);
	int r = 0;

	while (n > 0 && strchr(" \t\r\n\f", line[n - 1]))
		line[--n] = '\0';
	kw = line + strspn(line, " \t\r");
	rest = kw + strcspn(kw, " \t\r\n\"=");
	if (rest == kw || *kw == '#')
		return 0;
	if (*rest == '=') {
		*rest++ = '\0';
		rest += strspn(rest, " \t\r\n");
	} else if (*rest) {
		if (*rest == '"')
			return 0; /* a quoted keyword: not one we know */
		*rest++ = '\0';
		rest += strspn(rest, " \t\r\n");
		if (*rest == '=') {
			rest++;
			rest += strspn(rest, " \t\r\n");
		}
	}
	if (!*rest)
		return 0; /* "no argument after keyword": sshd refuses it */
	if (strcasecmp(kw, "match") == 0) {
		*stop = true;
		return 0;
	}
	r = split_args(rest, &args);
	if (r < 0)
		return r == -ENOMEM ? r : 0; /* invalid quotes: a bad line */
	if (strcasecmp(kw, "include") == 0)
		r = do_include(rd, &args, depth);
	else if (strcasecmp(kw, "authorizedkeysfile") == 0)
		r = set_akf(rd, &args);
	else if (strcasecmp(kw, "strictmodes") == 0)
		r = parse_flag(&args, &rd->strict_modes);
	else if (strcasecmp(kw, "pubkeyauthentication") == 0 ||
		 strcasecmp(kw, "dsaauthentication") == 0)
		r = parse_flag(&args, &rd->pubkey);
	strv_free(&args);
	return r;
}

static int read_config(struct sshd_reader *rd, const char *path, int depth)
{
	_cleanup_free_ char *data = NULL;
	const char *p, *end, *s;
	size_t len = 0, n;
	bool stop = false;
	int r;

	if (depth > INCLUDE_DEPTH || rd->files >= INCLUDE_FILES)
		return 0; /* sshd: "Too many recursive configuration includes" */
	rd->files++;
	r = rsc_root_read_file(rd->v->root, path, SSHD_CONFIG_CAP, 0, &data, &len, NULL);
	if (depth == 0)
		rd->v->sshd.config_found = r == 0 || (r != -ENOENT && r != -ENOTDIR);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	p = data;
	end = data + len;
	while (!stop && next_line(&p, end, &s, &n)) {
		_cleanup_free_ char *line = strndup(s, n); /* stops at a NUL, like sshd */

		if (!line)
			return -ENOMEM;
		r = config_line(rd, line, depth, &stop);
		if (r < 0)
			return r;
	}
	return 0;
}

static int load_sshd(struct rsc_victim *v)
{
	static const char *const defaults[] = { ".ssh/authorized_keys", ".ssh/authorized_keys2" };
	struct sshd_reader rd = { .v = v, .strict_modes = -1, .pubkey = -1 };
	int r;

	r = read_config(&rd, "/etc/ssh/sshd_config", 0);
	for (size_t i = 0; r == 0 && !rd.akf_set && i < ARRAY_SIZE(defaults); i++)
		r = strv_pushdup(&rd.akf, defaults[i]);
	if (r < 0) {
		strv_free(&rd.akf);
		return r;
	}
	v->sshd.authorized_keys_files = rd.akf.v;
	v->sshd.n_authorized_keys_files = rd.akf.n;
	v->sshd.strict_modes = rd.strict_modes != 0;
	v->sshd.pubkey_authentication = rd.pubkey != 0;
	return 0;
}

/* ---- loading and lookups ---- */

/* A secondary account file: problems are notes, only ENOMEM fails. */
static int load_account_file(struct rsc_victim *v, const char *path, bool *has,
			     int (*parse)(struct rsc_victim *, const char *, size_t))
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = rsc_root_read_file(v->root, path, ACCOUNT_FILE_CAP, 0, &data, &len, NULL);

	if (r == -ENOMEM)
		return r;
	if (r == -ENOENT)
		return note(v, "%s: missing", path);
	if (r < 0)
		return note(v, "%s: not read: %s", path, strerror(-r));
	*has = true;
	return parse(v, data, len);
}

static int load_os_release(struct rsc_victim *v)
{
	static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release" };

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		int r = rsc_root_read_file(v->root, paths[i], SMALL_FILE_CAP, 0, &data, &len, NULL);

		if (r == -ENOMEM)
			return r;
		if (r == 0)
			return rsc_parse_os_release(v, data, len);
	}
	return 0;
}

int rsc_victim_load(struct rsc_root *root, struct rsc_victim **out)
{
	struct rsc_victim *v = NULL;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r;

	if (!root || !out)
		return -EINVAL;
	*out = NULL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->root = root;
	v->uid_min = 1000;
	r = rsc_root_read_file(root, FILE_PASSWD, ACCOUNT_FILE_CAP, 0, &data, &len, NULL);
	if (r < 0)
		goto out;
	v->has_passwd = true;
	r = rsc_parse_passwd(v, data, len);
	if (r == 0)
		r = load_account_file(v, FILE_GROUP, &v->has_group, rsc_parse_group);
	if (r == 0)
		r = load_account_file(v, FILE_SHADOW, &v->has_shadow, rsc_parse_shadow);
	if (r == 0)
		r = load_os_release(v);
	if (r == 0)
		r = load_uid_min(v);
	if (r == 0)
		r = load_ssh_version(v);
	if (r == 0)
		r = load_sshd(v);
out:
	if (r < 0) {
		rsc_victim_free(v);
		return r;
	}
	*out = v;
	return 0;
}

void rsc_victim_free(struct rsc_victim *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->nusers; i++)
		user_free(&v->users[i]);
	free(v->users);
	for (size_t i = 0; i < v->ngroups; i++)
		group_free(&v->groups[i]);
	free(v->groups);
	free(v->os_id);
	free(v->os_id_like);
	free(v->os_version_id);
	free(v->os_pretty_name);
	free(v->ssh.text);
	free(v->ssh.package);
	for (size_t i = 0; i < v->sshd.n_authorized_keys_files; i++)
		free(v->sshd.authorized_keys_files[i]);
	free(v->sshd.authorized_keys_files);
	for (size_t i = 0; i < v->nnotes; i++)
		free(v->notes[i]);
	free(v->notes);
	free(v);
}

const struct rsc_user *rsc_victim_user_by_name(const struct rsc_victim *v, const char *name)
{
	for (size_t i = 0; v && name && i < v->nusers; i++)
		if (strcmp(v->users[i].name, name) == 0)
			return &v->users[i];
	return NULL;
}

const struct rsc_user *rsc_victim_user_by_uid(const struct rsc_victim *v, uid_t uid)
{
	for (size_t i = 0; v && i < v->nusers; i++)
		if (v->users[i].uid == uid)
			return &v->users[i];
	return NULL;
}

const struct rsc_group *rsc_victim_group_by_gid(const struct rsc_victim *v, gid_t gid)
{
	for (size_t i = 0; v && i < v->ngroups; i++)
		if (v->groups[i].gid == gid)
			return &v->groups[i];
	return NULL;
}

const struct rsc_group *rsc_victim_group_by_name(const struct rsc_victim *v, const char *name)
{
	for (size_t i = 0; v && name && i < v->ngroups; i++)
		if (strcmp(v->groups[i].name, name) == 0)
			return &v->groups[i];
	return NULL;
}

bool rsc_victim_user_in_group(const struct rsc_victim *v, const struct rsc_user *u, gid_t gid)
{
	if (!u)
		return false;
	if (u->gid == gid)
		return true;
	/* initgroups(3) collects every group entry with this gid that names the user */
	for (size_t i = 0; v && i < v->ngroups; i++) {
		const struct rsc_group *g = &v->groups[i];

		if (g->gid != gid)
			continue;
		for (size_t k = 0; k < g->nmembers; k++)
			if (strcmp(g->members[k], u->name) == 0)
				return true;
	}
	return false;
}

int rsc_victim_expand_akf(const struct rsc_user *u, const char *pattern, char **out)
{
	struct rsc_buf b = { 0 };
	const char *home;
	char uid[24];
	int r;

	if (!u || !pattern || !out)
		return -EINVAL;
	*out = NULL;
	home = u->home ? u->home : "";
	snprintf(uid, sizeof(uid), "%lu", (unsigned long)u->uid);
	r = rsc_buf_add(&b, "", 0);
	for (const char *p = pattern; r == 0 && *p; p++) {
		if (*p != '%') {
			r = rsc_buf_add(&b, p, 1);
			continue;
		}
		switch (*++p) {
		case '%':
			r = rsc_buf_add(&b, "%", 1);
			break;
		case 'h':
			r = rsc_buf_adds(&b, home);
			break;
		case 'u':
			r = rsc_buf_adds(&b, u->name ? u->name : "");
			break;
		case 'U':
			r = rsc_buf_adds(&b, uid);
			break;
		default: /* unknown token or a lone '%' at the end: sshd fails */
			r = -EINVAL;
			break;
		}
	}
	if (r == 0 && b.data[0] != '/') { /* relative: "%h/" in front, as auth.c does */
		char *full = NULL;

		if (asprintf(&full, "%s/%s", home, b.data) < 0)
			r = -ENOMEM;
		else if (strlen(full) >= PATH_MAX)
			r = -ENAMETOOLONG;
		if (r == 0) {
			rsc_buf_free(&b);
			*out = full;
			return 0;
		}
		free(full);
	}
	if (r < 0) {
		rsc_buf_free(&b);
		return r;
	}
	*out = rsc_buf_steal(&b);
	return 0;
}
