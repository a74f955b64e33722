/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fs_health.h - the pure parts of the fs-health family (fs_health.c,
 * fs_ext4feat.c), shared with the unit tests: ext4 feature support of the
 * running kernel, error records, free space as the kernel reckons it.
 */
#ifndef RSC_FS_HEALTH_H
#define RSC_FS_HEALTH_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "report.h"
#include "util.h"

/* What is known of the running kernel's ext4 driver. */
struct rsc_kernel_ext4 {
	unsigned major, minor; /* from uname -r; 0.0 when unknown */
	bool casefold;	       /* /sys/fs/ext4/features/casefold: built with CONFIG_UNICODE */
};

/* Parse "6.1.0-28-amd64" into 6 and 1. Returns 0 or -EINVAL. */
int rsc_kernel_release_parse(const char *release, unsigned *major, unsigned *minor);

/* Fill k from uname(2) and /sys/fs/ext4/features of the running kernel (never fails). */
void rsc_kernel_ext4_probe(struct rsc_kernel_ext4 *k);

/*
 * Which of the superblock's incompat / ro_compat feature bits the kernel k
 * cannot handle: bits unknown to any Linux ext4, bits newer than k's release
 * (mainline history), casefold without Unicode support, and the ro_compat
 * bits that always force a read-only mount (readonly, snapshot, replica,
 * shared_blocks). With an unknown release (0.0) only the first kinds count.
 */
void rsc_ext4_unsupported(const struct rsc_kernel_ext4 *k, uint32_t incompat, uint32_t ro_compat,
			  uint32_t *bad_incompat, uint32_t *bad_ro_compat);

/*
 * Append the names of the feature bits in mask ("orphan_present (Linux 5.15)",
 * unknown bits as "0x80000000"), comma-separated. Returns 0 or -ENOMEM.
 */
int rsc_ext4_feature_names(struct rsc_buf *b, bool incompat, uint32_t mask);

/* One error record of an ext4 superblock (s_first_error_* or s_last_error_*). */
struct rsc_ext4_error {
	uint64_t time; /* seconds since the epoch, 0 if none */
	const uint8_t *func;
	size_t func_len; /* bytes of func (not NUL-terminated on disk) */
	uint32_t line, ino;
	uint64_t block;
	uint8_t errcode; /* EXT4_ERR_*, 0 if unknown */
};

/*
 * Append "2026-11-30 12:00:01 UTC in ext4_lookup:1855, inode 12, block 0
 * (EFSCORRUPTED)" for e (raw bytes of func kept as they are: the report
 * escapes them). Returns 0 or -ENOMEM.
 */
int rsc_ext4_error_format(struct rsc_buf *b, const struct rsc_ext4_error *e);

/*
 * The blocks (clusters on bigalloc) ext4 keeps back even from root:
 * s_resv_clusters = min(clusters / 50, 4096), set at mount (fs/ext4/super.c
 * ext4_calculate_resv_clusters).
 */
uint64_t rsc_ext4_resv_clusters(uint64_t clusters);

/*
 * Fill the free-space view of u from the ext4 counts, in blocks: free (root's
 * reserve included), r_blocks (s_r_blocks_count) and the kernel's last
 * reserve resv (rsc_ext4_resv_clusters, as blocks).
 */
void rsc_ext4_space(struct rsc_fs_usage *u, uint64_t free_blocks, uint64_t r_blocks, uint64_t resv);

/* true for "ext2", "ext3" and "ext4" (what libext2fs reads). */
bool rsc_fs_is_ext(const char *fstype);

/* Read the superblock of dev with libext2fs (read-only) into ctx; fs_ext4.c. */
int rsc_fs_ext4_check(struct rsc_ctx *ctx, const char *dev, struct rsc_buf *why);

/* Record a finding of the fs family on the root ("/") with printf-style evidence. */
int rsc_fs_report(struct rsc_ctx *ctx, enum rsc_pid id, const char *fmt, ...) _printf_(3, 4);

#endif
