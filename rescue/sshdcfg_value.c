// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sshdcfg_value.c - one check per value type of the keyword table, with
 * the rules of OpenSSH's servconf.c (9.2p1 and later): what sshd refuses
 * with a fatal error, and the form `sshd -T` prints for what it accepts.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sshdcfg_int.h"

struct vctx {
	struct sshd_entry *e;
	const struct sshd_kwrow *k;
	int version;
	struct rsc_buf *why;
};

static int bad(struct vctx *c, const char *fmt, ...) _printf_(2, 3);
static int bad(struct vctx *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rsc_buf_vprintf(c->why, fmt, ap);
	va_end(ap);
	return r < 0 ? r : -EINVAL;
}

static int set_value(struct vctx *c, const char *fmt, ...) _printf_(2, 3);
static int set_value(struct vctx *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	free(c->e->value);
	va_start(ap, fmt);
	r = vasprintf(&c->e->value, fmt, ap);
	va_end(ap);
	if (r < 0) {
		c->e->value = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Exactly one non-empty argument (sshd: "missing argument", "extra arguments at end of line"). */
static int one_arg(struct vctx *c, const char **arg)
{
	*arg = ""; /* never NULL, not even after an error */
	if (c->e->argc == 0 || !*c->e->argv[0])
		return bad(c, "missing argument");
	if (c->e->argc > 1)
		return bad(c, "extra arguments at end of line: %s", c->e->argv[1]);
	*arg = c->e->argv[0];
	return 0;
}

static int some_args(struct vctx *c)
{
	if (c->e->argc == 0)
		return bad(c, "missing argument");
	for (size_t i = 0; i < c->e->argc; i++)
		if (!*c->e->argv[i])
			return bad(c, "empty argument");
	return 0;
}

/* strtonum(s, 0, max): decimal digits only, no sign, no blanks. */
static int parse_num(const char *s, long long max, long long *out)
{
	unsigned long v;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	if (rsc_parse_ulong(s, (unsigned long)max, &v) < 0)
		return -ERANGE;
	*out = (long long)v;
	return 0;
}

/* sshd's convtime(): [0-9]+[sSmMhHdDwW]? repeated; -1 on error. */
static long long convtime(const char *s)
{
	long long total = 0;

	if (!*s)
		return -1;
	while (*s) {
		long long v = 0, mult = 1;

		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s)) {
			v = v * 10 + (*s++ - '0');
			if (v > INT_MAX)
				return -1;
		}
		switch (*s) {
		case '\0':
			break;
		case 's':
		case 'S':
			s++;
			break;
		case 'm':
		case 'M':
			mult = 60, s++;
			break;
		case 'h':
		case 'H':
			mult = 3600, s++;
			break;
		case 'd':
		case 'D':
			mult = 86400, s++;
			break;
		case 'w':
		case 'W':
			mult = 604800, s++;
			break;
		default:
			return -1;
		}
		if (v > (INT_MAX - total) / mult)
			return -1;
		total += v * mult;
	}
	return total;
}

static int a2port(const char *s)
{
	long long v;

	if (parse_num(s, 65535, &v) == 0)
		return v > 0 ? (int)v : -1;
	return strcmp(s, "ssh") == 0 ? 22 : -1; /* the one service name worth knowing */
}

static int check_flag(struct vctx *c)
{
	const char *a = NULL;
	int r = one_arg(c, &a);

	if (r < 0)
		return r;
	if (strcasecmp(a, "yes") == 0 || strcasecmp(a, "no") == 0)
		return set_value(c, "%s", strcasecmp(a, "yes") == 0 ? "yes" : "no");
	return bad(c, "unsupported option \"%s\" (yes or no)", a);
}

/*
 * An enum's values: "a|b=printed|c@NNN". Finds arg (case-insensitive)
 * among those known to version; the printed form in *printed (len in *plen).
 */
static bool enum_find(const char *values, const char *arg, int version, const char **printed,
		      size_t *plen)
{
	const char *p = values;

	while (p && *p) {
		size_t n = strcspn(p, "|");
		size_t nlen = strcspn(p, "|=@");
		const char *eq = memchr(p, '=', n), *at = memchr(p, '@', n);
		int since = at ? atoi(at + 1) : 0;

		if (nlen == strlen(arg) && strncasecmp(p, arg, nlen) == 0 && version >= since) {
			if (eq) {
				*printed = eq + 1;
				*plen = strcspn(eq + 1, "|@");
			} else {
				*printed = p;
				*plen = nlen;
			}
			return true;
		}
		p += n;
		if (*p == '|')
			p++;
	}
	return false;
}

static int check_enum(struct vctx *c)
{
	const char *a = NULL, *printed = NULL;
	size_t plen;
	int r = one_arg(c, &a);

	if (r < 0)
		return r;
	if (!c->k->values || !enum_find(c->k->values, a, c->version, &printed, &plen))
		return bad(c, "unsupported option \"%s\"", a);
	return set_value(c, "%.*s", (int)plen, printed);
}

static int check_int(struct vctx *c)
{
	const char *a = NULL;
	long long v;
	int r = one_arg(c, &a);

	if (r < 0)
		return r;
	if (c->k->dflt && strcmp(c->k->dflt, "none") == 0 && strcasecmp(a, "none") == 0)
		return set_value(c, "none");
	r = parse_num(a, INT_MAX, &v);
	if (r < 0)
		return bad(c, "integer value %s: %s", a, r == -ERANGE ? "too large" : "invalid");
	return set_value(c, "%lld", v);
}

static int check_port(struct vctx *c)
{
	const char *a = NULL;
	int r = one_arg(c, &a), port;

	if (r < 0)
		return r;
	port = a2port(a);
	if (port <= 0)
		return bad(c, "bad port number %s", a);
	return set_value(c, "%d", port);
}

static int check_time(struct vctx *c)
{
	const char *a = NULL;
	long long t;
	int r = one_arg(c, &a);

	if (r < 0)
		return r;
	if (c->k->dflt && strcmp(c->k->dflt, "none") == 0 && strcasecmp(a, "none") == 0)
		return set_value(c, "none");
	t = convtime(a);
	if (t < 0)
		return bad(c, "invalid time value %s", a);
	if (t == 0 && c->k->dflt && strcmp(c->k->dflt, "none") == 0)
		return set_value(c, "none");
	return set_value(c, "%lld", t);
}

/* sshd makes a relative path absolute against its working directory, "/" when started. */
static int check_path(struct vctx *c)
{
	const char *a = NULL;
	int r = one_arg(c, &a);

	if (r < 0)
		return r;
	return set_value(c, "%s", a);
}

static int check_str(struct vctx *c)
{
	const char *a = NULL;
	int r = one_arg(c, &a);

	return r < 0 ? r : set_value(c, "%s", a);
}

/* The entry's printed value becomes what b holds (r: how building b went). */
static int take_value(struct vctx *c, struct rsc_buf *b, int r)
{
	if (r < 0) {
		rsc_buf_free(b);
		return r;
	}
	free(c->e->value);
	c->e->value = rsc_buf_steal(b);
	return 0;
}

static int join_args(struct vctx *c)
{
	struct rsc_buf b = { 0 };
	int r = 0;

	for (size_t i = 0; r == 0 && i < c->e->argc; i++)
		r = rsc_buf_printf(&b, "%s%s", i ? " " : "", c->e->argv[i]);
	return take_value(c, &b, r);
}

/*
 * ForceCommand, AuthorizedKeysCommand, AuthorizedPrincipalsCommand and
 * VersionAddendum take the rest of the line as it is (quotes kept); the
 * two commands must be absolute paths or "none".
 */
static int check_rawline(struct vctx *c)
{
	const char *raw = c->e->raw ? c->e->raw + strspn(c->e->raw, " \t") : "";
	bool command = strstr(c->k->name, "Command") && strcmp(c->k->name, "ForceCommand") != 0;
	size_t n = strlen(raw);

	if (!*raw)
		return bad(c, "missing argument");
	if (command && raw[0] != '/' && strcasecmp(raw, "none") != 0)
		return bad(c, "%s must be an absolute path", c->k->name);
	if (strcmp(c->k->name, "VersionAddendum") == 0) {
		if (strchr(raw, '\r'))
			return bad(c, "invalid character in VersionAddendum");
		n = strcspn(raw, "#");
		while (n > 0 && strchr(" \t", raw[n - 1]))
			n--;
	}
	return set_value(c, "%.*s", (int)n, raw);
}

static int check_strs(struct vctx *c)
{
	static const char *const rawline[] = { "ForceCommand", "AuthorizedKeysCommand",
					       "AuthorizedPrincipalsCommand", "VersionAddendum" };
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(rawline); i++)
		if (strcmp(c->k->name, rawline[i]) == 0)
			return check_rawline(c);
	r = some_args(c);
	return r < 0 ? r : join_args(c);
}

static int check_ignore(struct vctx *c)
{
	(void)c;
	return 0;
}

static int check_users(struct vctx *c)
{
	int r = some_args(c);

	for (size_t i = 0; r == 0 && i < c->e->argc; i++) {
		const char *at = strchr(c->e->argv[i], '@');

		if (at && (!at[1] || strchr(at + 1, '@')))
			r = bad(c, "invalid pattern \"%s\"", c->e->argv[i]);
	}
	return r;
}

static int check_env(struct vctx *c)
{
	int r = some_args(c);

	for (size_t i = 0; r == 0 && i < c->e->argc; i++)
		if (strchr(c->e->argv[i], '='))
			r = bad(c, "invalid environment name \"%s\"", c->e->argv[i]);
	return r;
}

static int check_setenv(struct vctx *c)
{
	int r = some_args(c);

	for (size_t i = 0; r == 0 && i < c->e->argc; i++)
		if (!strchr(c->e->argv[i], '='))
			r = bad(c, "invalid environment \"%s\" (NAME=VALUE)", c->e->argv[i]);
	return r;
}

static int check_akf(struct vctx *c)
{
	int r = some_args(c);

	return r < 0 ? r : join_args(c);
}

static const enum sshd_algcat alg_cat[T_NTYPES] = {
	[T_CIPHERS] = A_CIPHER, [T_MACS] = A_MAC,      [T_KEX] = A_KEX,
	[T_KEYALGS] = A_KEY,	[T_GSSKEX] = A_GSSKEX,
};

static bool has_wildcard(const char *s, size_t n)
{
	return memchr(s, '*', n) || memchr(s, '?', n);
}

/*
 * An algorithm list: [+-^]name,name,… Every name must be one the version
 * knows (key algorithms may be patterns); a "-" list is not checked, as in
 * sshd. The printed form is computed in sshdcfg_eval.c against the default.
 */
static int check_algs(struct vctx *c)
{
	enum sshd_algcat cat = alg_cat[c->k->type];
	const char *a = NULL, *p;
	int r = one_arg(c, &a);

	if (r < 0)
		return r;
	if (*a == '-')
		return 0;
	p = (*a == '+' || *a == '^') ? a + 1 : a;
	for (;;) {
		size_t n = strcspn(p, ",");

		if (n == 0)
			return bad(c, "empty name in the list \"%s\"", a);
		if (!(cat == A_KEY && has_wildcard(p, n)) && !sshd_alg_known(cat, p, n, c->version))
			return bad(c, "unknown algorithm \"%.*s\" for OpenSSH %d.%d", (int)n, p,
				   c->version / 100, c->version % 100);
		if (!p[n])
			break;
		p += n + 1;
	}
	return 0;
}

/* "addr", "addr:port", "[addr]:port", a bare IPv6 address; optionally "rdomain NAME". */
static int check_listen(struct vctx *c)
{
	const char *a = c->e->argc ? c->e->argv[0] : NULL;
	const char *colon;

	if (!a || !*a)
		return bad(c, "missing address");
	if (c->e->argc == 2 || (c->e->argc == 3 && strcmp(c->e->argv[1], "rdomain") != 0) ||
	    c->e->argc > 3)
		return bad(c, "bad ListenAddress syntax");
	colon = strchr(a, ':');
	if (!colon && strspn(a, "0123456789.") == strlen(a)) {
		unsigned char bin[4];

		if (inet_pton(AF_INET, a, bin) != 1)
			return bad(c, "bad addr or host: %s", a);
	}
	if (a[0] == '[') {
		const char *close = strchr(a, ']');

		if (!close || (close[1] && close[1] != ':'))
			return bad(c, "bad address:port usage \"%s\"", a);
		if (close[1] == ':' && a2port(close + 2) <= 0)
			return bad(c, "bad port number in \"%s\"", a);
	} else if (colon && !strchr(colon + 1, ':')) {
		if (a2port(colon + 1) <= 0)
			return bad(c, "bad port number in \"%s\"", a);
	}
	return 0;
}

static int check_maxstartups(struct vctx *c)
{
	const char *a = NULL;
	int r = one_arg(c, &a), begin = 0, rate = 30, full = 0, n;
	char tail;

	if (r < 0)
		return r;
	n = sscanf(a, "%d:%d:%d%c", &begin, &rate, &full, &tail);
	if (n == 3) {
		if (begin > full || rate > 100 || rate < 1)
			return bad(c, "invalid spec %s", a);
	} else if (n != 1) {
		return bad(c, "invalid spec %s", a);
	} else {
		full = begin;
	}
	if (begin <= 0 || full <= 0)
		return bad(c, "invalid spec %s", a);
	return set_value(c, "%d:%d:%d", begin, rate, full);
}

/* scan_scaled(): a number with an optional K/M/G/T suffix (powers of 1024). */
static int scan_scaled(const char *s, unsigned long long *out)
{
	static const char units[] = "BKMGTPE";
	char *end = NULL;
	unsigned long long v;
	const char *u;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u || end[1])
			return -EINVAL;
		for (long i = 0; i < u - units; i++) {
			if (v > ULLONG_MAX / 1024)
				return -EINVAL;
			v *= 1024;
		}
	}
	*out = v;
	return 0;
}

static int check_rekey(struct vctx *c)
{
	unsigned long long bytes = 0;
	long long secs = 0;
	const char *a = NULL;

	if (c->e->argc == 0 || !*(a = c->e->argv[0]))
		return bad(c, "missing argument");
	if (c->e->argc > 2)
		return bad(c, "extra arguments at end of line");
	if (strcmp(a, "default") != 0) {
		if (scan_scaled(a, &bytes) < 0)
			return bad(c, "bad number %s", a);
		if (bytes != 0 && bytes < 16)
			return bad(c, "RekeyLimit too small");
	}
	if (c->e->argc == 2) {
		a = c->e->argv[1];
		if (strcmp(a, "default") != 0 && strcmp(a, "none") != 0) {
			secs = convtime(a);
			if (secs < 0)
				return bad(c, "invalid rekey interval %s", a);
		}
	}
	return set_value(c, "%llu %lld", bytes, secs);
}

static const struct {
	const char *name;
	int val;
} ipqos[] = {
	{ "none", INT_MAX },	{ "af11", 0x28 },	 { "af12", 0x30 }, { "af13", 0x38 },
	{ "af21", 0x48 },	{ "af22", 0x50 },	 { "af23", 0x58 }, { "af31", 0x68 },
	{ "af32", 0x70 },	{ "af33", 0x78 },	 { "af41", 0x88 }, { "af42", 0x90 },
	{ "af43", 0x98 },	{ "cs0", 0x00 },	 { "cs1", 0x20 },  { "cs2", 0x40 },
	{ "cs3", 0x60 },	{ "cs4", 0x80 },	 { "cs5", 0xa0 },  { "cs6", 0xc0 },
	{ "cs7", 0xe0 },	{ "ef", 0xb8 },		 { "le", 0x04 },   { "lowdelay", 0x10 },
	{ "throughput", 0x08 }, { "reliability", 0x04 },
};

static int ipqos_parse(const char *s)
{
	char *end = NULL;
	long v;

	for (size_t i = 0; i < ARRAY_SIZE(ipqos); i++)
		if (strcasecmp(s, ipqos[i].name) == 0)
			return ipqos[i].val;
	if (!*s)
		return -1;
	v = strtol(s, &end, 0);
	return *end || v < 0 || v > 255 ? -1 : (int)v;
}

static int ipqos_print(struct rsc_buf *b, int val)
{
	for (size_t i = 0; i < ARRAY_SIZE(ipqos); i++)
		if (ipqos[i].val == val)
			return rsc_buf_adds(b, ipqos[i].name);
	return rsc_buf_printf(b, "0x%02x", (unsigned)val);
}

static int check_ipqos(struct vctx *c)
{
	struct rsc_buf b = { 0 };
	int v1, v2, r;

	if (c->e->argc == 0 || !*c->e->argv[0])
		return bad(c, "missing argument");
	if (c->e->argc > 2)
		return bad(c, "extra arguments at end of line");
	v1 = ipqos_parse(c->e->argv[0]);
	if (v1 < 0)
		return bad(c, "bad IPQoS value: %s", c->e->argv[0]);
	v2 = v1;
	if (c->e->argc == 2) {
		v2 = ipqos_parse(c->e->argv[1]);
		if (v2 < 0)
			return bad(c, "bad IPQoS value: %s", c->e->argv[1]);
	}
	r = ipqos_print(&b, v1);
	if (r == 0)
		r = rsc_buf_adds(&b, " ");
	if (r == 0)
		r = ipqos_print(&b, v2);
	return take_value(c, &b, r);
}

/* PermitOpen host:port|any|none …; PermitListen [host:]port …; '*' is any port. */
static int check_permitopen(struct vctx *c)
{
	bool listen = strcasecmp(c->k->name, "PermitListen") == 0;
	int r = some_args(c);

	for (size_t i = 0; r == 0 && i < c->e->argc; i++) {
		const char *a = c->e->argv[i], *port;

		if (listen && !strchr(a, ':') && strcmp(a, "any") != 0 && strcmp(a, "none") != 0) {
			char *star = NULL;

			if (strcmp(a, "*") != 0 && a2port(a) <= 0)
				return bad(c, "bad port number in %s", a);
			if (asprintf(&star, "*:%s", a) < 0)
				return -ENOMEM;
			free(c->e->argv[i]); /* sshd keeps a bare port as "*:PORT" */
			c->e->argv[i] = star;
			continue;
		}
		if (strcmp(a, "any") == 0 || strcmp(a, "none") == 0) {
			if (c->e->argc > 1)
				return bad(c, "\"%s\" must appear alone", a);
			continue;
		}
		port = strrchr(a, ':');
		if (!port && listen)
			port = a - 1; /* a bare port */
		if (!port || (port != a - 1 && port == a))
			return bad(c, "missing host in %s", a);
		if (strcmp(port + 1, "*") != 0 && a2port(port + 1) <= 0)
			return bad(c, "bad port number in %s", a);
	}
	return r < 0 ? r : join_args(c);
}

static int check_subsystem(struct vctx *c)
{
	if (c->e->argc == 0 || !*c->e->argv[0])
		return bad(c, "missing argument");
	if (c->e->argc < 2 || !*c->e->argv[1])
		return bad(c, "missing subsystem command");
	return join_args(c);
}

static int check_authmethods(struct vctx *c)
{
	static const char *const methods[] = { "publickey", "password", "keyboard-interactive",
					       "hostbased", "gssapi-with-mic" };
	int r = some_args(c);

	for (size_t i = 0; r == 0 && i < c->e->argc; i++) {
		const char *p = c->e->argv[i];

		if (strcmp(p, "any") == 0) {
			if (c->e->argc > 1)
				return bad(c, "\"any\" must appear alone");
			continue;
		}
		for (;;) {
			size_t n = strcspn(p, ",:"), k;

			for (k = 0; k < ARRAY_SIZE(methods); k++)
				if (strlen(methods[k]) == n && strncmp(p, methods[k], n) == 0)
					break;
			if (k == ARRAY_SIZE(methods))
				return bad(c, "invalid authentication method list \"%s\"",
					   c->e->argv[i]);
			p += n;
			if (*p == ':')
				p += strcspn(p, ",");
			if (!*p)
				break;
			p++;
		}
	}
	return r < 0 ? r : join_args(c);
}

static int check_octal(struct vctx *c)
{
	const char *a = NULL;
	char *end = NULL;
	long v;
	int r = one_arg(c, &a);

	if (r < 0)
		return r;
	v = strtol(a, &end, 8); /* sshd stops at the first non-octal digit */
	if (end == a || v < 0 || v > 0777)
		return bad(c, "bad mask %s", a);
	return set_value(c, "0%lo", v);
}

static int check_netblock(struct vctx *c)
{
	const char *a = NULL;
	int r = one_arg(c, &a), v4 = 0, v6 = 128, n;
	char tail;

	if (r < 0)
		return r;
	n = sscanf(a, "%d:%d%c", &v4, &v6, &tail);
	if ((n != 1 && n != 2) || v4 < 1 || v4 > 32 || v6 < 1 || v6 > 128)
		return bad(c, "invalid value %s", a);
	return set_value(c, "%d:%d", v4, v6);
}

static int check_persource(struct vctx *c)
{
	const char *a = NULL;
	long long v;
	int r = one_arg(c, &a);

	if (r < 0)
		return r;
	if (strcmp(a, "none") == 0)
		return set_value(c, "none");
	if (parse_num(a, INT_MAX, &v) < 0 || v <= 0)
		return bad(c, "invalid value %s", a);
	return set_value(c, "%lld", v);
}

/* ChannelTimeout type=interval …, or "none". */
static int check_chantimeout(struct vctx *c)
{
	int r = some_args(c);

	for (size_t i = 0; r == 0 && i < c->e->argc; i++) {
		const char *a = c->e->argv[i], *eq = strchr(a, '=');

		if (strcmp(a, "none") == 0 && c->e->argc == 1)
			break;
		if (!eq || eq == a || convtime(eq + 1) < 0)
			return bad(c, "invalid channel timeout %s", a);
	}
	return r < 0 ? r : join_args(c);
}

static int (*const checkers[T_NTYPES])(struct vctx *c) = {
	[T_FLAG] = check_flag,
	[T_ENUM] = check_enum,
	[T_INT] = check_int,
	[T_PORT] = check_port,
	[T_TIME] = check_time,
	[T_PATH] = check_path,
	[T_STR] = check_str,
	[T_STRS] = check_strs,
	[T_AKF] = check_akf,
	[T_USERS] = check_users,
	[T_CIPHERS] = check_algs,
	[T_MACS] = check_algs,
	[T_KEX] = check_algs,
	[T_KEYALGS] = check_algs,
	[T_GSSKEX] = check_algs,
	[T_LISTEN] = check_listen,
	[T_MAXSTARTUPS] = check_maxstartups,
	[T_REKEY] = check_rekey,
	[T_IPQOS] = check_ipqos,
	[T_PERMITOPEN] = check_permitopen,
	[T_SUBSYSTEM] = check_subsystem,
	[T_ENV] = check_env,
	[T_SETENV] = check_setenv,
	[T_AUTHMETHODS] = check_authmethods,
	[T_OCTAL] = check_octal,
	[T_NETBLOCK] = check_netblock,
	[T_PERSOURCE] = check_persource,
	[T_CHANTIMEOUT] = check_chantimeout,
	[T_PENALTY] = check_strs,
	[T_PENALTYEX] = check_strs,
	[T_LOGVERBOSE] = check_strs,
	[T_IGNORE] = check_ignore,
};

int sshd_value_check(struct sshd_entry *e, int version, struct rsc_buf *why)
{
	struct vctx c = { .e = e, .k = &sshd_kw[e->name], .version = version, .why = why };

	if ((unsigned)c.k->type >= T_NTYPES || !checkers[c.k->type])
		return 0;
	return checkers[c.k->type](&c);
}
