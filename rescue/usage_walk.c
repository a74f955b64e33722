// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * usage_walk.c - what fills a mounted victim root (XFS, btrfs, a directory
 * target: anything but the ext4 fast path), by walking it like du -x: from
 * the root's fd, one name at a time with fstatat(AT_SYMLINK_NOFOLLOW) and
 * openat(O_NOFOLLOW | O_DIRECTORY), so no victim path is ever resolved by the
 * helper and no symlink is followed; an entry on another st_dev (a mount
 * point) is left out. Hard-linked inodes are counted once (a hash set of the
 * inode numbers of files with more than one link: it grows with those only).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "root.h"
#include "usageP.h"
#include "util.h"

#define DEPTH_MAX 512 /* an fd per level; deeper directories are counted as too deep */

struct walk {
	struct ut_tree t;
	dev_t dev;
	uint64_t *links; /* open addressing, ino + 1; 0 is empty */
	size_t nlinks, lcap;
	unsigned depth_max;
	uint64_t bad, other, deep, seen, expect;
	struct ut_progress prog;
};

/* true if ino was already counted; else remember it. -ENOMEM on failure. */
static int link_seen(struct walk *w, uint64_t ino)
{
	if (w->nlinks * 2 >= w->lcap) {
		size_t cap = w->lcap ? w->lcap * 2 : 1024;
		uint64_t *n = calloc(cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		for (size_t i = 0; i < w->lcap; i++) {
			size_t h;

			if (!w->links[i])
				continue;
			for (h = (w->links[i] * 0x9e3779b97f4a7c15ULL) & (cap - 1); n[h];
			     h = (h + 1) & (cap - 1))
				;
			n[h] = w->links[i];
		}
		free(w->links);
		w->links = n;
		w->lcap = cap;
	}
	for (size_t h = ((ino + 1) * 0x9e3779b97f4a7c15ULL) & (w->lcap - 1);;
	     h = (h + 1) & (w->lcap - 1)) {
		if (w->links[h] == ino + 1)
			return 1;
		if (!w->links[h]) {
			w->links[h] = ino + 1;
			w->nlinks++;
			return 0;
		}
	}
}

static int walk_dir(struct walk *w, int fd, uint32_t idx, unsigned depth);

static int one_entry(struct walk *w, int dfd, uint32_t idx, const char *name, unsigned depth)
{
	size_t len = strlen(name);
	struct stat st, cst;
	long c;
	int cfd, r;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		w->bad++;
		return 0;
	}
	if (st.st_dev != w->dev) {
		w->other++;
		return 0;
	}
	ut_progress(&w->prog, "walking directories", ++w->seen, w->expect);
	if (!S_ISDIR(st.st_mode)) {
		r = st.st_nlink > 1 ? link_seen(w, (uint64_t)st.st_ino) : 0;
		if (r == 0)
			ut_add_file(&w->t, idx, name, len, (uint64_t)st.st_blocks * 512);
		return r < 0 ? r : 0;
	}
	c = ut_add_dir(&w->t, 0, (uint64_t)st.st_blocks * 512);
	if (c < 0)
		return (int)c;
	r = ut_set_parent(&w->t, (uint32_t)c, idx, name, len);
	if (r < 0)
		return r;
	if (depth + 1 >= w->depth_max) {
		w->deep++;
		return 0;
	}
	cfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (cfd < 0) {
		w->bad++; /* counted itself, like du does, but not what is in it */
		return 0;
	}
	if (fstat(cfd, &cst) < 0 || cst.st_dev != st.st_dev || cst.st_ino != st.st_ino) {
		close(cfd); /* replaced between the stat and the open */
		w->bad++;
		return 0;
	}
	return walk_dir(w, cfd, (uint32_t)c, depth + 1);
}

/* Walk the directory open on fd (taken over) whose tree record is idx. */
static int walk_dir(struct walk *w, int fd, uint32_t idx, unsigned depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int r = 0;

	if (!d) {
		close(fd);
		w->bad++;
		return 0;
	}
	while (r == 0) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				w->bad++;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = one_entry(w, dirfd(d), idx, de->d_name, depth);
	}
	closedir(d);
	return r;
}

int rsc_usage_walk(struct rsc_root *root, const struct rsc_usage_opts *o, struct rsc_usage *u,
		   struct rsc_buf *why)
{
	struct walk w;
	struct statvfs sv;
	struct rlimit rl;
	struct stat st;
	double t0 = ut_now();
	int fd, r;

	memset(&w, 0, sizeof(w));
	memset(u, 0, sizeof(*u));
	fd = openat(rsc_root_fd(root), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		rsc_buf_printf(why, "cannot open the root: %s", strerror(-r));
		return r;
	}
	r = ut_init(&w.t, o->top);
	if (r < 0) {
		close(fd);
		return r;
	}
	w.dev = st.st_dev;
	w.depth_max = DEPTH_MAX;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < DEPTH_MAX + 64)
		w.depth_max = rl.rlim_cur > 64 ? (unsigned)rl.rlim_cur - 32 : 32;
	if (fstatvfs(fd, &sv) == 0 && sv.f_files > sv.f_ffree) {
		w.expect = sv.f_files - sv.f_ffree;
		u->has_fs = true;
		u->fs_bytes = (uint64_t)sv.f_blocks * sv.f_frsize;
		u->fs_bytes_used = (uint64_t)(sv.f_blocks - sv.f_bfree) * sv.f_frsize;
		u->fs_inodes = sv.f_files;
		u->fs_inodes_used = w.expect;
	}
	ut_progress_start(&w.prog, o->progress);
	r = (int)ut_add_dir(&w.t, 0, (uint64_t)st.st_blocks * 512);
	if (r >= 0)
		r = walk_dir(&w, fd, 0, 0);
	else
		close(fd);
	ut_progress_end(&w.prog);
	if (r == 0) {
		w.t.dirs[0].parent = 0;
		r = ut_finish(&w.t, 0, u);
	}
	if (r == 0) {
		u->method = "walk";
		u->bad = w.bad;
		u->other_fs = w.other;
		u->too_deep = w.deep;
		u->seconds = ut_now() - t0;
	} else {
		rsc_usage_free(u);
	}
	free(w.links);
	ut_free(&w.t);
	return r;
}
