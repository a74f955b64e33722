// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_runprog.c - rescue/runprog.c: output captured, stdin /dev/null and stderr away by
 * default; another environment (envp); RSC_SPAWN_TTY keeps our stdin and stderr (a
 * passphrase typed on the terminal); a missing program is -ENOENT.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runprog.h"
#include "util.h"

static int run(char *const argv[], unsigned flags, char *const *envp, struct rsc_buf *out,
	       int *status)
{
	struct rsc_spawn how = {
		.fd3 = -1, .flags = flags, .cap = 4096, .timeout_ms = 10000, .envp = envp
	};

	rsc_buf_reset(out);
	return rsc_spawn_run(argv, &how, out, status);
}

static void test_default_stdio(void **state)
{
	char *argv[] = { "sh", "-c", "echo out; echo err >&2; cat; exit 3", NULL };
	struct rsc_buf out = { 0 };
	int status = -1;

	(void)state;
	assert_int_equal(run(argv, 0, NULL, &out, &status), 0);
	assert_int_equal(status, 3);
	assert_string_equal(out.data, "out\n"); /* stderr discarded, stdin empty */
	assert_int_equal(run(argv, RSC_SPAWN_STDERR, NULL, &out, &status), 0);
	assert_string_equal(out.data, "out\nerr\n");
	rsc_buf_free(&out);
}

static void test_envp(void **state)
{
	char *argv[] = { "sh", "-c", "printf '%s|%s' \"$RSC_A\" \"${RSC_B-unset}\"", NULL };
	char a[] = "RSC_A=given", b[] = "RSC_B=also";
	char *envp[] = { a, NULL, NULL }; /* room for b, still NULL-terminated */
	struct rsc_buf out = { 0 };
	int status = -1;

	(void)state;
	assert_int_equal(setenv("RSC_B", "ours", 1), 0);
	assert_int_equal(run(argv, 0, envp, &out, &status), 0);
	assert_string_equal(out.data, "given|unset"); /* only envp, not our environment */
	assert_int_equal(run(argv, 0, NULL, &out, &status), 0);
	assert_string_equal(out.data, "|ours");
	envp[1] = b;
	assert_int_equal(run(argv, 0, envp, &out, &status), 0);
	assert_string_equal(out.data, "given|also");
	unsetenv("RSC_B");
	rsc_buf_free(&out);
}

static void test_tty_keeps_stdin(void **state)
{
	char *argv[] = { "cat", NULL };
	struct rsc_buf out = { 0 };
	int p[2], saved = dup(STDIN_FILENO), status = -1;

	(void)state;
	assert_true(saved >= 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "typed\n", 6), 6);
	close(p[1]);
	assert_int_equal(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
	close(p[0]);
	assert_int_equal(run(argv, RSC_SPAWN_TTY, NULL, &out, &status), 0);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	assert_int_equal(status, 0);
	assert_string_equal(out.data, "typed\n");
	rsc_buf_free(&out);
}

static void test_missing_program(void **state)
{
	char *argv[] = { "sshrescue-no-such-program", NULL };
	struct rsc_buf out = { 0 };
	int status = -1;

	(void)state;
	/* under valgrind (tools/valgrind.sh) posix_spawnp cannot report the missing program: no
	 * CLONE_VFORK there, the child exits 127 instead (as in test_fsck.c) */
	if (getenv("RSC_VALGRIND")) {
		assert_int_equal(run(argv, 0, NULL, &out, &status), 0);
		assert_int_equal(status, 127);
	} else {
		assert_int_equal(run(argv, 0, NULL, &out, &status), -ENOENT);
	}
	rsc_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_stdio),
		cmocka_unit_test(test_envp),
		cmocka_unit_test(test_tty_keeps_stdin),
		cmocka_unit_test(test_missing_program),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
