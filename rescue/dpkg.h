/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dpkg.h - the victim's dpkg database, read offline: which package owns a
 * path (/var/lib/dpkg/info/PKG.list). The lists name the paths as the
 * packages ship them (/usr/lib/x86_64-linux-gnu/libcrypto.so.3) while
 * programs find them through other names (/lib/x86_64-linux-gnu/..., a
 * merged /usr): paths are compared by file name and canonical directory
 * inside the victim.
 */
#ifndef RSC_DPKG_H
#define RSC_DPKG_H

#include <stdbool.h>
#include <stddef.h>

struct rsc_root;

/* An installed package of /var/lib/dpkg/status. */
struct rsc_dpkg_pkg {
	char *name;	/* "libssl3" */
	char *version;	/* "3.0.17-1~deb12u2" */
	char *arch;	/* "amd64", "all" */
	bool multiarch; /* Multi-Arch: same: its info files are "NAME:ARCH.*" */
	char **depends; /* Pre-Depends and Depends, each "a|b|c" alternatives */
	size_t ndepends;
};

struct rsc_dpkg_db {
	struct rsc_dpkg_pkg *pkgs;
	size_t n;
};

/*
 * The installed packages ("Status: install ok installed") of the victim.
 * -ENOENT without a dpkg database. Returns 0 or -errno; free with _free.
 */
int rsc_dpkg_load(struct rsc_root *root, struct rsc_dpkg_db *db);
void rsc_dpkg_free(struct rsc_dpkg_db *db);
/* The installed package name (an ":arch" suffix is ignored), NULL if none. */
const struct rsc_dpkg_pkg *rsc_dpkg_find(const struct rsc_dpkg_db *db, const char *name);
/* Parse a status file's text into db (for the fuzz target). 0 or -ENOMEM. */
int rsc_dpkg_parse_status(const char *data, size_t len, struct rsc_dpkg_db *db);

/* One line of a package's md5sums: the digest and the absolute path. */
struct rsc_dpkg_sum {
	char md5[33];
	char *path;
};

/*
 * The md5sums of pkg (/var/lib/dpkg/info/NAME[:ARCH].md5sums); malformed
 * lines are skipped. -ENOENT when the package has none. *sums caller frees
 * with rsc_dpkg_sums_free.
 */
int rsc_dpkg_md5sums(struct rsc_root *root, const struct rsc_dpkg_pkg *pkg,
		     struct rsc_dpkg_sum **sums, size_t *n);
void rsc_dpkg_sums_free(struct rsc_dpkg_sum *sums, size_t n);

/* The MD5 of len bytes, as 32 lower-case hex digits. */
void rsc_md5_hex(const void *data, size_t len, char hex[33]);
/*
 * The MD5 of the victim's regular file path (the last component is not
 * followed: a symlink there is -ELOOP). 0 or -errno.
 */
int rsc_md5_file(struct rsc_root *root, const char *path, char hex[33]);

/*
 * The package that ships path ("libssl3:amd64" without ":amd64" -> "libssl3");
 * path may be a bare file name ("libcrypto.so.3": in any directory).
 * *pkg caller frees. Returns 0, -ENOENT when no package lists it or the
 * victim has no dpkg database, or -ENOMEM.
 */
int rsc_dpkg_owner(struct rsc_root *root, const char *path, char **pkg);

#endif
