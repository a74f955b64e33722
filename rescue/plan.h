/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plan.h - a fix plan: the exact list of changes a fix will make, built by
 * the fix families (fixups/), previewed, then applied through the journal.
 *
 * Fix families never touch the victim themselves: they add operations here.
 * rsc_plan_apply() records each path's earlier state in the journal BEFORE
 * changing it, so that `sshrescue undo` can restore every byte, mode and
 * owner.
 */
#ifndef RSC_PLAN_H
#define RSC_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "hmap.h"

struct rsc_root;
struct rsc_journal;

enum rsc_op_kind {
	RSC_OP_CHMOD,	/* set permission bits (07777) of an existing path */
	RSC_OP_CHOWN,	/* set owner and group of an existing path */
	RSC_OP_WRITE,	/* replace (or create) a regular file's content, mode, owner */
	RSC_OP_MKDIR,	/* create a directory with mode and owner */
	RSC_OP_UNLINK,	/* remove a regular file or a symlink (never a directory) */
	RSC_OP_SYMLINK, /* create a symlink path -> target with an owner */
	/* a cleanup of a full disk (plan_out.c): the bytes are not kept in the journal */
	RSC_OP_MOVE,	 /* move a regular file to the helper directory target */
	RSC_OP_DELETE,	 /* delete a regular file, its bytes not kept (fix --delete) */
	RSC_OP_TRUNCATE, /* copy a regular file to the helper directory target, then truncate it */
};

struct rsc_op {
	enum rsc_op_kind kind;
	char *path;  /* victim path, absolute */
	mode_t mode; /* CHMOD, WRITE, MKDIR */
	uid_t uid;   /* CHOWN, WRITE, MKDIR, SYMLINK */
	gid_t gid;
	char *data; /* WRITE */
	size_t len;
	char *target; /* SYMLINK: the link's text, as given, never resolved; MOVE, TRUNCATE: the
			 helper directory (--move-to), NULL when none was given */
	char *code;   /* problem code that this op repairs, e.g. "ssh.dir.mode" */
	char *why;    /* one line for the preview, may be NULL */
};

struct plan_link;

/*
 * Zero-initialise ({0}); change only through the functions below, which keep
 * the index: each path's first operation by hash (bypath) and, for every
 * operation, the plan's operations on the same path in order (link[], plan.c).
 * A plan of hundreds of thousands of operations (a hostile victim's every
 * user) is built, previewed and applied in time linear in its size.
 */
struct rsc_plan {
	struct rsc_op *ops;
	size_t nops;
	size_t cap;
	struct rsc_hmap bypath;
	struct plan_link *link; /* [cap] */
};

/*
 * Add an operation. Strings and data are copied. A CHMOD or CHOWN of a path
 * that the plan already changes the same way is merged (not added twice).
 * A second CHMOD (CHOWN) of a path with another mode (owner): the later
 * wins, still one operation, with the later code and why.
 * Return 0, -EINVAL (path not absolute) or -ENOMEM.
 */
int rsc_plan_chmod(struct rsc_plan *p, const char *code, const char *path, mode_t mode,
		   const char *why);
int rsc_plan_chown(struct rsc_plan *p, const char *code, const char *path, uid_t uid, gid_t gid,
		   const char *why);
int rsc_plan_write(struct rsc_plan *p, const char *code, const char *path, const void *data,
		   size_t len, mode_t mode, uid_t uid, gid_t gid, const char *why);
int rsc_plan_mkdir(struct rsc_plan *p, const char *code, const char *path, mode_t mode, uid_t uid,
		   gid_t gid, const char *why);
/* Remove a regular file or a symlink (never a directory): a file's bytes, mode and owner, or a
 * link's target and owner, are kept in the journal so that undo puts it back. */
int rsc_plan_unlink(struct rsc_plan *p, const char *code, const char *path, const char *why);
/* Create the symlink path -> target (path must not exist; target is stored as given, never
 * resolved), owned by uid:gid (lchown). */
int rsc_plan_symlink(struct rsc_plan *p, const char *code, const char *path, const char *target,
		     uid_t uid, gid_t gid, const char *why);
/*
 * A cleanup of a full disk: move the regular file path to the helper
 * directory dir (DIR/<journal id>/<path>, with its mode, owner and times),
 * delete it (its bytes are lost: only on the user's --delete), or copy it
 * there and truncate it to 0 bytes (an active log, only on request). dir
 * NULL: the plan can be shown but not applied (rsc_plan_needs_dir()).
 */
int rsc_plan_move(struct rsc_plan *p, const char *code, const char *path, const char *dir,
		  const char *why);
int rsc_plan_delete(struct rsc_plan *p, const char *code, const char *path, const char *why);
int rsc_plan_truncate(struct rsc_plan *p, const char *code, const char *path, const char *dir,
		      const char *why);
/* Does the plan move or truncate a file without a helper directory to copy it to? */
bool rsc_plan_needs_dir(const struct rsc_plan *p);
/* Does the plan free space on the victim (a MOVE, DELETE or TRUNCATE)? */
bool rsc_plan_frees(const struct rsc_plan *p);

/*
 * UNLINK and SYMLINK are never merged: a second one of the same path finds
 * it already so (absent, or the same link) and does nothing. SYMLINK also
 * returns -EINVAL for an empty target, -ENAMETOOLONG for one of PATH_MAX
 * bytes or more.
 */
void rsc_plan_free(struct rsc_plan *p);
/*
 * The plan's WRITE of path, NULL if none: a fix family that repairs the
 * same file twice edits that one rewrite instead of adding another.
 */
struct rsc_op *rsc_plan_find_write(const struct rsc_plan *p, const char *path);
/*
 * Remove the operations i with gone[i] set (freed; the others keep their
 * order). 0, or -ENOMEM (the plan can then only be freed).
 */
int rsc_plan_remove_marked(struct rsc_plan *p, const bool *gone);
/*
 * Order the operations by rank(kind), 0 to nranks - 1, keeping the order of
 * those of one rank (stable). 0, -EINVAL (a rank out of range, the plan
 * unchanged) or -ENOMEM (the plan can then only be freed).
 */
int rsc_plan_sort(struct rsc_plan *p, int (*rank)(enum rsc_op_kind), int nranks);

/*
 * Print the plan, one line per operation with the current state read from
 * the victim: "chmod 0777 -> 0700  /home/alice/.ssh  (ssh.dir.mode)",
 * "rewrite /home/alice/.ssh/authorized_keys (412 -> 398 bytes)". Paths are
 * escaped. Returns the number of operations that would change something.
 *
 * Exact lines (two leading spaces; "(CODE: WHY)" when the op has a why):
 *   chmod 0777 -> 0700  PATH  (CODE)
 *   chown 1002:1002 -> 1001:1001  PATH  (CODE)
 *   rewrite PATH (412 -> 398 bytes, mode 0600, owner 1001:1001) (CODE)
 *   create PATH (398 bytes, mode 0600, owner 1001:1001) (CODE)
 *   mkdir PATH 0700 1001:1001 (CODE)
 *   remove PATH (file, 12 bytes) (CODE)
 *   remove PATH (symlink -> TARGET) (CODE)
 *   symlink PATH -> TARGET (CODE)
 *   move PATH (12 bytes) to DIR (CODE)
 *   delete PATH (12 bytes, not kept) (CODE)
 *   truncate PATH (12 -> 0 bytes, a copy to DIR) (CODE)
 * DIR is "(no --move-to DIR given)" when the op has none. After a plan with
 * such lines: "  frees 12345 bytes in 3 files".
 * TARGET is escaped like PATH. What apply will refuse is shown and counted
 * too: "remove PATH (directory: refused) (CODE)" (-EISDIR), "remove PATH
 * (other: refused) (CODE)" for a FIFO, socket or device (-EINVAL),
 * "symlink PATH -> TARGET (something else is in the way) (CODE)" (-EEXIST).
 * A SYMLINK is satisfied by a symlink with the same target, whatever its
 * owner; an UNLINK by a missing path.
 * A path that is missing shows "(missing)" for its current state. The
 * state is the victim's as the plan's earlier operations would leave it;
 * an operation that changes nothing prints nothing and is not counted.
 */
size_t rsc_plan_preview(const struct rsc_plan *p, struct rsc_root *root, FILE *out);

/*
 * Apply the plan in order through journal j. Each operation: record the
 * path's earlier state in the journal (with its bytes, or a symlink's
 * target, when any operation of the plan writes, removes or links the
 * path), for a WRITE also the bytes about to be written
 * (rsc_journal_wrote(), so that undo never removes or overwrites a file
 * edited after the fix), for a SYMLINK the target about to be linked
 * (rsc_journal_linked()), fsync it, then change the victim; after an UNLINK
 * or SYMLINK the parent directory is fsynced. An UNLINK saves the file's
 * bytes or the link's target in the journal. An operation whose target
 * already has the wanted state is skipped (idempotent). Stops at the first failure and returns -errno;
 * *done counts applied operations. Messages go to err (may be NULL).
 */
int rsc_plan_apply(const struct rsc_plan *p, struct rsc_root *root, struct rsc_journal *j,
		   size_t *done, FILE *err);

/*
 * For a victim too full to hold a journal (rsc_journal_begin() gave -ENOSPC
 * or -EDQUOT): apply the plan's MOVE, DELETE and TRUNCATE operations, one at a time,
 * until a journal can be started, then record what was done in it. The
 * journal id is chosen first, so the moved files are already in
 * DIR/<id>/. *j is the journal (the caller applies the rest of the plan
 * with it and closes it); on failure *j is NULL and what was moved is
 * said on err. *done counts the files. 0 or -errno.
 */
int rsc_plan_make_room(const struct rsc_plan *p, struct rsc_root *root, const char *command,
		       struct rsc_journal **j, size_t *done, FILE *err);

#endif
