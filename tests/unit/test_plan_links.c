// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_plan_links.c - the fix plan's unlink and symlink operations (a masked
 * or disabled ssh unit): their arguments and preview, apply and undo round
 * trips, a link replaced since, what is refused.
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
static char *apply_plan(struct pfx *f, const struct rsc_plan *p, int want, size_t *done, FILE *err)
{
	struct rsc_journal *j = NULL;
	char *id;

	assert_int_equal(rsc_journal_begin(f->root, "fix", &j), 0);
	id = strdup(rsc_journal_id(j));
	assert_int_equal(rsc_plan_apply(p, f->root, j, done, err), want);
	assert_int_equal(rsc_journal_close(j), 0);
	return id;
}

static char *journal_file(struct pfx *f, const char *id, const char *name)
{
	char *p = NULL, *s;

	assert_true(asprintf(&p, "var/lib/sshrescue/journal/%s/%s", id, name) > 0);
	s = tu_read(f->dir, p);
	free(p);
	return s;
}

/* The manifest's lines after its header (from the first record on). */
static char *records_of(struct pfx *f, const char *id)
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
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t n;

	pfx_skip_unless_root();
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
	assert_true(pfx_exists(f->dir, "etc/nologin"));
	assert_link_is(f->dir, MASK, "/dev/null", 0, 0);
	assert_false(pfx_exists(f->dir, WANTS));
	rsc_plan_free(&p);
}

/* /etc/nologin removed: its bytes, mode and owner are journaled, and undo puts them back. */
static void unlink_file_round_trip(void **state)
{
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct pfx_snap before;
	struct tu_cap c;
	size_t done = 0;
	char *id, *s;

	pfx_skip_unless_root();
	tu_write(f->dir, "etc/nologin", "maintenance\n", 04640, 1001, 1002);
	pfx_take(f->dir, "etc/nologin", &before);
	assert_int_equal(rsc_plan_unlink(&p, "nologin", "/etc/nologin", NULL), 0);
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 1);
	assert_false(pfx_exists(f->dir, "etc/nologin"));
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
	pfx_same(f->dir, "etc/nologin", &before);
	assert_int_equal(pfx_side_files(f->dir, "etc"), 0);
	free(id);
	rsc_plan_free(&p);
}

/* Unmasking ssh.service: the link to /dev/null goes, undo makes it again with its owner. */
static void unlink_symlink_round_trip(void **state)
{
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 0;
	char *id, *s;

	pfx_skip_unless_root();
	mklink(f->dir, MASK, "/dev/null", 1001, 1002);
	assert_int_equal(rsc_plan_unlink(&p, "sshd.masked", "/" MASK, NULL), 0);
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 1);
	assert_false(pfx_exists(f->dir, MASK));
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
	assert_true(pfx_undone(f, id));
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
	assert_true(pfx_undone(f, id));
	free(id);
	rsc_plan_free(&p);
}

/* Enabling ssh.service: the wants link is made, journaled, and goes again on undo. */
static void symlink_create_round_trip(void **state)
{
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 0;
	char *id, *s;

	pfx_skip_unless_root();
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
	assert_false(pfx_exists(f->dir, WANTS));
	assert_true(pfx_exists(f->dir, "etc/systemd/system/multi-user.target.wants"));
	rsc_plan_free(&p);
}

/* The link the fix made was replaced since (another link, or a file): undo keeps it. */
static void symlink_replaced_since_is_kept(void **state)
{
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 0;
	char *id, *s;

	pfx_skip_unless_root();
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
	assert_true(pfx_undone(f, id));
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
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 0;
	char *id, *s;

	pfx_skip_unless_root();
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
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 99;
	char *id;

	pfx_skip_unless_root();
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
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 99;
	char *id, *s;

	pfx_skip_unless_root();
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
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 0;
	char *id, *s;

	pfx_skip_unless_root();
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
	struct pfx *f = *state;
	struct rsc_plan p = { 0 };
	struct tu_cap c;
	size_t done = 0;
	char *id, *s, *side = NULL;

	pfx_skip_unless_root();
	mklink(f->dir, "home/alice/dl", "/home/alice/.ssh", 0, 0);
	assert_int_equal(rsc_plan_unlink(&p, "u", "/home/alice/dl", NULL), 0);
	id = apply_plan(f, &p, 0, &done, stderr);
	assert_int_equal(done, 1);
	assert_false(pfx_exists(f->dir, "home/alice/dl"));
	assert_int_equal(tu_mode(f->dir, "home/alice/.ssh", NULL, NULL), S_IFDIR | 0777);
	assert_true(pfx_exists(f->dir, KEYS));
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
	assert_false(pfx_exists(f->dir, "etc/nologin"));
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
#define T(fn) cmocka_unit_test_setup_teardown(fn, pfx_setup, pfx_teardown)
	const struct CMUnitTest tests[] = {
		T(link_ops_args),
		T(preview_link_ops_exact),
		T(unlink_file_round_trip),
		T(unlink_symlink_round_trip),
		T(symlink_create_round_trip),
		T(symlink_replaced_since_is_kept),
		T(symlink_replaced_by_the_plan_comes_back),
		T(unlink_absent_does_nothing),
		T(link_ops_refusals),
		T(symlink_replaced_by_file_round_trip),
		T(unlink_edge_cases),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
