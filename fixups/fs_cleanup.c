// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs_cleanup.c - free space on a full root filesystem, from a closed list of
 * places whose files a system can do without: package caches, rotated and
 * compressed logs, journald archives, core dumps, old temporary files. With
 * --truncate-logs also the active logs of /var/log (copied out first).
 *
 * Opt-in (fix --only fs.space.root ...). By default every file is MOVED to
 * the helper (--move-to DIR, plan_out.c), so nothing is lost and undo brings
 * it back; --delete deletes instead. Only regular files on the root's own
 * filesystem with a single name are taken (another name would keep the
 * blocks); a directory is walked without following a symlink and never
 * left for another filesystem.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fixups.h"
#include "plan.h"
#include "report.h"
#include "root.h"
#include "util.h"

#define DAY	       (24L * 3600)
#define MAX_FILES      100000	  /* files one cleanup plans, at most */
#define ACTIVE_LOG_MIN (1u << 20) /* an active log smaller than this is not worth truncating */

struct found {
	char *path; /* victim path */
	const char *why;
};

struct walk {
	struct rsc_ctx *ctx;
	struct rsc_plan *p;
	const char *code;
	dev_t dev; /* the root filesystem's */
	time_t now;
	struct found *found; /* sorted by path before planning: the same plan for the same disk */
	size_t n, cap;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool all_digits(const char *s, size_t n)
{
	return n > 0 && strspn(s, "0123456789") >= n;
}

/* logrotate's names: x.1, x.2.gz, x.gz, x.xz, x-20261130, x-20261130.gz, x.old */
static bool rotated(const char *name)
{
	static const char *const packed[] = { ".gz", ".xz", ".bz2", ".zst", ".lz4", ".old" };
	const char *dot, *dash;
	size_t len = strlen(name);

	for (size_t i = 0; i < ARRAY_SIZE(packed); i++)
		if (ends_with(name, packed[i]) && len > strlen(packed[i]))
			return true;
	dot = strrchr(name, '.');
	if (dot && dot > name && all_digits(dot + 1, strlen(dot + 1)))
		return true;
	dash = strrchr(name, '-');
	return dash && dash > name && strlen(dash + 1) == 8 && all_digits(dash + 1, 8);
}

/* binary records login needs, never taken: lastlog, wtmp, btmp, faillog */
static bool login_record(const char *name)
{
	static const char *const keep[] = { "lastlog", "wtmp", "btmp", "faillog" };

	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		if (strcmp(name, keep[i]) == 0)
			return true;
	return false;
}

static bool older(const struct stat *st, time_t now, long days)
{
	time_t t = now - days * DAY;

	return st->st_mtime < t && st->st_atime < t && st->st_ctime < t;
}

struct target {
	const char *dir;
	unsigned depth; /* directory levels below dir that are walked */
	bool active;	/* TRUNCATE (with --truncate-logs) rather than MOVE */
	bool (*match)(const char *name, const struct stat *st, time_t now);
	const char *why;
};

static bool m_deb(const char *n, const struct stat *st, time_t now)
{
	(void)st;
	(void)now;
	return ends_with(n, ".deb");
}

static bool m_apt_bin(const char *n, const struct stat *st, time_t now)
{
	(void)st;
	(void)now;
	return ends_with(n, ".bin"); /* pkgcache.bin, srcpkgcache.bin: apt rebuilds them */
}

static bool m_any(const char *n, const struct stat *st, time_t now)
{
	(void)n;
	(void)st;
	(void)now;
	return true;
}

static bool m_rotated(const char *n, const struct stat *st, time_t now)
{
	(void)st;
	(void)now;
	return rotated(n) && !login_record(n);
}

static bool m_journal_archive(const char *n, const struct stat *st, time_t now)
{
	(void)st;
	(void)now;
	/* system@<id>.journal: archived; <x>.journal~: set aside after a crash */
	return ends_with(n, ".journal~") || (ends_with(n, ".journal") && strchr(n, '@'));
}

static bool m_tmp(const char *n, const struct stat *st, time_t now)
{
	(void)n;
	return older(st, now, 10); /* systemd-tmpfiles' age for /tmp */
}

static bool m_var_tmp(const char *n, const struct stat *st, time_t now)
{
	(void)n;
	return older(st, now, 30); /* and for /var/tmp */
}

static bool m_active_log(const char *n, const struct stat *st, time_t now)
{
	(void)now;
	return !rotated(n) && !login_record(n) && st->st_size >= ACTIVE_LOG_MIN;
}

static const struct target targets[] = {
	{ "/var/cache/apt/archives", 1, false, m_deb, "apt's downloaded packages" },
	{ "/var/cache/apt", 0, false, m_apt_bin, "apt's package cache, rebuilt by apt" },
	{ "/var/cache/dnf", 6, false, m_any, "dnf's cache" },
	{ "/var/cache/yum", 6, false, m_any, "yum's cache" },
	{ "/var/log", 3, false, m_rotated, "rotated log" },
	{ "/var/log/journal", 2, false, m_journal_archive, "journald archive" },
	{ "/var/lib/systemd/coredump", 0, false, m_any, "core dump" },
	{ "/var/crash", 0, false, m_any, "crash report" },
	{ "/tmp", 8, false, m_tmp, "in /tmp, unused for 10 days" },
	{ "/var/tmp", 8, false, m_var_tmp, "in /var/tmp, unused for 30 days" },
	{ "/var/log", 2, true, m_active_log, "active log, copied out first" },
};

/* Directories inside a walked one that belong to another target, or to no one. */
static bool skipped_dir(const struct target *t, const char *path)
{
	return (strcmp(t->dir, "/var/log") == 0 && (strcmp(path, "/var/log/journal") == 0 ||
						    strcmp(path, "/var/log/sshrescue") == 0)) ||
	       strcmp(path, "/var/lib/sshrescue") == 0;
}

static int found(struct walk *w, const char *path, const char *why)
{
	char *copy;

	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct found *n = reallocarray(w->found, cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		w->found = n;
		w->cap = cap;
	}
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	w->found[w->n++] = (struct found){ copy, why };
	return 0;
}

static int walk_dir(struct walk *w, const struct target *t, const char *dir, unsigned depth)
{
	DIR *d = NULL;
	struct dirent *de;
	int r = rsc_root_opendir(w->ctx->root, dir, &d);

	if (r < 0)
		return r == -ENOENT || r == -ENOTDIR || r == -ELOOP || r == -EACCES ? 0 : r;
	while (r == 0 && w->n < MAX_FILES && (de = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (st.st_dev != w->dev)
			continue; /* another filesystem: freeing there does not help / */
		path = rsc_path_join(dir, de->d_name);
		if (!path) {
			r = -ENOMEM;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth < t->depth && !skipped_dir(t, path))
				r = walk_dir(w, t, path, depth + 1);
		} else if (S_ISREG(st.st_mode) && st.st_nlink == 1 && st.st_size > 0 &&
			   t->match(de->d_name, &st, w->now)) {
			r = found(w, path, t->why);
		}
	}
	closedir(d);
	return r;
}

static int cmp_found(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->path, ((const struct found *)b)->path);
}

static int plan_found(struct walk *w, bool active)
{
	const struct rsc_ctx *ctx = w->ctx;
	int r = 0;

	if (w->n > 1) /* nothing found: w->found is NULL, which qsort must not see */
		qsort(w->found, w->n, sizeof(*w->found), cmp_found);
	for (size_t i = 0; r == 0 && i < w->n; i++) {
		const char *path = w->found[i].path, *why = w->found[i].why;

		if (active)
			r = rsc_plan_truncate(w->p, w->code, path, ctx->move_to, why);
		else if (ctx->delete_files)
			r = rsc_plan_delete(w->p, w->code, path, why);
		else
			r = rsc_plan_move(w->p, w->code, path, ctx->move_to, why);
	}
	return r;
}

static void walk_clear(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->found[i].path);
	free(w->found);
	w->found = NULL;
	w->n = w->cap = 0;
}

static int plan(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	struct walk w = { .ctx = ctx, .p = p, .code = rsc_problem(f->id)->code };
	struct stat st;
	int r;

	if (rsc_plan_frees(p))
		return 0; /* one cleanup for the filesystem, whichever of its findings asked */
	r = rsc_root_stat(ctx->root, "/", &st, 0);
	if (r < 0)
		return r;
	w.dev = st.st_dev;
	w.now = time(NULL);
	for (int pass = 0; pass < 2 && r == 0; pass++) {
		bool active = pass == 1;

		if (active && !ctx->truncate_logs)
			break;
		for (size_t i = 0; i < ARRAY_SIZE(targets) && r == 0; i++)
			if (targets[i].active == active)
				r = walk_dir(&w, &targets[i], targets[i].dir, 0);
		if (r == 0)
			r = plan_found(&w, active);
		walk_clear(&w);
	}
	walk_clear(&w);
	if (r == 0 && !rsc_plan_frees(p))
		return -ENOTSUP; /* nothing on the list: said under "not repaired" */
	return r;
}

static const enum rsc_pid ids[] = { PR_FS_SPACE_ROOT, PR_FS_SPACE_USERS, PR_FS_INODES_FULL };

const struct rsc_fixer fix_fs_cleanup = {
	.name = "fs-cleanup",
	.ids = ids,
	.nids = ARRAY_SIZE(ids),
	.plan = plan,
};
