// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_ldso_conf.c - the bounds of the ld.so.conf reader (rescue/ldso_conf.c)
 * on a hostile victim: what it parses in all, however the files include each
 * other. Its include and glob rules, with the resolver, are in test_ldso.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <cmocka.h>

#include "ldso_int.h"
#include "root.h"
#include "testutil.h"
#include "util.h"

struct cfx {
	char *dir; /* the victim root on the helper */
	struct rsc_root *root;
};

static int setup(void **state)
{
	struct cfx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = tu_mkdtemp();
	assert_int_equal(rsc_root_open(f->dir, &f->root), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct cfx *f = *state;

	rsc_root_free(f->root);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/*
 * A file that includes itself eight times, nearly 1 MiB of one line: the
 * bytes parsed in all are bounded (2 MiB), not only the reads (1,024 of this
 * file were 348 million lines, each with a stat: minutes). The read that
 * meets the bound is cut at a line end: no half directory name ("/").
 */
static void test_ld_so_conf_budget(void **state)
{
	struct cfx *f = *state;
	struct rsc_strv dirs = { 0 };
	struct rsc_buf b = { 0 };

	assert_int_equal(rsc_buf_add(&b, "include", 7), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(rsc_buf_add(&b, " /etc/ld.so.conf", 16), 0);
	assert_int_equal(rsc_buf_add(&b, "\n", 1), 0);
	for (int i = 0; i < 340000; i++)
		assert_int_equal(rsc_buf_add(&b, "/a\n", 3), 0);
	assert_int_equal(rsc_buf_add(&b, "/b\n", 3), 0);
	assert_int_equal(rsc_buf_add(&b, "", 1), 0);
	assert_true(b.len < (1u << 20)); /* under the cap of one read */
	tu_write(f->dir, "etc/ld.so.conf", b.data, 0644, (uid_t)-1, (gid_t)-1);
	assert_int_equal(rsc_ldconf_read(f->root, "/etc/ld.so.conf", &dirs, NULL), 0);
	assert_int_equal(dirs.n, 2);
	assert_string_equal(dirs.v[0], "/a");
	assert_string_equal(dirs.v[1], "/b");
	rsc_strv_free(&dirs);
	free(b.data);
}

/* An "include" of the victim file name, behind n "./" components. */
static void add_dotted_include(struct rsc_buf *b, unsigned n, const char *name)
{
	assert_int_equal(rsc_buf_add(b, "include /etc/ld.so.conf.d/", 26), 0);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(rsc_buf_add(b, "./", 2), 0);
	assert_int_equal(rsc_buf_add(b, name, strlen(name)), 0);
	assert_int_equal(rsc_buf_add(b, "\n", 1), 0);
}

/*
 * Read the ld.so.conf of b's lines and "/c", with a.conf naming "/a" and
 * b.conf "/b": the directories must be first, then "/c". b is emptied.
 */
static void expect_dirs(struct cfx *f, struct rsc_buf *b, const char *first)
{
	struct rsc_strv dirs = { 0 };

	assert_int_equal(rsc_buf_add(b, "/c\n", 4), 0);
	assert_int_equal(rsc_buf_add(b, "", 1), 0);
	tu_write(f->dir, "etc/ld.so.conf", b->data, 0644, (uid_t)-1, (gid_t)-1);
	tu_write(f->dir, "etc/ld.so.conf.d/a.conf", "/a\n", 0644, (uid_t)-1, (gid_t)-1);
	tu_write(f->dir, "etc/ld.so.conf.d/b.conf", "/b\n", 0644, (uid_t)-1, (gid_t)-1);
	assert_int_equal(rsc_ldconf_read(f->root, "/etc/ld.so.conf", &dirs, NULL), 0);
	assert_int_equal(dirs.n, 2);
	assert_string_equal(dirs.v[0], first);
	assert_string_equal(dirs.v[1], "/c");
	rsc_strv_free(&dirs);
	free(b->data);
	*b = (struct rsc_buf){ 0 };
}

/*
 * "." components are walked like glob(3) does, but a path of PATH_MAX
 * bytes or more matches nothing (its opendir() and lstat() fail with
 * ENAMETOOLONG): 1,000 "./" find a.conf, 2,100 do not find b.conf.
 */
static void test_ld_so_conf_glob_path_max(void **state)
{
	struct cfx *f = *state;
	struct rsc_buf b = { 0 };

	add_dotted_include(&b, 1000, "a.conf");
	add_dotted_include(&b, 2100, "b.conf");
	expect_dirs(f, &b, "/a");
}

/*
 * The glob components walked in all are bounded (4,096): five patterns of
 * 1,000 components spend them, so the sixth, short one finds nothing; the
 * directory lines after it are still read. Without the bound, 64 reads of
 * ten such lines built hundreds of MB of paths.
 */
static void test_ld_so_conf_glob_steps(void **state)
{
	struct cfx *f = *state;
	struct rsc_buf b = { 0 };

	for (int i = 0; i < 5; i++)
		add_dotted_include(&b, 1000, "a.conf");
	add_dotted_include(&b, 0, "b.conf");
	expect_dirs(f, &b, "/a");

	/* the same short pattern alone finds b.conf: it was the bound */
	add_dotted_include(&b, 0, "b.conf");
	expect_dirs(f, &b, "/b");
}

/*
 * Directories once each, in their order, at most 1,024 in all, and those
 * already in dirs count as seen ("/pre"): a trailing slash or "=type" is the
 * same directory. 2 MiB of one directory named again, after 1,000 others,
 * were 300 million compares before the directories were hashed.
 */
static void test_ld_so_conf_dirs_once(void **state)
{
	struct cfx *f = *state;
	struct rsc_strv dirs = { 0 };
	struct rsc_buf b = { 0 };
	char line[32];
	const char *head = "/pre\n/x\n/x/\n/pre=libc6\n";

	assert_int_equal(rsc_strv_add(&dirs, "/pre"), 0);
	assert_int_equal(rsc_buf_add(&b, head, strlen(head)), 0);
	for (int i = 0; i < 1100; i++) {
		int n = snprintf(line, sizeof(line), "/d%04d\n/x\n", i);

		assert_int_equal(rsc_buf_add(&b, line, (size_t)n), 0);
	}
	assert_int_equal(rsc_buf_add(&b, "", 1), 0);
	tu_write(f->dir, "etc/ld.so.conf", b.data, 0644, (uid_t)-1, (gid_t)-1);
	assert_int_equal(rsc_ldconf_read(f->root, "/etc/ld.so.conf", &dirs, NULL), 0);
	assert_int_equal(dirs.n, RSC_LDCONF_MAX_DIRS);
	assert_string_equal(dirs.v[0], "/pre");
	assert_string_equal(dirs.v[1], "/x");
	assert_string_equal(dirs.v[2], "/d0000");
	assert_string_equal(dirs.v[RSC_LDCONF_MAX_DIRS - 1], "/d1021");
	for (size_t i = 2; i < dirs.n; i++) {
		snprintf(line, sizeof(line), "/d%04zu", i - 2);
		assert_string_equal(dirs.v[i], line);
	}
	rsc_strv_free(&dirs);
	free(b.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ld_so_conf_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ld_so_conf_glob_path_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ld_so_conf_glob_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ld_so_conf_dirs_once, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
