// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * victim_sshd.c - the victim's sshd_config in the victim model: parsed
 * once by sshdcfg (judged by the victim's OpenSSH version and build), and
 * the effective global settings the access checks use copied into
 * v->sshd: AuthorizedKeysFile ("~" expanded with the victim's accounts,
 * as sshd does when it reads the file), StrictModes, PubkeyAuthentication.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sshdcfg.h"
#include "victim_int.h"

#define GROUPS_MAX 1024 /* groups of one user considered for Match Group */

/*
 * sshd expands "~" and "~user" of an AuthorizedKeysFile when it reads the
 * config, with the accounts of the machine it runs on: the victim's.
 */
static int tilde_expand(const struct rsc_victim *v, const char *arg, char **out)
{
	const struct rsc_user *u = NULL;
	const char *path;
	_cleanup_free_ char *user = NULL;
	size_t hl;

	*out = NULL;
	if (arg[0] != '~')
		return (*out = strdup(arg)) ? 0 : -ENOMEM;
	path = strchr(arg + 1, '/');
	if (path == arg + 1 || arg[1] == '\0') {
		u = rsc_victim_user_by_uid(v, 0);
	} else {
		user = path ? strndup(arg + 1, (size_t)(path - arg - 1)) : strdup(arg + 1);
		if (!user)
			return -ENOMEM;
		u = rsc_victim_user_by_name(v, user);
	}
	if (!u || !u->home) /* sshd refuses this; keep the text */
		return (*out = strdup(arg)) ? 0 : -ENOMEM;
	path = path ? path + strspn(path, "/") : "";
	hl = strlen(u->home);
	if (asprintf(out, "%s%s%s", u->home, hl == 0 || u->home[hl - 1] != '/' ? "/" : "", path) <
	    0) {
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

static bool flag(const struct sshd_config *cfg, const char *name, bool dflt)
{
	const struct sshd_entry *e = sshd_config_get(cfg, NULL, name);

	if (!e || !e->value)
		return dflt;
	return strcmp(e->value, "yes") == 0;
}

static const char *const akf_defaults[] = { ".ssh/authorized_keys", ".ssh/authorized_keys2" };

/* The AuthorizedKeysFile patterns of entry e ("~" expanded), the defaults when e is NULL. */
static int akf_list(const struct rsc_victim *v, const struct sshd_entry *e, struct vic_strv *out)
{
	struct vic_strv list = { 0 };
	size_t n = e ? e->argc : ARRAY_SIZE(akf_defaults);
	int r = 0;

	for (size_t i = 0; r == 0 && i < n; i++) {
		char *x = NULL;

		r = tilde_expand(v, e ? e->argv[i] : akf_defaults[i], &x);
		if (r == 0)
			r = vic_strv_push(&list, x);
		if (r < 0)
			free(x);
	}
	if (r < 0) {
		vic_strv_free(&list);
		return r;
	}
	*out = list;
	return 0;
}

int rsc_victim_user_akf(const struct rsc_victim *v, const struct rsc_user *u, char ***out,
			size_t *n)
{
	_cleanup_free_ const char **groups = NULL;
	struct sshd_conn c = { .user = u->name, .lport = -1 };
	struct vic_strv list = { 0 };
	int r;

	*out = NULL;
	*n = 0;
	if (v->sshdcfg && v->sshdcfg->nmatches) { /* groups matter only to Match Group */
		r = rsc_victim_user_groups(v, u->name, &groups);
		if (r < 0)
			return r;
	}
	c.groups = groups;
	r = akf_list(v, v->sshdcfg ? sshd_config_get(v->sshdcfg, &c, "AuthorizedKeysFile") : NULL,
		     &list);
	if (r < 0)
		return r;
	if (!list.v) /* never empty: keep the contract of a NULL-terminated list */
		return -ENOMEM;
	*out = list.v;
	*n = list.n;
	return 0;
}

bool rsc_victim_user_pubkey(const struct rsc_victim *v, const struct rsc_user *u)
{
	_cleanup_free_ const char **groups = NULL;
	struct sshd_conn c = { .user = u->name, .lport = -1 };
	const struct sshd_entry *e;

	if (!v->sshdcfg || !v->sshdcfg->nmatches)
		return v->sshd.pubkey_authentication;
	if (rsc_victim_user_groups(v, u->name, &groups) < 0)
		return v->sshd.pubkey_authentication;
	c.groups = groups;
	e = sshd_config_get(v->sshdcfg, &c, "PubkeyAuthentication");
	return !e || !e->value || strcmp(e->value, "yes") == 0;
}

static int set_akf(struct rsc_victim *v, const struct sshd_entry *e)
{
	struct vic_strv list = { 0 };
	int r = akf_list(v, e, &list);

	if (r < 0)
		return r;
	v->sshd.authorized_keys_files = list.v;
	v->sshd.n_authorized_keys_files = list.n;
	return 0;
}

int vic_load_sshd(struct rsc_victim *v)
{
	struct sshd_config *cfg = calloc(1, sizeof(*cfg));
	int r;

	if (!cfg)
		return -ENOMEM;
	r = sshd_config_load(v->root, sshd_victim_version(v), sshd_victim_vendors(v), cfg);
	if (r < 0) {
		sshd_config_free(cfg);
		free(cfg);
		return r;
	}
	v->sshdcfg = cfg;
	v->sshd.config_found = cfg->found;
	v->sshd.strict_modes = flag(cfg, "StrictModes", true);
	v->sshd.pubkey_authentication = flag(cfg, "PubkeyAuthentication", true);
	return set_akf(v, sshd_config_get(cfg, NULL, "AuthorizedKeysFile"));
}

int rsc_victim_user_groups(const struct rsc_victim *v, const char *user, const char ***out)
{
	const struct rsc_user *u = rsc_victim_user_by_name(v, user);
	const char **g;
	size_t n = 0;
	bool sorted = false;

	*out = NULL;
	if (!u)
		return 0;
	g = calloc(GROUPS_MAX + 1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	vic_user_groups(v, u, g, GROUPS_MAX, &n, &sorted);
	/* or one pass over the groups: the primary one, then those that list the user */
	for (size_t i = 0; !sorted && i < v->ngroups && n < GROUPS_MAX; i++) {
		const struct rsc_group *gr = &v->groups[i];
		bool member = gr->gid == u->gid;

		for (size_t k = 0; !member && k < gr->nmembers; k++)
			member = strcmp(gr->members[k], u->name) == 0;
		if (member)
			g[n++] = gr->name;
	}
	*out = g;
	return 0;
}

void vic_free_sshd(struct rsc_victim *v)
{
	if (!v->sshdcfg)
		return;
	sshd_config_free(v->sshdcfg);
	free(v->sshdcfg);
	v->sshdcfg = NULL;
}
