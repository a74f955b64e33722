// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ldso_cache.c - parse the victim's /etc/ld.so.cache, as written by its
 * ldconfig and read by its ld.so (glibc elf/dl-cache.c, dl-cache.h):
 *
 *   new format: "glibc-ld.so.cache" "1.1", u32 nlibs, u32 len_strings,
 *     u8 flags (endianness in the low 2 bits), 3 pad, u32 extension_offset,
 *     3 x u32 unused = 48 bytes; then nlibs entries of 24 bytes
 *     (i32 flags, u32 key, u32 value, u32 osversion, u64 hwcap); string
 *     offsets count from the start of this header.
 *   old format: "ld.so-1.7.0", pad to 12, u32 nlibs = 16 bytes; then nlibs
 *     entries of 12 bytes (i32 flags, u32 key, u32 value); string offsets
 *     count from the end of the entries. A new-format cache may follow the
 *     old entries (aligned): ld.so then uses the new one.
 *
 * Everything read from the file is checked against its size.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ldso_int.h"
#include "util.h"

#define MAGIC_OLD     "ld.so-1.7.0"
#define MAGIC_NEW     "glibc-ld.so.cache1.1"
#define OLD_HDR	      16
#define OLD_ENTRY     12
#define NEW_HDR	      48
#define NEW_ENTRY     24
#define NEW_FLAGS_OFF 28

/* new-format header flags, low two bits */
enum { ENDIAN_UNSET = 0, ENDIAN_INVALID = 1, ENDIAN_LITTLE = 2, ENDIAN_BIG = 3 };

static uint32_t rd32(const unsigned char *p, bool big)
{
	if (big)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t rd64(const unsigned char *p, bool big)
{
	uint64_t a = rd32(p, big), b = rd32(p + 4, big);

	return big ? a << 32 | b : b << 32 | a;
}

void rsc_ldcache_free(struct rsc_ldcache *c)
{
	if (!c)
		return;
	free(c->buf);
	free(c->e);
	free(c);
}

/* The NUL-terminated string at base+off, which must lie inside the file. */
static const char *str_at(const struct rsc_ldcache *c, size_t base, uint32_t off)
{
	size_t start;

	if (base > c->len || off >= c->len - base)
		return NULL;
	start = base + off;
	/* c->buf[c->len] is a NUL we added: the string must end before it */
	if (!memchr(c->buf + start, '\0', c->len - start))
		return NULL;
	return c->buf + start;
}

/*
 * Entries at table (n of them, entsz bytes each), strings relative to base.
 * -EINVAL when the table or any string is outside the file.
 */
static int read_entries(struct rsc_ldcache *c, size_t table, uint32_t n, size_t entsz,
			size_t strbase, bool big)
{
	const unsigned char *b = (const unsigned char *)c->buf;

	if (table > c->len || n > (c->len - table) / entsz)
		return -EINVAL;
	c->e = calloc(n ? n : 1, sizeof(*c->e));
	if (!c->e)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		const unsigned char *p = b + table + (size_t)i * entsz;
		struct rsc_ldcache_entry *e = &c->e[i];

		e->flags = (int32_t)rd32(p, big);
		e->key = str_at(c, strbase, rd32(p + 4, big));
		e->value = str_at(c, strbase, rd32(p + 8, big));
		e->hwcap = entsz == NEW_ENTRY ? rd64(p + 16, big) : 0;
		if (!e->key || !e->value)
			return -EINVAL;
	}
	c->n = n;
	return 0;
}

static int parse_new(struct rsc_ldcache *c, size_t at, bool big)
{
	const unsigned char *p = (const unsigned char *)c->buf + at;

	if (at > c->len || c->len - at < NEW_HDR)
		return -EINVAL;
	switch (p[NEW_FLAGS_OFF] & 3) {
	case ENDIAN_LITTLE:
		big = false;
		break;
	case ENDIAN_BIG:
		big = true;
		break;
	case ENDIAN_INVALID:
		return -EINVAL; /* ld.so ignores such a cache */
	default:
		break;
	}
	c->is_new = true;
	return read_entries(c, at + NEW_HDR, rd32(p + 20, big), NEW_ENTRY, at, big);
}

int rsc_ldcache_parse(const void *buf, size_t len, bool big, struct rsc_ldcache **out)
{
	struct rsc_ldcache *c = NULL;
	int r = -EINVAL;

	*out = NULL;
	if (len > RSC_LDCACHE_CAP)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->buf = malloc(len + 1);
	if (!c->buf) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(c->buf, buf, len);
	c->buf[len] = '\0';
	c->len = len;
	if (len >= strlen(MAGIC_NEW) && memcmp(c->buf, MAGIC_NEW, strlen(MAGIC_NEW)) == 0) {
		r = parse_new(c, 0, big);
	} else if (len >= OLD_HDR && memcmp(c->buf, MAGIC_OLD, strlen(MAGIC_OLD)) == 0) {
		uint32_t n = rd32((const unsigned char *)c->buf + 12, big);
		size_t end;

		if (n > (len - OLD_HDR) / OLD_ENTRY)
			goto out;
		end = OLD_HDR + (size_t)n * OLD_ENTRY;
		/* A new-format part after the old entries, 8- or 4-aligned (64/32-bit ldconfig). */
		for (size_t align = 8; align >= 4; align /= 2) {
			size_t at = (end + align - 1) & ~(align - 1);

			if (at <= len && len - at >= NEW_HDR &&
			    memcmp(c->buf + at, MAGIC_NEW, strlen(MAGIC_NEW)) == 0) {
				r = parse_new(c, at, big);
				goto out;
			}
		}
		r = read_entries(c, OLD_HDR, n, OLD_ENTRY, end, big);
	}
out:
	if (r < 0) {
		rsc_ldcache_free(c);
		return r;
	}
	*out = c;
	return 0;
}

const char *rsc_ldcache_lookup(const struct rsc_ldcache *c, const char *name, const int32_t *flags,
			       size_t nflags)
{
	if (!c)
		return NULL;
	for (size_t i = 0; i < c->n; i++) {
		const struct rsc_ldcache_entry *e = &c->e[i];

		if (e->hwcap != 0 || strcmp(e->key, name) != 0)
			continue;
		for (size_t f = 0; f < nflags; f++)
			if (e->flags == flags[f])
				return e->value;
	}
	return NULL;
}
