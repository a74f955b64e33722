/* fuzz-sources: rescue/usage_parse.c */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_usage.c - the ext2/3/4 structures the usage scanner parses itself
 * (rescue/usage_parse.c) on arbitrary bytes: directory blocks (with and
 * without the filetype feature, any length up to 64 KiB), extent nodes and
 * indirect blocks, all read from a victim's disk. The first byte picks the
 * parser. Properties beyond "no crash, no UB":
 *   - every entry given has a non-zero inode and a name of 1 to 255 bytes that
 *     lies wholly inside the input, and entries come in increasing order;
 *   - extent leaves give 1 to 32768 blocks, nodes a depth of at most 5;
 *   - indirect blocks give only non-zero 32-bit block numbers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usageP.h"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_usage: %s\n", what);
		abort();
	}
}

struct span {
	const uint8_t *lo, *hi;
	const char *last;
};

static int on_entry(void *arg, uint32_t ino, const char *name, size_t len, uint8_t type)
{
	struct span *s = arg;

	(void)type;
	check(ino != 0, "an entry of inode 0");
	check(len >= 1 && len <= 255, "a name length out of 1..255");
	check((const uint8_t *)name >= s->lo && (const uint8_t *)name + len <= s->hi,
	      "a name outside the block");
	check(!s->last || name > s->last, "entries out of order");
	s->last = name;
	return 0;
}

static int on_leaf(void *arg, uint64_t blk, uint64_t count)
{
	(void)arg, (void)blk;
	check(count >= 1 && count <= 32768, "an extent of 0 or more than 32768 blocks");
	return 0;
}

static int on_index(void *arg, uint64_t blk, uint64_t count)
{
	(void)arg;
	check(blk < (1ULL << 48) && count == 1, "an index beyond 48 bits");
	return 0;
}

static int on_ptr(void *arg, uint64_t blk, uint64_t count)
{
	(void)arg;
	check(blk != 0 && blk <= UINT32_MAX && count == 1, "a bad indirect pointer");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct span s = { 0 };
	unsigned depth = 0;
	uint8_t *copy;
	int r;

	if (size < 1 || size > 65537)
		return 0;
	/* a copy of the exact size: ASan sees any read past the end */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	s.lo = copy;
	s.hi = copy + size - 1;
	switch (data[0] % 4) {
	case 0:
	case 1:
		r = ut_dirblock_walk(copy, size - 1, data[0] % 4 == 0, on_entry, &s);
		check(r == 0 || r == -EUCLEAN, "a dirblock walk result other than 0 or -EUCLEAN");
		break;
	case 2:
		r = ut_extent_node(copy, size - 1, &depth, on_leaf, on_index, NULL);
		check(r == 0 || r == -EUCLEAN, "an extent result other than 0 or -EUCLEAN");
		check(r != 0 || depth <= 5, "an accepted node deeper than 5");
		break;
	default:
		r = ut_indirect(copy, size - 1, on_ptr, NULL);
		check(r == 0, "an indirect walk that failed");
	}
	free(copy);
	return 0;
}
