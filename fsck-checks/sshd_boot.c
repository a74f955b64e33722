// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sshd_boot.c - would the victim's next boot start sshd?
 *
 * systemd victims (/sbin/init is systemd): the default target is not
 * rescue or emergency; the ssh service exists (ssh.service on Debian and
 * Ubuntu, sshd.service elsewhere; aliases followed), is not masked, and is
 * enabled (a *.wants or *.requires link), or an ssh socket is enabled and
 * not masked instead. sysvinit victims: /etc/init.d/ssh has an S link in the
 * rc directory of the default runlevel. A root without a recognisable init
 * (a container image, a chroot) is not judged.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks.h"
#include "report.h"
#include "root.h"
#include "sdunit.h"
#include "util.h"
#include "victim.h"

#define INITTAB_CAP (64u << 10)

enum init_kind { INIT_NONE, INIT_SYSTEMD, INIT_SYSV };

static enum init_kind init_kind(struct rsc_ctx *ctx)
{
	static const char *const inits[] = { "/sbin/init", "/usr/sbin/init" };
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(inits); i++) {
		_cleanup_free_ char *link = NULL;

		if (rsc_root_readlink(ctx->root, inits[i], &link) == 0)
			return strstr(link, "systemd") ? INIT_SYSTEMD : INIT_SYSV;
		if (rsc_root_stat(ctx->root, inits[i], &st, RSC_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode))
			return INIT_SYSV;
	}
	return INIT_NONE;
}

static int report(struct rsc_ctx *ctx, enum rsc_pid id, const char *path, const char *evidence)
{
	struct rsc_detail d = { .path = path, .evidence = evidence };

	return rsc_report(ctx, id, &d);
}

/* default.target: the first of the search path, by the name its link gives. */
static int check_default_target(struct rsc_ctx *ctx)
{
	for (size_t i = 0; rsc_unit_dirs[i]; i++) {
		_cleanup_free_ char *p = rsc_path_join(rsc_unit_dirs[i], "default.target");
		_cleanup_free_ char *link = NULL, *ev = NULL;
		const char *base;
		int r;

		if (!p)
			return -ENOMEM;
		r = rsc_root_readlink(ctx->root, p, &link);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		base = strrchr(link, '/');
		base = base ? base + 1 : link;
		if (strcmp(base, "rescue.target") != 0 && strcmp(base, "emergency.target") != 0)
			return 0;
		if (asprintf(&ev, "%s is a link to %s", p, link) < 0)
			return -ENOMEM;
		return report(ctx, PR_BOOT_TARGET_RESCUE, base, ev);
	}
	return 0;
}

/* Is unit enabled under its name or under one of the names that alias it? */
static int enabled(struct rsc_ctx *ctx, const char *const *names, char **by)
{
	int r = 0;

	for (size_t i = 0; names[i] && r == 0; i++)
		r = rsc_unit_enabled(ctx->root, names[i], by);
	return r;
}

static int check_systemd(struct rsc_ctx *ctx)
{
	bool debian = ctx->victim->family == RSC_OS_DEBIAN;
	const char *const services[] = { debian ? "ssh.service" : "sshd.service",
					 debian ? "sshd.service" : "ssh.service", NULL };
	const char *const sockets[] = { debian ? "ssh.socket" : "sshd.socket", NULL };
	struct rsc_unit svc = { 0 }, sock = { 0 };
	const char *name = services[0];
	bool sock_on = false;
	int r = check_default_target(ctx);

	for (size_t i = 0; r == 0 && services[i] && !svc.path; i++) {
		rsc_unit_free(&svc);
		r = rsc_unit_load(ctx->root, services[i], &svc);
		name = svc.path ? services[i] : services[0];
	}
	if (r == 0)
		r = rsc_unit_load(ctx->root, sockets[0], &sock);
	if (r == 0 && sock.path && !sock.masked) {
		r = enabled(ctx, sockets, NULL);
		sock_on = r > 0;
	}
	if (r < 0 || sock_on)
		goto out; /* socket activation: systemd starts sshd per connection */
	if (!svc.path) {
		r = report(ctx, PR_SSHD_UNIT_MISSING, name,
			   "no ssh.service, sshd.service or ssh socket in /etc/systemd/system, "
			   "/lib/systemd/system or /usr/lib/systemd/system");
		goto out;
	}
	if (svc.masked) {
		r = report(ctx, PR_SSHD_UNIT_MASKED, svc.path,
			   "a link to /dev/null, or an empty file, where the unit file should be");
		if (r < 0)
			goto out;
	}
	r = enabled(ctx, services, NULL);
	if (r == 0)
		r = report(ctx, PR_SSHD_UNIT_DISABLED, name,
			   "no *.wants/ or *.requires/ link names it (nor an ssh socket)");
out:
	rsc_unit_free(&svc);
	rsc_unit_free(&sock);
	return r < 0 ? r : 0;
}

/* The default runlevel of /etc/inittab ("id:2:initdefault:"), 2 (Debian's) without one. */
static char default_runlevel(struct rsc_ctx *ctx)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	char level = '2';

	if (rsc_root_read_file(ctx->root, "/etc/inittab", INITTAB_CAP, 0, &data, &len, NULL) < 0)
		return level;
	for (char *save = NULL, *l = strtok_r(data, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (l[0] != '#' && c2 && c2 == c1 + 2 && strncmp(c2 + 1, "initdefault:", 12) == 0 &&
		    c1[1] >= '1' && c1[1] <= '5')
			level = c1[1];
	}
	return level;
}

static int check_sysv(struct rsc_ctx *ctx)
{
	char dir[16], ev[96];
	struct dirent *de;
	struct stat st;
	bool started = false;
	DIR *d;
	int r;

	if (rsc_root_stat(ctx->root, "/etc/init.d/ssh", &st, 0) < 0 &&
	    rsc_root_stat(ctx->root, "/etc/init.d/sshd", &st, 0) < 0)
		return report(ctx, PR_SSHD_UNIT_MISSING, "/etc/init.d/ssh",
			      "the victim boots with sysvinit and has no init script for sshd");
	snprintf(dir, sizeof(dir), "/etc/rc%c.d", default_runlevel(ctx));
	r = rsc_root_opendir(ctx->root, dir, &d);
	if (r == -ENOMEM)
		return r;
	while (d && (de = readdir(d)) && !started) {
		size_t l = strlen(de->d_name);

		started = de->d_name[0] == 'S' &&
			  ((l > 3 && strcmp(de->d_name + l - 3, "ssh") == 0) ||
			   (l > 4 && strcmp(de->d_name + l - 4, "sshd") == 0));
	}
	if (d)
		closedir(d);
	if (started)
		return 0;
	snprintf(ev, sizeof(ev), "no S link to the init script in %s (the default runlevel's)",
		 dir);
	return report(ctx, PR_SSHD_UNIT_DISABLED, dir, ev);
}

static int run(struct rsc_ctx *ctx)
{
	switch (init_kind(ctx)) {
	case INIT_SYSTEMD:
		return check_systemd(ctx);
	case INIT_SYSV:
		return check_sysv(ctx);
	case INIT_NONE:
		break;
	}
	return 0;
}

const struct rsc_check chk_sshd_boot = {
	.name = "sshd-boot",
	.summary = "whether the next boot starts sshd: the default target, the ssh unit "
		   "(missing, masked, not enabled) or socket, sysvinit rc links",
	.run = run,
};
