// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * volume_beside.c - the victim's /usr, /var, /home, /srv (and /var/log,
 * /var/lib) on other volumes: found from the victim's own /etc/fstab and
 * mounted beside its root, so that every check sees the files sshd would.
 *
 * Only filesystems named by content (UUID=, LABEL=, PARTUUID=) are looked
 * for: a device name in the victim's fstab means another disk on a helper.
 * Each is opened like the root (rsc_volume_open: read-only loop device for
 * check) on its own mountpoint, then bind-mounted onto the directory of the
 * victim, opened inside the victim (a symlink there cannot send the mount
 * elsewhere). A device that the helper itself has mounted, the helper's
 * root, or any partition of a disk the helper has something mounted from,
 * is never used. What was mounted and what not is told in
 * v->beside (one line per entry).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <blkid/blkid.h>

#include "fstab.h"
#include "root.h"
#include "util.h"
#include "volume.h"
#include "volume_int.h"

/* The mountpoints looked for, parents before children. */
static const char *const wanted[] = { "/usr", "/var", "/var/lib", "/var/log", "/home", "/srv" };

static int say(struct rsc_buf *b, const char *file, const char *spec, const char *what)
{
	_cleanup_free_ char *f = rsc_escape(file), *s = rsc_escape(spec);

	if (!f || !s)
		return -ENOMEM;
	return rsc_buf_printf(b, "%s%s (%s): %s", b->len ? "\n" : "", f, s, what);
}

static bool by_content(const char *spec)
{
	return strncmp(spec, "UUID=", 5) == 0 || strncmp(spec, "LABEL=", 6) == 0 ||
	       strncmp(spec, "PARTUUID=", 9) == 0;
}

/*
 * The block devices of this helper whose filesystem (or partition) carries
 * spec's UUID, LABEL or PARTUUID: a fresh probe of each (/sys/class/block),
 * no udev links or blkid cache (a helper may have neither, or stale ones).
 * Returns how many match; *dev is the first (caller frees).
 */
static int find_by_spec(const char *spec, char **dev)
{
	static const struct {
		const char *prefix, *tag;
	} keys[] = { { "UUID=", "UUID" },
		     { "LABEL=", "LABEL" },
		     { "PARTUUID=", "PART_ENTRY_UUID" } };
	DIR *d = opendir("/sys/class/block");
	struct dirent *de;
	size_t k = 0;
	int n = 0;

	*dev = NULL;
	while (k < ARRAY_SIZE(keys) && strncmp(spec, keys[k].prefix, strlen(keys[k].prefix)) != 0)
		k++;
	if (!d || k == ARRAY_SIZE(keys)) {
		if (d)
			closedir(d);
		return 0;
	}
	while ((de = readdir(d))) {
		const char *want = spec + strlen(keys[k].prefix), *v = NULL;
		char path[80];
		blkid_probe pr;

		if (de->d_name[0] == '.' || strlen(de->d_name) > 63)
			continue;
		snprintf(path, sizeof(path), "/dev/%.63s", de->d_name);
		pr = blkid_new_probe_from_filename(path);
		if (!pr)
			continue;
		blkid_probe_enable_superblocks(pr, 1);
		blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_UUID | BLKID_SUBLKS_LABEL |
							      BLKID_SUBLKS_TYPE);
		blkid_probe_enable_partitions(pr, 1);
		blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
		if (blkid_do_safeprobe(pr) == 0 &&
		    blkid_probe_lookup_value(pr, keys[k].tag, &v, NULL) == 0 && v &&
		    strcasecmp(v, want) == 0 && n++ == 0)
			*dev = strdup(path);
		blkid_free_probe(pr);
	}
	closedir(d);
	return n;
}

/* Mount sub (already mounted on its own mountpoint) onto file inside the victim root. */
static int bind_into(struct rsc_root *root, const struct rsc_volume *sub, const char *file,
		     int *fd_out)
{
	char target[64], src[64];
	int dfd, sfd, r = 0;

	dfd = rsc_root_open_at(root, file, O_PATH | O_DIRECTORY | O_CLOEXEC, 0, RSC_NOFOLLOW);
	if (dfd < 0)
		return dfd;
	sfd = open(sub->mountpoint, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0) {
		r = -errno;
		close(dfd);
		return r;
	}
	snprintf(target, sizeof(target), "/proc/self/fd/%d", dfd);
	snprintf(src, sizeof(src), "/proc/self/fd/%d", sfd);
	if (mount(src, target, NULL, MS_BIND, NULL) < 0)
		r = -errno;
	close(sfd);
	close(dfd);
	if (r < 0)
		return r;
	/* an fd of the new mount's root, for its unmount (never a path through the victim) */
	*fd_out = rsc_root_open_at(root, file, O_PATH | O_DIRECTORY | O_CLOEXEC, 0, RSC_NOFOLLOW);
	return *fd_out < 0 ? *fd_out : 0;
}

static int one(struct rsc_beside *side, struct rsc_root *root, unsigned flags,
	       const struct rsc_fstab_entry *e, struct rsc_buf *note)
{
	_cleanup_free_ char *dev = NULL, *held = NULL, *d = NULL;
	struct rsc_buf why = { 0 };
	struct rsc_volume *sub = NULL;
	struct stat st;
	int r, fd = -1, count;

	if (!by_content(e->spec))
		return say(note, e->file, e->spec,
			   "not mounted: a device name means another disk on this helper; give "
			   "UUID= or LABEL= in the victim's fstab, or check it on its own");
	count = find_by_spec(e->spec, &dev);
	if (count == 0 || !dev)
		return say(note, e->file, e->spec, "not mounted: no such filesystem attached here");
	if (count > 1)
		return say(note, e->file, e->spec,
			   "not mounted: more than one device here carries it (clones); check "
			   "that filesystem on its own");
	if (stat(dev, &st) < 0 || !S_ISBLK(st.st_mode) || rsc_dev_is_running_root(st.st_rdev))
		return say(note, e->file, e->spec, "not mounted: it is this helper's own root");
	held = rsc_helper_mount_of(st.st_rdev);
	if (held)
		return say(note, e->file, e->spec,
			   "not mounted: that device is mounted on this helper (a clone of its "
			   "own?)");
	/* an unmounted partition of a disk the helper uses is the helper's, whatever the
	 * victim's fstab says: a hostile fstab must not have it mounted as its /home */
	held = rsc_helper_disk_mount(st.st_rdev);
	if (held)
		return say(note, e->file, e->spec,
			   "not mounted: it is on a disk this helper uses (another partition of "
			   "that disk is mounted here); check that filesystem on its own");
	r = rsc_volume_open(dev, flags & RSC_VOL_RW, &sub, &why);
	if (r == 0)
		r = bind_into(root, sub, e->file, &fd);
	if (r < 0) {
		int k = say(note, e->file, e->spec, why.data ? why.data : strerror(-r));

		rsc_buf_free(&why);
		rsc_volume_close(sub);
		return k < 0 ? k : 0;
	}
	rsc_buf_free(&why);
	side->sub = sub;
	side->fd = fd;
	d = rsc_escape(dev);
	return say(note, e->file, e->spec, d ? d : "?");
}

int rsc_volume_mount_beside(struct rsc_beside *side, size_t max, struct rsc_root *root,
			    unsigned flags, char **note_out, size_t *n_out)
{
	struct rsc_fstab tab = { 0 };
	struct rsc_buf note = { 0 };
	char *data = NULL;
	size_t len = 0, n = 0;
	int r;

	*n_out = 0;
	*note_out = NULL;
	r = rsc_root_read_file(root, "/etc/fstab", 1 << 20, 0, &data, &len, NULL);
	if (r < 0)
		return r == -ENOMEM ? r : 0; /* no fstab: nothing beside the root */
	r = rsc_fstab_parse(data, len, &tab);
	free(data);
	for (size_t w = 0; r == 0 && w < ARRAY_SIZE(wanted); w++) {
		for (size_t i = 0; r == 0 && i < tab.n && n < max; i++) {
			if (strcmp(tab.e[i].file, wanted[w]) != 0)
				continue;
			side[n].sub = NULL;
			side[n].fd = -1;
			r = one(&side[n], root, flags, &tab.e[i], &note);
			if (side[n].sub)
				n++;
			break; /* the first entry of a mountpoint, like mount -a */
		}
	}
	rsc_fstab_free(&tab);
	*n_out = n;
	if (r < 0) {
		rsc_volume_unmount_beside(side, n);
		*n_out = 0;
		rsc_buf_free(&note);
		return r;
	}
	*note_out = note.len ? rsc_buf_steal(&note) : NULL;
	return 0;
}

void rsc_volume_unmount_beside(struct rsc_beside *side, size_t n)
{
	for (size_t i = n; i-- > 0;) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/fd/%d", side[i].fd);
		if (side[i].fd >= 0 && umount2(path, 0) < 0)
			umount2(path, MNT_DETACH);
		if (side[i].fd >= 0)
			close(side[i].fd);
		rsc_volume_close(side[i].sub);
		side[i].sub = NULL;
		side[i].fd = -1;
	}
}
