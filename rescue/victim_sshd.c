// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * victim_sshd.c - the small sshd_config reader: the few global settings the
 * access checks need (AuthorizedKeysFile, StrictModes,
 * PubkeyAuthentication). The sshd_config issue replaces it with a full
 * parser; its whole interface is vic_load_sshd().
 *
 * It follows OpenSSH's servconf.c (checked against 9.2p1): keyword split on
 * blanks or one '=', arguments split with quotes and backslash escapes,
 * first value wins, Include globs relative to /etc/ssh, a Match block ends
 * the global section of the file it is in (an included file's Match does
 * not reach back into the including file), and more than 16 levels of
 * Include are not read (sshd refuses to start then).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "root.h"
#include "victim_int.h"

#define SSHD_CONFIG_CAP (4u << 20)
#define INCLUDE_DEPTH	16    /* servconf.c SERVCONF_MAX_DEPTH */
#define INCLUDE_FILES	256   /* files read for one sshd_config, all levels */
#define GLOB_MAX	1024  /* results of one Include pattern */
#define DIR_SCAN_MAX	10000 /* entries looked at in one directory */
#define GLOB_DIRS_MAX	256   /* directories listed for one Include pattern */

struct sshd_reader {
	struct rsc_victim *v;
	struct vic_strv akf;
	bool akf_set;
	int strict_modes, pubkey; /* -1 unset */
	unsigned files;		  /* files read so far */
};

/*
 * Split the arguments like OpenSSH's argv_split(): blanks separate, "..."
 * and '...' quote, \\ \" \' (and "\ " outside quotes) escape, an unquoted
 * '#' at the start of a word ends the line. -EINVAL on an open quote.
 */
static int split_args(const char *s, struct vic_strv *out)
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
			r = vic_strv_push(out, b.data);
		if (r < 0) {
			rsc_buf_free(&b);
			return r;
		}
	}
}

static int parse_flag(const struct vic_strv *args, int *val)
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

static int set_akf(struct sshd_reader *rd, const struct vic_strv *args)
{
	struct vic_strv list = { 0 };

	if (rd->akf_set || args->n == 0)
		return 0;
	for (size_t i = 0; i < args->n; i++) {
		char *e = NULL;
		int r;

		if (!*args->v[i]) { /* sshd: "empty argument", the line is bad */
			vic_strv_free(&list);
			return 0;
		}
		r = tilde_expand(rd->v, args->v[i], &e);
		if (r == 0)
			r = vic_strv_push(&list, e);
		if (r < 0) {
			free(e);
			vic_strv_free(&list);
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
static int glob_walk(struct rsc_root *root, const char *dir, const char *rest, struct vic_strv *out,
		     unsigned *dirs)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *comp = NULL;
	struct vic_strv names = { 0 };
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

		return rsc_root_stat(root, dir, &st, 0) == 0 ? vic_strv_pushdup(out, dir) : 0;
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
			r = vic_strv_pushdup(&names, de->d_name);
	}
	closedir(d);
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; r == 0 && i < names.n; i++) {
		_cleanup_free_ char *next = rsc_path_join(dir, names.v[i]);

		r = next ? glob_walk(root, next, rest + clen, out, dirs) : -ENOMEM;
	}
	vic_strv_free(&names);
	return r;
}

/* Include: each argument is a glob, relative to /etc/ssh; matches are read in sorted order. */
static int do_include(struct sshd_reader *rd, const struct vic_strv *args, int depth)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < args->n; i++) {
		_cleanup_free_ char *pattern = NULL;
		const char *a = args->v[i];
		struct vic_strv found = { 0 };
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
		vic_strv_free(&found);
	}
	return r;
}

/* One line of a config file; *stop at a Match. */
static int config_line(struct sshd_reader *rd, char *line, int depth, bool *stop)
{
	struct vic_strv args = { 0 };
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
	vic_strv_free(&args);
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
	while (!stop && vic_next_line(&p, end, &s, &n)) {
		_cleanup_free_ char *line = strndup(s, n); /* stops at a NUL, like sshd */

		if (!line)
			return -ENOMEM;
		r = config_line(rd, line, depth, &stop);
		if (r < 0)
			return r;
	}
	return 0;
}

int vic_load_sshd(struct rsc_victim *v)
{
	static const char *const defaults[] = { ".ssh/authorized_keys", ".ssh/authorized_keys2" };
	struct sshd_reader rd = { .v = v, .strict_modes = -1, .pubkey = -1 };
	int r;

	r = read_config(&rd, "/etc/ssh/sshd_config", 0);
	for (size_t i = 0; r == 0 && !rd.akf_set && i < ARRAY_SIZE(defaults); i++)
		r = vic_strv_pushdup(&rd.akf, defaults[i]);
	if (r < 0) {
		vic_strv_free(&rd.akf);
		return r;
	}
	v->sshd.authorized_keys_files = rd.akf.v;
	v->sshd.n_authorized_keys_files = rd.akf.n;
	v->sshd.strict_modes = rd.strict_modes != 0;
	v->sshd.pubkey_authentication = rd.pubkey != 0;
	return 0;
}
