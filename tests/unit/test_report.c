// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_report.c - the text report (verdict first, grouped by user, no colour
 * unless asked) and the JSON report (valid, versioned, the documented fields).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "problem.h"
#include "report.h"
#include "testutil.h"
#include "victimfx.h"

static int setup(void **state)
{
	struct vfx *f;

	if (geteuid() != 0)
		return -1;
	f = vfx_new("debian");
	tu_chmod(f->dir, "home/alice/.ssh", 0777);
	tu_write(f->dir, "home/bob/.ssh/authorized_keys", "ssh-ed25519 AAAA\r\n", 0644, 1002, 1002);
	vfx_check(f);
	rsc_ctx_sort(&f->ctx);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	vfx_free(*state);
	return 0;
}

static char *render(struct vfx *f, bool json, bool color)
{
	struct rsc_report_opts o = { .command = "check", .color = color, .exit_status = 4 };
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	assert_non_null(mem);
	if (json)
		assert_int_equal(rsc_report_json(&f->ctx, &o, mem), 0);
	else
		rsc_report_text(&f->ctx, &o, mem);
	fclose(mem);
	return text;
}

static void text_verdict_first(void **state)
{
	struct vfx *f = *state;
	char *t = render(f, false, false);
	const char *verdict = strstr(t, "Verdict");
	const char *alice = strstr(t, "alice cannot log in with a key");
	const char *finding = strstr(t, "[ssh.dir.mode]");

	assert_non_null(verdict);
	assert_non_null(alice);
	assert_non_null(finding);
	assert_true(verdict < alice && alice < finding);
	assert_non_null(strstr(alice, "/home/alice/.ssh"));
	assert_true(strstr(t, "bob has no authorized keys") || strstr(t, "bob cannot log in"));
	assert_non_null(strstr(t, "Authentication refused: bad ownership or modes for directory "
				  "/home/alice/.ssh"));
	assert_null(strchr(t, 0x1b)); /* no colour unless asked */
	free(t);

	t = render(f, false, true);
	assert_non_null(strchr(t, 0x1b));
	free(t);
}

static void json_is_valid_and_versioned(void **state)
{
	struct vfx *f = *state;
	char *t = render(f, true, true);
	struct json_object *top = json_tokener_parse(t), *x, *arr, *users;
	bool seen_alice = false;

	assert_non_null(top);
	assert_null(strchr(t, 0x1b)); /* colour never reaches JSON */
	assert_true(json_object_object_get_ex(top, "schema", &x));
	assert_string_equal(json_object_get_string(x), "sshrescue-report");
	assert_true(json_object_object_get_ex(top, "schema_version", &x));
	assert_int_equal(json_object_get_int(x), 1);
	assert_true(json_object_object_get_ex(top, "exit_status", &x));
	assert_int_equal(json_object_get_int(x), 4);
	assert_true(json_object_object_get_ex(top, "findings", &arr));
	assert_true(json_object_array_length(arr) >= 2);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *fo = json_object_array_get_idx(arr, i), *c, *p, *s;

		assert_true(json_object_object_get_ex(fo, "code", &c));
		assert_true(json_object_object_get_ex(fo, "path", &p));
		assert_true(json_object_object_get_ex(fo, "severity", &s));
		assert_true(json_object_object_get_ex(fo, "symptom", &s));
		assert_true(json_object_object_get_ex(fo, "fix", &s));
		if (strcmp(json_object_get_string(c), "ssh.dir.mode") == 0)
			assert_string_equal(json_object_get_string(p), "/home/alice/.ssh");
	}
	assert_true(json_object_object_get_ex(top, "users", &users));
	for (size_t i = 0; i < json_object_array_length(users); i++) {
		struct json_object *u = json_object_array_get_idx(users, i), *n, *kl;

		assert_true(json_object_object_get_ex(u, "name", &n));
		assert_true(json_object_object_get_ex(u, "key_login", &kl));
		if (strcmp(json_object_get_string(n), "alice") == 0) {
			seen_alice = true;
			assert_false(json_object_get_boolean(kl));
		}
		if (strcmp(json_object_get_string(n), "carol") == 0)
			assert_true(json_object_get_boolean(kl));
	}
	assert_true(seen_alice);
	assert_true(json_object_object_get_ex(top, "summary", &x));
	assert_true(json_object_object_get_ex(x, "errors", &x));
	assert_true(json_object_get_int(x) >= 1);
	json_object_put(top);
	free(t);
}

/* rsc_finding_format escapes every victim byte that is not printable ASCII. */
static void format_escapes(void **state)
{
	struct rsc_finding fd = {
		.id = PR_SSH_DIR_MODE,
		.user = "a\x1b[31mb",
		.path = "/home/x\ny\\z",
		.line = 7,
	};
	char *s = rsc_finding_format(&fd, "%u at %p line %l 100%%");

	(void)state;
	assert_non_null(s);
	assert_string_equal(s, "a\\x1b[31mb at /home/x\\x0ay\\\\z line 7 100%");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(text_verdict_first, setup, teardown),
		cmocka_unit_test_setup_teardown(json_is_valid_and_versioned, setup, teardown),
		cmocka_unit_test(format_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
