// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * packages.c - restore a package's missing or corrupt file from the exact
 * .deb the victim has installed: a FILE given with fix --from-deb, else the
 * victim's own /var/cache/apt/archives/NAME_VERSION_ARCH.deb. The archive's
 * Package, Version and Architecture must be the victim's installed ones, and
 * the extracted file's MD5 must be what the victim's dpkg recorded: the
 * victim gets back exactly the file its package manager installed, with the
 * package's mode and owner. A symlink in its place (a dangling library link)
 * is replaced; its target and any old bytes stay in the journal.
 *
 * Repairs pkg.file.* and the findings of sshd-binary whose file a package
 * ships (sshd, a library, a PAM or NSS module).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debfile.h"
#include "dpkg.h"
#include "fixups.h"
#include "plan.h"
#include "report.h"
#include "root.h"
#include "util.h"

#define ARCHIVES "/var/cache/apt/archives"

static const enum rsc_pid ids[] = {
	PR_PKG_FILE_MISSING,   PR_PKG_FILE_CHANGED, PR_PKG_FILE_MINOR,	   PR_SSHD_BINARY_MISSING,
	PR_SSHD_BINARY_BROKEN, PR_SSHD_LIB_MISSING, PR_PAM_MODULE_MISSING, PR_NSS_MODULE_MISSING,
};

/* The canonical victim directory of path (the file itself may be missing). */
static char *dir_of(struct rsc_ctx *ctx, const char *path)
{
	_cleanup_free_ char *d = strndup(path, (size_t)(strrchr(path, '/') - path));
	char *out = NULL;

	if (!d)
		return NULL;
	if (rsc_root_realpath(ctx->root, *d ? d : "/", &out) < 0)
		return strdup(*d ? d : "/");
	return out;
}

/*
 * The md5sums entry of pkg for path: the same path, or the same file name in
 * the same canonical directory (/lib vs /usr/lib), or — for a bare library
 * name — the same file name anywhere. NULL if none.
 */
static const struct rsc_dpkg_sum *entry_for(struct rsc_ctx *ctx, const struct rsc_dpkg_sum *sums,
					    size_t n, const char *path)
{
	const char *base = strrchr(path, '/');
	_cleanup_free_ char *dir = NULL;

	for (size_t i = 0; i < n; i++)
		if (strcmp(sums[i].path, path) == 0)
			return &sums[i];
	dir = base ? dir_of(ctx, path) : NULL;
	base = base ? base + 1 : path;
	for (size_t i = 0; i < n; i++) {
		const char *b = strrchr(sums[i].path, '/') + 1;
		_cleanup_free_ char *d = NULL;

		if (strcmp(b, base) != 0)
			continue;
		if (!dir)
			return &sums[i];
		d = dir_of(ctx, sums[i].path);
		if (d && strcmp(d, dir) == 0)
			return &sums[i];
	}
	return NULL;
}

/* "1:9.2p1-2" -> "1%3a9.2p1-2", as apt names its archives. */
static char *archive_name(const struct rsc_dpkg_pkg *p)
{
	_cleanup_(rsc_buf_free) struct rsc_buf b = { 0 };
	int r = rsc_buf_printf(&b, ARCHIVES "/%s_", p->name);

	for (const char *v = p->version; r == 0 && *v; v++)
		r = *v == ':' ? rsc_buf_adds(&b, "%3a") : rsc_buf_add(&b, v, 1);
	if (r == 0)
		r = rsc_buf_printf(&b, "_%s.deb", p->arch);
	return r == 0 ? rsc_buf_steal(&b) : NULL;
}

/* Is the archive on fd exactly pkg? */
static bool matches(int fd, const struct rsc_dpkg_pkg *p)
{
	struct rsc_deb_control c;
	bool ok;

	if (rsc_deb_control(fd, &c) < 0)
		return false;
	ok = strcmp(c.package, p->name) == 0 && strcmp(c.version, p->version) == 0 &&
	     strcmp(c.arch, p->arch) == 0;
	rsc_deb_control_clear(&c);
	return ok;
}

/* An open archive of pkg: one of --from-deb, else the victim's apt cache. -ENOENT if none. */
static int find_deb(struct rsc_ctx *ctx, const struct rsc_dpkg_pkg *p)
{
	_cleanup_free_ char *cached = archive_name(p);
	int fd;

	for (size_t i = 0; ctx->debs && ctx->debs[i]; i++) {
		fd = open(ctx->debs[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (matches(fd, p))
			return fd;
		close(fd);
	}
	if (!cached)
		return -ENOMEM;
	fd = rsc_root_open_ro(ctx->root, cached, O_CLOEXEC, 0);
	if (fd < 0)
		return fd == -ENOMEM ? fd : -ENOENT;
	{
		struct stat st;

		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && matches(fd, p))
			return fd;
	}
	close(fd);
	return -ENOENT;
}

static bool want_one(void *ctx, const char *path)
{
	return strcmp(path, ctx) == 0;
}

/* Plan the restore of the package file path (an md5sums path) of pkg. */
static int restore(struct rsc_ctx *ctx, struct rsc_plan *p, const char *code,
		   const struct rsc_dpkg_pkg *pkg, const struct rsc_dpkg_sum *sum)
{
	struct rsc_deb_file *files = NULL;
	_cleanup_close_ int fd = -1;
	size_t n = 0;
	char md5[33], why[160];
	struct stat st;
	int r;

	if (rsc_plan_find_write(p, sum->path))
		return 0; /* another finding of the same file */
	fd = find_deb(ctx, pkg);
	if (fd < 0)
		return fd == -ENOMEM ? fd : -ENOTSUP;
	r = rsc_deb_extract(fd, want_one, (void *)sum->path, &files, &n, why, sizeof(why));
	if (r < 0 || n != 1 || files[0].type != '0') {
		rsc_deb_files_free(files, n);
		return r == -ENOMEM ? r : -ENOTSUP;
	}
	rsc_md5_hex(files[0].data, files[0].len, md5);
	if (strcmp(md5, sum->md5) != 0) {
		rsc_deb_files_free(files, n);
		return -ENOTSUP; /* not the file dpkg recorded: never put a stranger's file in */
	}
	snprintf(why, sizeof(why), "from %s %s", pkg->name, pkg->version);
	r = rsc_root_stat(ctx->root, sum->path, &st, RSC_NOFOLLOW);
	if (r == 0 && S_ISLNK(st.st_mode))
		r = rsc_plan_unlink(p, code, sum->path, "a link where the package has a file");
	else if (r == 0 && !S_ISREG(st.st_mode))
		r = -ENOTSUP; /* a directory or a FIFO there: a human decides */
	else
		r = r == -ENOENT ? 0 : r;
	if (r == 0)
		r = rsc_plan_write(p, code, sum->path, files[0].data, files[0].len, files[0].mode,
				   files[0].uid, files[0].gid, why);
	rsc_deb_files_free(files, n);
	return r == -ENOMEM ? r : (r < 0 ? -ENOTSUP : 0);
}

static int plan(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	_cleanup_free_ char *owner = NULL;
	const struct rsc_dpkg_sum *sum;
	const struct rsc_dpkg_pkg *pkg;
	struct rsc_dpkg_sum *sums = NULL;
	struct rsc_dpkg_db db;
	size_t n = 0;
	int r;

	if (!f->path)
		return -ENOTSUP;
	if (f->file) {
		owner = strdup(f->file); /* pkg.file.*: the package is the finding's */
	} else {
		r = rsc_dpkg_owner(ctx->root, f->path, &owner);
		if (r < 0)
			return r == -ENOMEM ? r : -ENOTSUP;
	}
	if (!owner)
		return -ENOMEM;
	r = rsc_dpkg_load(ctx->root, &db);
	if (r < 0)
		return r == -ENOMEM ? r : -ENOTSUP;
	pkg = rsc_dpkg_find(&db, owner);
	r = pkg ? rsc_dpkg_md5sums(ctx->root, pkg, &sums, &n) : -ENOTSUP;
	sum = r == 0 ? entry_for(ctx, sums, n, f->path) : NULL;
	if (r == 0)
		r = sum ? restore(ctx, p, rsc_problem(f->id)->code, pkg, sum) : -ENOTSUP;
	rsc_dpkg_sums_free(sums, n);
	rsc_dpkg_free(&db);
	return r == -ENOMEM ? r : (r < 0 ? -ENOTSUP : 0);
}

const struct rsc_fixer fix_packages = {
	.name = "packages",
	.ids = ids,
	.nids = ARRAY_SIZE(ids),
	.plan = plan,
};
