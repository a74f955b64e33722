/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * volume_int.h - between volume.c, volume_beside.c (the filesystems of the
 * victim's fstab mounted beside its root), volume_helper.c (what the
 * helper has mounted) and volume_signal.c (signals while mounted).
 */
#ifndef RSC_VOLUME_INT_H
#define RSC_VOLUME_INT_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

struct rsc_root;
struct rsc_volume;

#define RSC_BESIDE_MAX 6

/* The temporary mountpoints of the victim's filesystems (mkdtemp). */
#define RSC_MOUNTPOINT_TEMPLATE "/run/sshrescue.XXXXXX"

struct rsc_beside {
	struct rsc_volume *sub; /* opened like a root, on its own mountpoint */
	int fd;			/* O_PATH of the bind mount's root inside the victim */
};

/*
 * Mount the victim's /usr, /var, /var/lib, /var/log, /home, /srv of its
 * fstab beside root (see volume_beside.c). *note_out: one line per entry
 * looked at (owned, NULL if none). Returns 0 (whatever could not be
 * mounted is in the note) or -ENOMEM.
 */
int rsc_volume_mount_beside(struct rsc_beside *side, size_t max, struct rsc_root *root,
			    unsigned flags, char **note_out, size_t *n_out);

/* Unmount and close them, last first. */
void rsc_volume_unmount_beside(struct rsc_beside *side, size_t n);

struct stat;

/* true if the image file img backs the loop device that holds the helper's "/". */
bool rsc_image_is_running_root(const struct stat *img);

/*
 * volume_signal.c. Install the handlers for the first user, restore the old
 * ones after the last (a signal ignored at start stays ignored).
 */
void rsc_vsig_install(void);
void rsc_vsig_uninstall(void);
/* Remember mountpoint mp for the handler: the slot, or -1 when all are taken. */
int rsc_vsig_slot_take(const char *mp);
/* Forget a slot (-1 is no slot). */
void rsc_vsig_slot_drop(int slot);
/* Block the signals the handlers catch; *old gets the mask to restore (sigprocmask). */
void rsc_vsig_block(sigset_t *old);

#endif
