// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_usage.c - `sshrescue usage TARGET [--json] [--top N]`: what fills the
 * victim's disk (usage.h). An ext2/3/4 image or device is read directly,
 * unmounted and read-only, with libext2fs (a --partition of a disk image
 * through its read-only loop device); anything else (XFS, btrfs, a
 * directory) is opened like `check` opens it (read-only mount) and walked.
 * Never writes a byte.
 */
#include <errno.h>
#include <ext2fs/ext2fs.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "usage.h"
#include "util.h"
#include "volume.h"

static int print(const struct rsc_opts *o, const struct rsc_usage *u)
{
	int r = o->json ? rsc_usage_print_json(u, o->target, o->out)
			: rsc_usage_print_text(u, o->target, o->out);

	if (r < 0) {
		fprintf(o->err, "sshrescue: usage: %s\n", strerror(-r));
		return RSC_EXIT_OPERATIONAL;
	}
	return RSC_EXIT_OK;
}

static int fail(const struct rsc_opts *o, const struct rsc_buf *why, int r)
{
	_cleanup_free_ char *t = rsc_escape(o->target);

	fprintf(o->err, "sshrescue: %s: %s\n", t ? t : "?", why->data ? why->data : strerror(-r));
	return RSC_EXIT_OPERATIONAL;
}

static bool is_ext(const char *fstype)
{
	return fstype && (strcmp(fstype, "ext2") == 0 || strcmp(fstype, "ext3") == 0 ||
			  strcmp(fstype, "ext4") == 0);
}

/* An image or an unmounted (or read-only mounted) block device: the ext fast path may read it. */
static bool is_offline_device(const char *target)
{
	struct stat st;
	int flags = 0;

	if (stat(target, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
		return false;
	if (S_ISBLK(st.st_mode) && ext2fs_check_if_mounted(target, &flags) == 0 &&
	    (flags & EXT2_MF_MOUNTED) && !(flags & EXT2_MF_READONLY))
		return false; /* mounted read-write: the blocks on disk are not the current state */
	return true;
}

int rsc_cmd_usage(const struct rsc_opts *o)
{
	struct rsc_usage_opts uo = {
		.top = o->top,
		.progress = isatty(STDERR_FILENO) ? o->err : NULL,
	};
	struct rsc_usage u = { 0 };
	struct rsc_buf why = { 0 };
	struct rsc_volume *v = NULL;
	int status, r = -ENOTSUP;

	if (o->partition == 0 && is_offline_device(o->target)) {
		r = rsc_usage_ext4(o->target, &uo, &u, &why);
		if (r < 0 && r != -ENOTSUP) {
			status = fail(o, &why, r);
			goto out;
		}
		rsc_buf_reset(&why);
	}
	if (r == -ENOTSUP) {
		struct rsc_volume_how how = {
			.flags = o->live ? RSC_VOL_LIVE : 0,
			.partition = o->partition,
		};

		r = rsc_volume_open_how(o->target, &how, &v, &why);
		/* a partition of a disk image: its read-only loop device, like check reads it */
		if (r == 0 && v->read_only && v->loopdev && is_ext(v->fstype)) {
			r = rsc_usage_ext4(v->loopdev, &uo, &u, &why);
			if (r == -ENOTSUP)
				rsc_buf_reset(&why);
		} else if (r == 0) {
			r = -ENOTSUP;
		}
		if (r == -ENOTSUP)
			r = rsc_usage_walk(v->root, &uo, &u, &why);
		if (r < 0) {
			status = fail(o, &why, r);
			goto out;
		}
	}
	status = print(o, &u);
out:
	rsc_usage_free(&u);
	rsc_buf_free(&why);
	rsc_volume_close(v);
	return status;
}
