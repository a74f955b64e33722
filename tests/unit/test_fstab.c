// SPDX-License-Identifier: GPL-2.0-or-later
/* test_fstab.c - rescue/fstab.c: fields, comments, escapes, defaults, skipped lines, the cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fstab.h"

static void test_entries(void **state)
{
	static const char in[] =
		"# <file system> <mount point> <type> <options> <dump> <pass>\n"
		"UUID=6f1e / ext4 errors=remount-ro 0 1\n"
		"\n"
		"  LABEL=my\\040home\t/srv/my\\040home  ext4 defaults,nofail # note\n"
		"tmpfs /tmp tmpfs\n"
		"broken-line /only-two\n"
		"/dev/sda3 none swap sw 0 0\n"
		"\\134\\777 /x auto"; /* no final newline; \777 is out of range */
	struct rsc_fstab t;

	(void)state;
	assert_int_equal(rsc_fstab_parse(in, sizeof(in) - 1, &t), 0);
	assert_int_equal(t.n, 5);
	assert_int_equal(t.skipped, 1);
	assert_string_equal(t.e[0].spec, "UUID=6f1e");
	assert_string_equal(t.e[0].file, "/");
	assert_string_equal(t.e[0].type, "ext4");
	assert_string_equal(t.e[0].opts, "errors=remount-ro");
	assert_int_equal(t.e[0].line, 2);
	assert_string_equal(t.e[1].spec, "LABEL=my home");
	assert_string_equal(t.e[1].file, "/srv/my home");
	assert_string_equal(t.e[1].opts, "defaults,nofail");
	assert_int_equal(t.e[1].line, 4);
	assert_string_equal(t.e[2].opts, "defaults"); /* no options field */
	assert_string_equal(t.e[3].type, "swap");
	assert_string_equal(t.e[4].spec, "\\\\777");
	assert_int_equal(t.e[4].line, 8);
	rsc_fstab_free(&t);
}

static void test_cap_and_nul(void **state)
{
	size_t n = RSC_FSTAB_MAX + 10, len = n * 12;
	char *in = malloc(len + 1), *p = in;
	struct rsc_fstab t;

	(void)state;
	assert_non_null(in);
	for (size_t i = 0; i < n; i++)
		p += snprintf(p, (size_t)(in + len + 1 - p), "a /b%05zu c\n", i % 100000);
	assert_int_equal(rsc_fstab_parse(in, (size_t)(p - in), &t), 0);
	assert_int_equal(t.n, RSC_FSTAB_MAX);
	assert_int_equal(t.skipped, 10);
	/* every entry is whole after the array grew (doubling from 16) */
	assert_true(t.cap >= t.n && t.cap < 2 * t.n);
	for (size_t i = 0; i < t.n; i += 1023) {
		char want[32];

		snprintf(want, sizeof(want), "/b%05zu", i);
		assert_string_equal(t.e[i].file, want);
		assert_int_equal(t.e[i].line, i + 1);
	}
	assert_string_equal(t.e[t.n - 1].file, "/b04095");
	rsc_fstab_free(&t);
	free(in);
	/* a NUL inside a field: the line is refused, the next one read */
	assert_int_equal(rsc_fstab_parse("a\0b / ext4\nc / xfs\n", 20, &t), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.e[0].type, "xfs");
	rsc_fstab_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_cap_and_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
