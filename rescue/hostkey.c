// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hostkey.c - classify a private host key file without touching its
 * secret: OpenSSH's own format is base64 of "openssh-key-v1\0", the
 * cipher name, the KDF name and options, the number of keys, then the
 * public key blob, which akblob.c checks like any public key. A PEM key
 * is told by its header; its DER body gives the RSA modulus size (PKCS#1)
 * or the algorithm (PKCS#8), and is wiped after use. Every length is
 * checked against what is left.
 */
#include <stdint.h>
#include <string.h>

#include "akblob.h"
#include "hostkey.h"

#define MAGIC	  "openssh-key-v1"
#define BEGIN_SSH "-----BEGIN OPENSSH PRIVATE KEY-----"
#define END_SSH	  "-----END OPENSSH PRIVATE KEY-----"

static const struct {
	const char *header;
	enum rsc_key_kind kind;
} pem[] = {
	{ "-----BEGIN RSA PRIVATE KEY-----", RSC_KEY_RSA },
	{ "-----BEGIN EC PRIVATE KEY-----", RSC_KEY_ECDSA },
	{ "-----BEGIN DSA PRIVATE KEY-----", RSC_KEY_DSA },
	{ "-----BEGIN PRIVATE KEY-----", RSC_KEY_UNKNOWN },
};

/* A length-prefixed string at *p of the n bytes left: its start and length. */
static bool take_string(const uint8_t **p, size_t *n, const uint8_t **s, size_t *slen)
{
	uint32_t l;

	if (*n < 4)
		return false;
	l = (uint32_t)(*p)[0] << 24 | (uint32_t)(*p)[1] << 16 | (uint32_t)(*p)[2] << 8 | (*p)[3];
	if (l > *n - 4)
		return false;
	*s = *p + 4;
	*slen = l;
	*p += 4 + l;
	*n -= 4 + (size_t)l;
	return true;
}

static void parse_openssh(const char *b64, size_t len, struct rsc_hostkey *out)
{
	struct akb_b64 dec = { 0 };
	const uint8_t *p, *cipher, *kdf, *opts, *blob, *type;
	size_t n, cl, kl, ol, bl, tl;
	const struct akb_ktype *kt;
	struct akb_b64 sub = { 0 };

	if (akb_b64_feed(&dec, b64, len) < 0 || dec.bad || !akb_b64_complete(&dec))
		goto out;
	p = dec.buf;
	n = dec.len;
	if (n < sizeof(MAGIC) || memcmp(p, MAGIC, sizeof(MAGIC)) != 0) /* with its NUL */
		goto out;
	p += sizeof(MAGIC);
	n -= sizeof(MAGIC);
	if (!take_string(&p, &n, &cipher, &cl) || !take_string(&p, &n, &kdf, &kl) ||
	    !take_string(&p, &n, &opts, &ol) || n < 4)
		goto out;
	if (p[0] || p[1] || p[2] || p[3] != 1) /* sshd reads files with one key */
		goto out;
	p += 4;
	n -= 4;
	if (!take_string(&p, &n, &blob, &bl))
		goto out;
	{
		const uint8_t *q = blob;
		size_t m = bl;

		if (!take_string(&q, &m, &type, &tl))
			goto out;
	}
	kt = akb_find_type((const char *)type, tl);
	if (!kt || kt->cert)
		goto out;
	sub.buf = (uint8_t *)blob;
	sub.len = bl;
	if (!akb_blob_fits(&sub, kt, &out->bits))
		goto out;
	out->kind = kt->kind;
	out->format =
		(cl == 4 && memcmp(cipher, "none", 4) == 0) ? RSC_HK_OPENSSH : RSC_HK_ENCRYPTED;
	(void)kdf;
	(void)opts;
out:
	akb_b64_free(&dec);
}

/* ---- PEM keys: the DER inside tells the type and the RSA size ---- */

/* One DER element at *p of *n bytes: tag, content. Only definite lengths (DER). */
static bool der_take(const uint8_t **p, size_t *n, uint8_t *tag, const uint8_t **c, size_t *clen)
{
	size_t len = 0, hdr = 2;

	if (*n < 2)
		return false;
	*tag = (*p)[0];
	if ((*p)[1] < 0x80) {
		len = (*p)[1];
	} else {
		size_t nb = (*p)[1] & 0x7f;

		if (nb == 0 || nb > 4 || *n < 2 + nb)
			return false;
		for (size_t i = 0; i < nb; i++)
			len = len << 8 | (*p)[2 + i];
		hdr += nb;
	}
	if (len > *n - hdr)
		return false;
	*c = *p + hdr;
	*clen = len;
	*p += hdr + len;
	*n -= hdr + len;
	return true;
}

/* Bits of a DER INTEGER's value (leading zero bytes and bits not counted). */
static unsigned der_int_bits(const uint8_t *c, size_t len)
{
	while (len && *c == 0) {
		c++;
		len--;
	}
	if (!len || len > 0xffff)
		return 0;
	return (unsigned)(len * 8 - (size_t)(__builtin_clz(*c) - 24));
}

/* PKCS#1 RSAPrivateKey: SEQUENCE { version, modulus, ... }: the modulus' bits, 0 if not. */
static unsigned pkcs1_rsa_bits(const uint8_t *p, size_t n)
{
	const uint8_t *seq, *c;
	size_t sl, cl;
	uint8_t tag;

	if (!der_take(&p, &n, &tag, &seq, &sl) || tag != 0x30)
		return 0;
	if (!der_take(&seq, &sl, &tag, &c, &cl) || tag != 0x02)
		return 0;
	if (!der_take(&seq, &sl, &tag, &c, &cl) || tag != 0x02)
		return 0;
	return der_int_bits(c, cl);
}

/*
 * A PEM key: decode the body after header and look at the DER. PKCS#1 RSA
 * gives the modulus size; PKCS#8 the algorithm (and for RSA the size).
 * Headers with "Proc-Type: 4,ENCRYPTED" make the body undecodable: encrypted.
 */
static void pem_refine(const char *data, size_t len, struct rsc_hostkey *hk)
{
	static const uint8_t oid_rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
	static const uint8_t oid_ec[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
	static const uint8_t oid_dsa[] = { 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01 };
	static const char begin[] = "-----BEGIN ", end[] = "-----END ";
	struct akb_b64 dec = { 0 };
	const char *b, *e;
	const uint8_t *p, *seq, *c, *alg, *oid;
	size_t n, sl, cl, al, ol;
	uint8_t tag;

	b = memmem(data, len, begin, strlen(begin));
	if (!b)
		return;
	b = memchr(b, '\n', len - (size_t)(b - data));
	if (!b)
		goto bad;
	e = memmem(b, len - (size_t)(b - data), end, strlen(end));
	if (!e || akb_b64_feed(&dec, b, (size_t)(e - b)) < 0)
		goto bad;
	if (dec.bad || !akb_b64_complete(&dec) || dec.len == 0) {
		hk->format = memmem(data, len, "ENCRYPTED", 9) ? RSC_HK_ENCRYPTED : RSC_HK_INVALID;
		goto out;
	}
	if (hk->kind == RSC_KEY_RSA) {
		hk->bits = pkcs1_rsa_bits(dec.buf, dec.len);
		if (!hk->bits)
			goto bad;
		goto out;
	}
	if (hk->kind != RSC_KEY_UNKNOWN)
		goto out;
	/* PKCS#8: SEQUENCE { INTEGER, SEQUENCE { OID, params }, OCTET STRING key } */
	p = dec.buf;
	n = dec.len;
	if (!der_take(&p, &n, &tag, &seq, &sl) || tag != 0x30 ||
	    !der_take(&seq, &sl, &tag, &c, &cl) || tag != 0x02 ||
	    !der_take(&seq, &sl, &tag, &alg, &al) || tag != 0x30 ||
	    !der_take(&alg, &al, &tag, &oid, &ol) || tag != 0x06)
		goto bad;
	if (ol == sizeof(oid_rsa) && memcmp(oid, oid_rsa, ol) == 0) {
		hk->kind = RSC_KEY_RSA;
		if (der_take(&seq, &sl, &tag, &c, &cl) && tag == 0x04)
			hk->bits = pkcs1_rsa_bits(c, cl);
	} else if (ol == sizeof(oid_ec) && memcmp(oid, oid_ec, ol) == 0) {
		hk->kind = RSC_KEY_ECDSA;
	} else if (ol == sizeof(oid_dsa) && memcmp(oid, oid_dsa, ol) == 0) {
		hk->kind = RSC_KEY_DSA;
	}
	goto out;
bad:
	hk->format = RSC_HK_INVALID;
out:
	if (dec.buf)
		explicit_bzero(dec.buf, dec.cap); /* the private key's secret numbers */
	akb_b64_free(&dec);
}

void rsc_hostkey_parse(const char *data, size_t len, struct rsc_hostkey *out)
{
	const char *begin, *end;

	*out = (struct rsc_hostkey){ .format = RSC_HK_INVALID };
	for (size_t i = 0; i < sizeof(pem) / sizeof(pem[0]); i++) {
		size_t hl = strlen(pem[i].header);

		if (len >= hl && memmem(data, len, pem[i].header, hl)) {
			out->format = RSC_HK_PEM;
			out->kind = pem[i].kind;
			pem_refine(data, len, out);
			return;
		}
	}
	begin = memmem(data, len, BEGIN_SSH, strlen(BEGIN_SSH));
	if (!begin)
		return;
	begin += strlen(BEGIN_SSH);
	end = memmem(begin, len - (size_t)(begin - data), END_SSH, strlen(END_SSH));
	if (end)
		parse_openssh(begin, (size_t)(end - begin), out);
}
