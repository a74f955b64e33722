/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * akblob.h - private to authkeys.c: the key types sshd knows, base64 as
 * b64_pton() decodes it, and the structure check of a decoded key blob
 * (akblob.c). No crypto: blobs are checked for structure, not for maths.
 */
#ifndef RSC_AKBLOB_H
#define RSC_AKBLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "authkeys.h"

struct akb_ktype {
	const char *name;
	enum rsc_key_kind kind;
	bool cert;
	unsigned curve; /* ECDSA: curve bits; 0 for the others */
	bool supported; /* XMSS exists only with WITH_XMSS, which no distribution sets */
};

/* The key type labelled by the n bytes at s (exact name, as in a line), or NULL. */
const struct akb_ktype *akb_find_type(const char *s, size_t n);

/* isspace() in the C locale, which b64_pton() skips. */
static inline bool akb_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/*
 * A base64 decoder fed in pieces (a split key comes in several). Zero it
 * ({0}) before the first use; release with akb_b64_free().
 */
struct akb_b64 {
	uint8_t *buf;
	size_t len, cap;
	unsigned state; /* characters of the current quantum seen, 0-3 */
	unsigned pad;	/* 0: no '=' yet; 1: one '=' seen, one more needed; 2: padding complete */
	unsigned acc;	/* bits of the byte being assembled */
	bool bad;
};

/* The value of a base64 character, -1 for any other (also '='). */
int akb_b64_value(char c);
/* Start a new text, keep the memory. */
void akb_b64_reset(struct akb_b64 *d);
void akb_b64_free(struct akb_b64 *d);
/* Decode n more characters; an invalid one sets d->bad. 0 or -ENOMEM. */
int akb_b64_feed(struct akb_b64 *d, const char *s, size_t n);
/* Does what was fed so far form a complete base64 text? */
bool akb_b64_complete(const struct akb_b64 *d);

/*
 * Is the decoded blob one whole key (or certificate) of the label's type,
 * for ECDSA of the same curve? Sets *bits (RSA modulus, DSA p, curve bits).
 */
bool akb_blob_fits(const struct akb_b64 *dec, const struct akb_ktype *label, unsigned *bits);

#endif
