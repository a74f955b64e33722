// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_journal.c - the undo journal on the victim: its layout, the exact
 * manifest, hostile names, undo (by id, twice, after a crash), list, and a
 * manifest that is not to be trusted. What a fix wrote or linked:
 * test_journal_write.c. The parser alone: test_manifest.c.
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

static void layout_and_exact_manifest(void **state)
{
	struct jfx *f = *state;
	struct rsc_journal *j = NULL, *j2 = NULL;
	struct rsc_manifest m;
	char *id, *s, *p, *t;
	uid_t uid;
	gid_t gid;

	jfx_skip_unless_root();
	/* a victim that made the journal directory world-writable gets it fixed */
	tu_mkdir(f->dir, JDIR, 0777, 1001, 1001);
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j2), 0);
	assert_true(jfx_id_shaped(rsc_journal_id(j)));
	assert_true(jfx_id_shaped(rsc_journal_id(j2)));
	assert_string_not_equal(rsc_journal_id(j), rsc_journal_id(j2));
	assert_int_equal(tu_mode(f->dir, JDIR, &uid, &gid), S_IFDIR | 0700);
	assert_int_equal(uid, 0);
	assert_int_equal(gid, 0);
	assert_int_equal(tu_mode(f->dir, "var/lib/sshrescue", NULL, NULL), S_IFDIR | 0700);
	assert_int_equal(tu_mode(f->dir, "var/lib", NULL, NULL), S_IFDIR | 0755);
	id = strdup(rsc_journal_id(j));

	assert_int_equal(rsc_journal_record(j, "/home/a", true), 0);
	assert_int_equal(rsc_journal_record(j, "/home/d", false), 0);
	assert_int_equal(rsc_journal_record(j, "/home/new", false), 0);
	/* recorded once: the oldest state is the one undo restores */
	assert_int_equal(rsc_root_chmod(f->root, "/home/a", 0600), 0);
	assert_int_equal(rsc_journal_record(j, "/home/a", true), 0);
	/* paths undo would refuse are refused here already */
	assert_int_equal(rsc_journal_record(j, "home/a", false), -EINVAL);
	assert_int_equal(rsc_journal_record(j, "/home/../etc/shadow", false), -EINVAL);
	assert_int_equal(rsc_journal_close(j), 0);
	/* a journal that recorded nothing is not kept */
	t = strdup(rsc_journal_id(j2));
	assert_int_equal(rsc_journal_close(j2), 0);
	p = jfx_file(t, "manifest");
	assert_null(tu_read(f->dir, p));
	free(p);
	free(t);

	s = jfx_read_manifest(f, id);
	assert_true(rsc_startswith(s, "sshrescue-journal 4\ncommand fix\ntime 2"));
	assert_non_null(
		strstr(s, "Z\n1 file 0640 1001 1002 3 data/1 /home/a\n2 dir 0750 1001 1001 "));
	assert_non_null(strstr(s, " - /home/d\n3 absent - - - - - /home/new\ncomplete\n"));
	assert_int_equal(rsc_manifest_parse(s, strlen(s), &m, NULL), 0);
	assert_int_equal(m.nrecs, 3);
	assert_true(m.complete);
	assert_string_equal(m.command, "fix");
	assert_int_equal(m.recs[1].kind, RSC_J_DIR);
	assert_int_equal(m.recs[1].mode, 0750);
	assert_false(m.recs[1].has_data);
	rsc_manifest_free(&m);
	free(s);

	/* the saved bytes: private to root */
	jfx_assert_data(f, id, "data/1", "abc");
	p = jfx_file(id, "manifest");
	assert_int_equal(tu_mode(f->dir, p, NULL, NULL), S_IFREG | 0600);
	free(p);
	free(id);
}

static void hostile_name_round_trips(void **state)
{
	struct jfx *f = *state;
	const char *rel = "home/d/a b\n\x1b[31m%41\\x\xff";
	const char *path = "/home/d/a b\n\x1b[31m%41\\x\xff";
	struct rsc_journal *j = NULL;
	struct rsc_manifest m;
	struct tu_cap c;
	char *id, *s, *line;

	jfx_skip_unless_root();
	tu_write(f->dir, rel, "secret\n", 0644, 1001, 1001);
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	assert_int_equal(rsc_journal_record(j, path, true), 0);
	assert_int_equal(rsc_journal_wrote(j, path, "x", 1), 0);
	assert_int_equal(rsc_root_write_file(f->root, path, "x", 1, 0600, 0, 0), 0);
	id = strdup(rsc_journal_id(j));
	assert_int_equal(rsc_journal_close(j), 0);
	/* edited after the fix: undo keeps the edit aside, under an escaped name */
	assert_int_equal(rsc_root_write_file(f->root, path, "edit", 4, 0600, 0, 0), 0);

	s = jfx_read_manifest(f, id);
	line = strstr(s, "\n1 file ");
	assert_non_null(line);
	assert_true(rsc_startswith(line, "\n1 file 0644 1001 1001 7 data/1 "
					 "/home/d/a%20b%0A%1B%5B31m%2541%5Cx%FF\n"
					 "wrote 1 1 data/1.new\ncomplete\n"));
	for (const char *c2 = s; *c2; c2++)
		assert_true(*c2 == '\n' || (*c2 >= 0x20 && *c2 < 0x7f));
	assert_int_equal(rsc_manifest_parse(s, strlen(s), &m, NULL), 0);
	assert_int_equal(m.nrecs, 1);
	assert_string_equal(m.recs[0].path, path);
	rsc_manifest_free(&m);
	free(s);

	assert_int_equal(rsc_journal_undo(f->root, id, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text,
			       "  restored  /home/d/a b\\x0a\\x1b[31m%41\\\\x\\xff (7 bytes, "
			       "mode 0644, owner 1001:1001)\n"));
	line = NULL;
	assert_true(asprintf(&line,
			     "  kept      /home/d/a b\\x0a\\x1b[31m%%41\\\\x\\xff: changed since "
			     "the fix; its current content is now in /home/d/a "
			     "b\\x0a\\x1b[31m%%41\\\\x\\xff.sshrescue-%s\n",
			     id) > 0);
	assert_non_null(strstr(c.text, line));
	free(line);
	for (const char *c2 = c.text; *c2; c2++)
		assert_true(*c2 == '\n' || (*c2 >= 0x20 && *c2 < 0x7f));
	free(c.text);
	s = tu_read(f->dir, rel);
	assert_string_equal(s, "secret\n");
	free(s);
	assert_true(asprintf(&line, "%s.sshrescue-%s", rel, id) > 0);
	s = tu_read(f->dir, line);
	assert_non_null(s);
	assert_string_equal(s, "edit");
	free(s);
	free(line);
	free(id);
}

static void undo_by_id_twice_and_list(void **state)
{
	struct jfx *f = *state;
	struct rsc_journal *j = NULL;
	char *id1, *id2, *want;
	struct tu_cap c;

	jfx_skip_unless_root();
	assert_int_equal(rsc_journal_list(f->root, tu_cap_open(&c)), 0);
	assert_string_equal(tu_cap_close(&c), "no journals\n");
	free(c.text);
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), -ENOENT);
	assert_string_equal(tu_cap_close(&c), "no journal to undo\n");
	free(c.text);

	id1 = jfx_chmod(f, "fix", "/home/a", 0600);
	assert_int_equal(rsc_journal_begin(f->root, "add-key", &j), 0);
	id2 = strdup(rsc_journal_id(j));
	assert_int_equal(rsc_journal_record(j, "/home/b", true), 0);
	assert_int_equal(rsc_journal_record(j, "/home/d", false), 0);
	assert_int_equal(rsc_journal_wrote(j, "/home/b", "new\n", 4), 0);
	assert_int_equal(rsc_root_write_file(f->root, "/home/b", "new\n", 4, 0600, 1001, 1001), 0);
	assert_int_equal(rsc_root_chown(f->root, "/home/d", 0, 0), 0);
	assert_int_equal(rsc_journal_close(j), 0);

	assert_int_equal(rsc_journal_list(f->root, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_true(asprintf(&want, "%s  fix  1 change\n%s  add-key  2 changes\n", id1, id2) > 0);
	assert_string_equal(c.text, want);
	free(want);
	free(c.text);

	/* the older one, by id: only its change is undone */
	assert_int_equal(rsc_journal_undo(f->root, id1, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_true(asprintf(&want, "Undoing journal %s (fix at ", id1) > 0);
	assert_true(rsc_startswith(c.text, want));
	free(want);
	assert_non_null(strstr(c.text, ", 1 change):\n"
				       "  restored  /home/a (mode 0640, owner 1001:1002)\n"));
	free(c.text);
	assert_int_equal(tu_mode(f->dir, "home/a", NULL, NULL), S_IFREG | 0640);
	assert_int_equal(tu_mode(f->dir, "home/b", NULL, NULL), S_IFREG | 0600);

	/* the newest not undone */
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text,
			       "  restored  /home/d (mode 0750, owner 1001:1001)\n"
			       "  restored  /home/b (5 bytes, mode 0644, owner 1002:1002)\n"));
	free(c.text);
	{
		char *s = tu_read(f->dir, "home/b");
		uid_t uid;
		gid_t gid;

		assert_string_equal(s, "bbbb\n");
		free(s);
		assert_int_equal(tu_mode(f->dir, "home/b", &uid, &gid), S_IFREG | 0644);
		assert_int_equal(uid, 1002);
		assert_int_equal(gid, 1002);
		assert_int_equal(tu_mode(f->dir, "home/d", &uid, &gid), S_IFDIR | 0750);
		assert_int_equal(uid, 1001);
		assert_int_equal(gid, 1001);
	}

	/* nothing left */
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), -ENOENT);
	assert_string_equal(tu_cap_close(&c), "no journal to undo\n");
	free(c.text);
	assert_int_equal(rsc_journal_undo(f->root, id1, tu_cap_open(&c)), -ENOENT);
	assert_non_null(strstr(tu_cap_close(&c), "was already undone"));
	free(c.text);
	assert_int_equal(rsc_journal_undo(f->root, "20990101T000000Z-1", tu_cap_open(&c)), -ENOENT);
	assert_string_equal(tu_cap_close(&c), "no journal 20990101T000000Z-1\n");
	free(c.text);
	assert_int_equal(rsc_journal_undo(f->root, "../../etc", tu_cap_open(&c)), -EINVAL);
	tu_cap_close(&c);
	free(c.text);
	assert_int_equal(rsc_journal_undo(f->root, "1/2", tu_cap_open(&c)), -EINVAL);
	tu_cap_close(&c);
	free(c.text);

	assert_int_equal(rsc_journal_list(f->root, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_true(asprintf(&want, "%s  fix  1 change  undone\n%s  add-key  2 changes  undone\n",
			     id1, id2) > 0);
	assert_string_equal(c.text, want);
	free(want);
	free(c.text);
	free(id1);
	free(id2);
}

static void crash_leaves_usable_manifest(void **state)
{
	struct jfx *f = *state;
	char *s, *want = NULL, id[80] = "";
	int fds[2], status;
	struct tu_cap c;
	pid_t pid;

	jfx_skip_unless_root();
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rsc_journal *j = NULL;

		close(fds[0]);
		if (rsc_journal_begin(f->root, "fix", &j) < 0 ||
		    rsc_journal_record(j, "/home/a", true) < 0 ||
		    rsc_journal_wrote(j, "/home/a", "changed", 7) < 0 ||
		    rsc_root_write_file(f->root, "/home/a", "changed", 7, 0600, 0, 0) < 0 ||
		    rsc_journal_record(j, "/home/new", false) < 0 ||
		    rsc_journal_wrote(j, "/home/new", "n", 1) < 0 ||
		    rsc_root_write_file(f->root, "/home/new", "n", 1, 0600, 0, 0) < 0)
			_exit(1);
		if (write(fds[1], rsc_journal_id(j), strlen(rsc_journal_id(j))) < 0)
			_exit(1);
		_exit(0); /* the crash: never closed */
	}
	close(fds[1]);
	assert_true(read(fds[0], id, sizeof(id) - 1) > 0);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	s = jfx_read_manifest(f, id);
	assert_null(strstr(s, "complete"));
	free(s);
	assert_int_equal(rsc_journal_list(f->root, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_true(asprintf(&want, "%s  fix  2 changes  incomplete\n", id) > 0);
	assert_string_equal(c.text, want);
	free(want);
	free(c.text);

	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "interrupted before it was closed"));
	assert_non_null(strstr(c.text, "  removed   /home/new\n"));
	free(c.text);
	s = tu_read(f->dir, "home/a");
	assert_string_equal(s, "abc");
	free(s);
	assert_int_equal(tu_mode(f->dir, "home/a", NULL, NULL), S_IFREG | 0640);
	assert_null(tu_read(f->dir, "home/new"));
}

static void ids_sort_as_numbers(void **state)
{
	struct jfx *f = *state;
	struct tu_cap c;

	jfx_skip_unless_root();
	tu_write(f->dir, JDIR "/20260101T000000Z-9/manifest",
		 HEAD "1 dir 0700 0 0 0 - /home/d\ncomplete\n", 0600, 0, 0);
	tu_write(f->dir, JDIR "/20260101T000000Z-10/manifest",
		 HEAD "1 dir 0711 0 0 0 - /home/d\ncomplete\n", 0600, 0, 0);
	tu_write(f->dir, JDIR "/20251231T235959Z-11/manifest",
		 HEAD "1 dir 0722 0 0 0 - /home/d\ncomplete\n", 0600, 0, 0);
	/* not journals: ignored */
	tu_write(f->dir, JDIR "/notes.txt", "x", 0600, 0, 0);
	tu_mkdir(f->dir, JDIR "/lost+found", 0700, 0, 0);
	assert_int_equal(rsc_journal_list(f->root, tu_cap_open(&c)), 0);
	assert_string_equal(tu_cap_close(&c), "20251231T235959Z-11  fix  1 change\n"
					      "20260101T000000Z-9  fix  1 change\n"
					      "20260101T000000Z-10  fix  1 change\n");
	free(c.text);
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	assert_true(rsc_startswith(tu_cap_close(&c), "Undoing journal 20260101T000000Z-10 "));
	free(c.text);
	assert_int_equal(tu_mode(f->dir, "home/d", NULL, NULL), S_IFDIR | 0711);
}

static void untrusted_or_bad_manifest_refused(void **state)
{
	struct jfx *f = *state;
	struct tu_cap c;

	jfx_skip_unless_root();
	/* a manifest the victim's users could have written */
	tu_write(f->dir, JDIR "/20260101T000000Z-1/manifest",
		 HEAD "1 file 0666 1001 1001 0 - /etc/shadow\ncomplete\n", 0666, 0, 0);
	tu_write(f->dir, "etc/shadow", "root:*:1::::::\n", 0640, 0, 42);
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), -EPERM);
	assert_non_null(strstr(tu_cap_close(&c), "not trusted"));
	free(c.text);
	tu_chown(f->dir, JDIR "/20260101T000000Z-1/manifest", 1001, 1001);
	tu_chmod(f->dir, JDIR "/20260101T000000Z-1/manifest", 0600);
	assert_int_equal(rsc_journal_undo(f->root, "20260101T000000Z-1", tu_cap_open(&c)), -EPERM);
	tu_cap_close(&c);
	free(c.text);
	assert_int_equal(tu_mode(f->dir, "etc/shadow", NULL, NULL), S_IFREG | 0640);

	/* a traversal: the whole manifest is refused, nothing restored */
	tu_write(f->dir, JDIR "/20260101T000000Z-2/manifest",
		 HEAD "1 dir 0700 0 0 0 - /home/d\n2 file 0666 0 0 0 - ../../etc/shadow\n", 0600, 0,
		 0);
	assert_int_equal(rsc_journal_undo(f->root, "20260101T000000Z-2", tu_cap_open(&c)),
			 -EBADMSG);
	assert_string_equal(tu_cap_close(&c),
			    "journal 20260101T000000Z-2: manifest line 5: path is "
			    "not absolute, too long or has a '..'\n");
	free(c.text);
	assert_int_equal(tu_mode(f->dir, "home/d", NULL, NULL), S_IFDIR | 0750);

	/* saved bytes that are not what the manifest says: that path fails, no marker */
	tu_write(f->dir, JDIR "/20260101T000000Z-3/manifest",
		 HEAD "1 file 0600 0 0 5 data/1 /home/b\n2 dir 0700 0 0 0 - /home/d\n", 0600, 0, 0);
	tu_write(f->dir, JDIR "/20260101T000000Z-3/data/1", "tampered", 0600, 0, 0);
	assert_int_equal(rsc_journal_undo(f->root, "20260101T000000Z-3", tu_cap_open(&c)),
			 -EBADMSG);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  restored  /home/d (mode 0700, owner 0:0)\n"
				       "  FAILED    /home/b: Bad message\n"));
	assert_non_null(strstr(c.text, "journal 20260101T000000Z-3 is NOT marked undone"));
	free(c.text);
	assert_null(tu_read(f->dir, JDIR "/20260101T000000Z-3/undone"));
	{
		char *s = tu_read(f->dir, "home/b");

		assert_string_equal(s, "bbbb\n");
		free(s);
	}
}

/* The fix's bytes: data/N.new and a "wrote" line, only for paths undo can use them for. */
static void journal_without_manifest(void **state)
{
	struct jfx *f = *state;
	struct tu_cap c;

	jfx_skip_unless_root();
	tu_mkdir(f->dir, "var/lib/sshrescue", 0700, 0, 0);
	tu_mkdir(f->dir, JDIR, 0700, 0, 0);
	tu_mkdir(f->dir, JDIR "/20261201T000000Z-1", 0700, 0, 0);
	assert_int_equal(rsc_journal_list(f->root, tu_cap_open(&c)), 0);
	assert_string_equal(tu_cap_close(&c), "20261201T000000Z-1  (stopped before its manifest "
					      "was made)  0 changes  incomplete\n");
	free(c.text);
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), -ENOENT);
	assert_string_equal(tu_cap_close(&c), "no journal to undo\n");
	free(c.text);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, jfx_setup, jfx_teardown)
	const struct CMUnitTest tests[] = {
		T(layout_and_exact_manifest), T(hostile_name_round_trips),
		T(undo_by_id_twice_and_list), T(crash_leaves_usable_manifest),
		T(ids_sort_as_numbers),	      T(untrusted_or_bad_manifest_refused),
		T(journal_without_manifest),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
