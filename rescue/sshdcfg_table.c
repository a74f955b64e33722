// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sshdcfg_table.c - the keyword and algorithm tables, generated from the
 * two lists sshdcfg_keywords.def and sshdcfg_algs.def, and what a release
 * of OpenSSH makes of a name: known, deprecated, unsupported or unknown.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "sshdcfg_int.h"
#include "victim.h"

#define VERSION_NEWEST 1002 /* the newest release the tables describe */

#define SSHD_KW(n, canon, type, scope, multi, since, dep, unsup, removed, vendor, values, dflt,    \
		dump)                                                                              \
	[KW_##n] = { #n,    KW_##canon, type,	scope,	multi, since, dep,                         \
		     unsup, removed,	vendor, values, dflt,  dump },
const struct sshd_kwrow sshd_kw[KW_COUNT] = {
#include "sshdcfg_keywords.def"
};
#undef SSHD_KW

struct algrow {
	enum sshd_algcat cat;
	const char *name;
	int since, removed;
	unsigned flags;
};

#define SSHD_ALG(cat, name, since, removed, flags) { cat, name, since, removed, flags },
#define SSHD_ALGDEF(def, from, until, vendor, list)
static const struct algrow algs[] = {
#include "sshdcfg_algs.def"
};
#undef SSHD_ALG
#undef SSHD_ALGDEF

struct algdef {
	enum sshd_algdef def;
	int from, until;
	unsigned vendor;
	const char *list;
};

#define SSHD_ALG(cat, name, since, removed, flags)
#define SSHD_ALGDEF(def, from, until, vendor, list) { def, from, until, vendor, list },
static const struct algdef algdefs[] = {
#include "sshdcfg_algs.def"
};
#undef SSHD_ALG
#undef SSHD_ALGDEF

int sshd_kw_count(void)
{
	return KW_COUNT;
}

const char *sshd_kw_name(int kw)
{
	return kw >= 0 && kw < KW_COUNT ? sshd_kw[kw].name : "?";
}

int sshd_kw_canon(int kw)
{
	return kw >= 0 && kw < KW_COUNT ? sshd_kw[kw].canon : -1;
}

const char *sshd_kw_lower(int kw, char *buf, size_t size)
{
	const char *n = sshd_kw_name(kw);
	size_t i;

	if (size == 0)
		return "";
	for (i = 0; n[i] && i + 1 < size; i++)
		buf[i] = (char)tolower((unsigned char)n[i]);
	buf[i] = '\0';
	return buf;
}

static bool in_release(int since, int removed, int version)
{
	return version >= since && (removed == 0 || version < removed);
}

bool sshd_kw_in_match(int kw, int version)
{
	int scope = sshd_kw[kw].scope;

	return scope == S_ALL || (scope > S_ALL && version >= scope);
}

enum sshd_kwstatus sshd_kw_status(int kw, int version, unsigned vendors)
{
	const struct sshd_kwrow *k = &sshd_kw[kw];

	if (!(k->vendor & vendors) || !in_release(k->since, k->removed, version))
		return KWS_UNKNOWN;
	if (k->unsupported && version >= k->unsupported)
		return KWS_UNSUPPORTED;
	if (k->deprecated && version >= k->deprecated)
		return KWS_DEPRECATED;
	return KWS_OK;
}

int sshd_kw_lookup(const char *name, int version, unsigned vendors)
{
	for (int i = 0; i < KW_COUNT; i++)
		if (strcasecmp(name, sshd_kw[i].name) == 0 &&
		    sshd_kw_status(i, version, vendors) != KWS_UNKNOWN)
			return i;
	return -ENOENT;
}

bool sshd_alg_known(enum sshd_algcat cat, const char *name, size_t len, int version)
{
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++)
		if (algs[i].cat == cat && strlen(algs[i].name) == len &&
		    memcmp(algs[i].name, name, len) == 0 &&
		    in_release(algs[i].since, algs[i].removed, version))
			return true;
	return false;
}

const char *sshd_alg_at(enum sshd_algcat cat, int version, size_t *i)
{
	for (; *i < ARRAY_SIZE(algs); (*i)++)
		if (algs[*i].cat == cat && in_release(algs[*i].since, algs[*i].removed, version))
			return algs[(*i)++].name;
	return NULL;
}

const char *sshd_alg_default(enum sshd_algdef def, int version, unsigned vendors)
{
	for (size_t i = 0; i < ARRAY_SIZE(algdefs); i++)
		if (algdefs[i].def == def && (algdefs[i].vendor & vendors) &&
		    version >= algdefs[i].from &&
		    (algdefs[i].until == 0 || version <= algdefs[i].until))
			return algdefs[i].list;
	return NULL;
}

int sshd_victim_version(const struct rsc_victim *v)
{
	if (!v || v->ssh.major <= 0)
		return VERSION_NEWEST;
	return v->ssh.major * 100 + (v->ssh.minor >= 0 && v->ssh.minor < 100 ? v->ssh.minor : 0);
}

unsigned sshd_victim_vendors(const struct rsc_victim *v)
{
	static const unsigned family_vendors[] = {
		[RSC_OS_UNKNOWN] = V_ALL | V_GSSKEX | V_DEBIAN | V_RHEL,
		[RSC_OS_DEBIAN] = V_ALL | V_GSSKEX | V_DEBIAN,
		[RSC_OS_RHEL] = V_ALL | V_GSSKEX | V_RHEL,
		[RSC_OS_SUSE] = V_ALL | V_GSSKEX,
		[RSC_OS_ARCH] = V_ALL,
		[RSC_OS_ALPINE] = V_ALL,
	};

	if (!v || (size_t)v->family >= ARRAY_SIZE(family_vendors))
		return family_vendors[RSC_OS_UNKNOWN];
	return family_vendors[v->family];
}
