// SPDX-License-Identifier: GPL-2.0-or-later
/* planedit.c - edit a victim file through a fix plan (planedit.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "planedit.h"
#include "root.h"
#include "util.h"

int rsc_plan_current(const struct rsc_plan *p, struct rsc_root *root, const char *path, size_t cap,
		     struct rsc_buf *b, struct stat *st)
{
	_cleanup_free_ char *data = NULL;
	const struct rsc_op *op = rsc_plan_find_write(p, path);
	struct stat fst;
	size_t len = 0;
	int r;

	if (op) {
		st->st_mode = op->mode;
		st->st_uid = op->uid;
		st->st_gid = op->gid;
		return rsc_buf_add(b, op->data, op->len);
	}
	r = rsc_root_read_file(root, path, cap, 0, &data, &len, &fst);
	if (r < 0)
		return r;
	st->st_mode = fst.st_mode;
	st->st_uid = fst.st_uid;
	st->st_gid = fst.st_gid;
	return rsc_buf_add(b, data, len);
}

int rsc_plan_rewrite(struct rsc_plan *p, const char *code, const char *path, struct rsc_buf *b,
		     const struct stat *st, const char *why)
{
	struct rsc_op *op = rsc_plan_find_write(p, path);
	size_t n = b->len;
	int r;

	if (!op) {
		r = rsc_plan_write(p, code, path, b->data ? b->data : "", n, st->st_mode & 07777,
				   st->st_uid, st->st_gid, why);
		rsc_buf_free(b);
		return r;
	}
	free(op->data);
	op->data = rsc_buf_steal(b);
	op->len = op->data ? n : 0;
	rsc_buf_free(b);
	return 0;
}

/* "  chmod 0600  PATH  (CODE): hard-linked N times: ..." for op, into b. */
static int left_out(struct rsc_buf *b, const struct rsc_op *op, nlink_t n)
{
	int r = op->kind == RSC_OP_CHMOD ? rsc_buf_printf(b, "  chmod %04o  ", (unsigned)op->mode)
					 : rsc_buf_printf(b, "  chown %u:%u  ", (unsigned)op->uid,
							  (unsigned)op->gid);

	if (r == 0)
		r = rsc_buf_add_escaped(b, op->path);
	if (r == 0)
		r = rsc_buf_adds(b, "  (");
	if (r == 0)
		r = rsc_buf_add_escaped(b, op->code ? op->code : "-");
	if (r == 0)
		r = rsc_buf_printf(b,
				   "): hard-linked %lu times: changing it would change the other "
				   "names too; fix by hand\n",
				   (unsigned long)n);
	return r;
}

int rsc_plan_drop_hardlinked(struct rsc_plan *p, struct rsc_root *root, struct rsc_buf *why)
{
	_cleanup_free_ bool *gone = calloc(p->nops ? p->nops : 1, sizeof(*gone));
	int dropped = 0, r;

	if (!gone)
		return -ENOMEM;
	for (size_t i = 0; i < p->nops; i++) {
		const struct rsc_op *op = &p->ops[i];
		struct stat st;

		if ((op->kind != RSC_OP_CHMOD && op->kind != RSC_OP_CHOWN) ||
		    rsc_plan_find_write(p, op->path) ||
		    rsc_root_stat(root, op->path, &st, RSC_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
		    st.st_nlink < 2)
			continue;
		r = left_out(why, op, st.st_nlink);
		if (r < 0)
			return r;
		gone[i] = true;
		dropped++;
	}
	r = rsc_plan_remove_marked(p, gone);
	return r < 0 ? r : dropped;
}
