// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * packages_rpm.c - the check family packages on an rpm victim: the helper's
 * rpm, run as `rpm --root=/proc/self/fd/3 --dbpath=DB --verify ...` with the
 * victim root's own directory fd as its fd 3 (the very tree the checks read,
 * wherever it is mounted), for the login packages installed in the victim
 * and the packages providing what they require (one level). Its output is
 * capped, it gets no stdin and at most RPM_TIMEOUT_MS (all of them together
 * RPM_BUDGET_MS); rpm chroots into the
 * root to verify (so it runs as root) and runs no scriptlet (--noscripts).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks.h"
#include "packagesP.h"
#include "report.h"
#include "root.h"
#include "runprog.h"
#include "util.h"

#define RPM_OUT_MAX    (4u << 20)
#define RPM_TIMEOUT_MS 60000  /* one rpm */
#define RPM_BUDGET_MS  300000 /* all of them, for one check */
#define PKGS_MAX       256
#define CAPS_MAX       512

static const char *const roots[] = { "openssh-server", "openssh", "openssh-clients", "pam", "glibc",
				     "openssl-libs",   "bash" };
static const char *const dbdirs[] = { "/var/lib/rpm", "/usr/lib/sysimage/rpm" };
static const char *const dbfiles[] = { "rpmdb.sqlite", "Packages", "Packages.db" };

static bool is_flags(const char *s)
{
	static const char want[] = "SM5DLUGTP";

	for (size_t i = 0; i < 9; i++)
		if (s[i] != '.' && s[i] != '?' && s[i] != want[i])
			return false;
	return true;
}

int chk_rpmv_parse(const char *line, struct chk_rpmv_line *out)
{
	const char *p;

	*out = (struct chk_rpmv_line){ .attr = ' ' };
	if (rsc_startswith(line, "missing ")) {
		out->is_missing = true;
		p = line + 7;
	} else if (strlen(line) > 9 && is_flags(line) && line[9] == ' ') {
		memcpy(out->flags, line, 9);
		p = line + 9;
	} else {
		return -EINVAL;
	}
	while (*p == ' ')
		p++;
	if (*p && *p != '/' && p[1] == ' ') {
		if (!strchr("cdglra", *p))
			return -EINVAL;
		out->attr = *p;
		for (p++; *p == ' '; p++)
			;
	}
	if (*p != '/')
		return -EINVAL;
	out->path = p;
	return 0;
}

/* The first executable "rpm" of PATH, a new string; NULL if none (or ENOMEM). */
static char *find_rpm(void)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *dirs = strdup(path ? path : "/usr/bin:/bin");

	for (char *save = NULL, *d = dirs ? strtok_r(dirs, ":", &save) : NULL; d;
	     d = strtok_r(NULL, ":", &save)) {
		char *exe = NULL;
		struct stat st;

		if (asprintf(&exe, "%s/rpm", d) < 0)
			return NULL;
		if (stat(exe, &st) == 0 && S_ISREG(st.st_mode) && access(exe, X_OK) == 0)
			return exe;
		free(exe);
	}
	return NULL;
}

/*
 * Run rpm (argv[0] its path) with rootfd as its fd 3; its stdout, at most
 * RPM_OUT_MAX bytes, into b, its exit status into *code. 0 whatever that
 * status (rpm --verify exits non-zero for every difference), -ETIMEDOUT,
 * -EFBIG, -ECHILD when it was killed, or -errno.
 */
static int spawn_rpm(int rootfd, char *const argv[], long budget_end, struct rsc_buf *b, int *code)
{
	long timeout = budget_end - rsc_now_ms();

	if (timeout > RPM_TIMEOUT_MS)
		timeout = RPM_TIMEOUT_MS;
	return rsc_spawn_capture(argv, rootfd, RPM_OUT_MAX, timeout, b, code);
}

/* How to run the helper's rpm on this victim. */
struct rpm_env {
	const char *exe;    /* the helper's rpm */
	int rootfd;	    /* the victim root's fd (borrowed) */
	const char *dbpath; /* the database directory inside the victim */
	long budget_end;    /* rsc_now_ms() past which no rpm runs */
};

/*
 * rpm's fixed arguments, then the words of extra, then names[0..n): run and
 * capture; *code (may be NULL) is its exit status.
 */
static int rpm_run(const struct rpm_env *e, const char *const *extra, char *const *names, size_t n,
		   struct rsc_buf *out, int *code)
{
	_cleanup_free_ char *dbopt = NULL;
	const char **argv = NULL;
	size_t k = 0, ne = 0;
	int dummy, r;

	while (extra[ne])
		ne++;
	if (asprintf(&dbopt, "--dbpath=%s", e->dbpath) < 0)
		return -ENOMEM;
	argv = calloc(3 + ne + n + 1, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	argv[k++] = e->exe;
	argv[k++] = "--root=/proc/self/fd/3";
	argv[k++] = dbopt;
	for (size_t i = 0; i < ne; i++)
		argv[k++] = extra[i];
	for (size_t i = 0; i < n; i++)
		argv[k++] = names[i];
	rsc_buf_reset(out);
	r = spawn_rpm(e->rootfd, (char *const *)argv, e->budget_end, out, code ? code : &dummy);
	free(argv);
	return r;
}

struct names {
	char **v;
	size_t n;
};

static void names_clear(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	*s = (struct names){ 0 };
}

/* Add a copy of name (of len bytes) unless present or max reached. 0 or -ENOMEM. */
static int names_add(struct names *s, const char *name, size_t len, size_t max)
{
	char **nv;

	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->v[i]) == len && memcmp(s->v[i], name, len) == 0)
			return 0;
	if (s->n >= max)
		return 0; /* fewer packages are checked; never a wrong finding */
	nv = reallocarray(s->v, s->n + 1, sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	s->v = nv;
	s->v[s->n] = strndup(name, len);
	if (!s->v[s->n])
		return -ENOMEM;
	s->n++;
	return 0;
}

/* The lines of out that are one word (a package name or capability, no "package x is ..."). */
static int add_words(struct names *s, const struct rsc_buf *out, size_t max, bool caps)
{
	const char *p = out->data ? out->data : "";

	while (*p) {
		const char *e = strchrnul(p, '\n');
		size_t len = (size_t)(e - p);
		int r = 0;

		if (len && !memchr(p, ' ', len) && !memchr(p, '\t', len) && p[0] != '-' &&
		    !(caps && (rsc_startswith(p, "rpmlib(") || rsc_startswith(p, "config("))))
			r = names_add(s, p, len, max);
		if (r < 0)
			return r;
		p = *e ? e + 1 : e;
	}
	return 0;
}

static int unverified(struct rsc_ctx *ctx, const char *why)
{
	struct rsc_detail d = { .path = "rpm", .evidence = why };

	return rsc_report(ctx, PR_PKG_UNVERIFIED, &d);
}

/* The database directory of the victim, canonical inside it (no symlink left for rpm). */
static int find_db(struct rsc_ctx *ctx, char **dbpath)
{
	for (size_t i = 0; i < ARRAY_SIZE(dbdirs); i++) {
		_cleanup_free_ char *real = NULL;
		int r = rsc_root_realpath(ctx->root, dbdirs[i], &real);

		if (r == -ENOMEM)
			return r;
		for (size_t j = 0; r == 0 && j < ARRAY_SIZE(dbfiles); j++) {
			_cleanup_free_ char *file = NULL;
			struct stat st;

			if (asprintf(&file, "%s/%s", real, dbfiles[j]) < 0)
				return -ENOMEM;
			if (rsc_root_stat(ctx->root, file, &st, RSC_NOFOLLOW) == 0 &&
			    S_ISREG(st.st_mode)) {
				*dbpath = TAKE_PTR(real);
				return 0;
			}
		}
	}
	return -ENOENT;
}

/*
 * Report the file lines of `rpm --verify PKG` (out) as findings of pkg
 * (version ver); *nlines counts the file lines seen. 0 or -ENOMEM.
 */
static int report_lines(struct rsc_ctx *ctx, const char *pkg, const char *ver, char *out,
			size_t *nlines)
{
	int r = 0;

	*nlines = 0;

	for (char *save = NULL, *l = out ? strtok_r(out, "\n", &save) : NULL; r == 0 && l;
	     l = strtok_r(NULL, "\n", &save)) {
		struct chk_rpmv_line v;
		bool runtime;
		char ev[200];
		enum rsc_pid id;

		if (chk_rpmv_parse(l, &v) < 0)
			continue;
		++*nlines;
		if (v.attr != ' ' || chk_pkg_is_skipped(v.path))
			continue; /* config files (like dpkg's conffiles), docs, ghosts */
		if (!v.is_missing && v.flags[0] == '.' && v.flags[2] == '.' && v.flags[4] == '.')
			continue; /* mode, owner, times only: not what a login trips on */
		runtime = chk_pkg_is_runtime(v.path);
		id = !runtime	    ? PR_PKG_FILE_MINOR
		     : v.is_missing ? PR_PKG_FILE_MISSING
				    : PR_PKG_FILE_CHANGED;
		if (v.is_missing)
			snprintf(ev, sizeof(ev), "%s %s: rpm --verify: missing", pkg, ver);
		else
			snprintf(ev, sizeof(ev),
				 "%s %s: rpm --verify: %s (S size, 5 digest, L link)", pkg, ver,
				 v.flags);
		{
			struct rsc_detail d = { .path = v.path, .file = pkg, .evidence = ev };

			r = rsc_report(ctx, id, &d);
		}
	}
	return r;
}

int chk_packages_rpm(struct rsc_ctx *ctx)
{
	static const char *const q_all[] = { "-qa", "--qf", "%{NAME}\\n", NULL };
	static const char *const q_req[] = { "-q", "--qf", "[%{REQUIRENAME}\\n]", NULL };
	static const char *const q_prov[] = { "-q", "--qf", "%{NAME}\\n", "--whatprovides", NULL };
	static const char *const q_ver[] = { "-q", "--qf", "%{VERSION}-%{RELEASE}\\n", NULL };
	static const char *const verify[] = { "--verify", "--nomtime",	 "--nouser", "--nogroup",
					      "--nodeps", "--noscripts", NULL };
	_cleanup_(rsc_buf_free) struct rsc_buf out = { 0 };
	_cleanup_free_ char *exe = find_rpm(), *dbpath = NULL;
	struct names all = { 0 }, pkgs = { 0 }, caps = { 0 };
	struct rpm_env env = { .rootfd = rsc_root_fd(ctx->root),
			       .budget_end = rsc_now_ms() + RPM_BUDGET_MS };
	int code = 0, r;
	char ev[256];

	if (!exe)
		return unverified(ctx, "an rpm database, and rpm is not installed on the helper "
				       "(Debian: apt-get install rpm)");
	if (geteuid() != 0)
		return unverified(ctx, "an rpm database, and rpm --verify chroots into the root: "
				       "run sshrescue as root");
	r = find_db(ctx, &dbpath);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return unverified(ctx, "an rpm database directory without a database file "
				       "(rpmdb.sqlite, Packages, Packages.db)");
	env.exe = exe;
	env.dbpath = dbpath;
	/* every installed package: rpm -q says "not installed" too when it cannot open the db */
	r = rpm_run(&env, q_all, NULL, 0, &out, &code);
	if (r == 0 && code != 0) {
		snprintf(ev, sizeof(ev),
			 "the helper's rpm could not read the victim's database %s (rpm -qa "
			 "exit status %d)",
			 dbpath, code);
		r = unverified(ctx, ev);
		goto out;
	}
	if (r == 0)
		r = add_words(&all, &out, SIZE_MAX, false);
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(roots); i++)
		for (size_t j = 0; r == 0 && j < all.n; j++)
			if (strcmp(all.v[j], roots[i]) == 0)
				r = names_add(&pkgs, roots[i], strlen(roots[i]), PKGS_MAX);
	/* one level of requirements: the packages that provide them */
	if (r == 0 && pkgs.n)
		r = rpm_run(&env, q_req, pkgs.v, pkgs.n, &out, NULL);
	if (r == 0 && pkgs.n)
		r = add_words(&caps, &out, CAPS_MAX, true);
	if (r == 0 && caps.n)
		r = rpm_run(&env, q_prov, caps.v, caps.n, &out, NULL);
	if (r == 0 && caps.n)
		r = add_words(&pkgs, &out, PKGS_MAX, false);
	for (size_t i = 0; r == 0 && i < pkgs.n; i++) {
		_cleanup_free_ char *ver = NULL;
		size_t nlines = 0;

		r = rpm_run(&env, q_ver, &pkgs.v[i], 1, &out, NULL);
		if (r < 0)
			break;
		ver = strndup(out.data ? out.data : "", out.data ? strcspn(out.data, "\n") : 0);
		if (!ver) {
			r = -ENOMEM;
			break;
		}
		r = rpm_run(&env, verify, &pkgs.v[i], 1, &out, &code);
		if (r == 0)
			r = report_lines(ctx, pkgs.v[i], ver, out.data, &nlines);
		if (r == 0 && code != 0 && nlines == 0) {
			/* it failed without naming a file: not a clean package */
			snprintf(ev, sizeof(ev), "rpm --verify %s failed (exit status %d)",
				 pkgs.v[i], code);
			r = unverified(ctx, ev);
		}
	}
	if (r < 0 && r != -ENOMEM) {
		snprintf(ev, sizeof(ev), "the helper's rpm on the victim's database %s: %s", dbpath,
			 r == -ETIMEDOUT ? "killed at its time limit (60 s each, 300 s in all)"
					 : strerror(-r));
		r = unverified(ctx, ev);
	}
out:
	names_clear(&all);
	names_clear(&pkgs);
	names_clear(&caps);
	return r;
}
