/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sshdcfg.h - the victim's sshd_config, read the way the victim's own sshd
 * reads it.
 *
 * One keyword table (sshdcfg_keywords.def, an X-macro list annotated with
 * the OpenSSH releases 7.4 to 10.x that know each keyword) generates the
 * lookup, the value checks and the `sshd -T` style dump. A configuration is
 * parsed once into entries (keyword, arguments, file:line, Match block) and
 * diagnostics; the effective configuration for a connection (Match blocks
 * applied, first value wins) is computed from the entries on demand.
 *
 * Files: sshdcfg_table.c (keywords, algorithms, versions), sshdcfg_parse.c
 * (lines, Include, Match), sshdcfg_value.c (one check and one printed form
 * per value type), sshdcfg_eval.c (effective configuration, dump).
 */
#ifndef RSC_SSHDCFG_H
#define RSC_SSHDCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "problem.h"
#include "util.h"

struct rsc_root;
struct rsc_victim;

/* Builds of OpenSSH that add keywords to upstream's table. */
enum sshd_vendor {
	V_ALL = 1u << 0,    /* upstream */
	V_GSSKEX = 1u << 1, /* the GSSAPI key exchange patch (Debian, Ubuntu, Fedora, RHEL, SUSE) */
	V_DEBIAN = 1u << 2, /* Debian and Ubuntu only */
	V_RHEL = 1u << 3,   /* Fedora and RHEL only */
};

/* What sshd would do with a configuration problem, as a problem code. */
struct sshd_diag {
	enum rsc_pid id;  /* PR_SSHD_CONFIG_* */
	const char *file; /* victim path (owned by the config) */
	unsigned line;	  /* 0 when the problem is not on a line */
	char *msg;	  /* raw (may quote victim bytes: escape before printing) */
	const char *kw;	  /* the keyword as the table spells it, NULL if none */
};

/* One configuration line that sshd accepted (or refused: bad). */
struct sshd_entry {
	int kw;	     /* row of the canonical keyword */
	int name;    /* row of the keyword as spelled (an alias may differ) */
	char **argv; /* arguments, split like sshd */
	size_t argc;
	char *value; /* the printed form for the dump (NULL: keep the default) */
	char *raw;   /* the line after the keyword, unsplit */
	const char *file;
	unsigned line;
	int match; /* -1 global, else index into matches */
	bool bad;  /* refused: sshd would not start */
};

struct sshd_match {
	char **argv; /* criterion, argument, criterion, argument, … ("user", "alice,bob") */
	size_t argc, cargv;
	const char *file;
	unsigned line;
	int parent; /* the block the Include line of this file was in, -1 if none */
	bool all;   /* Match All */
	bool bad;   /* refused */
};

struct sshd_config {
	int version;	  /* MAJOR*100+MINOR the config is judged against */
	unsigned vendors; /* enum sshd_vendor mask of the victim's build */
	bool found;	  /* /etc/ssh/sshd_config exists */
	bool fatal;	  /* sshd would refuse to start */
	struct sshd_entry *entries;
	size_t nentries, centries;
	struct sshd_match *matches;
	size_t nmatches, cmatches;
	struct sshd_diag *diags;
	size_t ndiags, cdiags;
	char **files; /* every file read, in order (entries point here) */
	size_t nfiles, cfiles;
};

/* A connection for Match: NULL/-1 fields are unknown (criteria on them never match). */
struct sshd_conn {
	const char *user;
	const char *host;
	const char *addr;
	const char *laddr;
	const char *rdomain;
	int lport;
	const char *const *groups; /* the user's groups, NULL-terminated or NULL */
};

/* Keyword table access (sshdcfg_table.c). */
int sshd_kw_count(void);
const char *sshd_kw_name(int kw);
/* The row of the setting kw names (an alias names another row's setting). */
int sshd_kw_canon(int kw);
/* Lowercase name as sshd -T prints it, in buf (at least 64 bytes). */
const char *sshd_kw_lower(int kw, char *buf, size_t size);
/* Row of a keyword name (case-insensitive) known to version+vendors; -ENOENT otherwise. */
int sshd_kw_lookup(const char *name, int version, unsigned vendors);

/* Version number of the victim (MAJOR*100+MINOR, newest known when unknown) and its vendors. */
int sshd_victim_version(const struct rsc_victim *v);
unsigned sshd_victim_vendors(const struct rsc_victim *v);

/*
 * Parse the victim's /etc/ssh/sshd_config (and what it includes) inside
 * root, judged against version and vendors. Problems land in cfg->diags.
 * 0 or -ENOMEM; a missing or unreadable file is a diagnostic, not an error.
 */
int sshd_config_load(struct rsc_root *root, int version, unsigned vendors, struct sshd_config *cfg);
/* The same from a buffer standing for /etc/ssh/sshd_config (no Include is followed). */
int sshd_config_parse_buffer(const char *data, size_t len, int version, unsigned vendors,
			     struct sshd_config *cfg);
void sshd_config_free(struct sshd_config *cfg);

/*
 * The effective value of keyword kw for conn (NULL: the global
 * configuration as `sshd -T` without -C sees it): the entries that apply,
 * in order. For a first-value keyword at most one; for an accumulating one
 * every line. Returns the count, at most max (0: the default applies).
 */
size_t sshd_config_effective(const struct sshd_config *cfg, const struct sshd_conn *conn, int kw,
			     const struct sshd_entry **out, size_t max);
/* Effective first value of a keyword looked up by name, or NULL (default). */
const struct sshd_entry *sshd_config_get(const struct sshd_config *cfg,
					 const struct sshd_conn *conn, const char *name);

/*
 * Whether a Match block tests LocalPort: `sshd -T` then needs lport in the
 * connection specification and refuses to dump without it.
 */
bool sshd_config_needs_lport(const struct sshd_config *cfg);

/*
 * OpenSSH's match_pattern_list(): s against comma-separated patterns with
 * '*' and '?' (lowercased first when lower): 1 a pattern matched, 0 none,
 * -1 a negated pattern ("!pat") matched.
 */
int sshd_pattern_list(const char *s, const char *list, bool lower);

/* Print the effective configuration like `sshd -T`. 0 or -ENOMEM. */
int sshd_config_dump(const struct sshd_config *cfg, const struct sshd_conn *conn, FILE *out);

/*
 * Parse a --match specification "user=alice,addr=192.0.2.7,host=…,
 * laddr=…,lport=22,rdomain=…" (the syntax of sshd -C) into conn; the
 * strings point into spec, which the caller keeps. 0 or -EINVAL with why.
 */
int sshd_conn_parse(char *spec, struct sshd_conn *conn, struct rsc_buf *why);

#endif
