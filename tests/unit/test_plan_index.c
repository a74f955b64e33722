// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_plan_index.c - the look-ups by path of the plan (merging, the plan's
 * write of a path, the state the earlier operations leave) and of the
 * journal (a path recorded once) stay right over many paths, after the plan
 * is sorted and after operations are removed. Their speed is measured by
 * tests/bench/plan.sh, not here.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "journal.h"
#include "plan.h"
#include "planfx.h"
#include "testutil.h"
#include "util.h"

#define MANY 20000

/* pre, the number i, then post: "/home/user7/.ssh" */
static char *path_of(const char *pre, size_t i, const char *post)
{
	char *s = NULL;

	assert_true(asprintf(&s, "%s%zu%s", pre, i, post) > 0);
	return s;
}

/* Every path merges with its own operations only, whatever the plan's size. */
static void many_paths_merge(void **state)
{
	struct rsc_plan p = { 0 };

	(void)state;
	for (size_t i = 0; i < MANY; i++) {
		_cleanup_free_ char *d = path_of("/home/user", i, "/.ssh");

		assert_int_equal(rsc_plan_chmod(&p, "ssh.dir.mode", d, 0700, NULL), 0);
	}
	for (size_t i = 0; i < MANY; i++) {
		_cleanup_free_ char *d = path_of("/home/user", i, "/.ssh");

		/* the same chmod again merges; another mode replaces it; a chown is another op */
		assert_int_equal(rsc_plan_chmod(&p, "again", d, 0700, NULL), 0);
		if (i % 2)
			assert_int_equal(rsc_plan_chmod(&p, "later", d, 0750, NULL), 0);
		assert_int_equal(rsc_plan_chown(&p, "own", d, 20000 + i, 20000 + i, NULL), 0);
		assert_int_equal(rsc_plan_chown(&p, "own", d, 20000 + i, 20000 + i, NULL), 0);
	}
	assert_int_equal(p.nops, 2 * MANY);
	for (size_t i = 0; i < MANY; i++) {
		_cleanup_free_ char *d = path_of("/home/user", i, "/.ssh");

		assert_string_equal(p.ops[i].path, d);
		assert_int_equal(p.ops[i].kind, RSC_OP_CHMOD);
		assert_int_equal(p.ops[i].mode, i % 2 ? 0750 : 0700);
		assert_string_equal(p.ops[i].code, i % 2 ? "later" : "ssh.dir.mode");
		assert_int_equal(p.ops[MANY + i].kind, RSC_OP_CHOWN);
		assert_int_equal(p.ops[MANY + i].uid, 20000 + i);
		assert_null(rsc_plan_find_write(&p, d));
	}
	rsc_plan_free(&p);
}

/* The plan's write of a path, among many writes of other paths and other kinds of the same. */
static void many_writes_found(void **state)
{
	struct rsc_plan p = { 0 };

	(void)state;
	for (size_t i = 0; i < MANY; i++) {
		_cleanup_free_ char *k = path_of("/home/user", i, "/.ssh/authorized_keys");

		assert_int_equal(rsc_plan_chmod(&p, "m", k, 0600, NULL), 0);
		if (i % 3 == 0)
			assert_int_equal(rsc_plan_write(&p, "w", k, k, strlen(k), 0600, 1, 1, NULL),
					 0);
	}
	for (size_t i = 0; i < MANY; i++) {
		_cleanup_free_ char *k = path_of("/home/user", i, "/.ssh/authorized_keys");
		const struct rsc_op *w = rsc_plan_find_write(&p, k);

		if (i % 3) {
			assert_null(w);
			continue;
		}
		assert_non_null(w);
		assert_int_equal(w->kind, RSC_OP_WRITE);
		assert_string_equal(w->path, k);
		assert_memory_equal(w->data, k, strlen(k));
	}
	rsc_plan_free(&p);
}

static int rank_of(enum rsc_op_kind k)
{
	return k == RSC_OP_MKDIR ? 0 : k == RSC_OP_WRITE ? 1 : k == RSC_OP_CHOWN ? 2 : 3;
}

static int bad_rank(enum rsc_op_kind k)
{
	return k == RSC_OP_CHOWN ? 7 : 0;
}

/* A stable sort by rank; afterwards the index knows the operations' new places. */
static void sort_is_stable_and_reindexes(void **state)
{
	static const char *const want[] = {
		"mkdir /d", "mkdir /e", "write /a", "write /b", "chown /a",
		"chown /b", "chmod /a", "chmod /d", "chmod /b",
	};
	struct rsc_plan p = { 0 };

	(void)state;
	assert_int_equal(rsc_plan_chmod(&p, "c", "/a", 0600, NULL), 0);
	assert_int_equal(rsc_plan_chown(&p, "o", "/a", 1, 1, NULL), 0);
	assert_int_equal(rsc_plan_write(&p, "w", "/a", "x", 1, 0644, 1, 1, NULL), 0);
	assert_int_equal(rsc_plan_mkdir(&p, "m", "/d", 0700, 1, 1, NULL), 0);
	assert_int_equal(rsc_plan_chmod(&p, "c", "/d", 0700, NULL), 0);
	assert_int_equal(rsc_plan_chmod(&p, "c", "/b", 0600, NULL), 0);
	assert_int_equal(rsc_plan_write(&p, "w", "/b", "y", 1, 0644, 1, 1, NULL), 0);
	assert_int_equal(rsc_plan_chown(&p, "o", "/b", 2, 2, NULL), 0);
	assert_int_equal(rsc_plan_mkdir(&p, "m", "/e", 0700, 1, 1, NULL), 0);

	/* a rank out of range: refused, nothing moved */
	assert_int_equal(rsc_plan_sort(&p, bad_rank, 4), -EINVAL);
	assert_int_equal(rsc_plan_sort(&p, rank_of, 0), -EINVAL);
	assert_string_equal(p.ops[0].path, "/a");
	assert_int_equal(p.ops[0].kind, RSC_OP_CHMOD);

	assert_int_equal(rsc_plan_sort(&p, rank_of, 4), 0);
	assert_int_equal(p.nops, ARRAY_SIZE(want));
	for (size_t i = 0; i < p.nops; i++) {
		static const char *const verb[] = { [RSC_OP_CHMOD] = "chmod",
						    [RSC_OP_CHOWN] = "chown",
						    [RSC_OP_WRITE] = "write",
						    [RSC_OP_MKDIR] = "mkdir" };
		_cleanup_free_ char *got = NULL;

		assert_true(asprintf(&got, "%s %s", verb[p.ops[i].kind], p.ops[i].path) > 0);
		assert_string_equal(got, want[i]);
	}
	/* merged with the moved operations, found at their new places */
	assert_int_equal(rsc_plan_chmod(&p, "c2", "/a", 0640, NULL), 0);
	assert_int_equal(rsc_plan_chown(&p, "o", "/b", 2, 2, NULL), 0);
	assert_int_equal(p.nops, ARRAY_SIZE(want));
	assert_int_equal(p.ops[6].mode, 0640);
	assert_ptr_equal(rsc_plan_find_write(&p, "/a"), &p.ops[2]);
	assert_ptr_equal(rsc_plan_find_write(&p, "/b"), &p.ops[3]);
	/* a new path after the sort is a new operation at the end */
	assert_int_equal(rsc_plan_chmod(&p, "c", "/f", 0600, NULL), 0);
	assert_int_equal(p.nops, ARRAY_SIZE(want) + 1);
	rsc_plan_free(&p);
}

/* Removed operations are gone from the index; the others keep their order and merge. */
static void remove_marked_reindexes(void **state)
{
	struct rsc_plan p = { 0 };
	bool gone[6] = { false, true, false, true, false, false };
	bool none[5] = { false };

	(void)state;
	assert_int_equal(rsc_plan_chmod(&p, "c", "/a", 0600, NULL), 0);
	assert_int_equal(rsc_plan_chmod(&p, "c", "/b", 0600, NULL), 0);
	assert_int_equal(rsc_plan_write(&p, "w", "/c", "z", 1, 0600, 0, 0, NULL), 0);
	assert_int_equal(rsc_plan_write(&p, "w", "/d", "z", 1, 0600, 0, 0, NULL), 0);
	assert_int_equal(rsc_plan_chown(&p, "o", "/b", 1, 1, NULL), 0);
	assert_int_equal(rsc_plan_chmod(&p, "c", "/e", 0600, NULL), 0);
	assert_int_equal(rsc_plan_remove_marked(&p, gone), 0);
	assert_int_equal(p.nops, 4);
	assert_string_equal(p.ops[0].path, "/a");
	assert_string_equal(p.ops[1].path, "/c");
	assert_string_equal(p.ops[2].path, "/b");
	assert_int_equal(p.ops[2].kind, RSC_OP_CHOWN);
	assert_string_equal(p.ops[3].path, "/e");
	assert_null(rsc_plan_find_write(&p, "/d"));
	assert_ptr_equal(rsc_plan_find_write(&p, "/c"), &p.ops[1]);
	/* /b's chmod was removed: a new one is added; its chown still merges */
	assert_int_equal(rsc_plan_chmod(&p, "c", "/b", 0700, NULL), 0);
	assert_int_equal(rsc_plan_chown(&p, "o", "/b", 1, 1, NULL), 0);
	assert_int_equal(p.nops, 5);
	assert_string_equal(p.ops[4].path, "/b");
	assert_int_equal(p.ops[4].mode, 0700);
	/* nothing marked: nothing changes */
	assert_int_equal(rsc_plan_remove_marked(&p, none), 0);
	assert_int_equal(p.nops, 5);
	rsc_plan_free(&p);
}

/*
 * The preview's state of a path is what the plan's earlier operations of
 * that path leave, found among many others, also after a sort: a chmod
 * already done by the plan's own rewrite shows nothing.
 */
static void preview_follows_the_path(void **state)
{
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;

	(void)f;
	for (size_t i = 0; i < 500; i++) {
		_cleanup_free_ char *x = path_of("/nowhere/", i, "");

		assert_int_equal(rsc_plan_chmod(&p, "x", x, 0600, NULL), 0);
	}
	assert_int_equal(rsc_plan_chmod(&p, "k", "/" KEYS, 0600, NULL), 0);
	assert_int_equal(rsc_plan_write(&p, "w", "/" KEYS, "new\n", 4, 0600, 1001, 1001, NULL), 0);
	/* the write (rank 1) goes before the chmod (rank 3): the chmod then finds 0600 */
	assert_int_equal(rsc_plan_sort(&p, rank_of, 4), 0);
	/* 500 missing paths (counted: apply would fail on them), the rewrite */
	assert_int_equal(rsc_plan_preview(&p, f->root, tu_cap_open(&c)), 501);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  rewrite /" KEYS " ("));
	assert_null(strstr(c.text, "  chmod 0644 -> 0600  /" KEYS));
	assert_null(strstr(c.text, "  chmod 0600 -> 0600  /" KEYS));
	free(c.text);
	rsc_plan_free(&p);
}

/* The journal records a path once, however many others it has recorded. */
static void journal_records_a_path_once(void **state)
{
	struct pfx *f = *state;
	struct rsc_journal *j = NULL;
	struct stat st = { .st_mode = S_IFREG | 0644 };
	struct tu_cap c;

	pfx_skip_unless_root();
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	for (size_t i = 0; i < 1000; i++) {
		_cleanup_free_ char *x = path_of("/home/alice/new", i, "");

		assert_int_equal(rsc_journal_record(j, x, false), 0);
	}
	for (size_t i = 0; i < 1000; i += 7) {
		_cleanup_free_ char *x = path_of("/home/alice/new", i, "");

		assert_int_equal(rsc_journal_record(j, x, true), 0); /* already: nothing added */
		assert_int_equal(rsc_journal_gone(j, x, &st, RSC_JG_DELETED, NULL), -EEXIST);
		assert_int_equal(rsc_journal_wrote(j, x, "b", 1), 0); /* its record: absent */
	}
	/* a path never recorded: wrote has no record to belong to */
	assert_int_equal(rsc_journal_wrote(j, "/home/alice/other", "b", 1), -EINVAL);
	assert_int_equal(rsc_journal_close(j), 0);
	assert_int_equal(rsc_journal_list(f->root, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  fix  1000 changes\n"));
	free(c.text);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, pfx_setup, pfx_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(many_paths_merge),
		cmocka_unit_test(many_writes_found),
		cmocka_unit_test(sort_is_stable_and_reindexes),
		cmocka_unit_test(remove_marked_reindexes),
		T(preview_follows_the_path),
		T(journal_records_a_path_once),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
