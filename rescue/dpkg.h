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

struct rsc_root;

/*
 * The package that ships path ("libssl3:amd64" without ":amd64" -> "libssl3");
 * path may be a bare file name ("libcrypto.so.3": in any directory).
 * *pkg caller frees. Returns 0, -ENOENT when no package lists it or the
 * victim has no dpkg database, or -ENOMEM.
 */
int rsc_dpkg_owner(struct rsc_root *root, const char *path, char **pkg);

#endif
