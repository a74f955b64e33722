/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * journal.h - what a fix changed on the victim, kept ON the victim under
 * /var/lib/sshrescue/journal/<id>/ so that `sshrescue undo` can restore the
 * exact earlier state even from another helper machine.
 *
 * <id> is a sortable UTC timestamp plus a counter: 20261123T034501Z-1.
 * The directory holds "manifest" (a line-based text file, one record per
 * changed path, written and fsynced before each change) and "data/N" (the
 * earlier bytes of record N when its content is replaced). A journal that
 * has been undone gets an "undone" marker file.
 */
#ifndef RSC_JOURNAL_H
#define RSC_JOURNAL_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

struct rsc_root;
struct rsc_journal;

#define RSC_JOURNAL_DIR "/var/lib/sshrescue/journal"

/* Start a new journal for `command` (e.g. "fix", "add-key"). *out caller frees with _close. */
int rsc_journal_begin(struct rsc_root *root, const char *command, struct rsc_journal **out);

/*
 * Record the current state of path before it changes: whether it exists,
 * its type, mode, uid, gid, and with save_data its bytes (regular files).
 * A path already recorded in this journal is not recorded again (the first,
 * oldest state is what undo restores). fsyncs before returning.
 */
int rsc_journal_record(struct rsc_journal *j, const char *path, bool save_data);

/* Mark the journal complete and close it; NULL is fine. Returns 0 or -errno. */
int rsc_journal_close(struct rsc_journal *j);
/* The journal's id (owned by j). */
const char *rsc_journal_id(const struct rsc_journal *j);

/* Print the journals of root: id, command, number of records, undone or not. */
int rsc_journal_list(struct rsc_root *root, FILE *out);

/*
 * Restore what journal id recorded (id NULL: the newest journal not yet
 * undone), in reverse order: bytes, then owner, then mode; paths that did not
 * exist are removed. Marks the journal undone. -ENOENT when there is
 * nothing to undo. Messages to out.
 */
int rsc_journal_undo(struct rsc_root *root, const char *id, FILE *out);

#endif
