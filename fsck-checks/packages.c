// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * packages.c - an offline `dpkg --verify` of what a login depends on.
 *
 * The packages: openssh-server, openssh-sftp-server, the PAM modules and
 * configuration, the shells, and everything they depend on (Pre-Depends and
 * Depends, every installed alternative, recursively). Each file of their
 * md5sums is read from the victim and its MD5 compared (libcrypto); a file
 * that is missing, changed or not a regular file any more is a finding. A
 * program or library (below a bin, sbin, lib or libexec directory) is an
 * error, another file a warning; documentation is not checked, since
 * images leave it out on purpose (dpkg's path-exclude). An rpm victim is
 * verified by the helper's rpm (packages_rpm.c), or said to be unverified.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks.h"
#include "dpkg.h"
#include "packagesP.h"
#include "report.h"
#include "root.h"
#include "util.h"
#include "victim.h"

static const char *const roots[] = { "openssh-server", "openssh-sftp-server",
				     "libpam-modules", "libpam-runtime",
				     "bash",	       "dash",
				     "login",	       "passwd" };

static const char *const skipped[] = { "/usr/share/doc/",     "/usr/share/man/",
				       "/usr/share/info/",    "/usr/share/locale/",
				       "/usr/share/lintian/", "/usr/share/bug/" };

bool chk_pkg_is_runtime(const char *path)
{
	return strstr(path, "/bin/") || strstr(path, "/sbin/") || rsc_startswith(path, "/lib") ||
	       rsc_startswith(path, "/usr/lib") || rsc_startswith(path, "/usr/libexec/");
}

bool chk_pkg_is_skipped(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(skipped); i++)
		if (rsc_startswith(path, skipped[i]))
			return true;
	return false;
}

/* The closure of roots over Depends in db: marks[i] for db->pkgs[i]. */
static void closure(const struct rsc_dpkg_db *db, bool *marks)
{
	size_t *queue = calloc(db->n ? db->n : 1, sizeof(*queue)), head = 0, tail = 0;

	if (!queue)
		return; /* fewer packages are checked; never a wrong finding */
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		const struct rsc_dpkg_pkg *p = rsc_dpkg_find(db, roots[i]);

		if (p && !marks[p - db->pkgs]) {
			marks[p - db->pkgs] = true;
			queue[tail++] = (size_t)(p - db->pkgs);
		}
	}
	while (head < tail) {
		const struct rsc_dpkg_pkg *p = &db->pkgs[queue[head++]];

		for (size_t d = 0; d < p->ndepends; d++) {
			_cleanup_free_ char *alts = strdup(p->depends[d]);

			for (char *save = NULL, *a = alts ? strtok_r(alts, "|", &save) : NULL; a;
			     a = strtok_r(NULL, "|", &save)) {
				const struct rsc_dpkg_pkg *q = rsc_dpkg_find(db, a);

				if (q && !marks[q - db->pkgs]) {
					marks[q - db->pkgs] = true;
					queue[tail++] = (size_t)(q - db->pkgs);
				}
			}
		}
	}
	free(queue);
}

static int verify(struct rsc_ctx *ctx, const struct rsc_dpkg_pkg *pkg)
{
	struct rsc_dpkg_sum *sums = NULL;
	size_t n = 0;
	int r = rsc_dpkg_md5sums(ctx->root, pkg, &sums, &n);

	if (r < 0)
		return r == -ENOMEM ? r : 0; /* no md5sums: nothing recorded to compare with */
	for (size_t i = 0; r == 0 && i < n; i++) {
		const char *path = sums[i].path;
		char md5[33], ev[160];
		enum rsc_pid id;
		int k;

		if (chk_pkg_is_skipped(path))
			continue;
		k = rsc_md5_file(ctx->root, path, md5);
		if (k == -ENOMEM) {
			r = k;
			break;
		}
		if (k == 0 && strcmp(md5, sums[i].md5) == 0)
			continue;
		if (k == 0)
			snprintf(ev, sizeof(ev), "%s %s: MD5 %s, dpkg recorded %s", pkg->name,
				 pkg->version, md5, sums[i].md5);
		else
			snprintf(ev, sizeof(ev), "%s %s: %s", pkg->name, pkg->version,
				 k == -ELOOP	? "a symlink where the package put a file"
				 : k == -ENOENT ? "no such file (or a dangling link on its way)"
						: strerror(-k));
		id = !chk_pkg_is_runtime(path) ? PR_PKG_FILE_MINOR
		     : k == -ENOENT	       ? PR_PKG_FILE_MISSING
					       : PR_PKG_FILE_CHANGED;
		{
			struct rsc_detail d = { .path = path, .file = pkg->name, .evidence = ev };

			r = rsc_report(ctx, id, &d);
		}
	}
	rsc_dpkg_sums_free(sums, n);
	return r;
}

static int run(struct rsc_ctx *ctx)
{
	struct rsc_dpkg_db db;
	struct stat st;
	bool *marks;
	int r = rsc_dpkg_load(ctx->root, &db);

	if (r == -ENOENT) {
		if (rsc_root_stat(ctx->root, "/var/lib/rpm", &st, 0) == 0 ||
		    rsc_root_stat(ctx->root, "/usr/lib/sysimage/rpm", &st, 0) == 0)
			return chk_packages_rpm(ctx);
		return 0;
	}
	if (r < 0)
		return r;
	marks = calloc(db.n ? db.n : 1, sizeof(*marks));
	if (!marks) {
		rsc_dpkg_free(&db);
		return -ENOMEM;
	}
	closure(&db, marks);
	for (size_t i = 0; r == 0 && i < db.n; i++)
		if (marks[i])
			r = verify(ctx, &db.pkgs[i]);
	free(marks);
	rsc_dpkg_free(&db);
	return r;
}

const struct rsc_check chk_packages = {
	.name = "packages",
	.summary = "the files of the packages a login depends on (openssh-server, PAM, the "
		   "shells and their Depends) against dpkg's md5sums; on an rpm victim, "
		   "rpm --verify by the helper's rpm",
	.run = run,
};
