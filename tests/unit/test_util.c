// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_util.c - the escaping every name and value from the victim goes
 * through before it reaches a terminal or a report (rescue/util.c): bytes
 * 0x20-0x7e stay, a backslash doubles, anything else becomes \xHH; runs of
 * plain bytes between escapes, NUL bytes inside a buffer, appending to a
 * buffer that holds text already. And the one-line reader of /sys files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <stdio.h>

#include <cmocka.h>

#include "util.h"

static void expect_escape(const char *in, const char *want)
{
	char *got = rsc_escape(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_escape(void **state)
{
	(void)state;
	expect_escape("", "");
	expect_escape("PermitRootLogin no", "PermitRootLogin no");
	expect_escape("a\\b", "a\\\\b");
	expect_escape("\\\\", "\\\\\\\\");
	expect_escape("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
	expect_escape("line\nnext\r", "line\\x0anext\\x0d");
	expect_escape("\x7f\x80\xff", "\\x7f\\x80\\xff");
	expect_escape("caf\xc3\xa9 ~", "caf\\xc3\\xa9 ~");
	expect_escape(" !~", " !~");
	expect_escape("\t", "\\x09");
}

static void test_escape_mem(void **state)
{
	static const char in[] = { 'a', '\0', 'b', '\\', '\0' };
	char *got;

	(void)state;
	got = rsc_escape_mem(in, sizeof(in));
	assert_non_null(got);
	assert_string_equal(got, "a\\x00b\\\\\\x00");
	free(got);
	got = rsc_escape_mem(in, 0);
	assert_non_null(got);
	assert_string_equal(got, "");
	free(got);
}

static void test_buf_add_escaped(void **state)
{
	struct rsc_buf b = { 0 };
	char big[5000];

	(void)state;
	assert_int_equal(rsc_buf_adds(&b, "user="), 0);
	assert_int_equal(rsc_buf_add_escaped(&b, "al\x01ice"), 0);
	assert_string_equal(b.data, "user=al\\x01ice");
	assert_int_equal(b.len, strlen("user=al\\x01ice"));
	/* a long run of plain bytes, then an escape, across the buffer's growth */
	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	rsc_buf_reset(&b);
	assert_int_equal(rsc_buf_add_escaped(&b, big), 0);
	assert_int_equal(b.len, sizeof(big) - 2 + 4);
	assert_memory_equal(b.data + b.len - 5, "x\\x0a", 5);
	assert_int_equal(b.data[b.len], '\0');
	rsc_buf_free(&b);
}

static void test_read_sys_line(void **state)
{
	char path[] = "/tmp/rsc-util.XXXXXX", buf[8];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "loop7\nmore\n", 11), 11);
	assert_int_equal(rsc_read_sys_line(path, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "loop7");
	/* cut to the buffer */
	assert_int_equal(rsc_read_sys_line(path, buf, 4), 3);
	assert_string_equal(buf, "loo");
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(rsc_read_sys_line(path, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	close(fd);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rsc_read_sys_line(path, buf, sizeof(buf)), -ENOENT);
	assert_string_equal(buf, "");
	assert_int_equal(rsc_read_sys_line(path, buf, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_mem),
		cmocka_unit_test(test_buf_add_escaped),
		cmocka_unit_test(test_read_sys_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
