// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sshdcfg_eval.c - the effective configuration, as sshd computes it.
 *
 * sshd reads its configuration twice. At start, with no connection: lines
 * outside Match apply, and the lines of a Match All block; a first-value
 * keyword keeps its first value, an accumulating one collects every line.
 * For a connection (or `sshd -T`, with -C or without): only the Match
 * blocks whose criteria match apply, and whatever they set replaces the
 * first result. A Match block in an included file applies only if the
 * block the Include line sat in does.
 *
 * Matching follows OpenSSH's match.c and addrmatch.c: comma-separated
 * patterns with * and ?, a negated pattern that matches vetoes the list,
 * user and group names are case-sensitive, host names are not, addresses
 * are CIDR blocks (with no host bits set) or patterns.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sshdcfg_int.h"

#define DUMP_ENTRIES_MAX 4096

/* match.c match_pattern(): '*' and '?' wildcards, whole string. */
bool sshd_glob_match(const char *s, const char *pat, size_t plen)
{
	size_t si = 0, pi = 0, star_p = SIZE_MAX, star_s = 0, sl = strlen(s);

	while (si < sl) {
		if (pi < plen && (pat[pi] == '?' || pat[pi] == s[si])) {
			si++, pi++;
		} else if (pi < plen && pat[pi] == '*') {
			star_p = pi++;
			star_s = si;
		} else if (star_p != SIZE_MAX) {
			pi = star_p + 1;
			si = ++star_s;
		} else {
			return false;
		}
	}
	while (pi < plen && pat[pi] == '*')
		pi++;
	return pi == plen;
}

int sshd_pattern_list(const char *s, const char *list, bool lower)
{
	char buf[256];
	int got = 0;

	while (*list) {
		size_t n = strcspn(list, ",");
		bool neg = *list == '!';
		const char *p = list + neg;
		size_t plen = n - neg;

		if (plen < sizeof(buf)) {
			for (size_t i = 0; i < plen; i++)
				buf[i] = lower ? (char)tolower((unsigned char)p[i]) : p[i];
			buf[plen] = '\0';
			if (sshd_glob_match(s, buf, plen)) {
				if (neg)
					return -1;
				got = 1;
			}
		}
		list += n;
		if (*list == ',')
			list++;
	}
	return got;
}

struct xaddr {
	int af;
	unsigned char a[16];
};

static int addr_parse(const char *s, struct xaddr *x)
{
	memset(x, 0, sizeof(*x));
	if (inet_pton(AF_INET, s, x->a) == 1)
		return x->af = AF_INET, 0;
	if (inet_pton(AF_INET6, s, x->a) == 1)
		return x->af = AF_INET6, 0;
	return -1;
}

/* addr_pton_cidr(): 0, -1 not an address (a pattern then), -2 invalid. */
static int cidr_parse(const char *p, struct xaddr *x, unsigned *len)
{
	char buf[64], *slash;
	unsigned long ml = 999;
	size_t bits;

	if (strlen(p) >= sizeof(buf))
		return -1;
	memcpy(buf, p, strlen(p) + 1);
	slash = strchr(buf, '/');
	if (slash) {
		char *end = NULL;

		*slash++ = '\0';
		if (*slash < '0' || *slash > '9')
			return -1;
		ml = strtoul(slash, &end, 10);
		if (*end || ml > 128)
			return -1;
	}
	if (addr_parse(buf, x) < 0)
		return -1;
	bits = x->af == AF_INET ? 32 : 128;
	if (!slash)
		ml = bits;
	if (ml > bits)
		return -2;
	for (size_t i = ml; i < bits; i++)
		if (x->a[i / 8] & (0x80 >> (i % 8)))
			return -2;
	*len = (unsigned)ml;
	return 0;
}

static bool in_net(const struct xaddr *a, const struct xaddr *net, unsigned len)
{
	if (a->af != net->af)
		return false;
	for (unsigned i = 0; i < len; i++)
		if ((a->a[i / 8] ^ net->a[i / 8]) & (0x80 >> (i % 8)))
			return false;
	return true;
}

/* addr_match_list(): 1, 0, -1 negated match, -2 invalid list. addr may be NULL (check only). */
static int addr_list(const char *addr, const char *list)
{
	struct xaddr try = { 0 };
	int ret = 0;

	if (addr && addr_parse(addr, &try) < 0)
		return 0;
	for (;;) {
		size_t n = strcspn(list, ",");
		char ent[80];
		bool neg = *list == '!';
		struct xaddr net;
		unsigned len = 0;
		int r;

		if (n - neg == 0 || n - neg >= sizeof(ent))
			return -2;
		memcpy(ent, list + neg, n - neg);
		ent[n - neg] = '\0';
		r = cidr_parse(ent, &net, &len);
		if (r == -2)
			return -2;
		if ((r == 0 && addr && in_net(&try, &net, len)) ||
		    (r != 0 && addr && sshd_glob_match(addr, ent, strlen(ent)))) {
			if (neg)
				return -1;
			ret = 1;
		}
		list += n;
		if (!*list)
			break;
		list++;
	}
	return ret;
}

int sshd_match_check(const char *criterion, const char *arg)
{
	if (strcmp(criterion, "address") == 0 || strcmp(criterion, "localaddress") == 0)
		return addr_list(NULL, arg) == -2 ? -EINVAL : 0;
	if (strcmp(criterion, "localport") == 0) {
		unsigned long v;

		return rsc_parse_ulong(arg, 65535, &v) == 0 && v > 0 ? 0 : -EINVAL;
	}
	return 0;
}

static bool group_match(const struct sshd_conn *c, const char *list)
{
	bool found = false;

	if (!c->groups)
		return false;
	for (size_t i = 0; c->groups[i]; i++) {
		int r = sshd_pattern_list(c->groups[i], list, false);

		if (r < 0)
			return false;
		found |= r == 1;
	}
	return found;
}

static bool criterion_match(const struct sshd_conn *c, const char *crit, const char *arg)
{
	char host[256] = "";

	if (strcmp(crit, "user") == 0)
		return c->user && sshd_pattern_list(c->user, arg, false) == 1;
	if (strcmp(crit, "group") == 0)
		return c->user && group_match(c, arg);
	if (strcmp(crit, "host") == 0) {
		size_t i;

		if (!c->host || strlen(c->host) >= sizeof(host))
			return false;
		for (i = 0; c->host[i]; i++)
			host[i] = (char)tolower((unsigned char)c->host[i]);
		host[i] = '\0';
		return sshd_pattern_list(host, arg, true) == 1;
	}
	if (strcmp(crit, "address") == 0)
		return c->addr && addr_list(c->addr, arg) == 1;
	if (strcmp(crit, "localaddress") == 0)
		return c->laddr && addr_list(c->laddr, arg) == 1;
	if (strcmp(crit, "localport") == 0)
		return c->lport > 0 && atoi(arg) == c->lport;
	if (strcmp(crit, "rdomain") == 0)
		return c->rdomain && sshd_pattern_list(c->rdomain, arg, false) == 1;
	return false;
}

/* Does block m apply to c (NULL: sshd's first pass, where only Match All does)? */
static bool block_applies(const struct sshd_config *cfg, int m, const struct sshd_conn *c,
			  unsigned depth)
{
	const struct sshd_match *b;

	if (m < 0 || (size_t)m >= cfg->nmatches || depth > 64)
		return false;
	b = &cfg->matches[m];
	if (b->bad)
		return false;
	if (b->parent >= 0 && !block_applies(cfg, b->parent, c, depth + 1))
		return false;
	if (b->all)
		return true;
	if (!c)
		return false;
	for (size_t i = 0; i + 1 < b->argc; i += 2)
		if (!criterion_match(c, b->argv[i], b->argv[i + 1]))
			return false;
	return true;
}

static bool entry_in_pass(const struct sshd_config *cfg, const struct sshd_entry *e,
			  const struct sshd_conn *c, bool first_pass)
{
	if (e->bad)
		return false;
	if (first_pass)
		return e->match < 0 || block_applies(cfg, e->match, NULL, 0);
	return e->match >= 0 && block_applies(cfg, e->match, c, 0);
}

static size_t collect(const struct sshd_config *cfg, const struct sshd_conn *c, int kw,
		      bool first_pass, const struct sshd_entry **out, size_t max)
{
	const struct sshd_kwrow *k = &sshd_kw[kw];
	bool akc_seen = false;
	size_t n = 0;

	for (size_t i = 0; i < cfg->nentries && n < max; i++) {
		const struct sshd_entry *e = &cfg->entries[i];

		/*
		 * Before 9.5, servconf.c set AuthorizedPrincipalsCommand only while
		 * AuthorizedKeysCommand was unset (it tested the wrong field).
		 */
		if (kw == KW_AuthorizedPrincipalsCommand && cfg->version < 905 &&
		    e->kw == KW_AuthorizedKeysCommand && entry_in_pass(cfg, e, c, first_pass))
			akc_seen = true;
		if (e->kw != kw || !entry_in_pass(cfg, e, c, first_pass) || akc_seen)
			continue;
		if (k->multi == M_LAST && n == 1) {
			out[0] = e; /* the last line wins */
			continue;
		}
		out[n++] = e;
		if (k->multi == M_FIRST)
			break;
	}
	return n;
}

size_t sshd_config_effective(const struct sshd_config *cfg, const struct sshd_conn *conn, int kw,
			     const struct sshd_entry **out, size_t max)
{
	static const struct sshd_conn empty = { .lport = -1 };
	size_t n = 0;

	if (kw < 0 || kw >= KW_COUNT || max == 0)
		return 0;
	if (sshd_kw_in_match(kw, cfg->version))
		n = collect(cfg, conn ? conn : &empty, kw, false, out, max);
	return n ? n : collect(cfg, NULL, kw, true, out, max);
}

const struct sshd_entry *sshd_config_get(const struct sshd_config *cfg,
					 const struct sshd_conn *conn, const char *name)
{
	const struct sshd_entry *e = NULL;
	int kw = sshd_kw_lookup(name, 9999, ~0u);

	if (kw < 0)
		return NULL;
	kw = sshd_kw[kw].canon;
	return sshd_config_effective(cfg, conn, kw, &e, 1) ? e : NULL;
}

/* The first entry of kw that sshd's first pass applies, NULL if none. */
static const struct sshd_entry *first_pass(const struct sshd_config *cfg, int kw)
{
	const struct sshd_entry *e = NULL;

	return collect(cfg, NULL, kw, true, &e, 1) ? e : NULL;
}

static bool is_none(const struct sshd_entry *e)
{
	return e->value && strcasecmp(e->value, "none") == 0;
}

int sshd_config_postcheck(struct sshd_config *cfg)
{
	static const struct {
		enum sshd_kwid cmd, user;
	} needs_user[] = {
		{ KW_AuthorizedKeysCommand, KW_AuthorizedKeysCommandUser },
		{ KW_AuthorizedPrincipalsCommand, KW_AuthorizedPrincipalsCommandUser },
	};
	const struct sshd_entry *methods = NULL;
	int r = 0;

	for (size_t i = 0; r == 0 && i < cfg->nentries; i++) {
		struct sshd_entry *e = &cfg->entries[i];

		if (e->bad)
			continue;
		/* a second Subsystem of one name: fatal before 9.5, ignored after */
		if (e->kw == KW_Subsystem && entry_in_pass(cfg, e, NULL, true)) {
			for (size_t k = 0; k < i; k++) {
				const struct sshd_entry *o = &cfg->entries[k];

				if (o->kw != KW_Subsystem || o->bad ||
				    !entry_in_pass(cfg, o, NULL, true) ||
				    strcmp(o->argv[0], e->argv[0]) != 0)
					continue;
				if (cfg->version < 905)
					r = sshd_diag_add(cfg, PR_SSHD_CONFIG_VALUE, e->file,
							  e->line, e->name,
							  "Subsystem '%s' already defined",
							  e->argv[0]);
				e->bad = true;
				break;
			}
		}
		/* "any" after a method list sshd has already taken: fatal, even in a Match block */
		if (e->kw == KW_AuthenticationMethods) {
			if (methods && e->argc == 1 && strcmp(e->argv[0], "any") == 0)
				r = sshd_diag_add(
					cfg, PR_SSHD_CONFIG_VALUE, e->file, e->line, e->name,
					"\"any\" must appear alone in AuthenticationMethods "
					"(a method list is already set)");
			else if (!methods && entry_in_pass(cfg, e, NULL, true) &&
				 strcmp(e->argv[0], "any") != 0)
				methods = e;
		}
	}
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(needs_user); i++) {
		const struct sshd_entry *cmd = first_pass(cfg, needs_user[i].cmd);

		if (cmd && !is_none(cmd) && !first_pass(cfg, needs_user[i].user))
			r = sshd_diag_add(cfg, PR_SSHD_CONFIG_VALUE, cmd->file, cmd->line,
					  cmd->name, "%s set without %s",
					  sshd_kw_name(needs_user[i].cmd),
					  sshd_kw_name(needs_user[i].user));
	}
	return r;
}

bool sshd_config_needs_lport(const struct sshd_config *cfg)
{
	for (size_t m = 0; m < cfg->nmatches; m++)
		for (size_t i = 0; !cfg->matches[m].bad && i + 1 < cfg->matches[m].argc; i += 2)
			if (strcmp(cfg->matches[m].argv[i], "localport") == 0)
				return true;
	return false;
}

int sshd_conn_parse(char *spec, struct sshd_conn *conn, struct rsc_buf *why)
{
	char *save = NULL, *tok;

	*conn = (struct sshd_conn){ .lport = -1 };
	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		unsigned long port;

		if (!eq || eq == tok || !eq[1])
			return rsc_buf_printf(why, "\"%s\" is not KEY=VALUE", tok), -EINVAL;
		*eq++ = '\0';
		if (strcmp(tok, "user") == 0)
			conn->user = eq;
		else if (strcmp(tok, "host") == 0)
			conn->host = eq;
		else if (strcmp(tok, "addr") == 0)
			conn->addr = eq;
		else if (strcmp(tok, "laddr") == 0)
			conn->laddr = eq;
		else if (strcmp(tok, "rdomain") == 0)
			conn->rdomain = eq;
		else if (strcmp(tok, "lport") == 0) {
			if (rsc_parse_ulong(eq, 65535, &port) < 0 || port == 0)
				return rsc_buf_printf(why, "invalid lport %s", eq), -EINVAL;
			conn->lport = (int)port;
		} else {
			return rsc_buf_printf(why,
					      "unknown key \"%s\" (user, host, addr, laddr, lport, "
					      "rdomain)",
					      tok),
			       -EINVAL;
		}
	}
	return 0;
}
