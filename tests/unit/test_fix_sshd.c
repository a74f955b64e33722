// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_fix_sshd.c - the fixes that let sshd start: the privilege separation
 * user and directory (fixups/sshd_privsep.c) and fix --reset-sshd-config
 * (fixups/sshd_config.c). Each test breaks the fixture victim, runs
 * `fix --apply`, checks the exact result, that a second check is clean of
 * the code, and that undo gives back the exact bytes, modes and owners.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd.h"
#include "report.h"
#include "testutil.h"
#include "victimfx.h"

#define SYSTEMD "lib/systemd/systemd"
#define PASSWD_NO_SSHD                                                                             \
	"root:x:0:0:root:/root:/bin/bash\n"                                                        \
	"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"                                        \
	"alice:x:1001:1001:Alice:/home/alice:/bin/bash\n"                                          \
	"bob:x:1002:1002:Bob:/home/bob:/bin/bash\n"                                                \
	"carol:x:1003:1003:Carol:/home/carol:/bin/bash"

enum { CHECK = VFX_CHECK, FIX = VFX_FIX, UNDO = VFX_UNDO };

/* Run a command on the fixture; its text output in *out (may be NULL). Returns the exit status. */
static int run(struct vfx *f, int cmd, bool reset, char **out)
{
	const struct rsc_opts o = { .reset_sshd_config = reset };

	return vfx_run(f, (enum vfx_cmd)cmd, &o, out);
}

static bool check_has(struct vfx *f, const char *code)
{
	vfx_check(f);
	return vfx_has(f, code, NULL);
}

/* Does rel exist in the fixture (without following a last symlink)? */
static bool present(struct vfx *f, const char *rel)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	return lstat(path, &st) == 0;
}

/* After a fix: undo exits 0, code is reported again and file has its earlier bytes. */
static void undo_restores(struct vfx *f, const char *code, const char *file, const char *before)
{
	char *after;

	assert_int_equal(run(f, UNDO, false, NULL), RSC_EXIT_OK);
	assert_true(check_has(f, code));
	after = tu_read(f->dir, file);
	assert_string_equal(after, before);
	free(after);
}

/* /run/sshd that nothing makes at boot: a tmpfiles.d line (systemd-tmpfiles-setup runs it). */
static void test_privsep_run_tmpfiles(void **state)
{
	struct vfx *f = vfx_new("debian");
	char *conf;

	(void)state;
	tu_write(f->dir, SYSTEMD, "\177ELF", 0755, 0, 0);
	tu_write(f->dir, "etc/systemd/system/ssh.service.d/local.conf",
		 "[Service]\nRuntimeDirectory=\n", 0644, 0, 0);
	/* Debian's alias: it names the same unit, so it makes nothing either */
	tu_symlink(f->dir, "etc/systemd/system/sshd.service", "/lib/systemd/system/ssh.service");
	assert_true(check_has(f, "sshd.privsep.dir"));
	assert_int_equal(run(f, FIX, false, NULL), RSC_EXIT_FIXED);
	conf = tu_read(f->dir, "etc/tmpfiles.d/sshrescue-sshd.conf");
	assert_non_null(strstr(conf, "\nd /run/sshd 0755 root root -\n"));
	free(conf);
	assert_int_equal(tu_mode(f->dir, "etc/tmpfiles.d/sshrescue-sshd.conf", NULL, NULL) & 07777,
			 0644);
	assert_false(check_has(f, "sshd.privsep.dir"));
	/* the admin's drop-in is not touched; undo takes the new file and directory away */
	conf = tu_read(f->dir, "etc/systemd/system/ssh.service.d/local.conf");
	assert_string_equal(conf, "[Service]\nRuntimeDirectory=\n");
	free(conf);
	undo_restores(f, "sshd.privsep.dir", "etc/systemd/system/ssh.service.d/local.conf",
		      "[Service]\nRuntimeDirectory=\n");
	assert_false(present(f, "etc/tmpfiles.d/sshrescue-sshd.conf"));
	assert_false(present(f, "etc/tmpfiles.d"));
	vfx_free(f);
}

/* Without systemd there is nothing to give the line to: not repaired, said so. */
static void test_privsep_run_no_systemd(void **state)
{
	struct vfx *f = vfx_new("debian");
	char *out = NULL;

	(void)state;
	tu_remove(f->dir, "lib/systemd/system/ssh.service");
	assert_int_equal(run(f, FIX, false, &out), RSC_EXIT_LEFT);
	assert_non_null(strstr(out, "Not repaired automatically"));
	assert_non_null(strstr(out, "sshd.privsep.dir"));
	free(out);
	assert_false(present(f, "etc/tmpfiles.d"));
	vfx_free(f);
}

/* The unit makes it, but 0777: a drop-in sorted last sets RuntimeDirectoryMode=0755. */
static void test_privsep_run_mode(void **state)
{
	struct vfx *f = vfx_new("debian");
	char *conf;

	(void)state;
	tu_write(f->dir, "etc/systemd/system/ssh.service.d/mode.conf",
		 "[Service]\nRuntimeDirectoryMode=0777\n", 0644, 0, 0);
	assert_true(check_has(f, "sshd.privsep.dir"));
	assert_int_equal(run(f, FIX, false, NULL), RSC_EXIT_FIXED);
	conf = tu_read(f->dir, "etc/systemd/system/ssh.service.d/zz-sshrescue-privsep.conf");
	assert_non_null(strstr(conf, "[Service]\nRuntimeDirectoryMode=0755\n"));
	free(conf);
	assert_false(check_has(f, "sshd.privsep.dir"));
	undo_restores(f, "sshd.privsep.dir", "etc/systemd/system/ssh.service.d/mode.conf",
		      "[Service]\nRuntimeDirectoryMode=0777\n");
	assert_false(present(f, "etc/systemd/system/ssh.service.d/zz-sshrescue-privsep.conf"));
	vfx_free(f);
}

/* RHEL's /usr/share/empty.sshd: owner and mode repaired, or the directory made. */
static void test_privsep_dir_rhel(void **state)
{
	struct vfx *f = vfx_new("rocky");
	uid_t uid;
	gid_t gid;

	(void)state;
	tu_chmod(f->dir, "usr/share/empty.sshd", 0777);
	tu_chown(f->dir, "usr/share/empty.sshd", 1001, 1001);
	assert_int_equal(run(f, FIX, false, NULL), RSC_EXIT_FIXED);
	assert_int_equal(tu_mode(f->dir, "usr/share/empty.sshd", &uid, &gid) & 07777, 0755);
	assert_int_equal(uid, 0);
	assert_int_equal(gid, 0);
	assert_false(check_has(f, "sshd.privsep.dir"));
	assert_int_equal(run(f, UNDO, false, NULL), RSC_EXIT_OK);
	assert_int_equal(tu_mode(f->dir, "usr/share/empty.sshd", &uid, &gid) & 07777, 0777);
	assert_int_equal(uid, 1001);
	tu_remove(f->dir, "usr/share/empty.sshd");
	assert_int_equal(run(f, FIX, false, NULL), RSC_EXIT_FIXED);
	assert_true(S_ISDIR(tu_mode(f->dir, "usr/share/empty.sshd", &uid, NULL)));
	assert_int_equal(uid, 0);
	assert_false(check_has(f, "sshd.privsep.dir"));
	vfx_free(f);
}

/* Debian: sshd with the lowest free system UID, group nogroup, appended; nothing else moves. */
static void test_privsep_user_debian(void **state)
{
	struct vfx *f = vfx_new("debian");
	char *pw, *sh;

	(void)state;
	tu_write(f->dir, "etc/passwd", PASSWD_NO_SSHD "\n", 0644, 0, 0);
	tu_write(f->dir, "etc/group",
		 "root:x:0:\ndaemon:x:1:\nalice:x:1001:\nbob:x:1002:\ncarol:x:1003:\n"
		 "staff:x:50:bob,alice\nsystemd-x:x:100:\nnogroup:x:65534:\n",
		 0644, 0, 0);
	assert_true(check_has(f, "sshd.privsep.user"));
	assert_int_equal(run(f, FIX, false, NULL), RSC_EXIT_FIXED);
	pw = tu_read(f->dir, "etc/passwd");
	assert_string_equal(pw, PASSWD_NO_SSHD "\nsshd:x:101:65534::/run/sshd:/usr/sbin/nologin\n");
	free(pw);
	sh = tu_read(f->dir, "etc/shadow");
	assert_non_null(strstr(sh, "alice:!:19700:0:99999:7:::\nsshd:!:"));
	free(sh);
	assert_int_equal(tu_mode(f->dir, "etc/shadow", NULL, NULL) & 07777, 0640);
	assert_false(check_has(f, "sshd.privsep.user"));
	undo_restores(f, "sshd.privsep.user", "etc/passwd", PASSWD_NO_SSHD "\n");
	vfx_free(f);
}

/* No nogroup: a group sshd of the same number; a passwd without a final newline stays whole. */
static void test_privsep_user_group(void **state)
{
	struct vfx *f = vfx_new("debian");
	char *pw, *gr;

	(void)state;
	tu_write(f->dir, "etc/passwd", PASSWD_NO_SSHD, 0644, 0, 0);
	assert_int_equal(run(f, FIX, false, NULL), RSC_EXIT_FIXED);
	pw = tu_read(f->dir, "etc/passwd");
	assert_string_equal(pw, PASSWD_NO_SSHD "\nsshd:x:100:100::/run/sshd:/usr/sbin/nologin\n");
	free(pw);
	gr = tu_read(f->dir, "etc/group");
	assert_non_null(strstr(gr, "staff:x:50:bob,alice\nsshd:x:100:\n"));
	free(gr);
	assert_false(check_has(f, "sshd.privsep.user"));
	vfx_free(f);
}

#define BROKEN "# local edits\nUsePAM yes\nPort 22\nBogusKeyword yes\nPermitRootLogin maybe\n"
#define DEFAULT                                                                                    \
	"Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\n"

/* Without the flag the lines are commented out; with it the file is the distribution's. */
static void test_reset_sshd_config(void **state)
{
	struct vfx *f = vfx_new("debian");
	char *cfg, *out = NULL;
	uid_t uid;

	(void)state;
	tu_write(f->dir, "usr/share/openssh/sshd_config", DEFAULT, 0644, 0, 0);
	tu_write(f->dir, "etc/ssh/sshd_config", BROKEN, 0600, 0, 0);
	assert_int_equal(run(f, FIX, true, &out), RSC_EXIT_FIXED);
	assert_non_null(strstr(out, "the distribution's default (/usr/share/openssh/sshd_config)"));
	free(out);
	cfg = tu_read(f->dir, "etc/ssh/sshd_config");
	assert_string_equal(cfg, DEFAULT);
	free(cfg);
	assert_int_equal(tu_mode(f->dir, "etc/ssh/sshd_config", &uid, NULL) & 07777, 0600);
	assert_int_equal(run(f, CHECK, false, NULL), RSC_EXIT_OK);
	assert_int_equal(run(f, UNDO, false, NULL), RSC_EXIT_OK);
	cfg = tu_read(f->dir, "etc/ssh/sshd_config");
	assert_string_equal(cfg, BROKEN);
	free(cfg);
	/* the same victim without the flag: two lines commented out, the rest kept */
	assert_int_equal(run(f, FIX, false, NULL), RSC_EXIT_FIXED);
	cfg = tu_read(f->dir, "etc/ssh/sshd_config");
	assert_string_equal(cfg, "# local edits\nUsePAM yes\nPort 22\n"
				 "#sshrescue sshd.config.keyword# BogusKeyword yes\n"
				 "#sshrescue sshd.config.value# PermitRootLogin maybe\n");
	free(cfg);
	vfx_free(f);
}

/* No distribution default: a minimal file; a bad included file is still fixed line by line. */
static void test_reset_minimal(void **state)
{
	struct vfx *f = vfx_new("debian");
	char *cfg;

	(void)state;
	tu_write(f->dir, "etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nFoo bar\n",
		 0644, 0, 0);
	tu_write(f->dir, "etc/ssh/sshd_config.d/10-x.conf", "PasswordAuthentication perhaps\n",
		 0644, 0, 0);
	tu_write(f->dir, "etc/pam.d/sshd", "@include common-auth\n", 0644, 0, 0);
	assert_int_equal(run(f, FIX, true, NULL), RSC_EXIT_FIXED);
	cfg = tu_read(f->dir, "etc/ssh/sshd_config");
	assert_non_null(strstr(cfg, "# Written by sshrescue"));
	assert_non_null(strstr(cfg, "\nInclude /etc/ssh/sshd_config.d/*.conf\n"));
	assert_non_null(strstr(cfg, "\nUsePAM yes\n"));
	assert_null(strstr(cfg, "Foo"));
	free(cfg);
	cfg = tu_read(f->dir, "etc/ssh/sshd_config.d/10-x.conf");
	assert_string_equal(cfg, "#sshrescue sshd.config.value# PasswordAuthentication perhaps\n");
	free(cfg);
	assert_int_equal(run(f, CHECK, false, NULL), RSC_EXIT_OK);
	vfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_privsep_run_tmpfiles),
		cmocka_unit_test(test_privsep_run_no_systemd),
		cmocka_unit_test(test_privsep_run_mode),
		cmocka_unit_test(test_privsep_dir_rhel),
		cmocka_unit_test(test_privsep_user_debian),
		cmocka_unit_test(test_privsep_user_group),
		cmocka_unit_test(test_reset_sshd_config),
		cmocka_unit_test(test_reset_minimal),
	};

	if (geteuid() != 0) {
		fprintf(stderr, "these tests chown files: run as root\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
