// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_journal_write.c - what the undo journal keeps of a fix's own writes:
 * the bytes it wrote and the links it made, exactly; a fix stopped before its
 * write; a version 1 journal; and undo when those records are damaged or the
 * file changed since. The rest of the journal: test_journal.c.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "journal.h"
#include "journalfx.h"
#include "root.h"
#include "testutil.h"
#include "util.h"

static void wrote_is_journaled_exactly(void **state)
{
	struct jfx *f = *state;
	struct rsc_journal *j = NULL;
	struct rsc_manifest m;
	char *id, *s, *p;

	jfx_skip_unless_root();
	assert_int_equal(rsc_journal_begin(f->root, "add-key", &j), 0);
	id = strdup(rsc_journal_id(j));
	/* not recorded yet, or recorded without its bytes: undo could not use them */
	assert_int_equal(rsc_journal_wrote(j, "/home/b", "x", 1), -EINVAL);
	assert_int_equal(rsc_journal_record(j, "/home/a", false), 0);
	assert_int_equal(rsc_journal_wrote(j, "/home/a", "x", 1), -EINVAL);
	assert_int_equal(rsc_journal_record(j, "/home/d", false), 0);
	assert_int_equal(rsc_journal_wrote(j, "/home/d", "x", 1), -EINVAL);
	assert_int_equal(rsc_journal_record(j, "/home/b", true), 0);
	assert_int_equal(rsc_journal_record(j, "/home/n", false), 0);
	/* the length is checked before the bytes are looked at */
	assert_int_equal(rsc_journal_wrote(j, "/home/n", "x", RSC_JOURNAL_DATA_MAX + 1ul), -EFBIG);
	assert_int_equal(rsc_journal_wrote(j, "/home/b", "first", 5), 0);
	assert_int_equal(rsc_journal_wrote(j, "/home/n", "", 0), 0);
	assert_int_equal(rsc_journal_wrote(j, "/home/b", "second\n", 7), 0);
	assert_int_equal(rsc_journal_close(j), 0);

	s = jfx_read_manifest(f, id);
	assert_non_null(strstr(s, "Z\n1 file 0640 1001 1002 3 - /home/a\n"
				  "2 dir 0750 1001 1001 "));
	assert_non_null(strstr(s, " - /home/d\n3 file 0644 1002 1002 5 data/3 /home/b\n"
				  "4 absent - - - - - /home/n\n"
				  "wrote 3 5 data/3.new\n"
				  "wrote 4 0 data/4.new\n"
				  "wrote 3 7 data/3.new\n"
				  "complete\n"));
	assert_int_equal(rsc_manifest_parse(s, strlen(s), &m, NULL), 0);
	assert_true(m.recs[2].has_new);
	assert_int_equal(m.recs[2].new_size, 7);
	assert_true(m.recs[3].has_new);
	assert_false(m.recs[0].has_new);
	rsc_manifest_free(&m);
	free(s);
	jfx_assert_data(f, id, "data/3.new", "second\n");
	p = jfx_file(id, "data/4.new");
	{
		/* empty (tu_read cannot tell an empty file) */
		char *full = NULL;
		struct stat st;

		assert_true(asprintf(&full, "%s/%s", f->dir, p) > 0);
		assert_int_equal(lstat(full, &st), 0);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(st.st_size, 0);
		free(full);
	}
	free(p);
	free(id);
}

/*
 * A run that stopped after its journal lines but before the write: nothing to
 * keep aside, nothing of anyone's removed.
 */
static void interrupted_before_the_write(void **state)
{
	struct jfx *f = *state;
	struct rsc_journal *j = NULL;
	struct tu_cap c;
	char *id, *s;

	jfx_skip_unless_root();
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	id = strdup(rsc_journal_id(j));
	assert_int_equal(rsc_journal_record(j, "/home/b", true), 0);
	assert_int_equal(rsc_journal_wrote(j, "/home/b", "fixed\n", 6), 0);
	assert_int_equal(rsc_journal_record(j, "/home/n1", false), 0);
	assert_int_equal(rsc_journal_wrote(j, "/home/n1", "n1", 2), 0);
	/* recorded, but stopped before its "wrote" line; someone made the file later */
	assert_int_equal(rsc_journal_record(j, "/home/n2", false), 0);
	assert_int_equal(rsc_journal_close(j), 0);
	tu_write(f->dir, "home/n2", "not the fix's\n", 0600, 1001, 1001);

	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  kept      /home/n2: the journal does not say what the "
				       "fix wrote here"));
	assert_non_null(strstr(c.text, "  absent    /home/n1 (already gone)\n"
				       "  restored  /home/b (5 bytes, mode 0644, owner 1002:1002)\n"
				       "journal "));
	assert_null(strstr(c.text, ".sshrescue-"));
	free(c.text);
	s = tu_read(f->dir, "home/b");
	assert_string_equal(s, "bbbb\n");
	free(s);
	s = tu_read(f->dir, "home/n2");
	assert_string_equal(s, "not the fix's\n");
	free(s);
	{
		char *u = jfx_file(id, "undone");

		s = tu_read(f->dir, u);
		assert_non_null(s);
		assert_true(rsc_startswith(s, "undone 2"));
		free(s);
		free(u);
	}
	free(id);
}

/* A version 1 journal lacks the fix's bytes: undo behaves as it always did. */
static void version1_journal_undoes_as_before(void **state)
{
	struct jfx *f = *state;
	struct tu_cap c;
	char *s;

	jfx_skip_unless_root();
	tu_write(f->dir, JDIR "/20260101T000000Z-1/manifest",
		 HEAD "1 file 0600 1001 1001 4 data/1 /home/b\n"
		      "2 absent - - - - - /home/new\n"
		      "3 absent - - - - - /home/gone\n"
		      "complete\n",
		 0600, 0, 0);
	tu_write(f->dir, JDIR "/20260101T000000Z-1/data/1", "old\n", 0600, 0, 0);
	tu_write(f->dir, "home/new", "created, then edited\n", 0600, 0, 0);
	assert_int_equal(rsc_journal_list(f->root, tu_cap_open(&c)), 0);
	assert_string_equal(tu_cap_close(&c), "20260101T000000Z-1  fix  3 changes\n");
	free(c.text);

	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	assert_string_equal(tu_cap_close(&c),
			    "Undoing journal 20260101T000000Z-1 (fix at 2026-11-23T03:45:01Z, 3 "
			    "changes):\n"
			    "  absent    /home/gone (already gone)\n"
			    "  removed   /home/new\n"
			    "  restored  /home/b (4 bytes, mode 0600, owner 1001:1001)\n"
			    "journal 20260101T000000Z-1 undone\n");
	free(c.text);
	assert_null(tu_read(f->dir, "home/new"));
	s = tu_read(f->dir, "home/b");
	assert_string_equal(s, "old\n");
	free(s);
	assert_null(tu_read(f->dir, "home/b.sshrescue-20260101T000000Z-1"));
}

/* The journal's copy of the fix's bytes is missing or damaged: nothing is taken as the fix's. */
static void damaged_fix_bytes_keep_the_file(void **state)
{
	struct jfx *f = *state;
	struct tu_cap c;
	char *s;

	jfx_skip_unless_root();
	tu_write(f->dir, JDIR "/20260101T000000Z-1/manifest",
		 HEAD2 "1 absent - - - - - /home/n1\n"
		       "wrote 1 3 data/1.new\n"
		       "2 absent - - - - - /home/n2\n"
		       "wrote 2 3 data/2.new\n"
		       "3 file 0644 1002 1002 5 data/3 /home/b\n"
		       "wrote 3 3 data/3.new\n"
		       "complete\n",
		 0600, 0, 0);
	tu_write(f->dir, JDIR "/20260101T000000Z-1/data/1.new", "abcd", 0600, 0, 0);
	tu_write(f->dir, JDIR "/20260101T000000Z-1/data/3", "bbbb\n", 0600, 0, 0);
	tu_write(f->dir, "home/n1", "abc", 0600, 0, 0);
	tu_write(f->dir, "home/n2", "abc", 0600, 0, 0);
	tu_write(f->dir, "home/b", "new", 0644, 0, 0);

	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text,
			       "  kept      /home/b: changed since the fix; its current "
			       "content is now in /home/b.sshrescue-20260101T000000Z-1\n"
			       "  restored  /home/b (5 bytes, mode 0644, owner 1002:1002)\n"
			       "  kept      /home/n2: the fix created this file, but it was "
			       "changed since; remove it by hand if it is not wanted\n"
			       "  kept      /home/n1: the fix created this file, but it was "
			       "changed since;"));
	free(c.text);
	s = tu_read(f->dir, "home/n1");
	assert_string_equal(s, "abc");
	free(s);
	s = tu_read(f->dir, "home/n2");
	assert_string_equal(s, "abc");
	free(s);
	s = tu_read(f->dir, "home/b.sshrescue-20260101T000000Z-1");
	assert_string_equal(s, "new");
	free(s);
	s = tu_read(f->dir, "home/b");
	assert_string_equal(s, "bbbb\n");
	free(s);
}

/* Symlinks (version 3): a recorded link's target in data/N, a made link's in data/N.new. */
static void linked_is_journaled_exactly(void **state)
{
	struct jfx *f = *state;
	struct rsc_journal *j = NULL;
	struct rsc_manifest m;
	char *id, *s, *p, *longt = malloc(PATH_MAX + 1);

	jfx_skip_unless_root();
	tu_symlink(f->dir, "home/l", "/dev/null");
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	id = strdup(rsc_journal_id(j));
	/* not recorded, or recorded so that undo could not put back what was there */
	assert_int_equal(rsc_journal_linked(j, "/home/n", "/x"), -EINVAL);
	assert_int_equal(rsc_journal_record(j, "/home/b", true), 0);
	assert_int_equal(rsc_journal_linked(j, "/home/b", "/x"), -EINVAL);
	assert_int_equal(rsc_journal_record(j, "/home/a", false), 0);
	assert_int_equal(rsc_journal_linked(j, "/home/a", "/x"), -EINVAL);
	assert_int_equal(rsc_journal_record(j, "/home/l", true), 0);
	assert_int_equal(rsc_journal_record(j, "/home/n", false), 0);
	assert_int_equal(rsc_journal_linked(j, "/home/n", ""), -EINVAL);
	assert_int_equal(rsc_journal_linked(j, "/home/n", NULL), -EINVAL);
	assert_non_null(longt);
	memset(longt, 'a', PATH_MAX);
	longt[PATH_MAX] = '\0';
	assert_int_equal(rsc_journal_linked(j, "/home/n", longt), -ENAMETOOLONG);
	free(longt);
	assert_int_equal(rsc_journal_linked(j, "/home/n", "/lib/systemd/system/ssh.service"), 0);
	assert_int_equal(rsc_journal_linked(j, "/home/l", "/lib/x"), 0);
	/* the last note of a path counts, "wrote" or "linked" */
	assert_int_equal(rsc_journal_wrote(j, "/home/n", "abc", 3), 0);
	/* a file over a link whose target was not saved: undo could not bring the link back */
	tu_symlink(f->dir, "home/l2", "/dev/null");
	assert_int_equal(rsc_journal_record(j, "/home/l2", false), 0);
	assert_int_equal(rsc_journal_wrote(j, "/home/l2", "x", 1), -EINVAL);
	assert_int_equal(rsc_journal_close(j), 0);

	s = jfx_read_manifest(f, id);
	assert_non_null(strstr(s, "3 symlink 0777 0 0 9 data/3 /home/l\n"
				  "4 absent - - - - - /home/n\n"
				  "linked 4 31 data/4.new\n"
				  "linked 3 6 data/3.new\n"
				  "wrote 4 3 data/4.new\n"
				  "5 symlink 0777 0 0 9 - /home/l2\n"
				  "complete\n"));
	assert_int_equal(rsc_manifest_parse(s, strlen(s), &m, NULL), 0);
	assert_int_equal(m.version, 4);
	assert_true(m.recs[2].has_data);
	assert_true(m.recs[2].new_is_link);
	assert_int_equal(m.recs[2].new_size, 6);
	assert_true(m.recs[3].has_new);
	assert_false(m.recs[3].new_is_link);
	rsc_manifest_free(&m);
	free(s);
	jfx_assert_data(f, id, "data/3", "/dev/null");
	p = jfx_file(id, "data/3.new");
	s = tu_read(f->dir, p);
	assert_string_equal(s, "/lib/x");
	free(s);
	free(p);
	free(id);
}

/* Hand-made version 3 journals: nothing is removed or made on damaged or missing saved text. */
static void linked_undo_damaged_or_changed(void **state)
{
	struct jfx *f = *state;
	struct tu_cap c;
	uid_t uid;
	gid_t gid;

	jfx_skip_unless_root();
	tu_write(f->dir, JDIR "/20260101T000000Z-1/manifest",
		 HEAD3 "1 absent - - - - - /home/l1\n"
		       "linked 1 4 data/1.new\n"
		       "2 absent - - - - - /home/l2\n"
		       "linked 2 4 data/2.new\n"
		       "3 symlink 0777 0 0 9 data/3 /home/l3\n"
		       "4 symlink 0777 0 0 9 data/4 /home/l4\n"
		       "5 symlink 0777 1001 1002 9 data/5 /home/l5\n"
		       "6 symlink 0777 0 0 9 - /home/l6\n"
		       "complete\n",
		 0600, 0, 0);
	tu_write(f->dir, JDIR "/20260101T000000Z-1/data/1.new", "/abcd", 0600, 0, 0); /* 5 */
	tu_write(f->dir, JDIR "/20260101T000000Z-1/data/2.new", "/abc", 0600, 0, 0);
	tu_write(f->dir, JDIR "/20260101T000000Z-1/data/3", "/dev/nul", 0600, 0, 0); /* 8 */
	tu_write(f->dir, JDIR "/20260101T000000Z-1/data/4", "/dev/null", 0600, 0, 0);
	tu_write(f->dir, JDIR "/20260101T000000Z-1/data/5", "/dev/null", 0600, 0, 0);
	tu_symlink(f->dir, "home/l1", "/abc");
	tu_symlink(f->dir, "home/l2", "/abc");
	tu_symlink(f->dir, "home/l4", "/dev/null");
	tu_symlink(f->dir, "home/l6", "/y");

	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), -EBADMSG);
	assert_string_equal(
		tu_cap_close(&c),
		"Undoing journal 20260101T000000Z-1 (fix at 2026-11-23T03:45:01Z, 6 "
		"changes):\n"
		"  unchanged /home/l6 (a symlink; sshrescue never changes one)\n"
		"  restored  /home/l5 (symlink -> /dev/null, owner 1001:1002)\n"
		"  unchanged /home/l4 (still the symlink -> /dev/null)\n"
		"  FAILED    /home/l3: Bad message\n"
		"  removed   /home/l2\n"
		"  kept      /home/l1: the fix created this symlink, but it was changed "
		"since (-> /abc); remove it by hand if it is not wanted\n"
		"1 path could not be restored; journal 20260101T000000Z-1 is NOT "
		"marked undone\n");
	free(c.text);
	assert_int_equal(tu_mode(f->dir, "home/l1", NULL, NULL) & S_IFMT, S_IFLNK);
	assert_int_equal(tu_mode(f->dir, "home/l5", &uid, &gid) & S_IFMT, S_IFLNK);
	assert_int_equal(uid, 1001);
	assert_int_equal(gid, 1002);
	for (size_t i = 0; i < 2; i++) {
		struct stat st;
		char *p = NULL;

		/* l2 removed; l3 not made from a target whose length is not the recorded one */
		assert_true(asprintf(&p, "%s/home/l%zu", f->dir, i + 2) > 0);
		assert_int_equal(lstat(p, &st), -1);
		free(p);
	}
	assert_null(tu_read(f->dir, JDIR "/20260101T000000Z-1/undone"));
}

/* A run killed after making its journal's directory, before its manifest: listed, nothing to undo. */

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, jfx_setup, jfx_teardown)
	const struct CMUnitTest tests[] = {
		T(wrote_is_journaled_exactly),	      T(interrupted_before_the_write),
		T(version1_journal_undoes_as_before), T(damaged_fix_bytes_keep_the_file),
		T(linked_is_journaled_exactly),	      T(linked_undo_damaged_or_changed),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
