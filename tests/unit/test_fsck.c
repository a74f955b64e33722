// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_fsck.c - rescue/fsck.c against stand-in checkers: shell scripts named
 * e2fsck, e2image and xfs_repair in a directory put first in PATH, which
 * print what a real one prints and exit with the status the test asks for
 * (FAKE_STATUS). Checked: the verdict of every exit status of each mode, the
 * command line (-C 3 only with a progress terminal), the progress lines read
 * from fd 3, the output kept with stderr, the filter of the checker's
 * chatter, a missing checker, an existing backup file, a failed backup
 * removed, the repair's undo file (-z) and its rollback (e2undo), and what
 * counts as a repair stopped half-way. The real checkers are the oracle of
 * tests/image/fs_deep.sh and tests/image/fsck_rollback.sh.
 */
#include <errno.h>
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

#include "fsck.h"
#include "testutil.h"
#include "util.h"

static char dir[] = "/tmp/rsc-fsck.XXXXXX";
static char *old_path;

static void script(const char *name, const char *body)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(p, 0755), 0);
}

static int setup(void **state)
{
	char path[4096];

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	/* e2fsck: its words on stdout, one on stderr, progress on fd 3 when given -C 3 */
	script("e2fsck", "echo \"args: $*\"\n"
			 "echo 'e2fsck 1.47.0 (5-Feb-2023)'\n"
			 "echo 'Pass 1: Checking inodes, blocks, and sizes'\n"
			 "echo 'Block bitmap differences:  -(25000--25015)'\n"
			 "echo 'Fix? no'\n"
			 "echo ''\n"
			 "echo 'Free blocks count wrong (13067, counted=13047).' >&2\n"
			 "echo 'vic: 50/4096 files (2.0% non-contiguous), 3317/16384 blocks'\n"
			 "[ -z \"$FAKE_SAY\" ] || echo \"$FAKE_SAY\"\n"
			 "if [ \"$1\" = -C ]; then echo '1 50 100 /dev/x' >&3; "
			 "echo '2 100 100 /dev/x' >&3; fi\n"
			 "exit ${FAKE_STATUS:-0}");
	script("e2image", "echo 'e2image 1.47.0'; [ \"${FAKE_STATUS:-0}\" = 0 ] || "
			  "{ echo partial > \"$3\"; exit 1; }; echo image > \"$3\"; "
			  "[ -z \"$FAKE_KILL\" ] || kill -KILL $$");
	script("e2undo", "echo \"e2undo args: $*\"; exit ${FAKE_STATUS:-0}");
	script("xfs_repair", "echo 'Phase 1 - find and verify superblock...' >&2\n"
			     "echo 'agf_freeblks 100, counted 90 in ag 0' >&2\n"
			     "exit ${FAKE_STATUS:-0}");
	old_path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	snprintf(path, sizeof(path), "%s:/usr/bin:/bin", dir);
	setenv("PATH", path, 1);
	return 0;
}

static void unlink_in_dir(const char *name)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_int_equal(unlink(p), 0);
}

static void restore_path(void)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s:/usr/bin:/bin", dir);
	setenv("PATH", path, 1);
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	setenv("PATH", old_path, 1);
	free(old_path);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static enum rsc_fsck_verdict run_status(const char *fstype, enum rsc_fsck_mode mode, int st,
					struct rsc_fsck_result *res)
{
	char s[8];

	snprintf(s, sizeof(s), "%d", st);
	setenv("FAKE_STATUS", s, 1);
	assert_int_equal(rsc_fsck_run(fstype, "/dev/fake", mode, NULL, NULL, res), 0);
	unsetenv("FAKE_STATUS");
	return res->verdict;
}

static void test_verdicts(void **state)
{
	static const struct {
		const char *fstype;
		enum rsc_fsck_mode mode;
		int status;
		enum rsc_fsck_verdict want;
	} cases[] = {
		{ "ext4", RSC_FSCK_DEEP, 0, RSC_FSCK_CLEAN },
		{ "ext4", RSC_FSCK_DEEP, 4, RSC_FSCK_DAMAGED },
		{ "ext2", RSC_FSCK_DEEP, 8, RSC_FSCK_FAILED },
		{ "ext3", RSC_FSCK_DEEP, 12, RSC_FSCK_DAMAGED }, /* found errors, then aborted */
		{ "ext3", RSC_FSCK_DEEP, 1, RSC_FSCK_FAILED },	 /* -n never corrects */
		{ "ext4", RSC_FSCK_REPAIR, 0, RSC_FSCK_CLEAN },
		{ "ext4", RSC_FSCK_REPAIR, 1, RSC_FSCK_REPAIRED },
		{ "ext4", RSC_FSCK_REPAIR, 2, RSC_FSCK_REPAIRED },
		{ "ext4", RSC_FSCK_REPAIR, 4, RSC_FSCK_LEFT },
		{ "ext4", RSC_FSCK_REPAIR, 5, RSC_FSCK_LEFT },
		{ "ext4", RSC_FSCK_REPAIR, 8, RSC_FSCK_FAILED },
		{ "ext4", RSC_FSCK_REPAIR, 32, RSC_FSCK_FAILED },
		{ "xfs", RSC_FSCK_DEEP, 0, RSC_FSCK_CLEAN },
		{ "xfs", RSC_FSCK_DEEP, 1, RSC_FSCK_DAMAGED },
		{ "xfs", RSC_FSCK_DEEP, 2, RSC_FSCK_FAILED },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rsc_fsck_result res;
		enum rsc_fsck_verdict v =
			run_status(cases[i].fstype, cases[i].mode, cases[i].status, &res);

		if (v != cases[i].want)
			fail_msg("case %zu (%s, status %d): %s, want %s", i, cases[i].fstype,
				 cases[i].status, rsc_fsck_verdict_name(v),
				 rsc_fsck_verdict_name(cases[i].want));
		assert_int_equal(res.status, cases[i].status);
		if (v == RSC_FSCK_FAILED)
			assert_non_null(strstr(res.reason, "exit status"));
		rsc_fsck_result_free(&res);
	}
}

/* e2fsck -n stops with 8 on a superblock it reads and refuses: damage, not a failure */
static void test_refused_superblock(void **state)
{
	struct rsc_fsck_result res;

	(void)state;
	setenv("FAKE_SAY",
	       "The superblock could not be read or does not describe a valid "
	       "ext2/ext3/ext4",
	       1);
	assert_int_equal(run_status("ext4", RSC_FSCK_DEEP, 8, &res), RSC_FSCK_DAMAGED);
	assert_int_equal(res.status, 8);
	rsc_fsck_result_free(&res);
	/* the repair of such a filesystem is no repair */
	assert_int_equal(run_status("ext4", RSC_FSCK_REPAIR, 8, &res), RSC_FSCK_FAILED);
	rsc_fsck_result_free(&res);
	unsetenv("FAKE_SAY");
	assert_int_equal(run_status("ext4", RSC_FSCK_DEEP, 8, &res), RSC_FSCK_FAILED);
	rsc_fsck_result_free(&res);
}

static void test_output_and_filter(void **state)
{
	struct rsc_fsck_result res;
	char *lines;

	(void)state;
	run_status("ext4", RSC_FSCK_DEEP, 4, &res);
	assert_string_equal(res.tool, "e2fsck");
	assert_string_equal(res.command, "e2fsck -f -n /dev/fake");
	assert_non_null(strstr(res.output, "args: -f -n /dev/fake\n"));
	assert_non_null(strstr(res.output, "Free blocks count wrong")); /* stderr kept */
	lines = rsc_fsck_problems(&res, 10);
	assert_non_null(lines);
	/* banner, pass header, "Fix? no", empty line and summary left out */
	assert_string_equal(lines, "args: -f -n /dev/fake; Block bitmap differences:  "
				   "-(25000--25015); Free blocks count wrong (13067, "
				   "counted=13047).");
	free(lines);
	lines = rsc_fsck_problems(&res, 1);
	assert_string_equal(lines, "args: -f -n /dev/fake");
	free(lines);
	rsc_fsck_result_free(&res);

	run_status("xfs", RSC_FSCK_DEEP, 1, &res);
	lines = rsc_fsck_problems(&res, 10);
	assert_string_equal(lines, "agf_freeblks 100, counted 90 in ag 0");
	free(lines);
	rsc_fsck_result_free(&res);
}

static void test_progress(void **state)
{
	struct rsc_fsck_result res;
	char *buf = NULL;
	size_t len = 0;
	FILE *tty = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(tty);
	assert_int_equal(rsc_fsck_run("ext4", "/dev/fake", RSC_FSCK_REPAIR, NULL, tty, &res), 0);
	fclose(tty);
	assert_string_equal(res.command, "e2fsck -f -y /dev/fake"); /* as the user would type it */
	assert_non_null(strstr(res.output, "args: -C 3 -f -y /dev/fake"));
	assert_non_null(strstr(buf, "pass 1 of 5,  50%"));
	assert_non_null(strstr(buf, "pass 2 of 5, 100%"));
	/* progress lines are not output */
	assert_null(strstr(res.output, "1 50 100"));
	free(buf);
	rsc_fsck_result_free(&res);
}

static void test_missing_and_unknown(void **state)
{
	struct rsc_fsck_result res;

	(void)state;
	/* the real btrfs, if the helper has it, cannot open the device: failed, not damaged */
	assert_int_equal(rsc_fsck_run("btrfs", "/dev/fake", RSC_FSCK_DEEP, NULL, NULL, &res), 0);
	assert_int_equal(res.verdict, RSC_FSCK_FAILED);
	assert_true(strstr(res.reason, "btrfs-progs is not installed") ||
		    strstr(res.reason, "could not open the device"));
	rsc_fsck_result_free(&res);
	/* no checker at all */
	setenv("PATH", dir, 1);
	unlink_in_dir("xfs_repair");
	assert_int_equal(rsc_fsck_run("xfs", "/dev/fake", RSC_FSCK_DEEP, NULL, NULL, &res), 0);
	assert_int_equal(res.verdict, RSC_FSCK_FAILED);
	/* under valgrind (tools/valgrind.sh) posix_spawnp cannot report the missing program: no
	 * CLONE_VFORK there, the child exits 127 instead */
	if (!getenv("RSC_VALGRIND"))
		assert_string_equal(res.reason, "xfsprogs is not installed on this helper");
	rsc_fsck_result_free(&res);
	restore_path();
	assert_int_equal(rsc_fsck_run("vfat", "/dev/fake", RSC_FSCK_DEEP, NULL, NULL, &res), 0);
	assert_int_equal(res.verdict, RSC_FSCK_FAILED);
	assert_null(res.tool);
	assert_non_null(strstr(res.reason, "no checker is known for vfat"));
	rsc_fsck_result_free(&res);
	assert_true(rsc_fsck_supported("xfs", RSC_FSCK_REPAIR));
	assert_false(rsc_fsck_supported("btrfs", RSC_FSCK_REPAIR));
	assert_true(rsc_fsck_supported("ext3", RSC_FSCK_REPAIR));
	assert_false(rsc_fsck_supported("ext4 xfs", RSC_FSCK_DEEP));
	assert_false(rsc_fsck_supported(NULL, RSC_FSCK_DEEP));
}

/* rsc_fsck_run refuses before anything runs: FAILED, the reason has words, no command. */
static void assert_refused(const char *fstype, enum rsc_fsck_mode mode, const char *file,
			   const char *words)
{
	struct rsc_fsck_result res;

	assert_int_equal(rsc_fsck_run(fstype, "/dev/fake", mode, file, NULL, &res), 0);
	assert_int_equal(res.verdict, RSC_FSCK_FAILED);
	assert_non_null(strstr(res.reason, words));
	assert_null(res.command);
	rsc_fsck_result_free(&res);
}

static void test_backup(void **state)
{
	struct rsc_fsck_result res;
	char file[256], cmd[600];
	struct stat st;

	(void)state;
	snprintf(file, sizeof(file), "%s/meta.qcow2", dir);
	assert_int_equal(rsc_fsck_run("ext4", "/dev/fake", RSC_FSCK_BACKUP, file, NULL, &res), 0);
	assert_int_equal(res.verdict, RSC_FSCK_DONE);
	snprintf(cmd, sizeof(cmd), "e2image -Q /dev/fake %s", file);
	assert_string_equal(res.command, cmd);
	assert_int_equal(stat(file, &st), 0);
	rsc_fsck_result_free(&res);
	/* the file exists now: refused before anything runs */
	assert_refused("ext4", RSC_FSCK_BACKUP, file, "exists already");
	/* a failed backup leaves no file that looks like one */
	assert_int_equal(unlink(file), 0);
	setenv("FAKE_STATUS", "1", 1);
	assert_int_equal(rsc_fsck_run("ext4", "/dev/fake", RSC_FSCK_BACKUP, file, NULL, &res), 0);
	unsetenv("FAKE_STATUS");
	assert_int_equal(res.verdict, RSC_FSCK_FAILED);
	assert_int_equal(stat(file, &st), -1);
	assert_int_equal(errno, ENOENT);
	rsc_fsck_result_free(&res);
	/* nor does one killed half-way (a ^C reaches e2image too) */
	setenv("FAKE_KILL", "1", 1);
	assert_int_equal(rsc_fsck_run("ext4", "/dev/fake", RSC_FSCK_BACKUP, file, NULL, &res), 0);
	unsetenv("FAKE_KILL");
	assert_true(res.killed);
	assert_int_equal(res.verdict, RSC_FSCK_FAILED);
	assert_int_equal(stat(file, &st), -1);
	assert_int_equal(errno, ENOENT);
	rsc_fsck_result_free(&res);
}

/* The repair keeps an undo file (-z FILE, printed), which must be new; e2undo replays one. */
static void test_undo_and_rollback(void **state)
{
	struct rsc_fsck_result res;
	char file[256], want[600];

	(void)state;
	snprintf(file, sizeof(file), "%s/fs.e2undo", dir);
	assert_int_equal(rsc_fsck_run("ext4", "/dev/fake", RSC_FSCK_REPAIR, file, NULL, &res), 0);
	snprintf(want, sizeof(want), "e2fsck -z %s -f -y /dev/fake", file);
	assert_string_equal(res.command, want);
	snprintf(want, sizeof(want), "args: -z %s -f -y /dev/fake\n", file);
	assert_non_null(strstr(res.output, want));
	assert_false(rsc_fsck_interrupted(&res));
	rsc_fsck_result_free(&res);
	/* the rollback needs the file: missing, refused before anything runs */
	assert_refused("ext4", RSC_FSCK_ROLLBACK, file, "is missing");
	script("fs.e2undo", "undo");
	assert_int_equal(rsc_fsck_run("ext4", "/dev/fake", RSC_FSCK_ROLLBACK, file, NULL, &res), 0);
	assert_int_equal(res.verdict, RSC_FSCK_DONE);
	snprintf(want, sizeof(want), "e2undo %s /dev/fake", file);
	assert_string_equal(res.command, want);
	rsc_fsck_result_free(&res);
	setenv("FAKE_STATUS", "1", 1);
	assert_int_equal(rsc_fsck_run("ext4", "/dev/fake", RSC_FSCK_ROLLBACK, file, NULL, &res), 0);
	unsetenv("FAKE_STATUS");
	assert_int_equal(res.verdict, RSC_FSCK_FAILED);
	rsc_fsck_result_free(&res);
	/* an undo file that exists already: e2fsck would add to it, so it is refused */
	assert_refused("ext4", RSC_FSCK_REPAIR, file, "exists already");
	/* xfs_repair has no undo file, and no rollback is known for xfs */
	assert_refused("xfs", RSC_FSCK_REPAIR, file, "no undo file is known");
	assert_true(rsc_fsck_supported("ext3", RSC_FSCK_ROLLBACK));
	assert_false(rsc_fsck_supported("xfs", RSC_FSCK_ROLLBACK));
	unlink_in_dir("fs.e2undo");
}

/* Stopped half-way: e2fsck's bit 32 (cancelled, alone or with 4), or killed by a signal. */
static void test_interrupted(void **state)
{
	static const struct {
		int status;
		bool stopped;
	} cases[] = { { 0, false }, { 1, false }, { 4, false }, { 8, false },
		      { 32, true }, { 36, true }, { 33, true } };
	struct rsc_fsck_result res;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		run_status("ext4", RSC_FSCK_REPAIR, cases[i].status, &res);
		assert_int_equal(rsc_fsck_interrupted(&res), cases[i].stopped);
		rsc_fsck_result_free(&res);
	}
	/* the read-only check is never "stopped half-way": it changed nothing */
	run_status("ext4", RSC_FSCK_DEEP, 32, &res);
	assert_false(rsc_fsck_interrupted(&res));
	rsc_fsck_result_free(&res);
	/* killed by a signal */
	script("e2fsck", "kill -KILL $$");
	assert_int_equal(rsc_fsck_run("ext4", "/dev/fake", RSC_FSCK_REPAIR, NULL, NULL, &res), 0);
	assert_true(res.killed);
	assert_int_equal(res.verdict, RSC_FSCK_FAILED);
	assert_true(rsc_fsck_interrupted(&res));
	rsc_fsck_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_refused_superblock),
		cmocka_unit_test(test_output_and_filter),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_undo_and_rollback),
		cmocka_unit_test(test_missing_and_unknown),
		cmocka_unit_test(test_backup),
		cmocka_unit_test(test_interrupted), /* last: it replaces the stand-in e2fsck */
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
