// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sshd_start.c - can the victim's sshd start and serve a session?
 *
 *  1. Host keys: the HostKey files (or the release's defaults) exist, are
 *     regular files sshd may read (a key owned by sshd's uid, root, with any
 *     group or other bit is refused: "UNPROTECTED PRIVATE KEY FILE"; RHEL
 *     allows group ssh_keys with 0640), hold a private key (rescue/hostkey.c),
 *     of a type the release loads (DSA not from 10.0), RSA not below
 *     RequiredRSASize; at least one usable key remains.
 *  2. Privilege separation: the sshd user exists; its directory (per
 *     distribution) exists, root-owned, not group/other-writable — except
 *     under /run, a tmpfs at boot, where it is enough that something makes
 *     it: the unit's RuntimeDirectory=, a tmpfiles.d line, an init script.
 *  3. Programs: sshd-session (9.8+) and sshd-auth (10.0+), the Subsystem
 *     commands, AuthorizedKeysCommand and AuthorizedPrincipalsCommand
 *     (OpenSSH's safe-path rule), TrustedUserCAKeys, ChrootDirectory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks.h"
#include "hostkey.h"
#include "report.h"
#include "root.h"
#include "sshdcfg.h"
#include "util.h"
#include "victim.h"

#define KEY_CAP	    (1u << 20)
#define UNIT_CAP    (256u << 10)
#define HOSTKEY_MAX 64

static const char *const default_keys[] = {
	"/etc/ssh/ssh_host_rsa_key",
	"/etc/ssh/ssh_host_dsa_key", /* a default only before 7.7 */
	"/etc/ssh/ssh_host_ecdsa_key",
	"/etc/ssh/ssh_host_ed25519_key",
};

/* Per distribution family: the privilege separation directory and the helper programs' dir. */
static const struct {
	const char *privsep, *libexec;
} layout[] = {
	[RSC_OS_UNKNOWN] = { "/var/empty", "/usr/libexec" },
	[RSC_OS_DEBIAN] = { "/run/sshd", "/usr/lib/openssh" },
	[RSC_OS_RHEL] = { "/usr/share/empty.sshd", "/usr/libexec/openssh" },
	[RSC_OS_SUSE] = { "/var/lib/empty", "/usr/libexec/ssh" },
	[RSC_OS_ARCH] = { "/var/empty", "/usr/lib/ssh" },
	[RSC_OS_ALPINE] = { "/var/empty", "/usr/lib/ssh" },
};

static int report(struct rsc_ctx *ctx, enum rsc_pid id, const char *path, const char *evidence,
		  const struct stat *st)
{
	struct rsc_detail d = { .path = path, .evidence = evidence };

	if (st) {
		d.has_stat = true;
		d.mode = st->st_mode;
		d.uid = st->st_uid;
		d.gid = st->st_gid;
	}
	return rsc_report(ctx, id, &d);
}

static const char *value_of(const struct sshd_config *cfg, const char *kw)
{
	const struct sshd_entry *e = sshd_config_get(cfg, NULL, kw);

	return e ? (e->value ? e->value : (e->argc ? e->argv[0] : NULL)) : NULL;
}

/*
 * One host key: 1 usable, 0 not (reported), -errno. A missing default key
 * is not reported: sshd only mentions it at debug level.
 */
static int check_hostkey(struct rsc_ctx *ctx, const char *path, int version, bool dflt)
{
	const struct rsc_victim *v = ctx->victim;
	_cleanup_free_ char *data = NULL;
	const struct rsc_group *g;
	struct rsc_hostkey hk;
	const char *min_rsa;
	struct stat st;
	size_t len = 0;
	int r;

	r = rsc_root_stat(ctx->root, path, &st, 0);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return dflt ? 0 : report(ctx, PR_SSHD_HOSTKEY_MISSING, path, "no such file", NULL);
	if (!S_ISREG(st.st_mode))
		return report(ctx, PR_SSHD_HOSTKEY_INVALID, path, "not a regular file", &st);
	g = rsc_victim_group_by_gid(v, st.st_gid);
	if (st.st_uid == 0 && (st.st_mode & 077) &&
	    !(v->family == RSC_OS_RHEL && g && strcmp(g->name, "ssh_keys") == 0 &&
	      !(st.st_mode & 027)))
		return report(ctx, PR_SSHD_HOSTKEY_MODE, path,
			      "owned by root with group or other permissions", &st);
	r = rsc_root_read_file(ctx->root, path, KEY_CAP, 0, &data, &len, NULL);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return report(ctx, PR_SSHD_HOSTKEY_INVALID, path, strerror(-r), &st);
	rsc_hostkey_parse(data, len, &hk);
	explicit_bzero(data, len);
	if (hk.format == RSC_HK_INVALID || hk.format == RSC_HK_ENCRYPTED)
		return report(ctx, PR_SSHD_HOSTKEY_INVALID, path,
			      hk.format == RSC_HK_ENCRYPTED ? "encrypted with a passphrase"
							    : "not a private key in a known format",
			      &st);
	if (hk.kind == RSC_KEY_DSA && version >= 1000)
		return report(ctx, PR_SSHD_HOSTKEY_TYPE, path,
			      "a DSA key: OpenSSH 10.0 and later cannot load it", &st);
	min_rsa = version >= 901 ? value_of(v->sshdcfg, "RequiredRSASize") : NULL;
	if (hk.kind == RSC_KEY_RSA && hk.bits &&
	    hk.bits < (unsigned)(min_rsa ? atoi(min_rsa) : 1024)) {
		char ev[64];

		snprintf(ev, sizeof(ev), "RSA %u bits", hk.bits);
		return report(ctx, PR_SSHD_HOSTKEY_RSA_SMALL, path, ev, &st);
	}
	return 1;
}

static int check_hostkeys(struct rsc_ctx *ctx, const struct sshd_config *cfg)
{
	const struct sshd_entry *ent[HOSTKEY_MAX];
	int kw = sshd_kw_lookup("HostKey", 9999, ~0u), usable = 0, r = 0;
	size_t n = sshd_config_effective(cfg, NULL, kw, ent, HOSTKEY_MAX);

	for (size_t i = 0; r >= 0 && i < (n ? n : ARRAY_SIZE(default_keys)); i++) {
		const char *path = n ? ent[i]->argv[0] : default_keys[i];

		if (!n && strstr(path, "_dsa_") && cfg->version >= 707)
			continue;
		if (path[0] != '/')
			continue; /* sshd makes it absolute against /, where it starts */
		r = check_hostkey(ctx, path, cfg->version, n == 0);
		if (r > 0)
			usable++;
	}
	if (r < 0)
		return r;
	if (usable == 0)
		return report(ctx, PR_SSHD_HOSTKEY_NONE, "/etc/ssh",
			      "no HostKey file is both present and loadable", NULL);
	return 0;
}

/* Does a unit file or drop-in of the ssh service set RuntimeDirectory=sshd? */
static bool unit_makes_run_sshd(struct rsc_ctx *ctx)
{
	static const char *const units[] = {
		"/etc/systemd/system/ssh.service",	"/run/systemd/system/ssh.service",
		"/lib/systemd/system/ssh.service",	"/usr/lib/systemd/system/ssh.service",
		"/etc/systemd/system/sshd.service",	"/lib/systemd/system/sshd.service",
		"/usr/lib/systemd/system/sshd.service", "/etc/systemd/system/ssh@.service",
		"/lib/systemd/system/ssh@.service",	"/usr/lib/systemd/system/ssh@.service",
	};

	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		_cleanup_free_ char *data = NULL;
		size_t len = 0;

		if (rsc_root_read_file(ctx->root, units[i], UNIT_CAP, 0, &data, &len, NULL) < 0)
			continue;
		/* the first unit found is the one systemd uses (/etc overrides /lib) */
		return strstr(data, "\nRuntimeDirectory=sshd") != NULL ||
		       strstr(data, "\nRuntimeDirectory=sshd ") != NULL;
	}
	return false;
}

static bool tmpfiles_make_run_sshd(struct rsc_ctx *ctx)
{
	static const char *const files[] = { "/etc/tmpfiles.d/sshd.conf",
					     "/usr/lib/tmpfiles.d/sshd.conf",
					     "/lib/tmpfiles.d/sshd.conf",
					     "/usr/lib/tmpfiles.d/openssh-server.conf" };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *data = NULL;
		size_t len = 0;

		if (rsc_root_read_file(ctx->root, files[i], UNIT_CAP, 0, &data, &len, NULL) == 0 &&
		    strstr(data, "/run/sshd"))
			return true;
	}
	return false;
}

static int check_privsep(struct rsc_ctx *ctx)
{
	const struct rsc_victim *v = ctx->victim;
	const char *dir = layout[(size_t)v->family < ARRAY_SIZE(layout) ? v->family : 0].privsep;
	struct stat st;

	if (v->family == RSC_OS_UNKNOWN)
		return 0; /* where its sshd was built to look is not known */
	if (v->has_passwd && !rsc_victim_user_by_name(v, "sshd")) {
		int r = report(ctx, PR_SSHD_PRIVSEP_USER, "/etc/passwd", "no user sshd", NULL);

		if (r < 0)
			return r;
	}
	if (rsc_startswith(dir, "/run/")) {
		if (unit_makes_run_sshd(ctx) || tmpfiles_make_run_sshd(ctx) ||
		    rsc_root_stat(ctx->root, "/etc/init.d/ssh", &st, 0) == 0)
			return 0;
		return report(ctx, PR_SSHD_PRIVSEP_DIR, dir,
			      "/run is empty at boot and no RuntimeDirectory=, tmpfiles.d line or "
			      "init script creates it",
			      NULL);
	}
	if (rsc_root_stat(ctx->root, dir, &st, 0) < 0)
		return report(ctx, PR_SSHD_PRIVSEP_DIR, dir, "does not exist", NULL);
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022))
		return report(ctx, PR_SSHD_PRIVSEP_DIR, dir,
			      "not a root-owned directory without group/other write", &st);
	return 0;
}

static bool executable(struct rsc_ctx *ctx, const char *path, struct stat *st)
{
	return rsc_root_stat(ctx->root, path, st, 0) == 0 && S_ISREG(st->st_mode) &&
	       (st->st_mode & 0111);
}

/* OpenSSH's safe_path(): the file and every directory above it root-owned, not g/o-writable. */
static const char *unsafe_part(struct rsc_ctx *ctx, const char *path, char *buf, size_t size)
{
	_cleanup_free_ char *real = NULL;
	struct stat st;

	if (rsc_root_realpath(ctx->root, path, &real) < 0)
		return path;
	snprintf(buf, size, "%s", real);
	for (;;) {
		char *slash;

		if (rsc_root_stat(ctx->root, buf, &st, 0) < 0 || st.st_uid != 0 ||
		    (st.st_mode & 022))
			return buf;
		slash = strrchr(buf, '/');
		if (!slash || slash == buf)
			break;
		*slash = '\0';
	}
	return NULL;
}

static int check_programs(struct rsc_ctx *ctx, const struct sshd_config *cfg)
{
	const struct rsc_victim *v = ctx->victim;
	const char *libexec =
		layout[(size_t)v->family < ARRAY_SIZE(layout) ? v->family : 0].libexec;
	static const struct {
		const char *name;
		int since;
	} helpers[] = { { "sshd-session", 908 }, { "sshd-auth", 1000 } };
	static const char *const commands[] = { "AuthorizedKeysCommand",
						"AuthorizedPrincipalsCommand" };
	const struct sshd_entry *ent[64];
	char buf[4096];
	struct stat st;
	size_t n;
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(helpers); i++) {
		_cleanup_free_ char *p = NULL;

		if (cfg->version < helpers[i].since || v->ssh.major == 0)
			continue;
		p = rsc_path_join(libexec, helpers[i].name);
		if (!p)
			return -ENOMEM;
		if (!executable(ctx, p, &st))
			r = report(ctx, PR_SSHD_HELPER_MISSING, p, "missing or not executable",
				   NULL);
	}
	n = sshd_config_effective(cfg, NULL, sshd_kw_lookup("Subsystem", 9999, ~0u), ent, 64);
	for (size_t i = 0; r == 0 && i < n; i++) {
		const char *cmd = ent[i]->argc > 1 ? ent[i]->argv[1] : "";

		if (cmd[0] == '/' && !executable(ctx, cmd, &st))
			r = report(ctx, PR_SSHD_SUBSYSTEM_MISSING, cmd, ent[i]->argv[0], NULL);
	}
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(commands); i++) {
		const char *cmd = value_of(cfg, commands[i]), *bad;
		char path[4096];

		if (!cmd || strcasecmp(cmd, "none") == 0 || cmd[0] != '/')
			continue;
		snprintf(path, sizeof(path), "%.*s", (int)strcspn(cmd, " \t"), cmd);
		if (!executable(ctx, path, &st))
			r = report(ctx, PR_SSHD_AKCOMMAND, path, "missing or not executable", NULL);
		else if ((bad = unsafe_part(ctx, path, buf, sizeof(buf))))
			r = report(ctx, PR_SSHD_AKCOMMAND, path,
				   "it or a directory above it is not root-owned or is writable by "
				   "others",
				   NULL);
	}
	if (r == 0) {
		const char *ca = value_of(cfg, "TrustedUserCAKeys");

		if (ca && strcasecmp(ca, "none") != 0 && ca[0] == '/' &&
		    rsc_root_stat(ctx->root, ca, &st, 0) < 0)
			r = report(ctx, PR_SSHD_TRUSTEDCA_MISSING, ca, "no such file", NULL);
	}
	if (r == 0) {
		const char *dir = value_of(cfg, "ChrootDirectory");

		if (dir && strcasecmp(dir, "none") != 0 && dir[0] == '/' && !strchr(dir, '%') &&
		    unsafe_part(ctx, dir, buf, sizeof(buf)))
			r = report(ctx, PR_SSHD_CHROOT_UNSAFE, dir,
				   "it or a directory above it is not root-owned or is writable by "
				   "others",
				   NULL);
	}
	return r;
}

static int run(struct rsc_ctx *ctx)
{
	const struct sshd_config *cfg = ctx->victim->sshdcfg;
	int r;

	if (!cfg || !cfg->found)
		return 0; /* nothing to judge: sshd-config reports the missing file */
	r = check_hostkeys(ctx, cfg);
	if (r == 0)
		r = check_privsep(ctx);
	if (r == 0)
		r = check_programs(ctx, cfg);
	return r;
}

const struct rsc_check chk_sshd_start = {
	.name = "sshd-start",
	.summary = "whether sshd can start: host keys (present, private, loadable), privilege "
		   "separation user and directory, helper programs, Subsystem and "
		   "AuthorizedKeysCommand paths",
	.run = run,
};
