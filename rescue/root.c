// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * root.c - confined access to the victim's filesystem tree.
 *
 * The kernel does the confinement with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS). Where openat2 is missing (or a test forces it) a
 * component walk does the same in user space: every component is opened
 * O_PATH|O_NOFOLLOW relative to the directory fd held for its parent, a
 * symlink is read as a string and spliced into the rest of the path (an
 * absolute target restarts at the root), ".." never pops above the root.
 * The walk never hands a victim string to a path-resolving call on the
 * host, so nothing it does can leave the root.
 *
 * Every other function is built on rsc_root_open_at() or on the walk, so
 * both modes behave the same. This file opens and reads; root_write.c makes
 * the changes, on the same opens.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "root.h"
#include "root_int.h"
#include "util.h"

int rsc_root_from_fd(int fd, struct rsc_root **out)
{
	struct rsc_root *r = NULL;
	struct stat st;

	if (fd < 0)
		return -EBADF;
	if (fstat(fd, &st) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	if (!S_ISDIR(st.st_mode)) {
		close(fd);
		return -ENOTDIR;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		close(fd);
		return -ENOMEM;
	}
	r->fd = fd;
	*out = r;
	return 0;
}

int rsc_root_open(const char *dir, struct rsc_root **out)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return rsc_root_from_fd(fd, out);
}

void rsc_root_free(struct rsc_root *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

int rsc_root_fd(const struct rsc_root *r)
{
	return r->fd;
}

void rsc_root_set_force_walk(struct rsc_root *r, bool on)
{
	r->force_walk = on;
}

/* ---- the component walk ------------------------------------------------ */

struct frame {
	int fd;	    /* O_PATH directory fd; fr[0] is the root's, not owned */
	char *name; /* component name in the parent (NULL for the root) */
};

struct walk {
	struct frame *fr;
	size_t n, cap;
	char *last;	  /* final name inside the top dir, NULL: the top dir itself */
	bool last_exists; /* whether last was found (it may be created) */
};

static void walk_pop(struct walk *w)
{
	if (w->n <= 1)
		return; /* ".." at the root stays at the root */
	w->n--;
	close(w->fr[w->n].fd);
	free(w->fr[w->n].name);
}

static void walk_done(struct walk *w)
{
	while (w->n > 1)
		walk_pop(w);
	free(w->fr);
	free(w->last);
	w->fr = NULL;
	w->last = NULL;
	w->n = w->cap = 0;
}

static int walk_top(const struct walk *w)
{
	return w->fr[w->n - 1].fd;
}

/* Push an O_PATH dir fd (taken over even on failure). */
static int walk_push(struct walk *w, int fd, const char *name)
{
	char *copy = strdup(name);

	if (!copy) {
		close(fd);
		return -ENOMEM;
	}
	if (w->n == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 16;
		struct frame *nf = realloc(w->fr, ncap * sizeof(*nf));

		if (!nf) {
			free(copy);
			close(fd);
			return -ENOMEM;
		}
		w->fr = nf;
		w->cap = ncap;
	}
	w->fr[w->n].fd = fd;
	w->fr[w->n].name = copy;
	w->n++;
	return 0;
}

/* Read the target of the symlink fd (an O_PATH fd of the link itself). */
static int readlink_fd(int fd, char **out)
{
	_cleanup_free_ char *buf = malloc(PATH_MAX);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	n = readlinkat(fd, "", buf, PATH_MAX);
	if (n < 0)
		return -errno;
	if (n >= PATH_MAX)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	*out = TAKE_PTR(buf);
	return 0;
}

/*
 * Resolve path inside the root. On success w holds the chain of directory
 * fds from the root down to the directory that holds the final object, and
 * w->last its name (NULL when the path ends in the directory itself: "",
 * "/", "x/..", "dir/"). A missing final component is not an error
 * (last_exists false) so that O_CREAT can make it. A symlink in the final
 * component is followed unless nofollow_last; a trailing slash always
 * follows and needs a directory.
 */
static int walk_path(struct rsc_root *r, const char *path, bool nofollow_last, struct walk *w)
{
	_cleanup_free_ char *rest = NULL;
	unsigned hops = 0;
	size_t pos = 0;
	int fd, k;

	memset(w, 0, sizeof(*w));
	w->fr = calloc(16, sizeof(*w->fr));
	if (!w->fr)
		return -ENOMEM;
	w->cap = 16;
	w->fr[0].fd = r->fd;
	w->n = 1;

	rest = strdup(path);
	if (!rest) {
		k = -ENOMEM;
		goto fail;
	}
	for (;;) {
		char comp[NAME_MAX + 1];
		const char *p = rest + pos, *end, *after;
		bool is_last, trailing;
		struct stat st;

		while (*p == '/')
			p++;
		if (!*p)
			break; /* the path ends in the top directory */
		end = strchrnul(p, '/');
		after = end;
		while (*after == '/')
			after++;
		is_last = !*after;
		trailing = is_last && *end == '/';
		if ((size_t)(end - p) > NAME_MAX) {
			k = -ENAMETOOLONG;
			goto fail;
		}
		memcpy(comp, p, (size_t)(end - p));
		comp[end - p] = '\0';
		pos = (size_t)(after - rest);

		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			walk_pop(w);
			continue;
		}

		fd = openat(walk_top(w), comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			k = -errno;
			if (k == -ENOENT && is_last && !trailing) {
				w->last = strdup(comp);
				if (!w->last) {
					k = -ENOMEM;
					goto fail;
				}
				w->last_exists = false;
				return 0;
			}
			goto fail;
		}
		if (fstat(fd, &st) < 0) {
			k = -errno;
			close(fd);
			goto fail;
		}
		if (S_ISLNK(st.st_mode) && (!is_last || trailing || !nofollow_last)) {
			_cleanup_free_ char *target = NULL;
			char *spliced = NULL;
			int n;

			if (++hops > RSC_ROOT_MAX_HOPS) {
				close(fd);
				k = -ELOOP;
				goto fail;
			}
			k = readlink_fd(fd, &target);
			close(fd);
			if (k < 0)
				goto fail;
			if (!*target) {
				k = -ENOENT;
				goto fail;
			}
			/* target, then what followed the link (a trailing "/" too) */
			if (*after)
				n = asprintf(&spliced, "%s/%s", target, after);
			else
				n = asprintf(&spliced, "%s%s", target, trailing ? "/" : "");
			if (n < 0) {
				k = -ENOMEM;
				goto fail;
			}
			free(rest);
			rest = spliced;
			pos = 0;
			if (target[0] == '/')
				while (w->n > 1)
					walk_pop(w);
			continue;
		}
		if (is_last && !trailing) {
			close(fd);
			w->last = strdup(comp);
			if (!w->last) {
				k = -ENOMEM;
				goto fail;
			}
			w->last_exists = true;
			return 0;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			k = -ENOTDIR;
			goto fail;
		}
		k = walk_push(w, fd, comp);
		if (k < 0)
			goto fail;
	}
	return 0;
fail:
	walk_done(w);
	return k;
}

static int open_walk(struct rsc_root *r, const char *path, int oflags, mode_t mode,
		     bool nofollow_last)
{
	struct walk w;
	int fd, k;

	k = walk_path(r, path, nofollow_last, &w);
	if (k < 0)
		return k;
	if (w.last)
		fd = openat(walk_top(&w), w.last, oflags | O_NOFOLLOW | O_CLOEXEC, mode);
	else
		fd = openat(walk_top(&w), ".", oflags | O_CLOEXEC, mode);
	k = fd < 0 ? -errno : fd;
	walk_done(&w);
	return k;
}

/* ---- openat2 ------------------------------------------------------------ */

static int open_openat2(struct rsc_root *r, const char *rel, int oflags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(unsigned)(oflags | O_CLOEXEC),
		.mode = ((oflags & O_CREAT) || (oflags & O_TMPFILE) == O_TMPFILE) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd;
	int tries = 0;

	do {
		fd = syscall(SYS_openat2, r->fd, rel, &how, sizeof(how));
	} while (fd < 0 && (errno == EAGAIN || errno == EINTR) && ++tries < 8);
	if (fd < 0)
		return -errno;
	return (int)fd;
}

int rsc_root_open_at(struct rsc_root *r, const char *path, int oflags, mode_t mode, unsigned flags)
{
	/* O_CREAT|O_EXCL never follows the last component, as in open(2) */
	bool nofollow = (flags & RSC_NOFOLLOW) || (oflags & O_NOFOLLOW) ||
			((oflags & O_CREAT) && (oflags & O_EXCL));
	const char *rel = path;
	int fd;

	if (!r || !path)
		return -EINVAL;
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	if (nofollow)
		oflags |= O_NOFOLLOW;

	if (!r->force_walk && !(flags & RSC_FORCE_WALK) && !r->no_openat2) {
		while (*rel == '/')
			rel++;
		fd = open_openat2(r, *rel ? rel : ".", oflags, mode);
		if (fd != -ENOSYS && fd != -EAGAIN)
			return fd;
		if (fd == -ENOSYS)
			r->no_openat2 = true;
	}
	if (flags & RSC_NO_FALLBACK)
		return -ENOSYS;
	return open_walk(r, path, oflags & ~O_NOFOLLOW, mode, nofollow);
}

/* ---- helpers on top of open ----------------------------------------------- */

unsigned rsc_root_flags(const struct rsc_root *r, unsigned flags)
{
	return (flags & MODE_FLAGS) | (r->force_walk ? RSC_FORCE_WALK : 0);
}

/*
 * Split path into its directory (opened O_PATH inside the root) and its last
 * name. Trailing slashes are dropped. *name is NULL when the path names a
 * directory by itself ("/", "a/..", "a/."); *dfd is then that directory.
 */
int rsc_root_open_parent(struct rsc_root *r, const char *path, unsigned flags, int *dfd,
			 char **name)
{
	_cleanup_free_ char *copy = NULL;
	char *slash, *base;
	size_t len;
	int fd;

	if (!path)
		return -EINVAL;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	len = strlen(copy);
	while (len > 0 && copy[len - 1] == '/')
		copy[--len] = '\0';
	slash = strrchr(copy, '/');
	base = slash ? slash + 1 : copy;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		fd = rsc_root_open_at(r, copy, O_PATH | O_DIRECTORY, 0, flags);
		if (fd < 0)
			return fd;
		*dfd = fd;
		*name = NULL;
		return 0;
	}
	if (strlen(base) > NAME_MAX)
		return -ENAMETOOLONG;
	*name = strdup(base);
	if (!*name)
		return -ENOMEM;
	if (slash)
		*base = '\0'; /* keep the "/" so that "/x" gives "/" */
	fd = rsc_root_open_at(r, slash ? copy : "", O_PATH | O_DIRECTORY, 0, flags);
	if (fd < 0) {
		free(*name);
		*name = NULL;
		return fd;
	}
	*dfd = fd;
	return 0;
}

int rsc_root_opendir(struct rsc_root *r, const char *path, DIR **out)
{
	int fd = rsc_root_open_at(r, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, 0);

	*out = NULL;
	if (fd < 0)
		return fd;
	*out = fdopendir(fd);
	if (!*out) {
		int e = errno;

		close(fd);
		return -e;
	}
	return 0;
}

int rsc_root_stat(struct rsc_root *r, const char *path, struct stat *st, unsigned flags)
{
	_cleanup_close_ int fd = -1;

	fd = rsc_root_open_at(r, path, O_PATH, 0, flags);
	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0)
		return -errno;
	return 0;
}

int rsc_root_realpath(struct rsc_root *r, const char *path, char **out)
{
	struct rsc_buf b = { 0 };
	struct walk w;
	int k;

	if (!r || !path)
		return -EINVAL;
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	/* Always the walk: it knows every name it went through. */
	k = walk_path(r, path, false, &w);
	if (k < 0)
		return k;
	if (w.last && !w.last_exists) {
		k = -ENOENT;
		goto out;
	}
	for (size_t i = 1; i < w.n && k >= 0; i++) {
		k = rsc_buf_adds(&b, "/");
		if (k >= 0)
			k = rsc_buf_adds(&b, w.fr[i].name);
	}
	if (k >= 0 && w.last) {
		k = rsc_buf_adds(&b, "/");
		if (k >= 0)
			k = rsc_buf_adds(&b, w.last);
	}
	if (k >= 0 && b.len == 0)
		k = rsc_buf_adds(&b, "/");
	if (k >= 0) {
		*out = rsc_buf_steal(&b);
		k = 0;
	}
out:
	rsc_buf_free(&b);
	walk_done(&w);
	return k;
}

int rsc_root_readlink(struct rsc_root *r, const char *path, char **out)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = rsc_root_open_at(r, path, O_PATH, 0, RSC_NOFOLLOW);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISLNK(st.st_mode))
		return -EINVAL;
	return readlink_fd(fd, out);
}

/* ---- reading ------------------------------------------------------------ */

static int check_readable(const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return -EISDIR;
	if (S_ISLNK(st->st_mode))
		return -ELOOP; /* only with RSC_NOFOLLOW */
	if (!S_ISREG(st->st_mode))
		return -ESPIPE;
	return 0;
}

int rsc_root_open_ro(struct rsc_root *r, const char *path, int oflags, unsigned flags)
{
	_cleanup_close_ int pfd = -1, fd = -1;
	struct stat pst, fst;

	/* Look before opening: a device node of the victim names a device of the helper. */
	pfd = rsc_root_open_at(r, path, O_PATH | (oflags & O_CLOEXEC), 0, flags);
	if (pfd < 0)
		return pfd;
	if (fstat(pfd, &pst) < 0)
		return -errno;
	if (S_ISLNK(pst.st_mode))
		return -ELOOP; /* only with RSC_NOFOLLOW */
	if (!S_ISREG(pst.st_mode) && !S_ISDIR(pst.st_mode))
		return TAKE_FD(pfd);
	fd = rsc_root_open_at(r, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | oflags, 0, flags);
	if (fd < 0)
		return fd;
	if (fstat(fd, &fst) < 0)
		return -errno;
	if (fst.st_dev != pst.st_dev || fst.st_ino != pst.st_ino)
		return -EAGAIN; /* replaced under our feet */
	return TAKE_FD(fd);
}

int rsc_root_read_file(struct rsc_root *r, const char *path, size_t cap, unsigned flags,
		       char **data, size_t *len, struct stat *st)
{
	_cleanup_close_ int pfd = -1, fd = -1;
	_cleanup_free_ char *buf = NULL;
	unsigned of = flags & (MODE_FLAGS | RSC_NOFOLLOW);
	struct stat pst, fst;
	size_t have = 0, size;
	int k;

	if (cap == 0)
		cap = RSC_READ_CAP_DEFAULT;
	if (cap > (size_t)SSIZE_MAX - 1)
		cap = (size_t)SSIZE_MAX - 1;

	/*
	 * Look before opening: a device node of the victim must not even be
	 * opened (it names a device of the helper), a FIFO would not hang
	 * thanks to O_NONBLOCK but has nothing to read either.
	 */
	pfd = rsc_root_open_at(r, path, O_PATH, 0, of);
	if (pfd < 0)
		return pfd;
	if (fstat(pfd, &pst) < 0)
		return -errno;
	k = check_readable(&pst);
	if (k < 0)
		return k;
	fd = rsc_root_open_at(r, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, of);
	if (fd < 0)
		return fd;
	if (fstat(fd, &fst) < 0)
		return -errno;
	k = check_readable(&fst);
	if (k < 0)
		return k;
	if (fst.st_dev != pst.st_dev || fst.st_ino != pst.st_ino)
		return -EAGAIN; /* replaced under our feet */

	if (fst.st_size > 0 && (uintmax_t)fst.st_size > cap && !(flags & RSC_READ_TRUNCATE))
		return -EFBIG;
	size = fst.st_size > 0 && (uintmax_t)fst.st_size < cap ? (size_t)fst.st_size : cap;
	if (size < 4096 && cap > size)
		size = cap < 4096 ? cap : 4096; /* st_size 0 on /proc-like files */
	buf = malloc(size + 1);
	if (!buf)
		return -ENOMEM;

	for (;;) {
		ssize_t n;

		if (have == size) {
			if (size == cap) {
				char probe;

				if (flags & RSC_READ_TRUNCATE)
					break;
				/* grew while we read: is there more than cap? */
				do {
					n = read(fd, &probe, 1);
				} while (n < 0 && errno == EINTR);
				if (n < 0)
					return -errno;
				if (n > 0)
					return -EFBIG;
				break;
			} else {
				size_t nsize = size > cap / 2 ? cap : size * 2;
				char *nb = realloc(buf, nsize + 1);

				if (!nb)
					return -ENOMEM;
				buf = nb;
				size = nsize;
			}
		}
		n = read(fd, buf + have, size - have);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	buf[have] = '\0';
	if (st)
		*st = fst;
	if (len)
		*len = have;
	*data = TAKE_PTR(buf);
	return 0;
}
