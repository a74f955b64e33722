// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hmap.c - the hash index of hmap.h: open addressing with linear probing,
 * at most half full, the (folded) hash kept in each slot so that growing
 * needs no key and a probe compares keys only when that hash matches.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "hmap.h"

#define FNV_PRIME 1099511628211ULL

/* The finaliser of MurmurHash3: every bit of x reaches the low bits, which pick the slot. */
static uint64_t fmix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

uint64_t rsc_hash_init(void)
{
	static uint64_t seed;
	static bool has_seed;

	if (!has_seed) {
		uint64_t s = 0;

		/* no entropy yet (early boot of the rescue initramfs): a fixed seed still works */
		if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s))
			s = 0x9e3779b97f4a7c15ULL;
		seed = s | 1;
		has_seed = true;
	}
	return seed;
}

uint64_t rsc_hash_str(uint64_t h, const char *s)
{
	if (!s)
		return fmix64(h ^ 0x5bd1e995ULL);
	/* FNV-1a over the bytes, then the length: "ab" + "c" differs from "a" + "bc" */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * FNV_PRIME;
	return fmix64(h ^ (uint64_t)(strlen(s) + 1));
}

uint64_t rsc_hash_u64(uint64_t h, uint64_t x)
{
	return fmix64(h ^ fmix64(x + 0x9e3779b97f4a7c15ULL));
}

static uint32_t fold(uint64_t hash)
{
	return (uint32_t)(hash ^ (hash >> 32));
}

/* Put idx1 under hash into the first empty slot of its probe sequence (the map has room). */
static void put(struct rsc_hmap *m, uint32_t hash, uint32_t idx1)
{
	size_t i = hash & m->mask;

	while (m->slot[i].idx1)
		i = (i + 1) & m->mask;
	m->slot[i].hash = hash;
	m->slot[i].idx1 = idx1;
	m->used++;
}

static int grow(struct rsc_hmap *m)
{
	struct rsc_hmap n = { 0 };
	size_t size = m->slot ? (m->mask + 1) * 2 : 64;

	/* NOLINTNEXTLINE(misc-redundant-expression): the second bound matters on 32-bit */
	if (size > (size_t)UINT32_MAX + 1 || size > SIZE_MAX / sizeof(*n.slot))
		return -ENOMEM;
	n.slot = calloc(size, sizeof(*n.slot));
	if (!n.slot)
		return -ENOMEM;
	n.mask = size - 1;
	for (size_t i = 0; m->slot && i <= m->mask; i++)
		if (m->slot[i].idx1)
			put(&n, m->slot[i].hash, m->slot[i].idx1);
	free(m->slot);
	*m = n;
	return 0;
}

int rsc_hmap_add(struct rsc_hmap *m, uint64_t hash, size_t idx)
{
	if (idx >= UINT32_MAX)
		return -EOVERFLOW;
	if (!m->slot || (m->used + 1) * 2 > m->mask + 1) {
		int r = grow(m);

		if (r < 0)
			return r;
	}
	put(m, fold(hash), (uint32_t)idx + 1);
	return 0;
}

bool rsc_hmap_next(const struct rsc_hmap *m, uint64_t hash, size_t *pos, size_t *idx)
{
	uint32_t h = fold(hash);
	size_t i;

	if (!m->slot)
		return false;
	/* *pos is 0 at the start, then the slot after the last one returned, + 1 */
	i = *pos ? (*pos - 1) & m->mask : h & m->mask;
	for (; m->slot[i].idx1; i = (i + 1) & m->mask) {
		if (m->slot[i].hash != h)
			continue;
		*idx = m->slot[i].idx1 - 1;
		*pos = ((i + 1) & m->mask) + 1;
		return true;
	}
	return false;
}

void rsc_hmap_free(struct rsc_hmap *m)
{
	free(m->slot);
	m->slot = NULL;
	m->mask = m->used = 0;
}
