// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sdunit.c - the victim's systemd units (sdunit.h). Only what systemd
 * itself reads at boot: unit files, drop-ins, masks and enablement links.
 * Unit files are untrusted text: read with a size cap, lines of any length
 * are cut at LINE_MAX bytes, nothing is executed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "root.h"
#include "sdunit.h"
#include "util.h"

#define UNIT_CAP  (256u << 10)
#define NAMES_MAX 256
#define LINE_MAX_ 4096

const char *const rsc_unit_dirs[] = {
	"/etc/systemd/system",
	"/usr/local/lib/systemd/system",
	"/lib/systemd/system",
	"/usr/lib/systemd/system",
	NULL,
};

void rsc_unit_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Append a copy of s (len bytes) to the NULL-terminated array *v of *n entries. */
static int strv_push(char ***v, size_t *n, const char *s, size_t len)
{
	char **nv = reallocarray(*v, *n + 2, sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strndup(s, len);
	if (!nv[*n])
		return -ENOMEM;
	nv[++*n] = NULL;
	return 0;
}

static bool listed(char *const *names, size_t n, const char *base)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(strrchr(names[i], '/') + 1, base) == 0)
			return true;
	return false;
}

static int cmp_base(const void *a, const void *b)
{
	return strcmp(strrchr(*(char *const *)a, '/'), strrchr(*(char *const *)b, '/'));
}

/* Add dir's names ending in suffix to names (not those already there). */
static int list_dir(struct rsc_root *root, const char *dir, const char *suffix, char ***names,
		    size_t *n)
{
	size_t sl = strlen(suffix);
	struct dirent *de;
	DIR *d;
	int r = rsc_root_opendir(root, dir, &d);

	if (r < 0)
		return r == -ENOMEM ? r : 0;
	while (r == 0 && (de = readdir(d)) && *n < NAMES_MAX) {
		size_t l = strlen(de->d_name);
		_cleanup_free_ char *p = NULL;

		if (l <= sl || strcmp(de->d_name + l - sl, suffix) != 0 ||
		    listed(*names, *n, de->d_name))
			continue;
		p = rsc_path_join(dir, de->d_name);
		r = p ? strv_push(names, n, p, strlen(p)) : -ENOMEM;
	}
	closedir(d);
	return r;
}

int rsc_confdirs_list(struct rsc_root *root, const char *const *dirs, const char *suffix,
		      char ***names, size_t *n)
{
	int r = 0;

	*names = NULL;
	*n = 0;
	for (size_t i = 0; r == 0 && dirs[i]; i++)
		r = list_dir(root, dirs[i], suffix, names, n);
	if (r < 0) {
		rsc_unit_strv_free(*names);
		*names = NULL;
		*n = 0;
		return r;
	}
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_base);
	return 0;
}

void rsc_unit_free(struct rsc_unit *u)
{
	free(u->path);
	rsc_unit_strv_free(u->files);
	rsc_unit_strv_free(u->data);
	*u = (struct rsc_unit){ 0 };
}

/* Read one file of the unit; -ENOENT if absent, -ESPIPE for a link to /dev/null. */
static int add_file(struct rsc_root *root, struct rsc_unit *u, const char *path)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0, nf = u->nfiles;
	int r = rsc_root_read_file(root, path, UNIT_CAP, RSC_READ_TRUNCATE, &data, &len, NULL);

	if (r < 0)
		return r;
	r = strv_push(&u->files, &nf, path, strlen(path));
	if (r == 0)
		r = strv_push(&u->data, &u->nfiles, data, len);
	return r;
}

/* The drop-in directory names of a unit: "NAME.d", and "TEMPLATE@.TYPE.d" for an instance. */
static int dropin_dirs(const char *name, char ***dirs, size_t *n)
{
	const char *at = strchr(name, '@'), *dot = strrchr(name, '.');
	int r = 0;

	for (size_t i = 0; r == 0 && rsc_unit_dirs[i]; i++) {
		_cleanup_free_ char *d = NULL, *t = NULL;

		if (at && dot && dot > at + 1 &&
		    asprintf(&t, "%s/%.*s%s.d", rsc_unit_dirs[i], (int)(at - name + 1), name, dot) <
			    0)
			return -ENOMEM;
		if (t)
			r = strv_push(dirs, n, t, strlen(t));
		if (r == 0 && asprintf(&d, "%s/%s.d", rsc_unit_dirs[i], name) < 0)
			return -ENOMEM;
		if (r == 0)
			r = strv_push(dirs, n, d, strlen(d));
	}
	return r;
}

/*
 * A link in a unit directory to a unit file of another name is an alias
 * (sshd.service -> /lib/systemd/system/ssh.service): systemd loads the unit
 * of the target's name, from wherever the search path finds that. The
 * target's name, or NULL when link is no alias of name.
 */
static const char *alias_of(const char *name, const char *link)
{
	const char *base = strrchr(link, '/'), *ext = strrchr(name, '.');

	base = base ? base + 1 : link;
	if (!ext || strcmp(base, name) == 0 || strchr(base, '@') != strchr(name, '@') ||
	    strlen(base) <= strlen(ext) || strcmp(base + strlen(base) - strlen(ext), ext) != 0)
		return NULL;
	return base;
}

static int load(struct rsc_root *root, const char *name, struct rsc_unit *u, int hops);

int rsc_unit_load(struct rsc_root *root, const char *name, struct rsc_unit *u)
{
	return load(root, name, u, 0);
}

static int load(struct rsc_root *root, const char *name, struct rsc_unit *u, int hops)
{
	char **dirs = NULL, **names = NULL;
	size_t nd = 0, nn = 0;
	int r = 0;

	*u = (struct rsc_unit){ 0 };
	if (!*name || strchr(name, '/'))
		return -EINVAL;
	for (size_t i = 0; rsc_unit_dirs[i] && !u->path; i++) {
		_cleanup_free_ char *p = rsc_path_join(rsc_unit_dirs[i], name), *link = NULL;

		if (!p)
			return -ENOMEM;
		/* /dev of an offline victim is empty: a mask is known by its link's text */
		r = rsc_root_readlink(root, p, &link);
		if (r == -ENOMEM)
			goto out;
		if (r == 0 && strcmp(link, "/dev/null") == 0) {
			u->masked = true;
			u->path = TAKE_PTR(p);
			break;
		}
		if (r == 0 && alias_of(name, link) && hops < 8)
			return load(root, alias_of(name, link), u, hops + 1);
		r = add_file(root, u, p);
		if (r == -ENOMEM)
			goto out;
		if (r == 0 || r == -ESPIPE) {
			u->masked = r == -ESPIPE || u->data[0][0] == '\0';
			u->path = TAKE_PTR(p);
		}
	}
	r = 0;
	if (!u->path || u->masked)
		goto out;
	r = dropin_dirs(name, &dirs, &nd);
	if (r == 0)
		r = rsc_confdirs_list(root, (const char *const *)dirs, ".conf", &names, &nn);
	for (size_t i = 0; r == 0 && i < nn; i++) {
		r = add_file(root, u, names[i]);
		r = r == -ENOMEM ? r : 0; /* an unreadable drop-in is skipped, as systemd does */
	}
out:
	rsc_unit_strv_free(dirs);
	rsc_unit_strv_free(names);
	if (r < 0)
		rsc_unit_free(u);
	return r;
}

static const char *skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* Split value v (len bytes) at blanks into vals, or add it whole. */
static int add_value(char ***vals, size_t *n, const char *v, size_t len, bool split)
{
	const char *end = v + len;
	int r = 0;

	if (!split)
		return strv_push(vals, n, v, len);
	while (r == 0 && (v = skip_blanks(v, end)) < end) {
		const char *w = v;

		while (w < end && *w != ' ' && *w != '\t')
			w++;
		r = strv_push(vals, n, v, (size_t)(w - v));
		v = w;
	}
	return r;
}

/* Apply the assignments of key in [section] of one file's text. */
static int file_values(const char *data, const char *section, const char *key, bool split,
		       char ***vals, size_t *n)
{
	size_t sl = strlen(section), kl = strlen(key);
	bool in = false;
	int r = 0;

	for (const char *l = data; r == 0 && *l;) {
		const char *nl = strchr(l, '\n'), *end = nl ? nl : l + strlen(l);
		const char *s = skip_blanks(l, end), *v;

		l = nl ? nl + 1 : end;
		while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			end--;
		if (s == end || *s == '#' || *s == ';' || end - s > LINE_MAX_)
			continue;
		if (*s == '[') {
			in = end - s == (ptrdiff_t)sl + 2 && strncmp(s + 1, section, sl) == 0 &&
			     end[-1] == ']';
			continue;
		}
		if (!in || end - s < (ptrdiff_t)kl || strncmp(s, key, kl) != 0)
			continue;
		v = skip_blanks(s + kl, end);
		if (v == end || *v != '=')
			continue;
		v = skip_blanks(v + 1, end);
		if (v == end && split) {
			rsc_unit_strv_free(*vals); /* an empty assignment resets the list */
			*vals = NULL;
			*n = 0;
			continue;
		}
		r = add_value(vals, n, v, (size_t)(end - v), split);
	}
	return r;
}

int rsc_unit_values(const struct rsc_unit *u, const char *section, const char *key, bool split,
		    char ***vals, size_t *n)
{
	int r = 0;

	*vals = NULL;
	*n = 0;
	for (size_t i = 0; r == 0 && i < u->nfiles; i++)
		r = file_values(u->data[i], section, key, split, vals, n);
	if (r < 0) {
		rsc_unit_strv_free(*vals);
		*vals = NULL;
		*n = 0;
	}
	return r;
}

/* Is there an entry name in one of dir's *.wants / *.requires subdirectories? */
static int enabled_in(struct rsc_root *root, const char *dir, const char *name, char **by)
{
	struct dirent *de;
	DIR *d;
	int r = rsc_root_opendir(root, dir, &d);

	if (r < 0)
		return r == -ENOMEM ? r : 0;
	while (r == 0 && (de = readdir(d))) {
		size_t l = strlen(de->d_name);
		_cleanup_free_ char *p = NULL;
		struct stat st;

		if (!(l > 6 && strcmp(de->d_name + l - 6, ".wants") == 0) &&
		    !(l > 9 && strcmp(de->d_name + l - 9, ".requires") == 0))
			continue;
		if (asprintf(&p, "%s/%s/%s", dir, de->d_name, name) < 0) {
			r = -ENOMEM;
			break;
		}
		if (rsc_root_stat(root, p, &st, RSC_NOFOLLOW) == 0) {
			r = 1;
			if (by)
				*by = TAKE_PTR(p);
		}
	}
	closedir(d);
	return r;
}

int rsc_unit_enabled(struct rsc_root *root, const char *name, char **by)
{
	int r = 0;

	if (by)
		*by = NULL;
	for (size_t i = 0; r == 0 && rsc_unit_dirs[i]; i++)
		r = enabled_in(root, rsc_unit_dirs[i], name, by);
	return r;
}
