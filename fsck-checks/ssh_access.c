// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ssh_access.c - can each user log in with a key?  The modes, owners and
 * content of the files sshd reads, judged the way the victim's sshd judges
 * them:
 *
 *  1. sshd opens every AuthorizedKeysFile with the user's own rights: every
 *     directory on the way must be searchable and the file readable by the
 *     user ("Could not open user ... Permission denied" otherwise);
 *  2. it must be a regular file;
 *  3. with StrictModes, the canonical path is walked upwards from the file
 *     to the home (or to / for a file outside the home): each element must be
 *     owned by the user or root and not writable by group or others —
 *     except, on Debian-family victims, group-writable where the group holds
 *     only the user (Debian's "harmless group-writability" patch);
 *  4. the content is read line by line; lines sshd cannot parse are ignored
 *     silently, so they are reported here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "authkeys.h"
#include "checks.h"
#include "report.h"
#include "root.h"
#include "util.h"
#include "victim.h"

#define AK_READ_CAP  (4u << 20) /* an authorized_keys larger than 4 MiB is not a real one */
#define DIR_SCAN_MAX 10000	/* entries looked at in a home or ~/.ssh */

struct user_run {
	struct rsc_ctx *ctx;
	const struct rsc_victim *v;
	const struct rsc_user *u;
	char *home; /* canonical home inside the victim, NULL if it has none */
	struct rsc_user_state *state;
};

/* "mode 0777, owner alice:alice" */
static char *describe(const struct rsc_victim *v, const struct stat *st)
{
	const struct rsc_user *o = rsc_victim_user_by_uid(v, st->st_uid);
	const struct rsc_group *g = rsc_victim_group_by_gid(v, st->st_gid);
	struct rsc_buf b = { 0 };
	int r;

	r = rsc_buf_printf(&b, "mode %04o, owner ", (unsigned)(st->st_mode & 07777));
	if (r == 0)
		r = o ? rsc_buf_adds(&b, o->name) : rsc_buf_printf(&b, "%u", (unsigned)st->st_uid);
	if (r == 0)
		r = rsc_buf_adds(&b, ":");
	if (r == 0)
		r = g ? rsc_buf_adds(&b, g->name) : rsc_buf_printf(&b, "%u", (unsigned)st->st_gid);
	if (r < 0) {
		rsc_buf_free(&b);
		return NULL;
	}
	return rsc_buf_steal(&b);
}

static int report_stat(struct user_run *ur, enum rsc_pid id, const char *path, const char *file,
		       const struct stat *st, const char *extra)
{
	_cleanup_free_ char *ev = describe(ur->v, st);
	_cleanup_free_ char *full = NULL;
	struct rsc_detail d = {
		.user = ur->u->name,
		.path = path,
		.file = file,
		.has_stat = true,
		.mode = st->st_mode,
		.uid = st->st_uid,
		.gid = st->st_gid,
	};

	if (!ev)
		return -ENOMEM;
	if (extra && asprintf(&full, "%s; %s", ev, extra) < 0)
		return -ENOMEM;
	d.evidence = full ? full : ev;
	d.in_home = ur->home && (strcmp(path, ur->home) == 0 ||
				 (rsc_startswith(path, ur->home) && path[strlen(ur->home)] == '/'));
	return rsc_report(ur->ctx, id, &d);
}

/*
 * Reading path for u failed with err, not as "no such file": sshd fails there too
 * ("Could not open user ... authorized keys ...: Bad message"). It is u's finding,
 * not only the check's, or the verdict would say "no authorized keys":
 * fs.read.error for damage, check.failed for anything else. 0 or -ENOMEM.
 */
static int report_unreadable(struct rsc_ctx *ctx, const struct rsc_user *u, const char *path,
			     int err)
{
	_cleanup_free_ char *ev = NULL;
	struct rsc_detail d = { .user = u->name, .path = path };

	if (err == -ENOMEM)
		return err;
	if (asprintf(&ev, "reading %s for %s: %s", path, u->name, strerror(-err)) < 0)
		return -ENOMEM;
	d.evidence = ev;
	return rsc_report(ctx, rsc_err_is_damage(err) ? PR_FS_READ_ERROR : PR_CHECK_FAILED, &d);
}

/* A stat error that is an answer ("not there"), not a failure to read. */
static bool is_absent(int err)
{
	return err == -ENOENT || err == -ENOTDIR || err == -ELOOP || err == -ENAMETOOLONG;
}

/* May the user (with the victim's groups) read (4) or search (1) this inode? */
static bool user_may(const struct rsc_victim *v, const struct rsc_user *u, const struct stat *st,
		     unsigned want)
{
	mode_t m = st->st_mode;

	if (u->uid == 0)
		return want != 1 || S_ISDIR(m) || (m & 0111);
	if (st->st_uid == u->uid)
		return ((m >> 6) & want) == want;
	if (rsc_victim_user_in_group(v, u, st->st_gid))
		return ((m >> 3) & want) == want;
	return (m & want) == want;
}

/*
 * Debian's rule for a group-writable element: the group must exist and
 * every account whose primary group it is must be the logging-in user; its
 * supplementary member list may name only the element's owner; and the
 * group must have at least one member.
 */
static bool debian_group_ok(const struct rsc_victim *v, const struct stat *st, uid_t login)
{
	const struct rsc_group *g = rsc_victim_group_by_gid(v, st->st_gid);
	const struct rsc_user *owner = rsc_victim_user_by_uid(v, st->st_uid);
	size_t members;
	uid_t only;

	if (!g)
		return false;
	/* the accounts whose primary group it is: none, or only the logging-in user */
	members = rsc_victim_gid_users(v, g->gid, &only);
	if (members > 0 && only != login)
		return false;
	if (!owner)
		return false;
	if (g->nmembers > 0) {
		members++;
		if (g->nmembers > 1 || strcmp(g->members[0], owner->name) != 0)
			return false;
	}
	return members > 0;
}

static bool owner_ok(const struct stat *st, const struct rsc_user *u)
{
	return st->st_uid == 0 || st->st_uid == u->uid;
}

static bool mode_ok(const struct rsc_victim *v, const struct stat *st, const struct rsc_user *u)
{
	if (st->st_mode & S_IWOTH)
		return false;
	if (!(st->st_mode & S_IWGRP))
		return true;
	return v->family == RSC_OS_DEBIAN && debian_group_ok(v, st, u->uid);
}

static bool is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '/' || (n == 1 && dir[0] == '/'));
}

/* Cut the last component of an absolute path in place: "/a/b" -> "/a", "/a" -> "/". */
static void cut_last(char *path)
{
	char *s = strrchr(path, '/');

	if (s == path)
		s[1] = '\0';
	else if (s)
		*s = '\0';
}

/* Step 1: "/" and every directory below it down to the file must be searchable by the user. */
static int check_traverse(struct user_run *ur, const char *canon, const char *file)
{
	_cleanup_free_ char *walk = strdup(canon);
	size_t n;

	if (!walk)
		return -ENOMEM;
	n = strlen(walk);
	for (size_t i = 0; i < n; i++) {
		size_t cut = i == 0 ? 1 : i; /* "/" itself, then "/a", "/a/b", ... */
		struct stat st;
		char saved;
		int r;

		if (walk[i] != '/')
			continue;
		saved = walk[cut];
		walk[cut] = '\0';
		r = rsc_root_stat(ur->ctx->root, walk, &st, 0);
		if (r == 0 && S_ISDIR(st.st_mode) && !user_may(ur->v, ur->u, &st, 1))
			return report_stat(ur, PR_SSH_DIR_ACCESS, walk, file, &st, NULL);
		walk[cut] = saved;
		if (r < 0)
			return 0; /* vanished: nothing more to say */
	}
	return 0;
}

/* Step 3: StrictModes, from the file's directory up to the home or /. */
static int check_strict_dirs(struct user_run *ur, const char *canon, const char *file)
{
	_cleanup_free_ char *dir = strdup(canon);
	int r = 0;

	if (!dir)
		return -ENOMEM;
	for (bool first = true;; first = false) {
		struct stat st;
		enum rsc_pid own, mode;
		bool is_home;

		cut_last(dir);
		r = rsc_root_stat(ur->ctx->root, dir, &st, 0);
		if (r < 0)
			return 0;
		is_home = ur->home && strcmp(dir, ur->home) == 0;
		if (is_home) {
			own = PR_SSH_HOME_OWNER;
			mode = PR_SSH_HOME_MODE;
		} else if (first && ur->home && is_under(dir, ur->home)) {
			own = PR_SSH_DIR_OWNER;
			mode = PR_SSH_DIR_MODE;
		} else {
			own = PR_SSH_PATH_OWNER;
			mode = PR_SSH_PATH_MODE;
		}
		if (!owner_ok(&st, ur->u))
			r = report_stat(ur, own, dir, file, &st, NULL);
		if (r == 0 && !mode_ok(ur->v, &st, ur->u))
			r = report_stat(ur, mode, dir, file, &st, NULL);
		if (r < 0)
			return r;
		/* loose but accepted ~/.ssh: a warning */
		/* (a ~/.ssh of another owner becomes the user's: judge its mode for that day) */
		if (own == PR_SSH_DIR_OWNER && mode_ok(ur->v, &st, ur->u) &&
		    (st.st_uid == ur->u->uid || !owner_ok(&st, ur->u)) && (st.st_mode & 077)) {
			r = report_stat(ur, PR_SSH_DIR_LOOSE, dir, file, &st, NULL);
			if (r < 0)
				return r;
		}
		if (is_home || strcmp(dir, "/") == 0)
			return 0;
	}
}

static int report_line(struct user_run *ur, enum rsc_pid id, const char *path, unsigned long line,
		       const char *evidence)
{
	struct rsc_detail d = {
		.user = ur->u->name,
		.path = path,
		.file = path,
		.line = line,
		.evidence = evidence,
		.in_home = ur->home && is_under(path, ur->home),
	};

	return rsc_report(ur->ctx, id, &d);
}

/* Minimum RSA modulus sshd accepts: 1024 (SSH_RSA_MINIMUM_MODULUS_SIZE since 7.2), 768 before. */
static unsigned rsa_minimum(const struct rsc_victim *v)
{
	return rsc_victim_ssh_cmp(v, 7, 2) >= 0 ? 1024 : 768;
}

/* Step 4: the content. Returns the number of usable keys, or -errno. */
static int check_content(struct user_run *ur, const char *path, const char *data, size_t len)
{
	struct rsc_akfile f = { 0 };
	unsigned usable = 0, content_lines = 0;
	int r;

	r = rsc_ak_parse(data, len, &f);
	if (r < 0)
		return r;
	/* A BOM costs the key on line 1 only; before a comment or blank line it is harmless. */
	if (f.nlines > 0 && f.lines[0].has_bom && f.lines[0].status != RSC_AK_BLANK &&
	    f.lines[0].status != RSC_AK_COMMENT)
		r = report_line(ur, PR_SSH_KEYS_BOM, path, 1,
				"the file begins with EF BB BF, in front of the key on line 1");
	if (r == 0 && f.ncrlf > 0) {
		char ev[96];

		snprintf(ev, sizeof(ev), "%zu of %zu lines end in CR LF", f.ncrlf, f.nlines);
		r = report_line(ur, PR_SSH_KEYS_CRLF, path, 0, ev);
	}
	for (size_t i = 0; r == 0 && i < f.nlines; i++) {
		const struct rsc_akline *l = &f.lines[i];
		char ev[160];

		if (l->status != RSC_AK_BLANK && l->status != RSC_AK_COMMENT)
			content_lines++;
		switch (l->status) {
		case RSC_AK_OK:
			if (l->kind == RSC_KEY_DSA && rsc_victim_ssh_cmp(ur->v, 7, 0) >= 0) {
				r = report_line(ur, PR_SSH_KEYS_DSA, path, l->lineno,
						"key type ssh-dss");
			} else if (l->kind == RSC_KEY_RSA && l->bits &&
				   l->bits < rsa_minimum(ur->v)) {
				snprintf(ev, sizeof(ev), "RSA key of %u bits; the minimum is %u",
					 l->bits, rsa_minimum(ur->v));
				r = report_line(ur, PR_SSH_KEYS_RSA_SMALL, path, l->lineno, ev);
			} else {
				usable++;
			}
			break;
		case RSC_AK_SPLIT_HEAD: {
			size_t k = i + 1;

			while (k < f.nlines && f.lines[k].status == RSC_AK_SPLIT_TAIL)
				k++;
			snprintf(ev, sizeof(ev), "lines %lu-%lu are one %s key", l->lineno,
				 f.lines[k - 1].lineno, l->type);
			r = report_line(ur, PR_SSH_KEYS_SPLIT, path, l->lineno, ev);
			break;
		}
		case RSC_AK_PRIVATE_KEY:
			if (i == 0 || f.lines[i - 1].status != RSC_AK_PRIVATE_KEY)
				r = report_line(ur, PR_SSH_KEYS_PRIVATE, path, l->lineno,
						"a -----BEGIN ... PRIVATE KEY----- block");
			break;
		case RSC_AK_UNKNOWN_TYPE:
			if (l->has_bom)
				break; /* reported as ssh.keys.bom */
				       /* fallthrough */
		case RSC_AK_BAD_BASE64:
		case RSC_AK_BLOB_MISMATCH:
		case RSC_AK_BAD_OPTIONS:
			r = report_line(ur, PR_SSH_KEYS_BADLINE, path, l->lineno,
					rsc_ak_status_name(l->status));
			break;
		default:
			break;
		}
	}
	if (r == 0 && content_lines == 0)
		r = report_line(ur, PR_SSH_KEYS_EMPTY, path, 0,
				len ? "only blank or comment lines" : "0 bytes");
	rsc_ak_free(&f);
	return r < 0 ? r : (int)usable;
}

/* One AuthorizedKeysFile of the user; file is the path as sshd names it. */
static int check_keys_file(struct user_run *ur, const char *file)
{
	_cleanup_free_ char *canon = NULL, *data = NULL;
	struct stat st;
	size_t len = 0;
	int r;

	r = rsc_root_stat(ur->ctx->root, file, &st, 0);
	/* sshd: silently no keys; also for a path longer than PATH_MAX, which it cannot open */
	if (r < 0)
		return is_absent(r) ? 0 : r;
	r = rsc_root_realpath(ur->ctx->root, file, &canon);
	if (r < 0)
		return r == -ENOENT || r == -ELOOP || r == -ENAMETOOLONG ? 0 : r;
	ur->state->key_files++;

	r = check_traverse(ur, canon, file);
	if (r < 0)
		return r;
	if (!S_ISREG(st.st_mode))
		return report_stat(ur, PR_SSH_KEYS_NOTREG, canon, file, &st, NULL);
	if (!user_may(ur->v, ur->u, &st, 4))
		r = report_stat(ur, PR_SSH_KEYS_ACCESS, canon, file, &st, NULL);
	else if (ur->v->sshd.strict_modes && !owner_ok(&st, ur->u))
		r = report_stat(ur, PR_SSH_KEYS_OWNER, canon, file, &st, NULL);
	if (r == 0 && ur->v->sshd.strict_modes && !mode_ok(ur->v, &st, ur->u))
		r = report_stat(ur, PR_SSH_KEYS_MODE, canon, file, &st, NULL);
	else if (r == 0 && (st.st_uid == ur->u->uid || !owner_ok(&st, ur->u)) &&
		 (st.st_mode & 077) && ur->home && is_under(canon, ur->home))
		r = report_stat(ur, PR_SSH_KEYS_LOOSE, canon, file, &st, NULL);
	if (r == 0 && ur->v->sshd.strict_modes)
		r = check_strict_dirs(ur, canon, file);
	if (r < 0)
		return r;

	r = rsc_root_read_file(ur->ctx->root, canon, AK_READ_CAP, 0, &data, &len, NULL);
	if (r == -EFBIG)
		return report_line(ur, PR_SSH_KEYS_BADLINE, canon, 0,
				   "larger than 4 MiB; not read");
	if (r < 0)
		return is_absent(r) ? 0 : r; /* vanished, or a read error the caller reports */
	r = check_content(ur, canon, data, len);
	if (r < 0)
		return r;
	ur->state->usable_keys += (unsigned)r;
	return 0;
}

static bool looks_private(struct rsc_root *root, const char *path, const char *name)
{
	_cleanup_free_ char *head = NULL;
	size_t len = 0;
	size_t n = strlen(name);

	if (n > 4 && strcmp(name + n - 4, ".pub") == 0)
		return false;
	if (rsc_root_read_file(root, path, 128, RSC_READ_TRUNCATE, &head, &len, NULL) < 0)
		return false;
	return rsc_startswith(head, "-----BEGIN ") && strstr(head, "PRIVATE KEY-----");
}

/*
 * The entries of a directory in the home: private keys readable by others
 * (only in ~/.ssh) and owners that are not accounts any more.
 */
static int scan_dir(struct user_run *ur, const char *dir, bool is_ssh_dir)
{
	_cleanup_close_ int fd = -1;
	DIR *d = NULL;
	struct dirent *de;
	unsigned seen = 0;
	int r = 0;

	fd = rsc_root_open_at(ur->ctx->root, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, 0);
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d)
		return 0;
	fd = -1; /* owned by d */
	while (r == 0 && (de = readdir(d)) && seen++ < DIR_SCAN_MAX) {
		_cleanup_free_ char *path = NULL;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		path = rsc_path_join(dir, de->d_name);
		if (!path) {
			r = -ENOMEM;
			break;
		}
		if (rsc_root_stat(ur->ctx->root, path, &st, RSC_NOFOLLOW) < 0)
			continue;
		if (!rsc_victim_user_by_uid(ur->v, st.st_uid))
			r = report_stat(ur, PR_SSH_OWNER_UNKNOWN, path, NULL, &st, NULL);
		else if (is_ssh_dir && S_ISREG(st.st_mode) && (st.st_mode & 077) &&
			 looks_private(ur->ctx->root, path, de->d_name))
			r = report_stat(ur, PR_SSH_PRIVKEY_READABLE, path, NULL, &st, NULL);
	}
	closedir(d);
	return r;
}

static bool has_login_shell(const struct rsc_user *u)
{
	static const char *const nologin[] = { "nologin", "false", "true",
					       "sync",	  "halt",  "shutdown" };
	const char *base = u->shell ? strrchr(u->shell, '/') : NULL;

	if (!u->shell || !*u->shell)
		return true; /* empty shell means /bin/sh */
	base = base ? base + 1 : u->shell;
	for (size_t i = 0; i < ARRAY_SIZE(nologin); i++)
		if (strcmp(base, nologin[i]) == 0)
			return false;
	return true;
}

/* Accounts a person logs in to: root and the ordinary users with a shell. */
static bool is_login_account(const struct rsc_victim *v, const struct rsc_user *u)
{
	if (u->uid == 0)
		return true;
	return u->uid >= v->uid_min && u->uid != 65534 && has_login_shell(u);
}

static bool user_selected(const struct rsc_ctx *ctx, const struct rsc_user *u)
{
	if (!ctx->only_users)
		return true;
	for (char **n = ctx->only_users; *n; n++)
		if (strcmp(*n, u->name) == 0)
			return true;
	return false;
}

/*
 * sshd's allowed_user(): the shell (empty means /bin/sh) must exist and be a
 * regular file with an execute bit, or no login of the account is allowed.
 * The shell is looked up inside the victim, symlinks resolved there.
 */
static int check_shell(struct rsc_ctx *ctx, const struct rsc_user *u)
{
	const char *shell = u->shell && *u->shell ? u->shell : "/bin/sh";
	struct rsc_detail d = { .user = u->name, .path = shell };
	struct stat st;
	int r;

	r = rsc_root_stat(ctx->root, shell, &st, 0); /* relative: from /, sshd's cwd */
	if (r < 0 && !is_absent(r))
		return report_unreadable(ctx, u, shell, r);
	if (r < 0) {
		d.evidence = "no such file in the victim";
		return rsc_report(ctx, PR_SSH_SHELL_MISSING, &d);
	}
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
		d.evidence = S_ISREG(st.st_mode) ? "no execute bit" : "not a regular file";
		d.has_stat = true;
		d.mode = st.st_mode;
		d.uid = st.st_uid;
		d.gid = st.st_gid;
		return rsc_report(ctx, PR_SSH_SHELL_NOEXEC, &d);
	}
	return 0;
}

/* Does any keys file of u exist? Used to look at system accounts too when they have keys. */
static bool has_any_keys_file(struct rsc_ctx *ctx, const struct rsc_user *u, char **akf)
{
	for (size_t i = 0; akf[i]; i++) {
		_cleanup_free_ char *file = NULL;
		struct stat st;

		if (rsc_victim_expand_akf(u, akf[i], &file) < 0)
			continue;
		if (rsc_root_stat(ctx->root, file, &st, RSC_NOFOLLOW) == 0)
			return true;
	}
	return false;
}

static void strv_freep(char ***v)
{
	for (size_t i = 0; *v && (*v)[i]; i++)
		free((*v)[i]);
	free(*v);
}

static int check_user(struct rsc_ctx *ctx, const struct rsc_user *u)
{
	const struct rsc_victim *v = ctx->victim;
	struct user_run ur = { .ctx = ctx, .v = v, .u = u };
	_cleanup_free_ char *sshdir = NULL;
	bool login = is_login_account(v, u), home_ok = false;
	_cleanup_(strv_freep) char **akf = NULL;
	size_t nakf = 0;
	struct stat st;
	int r;

	/* the keys files sshd reads for this user: Match User/Group blocks applied */
	r = rsc_victim_user_akf(v, u, &akf, &nakf);
	if (r < 0)
		return r;
	if (!ctx->only_users && !login && !has_any_keys_file(ctx, u, akf))
		return 0;
	ur.state = rsc_ctx_user(ctx, u->name, u->uid);
	if (!ur.state)
		return -ENOMEM;
	if (u->home && u->home[0] == '/') {
		r = rsc_root_stat(ctx->root, u->home, &st, 0);
		if (r < 0 && !is_absent(r))
			return report_unreadable(ctx, u, u->home, r);
		home_ok = r == 0 && S_ISDIR(st.st_mode);
	}
	if (!home_ok && !login)
		return 0;
	r = check_shell(ctx, u);
	if (r < 0)
		return r;
	if (home_ok) {
		r = rsc_root_realpath(ctx->root, u->home, &ur.home);
		if (r < 0)
			return r == -ENOMEM ? r : 0;
	}

	/* Without a home only keys files elsewhere (/etc/ssh/authorized_keys/%u) can work. */
	for (size_t i = 0; r == 0 && v->sshd.pubkey_authentication && i < nakf; i++) {
		_cleanup_free_ char *file = NULL;

		if (strcmp(akf[i], "none") == 0)
			continue;
		if (rsc_victim_expand_akf(u, akf[i], &file) < 0)
			continue;
		r = check_keys_file(&ur, file);
		/* sshd goes on with the next file; so do we, with this one reported */
		if (r < 0)
			r = report_unreadable(ctx, u, file, r);
	}
	if (r == 0 && !home_ok) {
		struct rsc_detail d = { .user = u->name, .path = u->home ? u->home : "" };

		d.evidence = "named in /etc/passwd, absent from the disk";
		free(ur.home);
		/* sshd lets a key from elsewhere in and only warns that it cannot chdir */
		return rsc_report(
			ctx, ur.state->usable_keys ? PR_SSH_HOME_NOCHDIR : PR_SSH_HOME_MISSING, &d);
	}
	if (r == 0 && ur.state->key_files > 0 && ur.state->usable_keys == 0)
		r = report_line(&ur, PR_SSH_KEYS_NONE, ur.home, 0,
				"every keys file is empty or holds only lines sshd ignores");
	if (r == 0)
		r = scan_dir(&ur, ur.home, false);
	if (r == 0) {
		/* not before: a keys file that failed above may leave the home unresolved */
		sshdir = rsc_path_join(ur.home, ".ssh");
		r = sshdir ? scan_dir(&ur, sshdir, true) : -ENOMEM;
	}
	free(ur.home);
	return r;
}

static int run(struct rsc_ctx *ctx)
{
	const struct rsc_victim *v = ctx->victim;
	int first = 0;

	for (size_t i = 0; i < v->nusers; i++) {
		const struct rsc_user *u = &v->users[i];
		int r;

		if (!user_selected(ctx, u))
			continue;
		r = check_user(ctx, u);
		if (r == -ENOMEM)
			return r;
		if (r < 0 && !first)
			first = r;
	}
	for (size_t i = 0; i < v->nnotes; i++) {
		struct rsc_detail d = { .path = v->notes[i], .evidence = v->notes[i] };
		int r = rsc_report(ctx, PR_VICTIM_PASSWD_LINE, &d);

		if (r < 0)
			return r;
	}
	return first;
}

const struct rsc_check chk_ssh_access = {
	.name = "ssh-access",
	.summary = "modes, owners and content of each user's home, ~/.ssh and authorized_keys, "
		   "judged by OpenSSH's StrictModes rules",
	.run = run,
};
