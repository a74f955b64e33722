/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * victim_int.h - private to the victim model (victim.c, victim_accounts.c,
 * victim_sshd.c): the helpers those files share. Not for checks or fixes;
 * they use victim.h.
 */
#ifndef RSC_VICTIM_INT_H
#define RSC_VICTIM_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <sys/types.h>

#include "hmap.h"
#include "util.h"
#include "victim.h"

#define FILE_PASSWD   "/etc/passwd"
#define FILE_GROUP    "/etc/group"
#define FILE_SHADOW   "/etc/shadow"
#define LINE_MAX_LEN  65536u	   /* longer account lines are refused */
#define UID_MAX_VALID 4294967294UL /* (uid_t)-1 is "no uid" */

/*
 * Room for one more element in an array of n elements of size bytes that
 * only this model grows: the capacity is implied by the count (8, then
 * doubling). 0 or -ENOMEM.
 */
int vic_grow(void *arrayp, size_t n, size_t size);

/* A NULL-terminated string list (v stays NULL until something is added). */
struct vic_strv {
	char **v;
	size_t n, cap;
};

/* Append str, which the list then owns. 0 or -ENOMEM (str stays the caller's). */
int vic_strv_push(struct vic_strv *s, char *str);
/* Append a copy of str. 0 or -ENOMEM. */
int vic_strv_pushdup(struct vic_strv *s, const char *str);
void vic_strv_free(struct vic_strv *s);

/*
 * Add a note to v->notes (at most a thousand, then one "further ..." note).
 * Notes must not quote victim bytes. 0 or -ENOMEM.
 */
int vic_note(struct rsc_victim *v, const char *fmt, ...) _printf_(2, 3);
/* Is the list of notes full (its last one says further lines are not listed)? */
bool vic_notes_full(const struct rsc_victim *v);

/* Next line of [*p, end) without its '\n': true and [*line, *line + *len), false at the end. */
bool vic_next_line(const char **p, const char *end, const char **line, size_t *len);

/* victim_accounts.c: free v->users and v->groups with everything they own, and v->idx. */
void vic_free_accounts(struct rsc_victim *v);

/*
 * victim_index.c: index the users (groups) of v not yet indexed: their names, uids (gids)
 * and primary groups; the parsers call it after each entry they add. 0 or -ENOMEM.
 */
int vic_index_users(struct rsc_victim *v);
int vic_index_groups(struct rsc_victim *v);
/* Sort the member lists of all of v's groups (after a group file was read). 0 or -ENOMEM. */
int vic_index_members(struct rsc_victim *v);
/* Index of the first user (group) named name in v->users (v->groups), -1 if none. */
ssize_t vic_user_index(const struct rsc_victim *v, const char *name);
ssize_t vic_group_index(const struct rsc_victim *v, const char *name);
/*
 * Whether a group of gid lists name as a member; *found false when the members are not
 * sorted (the caller searches linearly then).
 */
bool vic_in_group(const struct rsc_victim *v, const char *name, gid_t gid, bool *found);
/*
 * The names of the first max groups, in file order, whose gid is u's or that list u, into
 * g (borrowed), *n of them; *found false when the members are not sorted. Returns 0.
 */
int vic_user_groups(const struct rsc_victim *v, const struct rsc_user *u, const char **g,
		    size_t max, size_t *n, bool *found);
void vic_free_index(struct rsc_victim *v);

/*
 * victim_sshd.c: parse the victim's /etc/ssh/sshd_config into v->sshdcfg
 * (judged by the victim's OpenSSH version) and fill v->sshd from its
 * effective global settings. A missing or broken file leaves the defaults.
 * 0 or -ENOMEM.
 */
int vic_load_sshd(struct rsc_victim *v);
void vic_free_sshd(struct rsc_victim *v);

#endif
