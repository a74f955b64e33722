/* fuzz-sources: rescue/hostkey.c rescue/akblob.c rescue/authkeys.c rescue/util.c */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_hostkey.c - the private host key classifier on arbitrary bytes (a
 * host key file of a hostile disk). Properties beyond "no crash, no leak":
 * an unencrypted OpenSSH-format key always has a known type; RSA sizes are whole bits
 * no larger than the input could hold.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "hostkey.h"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_hostkey: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsc_hostkey hk;

	rsc_hostkey_parse((const char *)data, size, &hk);
	if (hk.format == RSC_HK_OPENSSH)
		check(hk.kind != RSC_KEY_UNKNOWN, "OpenSSH key without a type");
	check(hk.bits <= size * 8, "more key bits than input bits");
	return 0;
}
