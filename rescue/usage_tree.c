// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * usage_tree.c - the directory tree the usage scanners fill: one small record
 * per directory (32 bytes) and its name in a pool, the largest files in a
 * short sorted list; then the roll-up (children into parents, breadth-first
 * from the root, so a damaged tree with loops or orphans cannot hang it) and
 * the top lists with their paths. Also the progress bar.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "usageP.h"
#include "util.h"

int ut_init(struct ut_tree *t, unsigned top)
{
	memset(t, 0, sizeof(*t));
	t->top = top ? top : RSC_USAGE_TOP_DEFAULT;
	if (t->top > RSC_USAGE_TOP_MAX)
		t->top = RSC_USAGE_TOP_MAX;
	t->files = calloc(t->top, sizeof(*t->files));
	return t->files ? 0 : -ENOMEM;
}

void ut_free(struct ut_tree *t)
{
	free(t->dirs);
	free(t->names);
	free(t->files);
	memset(t, 0, sizeof(*t));
}

long ut_add_dir(struct ut_tree *t, uint32_t key, uint64_t bytes)
{
	if (t->ndirs >= UT_NONE - 1)
		return -ENOMEM;
	if (t->ndirs == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		struct ut_dir *d = reallocarray(t->dirs, cap, sizeof(*d));

		if (!d)
			return -ENOMEM;
		t->dirs = d;
		t->cap = cap;
	}
	t->dirs[t->ndirs] =
		(struct ut_dir){ .key = key, .parent = UT_NONE, .bytes = bytes, .inodes = 1 };
	return (long)t->ndirs++;
}

int ut_set_parent(struct ut_tree *t, uint32_t dir, uint32_t parent, const char *name, size_t len)
{
	struct ut_dir *d = &t->dirs[dir];

	if (d->parent != UT_NONE || len > 255)
		return -EEXIST;
	if (t->names_len + len > t->names_cap) {
		size_t cap = t->names_cap ? t->names_cap * 2 : 16384;
		char *n;

		while (cap < t->names_len + len)
			cap *= 2;
		if (cap > UINT32_MAX)
			return -ENOMEM;
		n = realloc(t->names, cap);
		if (!n)
			return -ENOMEM;
		t->names = n;
		t->names_cap = cap;
	}
	memcpy(t->names + t->names_len, name, len);
	d->name_off = (uint32_t)t->names_len;
	d->name_len = (uint8_t)len;
	t->names_len += len;
	d->parent = parent;
	return 0;
}

void ut_add_file(struct ut_tree *t, uint32_t dir, const char *name, size_t len, uint64_t bytes)
{
	size_t i;

	t->dirs[dir].bytes = ut_sat_add(t->dirs[dir].bytes, bytes);
	t->dirs[dir].inodes++;
	if (bytes == 0 || len > 255 || (t->nfiles == t->top && t->files[t->top - 1].bytes >= bytes))
		return;
	i = t->nfiles < t->top ? t->nfiles++ : t->top - 1;
	while (i > 0 && t->files[i - 1].bytes < bytes) {
		t->files[i] = t->files[i - 1];
		i--;
	}
	t->files[i].dir = dir;
	t->files[i].bytes = bytes;
	t->files[i].name_len = (uint8_t)len;
	memcpy(t->files[i].name, name, len);
}

uint32_t ut_find(const struct ut_tree *t, uint32_t key)
{
	size_t lo = 0, hi = t->ndirs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->dirs[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->ndirs && t->dirs[lo].key == key ? (uint32_t)lo : UT_NONE;
}

/* "/a/b/c" of dir (reached from root: its parent chain ends there), plus "/name" if given. */
static char *dir_path(const struct ut_tree *t, uint32_t root, uint32_t dir, const char *name,
		      size_t nlen)
{
	_cleanup_free_ uint32_t *chain = NULL;
	struct rsc_buf b = { 0 };
	size_t depth = 0, k = 0;
	int r = 0;

	for (uint32_t d = dir; d != root && depth < t->ndirs; d = t->dirs[d].parent)
		depth++;
	chain = malloc((depth ? depth : 1) * sizeof(*chain));
	if (!chain)
		return NULL;
	for (uint32_t d = dir; k < depth; d = t->dirs[d].parent)
		chain[k++] = d;
	while (r == 0 && k-- > 0) {
		const struct ut_dir *d = &t->dirs[chain[k]];

		r = rsc_buf_adds(&b, "/");
		if (r == 0)
			r = rsc_buf_add(&b, t->names + d->name_off, d->name_len);
	}
	if (r == 0 && name) {
		r = rsc_buf_adds(&b, "/");
		if (r == 0)
			r = rsc_buf_add(&b, name, nlen);
	}
	if (r == 0 && b.len == 0)
		r = rsc_buf_adds(&b, "/");
	if (r < 0) {
		rsc_buf_free(&b);
		return NULL;
	}
	return rsc_buf_steal(&b);
}

/* Insert idx into the n-of-cap list ord[] sorted by key (descending). */
static void top_offer(uint32_t *ord, size_t *n, size_t cap, const struct ut_dir *dirs, uint32_t idx,
		      bool by_inodes)
{
	uint64_t v = by_inodes ? dirs[idx].inodes : dirs[idx].bytes;
	size_t i;

#define KEY(j) (by_inodes ? dirs[ord[j]].inodes : dirs[ord[j]].bytes)
	if (*n == cap && KEY(cap - 1) >= v)
		return;
	i = *n < cap ? (*n)++ : cap - 1;
	while (i > 0 && KEY(i - 1) < v) {
		ord[i] = ord[i - 1];
		i--;
	}
	ord[i] = idx;
#undef KEY
}

static int fill_items(const struct ut_tree *t, uint32_t root, const uint32_t *ord, size_t n,
		      struct rsc_usage_item **out, size_t *nout)
{
	struct rsc_usage_item *it = calloc(n ? n : 1, sizeof(*it));

	if (!it)
		return -ENOMEM;
	*out = it;
	for (size_t i = 0; i < n; i++) {
		it[i].path = dir_path(t, root, ord[i], NULL, 0);
		if (!it[i].path)
			return -ENOMEM;
		it[i].bytes = t->dirs[ord[i]].bytes;
		it[i].inodes = t->dirs[ord[i]].inodes;
		*nout = i + 1;
	}
	return 0;
}

int ut_finish(struct ut_tree *t, uint32_t root, struct rsc_usage *u)
{
	_cleanup_free_ uint32_t *first = NULL, *next = NULL, *order = NULL;
	_cleanup_free_ uint32_t *tb = NULL, *ti = NULL;
	size_t n = 0, head = 0, nb = 0, ni = 0, nf = 0;
	int r;

	if (root >= t->ndirs)
		return -EUCLEAN;
	first = malloc(t->ndirs * sizeof(*first));
	next = malloc(t->ndirs * sizeof(*next));
	order = malloc(t->ndirs * sizeof(*order));
	tb = malloc(t->top * sizeof(*tb));
	ti = malloc(t->top * sizeof(*ti));
	if (!first || !next || !order || !tb || !ti)
		return -ENOMEM;
	memset(first, 0xff, t->ndirs * sizeof(*first));
	for (uint32_t i = 0; i < t->ndirs; i++) {
		uint32_t p = t->dirs[i].parent;

		next[i] = UT_NONE;
		if (i == root || p >= t->ndirs)
			continue;
		next[i] = first[p];
		first[p] = i;
	}
	/* breadth-first from the root: each directory once, whatever the parents say */
	order[n++] = root;
	while (head < n) {
		for (uint32_t c = first[order[head]]; c != UT_NONE; c = next[c])
			order[n++] = c;
		head++;
	}
	for (size_t i = n; i-- > 1;) {
		const struct ut_dir *d = &t->dirs[order[i]];

		t->dirs[d->parent].bytes = ut_sat_add(t->dirs[d->parent].bytes, d->bytes);
		t->dirs[d->parent].inodes = ut_sat_add(t->dirs[d->parent].inodes, d->inodes);
	}
	u->bytes = t->dirs[root].bytes;
	u->inodes = t->dirs[root].inodes;
	u->dirs = n;
	for (size_t i = 1; i < n; i++) {
		top_offer(tb, &nb, t->top, t->dirs, order[i], false);
		top_offer(ti, &ni, t->top, t->dirs, order[i], true);
	}
	r = fill_items(t, root, tb, nb, &u->top_bytes, &u->ntop_bytes);
	if (r == 0)
		r = fill_items(t, root, ti, ni, &u->top_inodes, &u->ntop_inodes);
	if (r < 0)
		return r;
	u->top_files = calloc(t->nfiles ? t->nfiles : 1, sizeof(*u->top_files));
	if (!u->top_files)
		return -ENOMEM;
	/* a file in a directory never reached from the root is not listed */
	for (size_t i = 0; i < t->nfiles; i++) {
		const struct ut_file *f = &t->files[i];
		bool reached = false;

		for (uint32_t d = f->dir, k = 0; k <= n && d < t->ndirs; d = t->dirs[d].parent, k++)
			if (d == root) {
				reached = true;
				break;
			}
		if (!reached)
			continue;
		u->top_files[nf].path = dir_path(t, root, f->dir, f->name, f->name_len);
		if (!u->top_files[nf].path)
			return -ENOMEM;
		u->top_files[nf].bytes = f->bytes;
		u->top_files[nf].inodes = 1;
		u->ntop_files = ++nf;
	}
	return 0;
}

void rsc_usage_free(struct rsc_usage *u)
{
	struct rsc_usage_item *lists[] = { u->top_bytes, u->top_inodes, u->top_files };
	size_t counts[] = { u->ntop_bytes, u->ntop_inodes, u->ntop_files };

	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		for (size_t i = 0; lists[l] && i < counts[l]; i++)
			free(lists[l][i].path);
		free(lists[l]);
	}
	memset(u, 0, sizeof(*u));
}

double ut_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ut_progress_start(struct ut_progress *p, FILE *out)
{
	p->out = out;
	p->start = p->last = ut_now();
	p->drawn = false;
}

void ut_progress(struct ut_progress *p, const char *what, uint64_t done, uint64_t total)
{
	char bar[41];
	double now;
	unsigned fill;

	if (!p->out || total == 0)
		return;
	now = ut_now();
	if (now - p->start < 1.0 || now - p->last < 0.1)
		return;
	p->last = now;
	if (done > total)
		done = total;
	fill = (unsigned)(done * 40 / total);
	memset(bar, '#', fill);
	memset(bar + fill, '.', 40 - fill);
	bar[40] = '\0';
	fprintf(p->out, "\r%-28s [%s] %3u%%", what, bar, (unsigned)(done * 100 / total));
	fflush(p->out);
	p->drawn = true;
}

void ut_progress_end(struct ut_progress *p)
{
	if (p->out && p->drawn) {
		fprintf(p->out, "\r%80s\r", "");
		fflush(p->out);
	}
	p->drawn = false;
}
