// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ldso_conf.c - the victim's /etc/ld.so.conf as its ldconfig reads it
 * (glibc elf/ldconfig.c parse_conf / parse_conf_include), with "include"
 * globs expanded inside the victim root, never on the helper.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hmap.h"
#include "ldso_int.h"
#include "root.h"
#include "util.h"

#define LDCONF_MAX_DEPTH 16
#define LDCONF_CAP	 (1u << 20)
/*
 * The files read and directories listed by one rsc_ldconf_read() (or one
 * rsc_ldconf_glob()) in all. The depth alone does not bound the work: a
 * file that includes itself k times is read k^16 times, and a pattern of
 * three wildcard components lists every directory three levels down.
 */
#ifndef LDCONF_MAX_OPS /* tests/fuzz/fuzz_ldconf.c sets a smaller one */
#define LDCONF_MAX_OPS 1024
#endif
/*
 * The bytes parsed by one rsc_ldconf_read() in all. The number of reads
 * alone does not bound the time either: 1,024 reads of a 1 MiB file that
 * includes itself are half a billion lines, each looked up among the
 * directories (minutes, measured). A real tree is a few hundred bytes.
 */
#ifndef LDCONF_BUDGET /* tests/fuzz/fuzz_ldconf.c sets a smaller one */
#define LDCONF_BUDGET (2 * LDCONF_CAP)
#endif
/*
 * The path components a glob walks, in all, for one rsc_ldconf_read() (or
 * one rsc_ldconf_glob()). Components without a wildcard are not listings,
 * but each is a path built, and each match of a wildcard walks the rest of
 * the pattern again: 64 reads of a file of ten "include" lines of hundreds
 * of "./" components each built some 300 MB of paths (2 s an input under
 * the fuzzer's instrumentation). A real pattern is a few components, and
 * each file it matches one more.
 */
#ifndef LDCONF_MAX_STEPS /* tests/fuzz/fuzz_ldconf.c sets a smaller one */
#define LDCONF_MAX_STEPS 4096
#endif

struct conf_walk {
	struct rsc_root *r;
	struct rsc_strv *dirs;
	struct timespec *newest;
	unsigned ops;	/* files read and directories listed, up to LDCONF_MAX_OPS */
	unsigned steps; /* glob components walked, up to LDCONF_MAX_STEPS */
	size_t parsed;	/* bytes, up to LDCONF_BUDGET */
	/*
	 * dirs, hashed: a line is looked up among up to 1,024 of them, and
	 * 2 MiB of lines naming one directory again and again were 300
	 * million string compares (2 s, measured, without instrumentation).
	 */
	struct rsc_hmap seen;
};

int rsc_strv_add(struct rsc_strv *s, const char *str)
{
	char **v = reallocarray(s->v, s->n + 2, sizeof(char *));

	if (!v)
		return -ENOMEM;
	s->v = v;
	v[s->n] = strdup(str);
	if (!v[s->n])
		return -ENOMEM;
	v[++s->n] = NULL;
	return 0;
}

void rsc_strv_free(struct rsc_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static bool has_magic(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[')
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in the victim directory dir matching pat (no "." / ".."), sorted. */
static int list_matching(struct conf_walk *w, const char *dir, const char *pat,
			 struct rsc_strv *names)
{
	DIR *d = NULL;
	struct dirent *de;
	int fd, ret = 0;

	if (w->ops >= LDCONF_MAX_OPS)
		return 0;
	w->ops++;
	fd = rsc_root_open_at(w->r, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, 0);
	if (fd < 0)
		return 0; /* no such directory: no match */
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fnmatch(pat, de->d_name, FNM_PERIOD) != 0)
			continue;
		if (names->n >= RSC_LDCONF_MAX_FILES)
			break;
		ret = rsc_strv_add(names, de->d_name);
		if (ret < 0)
			break;
	}
	closedir(d);
	if (names->n > 1)
		qsort(names->v, names->n, sizeof(char *), cmp_str);
	return ret;
}

/*
 * Match the components of rest below the victim directory prefix. A path
 * of PATH_MAX bytes or more matches nothing, as glob(3)'s opendir() and
 * lstat() fail on it with ENAMETOOLONG.
 */
static int glob_walk(struct conf_walk *w, const char *prefix, const char *rest,
		     struct rsc_strv *out)
{
	_cleanup_free_ char *comp = NULL;
	struct rsc_strv names = { 0 };
	const char *slash;
	size_t len;
	int ret = 0;

	if (w->steps >= LDCONF_MAX_STEPS || strlen(prefix) >= PATH_MAX)
		return 0;
	w->steps++;
	while (*rest == '/')
		rest++;
	if (*rest == '\0') {
		struct stat st;

		if (out->n < RSC_LDCONF_MAX_FILES && rsc_root_stat(w->r, prefix, &st, 0) == 0)
			return rsc_strv_add(out, prefix);
		return 0;
	}
	slash = strchr(rest, '/');
	len = slash ? (size_t)(slash - rest) : strlen(rest);
	comp = strndup(rest, len);
	if (!comp)
		return -ENOMEM;
	if (has_magic(comp, len)) {
		ret = list_matching(w, prefix, comp, &names);
	} else {
		ret = rsc_strv_add(&names, comp);
	}
	for (size_t i = 0; ret == 0 && i < names.n && out->n < RSC_LDCONF_MAX_FILES; i++) {
		_cleanup_free_ char *next = rsc_path_join(prefix, names.v[i]);

		if (!next) {
			ret = -ENOMEM;
			break;
		}
		ret = glob_walk(w, next, rest + len, out);
	}
	rsc_strv_free(&names);
	return ret;
}

static int glob_pattern(struct conf_walk *w, const char *pattern, struct rsc_strv *out)
{
	if (pattern[0] != '/')
		return -EINVAL;
	return glob_walk(w, "/", pattern, out);
}

int rsc_ldconf_glob(struct rsc_root *r, const char *pattern, struct rsc_strv *out)
{
	struct conf_walk w = { .r = r };

	return glob_pattern(&w, pattern, out);
}

static void newer(struct timespec *newest, const struct stat *st)
{
	if (!newest)
		return;
	if (st->st_mtim.tv_sec > newest->tv_sec ||
	    (st->st_mtim.tv_sec == newest->tv_sec && st->st_mtim.tv_nsec > newest->tv_nsec))
		*newest = st->st_mtim;
}

static int read_conf(struct conf_walk *w, const char *path, unsigned depth);

/* "include" patterns of one line, relative ones against the directory of file. */
static int do_include(struct conf_walk *w, const char *file, char *args, unsigned depth)
{
	char *save = NULL;
	int ret = 0;

	for (char *pat = strtok_r(args, " \t", &save); pat && ret == 0;
	     pat = strtok_r(NULL, " \t", &save)) {
		_cleanup_free_ char *full = NULL;
		struct rsc_strv files = { 0 };

		if (pat[0] != '/') {
			_cleanup_free_ char *dir = strdup(file);
			char *s;

			if (!dir)
				return -ENOMEM;
			s = strrchr(dir, '/');
			if (s)
				s[s == dir ? 1 : 0] = '\0';
			full = rsc_path_join(dir, pat);
		} else {
			full = strdup(pat);
		}
		if (!full)
			return -ENOMEM;
		ret = glob_pattern(w, full, &files);
		for (size_t i = 0; ret == 0 && i < files.n; i++)
			ret = read_conf(w, files.v[i], depth + 1);
		rsc_strv_free(&files);
	}
	return ret;
}

/* Whether dir is in w->dirs; *hash is its hash. */
static bool seen_dir(const struct conf_walk *w, const char *dir, uint64_t *hash)
{
	size_t pos = 0, i;

	*hash = rsc_hash_str(rsc_hash_init(), dir);
	while (rsc_hmap_next(&w->seen, *hash, &pos, &i))
		if (strcmp(w->dirs->v[i], dir) == 0)
			return true;
	return false;
}

static int add_dir(struct conf_walk *w, char *line)
{
	uint64_t hash;
	char *eq = strchr(line, '=');
	size_t len;
	struct stat st;

	if (eq) /* "dir=libc6": the old type suffix */
		*eq = '\0';
	len = strlen(line);
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		line[--len] = '\0';
	while (len > 1 && line[len - 1] == '/')
		line[--len] = '\0';
	if (len == 0 || w->dirs->n >= RSC_LDCONF_MAX_DIRS)
		return 0;
	if (seen_dir(w, line, &hash))
		return 0; /* seen: no second stat */
	if (rsc_root_stat(w->r, line, &st, 0) == 0)
		newer(w->newest, &st);
	if (rsc_hmap_add(&w->seen, hash, w->dirs->n) < 0 || rsc_strv_add(w->dirs, line) < 0)
		return -ENOMEM;
	return 0;
}

/* Count data's len bytes, or cut it to the whole lines that fit in what is left of the budget. */
static void take_budget(struct conf_walk *w, char *data, size_t len)
{
	size_t left = LDCONF_BUDGET - w->parsed;
	char *nl;

	if (len <= left) {
		w->parsed += len;
		return;
	}
	nl = memrchr(data, '\n', left);
	data[nl ? (size_t)(nl - data) : 0] = '\0';
	w->parsed = LDCONF_BUDGET;
}

static int read_conf(struct conf_walk *w, const char *path, unsigned depth)
{
	_cleanup_free_ char *data = NULL;
	char *save = NULL;
	struct stat st;
	size_t len = 0;
	int ret;

	if (depth > LDCONF_MAX_DEPTH || w->ops >= LDCONF_MAX_OPS || w->parsed >= LDCONF_BUDGET)
		return 0;
	w->ops++;
	ret = rsc_root_read_file(w->r, path, LDCONF_CAP, 0, &data, &len, &st);
	if (ret == -ENOMEM)
		return ret;
	if (ret < 0)
		return 0; /* ldconfig warns and goes on */
	newer(w->newest, &st);
	if (memchr(data, '\0', len))
		len = strlen(
			data); /* ldconfig's getline stops at nothing, but a NUL ends our string */
	take_budget(w, data, len);
	for (char *line = strtok_r(data, "\n", &save); line && ret == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#'), *cp = line;

		if (hash)
			*hash = '\0';
		while (*cp == ' ' || *cp == '\t')
			cp++;
		if (*cp == '\0')
			continue;
		if (strncmp(cp, "include", 7) == 0 && (cp[7] == ' ' || cp[7] == '\t'))
			ret = do_include(w, path, cp + 8, depth);
		else if (strncmp(cp, "hwcap", 5) == 0 && (cp[5] == ' ' || cp[5] == '\t'))
			continue;
		else
			ret = add_dir(w, cp);
	}
	return ret;
}

int rsc_ldconf_read(struct rsc_root *r, const char *path, struct rsc_strv *dirs,
		    struct timespec *newest)
{
	struct conf_walk w = { .r = r, .dirs = dirs, .newest = newest };
	uint64_t hash;
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < dirs->n && i < RSC_LDCONF_MAX_DIRS; i++)
		if (!seen_dir(&w, dirs->v[i], &hash))
			ret = rsc_hmap_add(&w.seen, hash, i);
	if (ret == 0)
		ret = read_conf(&w, path, 0);
	rsc_hmap_free(&w.seen);
	return ret;
}
