// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rootfx.c - the fixture of the confinement tests (rootfx.h): the victim
 * root of test_root.c and test_root_write.c, and the helpers both use.
 */
#include <dirent.h>
#include <fcntl.h>
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

#include "root.h"
#include "rootfx.h"
#include "testutil.h"

static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	close(fd);
	return fd;
}

int rfx_mode_openat2 = 0, rfx_mode_walk = 1;

int rfx_setup(void **state)
{
	struct rfx *f;

	if (geteuid() != 0)
		return -1; /* chown and mknod need root */
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->walk = *(int *)*state;
	f->dir = tu_mkdtemp();
	f->host = tu_mkdtemp();

	tu_write(f->dir, "etc/shadow", "victim-shadow\n", 0640, 0, 42);
	tu_write(f->dir, "etc/hostname", "victim-hostname\n", 0644, 0, 0);
	tu_symlink(f->dir, "etc/passwd", "/etc/hostname");
	tu_write(f->dir, "x", "victim-x\n", 0644, 0, 0);
	tu_mkdir(f->dir, "srv/home/carol/.ssh", 0700, 1003, 1003);
	tu_write(f->dir, "srv/home/carol/.ssh/authorized_keys", "ssh-ed25519 AAAA carol\n", 0600,
		 1003, 1003);
	/* nested symlinked dirs: /home/carol -> /users/carol, /users -> srv/home */
	tu_mkdir(f->dir, "home", 0755, 0, 0);
	tu_symlink(f->dir, "home/carol", "/users/carol");
	tu_symlink(f->dir, "users", "srv/home");
	/* a link to the helper's own directory: inside the victim it is dangling */
	tu_symlink(f->dir, "hostlnk", f->host);

	assert_int_equal(rsc_root_open(f->dir, &f->r), 0);
	rsc_root_set_force_walk(f->r, f->walk);
	f->fdmark = lowest_free_fd();
	*state = f;
	return 0;
}

int rfx_teardown(void **state)
{
	struct rfx *f = *state;

	assert_int_equal(lowest_free_fd(), f->fdmark);
	rsc_root_free(f->r);
	tu_rmtree(f->dir);
	tu_rmtree(f->host);
	free(f->dir);
	free(f->host);
	free(f);
	return 0;
}

/* Read a victim file that must exist; returns its content. */
static char *rd(struct rfx *f, const char *path)
{
	char *data = NULL;
	size_t len = 0;

	assert_int_equal(rsc_root_read_file(f->r, path, 0, 0, &data, &len, NULL), 0);
	assert_non_null(data);
	assert_int_equal(strlen(data), len);
	return data;
}

void rfx_assert_read(struct rfx *f, const char *path, const char *want)
{
	char *data = rd(f, path);

	assert_string_equal(data, want);
	free(data);
}

/* No temporary file of rsc_root_write_file() is left in dir/rel. */
void rfx_assert_no_temp(struct rfx *f, const char *rel)
{
	char *p = NULL;
	DIR *d;
	struct dirent *e;

	assert_true(asprintf(&p, "%s/%s", f->dir, rel) > 0);
	d = opendir(p);
	assert_non_null(d);
	while ((e = readdir(d)))
		assert_null(strstr(e->d_name, ".sshrescue-"));
	closedir(d);
	free(p);
}

ino_t rfx_host_ino(struct rfx *f, const char *rel)
{
	char *p = NULL;
	struct stat st;

	assert_true(asprintf(&p, "%s/%s", f->dir, rel) > 0);
	assert_int_equal(lstat(p, &st), 0);
	free(p);
	return st.st_ino;
}

bool rfx_host_exists(struct rfx *f, const char *rel)
{
	char *p = NULL;
	struct stat st;
	bool ok;

	assert_true(asprintf(&p, "%s/%s", f->dir, rel) > 0);
	ok = lstat(p, &st) == 0;
	free(p);
	return ok;
}
