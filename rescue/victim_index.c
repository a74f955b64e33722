// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * victim_index.c - the lookup indexes of the victim's accounts behind
 * rsc_victim_user_by_name() & co. A hostile passwd holds hundreds of
 * thousands of users and every check asks about each of them: a linear
 * search per question made `check` quadratic (30,000 users took two
 * minutes). The parsers keep these indexes as they add entries (the first
 * entry of a name, uid or gid wins, as in the linear search); the group
 * memberships are sorted once a group file is read. A victim whose arrays
 * were filled some other way is searched linearly (the indexes cover only
 * what was added through them).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "victim_int.h"

/* Users whose primary group is gid: how many, and their uid when it is only one. */
struct vic_gid_users {
	gid_t gid;
	uid_t uid; /* (uid_t)-1 once two of them differ */
	size_t count;
};

/* One name in the member list of a group. */
struct vic_member {
	const char *name; /* borrowed from the group */
	gid_t gid;
	size_t group;
};

struct vic_index {
	size_t nusers, ngroups;	   /* the entries of v->users and v->groups indexed */
	struct rsc_hmap user_name; /* first user of each name */
	struct rsc_hmap user_uid;  /* first user of each uid */
	struct rsc_hmap group_name, group_gid;
	struct rsc_hmap gid_users; /* gid -> gid_users[] */
	struct vic_gid_users *gid_user;
	size_t ngid_users;
	/* sorted when a group file was read; cover the first members_ngroups groups */
	size_t members_ngroups;
	size_t *groups_by_gid;	    /* group indexes by (gid, index) */
	struct vic_member *by_name; /* by (name, group) */
	struct vic_member *by_gid;  /* by (name, gid, group) */
	size_t nmembers;
};

static uint64_t hash_name(const char *s)
{
	return rsc_hash_str(rsc_hash_init(), s);
}

static uint64_t hash_id(unsigned long id)
{
	return rsc_hash_u64(rsc_hash_init(), id);
}

static struct vic_index *get_index(struct rsc_victim *v)
{
	if (!v->idx)
		v->idx = calloc(1, sizeof(*v->idx));
	return v->idx;
}

static bool user_indexed(const struct rsc_victim *v)
{
	return v->idx && v->idx->nusers == v->nusers;
}

static bool group_indexed(const struct rsc_victim *v)
{
	return v->idx && v->idx->ngroups == v->ngroups;
}

static ssize_t find_user_name(const struct vic_index *x, const struct rsc_victim *v,
			      const char *name)
{
	uint64_t h = hash_name(name);
	size_t pos = 0, i;

	while (rsc_hmap_next(&x->user_name, h, &pos, &i))
		if (strcmp(v->users[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

static ssize_t find_user_uid(const struct vic_index *x, const struct rsc_victim *v, uid_t uid)
{
	uint64_t h = hash_id(uid);
	size_t pos = 0, i;

	while (rsc_hmap_next(&x->user_uid, h, &pos, &i))
		if (v->users[i].uid == uid)
			return (ssize_t)i;
	return -1;
}

static ssize_t find_group_name(const struct vic_index *x, const struct rsc_victim *v,
			       const char *name)
{
	uint64_t h = hash_name(name);
	size_t pos = 0, i;

	while (rsc_hmap_next(&x->group_name, h, &pos, &i))
		if (strcmp(v->groups[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

static ssize_t find_group_gid(const struct vic_index *x, const struct rsc_victim *v, gid_t gid)
{
	uint64_t h = hash_id(gid);
	size_t pos = 0, i;

	while (rsc_hmap_next(&x->group_gid, h, &pos, &i))
		if (v->groups[i].gid == gid)
			return (ssize_t)i;
	return -1;
}

static struct vic_gid_users *find_gid_users(const struct vic_index *x, gid_t gid)
{
	uint64_t h = hash_id(gid);
	size_t pos = 0, i;

	while (rsc_hmap_next(&x->gid_users, h, &pos, &i))
		if (x->gid_user[i].gid == gid)
			return &x->gid_user[i];
	return NULL;
}

static int add_gid_user(struct vic_index *x, const struct rsc_user *u)
{
	struct vic_gid_users *g = find_gid_users(x, u->gid);
	int r;

	if (g) {
		if (g->uid != u->uid)
			g->uid = (uid_t)-1;
		g->count++;
		return 0;
	}
	r = vic_grow(&x->gid_user, x->ngid_users, sizeof(*x->gid_user));
	if (r == 0)
		r = rsc_hmap_add(&x->gid_users, hash_id(u->gid), x->ngid_users);
	if (r < 0)
		return r;
	x->gid_user[x->ngid_users++] =
		(struct vic_gid_users){ .gid = u->gid, .uid = u->uid, .count = 1 };
	return 0;
}

int vic_index_users(struct rsc_victim *v)
{
	struct vic_index *x = get_index(v);
	int r = 0;

	if (!x)
		return -ENOMEM;
	for (; x->nusers < v->nusers; x->nusers++) {
		const struct rsc_user *u = &v->users[x->nusers];

		if (find_user_name(x, v, u->name) < 0)
			r = rsc_hmap_add(&x->user_name, hash_name(u->name), x->nusers);
		if (r == 0 && find_user_uid(x, v, u->uid) < 0)
			r = rsc_hmap_add(&x->user_uid, hash_id(u->uid), x->nusers);
		if (r == 0)
			r = add_gid_user(x, u);
		if (r < 0)
			return r; /* this user is not counted: the next call adds it again */
	}
	return 0;
}

int vic_index_groups(struct rsc_victim *v)
{
	struct vic_index *x = get_index(v);
	int r = 0;

	if (!x)
		return -ENOMEM;
	for (; x->ngroups < v->ngroups; x->ngroups++) {
		const struct rsc_group *g = &v->groups[x->ngroups];

		if (find_group_name(x, v, g->name) < 0)
			r = rsc_hmap_add(&x->group_name, hash_name(g->name), x->ngroups);
		if (r == 0 && find_group_gid(x, v, g->gid) < 0)
			r = rsc_hmap_add(&x->group_gid, hash_id(g->gid), x->ngroups);
		if (r < 0)
			return r;
	}
	return 0;
}

ssize_t vic_user_index(const struct rsc_victim *v, const char *name)
{
	if (!v || !name)
		return -1;
	if (user_indexed(v))
		return find_user_name(v->idx, v, name);
	for (size_t i = 0; i < v->nusers; i++)
		if (strcmp(v->users[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

ssize_t vic_group_index(const struct rsc_victim *v, const char *name)
{
	if (!v || !name)
		return -1;
	if (group_indexed(v))
		return find_group_name(v->idx, v, name);
	for (size_t i = 0; i < v->ngroups; i++)
		if (strcmp(v->groups[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

/* ---- the group memberships, sorted ---- */

static const struct rsc_victim *sort_v; /* for the comparators of qsort */

static int cmp_group_gid(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	gid_t gx = sort_v->groups[x].gid, gy = sort_v->groups[y].gid;

	if (gx != gy)
		return gx < gy ? -1 : 1;
	return x < y ? -1 : (x > y);
}

static int cmp_member_group(const void *a, const void *b)
{
	const struct vic_member *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->group < y->group ? -1 : (x->group > y->group);
}

static int cmp_member_gid(const void *a, const void *b)
{
	const struct vic_member *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->gid != y->gid)
		return x->gid < y->gid ? -1 : 1;
	return x->group < y->group ? -1 : (x->group > y->group);
}

static void free_members(struct vic_index *x)
{
	free(x->groups_by_gid);
	free(x->by_name);
	free(x->by_gid);
	x->groups_by_gid = NULL;
	x->by_name = x->by_gid = NULL;
	x->nmembers = x->members_ngroups = 0;
}

int vic_index_members(struct rsc_victim *v)
{
	struct vic_index *x = get_index(v);
	size_t n = 0, k = 0;

	if (!x)
		return -ENOMEM;
	free_members(x);
	for (size_t i = 0; i < v->ngroups; i++)
		n += v->groups[i].nmembers;
	x->groups_by_gid = calloc(v->ngroups ? v->ngroups : 1, sizeof(*x->groups_by_gid));
	x->by_name = calloc(n ? n : 1, sizeof(*x->by_name));
	x->by_gid = calloc(n ? n : 1, sizeof(*x->by_gid));
	if (!x->groups_by_gid || !x->by_name || !x->by_gid) {
		free_members(x);
		return -ENOMEM;
	}
	for (size_t i = 0; i < v->ngroups; i++) {
		x->groups_by_gid[i] = i;
		for (size_t m = 0; m < v->groups[i].nmembers; m++)
			x->by_name[k++] = (struct vic_member){ .name = v->groups[i].members[m],
							       .gid = v->groups[i].gid,
							       .group = i };
	}
	memcpy(x->by_gid, x->by_name, n * sizeof(*x->by_gid));
	sort_v = v;
	if (v->ngroups)
		qsort(x->groups_by_gid, v->ngroups, sizeof(*x->groups_by_gid), cmp_group_gid);
	sort_v = NULL;
	if (n) {
		qsort(x->by_name, n, sizeof(*x->by_name), cmp_member_group);
		qsort(x->by_gid, n, sizeof(*x->by_gid), cmp_member_gid);
	}
	x->nmembers = n;
	x->members_ngroups = v->ngroups;
	return 0;
}

static bool members_sorted(const struct rsc_victim *v)
{
	return v->idx && v->idx->members_ngroups == v->ngroups && v->idx->groups_by_gid;
}

/* The first element of a (sorted) that is not less than key: lower bound. */
static size_t lower_bound(const void *a, size_t n, size_t size, const void *key,
			  int (*cmp)(const void *, const void *))
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp((const char *)a + mid * size, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_group_gid_key(const void *a, const void *key)
{
	gid_t g = sort_v->groups[*(const size_t *)a].gid, k = *(const gid_t *)key;

	return g < k ? -1 : (g > k);
}

bool vic_in_group(const struct rsc_victim *v, const char *name, gid_t gid, bool *found)
{
	const struct vic_index *x = v->idx;
	struct vic_member key = { .name = name, .gid = gid, .group = 0 };
	size_t i;

	*found = members_sorted(v);
	if (!*found)
		return false;
	i = lower_bound(x->by_gid, x->nmembers, sizeof(*x->by_gid), &key, cmp_member_gid);
	return i < x->nmembers && x->by_gid[i].gid == gid && strcmp(x->by_gid[i].name, name) == 0;
}

int vic_user_groups(const struct rsc_victim *v, const struct rsc_user *u, const char **g,
		    size_t max, size_t *n, bool *found)
{
	const struct vic_index *x = v->idx;
	struct vic_member key = { .name = u->name, .group = 0 };
	size_t a, b, last = SIZE_MAX;

	*n = 0;
	*found = members_sorted(v);
	if (!*found)
		return 0;
	/* two runs in file order: the groups of gid u->gid, the groups that list u->name */
	sort_v = v;
	a = lower_bound(x->groups_by_gid, v->ngroups, sizeof(size_t), &u->gid, cmp_group_gid_key);
	sort_v = NULL;
	b = lower_bound(x->by_name, x->nmembers, sizeof(*x->by_name), &key, cmp_member_group);
	while (*n < max) {
		bool has_a = a < v->ngroups && v->groups[x->groups_by_gid[a]].gid == u->gid;
		bool has_b = b < x->nmembers && strcmp(x->by_name[b].name, u->name) == 0;
		size_t next;

		if (!has_a && !has_b)
			break;
		if (has_a && (!has_b || x->groups_by_gid[a] <= x->by_name[b].group))
			next = x->groups_by_gid[a++];
		else
			next = x->by_name[b++].group;
		if (next == last)
			continue; /* both runs, or the user listed twice in one group */
		g[(*n)++] = v->groups[next].name;
		last = next;
	}
	return 0;
}

const struct rsc_user *rsc_victim_user_by_name(const struct rsc_victim *v, const char *name)
{
	ssize_t i = vic_user_index(v, name);

	return i < 0 ? NULL : &v->users[i];
}

const struct rsc_user *rsc_victim_user_by_uid(const struct rsc_victim *v, uid_t uid)
{
	ssize_t i = -1;

	if (!v)
		return NULL;
	if (user_indexed(v)) {
		i = find_user_uid(v->idx, v, uid);
	} else {
		for (size_t k = 0; k < v->nusers && i < 0; k++)
			if (v->users[k].uid == uid)
				i = (ssize_t)k;
	}
	return i < 0 ? NULL : &v->users[i];
}

const struct rsc_group *rsc_victim_group_by_gid(const struct rsc_victim *v, gid_t gid)
{
	ssize_t i = -1;

	if (!v)
		return NULL;
	if (group_indexed(v)) {
		i = find_group_gid(v->idx, v, gid);
	} else {
		for (size_t k = 0; k < v->ngroups && i < 0; k++)
			if (v->groups[k].gid == gid)
				i = (ssize_t)k;
	}
	return i < 0 ? NULL : &v->groups[i];
}

const struct rsc_group *rsc_victim_group_by_name(const struct rsc_victim *v, const char *name)
{
	ssize_t i = vic_group_index(v, name);

	return i < 0 ? NULL : &v->groups[i];
}

size_t rsc_victim_gid_users(const struct rsc_victim *v, gid_t gid, uid_t *only_uid)
{
	size_t n = 0;

	*only_uid = (uid_t)-1;
	if (!v)
		return 0;
	if (user_indexed(v)) {
		const struct vic_gid_users *g = find_gid_users(v->idx, gid);

		if (g)
			*only_uid = g->uid;
		return g ? g->count : 0;
	}
	for (size_t i = 0; i < v->nusers; i++) {
		if (v->users[i].gid != gid)
			continue;
		*only_uid = n == 0 || *only_uid == v->users[i].uid ? v->users[i].uid : (uid_t)-1;
		n++;
	}
	return n;
}

void vic_free_index(struct rsc_victim *v)
{
	struct vic_index *x = v->idx;

	if (!x)
		return;
	rsc_hmap_free(&x->user_name);
	rsc_hmap_free(&x->user_uid);
	rsc_hmap_free(&x->group_name);
	rsc_hmap_free(&x->group_gid);
	rsc_hmap_free(&x->gid_users);
	free(x->gid_user);
	free_members(x);
	free(x);
	v->idx = NULL;
}
