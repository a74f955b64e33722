/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packagesP.h - what the check family packages shares between its dpkg
 * (packages.c) and its rpm (packages_rpm.c) halves, and the unit tests.
 */
#ifndef CHK_PACKAGESP_H
#define CHK_PACKAGESP_H

#include <stdbool.h>

struct rsc_ctx;

/* Is path a program or a library (below a bin, sbin, lib or libexec directory)? */
bool chk_pkg_is_runtime(const char *path);
/* Is path documentation, which images leave out on purpose? */
bool chk_pkg_is_skipped(const char *path);

/* One file line of `rpm --verify`: "S.5....T.  c /etc/ssh/sshd_config", "missing     /x". */
struct chk_rpmv_line {
	bool is_missing;  /* "missing": the file is gone */
	char flags[10];	  /* "S.5....T." (SM5DLUGTP, '.' passed, '?' not tested); "" if missing */
	char attr;	  /* ' ', or c config, d doc, g ghost, l license, r readme, a artifact */
	const char *path; /* points into the line: from its '/' to its end */
};

/*
 * Parse one line of rpm --verify's output (no newline). 0 with *out filled,
 * -EINVAL for any other line ("package x is not installed", garbage).
 */
int chk_rpmv_parse(const char *line, struct chk_rpmv_line *out);

/*
 * The rpm half of the check: the packages a login depends on, verified by
 * the helper's rpm against the victim's rpm database (or pkg.unverified,
 * saying why not). Returns 0 or -ENOMEM.
 */
int chk_packages_rpm(struct rsc_ctx *ctx);

#endif
