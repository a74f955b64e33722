/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * movedir.h - the directory on the helper that a cleanup moves the victim's
 * files to (fix --move-to DIR), and copying a file between the two.
 *
 * Each run gets its own subdirectory DIR/<journal id>/, with a marker file
 * (RSC_JOURNAL_MOVED_MARKER) naming that id; a moved file keeps its victim
 * path below it: /var/log/syslog.2.gz goes to DIR/<id>/var/log/syslog.2.gz,
 * with its mode, owner and times. Below DIR/<id>/ nothing is followed: every
 * directory is made by sshrescue (0700), every open refuses a symlink.
 */
#ifndef RSC_MOVEDIR_H
#define RSC_MOVEDIR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

/*
 * Make DIR (0700, when missing) and DIR/<id>/ with its marker, or, when it
 * exists, check it is ours (a directory with the marker of the same id).
 * *fd is DIR/<id>, O_DIRECTORY (caller closes). 0 or -errno.
 */
int rsc_movedir_make(const char *dir, const char *id, int *fd);

/*
 * Open base = "<X>/<id>" of a recorded copy dest = "<X>/<id><vpath>" for
 * undo: dest must end with the victim path vpath after "/<id>", and the
 * directory must carry the marker of id, owned by this user, not writable
 * by others. *fd is that directory. 0, -EPERM (not ours) or -errno.
 */
int rsc_movedir_open(const char *dest, const char *id, const char *vpath, int *fd);

/* Create vpath (absolute victim path) below base: directories 0700, the file 0600, O_EXCL. */
int rsc_movedir_create(int base, const char *vpath);

/* Remove the copy vpath below base (a failed or interrupted one). */
void rsc_movedir_remove(int base, const char *vpath);

/* Open vpath below base for reading, never through a symlink. fd or -errno. */
int rsc_movedir_read(int base, const char *vpath);

/*
 * Copy every byte of in (from its start) to out (at its start), keeping
 * holes: an all-zero block becomes a hole, and out ends at in's size.
 * *copied is the size. 0 or -errno.
 */
int rsc_copy_fd(int in, int out, uint64_t *copied);
/* The same, written at offset at of out (which then ends at at + *copied). */
int rsc_copy_fd_at(int in, int out, uint64_t at, uint64_t *copied);

/* Give out st's owner, then mode (07777), then its access and modification times; fsync it. */
int rsc_copy_meta(int out, const struct stat *st);

/* The path DIR/<id><vpath> (caller frees), NULL when out of memory. */
char *rsc_movedir_dest(const char *dir, const char *id, const char *vpath);

#endif
