// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_boot_login.c - the PAM stack reader (pamconf.c) and the check
 * families sshd-boot (would the next boot start sshd) and login (what
 * refuses a user after the key: /etc/nologin, expiry, a locked password with
 * UsePAM no), on the fixture victim (victimfx.c).
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

#include "checks.h"
#include "elffx.h"
#include "cmd.h"
#include "pamconf.h"
#include "report.h"
#include "root.h"
#include "testutil.h"
#include "util.h"
#include "victimfx.h"

#define PAM_SSHD                                                                                   \
	"# PAM configuration for the Secure Shell service\n"                                       \
	"@include common-auth\n"                                                                   \
	"account    required     pam_nologin.so\n"                                                 \
	"@include common-account\n"                                                                \
	"session [success=ok ignore=ignore module_unknown=ignore default=bad] \\\n"                \
	"        pam_selinux.so close\n"                                                           \
	"-session   optional     pam_systemd.so\n"
#define PAM_ACCOUNT                                                                                \
	"account	[success=1 new_authtok_reqd=done default=ignore]	pam_unix.so\n"                   \
	"account	requisite			pam_deny.so\n"

static const char *const modules[] = { "pam_unix.so", "pam_nologin.so", "pam_selinux.so",
				       "pam_deny.so", "pam_permit.so" };

static void pam_files(struct vfx *f)
{
	tu_write(f->dir, "etc/pam.d/sshd", PAM_SSHD, 0644, 0, 0);
	tu_write(f->dir, "etc/pam.d/common-auth", "auth required pam_unix.so nullok\n", 0644, 0, 0);
	tu_write(f->dir, "etc/pam.d/common-account", PAM_ACCOUNT, 0644, 0, 0);
	/* the modules, beside a static sshd's default library directory */
	for (size_t i = 0; i < ARRAY_SIZE(modules); i++) {
		char rel[64];
		const struct elffx m = { .soname = modules[i] };

		snprintf(rel, sizeof(rel), "lib/security/%s", modules[i]);
		elffx_write(f->dir, rel, &m, 0);
	}
}

static struct rsc_root *root_of(struct vfx *f)
{
	static struct rsc_root *r;

	rsc_root_free(r);
	r = NULL;
	assert_int_equal(rsc_root_open(f->dir, &r), 0);
	return r;
}

static void test_pam_stack(void **state)
{
	struct vfx *f = vfx_new("debian");
	struct rsc_pam_stack st;
	const struct rsc_pam_rule *r;

	(void)state;
	pam_files(f);
	assert_int_equal(rsc_pam_load(root_of(f), "sshd", &st), 0);
	assert_int_equal(st.n, 6);
	assert_string_equal(st.rules[0].module, "pam_unix.so");
	assert_string_equal(st.rules[0].file, "/etc/pam.d/common-auth");
	r = rsc_pam_find(&st, "account", "pam_unix.so");
	assert_non_null(r);
	assert_string_equal(r->control, "[success=1 new_authtok_reqd=done default=ignore]");
	assert_string_equal(r->file, "/etc/pam.d/common-account");
	assert_int_equal(r->line, 1);
	/* a continued line is one rule, numbered by its first line */
	r = rsc_pam_find(&st, "session", "pam_selinux.so");
	assert_non_null(r);
	assert_string_equal(r->args, "close");
	assert_int_equal(r->line, 5);
	r = rsc_pam_find(&st, NULL, "pam_systemd.so");
	assert_non_null(r);
	assert_true(r->quiet);
	assert_null(rsc_pam_find(&st, "auth", "pam_nologin.so"));
	assert_int_equal(st.nnotes, 0);
	rsc_pam_free(&st);
	vfx_free(f);
}

static void test_pam_includes(void **state)
{
	struct vfx *f = vfx_new("debian");
	struct rsc_pam_stack st;

	(void)state;
	/* substack keeps only its type's lines; a loop ends at the nesting cap; a missing and a
	   hostile include are notes */
	tu_write(f->dir, "etc/pam.d/sshd",
		 "auth substack mixed\nAccount Include loop\n@include nosuch\n"
		 "@include ../../etc/shadow\nbogus line here\n",
		 0644, 0, 0);
	tu_write(f->dir, "etc/pam.d/mixed", "auth required pam_a.so\naccount required pam_b.so\n",
		 0644, 0, 0);
	tu_write(f->dir, "etc/pam.d/loop", "account include loop\naccount required pam_c.so\n",
		 0644, 0, 0);
	assert_int_equal(rsc_pam_load(root_of(f), "sshd", &st), 0);
	assert_non_null(rsc_pam_find(&st, "auth", "pam_a.so"));
	assert_null(rsc_pam_find(&st, NULL, "pam_b.so"));
	/* account lines of loop, once per level reached */
	assert_non_null(rsc_pam_find(&st, "account", "pam_c.so"));
	assert_true(st.n < 20);
	assert_int_equal(st.nnotes, 4);
	assert_non_null(strstr(st.notes[0], "nested too deeply"));
	assert_non_null(strstr(st.notes[1], "nosuch"));
	assert_non_null(strstr(st.notes[2], "unusable include name"));
	assert_non_null(strstr(st.notes[3], "ignores"));
	rsc_pam_free(&st);
	assert_int_equal(rsc_pam_load(root_of(f), "nosuch", &st), -ENOENT);
	vfx_free(f);
}

static void expect_boot(struct vfx *f, const char *code, const char *path)
{
	vfx_check(f);
	for (size_t i = 0; i < f->ctx.nfindings; i++) {
		const char *c = rsc_problem(f->ctx.findings[i].id)->code;

		if ((strncmp(c, "sshd.unit.", 10) == 0 || strncmp(c, "boot.", 5) == 0) &&
		    (!code || strcmp(c, code) != 0)) {
			vfx_dump(f);
			fail_msg("unexpected %s", c);
		}
	}
	if (code && !vfx_has(f, code, path)) {
		vfx_dump(f);
		fail_msg("missing %s %s", code, path ? path : "");
	}
}

static void test_boot_systemd(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	/* no init at all (a container image): not judged */
	expect_boot(f, NULL, NULL);
	tu_symlink(f->dir, "sbin/init", "/lib/systemd/systemd");
	expect_boot(f, "sshd.unit.disabled", "ssh.service");
	/* enabled under its alias name counts too */
	tu_symlink(f->dir, "etc/systemd/system/multi-user.target.wants/sshd.service",
		   "/lib/systemd/system/ssh.service");
	expect_boot(f, NULL, NULL);
	tu_symlink(f->dir, "etc/systemd/system/ssh.service", "/dev/null");
	expect_boot(f, "sshd.unit.masked", "/etc/systemd/system/ssh.service");
	/* an enabled socket starts sshd per connection: the masked service does not matter */
	tu_write(f->dir, "lib/systemd/system/ssh.socket", "[Socket]\nListenStream=22\n", 0644, 0,
		 0);
	tu_symlink(f->dir, "etc/systemd/system/sockets.target.wants/ssh.socket",
		   "/lib/systemd/system/ssh.socket");
	expect_boot(f, NULL, NULL);
	tu_symlink(f->dir, "etc/systemd/system/default.target",
		   "/lib/systemd/system/rescue.target");
	expect_boot(f, "boot.target.rescue", "rescue.target");
	vfx_free(f);
}

static void test_boot_no_unit(void **state)
{
	struct vfx *f = vfx_new("rocky");

	(void)state;
	tu_symlink(f->dir, "usr/sbin/init", "../lib/systemd/systemd");
	tu_remove(f->dir, "lib/systemd/system/ssh.service");
	expect_boot(f, "sshd.unit.missing", "sshd.service");
	tu_write(f->dir, "usr/lib/systemd/system/sshd.service", "[Service]\nExecStart=/sshd\n",
		 0644, 0, 0);
	tu_symlink(f->dir, "etc/systemd/system/multi-user.target.wants/sshd.service",
		   "/usr/lib/systemd/system/sshd.service");
	expect_boot(f, NULL, NULL);
	vfx_free(f);
}

static void test_boot_sysv(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	tu_write(f->dir, "sbin/init", "\177ELF", 0755, 0, 0);
	expect_boot(f, "sshd.unit.missing", "/etc/init.d/ssh");
	tu_write(f->dir, "etc/init.d/ssh", "#!/bin/sh\n", 0755, 0, 0);
	expect_boot(f, "sshd.unit.disabled", "/etc/rc2.d");
	tu_symlink(f->dir, "etc/rc2.d/S01ssh", "../init.d/ssh");
	expect_boot(f, NULL, NULL);
	tu_write(f->dir, "etc/inittab", "# runlevel\nid:3:initdefault:\n", 0644, 0, 0);
	expect_boot(f, "sshd.unit.disabled", "/etc/rc3.d");
	vfx_free(f);
}

static void test_login_nologin(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	pam_files(f);
	tu_write(f->dir, "etc/ssh/sshd_config", "UsePAM yes\n", 0644, 0, 0);
	vfx_check(f);
	assert_int_equal(vfx_errors(f), 0);
	tu_write(f->dir, "etc/nologin", "Maintenance until 6\n", 0644, 0, 0);
	vfx_check(f);
	assert_true(vfx_has(f, "login.nologin", "/etc/nologin"));
	assert_true(vfx_errors(f) >= 2); /* alice and bob */
	/* a PAM stack without pam_nologin does not read the file */
	tu_write(f->dir, "etc/pam.d/sshd", "@include common-auth\n@include common-account\n", 0644,
		 0, 0);
	vfx_check(f);
	assert_false(vfx_has(f, "login.nologin", NULL));
	/* without PAM, sshd reads it itself (and alice's '!' password is then locked too) */
	tu_write(f->dir, "etc/ssh/sshd_config", "UsePAM no\n", 0644, 0, 0);
	vfx_check(f);
	assert_true(vfx_has(f, "login.nologin", "/etc/nologin"));
	assert_true(vfx_has(f, "login.account.locked", "/etc/shadow"));
	vfx_free(f);
}

static void test_login_expired(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	pam_files(f);
	tu_write(f->dir, "etc/shadow",
		 "root:*:19700:0:99999:7:::\nalice:!:19700:0:99999:7::1:\n"
		 "bob:!:19700:0:99999:7::99999:\n",
		 0640, 0, 0);
	vfx_check(f);
	assert_true(vfx_has(f, "login.account.expired", "1970-01-02"));
	assert_int_equal(vfx_errors(f), 1); /* bob expires in 2243 */
	/* pam_unix not in the account stack: nothing judges the date */
	tu_write(f->dir, "etc/pam.d/common-account", "account required pam_permit.so\n", 0644, 0,
		 0);
	vfx_check(f);
	assert_false(vfx_has(f, "login.account.expired", NULL));
	vfx_free(f);
}

static int run(struct vfx *f, bool undo)
{
	return vfx_run(f, undo ? VFX_UNDO : VFX_FIX, NULL, NULL);
}

#define SHADOW_BROKEN                                                                              \
	"root:*:19700:0:99999:7:::\nalice:!:19700:0:99999:7::1:\nbob:!$6$xyz:19700:0:99999:7:::\n" \
	"carol:!!:19700:0:99999:7::30:"

/* Only the field that matters changes; a real hash behind '!' is left to its owner. */
static void test_login_fixes(void **state)
{
	struct vfx *f = vfx_new("debian");
	char *sh;

	(void)state;
	tu_write(f->dir, "etc/ssh/sshd_config", "UsePAM no\n", 0644, 0, 0);
	tu_write(f->dir, "etc/shadow", SHADOW_BROKEN, 0640, 0, 42);
	vfx_check(f);
	assert_true(vfx_has(f, "login.account.expired", NULL));
	assert_true(vfx_has(f, "login.account.locked", NULL));
	assert_int_equal(run(f, false), RSC_EXIT_FIXED | RSC_EXIT_LEFT);
	sh = tu_read(f->dir, "etc/shadow");
	assert_string_equal(sh, "root:*:19700:0:99999:7:::\nalice:*:19700:0:99999:7:::\n"
				"bob:!$6$xyz:19700:0:99999:7:::\ncarol:*:19700:0:99999:7:::");
	free(sh);
	vfx_check(f);
	assert_false(vfx_has(f, "login.account.expired", NULL));
	assert_true(vfx_has(f, "login.account.locked", NULL)); /* bob's */
	assert_int_equal(run(f, true), RSC_EXIT_OK);
	sh = tu_read(f->dir, "etc/shadow");
	assert_string_equal(sh, SHADOW_BROKEN);
	free(sh);
	vfx_free(f);
}

static bool is_link_to(struct vfx *f, const char *rel, const char *target)
{
	char path[4096], buf[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return strcmp(buf, target) == 0;
}

/* systemctl unmask, enable, set-default and rm /etc/nologin, all undone by undo. */
static void test_boot_fixes(void **state)
{
	struct vfx *f = vfx_new("debian");
	char *only[] = { "login.nologin", NULL };
	const struct rsc_opts only_nologin = { .only = only };
	char *text;

	(void)state;
	pam_files(f);
	tu_write(f->dir, "etc/ssh/sshd_config", "UsePAM yes\n", 0644, 0, 0);
	tu_symlink(f->dir, "sbin/init", "/lib/systemd/systemd");
	tu_write(f->dir, "lib/systemd/system/ssh.service",
		 "[Service]\nExecStart=/usr/sbin/sshd -D\nRuntimeDirectory=sshd\n"
		 "[Install]\nWantedBy=multi-user.target\nAlias=sshd.service\n",
		 0644, 0, 0);
	tu_write(f->dir, "lib/systemd/system/multi-user.target", "[Unit]\n", 0644, 0, 0);
	tu_symlink(f->dir, "lib/systemd/system/default.target", "graphical.target");
	tu_symlink(f->dir, "etc/systemd/system/ssh.service", "/dev/null");
	tu_symlink(f->dir, "etc/systemd/system/default.target",
		   "/lib/systemd/system/rescue.target");
	tu_write(f->dir, "etc/nologin", "down\n", 0600, 0, 0);
	vfx_check(f);
	assert_true(vfx_has(f, "sshd.unit.masked", "/etc/systemd/system/ssh.service"));
	assert_true(vfx_has(f, "sshd.unit.disabled", "ssh.service"));
	assert_true(vfx_has(f, "boot.target.rescue", "rescue.target"));
	assert_true(vfx_has(f, "login.nologin", "/etc/nologin"));
	/* masked and disabled: the mask goes first, then the unit below it is enabled */
	assert_int_equal(run(f, false) & RSC_EXIT_FIXED, RSC_EXIT_FIXED);
	assert_true(is_link_to(f, "etc/systemd/system/multi-user.target.wants/ssh.service",
			       "/lib/systemd/system/ssh.service"));
	assert_false(is_link_to(f, "etc/systemd/system/ssh.service", "/dev/null"));
	assert_false(is_link_to(f, "etc/systemd/system/default.target",
				"/lib/systemd/system/rescue.target"));
	/* /etc/nologin may be on purpose: it goes only when asked for by name */
	vfx_check(f);
	assert_true(vfx_has(f, "login.nologin", "/etc/nologin"));
	assert_int_equal(vfx_run(f, VFX_FIX, &only_nologin, NULL), RSC_EXIT_FIXED);
	vfx_check(f);
	assert_int_equal(vfx_errors(f), 0);
	assert_int_equal(run(f, true), RSC_EXIT_OK); /* the newest journal: /etc/nologin */
	assert_int_equal(tu_mode(f->dir, "etc/nologin", NULL, NULL) & 07777, 0600);
	assert_int_equal(run(f, true), RSC_EXIT_OK);
	assert_true(is_link_to(f, "etc/systemd/system/ssh.service", "/dev/null"));
	assert_true(is_link_to(f, "etc/systemd/system/default.target",
			       "/lib/systemd/system/rescue.target"));
	assert_false(is_link_to(f, "etc/systemd/system/multi-user.target.wants/ssh.service",
				"/lib/systemd/system/ssh.service"));
	text = tu_read(f->dir, "etc/nologin");
	assert_string_equal(text, "down\n");
	free(text);
	assert_int_equal(tu_mode(f->dir, "etc/nologin", NULL, NULL) & 07777, 0600);
	/* a vendor default that is rescue too: the override becomes multi-user.target */
	tu_remove(f->dir, "lib/systemd/system/default.target");
	tu_symlink(f->dir, "lib/systemd/system/default.target", "emergency.target");
	assert_int_equal(run(f, false) & RSC_EXIT_FIXED, RSC_EXIT_FIXED);
	assert_true(is_link_to(f, "etc/systemd/system/default.target",
			       "/lib/systemd/system/multi-user.target"));
	vfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pam_stack),     cmocka_unit_test(test_pam_includes),
		cmocka_unit_test(test_boot_systemd),  cmocka_unit_test(test_boot_no_unit),
		cmocka_unit_test(test_boot_sysv),     cmocka_unit_test(test_login_nologin),
		cmocka_unit_test(test_login_expired), cmocka_unit_test(test_login_fixes),
		cmocka_unit_test(test_boot_fixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
