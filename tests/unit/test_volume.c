// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_volume.c - directories, images and block devices as targets: kind,
 * identification, read-only for real (the image's bytes do not change),
 * refusal of the running system, clean-up of loop devices and mountpoints
 * (also on SIGTERM), read-write for fix. Needs root and loop devices;
 * skips otherwise.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "root.h"
#include "testutil.h"
#include "util.h"
#include "volume.h"

#define UUID "6f1c1c55-6b1e-4a8e-9c1e-2f6d7c2a9b11"

struct fx {
	char *dir;  /* temp dir holding tree/ and images */
	char *tree; /* a small Linux root */
	char *img;  /* ext4 image made from tree */
	char *loop; /* a loop device made by a test with losetup, detached in teardown */
};

static bool have_tools(void)
{
	return geteuid() == 0 && access("/dev/loop-control", R_OK | W_OK) == 0 &&
	       system("command -v mke2fs >/dev/null 2>&1") == 0;
}

static int run(const char *fmt, ...) _printf_(1, 2);
static int run(const char *fmt, ...)
{
	_cleanup_free_ char *cmd = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	assert_true(r > 0);
	r = system(cmd);
	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

static char *path_in(const char *dir, const char *name)
{
	char *p = rsc_path_join(dir, name);

	assert_non_null(p);
	return p;
}

static int setup(void **state)
{
	struct fx *f = NULL;

	if (!have_tools())
		return 0;
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->dir = tu_mkdtemp();
	f->tree = path_in(f->dir, "tree");
	f->img = path_in(f->dir, "root.img");
	tu_write(f->tree, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644, 0, 0);
	tu_write(f->tree, "etc/os-release", "ID=debian\n", 0644, 0, 0);
	tu_mkdir(f->tree, "home/alice", 0755, 1001, 1001);
	assert_int_equal(run("mke2fs -q -F -t ext4 -U " UUID
			     " -L victimroot -d '%s' '%s' 16M >/dev/null",
			     f->tree, f->img),
			 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (!f)
		return 0;
	if (f->loop)
		run("losetup -d '%s' 2>/dev/null", f->loop);
	free(f->loop);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->tree);
	free(f->img);
	free(f);
	return 0;
}

#define NEED_FX(f)                                                                                 \
	do {                                                                                       \
		if (!(f))                                                                          \
			skip(); /* not root, or no loop devices / mke2fs */                        \
	} while (0)

static void *read_all(const char *path, size_t *len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t off = 0;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);

		assert_true(n > 0);
		off += (size_t)n;
	}
	*len = off;
	return buf;
}

/* Does any loop device still use path as its backing file? */
static bool backing_in_use(const char *path)
{
	_cleanup_free_ char *real = realpath(path, NULL);
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	bool found = false;

	assert_non_null(real);
	assert_non_null(d);
	while (!found && (de = readdir(d))) {
		_cleanup_free_ char *bf = NULL, *content = NULL;

		if (strncmp(de->d_name, "loop", 4) != 0)
			continue;
		assert_true(asprintf(&bf, "/sys/block/%s/loop", de->d_name) > 0);
		content = tu_read(bf, "backing_file");
		if (content) {
			content[strcspn(content, "\n")] = '\0';
			found = strcmp(content, real) == 0;
		}
	}
	closedir(d);
	return found;
}

/* The kernel detaches an autoclear loop device on last close; allow it a moment. */
static bool backing_released(const char *path)
{
	for (int i = 0; i < 200; i++) {
		if (!backing_in_use(path))
			return true;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	return false;
}

static void assert_gone(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
}

/* losetup -f --show [-r] img: the new device's path, kept in f->loop for teardown. */
static const char *losetup(struct fx *f, bool ro)
{
	_cleanup_free_ char *cmd = NULL;
	char line[64] = "";
	FILE *p = NULL;

	assert_true(asprintf(&cmd, "losetup -f --show %s '%s'", ro ? "-r" : "", f->img) > 0);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	assert_int_equal(pclose(p), 0);
	line[strcspn(line, "\n")] = '\0';
	assert_true(rsc_startswith(line, "/dev/loop"));
	f->loop = strdup(line);
	assert_non_null(f->loop);
	return f->loop;
}

static void losetup_detach(struct fx *f)
{
	assert_int_equal(run("losetup -d '%s'", f->loop), 0);
	free(f->loop);
	f->loop = NULL;
}

static void test_dir_target(void **state)
{
	struct fx *f = *state;
	struct rsc_volume *v = NULL;
	struct rsc_buf why = { 0 };
	char *data = NULL;
	size_t len = 0;

	NEED_FX(f);
	assert_int_equal(rsc_volume_open(f->tree, 0, &v, &why), 0);
	assert_int_equal(v->kind, RSC_TARGET_DIR);
	assert_null(v->fstype);
	assert_null(v->loopdev);
	assert_null(v->mountpoint);
	assert_string_equal(v->target, f->tree);
	assert_int_equal(rsc_volume_check_linux_root(v->root, &why), 0);
	assert_int_equal(rsc_root_read_file(v->root, "/etc/passwd", 0, 0, &data, &len, NULL), 0);
	assert_string_equal(data, "root:x:0:0:root:/root:/bin/bash\n");
	free(data);
	assert_int_equal(rsc_volume_close(v), 0);
	rsc_buf_free(&why);
}

static void test_not_linux(void **state)
{
	struct fx *f = *state;
	_cleanup_free_ char *d = NULL;
	struct rsc_volume *v = NULL;
	struct rsc_buf why = { 0 };

	NEED_FX(f);
	d = path_in(f->dir, "notlinux");
	tu_mkdir(d, "bin", 0755, 0, 0);
	tu_mkdir(d, "boot", 0755, 0, 0);
	tu_write(d, "evil\x1b[31mname", "", 0644, 0, 0);
	assert_int_equal(rsc_volume_open(d, 0, &v, &why), 0);
	assert_int_equal(rsc_volume_check_linux_root(v->root, &why), -ENOENT);
	assert_non_null(why.data);
	assert_non_null(strstr(why.data, "does not look like a Linux root: no /etc/passwd"));
	assert_non_null(strstr(why.data, "(found: bin boot evil\\x1b[31mname)"));
	assert_null(strchr(why.data, '\x1b'));
	assert_int_equal(rsc_volume_close(v), 0);

	/* /etc/passwd as a directory is not enough. */
	tu_mkdir(d, "etc/passwd", 0755, 0, 0);
	assert_int_equal(rsc_volume_open(d, 0, &v, &why), 0);
	assert_int_equal(rsc_volume_check_linux_root(v->root, &why), -ENOENT);
	assert_non_null(strstr(why.data, "/etc/passwd is not a regular file"));
	assert_int_equal(rsc_volume_close(v), 0);

	/* A /boot filesystem given by mistake gets a hint. */
	free(d);
	d = path_in(f->dir, "bootfs");
	tu_write(d, "vmlinuz-6.1.0-13-amd64", "", 0644, 0, 0);
	tu_mkdir(d, "grub", 0755, 0, 0);
	assert_int_equal(rsc_volume_open(d, 0, &v, &why), 0);
	assert_int_equal(rsc_volume_check_linux_root(v->root, &why), -ENOENT);
	assert_non_null(strstr(why.data, "looks like a /boot filesystem"));
	assert_int_equal(rsc_volume_close(v), 0);
	rsc_buf_free(&why);
}

static void test_running_root(void **state)
{
	struct fx *f = *state;
	struct rsc_volume *v = NULL;
	struct rsc_buf why = { 0 };

	NEED_FX(f);
	assert_int_equal(rsc_volume_open("/", 0, &v, &why), -EBUSY);
	assert_null(v);
	assert_non_null(strstr(why.data, "running system"));
	assert_non_null(strstr(why.data, "--live"));
	assert_int_equal(rsc_volume_open("/", RSC_VOL_LIVE, &v, &why), 0);
	assert_int_equal(v->kind, RSC_TARGET_DIR);
	assert_int_equal(rsc_volume_close(v), 0);
	rsc_buf_free(&why);
}

static void test_image_read_only(void **state)
{
	struct fx *f = *state;
	struct rsc_volume *v = NULL;
	struct rsc_buf why = { 0 };
	_cleanup_free_ void *before = NULL, *after = NULL;
	_cleanup_free_ char *mp = NULL, *loop = NULL;
	size_t blen = 0, alen = 0, len = 0;
	char *data = NULL;
	struct stat st;
	int bro = 0, fd;

	NEED_FX(f);
	before = read_all(f->img, &blen);
	assert_int_equal(rsc_volume_open(f->img, 0, &v, &why), 0);
	assert_int_equal(v->kind, RSC_TARGET_IMAGE);
	assert_string_equal(v->fstype, "ext4");
	assert_string_equal(v->uuid, UUID);
	assert_string_equal(v->label, "victimroot");
	assert_true(v->read_only);
	assert_non_null(v->loopdev);
	assert_non_null(v->mountpoint);
	mp = strdup(v->mountpoint);
	loop = strdup(v->loopdev);
	assert_true(backing_in_use(f->img));

	/* The loop device itself is read-only. */
	fd = open(loop, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ioctl(fd, BLKROGET, &bro), 0);
	assert_int_equal(bro, 1);
	close(fd);

	assert_int_equal(rsc_volume_check_linux_root(v->root, &why), 0);
	assert_int_equal(rsc_root_read_file(v->root, "/etc/passwd", 0, 0, &data, &len, NULL), 0);
	assert_string_equal(data, "root:x:0:0:root:/root:/bin/bash\n");
	free(data);
	assert_int_equal(rsc_root_stat(v->root, "/home/alice", &st, 0), 0);
	assert_int_equal(st.st_uid, 1001);
	/* Writes are refused by the mount. */
	assert_int_equal(rsc_root_write_file(v->root, "/etc/motd", "x", 1, 0644, 0, 0), -EROFS);

	assert_int_equal(rsc_volume_close(v), 0);
	assert_gone(mp);
	assert_true(backing_released(f->img));

	/* Not one byte changed. */
	after = read_all(f->img, &alen);
	assert_int_equal(alen, blen);
	assert_memory_equal(before, after, blen);
	rsc_buf_free(&why);
}

/* The options the kernel shows for the mount on mp, e.g. "ro,nosuid,nodev,noexec,relatime". */
static char *mount_opts(const char *mp)
{
	_cleanup_free_ char *info = tu_read("/proc/self", "mountinfo");
	_cleanup_free_ char *needle = NULL;
	char *hit = NULL;

	assert_non_null(info);
	assert_true(asprintf(&needle, " %s ", mp) > 0);
	hit = strstr(info, needle);
	if (!hit)
		return NULL;
	hit += strlen(needle);
	return strndup(hit, strcspn(hit, " "));
}

/* A journal that needs recovery: read-only must not replay it (noload) yet still mount. */
static void test_dirty_journal(void **state)
{
	struct fx *f = *state;
	_cleanup_free_ void *before = NULL, *after = NULL;
	_cleanup_free_ char *opts = NULL;
	struct rsc_volume *v = NULL;
	struct rsc_buf why = { 0 };
	size_t blen = 0, alen = 0;

	NEED_FX(f);
	assert_int_equal(run("debugfs -w -R 'feature needs_recovery' '%s' >/dev/null 2>&1", f->img),
			 0);
	before = read_all(f->img, &blen);
	assert_int_equal(rsc_volume_open(f->img, 0, &v, &why), 0);
	opts = mount_opts(v->mountpoint);
	assert_non_null(opts);
	assert_true(rsc_startswith(opts, "ro,"));
	assert_non_null(strstr(opts, "nosuid"));
	assert_non_null(strstr(opts, "nodev"));
	assert_non_null(strstr(opts, "noexec"));
	assert_int_equal(rsc_volume_check_linux_root(v->root, &why), 0);
	assert_int_equal(rsc_volume_close(v), 0);
	assert_true(backing_released(f->img));
	after = read_all(f->img, &alen);
	assert_int_equal(alen, blen);
	assert_memory_equal(before, after, blen);
	rsc_buf_free(&why);
}

static void test_two_at_once(void **state)
{
	struct fx *f = *state;
	_cleanup_free_ char *img2 = NULL;
	struct rsc_volume *a = NULL, *b = NULL;
	struct rsc_buf why = { 0 };

	NEED_FX(f);
	img2 = path_in(f->dir, "copy.img");
	assert_int_equal(run("cp '%s' '%s'", f->img, img2), 0);
	assert_int_equal(rsc_volume_open(f->img, 0, &a, &why), 0);
	assert_int_equal(rsc_volume_open(img2, 0, &b, &why), 0);
	assert_string_not_equal(a->loopdev, b->loopdev);
	assert_string_not_equal(a->mountpoint, b->mountpoint);
	assert_int_equal(rsc_volume_check_linux_root(b->root, &why), 0);
	assert_int_equal(rsc_volume_close(a), 0);
	assert_int_equal(rsc_volume_check_linux_root(b->root, &why), 0);
	assert_int_equal(rsc_volume_close(b), 0);
	assert_true(backing_released(f->img));
	assert_true(backing_released(img2));
	rsc_buf_free(&why);
}

static void test_no_filesystem(void **state)
{
	struct fx *f = *state;
	_cleanup_free_ char *zeros = NULL, *pt = NULL;
	struct rsc_volume *v = NULL;
	struct rsc_buf why = { 0 };

	NEED_FX(f);
	zeros = path_in(f->dir, "zeros.img");
	assert_int_equal(run("truncate -s 8M '%s'", zeros), 0);
	assert_int_equal(rsc_volume_open(zeros, 0, &v, &why), -ENODEV);
	assert_null(v);
	assert_non_null(strstr(why.data, "no filesystem"));
	assert_false(backing_in_use(zeros));

	/* A whole disk with a partition table: say which partition to give. */
	pt = path_in(f->dir, "disk.img");
	assert_int_equal(run("truncate -s 8M '%s' && echo 'start=2048, type=83' | "
			     "sfdisk -q '%s' >/dev/null 2>&1",
			     pt, pt),
			 0);
	assert_int_equal(rsc_volume_open(pt, 0, &v, &why), -ENODEV);
	assert_non_null(strstr(why.data, "has a partition table (dos), not a filesystem"));
	assert_non_null(strstr(why.data, "--partition N"));
	rsc_buf_free(&why);
}

static void test_bad_kinds(void **state)
{
	struct fx *f = *state;
	_cleanup_free_ char *missing = NULL;
	struct rsc_volume *v = NULL;
	struct rsc_buf why = { 0 };

	NEED_FX(f);
	tu_mkfifo(f->dir, "fifo", 0600);
	missing = path_in(f->dir, "fifo");
	assert_int_equal(rsc_volume_open(missing, 0, &v, &why), -ENOTBLK);
	assert_non_null(strstr(why.data, "neither a directory, an image file nor a block device"));
	assert_int_equal(rsc_volume_open("/dev/null", 0, &v, &why), -ENOTBLK);
	free(missing);
	missing = path_in(f->dir, "does-not-exist");
	assert_int_equal(rsc_volume_open(missing, 0, &v, &why), -ENOENT);
	assert_non_null(strstr(why.data, "cannot access"));
	assert_null(v);
	rsc_buf_free(&why);
}

static void test_image_read_write(void **state)
{
	struct fx *f = *state;
	struct rsc_volume *v = NULL;
	struct rsc_buf why = { 0 };
	char *data = NULL;
	size_t len = 0;

	NEED_FX(f);
	assert_int_equal(rsc_volume_open(f->img, RSC_VOL_RW, &v, &why), 0);
	assert_false(v->read_only);
	assert_int_equal(v->kind, RSC_TARGET_IMAGE);
	assert_int_equal(rsc_root_write_file(v->root, "/etc/motd", "hello\n", 6, 0640, 0, 4), 0);
	assert_int_equal(rsc_volume_close(v), 0);
	assert_true(backing_released(f->img));

	assert_int_equal(rsc_volume_open(f->img, 0, &v, &why), 0);
	assert_int_equal(rsc_root_read_file(v->root, "/etc/motd", 0, 0, &data, &len, NULL), 0);
	assert_string_equal(data, "hello\n");
	free(data);
	assert_int_equal(rsc_volume_close(v), 0);
	assert_true(backing_released(f->img));
	/* A clean unmount leaves a clean filesystem. */
	assert_int_equal(run("e2fsck -fn '%s' >/dev/null 2>&1", f->img), 0);
	rsc_buf_free(&why);
}

/* A block device: read-only through a loop device on top, the device's own flag untouched. */
static void test_block_device(void **state)
{
	struct fx *f = *state;
	const char *dev = NULL;
	_cleanup_free_ void *before = NULL, *after = NULL;
	struct rsc_volume *v = NULL;
	struct rsc_buf why = { 0 };
	size_t blen = 0, alen = 0, len = 0;
	char *data = NULL;
	int fd, bro = -1;

	NEED_FX(f);
	before = read_all(f->img, &blen);
	dev = losetup(f, false);

	assert_int_equal(rsc_volume_open(dev, 0, &v, &why), 0);
	assert_int_equal(v->kind, RSC_TARGET_BLOCK);
	assert_string_equal(v->fstype, "ext4");
	assert_non_null(v->loopdev);
	assert_string_not_equal(v->loopdev, dev);
	assert_int_equal(rsc_root_read_file(v->root, "/etc/os-release", 0, 0, &data, &len, NULL),
			 0);
	assert_string_equal(data, "ID=debian\n");
	free(data);
	assert_int_equal(rsc_volume_close(v), 0);

	fd = open(dev, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ioctl(fd, BLKROGET, &bro), 0);
	assert_int_equal(bro, 0);
	close(fd);

	/* Read-write mounts the device itself. */
	assert_int_equal(rsc_volume_open(dev, RSC_VOL_RW, &v, &why), 0);
	assert_null(v->loopdev);
	assert_int_equal(rsc_root_mkdir(v->root, "/newdir", 0700, 0, 0), 0);
	assert_int_equal(rsc_volume_close(v), 0);

	losetup_detach(f);
	assert_true(backing_released(f->img));
	after = read_all(f->img, &alen);
	assert_int_equal(alen, blen);
	assert_memory_not_equal(before, after, blen); /* the rw mount did write */
	rsc_buf_free(&why);
}

/* A write-protected device can be checked but not opened for fix. */
static void test_write_protected(void **state)
{
	struct fx *f = *state;
	struct rsc_volume *v = NULL;
	struct rsc_buf why = { 0 };
	const char *dev = NULL;

	NEED_FX(f);
	dev = losetup(f, true);

	assert_int_equal(rsc_volume_open(dev, RSC_VOL_RW, &v, &why), -EROFS);
	assert_null(v);
	assert_non_null(strstr(why.data, "write-protected"));
	assert_int_equal(rsc_volume_open(dev, 0, &v, &why), 0);
	assert_int_equal(rsc_volume_check_linux_root(v->root, &why), 0);
	assert_int_equal(rsc_volume_close(v), 0);
	losetup_detach(f);
	assert_true(backing_released(f->img));
	rsc_buf_free(&why);
}

/* SIGTERM while a volume is open: mountpoint removed, loop device released. */
static void test_signal_cleanup(void **state)
{
	struct fx *f = *state;
	char mp[128] = "";
	int pfd[2], status = 0;
	ssize_t n;
	pid_t pid;

	NEED_FX(f);
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rsc_volume *v = NULL;
		struct rsc_buf why = { 0 };

		close(pfd[0]);
		if (rsc_volume_open(f->img, 0, &v, &why) < 0)
			_exit(2);
		if (write(pfd[1], v->mountpoint, strlen(v->mountpoint)) < 0)
			_exit(3);
		close(pfd[1]);
		raise(SIGTERM);
		_exit(4); /* not reached: the handler exits */
	}
	close(pfd[1]);
	n = read(pfd[0], mp, sizeof(mp) - 1);
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(n > 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 128 + SIGTERM);
	assert_true(rsc_startswith(mp, "/run/sshrescue."));
	assert_gone(mp);
	assert_true(backing_released(f->img));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dir_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_linux, setup, teardown),
		cmocka_unit_test_setup_teardown(test_running_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_image_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dirty_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_filesystem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_kinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_image_read_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_protected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_cleanup, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
