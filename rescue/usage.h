/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usage.h - what fills the victim's disk: the space and the inodes of every
 * directory, everything below it included, with du -x semantics (allocated
 * blocks, st_blocks, not the file size; every inode counted once, however many
 * hard links it has; never another filesystem, never a symlink followed).
 *
 * Two scanners fill the same struct rsc_usage:
 *  - ext2/3/4 (usage_ext4.c): libext2fs on the unmounted device or image,
 *    opened read-only: one pass over the used inode tables, then one over
 *    every directory block sorted by physical block. No mount, no dentry or
 *    inode cache left in the kernel; memory grows with the directories (2
 *    bytes per used inode besides).
 *  - any mounted root (usage_walk.c): a directory walk with openat/fdopendir
 *    from the root's fd, one name at a time, O_NOFOLLOW, staying on st_dev.
 */
#ifndef RSC_USAGE_H
#define RSC_USAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct rsc_buf;
struct rsc_root;

#define RSC_USAGE_TOP_DEFAULT 10
#define RSC_USAGE_TOP_MAX     1000

struct rsc_usage_opts {
	unsigned top;	/* entries per list; 0: RSC_USAGE_TOP_DEFAULT */
	FILE *progress; /* a progress bar goes here on long scans (a TTY); NULL: none */
};

struct rsc_usage_item {
	char *path;	 /* victim path, raw bytes (escape before printing); owned */
	uint64_t bytes;	 /* allocated bytes, everything below included */
	uint64_t inodes; /* inodes, the directory itself included */
};

struct rsc_usage {
	const char *method; /* "ext4" (inode tables and directory blocks) or "walk" (static) */
	bool unreplayed;    /* ext4 journal needs recovery: the scan is of the unreplayed state */
	uint64_t bytes;	    /* everything reachable from the root: du -x -s in bytes */
	uint64_t inodes;    /* du -x -s --inodes */
	uint64_t dirs;	    /* directories reached */
	uint64_t bad;	    /* damaged directory blocks or entries, unreadable directories */
	uint64_t other_fs;  /* walk: entries on another filesystem, skipped */
	uint64_t too_deep;  /* walk: directories below the depth limit, not entered */
	bool has_fs;	    /* the filesystem's own counts below are known */
	uint64_t fs_bytes, fs_bytes_used, fs_inodes, fs_inodes_used;
	double seconds; /* how long the scan took */
	size_t ntop_bytes, ntop_inodes, ntop_files;
	struct rsc_usage_item *top_bytes;  /* directories by bytes, largest first ("/" left out) */
	struct rsc_usage_item *top_inodes; /* directories by inodes */
	struct rsc_usage_item *top_files;  /* files by bytes (inodes is 1) */
};

/*
 * Scan the ext2/3/4 filesystem on dev (an image or a block device; opened
 * read-only, nothing is written, the journal is not replayed). -ENOTSUP with
 * *why filled when dev holds no ext2/3/4 filesystem; other errors -errno,
 * with *why filled. On success *u is filled; free with rsc_usage_free().
 */
int rsc_usage_ext4(const char *dev, const struct rsc_usage_opts *o, struct rsc_usage *u,
		   struct rsc_buf *why);

/* Walk the mounted root r the same way (any filesystem). Returns 0 or -errno (*why filled). */
int rsc_usage_walk(struct rsc_root *r, const struct rsc_usage_opts *o, struct rsc_usage *u,
		   struct rsc_buf *why);

void rsc_usage_free(struct rsc_usage *u);

/* "5.2 GiB", "812 KiB", "0 B": binary units, 3 significant digits; into buf. */
const char *rsc_usage_human(uint64_t bytes, char *buf, size_t len);

/* The report of `sshrescue usage`: text (escaped paths) or JSON. Returns 0 or -ENOMEM. */
int rsc_usage_print_text(const struct rsc_usage *u, const char *target, FILE *out);
int rsc_usage_print_json(const struct rsc_usage *u, const char *target, FILE *out);

/*
 * One line for a finding's evidence: "largest: /var/log 5.1 GiB, /home 1.2
 * GiB, …; most inodes: …; largest files: …" (n entries each, escaped).
 * Returns 0 or -ENOMEM.
 */
int rsc_usage_summary(const struct rsc_usage *u, size_t n, struct rsc_buf *b);

#endif
