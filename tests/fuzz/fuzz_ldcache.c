/* fuzz-sources: rescue/ldso_cache.c */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_ldcache.c - the ld.so.cache parser (rescue/ldso_cache.c) on arbitrary
 * bytes, in both byte orders: the victim's /etc/ld.so.cache is input from a
 * possibly hostile machine. Properties checked beyond "no crash, no leak":
 *   - an accepted cache has entries whose key and value strings lie inside
 *     the parser's copy of the file and are NUL-terminated there;
 *   - looking up every key with its own flags finds an entry with that key
 *     (the first one in file order without a hwcap, or none when all have one).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ldso_int.h"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_ldcache: %s\n", what);
		abort();
	}
}

static void one(const uint8_t *data, size_t size, bool big)
{
	struct rsc_ldcache *c = NULL;

	if (rsc_ldcache_parse(data, size, big, &c) < 0) {
		check(c == NULL, "rejected but returned");
		return;
	}
	check(c->len == size, "length");
	for (size_t i = 0; i < c->n; i++) {
		const struct rsc_ldcache_entry *e = &c->e[i];
		const char *v;

		check(e->key >= c->buf && e->key < c->buf + c->len, "key outside the file");
		check(e->value >= c->buf && e->value < c->buf + c->len, "value outside the file");
		check(e->key + strlen(e->key) < c->buf + c->len, "key not terminated in the file");
		check(e->value + strlen(e->value) < c->buf + c->len, "value not terminated");
		v = rsc_ldcache_lookup(c, e->key, &e->flags, 1);
		if (e->hwcap == 0)
			check(v != NULL, "own key not found");
	}
	rsc_ldcache_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, false);
	one(data, size, true);
	return 0;
}
