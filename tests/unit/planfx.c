// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * planfx.c - the fixture of the fix-plan tests (test_plan.c, test_plan_links.c):
 * alice's broken home in a temporary root, and what the tests look at in it.
 */
#include <dirent.h>
#include <errno.h>
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

#include "planfx.h"
#include "root.h"
#include "testutil.h"
#include "util.h"

void pfx_skip_unless_root(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "not root: owners cannot be set, skipped\n");
		skip();
	}
}

/*
 * alice's home, broken:
 *   /home/alice              0755 1001:1001
 *   /home/alice/.ssh         0777 1002:1002
 *   /home/alice/.ssh/authorized_keys  "ssh-ed25519 AAAA old\r\n" 0644 1001:1001
 */
int pfx_setup(void **state)
{
	struct pfx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->dir = tu_mkdtemp();
	if (geteuid() == 0) {
		tu_mkdir(f->dir, "home/alice", 0755, 1001, 1001);
		tu_mkdir(f->dir, "home/alice/.ssh", 0777, 1002, 1002);
		tu_write(f->dir, "home/alice/.ssh/authorized_keys", "ssh-ed25519 AAAA old\r\n",
			 0644, 1001, 1001);
	}
	if (rsc_root_open(f->dir, &f->root) < 0)
		return -1;
	*state = f;
	return 0;
}

int pfx_teardown(void **state)
{
	struct pfx *f = *state;

	rsc_root_free(f->root);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

void pfx_take(const char *dir, const char *rel, struct pfx_snap *s)
{
	s->mode = tu_mode(dir, rel, &s->uid, &s->gid);
	s->data = S_ISREG(s->mode) ? tu_read(dir, rel) : NULL;
}

void pfx_same(const char *dir, const char *rel, struct pfx_snap *s)
{
	struct pfx_snap now;

	pfx_take(dir, rel, &now);
	assert_int_equal(now.mode, s->mode);
	assert_int_equal(now.uid, s->uid);
	assert_int_equal(now.gid, s->gid);
	if (s->data || now.data) {
		assert_non_null(now.data);
		assert_string_equal(now.data, s->data);
	}
	free(now.data);
	free(s->data);
}

bool pfx_exists(const char *dir, const char *rel)
{
	char *p = NULL;
	struct stat st;
	bool r;

	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	r = lstat(p, &st) == 0;
	free(p);
	return r;
}

/* Names in dir/rel that contain ".sshrescue-". */
size_t pfx_side_files(const char *dir, const char *rel)
{
	char *p = NULL;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	d = opendir(p);
	assert_non_null(d);
	while ((de = readdir(d)))
		n += strstr(de->d_name, ".sshrescue-") != NULL;
	closedir(d);
	free(p);
	return n;
}

bool pfx_undone(struct pfx *f, const char *id)
{
	char *p = NULL, *s;
	bool r;

	assert_true(asprintf(&p, "var/lib/sshrescue/journal/%s/undone", id) > 0);
	s = tu_read(f->dir, p);
	r = s && rsc_startswith(s, "undone ");
	free(s);
	free(p);
	return r;
}
