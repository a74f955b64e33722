// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * usage_parse.c - the on-disk ext2/3/4 structures the usage scanner reads
 * itself (fs/ext4/ext4.h and ext4_extents.h describe them): directory
 * entries, extent nodes, indirect blocks. All little-endian; nothing is
 * trusted: every length is checked against the buffer before it is used.
 */
#include <errno.h>
#include <string.h>

#include "usageP.h"

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define DIRENT_HEAD 8 /* inode 4, rec_len 2, name_len 1 (or 2), file_type 1 */

int ut_dirblock_walk(const uint8_t *buf, size_t len, bool has_ftype, ut_dirent_cb cb, void *arg)
{
	size_t off = 0;

	while (off < len) {
		uint32_t ino, rec;
		size_t nlen;
		uint8_t type = 0;
		int r;

		if (len - off < DIRENT_HEAD)
			return -EUCLEAN;
		ino = le32(buf + off);
		rec = le16(buf + off + 4);
		/* 64 KiB blocks: 0 or 65535 is the whole block, the low two bits carry bits 16-17 */
		if (len >= 65536 && (rec == 0 || rec == 65535))
			rec = 65536;
		else if (len >= 65536)
			rec = (rec & 0xfffcu) | (rec & 3u) << 16;
		if (rec < DIRENT_HEAD || rec % 4 || rec > len - off)
			return -EUCLEAN;
		if (has_ftype) {
			nlen = buf[off + 6];
			type = buf[off + 7];
		} else {
			nlen = le16(buf + off + 6);
		}
		if (nlen > 255 || nlen > rec - DIRENT_HEAD)
			return -EUCLEAN;
		if (ino != 0 && nlen > 0) {
			r = cb(arg, ino, (const char *)buf + off + DIRENT_HEAD, nlen, type);
			if (r)
				return r;
		}
		off += rec;
	}
	return 0;
}

#define EXT_MAGIC     0xf30a
#define EXT_HEAD      12    /* magic, entries, max, depth (2 bytes each), generation (4) */
#define EXT_ENTRY     12    /* leaf: block 4, len 2, start_hi 2, start_lo 4 */
#define EXT_INIT_MAX  32768 /* a longer ee_len means an uninitialised extent */
#define EXT_MAX_DEPTH 5	    /* ext4 allows 5 levels (EXT4_MAX_EXTENT_DEPTH) */

int ut_extent_node(const uint8_t *buf, size_t len, unsigned *depth, ut_blocks_cb leaf,
		   ut_blocks_cb index, void *arg)
{
	unsigned entries, max;
	int r;

	if (len < EXT_HEAD || le16(buf) != EXT_MAGIC)
		return -EUCLEAN;
	entries = le16(buf + 2);
	max = le16(buf + 4);
	*depth = le16(buf + 6);
	if (*depth > EXT_MAX_DEPTH || entries > max || max > (len - EXT_HEAD) / EXT_ENTRY)
		return -EUCLEAN;
	for (unsigned i = 0; i < entries; i++) {
		const uint8_t *e = buf + EXT_HEAD + (size_t)i * EXT_ENTRY;

		if (*depth == 0) {
			unsigned count = le16(e + 4);
			uint64_t start = (uint64_t)le16(e + 6) << 32 | le32(e + 8);

			if (count > EXT_INIT_MAX || count == 0)
				continue; /* uninitialised: reads as zeros, no entries */
			r = leaf(arg, start, count);
		} else {
			r = index(arg, (uint64_t)le16(e + 8) << 32 | le32(e + 4), 1);
		}
		if (r)
			return r;
	}
	return 0;
}

int ut_indirect(const uint8_t *buf, size_t len, ut_blocks_cb cb, void *arg)
{
	for (size_t off = 0; off + 4 <= len; off += 4) {
		uint32_t b = le32(buf + off);
		int r;

		if (b == 0)
			continue;
		r = cb(arg, b, 1);
		if (r)
			return r;
	}
	return 0;
}
