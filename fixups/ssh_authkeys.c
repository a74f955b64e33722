// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ssh_authkeys.c - rewrite an authorized_keys file that sshd misreads: no
 * BOM, LF line ends, split keys joined. Every key, option and comment is
 * kept (rsc_ak_normalize); the file keeps its mode and owner.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "authkeys.h"
#include "fixups.h"
#include "plan.h"
#include "report.h"
#include "root.h"
#include "util.h"

#define AK_FIX_CAP (4u << 20)

static const enum rsc_pid ids[] = { PR_SSH_KEYS_BOM, PR_SSH_KEYS_CRLF, PR_SSH_KEYS_SPLIT };

/* "BOM removed, LF line ends": what the rewrite changes in this file. */
static char *describe(const char *data, size_t len)
{
	struct rsc_akfile af = { 0 };
	struct rsc_buf b = { 0 };
	bool split = false;
	int r;

	if (rsc_ak_parse(data, len, &af) < 0)
		return NULL;
	for (size_t i = 0; i < af.nlines; i++)
		split |= af.lines[i].status == RSC_AK_SPLIT_HEAD;
	r = rsc_buf_adds(&b, af.has_bom ? "BOM removed, " : "");
	if (r == 0 && af.ncrlf)
		r = rsc_buf_adds(&b, "LF line ends, ");
	if (r == 0 && split)
		r = rsc_buf_adds(&b, "split keys joined, ");
	if (r == 0 && af.missing_final_newline)
		r = rsc_buf_adds(&b, "final newline added, ");
	if (r == 0)
		r = rsc_buf_adds(&b, "every key kept");
	rsc_ak_free(&af);
	if (r < 0) {
		rsc_buf_free(&b);
		return NULL;
	}
	return rsc_buf_steal(&b);
}

static int plan(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	_cleanup_free_ char *data = NULL, *why = NULL;
	char *fixed = NULL;
	size_t len = 0, flen = 0;
	bool changed = false;
	struct stat st;
	int r;

	if (!f->path)
		return -ENOTSUP;
	if (rsc_plan_find_write(p, f->path))
		return 0; /* one rewrite repairs BOM, CRLF and split keys together */
	r = rsc_root_read_file(ctx->root, f->path, AK_FIX_CAP, 0, &data, &len, &st);
	if (r < 0)
		return r;
	why = describe(data, len); /* before: normalize may rewrite data in place */
	r = rsc_ak_normalize(data, len, &fixed, &flen, &changed);
	if (r < 0)
		return r;
	if (changed) {
		r = rsc_plan_write(p, rsc_problem(f->id)->code, f->path, fixed, flen,
				   st.st_mode & 07777, st.st_uid, st.st_gid, why);
	}
	if (fixed != data)
		free(fixed);
	return r;
}

const struct rsc_fixer fix_ssh_authkeys = {
	.name = "ssh-authkeys",
	.ids = ids,
	.nids = sizeof(ids) / sizeof(ids[0]),
	.plan = plan,
};
