// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ldso_search.c - where the victim's ld.so looks for a library and what it
 * accepts there (glibc elf/dl-load.c: _dl_map_object's search order,
 * open_path, open_verify, _dl_dst_substitute), for ldso.c.
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

static const struct ldso_arch arches[] = {
	{ .machine = EM_X86_64,
	  .elfclass = ELFCLASS64,
	  .triplet = "x86_64-linux-gnu",
	  .libdir = "lib64",
	  .platform = "x86_64",
	  .interp = "/lib64/ld-linux-x86-64.so.2",
	  .flags = { 0x0303 },
	  .n_flags = 1 },
	{ .machine = EM_386,
	  .elfclass = ELFCLASS32,
	  .triplet = "i386-linux-gnu",
	  .libdir = "lib",
	  .platform = "i686",
	  .interp = "/lib/ld-linux.so.2",
	  .flags = { 0x0003, 0x0001 },
	  .n_flags = 2 },
	{ .machine = EM_AARCH64,
	  .elfclass = ELFCLASS64,
	  .triplet = "aarch64-linux-gnu",
	  .libdir = "lib64",
	  .platform = "aarch64",
	  .interp = "/lib/ld-linux-aarch64.so.1",
	  .flags = { 0x0a03 },
	  .n_flags = 1 },
	{ .machine = EM_ARM,
	  .elfclass = ELFCLASS32,
	  .triplet = "arm-linux-gnueabihf",
	  .libdir = "lib",
	  .platform = "v7l",
	  .interp = "/lib/ld-linux-armhf.so.3",
	  .flags = { 0x0903 },
	  .n_flags = 1 },
	{ .machine = EM_PPC64,
	  .elfclass = ELFCLASS64,
	  .triplet = "powerpc64le-linux-gnu",
	  .libdir = "lib64",
	  .platform = "ppc64le",
	  .interp = "/lib64/ld64.so.2",
	  .flags = { 0x0503 },
	  .n_flags = 1 },
	{ .machine = EM_S390,
	  .elfclass = ELFCLASS64,
	  .triplet = "s390x-linux-gnu",
	  .libdir = "lib64",
	  .platform = "s390x",
	  .interp = "/lib/ld64.so.1",
	  .flags = { 0x0403 },
	  .n_flags = 1 },
	{ .machine = EM_RISCV,
	  .elfclass = ELFCLASS64,
	  .triplet = "riscv64-linux-gnu",
	  .libdir = "lib64/lp64d",
	  .platform = "riscv64",
	  .interp = "/lib/ld-linux-riscv64-lp64d.so.1",
	  .flags = { 0x1003 },
	  .n_flags = 1 },
};

/* An architecture not in the table: plain ELF libc6 entries, /lib and /usr/lib. */
static const struct ldso_arch arch_unknown = { 0, 0, NULL, "lib", "", NULL, { 0x0003 }, 1 };

const struct ldso_arch *rsc_ldso_find_arch(const struct rsc_elf_info *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (arches[i].machine == e->machine && arches[i].elfclass == e->elfclass)
			return &arches[i];
	return &arch_unknown;
}

/* dirname of path, as ld.so computes l_origin ("/" for "/x"); NULL on ENOMEM. */
char *rsc_ldso_dir_of(const char *path)
{
	const char *s = strrchr(path, '/');

	if (!s)
		return strdup(".");
	if (s == path)
		return strdup("/");
	return strndup(path, (size_t)(s - path));
}

/*
 * Expand $ORIGIN, $LIB and $PLATFORM (also as ${...}) in s for the object
 * with origin origin. *out is NULL when s cannot be used (ld.so drops such
 * an element): an unknown origin or an over-long result. Returns 0 or -ENOMEM.
 */
int rsc_ldso_expand(const struct ldso_resolve *rs, const char *s, const char *origin, char **out)
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
				if (brace ? end != '}'
					  : (end == '_' || (end >= 'A' && end <= 'Z') ||
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

/* true when the file st was noted already; else remember it. */
static bool seen(struct ldso_tried *t, const struct stat *st)
{
	for (size_t i = 0; i < t->n_seen; i++)
		if (t->seen[i].dev == st->st_dev && t->seen[i].ino == st->st_ino)
			return true;
	if (t->n_seen < ARRAY_SIZE(t->seen)) {
		t->seen[t->n_seen].dev = st->st_dev;
		t->seen[t->n_seen].ino = st->st_ino;
		t->n_seen++;
	}
	return false;
}

/* Remember "<path><what><extra>" (path and extra escaped), once, and the problem bit. */
static void note(struct ldso_tried *t, unsigned bit, const char *path, const char *what,
		 const char *extra)
{
	_cleanup_free_ char *p = rsc_escape(path), *e = rsc_escape(extra), *msg = NULL;

	t->problems |= bit;
	if (asprintf(&msg, "%s%s%s", p ? p : "?", what, e ? e : "?") < 0) {
		msg = NULL;
		return;
	}
	if (t->why.data && strstr(t->why.data, msg))
		return; /* the same file again: a cache entry that is also in a system dir */
	if (t->why.len)
		rsc_buf_adds(&t->why, "; ");
	rsc_buf_adds(&t->why, msg);
}

/* Give o the path it was found under and its $ORIGIN. */
static int found(struct ldso_obj *o, const char *path)
{
	o->path = strdup(path);
	o->origin = o->path ? rsc_ldso_dir_of(o->path) : NULL;
	return o->origin ? 0 : -ENOMEM;
}

/*
 * Try one file, like ld.so's open_verify: a missing file or one of the wrong
 * class or machine means "go on searching" (CAND_NEXT); a usable ELF object
 * is CAND_FOUND and fills o; a file that exists but is broken stops the
 * search (ld.so fails on it: "file too short", "invalid ELF header"), and is
 * CAND_STOP with o's problems set. Negative: -ENOMEM.
 */
int rsc_ldso_try_file(struct ldso_resolve *rs, const char *path, struct ldso_obj *o,
		      struct ldso_tried *t)
{
	struct rsc_root *root = rs->l->root;
	_cleanup_close_ int fd = -1;
	struct rsc_elf_info e = { 0 };
	struct stat st;
	char desc[64];
	bool skip;
	int r;

	fd = rsc_root_open_ro(root, path, O_CLOEXEC, 0);
	if (fd < 0) {
		if (fd == -ENOENT && rsc_root_stat(root, path, &st, RSC_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode)) {
			_cleanup_free_ char *target = NULL;

			if (seen(t, &st))
				return CAND_NEXT;
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
	/*
	 * open_verify's order: another class is skipped (a 32-bit copy where a 64-bit one is
	 * needed), another byte order is fatal, another machine is skipped; then only
	 * ELFOSABI_SYSV/GNU and ET_DYN/ET_EXEC are accepted.
	 */
	skip = e.elfclass && e.elfclass != rs->o[0].elf.elfclass;
	if (!skip && e.status == RSC_ELF_OK && e.data != rs->o[0].elf.data) {
		o->problems |= RSC_LDSO_WRONG_ARCH;
		snprintf(e.why, sizeof(e.why), "%s, not %s",
			 rsc_elf_describe(&e, desc, sizeof(desc)),
			 e.data == ELFDATA2MSB ? "little-endian" : "big-endian");
		e.status = RSC_ELF_BAD;
	}
	skip |= e.status == RSC_ELF_OK && !o->problems && e.machine != rs->o[0].elf.machine;
	if (skip) {
		if (!seen(t, &st))
			note(t, RSC_LDSO_WRONG_ARCH, path, " is ",
			     rsc_elf_describe(&e, desc, sizeof(desc)));
		rsc_elf_info_clear(&e);
		return CAND_NEXT;
	}
	if (e.status == RSC_ELF_OK && e.osabi != ELFOSABI_SYSV && e.osabi != ELFOSABI_GNU) {
		e.status = RSC_ELF_BAD;
		snprintf(e.why, sizeof(e.why), "ELF OS ABI %u is invalid for ld.so", e.osabi);
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
		if (!(o->problems & RSC_LDSO_WRONG_ARCH))
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
static int try_list(struct ldso_resolve *rs, const char *list, int owner, const char *name,
		    struct ldso_obj *o, struct ldso_tried *t)
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

		r = rsc_ldso_expand(rs, elem, rs->o[owner].origin, &dir);
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
		r = rsc_ldso_try_file(rs, path, o, t);
		if (r != CAND_NEXT)
			return r;
	}
	return CAND_NEXT;
}

static int try_dirs(struct ldso_resolve *rs, char *const *dirs, size_t n, const char *name,
		    struct ldso_obj *o, struct ldso_tried *t)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *path = rsc_path_join(dirs[i], name);
		int r;

		if (!path)
			return -ENOMEM;
		r = rsc_ldso_try_file(rs, path, o, t);
		if (r != CAND_NEXT)
			return r;
	}
	return CAND_NEXT;
}

/* The system directories of the victim's ld.so, in its order. */
static int system_dirs(const struct ldso_resolve *rs, struct rsc_strv *dirs)
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

		if (strncmp(path, sys->v[i], n) == 0 && path[n] == '/' &&
		    !strchr(path + n + 1, '/'))
			return true;
	}
	return false;
}

/* The search of _dl_map_object for a name without '/', needed by object loader. */
int rsc_ldso_search(struct ldso_resolve *rs, const char *name, int loader, struct ldso_obj *o,
		    struct ldso_tried *t)
{
	const struct ldso_obj *ld = &rs->o[loader];
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
		const char *cached =
			rsc_ldcache_lookup(rs->l->cache, name, rs->arch->flags, rs->arch->n_flags);

		r = CAND_NEXT;
		if (cached && !(nodeflib && in_system_dir(&sys, cached)))
			r = rsc_ldso_try_file(rs, cached, o, t);
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
