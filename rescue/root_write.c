// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * root_write.c - the changes to the victim's tree, confined as root.c's
 * opens are: a file written whole (a temporary name, fsync, link or rename,
 * the directory fsynced), chmod and chown on an fd that is no symlink,
 * mkdir, unlink, symlink, rename, each on the parent directory opened inside
 * the root. Every system call that changes the victim has a fault point
 * (fault.h) in test builds.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fault.h"
#include "root.h"
#include "root_int.h"
#include "util.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* ---- writing ------------------------------------------------------------ */

/* fsync a directory given by an O_PATH fd (fsync needs a real open). */
static int fsync_dir(int dfd)
{
	_cleanup_close_ int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		return -errno;
	return 0;
}

static uint64_t random_u64(void)
{
	static uint64_t counter;
	uint64_t v = 0;
	struct timespec ts;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
		return v;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	v = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40);
	return v ^ (++counter * 0x9e3779b97f4a7c15ull);
}

/* Create ".<name>.sshrescue-XXXXXX" in dfd; returns the fd and the name. */
/* A fresh temporary name beside name: ".NAME.sshrescue-XXXXXX". */
static int make_temp_name(const char *name, char **tmpname)
{
	static const char chars[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	/* ".", ".sshrescue-", 6 random: keep the whole under NAME_MAX */
	int keep = (int)strnlen(name, NAME_MAX - 18);
	uint64_t v = random_u64();
	char sfx[7];

	for (size_t i = 0; i < 6; i++) {
		sfx[i] = chars[v % (sizeof(chars) - 1)];
		v /= sizeof(chars) - 1;
	}
	sfx[6] = '\0';
	if (asprintf(tmpname, ".%.*s.sshrescue-%s", keep, name, sfx) < 0) {
		*tmpname = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int make_temp(int dfd, const char *name, char **tmpname)
{
	for (int tries = 0; tries < 100; tries++) {
		char *t = NULL;
		int fd;

		if (make_temp_name(name, &t) < 0)
			return -ENOMEM;
		fd = openat(dfd, t, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
			    0600);
		if (fd >= 0) {
			*tmpname = t;
			return fd;
		}
		free(t);
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/*
 * Give the complete O_TMPFILE fd a temporary name beside name (for the
 * rename over name, which linkat cannot do itself). *tmpname caller frees.
 */
static int link_temp(int fd, int dfd, const char *name, char **tmpname)
{
	for (int tries = 0; tries < 100; tries++) {
		int k = make_temp_name(name, tmpname);

		if (k < 0)
			return k;
		char proc[64];

		if (linkat(fd, "", dfd, *tmpname, AT_EMPTY_PATH) == 0)
			return 0;
		k = -errno;
		/* without CAP_DAC_READ_SEARCH (ENOENT): the same through /proc */
		if (k == -ENOENT &&
		    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd) < (int)sizeof(proc)) {
			if (linkat(AT_FDCWD, proc, dfd, *tmpname, AT_SYMLINK_FOLLOW) == 0)
				return 0;
			k = -errno;
		}
		free(*tmpname);
		*tmpname = NULL;
		if (k != -EEXIST)
			return k;
	}
	return -EEXIST;
}

int rsc_root_write_file(struct rsc_root *r, const char *path, const void *data, size_t len,
			mode_t mode, uid_t uid, gid_t gid)
{
	_cleanup_close_ int dfd = -1, fd = -1;
	_cleanup_free_ char *name = NULL, *tmp = NULL;
	struct stat st;
	int k;

	if (!r || (!data && len))
		return -EINVAL;
	k = rsc_root_open_parent(r, path, rsc_root_flags(r, 0), &dfd, &name);
	if (k < 0)
		return k;
	if (!name)
		return -EISDIR;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode))
			return -ELOOP;
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
	} else if (errno != ENOENT) {
		return -errno;
	}

	k = rsc_fault("create");
	if (k < 0)
		return k;
	/*
	 * An unnamed file (O_TMPFILE) gets its name only once it is complete:
	 * a crash before that leaves nothing behind in the victim's directory.
	 */
	fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		fd = make_temp(dfd, name, &tmp); /* a filesystem without O_TMPFILE */
	if (fd < 0)
		return fd;
	k = rsc_fault("write");
	if (k >= 0)
		k = rsc_write_all(fd, data, len);
	/* chown first: it clears set-id bits, the chmod after it sets them for good */
	if (k >= 0)
		k = rsc_fault("chown");
	if (k >= 0 && fchown(fd, uid, gid) < 0)
		k = -errno;
	if (k >= 0)
		k = rsc_fault("chmod");
	if (k >= 0 && fchmod(fd, mode & 07777) < 0)
		k = -errno;
	if (k >= 0)
		k = rsc_fault("fsync");
	if (k >= 0 && fsync(fd) < 0)
		k = -errno;
	if (k >= 0)
		k = rsc_fault("rename");
	if (k >= 0 && !tmp)
		k = link_temp(fd, dfd, name, &tmp);
	if (k >= 0 && close(TAKE_FD(fd)) < 0)
		k = -errno;
	if (k >= 0 && renameat(dfd, tmp, dfd, name) < 0)
		k = -errno;
	if (k < 0) {
		if (tmp)
			unlinkat(dfd, tmp, 0);
		return k;
	}
	k = rsc_fault("fsync");
	return k < 0 ? k : fsync_dir(dfd);
}

/* ---- metadata ------------------------------------------------------------- */

/* O_PATH fd of path, never a symlink in the last component. */
static int open_nolink(struct rsc_root *r, const char *path, struct stat *st)
{
	_cleanup_close_ int fd = -1;

	fd = rsc_root_open_at(r, path, O_PATH, 0, rsc_root_flags(r, 0) | RSC_NOFOLLOW);
	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0)
		return -errno;
	if (S_ISLNK(st->st_mode))
		return -ELOOP;
	return TAKE_FD(fd);
}

/*
 * The O_PATH fd of path for a chmod or chown (point names its fault point): no
 * symlink, and no regular file with other links (the same inode elsewhere:
 * another user's file, /etc/shadow: -EMLINK).
 */
static int open_for_meta(struct rsc_root *r, const char *path, const char *point)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = open_nolink(r, path, &st);
	if (fd < 0)
		return fd;
	if (S_ISREG(st.st_mode) && st.st_nlink > 1)
		return -EMLINK;
	if (rsc_fault(point) < 0)
		return -EIO;
	return TAKE_FD(fd);
}

int rsc_root_chmod(struct rsc_root *r, const char *path, mode_t mode)
{
	_cleanup_close_ int fd = open_for_meta(r, path, "chmod");
	char proc[64];

	if (fd < 0)
		return fd;
	/* fchmodat2 acts on the inode of an O_PATH fd; older kernels need /proc. */
	if (syscall(SYS_fchmodat2, fd, "", (unsigned)(mode & 07777), AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL)
		return -errno;
	if (snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd) >= (int)sizeof(proc))
		return -EINVAL;
	if (chmod(proc, mode & 07777) < 0)
		return -errno;
	return 0;
}

int rsc_root_chown(struct rsc_root *r, const char *path, uid_t uid, gid_t gid)
{
	_cleanup_close_ int fd = open_for_meta(r, path, "chown");

	if (fd < 0)
		return fd;
	if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

/* ---- directories ---------------------------------------------------------- */

int rsc_root_mkdir(struct rsc_root *r, const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	_cleanup_close_ int dfd = -1, fd = -1;
	_cleanup_free_ char *name = NULL;
	int k;

	if (!r)
		return -EINVAL;
	k = rsc_root_open_parent(r, path, rsc_root_flags(r, 0), &dfd, &name);
	if (k < 0)
		return k;
	if (!name)
		return -EEXIST;
	/* private until it has its owner and mode */
	if (rsc_fault("mkdir") < 0)
		return -EIO;
	if (mkdirat(dfd, name, 0700) < 0)
		return -errno;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (rsc_fault("chown") < 0)
		return -EIO;
	if (fchown(fd, uid, gid) < 0)
		return -errno;
	if (rsc_fault("chmod") < 0)
		return -EIO;
	if (fchmod(fd, mode & 07777) < 0)
		return -errno;
	return 0;
}

int rsc_root_mkdir_p(struct rsc_root *r, const char *path, mode_t mode)
{
	_cleanup_free_ char *copy = NULL;
	size_t i = 0;
	int k;

	if (!r || !path)
		return -EINVAL;
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	/* each prefix is resolved inside the root on its own */
	for (;;) {
		struct stat st = { 0 };
		char saved;

		while (copy[i] == '/')
			i++;
		if (!copy[i])
			return 0;
		while (copy[i] && copy[i] != '/')
			i++;
		saved = copy[i];
		copy[i] = '\0';
		k = rsc_root_stat(r, copy, &st, rsc_root_flags(r, 0));
		if (k == -ENOENT) {
			k = rsc_root_mkdir(r, copy, mode, 0, 0);
			if (k == -EEXIST)
				k = rsc_root_stat(r, copy, &st, rsc_root_flags(r, 0));
			else if (k == 0)
				st.st_mode = S_IFDIR;
		}
		if (k < 0)
			return k;
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
		copy[i] = saved;
	}
}

int rsc_root_unlink(struct rsc_root *r, const char *path, unsigned flags)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_free_ char *name = NULL;
	int k;

	if (!r)
		return -EINVAL;
	k = rsc_root_open_parent(r, path, rsc_root_flags(r, flags), &dfd, &name);
	if (k < 0)
		return k;
	if (!name)
		return (flags & RSC_RMDIR) ? -EBUSY : -EISDIR;
	if (rsc_fault("unlink") < 0)
		return -EIO;
	if (unlinkat(dfd, name, (flags & RSC_RMDIR) ? AT_REMOVEDIR : 0) < 0)
		return -errno;
	return 0;
}

int rsc_root_symlink(struct rsc_root *r, const char *path, const char *target, uid_t uid, gid_t gid)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_free_ char *name = NULL;
	int k;

	if (!r || !target || !*target)
		return -EINVAL;
	if (strnlen(target, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	k = rsc_root_open_parent(r, path, rsc_root_flags(r, 0), &dfd, &name);
	if (k < 0)
		return k;
	if (!name)
		return -EEXIST;
	/* symlinkat never follows name: an existing link there gives EEXIST */
	if (rsc_fault("symlink") < 0)
		return -EIO;
	if (symlinkat(target, dfd, name) < 0)
		return -errno;
	if (fchownat(dfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) {
		k = -errno;
		unlinkat(dfd, name, 0);
		return k;
	}
	return 0;
}

int rsc_root_rename(struct rsc_root *r, const char *from, const char *to, unsigned flags)
{
	_cleanup_close_ int fdir = -1, tdir = -1;
	_cleanup_free_ char *fname = NULL, *tname = NULL;
	int k;

	if (!r)
		return -EINVAL;
	k = rsc_root_open_parent(r, from, rsc_root_flags(r, 0), &fdir, &fname);
	if (k == 0)
		k = rsc_root_open_parent(r, to, rsc_root_flags(r, 0), &tdir, &tname);
	if (k < 0)
		return k;
	if (!fname || !tname)
		return -EISDIR;
	if (rsc_fault("rename") < 0)
		return -EIO;
	if (renameat2(fdir, fname, tdir, tname, flags) < 0)
		return -errno;
	if (rsc_fault("fsync") < 0)
		return -EIO;
	return fsync_dir(tdir);
}

int rsc_root_sync_parent(struct rsc_root *r, const char *path)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_free_ char *name = NULL;
	int k;

	if (!r)
		return -EINVAL;
	k = rsc_root_open_parent(r, path, rsc_root_flags(r, 0), &dfd, &name);
	if (k < 0)
		return k;
	if (rsc_fault("fsync") < 0)
		return -EIO;
	return fsync_dir(dfd);
}
