// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sshd_privsep.c - give sshd its privilege separation user and directory.
 *
 *  - sshd.privsep.dir under /run (Debian's /run/sshd): /run is an empty
 *    tmpfs at every boot, so making the directory on the disk would change
 *    nothing. When the ssh unit makes it with a mode sshd refuses, a
 *    drop-in sets RuntimeDirectoryMode=0755; when nothing makes it, a
 *    tmpfiles.d line does ("d /run/sshd 0755 root root -"), which
 *    systemd-tmpfiles-setup applies early at boot. Without systemd there is
 *    nothing to add it to: reinstalling openssh-server is the way.
 *  - sshd.privsep.dir elsewhere (/var/empty, /usr/share/empty.sshd): made
 *    0755 root:root, or given root as owner and its group and other write
 *    bits taken away.
 *  - sshd.privsep.user: the user the distribution's package adds, appended
 *    to /etc/passwd (and /etc/shadow, locked): Debian's "sshd" with the
 *    lowest free system UID from 100 and group nogroup (65534), RHEL's
 *    UID/GID 74 with a group sshd. Nothing existing is changed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fixups.h"
#include "plan.h"
#include "planedit.h"
#include "report.h"
#include "root.h"
#include "sdunit.h"
#include "util.h"
#include "victim.h"

#define ACCOUNTS_CAP (64u << 20)
#define TMPFILES_DIR "/etc/tmpfiles.d"
#define TMPFILES     TMPFILES_DIR "/sshrescue-sshd.conf"

static const enum rsc_pid ids[] = { PR_SSHD_PRIVSEP_DIR, PR_SSHD_PRIVSEP_USER };

static const char *const ssh_units[] = { "ssh.service", "sshd.service" };

static const char dropin_text[] =
	"# Written by sshrescue (sshd.privsep.dir): sshd refuses a group- "
	"or world-writable\n# privilege separation directory.\n"
	"[Service]\nRuntimeDirectoryMode=0755\n";

static bool exists(struct rsc_ctx *ctx, const char *path, struct stat *st)
{
	return rsc_root_stat(ctx->root, path, st, 0) == 0;
}

/* The ssh unit that makes /run/NAME with a mode sshd refuses, or NULL. */
static int unit_bad_mode(struct rsc_ctx *ctx, const char *name, const char **unit)
{
	int r = 0;

	*unit = NULL;
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(ssh_units) && !*unit; i++) {
		struct rsc_unit u;
		char **v = NULL, **m = NULL;
		size_t n = 0, nm = 0;
		bool makes = false;

		r = rsc_unit_load(ctx->root, ssh_units[i], &u);
		if (r == 0 && u.path && !u.masked)
			r = rsc_unit_values(&u, "Service", "RuntimeDirectory", true, &v, &n);
		for (size_t k = 0; k < n; k++)
			makes |= strcmp(v[k], name) == 0;
		if (r == 0 && makes)
			r = rsc_unit_values(&u, "Service", "RuntimeDirectoryMode", false, &m, &nm);
		if (r == 0 && nm && (strtoul(m[nm - 1], NULL, 8) & 022))
			*unit = ssh_units[i];
		rsc_unit_strv_free(v);
		rsc_unit_strv_free(m);
		rsc_unit_free(&u);
	}
	return r;
}

static bool has_systemd(struct rsc_ctx *ctx)
{
	static const char *const bins[] = { "/lib/systemd/systemd", "/usr/lib/systemd/systemd" };
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(bins); i++)
		if (exists(ctx, bins[i], &st) && S_ISREG(st.st_mode))
			return true;
	return false;
}

static int plan_run_dir(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	const char *code = rsc_problem(f->id)->code, *unit = NULL;
	_cleanup_free_ char *dropin_dir = NULL, *dropin = NULL, *text = NULL;
	struct stat st;
	int r = unit_bad_mode(ctx, f->path + strlen("/run/"), &unit);

	if (r < 0)
		return r;
	if (unit) {
		if (asprintf(&dropin_dir, "/etc/systemd/system/%s.d", unit) < 0 ||
		    asprintf(&dropin, "%s/zz-sshrescue-privsep.conf", dropin_dir) < 0)
			return -ENOMEM;
		if (!exists(ctx, dropin_dir, &st))
			r = rsc_plan_mkdir(p, code, dropin_dir, 0755, 0, 0, NULL);
		if (r == 0)
			r = rsc_plan_write(p, code, dropin, dropin_text, sizeof(dropin_text) - 1,
					   0644, 0, 0,
					   "the unit makes the directory 0755 at start");
		return r;
	}
	if (!has_systemd(ctx))
		return -ENOTSUP; /* no systemd-tmpfiles to run the line: reinstall openssh-server */
	if (asprintf(&text,
		     "# Written by sshrescue (sshd.privsep.dir): nothing else makes sshd's\n"
		     "# privilege separation directory at boot.\nd %s 0755 root root -\n",
		     f->path) < 0)
		return -ENOMEM;
	if (!exists(ctx, TMPFILES_DIR, &st))
		r = rsc_plan_mkdir(p, code, TMPFILES_DIR, 0755, 0, 0, NULL);
	if (r == 0)
		r = rsc_plan_write(p, code, TMPFILES, text, strlen(text), 0644, 0, 0,
				   "systemd-tmpfiles makes the directory at every boot");
	return r;
}

static int plan_dir(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	const char *code = rsc_problem(f->id)->code;
	struct stat st;
	int r;

	if (!f->path || f->path[0] != '/')
		return -ENOTSUP;
	if (rsc_startswith(f->path, "/run/"))
		return plan_run_dir(ctx, f, p);
	r = rsc_root_stat(ctx->root, f->path, &st, RSC_NOFOLLOW);
	if (r == -ENOENT)
		return rsc_plan_mkdir(p, code, f->path, 0755, 0, 0, NULL);
	if (r < 0 || !S_ISDIR(st.st_mode))
		return r == -ENOMEM ? r : -ENOTSUP; /* a file or a link there: a human decides */
	r = 0;
	if (st.st_uid != 0 || st.st_gid != 0)
		r = rsc_plan_chown(p, code, f->path, 0, 0, NULL);
	if (r == 0 && (st.st_mode & 022))
		r = rsc_plan_chmod(p, code, f->path, st.st_mode & 07755, NULL);
	return r;
}

/* Append line to the accounts file path (kept mode and owner), in the plan's one rewrite. */
static int append_line(struct rsc_ctx *ctx, struct rsc_plan *p, const char *code, const char *path,
		       const char *line)
{
	_cleanup_(rsc_buf_free) struct rsc_buf b = { 0 };
	struct stat st = { 0 };
	int r = rsc_plan_current(p, ctx->root, path, ACCOUNTS_CAP, &b, &st);

	if (r == 0 && b.len && b.data[b.len - 1] != '\n')
		r = rsc_buf_adds(&b, "\n");
	if (r == 0)
		r = rsc_buf_adds(&b, line);
	if (r == 0)
		r = rsc_plan_rewrite(p, code, path, &b, &st,
				     "the account the openssh-server package adds");
	return r;
}

/* The lowest system UID from 100 that no user and no group has. */
static uid_t free_system_id(const struct rsc_victim *v)
{
	for (uid_t id = 100; id < 1000; id++)
		if (!rsc_victim_user_by_uid(v, id) && !rsc_victim_group_by_gid(v, id))
			return id;
	return (uid_t)-1;
}

static const char *nologin(struct rsc_ctx *ctx)
{
	static const char *const shells[] = { "/usr/sbin/nologin", "/sbin/nologin" };
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(shells); i++)
		if (exists(ctx, shells[i], &st))
			return shells[i];
	return "/bin/false";
}

static int plan_user(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	const struct rsc_victim *v = ctx->victim;
	const char *code = rsc_problem(f->id)->code;
	bool rhel = v->family == RSC_OS_RHEL;
	const char *home = rhel ? "/usr/share/empty.sshd" : "/run/sshd";
	_cleanup_free_ char *pw = NULL, *sh = NULL, *gr = NULL;
	uid_t uid = rhel ? 74 : free_system_id(v);
	gid_t gid = 65534;
	int r = 0;

	if (rsc_victim_user_by_name(v, "sshd"))
		return 0; /* already added (a second finding of the same run) */
	if (uid == (uid_t)-1 || (rhel && rsc_victim_user_by_uid(v, uid)))
		return -ENOTSUP;
	if (rhel || !rsc_victim_group_by_gid(v, gid)) {
		gid = uid;
		if (rsc_victim_group_by_gid(v, gid) || rsc_victim_group_by_name(v, "sshd"))
			return -ENOTSUP;
		if (asprintf(&gr, "sshd:x:%u:\n", (unsigned)gid) < 0)
			return -ENOMEM;
	}
	if (asprintf(&pw, "sshd:x:%u:%u:%s:%s:%s\n", (unsigned)uid, (unsigned)gid,
		     rhel ? "Privilege-separated SSH" : "", home, nologin(ctx)) < 0 ||
	    asprintf(&sh, "sshd:!:%ld::::::\n", (long)(time(NULL) / 86400)) < 0)
		return -ENOMEM;
	if (gr)
		r = append_line(ctx, p, code, "/etc/group", gr);
	if (r == 0)
		r = append_line(ctx, p, code, "/etc/passwd", pw);
	if (r == 0 && v->has_shadow)
		r = append_line(ctx, p, code, "/etc/shadow", sh);
	return r == -ENOENT ? -ENOTSUP : r;
}

static int plan(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	return f->id == PR_SSHD_PRIVSEP_USER ? plan_user(ctx, f, p) : plan_dir(ctx, f, p);
}

const struct rsc_fixer fix_sshd_privsep = {
	.name = "sshd-privsep",
	.ids = ids,
	.nids = ARRAY_SIZE(ids),
	.plan = plan,
};
