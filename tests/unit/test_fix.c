// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_fix.c - fix, undo and add-key through the command layer, on a victim
 * directory: the preview changes nothing, --apply repairs, a second fix
 * plans nothing, undo gives back every byte, mode and owner.
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

#include "cmd.h"
#include "keys.h"
#include "testutil.h"
#include "victimfx.h"

#define NWATCH 5

/* The files a fix may touch. */
static const char *const watched[NWATCH] = {
	"home/alice",
	"home/alice/.ssh",
	"home/alice/.ssh/authorized_keys",
	"home/bob/.ssh",
	"home/bob/.ssh/authorized_keys",
};

struct snap {
	mode_t mode[NWATCH];
	uid_t uid[NWATCH];
	gid_t gid[NWATCH];
	char *data[NWATCH];
};

static void take(struct vfx *f, struct snap *s)
{
	for (size_t i = 0; i < NWATCH; i++) {
		s->mode[i] = tu_mode(f->dir, watched[i], &s->uid[i], &s->gid[i]);
		s->data[i] = S_ISREG(s->mode[i]) ? tu_read(f->dir, watched[i]) : NULL;
	}
}

static void assert_same(const struct snap *a, const struct snap *b)
{
	for (size_t i = 0; i < NWATCH; i++) {
		if (a->mode[i] != b->mode[i] || a->uid[i] != b->uid[i] || a->gid[i] != b->gid[i])
			fail_msg("%s: mode %o %u:%u, expected %o %u:%u", watched[i],
				 (unsigned)b->mode[i], (unsigned)b->uid[i], (unsigned)b->gid[i],
				 (unsigned)a->mode[i], (unsigned)a->uid[i], (unsigned)a->gid[i]);
		if (a->data[i] || b->data[i]) {
			assert_non_null(a->data[i]);
			assert_non_null(b->data[i]);
			assert_string_equal(a->data[i], b->data[i]);
		}
	}
}

static void drop(struct snap *s)
{
	for (size_t i = 0; i < NWATCH; i++)
		free(s->data[i]);
}

/* One command run, its output captured. */
struct run {
	struct rsc_opts o;
	char *out, *err;
	size_t outlen, errlen;
	FILE *fo, *fe;
};

static void run_begin(struct run *r, struct vfx *f)
{
	memset(r, 0, sizeof(*r));
	r->fo = open_memstream(&r->out, &r->outlen);
	r->fe = open_memstream(&r->err, &r->errlen);
	assert_non_null(r->fo);
	assert_non_null(r->fe);
	r->o.target = f->dir;
	r->o.out = r->fo;
	r->o.err = r->fe;
}

static void run_end(struct run *r)
{
	fclose(r->fo);
	fclose(r->fe);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static int fix(struct vfx *f, bool apply, char **only, struct run *r)
{
	int status;

	run_begin(r, f);
	r->o.apply = apply;
	r->o.only = only;
	status = rsc_cmd_fix(&r->o);
	run_end(r);
	return status;
}

static int check(struct vfx *f)
{
	struct run r;
	int status;

	run_begin(&r, f);
	status = rsc_cmd_check(&r.o);
	run_end(&r);
	run_free(&r);
	return status;
}

static int undo(struct vfx *f, const char *id, struct run *r)
{
	int status;

	run_begin(r, f);
	r->o.journal_id = id;
	status = rsc_cmd_undo(&r->o);
	run_end(r);
	return status;
}

static int setup(void **state)
{
	struct vfx *f;

	if (geteuid() != 0) {
		fprintf(stderr, "these tests chown files: run as root\n");
		return -1;
	}
	f = vfx_new("debian");
	/* alice: the demo's breakage and more */
	tu_chmod(f->dir, "home/alice", 0777);
	tu_chmod(f->dir, "home/alice/.ssh", 0777);
	tu_write(f->dir, "home/alice/.ssh/authorized_keys",
		 "\xef\xbb\xbf" KEY_ALICE "\r\n"
		 "# old laptop\r\n"
		 "from=\"10.0.0.0/8\",no-pty " KEY_BOB "\r\n",
		 0666, 1002, 1002);
	/* bob: root-owned 0600 keys: passes StrictModes, fails to open */
	tu_chown(f->dir, "home/bob/.ssh/authorized_keys", 0, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	vfx_free(*state);
	return 0;
}

static void preview_changes_nothing(void **state)
{
	struct vfx *f = *state;
	struct snap before, after;
	struct run r;

	take(f, &before);
	assert_int_equal(fix(f, false, NULL, &r), RSC_EXIT_LEFT);
	take(f, &after);
	assert_same(&before, &after);
	assert_non_null(strstr(r.out, "chmod 0777 -> 0700"));
	assert_non_null(strstr(r.out, "nothing was changed"));
	assert_int_equal(check(f), RSC_EXIT_LEFT);
	run_free(&r);
	drop(&before);
	drop(&after);
}

static void apply_repairs_and_undo_restores(void **state)
{
	struct vfx *f = *state;
	struct snap before, after;
	struct run r;
	uid_t uid;
	gid_t gid;
	char *keys;

	take(f, &before);
	assert_int_equal(fix(f, true, NULL, &r), RSC_EXIT_FIXED);
	run_free(&r);

	assert_int_equal(tu_mode(f->dir, "home/alice", NULL, NULL) & 07777, 0755);
	assert_int_equal(tu_mode(f->dir, "home/alice/.ssh", NULL, NULL) & 07777, 0700);
	assert_int_equal(tu_mode(f->dir, "home/alice/.ssh/authorized_keys", &uid, &gid) & 07777,
			 0600);
	assert_int_equal(uid, 1001);
	keys = tu_read(f->dir, "home/alice/.ssh/authorized_keys");
	/* every key, option and comment kept; only BOM and CR gone */
	assert_string_equal(keys,
			    KEY_ALICE "\n# old laptop\nfrom=\"10.0.0.0/8\",no-pty " KEY_BOB "\n");
	free(keys);
	tu_mode(f->dir, "home/bob/.ssh/authorized_keys", &uid, &gid);
	assert_int_equal(uid, 1002);

	assert_int_equal(check(f), RSC_EXIT_OK);
	/* a second fix has nothing to do */
	assert_int_equal(fix(f, false, NULL, &r), RSC_EXIT_OK);
	assert_non_null(strstr(r.out, "nothing to change"));
	run_free(&r);

	assert_int_equal(undo(f, NULL, &r), RSC_EXIT_OK);
	run_free(&r);
	take(f, &after);
	assert_same(&before, &after);
	/* nothing left to undo */
	assert_int_equal(undo(f, NULL, &r), RSC_EXIT_OPERATIONAL);
	assert_non_null(strstr(r.err, "nothing to undo"));
	run_free(&r);
	drop(&before);
	drop(&after);
}

static void only_selects_codes(void **state)
{
	struct vfx *f = *state;
	char *only[] = { "ssh.dir.mode", NULL };
	struct run r;

	assert_int_equal(fix(f, true, only, &r), RSC_EXIT_FIXED | RSC_EXIT_LEFT);
	run_free(&r);
	assert_int_equal(tu_mode(f->dir, "home/alice/.ssh", NULL, NULL) & 07777, 0700);
	assert_int_equal(tu_mode(f->dir, "home/alice", NULL, NULL) & 07777, 0777);
}

static int add_key(struct vfx *f, const char *user, const char *keyfile, struct run *r)
{
	int status;

	run_begin(r, f);
	r->o.user_arg = user;
	r->o.keyfile = keyfile;
	status = rsc_cmd_add_key(&r->o);
	run_end(r);
	return status;
}

static void add_key_creates_and_does_not_duplicate(void **state)
{
	struct vfx *f = *state;
	char *tmp = tu_mkdtemp(), *kf = NULL, *keys;
	struct run r;
	uid_t uid;
	gid_t gid;

	tu_write(tmp, "new.pub", KEY_ALICE "\n", 0644, 0, 0);
	tu_write(tmp, "priv", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n", 0600, 0, 0);
	tu_remove(f->dir, "home/bob/.ssh/authorized_keys");
	tu_remove(f->dir, "home/bob/.ssh");

	assert_true(asprintf(&kf, "%s/new.pub", tmp) > 0);
	assert_int_equal(add_key(f, "bob", kf, &r) & ~RSC_EXIT_FIXED, 0);
	run_free(&r);
	assert_int_equal(tu_mode(f->dir, "home/bob/.ssh", &uid, &gid), S_IFDIR | 0700);
	assert_int_equal(uid, 1002);
	assert_int_equal(tu_mode(f->dir, "home/bob/.ssh/authorized_keys", &uid, &gid),
			 S_IFREG | 0600);
	assert_int_equal(uid, 1002);
	assert_int_equal(gid, 1002);

	/* the same key again: not appended twice */
	assert_int_equal(add_key(f, "bob", kf, &r) & ~RSC_EXIT_FIXED, 0);
	run_free(&r);
	keys = tu_read(f->dir, "home/bob/.ssh/authorized_keys");
	assert_string_equal(keys, KEY_ALICE "\n");
	free(keys);

	/* a BOM, a blank line and blanks around the key: the same key, not added */
	tu_write(tmp, "bom.pub", "\xef\xbb\xbf\n  " KEY_ALICE "  \n", 0644, 0, 0);
	free(kf);
	assert_true(asprintf(&kf, "%s/bom.pub", tmp) > 0);
	assert_int_equal(add_key(f, "bob", kf, &r) & ~RSC_EXIT_FIXED, 0);
	run_free(&r);
	keys = tu_read(f->dir, "home/bob/.ssh/authorized_keys");
	assert_string_equal(keys, KEY_ALICE "\n");
	free(keys);
	/* another key from such a file is appended as the bare key line */
	tu_write(tmp, "bom.pub", "\xef\xbb\xbf\n  " KEY_BOB "  \n", 0644, 0, 0);
	assert_int_equal(add_key(f, "bob", kf, &r) & ~RSC_EXIT_FIXED, 0);
	run_free(&r);
	keys = tu_read(f->dir, "home/bob/.ssh/authorized_keys");
	assert_string_equal(keys, KEY_ALICE "\n" KEY_BOB "\n");
	free(keys);

	/* a private key and an unknown user are refused */
	free(kf);
	assert_true(asprintf(&kf, "%s/priv", tmp) > 0);
	assert_int_equal(add_key(f, "bob", kf, &r), RSC_EXIT_USAGE);
	run_free(&r);
	free(kf);
	assert_true(asprintf(&kf, "%s/new.pub", tmp) > 0);
	assert_int_equal(add_key(f, "mallory", kf, &r), RSC_EXIT_USAGE);
	run_free(&r);
	keys = tu_read(f->dir, "home/bob/.ssh/authorized_keys");
	assert_string_equal(keys, KEY_ALICE "\n" KEY_BOB "\n");
	free(keys);
	free(kf);
	tu_rmtree(tmp);
	free(tmp);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(preview_changes_nothing),
		T(apply_repairs_and_undo_restores),
		T(only_selects_codes),
		T(add_key_creates_and_does_not_duplicate),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
