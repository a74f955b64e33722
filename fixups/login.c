// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * login.c - let an authenticated user in: the account's line of
 * /etc/shadow, edited in place (every other line and field byte for byte
 * as it was; mode and owner kept; the old bytes in the journal).
 *
 *  - login.account.expired: the expiry day (field 8) is emptied, as
 *    `chage -E -1 USER` does;
 *  - login.account.locked (UsePAM no): a password field that holds no hash
 *    ("!", "!!", "!*") becomes "*": still no password, but not locked for
 *    sshd. A field with a real hash after the '!' is left alone: unlocking
 *    would bring an old password back, which is the owner's decision.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixups.h"
#include "plan.h"
#include "planedit.h"
#include "report.h"
#include "util.h"

#define SHADOW	   "/etc/shadow"
#define SHADOW_CAP (64u << 20)

static const enum rsc_pid ids[] = { PR_LOGIN_EXPIRED, PR_LOGIN_LOCKED };

/* [*s, *e) of field n (0-based) of the line [l, end); false if the line has fewer fields. */
static bool field(const char *l, const char *end, unsigned n, const char **s, const char **e)
{
	const char *p = l;

	for (unsigned i = 0; i < n; i++) {
		p = memchr(p, ':', (size_t)(end - p));
		if (!p)
			return false;
		p++;
	}
	*s = p;
	*e = memchr(p, ':', (size_t)(end - p));
	if (!*e)
		*e = end;
	return true;
}

/* The new text of field n for the finding, NULL when there is nothing it may change. */
static const char *replacement(enum rsc_pid id, const char *s, const char *e)
{
	static const char *const lockonly[] = { "!", "!!", "!*" };
	size_t len = (size_t)(e - s);

	if (id == PR_LOGIN_EXPIRED)
		return len ? "" : NULL;
	for (size_t i = 0; i < ARRAY_SIZE(lockonly); i++)
		if (len == strlen(lockonly[i]) && memcmp(s, lockonly[i], len) == 0)
			return "*";
	return NULL;
}

static int plan(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	_cleanup_(rsc_buf_free) struct rsc_buf cur = { 0 }, out = { 0 };
	const char *code = rsc_problem(f->id)->code, *l, *end, *s, *e, *with;
	unsigned n = f->id == PR_LOGIN_EXPIRED ? 7 : 1;
	size_t ul = f->user ? strlen(f->user) : 0;
	struct stat st = { 0 };
	int r;

	if (!ul)
		return -ENOTSUP;
	r = rsc_plan_current(p, ctx->root, SHADOW, SHADOW_CAP, &cur, &st);
	if (r < 0)
		return r == -ENOMEM ? r : -ENOTSUP;
	for (l = cur.data; l && *l; l = *end ? end + 1 : end) {
		end = l + strcspn(l, "\n");
		if ((size_t)(end - l) > ul && memcmp(l, f->user, ul) == 0 && l[ul] == ':')
			break;
	}
	if (!l || !*l || !field(l, end, n, &s, &e))
		return -ENOTSUP;
	with = replacement(f->id, s, e);
	if (!with)
		return f->id == PR_LOGIN_EXPIRED ? 0 : -ENOTSUP; /* already done by this plan */
	r = rsc_buf_add(&out, cur.data, (size_t)(s - cur.data));
	if (r == 0)
		r = rsc_buf_adds(&out, with);
	if (r == 0)
		r = rsc_buf_adds(&out, e);
	if (r == 0)
		r = rsc_plan_rewrite(p, code, SHADOW, &out, &st,
				     f->id == PR_LOGIN_EXPIRED ? "no expiry date (chage -E -1)"
							       : "password field '*': not locked");
	return r;
}

const struct rsc_fixer fix_login = {
	.name = "login",
	.ids = ids,
	.nids = ARRAY_SIZE(ids),
	.plan = plan,
};
