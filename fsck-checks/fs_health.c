// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs_health.c - is the victim's root filesystem healthy, and is it full?
 *
 *  1. Health, ext2/3/4 only, from the superblock read with libext2fs on the
 *     read-only loop device the volume is mounted from (fs_ext4.c): errors,
 *     unclean state, a journal that needs recovery, orphans, a check that is
 *     due, features this helper's kernel cannot mount read-write.
 *     When libext2fs refuses a superblock the kernel mounted, fs.unreadable.
 *     Not possible, and said so in the report (ctx->fs.health_note), for a
 *     directory target (no device), a volume mounted read-write (fix --apply:
 *     the superblock then shows the mounted state), other filesystems, and
 *     in unit tests (no volume).
 *     With --deep, the verdict of the filesystem's own checker, run read-only
 *     on the unmounted device before the mount (fsphase.c).
 *  2. Space: blocks and inodes used and free, and root's reserve, from the
 *     superblock for ext*, else statvfs of the mounted root; findings when
 *     ordinary users, or root too, cannot get a block, or no inode is left;
 *     their evidence names what fills it (usage.h: the ext4 scan of the
 *     read-only loop device, else a walk of the root), read-only too.
 * It runs first: a full or damaged filesystem explains what other checks find.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "checks.h"
#include "fs_health.h"
#include "fsphase.h"
#include "report.h"
#include "root.h"
#include "usage.h"
#include "volume.h"

int rsc_fs_report(struct rsc_ctx *ctx, enum rsc_pid id, const char *fmt, ...)
{
	struct rsc_detail d = { .path = "/" };
	struct rsc_buf ev = { 0 };
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rsc_buf_vprintf(&ev, fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	d.evidence = ev.data;
	r = rsc_report(ctx, id, &d);
	rsc_buf_free(&ev);
	return r;
}

bool rsc_fs_is_ext(const char *fstype)
{
	return fstype && (strcmp(fstype, "ext2") == 0 || strcmp(fstype, "ext3") == 0 ||
			  strcmp(fstype, "ext4") == 0);
}

static int note(struct rsc_ctx *ctx, const char *fmt, ...) _printf_(2, 3);

static int note(struct rsc_ctx *ctx, const char *fmt, ...)
{
	struct rsc_buf b = { 0 };
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rsc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	free(ctx->fs.health_note);
	ctx->fs.health_note = rsc_buf_steal(&b);
	return 0;
}

/* Usage of whatever holds the root, from the kernel (any filesystem, any target). */
static int usage_statvfs(struct rsc_ctx *ctx)
{
	struct rsc_fs_usage *u = &ctx->fs;
	struct statvfs sv;

	if (fstatvfs(rsc_root_fd(ctx->root), &sv) < 0)
		return -errno;
	u->has_usage = true;
	u->source = "statvfs";
	u->block_size = sv.f_frsize ? sv.f_frsize : sv.f_bsize;
	u->blocks = sv.f_blocks;
	u->blocks_free = sv.f_bfree;
	u->blocks_root = sv.f_bfree;
	u->blocks_user = sv.f_bavail;
	u->reserved = sv.f_bfree > sv.f_bavail ? sv.f_bfree - sv.f_bavail : 0;
	u->inodes = sv.f_files;
	u->inodes_free = sv.f_ffree;
	return 0;
}

static int percent(uint64_t part, uint64_t whole)
{
	return whole ? (int)((part * 100 + whole - 1) / whole) : 0;
}

#define TOP_IN_EVIDENCE 3 /* consumers of each kind named in a full disk's evidence */

/*
 * What fills a full filesystem, for the evidence: the usage scan (usage.h)
 * of the read-only loop device for ext*, else a walk of the mounted root.
 * Appends "; in directories …; largest directories: …" to b. 0 or -ENOMEM.
 */
static int what_fills_it(struct rsc_ctx *ctx, struct rsc_buf *b)
{
	const struct rsc_volume *v = ctx->volume;
	struct rsc_usage_opts o = { .top = TOP_IN_EVIDENCE };
	struct rsc_usage u = { 0 };
	struct rsc_buf why = { 0 };
	int r = -ENOTSUP;

	if (v && v->read_only && v->loopdev && rsc_fs_is_ext(v->fstype))
		r = rsc_usage_ext4(v->loopdev, &o, &u, &why);
	if (r < 0 && r != -ENOMEM) {
		rsc_buf_reset(&why);
		r = rsc_usage_walk(ctx->root, &o, &u, &why);
	}
	if (r == 0) {
		r = rsc_buf_adds(b, "; ");
		if (r == 0)
			r = rsc_usage_summary(&u, TOP_IN_EVIDENCE, b);
	} else if (r != -ENOMEM) {
		r = rsc_buf_printf(b, "; what fills it could not be measured: %s",
				   why.data ? why.data : strerror(-r));
	}
	rsc_usage_free(&u);
	rsc_buf_free(&why);
	return r;
}

static int check_space(struct rsc_ctx *ctx)
{
	const struct rsc_fs_usage *u = &ctx->fs;
	const char *src = u->unreplayed ? " (unreplayed journal: the state before the crash)" : "";
	bool no_inodes = u->inodes > 0 && u->inodes_free == 0;
	struct rsc_buf top = { 0 };
	const char *t;
	int r = 0;

	if (!u->has_usage || u->blocks == 0)
		return 0;
	if (u->blocks_user == 0 || no_inodes)
		r = what_fills_it(ctx, &top);
	if (r < 0)
		return r;
	t = top.data ? top.data : "";
	if (u->blocks_root == 0)
		r = rsc_fs_report(ctx, PR_FS_SPACE_ROOT,
				  "%llu of %llu blocks of %llu bytes free, none usable even by "
				  "root%s%s",
				  (unsigned long long)u->blocks_free, (unsigned long long)u->blocks,
				  (unsigned long long)u->block_size, src, t);
	else if (u->blocks_user == 0)
		r = rsc_fs_report(ctx, PR_FS_SPACE_USERS,
				  "%llu of %llu blocks of %llu bytes free, %llu reserved for root: "
				  "none left for other users%s%s",
				  (unsigned long long)u->blocks_free, (unsigned long long)u->blocks,
				  (unsigned long long)u->block_size,
				  (unsigned long long)u->reserved, src, t);
	/* btrfs and others report no inode counts (f_files 0): nothing to judge */
	if (r == 0 && no_inodes)
		r = rsc_fs_report(ctx, PR_FS_INODES_FULL,
				  "all %llu inodes in use; blocks %d%% used%s%s",
				  (unsigned long long)u->inodes,
				  percent(u->blocks - u->blocks_free, u->blocks), src, t);
	rsc_buf_free(&top);
	return r;
}

/* The verdict of check --deep (run before the mount, fsphase.c), as findings. */
static int check_deep(struct rsc_ctx *ctx)
{
	const struct rsc_fsck_result *d = ctx->fsphase ? &ctx->fsphase->deep_res : NULL;
	_cleanup_free_ char *lines = NULL;
	const char *unreplayed = ctx->fs.unreplayed ? " (the journal was not replayed: some of "
						      "it may be mended by the replay)"
						    : "";

	if (d && d->verdict == RSC_FSCK_NOT_RUN && ctx->fsphase->deep)
		return rsc_fs_report(ctx, PR_FS_DEEP_FAILED,
				     "--deep needs the device or the image: a directory target has "
				     "no device sshrescue may read");
	/* after a repair, the deep check's verdict is about the filesystem before it */
	if (!d || d->verdict == RSC_FSCK_NOT_RUN ||
	    ctx->fsphase->repair_res.verdict != RSC_FSCK_NOT_RUN)
		return 0;
	if (d->verdict == RSC_FSCK_FAILED)
		return rsc_fs_report(ctx, PR_FS_DEEP_FAILED, "%s: %s",
				     d->command ? d->command : "no checker",
				     d->reason ? d->reason : "failed");
	if (d->verdict != RSC_FSCK_DAMAGED)
		return 0;
	lines = rsc_fsck_problems(d, 6);
	if (!lines)
		return -ENOMEM;
	return rsc_fs_report(ctx, PR_FS_DEEP_DAMAGED, "%s exited with status %d%s: %s", d->command,
			     d->status, unreplayed, *lines ? lines : "(no detail)");
}

/* A victim filesystem with the UUID of one the helper has mounted (a cloned volume). */
static int check_clone(struct rsc_ctx *ctx)
{
	const struct rsc_volume *v = ctx->volume;
	_cleanup_free_ char *twin = NULL;
	struct stat st;
	dev_t self = 0;

	if (!v || v->kind == RSC_TARGET_DIR || !v->uuid)
		return 0;
	if (stat(v->loopdev ? v->loopdev : v->target, &st) == 0 && S_ISBLK(st.st_mode))
		self = st.st_rdev;
	twin = rsc_helper_uuid_mount(v->uuid, self);
	if (!twin)
		return 0;
	return rsc_fs_report(ctx, PR_FS_UUID_CLONE, "UUID %s, also the UUID of the helper's %s",
			     v->uuid, twin);
}

/*
 * Mounted read-write (fix --apply): the health is what the superblock said
 * just before the mount (fsphase.c), the space what the kernel says now.
 */
static int premount_findings(struct rsc_ctx *ctx, const struct rsc_ctx *pre)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < pre->nfindings; i++) {
		const struct rsc_finding *f = &pre->findings[i];
		struct rsc_detail d = { .path = f->path, .evidence = f->evidence };

		r = rsc_report(ctx, f->id, &d);
	}
	ctx->fs.health_checked = true;
	ctx->fs.unreplayed = pre->fs.unreplayed;
	return r;
}

static int run(struct rsc_ctx *ctx)
{
	const struct rsc_volume *v = ctx->volume;
	struct rsc_buf why = { 0 };
	int r = 0;

	if (!v)
		r = note(ctx, "no volume: only the directory's free space was measured");
	else if (v->kind == RSC_TARGET_DIR)
		r = note(ctx, "the target is a directory: sshrescue sees its files, not the device "
			      "under them; give the device or image to check the filesystem");
	else if (!rsc_fs_is_ext(v->fstype))
		r = note(ctx,
			 "no health check for %s filesystems yet: only the free space was "
			 "measured",
			 v->fstype ? v->fstype : "unknown");
	else if ((!v->read_only || !v->loopdev) && ctx->fsphase && ctx->fsphase->pre)
		r = premount_findings(ctx, ctx->fsphase->pre);
	else if (!v->read_only || !v->loopdev)
		r = note(ctx, "mounted read-write (for a repair): the superblock shows the mounted "
			      "state; run check to judge the filesystem");
	else {
		r = rsc_fs_ext4_check(ctx, v->loopdev, &why);
		if (r < 0 && r != -ENOMEM) {
			const char *w = why.data ? why.data : "libext2fs failed";

			/* not only a note: a filesystem e2fsck cannot open is a finding */
			memset(&ctx->fs, 0, sizeof(ctx->fs));
			r = note(ctx, "%s", w);
			if (r == 0)
				r = rsc_fs_report(ctx, PR_FS_UNREADABLE, "%s", w);
		}
		ctx->fs.fstype = v->fstype;
	}
	rsc_buf_free(&why);
	if (r < 0)
		return r;
	if (v && !ctx->fs.fstype)
		ctx->fs.fstype = v->fstype;
	if (!ctx->fs.has_usage) {
		r = usage_statvfs(ctx);
		if (r < 0)
			return r;
	}
	r = check_deep(ctx);
	if (r == 0)
		r = check_clone(ctx);
	return r < 0 ? r : check_space(ctx);
}

const struct rsc_check chk_fs_health = {
	.name = "fs-health",
	.summary = "the root filesystem's health from its ext2/3/4 superblock, read-only (errors "
		   "and their records, unclean state, a journal that needs recovery, orphans, a "
		   "check that is due, features this kernel cannot mount read-write) and its free "
		   "blocks and inodes for users and for root; with --deep, the filesystem's own "
		   "checker, read-only",
	.run = run,
};
