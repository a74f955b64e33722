// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot.c - make the next boot start sshd and let users in, the way
 * systemctl would on the running system, every link and file journaled:
 *
 *  - sshd.unit.masked: the mask in /etc/systemd/system is removed
 *    (systemctl unmask), when a real unit file of that name remains;
 *  - sshd.unit.disabled: the links its [Install] WantedBy= asks for
 *    (multi-user.target by default) are made in /etc/systemd/system
 *    (systemctl enable); sysvinit rc links are left to update-rc.d;
 *  - boot.target.rescue: /etc/systemd/system/default.target goes; when the
 *    distribution's default.target would not boot to multi-user either, it
 *    becomes a link to multi-user.target (systemctl set-default);
 *  - login.nologin: /etc/nologin is removed (its bytes stay in the journal).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixups.h"
#include "plan.h"
#include "report.h"
#include "root.h"
#include "sdunit.h"
#include "util.h"

#define ETC_UNITS "/etc/systemd/system"

static const enum rsc_pid ids[] = { PR_SSHD_UNIT_MASKED, PR_SSHD_UNIT_DISABLED,
				    PR_BOOT_TARGET_RESCUE, PR_LOGIN_NOLOGIN };

/* Is there an operation on path already (a second finding of the same file)? */
static bool planned(const struct rsc_plan *p, enum rsc_op_kind kind, const char *path)
{
	for (size_t i = 0; i < p->nops; i++)
		if (p->ops[i].kind == kind && strcmp(p->ops[i].path, path) == 0)
			return true;
	return false;
}

static int unmask(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	const char *name = strrchr(f->path, '/');
	struct stat st;
	bool vendor = false;

	if (!name || !rsc_startswith(f->path, ETC_UNITS "/") ||
	    strchr(f->path + strlen(ETC_UNITS "/"), '/'))
		return -ENOTSUP; /* a mask below /lib is the distribution's own */
	for (size_t i = 1; rsc_unit_dirs[i] && !vendor; i++) {
		_cleanup_free_ char *v = rsc_path_join(rsc_unit_dirs[i], name + 1);

		if (!v)
			return -ENOMEM;
		vendor = rsc_root_stat(ctx->root, v, &st, 0) == 0 && S_ISREG(st.st_mode) &&
			 st.st_size > 0;
	}
	if (!vendor)
		return -ENOTSUP; /* nothing would be left to start: reinstall openssh-server */
	return rsc_plan_unlink(p, rsc_problem(f->id)->code, f->path,
			       "systemctl unmask: the unit file below it applies again");
}

/* The unit as it will be once its mask in /etc is gone: the first file below /etc. */
static int below_mask(struct rsc_ctx *ctx, const char *name, struct rsc_unit *u)
{
	rsc_unit_free(u);
	for (size_t i = 1; rsc_unit_dirs[i]; i++) {
		_cleanup_free_ char *path = rsc_path_join(rsc_unit_dirs[i], name), *data = NULL;
		size_t len = 0;
		int r;

		if (!path)
			return -ENOMEM;
		r = rsc_root_read_file(ctx->root, path, 0, 0, &data, &len, NULL);
		if (r == -ENOMEM)
			return r;
		if (r < 0 || len == 0)
			continue;
		u->files = calloc(2, sizeof(*u->files));
		u->data = calloc(2, sizeof(*u->data));
		if (!u->files || !u->data)
			return -ENOMEM;
		u->path = strdup(path);
		u->files[0] = TAKE_PTR(path);
		u->data[0] = TAKE_PTR(data);
		u->nfiles = 1;
		return u->path ? 0 : -ENOMEM;
	}
	return 0;
}

static int enable(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	const char *code = rsc_problem(f->id)->code, *base;
	struct rsc_unit u;
	char **wanted = NULL;
	size_t n = 0;
	int r;

	if (!f->path || f->path[0] == '/')
		return -ENOTSUP; /* sysvinit: update-rc.d ssh enable (sshrescue shell) */
	r = rsc_unit_load(ctx->root, f->path, &u);
	if (r == 0 && u.masked && planned(p, RSC_OP_UNLINK, u.path))
		r = below_mask(ctx, f->path, &u); /* this plan unmasks it */
	if (r == 0 && (!u.path || u.masked))
		r = -ENOTSUP;
	if (r == 0)
		r = rsc_unit_values(&u, "Install", "WantedBy", true, &wanted, &n);
	base = r == 0 ? strrchr(u.path, '/') + 1 : NULL;
	for (size_t i = 0; r == 0 && i < (n ? n : 1); i++) {
		const char *target = n ? wanted[i] : "multi-user.target";
		_cleanup_free_ char *dir = NULL, *link = NULL;
		struct stat st;

		if (strchr(target, '/') || !*target)
			continue;
		if (asprintf(&dir, ETC_UNITS "/%s.wants", target) < 0 ||
		    asprintf(&link, "%s/%s", dir, base) < 0) {
			r = -ENOMEM;
			break;
		}
		if (rsc_root_stat(ctx->root, dir, &st, RSC_NOFOLLOW) < 0 &&
		    !planned(p, RSC_OP_MKDIR, dir))
			r = rsc_plan_mkdir(p, code, dir, 0755, 0, 0, NULL);
		if (r == 0 && !planned(p, RSC_OP_SYMLINK, link))
			r = rsc_plan_symlink(p, code, link, u.path, 0, 0, "systemctl enable");
	}
	rsc_unit_strv_free(wanted);
	rsc_unit_free(&u);
	return r;
}

/* Would default.target of the directories below /etc boot to where sshd runs? */
static bool vendor_default_ok(struct rsc_ctx *ctx)
{
	for (size_t i = 1; rsc_unit_dirs[i]; i++) {
		_cleanup_free_ char *p = rsc_path_join(rsc_unit_dirs[i], "default.target");
		_cleanup_free_ char *link = NULL;

		if (p && rsc_root_readlink(ctx->root, p, &link) == 0)
			return !strstr(link, "rescue.target") && !strstr(link, "emergency.target");
	}
	return false;
}

static int set_default(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	const char *code = rsc_problem(f->id)->code;
	const char *dflt = ETC_UNITS "/default.target";
	_cleanup_free_ char *link = NULL, *target = NULL;
	struct stat st;
	int r = rsc_root_readlink(ctx->root, dflt, &link);

	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return -ENOTSUP; /* the distribution's own default is rescue: a human decides */
	r = rsc_plan_unlink(p, code, dflt, "the distribution's default target applies again");
	if (r < 0 || vendor_default_ok(ctx))
		return r;
	for (size_t i = 1; rsc_unit_dirs[i] && !target; i++) {
		target = rsc_path_join(rsc_unit_dirs[i], "multi-user.target");
		if (!target)
			return -ENOMEM;
		if (rsc_root_stat(ctx->root, target, &st, 0) < 0) {
			free(target);
			target = NULL;
		}
	}
	if (!target)
		return -ENOTSUP;
	return rsc_plan_symlink(p, code, dflt, target, 0, 0, "systemctl set-default multi-user");
}

static int plan(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	if (!f->path)
		return -ENOTSUP;
	switch (f->id) {
	case PR_SSHD_UNIT_MASKED:
		return unmask(ctx, f, p);
	case PR_SSHD_UNIT_DISABLED:
		return enable(ctx, f, p);
	case PR_BOOT_TARGET_RESCUE:
		return set_default(ctx, f, p);
	case PR_LOGIN_NOLOGIN:
		if (planned(p, RSC_OP_UNLINK, f->path))
			return 0;
		return rsc_plan_unlink(p, rsc_problem(f->id)->code, f->path,
				       "nothing refuses the users any more");
	default:
		return -ENOTSUP;
	}
}

const struct rsc_fixer fix_boot = {
	.name = "boot",
	.ids = ids,
	.nids = ARRAY_SIZE(ids),
	.plan = plan,
};
