// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * floor.c - the I/O floor of the usage scan, for tests/bench/usage.sh.
 *
 *   floor ranges IMAGE > RANGES   the block ranges the scan must read: the used
 *                                 part of every inode table (what the group
 *                                 descriptors say is initialised and in use)
 *                                 and every directory block (found with
 *                                 libext2fs' own block iterator), sorted and
 *                                 merged; one "start count" line each, in blocks
 *   floor read IMAGE RANGES       read exactly those bytes, in order, with pread:
 *                                 the time a scan that did nothing else would take
 *
 * Independent of rescue/usage_ext4.c on purpose (another way to find the blocks).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ext2fs/ext2fs.h>

struct range {
	uint64_t start, count;
};

static struct range *rs;
static size_t nrs, caprs;

static void add(uint64_t start, uint64_t count)
{
	if (nrs == caprs) {
		caprs = caprs ? caprs * 2 : 65536;
		rs = realloc(rs, caprs * sizeof(*rs));
		if (!rs) {
			perror("floor");
			exit(1);
		}
	}
	rs[nrs++] = (struct range){ start, count };
}

static int blk_cb(ext2_filsys fs, blk64_t *blk, e2_blkcnt_t bcnt, blk64_t ref, int off, void *priv)
{
	(void)fs, (void)ref, (void)off, (void)priv;
	if (bcnt >= 0)
		add(*blk, 1); /* data blocks; the tree's own blocks (bcnt < 0) are a few */
	return 0;
}

static int cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int ranges(const char *img)
{
	ext2_filsys fs = NULL;
	ext2_inode_scan scan = NULL;
	struct ext2_inode inode;
	ext2_ino_t ino;
	uint64_t total = 0;
	size_t out = 0;

	if (ext2fs_open(img, EXT2_FLAG_64BITS, 0, 0, unix_io_manager, &fs)) {
		fprintf(stderr, "floor: cannot open %s\n", img);
		return 1;
	}
	unsigned ipb = fs->blocksize / EXT2_INODE_SIZE(fs->super);
	for (dgrp_t g = 0; g < fs->group_desc_count; g++) {
		uint64_t used = fs->super->s_inodes_per_group;

		if (ext2fs_has_group_desc_csum(fs)) {
			if (ext2fs_bg_flags_test(fs, g, EXT2_BG_INODE_UNINIT))
				continue;
			used -= ext2fs_bg_itable_unused(fs, g);
		}
		if (used)
			add(ext2fs_inode_table_loc(fs, g), (used + ipb - 1) / ipb);
	}
	if (ext2fs_open_inode_scan(fs, 0, &scan))
		return 1;
	while (ext2fs_get_next_inode(scan, &ino, &inode) == 0 && ino) {
		if (!inode.i_links_count || !LINUX_S_ISDIR(inode.i_mode) ||
		    (inode.i_flags & EXT4_INLINE_DATA_FL))
			continue;
		ext2fs_block_iterate3(fs, ino, BLOCK_FLAG_READ_ONLY, NULL, blk_cb, NULL);
	}
	ext2fs_close_inode_scan(scan);
	qsort(rs, nrs, sizeof(*rs), cmp);
	for (size_t i = 0; i < nrs; i++) {
		if (out && rs[out - 1].start + rs[out - 1].count >= rs[i].start) {
			uint64_t end = rs[i].start + rs[i].count;

			if (end > rs[out - 1].start + rs[out - 1].count)
				rs[out - 1].count = end - rs[out - 1].start;
		} else {
			rs[out++] = rs[i];
		}
	}
	for (size_t i = 0; i < out; i++) {
		printf("%" PRIu64 " %" PRIu64 "\n", rs[i].start * fs->blocksize,
		       rs[i].count * fs->blocksize);
		total += rs[i].count * fs->blocksize;
	}
	fprintf(stderr, "floor: %zu ranges, %" PRIu64 " MiB\n", out, total >> 20);
	ext2fs_free(fs);
	return 0;
}

static int readall(const char *img, const char *list)
{
	static char buf[1 << 20];
	FILE *f = fopen(list, "r");
	int fd = open(img, O_RDONLY);
	uint64_t off, len, total = 0;

	if (!f || fd < 0) {
		perror("floor");
		return 1;
	}
	while (fscanf(f, "%" SCNu64 " %" SCNu64, &off, &len) == 2) {
		while (len > 0) {
			size_t n = len < sizeof(buf) ? len : sizeof(buf);
			ssize_t got = pread(fd, buf, n, (off_t)off);

			if (got <= 0) {
				perror("floor: pread");
				return 1;
			}
			off += (uint64_t)got;
			len -= (uint64_t)got;
			total += (uint64_t)got;
		}
	}
	fprintf(stderr, "floor: read %" PRIu64 " MiB\n", total >> 20);
	fclose(f);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "ranges") == 0)
		return ranges(argv[2]);
	if (argc == 4 && strcmp(argv[1], "read") == 0)
		return readall(argv[2], argv[3]);
	fprintf(stderr, "usage: floor ranges IMAGE > RANGES | floor read IMAGE RANGES\n");
	return 2;
}
