// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * authkeys.c - authorized_keys read the way OpenSSH 9.2's sshd reads it
 * (auth2-pubkeyfile.c, sshkey.c sshkey_read(), authfile.c
 * sshkey_advance_past_options(), auth-options.c sshauthopt_parse()), with no
 * crypto library: key blobs are checked for structure, not for maths.
 *
 * What sshd does with a line, and what this file mirrors:
 *  - it reads lines with getline(): the "\n" (and a "\r" before it) stay in
 *    the string it parses; skip_space() skips only ' ' and '\t', and a line
 *    is skipped when it is then empty, "\n" or starts with '#';
 *  - sshkey_read(): the key type runs to the first ' ' or '\t' and must name
 *    a type sshd knows; the base64 runs to the next ' ' or '\t' and is
 *    decoded by b64_pton(), which skips isspace() characters anywhere and
 *    insists on correct padding and zero pad bits; the decoded blob must
 *    parse completely (sshkey_fromb) and be of the same key type as the
 *    label (for ECDSA: the same curve);
 *  - when that fails, an options field (quotes protect blanks, \" inside
 *    quotes) is skipped and the key is tried again; the options are then
 *    parsed by sshauthopt_parse(), which refuses unknown options.
 *
 * CR LF: because the base64 token ends only at ' ' or '\t', a "\r" right
 * after the base64 is part of the token and b64_pton() skips it; after a
 * comment it is part of the comment. So sshd 9.2 accepts keys in a CRLF
 * file (measured: docs/sshd-behaviour.md rows 2-3); other tools that read
 * the file may not, which is why it is reported and normalised. Here the CRs
 * before a line end are not part of the line (rsc_akline.len excludes them).
 *
 * A NUL byte ends the C string sshd works on: the rest of the line is
 * invisible to it, and this parser looks only at the bytes before the NUL.
 *
 * A UTF-8 BOM is part of the first line for sshd: "\xef\xbb\xbfssh-ed25519"
 * is no key type, so a key on line 1 is never used (measured, row 4). Line 1
 * is classified as if the BOM were gone, so that its type and bits are
 * known, but a key there gets RSC_AK_UNKNOWN_TYPE, what sshd makes of it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authkeys.h"
#include "util.h"

#define AK_MAX_LINES	    (1u << 18)	/* far beyond any real file; bounds the line table */
#define SPLIT_MAX_TAILS	    256		/* continuation lines looked at after a cut key */
#define MAX_BIGNUM_BYTES    (16384 / 8) /* SSHBUF_MAX_BIGNUM */
#define CERT_MAX_PRINCIPALS 256		/* SSHKEY_CERT_MAX_PRINCIPALS */
#define ED25519_PK_LEN	    32

static const char bom[3] = { '\xef', '\xbb', '\xbf' };

struct ktype {
	const char *name;
	enum rsc_key_kind kind;
	bool cert;
	unsigned curve; /* ECDSA: curve bits; 0 for the others */
	bool supported; /* XMSS exists only with WITH_XMSS, which no distribution sets */
};

/* sshkey.c keyimpls[], names only; the rsa-sha2-* and webauthn names are labels sshd accepts. */
static const struct ktype ktypes[] = {
	{ "ssh-ed25519", RSC_KEY_ED25519, false, 0, true },
	{ "ssh-ed25519-cert-v01@openssh.com", RSC_KEY_ED25519, true, 0, true },
	{ "sk-ssh-ed25519@openssh.com", RSC_KEY_SK_ED25519, false, 0, true },
	{ "sk-ssh-ed25519-cert-v01@openssh.com", RSC_KEY_SK_ED25519, true, 0, true },
	{ "ecdsa-sha2-nistp256", RSC_KEY_ECDSA, false, 256, true },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", RSC_KEY_ECDSA, true, 256, true },
	{ "ecdsa-sha2-nistp384", RSC_KEY_ECDSA, false, 384, true },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", RSC_KEY_ECDSA, true, 384, true },
	{ "ecdsa-sha2-nistp521", RSC_KEY_ECDSA, false, 521, true },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", RSC_KEY_ECDSA, true, 521, true },
	{ "sk-ecdsa-sha2-nistp256@openssh.com", RSC_KEY_SK_ECDSA, false, 256, true },
	{ "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", RSC_KEY_SK_ECDSA, true, 256, true },
	{ "webauthn-sk-ecdsa-sha2-nistp256@openssh.com", RSC_KEY_SK_ECDSA, false, 256, true },
	{ "ssh-dss", RSC_KEY_DSA, false, 0, true },
	{ "ssh-dss-cert-v01@openssh.com", RSC_KEY_DSA, true, 0, true },
	{ "ssh-rsa", RSC_KEY_RSA, false, 0, true },
	{ "ssh-rsa-cert-v01@openssh.com", RSC_KEY_RSA, true, 0, true },
	{ "rsa-sha2-256", RSC_KEY_RSA, false, 0, true },
	{ "rsa-sha2-256-cert-v01@openssh.com", RSC_KEY_RSA, true, 0, true },
	{ "rsa-sha2-512", RSC_KEY_RSA, false, 0, true },
	{ "rsa-sha2-512-cert-v01@openssh.com", RSC_KEY_RSA, true, 0, true },
	{ "ssh-xmss@openssh.com", RSC_KEY_XMSS, false, 0, false },
	{ "ssh-xmss-cert-v01@openssh.com", RSC_KEY_XMSS, true, 0, false },
};

static const struct ktype *find_type(const char *s, size_t n)
{
	if (n == 0)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(ktypes); i++)
		if (ktypes[i].name[0] == s[0] && strlen(ktypes[i].name) == n &&
		    memcmp(ktypes[i].name, s, n) == 0)
			return &ktypes[i];
	return NULL;
}

/*
 * The type name inside a blob: sshkey_type_from_name() also takes the short
 * names of plain types, case-insensitively. ECDSA short names then fail in
 * sshd (no curve can be derived from them), so they are not listed.
 */
static const struct ktype *blob_type(const uint8_t *s, size_t n)
{
	static const struct {
		const char *shortname, *name;
	} shorts[] = {
		{ "RSA", "ssh-rsa" },
		{ "DSA", "ssh-dss" },
		{ "ED25519", "ssh-ed25519" },
		{ "ED25519-SK", "sk-ssh-ed25519@openssh.com" },
	};
	const struct ktype *t = find_type((const char *)s, n);

	if (t)
		return t;
	for (size_t i = 0; i < ARRAY_SIZE(shorts); i++)
		if (strlen(shorts[i].shortname) == n &&
		    strncasecmp(shorts[i].shortname, (const char *)s, n) == 0)
			return find_type(shorts[i].name, strlen(shorts[i].name));
	return NULL;
}

/* ---- the SSH wire format of a key blob ---- */

struct rd {
	const uint8_t *p;
	size_t n;
};

static int rd_skip(struct rd *r, size_t k, const uint8_t **out)
{
	if (r->n < k)
		return -1;
	if (out)
		*out = r->p;
	r->p += k;
	r->n -= k;
	return 0;
}

static int rd_u32(struct rd *r, uint32_t *v)
{
	const uint8_t *p;

	if (rd_skip(r, 4, &p) < 0)
		return -1;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return 0;
}

static int rd_string(struct rd *r, const uint8_t **s, size_t *len)
{
	uint32_t l;

	if (rd_u32(r, &l) < 0 || rd_skip(r, l, s) < 0)
		return -1;
	if (len)
		*len = l;
	return 0;
}

/* sshbuf_get_cstring(): a NUL is allowed only as the last byte; it is dropped here. */
static int rd_cstring(struct rd *r, const uint8_t **s, size_t *len)
{
	if (rd_string(r, s, len) < 0)
		return -1;
	if (*len > 0 && memchr(*s, 0, *len - 1))
		return -1;
	if (*len > 0 && (*s)[*len - 1] == 0)
		(*len)--;
	return 0;
}

static bool cstring_is(const uint8_t *s, size_t n, const char *want)
{
	return strlen(want) == n && memcmp(s, want, n) == 0;
}

/* sshbuf_get_bignum2_bytes_direct(): positive, at most 16384 bits. Gives the bit count. */
static int rd_mpint(struct rd *r, unsigned *bits)
{
	const uint8_t *d;
	size_t len;
	unsigned top = 0;

	if (rd_string(r, &d, &len) < 0)
		return -1;
	if (len > 0 && (d[0] & 0x80))
		return -1;
	if (len > MAX_BIGNUM_BYTES + 1 || (len == MAX_BIGNUM_BYTES + 1 && d[0] != 0))
		return -1;
	while (len > 0 && d[0] == 0) {
		d++;
		len--;
	}
	if (len == 0) {
		*bits = 0;
		return 0;
	}
	for (unsigned v = d[0]; v; v >>= 1)
		top++;
	*bits = (unsigned)(len - 1) * 8 + top;
	return 0;
}

/* The public part of a key of type t (after the type name and, for a certificate, the nonce). */
static int rd_public(struct rd *r, const struct ktype *t, unsigned *bits)
{
	const uint8_t *s;
	size_t n;
	unsigned e, x;
	char curve[16];

	switch (t->kind) {
	case RSC_KEY_RSA:
		if (rd_mpint(r, &e) < 0 || rd_mpint(r, bits) < 0 || e == 0 || *bits == 0)
			return -1;
		return 0;
	case RSC_KEY_DSA:
		if (rd_mpint(r, bits) < 0 || *bits == 0)
			return -1;
		for (int i = 0; i < 3; i++)
			if (rd_mpint(r, &x) < 0)
				return -1;
		return 0;
	case RSC_KEY_ECDSA:
	case RSC_KEY_SK_ECDSA:
		snprintf(curve, sizeof(curve), "nistp%u", t->curve);
		if (rd_cstring(r, &s, &n) < 0 || !cstring_is(s, n, curve))
			return -1;
		/* sshbuf_get_eckey(): uncompressed points only, exactly one point long */
		if (rd_string(r, &s, &n) < 0 || n != 1 + 2 * (((size_t)t->curve + 7) / 8) ||
		    s[0] != 0x04)
			return -1;
		*bits = t->curve;
		break;
	case RSC_KEY_ED25519:
	case RSC_KEY_SK_ED25519:
		if (rd_string(r, &s, &n) < 0 || n != ED25519_PK_LEN)
			return -1;
		*bits = 256;
		break;
	default:
		return -1;
	}
	if (t->kind == RSC_KEY_SK_ECDSA || t->kind == RSC_KEY_SK_ED25519)
		return rd_cstring(r, &s, &n); /* the security key's application */
	return 0;
}

/* A sequence of string pairs: certificate critical options and extensions. */
static int check_pairs(const uint8_t *p, size_t n)
{
	struct rd r = { p, n };

	while (r.n > 0)
		if (rd_string(&r, NULL, NULL) < 0 || rd_string(&r, NULL, NULL) < 0)
			return -1;
	return 0;
}

static int parse_blob(const uint8_t *b, size_t n, bool allow_cert, const struct ktype **type,
		      unsigned *bits);

/* sshkey.c cert_parse(), without the signature check (that needs the CA's maths). */
static int rd_cert(struct rd *r)
{
	const uint8_t *s, *princ, *ca;
	size_t n, nprinc, nca;
	uint32_t type;
	const struct ktype *cat;
	unsigned cabits, count = 0;

	if (rd_skip(r, 8, NULL) < 0 || rd_u32(r, &type) < 0 || rd_cstring(r, &s, &n) < 0 ||
	    rd_string(r, &princ, &nprinc) < 0 || rd_skip(r, 16, NULL) < 0 ||
	    rd_string(r, &s, &n) < 0 || check_pairs(s, n) < 0 || rd_string(r, &s, &n) < 0 ||
	    check_pairs(s, n) < 0 || rd_string(r, NULL, NULL) < 0 || rd_string(r, &ca, &nca) < 0 ||
	    rd_string(r, NULL, NULL) < 0)
		return -1;
	if (type != 1 && type != 2) /* SSH2_CERT_TYPE_USER, SSH2_CERT_TYPE_HOST */
		return -1;
	for (struct rd pr = { princ, nprinc }; pr.n > 0; count++)
		if (count >= CERT_MAX_PRINCIPALS || rd_cstring(&pr, &s, &n) < 0)
			return -1;
	return parse_blob(ca, nca, false, &cat, &cabits);
}

/* sshkey_from_blob_internal(): the whole blob must be one key and nothing more. */
static int parse_blob(const uint8_t *b, size_t n, bool allow_cert, const struct ktype **type,
		      unsigned *bits)
{
	struct rd r = { b, n };
	const struct ktype *t;
	const uint8_t *s;
	size_t len;

	if (rd_cstring(&r, &s, &len) < 0)
		return -1;
	t = blob_type(s, len);
	if (!t || !t->supported || (t->cert && !allow_cert))
		return -1;
	if (t->cert && rd_string(&r, NULL, NULL) < 0) /* nonce */
		return -1;
	if (rd_public(&r, t, bits) < 0)
		return -1;
	if (t->cert && rd_cert(&r) < 0)
		return -1;
	if (r.n != 0)
		return -1;
	*type = t;
	return 0;
}

/* ---- base64 as b64_pton() decodes it, fed in pieces (a split key comes in several) ---- */

struct b64 {
	uint8_t *buf;
	size_t len, cap;
	unsigned state; /* characters of the current quantum seen, 0-3 */
	unsigned pad;	/* 0: no '=' yet; 1: one '=' seen, one more needed; 2: padding complete */
	unsigned acc;	/* bits of the byte being assembled */
	bool bad;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static void b64_reset(struct b64 *d)
{
	d->len = 0;
	d->state = d->pad = d->acc = 0;
	d->bad = false;
}

static void b64_free(struct b64 *d)
{
	free(d->buf);
	d->buf = NULL;
	d->len = d->cap = 0;
}

static int b64_feed(struct b64 *d, const char *s, size_t n)
{
	size_t need;

	if (n / 4 > (SIZE_MAX - d->len - 3) / 3)
		return -ENOMEM;
	need = d->len + n / 4 * 3 + 3;
	if (need > d->cap) {
		size_t cap = d->cap > need / 2 ? d->cap * 2 : need;
		uint8_t *p = realloc(d->buf, cap < need ? need : cap);

		if (!p)
			return -ENOMEM;
		d->buf = p;
		d->cap = cap < need ? need : cap;
	}
	for (size_t i = 0; i < n && !d->bad; i++) {
		char c = s[i];
		int v;

		if (is_space(c))
			continue;
		if (d->pad == 1) {
			if (c == '=')
				d->pad = 2;
			else
				d->bad = true;
			continue;
		}
		if (d->pad == 2) {
			d->bad = true;
			continue;
		}
		if (c == '=') {
			/* '=' only after 2 or 3 characters, and the unused bits must be zero */
			if (d->state < 2 || d->acc != 0)
				d->bad = true;
			else
				d->pad = d->state == 2 ? 1 : 2;
			continue;
		}
		v = b64_value(c);
		if (v < 0) {
			d->bad = true;
			continue;
		}
		switch (d->state) {
		case 0:
			d->acc = (unsigned)v << 2;
			break;
		case 1:
			d->buf[d->len++] = (uint8_t)(d->acc | (unsigned)v >> 4);
			d->acc = ((unsigned)v & 0x0f) << 4;
			break;
		case 2:
			d->buf[d->len++] = (uint8_t)(d->acc | (unsigned)v >> 2);
			d->acc = ((unsigned)v & 0x03) << 6;
			break;
		default:
			d->buf[d->len++] = (uint8_t)(d->acc | (unsigned)v);
			d->acc = 0;
			break;
		}
		d->state = (d->state + 1) & 3;
	}
	return 0;
}

/* Does what was fed so far form a complete base64 text? */
static bool b64_complete(const struct b64 *d)
{
	return !d->bad && (d->pad == 2 || (d->pad == 0 && d->state == 0));
}

/* ---- one line ---- */

struct ctx {
	const char *d;
	struct b64 dec;
};

/* What a line is, before the file-level passes (private key blocks, split keys, BOM). */
struct linfo {
	enum rsc_ak_status st;
	const struct ktype *t; /* the label, when one was recognised */
	size_t type_s, type_e; /* the label */
	size_t tok_s, tok_e;   /* the base64 token */
	bool tok_last;	       /* nothing but blanks after the base64 */
	bool has_options;
	unsigned bits;
};

static size_t skip_blanks(const char *d, size_t i, size_t e)
{
	while (i < e && is_blank(d[i]))
		i++;
	return i;
}

static size_t token_end(const char *d, size_t i, size_t e)
{
	while (i < e && !is_blank(d[i]))
		i++;
	return i;
}

/* Is the decoded blob a key of the label's type? Sets bits. */
static bool blob_fits(const struct b64 *dec, const struct ktype *label, unsigned *bits)
{
	const struct ktype *t;

	if (parse_blob(dec->buf, dec->len, true, &t, bits) < 0)
		return false;
	return t->kind == label->kind && t->cert == label->cert && t->curve == label->curve;
}

/* sshkey_read() at cp. */
static int try_key(struct ctx *c, size_t cp, size_t e, struct linfo *li)
{
	const char *d = c->d;
	int r;

	memset(li, 0, sizeof(*li));
	li->type_s = cp;
	li->type_e = token_end(d, cp, e);
	li->t = find_type(d + cp, li->type_e - cp);
	li->tok_s = li->tok_e = skip_blanks(d, li->type_e, e);
	if (!li->t || !li->t->supported) {
		li->st = RSC_AK_UNKNOWN_TYPE;
		return 0;
	}
	li->tok_e = token_end(d, li->tok_s, e);
	li->tok_last = skip_blanks(d, li->tok_e, e) == e;
	li->st = RSC_AK_BAD_BASE64;
	if (li->tok_e == li->tok_s)
		return 0;
	b64_reset(&c->dec);
	r = b64_feed(&c->dec, d + li->tok_s, li->tok_e - li->tok_s);
	if (r < 0)
		return r;
	if (!b64_complete(&c->dec))
		return 0;
	li->st = blob_fits(&c->dec, li->t, &li->bits) ? RSC_AK_OK : RSC_AK_BLOB_MISMATCH;
	return 0;
}

static bool known(const struct linfo *li)
{
	return li->t && li->t->supported;
}

/* sshkey_advance_past_options(): returns the end of the options field, or e + 1 if unterminated. */
static size_t skip_options(const char *d, size_t i, size_t e)
{
	bool quoted = false;

	for (; i < e && (quoted || !is_blank(d[i])); i++) {
		if (d[i] == '\\' && i + 1 < e && d[i + 1] == '"')
			i++;
		else if (d[i] == '"')
			quoted = !quoted;
	}
	return quoted ? e + 1 : i;
}

/* misc.c opt_flag(): a case-insensitive prefix match, "no-" allowed for some. */
static bool opt_flag(const char *d, size_t *i, size_t e, const char *name, bool negatable)
{
	size_t j = *i, n = strlen(name);

	if (negatable && e - j >= 3 && strncasecmp(d + j, "no-", 3) == 0)
		j += 3;
	if (e - j < n || strncasecmp(d + j, name, n) != 0)
		return false;
	*i = j + n;
	return true;
}

/* misc.c opt_match(): name followed by '=' */
static bool opt_match(const char *d, size_t *i, size_t e, const char *name)
{
	size_t n = strlen(name);

	if (e - *i < n + 1 || strncasecmp(d + *i, name, n) != 0 || d[*i + n] != '=')
		return false;
	*i += n + 1;
	return true;
}

/* misc.c opt_dequote() */
static bool opt_dequote(const char *d, size_t *i, size_t e)
{
	size_t j = *i;

	if (j >= e || d[j] != '"')
		return false;
	for (j++; j < e && d[j] != '"'; j++)
		if (d[j] == '\\' && j + 1 < e && d[j + 1] == '"')
			j++;
	if (j >= e)
		return false;
	*i = j + 1;
	return true;
}

/*
 * The structure sshauthopt_parse() demands: known options separated by
 * commas, values quoted, no repeated command/principals/from. The values
 * themselves (expiry-time, environment, permitopen, tunnel) are not judged.
 */
static bool options_ok(const char *d, size_t i, size_t e)
{
	static const char *const flags[] = { "port-forwarding", "agent-forwarding",
					     "x11-forwarding",	"touch-required",
					     "verify-required", "pty",
					     "user-rc" };
	static const char *const valued[] = { "command",      "principals",  "from",
					      "expiry-time",  "environment", "permitopen",
					      "permitlisten", "tunnel" };
	unsigned seen = 0; /* bits: command, principals, from */

	while (i < e && !is_blank(d[i])) {
		bool done = opt_flag(d, &i, e, "restrict", false) ||
			    opt_flag(d, &i, e, "cert-authority", false);

		for (size_t k = 0; !done && k < ARRAY_SIZE(flags); k++)
			done = opt_flag(d, &i, e, flags[k], true);
		for (size_t k = 0; !done && k < ARRAY_SIZE(valued); k++) {
			if (!opt_match(d, &i, e, valued[k]))
				continue;
			if (k < 3 && (seen & (1u << k)))
				return false;
			if (k < 3)
				seen |= 1u << k;
			if (!opt_dequote(d, &i, e))
				return false;
			done = true;
		}
		if (i >= e || is_blank(d[i]))
			break;
		if (d[i] != ',')
			return false; /* "unknown key option" */
		if (++i >= e)
			return false; /* "unexpected end-of-options" */
	}
	return true;
}

static bool any_known_token(const char *d, size_t i, size_t e)
{
	while ((i = skip_blanks(d, i, e)) < e) {
		size_t t = token_end(d, i, e);
		const struct ktype *kt = find_type(d + i, t - i);

		if (kt && kt->supported)
			return true;
		i = t;
	}
	return false;
}

static bool only_space(const char *d, size_t i, size_t e)
{
	for (; i < e; i++)
		if (!is_space(d[i]))
			return false;
	return true;
}

/* One line as auth_check_authkeys_file() and auth_check_authkey_line() see it: [s, e). */
static int classify(struct ctx *c, size_t s, size_t e, struct linfo *li)
{
	const char *d = c->d;
	struct linfo second;
	size_t cp = skip_blanks(d, s, e), opt_end;
	int r;

	memset(li, 0, sizeof(*li));
	if (only_space(d, cp, e)) {
		li->st = RSC_AK_BLANK;
		return 0;
	}
	if (d[cp] == '#') {
		li->st = RSC_AK_COMMENT;
		return 0;
	}
	r = try_key(c, cp, e, li);
	if (r < 0 || li->st == RSC_AK_OK)
		return r;
	opt_end = skip_options(d, cp, e);
	if (opt_end > e) {
		/* only an unknown first token can hold a quote: nothing better to say */
		li->st = RSC_AK_BAD_OPTIONS;
		return 0;
	}
	r = try_key(c, skip_blanks(d, opt_end, e), e, &second);
	if (r < 0)
		return r;
	second.has_options = true;
	if (second.st == RSC_AK_OK) {
		*li = second;
		if (!options_ok(d, cp, e))
			li->st = RSC_AK_BAD_OPTIONS;
		return 0;
	}
	if (known(li))
		return 0;
	if (known(&second)) {
		*li = second;
		return 0;
	}
	if (!li->t && second.t)
		*li = second; /* an XMSS label: not usable, but worth naming */
	li->st = any_known_token(d, cp, e) ? RSC_AK_BAD_OPTIONS : RSC_AK_UNKNOWN_TYPE;
	return 0;
}

/* ---- private keys pasted into the file ---- */

enum priv_kind { PRIV_NONE, PRIV_PEM, PRIV_PUTTY };

static bool has_at(const char *d, size_t i, size_t e, const char *s)
{
	size_t n = strlen(s);

	return e - i >= n && memcmp(d + i, s, n) == 0;
}

static bool contains(const char *d, size_t i, size_t e, const char *s)
{
	size_t n = strlen(s);

	for (; e - i >= n; i++)
		if (memcmp(d + i, s, n) == 0)
			return true;
	return false;
}

/* "-----BEGIN OPENSSH PRIVATE KEY-----", "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----", PuTTY */
static enum priv_kind priv_begin(const char *d, size_t i, size_t e)
{
	if ((has_at(d, i, e, "-----BEGIN ") || has_at(d, i, e, "---- BEGIN ")) &&
	    contains(d, i, e, "PRIVATE KEY"))
		return PRIV_PEM;
	if (has_at(d, i, e, "PuTTY-User-Key-File-"))
		return PRIV_PUTTY;
	return PRIV_NONE;
}

static bool priv_end(enum priv_kind k, const char *d, size_t i, size_t e)
{
	if (k == PRIV_PUTTY)
		return has_at(d, i, e, "Private-MAC:") || has_at(d, i, e, "Private-Hash:");
	return (has_at(d, i, e, "-----END ") || has_at(d, i, e, "---- END ")) &&
	       contains(d, i, e, "PRIVATE KEY");
}

static bool is_b64_char(char c)
{
	return b64_value(c) >= 0 || c == '=';
}

/* A line inside a private key: base64, a "Name: value" header, or blank. */
static bool priv_body(const char *d, size_t i, size_t e)
{
	size_t j = i;
	bool b64 = true;

	for (size_t k = i; k < e && b64; k++)
		b64 = is_b64_char(d[k]) || is_space(d[k]);
	if (b64)
		return true;
	while (j < e && (b64_value(d[j]) >= 0 || d[j] == '-'))
		j++;
	return j > i && j < e && d[j] == ':';
}

/* ---- the whole file ---- */

/* Per line, what normalisation needs beyond struct rsc_akline. */
struct view {
	size_t cs, ve;	     /* content start (after a BOM) and end (at a NUL, if any) */
	bool nul;	     /* the line holds a NUL byte */
	size_t tok_s, tok_e; /* split head: its base64; split tail: its continuation */
	bool need_space;     /* split head with nothing after the key type */
};

struct parsed {
	struct rsc_akfile f;
	struct view *v;
	size_t bomlen;
};

static size_t count_bom(const char *d, size_t len)
{
	size_t n = 0;

	/* every BOM at the start goes: removing one must not reveal another */
	while (len - n >= sizeof(bom) && memcmp(d + n, bom, sizeof(bom)) == 0)
		n += sizeof(bom);
	return n;
}

static void set_key_fields(struct rsc_akline *l, const char *d, const struct linfo *li)
{
	size_t n = li->type_e - li->type_s;

	l->status = li->st;
	l->has_options = li->has_options;
	if (!li->t)
		return;
	l->kind = li->t->kind;
	l->is_cert = li->t->cert;
	l->bits = li->bits;
	if (n >= sizeof(l->type))
		n = sizeof(l->type) - 1;
	memcpy(l->type, d + li->type_s, n);
	l->type[n] = '\0';
	l->blob_off = li->tok_s;
	l->blob_len = li->tok_e - li->tok_s;
}

static int split_lines(const char *d, size_t len, struct parsed *p)
{
	size_t pos = p->bomlen, cap = 0;

	while (pos < len) {
		const char *nl = memchr(d + pos, '\n', len - pos);
		size_t le = nl ? (size_t)(nl - d) : len, ce = le;
		size_t ls = p->f.nlines == 0 ? 0 : pos;
		struct rsc_akline *l;
		struct view *v;
		const char *z;

		if (p->f.nlines >= AK_MAX_LINES)
			return -E2BIG;
		if (p->f.nlines == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct rsc_akline *nlines =
				reallocarray(p->f.lines, ncap, sizeof(*p->f.lines));
			struct view *nv;

			if (!nlines)
				return -ENOMEM;
			p->f.lines = nlines;
			nv = reallocarray(p->v, ncap, sizeof(*p->v));
			if (!nv)
				return -ENOMEM;
			p->v = nv;
			cap = ncap;
		}
		l = &p->f.lines[p->f.nlines];
		v = &p->v[p->f.nlines];
		memset(l, 0, sizeof(*l));
		memset(v, 0, sizeof(*v));
		while (ce > pos && d[ce - 1] == '\r') {
			ce--;
			l->crlf = true;
		}
		l->lineno = ++p->f.nlines;
		l->off = ls;
		l->len = ce - ls;
		l->has_bom = ls == 0 && p->bomlen > 0;
		v->cs = pos;
		z = memchr(d + pos, '\0', ce - pos);
		v->nul = z != NULL;
		v->ve = z ? (size_t)(z - d) : ce;
		if (l->crlf)
			p->f.ncrlf++;
		pos = nl ? le + 1 : len;
	}
	p->f.missing_final_newline = len > p->bomlen && d[len - 1] != '\n';
	return 0;
}

/* Lines i.. form a private key block: mark them. Returns the number of lines. */
static size_t mark_private(struct parsed *p, const char *d, size_t i, enum priv_kind k)
{
	size_t last = i, j;

	for (j = i + 1; j < p->f.nlines; j++) {
		const struct view *v = &p->v[j];
		size_t s = skip_blanks(d, v->cs, v->ve);

		if (priv_end(k, d, s, v->ve)) {
			last = j;
			break;
		}
		if (!priv_body(d, s, v->ve))
			break;
		if (!only_space(d, s, v->ve))
			last = j; /* without an END, trailing blank lines are not part of it */
	}
	for (j = i; j <= last; j++)
		p->f.lines[j].status = RSC_AK_PRIVATE_KEY;
	return last - i + 1;
}

/*
 * Line i is a key cut short (li): do the next lines complete it? Each
 * continuation is one base64 token on its own line, the last may carry the
 * comment. Returns the number of continuation lines (0: none), or -ENOMEM.
 */
static long try_split(struct ctx *c, struct parsed *p, size_t i, const struct linfo *li,
		      unsigned *bits)
{
	const char *d = c->d;
	int r;

	if ((li->st != RSC_AK_BAD_BASE64 && li->st != RSC_AK_BLOB_MISMATCH) || !li->tok_last ||
	    p->v[i].nul)
		return 0;
	b64_reset(&c->dec);
	r = b64_feed(&c->dec, d + li->tok_s, li->tok_e - li->tok_s);
	if (r < 0)
		return r;
	if (c->dec.bad || c->dec.pad)
		return 0;
	for (size_t k = i + 1; k < p->f.nlines && k - i <= SPLIT_MAX_TAILS; k++) {
		struct view *v = &p->v[k];
		size_t s = skip_blanks(d, v->cs, v->ve), e = token_end(d, s, v->ve);

		if (v->nul || s == e)
			return 0;
		for (size_t j = s; j < e; j++)
			if (!is_b64_char(d[j]))
				return 0;
		r = b64_feed(&c->dec, d + s, e - s);
		if (r < 0)
			return r;
		v->tok_s = s;
		v->tok_e = e;
		if (b64_complete(&c->dec) && blob_fits(&c->dec, li->t, bits))
			return (long)(k - i);
		if (c->dec.bad || c->dec.pad || skip_blanks(d, e, v->ve) != v->ve)
			return 0; /* padding or a comment: the key ends here, and is no key */
	}
	return 0;
}

static int parse_all(const char *data, size_t len, struct parsed *p)
{
	struct ctx c = { .d = data };
	int r;

	memset(p, 0, sizeof(*p));
	if (!data && len > 0)
		return -EINVAL;
	p->bomlen = count_bom(data, len);
	p->f.has_bom = p->bomlen > 0;
	r = split_lines(data, len, p);
	for (size_t i = 0; r == 0 && i < p->f.nlines; i++) {
		struct rsc_akline *l = &p->f.lines[i];
		struct view *v = &p->v[i];
		size_t s = skip_blanks(data, v->cs, v->ve);
		enum priv_kind pk = priv_begin(data, s, v->ve);
		struct linfo li;
		unsigned bits = 0;
		long tails;

		if (pk != PRIV_NONE) {
			i += mark_private(p, data, i, pk) - 1;
			continue;
		}
		r = classify(&c, v->cs, v->ve, &li);
		if (r < 0)
			break;
		/* a NUL hides the rest of the line: a line that is not a key is a bad line */
		if (v->nul && li.st == RSC_AK_BLANK)
			li.st = RSC_AK_UNKNOWN_TYPE;
		set_key_fields(l, data, &li);
		tails = try_split(&c, p, i, &li, &bits);
		if (tails < 0) {
			r = (int)tails;
			break;
		}
		if (tails > 0) {
			l->status = RSC_AK_SPLIT_HEAD;
			l->bits = bits;
			v->tok_s = li.tok_s;
			v->tok_e = li.tok_e;
			v->need_space = li.tok_s == li.type_e;
			for (size_t k = i + 1; k <= i + (size_t)tails; k++) {
				p->f.lines[k].status = RSC_AK_SPLIT_TAIL;
				p->f.lines[k].blob_off = p->v[k].tok_s;
				p->f.lines[k].blob_len = p->v[k].tok_e - p->v[k].tok_s;
			}
			i += (size_t)tails;
			continue;
		}
		if (l->has_bom && l->status == RSC_AK_OK)
			l->status =
				RSC_AK_UNKNOWN_TYPE; /* sshd reads the BOM as part of the type */
	}
	b64_free(&c.dec);
	for (size_t i = 0; r == 0 && i < p->f.nlines; i++)
		if (p->f.lines[i].status == RSC_AK_OK)
			p->f.nkeys++;
	return r;
}

static void parsed_free(struct parsed *p)
{
	free(p->f.lines);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

int rsc_ak_parse(const char *data, size_t len, struct rsc_akfile *out)
{
	struct parsed p;
	int r = parse_all(data, len, &p);

	if (r < 0) {
		parsed_free(&p);
		memset(out, 0, sizeof(*out));
		return r;
	}
	free(p.v);
	*out = p.f;
	return 0;
}

void rsc_ak_free(struct rsc_akfile *f)
{
	if (!f)
		return;
	free(f->lines);
	memset(f, 0, sizeof(*f));
}

static bool has_split(const struct rsc_akfile *f)
{
	for (size_t i = 0; i < f->nlines; i++)
		if (f->lines[i].status == RSC_AK_SPLIT_HEAD)
			return true;
	return false;
}

int rsc_ak_normalize(const char *data, size_t len, char **out, size_t *outlen, bool *changed)
{
	struct rsc_buf b = { 0 };
	struct parsed p;
	int r = parse_all(data, len, &p);

	*changed = false;
	if (r < 0)
		goto out;
	if (!p.f.has_bom && p.f.ncrlf == 0 && !p.f.missing_final_newline && !has_split(&p.f)) {
		*out = (char *)data;
		*outlen = len;
		goto out;
	}
	for (size_t i = 0; r == 0 && i < p.f.nlines; i++) {
		const struct rsc_akline *l = &p.f.lines[i];
		const struct view *v = &p.v[i];
		size_t ce = l->off + l->len;

		if (l->status != RSC_AK_SPLIT_HEAD) {
			r = rsc_buf_add(&b, data + v->cs, ce - v->cs);
		} else {
			/* options and type, the base64 pieces glued, the last line's comment */
			size_t k = i + 1;

			r = rsc_buf_add(&b, data + v->cs, v->tok_e - v->cs);
			if (r == 0 && v->need_space)
				r = rsc_buf_add(&b, " ", 1);
			for (; r == 0 && k < p.f.nlines && p.f.lines[k].status == RSC_AK_SPLIT_TAIL;
			     k++)
				r = rsc_buf_add(&b, data + p.v[k].tok_s,
						p.v[k].tok_e - p.v[k].tok_s);
			if (r == 0)
				r = rsc_buf_add(&b, data + p.v[k - 1].tok_e,
						p.f.lines[k - 1].off + p.f.lines[k - 1].len -
							p.v[k - 1].tok_e);
			i = k - 1;
		}
		if (r == 0)
			r = rsc_buf_add(&b, "\n", 1);
	}
	if (r < 0)
		goto out;
	if (!b.data) {
		b.data = strdup(""); /* a file that was only a BOM */
		if (!b.data) {
			r = -ENOMEM;
			goto out;
		}
	}
	*outlen = b.len;
	*out = rsc_buf_steal(&b);
	*changed = true;
out:
	rsc_buf_free(&b);
	parsed_free(&p);
	return r;
}

int rsc_ak_parse_pubkey(const char *data, size_t len, struct rsc_akline *line)
{
	struct rsc_akfile f = { 0 };
	size_t skip = data ? count_bom(data, len) : 0, found = SIZE_MAX;
	int r;

	memset(line, 0, sizeof(*line));
	line->status = RSC_AK_BLANK;
	if (!data)
		return -EINVAL;
	r = rsc_ak_parse(data + skip, len - skip, &f);
	if (r < 0)
		return r;
	r = 0;
	for (size_t i = 0; i < f.nlines; i++) {
		enum rsc_ak_status s = f.lines[i].status;

		if (s == RSC_AK_BLANK || s == RSC_AK_COMMENT)
			continue;
		if (found != SIZE_MAX || s != RSC_AK_OK) {
			found = i; /* a second key, or a bad line: this one says why */
			r = -EINVAL;
			break;
		}
		found = i;
	}
	if (found == SIZE_MAX) {
		r = -EINVAL;
	} else {
		struct rsc_akline *l = &f.lines[found];
		size_t e = l->off + l->len;

		*line = *l;
		/* the key text without surrounding blanks, as add-key appends it */
		line->off = skip_blanks(data + skip, l->off, e);
		while (e > line->off && is_space(data[skip + e - 1]))
			e--;
		line->len = e - line->off;
		line->off += skip;
		line->blob_off += skip;
		line->has_bom = skip > 0 && l->lineno == 1;
	}
	rsc_ak_free(&f);
	return r;
}

bool rsc_ak_same_key(const char *bufa, const struct rsc_akline *a, const char *bufb,
		     const struct rsc_akline *b)
{
	struct b64 da = { 0 }, db = { 0 };
	bool same = false;

	if (a->kind == RSC_KEY_UNKNOWN || a->kind != b->kind || a->is_cert != b->is_cert ||
	    a->blob_len == 0 || b->blob_len == 0)
		return false;
	if (b64_feed(&da, bufa + a->blob_off, a->blob_len) == 0 &&
	    b64_feed(&db, bufb + b->blob_off, b->blob_len) == 0 && b64_complete(&da) &&
	    b64_complete(&db))
		same = da.len == db.len && memcmp(da.buf, db.buf, da.len) == 0;
	b64_free(&da);
	b64_free(&db);
	return same;
}

const char *rsc_ak_status_name(enum rsc_ak_status s)
{
	switch (s) {
	case RSC_AK_OK:
		return "valid key";
	case RSC_AK_BLANK:
		return "blank line";
	case RSC_AK_COMMENT:
		return "comment";
	case RSC_AK_UNKNOWN_TYPE:
		return "unknown key type";
	case RSC_AK_BAD_BASE64:
		return "bad base64";
	case RSC_AK_BLOB_MISMATCH:
		return "key data does not match its type";
	case RSC_AK_PRIVATE_KEY:
		return "private key";
	case RSC_AK_SPLIT_HEAD:
		return "key split over several lines";
	case RSC_AK_SPLIT_TAIL:
		return "continuation of a split key";
	case RSC_AK_BAD_OPTIONS:
		return "bad options";
	}
	return "unknown status";
}
