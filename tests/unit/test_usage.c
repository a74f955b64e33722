// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_usage.c - what fills the disk (rescue/usage*.c): the on-disk parsers on
 * crafted bytes (good, damaged, hostile), the tree's roll-up with a loop and
 * orphans, the ext2/3/4 scan of small images made here with mke2fs -d (extent,
 * block-mapped with indirect blocks, inline-data, htree directories, hard
 * links, a sparse file), and the walk of a directory against du itself.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "root.h"
#include "testutil.h"
#include "usage.h"
#include "usageP.h"
#include "util.h"

/* ---- directory blocks ---- */

struct seen {
	unsigned n;
	uint32_t ino[8];
	char name[8][32];
	uint8_t type[8];
};

static int collect(void *arg, uint32_t ino, const char *name, size_t len, uint8_t type)
{
	struct seen *s = arg;

	if (s->n < 8) {
		s->ino[s->n] = ino;
		snprintf(s->name[s->n], sizeof(s->name[0]), "%.*s", (int)len, name);
		s->type[s->n] = type;
	}
	s->n++;
	return 0;
}

static void put_dirent(uint8_t *b, uint32_t ino, uint16_t rec, uint8_t nlen, uint8_t type,
		       const char *name)
{
	b[0] = ino & 0xff, b[1] = ino >> 8 & 0xff, b[2] = ino >> 16 & 0xff, b[3] = ino >> 24;
	b[4] = rec & 0xff, b[5] = rec >> 8;
	b[6] = nlen, b[7] = type;
	memcpy(b + 8, name, strlen(name));
}

static void dirblock_entries(void **state)
{
	uint8_t b[64] = { 0 };
	struct seen s = { 0 };

	(void)state;
	put_dirent(b, 12, 16, 3, 1, "abc");
	put_dirent(b + 16, 0, 12, 0, 0, "");			 /* free space */
	put_dirent(b + 28, 0x01020304, 24, 10, 2, "longername"); /* a 32-bit inode */
	put_dirent(b + 52, 0, 12, 0, 0xde, "");			 /* the checksum tail */
	assert_int_equal(ut_dirblock_walk(b, sizeof(b), true, collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ino[0], 12);
	assert_string_equal(s.name[0], "abc");
	assert_int_equal(s.type[0], 1);
	assert_int_equal(s.ino[1], 0x01020304);
	assert_string_equal(s.name[1], "longername");
	assert_int_equal(s.type[1], 2);

	/* without the filetype feature name_len has 16 bits: type 1 makes "abc" 0x0103 long */
	memset(&s, 0, sizeof(s));
	assert_int_equal(ut_dirblock_walk(b, sizeof(b), false, collect, &s), -EUCLEAN);
	assert_int_equal(s.n, 0);
	b[7] = 0, b[35] = 0, b[59] = 0; /* no file types without the feature */
	assert_int_equal(ut_dirblock_walk(b, sizeof(b), false, collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.name[1], "longername");
}

static void dirblock_damage(void **state)
{
	uint8_t b[64] = { 0 };
	struct seen s = { 0 };

	(void)state;
	/* rec_len past the end: the first entry is given, then the walk stops */
	put_dirent(b, 12, 16, 3, 1, "abc");
	put_dirent(b + 16, 13, 52, 3, 1, "def");
	assert_int_equal(ut_dirblock_walk(b, sizeof(b), true, collect, &s), -EUCLEAN);
	assert_int_equal(s.n, 1);
	/* rec_len not a multiple of 4, or under 8 */
	put_dirent(b + 16, 13, 46, 3, 1, "def");
	assert_int_equal(ut_dirblock_walk(b, sizeof(b), true, collect, &s), -EUCLEAN);
	put_dirent(b + 16, 13, 4, 3, 1, "def");
	assert_int_equal(ut_dirblock_walk(b, sizeof(b), true, collect, &s), -EUCLEAN);
	/* a name longer than its record */
	put_dirent(b + 16, 13, 48, 41, 1, "def");
	assert_int_equal(ut_dirblock_walk(b, sizeof(b), true, collect, &s), -EUCLEAN);
	/* a tail too short for an entry head */
	put_dirent(b + 16, 13, 44, 3, 1, "def");
	s.n = 0;
	assert_int_equal(ut_dirblock_walk(b, sizeof(b), true, collect, &s), -EUCLEAN);
	assert_int_equal(s.n, 2);
	/* an empty region is fine, and so is a zero rec_len only in a 64 KiB block */
	assert_int_equal(ut_dirblock_walk(b, 0, true, collect, &s), 0);
	memset(b, 0, sizeof(b));
	assert_int_equal(ut_dirblock_walk(b, sizeof(b), true, collect, &s), -EUCLEAN);
}

static void dirblock_64k(void **state)
{
	uint8_t *b = calloc(1, 65536);
	struct seen s = { 0 };

	(void)state;
	assert_non_null(b);
	put_dirent(b, 12, 0, 1, 1, "x"); /* rec_len 0 in a 64 KiB block: all of it */
	assert_int_equal(ut_dirblock_walk(b, 65536, true, collect, &s), 0);
	assert_int_equal(s.n, 1);
	put_dirent(b, 12, 65535, 1, 1, "x"); /* 65535 too */
	assert_int_equal(ut_dirblock_walk(b, 65536, true, collect, &s), 0);
	put_dirent(b, 12, 16 | 1, 1, 1, "x"); /* 16 + 65536: past the end */
	assert_int_equal(ut_dirblock_walk(b, 65536, true, collect, &s), -EUCLEAN);
	free(b);
}

/* ---- extent nodes and indirect blocks ---- */

struct blocks {
	unsigned n;
	uint64_t blk[8], count[8];
	bool index[8];
};

static int on_leaf(void *arg, uint64_t blk, uint64_t count)
{
	struct blocks *b = arg;

	if (b->n < 8)
		b->blk[b->n] = blk, b->count[b->n] = count, b->index[b->n] = false;
	b->n++;
	return 0;
}

static int on_index(void *arg, uint64_t blk, uint64_t count)
{
	struct blocks *b = arg;

	(void)count;
	if (b->n < 8)
		b->blk[b->n] = blk, b->count[b->n] = 1, b->index[b->n] = true;
	b->n++;
	return 0;
}

static void le16put(uint8_t *p, unsigned v)
{
	p[0] = v & 0xff, p[1] = v >> 8 & 0xff;
}

static void le32put(uint8_t *p, uint32_t v)
{
	le16put(p, v & 0xffff), le16put(p + 2, v >> 16);
}

static void extent_head(uint8_t *b, unsigned entries, unsigned max, unsigned depth)
{
	le16put(b, 0xf30a), le16put(b + 2, entries), le16put(b + 4, max), le16put(b + 6, depth);
}

static void extent_nodes(void **state)
{
	uint8_t b[60] = { 0 };
	struct blocks got = { 0 };
	unsigned depth = 9;

	(void)state;
	extent_head(b, 3, 4, 0);
	/* [0]: 5 blocks at 0x1_00000100; [1]: uninitialised (len 32768 + 7); [2]: 1 block at 77 */
	le32put(b + 12, 0), le16put(b + 16, 5), le16put(b + 18, 1), le32put(b + 20, 0x100);
	le32put(b + 24, 5), le16put(b + 28, 32768 + 7), le32put(b + 32, 500);
	le32put(b + 36, 12), le16put(b + 40, 1), le32put(b + 44, 77);
	assert_int_equal(ut_extent_node(b, sizeof(b), &depth, on_leaf, on_index, &got), 0);
	assert_int_equal(depth, 0);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.blk[0], 0x100000100ULL);
	assert_int_equal(got.count[0], 5);
	assert_int_equal(got.blk[1], 77);
	assert_false(got.index[1]);

	/* an index node: the child is ei_leaf_lo | ei_leaf_hi << 32 */
	memset(b, 0, sizeof(b));
	memset(&got, 0, sizeof(got));
	extent_head(b, 1, 4, 2);
	le32put(b + 12, 0), le32put(b + 16, 0x2000), le16put(b + 20, 3);
	assert_int_equal(ut_extent_node(b, sizeof(b), &depth, on_leaf, on_index, &got), 0);
	assert_int_equal(depth, 2);
	assert_int_equal(got.n, 1);
	assert_true(got.index[0]);
	assert_int_equal(got.blk[0], 0x300002000ULL);

	/* hostile headers */
	extent_head(b, 5, 4, 0); /* more entries than max */
	assert_int_equal(ut_extent_node(b, sizeof(b), &depth, on_leaf, on_index, &got), -EUCLEAN);
	extent_head(b, 4, 5, 0); /* max beyond the 60 bytes */
	assert_int_equal(ut_extent_node(b, sizeof(b), &depth, on_leaf, on_index, &got), -EUCLEAN);
	extent_head(b, 1, 4, 6); /* deeper than ext4 allows */
	assert_int_equal(ut_extent_node(b, sizeof(b), &depth, on_leaf, on_index, &got), -EUCLEAN);
	le16put(b, 0x1234); /* bad magic: a block map, or garbage */
	assert_int_equal(ut_extent_node(b, sizeof(b), &depth, on_leaf, on_index, &got), -EUCLEAN);
	assert_int_equal(ut_extent_node(b, 8, &depth, on_leaf, on_index, &got), -EUCLEAN);
}

static void indirect_blocks(void **state)
{
	uint8_t b[16] = { 0 };
	struct blocks got = { 0 };

	(void)state;
	le32put(b, 9), le32put(b + 8, 0xffffffffu);
	assert_int_equal(ut_indirect(b, sizeof(b) - 1, on_leaf, &got), 0); /* 3 whole pointers */
	assert_int_equal(got.n, 2);
	assert_int_equal(got.blk[0], 9);
	assert_int_equal(got.blk[1], 0xffffffffu);
}

/* ---- the tree ---- */

static void tree_rollup(void **state)
{
	struct ut_tree t;
	struct rsc_usage u = { 0 };

	(void)state;
	assert_int_equal(ut_init(&t, 2), 0);
	assert_int_equal(ut_add_dir(&t, 2, 4096), 0);  /* / */
	assert_int_equal(ut_add_dir(&t, 11, 4096), 1); /* /var */
	assert_int_equal(ut_add_dir(&t, 12, 4096), 2); /* /var/log */
	assert_int_equal(ut_add_dir(&t, 13, 4096), 3); /* a loop: 3 and 4 parents of each other */
	assert_int_equal(ut_add_dir(&t, 14, 4096), 4);
	assert_int_equal(ut_add_dir(&t, 15, 4096), 5); /* never named: an orphan */
	assert_int_equal(ut_add_dir(&t, 16, 4096), 6); /* /home */
	t.dirs[0].parent = 0;
	assert_int_equal(ut_set_parent(&t, 1, 0, "var", 3), 0);
	assert_int_equal(ut_set_parent(&t, 2, 1, "log", 3), 0);
	assert_int_equal(ut_set_parent(&t, 2, 6, "again", 5), -EEXIST); /* the first name wins */
	assert_int_equal(ut_set_parent(&t, 3, 4, "x", 1), 0);
	assert_int_equal(ut_set_parent(&t, 4, 3, "y", 1), 0);
	assert_int_equal(ut_set_parent(&t, 6, 0, "home", 4), 0);
	assert_int_equal(ut_find(&t, 12), 2);
	assert_int_equal(ut_find(&t, 17), UT_NONE);
	ut_add_file(&t, 2, "syslog", 6, 1 << 20);
	ut_add_file(&t, 2, "small", 5, 8192);
	ut_add_file(&t, 6, "core", 4, 1 << 21);
	ut_add_file(&t, 3, "lost", 4, 1 << 30); /* in the loop: counted nowhere */
	ut_add_file(&t, 6, "a", 1, 0);
	assert_int_equal(ut_finish(&t, 0, &u), 0);
	assert_int_equal(u.dirs, 4);
	assert_int_equal(u.inodes, 4 + 4);
	assert_int_equal(u.bytes, 4 * 4096 + (1 << 20) + 8192 + (1 << 21));
	assert_int_equal(u.ntop_bytes, 2);
	assert_string_equal(u.top_bytes[0].path, "/home");
	assert_int_equal(u.top_bytes[0].bytes, 4096 + (1 << 21));
	assert_string_equal(u.top_bytes[1].path, "/var");
	assert_int_equal(u.top_bytes[1].inodes, 4);
	assert_string_equal(u.top_inodes[0].path, "/var");
	/* the loop's file was among the two largest, but is never reached: left out */
	assert_int_equal(u.ntop_files, 1);
	assert_string_equal(u.top_files[0].path, "/home/core");
	rsc_usage_free(&u);
	ut_free(&t);
}

static void human_sizes(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(rsc_usage_human(0, b, sizeof(b)), "0 B");
	assert_string_equal(rsc_usage_human(1023, b, sizeof(b)), "1023 B");
	assert_string_equal(rsc_usage_human(1536, b, sizeof(b)), "1.50 KiB");
	assert_string_equal(rsc_usage_human(5ULL << 30, b, sizeof(b)), "5.00 GiB");
	assert_string_equal(rsc_usage_human(300ULL << 20, b, sizeof(b)), "300 MiB");
}

/* ---- real images ---- */

static int sh(const char *fmt, ...) _printf_(1, 2);

static int sh(const char *fmt, ...)
{
	struct rsc_buf b = { 0 };
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rsc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	assert_int_equal(r, 0);
	r = system(b.data);
	rsc_buf_free(&b);
	return r;
}

/* a tree: 3 small dirs, a 400-entry dir, a hard link, a sparse file; 415 + root + l+f inodes */
static void make_tree(const char *dir)
{
	tu_write(dir, "etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644, 0, 0);
	tu_write(dir, "small/a", "a", 0644, 0, 0);
	tu_write(dir, "small/b", "b", 0644, 0, 0);
	for (int i = 0; i < 400; i++) {
		char rel[96];

		snprintf(rel, sizeof(rel), "many/entry-with-a-long-name-number-%04d", i);
		tu_write(dir, rel, "x", 0644, 0, 0);
	}
	assert_int_equal(
		sh("head -c 200000 /dev/zero | tr '\\0' x > %s/big.log && "
		   "ln %s/big.log %s/small/big.link && truncate -s 50M %s/sparse && "
		   "printf y | dd of=%s/sparse bs=1 seek=30000000 conv=notrunc 2>/dev/null",
		   dir, dir, dir, dir, dir),
		0);
	tu_symlink(dir, "small/up", "../..");
}

static void scan_image(const char *opts, bool want_inline, bool want_htree)
{
	char *dir = tu_mkdtemp(), *img = rsc_path_join(dir, "fs.img");
	char *tree = rsc_path_join(dir, "tree");
	struct rsc_usage_opts o = { .top = 5 };
	struct rsc_usage u = { 0 };
	struct rsc_buf why = { 0 };

	assert_non_null(img);
	make_tree(tree);
	if (sh("mke2fs -q -F %s -d %s %s 16M >/dev/null 2>&1", opts, tree, img) != 0) {
		print_message("mke2fs %s failed: skipped\n", opts);
		goto out;
	}
	if (want_htree) { /* mke2fs -d writes linear directories; e2fsck -D indexes them */
		assert_int_equal(sh("e2fsck -fyD %s >/dev/null 2>&1; debugfs -R 'htree /many' %s "
				    "2>/dev/null | grep -q 'Root node dump'",
				    img, img),
				 0);
	}
	if (want_inline) /* the small directory really is inline */
		assert_int_equal(sh("debugfs -R 'stat /small' %s 2>/dev/null | grep -q 'Size of "
				    "inline data'",
				    img),
				 0);
	assert_int_equal(rsc_usage_ext4(img, &o, &u, &why), 0);
	assert_string_equal(u.method, "ext4");
	assert_int_equal(u.bad, 0);
	/* root, lost+found, etc, small, many; passwd, a, b, 400 entries, big.log, sparse, up */
	assert_int_equal(u.inodes, 5 + 1 + 2 + 400 + 1 + 1 + 1);
	assert_int_equal(u.dirs, 5);
	assert_string_equal(u.top_inodes[0].path, "/many");
	assert_int_equal(u.top_inodes[0].inodes, 401);
	/* the hard-linked log once, under one of its names; then the sparse file, 1 block */
	assert_true(strcmp(u.top_files[0].path, "/big.log") == 0 ||
		    strcmp(u.top_files[0].path, "/small/big.link") == 0);
	assert_true(u.top_files[0].bytes >= 200000 && u.top_files[0].bytes < 240000);
	for (size_t i = 1; i < u.ntop_files; i++)
		assert_null(strstr(u.top_files[i].path, "big"));
	assert_true(u.has_fs);
	assert_true(u.fs_bytes_used >= u.bytes);
	assert_false(u.unreplayed);
	rsc_usage_free(&u);
out:
	rsc_buf_free(&why);
	tu_rmtree(dir);
	free(tree);
	free(img);
	free(dir);
}

static void ext4_extents(void **state)
{
	(void)state;
	scan_image("-t ext4 -b 4096", false, false);
}

static void ext4_blockmap_indirect(void **state)
{
	(void)state;
	/* 1 KiB blocks: the 400-entry directory needs more than the 12 direct blocks */
	scan_image("-t ext4 -b 1024 -O ^extent,^dir_index,^64bit", false, false);
}

static void ext3_htree(void **state)
{
	(void)state;
	scan_image("-t ext3 -b 1024", false, true);
}

static void ext4_inline(void **state)
{
	(void)state;
	scan_image("-t ext4 -I 256 -O inline_data", true, false);
}

static void not_ext(void **state)
{
	char *dir = tu_mkdtemp();
	struct rsc_usage_opts o = { 0 };
	struct rsc_usage u = { 0 };
	struct rsc_buf why = { 0 };

	(void)state;
	tu_write(dir, "zero.img", "", 0644, 0, 0);
	assert_int_equal(sh("truncate -s 1M %s/zero.img", dir), 0);
	_cleanup_free_ char *img = rsc_path_join(dir, "zero.img");
	assert_int_equal(rsc_usage_ext4(img, &o, &u, &why), -ENOTSUP);
	assert_non_null(why.data);
	rsc_buf_free(&why);
	tu_rmtree(dir);
	free(dir);
}

/* du of dir: "KIB INODES" */
static void du_of(const char *dir, unsigned long long *kib, unsigned long long *inodes)
{
	char cmd[4200];
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "du -x -s --block-size=1K '%s' | cut -f1; du -x -s --inodes '%s' | cut -f1", dir,
		 dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%llu %llu", kib, inodes), 2);
	pclose(p);
}

static void walk_matches_du(void **state)
{
	char *dir = tu_mkdtemp();
	struct rsc_root *root = NULL;
	struct rsc_usage_opts o = { .top = 3 };
	struct rsc_usage u = { 0 };
	struct rsc_buf why = { 0 };
	unsigned long long kib = 0, inodes = 0;

	(void)state;
	make_tree(dir);
	tu_symlink(dir, "escape", "/"); /* never followed */
	tu_mkfifo(dir, "small/fifo", 0600);
	du_of(dir, &kib, &inodes);
	assert_int_equal(rsc_root_open(dir, &root), 0);
	assert_int_equal(rsc_usage_walk(root, &o, &u, &why), 0);
	assert_string_equal(u.method, "walk");
	assert_int_equal(u.bytes / 1024, kib);
	assert_int_equal(u.inodes, inodes);
	assert_int_equal(u.dirs, 4);
	assert_int_equal(u.bad, 0);
	assert_string_equal(u.top_inodes[0].path, "/many");
	assert_int_equal(u.ntop_files, 3);
	rsc_usage_free(&u);
	rsc_root_free(root);
	tu_rmtree(dir);
	free(dir);
}

static void text_and_json(void **state)
{
	struct rsc_usage_item dirs[] = {
		{ .path = "/var/log\x1b[2J", .bytes = 5ULL << 30, .inodes = 12 }
	};
	struct rsc_usage u = { .method = "ext4",
			       .bytes = 6ULL << 30,
			       .inodes = 1000,
			       .dirs = 10,
			       .unreplayed = true,
			       .ntop_bytes = 1,
			       .top_bytes = dirs };
	struct rsc_buf b = { 0 };
	struct tu_cap c;

	(void)state;
	assert_int_equal(rsc_usage_print_text(&u, "disk.img", tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "du -x -s: 6291456 KiB, 1000 inodes"));
	assert_non_null(strstr(c.text, "unreplayed state"));
	assert_non_null(strstr(c.text, "5.00 GiB"));
	assert_non_null(strstr(c.text, "/var/log\\x1b[2J")); /* escaped */
	assert_null(strchr(c.text, 0x1b));
	free(c.text);
	assert_int_equal(rsc_usage_print_json(&u, "disk.img", tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "\"kib\":6291456"));
	assert_non_null(strstr(c.text, "\"journal_unreplayed\":true"));
	assert_null(strchr(c.text, 0x1b));
	free(c.text);
	assert_int_equal(rsc_usage_summary(&u, 3, &b), 0);
	assert_string_equal(b.data, "in directories 6.00 GiB in 1000 inodes; largest directories: "
				    "/var/log\\x1b[2J 5.00 GiB");
	rsc_buf_free(&b);
}

static void progress_bar(void **state)
{
	struct ut_progress p;
	struct tu_cap c;

	(void)state;
	/* nothing in the first second: short scans draw no bar */
	ut_progress_start(&p, tu_cap_open(&c));
	ut_progress(&p, "reading", 1, 2);
	ut_progress_end(&p);
	tu_cap_close(&c);
	assert_int_equal(c.len, 0);
	free(c.text);
	/* then the phase, 40 columns of bar, the percentage; erased at the end */
	ut_progress_start(&p, tu_cap_open(&c));
	p.start -= 2, p.last -= 2;
	ut_progress(&p, "reading directories", 1, 2);
	ut_progress(&p, "reading directories", 2, 2); /* within 0.1 s: not redrawn */
	ut_progress_end(&p);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "\rreading directories"));
	assert_non_null(strstr(c.text, "[####################....................]  50%"));
	assert_null(strstr(c.text, "100%"));
	assert_int_equal(c.text[c.len - 1], '\r');
	free(c.text);
	/* no stream: nothing, and no crash */
	ut_progress_start(&p, NULL);
	p.start -= 2, p.last -= 2;
	ut_progress(&p, "x", 1, 2);
	ut_progress_end(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dirblock_entries),
		cmocka_unit_test(dirblock_damage),
		cmocka_unit_test(dirblock_64k),
		cmocka_unit_test(extent_nodes),
		cmocka_unit_test(indirect_blocks),
		cmocka_unit_test(tree_rollup),
		cmocka_unit_test(human_sizes),
		cmocka_unit_test(ext4_extents),
		cmocka_unit_test(ext4_blockmap_indirect),
		cmocka_unit_test(ext3_htree),
		cmocka_unit_test(ext4_inline),
		cmocka_unit_test(not_ext),
		cmocka_unit_test(walk_matches_du),
		cmocka_unit_test(text_and_json),
		cmocka_unit_test(progress_bar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
