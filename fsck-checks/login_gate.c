// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * login_gate.c - what refuses a user after the key was accepted, as the
 * victim's UsePAM setting makes sshd judge it (measured on Debian 12):
 *
 *  - /etc/nologin: pam_nologin in the sshd PAM stack (UsePAM yes), or sshd
 *    itself (UsePAM no), refuses everyone but root;
 *  - an expiry date in the past (shadow field 8): pam_unix's account check
 *    (UsePAM yes) or sshd's own (UsePAM no) refuses the account;
 *  - a locked password ('!' first) with UsePAM no: sshd refuses the account
 *    for every method ("User alice not allowed because account is locked").
 *
 * Judged for the users ssh-access looked at who have a key or a password.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "checks.h"
#include "pamconf.h"
#include "report.h"
#include "root.h"
#include "sshdcfg.h"
#include "util.h"
#include "victim.h"

#define NOLOGIN	    "/etc/nologin"
#define NOLOGIN_CAP (64u << 10)

struct gate {
	bool pam;	/* UsePAM yes */
	bool pam_known; /* the sshd PAM stack could be read */
	bool nologin;	/* pam_nologin in it (or sshd's own check without PAM) */
	bool unix_acct; /* pam_unix in its account stack (or sshd's own check) */
	char *nologin_text;
};

static bool has_password(const struct rsc_user *u)
{
	return u->hash && u->hash[0] && u->hash[0] != '!' && u->hash[0] != '*';
}

static int load_gate(struct rsc_ctx *ctx, struct gate *g)
{
	const struct sshd_config *cfg = ctx->victim->sshdcfg;
	const struct sshd_entry *e = cfg ? sshd_config_get(cfg, NULL, "UsePAM") : NULL;
	struct rsc_pam_stack st;
	int r;

	*g = (struct gate){ .pam = e && e->value && strcmp(e->value, "yes") == 0 };
	if (!g->pam) {
		g->nologin = g->unix_acct = true; /* sshd's own checks */
		return 0;
	}
	r = rsc_pam_load(ctx->root, "sshd", &st);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0; /* no /etc/pam.d/sshd: pam_unix of "other" is not judged */
	g->pam_known = true;
	g->nologin = rsc_pam_find(&st, "account", "pam_nologin.so") ||
		     rsc_pam_find(&st, "auth", "pam_nologin.so");
	g->unix_acct = rsc_pam_find(&st, "account", "pam_unix.so") != NULL;
	rsc_pam_free(&st);
	return 0;
}

/* The first line of /etc/nologin, escaped, when it exists and counts. */
static int nologin_text(struct rsc_ctx *ctx, struct gate *g)
{
	_cleanup_free_ char *data = NULL;
	struct stat st;
	size_t len = 0;
	int r;

	if (!g->nologin || rsc_root_stat(ctx->root, NOLOGIN, &st, 0) < 0)
		return 0;
	r = rsc_root_read_file(ctx->root, NOLOGIN, NOLOGIN_CAP, RSC_READ_TRUNCATE, &data, &len,
			       NULL);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return asprintf(&g->nologin_text, "it exists (%s)", strerror(-r)) < 0 ? -ENOMEM : 0;
	data[strcspn(data, "\n")] = '\0';
	if (asprintf(&g->nologin_text, "its text: \"%s\"%s", data,
		     g->pam ? " (pam_nologin is in the sshd PAM stack)" : " (UsePAM no)") < 0)
		return -ENOMEM;
	return 0;
}

static int judge(struct rsc_ctx *ctx, const struct gate *g, const struct rsc_user *u)
{
	long today = (long)(time(NULL) / 86400);
	char day[32], ev[160];
	int r = 0;

	if (g->nologin_text && u->uid != 0) {
		struct rsc_detail d = { .user = u->name,
					.path = NOLOGIN,
					.evidence = g->nologin_text };

		r = rsc_report(ctx, PR_LOGIN_NOLOGIN, &d);
	}
	if (r == 0 && g->unix_acct && u->expire_day >= 0 && u->expire_day <= today) {
		time_t t = (time_t)u->expire_day * 86400;
		struct tm tm;
		struct rsc_detail d = { .user = u->name, .path = day, .evidence = ev };

		gmtime_r(&t, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		snprintf(ev, sizeof(ev), "/etc/shadow expiry day %ld (%s), today is day %ld",
			 u->expire_day, day, today);
		r = rsc_report(ctx, PR_LOGIN_EXPIRED, &d);
	}
	if (r == 0 && !g->pam && u->hash && u->hash[0] == '!') {
		struct rsc_detail d = { .user = u->name, .path = "/etc/shadow", .evidence = ev };

		snprintf(ev, sizeof(ev), "UsePAM no and the shadow password of %s starts with '!'",
			 u->name);
		r = rsc_report(ctx, PR_LOGIN_LOCKED, &d);
	}
	return r;
}

static int run(struct rsc_ctx *ctx)
{
	const struct sshd_config *cfg = ctx->victim->sshdcfg;
	struct gate g;
	int r;

	if (!cfg || cfg->fatal)
		return 0; /* sshd does not start: sshd-config says why */
	r = load_gate(ctx, &g);
	if (r == 0)
		r = nologin_text(ctx, &g);
	for (size_t i = 0; r == 0 && i < ctx->nusers; i++) {
		const struct rsc_user *u = rsc_victim_user_by_name(ctx->victim, ctx->users[i].name);

		if (u && (ctx->users[i].usable_keys || has_password(u)))
			r = judge(ctx, &g, u);
	}
	free(g.nologin_text);
	return r;
}

const struct rsc_check chk_login_gate = {
	.name = "login",
	.summary = "what refuses a user after the key is accepted: /etc/nologin, an expired "
		   "account, a locked password with UsePAM no",
	.run = run,
};
