// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ldso.c - resolve a program's libraries like the victim's glibc ld.so,
 * inside the victim root: the objects loaded (ld.so's link maps), the
 * breadth-first walk of elf/dl-deps.c, "already loaded" by name, soname or
 * file identity (_dl_map_object, _dl_map_object_from_fd), the program and
 * its interpreter, the result. Where a name is searched: ldso_search.c.
 * See ldso.h for the rules and the one deliberate difference.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "elfinfo.h"
#include "ldso.h"
#include "ldso_int.h"
#include "root.h"
#include "util.h"

int rsc_ldso_new(struct rsc_root *r, struct rsc_ldso **out)
{
	struct rsc_ldso *l = calloc(1, sizeof(*l));

	*out = l;
	if (!l)
		return -ENOMEM;
	l->root = r;
	return 0;
}

void rsc_ldso_free(struct rsc_ldso *l)
{
	if (!l)
		return;
	rsc_ldcache_free(l->cache);
	rsc_strv_free(&l->conf_dirs);
	free(l);
}

static bool ts_after(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/* Read /etc/ld.so.cache and, to judge it, /etc/ld.so.conf; once per resolver. */
static int load_config(struct rsc_ldso *l, bool big_endian)
{
	_cleanup_free_ char *data = NULL;
	struct timespec newest = { 0 };
	struct stat st;
	size_t len = 0;
	int r;

	if (l->loaded)
		return 0;
	l->loaded = true;
	r = rsc_root_read_file(l->root, "/etc/ld.so.cache", RSC_LDCACHE_CAP, 0, &data, &len, &st);
	if (r == -ENOMEM)
		return r;
	if (r == 0) {
		r = rsc_ldcache_parse(data, len, big_endian, &l->cache);
		if (r == -ENOMEM)
			return r;
		l->cache_mtime = st.st_mtim;
	}
	r = rsc_ldconf_read(l->root, "/etc/ld.so.conf", &l->conf_dirs, &newest);
	if (r < 0)
		return r;
	l->conf_dirs_used = !l->cache || ts_after(&newest, &l->cache_mtime);
	return 0;
}

static void obj_clear(struct ldso_obj *o)
{
	free(o->path);
	free(o->origin);
	free(o->detail);
	rsc_strv_free(&o->names);
	rsc_elf_info_clear(&o->elf);
}

/* A new object at the end of rs->o; NULL on ENOMEM. */
static struct ldso_obj *obj_new(struct ldso_resolve *rs, int loader)
{
	struct ldso_obj *o;

	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 16;
		struct ldso_obj *v = reallocarray(rs->o, cap, sizeof(*v));

		if (!v)
			return NULL;
		rs->o = v;
		rs->cap = cap;
	}
	o = &rs->o[rs->n++];
	memset(o, 0, sizeof(*o));
	o->loader = loader;
	return o;
}

/* The objects already loaded that answer to name (ld.so's _dl_name_match_p and soname). */
static int find_loaded(const struct ldso_resolve *rs, const char *name)
{
	for (size_t i = 0; i < rs->n; i++) {
		const struct ldso_obj *o = &rs->o[i];

		if (o->path && strcmp(o->path, name) == 0)
			return (int)i;
		if (o->elf.soname && strcmp(o->elf.soname, name) == 0)
			return (int)i;
		for (size_t k = 0; k < o->names.n; k++)
			if (strcmp(o->names.v[k], name) == 0)
				return (int)i;
	}
	return -1;
}

/* ld.so's _dl_map_object for one DT_NEEDED name of object loader. */
static int map_object(struct ldso_resolve *rs, const char *name, int loader)
{
	struct ldso_tried t = { 0 };
	struct ldso_obj *o = NULL;
	int r, idx;

	if (find_loaded(rs, name) >= 0)
		return 0;
	if (rs->n >= RSC_LDSO_MAX_OBJECTS) {
		rs->capped = true;
		return 0;
	}
	o = obj_new(rs, loader);
	if (!o)
		return -ENOMEM;
	idx = (int)rs->n - 1;
	r = rsc_strv_add(&o->names, name);
	if (r < 0)
		goto out;
	if (strchr(name, '/')) {
		_cleanup_free_ char *path = NULL;

		o->via = RSC_LDSO_VIA_PATH;
		r = rsc_ldso_expand(rs, name, rs->o[loader].origin, &path);
		if (r < 0)
			goto out;
		r = path ? rsc_ldso_try_file(rs, path, o, &t) : CAND_NEXT;
	} else {
		r = rsc_ldso_search(rs, name, loader, o, &t);
	}
	o = &rs->o[idx];
	if (r < 0)
		goto out;
	if (r == CAND_FOUND) {
		/* The same file under another name (ld.so's _dl_file_id_match_p) */
		for (int i = 0; i < idx; i++) {
			if (!rs->o[i].faked && rs->o[i].dev == o->dev && rs->o[i].ino == o->ino &&
			    rs->o[i].path) {
				r = rsc_strv_add(&rs->o[i].names, name);
				obj_clear(o);
				rs->n--;
				goto out;
			}
		}
		r = 0;
		goto out;
	}
	o->faked = true;
	if (r == CAND_NEXT) {
		o->via = RSC_LDSO_VIA_NONE;
		o->problems = RSC_LDSO_MISSING | t.problems;
		if (t.why.len)
			o->detail = rsc_buf_steal(&t.why);
	}
	r = 0;
out:
	rsc_buf_free(&t.why);
	return r;
}

/* Open the program itself: no architecture to compare with yet. */
static int load_program(struct ldso_resolve *rs, const char *path, struct rsc_ldso_result *res)
{
	struct rsc_root *root = rs->l->root;
	struct ldso_obj *o = &rs->o[0];
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *canon = NULL;
	struct stat st;
	int r;

	fd = rsc_root_open_ro(root, path, O_CLOEXEC, 0);
	if (fd < 0) {
		_cleanup_free_ char *target = NULL;

		res->problems = RSC_LDSO_MISSING;
		if (fd == -ENOENT && rsc_root_stat(root, path, &st, RSC_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode)) {
			res->problems |= RSC_LDSO_DANGLING;
			if (rsc_root_readlink(root, path, &target) == -ENOMEM)
				return -ENOMEM;
			_cleanup_free_ char *e = rsc_escape(target ? target : "?");

			if (asprintf(&res->detail, "a dangling symlink (to %s)", e ? e : "?") < 0)
				return -ENOMEM;
		} else if (fd != -ENOENT && fd != -ENOTDIR) {
			res->problems = RSC_LDSO_UNREADABLE;
			if (asprintf(&res->detail, "%s", strerror(-fd)) < 0)
				return -ENOMEM;
		}
		return 0;
	}
	if (fstat(fd, &st) < 0)
		return -errno;
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	r = rsc_elf_read_fd(fd, &o->elf);
	if (r == -ENOMEM)
		return r;
	if (r == 0 && o->elf.status == RSC_ELF_OK && o->elf.type != ET_DYN &&
	    o->elf.type != ET_EXEC) {
		o->elf.status = RSC_ELF_BAD;
		snprintf(o->elf.why, sizeof(o->elf.why), "ELF type %u is not a program or library",
			 o->elf.type);
	}
	if (r < 0 || o->elf.status != RSC_ELF_OK) {
		res->problems = r < 0				     ? RSC_LDSO_UNREADABLE
				: o->elf.status == RSC_ELF_EMPTY     ? RSC_LDSO_EMPTY
				: o->elf.status == RSC_ELF_TRUNCATED ? RSC_LDSO_TRUNCATED
								     : RSC_LDSO_NOT_ELF;
		if (asprintf(&res->detail, "%s", r < 0 ? strerror(-r) : o->elf.why) < 0)
			return -ENOMEM;
		return 0;
	}
	/* $ORIGIN of a program started by the kernel comes from /proc/self/exe: canonical. */
	r = rsc_root_realpath(root, path, &canon);
	if (r == -ENOMEM)
		return r;
	o->path = strdup(path);
	o->origin = rsc_ldso_dir_of(canon ? canon : path);
	if (!o->path || !o->origin)
		return -ENOMEM;
	res->elfclass = o->elf.elfclass;
	res->machine = o->elf.machine;
	/* ld.so --list: "statically linked" when the program needs nothing */
	res->is_static = o->elf.n_needed == 0;
	return 0;
}

/* The program's interpreter, or for a library the usual one of its architecture (implied). */
static int load_interp(struct ldso_resolve *rs, struct rsc_ldso_result *res)
{
	const char *interp = rs->o[0].elf.interp;
	bool implied = !interp;
	struct ldso_tried t = { 0 };
	struct ldso_obj *o;
	int r;

	if (implied)
		interp = rs->arch->interp;
	if (!interp)
		return 0;
	res->interp = strdup(interp);
	if (!res->interp)
		return -ENOMEM;
	res->interp_implied = implied;
	o = obj_new(rs, -1);
	if (!o)
		return -ENOMEM;
	r = rsc_strv_add(&o->names, interp);
	if (r == 0)
		r = rsc_ldso_try_file(rs, interp, o, &t);
	o = &rs->o[rs->n - 1];
	if (r == CAND_FOUND) {
		o->via = RSC_LDSO_VIA_INTERP;
		rs->interp = (int)rs->n - 1;
		r = 0;
	} else if (r >= 0) {
		if (!implied) {
			res->interp_problems =
				r == CAND_STOP ? o->problems : RSC_LDSO_MISSING | t.problems;
			res->interp_detail =
				r == CAND_STOP ? TAKE_PTR(o->detail) : rsc_buf_steal(&t.why);
		} else {
			free(res->interp);
			res->interp = NULL;
		}
		obj_clear(o);
		rs->n--;
		r = 0;
	}
	rsc_buf_free(&t.why);
	return r;
}

static int make_result(struct ldso_resolve *rs, struct rsc_ldso_result *res)
{
	_cleanup_free_ int *entry_of = calloc(rs->n ? rs->n : 1, sizeof(int));
	size_t n = 0;

	if (!entry_of)
		return -ENOMEM;
	res->entries = calloc(rs->n ? rs->n : 1, sizeof(*res->entries));
	if (!res->entries)
		return -ENOMEM;
	for (size_t i = 0; i < rs->n; i++) {
		struct ldso_obj *o = &rs->o[i];
		struct rsc_ldso_entry *e;

		entry_of[i] = -1;
		if (i == 0 || (int)i == rs->interp)
			continue;
		e = &res->entries[n];
		entry_of[i] = (int)n++;
		e->name = strdup(o->names.v[0]);
		if (!e->name)
			return -ENOMEM;
		e->path = TAKE_PTR(o->path);
		e->detail = TAKE_PTR(o->detail);
		e->needed_by = o->loader >= 0 ? entry_of[o->loader] : -1;
		e->via = o->via;
		e->problems = o->problems;
		e->elfclass = o->elf.elfclass;
		e->machine = o->elf.machine;
		res->n_entries = n;
	}
	res->capped = rs->capped;
	return 0;
}

int rsc_ldso_resolve(struct rsc_ldso *l, const char *path, struct rsc_ldso_result **out)
{
	struct ldso_resolve rs = { .l = l, .interp = -1 };
	struct rsc_ldso_result *res = calloc(1, sizeof(*res));
	struct stat st;
	int r = -ENOMEM;

	*out = NULL;
	if (!res)
		return -ENOMEM;
	res->program = strdup(path);
	if (!res->program || !obj_new(&rs, -1) || rsc_strv_add(&rs.o[0].names, path) < 0)
		goto out;
	r = load_program(&rs, path, res);
	if (r < 0 || res->problems || (res->is_static && !rs.o[0].elf.interp))
		goto out;
	rs.arch = rsc_ldso_find_arch(&rs.o[0].elf);
	if (rs.arch->triplet) {
		_cleanup_free_ char *a = NULL, *b = NULL;

		if (asprintf(&a, "/usr/lib/%s", rs.arch->triplet) < 0 ||
		    asprintf(&b, "/lib/%s", rs.arch->triplet) < 0) {
			r = -ENOMEM;
			goto out;
		}
		rs.multiarch = (rsc_root_stat(l->root, a, &st, 0) == 0 && S_ISDIR(st.st_mode)) ||
			       (rsc_root_stat(l->root, b, &st, 0) == 0 && S_ISDIR(st.st_mode));
	}
	r = load_config(l, rs.o[0].elf.data == ELFDATA2MSB);
	if (r < 0)
		goto out;
	r = load_interp(&rs, res);
	if (r < 0 || res->is_static)
		goto out;
	/* Breadth-first, like _dl_map_object_deps: every object's DT_NEEDED in order. */
	for (size_t i = 0; i < rs.n && r == 0; i++) {
		if (rs.o[i].faked || rs.o[i].problems)
			continue;
		for (size_t k = 0; k < rs.o[i].elf.n_needed && r == 0; k++)
			r = map_object(&rs, rs.o[i].elf.needed[k], (int)i);
	}
	if (r == 0)
		r = make_result(&rs, res);
out:
	for (size_t i = 0; i < rs.n; i++)
		obj_clear(&rs.o[i]);
	free(rs.o);
	if (r < 0) {
		rsc_ldso_result_free(res);
		return r;
	}
	*out = res;
	return 0;
}

void rsc_ldso_result_free(struct rsc_ldso_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->n_entries; i++) {
		free(res->entries[i].name);
		free(res->entries[i].path);
		free(res->entries[i].detail);
	}
	free(res->entries);
	free(res->program);
	free(res->detail);
	free(res->interp);
	free(res->interp_detail);
	free(res);
}

bool rsc_ldso_result_has_problems(const struct rsc_ldso_result *res)
{
	if (res->problems || res->interp_problems || res->capped)
		return true;
	for (size_t i = 0; i < res->n_entries; i++)
		if (res->entries[i].problems)
			return true;
	return false;
}

const char *rsc_ldso_problem_name(unsigned bit)
{
	switch (bit) {
	case RSC_LDSO_MISSING:
		return "missing";
	case RSC_LDSO_DANGLING:
		return "dangling-symlink";
	case RSC_LDSO_WRONG_ARCH:
		return "wrong-architecture";
	case RSC_LDSO_EMPTY:
		return "zero-size";
	case RSC_LDSO_TRUNCATED:
		return "truncated";
	case RSC_LDSO_NOT_ELF:
		return "not-elf";
	case RSC_LDSO_UNREADABLE:
		return "unreadable";
	default:
		return "?";
	}
}

const char *rsc_ldso_via_name(enum rsc_ldso_via via)
{
	static const char *const names[] = {
		[RSC_LDSO_VIA_NONE] = "none",	      [RSC_LDSO_VIA_PATH] = "path",
		[RSC_LDSO_VIA_RPATH] = "rpath",	      [RSC_LDSO_VIA_RUNPATH] = "runpath",
		[RSC_LDSO_VIA_CACHE] = "ld.so.cache", [RSC_LDSO_VIA_CONF] = "ld.so.conf",
		[RSC_LDSO_VIA_DEFAULT] = "default",   [RSC_LDSO_VIA_INTERP] = "interpreter",
	};

	return (size_t)via < ARRAY_SIZE(names) && names[via] ? names[via] : "?";
}
