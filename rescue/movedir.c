// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * movedir.c - the helper's directory for files a cleanup moves out of the
 * victim (movedir.h), and the sparse-aware copy between the two.
 *
 * DIR is the user's (a path on the helper they typed); everything below
 * DIR/<id>/ is sshrescue's and is walked with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS), so neither a link planted there nor a hostile
 * manifest can send a copy anywhere else.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fault.h"
#include "journal.h"
#include "movedir.h"
#include "util.h"
#include "volume.h"

#define COPY_BLOCK   (64u << 10)
#define MARKER_MAX   128
#define RESOLVE_OURS (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

static int openat_ours(int base, const char *rel, int flags, mode_t mode)
{
	struct open_how how = { .flags = (uint64_t)flags | O_CLOEXEC,
				.mode = (flags & O_CREAT) ? mode : 0,
				.resolve = RESOLVE_OURS };
	long fd = syscall(SYS_openat2, base, rel, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

static int marker_text(const char *id, char *buf, size_t size)
{
	int n = snprintf(buf, size, "sshrescue-moved %s\n", id);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : n;
}

static int write_marker(int base, const char *id)
{
	char text[MARKER_MAX];
	int n = marker_text(id, text, sizeof(text));
	_cleanup_close_ int fd = -1;

	if (n < 0)
		return n;
	if (rsc_fault("create") < 0)
		return -EIO;
	fd = openat_ours(base, RSC_JOURNAL_MOVED_MARKER, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return fd;
	if (rsc_fault("write") < 0)
		return -EIO;
	if (write(fd, text, (size_t)n) != n)
		return errno ? -errno : -EIO;
	if (rsc_fault("fsync") < 0)
		return -EIO;
	if (fsync(fd) < 0)
		return -errno;
	if (rsc_fault("fsync") < 0)
		return -EIO;
	return fsync(base) < 0 ? -errno : 0;
}

/* Does base hold the marker of id, ours and not writable by others? */
static int check_marker(int base, const char *id)
{
	char want[MARKER_MAX], got[MARKER_MAX];
	int n = marker_text(id, want, sizeof(want));
	_cleanup_close_ int fd = -1;
	struct stat st;
	ssize_t k;

	if (n < 0)
		return n;
	fd = openat_ours(base, RSC_JOURNAL_MOVED_MARKER, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0)
		return fd == -ENOENT ? -EPERM : fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
		return -EPERM;
	k = read(fd, got, sizeof(got));
	if (k < 0)
		return -errno;
	return k == n && memcmp(got, want, (size_t)n) == 0 ? 0 : -EPERM;
}

int rsc_movedir_make(const char *dir, const char *id, int *fd)
{
	_cleanup_close_ int top = -1, base = -1;
	int r;

	*fd = -1;
	if (!dir || !*dir || !id || !*id || strchr(id, '/'))
		return -EINVAL;
	if (rsc_fault("mkdir") < 0)
		return -EIO;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0)
		return -errno;
	if (rsc_fault("mkdir") < 0)
		return -EIO;
	if (mkdirat(top, id, 0700) == 0) {
		base = openat_ours(top, id, O_RDONLY | O_DIRECTORY, 0);
		r = base < 0 ? base : write_marker(base, id);
		if (r == 0)
			r = rsc_fault("fsync");
		if (r == 0 && fsync(top) < 0)
			r = -errno;
		if (r < 0) {
			/* made here and unfinished: nobody's, and in the way of a later run */
			if (base >= 0)
				unlinkat(base, RSC_JOURNAL_MOVED_MARKER, 0);
			unlinkat(top, id, AT_REMOVEDIR);
		}
	} else if (errno == EEXIST) {
		base = openat_ours(top, id, O_RDONLY | O_DIRECTORY, 0);
		r = base < 0 ? base : check_marker(base, id);
	} else {
		r = -errno;
	}
	if (r < 0)
		return r;
	*fd = TAKE_FD(base);
	return 0;
}

int rsc_movedir_open(const char *dest, const char *id, const char *vpath, int *fd)
{
	size_t dl = dest ? strlen(dest) : 0, vl = vpath ? strlen(vpath) : 0;
	size_t il = id ? strlen(id) : 0;
	_cleanup_free_ char *basepath = NULL;
	_cleanup_close_ int base = -1;
	int r;

	*fd = -1;
	if (!dest || !id || !vpath || vpath[0] != '/' || dl <= vl + il + 1)
		return -EPERM;
	/* dest = X "/" id vpath */
	if (strcmp(dest + dl - vl, vpath) != 0 || dest[dl - vl - il - 1] != '/' ||
	    memcmp(dest + dl - vl - il, id, il) != 0)
		return -EPERM;
	basepath = strndup(dest, dl - vl);
	if (!basepath)
		return -ENOMEM;
	base = open(basepath, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (base < 0)
		return -errno;
	r = check_marker(base, id);
	if (r < 0)
		return r;
	*fd = TAKE_FD(base);
	return 0;
}

/* "/var/log/x" -> "var/log/x": below base, never absolute. */
static const char *rel_of(const char *vpath)
{
	while (*vpath == '/')
		vpath++;
	return *vpath ? vpath : NULL;
}

int rsc_movedir_create(int base, const char *vpath)
{
	const char *rel = vpath ? rel_of(vpath) : NULL;
	_cleanup_free_ char *copy = NULL;
	char *slash;
	int fd;

	if (!rel)
		return -EINVAL;
	copy = strdup(rel);
	if (!copy)
		return -ENOMEM;
	/* every directory on the way, made here, 0700 */
	for (slash = strchr(copy, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (rsc_fault("mkdir") < 0)
			return -EIO;
		if (mkdirat(base, copy, 0700) < 0 && errno != EEXIST)
			return -errno;
		fd = openat_ours(base, copy, O_RDONLY | O_DIRECTORY, 0);
		if (fd < 0)
			return fd; /* a symlink or a file in the way */
		close(fd);
		*slash = '/';
	}
	if (rsc_fault("create") < 0)
		return -EIO;
	return openat_ours(base, rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
}

void rsc_movedir_remove(int base, const char *vpath)
{
	const char *rel = vpath ? rel_of(vpath) : NULL;

	if (rel)
		unlinkat(base, rel,
			 0); /* below base: made by rsc_movedir_create, no link on the way */
}

int rsc_movedir_read(int base, const char *vpath)
{
	const char *rel = vpath ? rel_of(vpath) : NULL;

	if (!rel)
		return -EINVAL;
	return openat_ours(base, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0);
}

static bool all_zero(const char *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

int rsc_copy_fd(int in, int out, uint64_t *copied)
{
	return rsc_copy_fd_at(in, out, 0, copied);
}

int rsc_copy_fd_at(int in, int out, uint64_t at, uint64_t *copied)
{
	_cleanup_free_ char *buf = malloc(COPY_BLOCK);
	uint64_t off = 0;

	*copied = 0;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (rsc_signal_pending())
			return -EINTR; /* a long copy stops; the caller removes it */
		n = pread(in, buf, COPY_BLOCK, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		if (!all_zero(buf, (size_t)n)) {
			for (ssize_t w = 0; w < n;) {
				ssize_t k = pwrite(out, buf + w, (size_t)(n - w),
						   (off_t)(at + off) + w);

				if (k < 0 && errno == EINTR)
					continue;
				if (k <= 0)
					return k < 0 ? -errno : -EIO;
				w += k;
			}
		}
		off += (uint64_t)n;
	}
	/* the size, also after a last block left as a hole */
	if (ftruncate(out, (off_t)(at + off)) < 0)
		return -errno;
	*copied = off;
	return 0;
}

int rsc_copy_meta(int out, const struct stat *st)
{
	const struct timespec times[2] = { st->st_atim, st->st_mtim };

	if (rsc_fault("chown") < 0)
		return -EIO;
	if (fchown(out, st->st_uid, st->st_gid) < 0)
		return -errno;
	if (rsc_fault("chmod") < 0)
		return -EIO;
	if (fchmod(out, st->st_mode & 07777) < 0)
		return -errno;
	if (rsc_fault("utimes") < 0)
		return -EIO;
	if (futimens(out, times) < 0)
		return -errno;
	if (rsc_fault("fsync") < 0)
		return -EIO;
	return fsync(out) < 0 ? -errno : 0;
}

char *rsc_movedir_dest(const char *dir, const char *id, const char *vpath)
{
	char *s = NULL;
	size_t dl = strlen(dir);

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if (asprintf(&s, "%.*s/%s%s", (int)dl, dir, id, vpath) < 0)
		return NULL;
	return s;
}
