/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostkey.h - what a private host key file holds, read the way sshd's
 * sshkey_load_private() would tell: the OpenSSH format (its embedded public
 * key gives the type and size) or a PEM key (type from the header). No
 * secret is decoded: only the public part of the OpenSSH format is read.
 */
#ifndef RSC_HOSTKEY_H
#define RSC_HOSTKEY_H

#include <stddef.h>

#include "authkeys.h"

enum rsc_hostkey_format {
	RSC_HK_INVALID,	 /* empty, truncated, or not a private key */
	RSC_HK_OPENSSH,	 /* -----BEGIN OPENSSH PRIVATE KEY----- */
	RSC_HK_PEM,	 /* -----BEGIN RSA/EC/DSA PRIVATE KEY----- or PKCS#8 */
	RSC_HK_ENCRYPTED /* OpenSSH format with a passphrase: sshd cannot use it */
};

struct rsc_hostkey {
	enum rsc_hostkey_format format;
	enum rsc_key_kind kind; /* RSC_KEY_UNKNOWN for PKCS#8 and invalid files */
	unsigned bits;		/* RSA modulus, ECDSA curve; 0 when unknown */
};

/* Classify the len bytes of a private key file. Never fails. */
void rsc_hostkey_parse(const char *data, size_t len, struct rsc_hostkey *out);

#endif
