// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_bootentry.c - rescue/bootentry_grub.c: the GRUB environment block (set keeps the
 * other variables and the size, escapes, replaces, refuses what is not a block or does not
 * fit), what is learned from grub.cfg (lines copied or not), the section of grub.cfg.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bootentry.h"
#include "util.h"

/* A block as grub-editenv writes it: signature, variables, '#' up to size. */
static char *block(const char *vars, size_t size)
{
	char *b = malloc(size);
	size_t n = strlen(RSC_GRUBENV_SIGNATURE) + strlen(vars);

	assert_non_null(b);
	assert_true(n <= size);
	memcpy(b, RSC_GRUBENV_SIGNATURE, strlen(RSC_GRUBENV_SIGNATURE));
	memcpy(b + strlen(RSC_GRUBENV_SIGNATURE), vars, strlen(vars));
	memset(b + n, '#', size - n);
	return b;
}

static void test_env_new(void **state)
{
	struct rsc_buf why = { 0 };
	char *out = NULL, *v = NULL, *want = block("next_entry=sshrescue\n", 1024);
	size_t len = 0;

	(void)state;
	assert_int_equal(rsc_grubenv_set(NULL, 0, "next_entry", "sshrescue", &out, &len, &why), 0);
	assert_int_equal(len, 1024);
	assert_memory_equal(out, want, 1024);
	assert_int_equal(rsc_grubenv_get(out, len, "next_entry", &v), 0);
	assert_string_equal(v, "sshrescue");
	free(v);
	assert_int_equal(rsc_grubenv_get(out, len, "saved_entry", &v), -ENOENT);
	free(out);
	free(want);
}

static void test_env_keep_replace(void **state)
{
	char *old = block("saved_entry=0\nnext_entry=old\nnote=a\\\\b\\\nc\n", 1024);
	char *want = block("saved_entry=0\nnote=a\\\\b\\\nc\nnext_entry=x\\\\y\n", 1024);
	struct rsc_buf why = { 0 };
	char *out = NULL, *v = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(rsc_grubenv_set(old, 1024, "next_entry", "x\\y", &out, &len, &why), 0);
	assert_int_equal(len, 1024);
	assert_memory_equal(out, want, 1024);
	assert_int_equal(rsc_grubenv_get(out, len, "note", &v), 0);
	assert_string_equal(v, "a\\b\nc"); /* unescaped, the newline inside the value */
	free(v);
	assert_int_equal(rsc_grubenv_get(out, len, "next_entry", &v), 0);
	assert_string_equal(v, "x\\y");
	free(v);
	free(out);
	free(old);
	free(want);
}

static void test_env_refused(void **state)
{
	char *small = block("a=1234567890\n", 48), *out = NULL, *bad;
	struct rsc_buf why = { 0 };
	size_t len = 0;

	(void)state;
	/* 25 + 13 + 23 bytes do not fit in 48 */
	assert_int_equal(rsc_grubenv_set(small, 48, "next_entry", "sshrescue", &out, &len, &why),
			 -ENOSPC);
	assert_null(out);
	assert_non_null(strstr(why.data, "no room"));
	rsc_buf_free(&why);
	/* not a block */
	assert_int_equal(rsc_grubenv_set("hello\n", 6, "next_entry", "x", &out, &len, &why),
			 -EINVAL);
	rsc_buf_free(&why);
	/* a NUL inside, a line without '=', a variable without its newline */
	bad = block("a=1\n", 64);
	bad[30] = '\0';
	assert_int_equal(rsc_grubenv_set(bad, 64, "n", "x", &out, &len, &why), -EINVAL);
	rsc_buf_free(&why);
	free(bad);
	bad = block("junk\n", 64);
	assert_int_equal(rsc_grubenv_set(bad, 64, "n", "x", &out, &len, &why), -EINVAL);
	rsc_buf_free(&why);
	free(bad);
	bad = block("", 30);
	memcpy(bad + 25, "a=123", 5);
	assert_int_equal(rsc_grubenv_set(bad, 30, "n", "x", &out, &len, &why), -EINVAL);
	rsc_buf_free(&why);
	free(bad);
	/* a bad name */
	assert_int_equal(rsc_grubenv_set(NULL, 0, "a=b", "x", &out, &len, &why), -EINVAL);
	free(small);
}

static void test_learn(void **state)
{
	static const char cfg[] =
		"if [ \"${next_entry}\" ] ; then\n   set default=\"${next_entry}\"\nfi\n"
		"menuentry 'Debian' --class debian $menuentry_id_option 'gnulinux-simple-x' {\n"
		"\tload_video\n\tinsmod gzio\n\tinsmod part_gpt\n\tinsmod ext2\n"
		"\tsearch --no-floppy --fs-uuid --set=root 1234-abcd\n"
		"\tsearch --set=root $(reboot)\n" /* copied only when plain: not this one */
		"\tinsmod evil;reboot\n"
		"\tlinux\t/vmlinuz-6.1.0-10-amd64 ro root=UUID=0a1b-2c3d quiet\n"
		"\tinsmod after_linux\n}\n"
		"menuentry 'second' {\n\tinsmod second\n}\n";
	struct rsc_grub_learned l;

	(void)state;
	assert_int_equal(rsc_grub_learn(cfg, sizeof(cfg) - 1, &l), 0);
	assert_true(l.has_next_entry);
	assert_string_equal(l.setup, "\tinsmod gzio\n\tinsmod part_gpt\n\tinsmod ext2\n"
				     "\tsearch --no-floppy --fs-uuid --set=root 1234-abcd\n");
	assert_string_equal(l.kernel_dir, ""); /* a /boot of its own */
	assert_string_equal(l.root_uuid, "0a1b-2c3d");
	rsc_grub_learned_free(&l);
	assert_int_equal(rsc_grub_learn("set default=0\n", 14, &l), 0);
	assert_false(l.has_next_entry);
	assert_null(l.setup);
	assert_null(l.kernel_dir);
	rsc_grub_learned_free(&l);
}

static void test_cfg_section(void **state)
{
	static const char base[] = "set default=0\n### END /etc/grub.d/10_linux ###";
	struct rsc_buf a = { 0 }, b = { 0 };

	(void)state;
	assert_int_equal(rsc_grub_cfg_with_entry(base, sizeof(base) - 1, "E1\n", &a), 0);
	assert_string_equal(a.data, "set default=0\n### END /etc/grub.d/10_linux ###\n\n"
				    "### BEGIN /etc/grub.d/42_sshrescue ###\nE1\n"
				    "### END /etc/grub.d/42_sshrescue ###\n");
	/* again: the section is replaced, not added twice */
	assert_int_equal(rsc_grub_cfg_with_entry(a.data, a.len, "E2\n", &b), 0);
	assert_string_equal(b.data, "set default=0\n### END /etc/grub.d/10_linux ###\n\n"
				    "### BEGIN /etc/grub.d/42_sshrescue ###\nE2\n"
				    "### END /etc/grub.d/42_sshrescue ###\n");
	rsc_buf_free(&a);
	rsc_buf_free(&b);
}

/* Found by fuzz_grub: a marker not at the start of a line, or without its END line. */
static void test_cfg_section_damaged(void **state)
{
	static const char midline[] = "x ### BEGIN /etc/grub.d/42_sshrescue ###\n";
	static const char unended[] = "a\n### BEGIN /etc/grub.d/42_sshrescue ###\nold\n";
	static const char last[] = "a\n### BEGIN /etc/grub.d/42_sshrescue ###";
	struct rsc_buf a = { 0 }, b = { 0 };

	(void)state;
	assert_int_equal(rsc_grub_cfg_with_entry(midline, sizeof(midline) - 1, "E\n", &a), 0);
	assert_string_equal(a.data, "x ### BEGIN /etc/grub.d/42_sshrescue ###\n\n"
				    "### BEGIN /etc/grub.d/42_sshrescue ###\nE\n"
				    "### END /etc/grub.d/42_sshrescue ###\n");
	assert_int_equal(rsc_grub_cfg_with_entry(a.data, a.len, "E\n", &b), 0);
	assert_string_equal(b.data, a.data);
	assert_int_equal(rsc_grub_cfg_with_entry(unended, sizeof(unended) - 1, "E\n", &b), -EINVAL);
	/* the last line without its newline is a line too */
	assert_int_equal(rsc_grub_cfg_with_entry(last, sizeof(last) - 1, "E\n", &b), -EINVAL);
	rsc_buf_free(&a);
	rsc_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_new),	    cmocka_unit_test(test_env_keep_replace),
		cmocka_unit_test(test_env_refused), cmocka_unit_test(test_learn),
		cmocka_unit_test(test_cfg_section), cmocka_unit_test(test_cfg_section_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
