// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_plan.c - the fix plan: merging, the exact preview text, apply through
 * the journal (idempotent, stops at the first error, never through a
 * symlink), and undo giving back every byte, mode and owner. The plan's
 * unlink and symlink operations: test_plan_links.c.
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
#include "planfx.h"
#include "root.h"
#include "testutil.h"
#include "util.h"

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
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t n;

	pfx_skip_unless_root();
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
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;

	pfx_skip_unless_root();
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
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct rsc_journal *j = NULL;
	struct tu_cap c;
	size_t done = 99;
	uid_t uid;
	gid_t gid;
	char *s;

	pfx_skip_unless_root();
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

static void apply_then_undo_restores(void **state)
{
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct rsc_journal *j = NULL;
	struct pfx_snap home, ssh, keys;
	struct tu_cap c;
	size_t done = 0;

	pfx_skip_unless_root();
	tu_chmod(f->dir, "home/alice/.ssh/authorized_keys", 04751); /* odd bits survive too */
	pfx_take(f->dir, "home/alice", &home);
	pfx_take(f->dir, "home/alice/.ssh", &ssh);
	pfx_take(f->dir, "home/alice/.ssh/authorized_keys", &keys);
	build(&p);
	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	assert_int_equal(rsc_plan_apply(&p, f->root, j, &done, stderr), 0);
	assert_int_equal(rsc_journal_close(j), 0);
	assert_int_equal(done, 5);

	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	pfx_same(f->dir, "home/alice", &home);
	pfx_same(f->dir, "home/alice/.ssh", &ssh);
	pfx_same(f->dir, "home/alice/.ssh/authorized_keys", &keys);
	/* what the plan created is gone */
	assert_false(pfx_exists(f->dir, "home/alice/new/f"));
	assert_false(pfx_exists(f->dir, "home/alice/new"));
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
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct rsc_journal *j = NULL;
	struct tu_cap c;
	size_t done = 0;
	char *s;

	pfx_skip_unless_root();
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
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct rsc_journal *j = NULL;
	struct tu_cap c;
	size_t done = 99;

	pfx_skip_unless_root();
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
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct rsc_journal *j = NULL;
	struct tu_cap c;
	size_t done = 99;

	pfx_skip_unless_root();
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

/* Apply a plan of one write of path in a new journal; returns the journal's id (caller frees). */
static char *apply_one_write(struct pfx *f, const char *path, const char *data)
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

static void undo_removes_a_created_file_untouched(void **state)
{
	struct pfx *f = *state;
	struct tu_cap c;
	char *id;

	pfx_skip_unless_root();
	id = apply_one_write(f, "/" KEYS2, "ssh-ed25519 AAAA new\n");
	assert_true(pfx_exists(f->dir, KEYS2));
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  removed   /" KEYS2 "\n"));
	free(c.text);
	assert_false(pfx_exists(f->dir, KEYS2));
	assert_int_equal(pfx_side_files(f->dir, "home/alice/.ssh"), 0);
	assert_true(pfx_undone(f, id));
	free(id);
}

/* add-key created the file, the admin appended keys by hand, then ran undo. */
static void undo_keeps_a_created_file_edited_since(void **state)
{
	struct pfx *f = *state;
	const char *edited = "ssh-ed25519 AAAA new\nssh-ed25519 BBBB added by hand\n";
	uid_t uid;
	gid_t gid;
	struct tu_cap c;
	char *id, *s;

	pfx_skip_unless_root();
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
	assert_int_equal(pfx_side_files(f->dir, "home/alice/.ssh"), 0);
	/* the journal counts as undone: there is nothing left to undo */
	assert_true(pfx_undone(f, id));
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
	assert_false(pfx_exists(f->dir, "home/alice/.ssh/k4"));
	free(id);
}

static void undo_restores_a_rewritten_file_untouched(void **state)
{
	struct pfx *f = *state;
	struct pfx_snap keys;
	struct tu_cap c;
	char *id;

	pfx_skip_unless_root();
	pfx_take(f->dir, KEYS, &keys);
	id = apply_one_write(f, "/" KEYS, "ssh-ed25519 AAAA fixed\n");
	assert_int_equal(rsc_journal_undo(f->root, NULL, tu_cap_open(&c)), 0);
	tu_cap_close(&c);
	assert_non_null(strstr(c.text, "  restored  /" KEYS " (22 bytes, mode 0644, owner "
				       "1001:1001)\n"));
	assert_null(strstr(c.text, "kept"));
	free(c.text);
	pfx_same(f->dir, KEYS, &keys);
	assert_int_equal(pfx_side_files(f->dir, "home/alice/.ssh"), 0);
	assert_true(pfx_undone(f, id));
	free(id);
}

static void undo_keeps_aside_a_rewritten_file_edited_since(void **state)
{
	struct pfx *f = *state;
	const char *edited = "ssh-ed25519 AAAA fixed\nssh-rsa CCCC by hand\n";
	struct pfx_snap keys;
	uid_t uid;
	gid_t gid;
	struct tu_cap c;
	char *id, *side = NULL, *s, *want = NULL;

	pfx_skip_unless_root();
	pfx_take(f->dir, KEYS, &keys);
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
	pfx_same(f->dir, KEYS, &keys);
	assert_true(asprintf(&side, KEYS ".sshrescue-%s", id) > 0);
	s = tu_read(f->dir, side);
	assert_non_null(s);
	assert_string_equal(s, edited);
	free(s);
	assert_int_equal(tu_mode(f->dir, side, &uid, &gid), S_IFREG | 0640);
	assert_int_equal(uid, 1002);
	assert_int_equal(gid, 1001);
	assert_int_equal(pfx_side_files(f->dir, "home/alice/.ssh"), 1);
	assert_true(pfx_undone(f, id));
	free(side);
	free(id);
}

/* The side file's name is taken already: the next free one is used, nothing is overwritten. */
static void side_file_never_overwrites(void **state)
{
	struct pfx *f = *state;
	char *id, *side = NULL, *side2 = NULL, *s;
	struct tu_cap c;

	pfx_skip_unless_root();
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
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct rsc_journal *j = NULL;
	struct pfx_snap keys;
	struct tu_cap c;
	size_t done = 0;

	pfx_skip_unless_root();
	pfx_take(f->dir, KEYS, &keys);
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
	pfx_same(f->dir, KEYS, &keys);
	assert_int_equal(pfx_side_files(f->dir, "home/alice/.ssh"), 0);
	rsc_plan_free(&p);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, pfx_setup, pfx_teardown)
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
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
