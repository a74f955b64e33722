// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ssh_perms.c - repair modes and owners on the way to a user's keys.
 *
 * Only the bits sshd objects to are changed: group/other write is removed,
 * search or read permission is given back, the owner becomes the user (or
 * root above the home). ~/.ssh becomes 0700 and keys files in the home 0600,
 * owned by the user, as OpenSSH recommends. Nothing is ever deleted.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "fixups.h"
#include "plan.h"
#include "report.h"
#include "victim.h"

static const enum rsc_pid ids[] = {
	PR_SSH_HOME_MODE,	 PR_SSH_HOME_OWNER,    PR_SSH_DIR_MODE,	  PR_SSH_DIR_OWNER,
	PR_SSH_PATH_MODE,	 PR_SSH_PATH_OWNER,    PR_SSH_DIR_ACCESS, PR_SSH_KEYS_MODE,
	PR_SSH_KEYS_OWNER,	 PR_SSH_KEYS_ACCESS,   PR_SSH_DIR_LOOSE,  PR_SSH_KEYS_LOOSE,
	PR_SSH_PRIVKEY_READABLE, PR_SSH_OWNER_UNKNOWN,
};

/*
 * A private mode (0700, 0600) in the home is right only when the user owns
 * the path: a root-owned 0666 authorized_keys made 0600 would lock the user
 * out. So such a path is given to the user first (chown sorts before chmod).
 */
static int make_private(struct rsc_plan *p, const char *code, const struct rsc_finding *f,
			const struct rsc_user *u, mode_t mode, const char *why)
{
	if (f->uid != u->uid) {
		int r = rsc_plan_chown(p, code, f->path, u->uid, u->gid, "owned by the user");

		if (r < 0)
			return r;
	}
	return rsc_plan_chmod(p, code, f->path, mode, why);
}

static int plan(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	const struct rsc_user *u = f->user ? rsc_victim_user_by_name(ctx->victim, f->user) : NULL;
	const char *code = rsc_problem(f->id)->code;
	mode_t perm = f->mode & 07777;

	if (!u || !f->path || !f->has_stat)
		return -ENOTSUP;
	switch (f->id) {
	case PR_SSH_HOME_MODE:
	case PR_SSH_PATH_MODE:
		return rsc_plan_chmod(p, code, f->path, perm & ~(mode_t)022,
				      "remove group/other write");
	case PR_SSH_DIR_MODE:
	case PR_SSH_DIR_LOOSE:
		return make_private(p, code, f, u, 0700, "~/.ssh private to its user");
	case PR_SSH_KEYS_MODE:
		if (!f->in_home)
			return rsc_plan_chmod(p, code, f->path, perm & ~(mode_t)022,
					      "remove group/other write");
		/* fallthrough */
	case PR_SSH_KEYS_LOOSE:
	case PR_SSH_PRIVKEY_READABLE:
		return make_private(p, code, f, u, 0600, "private to its user");
	case PR_SSH_PATH_OWNER:
		if (!f->in_home)
			return rsc_plan_chown(p, code, f->path, 0, f->gid, "owned by root");
		/* fallthrough */
	case PR_SSH_HOME_OWNER:
	case PR_SSH_DIR_OWNER:
	case PR_SSH_KEYS_OWNER:
	case PR_SSH_OWNER_UNKNOWN:
		return rsc_plan_chown(p, code, f->path, u->uid, u->gid, "owned by the user");
	case PR_SSH_DIR_ACCESS:
		if (!f->in_home)
			return rsc_plan_chmod(p, code, f->path, perm | 0111, "searchable by all");
		if (f->uid != u->uid)
			return rsc_plan_chown(p, code, f->path, u->uid, u->gid,
					      "owned by the user");
		return rsc_plan_chmod(p, code, f->path, perm | 0100, "searchable by its user");
	case PR_SSH_KEYS_ACCESS:
		if (!f->in_home)
			return rsc_plan_chmod(p, code, f->path, perm | 0444, "readable by all");
		if (f->uid != u->uid)
			return rsc_plan_chown(p, code, f->path, u->uid, u->gid,
					      "owned by the user");
		return rsc_plan_chmod(p, code, f->path, perm | 0400, "readable by its user");
	default:
		return -ENOTSUP;
	}
}

const struct rsc_fixer fix_ssh_perms = {
	.name = "ssh-perms",
	.ids = ids,
	.nids = sizeof(ids) / sizeof(ids[0]),
	.plan = plan,
};
