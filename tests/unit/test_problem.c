// SPDX-License-Identifier: GPL-2.0-or-later
/* test_problem.c - the problem table is complete, consistent and documented. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "fixups.h"
#include "problem.h"

static void every_entry_is_filled(void **state)
{
	(void)state;
	for (size_t i = 0; i < RSC_NPROBLEMS; i++) {
		const struct rsc_problem *p = rsc_problem((enum rsc_pid)i);

		assert_non_null(p);
		assert_non_null(p->code);
		assert_non_null(p->title);
		assert_non_null(p->explain);
		assert_non_null(p->symptom);
		assert_non_null(p->fix);
		assert_true(p->severity <= RSC_SEV_ERROR);
	}
	assert_null(rsc_problem(RSC_NPROBLEMS));
}

static void codes_are_unique_and_well_formed(void **state)
{
	(void)state;
	for (size_t i = 0; i < RSC_NPROBLEMS; i++) {
		const char *c = rsc_problem((enum rsc_pid)i)->code;
		enum rsc_pid id;

		for (const char *s = c; *s; s++)
			assert_true((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
				    *s == '.' || *s == '-');
		assert_non_null(strchr(c, '.'));
		assert_int_equal(rsc_problem_by_code(c, &id), 0);
		assert_int_equal(id, (enum rsc_pid)i);
	}
	{
		enum rsc_pid id;

		assert_int_equal(rsc_problem_by_code("no.such.code", &id), -2 /* -ENOENT */);
	}
}

static void templates_use_known_tokens(void **state)
{
	(void)state;
	for (size_t i = 0; i < RSC_NPROBLEMS; i++) {
		const struct rsc_problem *p = rsc_problem((enum rsc_pid)i);
		const char *t[] = { p->title, p->fix, p->sshd_log };

		for (size_t k = 0; k < 3; k++) {
			for (const char *s = t[k]; s && *s; s++) {
				if (*s != '%')
					continue;
				s++;
				assert_non_null(strchr("puflc%", *s));
			}
		}
	}
}

/* Error-level problems that a plain chmod/chown repairs must have a fixer. */
static void mode_and_owner_problems_are_fixable(void **state)
{
	static const enum rsc_pid must[] = {
		PR_SSH_HOME_MODE, PR_SSH_DIR_MODE,   PR_SSH_KEYS_MODE,	 PR_SSH_HOME_OWNER,
		PR_SSH_DIR_OWNER, PR_SSH_KEYS_OWNER, PR_SSH_KEYS_ACCESS, PR_SSH_DIR_ACCESS,
		PR_SSH_KEYS_BOM,  PR_SSH_KEYS_CRLF,  PR_SSH_KEYS_SPLIT,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		assert_non_null(rsc_fixer_for(must[i]));
	assert_null(rsc_fixer_for(PR_SSH_KEYS_PRIVATE));
}

/* docs/checks.md is generated from the table: the checked-in copy must match. */
static void catalogue_in_docs_is_current(void **state)
{
	const char *src = getenv("RSC_SRCDIR");
	char *path = NULL, *want = NULL, *have = NULL;
	size_t wlen = 0, hlen = 0;
	FILE *mem, *f;
	struct rsc_opts o = { 0 };

	(void)state;
	if (!src)
		skip();
	mem = open_memstream(&want, &wlen);
	assert_non_null(mem);
	o.out = mem;
	o.err = stderr;
	assert_int_equal(rsc_cmd_codes(&o, true), 0);
	fclose(mem);
	assert_true(asprintf(&path, "%s/docs/checks.md", src) > 0);
	f = fopen(path, "re");
	assert_non_null(f);
	have = malloc(wlen + 2);
	assert_non_null(have);
	hlen = fread(have, 1, wlen + 1, f);
	fclose(f);
	if (hlen != wlen || memcmp(have, want, wlen) != 0)
		fail_msg("docs/checks.md is stale: regenerate with "
			 "`sshrescue codes --markdown > docs/checks.md`");
	free(have);
	free(want);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_entry_is_filled),
		cmocka_unit_test(codes_are_unique_and_well_formed),
		cmocka_unit_test(templates_use_known_tokens),
		cmocka_unit_test(mode_and_owner_problems_are_fixable),
		cmocka_unit_test(catalogue_in_docs_is_current),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
