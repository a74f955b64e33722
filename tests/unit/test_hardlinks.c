// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_hardlinks.c - a fix plan leaves out the chmod and chown of a regular
 * file with more than one hard link (the change would reach its other
 * names: another user's file, /etc/shadow), says why, and keeps everything
 * else: a directory (two links and more is normal), a file with one link, a
 * hard-linked file the plan rewrites first (the rewrite is a new inode).
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

#include "journal.h"
#include "plan.h"
#include "planedit.h"
#include "root.h"
#include "testutil.h"
#include "util.h"

struct fx {
	char *dir;
	struct rsc_root *root;
};

/*
 *   /etc/shadow                        0666, also /home/carol/.ssh/authorized_keys
 *   /home/alice/.ssh/authorized_keys   0644, also /home/bob/.ssh/authorized_keys
 *   /home/carol/.ssh                   0777 (a directory)
 *   /home/carol/.ssh/id_ed25519.pub    0666, one link
 */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char *a = NULL, *b = NULL;

	if (!f)
		return -1;
	f->dir = tu_mkdtemp();
	tu_mkdir(f->dir, "etc", 0755, 0, 0);
	tu_write(f->dir, "etc/shadow", "root:*:19700::::::\n", 0666, 0, 0);
	tu_mkdir(f->dir, "home/alice/.ssh", 0700, getuid(), getgid());
	tu_mkdir(f->dir, "home/bob/.ssh", 0700, getuid(), getgid());
	tu_mkdir(f->dir, "home/carol/.ssh", 0777, getuid(), getgid());
	tu_write(f->dir, "home/alice/.ssh/authorized_keys", "ssh-ed25519 AAAA a\n", 0644, getuid(),
		 getgid());
	tu_write(f->dir, "home/carol/.ssh/id_ed25519.pub", "ssh-ed25519 AAAA c\n", 0666, getuid(),
		 getgid());
	if (asprintf(&a, "%s/etc/shadow", f->dir) < 0 ||
	    asprintf(&b, "%s/home/carol/.ssh/authorized_keys", f->dir) < 0 || link(a, b) < 0)
		return -1;
	free(a);
	free(b);
	a = b = NULL;
	if (asprintf(&a, "%s/home/alice/.ssh/authorized_keys", f->dir) < 0 ||
	    asprintf(&b, "%s/home/bob/.ssh/authorized_keys", f->dir) < 0 || link(a, b) < 0)
		return -1;
	free(a);
	free(b);
	if (rsc_root_open(f->dir, &f->root) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	rsc_root_free(f->root);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void left_out_with_the_reason(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct rsc_buf why = { 0 };
	mode_t mode;

	assert_int_equal(rsc_plan_chown(&p, "ssh.keys.mode", "/home/carol/.ssh/authorized_keys",
					1003, 1003, "owned by the user"),
			 0);
	assert_int_equal(rsc_plan_chmod(&p, "ssh.keys.mode", "/home/carol/.ssh/authorized_keys",
					0600, "private to its user"),
			 0);
	assert_int_equal(rsc_plan_chmod(&p, "ssh.dir.mode", "/home/carol/.ssh", 0700, NULL), 0);
	assert_int_equal(
		rsc_plan_chmod(&p, "ssh.keys.mode", "/home/carol/.ssh/id_ed25519.pub", 0644, NULL),
		0);
	assert_int_equal(rsc_plan_drop_hardlinked(&p, f->root, &why), 2);
	assert_string_equal(
		why.data,
		"  chown 1003:1003  /home/carol/.ssh/authorized_keys  (ssh.keys.mode): hard-linked "
		"2 "
		"times: changing it would change the other names too; fix by hand\n"
		"  chmod 0600  /home/carol/.ssh/authorized_keys  (ssh.keys.mode): hard-linked 2 "
		"times: changing it would change the other names too; fix by hand\n");
	/* the directory and the file with one link stay, in their order */
	assert_int_equal(p.nops, 2);
	assert_string_equal(p.ops[0].path, "/home/carol/.ssh");
	assert_string_equal(p.ops[1].path, "/home/carol/.ssh/id_ed25519.pub");
	/* applied: /etc/shadow, its other name, is untouched */
	{
		struct rsc_journal *j = NULL;
		size_t changed = 0;

		assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
		assert_int_equal(rsc_plan_apply(&p, f->root, j, &changed, NULL), 0);
		assert_int_equal(rsc_journal_close(j), 0);
		assert_int_equal(changed, 2);
	}
	mode = tu_mode(f->dir, "etc/shadow", NULL, NULL);
	assert_int_equal(mode & 07777, 0666);
	mode = tu_mode(f->dir, "home/carol/.ssh", NULL, NULL);
	assert_int_equal(mode & 07777, 0700);
	rsc_buf_free(&why);
	rsc_plan_free(&p);
}

static void rewritten_first_is_kept(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct rsc_buf why = { 0 };
	static const char keys[] = "ssh-ed25519 AAAA b\n";

	/* bob's name of alice's file: rewritten (a new inode of one link), then chmod */
	assert_int_equal(rsc_plan_write(&p, "ssh.keys.crlf", "/home/bob/.ssh/authorized_keys", keys,
					sizeof(keys) - 1, 0644, getuid(), getgid(), NULL),
			 0);
	assert_int_equal(
		rsc_plan_chmod(&p, "ssh.keys.mode", "/home/bob/.ssh/authorized_keys", 0600, NULL),
		0);
	/* alice's name is not rewritten: left out */
	assert_int_equal(
		rsc_plan_chmod(&p, "ssh.keys.mode", "/home/alice/.ssh/authorized_keys", 0600, NULL),
		0);
	assert_int_equal(rsc_plan_drop_hardlinked(&p, f->root, &why), 1);
	assert_non_null(strstr(why.data, "/home/alice/.ssh/authorized_keys  (ssh.keys.mode): "
					 "hard-linked 2 times"));
	assert_int_equal(p.nops, 2);
	assert_int_equal(p.ops[0].kind, RSC_OP_WRITE);
	assert_int_equal(p.ops[1].kind, RSC_OP_CHMOD);
	assert_string_equal(p.ops[1].path, "/home/bob/.ssh/authorized_keys");
	rsc_buf_free(&why);
	rsc_plan_free(&p);
}

/* The last line of defence stays: apply still refuses a hard-linked file (-EMLINK). */
static void apply_still_refuses(void **state)
{
	struct fx *f = *state;

	assert_int_equal(rsc_root_chmod(f->root, "/etc/shadow", 0600), -EMLINK);
	assert_int_equal(rsc_root_chown(f->root, "/home/carol/.ssh/authorized_keys", 0, 0),
			 -EMLINK);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(left_out_with_the_reason),
		T(rewritten_first_is_kept),
		T(apply_still_refuses),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
