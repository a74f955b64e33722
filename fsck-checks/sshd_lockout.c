// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sshd_lockout.c - does the effective configuration let anyone in?
 *
 * For every account ssh-access looked at (it runs first and counts each
 * user's usable keys), the configuration as sshd applies it to that user
 * (Match User and Group blocks; the client's address is unknown, so Match
 * Address/Host blocks do not apply):
 *
 *  - auth.c allowed_user(): DenyUsers, AllowUsers, DenyGroups, AllowGroups
 *    in that order, and PermitRootLogin no for root;
 *  - key logins: PubkeyAuthentication, AuthenticationMethods without
 *    publickey, and an AuthorizedKeysFile that leaves the keys the user
 *    has in ~/.ssh/authorized_keys unread;
 *  - password logins: a usable hash in shadow and PasswordAuthentication
 *    (or keyboard-interactive through PAM).
 *
 * A user shut out is reported with the file:line that does it (the fix
 * comments that line out); nobody left at all is sshd.lockout. Where sshd
 * listens is reported when it is not the usual port 22 on every address:
 * from Port and ListenAddress, or from the ListenStream= of an enabled
 * ssh.socket, which replaces them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks.h"
#include "report.h"
#include "root.h"
#include "sdunit.h"
#include "sshdcfg.h"
#include "util.h"
#include "victim.h"

#define ENTRIES_MAX 256

struct who {
	const struct rsc_user *u;
	struct sshd_conn conn;
	const char **groups;
	bool key, password; /* can log in that way */
};

static const struct sshd_entry *get(const struct sshd_config *cfg, const struct who *w,
				    const char *kw)
{
	return sshd_config_get(cfg, &w->conn, kw);
}

static bool is(const struct sshd_entry *e, const char *value, bool dflt)
{
	if (!e || !e->value)
		return dflt;
	return strcmp(e->value, value) == 0;
}

/* match.c match_pattern_list() for a user or group name; host parts ("user@host") may match. */
static int name_list(const char *name, const char *pattern)
{
	_cleanup_free_ char *p = strdup(pattern);
	char *at;

	if (!p)
		return 0;
	at = strchr(p, '@');
	if (at)
		*at = '\0'; /* the client's host is not known offline: judge the user part */
	return sshd_pattern_list(name, p, false);
}

static int report_user(struct rsc_ctx *ctx, enum rsc_pid id, const struct who *w,
		       const struct sshd_entry *e, const char *why)
{
	struct rsc_detail d = {
		.user = w->u->name,
		.path = e ? e->file : "/etc/ssh/sshd_config",
		.line = e ? e->line : 0,
		.evidence = why,
	};

	return rsc_report(ctx, id, &d);
}

/* auth.c allowed_user(), by configuration only: the entry that refuses w, or NULL. */
static const struct sshd_entry *refused_by(const struct sshd_config *cfg, const struct who *w,
					   char *why, size_t size)
{
	static const struct {
		const char *kw;
		bool allow, groups;
	} lists[] = {
		{ "DenyUsers", false, false },
		{ "AllowUsers", true, false },
		{ "DenyGroups", false, true },
		{ "AllowGroups", true, true },
	};
	const struct sshd_entry *ent[ENTRIES_MAX];

	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		int kw = sshd_kw_lookup(lists[l].kw, 9999, ~0u);
		size_t n = sshd_config_effective(cfg, &w->conn, kw, ent, ENTRIES_MAX);
		bool hit = false;

		for (size_t i = 0; i < n && !hit; i++)
			for (size_t a = 0; a < ent[i]->argc && !hit; a++) {
				if (!lists[l].groups) {
					hit = name_list(w->u->name, ent[i]->argv[a]) == 1;
					continue;
				}
				for (size_t g = 0; w->groups && w->groups[g] && !hit; g++)
					hit = name_list(w->groups[g], ent[i]->argv[a]) == 1;
			}
		if (n && hit != lists[l].allow) {
			snprintf(why, size, "not allowed because %s %s",
				 lists[l].allow ? "not listed in" : "listed in", lists[l].kw);
			return ent[n - 1];
		}
	}
	if (w->u->uid == 0) {
		const struct sshd_entry *e = get(cfg, w, "PermitRootLogin");

		if (is(e, "no", false)) {
			snprintf(why, size, "PermitRootLogin no");
			return e;
		}
	}
	return NULL;
}

/* Keys in ~/.ssh/authorized_keys that the user's AuthorizedKeysFile never reads. */
static bool unread_default_keys(struct rsc_ctx *ctx, const struct rsc_user *u, char **akf)
{
	_cleanup_free_ char *path = NULL;
	struct stat st;

	if (!u->home || u->home[0] != '/')
		return false;
	path = rsc_path_join(u->home, ".ssh/authorized_keys");
	if (!path || rsc_root_stat(ctx->root, path, &st, 0) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size == 0)
		return false;
	for (size_t i = 0; akf && akf[i]; i++) {
		_cleanup_free_ char *f = NULL;

		if (rsc_victim_expand_akf(u, akf[i], &f) == 0 && strcmp(f, path) == 0)
			return false;
	}
	return true;
}

static void strv_freep(char ***v)
{
	for (size_t i = 0; *v && (*v)[i]; i++)
		free((*v)[i]);
	free(*v);
}

/* Key logins for w: whether the configuration lets the user's keys be used. */
static int judge_keys(struct rsc_ctx *ctx, const struct sshd_config *cfg, struct who *w,
		      const struct rsc_user_state *st)
{
	const struct sshd_entry *e;
	_cleanup_(strv_freep) char **akf = NULL;
	size_t nakf = 0;
	int r;

	r = rsc_victim_user_akf(ctx->victim, w->u, &akf, &nakf);
	if (r < 0)
		return r;
	if (st->usable_keys == 0) {
		if (!unread_default_keys(ctx, w->u, akf))
			return 0;
		e = get(cfg, w, "AuthorizedKeysFile");
		return report_user(
			ctx, PR_SSHD_USER_NOKEYAUTH, w, e,
			"~/.ssh/authorized_keys has keys, but AuthorizedKeysFile does not "
			"name it");
	}
	e = get(cfg, w, "PubkeyAuthentication");
	if (is(e, "no", false))
		return report_user(ctx, PR_SSHD_USER_NOKEYAUTH, w, e, "PubkeyAuthentication no");
	e = get(cfg, w, "AuthenticationMethods");
	if (e && !(e->argc == 1 && strcmp(e->argv[0], "any") == 0)) {
		bool any_pubkey_only = false;

		for (size_t i = 0; i < e->argc; i++)
			any_pubkey_only |= strcmp(e->argv[i], "publickey") == 0;
		if (!any_pubkey_only) {
			w->key = false; /* keys may still be one step of a chain: not an error */
			return 0;
		}
	}
	w->key = true;
	return 0;
}

/* A hash in shadow a password can match (not locked, not disabled, not empty). */
static bool has_password(const struct rsc_user *u)
{
	return u->hash && u->hash[0] && u->hash[0] != '!' && u->hash[0] != '*';
}

/* Keys sshd reads, keys it would read but for AuthorizedKeysFile, or a password. */
static bool has_credentials(struct rsc_ctx *ctx, const struct who *w,
			    const struct rsc_user_state *st)
{
	_cleanup_(strv_freep) char **akf = NULL;
	size_t n = 0;

	if (st->usable_keys || has_password(w->u))
		return true;
	return rsc_victim_user_akf(ctx->victim, w->u, &akf, &n) == 0 &&
	       unread_default_keys(ctx, w->u, akf);
}

static void judge_password(const struct sshd_config *cfg, struct who *w)
{
	const struct sshd_entry *root = get(cfg, w, "PermitRootLogin");

	if (!has_password(w->u) || (w->u->uid == 0 && !is(root, "yes", false)))
		return;
	w->password = is(get(cfg, w, "PasswordAuthentication"), "yes", true) ||
		      (is(get(cfg, w, "KbdInteractiveAuthentication"), "yes", true) &&
		       is(get(cfg, w, "UsePAM"), "yes", false));
}

/* Port and ListenAddress of sshd_config into b: "port 2222 on 10.0.0.1". */
static int config_listen(const struct sshd_config *cfg, struct rsc_buf *b, bool *usual, bool *set)
{
	const struct sshd_entry *ent[ENTRIES_MAX];
	size_t np = sshd_config_effective(cfg, NULL, sshd_kw_lookup("Port", 9999, ~0u), ent,
					  ENTRIES_MAX);
	size_t nl;
	int r = 0;

	*usual = true;
	for (size_t i = 0; r == 0 && i < np; i++) {
		*usual &= strcmp(ent[i]->value ? ent[i]->value : "", "22") == 0;
		r = rsc_buf_printf(b, "%sport %s", i ? ", " : "",
				   ent[i]->value ? ent[i]->value : "?");
	}
	if (r == 0 && np == 0)
		r = rsc_buf_adds(b, "port 22");
	nl = sshd_config_effective(cfg, NULL, sshd_kw_lookup("ListenAddress", 9999, ~0u), ent,
				   ENTRIES_MAX);
	for (size_t i = 0; r == 0 && i < nl; i++) {
		*usual = false;
		r = rsc_buf_printf(b, "%s%s", i ? ", " : " on ", ent[i]->argv[0]);
	}
	*set = np || nl;
	return r;
}

/*
 * Socket activation: an enabled ssh.socket (Debian, Ubuntu) or sshd.socket
 * accepts the connections and starts sshd per connection; its ListenStream=
 * lines, not sshd_config, say where. *unit is the socket's name, NULL when
 * none is enabled.
 */
static int socket_listen(struct rsc_ctx *ctx, struct rsc_buf *b, bool *usual, const char **unit)
{
	static const char *const names[] = { "ssh.socket", "sshd.socket" };
	int r = 0;

	*unit = NULL;
	*usual = true;
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(names) && !*unit; i++) {
		struct rsc_unit u;
		char **v = NULL;
		size_t n = 0;

		r = rsc_unit_enabled(ctx->root, names[i], NULL);
		if (r <= 0)
			continue;
		r = rsc_unit_load(ctx->root, names[i], &u);
		if (r == 0 && u.path && !u.masked) {
			*unit = names[i];
			r = rsc_unit_values(&u, "Socket", "ListenStream", true, &v, &n);
		}
		for (size_t k = 0; r == 0 && k < n; k++) {
			bool port = strspn(v[k], "0123456789") == strlen(v[k]);

			*usual &= strcmp(v[k], "22") == 0 || strcmp(v[k], "0.0.0.0:22") == 0 ||
				  strcmp(v[k], "[::]:22") == 0;
			r = rsc_buf_printf(b, "%s%s%s", k ? ", " : "", port ? "port " : "", v[k]);
		}
		if (r == 0 && *unit && n == 0) {
			*usual = false;
			r = rsc_buf_adds(b, "nothing (no ListenStream=)");
		}
		rsc_unit_strv_free(v);
		rsc_unit_free(&u);
	}
	return r;
}

/* Ubuntu's generator turns sshd_config's Port and ListenAddress into ListenStream= at boot. */
static bool has_socket_generator(struct rsc_ctx *ctx)
{
	static const char *const gens[] = {
		"/usr/lib/systemd/system-generators/sshd-socket-generator",
		"/lib/systemd/system-generators/sshd-socket-generator",
	};
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(gens); i++)
		if (rsc_root_stat(ctx->root, gens[i], &st, 0) == 0 && S_ISREG(st.st_mode))
			return true;
	return false;
}

/*
 * Where sshd listens, reported when it is not port 22 on every address, or
 * when socket activation makes sshd_config's Port or ListenAddress moot.
 */
static int report_listen(struct rsc_ctx *ctx, const struct sshd_config *cfg)
{
	struct rsc_buf cb = { 0 }, sb = { 0 }, ev = { 0 };
	struct rsc_detail d = { 0 };
	bool cfg_usual = true, cfg_set = false, sock_usual = true;
	const char *unit = NULL;
	int r = config_listen(cfg, &cb, &cfg_usual, &cfg_set);

	if (r == 0)
		r = socket_listen(ctx, &sb, &sock_usual, &unit);
	if (r < 0)
		goto out;
	if (!unit || (cfg_set && has_socket_generator(ctx))) {
		if (cfg_usual)
			goto out;
		d.path = cb.data;
		r = rsc_buf_adds(&ev, unit ? "sshd_config's Port and ListenAddress, which "
					     "sshd-socket-generator makes the ListenStream= of "
					     "the enabled socket unit at boot"
					   : "from sshd_config (Port, ListenAddress)");
	} else {
		if (sock_usual && !cfg_set)
			goto out;
		d.path = sb.data;
		r = rsc_buf_printf(&ev,
				   "ListenStream= of %s, which is enabled: systemd accepts the "
				   "connections and starts sshd for each one, so sshd_config's "
				   "Port and ListenAddress (%s) are not used",
				   unit, cb.data);
	}
	d.evidence = ev.data;
	if (r == 0)
		r = rsc_report(ctx, PR_SSHD_LISTEN, &d);
out:
	rsc_buf_free(&cb);
	rsc_buf_free(&sb);
	rsc_buf_free(&ev);
	return r;
}

static int run(struct rsc_ctx *ctx)
{
	const struct sshd_config *cfg = ctx->victim->sshdcfg;
	struct rsc_buf nobody = { 0 };
	size_t judged = 0, can = 0;
	int r = 0;

	if (!cfg || cfg->fatal)
		return 0; /* sshd does not start: sshd-config says why */
	for (size_t i = 0; r == 0 && i < ctx->nusers; i++) {
		const struct rsc_user_state *st = &ctx->users[i];
		struct who w = { .u = rsc_victim_user_by_name(ctx->victim, st->name) };
		const struct sshd_entry *e;
		char why[160];

		if (!w.u)
			continue;
		r = rsc_victim_user_groups(ctx->victim, w.u->name, &w.groups);
		if (r < 0)
			break;
		w.conn = (struct sshd_conn){ .user = w.u->name, .groups = w.groups, .lport = -1 };
		if (!has_credentials(ctx, &w, st)) {
			free(w.groups);
			continue; /* nothing to log in with: ssh-access says so */
		}
		judged++;
		e = refused_by(cfg, &w, why, sizeof(why));
		if (e) {
			r = report_user(ctx, PR_SSHD_USER_DENIED, &w, e, why);
			if (r == 0)
				r = rsc_buf_printf(&nobody, "%s%s (%s)", nobody.len ? ", " : "",
						   w.u->name, why);
		} else {
			r = judge_keys(ctx, cfg, &w, st);
			if (r == 0)
				judge_password(cfg, &w);
			if (w.key || w.password)
				can++;
			else if (r == 0)
				r = rsc_buf_printf(&nobody, "%s%s (%s)", nobody.len ? ", " : "",
						   w.u->name, "no key or password sshd accepts");
		}
		free(w.groups);
	}
	if (r == 0 && judged && !can) {
		struct rsc_detail d = { .evidence = nobody.data };

		r = rsc_report(ctx, PR_SSHD_LOCKOUT, &d);
	}
	rsc_buf_free(&nobody);
	return r == 0 ? report_listen(ctx, cfg) : r;
}

const struct rsc_check chk_sshd_lockout = {
	.name = "sshd-lockout",
	.summary = "whether the effective sshd configuration lets each user with keys or a "
		   "password in (Allow/Deny, PermitRootLogin, PubkeyAuthentication, "
		   "AuthorizedKeysFile), and where sshd listens",
	.run = run,
};
