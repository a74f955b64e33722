// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sshd_binary.c - can the programs of a login run, as the victim's own
 * dynamic loader would load them (rescue/ldso.c)?
 *
 *  1. sshd: the program of the ssh unit's ExecStart= (the last one; its
 *     prefixes -@:+! dropped), else /usr/sbin/sshd, and the sshd-session
 *     and sshd-auth helpers next to it when they exist: a whole ELF
 *     program, its interpreter, every library it needs.
 *  2. With UsePAM yes, every module of /etc/pam.d/sshd's stack (includes
 *     resolved; password lines do not matter for a key login; "-type" lines
 *     may be missing), found in libpam's security directory, and its
 *     libraries.
 *  3. The NSS modules that /etc/nsswitch.conf names for passwd, group and
 *     shadow ("files" and "dns" are inside glibc since 2.34), and whether
 *     passwd reads /etc/passwd at all.
 *  4. The login shells of the users with keys (ssh-access reports a shell
 *     that is missing): their libraries.
 *  5. sftp-server and ssh-keygen, which users and repairs need: warnings.
 *
 * Each problem names the chain that needs the library and, when the
 * victim's dpkg database knows it, the package that ships the file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks.h"
#include "dpkg.h"
#include "ldso.h"
#include "pamconf.h"
#include "report.h"
#include "root.h"
#include "sdunit.h"
#include "sshdcfg.h"
#include "util.h"
#include "victim.h"

#define NSS_CAP (256u << 10)

struct bin {
	struct rsc_ctx *ctx;
	struct rsc_ldso *ld;
	char *libdir; /* where libpam/libc were found: the modules live beside them */
};

/* ExecStart= of the ssh service (last assignment), or /usr/sbin/sshd. *out caller frees. */
static int sshd_path(struct rsc_ctx *ctx, char **out)
{
	static const char *const units[] = { "ssh.service", "sshd.service" };
	int r = 0;

	*out = NULL;
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(units) && !*out; i++) {
		struct rsc_unit u;
		char **v = NULL;
		size_t n = 0;

		r = rsc_unit_load(ctx->root, units[i], &u);
		if (r == 0 && u.path && !u.masked)
			r = rsc_unit_values(&u, "Service", "ExecStart", false, &v, &n);
		if (r == 0 && n) {
			const char *s = v[n - 1] + strspn(v[n - 1], "-@:+!");

			if (*s == '/')
				*out = strndup(s, strcspn(s, " \t"));
			r = *out ? 0 : (*s == '/' ? -ENOMEM : 0);
		}
		rsc_unit_strv_free(v);
		rsc_unit_free(&u);
	}
	if (r == 0 && !*out)
		*out = strdup("/usr/sbin/sshd");
	return *out ? r : -ENOMEM;
}

/* " (package P)" when the victim's dpkg database knows who ships path, else "". */
static int package_of(struct bin *b, const char *path, struct rsc_buf *ev)
{
	_cleanup_free_ char *pkg = NULL;
	int r = rsc_dpkg_owner(b->ctx->root, path, &pkg);

	if (r == -ENOMEM)
		return r;
	return r == 0 ? rsc_buf_printf(ev, "; shipped by the package %s", pkg) : 0;
}

/* The names of a problems bitmask: "missing, dangling-symlink". */
static int problem_names(struct rsc_buf *b, unsigned problems)
{
	int r = 0;
	bool first = true;

	for (unsigned bit = 1; r == 0 && bit && bit <= problems; bit <<= 1)
		if (problems & bit) {
			r = rsc_buf_printf(b, "%s%s", first ? "" : ", ",
					   rsc_ldso_problem_name(bit));
			first = false;
		}
	return r;
}

static int emit(struct bin *b, enum rsc_pid id, const char *user, const char *path,
		struct rsc_buf *ev)
{
	struct rsc_detail d = { .user = user, .path = path, .evidence = ev->data };

	return rsc_report(b->ctx, id, &d);
}

/*
 * Report what keeps res from running: the program itself as prog (0: not
 * reported here; sshd.binary.missing becomes sshd.binary.broken for a file
 * that is there but empty, truncated or not ELF), its interpreter and
 * libraries as lib. With lib_subject
 * the finding's subject is the library, else the program. Returns the number
 * of findings, or -ENOMEM.
 */
static int judge(struct bin *b, const struct rsc_ldso_result *res, enum rsc_pid prog,
		 enum rsc_pid lib, bool lib_subject, const char *user)
{
	struct rsc_buf ev = { 0 };
	int n = 0, r = 0;

	if (res->problems) {
		if (prog) {
			r = problem_names(&ev, res->problems);
			if (r == 0 && res->detail)
				r = rsc_buf_printf(&ev, ": %s", res->detail);
			if (r == 0)
				r = package_of(b, res->program, &ev);
			if (r == 0)
				r = emit(b,
					 prog == PR_SSHD_BINARY_MISSING &&
							 !(res->problems &
							   (RSC_LDSO_MISSING | RSC_LDSO_DANGLING))
						 ? PR_SSHD_BINARY_BROKEN
						 : prog,
					 user, res->program, &ev);
			n += r == 0;
		}
		goto out;
	}
	if (res->interp && !res->interp_implied && res->interp_problems) {
		r = rsc_buf_printf(&ev, "its program interpreter %s: ", res->interp);
		if (r == 0)
			r = problem_names(&ev, res->interp_problems);
		if (r == 0)
			r = package_of(b, res->interp, &ev);
		if (r == 0)
			r = emit(b, prog ? prog : lib, user, res->program, &ev);
		n += r == 0;
		rsc_buf_reset(&ev);
	}
	for (size_t i = 0; r == 0 && i < res->n_entries; i++) {
		const struct rsc_ldso_entry *e = &res->entries[i];
		const char *by = e->needed_by < 0 ? res->program : res->entries[e->needed_by].path;

		if (!e->problems)
			continue;
		rsc_buf_reset(&ev);
		if (!lib_subject)
			r = rsc_buf_printf(&ev, "%s, ", e->name);
		if (r == 0)
			r = rsc_buf_printf(&ev, "needed by %s: ", by ? by : "?");
		if (r == 0)
			r = problem_names(&ev, e->problems);
		if (r == 0 && e->detail)
			r = rsc_buf_printf(&ev, " (%s)", e->detail);
		if (r == 0)
			r = package_of(b, e->path ? e->path : e->name, &ev);
		if (r == 0)
			r = emit(b, lib, user, lib_subject ? e->name : res->program, &ev);
		n += r == 0;
	}
out:
	rsc_buf_free(&ev);
	return r < 0 ? r : n;
}

/* Resolve path and judge it; remember where libc/libpam were found. */
static int program(struct bin *b, const char *path, enum rsc_pid prog, enum rsc_pid lib,
		   bool lib_subject, const char *user)
{
	struct rsc_ldso_result *res = NULL;
	int r = rsc_ldso_resolve(b->ld, path, &res);

	if (r < 0)
		return r;
	for (size_t i = 0; !b->libdir && i < res->n_entries; i++) {
		const struct rsc_ldso_entry *e = &res->entries[i];

		if (e->path &&
		    (strcmp(e->name, "libpam.so.0") == 0 || strcmp(e->name, "libc.so.6") == 0)) {
			b->libdir = strndup(e->path, (size_t)(strrchr(e->path, '/') - e->path));
			if (!b->libdir)
				r = -ENOMEM;
		}
	}
	if (r == 0)
		r = judge(b, res, prog, lib, lib_subject, user);
	rsc_ldso_result_free(res);
	return r;
}

static int check_sshd(struct bin *b)
{
	_cleanup_free_ char *sshd = NULL;
	struct stat st;
	int r = sshd_path(b->ctx, &sshd), n;

	if (r < 0)
		return r;
	if (rsc_root_stat(b->ctx->root, sshd, &st, 0) == 0 && S_ISREG(st.st_mode) &&
	    !(st.st_mode & 0111)) {
		struct rsc_buf ev = { 0 };

		r = rsc_buf_printf(&ev, "mode %04o: no execute bit",
				   (unsigned)(st.st_mode & 07777));
		if (r == 0)
			r = emit(b, PR_SSHD_BINARY_MISSING, NULL, sshd, &ev);
		rsc_buf_free(&ev);
		return r < 0 ? r : 1;
	}
	n = program(b, sshd, PR_SSHD_BINARY_MISSING, PR_SSHD_LIB_MISSING, true, NULL);
	if (n < 0)
		return n;
	/* the helpers (sshd-start says when one is missing): their libraries */
	for (size_t i = 0; i < 2; i++) {
		static const char *const helpers[] = { "sshd-session", "sshd-auth" };
		_cleanup_free_ char *p = NULL;
		const char *dirs[] = { "/usr/lib/openssh", "/usr/libexec/openssh", "/usr/libexec",
				       "/usr/lib/ssh" };

		for (size_t k = 0; k < ARRAY_SIZE(dirs) && !p; k++) {
			free(p);
			p = rsc_path_join(dirs[k], helpers[i]);
			if (!p)
				return -ENOMEM;
			if (rsc_root_stat(b->ctx->root, p, &st, 0) < 0) {
				free(p);
				p = NULL;
			}
		}
		r = p ? program(b, p, PR_SSHD_BINARY_BROKEN, PR_SSHD_LIB_MISSING, true, NULL) : 0;
		if (r < 0)
			return r;
		n += r;
	}
	return n;
}

/* sftp-server and ssh-keygen, where they are: warnings, logins do not need them. */
static int check_tools(struct bin *b)
{
	static const char *const tools[] = { "/usr/lib/openssh/sftp-server",
					     "/usr/libexec/openssh/sftp-server",
					     "/usr/lib/ssh/sftp-server", "/usr/bin/ssh-keygen" };
	int r = 0;

	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(tools); i++) {
		struct stat st;

		if (rsc_root_stat(b->ctx->root, tools[i], &st, 0) == 0)
			r = program(b, tools[i], PR_SSH_TOOL_BROKEN, PR_SSH_TOOL_BROKEN, false,
				    NULL);
	}
	return r < 0 ? r : 0;
}

static bool use_pam(struct rsc_ctx *ctx)
{
	const struct sshd_config *cfg = ctx->victim->sshdcfg;
	const struct sshd_entry *e = cfg ? sshd_config_get(cfg, NULL, "UsePAM") : NULL;

	return e && e->value && strcmp(e->value, "yes") == 0;
}

static int check_pam(struct bin *b)
{
	struct rsc_pam_stack st;
	int r, n = 0;

	if (!use_pam(b->ctx))
		return 0;
	r = rsc_pam_load(b->ctx->root, "sshd", &st);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	for (size_t i = 0; r >= 0 && i < st.n; i++) {
		const struct rsc_pam_rule *rule = &st.rules[i];
		_cleanup_free_ char *path = NULL;
		struct stat sb;

		if (strcmp(rule->type, "password") == 0)
			continue;
		if (rule->module[0] == '/')
			path = strdup(rule->module);
		else if (asprintf(&path, "%s/security/%s", b->libdir ? b->libdir : "/lib",
				  rule->module) < 0)
			path = NULL;
		if (!path) {
			r = -ENOMEM;
			break;
		}
		if (rule->quiet && rsc_root_stat(b->ctx->root, path, &sb, 0) < 0)
			continue;
		r = program(b, path, PR_PAM_MODULE_MISSING, PR_PAM_MODULE_MISSING, false, NULL);
		n += r > 0 ? r : 0;
	}
	rsc_pam_free(&st);
	return r < 0 ? r : n;
}

/* The services of one nsswitch.conf database line ("passwd: files systemd"), or NULL. */
static char *nss_line(char *data, const char *db)
{
	size_t dl = strlen(db);

	for (char *save = NULL, *l = strtok_r(data, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		l += strspn(l, " \t");
		if (strncmp(l, db, dl) == 0 && l[dl] == ':') {
			l[strcspn(l, "#")] = '\0';
			return l + dl + 1;
		}
	}
	return NULL;
}

static int check_nss(struct bin *b)
{
	static const char *const dbs[] = { "passwd", "group", "shadow" };
	int r = 0;

	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(dbs); i++) {
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		char *line;
		bool files = false;

		r = rsc_root_read_file(b->ctx->root, "/etc/nsswitch.conf", NSS_CAP, 0, &data, &len,
				       NULL);
		if (r < 0)
			return r == -ENOMEM ? r : 0; /* without the file glibc reads the files */
		line = nss_line(data, dbs[i]);
		for (char *save = NULL, *t = line ? strtok_r(line, " \t", &save) : NULL;
		     r >= 0 && t; t = strtok_r(NULL, " \t", &save)) {
			_cleanup_free_ char *mod = NULL;

			if (t[0] == '[')
				continue; /* [NOTFOUND=return]: an action, not a source */
			if (strcmp(t, "files") == 0 || strcmp(t, "compat") == 0)
				files = true;
			if (strcmp(t, "files") == 0 || strcmp(t, "dns") == 0 || strchr(t, '/'))
				continue;
			if (asprintf(&mod, "%s/libnss_%s.so.2", b->libdir ? b->libdir : "/lib", t) <
			    0)
				return -ENOMEM;
			r = program(b, mod, PR_NSS_MODULE_MISSING, PR_NSS_MODULE_MISSING, false,
				    NULL);
		}
		if (r >= 0 && line && !files && strcmp(dbs[i], "passwd") == 0) {
			struct rsc_detail d = { .path = "/etc/nsswitch.conf",
						.evidence = "its passwd line names neither files "
							    "nor compat" };

			r = rsc_report(b->ctx, PR_NSS_NOFILES, &d);
		}
	}
	return r < 0 ? r : 0;
}

static int check_shells(struct bin *b)
{
	int r = 0;

	for (size_t i = 0; r >= 0 && i < b->ctx->nusers; i++) {
		const struct rsc_user *u =
			rsc_victim_user_by_name(b->ctx->victim, b->ctx->users[i].name);
		struct stat st;

		if (!u || !u->shell || u->shell[0] != '/' || !b->ctx->users[i].usable_keys ||
		    rsc_root_stat(b->ctx->root, u->shell, &st, 0) < 0)
			continue; /* ssh-access judges a missing shell */
		r = program(b, u->shell, 0, PR_SSH_SHELL_BROKEN, false, u->name);
	}
	return r < 0 ? r : 0;
}

static int run(struct rsc_ctx *ctx)
{
	struct bin b = { .ctx = ctx };
	int r = rsc_ldso_new(ctx->root, &b.ld);

	if (r < 0)
		return r;
	r = check_sshd(&b);
	if (r == 0) /* sshd cannot start: what else it would need does not matter yet */
		r = check_pam(&b);
	if (r >= 0)
		r = check_nss(&b);
	if (r >= 0)
		r = check_shells(&b);
	if (r >= 0)
		r = check_tools(&b);
	free(b.libdir);
	rsc_ldso_free(b.ld);
	return r < 0 ? r : 0;
}

const struct rsc_check chk_sshd_binary = {
	.name = "sshd-binary",
	.summary = "whether sshd, its helpers, the PAM and NSS modules and the users' shells "
		   "can run: whole ELF programs whose libraries the victim's ld.so finds",
	.run = run,
};
