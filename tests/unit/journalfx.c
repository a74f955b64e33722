// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * journalfx.c - the fixture of the journal tests (journalfx.h).
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

#include "journal.h"
#include "journalfx.h"
#include "root.h"
#include "testutil.h"

int jfx_setup(void **state)
{
	struct jfx *f = calloc(1, sizeof(*f));

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
void jfx_skip_unless_root(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "not root: owners cannot be set, skipped\n");
		skip();
	}
}

int jfx_teardown(void **state)
{
	struct jfx *f = *state;

	rsc_root_free(f->root);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

char *jfx_file(const char *id, const char *name)
{
	char *p = NULL;

	assert_true(asprintf(&p, JDIR "/%s/%s", id, name) > 0);
	return p;
}

char *jfx_read_manifest(struct jfx *f, const char *id)
{
	char *p = jfx_file(id, "manifest"), *s = tu_read(f->dir, p);

	free(p);
	assert_non_null(s);
	return s;
}

void jfx_assert_data(struct jfx *f, const char *id, const char *name, const char *want)
{
	char *p = jfx_file(id, name), *s = tu_read(f->dir, p);
	uid_t uid;

	assert_non_null(s);
	assert_string_equal(s, want);
	assert_int_equal(tu_mode(f->dir, p, &uid, NULL), S_IFREG | 0600);
	assert_int_equal(uid, 0);
	free(s);
	free(p);
}

bool jfx_id_shaped(const char *id)
{
	/* 20261123T034501Z-1 */
	if (strlen(id) < 18 || id[8] != 'T' || id[15] != 'Z' || id[16] != '-')
		return false;
	return strspn(id, "0123456789") == 8 && strspn(id + 9, "0123456789") == 6 &&
	       strspn(id + 17, "0123456789") == strlen(id + 17);
}

/* Start a journal, record paths, make a change, close; returns the id (caller frees). */
char *jfx_chmod(struct jfx *f, const char *cmd, const char *path, mode_t mode)
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
