// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sshd_start.c - can the victim's sshd start and serve a session?
 *
 *  1. Host keys (sshd.c, authfile.c): the HostKey files, or the release's
 *     defaults. sshd (root) ignores a key file it owns with any group or
 *     other bit (RHEL: group ssh_keys with 0640 is allowed), a file that is
 *     not a private key, a DSA key from 10.0, an RSA key below
 *     RequiredRSASize (9.1+) or 1024 bits. No key left: it exits. A 9.x
 *     sshd whose only key is DSA starts, but offers no host key algorithm
 *     unless HostKeyAlgorithms names ssh-dss: every connection fails.
 *  2. Privilege separation: the user sshd exists; its directory (by
 *     distribution) exists, is root-owned and not group/other-writable.
 *     Under /run, a tmpfs at boot, it is enough that something makes it:
 *     the unit's RuntimeDirectory=, a tmpfiles.d line, the init script.
 *  3. Programs: sshd-session (9.8+) and sshd-auth (10.0+), the Subsystem
 *     commands, AuthorizedKeysCommand/AuthorizedPrincipalsCommand (misc.c
 *     safe_path()), TrustedUserCAKeys, ChrootDirectory (session.c
 *     safely_chroot()). Global settings only: Match blocks are not judged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "akblob.h"
#include "authkeys.h"
#include "checks.h"
#include "hostkey.h"
#include "report.h"
#include "root.h"
#include "sdunit.h"
#include "sshdcfg.h"
#include "util.h"
#include "victim.h"

#define KEY_CAP	    (1u << 20)
#define PUB_CAP	    (64u << 10)
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
	[RSC_OS_ALPINE] = { "/var/empty",
			    "/usr/lib/ssh" }, /* its package: --libexecdir=/usr/lib/ssh */
};

static int report(struct rsc_ctx *ctx, enum rsc_pid id, const char *path, const struct stat *st,
		  const char *fmt, ...) _printf_(5, 6);

static int report(struct rsc_ctx *ctx, enum rsc_pid id, const char *path, const struct stat *st,
		  const char *fmt, ...)
{
	struct rsc_detail d = { .path = path };
	struct rsc_buf ev = { 0 };
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rsc_buf_vprintf(&ev, fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	d.evidence = ev.data;
	if (st) {
		d.has_stat = true;
		d.mode = st->st_mode;
		d.uid = st->st_uid;
		d.gid = st->st_gid;
	}
	r = rsc_report(ctx, id, &d);
	rsc_buf_free(&ev);
	return r;
}

/* The first argument of the effective global setting of kw, or NULL (default or "none"). */
static const char *setting(const struct sshd_config *cfg, const char *kw)
{
	const struct sshd_entry *e = sshd_config_get(cfg, NULL, kw);

	if (!e || e->argc == 0 || !e->argv[0] || strcasecmp(e->argv[0], "none") == 0)
		return NULL;
	return e->argv[0];
}

/* ---- host keys ------------------------------------------------------------------------- */

/* PATH.pub, when the private file does not tell type or size. */
static int pub_refine(struct rsc_ctx *ctx, const char *path, struct rsc_hostkey *hk)
{
	_cleanup_free_ char *pub = NULL, *data = NULL;
	struct rsc_akline line;
	size_t len = 0;
	int r;

	if (asprintf(&pub, "%s.pub", path) < 0)
		return -ENOMEM;
	r = rsc_root_read_file(ctx->root, pub, PUB_CAP, 0, &data, &len, NULL);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || rsc_ak_parse_pubkey(data, len, &line) < 0 || line.is_cert)
		return 0;
	if (hk->kind == RSC_KEY_UNKNOWN || hk->kind == line.kind) {
		hk->kind = line.kind;
		hk->bits = line.bits;
	}
	return 0;
}

/* Does the effective HostKeyAlgorithms offer ssh-dss (never by default)? */
static bool offers_dss(const struct sshd_config *cfg)
{
	const char *list = setting(cfg, "HostKeyAlgorithms");

	if (!list || *list == '-')
		return false;
	if (*list == '+' || *list == '^')
		list++;
	return sshd_pattern_list("ssh-dss", list, false) == 1;
}

enum { KEY_UNUSABLE, KEY_USABLE, KEY_DSA_UNOFFERED };

/* One host key: KEY_* or -errno. A missing default key is silent, as in sshd (debug level). */
static int check_hostkey(struct rsc_ctx *ctx, const char *path, bool dflt)
{
	const struct rsc_victim *v = ctx->victim;
	const struct sshd_config *cfg = v->sshdcfg;
	int version = sshd_victim_version(v);
	_cleanup_free_ char *data = NULL;
	const struct rsc_group *g;
	struct rsc_hostkey hk;
	unsigned long min_rsa = 1024;
	struct stat st;
	size_t len = 0;
	int r;

	r = rsc_root_stat(ctx->root, path, &st, 0);
	if (r == -ENOMEM)
		return r;
	if (r == -ENOENT && dflt)
		return KEY_UNUSABLE;
	if (r < 0) {
		r = report(ctx, PR_SSHD_HOSTKEY_MISSING, path, NULL, "%s", strerror(-r));
		return r < 0 ? r : KEY_UNUSABLE;
	}
	/* authfile.c sshkey_perm_ok(): owned by sshd's uid (root) and any bit for group/other */
	g = rsc_victim_group_by_gid(v, st.st_gid);
	if (st.st_uid == 0 && (st.st_mode & 077) &&
	    !(v->family == RSC_OS_RHEL && g && strcmp(g->name, "ssh_keys") == 0 &&
	      (st.st_mode & 077) == 040)) {
		r = report(ctx, PR_SSHD_HOSTKEY_MODE, path, &st,
			   "mode %04o, owned by root: \"Permissions %04o for '%s' are too open.\"",
			   (unsigned)(st.st_mode & 07777), (unsigned)(st.st_mode & 0777), path);
		return r < 0 ? r : KEY_UNUSABLE;
	}
	if (!S_ISREG(st.st_mode)) {
		r = report(ctx, PR_SSHD_HOSTKEY_INVALID, path, &st, "not a regular file");
		return r < 0 ? r : KEY_UNUSABLE;
	}
	r = rsc_root_read_file(ctx->root, path, KEY_CAP, 0, &data, &len, NULL);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		r = report(ctx, PR_SSHD_HOSTKEY_INVALID, path, &st, "cannot be read: %s",
			   strerror(-r));
		return r < 0 ? r : KEY_UNUSABLE;
	}
	rsc_hostkey_parse(data, len, &hk);
	explicit_bzero(data, len);
	if (hk.format == RSC_HK_INVALID || hk.format == RSC_HK_ENCRYPTED) {
		r = report(ctx, PR_SSHD_HOSTKEY_INVALID, path, &st, "%s",
			   hk.format == RSC_HK_ENCRYPTED ? "protected by a passphrase"
			   : len == 0			 ? "empty"
							 : "not a private key OpenSSH can read");
		return r < 0 ? r : KEY_UNUSABLE;
	}
	if (hk.kind == RSC_KEY_UNKNOWN || (hk.kind == RSC_KEY_RSA && !hk.bits)) {
		r = pub_refine(ctx, path, &hk);
		if (r < 0)
			return r;
	}
	if (hk.kind == RSC_KEY_DSA) {
		if (version < 1000)
			return offers_dss(cfg) ? KEY_USABLE : KEY_DSA_UNOFFERED;
		r = report(ctx, PR_SSHD_HOSTKEY_TYPE, path, &st,
			   "a DSA key: OpenSSH %d.%d cannot load it (\"Unable to load host key "
			   "\"%s\": unknown or unsupported key type\")",
			   version / 100, version % 100, path);
		return r < 0 ? r : KEY_UNUSABLE;
	}
	if (version >= 901) {
		const char *s = setting(cfg, "RequiredRSASize");
		unsigned long req = 0;

		if (s && rsc_parse_ulong(s, 1u << 20, &req) == 0 && req > min_rsa)
			min_rsa = req;
	}
	if (hk.kind == RSC_KEY_RSA && hk.bits && hk.bits < min_rsa) {
		r = report(ctx, PR_SSHD_HOSTKEY_RSA_SMALL, path, &st,
			   "RSA %u bits, sshd requires at least %lu", hk.bits, min_rsa);
		return r < 0 ? r : KEY_UNUSABLE;
	}
	return KEY_USABLE;
}

static int check_hostkeys(struct rsc_ctx *ctx, const struct sshd_config *cfg)
{
	const struct sshd_entry *ent[HOSTKEY_MAX];
	const char *dsa[HOSTKEY_MAX];
	int kw = sshd_kw_lookup("HostKey", 9999, ~0u), version = sshd_victim_version(ctx->victim);
	size_t n = kw >= 0 ? sshd_config_effective(cfg, NULL, kw, ent, HOSTKEY_MAX) : 0;
	size_t total = n ? n : ARRAY_SIZE(default_keys), ndsa = 0;
	unsigned usable = 0;
	int r = 0;

	for (size_t i = 0; i < total; i++) {
		_cleanup_free_ char *abs = NULL;
		const char *path = n ? (ent[i]->argc ? ent[i]->argv[0] : NULL) : default_keys[i];

		if (!path || !*path || path[0] == '~')
			continue; /* sshd expands ~ against its own (root's) home: not judged */
		if (!n && strstr(path, "_dsa_") && version >= 707)
			continue;
		if (path[0] != '/') {
			/* sshd makes it absolute against its working directory, / when started */
			abs = rsc_path_join("/", path);
			if (!abs)
				return -ENOMEM;
			path = abs;
		}
		r = check_hostkey(ctx, path, n == 0);
		if (r < 0)
			return r;
		if (r == KEY_USABLE)
			usable++;
		else if (r == KEY_DSA_UNOFFERED)
			dsa[ndsa++] = n ? ent[i]->argv[0] : default_keys[i];
	}
	if (usable)
		return 0;
	if (setting(cfg, "HostKeyAgent"))
		return 0; /* keys may come from the agent: not judged */
	if (ndsa) {
		for (size_t i = 0; i < ndsa; i++) {
			r = report(ctx, PR_SSHD_HOSTKEY_DSA_ONLY, dsa[i], NULL,
				   "the only usable host key is DSA, which HostKeyAlgorithms does "
				   "not offer: sshd starts, then logs \"No supported key exchange "
				   "algorithms [preauth]\" for every connection");
			if (r < 0)
				return r;
		}
		return 0;
	}
	return report(
		ctx, PR_SSHD_HOSTKEY_NONE, n ? ent[0]->argv[0] : "/etc/ssh", NULL,
		n ? "no HostKey file is both present and loadable"
		  : "none of the default host keys (no HostKey line) is present and loadable");
}

/* ---- privilege separation ---------------------------------------------------------------- */

/* Does the systemd unit (found: *exists) create /run/name, and with which mode? */
static int unit_runtime_dir(struct rsc_ctx *ctx, const char *unit, const char *name, bool *exists,
			    bool *makes, unsigned long *mode)
{
	struct rsc_unit u;
	char **v = NULL;
	size_t n = 0;
	int r = rsc_unit_load(ctx->root, unit, &u);

	*exists = *makes = false;
	*mode = 0755;
	if (r < 0)
		return r;
	*exists = u.path && !u.masked; /* a masked unit never runs */
	if (*exists)
		r = rsc_unit_values(&u, "Service", "RuntimeDirectory", true, &v, &n);
	for (size_t i = 0; r == 0 && i < n; i++)
		*makes |= strcmp(v[i], name) == 0;
	rsc_unit_strv_free(v);
	v = NULL;
	if (r == 0 && *exists)
		r = rsc_unit_values(&u, "Service", "RuntimeDirectoryMode", false, &v, &n);
	if (r == 0 && n) {
		unsigned long m;
		char *end = NULL;

		m = strtoul(v[n - 1], &end, 8);
		*mode = (end && end != v[n - 1] && *end == '\0' && m <= 07777) ? m : 0755;
	}
	rsc_unit_strv_free(v);
	rsc_unit_free(&u);
	return r;
}

/* A tmpfiles.d line creating the directory ("d /run/sshd 0755 root root")? */
static int tmpfiles_make(struct rsc_ctx *ctx, const char *dir, bool *makes)
{
	static const char *const dirs[] = { "/etc/tmpfiles.d", "/usr/local/lib/tmpfiles.d",
					    "/usr/lib/tmpfiles.d", "/lib/tmpfiles.d", NULL };
	char **names = NULL;
	size_t n = 0;
	int r;

	*makes = false;
	r = rsc_confdirs_list(ctx->root, dirs, ".conf", &names, &n);
	for (size_t i = 0; r == 0 && i < n && !*makes; i++) {
		_cleanup_free_ char *data = NULL;
		size_t len = 0;

		r = rsc_root_read_file(ctx->root, names[i], UNIT_CAP, 0, &data, &len, NULL);
		if (r < 0) {
			r = r == -ENOMEM ? r : 0;
			continue;
		}
		for (char *save = NULL, *l = strtok_r(data, "\n", &save); l && !*makes;
		     l = strtok_r(NULL, "\n", &save)) {
			char type[16], path[512];

			if (sscanf(l, " %15s %511s", type, path) != 2 || !strchr("dDvqQ", type[0]))
				continue;
			*makes = strcmp(path, dir) == 0 ||
				 (rsc_startswith(path, "/var/run/") && strcmp(path + 4, dir) == 0);
		}
	}
	rsc_unit_strv_free(names);
	return r;
}

static int check_run_dir(struct rsc_ctx *ctx, const char *dir)
{
	static const char *const units[] = { "ssh.service", "sshd.service", "ssh@.service",
					     "sshd@.service" };
	const char *name = dir + strlen("/run/");
	bool systemd = false, makes = false;
	struct stat st;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		unsigned long mode;
		bool exists, unit_makes;

		r = unit_runtime_dir(ctx, units[i], name, &exists, &unit_makes, &mode);
		if (r < 0)
			return r;
		systemd |= exists;
		if (unit_makes && (mode & 022))
			return report(ctx, PR_SSHD_PRIVSEP_DIR, dir, NULL,
				      "%s creates it with RuntimeDirectoryMode=%04lo: \"%s must be "
				      "owned by root and not group or world-writable.\"",
				      units[i], mode, dir);
		makes |= unit_makes;
	}
	if (makes)
		return 0;
	r = tmpfiles_make(ctx, dir, &makes);
	if (r < 0 || makes)
		return r;
	if (!systemd && (rsc_root_stat(ctx->root, "/etc/init.d/ssh", &st, 0) == 0 ||
			 rsc_root_stat(ctx->root, "/etc/init.d/sshd", &st, 0) == 0))
		return 0; /* the init script makes it before starting sshd */
	return report(ctx, PR_SSHD_PRIVSEP_DIR, dir, NULL, "/run is empty at boot and %s",
		      systemd ? "neither the ssh unit's RuntimeDirectory= nor a tmpfiles.d line "
				"creates it"
			      : "no systemd unit, tmpfiles.d line or init script creates it");
}

static int check_privsep(struct rsc_ctx *ctx)
{
	const struct rsc_victim *v = ctx->victim;
	const char *dir = layout[(size_t)v->family < ARRAY_SIZE(layout) ? v->family : 0].privsep;
	struct stat st;
	int r;

	if (!rsc_victim_user_by_name(v, "sshd")) {
		r = report(ctx, PR_SSHD_PRIVSEP_USER, "/etc/passwd", NULL,
			   "no user sshd in the victim's /etc/passwd");
		if (r < 0)
			return r;
	}
	if (rsc_startswith(dir, "/run/"))
		return check_run_dir(ctx, dir);
	r = rsc_root_stat(ctx->root, dir, &st, 0);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || !S_ISDIR(st.st_mode))
		return report(ctx, PR_SSHD_PRIVSEP_DIR, dir, r < 0 ? NULL : &st, "%s",
			      r < 0 ? strerror(-r) : "not a directory");
	if (st.st_uid != 0 || (st.st_mode & 022))
		return report(ctx, PR_SSHD_PRIVSEP_DIR, dir, &st,
			      "owner uid %u, mode %04o: \"%s must be owned by root and not group "
			      "or world-writable.\"",
			      (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), dir);
	return 0;
}

/* ---- programs ---------------------------------------------------------------------------- */

/* stat() and an execute bit for owner or others, like sshd's test of its helpers. */
static int executable(struct rsc_ctx *ctx, const char *path, struct stat *st, const char **why)
{
	int r = rsc_root_stat(ctx->root, path, st, 0);

	if (r == -ENOMEM)
		return r;
	*why = r < 0				      ? strerror(-r)
	       : !S_ISREG(st->st_mode)		      ? "not a regular file"
	       : !(st->st_mode & (S_IXUSR | S_IXOTH)) ? "not executable"
						      : NULL;
	return 0;
}

/*
 * misc.c safe_path() for a root-run program: the file and every directory
 * of its canonical path up to / owned by root and not group/other-writable.
 * The first offence in sshd's words goes to why (size bytes); 1 unsafe, 0 safe.
 */
static int unsafe_path(struct rsc_ctx *ctx, const char *path, char *why, size_t size)
{
	_cleanup_free_ char *real = NULL;
	struct stat st;
	int r = rsc_root_realpath(ctx->root, path, &real);

	if (r == -ENOMEM)
		return r;
	if (r < 0 || rsc_root_stat(ctx->root, real, &st, 0) < 0) {
		snprintf(why, size, "realpath %s failed: %s", path, strerror(r < 0 ? -r : ENOENT));
		return 1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, size, "%s is not a regular file", real);
		return 1;
	}
	if (st.st_uid != 0 || (st.st_mode & 022)) {
		snprintf(why, size, "bad ownership or modes for file %s", real);
		return 1;
	}
	for (char *slash; (slash = strrchr(real, '/'));) {
		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (rsc_root_stat(ctx->root, real, &st, 0) < 0 || st.st_uid != 0 ||
		    (st.st_mode & 022)) {
			snprintf(why, size, "bad ownership or modes for directory %s", real);
			return 1;
		}
		if (strcmp(real, "/") == 0)
			break;
	}
	return 0;
}

static int check_helpers(struct rsc_ctx *ctx, const struct sshd_config *cfg)
{
	static const struct {
		const char *name, *kw;
		int since;
	} helpers[] = { { "sshd-session", "SshdSessionPath", 908 },
			{ "sshd-auth", "SshdAuthPath", 1000 } };
	const struct rsc_victim *v = ctx->victim;
	const char *libexec =
		layout[(size_t)v->family < ARRAY_SIZE(layout) ? v->family : 0].libexec;
	int version = sshd_victim_version(v), r = 0;

	if (v->ssh.major == 0)
		return 0; /* which helpers it needs is not known */
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(helpers); i++) {
		_cleanup_free_ char *p = NULL;
		const char *set = setting(cfg, helpers[i].kw), *why = NULL;
		struct stat st;

		if (version < helpers[i].since)
			continue;
		p = set ? strdup(set) : rsc_path_join(libexec, helpers[i].name);
		if (!p)
			return -ENOMEM;
		r = executable(ctx, p, &st, &why);
		if (r == 0 && why)
			r = report(ctx, PR_SSHD_HELPER_MISSING, p, NULL, "%s (OpenSSH %d.%d): %s",
				   helpers[i].name, version / 100, version % 100, why);
	}
	return r;
}

static int check_subsystems(struct rsc_ctx *ctx, const struct sshd_config *cfg)
{
	const struct sshd_entry *ent[64];
	int kw = sshd_kw_lookup("Subsystem", 9999, ~0u), r = 0;
	size_t n = kw >= 0 ? sshd_config_effective(cfg, NULL, kw, ent, ARRAY_SIZE(ent)) : 0;

	for (size_t i = 0; r == 0 && i < n; i++) {
		const char *cmd = ent[i]->argc > 1 ? ent[i]->argv[1] : "", *why = NULL;
		struct stat st;

		if (cmd[0] != '/')
			continue; /* internal-sftp, or a relative command run by the user's shell */
		r = executable(ctx, cmd, &st, &why);
		if (r == 0 && why)
			r = report(ctx, PR_SSHD_SUBSYSTEM_MISSING, cmd, NULL, "Subsystem %s: %s",
				   ent[i]->argv[0], why);
	}
	return r;
}

static int check_commands(struct rsc_ctx *ctx, const struct sshd_config *cfg)
{
	static const char *const tags[] = { "AuthorizedKeysCommand",
					    "AuthorizedPrincipalsCommand" };
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(tags); i++) {
		const char *cmd = setting(cfg, tags[i]), *user;
		char ukw[64], why[4200];
		struct stat st;

		if (!cmd)
			continue;
		snprintf(ukw, sizeof(ukw), "%sUser", tags[i]);
		user = setting(cfg, ukw);
		if (cmd[0] != '/') {
			r = report(ctx, PR_SSHD_AKCOMMAND, cmd, NULL,
				   "sshd: %s path is not absolute", tags[i]);
			continue;
		}
		r = rsc_root_stat(ctx->root, cmd, &st, 0);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			r = report(ctx, PR_SSHD_AKCOMMAND, cmd, NULL,
				   "sshd: Could not stat %s \"%s\": %s", tags[i], cmd,
				   strerror(-r));
			continue;
		}
		r = unsafe_path(ctx, cmd, why, sizeof(why));
		if (r < 0)
			return r;
		if (r)
			r = report(ctx, PR_SSHD_AKCOMMAND, cmd, &st, "sshd: Unsafe %s \"%s\": %s",
				   tags[i], cmd, why);
		else if (!(st.st_mode & 0111))
			r = report(ctx, PR_SSHD_AKCOMMAND, cmd, &st, "not executable");
		else if (!user)
			r = report(ctx, PR_SSHD_AKCOMMAND, cmd, NULL,
				   "%s is not set; sshd: No user for %s specified, skipping", ukw,
				   tags[i]);
		else if (!rsc_victim_user_by_name(ctx->victim, user))
			r = report(ctx, PR_SSHD_AKCOMMAND, cmd, NULL,
				   "sshd: %s \"%s\" not found (not in the victim's /etc/passwd)",
				   ukw, user);
	}
	return r;
}

static int check_trusted_ca(struct rsc_ctx *ctx, const struct sshd_config *cfg)
{
	const char *ca = setting(cfg, "TrustedUserCAKeys");
	struct stat st;
	int r;

	if (!ca || ca[0] != '/')
		return 0;
	r = rsc_root_stat(ctx->root, ca, &st, 0);
	if (r == -ENOMEM || r == 0)
		return r;
	return report(ctx, PR_SSHD_TRUSTEDCA_MISSING, ca, NULL, "%s", strerror(-r));
}

/* session.c safely_chroot(): "/", "/a/", "/a/b/", "/a/b/c": root-owned directories, no g/o write. */
static int check_chroot(struct rsc_ctx *ctx, const struct sshd_config *cfg)
{
	const char *dir = setting(cfg, "ChrootDirectory");
	size_t len;

	if (!dir || strpbrk(dir, "%~"))
		return 0; /* per user (%h, %u): judged only with a user */
	if (dir[0] != '/')
		return report(ctx, PR_SSHD_CHROOT_UNSAFE, dir, NULL,
			      "sshd: chroot path does not begin at root");
	len = strlen(dir);
	if (len >= 4096)
		return report(ctx, PR_SSHD_CHROOT_UNSAFE, dir, NULL, "sshd: chroot path too long");
	for (size_t end = 1;; end++) {
		char comp[4096];
		bool last;
		struct stat st;
		int r;

		while (end < len && dir[end - 1] != '/')
			end++;
		last = end >= len;
		memcpy(comp, dir, last ? len : end);
		comp[last ? len : end] = '\0';
		r = rsc_root_stat(ctx->root, comp, &st, 0);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return report(ctx, PR_SSHD_CHROOT_UNSAFE, dir, NULL,
				      "sshd: stat(\"%s\"): %s", comp, strerror(-r));
		if (st.st_uid != 0 || (st.st_mode & 022))
			return report(ctx, PR_SSHD_CHROOT_UNSAFE, dir, &st,
				      "sshd: bad ownership or modes for chroot directory %s\"%s\"",
				      last ? "" : "component ", comp);
		if (!S_ISDIR(st.st_mode))
			return report(ctx, PR_SSHD_CHROOT_UNSAFE, dir, &st,
				      "sshd: chroot path %s\"%s\" is not a directory",
				      last ? "" : "component ", comp);
		if (last)
			return 0;
	}
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
		r = check_helpers(ctx, cfg);
	if (r == 0)
		r = check_subsystems(ctx, cfg);
	if (r == 0)
		r = check_commands(ctx, cfg);
	if (r == 0)
		r = check_trusted_ca(ctx, cfg);
	if (r == 0)
		r = check_chroot(ctx, cfg);
	return r;
}

const struct rsc_check chk_sshd_start = {
	.name = "sshd-start",
	.summary = "whether sshd can start and serve a session: host keys, privilege separation "
		   "user and directory, helper programs, Subsystem, AuthorizedKeysCommand, "
		   "TrustedUserCAKeys and ChrootDirectory paths",
	.run = run,
};
