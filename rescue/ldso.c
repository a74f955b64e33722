// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ldso.c - resolve a program's libraries like the victim's glibc ld.so
 * (elf/dl-load.c _dl_map_object, open_path, open_verify; elf/dl-deps.c
 * for the breadth-first order), inside the victim root. See ldso.h for the
 * rules and the one deliberate difference.
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

/* Most elements of one DT_RPATH/DT_RUNPATH taken (ld.so has no limit). */
#define MAX_PATH_ELEMS 256

/* What ld.so was built with, per architecture (glibc's sysdeps and Debian's multiarch). */
struct ldso_arch {
	uint16_t machine;
	unsigned char elfclass;
	const char *triplet;  /* Debian multiarch: system dirs /lib/T, /usr/lib/T, /lib, /usr/lib */
	const char *libdir;   /* otherwise (Fedora, ...): /LIBDIR, /usr/LIBDIR */
	const char *platform; /* $PLATFORM (AT_PLATFORM of the kernel) */
	const char *interp;   /* the usual PT_INTERP */
	int32_t flags[2];     /* ld.so.cache entry flags ld.so accepts (_dl_cache_check_flags) */
	size_t n_flags;
};

static const struct ldso_arch arches[] = {
	{ EM_X86_64, ELFCLASS64, "x86_64-linux-gnu", "lib64", "x86_64",
	  "/lib64/ld-linux-x86-64.so.2", { 0x0303 }, 1 },
	{ EM_386, ELFCLASS32, "i386-linux-gnu", "lib", "i686", "/lib/ld-linux.so.2",
	  { 0x0003, 0x0001 }, 2 },
	{ EM_AARCH64, ELFCLASS64, "aarch64-linux-gnu", "lib64", "aarch64",
	  "/lib/ld-linux-aarch64.so.1", { 0x0a03 }, 1 },
	{ EM_ARM, ELFCLASS32, "arm-linux-gnueabihf", "lib", "v7l", "/lib/ld-linux-armhf.so.3",
	  { 0x0903 }, 1 },
	{ EM_PPC64, ELFCLASS64, "powerpc64le-linux-gnu", "lib64", "ppc64le", "/lib64/ld64.so.2",
	  { 0x0503 }, 1 },
	{ EM_S390, ELFCLASS64, "s390x-linux-gnu", "lib64", "s390x", "/lib/ld64.so.1", { 0x0403 },
	  1 },
	{ EM_RISCV, ELFCLASS64, "riscv64-linux-gnu", "lib64/lp64d", "riscv64",
	  "/lib/ld-linux-riscv64-lp64d.so.1", { 0x1003 }, 1 },
};

/* An architecture not in the table: plain ELF libc6 entries, /lib and /usr/lib. */
static const struct ldso_arch arch_unknown = { 0, 0, NULL, "lib", "", NULL, { 0x0003 }, 1 };

struct rsc_ldso {
	struct rsc_root *root;
	bool loaded;		  /* cache and conf read */
	struct rsc_ldcache *cache;
	struct timespec cache_mtime;
	bool conf_dirs_used;	  /* cache missing or stale: search dirs too */
	struct rsc_strv conf_dirs;
};

/* One loaded object (ld.so's struct link_map), the program at index 0. */
struct obj {
	char *path;   /* as ld.so names it (l_name) */
	char *origin; /* $ORIGIN */
	struct rsc_strv names;
	struct rsc_elf_info elf;
	dev_t dev;
	ino_t ino;
	int loader; /* index of the object that loaded it, -1 for the program */
	bool faked; /* not found or broken: ld.so --list's "faked" map */
	enum rsc_ldso_via via;
	unsigned problems;
	char *detail;
};

struct resolve {
	struct rsc_ldso *l;
	const struct ldso_arch *arch;
	bool multiarch;
	struct obj *o;
	size_t n, cap;
	bool capped;
	int interp; /* index, or -1 */
};

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

static const struct ldso_arch *find_arch(const struct rsc_elf_info *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (arches[i].machine == e->machine && arches[i].elfclass == e->elfclass)
			return &arches[i];
	return &arch_unknown;
}

static void obj_clear(struct obj *o)
{
	free(o->path);
	free(o->origin);
	free(o->detail);
	rsc_strv_free(&o->names);
	rsc_elf_info_clear(&o->elf);
}

/* A new object at the end of rs->o; NULL on ENOMEM. */
static struct obj *obj_new(struct resolve *rs, int loader)
{
	struct obj *o;

	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 16;
		struct obj *v = reallocarray(rs->o, cap, sizeof(*v));

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

/* dirname of path, as ld.so computes l_origin ("/" for "/x"); NULL on ENOMEM. */
static char *dir_of(const char *path)
{
	const char *s = strrchr(path, '/');

	if (!s)
		return strdup(".");
	if (s == path)
		return strdup("/");
	return strndup(path, (size_t)(s - path));
}

/* The objects already loaded that answer to name (ld.so's _dl_name_match_p and soname). */
static int find_loaded(const struct resolve *rs, const char *name)
{
	for (size_t i = 0; i < rs->n; i++) {
		const struct obj *o = &rs->o[i];

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

/*
 * Expand $ORIGIN, $LIB and $PLATFORM (also as ${...}) in s for the object
 * with origin origin. *out is NULL when s cannot be used (ld.so drops such
 * an element): an unknown origin or an over-long result. Returns 0 or -ENOMEM.
 */
static int expand_dst(const struct resolve *rs, const char *s, const char *origin, char **out)
{
	struct rsc_buf b = { 0 };
	_cleanup_free_ char *lib = NULL;
	int r = 0;

	*out = NULL;
	if (rs->multiarch && rs->arch->triplet)
		r = asprintf(&lib, "lib/%s", rs->arch->triplet) < 0 ? -ENOMEM : 0;
	else
		lib = strdup(rs->arch->libdir);
	if (r < 0 || !lib)
		return -ENOMEM;
	while (*s) {
		static const char *const names[] = { "ORIGIN", "LIB", "PLATFORM" };
		const char *val = NULL;
		size_t used = 0;

		if (*s == '$') {
			for (size_t i = 0; i < ARRAY_SIZE(names) && !used; i++) {
				size_t n = strlen(names[i]);
				const char *p = s + 1;
				bool brace = *p == '{';
				char end;

				if (strncmp(p + brace, names[i], n) != 0)
					continue;
				end = p[brace + n];
				if (brace ? end != '}' : (end == '_' || (end >= 'A' && end <= 'Z') ||
							  (end >= 'a' && end <= 'z') ||
							  (end >= '0' && end <= '9')))
					continue;
				used = 1 + brace * 2 + n;
				val = i == 0 ? origin : i == 1 ? lib : rs->arch->platform;
			}
		}
		if (used) {
			if (!val || !*val) {
				rsc_buf_free(&b);
				return 0;
			}
			r = rsc_buf_adds(&b, val);
			s += used;
		} else {
			r = rsc_buf_add(&b, s, 1);
			s++;
		}
		if (r < 0 || b.len >= PATH_MAX) {
			rsc_buf_free(&b);
			return r;
		}
	}
	*out = b.data ? rsc_buf_steal(&b) : strdup("");
	return *out ? 0 : -ENOMEM;
}

/* The candidates rejected on the way: what a not-found entry reports. */
struct tried {
	unsigned problems; /* RSC_LDSO_DANGLING / RSC_LDSO_WRONG_ARCH */
	struct rsc_buf why;
};

enum cand { CAND_NEXT, CAND_FOUND, CAND_STOP };

/* Remember "<path><what><extra>" (path and extra escaped) and the problem bit. */
static void note(struct tried *t, unsigned bit, const char *path, const char *what,
		 const char *extra)
{
	_cleanup_free_ char *p = rsc_escape(path), *e = rsc_escape(extra);

	t->problems |= bit;
	if (t->why.len)
		rsc_buf_adds(&t->why, "; ");
	rsc_buf_printf(&t->why, "%s%s%s", p ? p : "?", what, e ? e : "?");
}

/* Give o the path it was found under and its $ORIGIN. */
static int found(struct obj *o, const char *path)
{
	o->path = strdup(path);
	o->origin = o->path ? dir_of(o->path) : NULL;
	return o->origin ? 0 : -ENOMEM;
}

/*
 * Try one file, like ld.so's open_verify: a missing file or one of the wrong
 * class or machine means "go on searching" (CAND_NEXT); a usable ELF object
 * is CAND_FOUND and fills o; a file that exists but is broken stops the
 * search (ld.so fails on it: "file too short", "invalid ELF header"), and is
 * CAND_STOP with o's problems set. Negative: -ENOMEM.
 */
static int try_file(struct resolve *rs, const char *path, struct obj *o, struct tried *t)
{
	struct rsc_root *root = rs->l->root;
	_cleanup_close_ int fd = -1;
	struct rsc_elf_info e = { 0 };
	struct stat st;
	char desc[64];
	int r;

	fd = rsc_root_open_at(root, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0, 0);
	if (fd < 0) {
		if (fd == -ENOENT && rsc_root_stat(root, path, &st, RSC_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode)) {
			_cleanup_free_ char *target = NULL;

			if (rsc_root_readlink(root, path, &target) == -ENOMEM)
				return -ENOMEM;
			note(t, RSC_LDSO_DANGLING, path, " is a dangling symlink to ",
			     target ? target : "?");
		} else if (fd != -ENOENT && fd != -ENOTDIR) {
			note(t, 0, path, ": ", strerror(-fd));
		}
		return CAND_NEXT;
	}
	if (fstat(fd, &st) < 0)
		return CAND_NEXT;
	r = rsc_elf_read_fd(fd, &e);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		o->problems |= RSC_LDSO_UNREADABLE;
		r = asprintf(&o->detail, "cannot read: %s", strerror(-r));
		goto stop;
	}
	if (e.status == RSC_ELF_OK &&
	    (e.elfclass != rs->o[0].elf.elfclass || e.machine != rs->o[0].elf.machine ||
	     e.data != rs->o[0].elf.data)) {
		note(t, RSC_LDSO_WRONG_ARCH, path, " is ", rsc_elf_describe(&e, desc, sizeof(desc)));
		rsc_elf_info_clear(&e);
		return CAND_NEXT;
	}
	if (e.status == RSC_ELF_OK && e.type != ET_DYN && e.type != ET_EXEC) {
		e.status = RSC_ELF_BAD;
		snprintf(e.why, sizeof(e.why), "ELF type %u: only ET_DYN and ET_EXEC can be loaded",
			 e.type);
	}
	o->elf = e;
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	switch (e.status) {
	case RSC_ELF_OK:
		r = found(o, path);
		return r < 0 ? r : CAND_FOUND;
	case RSC_ELF_EMPTY:
		o->problems |= RSC_LDSO_EMPTY;
		break;
	case RSC_ELF_TRUNCATED:
		o->problems |= RSC_LDSO_TRUNCATED;
		break;
	default:
		o->problems |= RSC_LDSO_NOT_ELF;
		break;
	}
	r = asprintf(&o->detail, "%s", e.why);
stop:
	if (r < 0) {
		o->detail = NULL;
		return -ENOMEM;
	}
	o->path = strdup(path);
	return o->path ? CAND_STOP : -ENOMEM;
}

/* Try dir/name for each dir of a ':'-separated list owned by object owner. */
static int try_list(struct resolve *rs, const char *list, int owner, const char *name,
		    struct obj *o, struct tried *t)
{
	_cleanup_free_ char *copy = strdup(list);
	char *save = copy, *elem;
	unsigned n = 0;
	int r = CAND_NEXT;

	if (!copy)
		return -ENOMEM;
	while ((elem = strsep(&save, ":")) && n++ < MAX_PATH_ELEMS) {
		_cleanup_free_ char *dir = NULL, *path = NULL;
		size_t len;

		r = expand_dst(rs, elem, rs->o[owner].origin, &dir);
		if (r < 0)
			return r;
		if (!dir)
			continue;
		len = strlen(dir);
		while (len > 1 && dir[len - 1] == '/')
			dir[--len] = '\0';
		if (len == 0) /* an empty element is the current directory: "/" for sshd */
			path = rsc_path_join(".", name);
		else
			path = rsc_path_join(dir, name);
		if (!path)
			return -ENOMEM;
		r = try_file(rs, path, o, t);
		if (r != CAND_NEXT)
			return r;
	}
	return CAND_NEXT;
}

static int try_dirs(struct resolve *rs, char *const *dirs, size_t n, const char *name,
		    struct obj *o, struct tried *t)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *path = rsc_path_join(dirs[i], name);
		int r;

		if (!path)
			return -ENOMEM;
		r = try_file(rs, path, o, t);
		if (r != CAND_NEXT)
			return r;
	}
	return CAND_NEXT;
}

/* The system directories of the victim's ld.so, in its order. */
static int system_dirs(const struct resolve *rs, struct rsc_strv *dirs)
{
	int r = 0;

	if (rs->multiarch) {
		_cleanup_free_ char *a = NULL, *b = NULL;

		if (asprintf(&a, "/lib/%s", rs->arch->triplet) < 0 ||
		    asprintf(&b, "/usr/lib/%s", rs->arch->triplet) < 0)
			return -ENOMEM;
		r = rsc_strv_add(dirs, a);
		if (r == 0)
			r = rsc_strv_add(dirs, b);
		if (r == 0)
			r = rsc_strv_add(dirs, "/lib");
		if (r == 0)
			r = rsc_strv_add(dirs, "/usr/lib");
	} else {
		_cleanup_free_ char *a = rsc_path_join("/", rs->arch->libdir);
		_cleanup_free_ char *b = rsc_path_join("/usr", rs->arch->libdir);

		if (!a || !b)
			return -ENOMEM;
		r = rsc_strv_add(dirs, a);
		if (r == 0)
			r = rsc_strv_add(dirs, b);
	}
	return r;
}

static bool in_system_dir(const struct rsc_strv *sys, const char *path)
{
	for (size_t i = 0; i < sys->n; i++) {
		size_t n = strlen(sys->v[i]);

		if (strncmp(path, sys->v[i], n) == 0 && path[n] == '/' && !strchr(path + n + 1, '/'))
			return true;
	}
	return false;
}

/* The search of _dl_map_object for a name without '/', needed by object loader. */
static int search(struct resolve *rs, const char *name, int loader, struct obj *o,
		  struct tried *t)
{
	const struct obj *ld = &rs->o[loader];
	struct rsc_strv sys = { 0 };
	bool nodeflib = ld->elf.flags_1 & DF_1_NODEFLIB;
	int r = CAND_NEXT;

	if (!ld->elf.runpath) {
		bool did_main = false;

		for (int i = loader; i >= 0 && r == CAND_NEXT; i = rs->o[i].loader) {
			if (!rs->o[i].elf.rpath)
				continue;
			r = try_list(rs, rs->o[i].elf.rpath, i, name, o, t);
			did_main |= i == 0;
		}
		if (r == CAND_NEXT && !did_main && rs->o[0].elf.rpath)
			r = try_list(rs, rs->o[0].elf.rpath, 0, name, o, t);
		if (r != CAND_NEXT) {
			o->via = RSC_LDSO_VIA_RPATH;
			return r;
		}
	}
	if (ld->elf.runpath) {
		r = try_list(rs, ld->elf.runpath, loader, name, o, t);
		if (r != CAND_NEXT) {
			o->via = RSC_LDSO_VIA_RUNPATH;
			return r;
		}
	}
	r = system_dirs(rs, &sys);
	if (r < 0)
		goto out;
	{
		const char *cached = rsc_ldcache_lookup(rs->l->cache, name, rs->arch->flags,
							rs->arch->n_flags);

		r = CAND_NEXT;
		if (cached && !(nodeflib && in_system_dir(&sys, cached)))
			r = try_file(rs, cached, o, t);
		o->via = RSC_LDSO_VIA_CACHE;
	}
	if (r == CAND_NEXT && rs->l->conf_dirs_used) {
		r = try_dirs(rs, rs->l->conf_dirs.v, rs->l->conf_dirs.n, name, o, t);
		o->via = RSC_LDSO_VIA_CONF;
	}
	if (r == CAND_NEXT && !nodeflib) {
		r = try_dirs(rs, sys.v, sys.n, name, o, t);
		o->via = RSC_LDSO_VIA_DEFAULT;
	}
out:
	rsc_strv_free(&sys);
	return r;
}

/* ld.so's _dl_map_object for one DT_NEEDED name of object loader. */
static int map_object(struct resolve *rs, const char *name, int loader)
{
	struct tried t = { 0 };
	struct obj *o = NULL;
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
		r = expand_dst(rs, name, rs->o[loader].origin, &path);
		if (r < 0)
			goto out;
		r = path ? try_file(rs, path, o, &t) : CAND_NEXT;
	} else {
		r = search(rs, name, loader, o, &t);
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
static int load_program(struct resolve *rs, const char *path, struct rsc_ldso_result *res)
{
	struct rsc_root *root = rs->l->root;
	struct obj *o = &rs->o[0];
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *canon = NULL;
	struct stat st;
	int r;

	fd = rsc_root_open_at(root, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0, 0);
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
		res->problems = r < 0			      ? RSC_LDSO_UNREADABLE
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
	o->origin = dir_of(canon ? canon : path);
	if (!o->path || !o->origin)
		return -ENOMEM;
	res->elfclass = o->elf.elfclass;
	res->machine = o->elf.machine;
	res->is_static = !o->elf.has_dynamic;
	return 0;
}

/* The program's interpreter, or for a library the usual one of its architecture (implied). */
static int load_interp(struct resolve *rs, struct rsc_ldso_result *res)
{
	const char *interp = rs->o[0].elf.interp;
	bool implied = !interp;
	struct tried t = { 0 };
	struct obj *o;
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
		r = try_file(rs, interp, o, &t);
	o = &rs->o[rs->n - 1];
	if (r == CAND_FOUND) {
		o->via = RSC_LDSO_VIA_INTERP;
		rs->interp = (int)rs->n - 1;
		r = 0;
	} else if (r >= 0) {
		if (!implied) {
			res->interp_problems = r == CAND_STOP ? o->problems : RSC_LDSO_MISSING | t.problems;
			res->interp_detail = r == CAND_STOP ? TAKE_PTR(o->detail) : rsc_buf_steal(&t.why);
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

static int make_result(struct resolve *rs, struct rsc_ldso_result *res)
{
	_cleanup_free_ int *entry_of = calloc(rs->n ? rs->n : 1, sizeof(int));
	size_t n = 0;

	if (!entry_of)
		return -ENOMEM;
	res->entries = calloc(rs->n ? rs->n : 1, sizeof(*res->entries));
	if (!res->entries)
		return -ENOMEM;
	for (size_t i = 0; i < rs->n; i++) {
		struct obj *o = &rs->o[i];
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
	struct resolve rs = { .l = l, .interp = -1 };
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
	if (r < 0 || res->problems || res->is_static)
		goto out;
	rs.arch = find_arch(&rs.o[0].elf);
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
	if (r < 0)
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
		[RSC_LDSO_VIA_NONE] = "none",	       [RSC_LDSO_VIA_PATH] = "path",
		[RSC_LDSO_VIA_RPATH] = "rpath",	       [RSC_LDSO_VIA_RUNPATH] = "runpath",
		[RSC_LDSO_VIA_CACHE] = "ld.so.cache",  [RSC_LDSO_VIA_CONF] = "ld.so.conf",
		[RSC_LDSO_VIA_DEFAULT] = "default",    [RSC_LDSO_VIA_INTERP] = "interpreter",
	};

	return (size_t)via < ARRAY_SIZE(names) && names[via] ? names[via] : "?";
}
