// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * volume.c - turn a TARGET (directory, image file or block device) into a
 * victim root.
 *
 * The target is opened once and everything after that works on that
 * descriptor: fstat decides the kind, libblkid probes the descriptor, and the
 * loop device is bound to it, so a path swapped under us between the steps
 * changes nothing.
 *
 * Read-only (check) never lets the kernel write:
 *  - an image is bound to a loop device with LO_FLAGS_READ_ONLY, backing file
 *    opened O_RDONLY;
 *  - a block device gets the same treatment: a read-only loop device on top of
 *    it. BLKROSET on the device itself would also work, but that flag is a
 *    property of the device, outlives us, and would surprise whoever uses the
 *    device next (or break it if it is mounted elsewhere). A loop device is
 *    ours alone and goes away with us.
 *  - the mount is "ro" plus "noload" (ext3/ext4), "norecovery" (XFS) or
 *    "rescue=nologreplay" (btrfs), so no journal or log is replayed.
 * Read-write (fix) mounts an image through a read-write loop device and a
 * block device directly (a second mount of a device already mounted elsewhere
 * then shares its superblock instead of writing behind its back).
 *
 * Every mount lives in a private mount namespace of this process: nobody else
 * sees it and it disappears with the process even on SIGKILL. Loop devices are
 * LO_FLAGS_AUTOCLEAR, so they detach when the mount and our descriptor are
 * gone. SIGINT/SIGTERM/SIGHUP unmount and remove the temporary mountpoint
 * (volume_signal.c), except while changes are made (rsc_signals_defer()):
 * then the signal is noted, the change in progress completes, and the
 * caller stops after it and unmounts the normal way.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <linux/major.h>
#include <dirent.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <blkid/blkid.h>
#include <libmount/libmount.h>

#include "root.h"
#include "util.h"
#include "volume.h"
#include "volume_int.h"

#define LOOP_ATTACH_TRIES 16
#define LISTED_NAMES	  8

/* The public struct plus what only this file needs. */
struct volume_priv {
	struct rsc_volume pub;
	int loop_fd;  /* our descriptor of the loop device, -1 if none */
	int sig_slot; /* rsc_vsig_slot_take()'s, -1 if none */
	rsc_volume_hook *hook;
	void *hook_arg;
	uint64_t offset, sizelimit; /* of the partition in the target, bytes; 0 0: the whole */
	struct rsc_beside side[RSC_BESIDE_MAX]; /* the fstab's /var, /home, … beside the root */
	size_t nside;
};

/* Replace *why with one formatted sentence; returns r for a tail call. */
_printf_(3, 4) static int fail(struct rsc_buf *why, int r, const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return r;
	rsc_buf_reset(why);
	va_start(ap, fmt);
	if (rsc_buf_vprintf(why, fmt, ap) < 0)
		r = -ENOMEM;
	va_end(ap);
	return r;
}

static void volume_free(struct volume_priv *p)
{
	if (!p)
		return;
	free(p->pub.target);
	free(p->pub.fstype);
	free(p->pub.uuid);
	free(p->pub.label);
	free(p->pub.loopdev);
	free(p->pub.mountpoint);
	free(p->pub.beside);
	free(p);
}

/* ---- identify ---- */

/*
 * --partition N: find it in the target's partition table and make the probe
 * (and later the loop device) look at it alone.
 */
static int select_partition(struct volume_priv *p, blkid_probe pr, int fd, const char *t,
			    struct rsc_buf *why)
{
	blkid_partlist ls = blkid_probe_get_partitions(pr);
	blkid_partition part =
		ls ? blkid_partlist_get_partition_by_partno(ls, (int)p->pub.partition) : NULL;
	blkid_loff_t start, size;

	if (!ls || blkid_partlist_numof_partitions(ls) <= 0)
		return fail(why, -ENODEV, "%s has no partition table: leave out --partition", t);
	if (!part)
		return fail(why, -ENODEV, "%s has no partition %u (it has %d)", t, p->pub.partition,
			    blkid_partlist_numof_partitions(ls));
	start = blkid_partition_get_start(part);
	size = blkid_partition_get_size(part);
	if (start <= 0 || size <= 0 || start > INT64_MAX / 512 || size > INT64_MAX / 512)
		return fail(why, -EINVAL, "partition %u of %s has an impossible extent",
			    p->pub.partition, t);
	p->offset = (uint64_t)start * 512;
	p->sizelimit = (uint64_t)size * 512;
	blkid_reset_probe(pr);
	if (blkid_probe_set_device(pr, fd, (blkid_loff_t)p->offset, (blkid_loff_t)p->sizelimit) < 0)
		return fail(why, -EIO, "cannot probe partition %u of %s", p->pub.partition, t);
	blkid_probe_enable_partitions(pr, 0);
	return 0;
}

static int probe(struct volume_priv *p, int fd, const char *t, struct rsc_buf *why)
{
	blkid_probe pr = NULL;
	const char *type = NULL, *usage = NULL, *val = NULL;
	int r, pr_r;

	pr = blkid_new_probe();
	if (!pr)
		return fail(why, -ENOMEM, "out of memory");
	if (blkid_probe_set_device(pr, fd, 0, 0) < 0) {
		r = fail(why, -EIO, "cannot probe %s", t);
		goto out;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID |
						      BLKID_SUBLKS_LABEL | BLKID_SUBLKS_USAGE);
	blkid_probe_enable_partitions(pr, 1);
	if (p->pub.partition) {
		r = select_partition(p, pr, fd, t, why);
		if (r < 0)
			goto out;
	}
	pr_r = blkid_do_safeprobe(pr);
	if (pr_r == -2) {
		r = fail(why, -EINVAL,
			 "%s carries signatures of more than one filesystem; blkid cannot tell "
			 "which is real (see 'wipefs %s' and remove the stale one)",
			 t, t);
		goto out;
	}
	if (pr_r < 0) {
		r = fail(why, -EIO, "cannot read %s to identify its filesystem", t);
		goto out;
	}
	if (pr_r == 0)
		blkid_probe_lookup_value(pr, "TYPE", &type, NULL);
	if (!type) {
		if (pr_r == 0 && blkid_probe_lookup_value(pr, "PTTYPE", &val, NULL) == 0)
			r = fail(why, -ENODEV,
				 "%s has a partition table (%s), not a filesystem; give "
				 "--partition N (partitions: sshrescue devices, or sfdisk -l) or "
				 "the partition's device",
				 t, val);
		else
			r = fail(why, -ENODEV,
				 "no filesystem found on %s (it is blank or in a format blkid "
				 "does not know)",
				 t);
		goto out;
	}
	blkid_probe_lookup_value(pr, "USAGE", &usage, NULL);
	if (usage && strcmp(usage, "filesystem") != 0) {
		if (strcmp(usage, "crypto") == 0)
			r = fail(why, -ENODEV,
				 "%s is an encrypted volume (%s), no filesystem; unlock it "
				 "(cryptsetup open) and give the /dev/mapper device",
				 t, type);
		else if (strcmp(usage, "raid") == 0)
			r = fail(why, -ENODEV,
				 "%s is a %s member, no filesystem; activate it (vgchange -ay, "
				 "mdadm --assemble) and give the resulting device",
				 t, type);
		else
			r = fail(why, -ENODEV, "%s holds %s, no filesystem", t, type);
		goto out;
	}
	p->pub.fstype = strdup(type);
	if (!p->pub.fstype) {
		r = fail(why, -ENOMEM, "out of memory");
		goto out;
	}
	if (blkid_probe_lookup_value(pr, "UUID", &val, NULL) == 0 && val)
		p->pub.uuid = strdup(val);
	if (blkid_probe_lookup_value(pr, "LABEL", &val, NULL) == 0 && val)
		p->pub.label = strdup(val);
	r = 0;
out:
	blkid_free_probe(pr);
	return r;
}

/* ---- loop device ---- */

static int loop_attach(struct volume_priv *p, int backing_fd, bool ro, const char *t,
		       struct rsc_buf *why)
{
	struct loop_config cfg;
	struct loop_info64 info;
	_cleanup_close_ int ctl = -1;
	int r = -EBUSY;

	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return fail(why, -errno, "cannot use loop devices (/dev/loop-control: %s)",
			    strerror(errno));
	memset(&cfg, 0, sizeof(cfg));
	cfg.fd = (unsigned)backing_fd;
	cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR | (ro ? LO_FLAGS_READ_ONLY : 0);
	cfg.info.lo_offset = p->offset;
	cfg.info.lo_sizelimit = p->sizelimit;
	snprintf((char *)cfg.info.lo_file_name, sizeof(cfg.info.lo_file_name), "%s", p->pub.target);

	for (int tries = 0; tries < LOOP_ATTACH_TRIES; tries++) {
		_cleanup_free_ char *dev = NULL;
		_cleanup_close_ int lfd = -1;
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);

		if (n < 0)
			return fail(why, -errno, "no free loop device: %s", strerror(errno));
		if (asprintf(&dev, "/dev/loop%d", n) < 0)
			return fail(why, -ENOMEM, "out of memory");
		/* A new device node may take a moment to appear. */
		for (int w = 0; w < 50; w++) {
			lfd = open(dev, O_RDWR | O_CLOEXEC);
			if (lfd >= 0 || errno != ENOENT)
				break;
			nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
		}
		if (lfd < 0) {
			r = -errno;
			if (r == -EBUSY)
				continue;
			return fail(why, r, "cannot open %s: %s", dev, strerror(-r));
		}
		if (ioctl(lfd, LOOP_CONFIGURE, &cfg) < 0) {
			r = -errno;
			if (r == -EBUSY)
				continue; /* someone took it between GET_FREE and now */
			if (r != -EINVAL && r != -ENOTTY)
				return fail(why, r, "cannot attach %s to %s: %s", t, dev,
					    strerror(-r));
			/* Kernel older than 5.8: two steps; read-only comes from the O_RDONLY fd. */
			if (ioctl(lfd, LOOP_SET_FD, backing_fd) < 0) {
				r = -errno;
				if (r == -EBUSY)
					continue;
				return fail(why, r, "cannot attach %s to %s: %s", t, dev,
					    strerror(-r));
			}
			if (ioctl(lfd, LOOP_SET_STATUS64, &cfg.info) < 0) {
				r = -errno;
				ioctl(lfd, LOOP_CLR_FD, 0);
				return fail(why, r, "cannot configure %s: %s", dev, strerror(-r));
			}
		}
		/* Trust but verify: a check must never get a writable device. */
		if (ro) {
			int bro = 0;

			if (ioctl(lfd, LOOP_GET_STATUS64, &info) < 0 ||
			    !(info.lo_flags & LO_FLAGS_READ_ONLY) ||
			    ioctl(lfd, BLKROGET, &bro) < 0 || !bro) {
				ioctl(lfd, LOOP_CLR_FD, 0);
				return fail(why, -EROFS, "%s did not become read-only; giving up",
					    dev);
			}
		}
		p->pub.loopdev = TAKE_PTR(dev);
		p->loop_fd = TAKE_FD(lfd);
		return 0;
	}
	return fail(why, r, "no free loop device after %d tries: %s", LOOP_ATTACH_TRIES,
		    strerror(-r));
}

static void loop_detach(struct volume_priv *p)
{
	if (p->loop_fd < 0)
		return;
	/*
	 * With autoclear set the device goes when its last opener closes it;
	 * LOOP_CLR_FD covers a device where autoclear did not stick (it only
	 * marks autoclear when the device is still open elsewhere).
	 */
	ioctl(p->loop_fd, LOOP_CLR_FD, 0);
	close(p->loop_fd);
	p->loop_fd = -1;
	free(p->pub.loopdev);
	p->pub.loopdev = NULL;
}

/* ---- mount ---- */

static int private_namespace(struct rsc_buf *why)
{
	static bool done;

	if (done)
		return 0;
	if (unshare(CLONE_NEWNS) < 0)
		return fail(why, -errno,
			    "cannot create a private mount namespace (%s); sshrescue must run "
			    "as root to mount a device or image",
			    strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail(why, -errno, "cannot make the mount namespace private: %s",
			    strerror(errno));
	done = true;
	return 0;
}

static const char *mount_options(const char *fstype, bool ro)
{
	if (!fstype)
		fstype = "";
	if (!ro)
		return strcmp(fstype, "xfs") == 0 ? "nodev,nosuid,noexec,nouuid"
						  : "nodev,nosuid,noexec";
	if (strcmp(fstype, "ext3") == 0 || strcmp(fstype, "ext4") == 0)
		return "ro,nodev,nosuid,noexec,noload";
	/* nouuid: a victim cloned from the helper's own image has the helper's UUID. */
	if (strcmp(fstype, "xfs") == 0)
		return "ro,nodev,nosuid,noexec,norecovery,nouuid";
	if (strcmp(fstype, "btrfs") == 0)
		return "ro,nodev,nosuid,noexec,rescue=nologreplay";
	return "ro,nodev,nosuid,noexec";
}

static int do_mount(struct volume_priv *p, const char *source, const char *t, struct rsc_buf *why)
{
	struct libmnt_context *cxt = NULL;
	const char *opts = mount_options(p->pub.fstype, p->pub.read_only);
	char msg[256] = "";
	int r, rc;

	cxt = mnt_new_context();
	if (!cxt)
		return fail(why, -ENOMEM, "out of memory");
	/* Exactly this mount(2): no fstab, no /sbin/mount.* helper, no utab. */
	if (mnt_context_set_optsmode(cxt, MNT_OMODE_NOTAB) < 0 ||
	    mnt_context_disable_helpers(cxt, 1) < 0 || mnt_context_disable_mtab(cxt, 1) < 0 ||
	    mnt_context_disable_canonicalize(cxt, 1) < 0 ||
	    mnt_context_set_source(cxt, source) < 0 ||
	    mnt_context_set_target(cxt, p->pub.mountpoint) < 0 ||
	    mnt_context_set_fstype(cxt, p->pub.fstype) < 0 ||
	    mnt_context_set_options(cxt, opts) < 0) {
		r = fail(why, -ENOMEM, "cannot set up the mount of %s", t);
		goto out;
	}
	rc = mnt_context_mount(cxt);
	if (rc == 0 && mnt_context_get_status(cxt) == 1) {
		r = 0;
		goto out;
	}
	r = mnt_context_syscall_called(cxt) ? -mnt_context_get_syscall_errno(cxt)
					    : (rc < 0 ? rc : -EIO);
	if (r >= 0)
		r = -EIO;
	if (r == -ENODEV) {
		r = fail(why, r, "the running kernel cannot mount %s filesystems (%s)",
			 p->pub.fstype, t);
		goto out;
	}
	mnt_context_get_excode(cxt, rc, msg, sizeof(msg));
	r = fail(why, r, "cannot mount %s (%s, %s): %s", t, p->pub.fstype,
		 p->pub.read_only ? "read-only" : "read-write", msg[0] ? msg : strerror(-r));
out:
	mnt_free_context(cxt);
	return r;
}

static int do_umount(const char *mp)
{
	if (umount2(mp, 0) == 0)
		return 0;
	if (errno != EBUSY)
		return -errno;
	/* Something still holds it (an open file of ours?): detach it lazily. */
	if (umount2(mp, MNT_DETACH) < 0)
		return -errno;
	return 0;
}

/* ---- open / close ---- */

static int open_dir(struct volume_priv *p, int fd, const struct stat *st, unsigned flags,
		    const char *t, struct rsc_buf *why)
{
	struct stat rst;
	int r;

	if (!(flags & RSC_VOL_LIVE) && stat("/", &rst) == 0 && rst.st_dev == st->st_dev &&
	    rst.st_ino == st->st_ino)
		return fail(why, -EBUSY,
			    "%s is the running system's root directory; use --live to work on "
			    "the running system",
			    t);
	r = rsc_root_from_fd(fd, &p->pub.root);
	if (r < 0)
		return fail(why, r, "cannot open %s: %s", t, strerror(-r));
	return 0;
}

/*
 * Loop devices that still hold the image img and will go by themselves
 * (autoclear: a mount of ours or of the corpus just ended, the kernel is
 * still tearing it down). Returns how many; *mounted says one of them has
 * no autoclear (someone attached it on purpose) or is in use for longer.
 */
static int other_loops(const struct stat *img, bool *lasting)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	int n = 0;

	*lasting = false;
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		struct loop_info64 info;
		char dev[64];
		int fd;

		if (strncmp(de->d_name, "loop", 4) != 0 || strlen(de->d_name) > 40)
			continue;
		snprintf(dev, sizeof(dev), "/dev/%.40s", de->d_name);
		fd = open(dev, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		if (ioctl(fd, LOOP_GET_STATUS64, &info) == 0 && info.lo_inode == img->st_ino &&
		    info.lo_device == img->st_dev) {
			n++;
			if (!(info.lo_flags & LO_FLAGS_AUTOCLEAR))
				*lasting = true;
		}
		close(fd);
	}
	closedir(d);
	return n;
}

/* Wait (at most 5 s) until loop devices of img that are being detached are gone. */
static void wait_detached(const struct stat *img)
{
	bool lasting = false;

	for (int i = 0; i < 50 && other_loops(img, &lasting) > 0 && !lasting; i++)
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
}

static int open_device(struct volume_priv *p, int fd, const struct stat *st, unsigned flags,
		       const char *t, struct rsc_buf *why)
{
	bool live = S_ISBLK(st->st_mode) ? rsc_dev_is_running_root(st->st_rdev)
					 : rsc_image_is_running_root(st);
	const char *source = NULL;
	char mp[] = RSC_MOUNTPOINT_TEMPLATE;
	sigset_t old;
	struct statvfs sv;
	int r;

	if (live && !(flags & RSC_VOL_LIVE))
		return fail(why, -EBUSY,
			    "%s is the running system's root filesystem; use --live to work on "
			    "the running system",
			    t);
	/* right after a loop device of the image was let go, its last writes may be in flight */
	if (S_ISREG(st->st_mode))
		wait_detached(st);
	r = probe(p, fd, t, why);
	if (r < 0)
		return r;
	r = private_namespace(why);
	if (r < 0)
		return r;
	/* A block device opened for write is mounted as it is (see the top of the file). */
	if (p->pub.kind == RSC_TARGET_BLOCK && !p->pub.read_only && !p->pub.partition) {
		source = p->pub.target;
	} else {
		r = loop_attach(p, fd, p->pub.read_only, t, why);
		if (r < 0)
			return r;
		source = p->pub.loopdev;
	}
	/* installed before the hook: a repair there holds signals (rsc_signals_defer) */
	rsc_vsig_install();
	if (p->hook) {
		r = p->hook(&p->pub, source, p->hook_arg, why);
		if (r < 0) {
			rsc_vsig_uninstall();
			return r;
		}
	}
	/* A signal between mkdtemp and rsc_vsig_slot_take would leave the directory behind. */
	rsc_vsig_block(&old);
	if (!mkdtemp(mp)) {
		r = -errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		r = fail(why, r, "cannot create a mountpoint under /run: %s", strerror(-r));
		rsc_vsig_uninstall();
		return r;
	}
	p->sig_slot = rsc_vsig_slot_take(mp);
	sigprocmask(SIG_SETMASK, &old, NULL);
	p->pub.mountpoint = strdup(mp);
	if (!p->pub.mountpoint) {
		r = fail(why, -ENOMEM, "out of memory");
		goto fail_rmdir;
	}
	r = do_mount(p, source, t, why);
	if (r < 0)
		goto fail_rmdir;
	/* libmount falls back to read-only on a write-protected device: fix cannot use that. */
	if (statvfs(mp, &sv) < 0) {
		r = fail(why, -errno, "cannot inspect the mount of %s: %s", t, strerror(errno));
	} else if (!(sv.f_flag & ST_RDONLY) != !p->pub.read_only) {
		r = p->pub.read_only
			    ? fail(why, -EIO, "%s was not mounted read-only; giving up", t)
			    : fail(why, -EROFS,
				   "%s is write-protected; it can only be checked, not fixed", t);
	} else {
		r = rsc_root_open(mp, &p->pub.root);
		if (r < 0)
			fail(why, r, "cannot open the mounted %s: %s", t, strerror(-r));
	}
	if (r < 0) {
		do_umount(mp);
		goto fail_rmdir;
	}
	return 0;

fail_rmdir:
	rmdir(mp);
	free(p->pub.mountpoint);
	p->pub.mountpoint = NULL;
	rsc_vsig_slot_drop(p->sig_slot);
	p->sig_slot = -1;
	rsc_vsig_uninstall();
	return r;
}

int rsc_volume_open(const char *target, unsigned flags, struct rsc_volume **out,
		    struct rsc_buf *why)
{
	struct rsc_volume_how how = { .flags = flags };

	return rsc_volume_open_how(target, &how, out, why);
}

int rsc_volume_open_how(const char *target, const struct rsc_volume_how *how,
			struct rsc_volume **out, struct rsc_buf *why)
{
	unsigned flags = how->flags;
	_cleanup_free_ char *t = NULL;
	struct volume_priv *p = NULL;
	struct stat st, fst;
	int fd = -1, r;
	bool rw = flags & RSC_VOL_RW;

	*out = NULL;
	if (!target || !*target)
		return fail(why, -EINVAL, "no target given");
	t = rsc_escape(target);
	if (!t)
		return fail(why, -ENOMEM, "out of memory");
	if (stat(target, &st) < 0)
		return fail(why, -errno, "cannot access %s: %s", t, strerror(errno));
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return fail(why, -ENOTBLK,
			    "%s is neither a directory, an image file nor a block device", t);

	p = calloc(1, sizeof(*p));
	if (!p)
		return fail(why, -ENOMEM, "out of memory");
	p->loop_fd = -1;
	p->sig_slot = -1;
	p->hook = how->hook;
	p->hook_arg = how->arg;
	p->pub.partition = how->partition;
	p->pub.read_only = !rw;
	p->pub.target = strdup(target);
	if (!p->pub.target) {
		r = fail(why, -ENOMEM, "out of memory");
		goto out;
	}

	if (S_ISDIR(st.st_mode) && how->partition) {
		r = fail(why, -EINVAL, "%s is a directory: it has no partitions", t);
		goto out;
	}
	if (S_ISDIR(st.st_mode))
		fd = open(target, O_PATH | O_DIRECTORY | O_CLOEXEC);
	else
		fd = open(target, (rw && S_ISREG(st.st_mode) ? O_RDWR : O_RDONLY) | O_CLOEXEC |
					  O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = fail(why, -errno, "cannot open %s: %s", t, strerror(errno));
		goto out;
	}
	/* What we opened must be what we looked at. */
	if (fstat(fd, &fst) < 0 || fst.st_dev != st.st_dev || fst.st_ino != st.st_ino ||
	    (fst.st_mode & S_IFMT) != (st.st_mode & S_IFMT)) {
		r = fail(why, -ESTALE, "%s changed while it was being opened", t);
		goto out;
	}

	if (S_ISDIR(fst.st_mode)) {
		p->pub.kind = RSC_TARGET_DIR;
		r = open_dir(p, TAKE_FD(fd), &fst, flags, t, why);
	} else {
		p->pub.kind = S_ISREG(fst.st_mode) ? RSC_TARGET_IMAGE : RSC_TARGET_BLOCK;
		r = open_device(p, fd, &fst, flags, t, why);
		if (r == 0 && rsc_volume_mount_beside(p->side, RSC_BESIDE_MAX, p->pub.root, flags,
						      &p->pub.beside, &p->nside) < 0) {
			close(fd);
			rsc_volume_close(&p->pub);
			return fail(why, -ENOMEM, "out of memory");
		}
	}
out:
	if (fd >= 0)
		close(fd); /* the loop device holds its own reference to the backing file */
	if (r < 0) {
		loop_detach(p);
		volume_free(p);
		return r;
	}
	*out = &p->pub;
	return 0;
}

int rsc_volume_close(struct rsc_volume *v)
{
	struct volume_priv *p = NULL;
	int r = 0;

	if (!v)
		return 0;
	p = (struct volume_priv *)((char *)v - offsetof(struct volume_priv, pub));
	rsc_volume_unmount_beside(p->side, p->nside);
	p->nside = 0;
	rsc_root_free(v->root);
	v->root = NULL;
	if (v->mountpoint) {
		r = do_umount(v->mountpoint);
		if (r < 0)
			fprintf(stderr, "sshrescue: cannot unmount %s: %s\n", v->mountpoint,
				strerror(-r));
		if (rmdir(v->mountpoint) < 0)
			fprintf(stderr, "sshrescue: cannot remove the mountpoint %s: %s\n",
				v->mountpoint, strerror(errno));
		rsc_vsig_slot_drop(p->sig_slot);
		p->sig_slot = -1;
		rsc_vsig_uninstall();
	}
	loop_detach(p);
	volume_free(p);
	return r;
}

/* ---- does it look like Linux? ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append up to LISTED_NAMES sorted top-level names of the root to why. */
static int list_top(struct rsc_root *root, struct rsc_buf *why, bool *looks_boot)
{
	char *names[256];
	size_t n = 0, more = 0;
	DIR *d = NULL;
	struct dirent *de;
	int fd, r = 0;

	fd = openat(rsc_root_fd(root), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return rsc_buf_adds(why, "cannot list it");
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return rsc_buf_adds(why, "cannot list it");
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (rsc_startswith(de->d_name, "vmlinuz") || strcmp(de->d_name, "grub") == 0 ||
		    strcmp(de->d_name, "grub2") == 0)
			*looks_boot = true;
		if (n == ARRAY_SIZE(names)) {
			more++;
			continue;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	if (r == 0 && n == 0)
		r = rsc_buf_adds(why, "nothing, it is empty");
	for (size_t i = 0; r == 0 && i < n && i < LISTED_NAMES; i++) {
		if (i)
			r = rsc_buf_adds(why, " ");
		if (r == 0)
			r = rsc_buf_add_escaped(why, names[i]);
	}
	if (r == 0 && n + more > LISTED_NAMES)
		r = rsc_buf_adds(why, " ...");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return r;
}

int rsc_volume_check_linux_root(struct rsc_root *root, struct rsc_buf *why)
{
	struct stat st;
	bool looks_boot = false;
	int r;

	if (!root)
		return -EINVAL;
	r = rsc_root_stat(root, "/etc/passwd", &st, 0);
	if (r == 0 && S_ISREG(st.st_mode))
		return 0;
	if (!why)
		return -ENOENT;
	rsc_buf_reset(why);
	if (r == 0)
		r = rsc_buf_adds(why, "the target does not look like a Linux root: /etc/passwd "
				      "is not a regular file (found: ");
	else
		r = rsc_buf_adds(
			why, "the target does not look like a Linux root: no /etc/passwd (found: ");
	if (r == 0)
		r = list_top(root, why, &looks_boot);
	if (r == 0)
		r = rsc_buf_adds(why, ")");
	if (r == 0 && looks_boot)
		r = rsc_buf_adds(why, "; this looks like a /boot filesystem, give the root "
				      "filesystem instead");
	return r < 0 ? r : -ENOENT;
}
