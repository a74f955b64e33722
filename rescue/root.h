/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * root.h - confined access to the victim's filesystem tree.
 *
 * Every path of the victim is resolved INSIDE one struct rsc_root: an
 * absolute path "/etc/passwd" means <root>/etc/passwd, ".." never climbs
 * above the root, and a symlink (absolute or relative) is followed against
 * the victim's root, never the helper's.  The kernel does it with openat2()
 * RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS; where openat2 is missing a
 * component walk with O_NOFOLLOW does the same, with a bounded number of
 * symlink hops (RSC_ROOT_MAX_HOPS, like the kernel's 40).
 *
 * Every function returns 0 (or a non-negative fd) on success, a negative
 * errno on failure. Nothing here prints.
 */
#ifndef RSC_ROOT_H
#define RSC_ROOT_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define RSC_ROOT_MAX_HOPS 40
/* Default cap for rsc_root_read_file() when the caller passes 0. */
#define RSC_READ_CAP_DEFAULT (4u << 20)

struct rsc_root;

/* Flags for the functions below. */
enum {
	RSC_NOFOLLOW = 1 << 0,	  /* do not follow a symlink in the LAST component */
	RSC_NO_FALLBACK = 1 << 1, /* test hook: fail with -ENOSYS instead of walking */
	RSC_FORCE_WALK = 1 << 2,  /* test hook: always use the component walk */
};

/*
 * Open the directory dir (on the helper) as a victim root. The caller keeps
 * ownership of nothing; free with rsc_root_free(). -ENOTDIR if not a dir.
 */
int rsc_root_open(const char *dir, struct rsc_root **out);
/* Same from an O_PATH or O_DIRECTORY fd; the root takes ownership of fd. */
int rsc_root_from_fd(int fd, struct rsc_root **out);
void rsc_root_free(struct rsc_root *r);
/* The root's directory fd (owned by the root). */
int rsc_root_fd(const struct rsc_root *r);
/* Global switch for tests: make every call use the component walk. */
void rsc_root_set_force_walk(struct rsc_root *r, bool on);

/*
 * Open path inside the root with open(2) oflags (O_NOFOLLOW is implied for
 * the last component when RSC_NOFOLLOW is given; O_CREAT allowed with mode).
 * Returns an fd (caller closes it) or -errno. -ELOOP for too many hops.
 */
int rsc_root_open_at(struct rsc_root *r, const char *path, int oflags, mode_t mode, unsigned flags);

/*
 * Open the directory path inside the root for readdir(3). *out the caller
 * closes with closedir(). Returns 0 or -errno (-ENOENT, -ENOTDIR, ...).
 */
int rsc_root_opendir(struct rsc_root *r, const char *path, DIR **out);

/* stat path inside the root (lstat with RSC_NOFOLLOW). */
int rsc_root_stat(struct rsc_root *r, const char *path, struct stat *st, unsigned flags);

/*
 * Canonical victim path of path: every symlink resolved inside the root,
 * "." and ".." folded, like realpath(3) would inside the victim. Every
 * component must exist. *out is a new "/..."-string, caller frees.
 */
int rsc_root_realpath(struct rsc_root *r, const char *path, char **out);

/* Read a symlink's target (not resolved). *out caller frees. */
int rsc_root_readlink(struct rsc_root *r, const char *path, char **out);

/*
 * Open path inside the root for reading (O_RDONLY|O_NONBLOCK|O_NOCTTY|oflags) when it is
 * a regular file or a directory. A device node, FIFO or socket is never opened (a device
 * node of the victim names a device of the helper): the fd returned for it is an O_PATH
 * one, which fstat(2) describes and read(2) refuses (EBADF), so a caller that fstats and
 * wants a regular file sees what it is. Returns an fd (caller closes it) or -errno;
 * -EAGAIN if the file was replaced between the look and the open.
 */
int rsc_root_open_ro(struct rsc_root *r, const char *path, int oflags, unsigned flags);

/*
 * Read a whole regular file: opened O_NONBLOCK (a FIFO never hangs) and
 * fstat'ed; a directory gives -EISDIR, any other non-regular file (FIFO,
 * socket, device) -ESPIPE. At most cap bytes are read (cap 0 means
 * RSC_READ_CAP_DEFAULT); a larger file gives -EFBIG, unless RSC_READ_TRUNCATE
 * is in flags: then the first cap bytes are returned and st->st_size tells
 * the real size. *data is NUL-terminated, caller frees; st may be NULL.
 */
enum { RSC_READ_TRUNCATE = 1 << 8 };
int rsc_root_read_file(struct rsc_root *r, const char *path, size_t cap, unsigned flags,
		       char **data, size_t *len, struct stat *st);

/*
 * Atomically replace (or create) a regular file: write to a temporary file in
 * the same directory, fchmod/fchown it to mode/uid/gid, fsync, renameat over
 * path, fsync the directory. path must not be a directory or symlink (the last
 * component is never followed: a symlink there is -ELOOP).
 */
int rsc_root_write_file(struct rsc_root *r, const char *path, const void *data, size_t len,
			mode_t mode, uid_t uid, gid_t gid);

/*
 * chmod / chown through a file descriptor, never by path, never a symlink (-ELOOP), never a
 * regular file with more than one hard link (-EMLINK: the change would reach every name of
 * the inode, another user's file or /etc/shadow).
 */
int rsc_root_chmod(struct rsc_root *r, const char *path, mode_t mode);
int rsc_root_chown(struct rsc_root *r, const char *path, uid_t uid, gid_t gid);

/* mkdir (parent resolved inside the root), then chown; -EEXIST if it exists. */
int rsc_root_mkdir(struct rsc_root *r, const char *path, mode_t mode, uid_t uid, gid_t gid);
/* mkdir -p; existing directories are kept as they are. */
int rsc_root_mkdir_p(struct rsc_root *r, const char *path, mode_t mode);
/* unlink a file (not a directory), or rmdir an empty directory with RSC_RMDIR. */
enum { RSC_RMDIR = 1 << 9 };
int rsc_root_unlink(struct rsc_root *r, const char *path, unsigned flags);

/*
 * Create the symlink path -> target: the parent is resolved inside the root,
 * the link is made with symlinkat() on the parent's fd (target is stored as
 * given, never resolved), then owned by uid:gid (fchownat
 * AT_SYMLINK_NOFOLLOW; on failure the new link is removed again). -EEXIST if
 * path exists (whatever it is), -EINVAL for an empty target,
 * -ENAMETOOLONG for one of PATH_MAX bytes or more. The caller fsyncs the
 * parent (rsc_root_sync_parent()).
 */
int rsc_root_symlink(struct rsc_root *r, const char *path, const char *target, uid_t uid,
		     gid_t gid);

/*
 * Rename from to to, both resolved inside the root (parents followed inside
 * it, last components never), replacing to unless flags has
 * RENAME_NOREPLACE (renameat2(2): then -EEXIST); then fsync to's directory.
 */
int rsc_root_rename(struct rsc_root *r, const char *from, const char *to, unsigned flags);

/* fsync the directory that contains path (after a create/unlink). */
int rsc_root_sync_parent(struct rsc_root *r, const char *path);

#endif
