/* SPDX-License-Identifier: GPL-2.0-or-later */
/* testutil.h - fixtures for the cmocka tests: a throw-away victim tree. */
#ifndef RSC_TESTUTIL_H
#define RSC_TESTUTIL_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* mkdtemp a directory under $TMPDIR (or /tmp); returns a new path. Fails the test on error. */
char *tu_mkdtemp(void);
/* rm -rf dir (no symlink is followed). */
void tu_rmtree(const char *dir);
/* Create dir/rel (parents too, 0755) as a file with content, mode, owner. */
void tu_write(const char *dir, const char *rel, const char *content, mode_t mode, uid_t uid,
	      gid_t gid);
/* mkdir -p dir/rel with mode and owner on the last component. */
void tu_mkdir(const char *dir, const char *rel, mode_t mode, uid_t uid, gid_t gid);
/* symlink(target, dir/rel) */
void tu_symlink(const char *dir, const char *rel, const char *target);
/* Read dir/rel whole; returns a new NUL-terminated string, NULL if missing. */
char *tu_read(const char *dir, const char *rel);
/* stat dir/rel without following; returns mode (with type bits) and fills uid/gid (may be NULL). */
mode_t tu_mode(const char *dir, const char *rel, uid_t *uid, gid_t *gid);

/* chmod / chown dir/rel (never through a symlink), remove dir/rel (file, symlink or empty dir). */
void tu_chmod(const char *dir, const char *rel, mode_t mode);
void tu_chown(const char *dir, const char *rel, uid_t uid, gid_t gid);
void tu_remove(const char *dir, const char *rel);
/* mkfifo dir/rel */
void tu_mkfifo(const char *dir, const char *rel, mode_t mode);

/* The output of one call, captured in memory: open, pass c->f, close, read c->text; free it. */
struct tu_cap {
	FILE *f;
	char *text;
	size_t len;
};
FILE *tu_cap_open(struct tu_cap *c);
const char *tu_cap_close(struct tu_cap *c);

#endif
