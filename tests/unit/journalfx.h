/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * journalfx.h - the fixture of the journal tests (journalfx.c): a victim root
 * with two files and a directory given to other users (so set up as root),
 * opened as struct rsc_root, and the helpers test_journal.c and
 * test_journal_write.c share.
 */
#ifndef RSC_JOURNALFX_H
#define RSC_JOURNALFX_H

#include <stdbool.h>
#include <sys/types.h>

/* where the journal lives, relative to the victim root */
#define JDIR "var/lib/sshrescue/journal"

/* the first lines of a hand-made manifest of each format version */
#define HEAD  "sshrescue-journal 1\ncommand fix\ntime 2026-11-23T03:45:01Z\n"
#define HEAD2 "sshrescue-journal 2\ncommand fix\ntime 2026-11-23T03:45:01Z\n"
#define HEAD3 "sshrescue-journal 3\ncommand fix\ntime 2026-11-23T03:45:01Z\n"

struct jfx {
	char *dir; /* the victim root on the helper */
	struct rsc_root *root;
};

/* cmocka setup and teardown: *state becomes a struct jfx. */
int jfx_setup(void **state);
int jfx_teardown(void **state);
/* Skip the test unless run as root (the fixture's owners need chown). */
void jfx_skip_unless_root(void);
/* JDIR/id/name (caller frees). */
char *jfx_file(const char *id, const char *name);
/* The manifest of journal id, which must exist (caller frees). */
char *jfx_read_manifest(struct jfx *f, const char *id);
/* The journal file JDIR/id/name holds want, with mode 0600, owned by root. */
void jfx_assert_data(struct jfx *f, const char *id, const char *name, const char *want);
/* Whether id has the shape of a journal id, 20261123T034501Z-1. */
bool jfx_id_shaped(const char *id);
/* Start a journal, record path, chmod it, close; returns the id (caller frees). */
char *jfx_chmod(struct jfx *f, const char *cmd, const char *path, mode_t mode);

#endif
