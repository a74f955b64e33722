// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * volume_helper.c - what the helper machine itself has mounted, read from its
 * mount table (libmount) and /sys: whether a device or image is the running
 * system's root, where a device, another partition of its disk, or a
 * filesystem of the same UUID (a cloned volume) is mounted (volume.h).
 */
#include <limits.h>
#include <linux/major.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <blkid/blkid.h>
#include <libmount/libmount.h>

#include "util.h"
#include "volume.h"
#include "volume_int.h"

bool rsc_dev_is_running_root(dev_t rdev)
{
	struct libmnt_table *tb = NULL;
	struct libmnt_fs *fs = NULL;
	struct stat st;
	bool is_root = false;

	if (stat("/", &st) == 0 && st.st_dev == rdev)
		return true;
	/* btrfs and friends show an anonymous st_dev: ask mountinfo for the source. */
	tb = mnt_new_table();
	if (!tb)
		return false;
	if (mnt_table_parse_mtab(tb, NULL) == 0)
		fs = mnt_table_find_target(tb, "/", MNT_ITER_BACKWARD);
	if (fs) {
		const char *src = mnt_fs_get_srcpath(fs);

		if (src && src[0] == '/' && stat(src, &st) == 0 && S_ISBLK(st.st_mode) &&
		    st.st_rdev == rdev)
			is_root = true;
	}
	mnt_unref_table(tb);
	return is_root;
}

/*
 * The mountpoint (caller frees) of the first block-device mount of the
 * helper for which match(source, its rdev, arg) holds, or NULL.
 */
static char *helper_mount(bool (*match)(const char *src, dev_t rdev, const void *arg),
			  const void *arg)
{
	struct libmnt_table *tb = mnt_new_table();
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	char *found = NULL;

	if (tb && it && mnt_table_parse_mtab(tb, NULL) == 0) {
		while (!found && mnt_table_next_fs(tb, it, &fs) == 0) {
			const char *src = mnt_fs_get_srcpath(fs), *target = mnt_fs_get_target(fs);
			struct stat st;

			if (src && src[0] == '/' && target && stat(src, &st) == 0 &&
			    S_ISBLK(st.st_mode) && match(src, st.st_rdev, arg))
				found = strdup(target);
		}
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return found;
}

static bool same_dev(const char *src, dev_t rdev, const void *arg)
{
	(void)src;
	return rdev == *(const dev_t *)arg;
}

char *rsc_helper_mount_of(dev_t rdev)
{
	return helper_mount(same_dev, &rdev);
}

/*
 * The whole disk that holds the block device rdev: its parent's "dev" in
 * sysfs when rdev is a partition, else rdev itself; 0 when unknown.
 */
static dev_t disk_of(dev_t rdev)
{
	char path[96], text[32] = "";
	unsigned maj, min;
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/partition", major(rdev), minor(rdev));
	if (stat(path, &st) < 0)
		return rdev;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/../dev", major(rdev), minor(rdev));
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(text, sizeof(text), f))
		text[0] = '\0';
	fclose(f);
	return sscanf(text, "%u:%u", &maj, &min) == 2 ? makedev(maj, min) : 0;
}

static bool same_disk(const char *src, dev_t rdev, const void *arg)
{
	(void)src;
	return disk_of(rdev) == *(const dev_t *)arg;
}

char *rsc_helper_disk_mount(dev_t rdev)
{
	dev_t d = disk_of(rdev);

	return d ? helper_mount(same_disk, &d) : NULL;
}

struct uuid_match {
	const char *uuid;
	dev_t except;
};

static bool same_uuid(const char *src, dev_t rdev, const void *arg)
{
	const struct uuid_match *m = arg;
	char *u;
	bool same;

	if (rdev == m->except)
		return false;
	u = blkid_get_tag_value(NULL, "UUID", src);
	same = u && strcasecmp(u, m->uuid) == 0;
	free(u);
	return same;
}

char *rsc_helper_uuid_mount(const char *uuid, dev_t except)
{
	struct uuid_match m = { .uuid = uuid, .except = except };

	if (!uuid || !*uuid)
		return NULL;
	return helper_mount(same_uuid, &m);
}

bool rsc_image_is_running_root(const struct stat *img)
{
	char path[64], buf[PATH_MAX];
	struct stat st, bst;
	int k;

	if (stat("/", &st) < 0 || major(st.st_dev) != LOOP_MAJOR)
		return false;
	k = snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/loop/backing_file", major(st.st_dev),
		     minor(st.st_dev));
	if (k < 0 || (size_t)k >= sizeof(path) || rsc_read_sys_line(path, buf, sizeof(buf)) <= 0)
		return false;
	return stat(buf, &bst) == 0 && bst.st_dev == img->st_dev && bst.st_ino == img->st_ino;
}
