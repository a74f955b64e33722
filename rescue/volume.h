/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * volume.h - turn a TARGET (directory, image file or block device) into a
 * victim root.
 *
 * A directory is used as it is. An image or a device is identified with
 * libblkid, attached to a loop device (read-only for check: LO_FLAGS_READ_ONLY,
 * plus "noload" for ext3/4 and "norecovery" for XFS) and mounted with libmount
 * on a temporary mountpoint inside a private mount namespace of this process.
 * rsc_volume_close() unmounts and detaches; the signal handlers installed by
 * rsc_volume_open() do the same on SIGINT/SIGTERM/SIGHUP before exiting.
 */
#ifndef RSC_VOLUME_H
#define RSC_VOLUME_H

#include <stdbool.h>
#include <sys/types.h>

struct rsc_root;
struct rsc_buf;

enum rsc_target_kind {
	RSC_TARGET_DIR,
	RSC_TARGET_IMAGE,
	RSC_TARGET_BLOCK,
};

enum {
	RSC_VOL_RW = 1 << 0,   /* mount read-write (fix, undo, add-key) */
	RSC_VOL_LIVE = 1 << 1, /* allow the running system's own root filesystem */
};

struct rsc_volume {
	enum rsc_target_kind kind;
	char *target;	  /* as given by the user */
	char *fstype;	  /* from libblkid; NULL for a directory */
	char *uuid;	  /* from libblkid, may be NULL */
	char *label;	  /* from libblkid, may be NULL */
	char *loopdev;	  /* "/dev/loopN" while attached, else NULL */
	char *mountpoint; /* temporary mountpoint while mounted, else NULL */
	bool read_only;
	unsigned partition; /* the partition opened (--partition), 0 for the whole target */
	char *beside; /* the victim's fstab filesystems mounted beside the root, or not: lines */
	struct rsc_root *root; /* the victim root, owned by the volume */
};

/*
 * Open TARGET as a victim root. On failure *why (caller-supplied buffer)
 * holds one sentence for the user, e.g. "no filesystem found on
 * disk.img" or "/dev/vda1 is the running system's root; use --live".
 * Returns 0 or -errno; on success *out is owned by the caller.
 */
int rsc_volume_open(const char *target, unsigned flags, struct rsc_volume **out,
		    struct rsc_buf *why);

/*
 * Called by rsc_volume_open_hook() for an image or a device, after it is
 * identified and attached and before it is mounted: dev is what will be
 * mounted (the loop device, or the block device itself for a read-write
 * open), not mounted anywhere by us. A filesystem checker runs here. A
 * negative return (with *why filled) stops the open.
 */
typedef int rsc_volume_hook(const struct rsc_volume *v, const char *dev, void *arg,
			    struct rsc_buf *why);

/* How to open: rsc_volume_open() is rsc_volume_open_how() with flags only. */
struct rsc_volume_how {
	unsigned flags;	       /* RSC_VOL_* */
	unsigned partition;    /* 1-based partition of a partitioned image or disk; 0: the whole */
	rsc_volume_hook *hook; /* run before the mount (not for a directory), or NULL */
	void *arg;
};

int rsc_volume_open_how(const char *target, const struct rsc_volume_how *how,
			struct rsc_volume **out, struct rsc_buf *why);

/*
 * Check that the root looks like a Linux root (a regular etc/passwd at
 * least). Returns 0, or -ENOENT with *why filled.
 */
int rsc_volume_check_linux_root(struct rsc_root *root, struct rsc_buf *why);

/* true if the block device rdev holds the running system's "/" (also for btrfs). */
bool rsc_dev_is_running_root(dev_t rdev);

/* Where the helper has the block device rdev mounted (caller frees), or NULL. */
char *rsc_helper_mount_of(dev_t rdev);

/*
 * A mountpoint of the helper (caller frees) on the same whole disk as the
 * block device rdev (another partition of it, or rdev itself), or NULL:
 * then the disk is none of the helper's own that it uses.
 */
char *rsc_helper_disk_mount(dev_t rdev);

/*
 * The mountpoint (caller frees) of a filesystem the helper has mounted whose
 * UUID is uuid, not counting the device except (0: none); NULL if none.
 */
char *rsc_helper_uuid_mount(const char *uuid, dev_t except);

/*
 * While on, SIGINT, SIGTERM and SIGHUP no longer unmount and exit at once:
 * they are noted (rsc_signal_pending() gives the signal, else 0) so that a
 * fix, add-key or undo completes the change in progress, stops before the
 * next one and unmounts the normal way (exit status 8).
 */
void rsc_signals_defer(bool on);
int rsc_signal_pending(void);

/* Unmount, detach, remove the mountpoint, free. NULL is fine. Returns 0 or -errno of umount. */
int rsc_volume_close(struct rsc_volume *v);

#endif
