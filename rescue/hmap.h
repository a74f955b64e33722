/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hmap.h - a hash index over an array the caller owns: it maps a 64-bit hash
 * to indexes of that array and never sees the keys. A lookup walks the
 * indexes stored under one hash and the caller compares each candidate's key
 * with its own, so one index serves any key (a name, a uid, a finding's
 * code, user, path and line). Used where the victim's data makes the arrays
 * large (a passwd of a million lines) and a linear search per element would
 * make a run quadratic.
 *
 * The hashes are seeded once per process from getrandom(): a victim cannot
 * choose names that all land in one slot.
 */
#ifndef RSC_HMAP_H
#define RSC_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Eight bytes a slot: a map of 300,000 users takes 4 MiB. */
struct rsc_hmap_slot {
	uint32_t hash; /* the 64-bit hash folded */
	uint32_t idx1; /* the index + 1; 0 is an empty slot */
};

/* Zero-initialise ({0}); release with rsc_hmap_free(). */
struct rsc_hmap {
	struct rsc_hmap_slot *slot;
	size_t mask; /* slots - 1 (a power of two), 0 while slot is NULL */
	size_t used;
};

/* The start value of a hash (the process's seed). */
uint64_t rsc_hash_init(void);
/* Mix the bytes of s into h; NULL mixes differently from "". Returns the new hash. */
uint64_t rsc_hash_str(uint64_t h, const char *s);
/* Mix the number x into h. Returns the new hash. */
uint64_t rsc_hash_u64(uint64_t h, uint64_t x);

/*
 * Store idx under hash; the caller has looked it up first if keys must stay
 * unique. 0, -EOVERFLOW for an index of 2^32 - 1 or more, or -ENOMEM (the map
 * is unchanged then).
 */
int rsc_hmap_add(struct rsc_hmap *m, uint64_t hash, size_t idx);

/*
 * The indexes stored under hash, one per call: start with *pos = 0; true with
 * *idx set, false when there is none left. The map must not change between calls.
 */
bool rsc_hmap_next(const struct rsc_hmap *m, uint64_t hash, size_t *pos, size_t *idx);

/* Empty the map and free its slots (the map can be used again). */
void rsc_hmap_free(struct rsc_hmap *m);

#endif
