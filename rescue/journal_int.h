/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * journal_int.h - private to the journal (journal.c, journal_manifest.c,
 * journal_undo.c): the helpers those files share. Everyone else uses
 * journal.h.
 */
#ifndef RSC_JOURNAL_INT_H
#define RSC_JOURNAL_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "journal.h"
#include "util.h"

/* ---- journal_manifest.c: the manifest format ---- */

/* The manifest's name of each kind ("file", "dir", "absent", "symlink", "other"). */
extern const char *const jnl_kind_names[RSC_J_OTHER + 1];

/* A path the journal accepts: absolute, shorter than PATH_MAX, no ".." component. */
bool jnl_path_ok(const char *p);

/*
 * Append the manifest header: the magic of the version written, then
 * "command" (encoded) and "time" iso. 0 or -ENOMEM.
 */
int jnl_manifest_header(struct rsc_buf *b, const char *command, const char *iso);

/* Append "wrote SEQ SIZE data/SEQ.new" with its newline. 0 or -ENOMEM. */
int jnl_format_wrote(struct rsc_buf *b, unsigned long seq, unsigned long long size);
/* Append "linked SEQ SIZE data/SEQ.new" with its newline (version 3). 0 or -ENOMEM. */
int jnl_format_linked(struct rsc_buf *b, unsigned long seq, unsigned long long size);

/* ---- journal.c: ids and loading, shared by list and undo ---- */

/* Now in UTC: "20261123T034501Z" (compact, for ids) or "2026-11-23T03:45:01Z". 0 or -EINVAL. */
int jnl_utc_now(bool compact, char *buf, size_t size);

/* A journal id as rsc_journal_begin() makes them: only [0-9TZ-], so never '/' or "..". */
bool jnl_id_ok(const char *id);

/* The ids of the journals of a root, oldest first; jnl_idlist_free() frees them. */
struct jnl_idlist {
	char **ids;
	size_t n, cap;
};

/* Fill l with the journal directories of root, oldest first; none is not an error. 0 or -errno. */
int jnl_scan(struct rsc_root *root, struct jnl_idlist *l);
void jnl_idlist_free(struct jnl_idlist *l);

/* Victim path RSC_JOURNAL_DIR/<id>/<name>, caller frees; NULL when out of memory. */
char *jnl_path(const char *id, const char *name);

/* Does journal id carry the "undone" marker? */
bool jnl_is_undone(struct rsc_root *root, const char *id);

/*
 * Read and parse the manifest of journal id into m (caller frees with
 * rsc_manifest_free()); it must be ours (root's, not writable by others).
 * 0 or -errno, with why set on a refusal.
 */
int jnl_load(struct rsc_root *root, const char *id, struct rsc_manifest *m, struct rsc_buf *why);

#endif
