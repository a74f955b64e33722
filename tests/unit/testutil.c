// SPDX-License-Identifier: GPL-2.0-or-later
/* testutil.c - fixtures for the cmocka tests. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

char *tu_mkdtemp(void)
{
	const char *tmp = getenv("TMPDIR");
	char *path = NULL;

	assert_true(asprintf(&path, "%s/rsc-test.XXXXXX", tmp && *tmp ? tmp : "/tmp") > 0);
	assert_non_null(mkdtemp(path));
	return path;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP || flag == FTW_D)
		chmod(path, 0700), rmdir(path);
	else
		unlink(path);
	return 0;
}

void tu_rmtree(const char *dir)
{
	if (dir)
		nftw(dir, rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

static char *join(const char *dir, const char *rel)
{
	char *p = NULL;

	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	return p;
}

static void mkparents(char *path)
{
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(path, 0755) < 0)
			assert_int_equal(errno, EEXIST);
		*s = '/';
	}
}

void tu_write(const char *dir, const char *rel, const char *content, mode_t mode, uid_t uid,
	      gid_t gid)
{
	char *p = join(dir, rel);
	int fd;

	mkparents(p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	assert_int_equal(fchown(fd, uid, gid), 0);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	free(p);
}

void tu_mkdir(const char *dir, const char *rel, mode_t mode, uid_t uid, gid_t gid)
{
	char *p = join(dir, rel);

	mkparents(p);
	if (mkdir(p, 0700) < 0)
		assert_int_equal(errno, EEXIST);
	assert_int_equal(lchown(p, uid, gid), 0);
	assert_int_equal(chmod(p, mode), 0);
	free(p);
}

void tu_symlink(const char *dir, const char *rel, const char *target)
{
	char *p = join(dir, rel);

	mkparents(p);
	assert_int_equal(symlink(target, p), 0);
	free(p);
}

char *tu_read(const char *dir, const char *rel)
{
	char *p = join(dir, rel);
	FILE *f = fopen(p, "re");
	char *buf = NULL;
	size_t n = 0;

	free(p);
	if (!f)
		return NULL;
	if (getdelim(&buf, &n, '\0', f) < 0) {
		assert_true(feof(f)); /* an empty file */
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}

mode_t tu_mode(const char *dir, const char *rel, uid_t *uid, gid_t *gid)
{
	char *p = join(dir, rel);
	struct stat st;

	assert_int_equal(lstat(p, &st), 0);
	free(p);
	if (uid)
		*uid = st.st_uid;
	if (gid)
		*gid = st.st_gid;
	return st.st_mode;
}

void tu_chmod(const char *dir, const char *rel, mode_t mode)
{
	char *p = join(dir, rel);

	assert_int_equal(fchmodat(AT_FDCWD, p, mode, 0), 0);
	free(p);
}

void tu_chown(const char *dir, const char *rel, uid_t uid, gid_t gid)
{
	char *p = join(dir, rel);

	assert_int_equal(lchown(p, uid, gid), 0);
	free(p);
}

void tu_remove(const char *dir, const char *rel)
{
	char *p = join(dir, rel);

	assert_int_equal(remove(p), 0);
	free(p);
}

void tu_mkfifo(const char *dir, const char *rel, mode_t mode)
{
	char *p = join(dir, rel);

	mkparents(p);
	assert_int_equal(mkfifo(p, mode), 0);
	free(p);
}

FILE *tu_cap_open(struct tu_cap *c)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->text, &c->len);
	assert_non_null(c->f);
	return c->f;
}

const char *tu_cap_close(struct tu_cap *c)
{
	fclose(c->f);
	c->f = NULL;
	return c->text;
}
