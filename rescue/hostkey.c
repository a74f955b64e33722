// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hostkey.c - classify a private host key file without touching its
 * secret: OpenSSH's own format is base64 of "openssh-key-v1\0", the
 * cipher name, the KDF name and options, the number of keys, then the
 * public key blob, which akblob.c checks like any public key. A PEM key
 * is told by its header. Every length is checked against what is left.
 */
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

void rsc_hostkey_parse(const char *data, size_t len, struct rsc_hostkey *out)
{
	const char *begin, *end;

	*out = (struct rsc_hostkey){ .format = RSC_HK_INVALID };
	for (size_t i = 0; i < sizeof(pem) / sizeof(pem[0]); i++) {
		size_t hl = strlen(pem[i].header);

		if (len >= hl && memmem(data, len, pem[i].header, hl)) {
			out->format = RSC_HK_PEM;
			out->kind = pem[i].kind;
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
