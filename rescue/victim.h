/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * victim.h - the model of the victim, read once from its own files and
 * shared by every check: accounts (/etc/passwd, /etc/group, /etc/shadow —
 * never the helper's NSS), OS identity (os-release), the OpenSSH version and
 * flavour, UID_MIN from login.defs, and the victim's sshd_config (parsed
 * once by sshdcfg.c; the global settings the access checks need are
 * copied into struct rsc_sshd_settings).
 */
#ifndef RSC_VICTIM_H
#define RSC_VICTIM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct rsc_root;
struct sshd_config;
struct vic_index;

struct rsc_user {
	char *name;
	uid_t uid;
	gid_t gid;
	char *gecos;
	char *home;
	char *shell;
	bool has_shadow;      /* a line in /etc/shadow */
	char *hash;	      /* shadow password field ("!", "*", "$y$…"), NULL without shadow */
	long expire_day;      /* shadow field 8, days since epoch, -1 if empty */
	unsigned long lineno; /* line in /etc/passwd */
};

struct rsc_group {
	char *name;
	gid_t gid;
	char **members; /* supplementary members, NULL-terminated */
	size_t nmembers;
};

enum rsc_os_family {
	RSC_OS_UNKNOWN,
	RSC_OS_DEBIAN, /* debian, ubuntu and ID_LIKE=debian */
	RSC_OS_RHEL,   /* rhel, fedora, centos, rocky, alma, amzn; ID_LIKE rhel/fedora */
	RSC_OS_SUSE,
	RSC_OS_ARCH,
	RSC_OS_ALPINE,
};

struct rsc_sshver {
	int major; /* 0 when unknown */
	int minor;
	int portable;	    /* the N of "pN", 0 if none */
	char *text;	    /* "9.2p1" */
	char *package;	    /* dpkg/rpm version "1:9.2p1-2+deb12u3", may be NULL */
	const char *source; /* "dpkg", "rpm", "binary" or NULL when unknown */
};

/* The effective global settings of sshd_config the access checks use. */
struct rsc_sshd_settings {
	char **authorized_keys_files; /* NULL-terminated, unexpanded (%h/%u/%U/%%) */
	size_t n_authorized_keys_files;
	bool strict_modes;	    /* default yes */
	bool pubkey_authentication; /* default yes */
	bool config_found;	    /* /etc/ssh/sshd_config exists */
};

struct rsc_victim {
	struct rsc_root *root; /* borrowed */
	struct rsc_user *users;
	size_t nusers;
	struct rsc_group *groups;
	size_t ngroups;
	bool has_passwd, has_group, has_shadow;

	char *os_id, *os_id_like, *os_version_id, *os_pretty_name;
	enum rsc_os_family family;

	struct rsc_sshver ssh;
	struct rsc_sshd_settings sshd;
	struct sshd_config *sshdcfg; /* the whole parsed configuration (sshdcfg.h) */
	unsigned long uid_min;	     /* login.defs UID_MIN, 1000 by default */

	/* "etc/passwd:12: malformed line" — what could not be parsed, escaped */
	char **notes;
	size_t nnotes;

	struct vic_index *idx; /* lookup indexes of users and groups (victim_index.c), private */
};

/*
 * Load the model from root. A missing /etc/group or /etc/shadow is fine
 * (noted); a missing /etc/passwd is -ENOENT. Caller frees with
 * rsc_victim_free(). Returns 0 or -errno.
 */
int rsc_victim_load(struct rsc_root *root, struct rsc_victim **out);
void rsc_victim_free(struct rsc_victim *v);

/*
 * The first user (group) of a name, uid (gid) in the victim's files, NULL if none; borrowed
 * from v. Hash lookups for what the parsers added (victim_index.c).
 */
const struct rsc_user *rsc_victim_user_by_name(const struct rsc_victim *v, const char *name);
const struct rsc_user *rsc_victim_user_by_uid(const struct rsc_victim *v, uid_t uid);
const struct rsc_group *rsc_victim_group_by_gid(const struct rsc_victim *v, gid_t gid);
const struct rsc_group *rsc_victim_group_by_name(const struct rsc_victim *v, const char *name);
/*
 * How many users have gid as their primary group; *only_uid is their uid when they all
 * have the same one, (uid_t)-1 otherwise (or when there is none).
 */
size_t rsc_victim_gid_users(const struct rsc_victim *v, gid_t gid, uid_t *only_uid);
/* Primary group or supplementary membership (by name in /etc/group). */
bool rsc_victim_user_in_group(const struct rsc_victim *v, const struct rsc_user *u, gid_t gid);

/*
 * The names of the groups user belongs to in the victim (primary first,
 * then memberships), for Match Group: *out is a NULL-terminated array of
 * borrowed names, NULL when the user does not exist; caller frees the
 * array only. 0 or -ENOMEM.
 */
int rsc_victim_user_groups(const struct rsc_victim *v, const char *user, const char ***out);

/*
 * The AuthorizedKeysFile patterns sshd uses for user u (Match User and
 * Group blocks applied; the client's address is not known, so Match
 * Address/Host blocks do not apply), "~" expanded, unexpanded %-tokens.
 * *out is NULL-terminated with *n entries; free each and the array.
 * 0 or -ENOMEM.
 */
int rsc_victim_user_akf(const struct rsc_victim *v, const struct rsc_user *u, char ***out,
			size_t *n);
/* Whether PubkeyAuthentication is on for u (Match blocks applied like rsc_victim_user_akf). */
bool rsc_victim_user_pubkey(const struct rsc_victim *v, const struct rsc_user *u);

/*
 * Compare the victim's OpenSSH version with major.minor: <0, 0, >0.
 * An unknown version compares as the newest release we know (so rules
 * default to current upstream behaviour).
 */
int rsc_victim_ssh_cmp(const struct rsc_victim *v, int major, int minor);

/*
 * Expand an AuthorizedKeysFile pattern for u like sshd does: %% %h %u %U,
 * and a relative result is taken relative to the home. *out caller frees.
 * -EINVAL on an unknown %-token.
 */
int rsc_victim_expand_akf(const struct rsc_user *u, const char *pattern, char **out);

/* Parsers of the raw files, separate so they can be fuzzed. They append to v. */
int rsc_parse_passwd(struct rsc_victim *v, const char *data, size_t len);
int rsc_parse_group(struct rsc_victim *v, const char *data, size_t len);
int rsc_parse_shadow(struct rsc_victim *v, const char *data, size_t len);
int rsc_parse_os_release(struct rsc_victim *v, const char *data, size_t len);
/* Parse "9.2p1" style text (also "OpenSSH_9.2p1 Debian-2+deb12u3"); 0 or -EINVAL. */
int rsc_parse_sshver(const char *text, struct rsc_sshver *out);

#endif
