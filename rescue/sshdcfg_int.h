/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sshdcfg_int.h - private to the sshd_config files: the generated keyword
 * and algorithm tables, and the helpers those files share.
 */
#ifndef RSC_SSHDCFG_INT_H
#define RSC_SSHDCFG_INT_H

#include "sshdcfg.h"

/* Value types: sshdcfg_value.c has one check (and printed form) per type. */
enum sshd_type {
	T_FLAG,
	T_ENUM,
	T_INT,
	T_PORT,
	T_TIME,
	T_PATH,
	T_STR,
	T_STRS,
	T_AKF,
	T_USERS,
	T_CIPHERS,
	T_MACS,
	T_KEX,
	T_KEYALGS,
	T_GSSKEX,
	T_LISTEN,
	T_MAXSTARTUPS,
	T_REKEY,
	T_IPQOS,
	T_PERMITOPEN,
	T_SUBSYSTEM,
	T_ENV,
	T_SETENV,
	T_AUTHMETHODS,
	T_OCTAL,
	T_NETBLOCK,
	T_PERSOURCE,
	T_CHANTIMEOUT,
	T_PENALTY,
	T_PENALTYEX,
	T_INCLUDE,
	T_MATCH,
	T_IGNORE,
	T_LOGVERBOSE,
	T_NTYPES
};

/* Scope: S_GLOBAL, S_ALL, or the release from which the keyword is allowed inside Match. */
enum { S_GLOBAL = 0, S_ALL = 1 };
enum sshd_multi { M_FIRST, M_ACCUM, M_SUBSYS, M_LAST };
enum sshd_dumpstyle { D_ONE, D_EACH, D_JOIN, D_NONE };

/* Algorithm categories (sshdcfg_algs.def). */
enum sshd_algcat { A_CIPHER, A_MAC, A_KEX, A_KEY, A_GSSKEX, A_NCATS };
enum sshd_algflag { AF_DSA = 1, AF_SK = 2, AF_VENDOR_GSSKEX = 4 };
/*
 * Default lists sshd -T prints (SSHD_ALGDEF). D_KEYALGS is myproposal.h's
 * KEX_DEFAULT_PK_ALG: HostKeyAlgorithms, PubkeyAcceptedAlgorithms and
 * HostbasedAcceptedAlgorithms all default to it.
 */
enum sshd_algdef { D_CIPHERS, D_MACS, D_KEX, D_KEYALGS, D_CASIGALGS, D_GSSKEX, D_NALGDEFS };

#define SSHD_KW(n, ...) KW_##n,
enum sshd_kwid {
#include "sshdcfg_keywords.def"
	KW_COUNT
};
#undef SSHD_KW

struct sshd_kwrow {
	const char *name;
	int canon;
	enum sshd_type type;
	int scope;
	enum sshd_multi multi;
	int since, deprecated, unsupported, removed;
	unsigned vendor;
	const char *values; /* T_ENUM: "a|b=printed|c@NNN" */
	const char *dflt;   /* what sshd -T of 9.2 prints when unset, NULL if nothing */
	enum sshd_dumpstyle dump;
};

extern const struct sshd_kwrow sshd_kw[KW_COUNT];

/* May kw appear inside a Match block in version? */
bool sshd_kw_in_match(int kw, int version);

/* The status of a row for a version: known, deprecated, unsupported or unknown. */
enum sshd_kwstatus { KWS_OK, KWS_DEPRECATED, KWS_UNSUPPORTED, KWS_UNKNOWN };
enum sshd_kwstatus sshd_kw_status(int kw, int version, unsigned vendors);

/* Whether name is an algorithm of cat known to version (case-sensitive, like sshd). */
bool sshd_alg_known(enum sshd_algcat cat, const char *name, size_t len, int version);
/*
 * The default list of def for version in a build with vendors' patches (a
 * static string), or NULL when the table has none: sshd -T prints no line.
 */
const char *sshd_alg_default(enum sshd_algdef def, int version, unsigned vendors);

/*
 * Value checks (sshdcfg_value.c). Check e->argv for keyword e->kw under
 * version; on success set e->value to the printed form (or leave it NULL
 * for "as the arguments say"). -EINVAL with the reason in why; -ENOMEM.
 */
int sshd_value_check(struct sshd_entry *e, int version, struct rsc_buf *why);
/* The printed default of kw for version and the parsed cfg (NULL: not printed). */
char *sshd_value_default(const struct sshd_config *cfg, const struct sshd_conn *conn, int kw);

/*
 * Match criteria (sshdcfg_eval.c): check the argument of criterion (lower
 * case: "user", "address", …) like sshd does when it reads the file: 0,
 * -EINVAL or -ENOMEM.
 */
int sshd_match_check(const char *criterion, const char *arg);

/* match.c's match_pattern(): s against the first plen bytes of pat ('*', '?'). */
bool sshd_glob_match(const char *s, const char *pat, size_t plen);

/* The i-th algorithm of cat known to version, in the table's order; NULL past the end. */
const char *sshd_alg_at(enum sshd_algcat cat, int version, size_t *i);

/*
 * What sshd checks once the whole file is read (sshdcfg_eval.c): a
 * Subsystem defined twice, "any" in AuthenticationMethods after a method
 * list, AuthorizedKeysCommand without its user. 0 or -ENOMEM.
 */
int sshd_config_postcheck(struct sshd_config *cfg);

/* Record a diagnostic. 0 or -ENOMEM. */
int sshd_diag_add(struct sshd_config *cfg, enum rsc_pid id, const char *file, unsigned line, int kw,
		  const char *fmt, ...) _printf_(6, 7);

#endif
