/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * planedit.h - edit a victim file through a fix plan: the fixes that change
 * a few lines of a file (sshd_config, passwd, shadow) start from the bytes
 * the plan will already write there, or else from the file itself, and put
 * the result back into that one rewrite.
 */
#ifndef RSC_PLANEDIT_H
#define RSC_PLANEDIT_H

#include <stddef.h>
#include <sys/stat.h>

struct rsc_buf;
struct rsc_plan;
struct rsc_root;

/*
 * The content path will have once the plan's operations so far are applied:
 * the plan's WRITE of path, or the file as it is (at most cap bytes), into
 * b; *st gets its mode and owner (st_mode, st_uid, st_gid only). Returns 0,
 * -ENOENT (no such file), -EFBIG, or another -errno of rsc_root_read_file.
 */
int rsc_plan_current(const struct rsc_plan *p, struct rsc_root *root, const char *path, size_t cap,
		     struct rsc_buf *b, struct stat *st);

/*
 * Make b (taken: left empty) the content the plan writes to path: the
 * plan's WRITE of path is updated, or a WRITE with st's mode and owner is
 * added with code and why. Returns 0 or -ENOMEM.
 */
int rsc_plan_rewrite(struct rsc_plan *p, const char *code, const char *path, struct rsc_buf *b,
		     const struct stat *st, const char *why);

/*
 * Leave out of p every CHMOD and CHOWN of a regular file with more than one hard link (its
 * other names are another user's file, /etc/shadow, a host key: the change would reach them
 * too; rsc_root_chmod() and rsc_root_chown() would refuse it with -EMLINK and stop the fix).
 * A path the plan rewrites first keeps them: the rewrite makes a new inode. For each one left
 * out, one line (two leading spaces, escaped) is added to why:
 *   chmod 0600  PATH  (CODE): hard-linked 2 times: changing it would change the other names
 *   too; fix by hand
 * Returns the number left out, or -ENOMEM.
 */
int rsc_plan_drop_hardlinked(struct rsc_plan *p, struct rsc_root *root, struct rsc_buf *why);

#endif
