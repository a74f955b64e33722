// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * victim.c - the model of the victim, read from its own files through
 * rsc_root (never the helper's NSS, never a host path): the loader, the
 * lookups, os-release, the OpenSSH version and login.defs. The account-file
 * parsers are in victim_accounts.c, the sshd_config part of the model in
 * victim_sshd.c; victim_int.h holds what the three share.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "root.h"
#include "victim_int.h"

#define ACCOUNT_FILE_CAP (16u << 20) /* /etc/passwd, group, shadow */
#define SMALL_FILE_CAP	 (1u << 20)  /* os-release, login.defs */
#define DPKG_STATUS_CAP	 (64u << 20)
#define SSHD_BINARY_CAP	 (16u << 20) /* read at most this much of sshd, truncated */
#define MAX_NOTES	 1000u
#define VER_PART_MAX	 999

/* ---- helpers shared by the victim model (victim_int.h) ---- */

int vic_grow(void *arrayp, size_t n, size_t size)
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

int vic_strv_push(struct vic_strv *s, char *str)
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

int vic_strv_pushdup(struct vic_strv *s, const char *str)
{
	char *d = strdup(str);

	if (!d || vic_strv_push(s, d) < 0) {
		free(d);
		return -ENOMEM;
	}
	return 0;
}

void vic_strv_free(struct vic_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

bool vic_notes_full(const struct rsc_victim *v)
{
	return v->nnotes > MAX_NOTES;
}

int vic_note(struct rsc_victim *v, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int r;

	if (vic_notes_full(v))
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
	if (vic_grow(&v->notes, v->nnotes, sizeof(*v->notes)) < 0) {
		free(s);
		return -ENOMEM;
	}
	v->notes[v->nnotes++] = s;
	return 0;
}

bool vic_next_line(const char **p, const char *end, const char **line, size_t *len)
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
	const char *p = data ? data : "", *end = p + len, *s; /* no NULL + 0 */
	size_t n;

	if (!data && len)
		return -EINVAL;
	while (vic_next_line(&p, end, &s, &n)) {
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
		more = vic_next_line(&p, end, &s, &n);
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
	while (vic_next_line(&p, end, &s, &n)) {
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

/* ---- loading and lookups ---- */

/*
 * Read an account file. One larger than ACCOUNT_FILE_CAP (a million users, a 10 GiB sparse
 * file) is read up to its last whole line within the cap, with a note: the accounts past
 * it are not examined. *data caller frees.
 */
static int read_account_file(struct rsc_victim *v, const char *path, char **data, size_t *len)
{
	struct stat st;
	char *nl;
	int r = rsc_root_read_file(v->root, path, ACCOUNT_FILE_CAP, RSC_READ_TRUNCATE, data, len,
				   &st);

	if (r < 0 || st.st_size <= (off_t)ACCOUNT_FILE_CAP)
		return r;
	nl = memrchr(*data, '\n', *len);
	*len = nl ? (size_t)(nl - *data) + 1 : 0;
	(*data)[*len] = '\0';
	return vic_note(v, "%s: %jd bytes; only its lines in the first %u MiB are read", path,
			(intmax_t)st.st_size, ACCOUNT_FILE_CAP >> 20);
}

/* A secondary account file: problems are notes, only ENOMEM fails. */
static int load_account_file(struct rsc_victim *v, const char *path, bool *has,
			     int (*parse)(struct rsc_victim *, const char *, size_t))
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = read_account_file(v, path, &data, &len);

	if (r == -ENOMEM)
		return r;
	if (r == -ENOENT)
		return vic_note(v, "%s: missing", path);
	if (r < 0)
		return vic_note(v, "%s: not read: %s", path, strerror(-r));
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
	r = read_account_file(v, FILE_PASSWD, &data, &len);
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
		r = vic_load_sshd(v);
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
	vic_free_accounts(v);
	free(v->os_id);
	free(v->os_id_like);
	free(v->os_version_id);
	free(v->os_pretty_name);
	free(v->ssh.text);
	free(v->ssh.package);
	for (size_t i = 0; i < v->sshd.n_authorized_keys_files; i++)
		free(v->sshd.authorized_keys_files[i]);
	free(v->sshd.authorized_keys_files);
	vic_free_sshd(v);
	for (size_t i = 0; i < v->nnotes; i++)
		free(v->notes[i]);
	free(v->notes);
	free(v);
}

bool rsc_victim_user_in_group(const struct rsc_victim *v, const struct rsc_user *u, gid_t gid)
{
	bool sorted = false, found;

	if (!u)
		return false;
	if (u->gid == gid)
		return true;
	if (!v)
		return false;
	found = vic_in_group(v, u->name, gid, &sorted);
	if (sorted)
		return found;
	/* initgroups(3) collects every group entry with this gid that names the user */
	for (size_t i = 0; i < v->ngroups; i++) {
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
