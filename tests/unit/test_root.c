// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_root.c - confinement of every victim path inside struct rsc_root:
 * reads, opens, stat and readlink (the writes are in test_root_write.c).
 *
 * Every test runs twice: once with openat2(RESOLVE_IN_ROOT) and once with
 * the user-space component walk forced, and both must give the same answer.
 * The victim tree (rootfx.h) is hostile: absolute and relative symlinks aimed
 * at the helper's files, "/proc/self/root" links, loops, FIFOs, huge sparse
 * files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "root.h"
#include "rootfx.h"
#include "testutil.h"

/* Read that must fail with err (and leave no data behind). */
static void assert_read_err(struct rfx *f, const char *path, int err)
{
	char *data = NULL;
	size_t len = 12345;

	assert_int_equal(rsc_root_read_file(f->r, path, 0, 0, &data, &len, NULL), err);
	assert_null(data);
}

static void assert_realpath(struct rfx *f, const char *path, const char *want)
{
	char *out = NULL;

	assert_int_equal(rsc_root_realpath(f->r, path, &out), 0);
	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

/* The helper's directory dir holds nothing at all. */
static void assert_empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	assert_int_equal(n, 0);
}

/* ---- escapes ------------------------------------------------------------ */

static void abs_symlink_reads_victim(void **state)
{
	struct rfx *f = *state;
	struct stat st;

	/* etc/passwd -> /etc/hostname: the victim's hostname, not the helper's */
	rfx_assert_read(f, "/etc/passwd", "victim-hostname\n");
	tu_symlink(f->dir, "link", "/etc/shadow");
	rfx_assert_read(f, "/link", "victim-shadow\n");
	rfx_assert_read(f, "link", "victim-shadow\n");
	tu_mkdir(f->dir, "deep/a/b", 0755, 0, 0);
	tu_symlink(f->dir, "deep/a/b/up", "/../../../../etc/shadow");
	rfx_assert_read(f, "deep/a/b/up", "victim-shadow\n");
	/* and it is the very inode of the victim's file */
	assert_int_equal(rsc_root_stat(f->r, "/link", &st, 0), 0);
	assert_int_equal(st.st_ino, rfx_host_ino(f, "etc/shadow"));
	assert_true(S_ISREG(st.st_mode));
}

static void dotdot_stays_inside(void **state)
{
	struct rfx *f = *state;
	struct stat st, rst;

	tu_mkdir(f->dir, "a/b/c", 0755, 0, 0);
	tu_symlink(f->dir, "a/b/c/rel", "../../../../../../etc/shadow");
	rfx_assert_read(f, "a/b/c/rel", "victim-shadow\n");
	rfx_assert_read(f, "/../../etc/shadow", "victim-shadow\n");
	rfx_assert_read(f, "../../../etc/shadow", "victim-shadow\n");
	rfx_assert_read(f, "a/../../../../etc/shadow", "victim-shadow\n");
	rfx_assert_read(f, "a/b/c/../../../../../../etc/shadow", "victim-shadow\n");
	rfx_assert_read(f, "/../../x", "victim-x\n");
	/* ".." of the root is the root */
	assert_int_equal(rsc_root_stat(f->r, "/", &rst, 0), 0);
	assert_int_equal(rsc_root_stat(f->r, "/..", &st, 0), 0);
	assert_int_equal(st.st_ino, rst.st_ino);
	assert_int_equal(rsc_root_stat(f->r, "a/../../..", &st, 0), 0);
	assert_int_equal(st.st_ino, rst.st_ino);
	assert_int_equal(fstat(rsc_root_fd(f->r), &st), 0);
	assert_int_equal(st.st_ino, rst.st_ino);
	assert_realpath(f, "/../../x", "/x");
	assert_realpath(f, "a/b/c/rel", "/etc/shadow");
	assert_realpath(f, "/..", "/");
}

static void symlink_loops(void **state)
{
	struct rfx *f = *state;
	struct stat st;
	char *out = NULL;

	tu_symlink(f->dir, "la", "lb");
	tu_symlink(f->dir, "lb", "/la");
	tu_symlink(f->dir, "self", "self");
	assert_read_err(f, "la", -ELOOP);
	assert_read_err(f, "self", -ELOOP);
	assert_int_equal(rsc_root_stat(f->r, "la", &st, 0), -ELOOP);
	assert_int_equal(rsc_root_open_at(f->r, "la/x", O_PATH, 0, 0), -ELOOP);
	assert_int_equal(rsc_root_realpath(f->r, "la", &out), -ELOOP);
	assert_null(out);
	/* not following the last one is fine */
	assert_int_equal(rsc_root_stat(f->r, "la", &st, RSC_NOFOLLOW), 0);
	assert_true(S_ISLNK(st.st_mode));
}

/* Make l1 -> target, l2 -> /l1, ... ln: reading ln follows n links. */
static void chain(struct rfx *f, int n)
{
	char name[32], target[32];

	tu_write(f->dir, "chain-end", "end\n", 0644, 0, 0);
	tu_symlink(f->dir, "l1", "chain-end");
	for (int i = 2; i <= n; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		snprintf(target, sizeof(target), i % 2 ? "l%d" : "/l%d", i - 1);
		tu_symlink(f->dir, name, target);
	}
}

static void symlink_hop_limit(void **state)
{
	struct rfx *f = *state;
	char *out = NULL;
	struct stat st;

	chain(f, 41);
	rfx_assert_read(f, "l39", "end\n");
	rfx_assert_read(f, "l40", "end\n");
	assert_read_err(f, "l41", -ELOOP);
	assert_int_equal(rsc_root_stat(f->r, "l41", &st, 0), -ELOOP);
	assert_int_equal(rsc_root_realpath(f->r, "l41", &out), -ELOOP);
	assert_realpath(f, "l39", "/chain-end");
	/* a directory link taken many times counts every time */
	tu_mkdir(f->dir, "d", 0755, 0, 0);
	tu_write(f->dir, "d/file", "dfile\n", 0644, 0, 0);
	tu_symlink(f->dir, "d/up", ".");
	{
		/* d/up/up/.../file: 40 links fine, 41 too many */
		char p[512];
		size_t n = 0;

		n += (size_t)snprintf(p, sizeof(p), "d");
		for (int i = 0; i < 40; i++)
			n += (size_t)snprintf(p + n, sizeof(p) - n, "/up");
		assert_true(n + 16 < sizeof(p));
		snprintf(p + n, sizeof(p) - n, "/file");
		rfx_assert_read(f, p, "dfile\n");
		snprintf(p + n, sizeof(p) - n, "/up/file");
		assert_read_err(f, p, -ELOOP);
	}
}

static void magic_link_stays_inside(void **state)
{
	struct rfx *f = *state;
	struct stat st;

	/* the helper has these; the victim has no /proc at all */
	assert_int_equal(access("/proc/self/root/etc/passwd", F_OK), 0);
	tu_symlink(f->dir, "pl", "/proc/self/root/etc");
	tu_symlink(f->dir, "pfd", "/proc/self/fd/0");
	assert_read_err(f, "pl/passwd", -ENOENT);
	assert_int_equal(rsc_root_stat(f->r, "pl", &st, 0), -ENOENT);
	assert_int_equal(rsc_root_open_at(f->r, "pfd", O_RDONLY, 0, 0), -ENOENT);
	/* a victim with a plain directory of that name gets its own file */
	tu_write(f->dir, "proc/self/root/etc/marker", "victim-proc\n", 0644, 0, 0);
	rfx_assert_read(f, "pl/marker", "victim-proc\n");
	assert_read_err(f, "pl/passwd", -ENOENT);
	assert_realpath(f, "pl/marker", "/proc/self/root/etc/marker");
}

static void host_link_is_dangling(void **state)
{
	struct rfx *f = *state;
	char *p = NULL;

	/* hostlnk -> <helper dir>: resolved inside the victim it does not exist */
	tu_write(f->host, "secret", "helper-secret\n", 0600, 0, 0);
	assert_read_err(f, "hostlnk/secret", -ENOENT);
	assert_int_equal(rsc_root_write_file(f->r, "hostlnk/evil", "x", 1, 0644, 0, 0), -ENOENT);
	assert_int_equal(rsc_root_mkdir(f->r, "hostlnk/evil", 0755, 0, 0), -ENOENT);
	assert_true(rsc_root_mkdir_p(f->r, "hostlnk/evil/deeper", 0755) < 0);
	assert_int_equal(rsc_root_chmod(f->r, "hostlnk/secret", 0666), -ENOENT);
	assert_int_equal(rsc_root_unlink(f->r, "hostlnk/secret", 0), -ENOENT);
	/* once the victim has the parent, O_CREAT through the link creates in the victim */
	{
		char *rel = strdup(f->host + 1), *slash;
		int fd;

		assert_non_null(rel);
		slash = strrchr(rel, '/');
		assert_non_null(slash);
		*slash = '\0';
		tu_mkdir(f->dir, rel, 0755, 0, 0);
		*slash = '/';
		fd = rsc_root_open_at(f->r, "hostlnk", O_CREAT | O_WRONLY, 0644, 0);
		assert_true(fd >= 0);
		close(fd);
		assert_true(S_ISREG(tu_mode(f->dir, rel, NULL, NULL)));
		free(rel);
	}
	/* the helper's dir is as it was */
	p = tu_read(f->host, "secret");
	assert_string_equal(p, "helper-secret\n");
	free(p);
	assert_int_equal(tu_mode(f->host, "secret", NULL, NULL), S_IFREG | 0600);
	tu_remove(f->host, "secret");
	assert_empty_dir(f->host);
}

/* ---- reading ------------------------------------------------------------ */

static void fifo_and_devices(void **state)
{
	struct rfx *f = *state;
	struct stat st;
	char *p = NULL;

	tu_mkdir(f->dir, "home/u/.ssh", 0700, 0, 0);
	tu_mkfifo(f->dir, "home/u/.ssh/authorized_keys", 0644);
	tu_symlink(f->dir, "fifolink", "/home/u/.ssh/authorized_keys");
	assert_true(asprintf(&p, "%s/dev", f->dir) > 0);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	assert_true(asprintf(&p, "%s/dev/null", f->dir) > 0);
	assert_int_equal(mknod(p, S_IFCHR | 0666, makedev(1, 3)), 0);
	free(p);

	alarm(5); /* a hang is a failure */
	assert_read_err(f, "home/u/.ssh/authorized_keys", -ESPIPE);
	assert_read_err(f, "fifolink", -ESPIPE);
	assert_read_err(f, "dev/null", -ESPIPE);
	alarm(0);
	assert_int_equal(rsc_root_stat(f->r, "fifolink", &st, 0), 0);
	assert_true(S_ISFIFO(st.st_mode));
}

/*
 * rsc_root_open_ro() never opens a device node or FIFO of the victim: they come back as
 * O_PATH fds (fstat says what they are, read fails); a regular file is readable.
 */
static void open_ro_never_opens_devices(void **state)
{
	struct rfx *f = *state;
	const char *specials[] = { "dev/zero", "dev/loop0", "fifo", "zerolink" };
	struct stat st;
	char *p = NULL, c;
	int fd;

	assert_true(asprintf(&p, "%s/dev", f->dir) > 0);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	assert_true(asprintf(&p, "%s/dev/zero", f->dir) > 0);
	assert_int_equal(mknod(p, S_IFCHR | 0666, makedev(1, 5)), 0);
	free(p);
	assert_true(asprintf(&p, "%s/dev/loop0", f->dir) > 0);
	assert_int_equal(mknod(p, S_IFBLK | 0666, makedev(7, 0)), 0);
	free(p);
	tu_mkfifo(f->dir, "fifo", 0644);
	tu_symlink(f->dir, "zerolink", "/dev/zero");

	alarm(5);
	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++) {
		fd = rsc_root_open_ro(f->r, specials[i], O_CLOEXEC, 0);
		assert_true(fd >= 0);
		assert_int_equal(fstat(fd, &st), 0);
		assert_false(S_ISREG(st.st_mode));
		assert_int_equal(fcntl(fd, F_GETFL) & O_PATH, O_PATH);
		assert_int_equal(read(fd, &c, 1), -1);
		assert_int_equal(errno, EBADF);
		close(fd);
	}
	alarm(0);
	fd = rsc_root_open_ro(f->r, "etc/passwd", O_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, &c, 1), 1);
	assert_int_equal(c, 'v'); /* the victim's /etc/hostname, through the absolute link */
	close(fd);
	assert_int_equal(rsc_root_open_ro(f->r, "zerolink", O_CLOEXEC, RSC_NOFOLLOW), -ELOOP);
	assert_int_equal(rsc_root_open_ro(f->r, "nonexistent", O_CLOEXEC, 0), -ENOENT);
}

/* chmod and chown refuse a file with two names: carol's keys file that is /etc/shadow. */
static void chmod_chown_refuse_hard_links(void **state)
{
	struct rfx *f = *state;
	char *a = NULL, *b = NULL;

	tu_mkdir(f->dir, "home/c/.ssh", 0700, 1003, 1003);
	assert_true(asprintf(&a, "%s/etc/shadow", f->dir) > 0);
	assert_true(asprintf(&b, "%s/home/c/.ssh/authorized_keys", f->dir) > 0);
	assert_int_equal(link(a, b), 0);
	assert_int_equal(rsc_root_chown(f->r, "/home/c/.ssh/authorized_keys", 1003, 1003), -EMLINK);
	assert_int_equal(rsc_root_chmod(f->r, "/home/c/.ssh/authorized_keys", 0600), -EMLINK);
	assert_int_equal(tu_mode(f->dir, "etc/shadow", NULL, NULL), S_IFREG | 0640);
	assert_int_equal(unlink(b), 0);
	assert_int_equal(rsc_root_chmod(f->r, "/etc/shadow", 0600), 0);
	free(a);
	free(b);
}

static void sparse_huge_file(void **state)
{
	struct rfx *f = *state;
	char *p = NULL, *data = NULL;
	struct stat st;
	size_t len = 0;
	int fd;

	assert_true(asprintf(&p, "%s/big", f->dir) > 0);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)1 << 30), 0);
	close(fd);
	free(p);

	assert_int_equal(rsc_root_read_file(f->r, "big", 64 << 10, 0, &data, &len, &st), -EFBIG);
	assert_null(data);
	assert_int_equal(
		rsc_root_read_file(f->r, "big", 64 << 10, RSC_READ_TRUNCATE, &data, &len, &st), 0);
	assert_non_null(data);
	assert_int_equal(len, 64 << 10);
	assert_int_equal(st.st_size, (off_t)1 << 30);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(data[i], 0);
	assert_int_equal(data[len], '\0');
	free(data);

	/* exactly cap bytes is fine, one more is not */
	tu_write(f->dir, "eight", "12345678", 0644, 0, 0);
	assert_int_equal(rsc_root_read_file(f->r, "eight", 8, 0, &data, &len, NULL), 0);
	assert_string_equal(data, "12345678");
	free(data);
	data = NULL;
	assert_int_equal(rsc_root_read_file(f->r, "eight", 7, 0, &data, &len, NULL), -EFBIG);
	assert_null(data);
	assert_int_equal(rsc_root_read_file(f->r, "eight", 7, RSC_READ_TRUNCATE, &data, &len, NULL),
			 0);
	assert_string_equal(data, "1234567");
	assert_int_equal(len, 7);
	free(data);
}

static void read_basics(void **state)
{
	struct rfx *f = *state;
	char *data = NULL;
	size_t len = 0;
	struct stat st;

	assert_int_equal(rsc_root_read_file(f->r, "/etc/shadow", 0, 0, &data, &len, &st), 0);
	assert_string_equal(data, "victim-shadow\n");
	assert_int_equal(len, 14);
	assert_int_equal(st.st_mode, S_IFREG | 0640);
	assert_int_equal(st.st_gid, 42);
	free(data);
	tu_write(f->dir, "empty", "", 0644, 0, 0);
	rfx_assert_read(f, "empty", "");
	assert_read_err(f, "etc", -EISDIR);
	assert_read_err(f, "/", -EISDIR);
	assert_read_err(f, "", -EISDIR);
	assert_read_err(f, "users", -EISDIR);
	assert_read_err(f, "nope", -ENOENT);
	assert_read_err(f, "etc/shadow/x", -ENOTDIR);
	/* RSC_NOFOLLOW refuses a symlink in the last component */
	assert_int_equal(rsc_root_read_file(f->r, "etc/passwd", 0, RSC_NOFOLLOW, &data, &len, NULL),
			 -ELOOP);
}

static void realpath_nested(void **state)
{
	struct rfx *f = *state;
	char *out = NULL;
	struct stat a, b;

	assert_realpath(f, "/home/carol/.ssh/authorized_keys",
			"/srv/home/carol/.ssh/authorized_keys");
	assert_realpath(f, "home/carol/./.ssh/../.ssh//authorized_keys",
			"/srv/home/carol/.ssh/authorized_keys");
	assert_realpath(f, "/home/carol", "/srv/home/carol");
	assert_realpath(f, "/home/carol/", "/srv/home/carol");
	assert_realpath(f, "/users", "/srv/home");
	assert_realpath(f, "/etc/passwd", "/etc/hostname");
	assert_realpath(f, "/", "/");
	assert_realpath(f, "", "/");
	assert_realpath(f, "/home/carol/../../..", "/");
	assert_int_equal(rsc_root_realpath(f->r, "/home/carol/nope", &out), -ENOENT);
	assert_int_equal(rsc_root_realpath(f->r, "/nope/x", &out), -ENOENT);
	assert_int_equal(rsc_root_realpath(f->r, "hostlnk", &out), -ENOENT);
	assert_int_equal(rsc_root_realpath(f->r, "/etc/shadow/x", &out), -ENOTDIR);
	assert_null(out);
	/* the canonical path names the same inode */
	assert_int_equal(rsc_root_stat(f->r, "/home/carol/.ssh/authorized_keys", &a, 0), 0);
	assert_int_equal(rsc_root_stat(f->r, "/srv/home/carol/.ssh/authorized_keys", &b, 0), 0);
	assert_int_equal(a.st_ino, b.st_ino);
}

/* ---- open, stat, readlink --------------------------------------------------- */

static void open_semantics(void **state)
{
	struct rfx *f = *state;
	struct stat st, rst;
	char *out = NULL;
	int fd;

	/* O_CREAT through a dangling absolute link creates inside the root */
	tu_symlink(f->dir, "dl", "/created");
	fd = rsc_root_open_at(f->r, "dl", O_CREAT | O_WRONLY, 0600, 0);
	assert_true(fd >= 0);
	close(fd);
	assert_true(S_ISREG(tu_mode(f->dir, "created", NULL, NULL)));
	/* O_EXCL does not follow it */
	tu_symlink(f->dir, "dl2", "/created2");
	assert_int_equal(rsc_root_open_at(f->r, "dl2", O_CREAT | O_EXCL | O_WRONLY, 0600, 0),
			 -EEXIST);
	assert_false(rfx_host_exists(f, "created2"));

	/* RSC_NOFOLLOW: O_PATH gives the link itself, a real open -ELOOP */
	fd = rsc_root_open_at(f->r, "etc/passwd", O_PATH, 0, RSC_NOFOLLOW);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	close(fd);
	assert_int_equal(rsc_root_open_at(f->r, "etc/passwd", O_RDONLY, 0, RSC_NOFOLLOW), -ELOOP);
	assert_int_equal(rsc_root_open_at(f->r, "etc/passwd", O_RDONLY | O_NOFOLLOW, 0, 0), -ELOOP);

	/* the root itself */
	assert_int_equal(fstat(rsc_root_fd(f->r), &rst), 0);
	for (int i = 0; i < 3; i++) {
		static const char *const roots[] = { "", "/", "//./" };

		fd = rsc_root_open_at(f->r, roots[i], O_RDONLY | O_DIRECTORY, 0, 0);
		assert_true(fd >= 0);
		assert_int_equal(fstat(fd, &st), 0);
		assert_int_equal(st.st_ino, rst.st_ino);
		close(fd);
	}
	/* trailing slashes want a directory and follow a link even with NOFOLLOW */
	assert_int_equal(rsc_root_open_at(f->r, "etc/shadow/", O_RDONLY, 0, 0), -ENOTDIR);
	fd = rsc_root_open_at(f->r, "users/", O_RDONLY | O_DIRECTORY, 0, RSC_NOFOLLOW);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(rsc_root_open_at(f->r, "etc/shadow", O_RDONLY | O_DIRECTORY, 0, 0),
			 -ENOTDIR);

	/* stat and lstat */
	assert_int_equal(rsc_root_stat(f->r, "etc/passwd", &st, RSC_NOFOLLOW), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(st.st_ino, rfx_host_ino(f, "etc/passwd"));
	assert_int_equal(rsc_root_stat(f->r, "etc/passwd", &st, 0), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_ino, rfx_host_ino(f, "etc/hostname"));
	assert_int_equal(rsc_root_stat(f->r, "nope", &st, 0), -ENOENT);

	/* readlink: the raw target */
	assert_int_equal(rsc_root_readlink(f->r, "etc/passwd", &out), 0);
	assert_string_equal(out, "/etc/hostname");
	free(out);
	out = NULL;
	assert_int_equal(rsc_root_readlink(f->r, "/home/carol", &out), 0);
	assert_string_equal(out, "/users/carol");
	free(out);
	out = NULL;
	assert_int_equal(rsc_root_readlink(f->r, "etc/hostname", &out), -EINVAL);
	assert_int_equal(rsc_root_readlink(f->r, "nope", &out), -ENOENT);
	assert_null(out);
}

static void long_names(void **state)
{
	struct rfx *f = *state;
	char *lp = malloc(PATH_MAX + 10);
	char comp[NAME_MAX + 20];
	struct stat st;

	assert_non_null(lp);
	memset(lp, 'a', PATH_MAX + 9);
	lp[PATH_MAX + 9] = '\0';
	assert_int_equal(rsc_root_stat(f->r, lp, &st, 0), -ENAMETOOLONG);
	free(lp);
	memset(comp, 'b', sizeof(comp) - 1);
	comp[sizeof(comp) - 1] = '\0';
	assert_int_equal(rsc_root_stat(f->r, comp, &st, 0), -ENAMETOOLONG);
	/* a long but valid name still gets a temporary file name that fits */
	comp[NAME_MAX] = '\0';
	assert_int_equal(rsc_root_write_file(f->r, comp, "l\n", 2, 0600, 0, 0), 0);
	assert_true(rfx_host_exists(f, comp));
	rfx_assert_no_temp(f, ".");
}

/* openat2 really is used in one mode and never in the other. */
static void mode_is_real(void **state)
{
	struct rfx *f = *state;
	int fd;

	fd = rsc_root_open_at(f->r, "home/carol/.ssh/authorized_keys", O_RDONLY, 0,
			      RSC_NO_FALLBACK);
	if (f->walk) {
		assert_int_equal(fd, -ENOSYS);
	} else {
		if (fd == -ENOSYS)
			skip(); /* a kernel without openat2 */
		assert_true(fd >= 0);
		close(fd);
	}
	/* the per-call hook gives the same answer */
	fd = rsc_root_open_at(f->r, "home/carol/.ssh/authorized_keys", O_RDONLY, 0, RSC_FORCE_WALK);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(rsc_root_open_at(f->r, "hostlnk", O_RDONLY, 0, RSC_FORCE_WALK), -ENOENT);
}

/*
 * A kernel without openat2 (and without fchmodat2): seccomp makes both say
 * ENOSYS in a child, which must then fall back to the walk and to /proc by
 * itself. The child reports each failed check as one bit of its exit code.
 */
static int enosys_child(struct rfx *f)
{
	struct sock_filter filt[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 452 /* fchmodat2 */, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	};
	struct sock_fprog prog = { .len = sizeof(filt) / sizeof(filt[0]), .filter = filt };
	char *data = NULL;
	size_t len = 0;
	struct stat st;
	int bad = 0;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return 77;
	rsc_root_set_force_walk(f->r, false);
	if (rsc_root_open_at(f->r, "etc/passwd", O_RDONLY, 0, RSC_NO_FALLBACK) != -ENOSYS)
		bad |= 1;
	if (rsc_root_read_file(f->r, "etc/passwd", 0, 0, &data, &len, NULL) != 0 ||
	    strcmp(data, "victim-hostname\n") != 0)
		bad |= 2;
	free(data);
	data = NULL;
	if (rsc_root_read_file(f->r, "/home/carol/../../../home/carol/.ssh/authorized_keys", 0, 0,
			       &data, &len, NULL) != 0 ||
	    strcmp(data, "ssh-ed25519 AAAA carol\n") != 0)
		bad |= 4;
	free(data);
	if (rsc_root_chmod(f->r, "/home/carol/.ssh", 0751) != 0 ||
	    rsc_root_stat(f->r, "srv/home/carol/.ssh", &st, 0) != 0 ||
	    st.st_mode != (S_IFDIR | 0751))
		bad |= 8;
	if (rsc_root_chmod(f->r, "etc/passwd", 0751) != -ELOOP)
		bad |= 16;
	if (rsc_root_read_file(f->r, "hostlnk/secret", 0, 0, &data, &len, NULL) != -ENOENT)
		bad |= 32;
	return bad;
}

static void enosys_fallback(void **state)
{
	struct rfx *f = *state;
	int status = 0;
	pid_t pid;

	tu_write(f->host, "secret", "helper-secret\n", 0600, 0, 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(enosys_child(f));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip(); /* no seccomp here */
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(tu_mode(f->dir, "srv/home/carol/.ssh", NULL, NULL), S_IFDIR | 0751);
}

static void root_open_errors(void **state)
{
	struct rfx *f = *state;
	struct rsc_root *r = NULL;
	char *p = NULL;
	int fd;

	assert_true(asprintf(&p, "%s/x", f->dir) > 0);
	assert_int_equal(rsc_root_open(p, &r), -ENOTDIR);
	free(p);
	assert_true(asprintf(&p, "%s/nope", f->dir) > 0);
	assert_int_equal(rsc_root_open(p, &r), -ENOENT);
	free(p);
	assert_null(r);
	fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(rsc_root_from_fd(fd, &r), 0);
	assert_int_equal(rsc_root_fd(r), fd);
	rsc_root_set_force_walk(r, f->walk);
	rfx_assert_read(&(struct rfx){ .r = r }, "etc/passwd", "victim-hostname\n");
	rsc_root_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		RFX_BOTH(abs_symlink_reads_victim),
		RFX_BOTH(dotdot_stays_inside),
		RFX_BOTH(symlink_loops),
		RFX_BOTH(symlink_hop_limit),
		RFX_BOTH(magic_link_stays_inside),
		RFX_BOTH(host_link_is_dangling),
		RFX_BOTH(fifo_and_devices),
		RFX_BOTH(open_ro_never_opens_devices),
		RFX_BOTH(chmod_chown_refuse_hard_links),
		RFX_BOTH(sparse_huge_file),
		RFX_BOTH(read_basics),
		RFX_BOTH(realpath_nested),
		RFX_BOTH(open_semantics),
		RFX_BOTH(long_names),
		RFX_BOTH(mode_is_real),
		RFX_BOTH(enosys_fallback),
		RFX_BOTH(root_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
