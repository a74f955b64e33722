/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * journal.h - what a fix changed on the victim, kept ON the victim under
 * /var/lib/sshrescue/journal/<id>/ so that `sshrescue undo` can restore the
 * exact earlier state even from another helper machine.
 *
 * <id> is a sortable UTC timestamp plus a counter: 20261123T034501Z-1.
 * The directory holds "manifest" (a line-based text file, one record per
 * changed path, written and fsynced before each change), "data/N" (the
 * earlier bytes of record N when its content is replaced or the file
 * removed, or the earlier target of a symlink the fix removed) and
 * "data/N.new" (the bytes the fix wrote there, noted by a "wrote" line
 * before the write, or the target of the symlink the fix made there, noted
 * by a "linked" line: undo only deletes or overwrites what still holds
 * exactly those bytes). A journal that has been undone gets an "undone"
 * marker file.
 */
#ifndef RSC_JOURNAL_H
#define RSC_JOURNAL_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

struct rsc_root;
struct rsc_journal;

#define RSC_JOURNAL_DIR "/var/lib/sshrescue/journal"

/*
 * What a cleanup did with a file whose bytes the journal does not hold
 * (version 4): moved it to a directory of the helper, deleted it (asked
 * for with --delete), or truncated it after copying it to the helper.
 */
enum rsc_jgone { RSC_JG_NONE, RSC_JG_MOVED, RSC_JG_DELETED, RSC_JG_TRUNCATED };

/* Start a new journal for `command` (e.g. "fix", "add-key"). *out caller frees with _close. */
int rsc_journal_begin(struct rsc_root *root, const char *command, struct rsc_journal **out);
/*
 * The same, for a cleanup that moves files to moved_to (the helper's --move-to
 * DIR, or NULL): the id is also one that DIR/<id> does not have yet, so that
 * no copy a stopped run left there is ever taken for this run's.
 */
int rsc_journal_begin_beside(struct rsc_root *root, const char *command, const char *moved_to,
			     struct rsc_journal **out);

/*
 * Record the current state of path before it changes: whether it exists,
 * its type, mode, uid, gid, and with save_data its bytes (regular files) or
 * its target (symlinks), in data/<seq>.
 * A path already recorded in this journal is not recorded again (the first,
 * oldest state is what undo restores). fsyncs before returning.
 */
int rsc_journal_record(struct rsc_journal *j, const char *path, bool save_data);

/*
 * Note the len bytes of data that the caller is ABOUT to write to path:
 * saves them as data/<seq>.new and appends "wrote SEQ LEN data/SEQ.new",
 * fsynced. path must already be recorded, as absent or as a file with its
 * bytes (save_data); else -EINVAL. Called again for the same path, the
 * later bytes replace the earlier ones. len above RSC_JOURNAL_DATA_MAX:
 * -EFBIG. Returns 0 or -errno (then nothing may be written to path).
 */
int rsc_journal_wrote(struct rsc_journal *j, const char *path, const void *data, size_t len);

/*
 * Note the target of the symlink that the caller is ABOUT to create at
 * path: saves it as data/<seq>.new and appends "linked SEQ LEN
 * data/SEQ.new", fsynced (version 3). path must already be recorded, as
 * absent or as a symlink with its target (save_data); else -EINVAL. An
 * empty target is -EINVAL, one of PATH_MAX bytes or more -ENAMETOOLONG.
 * Like rsc_journal_wrote(), a later call for the same path replaces the
 * earlier note (whichever of the two it was). Returns 0 or -errno (then the
 * link may not be made).
 */
int rsc_journal_linked(struct rsc_journal *j, const char *path, const char *target);

/*
 * Record a regular file that a cleanup moves out, deletes or truncates: one
 * record with before's mode, owner and size (not its bytes: the disk is
 * full), and a "moved SEQ DEST", "deleted SEQ" or "truncated SEQ DEST"
 * line, fsynced (version 4). dest is the copy on the helper (NULL for
 * deleted), which must be DIR/<this journal's id>/<path> with the marker
 * rsc_journal_moved_marker() names: undo restores from nowhere else. The
 * path must not be recorded yet in this journal (-EEXIST). Called before the
 * change, or, when the victim had no room for a journal, right after it.
 */
int rsc_journal_gone(struct rsc_journal *j, const char *path, const struct stat *before,
		     enum rsc_jgone how, const char *dest);

/*
 * The name of the marker file in DIR/<id>/ that says "this directory holds
 * what journal <id> moved out": ".sshrescue-moved", holding the line
 * "sshrescue-moved <id>". Undo reads a moved file back only from a
 * directory with that marker for the same id, so a hostile manifest cannot
 * make undo copy a file of the helper into the victim.
 */
#define RSC_JOURNAL_MOVED_MARKER ".sshrescue-moved"

/*
 * Start a journal with exactly the id (from rsc_journal_free_id()): -EEXIST
 * when it is taken. rsc_journal_begin() is a free id and this.
 */
int rsc_journal_begin_as(struct rsc_root *root, const char *command, const char *id,
			 struct rsc_journal **out);
/*
 * A journal id not in use on root now (stat only: works on a full disk), nor
 * as moved_to/<id> when moved_to is not NULL. *id caller frees.
 */
int rsc_journal_free_id(struct rsc_root *root, const char *moved_to, char **id);

/* Mark the journal complete and close it; NULL is fine. Returns 0 or -errno. */
int rsc_journal_close(struct rsc_journal *j);
/* The journal's id (owned by j). */
const char *rsc_journal_id(const struct rsc_journal *j);

/* Print the journals of root: id, command, number of records, undone or not. */
int rsc_journal_list(struct rsc_root *root, FILE *out);

/*
 * Restore what journal id recorded (id NULL: the newest journal not yet
 * undone), in reverse order: bytes, then owner, then mode; paths that did not
 * exist are removed; a removed file or symlink is put back. Marks the
 * journal undone. -ENOENT when there is nothing to undo. Messages to out.
 *
 * Undo never loses data (journal version 2, see docs/journal.md): a file the
 * fix created is removed only while it holds exactly the bytes the fix
 * wrote, otherwise it is kept and reported ("kept", not a failure); a file
 * the fix rewrote whose bytes are neither the fix's nor the earlier ones is
 * first copied to "<path>.sshrescue-<id>" (same mode and owner, a name not
 * taken yet) before the earlier bytes are put back. Version 1 journals,
 * which lack the fix's bytes, are undone as before: created files removed,
 * rewritten files overwritten.
 *
 * Version 3 adds symlinks: a symlink the fix removed comes back (target and
 * owner) only while its path is absent (or holds the link the fix made
 * there instead); anything else there is kept and reported. A symlink the
 * fix created is removed only while it is a symlink with exactly the
 * recorded target; otherwise kept and reported.
 */
int rsc_journal_undo(struct rsc_root *root, const char *id, FILE *out);

/*
 * The manifest parser, exposed for the unit tests and the fuzz target.
 * docs/journal.md describes the format. The parser is strict: a line longer
 * than RSC_MANIFEST_LINE_MAX, a missing end of line, a NUL byte, an unknown
 * keyword, a path that is not absolute or has a ".." component, a "wrote"
 * line in a version 1 manifest or for a record that cannot have one, a
 * "linked" line or a symlink's saved target in a version 1 or 2 manifest,
 * a "linked" line for a record that cannot have one: all reject the whole
 * manifest with "line N: why" in *why.
 */
#define RSC_MANIFEST_MAX      (16u << 20) /* bytes of a whole manifest */
#define RSC_MANIFEST_LINE_MAX 16384	  /* bytes of one line, without its newline */
#define RSC_JOURNAL_DATA_MAX  (64u << 20) /* the largest file whose bytes are saved */

enum rsc_jkind { RSC_J_FILE, RSC_J_DIR, RSC_J_ABSENT, RSC_J_SYMLINK, RSC_J_OTHER };

struct rsc_jrecord {
	unsigned long seq; /* 1, 2, 3... in the order the changes were made */
	enum rsc_jkind kind;
	mode_t mode; /* permission bits (07777); 0 for RSC_J_ABSENT */
	uid_t uid;
	gid_t gid;
	unsigned long long size;
	/* the earlier bytes (RSC_J_FILE) or, version 3, the earlier target
	 * (RSC_J_SYMLINK, size 1 .. PATH_MAX - 1) are in data/<seq> */
	bool has_data;
	char *path; /* decoded, absolute, NUL-free */
	/* version 2: a "wrote" line: the fix's bytes are in data/<seq>.new (only
	 * for RSC_J_ABSENT, or RSC_J_FILE with has_data); version 3: or a
	 * "linked" line (new_is_link): the target of the symlink the fix made
	 * is in data/<seq>.new (only for RSC_J_ABSENT, or RSC_J_SYMLINK with
	 * has_data). The last such line of a record counts. */
	bool has_new;
	/* their length: at most RSC_JOURNAL_DATA_MAX, for a link 1 .. PATH_MAX - 1 */
	unsigned long long new_size;
	bool new_is_link;
	/* version 4: a "moved", "deleted" or "truncated" line (only for RSC_J_FILE
	 * without data and without a "wrote" line); dest is the copy on the
	 * helper (moved, truncated), decoded, absolute */
	enum rsc_jgone gone;
	char *dest;
};

struct rsc_manifest {
	unsigned version; /* 1, 2 or 3, from the first line */
	char *command;	  /* decoded */
	char *time;	  /* "YYYY-mm-ddTHH:MM:SSZ" */
	struct rsc_jrecord *recs;
	size_t nrecs;
	bool complete; /* the journal was closed (no crash in between) */
};

struct rsc_buf;

/* Parse len bytes of buf (may hold NUL). 0, or -EBADMSG/-ENOMEM with a message in why. */
int rsc_manifest_parse(const char *buf, size_t len, struct rsc_manifest *m, struct rsc_buf *why);
void rsc_manifest_free(struct rsc_manifest *m);
/*
 * Append rec as one manifest line, with its newline, followed by its
 * "wrote" line when rec->has_new (version 2 and 3), its "linked" line when
 * also rec->new_is_link (version 3). 0, -EINVAL (bad path, or
 * has_data/has_new/new_is_link where the kind allows none, or a size out of
 * range) or -ENOMEM.
 */
int rsc_manifest_format_record(struct rsc_buf *b, const struct rsc_jrecord *rec);

#endif
