/* fuzz-sources: rescue/authkeys.c rescue/akblob.c rescue/util.c */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_authkeys.c - the authorized_keys parser and normaliser on arbitrary
 * bytes (an authorized_keys file is written by whoever controls the victim).
 * Properties checked beyond "no crash, no leak, no UB":
 *   - the lines tile the input: in order, inside it, nothing between them
 *     but line ends, each blob inside its line; the counters agree;
 *   - normalize never loses a key: nkeys after >= nkeys before, and the
 *     output has no BOM, no CR LF, a final newline;
 *   - normalize is idempotent: a second pass changes nothing and hands the
 *     input back;
 *   - a parsed public key is the same key as itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_authkeys: %s\n", what);
		abort();
	}
}

static void check_file(const char *d, size_t len, const struct rsc_akfile *f)
{
	size_t pos = 0, nkeys = 0, ncrlf = 0;

	for (size_t i = 0; i < f->nlines; i++) {
		const struct rsc_akline *l = &f->lines[i];

		check(l->lineno == i + 1, "line numbers");
		check(l->off == pos, "lines are contiguous");
		check(l->off <= len && l->len <= len - l->off, "line inside the input");
		check(!l->has_bom || i == 0, "BOM only on line 1");
		pos = l->off + l->len;
		while (pos < len && d[pos] == '\r')
			pos++;
		check(l->crlf == (pos > l->off + l->len), "crlf flag matches the CRs");
		if (pos < len) {
			check(d[pos] == '\n', "a line ends at a newline");
			pos++;
		}
		if (l->status == RSC_AK_OK || l->status == RSC_AK_SPLIT_HEAD ||
		    l->status == RSC_AK_BAD_BASE64 || l->status == RSC_AK_BLOB_MISMATCH) {
			check(l->blob_off >= l->off && l->blob_off <= l->off + l->len &&
				      l->blob_len <= l->off + l->len - l->blob_off,
			      "blob inside its line");
			check(l->type[0] != '\0' && l->kind != RSC_KEY_UNKNOWN, "a key has a type");
		}
		if (l->status == RSC_AK_SPLIT_TAIL)
			check(i > 0 && (f->lines[i - 1].status == RSC_AK_SPLIT_HEAD ||
					f->lines[i - 1].status == RSC_AK_SPLIT_TAIL),
			      "a tail follows a head");
		if (l->status == RSC_AK_SPLIT_HEAD)
			check(i + 1 < f->nlines && f->lines[i + 1].status == RSC_AK_SPLIT_TAIL,
			      "a head has a tail");
		check(memchr(l->type, '\0', sizeof(l->type)) != NULL, "type is a string");
		nkeys += l->status == RSC_AK_OK;
		ncrlf += l->crlf;
	}
	if (f->nlines == 0)
		check(len == 0 || f->has_bom, "no lines only for nothing or a BOM");
	else
		check(pos == len, "the lines cover the input");
	check(nkeys == f->nkeys && ncrlf == f->ncrlf, "counters");
	check(f->nlines == 0 || f->lines[0].has_bom == f->has_bom, "BOM flags agree");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	struct rsc_akfile f1 = { 0 }, f2 = { 0 };
	struct rsc_akline pk;
	char *out = NULL, *again = NULL;
	size_t outlen = 0, againlen = 0;
	bool changed = false;

	if (rsc_ak_parse(d, size, &f1) < 0)
		return 0;
	check_file(d, size, &f1);

	check(rsc_ak_normalize(d, size, &out, &outlen, &changed) == 0, "normalize");
	check(changed == (out != d), "changed iff a new buffer");
	if (!changed)
		check(outlen == size, "unchanged output is the input");
	else
		check(outlen != size || memcmp(out, d, size) != 0, "changed output differs");
	check(rsc_ak_parse(out, outlen, &f2) == 0, "re-parse");
	check_file(out, outlen, &f2);
	check(f2.nkeys >= f1.nkeys, "normalize lost a key");
	check(!f2.has_bom && f2.ncrlf == 0 && !f2.missing_final_newline,
	      "normalize left a BOM, a CR LF or no final newline");
	for (size_t i = 0; i < f2.nlines; i++)
		check(f2.lines[i].status != RSC_AK_SPLIT_HEAD, "normalize left a split key");

	check(rsc_ak_normalize(out, outlen, &again, &againlen, &changed) == 0, "normalize 2");
	check(!changed && again == out && againlen == outlen, "normalize is not idempotent");

	if (rsc_ak_parse_pubkey(d, size, &pk) == 0) {
		check(pk.status == RSC_AK_OK && pk.off <= size && pk.len <= size - pk.off,
		      "public key inside the input");
		check(rsc_ak_same_key(d, &pk, d, &pk), "a key is the same as itself");
	}
	for (size_t i = 0; i < f1.nlines; i++)
		if (f1.lines[i].status == RSC_AK_OK)
			check(rsc_ak_same_key(d, &f1.lines[i], d, &f1.lines[i]),
			      "a line's key is the same as itself");

	if (out != d)
		free(out);
	rsc_ak_free(&f1);
	rsc_ak_free(&f2);
	return 0;
}
