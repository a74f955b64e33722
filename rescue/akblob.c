// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * akblob.c - the key blob of an authorized_keys line, for authkeys.c: the
 * key types sshd 9.2 knows (sshkey.c keyimpls[]), base64 decoded the way
 * b64_pton() does it (blanks skipped anywhere, correct padding and zero pad
 * bits required), and the SSH wire format of the decoded blob checked the
 * way sshkey_fromb() parses it: the whole blob one key of a known type,
 * RSA/DSA numbers, the ECDSA curve and point, certificates with their CA
 * key. No crypto library: blobs are checked for structure, not for maths.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "akblob.h"
#include "util.h"

#define MAX_BIGNUM_BYTES    (16384 / 8) /* SSHBUF_MAX_BIGNUM */
#define CERT_MAX_PRINCIPALS 256		/* SSHKEY_CERT_MAX_PRINCIPALS */
#define ED25519_PK_LEN	    32

/* ---- key types ---- */

/* sshkey.c keyimpls[], names only; the rsa-sha2-* and webauthn names are labels sshd accepts. */
static const struct akb_ktype ktypes[] = {
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

const struct akb_ktype *akb_find_type(const char *s, size_t n)
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
static const struct akb_ktype *blob_type(const uint8_t *s, size_t n)
{
	static const struct {
		const char *shortname, *name;
	} shorts[] = {
		{ "RSA", "ssh-rsa" },
		{ "DSA", "ssh-dss" },
		{ "ED25519", "ssh-ed25519" },
		{ "ED25519-SK", "sk-ssh-ed25519@openssh.com" },
	};
	const struct akb_ktype *t = akb_find_type((const char *)s, n);

	if (t)
		return t;
	for (size_t i = 0; i < ARRAY_SIZE(shorts); i++)
		if (strlen(shorts[i].shortname) == n &&
		    strncasecmp(shorts[i].shortname, (const char *)s, n) == 0)
			return akb_find_type(shorts[i].name, strlen(shorts[i].name));
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
static int rd_public(struct rd *r, const struct akb_ktype *t, unsigned *bits)
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
		/* NOLINTNEXTLINE(misc-redundant-expression): each call reads the next string */
		if (rd_string(&r, NULL, NULL) < 0 || rd_string(&r, NULL, NULL) < 0)
			return -1;
	return 0;
}

static int parse_blob(const uint8_t *b, size_t n, bool allow_cert, const struct akb_ktype **type,
		      unsigned *bits);

/* sshkey.c cert_parse(), without the signature check (that needs the CA's maths). */
static int rd_cert(struct rd *r)
{
	const uint8_t *s, *princ, *ca;
	size_t n, nprinc, nca;
	uint32_t type;
	const struct akb_ktype *cat;
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
static int parse_blob(const uint8_t *b, size_t n, bool allow_cert, const struct akb_ktype **type,
		      unsigned *bits)
{
	struct rd r = { b, n };
	const struct akb_ktype *t;
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

int akb_b64_value(char c)
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

void akb_b64_reset(struct akb_b64 *d)
{
	d->len = 0;
	d->state = d->pad = d->acc = 0;
	d->bad = false;
}

void akb_b64_free(struct akb_b64 *d)
{
	free(d->buf);
	d->buf = NULL;
	d->len = d->cap = 0;
}

int akb_b64_feed(struct akb_b64 *d, const char *s, size_t n)
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

		if (akb_is_space(c))
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
		v = akb_b64_value(c);
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
bool akb_b64_complete(const struct akb_b64 *d)
{
	return !d->bad && (d->pad == 2 || (d->pad == 0 && d->state == 0));
}

/* Is the decoded blob a key of the label's type? Sets bits. */
bool akb_blob_fits(const struct akb_b64 *dec, const struct akb_ktype *label, unsigned *bits)
{
	const struct akb_ktype *t;

	if (parse_blob(dec->buf, dec->len, true, &t, bits) < 0)
		return false;
	return t->kind == label->kind && t->cert == label->cert && t->curve == label->curve;
}
