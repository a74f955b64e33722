// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * usage_ext4.c - what fills an ext2/3/4 filesystem, from the unmounted device
 * or image, read-only with libext2fs (no EXT2_FLAG_RW: the device is opened
 * O_RDONLY; the journal is never replayed; ext2fs_free() writes nothing).
 *
 *  1. One pass over the used inode tables (ext2fs inode scan: groups never
 *     initialised and the unused tail of each table are skipped with the
 *     uninit_bg / metadata_csum counts). Each in-use inode gets a 2-byte code:
 *     its size in sectors when under 32 MiB and singly linked, else
 *     "directory" or "special" (hard-linked or large: a sorted side table). Directories
 *     get a tree record and their data blocks: from the extents or the block
 *     map in the inode, and the extent-tree and indirect blocks, read after
 *     the pass in block order.
 *  2. One pass over every directory block, sorted by physical block and read
 *     in runs: each entry names a child, which gives a directory its parent
 *     and a file its directory. Inline-data directories are read from their
 *     inode. Hard-linked inodes are counted once (du's rule).
 *  3. The tree rolls the sizes up (usage_tree.c).
 * What du -x on the same filesystem mounted read-only would show, without a
 * mount, and with the reads in disk order; readahead hints (posix_fadvise on
 * a second read-only fd) keep the disk busy a little ahead of the parsing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <et/com_err.h>
#include <ext2fs/ext2_fs.h>
#include <ext2fs/ext2fs.h>

#include "usageP.h"
#include "util.h"

enum {
	CODE_FREE = 0,	      /* not in use (or never seen) */
	CODE_MAX = 0xfffd,    /* a code c below it: a file of c - 1 sectors of 512 bytes */
	CODE_DIR = 0xfffe,    /* a directory: in the tree */
	CODE_SPECIAL = 0xffff /* in the side table */
};

#define RUN_MAX	    256 /* blocks read at once in pass 2 */
#define RUN_GAP	    16	/* blocks between two directory blocks read through rather than seeked */
#define NODE_ROUNDS 6	/* levels of indirect or extent-tree blocks (3, or 5 + 1) */
#define RA_GROUPS   2	/* inode tables asked for ahead of the scan */
#define RA_BYTES    (8u << 20) /* directory blocks asked for ahead of the walk */

struct special {
	uint32_t ino;
	bool multi, seen; /* hard-linked; already counted */
	uint64_t bytes;
};

struct dblk {
	uint64_t blk;
	uint32_t dir;
};

/* an indirect (level 1-3) or extent-tree (level 0) block of a directory, read after pass 1 */
struct node {
	uint64_t blk;
	uint32_t dir;
	uint8_t level;
};

struct scan {
	ext2_filsys fs;
	struct ut_tree t;
	uint16_t **codes; /* per group, NULL when the group has no inode in use */
	struct special *sp;
	size_t nsp, spcap;
	struct dblk *blks;
	size_t nblks, blkcap;
	struct node *nodes;
	size_t nnodes, nodecap;
	uint32_t *left; /* per directory: data blocks it may still have (its i_blocks) */
	uint32_t *inl;	/* directories with inline data */
	size_t ninl, inlcap;
	uint32_t dir;  /* the directory being read (callbacks) */
	uint8_t level; /* of the node being read */
	bool ftype;
	uint64_t bad;
	uint64_t max512; /* the filesystem's size in 512-byte sectors: no inode holds more */
	int ra_fd;	 /* the device again, for readahead hints only (-1: none) */
	struct ut_progress prog;
};

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *q;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 4096;
	q = reallocarray(*p, c, size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

static uint16_t *code_at(struct scan *s, uint32_t ino)
{
	uint32_t ipg = s->fs->super->s_inodes_per_group;
	uint32_t g = (ino - 1) / ipg;

	if (ino == 0 || ino > s->fs->super->s_inodes_count || g >= s->fs->group_desc_count ||
	    !s->codes[g])
		return NULL;
	return &s->codes[g][(ino - 1) % ipg];
}

static struct special *special_find(struct scan *s, uint32_t ino)
{
	size_t lo = 0, hi = s->nsp;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->sp[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nsp && s->sp[lo].ino == ino ? &s->sp[lo] : NULL;
}

/* a data block of directory s->dir, if it is a block of the filesystem and the dir may have it */
static int add_data(void *arg, uint64_t blk, uint64_t count)
{
	struct scan *s = arg;
	uint64_t nblocks = ext2fs_blocks_count(s->fs->super);

	for (uint64_t i = 0; i < count; i++) {
		if (s->left[s->dir] == 0)
			return 0;
		if (blk + i < s->fs->super->s_first_data_block || blk + i >= nblocks) {
			s->bad++;
			return 0;
		}
		if (grow((void **)&s->blks, &s->blkcap, s->nblks, sizeof(*s->blks)) < 0)
			return -ENOMEM;
		s->blks[s->nblks++] = (struct dblk){ .blk = blk + i, .dir = s->dir };
		s->left[s->dir]--;
	}
	return 0;
}

/* an extent-tree or indirect block to read later, at level s->level */
static int add_node(void *arg, uint64_t blk, uint64_t count)
{
	struct scan *s = arg;

	(void)count;
	if (blk < s->fs->super->s_first_data_block || blk >= ext2fs_blocks_count(s->fs->super)) {
		s->bad++;
		return 0;
	}
	if (grow((void **)&s->nodes, &s->nodecap, s->nnodes, sizeof(*s->nodes)) < 0)
		return -ENOMEM;
	s->nodes[s->nnodes++] = (struct node){ .blk = blk, .dir = s->dir, .level = s->level };
	return 0;
}

static int dir_blocks(struct scan *s, const struct ext2_inode *in)
{
	const uint8_t *ib = (const uint8_t *)in->i_block;
	unsigned depth = 0;
	int r;

	if (in->i_flags & EXT4_INLINE_DATA_FL) {
		r = grow((void **)&s->inl, &s->inlcap, s->ninl, sizeof(*s->inl));
		if (r == 0)
			s->inl[s->ninl++] = s->dir;
		return r;
	}
	if (in->i_flags & EXT4_EXTENTS_FL) {
		s->level = 0;
		r = ut_extent_node(ib, sizeof(in->i_block), &depth, add_data, add_node, s);
		if (r == -EUCLEAN) {
			s->bad++;
			r = 0;
		}
		return r;
	}
	/* block map: 12 direct blocks, then single, double and triple indirect */
	r = ut_indirect(ib, EXT2_NDIR_BLOCKS * 4, add_data, s);
	for (unsigned lvl = 1; r == 0 && lvl <= 3; lvl++) {
		s->level = (uint8_t)lvl;
		r = ut_indirect(ib + (EXT2_NDIR_BLOCKS + lvl - 1) * 4, 4, add_node, s);
	}
	return r;
}

/* Record inode ino in use: its code, its directory record. 0, 1 when skipped, or -ENOMEM. */
static int note_inode(struct scan *s, ext2_ino_t ino, struct ext2_inode *in)
{
	uint32_t ipg = s->fs->super->s_inodes_per_group, g = (ino - 1) / ipg;
	uint64_t b512 = ext2fs_get_stat_i_blocks(s->fs, in);
	uint16_t *code;
	long idx;

	if (g >= s->fs->group_desc_count)
		return 1; /* skipped; libext2fs never gives one: its open checks the counts */
	if (!s->codes[g]) {
		s->codes[g] = calloc(ipg, sizeof(uint16_t));
		if (!s->codes[g])
			return -ENOMEM;
	}
	code = &s->codes[g][(ino - 1) % ipg];
	if (b512 > s->max512)
		b512 = s->max512; /* a damaged i_blocks may claim more than the filesystem has */
	if (LINUX_S_ISDIR(in->i_mode)) {
		idx = ut_add_dir(&s->t, ino, b512 * 512);
		if (idx < 0)
			return (int)idx;
		*code = CODE_DIR;
		s->dir = (uint32_t)idx;
		return 0;
	}
	/* ext4_file_getattr() counts inline data as sectors, so tar and du see no sparse file */
	if (LINUX_S_ISREG(in->i_mode) && (in->i_flags & EXT4_INLINE_DATA_FL))
		b512 += (EXT2_I_SIZE(in) + 511) / 512;
	if (b512 > s->max512)
		b512 = s->max512; /* and inline data too */
	if (in->i_links_count == 1 && b512 < CODE_MAX - 1) {
		*code = (uint16_t)(b512 + 1);
		return 0;
	}
	if (grow((void **)&s->sp, &s->spcap, s->nsp, sizeof(*s->sp)) < 0)
		return -ENOMEM;
	s->sp[s->nsp++] =
		(struct special){ .ino = ino, .multi = in->i_links_count > 1, .bytes = b512 * 512 };
	*code = CODE_SPECIAL;
	return 0;
}

/*
 * Ask the kernel to start reading blocks we will want soon, so the disk works
 * while we parse what it gave last (a hint: nothing is read here, errors are moot).
 */
static void ahead(struct scan *s, uint64_t blk, uint64_t count)
{
	if (s->ra_fd >= 0)
		(void)posix_fadvise(s->ra_fd, (off_t)(blk * s->fs->blocksize),
				    (off_t)(count * s->fs->blocksize), POSIX_FADV_WILLNEED);
}

/* the used part of group g's inode table */
static void ahead_group(struct scan *s, dgrp_t g)
{
	ext2_filsys fs = s->fs;
	uint64_t used = fs->super->s_inodes_per_group;
	uint64_t ipb = fs->blocksize / EXT2_INODE_SIZE(fs->super);

	if (g >= fs->group_desc_count || ipb == 0)
		return;
	if (ext2fs_has_group_desc_csum(fs)) {
		if (ext2fs_bg_flags_test(fs, g, EXT2_BG_INODE_UNINIT))
			return;
		used = used > ext2fs_bg_itable_unused(fs, g) ? used - ext2fs_bg_itable_unused(fs, g)
							     : 0;
	}
	if (used)
		ahead(s, ext2fs_inode_table_loc(fs, g), (used + ipb - 1) / ipb);
}

static errcode_t group_done(ext2_filsys fs, ext2_inode_scan scan, dgrp_t group, void *priv)
{
	struct scan *s = priv;

	ahead_group(s, group + 1 + RA_GROUPS);

	(void)scan;
	ut_progress(&s->prog, "reading inode tables", group + 1, fs->group_desc_count);
	return 0;
}

/* Pass 1: every inode table in use, in order. */
static int pass_inodes(struct scan *s, struct rsc_buf *why)
{
	ext2_filsys fs = s->fs;
	size_t isize = EXT2_INODE_SIZE(fs->super);
	_cleanup_free_ struct ext2_inode *in = malloc(isize < sizeof(*in) ? sizeof(*in) : isize);
	size_t lcap = 0;
	ext2_inode_scan scan = NULL;
	ext2_ino_t ino = 0;
	errcode_t err;
	int r = 0;

	if (!in)
		return -ENOMEM;
	err = ext2fs_open_inode_scan(fs, fs->inode_blocks_per_group, &scan);
	if (err) {
		rsc_buf_printf(why, "libext2fs cannot scan the inode tables: %s",
			       error_message(err));
		return -EIO;
	}
	ext2fs_inode_scan_flags(scan, EXT2_SF_SKIP_MISSING_ITABLE, 0);
	ext2fs_set_inode_callback(scan, group_done, s);
	for (dgrp_t g = 0; g <= RA_GROUPS; g++)
		ahead_group(s, g);
	for (;;) {
		err = ext2fs_get_next_inode_full(scan, &ino, in, (int)isize);
		if (err == EXT2_ET_BAD_BLOCK_IN_INODE_TABLE || err == EXT2_ET_INODE_CSUM_INVALID ||
		    err == EXT2_ET_INODE_IS_GARBAGE) {
			s->bad++;
			continue;
		}
		if (err) {
			rsc_buf_printf(why, "libext2fs: reading the inode tables: %s",
				       error_message(err));
			r = -EIO;
			break;
		}
		if (ino == 0)
			break;
		if (in->i_links_count == 0 ||
		    (ino < EXT2_FIRST_INODE(fs->super) && ino != EXT2_ROOT_INO))
			continue;
		r = note_inode(s, ino, in);
		if (r > 0) {
			r = 0;
			continue;
		}
		if (r == 0 && LINUX_S_ISDIR(in->i_mode)) {
			uint64_t nb = ext2fs_get_stat_i_blocks(fs, in) / (fs->blocksize / 512);

			r = grow((void **)&s->left, &lcap, s->dir, sizeof(*s->left));
			if (r == 0) {
				s->left[s->dir] = nb > UINT32_MAX ? UINT32_MAX : (uint32_t)nb;
				r = dir_blocks(s, in);
			}
		}
		if (r < 0)
			break;
	}
	ext2fs_close_inode_scan(scan);
	return r;
}

static int cmp_node(const void *a, const void *b)
{
	const struct node *x = a, *y = b;

	return x->blk < y->blk ? -1 : x->blk > y->blk;
}

/* The extent-tree and indirect blocks of the directories, level by level, in block order. */
static int pass_nodes(struct scan *s, uint8_t *buf)
{
	for (unsigned round = 0; round < NODE_ROUNDS && s->nnodes; round++) {
		struct node *todo = s->nodes;
		size_t n = s->nnodes;
		int r = 0;

		s->nodes = NULL;
		s->nnodes = s->nodecap = 0;
		qsort(todo, n, sizeof(*todo), cmp_node);
		for (size_t i = 0; r == 0 && i < n; i++) {
			unsigned depth = 0;

			if (io_channel_read_blk64(s->fs->io, todo[i].blk, 1, buf)) {
				s->bad++;
				continue;
			}
			s->dir = todo[i].dir;
			if (todo[i].level == 0) {
				r = ut_extent_node(buf, s->fs->blocksize, &depth, add_data,
						   add_node, s);
			} else {
				s->level = (uint8_t)(todo[i].level - 1);
				r = ut_indirect(buf, s->fs->blocksize,
						todo[i].level == 1 ? add_data : add_node, s);
			}
			if (r == -EUCLEAN) {
				s->bad++;
				r = 0;
			}
		}
		free(todo);
		if (r < 0)
			return r;
	}
	if (s->nnodes)
		s->bad++; /* deeper than any valid tree */
	return 0;
}

static bool is_dot(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

/* One entry of directory s->dir. */
static int entry(void *arg, uint32_t ino, const char *name, size_t len, uint8_t type)
{
	struct scan *s = arg;
	uint16_t *code;
	struct special *sp;
	uint32_t child;
	int r;

	(void)type; /* the inode's own mode decides, not the entry's type */
	if (is_dot(name, len))
		return 0;
	code = code_at(s, ino);
	if (!code || *code == CODE_FREE) {
		s->bad++; /* an entry naming an inode not in use */
		return 0;
	}
	switch (*code) {
	case CODE_DIR:
		child = ut_find(&s->t, ino);
		r = child == UT_NONE || ino == EXT2_ROOT_INO
			    ? -EEXIST
			    : ut_set_parent(&s->t, child, s->dir, name, len);
		if (r == -EEXIST)
			s->bad++; /* a second name for a directory */
		return r == -ENOMEM ? r : 0;
	case CODE_SPECIAL:
		sp = special_find(s, ino);
		if (!sp || (sp->multi && sp->seen))
			return 0;
		sp->seen = true;
		ut_add_file(&s->t, s->dir, name, len, sp->bytes);
		return 0;
	default:
		ut_add_file(&s->t, s->dir, name, len, (uint64_t)(*code - 1) * 512);
		return 0;
	}
}

static int walk_block(struct scan *s, uint32_t dir, const uint8_t *p, size_t len)
{
	int r;

	s->dir = dir;
	r = ut_dirblock_walk(p, len, s->ftype, entry, s);
	if (r == -EUCLEAN) {
		s->bad++;
		r = 0;
	}
	return r;
}

static int cmp_dblk(const void *a, const void *b)
{
	const struct dblk *x = a, *y = b;

	return x->blk < y->blk ? -1 : x->blk > y->blk;
}

/* The run of directory blocks from s->blks[i]: blocks [*start, *end), entries [i, return). */
static size_t run_at(const struct scan *s, size_t i, uint64_t *start, uint64_t *end)
{
	size_t j = i + 1;

	*start = s->blks[i].blk;
	*end = *start + 1;
	while (j < s->nblks && s->blks[j].blk - *end <= RUN_GAP &&
	       s->blks[j].blk + 1 - *start <= RUN_MAX) {
		*end = s->blks[j].blk + 1;
		j++;
	}
	return j;
}

/* Pass 2: every directory block, in block order, read in runs of nearby blocks. */
static int pass_dirs(struct scan *s, uint8_t *buf)
{
	size_t bs = s->fs->blocksize;
	size_t i = 0, ra = 0;	      /* the next run to read, the next to ask for */
	uint64_t asked = 0, done = 0; /* blocks asked for ahead, blocks read */
	int r = 0;

	if (s->nblks)
		qsort(s->blks, s->nblks, sizeof(*s->blks), cmp_dblk);
	while (r == 0 && i < s->nblks) {
		uint64_t start, end;
		size_t j = run_at(s, i, &start, &end);

		while (ra < s->nblks && (asked - done) * bs < RA_BYTES) {
			uint64_t a0, a1;

			ra = run_at(s, ra, &a0, &a1);
			ahead(s, a0, a1 - a0);
			asked += a1 - a0;
		}
		done += end - start;
		if (io_channel_read_blk64(s->fs->io, start, (int)(end - start), buf)) {
			s->bad += j - i;
			i = j;
			continue;
		}
		for (; r == 0 && i < j; i++)
			r = walk_block(s, s->blks[i].dir, buf + (s->blks[i].blk - start) * bs, bs);
		ut_progress(&s->prog, "reading directories", i, s->nblks);
	}
	return r;
}

#define INLINE_IBLOCK 60 /* bytes of i_block; the first 4 are the parent's inode number */

static int pass_inline(struct scan *s)
{
	_cleanup_free_ uint8_t *buf = NULL;
	size_t cap = 0;
	int r = 0;

	for (size_t i = 0; r == 0 && i < s->ninl; i++) {
		uint32_t dir = s->inl[i];
		size_t size = 0;

		if (ext2fs_inline_data_size(s->fs, s->t.dirs[dir].key, &size) ||
		    size < INLINE_IBLOCK) {
			s->bad++;
			continue;
		}
		if (size > cap) {
			free(buf);
			buf = malloc(size);
			cap = buf ? size : 0;
			if (!buf)
				return -ENOMEM;
		}
		if (ext2fs_inline_data_get(s->fs, s->t.dirs[dir].key, NULL, buf, &size) ||
		    size < INLINE_IBLOCK || size > cap) {
			s->bad++;
			continue;
		}
		r = walk_block(s, dir, buf + 4, INLINE_IBLOCK - 4);
		if (r == 0 && size > INLINE_IBLOCK)
			r = walk_block(s, dir, buf + INLINE_IBLOCK, size - INLINE_IBLOCK);
	}
	return r;
}

static void fs_counts(struct scan *s, struct rsc_usage *u)
{
	ext2_filsys fs = s->fs;
	uint64_t free_clusters = 0, free_inodes = 0;

	for (dgrp_t g = 0; g < fs->group_desc_count; g++) {
		free_clusters += ext2fs_bg_free_blocks_count(fs, g);
		free_inodes += ext2fs_bg_free_inodes_count(fs, g);
	}
	u->has_fs = true;
	u->fs_bytes = ext2fs_blocks_count(fs->super) * fs->blocksize;
	u->fs_bytes_used = u->fs_bytes - EXT2FS_C2B(fs, free_clusters) * fs->blocksize;
	u->fs_inodes = fs->super->s_inodes_count;
	u->fs_inodes_used = u->fs_inodes - free_inodes;
	u->unreplayed = ext2fs_has_feature_journal_needs_recovery(fs->super);
}

static void scan_free(struct scan *s)
{
	for (dgrp_t g = 0; s->codes && g < s->fs->group_desc_count; g++)
		free(s->codes[g]);
	free(s->codes);
	free(s->sp);
	free(s->blks);
	free(s->nodes);
	free(s->left);
	free(s->inl);
	ut_free(&s->t);
}

static int open_fs(const char *dev, ext2_filsys *fs, struct rsc_buf *why)
{
	errcode_t err;

	initialize_ext2_error_table(); /* error_message() names libext2fs's codes; idempotent */
	/* read-only: no EXT2_FLAG_RW, no journal replay; damaged checksums are read anyway */
	err = ext2fs_open2(dev, NULL, EXT2_FLAG_64BITS | EXT2_FLAG_IGNORE_CSUM_ERRORS, 0, 0,
			   unix_io_manager, fs);
	if (!err)
		return 0;
	if (err == ENOMEM || err == EXT2_ET_NO_MEMORY)
		return -ENOMEM;
	rsc_buf_printf(why, "libext2fs cannot open it: %s", error_message(err));
	return err == EXT2_ET_BAD_MAGIC || err == EXT2_ET_SB_CSUM_INVALID ? -ENOTSUP : -EIO;
}

int rsc_usage_ext4(const char *dev, const struct rsc_usage_opts *o, struct rsc_usage *u,
		   struct rsc_buf *why)
{
	struct scan s;
	_cleanup_free_ uint8_t *buf = NULL;
	double t0 = ut_now();
	uint32_t root;
	int r;

	memset(&s, 0, sizeof(s));
	memset(u, 0, sizeof(*u));
	s.ra_fd = -1;
	r = ut_init(&s.t, o->top);
	if (r < 0)
		return r;
	r = open_fs(dev, &s.fs, why);
	if (r < 0) {
		ut_free(&s.t);
		return r;
	}
	s.ftype = ext2fs_has_feature_filetype(s.fs->super);
	/* in sectors, and small enough that sectors * 512 is a byte count that does not wrap */
	s.max512 = ext2fs_blocks_count(s.fs->super) > UINT64_MAX / 512 / (s.fs->blocksize / 512)
			   ? UINT64_MAX / 512
			   : ext2fs_blocks_count(s.fs->super) * (s.fs->blocksize / 512);
	s.codes = calloc(s.fs->group_desc_count, sizeof(*s.codes));
	buf = malloc((size_t)RUN_MAX * s.fs->blocksize);
	if (!s.codes || !buf) {
		r = -ENOMEM;
		goto out;
	}
	s.ra_fd = open(dev, O_RDONLY | O_CLOEXEC);
	ut_progress_start(&s.prog, o->progress);
	r = pass_inodes(&s, why);
	if (r == 0)
		r = pass_nodes(&s, buf);
	if (r == 0)
		r = pass_dirs(&s, buf);
	if (r == 0)
		r = pass_inline(&s);
	ut_progress_end(&s.prog);
	if (r < 0)
		goto out;
	root = ut_find(&s.t, EXT2_ROOT_INO);
	if (root == UT_NONE) {
		rsc_buf_printf(why, "the root directory (inode 2) is not a directory in use");
		r = -EUCLEAN;
		goto out;
	}
	s.t.dirs[root].parent = root;
	r = ut_finish(&s.t, root, u);
	if (r < 0)
		goto out;
	u->method = "ext4";
	u->bad = s.bad;
	fs_counts(&s, u);
	u->seconds = ut_now() - t0;
out:
	if (r < 0)
		rsc_usage_free(u);
	scan_free(&s);
	if (s.ra_fd >= 0)
		close(s.ra_fd);
	ext2fs_free(s.fs); /* ext2fs_close2() could flush; free never writes */
	return r;
}
