/* fuzz-sources: rescue/victim.c rescue/victim_accounts.c rescue/victim_sshd.c rescue/victim_index.c rescue/hmap.c rescue/sshdcfg_table.c rescue/sshdcfg_parse.c rescue/sshdcfg_value.c rescue/sshdcfg_eval.c rescue/sshdcfg_dump.c rescue/problem.c rescue/util.c rescue/root.c */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_victim.c - the victim model's buffer parsers on arbitrary bytes:
 * /etc/passwd, /etc/group, /etc/shadow, os-release, the OpenSSH version
 * text, and the AuthorizedKeysFile expansion with the input as pattern.
 *
 * These files come from a possibly hostile disk. Properties checked beyond
 * "no crash, no leak":
 *   - every account has a non-empty name without ':', '\n' or NUL, all its
 *     strings set, a valid uid, and no two accounts (or groups) share a name;
 *   - a user has a hash exactly when it has a shadow entry;
 *   - group member lists are NULL-terminated and match nmembers;
 *   - notes are printable ASCII (they quote no victim bytes);
 *   - an accepted version text parses again to the same numbers;
 *   - an expanded keys file path is absolute or starts with the home.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "victim.h"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_victim: %s\n", what);
		abort();
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* No two names equal: sort a copy of the pointers and compare neighbours. */
static void unique(char **names, size_t n, const char *what)
{
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 1; i < n; i++)
		check(strcmp(names[i - 1], names[i]) != 0, what);
}

static void check_name(const char *s)
{
	check(s && *s && !strchr(s, ':') && !strchr(s, '\n'), "bad account name");
}

static void check_model(const struct rsc_victim *v)
{
	char **names = calloc(v->nusers + v->ngroups + 1, sizeof(*names));

	check(names != NULL, "out of memory");
	for (size_t i = 0; i < v->nusers; i++) {
		const struct rsc_user *u = &v->users[i];

		check_name(u->name);
		check(u->gecos && u->home && u->shell, "user field missing");
		check(u->uid != (uid_t)-1 && u->gid != (gid_t)-1, "invalid uid or gid");
		check(u->has_shadow == (u->hash != NULL), "hash without shadow entry");
		check(u->expire_day >= -1, "bad expire day");
		check(i == 0 || u->lineno > v->users[i - 1].lineno, "line numbers not increasing");
		check(rsc_victim_user_by_name(v, u->name) == u, "lookup finds another user");
		names[i] = u->name;
	}
	unique(names, v->nusers, "duplicate user");
	for (size_t i = 0; i < v->ngroups; i++) {
		const struct rsc_group *g = &v->groups[i];
		size_t n = 0;

		check_name(g->name);
		check(g->members != NULL, "member list missing");
		while (g->members[n]) {
			check(*g->members[n] && !strchr(g->members[n], ','), "bad member");
			n++;
		}
		check(n == g->nmembers, "nmembers wrong");
		names[i] = g->name;
	}
	unique(names, v->ngroups, "duplicate group");
	free(names);
	for (size_t i = 0; i < v->nnotes; i++)
		for (const char *c = v->notes[i]; *c; c++)
			check(*c >= 0x20 && *c < 0x7f, "note with raw bytes");
	check((unsigned)v->family <= RSC_OS_ALPINE, "family out of range");
}

static void fuzz_sshver(const char *text)
{
	struct rsc_sshver sv = { 0 }, again = { 0 };
	int r = rsc_parse_sshver(text, &sv);

	if (r < 0) {
		check(r == -EINVAL || r == -ENOMEM, "unexpected sshver error");
		check(sv.text == NULL && sv.major == 0, "rejected text changed the output");
		return;
	}
	check(sv.major > 0 && sv.text && *sv.text && strstr(text, sv.text), "odd version text");
	check(rsc_parse_sshver(sv.text, &again) == 0, "version text does not parse again");
	check(again.major == sv.major && again.minor == sv.minor && again.portable == sv.portable &&
		      strcmp(again.text, sv.text) == 0,
	      "version round trip differs");
	free(sv.text);
	free(again.text);
}

static void fuzz_expand(const struct rsc_victim *v, const char *pattern)
{
	static const struct rsc_user fallback = { .name = "u", .uid = 1, .home = "/home/u" };
	const struct rsc_user *u = v->nusers ? &v->users[0] : &fallback;
	char *out = NULL;
	int r = rsc_victim_expand_akf(u, pattern, &out);

	if (r < 0) {
		check(out == NULL, "error with output");
		check(r == -EINVAL || r == -ENOMEM || r == -ENAMETOOLONG,
		      "unexpected expand error");
		return;
	}
	check(out[0] == '/' || rsc_startswith(out, u->home), "relative keys file path");
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsc_victim *v = calloc(1, sizeof(*v));
	const char *text = (const char *)data;
	char *z = NULL;

	check(v != NULL, "out of memory");
	/* the same bytes as every file: each parser must cope with the others' syntax */
	check(rsc_parse_passwd(v, text, size) == 0, "passwd parser failed");
	check(rsc_parse_group(v, text, size) == 0, "group parser failed");
	check(rsc_parse_shadow(v, text, size) == 0, "shadow parser failed");
	check(rsc_parse_os_release(v, text, size) == 0, "os-release parser failed");
	/* appending the same file again must add nothing: the first entry wins */
	{
		size_t nu = v->nusers, ng = v->ngroups;

		check(rsc_parse_passwd(v, text, size) == 0, "passwd parser failed");
		check(rsc_parse_group(v, text, size) == 0, "group parser failed");
		check(v->nusers == nu && v->ngroups == ng, "a second parse added entries");
	}
	check_model(v);

	z = strndup(text, size);
	check(z != NULL, "out of memory");
	fuzz_sshver(z);
	fuzz_expand(v, z);
	free(z);
	rsc_victim_free(v);
	return 0;
}
