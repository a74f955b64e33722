// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_journal.c - the undo journal on the victim: its layout, the exact
 * manifest, hostile names, undo (by id, twice, after a crash), list, and a
 * manifest that is not to be trusted. The parser alone: test_manifest.c.
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
#include "root.h"
#include "testutil.h"
#include "util.h"

#define JDIR "var/lib/sshrescue/journal"

struct fx {
	char *dir;
	struct rsc_root *root;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->dir = tu_mkdtemp();
	if (geteuid() == 0) {
		tu_write(f->dir, "home/a", "abc", 0640, 1001, 1002);
		tu_write(f->dir, "home/b", "bbbb\n", 0644, 1002, 1002);
		tu_mkdir(f->dir, "home/d", 0750, 1001, 1001);
	}
	if (rsc_root_open(f->dir, &f->root) < 0)
		return -1;
	*state = f;
	return 0;
}

/* The fixture gives files to other users: without root, those tests are skipped. */
static void skip_unless_root(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "not root: owners cannot be set, skipped\n");
		skip();
	}
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

static char *jfile(const char *id, const char *name)
{
	char *p = NULL;

	assert_true(asprintf(&p, JDIR "/%s/%s", id, name) > 0);
	return p;
}

static char *read_manifest(struct fx *f, const char *id)
{
	char *p = jfile(id, "manifest"), *s = tu_read(f->dir, p);

	free(p);
	assert_non_null(s);
	return s;
}

static bool id_shaped(const char *id)
{
	/* 20261123T034501Z-1 */
	if (strlen(id) < 18 || id[8] != 'T' || id[15] != 'Z' || id[16] != '-')
		return false;
	return strspn(id, "0123456789") == 8 && strspn(id + 9, "0123456789") == 6 &&
	       strspn(id + 17, "0123456789") == strlen(id + 17);
}

/* Start a journal, record paths, make a change, close; returns the id (caller frees). */
static char *journal_chmod(struct fx *f, const char *cmd, const char *path, mode_t mode)
{
	struct rsc_journal *j = NULL;
	char *id;

	assert_int_equal(rsc_journal_begin(f->root, cmd, &j), 0);
	assert_int_equal(rsc_journal_record(j, path, false), 0);
	assert_int_equal(rsc_root_chmod(f->root, path, mode), 0);
	id = strdup(rsc_journal_id(j));
	assert_int_equal(rsc_journal_close(j), 0);
	return id;
}

static void layout_and_exact_manifest(void **state)
{
	struct fx *f = *state;
	struct rsc_journal *j = NULL, *j2 = NULL;
	struct rsc_manifest m;
	char *id, *s, *p, *t;
	uid_t uid;
	gid_t gid;

	skip_unless_root();
	/* a victim that made the journal directory world-writable gets it fixed */
	tu_mkdir(f->dir, JDIR, 0777, 1001, 1001);
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j2), 0);
	assert_true(id_shaped(rsc_journal_id(j)));
	assert_true(id_shaped(rsc_journal_id(j2)));
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
	p = jfile(t, "manifest");
	assert_null(tu_read(f->dir, p));
	free(p);
	free(t);

	s = read_manifest(f, id);
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
	p = jfile(id, "data/1");
	s = tu_read(f->dir, p);
	assert_string_equal(s, "abc");
	assert_int_equal(tu_mode(f->dir, p, &uid, NULL), S_IFREG | 0600);
	assert_int_equal(uid, 0);
	free(s);
	free(p);
	p = jfile(id, "manifest");
	assert_int_equal(tu_mode(f->dir, p, NULL, NULL), S_IFREG | 0600);
	free(p);
	free(id);
}

static void hostile_name_round_trips(void **state)
{
	struct fx *f = *state;
	const char *rel = "home/d/a b\n\x1b[31m%41\\x\xff";
	const char *path = "/home/d/a b\n\x1b[31m%41\\x\xff";
	struct rsc_journal *j = NULL;
	struct rsc_manifest m;
	struct tu_cap c;
	char *id, *s, *line;

	skip_unless_root();
	tu_write(f->dir, rel, "secret\n", 0644, 1001, 1001);
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	assert_int_equal(rsc_journal_record(j, path, true), 0);
	assert_int_equal(rsc_journal_wrote(j, path, "x", 1), 0);
	assert_int_equal(rsc_root_write_file(f->root, path, "x", 1, 0600, 0, 0), 0);
	id = strdup(rsc_journal_id(j));
	assert_int_equal(rsc_journal_close(j), 0);
	/* edited after the fix: undo keeps the edit aside, under an escaped name */
	assert_int_equal(rsc_root_write_file(f->root, path, "edit", 4, 0600, 0, 0), 0);

	s = read_manifest(f, id);
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

#define HEAD  "sshrescue-journal 1\ncommand fix\ntime 2026-11-23T03:45:01Z\n"
#define HEAD2 "sshrescue-journal 2\ncommand fix\ntime 2026-11-23T03:45:01Z\n"
#define HEAD3 "sshrescue-journal 3\ncommand fix\ntime 2026-11-23T03:45:01Z\n"

static void undo_by_id_twice_and_list(void **state)
{
	struct fx *f = *state;
	struct rsc_journal *j = NULL;
	char *id1, *id2, *want;
	struct tu_cap c;

	skip_unless_root();
	assert_int_equal(rsc_journal_list(f->root, tu_cap_open(&c)), 0);
	assert_string_equal(tu_cap_close(&c), "no journals\n");
	free(c.text);
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), -ENOENT);
	assert_string_equal(tu_cap_close(&c), "no journal to undo\n");
	free(c.text);

	id1 = journal_chmod(f, "fix", "/home/a", 0600);
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
	struct fx *f = *state;
	char *s, *want = NULL, id[80] = "";
	int fds[2], status;
	struct tu_cap c;
	pid_t pid;

	skip_unless_root();
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

	s = read_manifest(f, id);
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
	struct fx *f = *state;
	struct tu_cap c;

	skip_unless_root();
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
	struct fx *f = *state;
	struct tu_cap c;

	skip_unless_root();
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
static void wrote_is_journaled_exactly(void **state)
{
	struct fx *f = *state;
	struct rsc_journal *j = NULL;
	struct rsc_manifest m;
	char *id, *s, *p;
	uid_t uid;

	skip_unless_root();
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

	s = read_manifest(f, id);
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
	p = jfile(id, "data/3.new");
	s = tu_read(f->dir, p);
	assert_string_equal(s, "second\n");
	assert_int_equal(tu_mode(f->dir, p, &uid, NULL), S_IFREG | 0600);
	assert_int_equal(uid, 0);
	free(s);
	free(p);
	p = jfile(id, "data/4.new");
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
	struct fx *f = *state;
	struct rsc_journal *j = NULL;
	struct tu_cap c;
	char *id, *s;

	skip_unless_root();
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
		char *u = jfile(id, "undone");

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
	struct fx *f = *state;
	struct tu_cap c;
	char *s;

	skip_unless_root();
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
	struct fx *f = *state;
	struct tu_cap c;
	char *s;

	skip_unless_root();
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
	struct fx *f = *state;
	struct rsc_journal *j = NULL;
	struct rsc_manifest m;
	char *id, *s, *p, *longt = malloc(PATH_MAX + 1);
	uid_t uid;

	skip_unless_root();
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

	s = read_manifest(f, id);
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
	p = jfile(id, "data/3");
	s = tu_read(f->dir, p);
	assert_string_equal(s, "/dev/null");
	assert_int_equal(tu_mode(f->dir, p, &uid, NULL), S_IFREG | 0600);
	assert_int_equal(uid, 0);
	free(s);
	free(p);
	p = jfile(id, "data/3.new");
	s = tu_read(f->dir, p);
	assert_string_equal(s, "/lib/x");
	free(s);
	free(p);
	free(id);
}

/* Hand-made version 3 journals: nothing is removed or made on damaged or missing saved text. */
static void linked_undo_damaged_or_changed(void **state)
{
	struct fx *f = *state;
	struct tu_cap c;
	uid_t uid;
	gid_t gid;

	skip_unless_root();
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
static void journal_without_manifest(void **state)
{
	struct fx *f = *state;
	struct tu_cap c;

	skip_unless_root();
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
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(layout_and_exact_manifest),
		T(hostile_name_round_trips),
		T(undo_by_id_twice_and_list),
		T(crash_leaves_usable_manifest),
		T(ids_sort_as_numbers),
		T(untrusted_or_bad_manifest_refused),
		T(wrote_is_journaled_exactly),
		T(interrupted_before_the_write),
		T(version1_journal_undoes_as_before),
		T(damaged_fix_bytes_keep_the_file),
		T(linked_is_journaled_exactly),
		T(linked_undo_damaged_or_changed),
		T(journal_without_manifest),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
