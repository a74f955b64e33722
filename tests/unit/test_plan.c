// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_plan.c - the fix plan: merging, the exact preview text, apply through
 * the journal (idempotent, stops at the first error, never through a
 * symlink), and undo giving back every byte, mode and owner.
 */
#include <dirent.h>
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
#include <unistd.h>

#include <cmocka.h>

#include "journal.h"
#include "plan.h"
#include "root.h"
#include "testutil.h"
#include "util.h"

struct fx {
	char *dir;
	struct rsc_root *root;
};

static void skip_unless_root(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "not root: owners cannot be set, skipped\n");
		skip();
	}
}

/*
 * alice's home, broken:
 *   /home/alice              0755 1001:1001
 *   /home/alice/.ssh         0777 1002:1002
 *   /home/alice/.ssh/authorized_keys  "ssh-ed25519 AAAA old\r\n" 0644 1001:1001
 */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->dir = tu_mkdtemp();
	if (geteuid() == 0) {
		tu_mkdir(f->dir, "home/alice", 0755, 1001, 1001);
		tu_mkdir(f->dir, "home/alice/.ssh", 0777, 1002, 1002);
		tu_write(f->dir, "home/alice/.ssh/authorized_keys", "ssh-ed25519 AAAA old\r\n",
			 0644, 1001, 1001);
	}
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

static void merge_and_copy(void **state)
{
	struct rsc_plan p = { 0 };
	char path[] = "/home/alice/.ssh";
	char data[] = "abc";

	(void)state;
	assert_int_equal(rsc_plan_chmod(&p, "a.code", path, 0700, "first"), 0);
	/* the same chmod again: one operation, the first reason kept */
	assert_int_equal(rsc_plan_chmod(&p, "b.code", path, 0700, "second"), 0);
	assert_int_equal(p.nops, 1);
	assert_string_equal(p.ops[0].code, "a.code");
	assert_string_equal(p.ops[0].why, "first");
	/* a different mode for the same path: the later wins, still one operation */
	assert_int_equal(rsc_plan_chmod(&p, "c.code", path, 0750, NULL), 0);
	assert_int_equal(p.nops, 1);
	assert_int_equal(p.ops[0].mode, 0750);
	assert_string_equal(p.ops[0].code, "c.code");
	assert_null(p.ops[0].why);
	/* a chown of the same path is another operation; merged with itself */
	assert_int_equal(rsc_plan_chown(&p, "d.code", path, 1001, 1001, NULL), 0);
	assert_int_equal(rsc_plan_chown(&p, "d.code", path, 1001, 1001, NULL), 0);
	assert_int_equal(p.nops, 2);
	assert_int_equal(rsc_plan_chown(&p, "d.code", path, 1001, 1002, NULL), 0);
	assert_int_equal(p.nops, 2);
	assert_int_equal(p.ops[1].gid, 1002);
	/* another path is another operation */
	assert_int_equal(rsc_plan_chmod(&p, "a.code", "/home/alice", 0755, NULL), 0);
	assert_int_equal(p.nops, 3);
	/* writes are copied; the caller's buffers may change afterwards */
	assert_int_equal(rsc_plan_write(&p, "w", "/x", data, 3, 0600, 1, 2, "w"), 0);
	assert_int_equal(rsc_plan_mkdir(&p, "m", "/d", 0700, 1, 2, NULL), 0);
	data[0] = 'X';
	path[1] = 'X';
	assert_int_equal(p.nops, 5);
	assert_string_equal(p.ops[0].path, "/home/alice/.ssh");
	assert_int_equal(p.ops[3].len, 3);
	assert_memory_equal(p.ops[3].data, "abc", 3);
	assert_int_equal(p.ops[3].kind, RSC_OP_WRITE);
	assert_int_equal(p.ops[4].kind, RSC_OP_MKDIR);
	/* a relative path is refused */
	assert_int_equal(rsc_plan_chmod(&p, "a", "home/x", 0700, NULL), -EINVAL);
	assert_int_equal(p.nops, 5);
	rsc_plan_free(&p);
	assert_int_equal(p.nops, 0);
	assert_null(p.ops);
}

/* The plan of the tests below: one op of each kind, plus one already satisfied. */
static void build(struct rsc_plan *p)
{
	assert_int_equal(rsc_plan_mkdir(p, "new.dir", "/home/alice/new", 0700, 1001, 1001, NULL),
			 0);
	assert_int_equal(rsc_plan_write(p, "new.file", "/home/alice/new/f", "hello\n", 6, 0600,
					1001, 1001, "made"),
			 0);
	assert_int_equal(rsc_plan_write(p, "ssh.keys.crlf", "/home/alice/.ssh/authorized_keys",
					"ssh-ed25519 AAAA old\n", 21, 0600, 1001, 1001, NULL),
			 0);
	assert_int_equal(rsc_plan_chown(p, "ssh.dir.owner", "/home/alice/.ssh", 1001, 1001, NULL),
			 0);
	assert_int_equal(rsc_plan_chmod(p, "ssh.dir.mode", "/home/alice/.ssh", 0700,
					"~/.ssh private to its user"),
			 0);
	/* already so: neither shown nor counted nor journaled */
	assert_int_equal(rsc_plan_chmod(p, "home.mode", "/home/alice", 0755, NULL), 0);
}

static void preview_exact(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t n;

	skip_unless_root();
	build(&p);
	n = rsc_plan_preview(&p, f->root, tu_cap_open(&c));
	assert_string_equal(
		tu_cap_close(&c),
		"  mkdir /home/alice/new 0700 1001:1001 (new.dir)\n"
		"  create /home/alice/new/f (6 bytes, mode 0600, owner 1001:1001) (new.file: "
		"made)\n"
		"  rewrite /home/alice/.ssh/authorized_keys (22 -> 21 bytes, mode 0600, owner "
		"1001:1001) (ssh.keys.crlf)\n"
		"  chown 1002:1002 -> 1001:1001  /home/alice/.ssh  (ssh.dir.owner)\n"
		"  chmod 0777 -> 0700  /home/alice/.ssh  (ssh.dir.mode: ~/.ssh private to its "
		"user)\n");
	assert_int_equal(n, 5);
	free(c.text);
	/* the preview changed nothing */
	assert_int_equal(tu_mode(f->dir, "home/alice/.ssh", NULL, NULL) & 07777, 0777);
	assert_null(tu_read(f->dir, "home/alice/new/f"));
	rsc_plan_free(&p);
}

static void preview_escapes_and_missing(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;

	skip_unless_root();
	tu_write(f->dir, "home/alice/evil\n\x1b[31mname", "x", 0666, 1001, 1001);
	assert_int_equal(rsc_plan_chmod(&p, "c", "/home/alice/evil\n\x1b[31mname", 0600, NULL), 0);
	assert_int_equal(rsc_plan_chmod(&p, "c", "/home/alice/gone", 0600, NULL), 0);
	assert_int_equal(rsc_plan_preview(&p, f->root, tu_cap_open(&c)), 2);
	assert_string_equal(tu_cap_close(&c),
			    "  chmod 0666 -> 0600  /home/alice/evil\\x0a\\x1b[31mname  (c)\n"
			    "  chmod (missing) -> 0600  /home/alice/gone  (c)\n");
	free(c.text);
	rsc_plan_free(&p);
}

static void apply_exact_then_idempotent(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct rsc_journal *j = NULL;
	struct tu_cap c;
	size_t done = 99;
	uid_t uid;
	gid_t gid;
	char *s;

	skip_unless_root();
	build(&p);
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	assert_int_equal(rsc_plan_apply(&p, f->root, j, &done, stderr), 0);
	assert_int_equal(rsc_journal_close(j), 0);
	assert_int_equal(done, 5);

	assert_int_equal(tu_mode(f->dir, "home/alice/new", &uid, &gid), S_IFDIR | 0700);
	assert_int_equal(uid, 1001);
	assert_int_equal(gid, 1001);
	assert_int_equal(tu_mode(f->dir, "home/alice/new/f", &uid, &gid), S_IFREG | 0600);
	assert_int_equal(uid, 1001);
	assert_int_equal(gid, 1001);
	s = tu_read(f->dir, "home/alice/new/f");
	assert_string_equal(s, "hello\n");
	free(s);
	s = tu_read(f->dir, "home/alice/.ssh/authorized_keys");
	assert_string_equal(s, "ssh-ed25519 AAAA old\n");
	free(s);
	assert_int_equal(tu_mode(f->dir, "home/alice/.ssh/authorized_keys", &uid, &gid),
			 S_IFREG | 0600);
	assert_int_equal(uid, 1001);
	assert_int_equal(tu_mode(f->dir, "home/alice/.ssh", &uid, &gid), S_IFDIR | 0700);
	assert_int_equal(uid, 1001);
	assert_int_equal(gid, 1001);
	assert_int_equal(tu_mode(f->dir, "home/alice", NULL, NULL), S_IFDIR | 0755);

	/* nothing left to show */
	assert_int_equal(rsc_plan_preview(&p, f->root, tu_cap_open(&c)), 0);
	assert_string_equal(tu_cap_close(&c), "");
	free(c.text);

	/* the same plan again changes nothing and records nothing */
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	assert_int_equal(rsc_plan_apply(&p, f->root, j, &done, stderr), 0);
	assert_int_equal(done, 0);
	assert_int_equal(rsc_journal_close(j), 0);
	assert_int_equal(rsc_journal_list(f->root, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	/* one journal: the empty one was not kept */
	assert_non_null(strstr(c.text, "  fix  4 changes\n"));
	assert_int_equal(strchr(c.text, '\n') - c.text + 1, (ptrdiff_t)c.len);
	free(c.text);
	rsc_plan_free(&p);
}

struct snap {
	mode_t mode;
	uid_t uid;
	gid_t gid;
	char *data;
};

static void take(const char *dir, const char *rel, struct snap *s)
{
	s->mode = tu_mode(dir, rel, &s->uid, &s->gid);
	s->data = S_ISREG(s->mode) ? tu_read(dir, rel) : NULL;
}

static void same(const char *dir, const char *rel, struct snap *s)
{
	struct snap now;

	take(dir, rel, &now);
	assert_int_equal(now.mode, s->mode);
	assert_int_equal(now.uid, s->uid);
	assert_int_equal(now.gid, s->gid);
	if (s->data || now.data) {
		assert_non_null(now.data);
		assert_string_equal(now.data, s->data);
	}
	free(now.data);
	free(s->data);
}

static bool exists(const char *dir, const char *rel)
{
	char *p = NULL;
	struct stat st;
	bool r;

	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	r = lstat(p, &st) == 0;
	free(p);
	return r;
}

static void apply_then_undo_restores(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct rsc_journal *j = NULL;
	struct snap home, ssh, keys;
	struct tu_cap c;
	size_t done = 0;

	skip_unless_root();
	tu_chmod(f->dir, "home/alice/.ssh/authorized_keys", 04751); /* odd bits survive too */
	take(f->dir, "home/alice", &home);
	take(f->dir, "home/alice/.ssh", &ssh);
	take(f->dir, "home/alice/.ssh/authorized_keys", &keys);
	build(&p);
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	assert_int_equal(rsc_plan_apply(&p, f->root, j, &done, stderr), 0);
	assert_int_equal(rsc_journal_close(j), 0);
	assert_int_equal(done, 5);

	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	same(f->dir, "home/alice", &home);
	same(f->dir, "home/alice/.ssh", &ssh);
	same(f->dir, "home/alice/.ssh/authorized_keys", &keys);
	/* what the plan created is gone */
	assert_false(exists(f->dir, "home/alice/new/f"));
	assert_false(exists(f->dir, "home/alice/new"));
	assert_non_null(strstr(c.text, "  removed   /home/alice/new/f\n"
				       "  removed   /home/alice/new\n"));
	assert_non_null(
		strstr(c.text, "  restored  /home/alice/.ssh (mode 0777, owner 1002:1002)\n"));
	assert_non_null(strstr(c.text, "  restored  /home/alice/.ssh/authorized_keys (22 bytes, "
				       "mode 4751, owner 1001:1001)\n"));
	free(c.text);
	rsc_plan_free(&p);
}

static void undo_keeps_a_created_dir_with_user_files(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct rsc_journal *j = NULL;
	struct tu_cap c;
	size_t done = 0;
	char *s;

	skip_unless_root();
	assert_int_equal(rsc_plan_mkdir(&p, "m", "/home/alice/made", 0700, 1001, 1001, NULL), 0);
	assert_int_equal(rsc_journal_begin(f->root, "add-key", &j), 0);
	assert_int_equal(rsc_plan_apply(&p, f->root, j, &done, stderr), 0);
	assert_int_equal(rsc_journal_close(j), 0);
	assert_int_equal(done, 1);
	/* the user puts a file in it afterwards */
	tu_write(f->dir, "home/alice/made/notes", "mine\n", 0600, 1001, 1001);

	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  kept      /home/alice/made: "));
	free(c.text);
	s = tu_read(f->dir, "home/alice/made/notes");
	assert_string_equal(s, "mine\n");
	free(s);
	rsc_plan_free(&p);
}

static void apply_stops_at_first_error(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct rsc_journal *j = NULL;
	struct tu_cap c;
	size_t done = 99;

	skip_unless_root();
	assert_int_equal(rsc_plan_chmod(&p, "a", "/home/alice/.ssh", 0700, NULL), 0);
	assert_int_equal(rsc_plan_chmod(&p, "b", "/home/alice/missing", 0700, NULL), 0);
	assert_int_equal(rsc_plan_chmod(&p, "c", "/home/alice", 0700, NULL), 0);
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	assert_int_equal(rsc_plan_apply(&p, f->root, j, &done, tu_cap_open(&c)), -ENOENT);
	tu_cap_close(&c);
	assert_int_equal(rsc_journal_close(j), 0);
	assert_int_equal(done, 1);
	assert_string_equal(c.text, "sshrescue: cannot chmod /home/alice/missing: "
				    "No such file or directory\n");
	free(c.text);
	assert_int_equal(tu_mode(f->dir, "home/alice/.ssh", NULL, NULL) & 07777, 0700);
	assert_int_equal(tu_mode(f->dir, "home/alice", NULL, NULL) & 07777, 0755);
	rsc_plan_free(&p);
}

static void never_through_a_symlink(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct rsc_journal *j = NULL;
	struct tu_cap c;
	size_t done = 99;

	skip_unless_root();
	tu_write(f->dir, "etc/shadow", "root:*:1::::::\n", 0640, 0, 42);
	tu_symlink(f->dir, "home/alice/.ssh/authorized_keys2", "/etc/shadow");
	assert_int_equal(rsc_plan_chmod(&p, "a", "/home/alice/.ssh/authorized_keys2", 0600, NULL),
			 0);
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	assert_int_equal(rsc_plan_apply(&p, f->root, j, &done, tu_cap_open(&c)), -ELOOP);
	tu_cap_close(&c);
	assert_int_equal(rsc_journal_close(j), 0);
	assert_int_equal(done, 0);
	assert_non_null(strstr(c.text, "cannot chmod /home/alice/.ssh/authorized_keys2"));
	free(c.text);
	assert_int_equal(tu_mode(f->dir, "etc/shadow", NULL, NULL) & 07777, 0640);
	/* nothing was recorded, so no journal was kept */
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), -ENOENT);
	tu_cap_close(&c);
	free(c.text);
	rsc_plan_free(&p);
}

#define KEYS  "home/alice/.ssh/authorized_keys"
#define KEYS2 "home/alice/.ssh/authorized_keys2"

/* Apply a plan of one write of path in a new journal; returns the journal's id (caller frees). */
static char *apply_one_write(struct fx *f, const char *path, const char *data)
{
	struct rsc_plan p = { 0 };
	struct rsc_journal *j = NULL;
	size_t done = 0;
	char *id;

	assert_int_equal(
		rsc_plan_write(&p, "add-key", path, data, strlen(data), 0600, 1001, 1001, NULL), 0);
	assert_int_equal(rsc_journal_begin(f->root, "add-key", &j), 0);
	id = strdup(rsc_journal_id(j));
	assert_int_equal(rsc_plan_apply(&p, f->root, j, &done, stderr), 0);
	assert_int_equal(rsc_journal_close(j), 0);
	assert_int_equal(done, 1);
	rsc_plan_free(&p);
	return id;
}

/* Names in dir/rel that contain ".sshrescue-". */
static size_t side_files(const char *dir, const char *rel)
{
	char *p = NULL;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	d = opendir(p);
	assert_non_null(d);
	while ((de = readdir(d)))
		n += strstr(de->d_name, ".sshrescue-") != NULL;
	closedir(d);
	free(p);
	return n;
}

static bool undone(struct fx *f, const char *id)
{
	char *p = NULL, *s;
	bool r;

	assert_true(asprintf(&p, "var/lib/sshrescue/journal/%s/undone", id) > 0);
	s = tu_read(f->dir, p);
	r = s && rsc_startswith(s, "undone ");
	free(s);
	free(p);
	return r;
}

static void undo_removes_a_created_file_untouched(void **state)
{
	struct fx *f = *state;
	struct tu_cap c;
	char *id;

	skip_unless_root();
	id = apply_one_write(f, "/" KEYS2, "ssh-ed25519 AAAA new\n");
	assert_true(exists(f->dir, KEYS2));
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  removed   /" KEYS2 "\n"));
	free(c.text);
	assert_false(exists(f->dir, KEYS2));
	assert_int_equal(side_files(f->dir, "home/alice/.ssh"), 0);
	assert_true(undone(f, id));
	free(id);
}

/* add-key created the file, the admin appended keys by hand, then ran undo. */
static void undo_keeps_a_created_file_edited_since(void **state)
{
	struct fx *f = *state;
	const char *edited = "ssh-ed25519 AAAA new\nssh-ed25519 BBBB added by hand\n";
	uid_t uid;
	gid_t gid;
	struct tu_cap c;
	char *id, *s;

	skip_unless_root();
	id = apply_one_write(f, "/" KEYS2, "ssh-ed25519 AAAA new\n");
	tu_write(f->dir, KEYS2, edited, 0600, 1001, 1001);

	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  kept      /" KEYS2 ": the fix created this file, but "
				       "it was changed since; remove it by hand if it is not "
				       "wanted\n"));
	assert_non_null(strstr(c.text, " undone\n"));
	free(c.text);
	s = tu_read(f->dir, KEYS2);
	assert_string_equal(s, edited);
	free(s);
	assert_int_equal(tu_mode(f->dir, KEYS2, &uid, &gid), S_IFREG | 0600);
	assert_int_equal(uid, 1001);
	assert_int_equal(gid, 1001);
	assert_int_equal(side_files(f->dir, "home/alice/.ssh"), 0);
	/* the journal counts as undone: there is nothing left to undo */
	assert_true(undone(f, id));
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), -ENOENT);
	assert_string_equal(tu_cap_close(&c), "no journal to undo\n");
	free(c.text);

	/* same length, other bytes: still not the fix's */
	free(id);
	id = apply_one_write(f, "/home/alice/.ssh/k3", "abc\n");
	tu_write(f->dir, "home/alice/.ssh/k3", "abd\n", 0600, 1001, 1001);
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	assert_non_null(strstr(tu_cap_close(&c), "  kept      /home/alice/.ssh/k3: "));
	free(c.text);
	s = tu_read(f->dir, "home/alice/.ssh/k3");
	assert_string_equal(s, "abd\n");
	free(s);
	/* only the mode changed since: the bytes are the fix's, so it goes */
	free(id);
	id = apply_one_write(f, "/home/alice/.ssh/k4", "abc\n");
	tu_chmod(f->dir, "home/alice/.ssh/k4", 0644);
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	assert_non_null(strstr(tu_cap_close(&c), "  removed   /home/alice/.ssh/k4\n"));
	free(c.text);
	assert_false(exists(f->dir, "home/alice/.ssh/k4"));
	free(id);
}

static void undo_restores_a_rewritten_file_untouched(void **state)
{
	struct fx *f = *state;
	struct snap keys;
	struct tu_cap c;
	char *id;

	skip_unless_root();
	take(f->dir, KEYS, &keys);
	id = apply_one_write(f, "/" KEYS, "ssh-ed25519 AAAA fixed\n");
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  restored  /" KEYS " (22 bytes, mode 0644, owner "
				       "1001:1001)\n"));
	assert_null(strstr(c.text, "kept"));
	free(c.text);
	same(f->dir, KEYS, &keys);
	assert_int_equal(side_files(f->dir, "home/alice/.ssh"), 0);
	assert_true(undone(f, id));
	free(id);
}

static void undo_keeps_aside_a_rewritten_file_edited_since(void **state)
{
	struct fx *f = *state;
	const char *edited = "ssh-ed25519 AAAA fixed\nssh-rsa CCCC by hand\n";
	struct snap keys;
	uid_t uid;
	gid_t gid;
	struct tu_cap c;
	char *id, *side = NULL, *s, *want = NULL;

	skip_unless_root();
	take(f->dir, KEYS, &keys);
	id = apply_one_write(f, "/" KEYS, "ssh-ed25519 AAAA fixed\n");
	tu_write(f->dir, KEYS, edited, 0640, 1002, 1001);

	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_true(asprintf(&want,
			     "  kept      /" KEYS ": changed since the fix; its current content "
			     "is now in /" KEYS ".sshrescue-%s\n"
			     "  restored  /" KEYS " (22 bytes, mode 0644, owner 1001:1001)\n",
			     id) > 0);
	assert_non_null(strstr(c.text, want));
	free(want);
	free(c.text);
	/* the path holds the earlier bytes, the side file the edit, with its mode and owner */
	same(f->dir, KEYS, &keys);
	assert_true(asprintf(&side, KEYS ".sshrescue-%s", id) > 0);
	s = tu_read(f->dir, side);
	assert_non_null(s);
	assert_string_equal(s, edited);
	free(s);
	assert_int_equal(tu_mode(f->dir, side, &uid, &gid), S_IFREG | 0640);
	assert_int_equal(uid, 1002);
	assert_int_equal(gid, 1001);
	assert_int_equal(side_files(f->dir, "home/alice/.ssh"), 1);
	assert_true(undone(f, id));
	free(side);
	free(id);
}

/* The side file's name is taken already: the next free one is used, nothing is overwritten. */
static void side_file_never_overwrites(void **state)
{
	struct fx *f = *state;
	char *id, *side = NULL, *side2 = NULL, *s;
	struct tu_cap c;

	skip_unless_root();
	id = apply_one_write(f, "/" KEYS, "ssh-ed25519 AAAA fixed\n");
	tu_write(f->dir, KEYS, "edited\n", 0600, 1001, 1001);
	assert_true(asprintf(&side, KEYS ".sshrescue-%s", id) > 0);
	assert_true(asprintf(&side2, KEYS ".sshrescue-%s.2", id) > 0);
	tu_write(f->dir, side, "precious\n", 0600, 0, 0);

	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, ".sshrescue-"));
	assert_non_null(strstr(c.text, ".2\n"));
	free(c.text);
	s = tu_read(f->dir, side);
	assert_string_equal(s, "precious\n");
	free(s);
	s = tu_read(f->dir, side2);
	assert_non_null(s);
	assert_string_equal(s, "edited\n");
	free(s);
	s = tu_read(f->dir, KEYS);
	assert_string_equal(s, "ssh-ed25519 AAAA old\r\n");
	free(s);
	free(side);
	free(side2);
	free(id);
}

/* A chmod of a file before the plan writes it: its first record still saves its bytes. */
static void chmod_then_write_keeps_the_earlier_bytes(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct rsc_journal *j = NULL;
	struct snap keys;
	struct tu_cap c;
	size_t done = 0;

	skip_unless_root();
	take(f->dir, KEYS, &keys);
	assert_int_equal(rsc_plan_chmod(&p, "ssh.keys.mode", "/" KEYS, 0600, NULL), 0);
	assert_int_equal(rsc_plan_write(&p, "ssh.keys.crlf", "/" KEYS, "ssh-ed25519 AAAA old\n", 21,
					0600, 1001, 1001, NULL),
			 0);
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	assert_int_equal(rsc_plan_apply(&p, f->root, j, &done, stderr), 0);
	assert_int_equal(rsc_journal_close(j), 0);
	assert_int_equal(done, 2);
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  restored  /" KEYS " (22 bytes, mode 0644, owner "
				       "1001:1001)\n"));
	free(c.text);
	same(f->dir, KEYS, &keys);
	assert_int_equal(side_files(f->dir, "home/alice/.ssh"), 0);
	rsc_plan_free(&p);
}

/* ---- UNLINK and SYMLINK ------------------------------------------------------ */

#define MASK  "etc/systemd/system/ssh.service"
#define WANTS "etc/systemd/system/multi-user.target.wants/ssh.service"
#define UNIT  "/lib/systemd/system/ssh.service"

/* symlink dir/rel -> target owned by uid:gid (lchown: the link, not its target). */
static void mklink(const char *dir, const char *rel, const char *target, uid_t uid, gid_t gid)
{
	char *p = NULL;

	tu_symlink(dir, rel, target);
	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	assert_int_equal(lchown(p, uid, gid), 0);
	free(p);
}

/* The target of the symlink dir/rel (caller frees), NULL if it is not one. */
static char *link_of(const char *dir, const char *rel)
{
	char *p = NULL, buf[4096];
	ssize_t n;

	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	n = readlink(p, buf, sizeof(buf) - 1);
	free(p);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

static void assert_link_is(const char *dir, const char *rel, const char *target, uid_t uid,
			   gid_t gid)
{
	char *t = link_of(dir, rel);
	uid_t u;
	gid_t g;

	assert_non_null(t);
	assert_string_equal(t, target);
	free(t);
	assert_int_equal(tu_mode(dir, rel, &u, &g) & S_IFMT, S_IFLNK);
	assert_int_equal(u, uid);
	assert_int_equal(g, gid);
}

/* Apply p in a new journal; returns its id (caller frees) and *done. */
static char *apply_plan(struct fx *f, const struct rsc_plan *p, int want, size_t *done, FILE *err)
{
	struct rsc_journal *j = NULL;
	char *id;

	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	id = strdup(rsc_journal_id(j));
	assert_int_equal(rsc_plan_apply(p, f->root, j, done, err), want);
	assert_int_equal(rsc_journal_close(j), 0);
	return id;
}

static char *journal_file(struct fx *f, const char *id, const char *name)
{
	char *p = NULL, *s;

	assert_true(asprintf(&p, "var/lib/sshrescue/journal/%s/%s", id, name) > 0);
	s = tu_read(f->dir, p);
	free(p);
	return s;
}

/* The manifest's lines after its header (from the first record on). */
static char *records_of(struct fx *f, const char *id)
{
	char *s = journal_file(f, id, "manifest"), *r;

	assert_non_null(s);
	assert_true(rsc_startswith(s, "sshrescue-journal 4\ncommand fix\ntime "));
	r = strdup(strchr(strstr(s, "\ntime ") + 1, '\n') + 1);
	free(s);
	return r;
}

static void link_ops_args(void **state)
{
	struct rsc_plan p = { 0 };
	char target[] = UNIT;
	char *longt = malloc(PATH_MAX + 1);

	(void)state;
	assert_int_equal(rsc_plan_unlink(&p, "u", "/etc/nologin", "w"), 0);
	assert_int_equal(rsc_plan_symlink(&p, "s", "/" WANTS, target, 3, 4, NULL), 0);
	target[1] = 'X'; /* copied */
	assert_int_equal(p.nops, 2);
	assert_int_equal(p.ops[0].kind, RSC_OP_UNLINK);
	assert_string_equal(p.ops[0].why, "w");
	assert_null(p.ops[0].target);
	assert_int_equal(p.ops[1].kind, RSC_OP_SYMLINK);
	assert_string_equal(p.ops[1].target, UNIT);
	assert_int_equal(p.ops[1].uid, 3);
	assert_int_equal(p.ops[1].gid, 4);
	assert_null(p.ops[1].why);
	/* refused: relative path, no target, a target no link can hold */
	assert_int_equal(rsc_plan_unlink(&p, "u", "etc/nologin", NULL), -EINVAL);
	assert_int_equal(rsc_plan_symlink(&p, "s", "etc/x", UNIT, 0, 0, NULL), -EINVAL);
	assert_int_equal(rsc_plan_symlink(&p, "s", "/etc/x", "", 0, 0, NULL), -EINVAL);
	assert_int_equal(rsc_plan_symlink(&p, "s", "/etc/x", NULL, 0, 0, NULL), -EINVAL);
	assert_non_null(longt);
	memset(longt, 'a', PATH_MAX);
	longt[PATH_MAX] = '\0';
	assert_int_equal(rsc_plan_symlink(&p, "s", "/etc/x", longt, 0, 0, NULL), -ENAMETOOLONG);
	free(longt);
	assert_int_equal(p.nops, 2);
	rsc_plan_free(&p);
}

static void preview_link_ops_exact(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t n;

	skip_unless_root();
	tu_write(f->dir, "etc/nologin", "maintenance\n", 0644, 0, 0);
	mklink(f->dir, MASK, "/dev/null", 0, 0);
	tu_mkdir(f->dir, "etc/systemd/system/multi-user.target.wants", 0755, 0, 0);
	tu_write(f->dir, "lib/systemd/system/ssh.service", "[Unit]\n", 0644, 0, 0);
	mklink(f->dir, "etc/systemd/system/sshd.service", UNIT, 0, 0);
	tu_mkfifo(f->dir, "etc/fifo", 0600);
	assert_int_equal(rsc_plan_unlink(&p, "nologin", "/etc/nologin", "logins refused"), 0);
	assert_int_equal(rsc_plan_unlink(&p, "sshd.masked", "/" MASK, "ssh.service is masked"), 0);
	assert_int_equal(rsc_plan_symlink(&p, "sshd.disabled", "/" WANTS, UNIT, 0, 0, "enable"), 0);
	/* a hostile name and target are escaped */
	assert_int_equal(rsc_plan_symlink(&p, "e", "/etc/a\nb", "/x\x1b[31m", 0, 0, NULL), 0);
	/* nothing to do: already absent, already that link (whatever its owner) */
	assert_int_equal(rsc_plan_unlink(&p, "nologin", "/etc/gone", NULL), 0);
	assert_int_equal(
		rsc_plan_symlink(&p, "alias", "/etc/systemd/system/sshd.service", UNIT, 1, 1, NULL),
		0);
	/* the plan's own earlier ops count: removed once, linked once */
	assert_int_equal(rsc_plan_unlink(&p, "nologin", "/etc/nologin", NULL), 0);
	assert_int_equal(rsc_plan_symlink(&p, "sshd.disabled", "/" WANTS, UNIT, 0, 0, NULL), 0);
	/* refused by apply, so shown */
	assert_int_equal(rsc_plan_unlink(&p, "d", "/home/alice/.ssh", NULL), 0);
	assert_int_equal(rsc_plan_unlink(&p, "o", "/etc/fifo", NULL), 0);
	assert_int_equal(rsc_plan_symlink(&p, "x", "/etc/nologin2", UNIT, 0, 0, NULL), 0);
	tu_write(f->dir, "etc/nologin2", "", 0644, 0, 0);
	assert_int_equal(
		rsc_plan_symlink(&p, "x", "/etc/systemd/system/sshd.service", "/other", 0, 0, NULL),
		0);

	n = rsc_plan_preview(&p, f->root, tu_cap_open(&c));
	assert_string_equal(tu_cap_close(&c),
			    "  remove /etc/nologin (file, 12 bytes) (nologin: logins refused)\n"
			    "  remove /" MASK " (symlink -> /dev/null) (sshd.masked: ssh.service "
			    "is masked)\n"
			    "  symlink /" WANTS " -> " UNIT " (sshd.disabled: enable)\n"
			    "  symlink /etc/a\\x0ab -> /x\\x1b[31m (e)\n"
			    "  remove /home/alice/.ssh (directory: refused) (d)\n"
			    "  remove /etc/fifo (other: refused) (o)\n"
			    "  symlink /etc/nologin2 -> " UNIT
			    " (something else is in the way) (x)\n"
			    "  symlink /etc/systemd/system/sshd.service -> /other (something else "
			    "is in the way) (x)\n");
	assert_int_equal(n, 8);
	free(c.text);
	/* the preview changed nothing */
	assert_true(exists(f->dir, "etc/nologin"));
	assert_link_is(f->dir, MASK, "/dev/null", 0, 0);
	assert_false(exists(f->dir, WANTS));
	rsc_plan_free(&p);
}

/* /etc/nologin removed: its bytes, mode and owner are journaled, and undo puts them back. */
static void unlink_file_round_trip(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct snap before;
	struct tu_cap c;
	size_t done = 0;
	char *id, *s;

	skip_unless_root();
	tu_write(f->dir, "etc/nologin", "maintenance\n", 04640, 1001, 1002);
	take(f->dir, "etc/nologin", &before);
	assert_int_equal(rsc_plan_unlink(&p, "nologin", "/etc/nologin", NULL), 0);
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 1);
	assert_false(exists(f->dir, "etc/nologin"));
	s = records_of(f, id);
	assert_string_equal(s, "1 file 4640 1001 1002 12 data/1 /etc/nologin\ncomplete\n");
	free(s);
	s = journal_file(f, id, "data/1");
	assert_string_equal(s, "maintenance\n");
	free(s);
	/* a second run: nothing to do */
	assert_int_equal(rsc_plan_preview(&p, f->root, tu_cap_open(&c)), 0);
	assert_string_equal(tu_cap_close(&c), "");
	free(c.text);

	assert_int_equal(rsc_journal_undo(f->root, id, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  restored  /etc/nologin (12 bytes, mode 4640, owner "
				       "1001:1002)\njournal "));
	free(c.text);
	same(f->dir, "etc/nologin", &before);
	assert_int_equal(side_files(f->dir, "etc"), 0);
	free(id);
	rsc_plan_free(&p);
}

/* Unmasking ssh.service: the link to /dev/null goes, undo makes it again with its owner. */
static void unlink_symlink_round_trip(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 0;
	char *id, *s;

	skip_unless_root();
	mklink(f->dir, MASK, "/dev/null", 1001, 1002);
	assert_int_equal(rsc_plan_unlink(&p, "sshd.masked", "/" MASK, NULL), 0);
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 1);
	assert_false(exists(f->dir, MASK));
	s = records_of(f, id);
	assert_string_equal(s, "1 symlink 0777 1001 1002 9 data/1 /" MASK "\ncomplete\n");
	free(s);
	s = journal_file(f, id, "data/1");
	assert_string_equal(s, "/dev/null");
	free(s);

	assert_int_equal(rsc_journal_undo(f->root, id, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  restored  /" MASK " (symlink -> /dev/null, owner "
				       "1001:1002)\njournal "));
	free(c.text);
	assert_link_is(f->dir, MASK, "/dev/null", 1001, 1002);
	assert_true(undone(f, id));
	free(id);

	/* removed again, then someone put a file there: undo keeps it, marks the journal undone */
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 1);
	tu_write(f->dir, MASK, "[Unit]\n", 0644, 0, 0);
	assert_int_equal(rsc_journal_undo(f->root, id, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  kept      /" MASK ": the fix removed the symlink -> "
				       "/dev/null, but it is a file now; not replaced\n"));
	free(c.text);
	s = tu_read(f->dir, MASK);
	assert_string_equal(s, "[Unit]\n");
	free(s);
	assert_true(undone(f, id));
	free(id);
	rsc_plan_free(&p);
}

/* Enabling ssh.service: the wants link is made, journaled, and goes again on undo. */
static void symlink_create_round_trip(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 0;
	char *id, *s;

	skip_unless_root();
	tu_mkdir(f->dir, "etc/systemd/system/multi-user.target.wants", 0755, 0, 0);
	assert_int_equal(rsc_plan_symlink(&p, "sshd.disabled", "/" WANTS, UNIT, 1001, 1002, NULL),
			 0);
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 1);
	/* stored as given: the unit file does not even exist in this root */
	assert_link_is(f->dir, WANTS, UNIT, 1001, 1002);
	s = records_of(f, id);
	assert_string_equal(s, "1 absent - - - - - /" WANTS "\n"
			       "linked 1 31 data/1.new\n"
			       "complete\n");
	free(s);
	s = journal_file(f, id, "data/1.new");
	assert_string_equal(s, UNIT);
	free(s);
	free(id);

	/* idempotent: the same plan shows, does and journals nothing */
	assert_int_equal(rsc_plan_preview(&p, f->root, tu_cap_open(&c)), 0);
	assert_string_equal(tu_cap_close(&c), "");
	free(c.text);
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 0);
	free(id);

	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  removed   /" WANTS "\njournal "));
	free(c.text);
	assert_false(exists(f->dir, WANTS));
	assert_true(exists(f->dir, "etc/systemd/system/multi-user.target.wants"));
	rsc_plan_free(&p);
}

/* The link the fix made was replaced since (another link, or a file): undo keeps it. */
static void symlink_replaced_since_is_kept(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 0;
	char *id, *s;

	skip_unless_root();
	tu_mkdir(f->dir, "etc/systemd/system/multi-user.target.wants", 0755, 0, 0);
	assert_int_equal(rsc_plan_symlink(&p, "sshd.disabled", "/" WANTS, UNIT, 0, 0, NULL), 0);
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 1);
	tu_remove(f->dir, WANTS);
	mklink(f->dir, WANTS, "/etc/systemd/system/ssh.service", 0, 0);
	assert_int_equal(rsc_journal_undo(f->root, id, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  kept      /" WANTS ": the fix created this symlink, but "
				       "it was changed since (-> /etc/systemd/system/"
				       "ssh.service); remove it by hand if it is not wanted\n"));
	free(c.text);
	assert_link_is(f->dir, WANTS, "/etc/systemd/system/ssh.service", 0, 0);
	assert_true(undone(f, id));
	free(id);

	/* replaced by a file */
	tu_remove(f->dir, WANTS);
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 1);
	tu_remove(f->dir, WANTS);
	tu_write(f->dir, WANTS, "mine\n", 0600, 0, 0);
	assert_int_equal(rsc_journal_undo(f->root, id, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text,
			       "  kept      /" WANTS ": the fix created a symlink here, but "
			       "it is a file now; remove it by hand if it is not "
			       "wanted\n"));
	free(c.text);
	s = tu_read(f->dir, WANTS);
	assert_string_equal(s, "mine\n");
	free(s);
	free(id);
	rsc_plan_free(&p);
}

/* One plan replaces a link (unlink, then symlink): undo puts the earlier link back. */
static void symlink_replaced_by_the_plan_comes_back(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 0;
	char *id, *s;

	skip_unless_root();
	mklink(f->dir, MASK, "/dev/null", 0, 0);
	assert_int_equal(rsc_plan_unlink(&p, "a", "/" MASK, NULL), 0);
	assert_int_equal(rsc_plan_symlink(&p, "b", "/" MASK, UNIT, 1001, 1001, NULL), 0);
	assert_int_equal(rsc_plan_preview(&p, f->root, tu_cap_open(&c)), 2);
	assert_string_equal(tu_cap_close(&c), "  remove /" MASK " (symlink -> /dev/null) (a)\n"
					      "  symlink /" MASK " -> " UNIT " (b)\n");
	free(c.text);
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 2);
	assert_link_is(f->dir, MASK, UNIT, 1001, 1001);
	s = records_of(f, id);
	assert_string_equal(s, "1 symlink 0777 0 0 9 data/1 /" MASK "\n"
			       "linked 1 31 data/1.new\n"
			       "complete\n");
	free(s);
	assert_int_equal(rsc_journal_undo(f->root, id, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(
		strstr(c.text, "  restored  /" MASK " (symlink -> /dev/null, owner 0:0)\n"));
	free(c.text);
	assert_link_is(f->dir, MASK, "/dev/null", 0, 0);
	free(id);
	rsc_plan_free(&p);
}

/* Removing what is not there: nothing shown, done or journaled. */
static void unlink_absent_does_nothing(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 99;
	char *id;

	skip_unless_root();
	assert_int_equal(rsc_plan_unlink(&p, "nologin", "/etc/nologin", NULL), 0);
	assert_int_equal(rsc_plan_unlink(&p, "nologin", "/no/such/dir/nologin", NULL), 0);
	assert_int_equal(rsc_plan_preview(&p, f->root, tu_cap_open(&c)), 0);
	assert_string_equal(tu_cap_close(&c), "");
	free(c.text);
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 0);
	free(id);
	assert_int_equal(rsc_journal_list(f->root, tu_cap_open(&c)), 0);
	assert_string_equal(tu_cap_close(&c), "no journals\n");
	free(c.text);
	rsc_plan_free(&p);
}

/* A directory is never removed, an existing path never replaced by a link. */
static void link_ops_refusals(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 99;
	char *id, *s;

	skip_unless_root();
	assert_int_equal(rsc_plan_unlink(&p, "d", "/home/alice/.ssh", NULL), 0);
	id = apply_plan(f, &p, -EISDIR, &done, tu_cap_open(&c));
	assert_string_equal(tu_cap_close(&c),
			    "sshrescue: cannot unlink /home/alice/.ssh: Is a directory\n");
	free(c.text);
	assert_int_equal(done, 0);
	assert_int_equal(tu_mode(f->dir, "home/alice/.ssh", NULL, NULL), S_IFDIR | 0777);
	free(id);
	rsc_plan_free(&p);

	/* a FIFO (or socket, device): undo could not make it again */
	tu_mkfifo(f->dir, "etc/fifo", 0600);
	assert_int_equal(rsc_plan_unlink(&p, "o", "/etc/fifo", NULL), 0);
	id = apply_plan(f, &p, -EINVAL, &done, NULL);
	assert_int_equal(done, 0);
	assert_true(S_ISFIFO(tu_mode(f->dir, "etc/fifo", NULL, NULL)));
	free(id);
	rsc_plan_free(&p);

	/* a file, and a symlink with another target, are in the way */
	assert_int_equal(rsc_plan_symlink(&p, "s", "/" KEYS, UNIT, 0, 0, NULL), 0);
	id = apply_plan(f, &p, -EEXIST, &done, tu_cap_open(&c));
	assert_string_equal(tu_cap_close(&c), "sshrescue: cannot symlink /" KEYS ": File exists\n");
	free(c.text);
	assert_int_equal(done, 0);
	s = tu_read(f->dir, KEYS);
	assert_string_equal(s, "ssh-ed25519 AAAA old\r\n");
	free(s);
	free(id);
	rsc_plan_free(&p);
	mklink(f->dir, MASK, "/dev/null", 0, 0);
	assert_int_equal(rsc_plan_symlink(&p, "s", "/" MASK, UNIT, 0, 0, NULL), 0);
	id = apply_plan(f, &p, -EEXIST, &done, NULL);
	assert_int_equal(done, 0);
	assert_link_is(f->dir, MASK, "/dev/null", 0, 0);
	free(id);
	rsc_plan_free(&p);
	/* none of them recorded anything, so no journal was kept */
	assert_int_equal(rsc_journal_list(f->root, tu_cap_open(&c)), 0);
	assert_string_equal(tu_cap_close(&c), "no journals\n");
	free(c.text);
}

/* A dangling library link replaced by the package's file (remove, then write): undo puts the
   link back, but only while the file still holds the fix's bytes. */
static void symlink_replaced_by_file_round_trip(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 0;
	char *id, *s;

	skip_unless_root();
	mklink(f->dir, "lib.so.3", "lib.so.3.old", 0, 0);
	assert_int_equal(rsc_plan_unlink(&p, "sshd.lib.missing", "/lib.so.3", NULL), 0);
	assert_int_equal(
		rsc_plan_write(&p, "sshd.lib.missing", "/lib.so.3", "ELF", 3, 0644, 0, 0, NULL), 0);
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 2);
	s = tu_read(f->dir, "lib.so.3");
	assert_string_equal(s, "ELF");
	free(s);
	s = records_of(f, id);
	assert_string_equal(s, "1 symlink 0777 0 0 12 data/1 /lib.so.3\nwrote 1 3 data/1.new\n"
			       "complete\n");
	free(s);
	assert_int_equal(rsc_journal_undo(f->root, id, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  restored  /lib.so.3 (symlink -> lib.so.3.old"));
	free(c.text);
	assert_link_is(f->dir, "lib.so.3", "lib.so.3.old", 0, 0);
	free(id);
	/* again, then the file is edited: undo keeps it */
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 2);
	tu_write(f->dir, "lib.so.3", "ELF2", 0644, 0, 0);
	assert_int_equal(rsc_journal_undo(f->root, id, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text,
			       "  kept      /lib.so.3: the fix wrote a file in place of the "
			       "symlink -> lib.so.3.old, and it was changed since"));
	free(c.text);
	s = tu_read(f->dir, "lib.so.3");
	assert_string_equal(s, "ELF2");
	free(s);
	free(id);
	rsc_plan_free(&p);
}

/*
 * Edge cases of removal: a link to a directory goes, not the directory; a
 * removed file recreated by someone since is kept aside by undo; a plan
 * that would put a symlink where it removed a file stops before the link,
 * and undo gives the file back.
 */
static void unlink_edge_cases(void **state)
{
	struct fx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 0;
	char *id, *s, *side = NULL;

	skip_unless_root();
	mklink(f->dir, "home/alice/dl", "/home/alice/.ssh", 0, 0);
	assert_int_equal(rsc_plan_unlink(&p, "u", "/home/alice/dl", NULL), 0);
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 1);
	assert_false(exists(f->dir, "home/alice/dl"));
	assert_int_equal(tu_mode(f->dir, "home/alice/.ssh", NULL, NULL), S_IFDIR | 0777);
	assert_true(exists(f->dir, KEYS));
	free(id);
	rsc_plan_free(&p);

	/* removed, then a new file at the path: its content is kept aside, the old one back */
	tu_write(f->dir, "etc/nologin", "old\n", 0644, 0, 0);
	assert_int_equal(rsc_plan_unlink(&p, "u", "/etc/nologin", NULL), 0);
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 1);
	tu_write(f->dir, "etc/nologin", "new\n", 0600, 1001, 1001);
	assert_int_equal(rsc_journal_undo(f->root, id, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  kept      /etc/nologin: changed since the fix"));
	assert_non_null(
		strstr(c.text, "  restored  /etc/nologin (4 bytes, mode 0644, owner 0:0)\n"));
	free(c.text);
	s = tu_read(f->dir, "etc/nologin");
	assert_string_equal(s, "old\n");
	free(s);
	assert_true(asprintf(&side, "etc/nologin.sshrescue-%s", id) > 0);
	s = tu_read(f->dir, side);
	assert_string_equal(s, "new\n");
	free(s);
	free(side);
	free(id);

	/* the same removal, then a symlink there in one run: not journaled, so not made */
	assert_int_equal(rsc_plan_symlink(&p, "s", "/etc/nologin", "/dev/null", 0, 0, NULL), 0);
	id = apply_plan(f, &p, -EINVAL, &done, tu_cap_open(&c));
	assert_string_equal(tu_cap_close(&c),
			    "sshrescue: cannot journal the symlink /etc/nologin, so it was not "
			    "made: Invalid argument\n");
	free(c.text);
	assert_int_equal(done, 1);
	assert_false(exists(f->dir, "etc/nologin"));
	assert_int_equal(rsc_journal_undo(f->root, id, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	free(c.text);
	s = tu_read(f->dir, "etc/nologin");
	assert_string_equal(s, "old\n");
	free(s);
	free(id);
	rsc_plan_free(&p);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(merge_and_copy),
		T(preview_exact),
		T(preview_escapes_and_missing),
		T(apply_exact_then_idempotent),
		T(apply_then_undo_restores),
		T(undo_keeps_a_created_dir_with_user_files),
		T(apply_stops_at_first_error),
		T(never_through_a_symlink),
		T(undo_removes_a_created_file_untouched),
		T(undo_keeps_a_created_file_edited_since),
		T(undo_restores_a_rewritten_file_untouched),
		T(undo_keeps_aside_a_rewritten_file_edited_since),
		T(side_file_never_overwrites),
		T(chmod_then_write_keeps_the_earlier_bytes),
		T(link_ops_args),
		T(preview_link_ops_exact),
		T(unlink_file_round_trip),
		T(unlink_symlink_round_trip),
		T(symlink_create_round_trip),
		T(symlink_replaced_since_is_kept),
		T(symlink_replaced_by_the_plan_comes_back),
		T(unlink_absent_does_nothing),
		T(link_ops_refusals),
		T(unlink_edge_cases),
		T(symlink_replaced_by_file_round_trip),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
