// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs_ext4.c - the ext2/3/4 superblock of the victim's root, read with
 * libext2fs from the read-only loop device the volume is mounted from.
 *
 * Never a write: no EXT2_FLAG_RW (libext2fs then opens the device O_RDONLY
 * and refuses to flush), the journal is not replayed (libext2fs never does;
 * e2fsck and debugfs do it on purpose), the handle is released with
 * ext2fs_free(), which writes nothing, and the loop device itself is
 * read-only. What is read is the state on disk: with a journal that needs
 * recovery, the unreplayed one, which is also what the noload mount shows.
 *
 * Free space is counted as the kernel does at mount: the sum of the group
 * descriptors' free counts (the superblock's own totals are only brought up
 * to date at unmount, so after a crash they are stale).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <et/com_err.h>
#include <ext2fs/ext2_fs.h>
#include <ext2fs/ext2fs.h>

#include "checks.h"
#include "fs_health.h"
#include "problem.h"
#include "report.h"

#define ORPHANS_MAX 10000 /* the walk of the orphan list stops there (a loop, a huge list) */

/* EXT4_ERR_* of fs/ext4/ext4.h: the errno of an error record */
static const char *const errcodes[] = {
	[1] = "unknown",      [2] = "EIO",	[3] = "ENOMEM",	    [4] = "EFSBADCRC",
	[5] = "EFSCORRUPTED", [6] = "ENOSPC",	[7] = "ENOKEY",	    [8] = "EROFS",
	[9] = "EFBIG",	      [10] = "EEXIST",	[11] = "ERANGE",    [12] = "EOVERFLOW",
	[13] = "EBUSY",	      [14] = "ENOTDIR", [15] = "ENOTEMPTY", [16] = "ESHUTDOWN",
	[17] = "EFAULT",
};

int rsc_ext4_error_format(struct rsc_buf *b, const struct rsc_ext4_error *e)
{
	char when[64] = "an unknown time";
	size_t flen = 0;
	struct tm tm;
	time_t t = (time_t)e->time;
	int r;

	if (e->time && (uint64_t)t == e->time && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	while (e->func && flen < e->func_len && e->func[flen])
		flen++;
	r = rsc_buf_adds(b, when);
	if (r == 0 && flen) {
		r = rsc_buf_adds(b, " in ");
		if (r == 0)
			r = rsc_buf_add(b, e->func, flen);
		if (r == 0 && e->line)
			r = rsc_buf_printf(b, ":%u", e->line);
	}
	if (r == 0 && e->ino)
		r = rsc_buf_printf(b, ", inode %u", e->ino);
	if (r == 0 && e->block)
		r = rsc_buf_printf(b, ", block %llu", (unsigned long long)e->block);
	if (r == 0 && e->errcode)
		r = rsc_buf_printf(b, " (%s)",
				   e->errcode < ARRAY_SIZE(errcodes) && errcodes[e->errcode]
					   ? errcodes[e->errcode]
					   : "error code unknown to this tool");
	return r;
}

uint64_t rsc_ext4_resv_clusters(uint64_t clusters)
{
	uint64_t resv = clusters / 50;

	return resv < 4096 ? resv : 4096;
}

void rsc_ext4_space(struct rsc_fs_usage *u, uint64_t free_blocks, uint64_t r_blocks, uint64_t resv)
{
	u->blocks_free = free_blocks;
	u->reserved = r_blocks;
	/* fs/ext4/balloc.c ext4_has_free_clusters(): users need more than r_blocks + resv free */
	u->blocks_root = free_blocks > resv ? free_blocks - resv : 0;
	u->blocks_user = free_blocks > resv + r_blocks ? free_blocks - resv - r_blocks : 0;
}

static struct rsc_ext4_error error_record(const struct ext2_super_block *sb, bool first)
{
	struct rsc_ext4_error e;

	memset(&e, 0, sizeof(e));
	if (first) {
		e.time = sb->s_first_error_time | ((uint64_t)sb->s_first_error_time_hi << 32);
		e.func = sb->s_first_error_func;
		e.func_len = sizeof(sb->s_first_error_func);
		e.line = sb->s_first_error_line;
		e.ino = sb->s_first_error_ino;
		e.block = sb->s_first_error_block;
		e.errcode = sb->s_first_error_errcode;
	} else {
		e.time = sb->s_last_error_time | ((uint64_t)sb->s_last_error_time_hi << 32);
		e.func = sb->s_last_error_func;
		e.func_len = sizeof(sb->s_last_error_func);
		e.line = sb->s_last_error_line;
		e.ino = sb->s_last_error_ino;
		e.block = sb->s_last_error_block;
		e.errcode = sb->s_last_error_errcode;
	}
	return e;
}

static int check_errors(struct rsc_ctx *ctx, const struct ext2_super_block *sb)
{
	struct rsc_ext4_error first = error_record(sb, true), last = error_record(sb, false);
	struct rsc_buf ev = { 0 };
	int r;

	if (!(sb->s_state & EXT2_ERROR_FS) && sb->s_error_count == 0 && first.time == 0)
		return 0;
	r = rsc_buf_printf(&ev, "state: %s; %u error%s recorded",
			   (sb->s_state & EXT2_ERROR_FS) ? "errors" : "no error flag",
			   sb->s_error_count, sb->s_error_count == 1 ? "" : "s");
	if (r == 0 && first.time) {
		r = rsc_buf_adds(&ev, "; first: ");
		if (r == 0)
			r = rsc_ext4_error_format(&ev, &first);
	}
	if (r == 0 && last.time && (last.time != first.time || last.line != first.line)) {
		r = rsc_buf_adds(&ev, "; last: ");
		if (r == 0)
			r = rsc_ext4_error_format(&ev, &last);
	}
	if (r == 0 && sb->s_errors >= 1 && sb->s_errors <= 3)
		r = rsc_buf_printf(&ev,
				   "; on errors the superblock says: %s (errors= in fstab "
				   "overrides it)",
				   sb->s_errors == 1   ? "continue"
				   : sb->s_errors == 2 ? "remount-ro"
						       : "panic");
	if (r == 0)
		r = rsc_fs_report(ctx, PR_FS_ERRORS, "%s", ev.data);
	rsc_buf_free(&ev);
	return r;
}

/*
 * Count the inodes of the orphan list and the blocks they hold; bounded, and
 * a loop (a damaged list) is found with Brent's algorithm: no memory needed.
 */
static void orphan_walk(ext2_filsys fs, uint32_t head, unsigned long *n, uint64_t *blocks,
			bool *broken)
{
	const struct ext2_super_block *sb = fs->super;
	uint32_t ino = head, mark = head;
	unsigned long power = 1, lam = 0;

	*n = 0;
	*blocks = 0;
	*broken = false;
	while (ino) {
		struct ext2_inode inode;

		if (ino < EXT2_FIRST_INODE(sb) || ino > sb->s_inodes_count || *n >= ORPHANS_MAX ||
		    *n >= sb->s_inodes_count || ext2fs_read_inode(fs, ino, &inode) != 0) {
			*broken = true;
			return;
		}
		(*n)++;
		*blocks += ext2fs_get_stat_i_blocks(fs, &inode) / (fs->blocksize / 512);
		ino = inode.i_dtime; /* an orphan's dtime links to the next one */
		if (ino == mark) {
			*broken = true; /* it loops */
			return;
		}
		if (++lam == power) {
			mark = ino;
			power *= 2;
			lam = 0;
		}
	}
}

static int check_orphans(struct rsc_ctx *ctx, ext2_filsys fs)
{
	struct ext2_super_block *sb = fs->super; /* the feature tests take no const */
	bool in_file = ext2fs_has_feature_orphan_present(sb);
	unsigned long n = 0;
	uint64_t blocks = 0;
	bool broken = false;

	if (!sb->s_last_orphan && !in_file)
		return 0;
	if (!sb->s_last_orphan)
		return rsc_fs_report(ctx, PR_FS_ORPHANS,
				     "the orphan file (inode %u) is marked as holding orphans",
				     sb->s_orphan_file_inum);
	orphan_walk(fs, sb->s_last_orphan, &n, &blocks, &broken);
	return rsc_fs_report(ctx, PR_FS_ORPHANS,
			     "orphan list from inode %u: %lu inode%s holding %llu block%s of %u "
			     "bytes%s%s",
			     sb->s_last_orphan, n, n == 1 ? "" : "s", (unsigned long long)blocks,
			     blocks == 1 ? "" : "s", fs->blocksize,
			     broken ? "; then the list is broken: it loops, leaves the inode "
				      "table or goes on too long (e2fsck repairs it)"
				    : "",
			     in_file ? "; the orphan file holds more" : "");
}

static int check_due(struct rsc_ctx *ctx, const struct ext2_super_block *sb)
{
	uint64_t last = sb->s_lastcheck | ((uint64_t)sb->s_lastcheck_hi << 32);
	time_t now = time(NULL);
	char when[64] = "never";
	time_t t = (time_t)last;
	struct tm tm;

	if (last && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	if (sb->s_max_mnt_count > 0 && sb->s_mnt_count >= (unsigned)sb->s_max_mnt_count)
		return rsc_fs_report(
			ctx, PR_FS_CHECK_DUE,
			"mounted %u times since the last check (%s), the maximum is %d",
			sb->s_mnt_count, when, sb->s_max_mnt_count);
	if (sb->s_checkinterval && now > 0 && (uint64_t)now >= last + sb->s_checkinterval)
		return rsc_fs_report(ctx, PR_FS_CHECK_DUE,
				     "last checked %s, the check interval is %u days", when,
				     sb->s_checkinterval / 86400);
	return 0;
}

static int check_features(struct rsc_ctx *ctx, const struct ext2_super_block *sb)
{
	struct rsc_kernel_ext4 k;
	char rel[64] = "an unknown kernel release";
	struct rsc_buf names = { 0 };
	uint32_t bad_in = 0, bad_ro = 0;
	int r;

	rsc_kernel_ext4_probe(&k);
	rsc_ext4_unsupported(&k, sb->s_feature_incompat, sb->s_feature_ro_compat, &bad_in, &bad_ro);
	/*
	 * We only get here after the kernel mounted the volume read-only: every
	 * incompat feature is supported, whatever the table says (a backport).
	 */
	if (!bad_ro)
		return 0;
	if (k.major)
		snprintf(rel, sizeof(rel), "Linux %u.%u", k.major, k.minor);
	r = rsc_ext4_feature_names(&names, false, bad_ro);
	if (r == 0)
		r = rsc_fs_report(ctx, PR_FS_FEATURE_RW,
				  "read-only-compatible features %s; this "
				  "helper runs %s",
				  names.data, rel);
	rsc_buf_free(&names);
	return r;
}

static void fill_usage(struct rsc_fs_usage *u, ext2_filsys fs)
{
	struct ext2_super_block *sb = fs->super;
	uint64_t free_clusters = 0, free_inodes = 0;
	uint64_t clusters = ext2fs_blocks_count(fs->super) >> fs->cluster_ratio_bits;

	for (dgrp_t g = 0; g < fs->group_desc_count; g++) {
		free_clusters += ext2fs_bg_free_blocks_count(fs, g);
		free_inodes += ext2fs_bg_free_inodes_count(fs, g);
	}
	u->has_usage = true;
	u->source = "superblock";
	u->health_checked = true;
	u->unreplayed = ext2fs_has_feature_journal_needs_recovery(sb);
	u->block_size = fs->blocksize;
	u->blocks = ext2fs_blocks_count(fs->super);
	u->inodes = sb->s_inodes_count;
	u->inodes_free = free_inodes;
	rsc_ext4_space(u, EXT2FS_C2B(fs, free_clusters), ext2fs_r_blocks_count(fs->super),
		       EXT2FS_C2B(fs, rsc_ext4_resv_clusters(clusters)));
}

int rsc_fs_ext4_check(struct rsc_ctx *ctx, const char *dev, struct rsc_buf *why)
{
	ext2_filsys fs = NULL;
	struct ext2_super_block *sb = NULL;
	errcode_t err;
	int r = 0;

	initialize_ext2_error_table(); /* error_message() names libext2fs's codes; idempotent */
	/* read-only: no EXT2_FLAG_RW, no journal replay; damaged checksums are read anyway */
	err = ext2fs_open2(dev, NULL, EXT2_FLAG_64BITS | EXT2_FLAG_IGNORE_CSUM_ERRORS, 0, 0,
			   unix_io_manager, &fs);
	if (err) {
		if (err == ENOMEM || err == EXT2_ET_NO_MEMORY)
			return -ENOMEM;
		r = rsc_buf_printf(why, "libext2fs cannot read the superblock: %s",
				   error_message(err));
		return r < 0 ? r : -EIO;
	}
	sb = fs->super;
	fill_usage(&ctx->fs, fs);
	r = check_errors(ctx, sb);
	if (r == 0 && !(sb->s_state & EXT2_VALID_FS) &&
	    !ext2fs_has_feature_journal_needs_recovery(sb))
		r = rsc_fs_report(ctx, PR_FS_UNCLEAN, "state: not clean%s",
				  ext2fs_has_feature_journal(sb) ? "" : ", no journal");
	if (r == 0 && ext2fs_has_feature_journal_needs_recovery(sb))
		r = rsc_fs_report(ctx, PR_FS_JOURNAL_RECOVERY,
				  "feature needs_recovery is set%s; mounted with noload, the "
				  "journal was not replayed",
				  (sb->s_state & EXT2_VALID_FS) ? "" : ", state: not clean");
	if (r == 0)
		r = check_orphans(ctx, fs);
	if (r == 0)
		r = check_due(ctx, sb);
	if (r == 0)
		r = check_features(ctx, sb);
	ext2fs_free(fs); /* ext2fs_close2() could flush; free never writes */
	return r;
}
