// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sshdcfg_dump.c - print the effective configuration in the format of
 * `sshd -T`: one "keyword value" line per setting, lowercase keywords,
 * defaults filled in, algorithm lists resolved against the version's
 * defaults (+ appends, - removes, ^ puts first, patterns expanded against
 * every algorithm the version knows), listen addresses computed from Port,
 * ListenAddress and AddressFamily.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sshdcfg_int.h"

#define EFFECTIVE_MAX 4096

/* HostKey when none is set (servconf.c fill_default_server_options, 7.4 and later). */
static const char *const default_hostkeys[] = {
	"/etc/ssh/ssh_host_rsa_key",
	"/etc/ssh/ssh_host_ecdsa_key",
	"/etc/ssh/ssh_host_ed25519_key",
};

struct dumper {
	const struct sshd_config *cfg;
	const struct sshd_conn *conn;
	FILE *out;
	struct rsc_buf esc; /* put()'s, reused: a dump has a line for each of ~100 keywords */
	const struct sshd_entry *ent[EFFECTIVE_MAX]; /* sshd_config_effective() fills [0, n) */
};

/* The keyword's name in lowercase, as sshd -T prints it; the table is made once. */
static const char *lower_name(int kw)
{
	static char names[KW_COUNT][64];
	static bool made;

	if (!made) {
		for (int k = 0; k < KW_COUNT; k++)
			sshd_kw_lower(k, names[k], sizeof(names[k]));
		made = true;
	}
	return kw >= 0 && kw < KW_COUNT ? names[kw] : "?";
}

/* One line; the value is escaped like every victim string (printable ASCII stays as it is). */
static void put(struct dumper *d, int kw, const char *value)
{
	bool ok;

	rsc_buf_reset(&d->esc);
	ok = rsc_buf_add(&d->esc, "", 0) == 0 && rsc_buf_add_escaped(&d->esc, value) == 0;
	fprintf(d->out, "%s %s\n", lower_name(kw), ok ? d->esc.data : "?");
}

static const char *entry_value(const struct sshd_entry *e)
{
	return e->value ? e->value : (e->argc ? e->argv[0] : "");
}

/* match_pattern_list() without negation: does name match one of the patterns of list? */
static bool in_list(const char *list, size_t llen, const char *name)
{
	const char *p = list, *end = list + llen;

	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		size_t n = c ? (size_t)(c - p) : (size_t)(end - p);

		if (sshd_glob_match(name, p, n))
			return true;
		p += n + 1;
	}
	return false;
}

/* Append name to b (a comma list) unless it is there already. */
static int add_unique(struct rsc_buf *b, const char *name, size_t n)
{
	if (b->data) {
		const char *p = b->data, *end = b->data + b->len;

		while (p < end) {
			size_t k = strcspn(p, ",");

			if (k == n && memcmp(p, name, n) == 0)
				return 0;
			p += k + 1;
		}
	}
	if (b->len && rsc_buf_add(b, ",", 1) < 0)
		return -ENOMEM;
	return rsc_buf_add(b, name, n);
}

/* OpenSSH's kex_assemble_names(): the list sshd uses for spec against default def. */
static int resolve_algs(enum sshd_algcat cat, int version, const char *def, const char *spec,
			char **out)
{
	_cleanup_(rsc_buf_free) struct rsc_buf tmp = { 0 }, res = { 0 };
	const char *p;
	int r = 0;

	*out = NULL;
	if (*spec == '-') {
		for (p = def; *p && r == 0;) {
			size_t n = strcspn(p, ",");
			char name[128];

			if (n < sizeof(name)) {
				memcpy(name, p, n);
				name[n] = '\0';
				if (!in_list(spec + 1, strlen(spec + 1), name))
					r = add_unique(&res, p, n);
			}
			p += n + (p[n] == ',');
		}
		if (r == 0 && !res.data)
			r = rsc_buf_adds(&res, "");
		*out = r == 0 ? rsc_buf_steal(&res) : NULL;
		return r;
	}
	if (*spec == '+')
		r = rsc_buf_printf(&tmp, "%s,%s", def, spec + 1);
	else if (*spec == '^')
		r = rsc_buf_printf(&tmp, "%s,%s", spec + 1, def);
	else
		r = rsc_buf_adds(&tmp, spec);
	for (p = tmp.data; r == 0 && p && *p;) {
		size_t n = strcspn(p, ","), i = 0;
		const char *name;

		while (r == 0 && (name = sshd_alg_at(cat, version, &i)))
			if (sshd_glob_match(name, p, n))
				r = add_unique(&res, name, strlen(name));
		p += n + (p[n] == ',');
	}
	if (r == 0 && !res.data)
		r = rsc_buf_adds(&res, "");
	*out = r == 0 ? rsc_buf_steal(&res) : NULL;
	return r;
}

static const struct {
	enum sshd_kwid kw;
	enum sshd_algcat cat;
	enum sshd_algdef def;
} alg_keywords[] = {
	{ KW_Ciphers, A_CIPHER, D_CIPHERS },
	{ KW_MACs, A_MAC, D_MACS },
	{ KW_KexAlgorithms, A_KEX, D_KEX },
	{ KW_HostKeyAlgorithms, A_KEY, D_KEYALGS },
	{ KW_PubkeyAcceptedAlgorithms, A_KEY, D_KEYALGS },
	{ KW_HostbasedAcceptedAlgorithms, A_KEY, D_KEYALGS },
	{ KW_CASignatureAlgorithms, A_KEY, D_CASIGALGS },
	{ KW_GSSAPIKexAlgorithms, A_GSSKEX, D_GSSKEX },
};

/*
 * The line of algorithm keyword kw, printed as name; nothing when the
 * table has no default for the release and build (a list that starts with
 * + - ^ needs it; a full list does not). 1: kw is no algorithm keyword.
 */
static int dump_algs(struct dumper *d, int kw, int name, size_t n)
{
	int version = d->cfg->version;

	for (size_t i = 0; i < ARRAY_SIZE(alg_keywords); i++) {
		_cleanup_free_ char *list = NULL;
		const char *def, *spec;
		int r;

		if ((int)alg_keywords[i].kw != kw)
			continue;
		def = sshd_alg_default(alg_keywords[i].def, version, d->cfg->vendors);
		if (n == 0) {
			if (def)
				put(d, name, def);
			return 0;
		}
		spec = d->ent[0]->argv[0];
		if (!def && strchr("+-^", spec[0]))
			return 0;
		r = resolve_algs(alg_keywords[i].cat, version, def ? def : "", spec, &list);
		if (r < 0)
			return r;
		put(d, name, list);
		return 0;
	}
	return 1; /* not an algorithm keyword */
}

static int effective_port(struct dumper *d, int *ports, size_t max)
{
	size_t n = sshd_config_effective(d->cfg, d->conn, KW_Port, d->ent, EFFECTIVE_MAX), k = 0;

	for (size_t i = 0; i < n && k < max; i++)
		ports[k++] = atoi(entry_value(d->ent[i]));
	if (k == 0)
		ports[k++] = 22;
	return (int)k;
}

/* "listenaddress ADDR:PORT [rdomain R]", numeric addresses in their canonical form. */
static void put_listen(struct dumper *d, const char *addr, int port, const char *rdomain)
{
	unsigned char bin[16];
	char text[INET6_ADDRSTRLEN], value[INET6_ADDRSTRLEN + 300];
	bool v6 = inet_pton(AF_INET6, addr, bin) == 1;

	if ((v6 && inet_ntop(AF_INET6, bin, text, sizeof(text))) ||
	    (inet_pton(AF_INET, addr, bin) == 1 && inet_ntop(AF_INET, bin, text, sizeof(text))))
		addr = text;
	snprintf(value, sizeof(value), "%s%s%s:%d%s%s", v6 ? "[" : "", addr, v6 ? "]" : "", port,
		 rdomain ? " rdomain " : "", rdomain ? rdomain : "");
	put(d, KW_ListenAddress, value);
}

static int dump_listen(struct dumper *d)
{
	const struct sshd_entry *af = NULL;
	int ports[256], np = effective_port(d, ports, ARRAY_SIZE(ports));
	size_t n;

	for (int i = 0; i < np; i++) {
		char v[16];

		snprintf(v, sizeof(v), "%d", ports[i]);
		put(d, KW_Port, v);
	}
	if (sshd_config_effective(d->cfg, d->conn, KW_AddressFamily, &af, 1) == 0)
		af = NULL;
	n = sshd_config_effective(d->cfg, d->conn, KW_ListenAddress, d->ent, EFFECTIVE_MAX);
	if (n == 0) {
		const char *fam = af ? entry_value(af) : "any";

		for (int i = 0; i < np; i++) {
			if (strcmp(fam, "inet") != 0)
				put_listen(d, "::", ports[i], NULL);
			if (strcmp(fam, "inet6") != 0)
				put_listen(d, "0.0.0.0", ports[i], NULL);
		}
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		const struct sshd_entry *e = d->ent[i];
		const char *rdomain = e->argc == 3 ? e->argv[2] : NULL;
		char host[300];
		const char *a = e->argv[0], *colon = strrchr(a, ':');
		int port = 0;

		if (a[0] == '[') {
			const char *close = strchr(a, ']');
			size_t hl = close ? (size_t)(close - a - 1) : 0;

			snprintf(host, sizeof(host), "%.*s", (int)hl, a + 1);
			if (close && close[1] == ':')
				port = atoi(close + 2);
		} else if (colon && colon == strchr(a, ':')) {
			snprintf(host, sizeof(host), "%.*s", (int)(colon - a), a);
			port = atoi(colon + 1);
		} else {
			snprintf(host, sizeof(host), "%s", a);
		}
		if (port > 0)
			put_listen(d, host, port, rdomain);
		else
			for (int k = 0; k < np; k++)
				put_listen(d, host, ports[k], rdomain);
	}
	return 0;
}

/* The lines of setting kw (a canonical row), printed as name; its default when no entry applies. */
static int dump_keyword(struct dumper *d, int kw, int name)
{
	const struct sshd_kwrow *k = &sshd_kw[kw];
	size_t n;
	int r;

	if (kw == KW_Port)
		return dump_listen(d);
	if (kw == KW_ListenAddress)
		return 0; /* with Port */
	n = sshd_config_effective(d->cfg, d->conn, kw, d->ent, EFFECTIVE_MAX);
	r = dump_algs(d, kw, name, n);
	if (r <= 0)
		return r;
	if (n == 0) {
		if (kw == KW_HostKey)
			for (size_t i = 0; i < ARRAY_SIZE(default_hostkeys); i++)
				put(d, name, default_hostkeys[i]);
		else if (k->dflt)
			put(d, name, k->dflt);
		return 0;
	}
	switch (k->dump) {
	case D_EACH:
		for (size_t i = 0; i < n; i++) {
			if (d->ent[i]->value || k->type == T_SUBSYSTEM) {
				put(d, name, entry_value(d->ent[i]));
				continue;
			}
			for (size_t a = 0; a < d->ent[i]->argc; a++)
				put(d, name, d->ent[i]->argv[a]);
		}
		break;
	case D_JOIN: {
		_cleanup_(rsc_buf_free) struct rsc_buf b = { 0 };

		for (size_t i = 0; i < n; i++)
			for (size_t a = 0; a < d->ent[i]->argc; a++)
				if (rsc_buf_printf(&b, "%s%s", b.len ? " " : "",
						   d->ent[i]->argv[a]) < 0)
					return -ENOMEM;
		put(d, name, b.data ? b.data : "");
		break;
	}
	case D_ONE:
		put(d, name, entry_value(d->ent[0]));
		break;
	case D_NONE:
		break;
	}
	return 0;
}

int sshd_config_dump(const struct sshd_config *cfg, const struct sshd_conn *conn, FILE *out)
{
	struct dumper *d = malloc(sizeof(*d)); /* not zeroed: 32 KiB of ent[] a dump */
	int r = 0;

	if (!d)
		return -ENOMEM;
	d->cfg = cfg;
	d->conn = conn;
	d->out = out;
	d->esc = (struct rsc_buf){ 0 };
	dump_keyword(d, KW_Port, KW_Port);
	for (int kw = 0; r == 0 && kw < KW_COUNT; kw++) {
		int setting = sshd_kw[kw].canon;

		if (kw == KW_Port || sshd_kw[setting].dump == D_NONE ||
		    sshd_kw_status(kw, cfg->version, cfg->vendors) != KWS_OK)
			continue;
		/*
		 * An alias is printed only as the old name of a renamed keyword,
		 * in the releases before the new name (pubkeyacceptedkeytypes
		 * before 8.5): dump_config() prints the name of its release.
		 */
		if (setting != kw &&
		    sshd_kw_status(setting, cfg->version, cfg->vendors) != KWS_UNKNOWN)
			continue;
		r = dump_keyword(d, setting, kw);
	}
	rsc_buf_free(&d->esc);
	free(d);
	return r;
}
