// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sshdcfg_parse.c - read sshd_config like OpenSSH's servconf.c (checked
 * against 9.2p1 and 10.x): lines split into a keyword (blanks, one '=',
 * a quoted keyword) and arguments (argv_split rules: quotes, backslash
 * escapes, '#' at the start of a word ends the line); Include globs inside
 * the victim, relative to /etc/ssh, at most 16 levels; Match blocks that
 * run to the end of the file they are in (an included file's Match does
 * not reach back into the includer); a global-only keyword is refused where
 * sshd would be inside an inactive block.
 *
 * Every line becomes an entry (applied or not: that depends on the
 * connection, see sshdcfg_eval.c), every refusal a diagnostic with
 * file:line. Nothing here stops at the first error the way sshd does: the
 * user sees every problem at once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "root.h"
#include "sshdcfg_int.h"

#define CONFIG_PATH   "/etc/ssh/sshd_config"
#define CONFIG_CAP    (4u << 20) /* bytes of one file */
#define INCLUDE_DEPTH 16	 /* servconf.c SERVCONF_MAX_DEPTH */
#define FILES_MAX     256	 /* files read for one configuration */
#define ENTRIES_MAX   100000u	 /* lines kept for one configuration */
#define DIAGS_MAX     1000u
#define GLOB_MAX      1024  /* results of one Include pattern */
#define DIR_SCAN_MAX  10000 /* entries looked at in one directory */
#define GLOB_DIRS_MAX 256   /* directories listed for one Include pattern */
#define WS	      " \t\r\n"

struct parser {
	struct sshd_config *cfg;
	struct rsc_root *root; /* NULL for a buffer: Include is not followed */
	int version;
	unsigned vendors;
};

/* Where a line is: the Match block it belongs to and whether that block can apply at all. */
struct where {
	int match;	     /* -1 before any Match of this file and of the includers */
	bool inactive;	     /* sshd's first pass would not apply this line (*activep == 0) */
	int outer;	     /* the block of the Include line that read this file, -1 if none */
	bool outer_inactive; /* and whether that line was inactive */
};

static int grow(void *arrayp, size_t *cap, size_t n, size_t size)
{
	void **a = arrayp;
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	p = reallocarray(*a, ncap, size);
	if (!p)
		return -ENOMEM;
	*a = p;
	*cap = ncap;
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int sshd_diag_add(struct sshd_config *cfg, enum rsc_pid id, const char *file, unsigned line, int kw,
		  const char *fmt, ...)
{
	struct sshd_diag *d;
	va_list ap;
	int r;

	if (rsc_problem(id)->severity == RSC_SEV_ERROR)
		cfg->fatal = true;
	if (cfg->ndiags >= DIAGS_MAX)
		return 0;
	if (grow(&cfg->diags, &cfg->cdiags, cfg->ndiags, sizeof(*cfg->diags)) < 0)
		return -ENOMEM;
	d = &cfg->diags[cfg->ndiags];
	*d = (struct sshd_diag){ .id = id, .file = file, .line = line };
	d->kw = kw >= 0 ? sshd_kw_name(kw) : NULL;
	va_start(ap, fmt);
	r = vasprintf(&d->msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	cfg->ndiags++;
	return 0;
}

/*
 * sshd's keyword splitter (misc.c strdelim with '=' splitting): the token
 * ends at a blank, a quote or one '='; a quote starts a quoted part that
 * must be closed. Returns the token, or NULL on an open quote. *s moves on
 * and becomes NULL when nothing follows.
 */
static char *next_token(char **s)
{
	char *tok = *s, *p;
	bool eq;

	if (!tok)
		return NULL;
	p = strpbrk(tok, WS "\"=");
	if (!p) {
		*s = NULL;
		return tok;
	}
	if (*p == '"') {
		memmove(p, p + 1, strlen(p + 1) + 1);
		p = strchr(p, '"');
		if (!p) {
			*s = NULL;
			return NULL;
		}
		*p = '\0';
		*s = p + 1 + strspn(p + 1, WS);
		return tok;
	}
	eq = *p == '=';
	*p = '\0';
	p += 1 + strspn(p + 1, WS);
	if (*p == '=' && !eq)
		p += 1 + strspn(p + 1, WS);
	*s = p;
	return tok;
}

/*
 * sshd's argument splitter (misc.c argv_split, comments end the line):
 * blanks separate, "..." and '...' quote, \\ \" \' (and "\ " outside
 * quotes) escape. -EINVAL on an open quote, -ENOMEM.
 */
static int split_args(const char *s, char ***argvp, size_t *argcp)
{
	char **argv = NULL;
	size_t argc = 0, cap = 0, i = 0;
	int r = 0;

	for (;;) {
		struct rsc_buf b = { 0 };
		char quote = 0;

		i += strspn(s + i, " \t");
		if (!s[i] || s[i] == '#')
			break;
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
		if (r == 0 && argc + 1 >= cap) {
			size_t ncap = cap ? cap * 2 : 8;
			char **n = reallocarray(argv, ncap, sizeof(*argv));

			if (!n)
				r = -ENOMEM;
			else
				argv = n, cap = ncap;
		}
		if (r < 0) {
			rsc_buf_free(&b);
			break;
		}
		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): r is 0: argv has room */
		argv[argc++] = rsc_buf_steal(&b);
		argv[argc] = NULL;
	}
	if (r < 0) {
		strv_free(argv, argc);
		return r;
	}
	*argvp = argv;
	*argcp = argc;
	return 0;
}

static int load_file(struct parser *p, const char *path, int depth, struct where *w,
		     const struct sshd_entry *from);

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

struct strlist {
	char **v;
	size_t n, cap;
};

static int strlist_add(struct strlist *l, const char *s)
{
	char *d;

	if (grow(&l->v, &l->cap, l->n, sizeof(*l->v)) < 0)
		return -ENOMEM;
	d = strdup(s);
	if (!d)
		return -ENOMEM;
	l->v[l->n++] = d;
	return 0;
}

/*
 * glob(3) inside the victim: dir is the victim path matched so far, rest
 * the pattern still to match. Matches are appended to out.
 */
static int glob_walk(struct rsc_root *root, const char *dir, const char *rest, struct strlist *out,
		     unsigned *dirs)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *comp = NULL;
	struct strlist names = { 0 };
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

		return rsc_root_stat(root, dir, &st, 0) == 0 ? strlist_add(out, dir) : 0;
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
			r = strlist_add(&names, de->d_name);
	}
	closedir(d);
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; r == 0 && i < names.n; i++) {
		_cleanup_free_ char *next = rsc_path_join(dir, names.v[i]);

		r = next ? glob_walk(root, next, rest + clen, out, dirs) : -ENOMEM;
	}
	strv_free(names.v, names.n);
	return r;
}

/*
 * Include: each argument a glob, relative to /etc/ssh; matches read in
 * sorted order. The entry is addressed by index: reading the included
 * files grows cfg->entries.
 */
static int do_include(struct parser *p, size_t ei, int depth, struct where *w)
{
	struct sshd_config *cfg = p->cfg;
	int r = 0;

	for (size_t i = 0; r == 0 && i < cfg->entries[ei].argc; i++) {
		_cleanup_free_ char *pattern = NULL;
		const struct sshd_entry *e = &cfg->entries[ei];
		const char *a = e->argv[i];
		struct strlist found = { 0 };
		unsigned dirs = 0;

		if (!*a)
			return sshd_diag_add(cfg, PR_SSHD_CONFIG_SYNTAX, e->file, e->line, e->name,
					     "Include has an empty argument");
		if (!p->root)
			continue;
		if (a[0] == '/' || a[0] == '~') /* '~' is literal: sshd globs without GLOB_TILDE */
			pattern = strdup(a);
		else if (asprintf(&pattern, "/etc/ssh/%s", a) < 0)
			pattern = NULL;
		if (!pattern)
			return -ENOMEM;
		if (pattern[0] == '/' && strlen(pattern) < PATH_MAX)
			r = glob_walk(p->root, "/", pattern, &found, &dirs);
		if (r == 0 && found.n > 1)
			qsort(found.v, found.n, sizeof(*found.v), cmp_str);
		for (size_t k = 0; r == 0 && k < found.n; k++) {
			/* the included file starts where the Include line is */
			struct where inner = { .match = w->match,
					       .inactive = w->inactive,
					       .outer = w->match,
					       .outer_inactive = w->inactive };
			/* a copy: reading the file grows cfg->entries */
			struct sshd_entry from = cfg->entries[ei];

			r = load_file(p, found.v[k], depth + 1, &inner, &from);
		}
		strv_free(found.v, found.n);
	}
	return r;
}

/* A Match line: criteria checked now, evaluated per connection in sshdcfg_eval.c. */
static int do_match(struct parser *p, const char *file, unsigned line, char *rest, struct where *w)
{
	static const char *const criteria[] = { "user",		"group",     "host",   "address",
						"localaddress", "localport", "rdomain" };
	struct sshd_config *cfg = p->cfg;
	struct sshd_match *m;
	char *cp = rest, *attr;
	int n = 0, r = 0;

	if (grow(&cfg->matches, &cfg->cmatches, cfg->nmatches, sizeof(*cfg->matches)) < 0)
		return -ENOMEM;
	m = &cfg->matches[cfg->nmatches];
	*m = (struct sshd_match){ .file = file, .line = line, .parent = w->outer, .bad = true };
	w->match = (int)cfg->nmatches++;
	w->inactive = true;

	while ((attr = next_token(&cp)) && *attr) {
		char *arg;
		size_t k;

		if (*attr == '#')
			break;
		n++;
		if (strcasecmp(attr, "all") == 0) {
			arg = next_token(&cp);
			if (n > 1 || (arg && *arg && *arg != '#'))
				return sshd_diag_add(cfg, PR_SSHD_CONFIG_MATCH, file, line, -1,
						     "'all' cannot be combined with other Match "
						     "criteria");
			m->all = true;
			break;
		}
		arg = next_token(&cp);
		if (!arg || !*arg || *arg == '#')
			return sshd_diag_add(cfg, PR_SSHD_CONFIG_MATCH, file, line, -1,
					     "Match %s has no argument", attr);
		for (k = 0; k < ARRAY_SIZE(criteria); k++)
			if (strcasecmp(attr, criteria[k]) == 0)
				break;
		if (k == ARRAY_SIZE(criteria))
			return sshd_diag_add(cfg, PR_SSHD_CONFIG_MATCH, file, line, -1,
					     "unsupported Match criterion %s", attr);
		r = sshd_match_check(criteria[k], arg);
		if (r < 0)
			return r == -ENOMEM
				       ? r
				       : sshd_diag_add(cfg, PR_SSHD_CONFIG_MATCH, file, line, -1,
						       "invalid Match %s argument '%s'", attr, arg);
		if (grow(&m->argv, &m->cargv, m->argc + 2, sizeof(*m->argv)) < 0)
			return -ENOMEM;
		m->argv[m->argc] = strdup(criteria[k]);
		m->argv[m->argc + 1] = strdup(arg);
		if (!m->argv[m->argc] || !m->argv[m->argc + 1]) {
			free(m->argv[m->argc]);
			free(m->argv[m->argc + 1]);
			return -ENOMEM;
		}
		m->argc += 2;
	}
	if (n == 0)
		return sshd_diag_add(cfg, PR_SSHD_CONFIG_MATCH, file, line, -1,
				     "Match needs one or more criteria");
	m->bad = false;
	if (m->all && !w->outer_inactive)
		w->inactive = false; /* sshd applies Match All in its first pass too */
	return 0;
}

static int add_entry(struct sshd_config *cfg, struct sshd_entry **out)
{
	if (cfg->nentries >= ENTRIES_MAX)
		return -E2BIG;
	if (grow(&cfg->entries, &cfg->centries, cfg->nentries, sizeof(*cfg->entries)) < 0)
		return -ENOMEM;
	*out = &cfg->entries[cfg->nentries++];
	**out = (struct sshd_entry){ .kw = -1, .name = -1, .match = -1 };
	return 0;
}

/* One line of a file (NUL-terminated, without its '\n'). */
static int config_line(struct parser *p, const char *file, unsigned lineno, char *line, int depth,
		       struct where *w)
{
	_cleanup_(rsc_buf_free) struct rsc_buf why = { 0 };
	struct sshd_config *cfg = p->cfg;
	struct sshd_entry *e = NULL;
	char *s = line, *kw;
	size_t n = strlen(line);
	enum sshd_kwstatus st;
	const struct sshd_kwrow *row;
	int k, r;

	while (n > 1 && strchr(WS "\f", line[n - 1]))
		line[--n] = '\0';
	kw = next_token(&s);
	if (kw && !*kw)
		kw = next_token(&s);
	if (!kw || !*kw || *kw == '#')
		return 0;
	if (!s || !*s)
		return sshd_diag_add(cfg, PR_SSHD_CONFIG_SYNTAX, file, lineno, -1,
				     "no argument after keyword \"%s\"", kw);
	k = sshd_kw_lookup(kw, p->version, p->vendors);
	if (k < 0)
		return sshd_diag_add(cfg, PR_SSHD_CONFIG_KEYWORD, file, lineno, -1,
				     "Bad configuration option: %s", kw);
	row = &sshd_kw[k];
	if (row->type == T_MATCH)
		return do_match(p, file, lineno, s, w);
	if (w->inactive && !sshd_kw_in_match(k, p->version))
		return sshd_diag_add(cfg, PR_SSHD_CONFIG_NOTINMATCH, file, lineno, k,
				     "Directive '%s' is not allowed within a Match block", kw);
	r = add_entry(cfg, &e);
	if (r < 0)
		return r == -E2BIG ? 0 : r;
	e->kw = row->canon;
	e->name = k;
	e->file = file;
	e->line = lineno;
	e->match = w->match;
	e->raw = strdup(s); /* some keywords take the rest of the line as it is */
	if (!e->raw)
		return -ENOMEM;
	r = split_args(s, &e->argv, &e->argc);
	if (r == -EINVAL) {
		e->bad = true;
		return sshd_diag_add(cfg, PR_SSHD_CONFIG_SYNTAX, file, lineno, k,
				     "invalid quotes in the arguments of %s", kw);
	}
	if (r < 0)
		return r;
	st = sshd_kw_status(k, p->version, p->vendors);
	if (st == KWS_DEPRECATED || st == KWS_UNSUPPORTED) {
		e->bad = true; /* ignored by sshd: the entry has no effect */
		return sshd_diag_add(cfg, PR_SSHD_CONFIG_DEPRECATED, file, lineno, k,
				     "%s option %s: sshd ignores it",
				     st == KWS_DEPRECATED ? "Deprecated" : "Unsupported", kw);
	}
	if (row->type == T_INCLUDE) {
		if (e->argc == 0)
			return sshd_diag_add(cfg, PR_SSHD_CONFIG_SYNTAX, file, lineno, k,
					     "Include has no file name");
		return do_include(p, (size_t)(e - cfg->entries), depth, w);
	}
	r = sshd_value_check(e, p->version, &why);
	if (r == -EINVAL) {
		e->bad = true;
		return sshd_diag_add(cfg, PR_SSHD_CONFIG_VALUE, file, lineno, k, "%s: %s", kw,
				     why.data ? why.data : "bad value");
	}
	return r;
}

static int intern_file(struct sshd_config *cfg, const char *path, const char **out)
{
	char *d;

	if (cfg->nfiles >= FILES_MAX)
		return -E2BIG;
	if (grow(&cfg->files, &cfg->cfiles, cfg->nfiles, sizeof(*cfg->files)) < 0)
		return -ENOMEM;
	d = strdup(path);
	if (!d)
		return -ENOMEM;
	cfg->files[cfg->nfiles++] = d;
	*out = d;
	return 0;
}

static int parse_data(struct parser *p, const char *file, const char *data, size_t len, int depth,
		      struct where *w)
{
	const char *q = data, *end = data + len;
	unsigned lineno = 0;
	int r = 0;

	if (memchr(data, '\0', len))
		return sshd_diag_add(p->cfg, PR_SSHD_CONFIG_SYNTAX, file, 0, -1,
				     "the file contains a NUL byte: sshd cannot read it");
	while (r == 0 && q < end) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		size_t n = nl ? (size_t)(nl - q) : (size_t)(end - q);
		_cleanup_free_ char *line = strndup(q, n);

		if (!line)
			return -ENOMEM;
		lineno++;
		r = config_line(p, file, lineno, line + strspn(line, " \t\r"), depth, w);
		q += n + (nl ? 1 : 0);
	}
	return r;
}

/*
 * Read path (from: the Include line that names it, NULL for sshd_config). A
 * file not read is reported on that line: path itself is not kept then.
 */
static int load_file(struct parser *p, const char *path, int depth, struct where *w,
		     const struct sshd_entry *from)
{
	_cleanup_free_ char *data = NULL;
	const char *file = NULL;
	struct stat st;
	size_t len = 0;
	int r;

	if (depth > INCLUDE_DEPTH && from)
		return sshd_diag_add(p->cfg, PR_SSHD_CONFIG_INCLUDE, from->file, from->line, -1,
				     "%s: more than %d levels of Include", path, INCLUDE_DEPTH);
	r = intern_file(p->cfg, path, &file);
	if (r == -E2BIG && from)
		return sshd_diag_add(p->cfg, PR_SSHD_CONFIG_INCLUDE, from->file, from->line, -1,
				     "%s: more than %d configuration files: not read", path,
				     FILES_MAX);
	if (r < 0)
		return r;
	r = rsc_root_read_file(p->root, path, CONFIG_CAP, 0, &data, &len, &st);
	if (depth == 0)
		p->cfg->found = r != -ENOENT && r != -ENOTDIR;
	if (r == -ENOMEM)
		return r;
	if (r < 0 && depth == 0 && !p->cfg->found)
		return sshd_diag_add(p->cfg, PR_SSHD_CONFIG_MISSING, file, 0, -1,
				     "%s does not exist", path);
	if (r < 0)
		return sshd_diag_add(p->cfg, PR_SSHD_CONFIG_UNREADABLE, file, 0, -1,
				     "cannot be read: %s", strerror(-r));
	return parse_data(p, file, data, len, depth, w);
}

static void config_init(struct sshd_config *cfg, int version, unsigned vendors)
{
	*cfg = (struct sshd_config){ .version = version, .vendors = vendors };
}

int sshd_config_load(struct rsc_root *root, int version, unsigned vendors, struct sshd_config *cfg)
{
	struct parser p = { .cfg = cfg, .root = root, .version = version, .vendors = vendors };
	struct where w = { .match = -1, .outer = -1 };

	int r;

	config_init(cfg, version, vendors);
	r = load_file(&p, CONFIG_PATH, 0, &w, NULL);
	return r < 0 ? r : sshd_config_postcheck(cfg);
}

int sshd_config_parse_buffer(const char *data, size_t len, int version, unsigned vendors,
			     struct sshd_config *cfg)
{
	struct parser p = { .cfg = cfg, .version = version, .vendors = vendors };
	struct where w = { .match = -1, .outer = -1 };
	const char *file = NULL;
	int r;

	config_init(cfg, version, vendors);
	cfg->found = true;
	r = intern_file(cfg, CONFIG_PATH, &file);
	if (r == 0)
		r = parse_data(&p, file, data, len, 0, &w);
	return r < 0 ? r : sshd_config_postcheck(cfg);
}

void sshd_config_free(struct sshd_config *cfg)
{
	for (size_t i = 0; i < cfg->nentries; i++) {
		strv_free(cfg->entries[i].argv, cfg->entries[i].argc);
		free(cfg->entries[i].value);
		free(cfg->entries[i].raw);
	}
	for (size_t i = 0; i < cfg->nmatches; i++)
		strv_free(cfg->matches[i].argv, cfg->matches[i].argc);
	for (size_t i = 0; i < cfg->ndiags; i++)
		free(cfg->diags[i].msg);
	strv_free(cfg->files, cfg->nfiles);
	free(cfg->entries);
	free(cfg->matches);
	free(cfg->diags);
	*cfg = (struct sshd_config){ 0 };
}
