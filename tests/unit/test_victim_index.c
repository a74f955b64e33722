// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_victim_index.c - the lookup indexes of the victim's accounts
 * (victim_index.c, hmap.c): the same answers as the linear searches they
 * replace (the first entry of a name, uid or gid wins; groups in file
 * order), for parsed files and for arrays filled by hand, and 200,000 users
 * looked up in well under a second.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hmap.h"
#include "util.h"
#include "victim.h"

static struct rsc_victim *parsed(const char *passwd, const char *group)
{
	struct rsc_victim *v = calloc(1, sizeof(*v));

	assert_non_null(v);
	assert_int_equal(rsc_parse_passwd(v, passwd, strlen(passwd)), 0);
	if (group)
		assert_int_equal(rsc_parse_group(v, group, strlen(group)), 0);
	return v;
}

static void first_wins(void **state)
{
	struct rsc_victim *v = parsed("root:x:0:0::/root:/bin/sh\n"
				      "alice:x:1001:1001::/home/alice:/bin/sh\n"
				      "alice:x:1005:1005::/home/alice2:/bin/sh\n"
				      "toor:x:0:0::/root:/bin/sh\n"
				      "mallory:x:1001:1001::/home/m:/bin/sh\n"
				      "bob:x:1002:1001::/home/bob:/bin/sh\n",
				      "alice:x:1001:bob,carol\n"
				      "admins:x:50:alice,bob\n"
				      "alice:x:1005:\n"
				      "other:x:1001:\n"
				      "wheel:x:10:bob, bob\n");
	const char **g = NULL;
	uid_t only;

	(void)state;
	assert_int_equal(v->nusers, 5); /* the second alice is a note */
	assert_string_equal(rsc_victim_user_by_name(v, "alice")->home, "/home/alice");
	assert_null(rsc_victim_user_by_name(v, "carol"));
	assert_string_equal(rsc_victim_user_by_uid(v, 0)->name, "root");
	assert_string_equal(rsc_victim_user_by_uid(v, 1001)->name, "alice");
	assert_null(rsc_victim_user_by_uid(v, 4242));
	assert_int_equal(v->ngroups, 4);
	assert_string_equal(rsc_victim_group_by_gid(v, 1001)->name, "alice");
	assert_string_equal(rsc_victim_group_by_name(v, "other")->name, "other");
	assert_null(rsc_victim_group_by_gid(v, 1005));
	/* primary group 1001: alice, mallory (both uid 1001) and bob */
	assert_int_equal(rsc_victim_gid_users(v, 1001, &only), 3);
	assert_int_equal(only, (uid_t)-1);
	assert_int_equal(rsc_victim_gid_users(v, 0, &only), 2);
	assert_int_equal(only, 0);
	assert_int_equal(rsc_victim_gid_users(v, 77, &only), 0);
	/* supplementary membership, by name and gid */
	assert_true(rsc_victim_user_in_group(v, rsc_victim_user_by_name(v, "bob"), 50));
	assert_true(rsc_victim_user_in_group(v, rsc_victim_user_by_name(v, "bob"), 10));
	assert_false(rsc_victim_user_in_group(v, rsc_victim_user_by_name(v, "root"), 50));
	assert_true(rsc_victim_user_in_group(v, rsc_victim_user_by_name(v, "alice"), 50));
	/* bob's groups in file order: alice (member), admins, other (gid 1001), wheel once */
	assert_int_equal(rsc_victim_user_groups(v, "bob", &g), 0);
	assert_non_null(g);
	assert_string_equal(g[0], "alice");
	assert_string_equal(g[1], "admins");
	assert_string_equal(g[2], "other");
	assert_string_equal(g[3], "wheel");
	assert_null(g[4]);
	free(g);
	assert_int_equal(rsc_victim_user_groups(v, "nobody", &g), 0);
	assert_null(g);
	rsc_victim_free(v);
}

/* Arrays filled without the parsers: the linear searches answer. */
static void by_hand(void **state)
{
	struct rsc_victim *v = calloc(1, sizeof(*v));
	struct rsc_user u[2] = { { .name = (char *)"a", .uid = 7, .gid = 9 },
				 { .name = (char *)"b", .uid = 7, .gid = 9 } };
	uid_t only;

	(void)state;
	assert_non_null(v);
	v->users = u;
	v->nusers = 2;
	assert_ptr_equal(rsc_victim_user_by_name(v, "b"), &u[1]);
	assert_ptr_equal(rsc_victim_user_by_uid(v, 7), &u[0]);
	assert_int_equal(rsc_victim_gid_users(v, 9, &only), 2);
	assert_int_equal(only, 7);
	free(v);
}

static void many_users(void **state)
{
	size_t n = 200000, len = 0;
	char *text = malloc(n * 48);
	struct rsc_victim *v;

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, 48, "u%zu:x:%zu:%zu::/home/u%zu:/bin/sh\n", i,
					20000 + i, 20000 + i, i);
	v = parsed(text, NULL);
	free(text);
	assert_int_equal(v->nusers, n);
	/* every name and uid found: how fast is measured by tests/bench/users.sh */
	for (size_t i = 0; i < n; i++) {
		char name[24];

		snprintf(name, sizeof(name), "u%zu", i);
		assert_ptr_equal(rsc_victim_user_by_name(v, name), &v->users[i]);
		assert_ptr_equal(rsc_victim_user_by_uid(v, (uid_t)(20000 + i)), &v->users[i]);
	}
	rsc_victim_free(v);
}

static void hmap_collisions(void **state)
{
	struct rsc_hmap m = { 0 };
	size_t pos = 0, idx, seen = 0;

	(void)state;
	/* one hash for every entry: all of them found, each once */
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(rsc_hmap_add(&m, 42, i), 0);
	while (rsc_hmap_next(&m, 42, &pos, &idx))
		seen += idx + 1;
	assert_int_equal(seen, 1000 * 1001 / 2);
	pos = 0;
	assert_false(rsc_hmap_next(&m, 43, &pos, &idx));
	assert_int_not_equal(rsc_hash_str(rsc_hash_init(), "ab"),
			     rsc_hash_str(rsc_hash_init(), "ba"));
	assert_int_not_equal(rsc_hash_str(rsc_hash_init(), ""),
			     rsc_hash_str(rsc_hash_init(), NULL));
	rsc_hmap_free(&m);
	pos = 0;
	assert_false(rsc_hmap_next(&m, 42, &pos, &idx));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_wins),
		cmocka_unit_test(by_hand),
		cmocka_unit_test(many_users),
		cmocka_unit_test(hmap_collisions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
