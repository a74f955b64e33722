/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usageP.h - internals of the usage scanners (usage_*.c), shared with the
 * unit tests and the fuzz target: the directory tree the sizes roll up in,
 * and the parsers of on-disk ext2/3/4 bytes (directory blocks, extent nodes,
 * indirect blocks), each strictly bounds-checked.
 */
#ifndef RSC_USAGEP_H
#define RSC_USAGEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "usage.h"

#define UT_NONE UINT32_MAX

/* One directory: its parent, its name in the parent, and what is in it. */
struct ut_dir {
	uint32_t key;	   /* ext4: inode number (the array is sorted by it); walk: unused */
	uint32_t parent;   /* index in the tree, UT_NONE until an entry names it */
	uint32_t name_off; /* into the name pool */
	uint8_t name_len;
	uint8_t flags;	 /* UT_* below */
	uint64_t bytes;	 /* the directory's own blocks and its files'; after roll-up, all below */
	uint64_t inodes; /* likewise */
};

enum { UT_INLINE = 1 << 0 };

struct ut_file {
	uint32_t dir;
	uint8_t name_len;
	uint64_t bytes;
	char name[256];
};

struct ut_tree {
	struct ut_dir *dirs;
	size_t ndirs, cap;
	char *names;
	size_t names_len, names_cap;
	struct ut_file *files; /* the largest files seen, largest first */
	size_t nfiles, top;
};

int ut_init(struct ut_tree *t, unsigned top);
void ut_free(struct ut_tree *t);
/* Append a directory (parent UT_NONE, no name). Returns its index or -ENOMEM. */
/* a + b, or UINT64_MAX where it would wrap (a damaged inode's counts must not make a total small). */
static inline uint64_t ut_sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

long ut_add_dir(struct ut_tree *t, uint32_t key, uint64_t bytes);
/* Give dir its parent and name: the first entry naming it wins, a later one (or a name over
 * 255 bytes) gets -EEXIST. 0, -EEXIST or -ENOMEM. */
int ut_set_parent(struct ut_tree *t, uint32_t dir, uint32_t parent, const char *name, size_t len);
/* A non-directory inode of bytes in dir. */
void ut_add_file(struct ut_tree *t, uint32_t dir, const char *name, size_t len, uint64_t bytes);
/* Index of the directory with key (ext4 inode), or UT_NONE; dirs must be sorted by key. */
uint32_t ut_find(const struct ut_tree *t, uint32_t key);
/*
 * Roll the sizes up from root (its own parent), fill u's totals and top lists
 * (directories never reached from root count nowhere, like du). 0 or -ENOMEM.
 */
int ut_finish(struct ut_tree *t, uint32_t root, struct rsc_usage *u);

/* A progress bar on a terminal, drawn only once the scan has taken a second. */
struct ut_progress {
	FILE *out;
	double start, last;
	bool drawn;
};
double ut_now(void);
void ut_progress_start(struct ut_progress *p, FILE *out);
/* Show done/total of the phase what (a few words). */
void ut_progress(struct ut_progress *p, const char *what, uint64_t done, uint64_t total);
void ut_progress_end(struct ut_progress *p);

/*
 * Directory entries of an ext2/3/4 directory block (or an inline-data region):
 * each of inode 0 is skipped (free space, the htree index, the checksum tail).
 * has_ftype: the filetype feature (name_len is one byte, then the type); else
 * a 16-bit name_len. The walk stops at the first entry that does not fit
 * (rec_len < 8 or not a multiple of 4 or past the end, name longer than its
 * record). cb returns 0 to go on, non-zero to stop (returned). Returns 0, the
 * cb's value, or -EUCLEAN when the block was damaged (entries before were given).
 */
typedef int (*ut_dirent_cb)(void *arg, uint32_t ino, const char *name, size_t len, uint8_t type);
int ut_dirblock_walk(const uint8_t *buf, size_t len, bool has_ftype, ut_dirent_cb cb, void *arg);

/*
 * The ext4 extent node in buf (the 60 bytes of i_block, or a tree block):
 * leaves call leaf(arg, physical, count) for each initialised extent, index
 * nodes call index(arg, child block). Returns 0, a callback's non-zero value,
 * or -EUCLEAN (bad magic, entries beyond buf or beyond max); *depth gets the
 * node's depth.
 */
typedef int (*ut_blocks_cb)(void *arg, uint64_t block, uint64_t count);
int ut_extent_node(const uint8_t *buf, size_t len, unsigned *depth, ut_blocks_cb leaf,
		   ut_blocks_cb index, void *arg);

/* Each non-zero 32-bit block number of an indirect block (or i_block[]): cb(arg, block, 1). */
int ut_indirect(const uint8_t *buf, size_t len, ut_blocks_cb cb, void *arg);

#endif
