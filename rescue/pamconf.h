/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pamconf.h - the victim's PAM stack for a service, read the way Linux-PAM
 * reads /etc/pam.d/SERVICE: "type control module [args]" lines, a leading
 * '-' on the type (skip the module quietly when it is missing), bracketed
 * controls ("[success=1 default=ignore]"), backslash continuation lines,
 * '#' comments, and the includes resolved in place: "@include FILE"
 * (Debian), "TYPE include SERVICE" and "TYPE substack SERVICE" (only the
 * lines of that type). Nesting is capped like libpam's.
 */
#ifndef RSC_PAMCONF_H
#define RSC_PAMCONF_H

#include <stdbool.h>
#include <stddef.h>

struct rsc_root;

struct rsc_pam_rule {
	char *type;    /* "auth", "account", "password", "session" (lower case) */
	bool quiet;    /* "-type": a missing module is skipped silently */
	char *control; /* "required", "[success=1 default=ignore]", … */
	char *module;  /* as written: "pam_unix.so" or an absolute path */
	char *args;    /* the rest of the line, may be "" */
	char *file;    /* the victim file it comes from */
	unsigned long line;
};

struct rsc_pam_stack {
	struct rsc_pam_rule *rules;
	size_t n, cap;
	/* "/etc/pam.d/sshd:12: @include of a missing file common-foo" — escaped */
	char **notes;
	size_t nnotes;
	size_t includes; /* files read through includes so far (capped: loops multiply) */
};

/*
 * Load the stack of service ("sshd") from the victim's /etc/pam.d. A missing
 * service file is -ENOENT (Linux-PAM then uses "other"); a missing include
 * is a note. Returns 0 or -errno; free with rsc_pam_free().
 */
int rsc_pam_load(struct rsc_root *root, const char *service, struct rsc_pam_stack *st);

/*
 * Parse one file's text (len bytes, may hold NUL) into st. Includes are read
 * through read_include(ctx, name, &data, &len) (0 or -errno, *data caller
 * frees) and only lines of type only_type are kept when it is not NULL.
 * depth counts the includes above. Exposed for the fuzz target.
 */
typedef int (*rsc_pam_reader)(void *ctx, const char *name, char **data, size_t *len);
int rsc_pam_parse(const char *data, size_t len, const char *file, const char *only_type,
		  unsigned depth, rsc_pam_reader read_include, void *ctx, struct rsc_pam_stack *st);

/* The first rule of type (NULL: any) whose module's file name is module ("pam_nologin.so"). */
const struct rsc_pam_rule *rsc_pam_find(const struct rsc_pam_stack *st, const char *type,
					const char *module);
void rsc_pam_free(struct rsc_pam_stack *st);

#endif
