// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_root_write.c - every change sshrescue makes to a victim stays inside
 * struct rsc_root: file rewrites, chmod and chown, mkdir, unlink and rmdir,
 * symlinks. Each test runs in both resolution modes (rootfx.h); the reads
 * and escapes are in test_root.c.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "root.h"
#include "rootfx.h"
#include "testutil.h"

/* ---- writing ------------------------------------------------------------ */

static void write_file_atomic(void **state)
{
	struct rfx *f = *state;
	mode_t old = umask(077);
	uid_t uid;
	gid_t gid;
	ino_t before;
	char *p;

	assert_int_equal(rsc_root_write_file(f->r, "/etc/new", "hello\n", 6, 0644, 1234, 2345), 0);
	p = tu_read(f->dir, "etc/new");
	assert_string_equal(p, "hello\n");
	free(p);
	assert_int_equal(tu_mode(f->dir, "etc/new", &uid, &gid), S_IFREG | 0644);
	assert_int_equal(uid, 1234);
	assert_int_equal(gid, 2345);

	/* replace: a new inode, set-id bits survive the chown */
	before = rfx_host_ino(f, "etc/shadow");
	assert_int_equal(rsc_root_write_file(f->r, "etc/shadow", "new\n", 4, 04750, 1234, 1234), 0);
	p = tu_read(f->dir, "etc/shadow");
	assert_string_equal(p, "new\n");
	free(p);
	assert_int_equal(tu_mode(f->dir, "etc/shadow", &uid, &gid), S_IFREG | 04750);
	assert_int_equal(uid, 1234);
	assert_int_equal(gid, 1234);
	assert_true(rfx_host_ino(f, "etc/shadow") != before);

	assert_int_equal(rsc_root_write_file(f->r, "etc/zero", "", 0, 0600, 0, 0), 0);
	rfx_assert_read(f, "etc/zero", "");
	assert_int_equal(tu_mode(f->dir, "etc/zero", NULL, NULL), S_IFREG | 0600);

	/* through a symlinked parent and "..": still inside */
	assert_int_equal(
		rsc_root_write_file(f->r, "/home/carol/.ssh/../../../../x", "y\n", 2, 0600, 0, 0),
		0);
	p = tu_read(f->dir, "x");
	assert_string_equal(p, "y\n");
	free(p);
	assert_int_equal(rsc_root_write_file(f->r, "home/carol/.ssh/authorized_keys", "k\n", 2,
					     0600, 1003, 1003),
			 0);
	p = tu_read(f->dir, "srv/home/carol/.ssh/authorized_keys");
	assert_string_equal(p, "k\n");
	free(p);
	rfx_assert_no_temp(f, "etc");
	rfx_assert_no_temp(f, ".");
	rfx_assert_no_temp(f, "srv/home/carol/.ssh");
	umask(old);
}

static void write_file_refuses(void **state)
{
	struct rfx *f = *state;
	char *p;

	/* etc/passwd is a symlink to /etc/hostname: neither may change */
	assert_int_equal(rsc_root_write_file(f->r, "etc/passwd", "pwn\n", 4, 0644, 0, 0), -ELOOP);
	assert_true(S_ISLNK(tu_mode(f->dir, "etc/passwd", NULL, NULL)));
	p = tu_read(f->dir, "etc/hostname");
	assert_string_equal(p, "victim-hostname\n");
	free(p);
	assert_int_equal(rsc_root_write_file(f->r, "etc", "d", 1, 0644, 0, 0), -EISDIR);
	assert_int_equal(rsc_root_write_file(f->r, "etc/", "d", 1, 0644, 0, 0), -EISDIR);
	assert_int_equal(rsc_root_write_file(f->r, "/", "d", 1, 0644, 0, 0), -EISDIR);
	assert_int_equal(rsc_root_write_file(f->r, "nope/file", "d", 1, 0644, 0, 0), -ENOENT);
	assert_int_equal(rsc_root_write_file(f->r, "etc/shadow/x", "d", 1, 0644, 0, 0), -ENOTDIR);
	rfx_assert_no_temp(f, "etc");
	rfx_assert_no_temp(f, ".");
}

static void write_file_failure_cleans_up(void **state)
{
	struct rfx *f = *state;
	struct rlimit old, small;
	static char big[64 << 10];
	void (*oldsig)(int);
	char *p;
	int r;

	memset(big, 'A', sizeof(big));
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 4096;
	oldsig = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	r = rsc_root_write_file(f->r, "etc/shadow", big, sizeof(big), 0600, 0, 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, oldsig);
	assert_int_equal(r, -EFBIG);
	p = tu_read(f->dir, "etc/shadow");
	assert_string_equal(p, "victim-shadow\n");
	free(p);
	assert_int_equal(tu_mode(f->dir, "etc/shadow", NULL, NULL), S_IFREG | 0640);
	rfx_assert_no_temp(f, "etc");
}

/* ---- metadata ------------------------------------------------------------ */

static void chmod_chown(void **state)
{
	struct rfx *f = *state;
	uid_t uid;
	gid_t gid;

	/* never through a symlink in the last component */
	assert_int_equal(rsc_root_chmod(f->r, "etc/passwd", 0666), -ELOOP);
	assert_int_equal(rsc_root_chown(f->r, "etc/passwd", 1234, 1234), -ELOOP);
	assert_int_equal(tu_mode(f->dir, "etc/hostname", &uid, &gid), S_IFREG | 0644);
	assert_int_equal(uid, 0);
	assert_int_equal(gid, 0);
	assert_int_equal(rsc_root_chmod(f->r, "hostlnk", 0777), -ELOOP);

	assert_int_equal(rsc_root_chmod(f->r, "etc", 0711), 0);
	assert_int_equal(tu_mode(f->dir, "etc", NULL, NULL), S_IFDIR | 0711);
	assert_int_equal(rsc_root_chmod(f->r, "/etc/shadow", 04755), 0);
	assert_int_equal(tu_mode(f->dir, "etc/shadow", NULL, NULL), S_IFREG | 04755);
	assert_int_equal(rsc_root_chmod(f->r, "/etc/shadow", 0), 0);
	assert_int_equal(tu_mode(f->dir, "etc/shadow", NULL, NULL), S_IFREG | 0);
	assert_int_equal(rsc_root_chown(f->r, "etc/shadow", 1234, 1234), 0);
	assert_int_equal(tu_mode(f->dir, "etc/shadow", &uid, &gid), S_IFREG | 0);
	assert_int_equal(uid, 1234);
	assert_int_equal(gid, 1234);

	/* symlinks in the middle are followed inside the root */
	assert_int_equal(rsc_root_chmod(f->r, "/home/carol/.ssh", 0755), 0);
	assert_int_equal(tu_mode(f->dir, "srv/home/carol/.ssh", NULL, NULL), S_IFDIR | 0755);
	assert_int_equal(rsc_root_chown(f->r, "/home/carol/.ssh", 7, 8), 0);
	assert_int_equal(tu_mode(f->dir, "srv/home/carol/.ssh", &uid, &gid), S_IFDIR | 0755);
	assert_int_equal(uid, 7);
	assert_int_equal(gid, 8);

	/* a FIFO is changed without being opened */
	tu_mkfifo(f->dir, "fifo", 0644);
	alarm(5);
	assert_int_equal(rsc_root_chmod(f->r, "fifo", 0600), 0);
	assert_int_equal(rsc_root_chown(f->r, "fifo", 5, 6), 0);
	alarm(0);
	assert_int_equal(tu_mode(f->dir, "fifo", &uid, &gid), S_IFIFO | 0600);
	assert_int_equal(uid, 5);
	assert_int_equal(gid, 6);
	assert_int_equal(rsc_root_chmod(f->r, "nope", 0600), -ENOENT);
}

/* ---- directories ---------------------------------------------------------- */

static void mkdir_basics(void **state)
{
	struct rfx *f = *state;
	mode_t old = umask(077);
	uid_t uid;
	gid_t gid;

	assert_int_equal(rsc_root_mkdir(f->r, "/newd", 0755, 1000, 1001), 0);
	assert_int_equal(tu_mode(f->dir, "newd", &uid, &gid), S_IFDIR | 0755);
	assert_int_equal(uid, 1000);
	assert_int_equal(gid, 1001);
	assert_int_equal(rsc_root_mkdir(f->r, "/newd", 0755, 0, 0), -EEXIST);
	assert_int_equal(rsc_root_mkdir(f->r, "/", 0755, 0, 0), -EEXIST);
	assert_int_equal(rsc_root_mkdir(f->r, "nope/d", 0755, 0, 0), -ENOENT);
	/* a dangling symlink is not followed */
	tu_symlink(f->dir, "dang", "/nowhere");
	assert_int_equal(rsc_root_mkdir(f->r, "dang", 0755, 0, 0), -EEXIST);
	assert_false(rfx_host_exists(f, "nowhere"));
	/* through symlinked parents: inside the root */
	tu_symlink(f->dir, "lnk", "/../../srv");
	assert_int_equal(rsc_root_mkdir(f->r, "lnk/sub", 0700, 0, 0), 0);
	assert_int_equal(tu_mode(f->dir, "srv/sub", NULL, NULL), S_IFDIR | 0700);
	assert_int_equal(rsc_root_mkdir(f->r, "/home/carol/.ssh/../new/", 0750, 3, 4), 0);
	assert_int_equal(tu_mode(f->dir, "srv/home/carol/new", &uid, &gid), S_IFDIR | 0750);
	assert_int_equal(uid, 3);
	/* the mode is exact: no set-gid from the parent */
	tu_mkdir(f->dir, "sg", 02775, 0, 50);
	assert_int_equal(rsc_root_mkdir(f->r, "sg/child", 0755, 0, 0), 0);
	assert_int_equal(tu_mode(f->dir, "sg/child", NULL, NULL), S_IFDIR | 0755);
	umask(old);
}

static void mkdir_p_basics(void **state)
{
	struct rfx *f = *state;
	uid_t uid;
	gid_t gid;

	assert_int_equal(rsc_root_mkdir_p(f->r, "/p/q/r", 0711), 0);
	assert_int_equal(tu_mode(f->dir, "p", &uid, &gid), S_IFDIR | 0711);
	assert_int_equal(uid, 0);
	assert_int_equal(gid, 0);
	assert_int_equal(tu_mode(f->dir, "p/q", NULL, NULL), S_IFDIR | 0711);
	assert_int_equal(tu_mode(f->dir, "p/q/r", NULL, NULL), S_IFDIR | 0711);
	assert_int_equal(rsc_root_mkdir_p(f->r, "/p/q/r", 0700), 0);
	assert_int_equal(tu_mode(f->dir, "p/q/r", NULL, NULL), S_IFDIR | 0711);
	/* existing directories are kept as they are */
	tu_chmod(f->dir, "etc", 0750);
	tu_chown(f->dir, "etc", 1000, 1000);
	assert_int_equal(rsc_root_mkdir_p(f->r, "etc/x/y", 0700), 0);
	assert_int_equal(tu_mode(f->dir, "etc", &uid, &gid), S_IFDIR | 0750);
	assert_int_equal(uid, 1000);
	assert_int_equal(tu_mode(f->dir, "etc/x/y", &uid, &gid), S_IFDIR | 0700);
	assert_int_equal(uid, 0);
	assert_int_equal(rsc_root_mkdir_p(f->r, "etc/shadow/z", 0700), -ENOTDIR);
	assert_false(rfx_host_exists(f, "etc/shadow/z"));
	/* symlinks and ".." inside the root */
	assert_int_equal(rsc_root_mkdir_p(f->r, "/home/carol/a/b", 0700), 0);
	assert_int_equal(tu_mode(f->dir, "srv/home/carol/a/b", NULL, NULL), S_IFDIR | 0700);
	assert_int_equal(rsc_root_mkdir_p(f->r, "/../../m/n", 0755), 0);
	assert_int_equal(tu_mode(f->dir, "m/n", NULL, NULL), S_IFDIR | 0755);
	assert_int_equal(rsc_root_mkdir_p(f->r, "/", 0755), 0);
}

static void unlink_rmdir(void **state)
{
	struct rfx *f = *state;

	assert_int_equal(rsc_root_unlink(f->r, "/../x", 0), 0);
	assert_false(rfx_host_exists(f, "x"));
	assert_int_equal(rsc_root_unlink(f->r, "x", 0), -ENOENT);
	/* a symlink goes, its target stays */
	assert_int_equal(rsc_root_unlink(f->r, "etc/passwd", 0), 0);
	assert_false(rfx_host_exists(f, "etc/passwd"));
	assert_true(rfx_host_exists(f, "etc/hostname"));
	assert_int_equal(rsc_root_unlink(f->r, "srv/home/carol/.ssh", 0), -EISDIR);
	assert_int_equal(rsc_root_unlink(f->r, "srv/home/carol/.ssh", RSC_RMDIR), -ENOTEMPTY);
	assert_int_equal(rsc_root_unlink(f->r, "home/carol/.ssh/authorized_keys", 0), 0);
	assert_false(rfx_host_exists(f, "srv/home/carol/.ssh/authorized_keys"));
	assert_int_equal(rsc_root_unlink(f->r, "/home/carol/.ssh/", RSC_RMDIR), 0);
	assert_false(rfx_host_exists(f, "srv/home/carol/.ssh"));
	assert_true(rsc_root_unlink(f->r, "/", RSC_RMDIR) < 0);
	assert_true(rsc_root_unlink(f->r, "/", 0) < 0);
	assert_int_equal(rsc_root_sync_parent(f->r, "etc/shadow"), 0);
	assert_int_equal(rsc_root_sync_parent(f->r, "/"), 0);
	assert_int_equal(rsc_root_sync_parent(f->r, "nope/x"), -ENOENT);
}

/* lstat dir/rel: a symlink's target and owner. */
static void assert_link(const char *dir, const char *rel, const char *target, uid_t uid, gid_t gid)
{
	char *p = NULL, buf[PATH_MAX];
	struct stat st;
	ssize_t n;

	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(st.st_uid, uid);
	assert_int_equal(st.st_gid, gid);
	n = readlink(p, buf, sizeof(buf) - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, target);
	free(p);
}

static void symlink_basics(void **state)
{
	struct rfx *f = *state;
	char *longt = malloc(PATH_MAX + 1);

	/* the target is stored as given: never resolved, may dangle */
	assert_int_equal(rsc_root_symlink(f->r, "/etc/ssh.service", "/dev/null", 1001, 1002), 0);
	assert_link(f->dir, "etc/ssh.service", "/dev/null", 1001, 1002);
	assert_int_equal(rsc_root_symlink(f->r, "etc/rel", "../nowhere/x", 0, 0), 0);
	assert_link(f->dir, "etc/rel", "../nowhere/x", 0, 0);
	assert_false(rfx_host_exists(f, "nowhere"));
	/* an existing path, whatever it is, is never replaced or followed */
	assert_int_equal(rsc_root_symlink(f->r, "etc/ssh.service", "/other", 0, 0), -EEXIST);
	assert_link(f->dir, "etc/ssh.service", "/dev/null", 1001, 1002);
	assert_int_equal(rsc_root_symlink(f->r, "etc/shadow", "/x", 0, 0), -EEXIST);
	rfx_assert_read(f, "etc/shadow", "victim-shadow\n");
	tu_symlink(f->dir, "dang", "/created-through-dang");
	assert_int_equal(rsc_root_symlink(f->r, "dang", "/x", 0, 0), -EEXIST);
	assert_false(rfx_host_exists(f, "created-through-dang"));
	assert_int_equal(rsc_root_symlink(f->r, "/srv/home", "/x", 0, 0), -EEXIST);
	assert_int_equal(rsc_root_symlink(f->r, "/", "/x", 0, 0), -EEXIST);
	assert_int_equal(rsc_root_symlink(f->r, "nope/l", "/x", 0, 0), -ENOENT);
	assert_int_equal(rsc_root_symlink(f->r, "etc/shadow/l", "/x", 0, 0), -ENOTDIR);
	/* bad targets */
	assert_int_equal(rsc_root_symlink(f->r, "etc/e", "", 0, 0), -EINVAL);
	assert_int_equal(rsc_root_symlink(f->r, "etc/e", NULL, 0, 0), -EINVAL);
	assert_non_null(longt);
	memset(longt, 'a', PATH_MAX);
	longt[PATH_MAX] = '\0';
	assert_int_equal(rsc_root_symlink(f->r, "etc/e", longt, 0, 0), -ENAMETOOLONG);
	longt[PATH_MAX - 1] = '\0'; /* the longest a link can hold */
	assert_int_equal(rsc_root_symlink(f->r, "etc/e", longt, 0, 0), 0);
	assert_link(f->dir, "etc/e", longt, 0, 0);
	free(longt);
}

static void symlink_parent_confined(void **state)
{
	struct rfx *f = *state;
	char *p = NULL;
	struct stat st;

	/* a symlinked parent is followed inside the root: home/carol -> /users/carol */
	assert_int_equal(
		rsc_root_symlink(f->r, "/home/carol/.ssh/l", "authorized_keys", 1003, 1003), 0);
	assert_link(f->dir, "srv/home/carol/.ssh/l", "authorized_keys", 1003, 1003);
	/* a parent that points outside the root (the helper's directory): dangling here */
	assert_int_equal(rsc_root_symlink(f->r, "hostlnk/evil", "/etc/shadow", 0, 0), -ENOENT);
	assert_true(asprintf(&p, "%s/evil", f->host) > 0);
	assert_int_equal(lstat(p, &st), -1);
	free(p);
	/* a parent that climbs with "..": it stops at the root */
	tu_symlink(f->dir, "up", "../../../../..");
	assert_int_equal(rsc_root_symlink(f->r, "up/uplink", "/x", 0, 0), 0);
	assert_link(f->dir, "uplink", "/x", 0, 0);
	assert_int_equal(rsc_root_symlink(f->r, "/../../dd", "/y", 0, 0), 0);
	assert_link(f->dir, "dd", "/y", 0, 0);
	/* the last component is never followed: a link is made, not a file through it */
	assert_int_equal(rsc_root_symlink(f->r, "etc/passwd", "/x", 0, 0), -EEXIST);
	rfx_assert_read(f, "etc/hostname", "victim-hostname\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		RFX_BOTH(write_file_atomic),
		RFX_BOTH(write_file_refuses),
		RFX_BOTH(write_file_failure_cleans_up),
		RFX_BOTH(chmod_chown),
		RFX_BOTH(mkdir_basics),
		RFX_BOTH(mkdir_p_basics),
		RFX_BOTH(unlink_rmdir),
		RFX_BOTH(symlink_basics),
		RFX_BOTH(symlink_parent_confined),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
