// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pamconf.c - the victim's PAM stack (pamconf.h). The files are untrusted
 * text: each is read with a cap, lines are assembled with a cap, includes
 * nest at most INCLUDE_MAX deep and the stack holds at most RULES_MAX rules.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pamconf.h"
#include "root.h"
#include "util.h"

#define PAM_FILE_CAP (1u << 20)
#define LINE_CAP     8192
#define INCLUDE_MAX  16
#define INCLUDES_MAX 64 /* files read in all, whatever the nesting */
#define RULES_MAX    4096
#define NOTES_MAX    64
#define PAM_DIR	     "/etc/pam.d"

static const char *const types[] = { "auth", "account", "password", "session" };

void rsc_pam_free(struct rsc_pam_stack *st)
{
	for (size_t i = 0; i < st->n; i++) {
		struct rsc_pam_rule *r = &st->rules[i];

		free(r->type);
		free(r->control);
		free(r->module);
		free(r->args);
		free(r->file);
	}
	free(st->rules);
	for (size_t i = 0; i < st->nnotes; i++)
		free(st->notes[i]);
	free(st->notes);
	*st = (struct rsc_pam_stack){ 0 };
}

static int note(struct rsc_pam_stack *st, const char *file, unsigned long line, const char *what,
		const char *name)
{
	_cleanup_free_ char *raw = NULL;
	char **nn;

	if (st->nnotes >= NOTES_MAX)
		return 0;
	if (asprintf(&raw, "%s:%lu: %s%s", file, line, what, name ? name : "") < 0)
		return -ENOMEM;
	nn = reallocarray(st->notes, st->nnotes + 1, sizeof(*nn));
	if (!nn)
		return -ENOMEM;
	st->notes = nn;
	nn[st->nnotes] = rsc_escape(raw);
	if (!nn[st->nnotes])
		return -ENOMEM;
	st->nnotes++;
	return 0;
}

/* Next token of *s: blanks skipped; a '[' token runs to its ']'. NULL at the end. */
static char *token(char **s)
{
	char *t = *s + strspn(*s, " \t"), *e;

	if (!*t)
		return NULL;
	if (*t == '[') {
		e = strchr(t, ']');
		e = e ? e + 1 : t + strlen(t);
	} else {
		e = t + strcspn(t, " \t");
	}
	*s = *e ? e + 1 : e;
	*e = '\0';
	return t;
}

static bool known_type(const char *t)
{
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (strcasecmp(t, types[i]) == 0)
			return true;
	return false;
}

static int add_rule(struct rsc_pam_stack *st, const char *type, bool quiet, const char *control,
		    const char *module, const char *args, const char *file, unsigned long line)
{
	struct rsc_pam_rule *r;

	if (st->n >= RULES_MAX)
		return note(st, file, line, "too many PAM rules, the rest is not read", NULL);
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 32;
		struct rsc_pam_rule *nr = reallocarray(st->rules, cap, sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		st->rules = nr;
		st->cap = cap;
	}
	r = &st->rules[st->n];
	*r = (struct rsc_pam_rule){ .quiet = quiet, .line = line };
	r->type = strdup(type);
	r->control = strdup(control);
	r->module = strdup(module);
	r->args = strdup(args);
	r->file = strdup(file);
	st->n++; /* counted even when a strdup failed: rsc_pam_free frees what is there */
	if (!r->type || !r->control || !r->module || !r->args || !r->file)
		return -ENOMEM;
	for (char *c = r->type; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	return 0;
}

static int include(const char *name, const char *file, unsigned long line, const char *only_type,
		   unsigned depth, rsc_pam_reader rd, void *ctx, struct rsc_pam_stack *st)
{
	_cleanup_free_ char *data = NULL, *path = NULL;
	size_t len = 0;
	int r;

	if (depth + 1 >= INCLUDE_MAX)
		return note(st, file, line, "includes nested too deeply at ", name);
	if (++st->includes > INCLUDES_MAX)
		return note(st, file, line, "too many includes, not read: ", name);
	if (!*name || strstr(name, "..") || (name[0] != '/' && strchr(name, '/')))
		return note(st, file, line, "unusable include name ", name);
	path = name[0] == '/' ? strdup(name) : rsc_path_join(PAM_DIR, name);
	if (!path)
		return -ENOMEM;
	r = rd ? rd(ctx, path, &data, &len) : -ENOENT;
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return note(st, file, line, "include of a file that cannot be read: ", path);
	return rsc_pam_parse(data, len, path, only_type, depth + 1, rd, ctx, st);
}

/* One assembled line of file. */
static int parse_line(char *l, const char *file, unsigned long lineno, const char *only_type,
		      unsigned depth, rsc_pam_reader rd, void *ctx, struct rsc_pam_stack *st)
{
	char *type = token(&l), *control, *module;
	bool quiet = false;

	if (!type)
		return 0;
	if (strcasecmp(type, "@include") == 0) {
		module = token(&l);
		return module ? include(module, file, lineno, only_type, depth, rd, ctx, st)
			      : note(st, file, lineno, "@include without a file", NULL);
	}
	if (type[0] == '-') {
		quiet = true;
		type++;
	}
	control = token(&l);
	module = token(&l);
	if (!known_type(type) || !control || !module)
		return note(st, file, lineno, "a line libpam ignores: ", type);
	if (only_type && strcasecmp(type, only_type) != 0)
		return 0;
	if (strcasecmp(control, "include") == 0 || strcasecmp(control, "substack") == 0)
		return include(module, file, lineno, type, depth, rd, ctx, st);
	l += strspn(l, " \t");
	return add_rule(st, type, quiet, control, module, l, file, lineno);
}

int rsc_pam_parse(const char *data, size_t len, const char *file, const char *only_type,
		  unsigned depth, rsc_pam_reader rd, void *ctx, struct rsc_pam_stack *st)
{
	_cleanup_(rsc_buf_free) struct rsc_buf line = { 0 };
	unsigned long lineno = 0, first = 1;
	size_t pos = 0;
	int r = 0;

	while (r == 0 && pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t e = nl ? (size_t)(nl - data) : len, n = e - pos;
		const char *s = data + pos;
		const char *hash = memchr(s, '#', n);
		bool cont;

		lineno++;
		pos = e + 1;
		if (line.len == 0)
			first = lineno;
		if (memchr(s, '\0', n))
			n = strnlen(s, n); /* a NUL ends the line, as for libpam's C strings */
		if (hash && (size_t)(hash - s) < n)
			n = (size_t)(hash - s);
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		cont = n && s[n - 1] == '\\';
		if (cont)
			n--;
		if (line.len + n < LINE_CAP) {
			r = rsc_buf_add(&line, s, n);
			if (r == 0 && cont)
				r = rsc_buf_adds(&line, " ");
		}
		if (r < 0 || cont)
			continue;
		if (line.data)
			r = parse_line(line.data, file, first, only_type, depth, rd, ctx, st);
		rsc_buf_reset(&line);
	}
	if (r == 0 && line.len && line.data)
		r = parse_line(line.data, file, first, only_type, depth, rd, ctx, st);
	return r;
}

static int root_reader(void *ctx, const char *path, char **data, size_t *len)
{
	return rsc_root_read_file(ctx, path, PAM_FILE_CAP, 0, data, len, NULL);
}

int rsc_pam_load(struct rsc_root *root, const char *service, struct rsc_pam_stack *st)
{
	_cleanup_free_ char *path = rsc_path_join(PAM_DIR, service), *data = NULL;
	size_t len = 0;
	int r;

	*st = (struct rsc_pam_stack){ 0 };
	if (!path)
		return -ENOMEM;
	r = rsc_root_read_file(root, path, PAM_FILE_CAP, 0, &data, &len, NULL);
	if (r == 0)
		r = rsc_pam_parse(data, len, path, NULL, 0, root_reader, root, st);
	if (r < 0)
		rsc_pam_free(st);
	return r;
}

const struct rsc_pam_rule *rsc_pam_find(const struct rsc_pam_stack *st, const char *type,
					const char *module)
{
	for (size_t i = 0; i < st->n; i++) {
		const char *m = strrchr(st->rules[i].module, '/');

		m = m ? m + 1 : st->rules[i].module;
		if ((!type || strcmp(st->rules[i].type, type) == 0) && strcmp(m, module) == 0)
			return &st->rules[i];
	}
	return NULL;
}
