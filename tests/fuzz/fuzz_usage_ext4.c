/* fuzz-sources: rescue/usage_ext4.c rescue/usage_tree.c rescue/usage_parse.c rescue/util.c */
/* fuzz-libs: ext2fs com_err */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_usage_ext4.c - the whole ext2/3/4 usage scan (rescue/usage_ext4.c)
 * on arbitrary filesystem images: libext2fs reads the superblock, the group
 * descriptors and the inode tables; everything after that (the inodes' block
 * maps and extents, the tree and indirect blocks, every directory block, the
 * inline data, the tree built from the entries) is our code on hostile bytes.
 * The seeds are 64 KiB images made with mke2fs -d (block-mapped, extents,
 * htree with metadata_csum, inline data). Properties beyond "no crash, no UB":
 *   - a scan either fails with a negative errno or gives a consistent result:
 *     at least the root (one directory, one inode), no more directories than
 *     inodes, no more inodes than the filesystem has;
 *   - every listed directory or file has a path starting with "/", and bytes
 *     and inodes no larger than the totals, and the lists are sorted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "usage.h"
#include "util.h"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_usage_ext4: %s\n", what);
		abort();
	}
}

static void check_list(const struct rsc_usage *u, const struct rsc_usage_item *it, size_t n,
		       bool by_inodes)
{
	for (size_t i = 0; i < n; i++) {
		check(it[i].path && it[i].path[0] == '/', "a path not starting with /");
		check(it[i].bytes <= u->bytes && it[i].inodes <= u->inodes,
		      "an entry larger than the total");
		if (i > 0)
			check(by_inodes ? it[i - 1].inodes >= it[i].inodes
					: it[i - 1].bytes >= it[i].bytes,
			      "a list out of order");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsc_usage_opts o = { .top = 4 };
	struct rsc_usage u = { 0 };
	struct rsc_buf why = { 0 };
	char path[64];
	int fd = memfd_create("fuzz_usage_ext4", MFD_CLOEXEC);
	int r;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = rsc_usage_ext4(path, &o, &u, &why);
	check(r <= 0, "a positive result");
	if (r == 0) {
		check(u.dirs >= 1 && u.inodes >= u.dirs, "fewer inodes than directories");
		check(!u.has_fs || u.inodes <= u.fs_inodes, "more inodes than the filesystem has");
		check_list(&u, u.top_bytes, u.ntop_bytes, false);
		check_list(&u, u.top_inodes, u.ntop_inodes, true);
		check_list(&u, u.top_files, u.ntop_files, false);
	}
	rsc_usage_free(&u);
	rsc_buf_free(&why);
	close(fd);
	return 0;
}
