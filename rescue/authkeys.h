/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * authkeys.h - the authorized_keys format, as sshd reads it.
 *
 * A line is: [options] keytype base64-blob [comment]. sshd first tries the
 * line as a key; if that fails it skips an options field (quotes protect
 * spaces) and tries again. Lines sshd cannot read are silently ignored by it
 * (debug level only), which is why a BOM, a key split over two lines or a
 * pasted private key leave a user locked out with no word in the log.
 *
 * This module never touches files: it parses and rewrites buffers. It is a
 * fuzz target (tests/fuzz/fuzz_authkeys.c).
 */
#ifndef RSC_AUTHKEYS_H
#define RSC_AUTHKEYS_H

#include <stdbool.h>
#include <stddef.h>

enum rsc_key_kind {
	RSC_KEY_UNKNOWN = 0,
	RSC_KEY_RSA,
	RSC_KEY_DSA,
	RSC_KEY_ECDSA,
	RSC_KEY_ED25519,
	RSC_KEY_SK_ECDSA,
	RSC_KEY_SK_ED25519,
	RSC_KEY_XMSS,
};

enum rsc_ak_status {
	RSC_AK_OK = 0,
	RSC_AK_BLANK,	      /* empty or whitespace only */
	RSC_AK_COMMENT,	      /* '#' comment */
	RSC_AK_UNKNOWN_TYPE,  /* no known key type token anywhere */
	RSC_AK_BAD_BASE64,    /* type known, blob does not decode */
	RSC_AK_BLOB_MISMATCH, /* decodes, but the blob's type or structure is wrong */
	RSC_AK_PRIVATE_KEY,   /* "-----BEGIN ... PRIVATE KEY-----" or its body */
	RSC_AK_SPLIT_HEAD,    /* a key cut short; the next line(s) complete it */
	RSC_AK_SPLIT_TAIL,    /* continuation of a split key */
	RSC_AK_BAD_OPTIONS,   /* unterminated quote in the options */
};

struct rsc_akline {
	unsigned long lineno; /* 1-based */
	size_t off, len;      /* bytes of the line in the buffer, without its line end */
	enum rsc_ak_status status;
	bool crlf;    /* ended with "\r\n" */
	bool has_bom; /* the file's BOM sits at the start of this line (line 1) */
	enum rsc_key_kind kind;
	char type[48]; /* key type token, e.g. "ssh-ed25519", cert types included */
	bool is_cert;  /* "*-cert-v01@openssh.com" */
	unsigned bits; /* RSA modulus / DSA p bits / ECDSA curve bits; 0 if n/a */
	bool has_options;
	size_t blob_off, blob_len; /* base64 text of the key, within the buffer */
};

struct rsc_akfile {
	struct rsc_akline *lines;
	size_t nlines;
	bool has_bom;
	size_t ncrlf; /* lines ending in CRLF */
	size_t nkeys; /* lines with status RSC_AK_OK */
	bool missing_final_newline;
};

/* Parse a whole authorized_keys buffer (may contain NULs). Returns 0 or -ENOMEM. */
int rsc_ak_parse(const char *data, size_t len, struct rsc_akfile *out);
void rsc_ak_free(struct rsc_akfile *f);

/*
 * Rewrite a buffer into what sshd reads reliably: no BOM, LF line ends, the
 * parts of a split key joined into one line, a final newline. Every key,
 * option, comment and unrelated line is kept, byte for byte otherwise.
 * *out (caller frees) may equal the input when nothing needed changing;
 * *changed says whether it differs. Returns 0 or -ENOMEM.
 */
int rsc_ak_normalize(const char *data, size_t len, char **out, size_t *outlen, bool *changed);

/*
 * Parse one public key (the content of a .pub file: one line, maybe with a
 * trailing newline and options). Returns 0 and fills *line when it is a
 * valid public key, -EINVAL otherwise (line->status says why).
 */
int rsc_ak_parse_pubkey(const char *data, size_t len, struct rsc_akline *line);

/*
 * true when the two parsed lines carry the same key (type and decoded blob),
 * whatever their options and comments. a and b point into bufa and bufb.
 */
bool rsc_ak_same_key(const char *bufa, const struct rsc_akline *a, const char *bufb,
		     const struct rsc_akline *b);

/* Name of a status for messages: "unknown key type", "bad base64", … */
const char *rsc_ak_status_name(enum rsc_ak_status s);

#endif
