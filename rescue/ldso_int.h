/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ldso_int.h - internals of the resolver shared between ldso.c, ldso_cache.c
 * (the ld.so.cache parser) and ldso_conf.c (ld.so.conf with include globs).
 */
#ifndef RSC_LDSO_INT_H
#define RSC_LDSO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "elfinfo.h"
#include "ldso.h"
#include "util.h"

struct rsc_root;

/* Largest ld.so.cache read (Debian's is ~60 KiB with 700 libraries). */
#define RSC_LDCACHE_CAP (16u << 20)
/* Most directories taken from ld.so.conf, most files its includes may name. */
#define RSC_LDCONF_MAX_DIRS  1024
#define RSC_LDCONF_MAX_FILES 1024

/* A list of strings, owned. */
struct rsc_strv {
	char **v;
	size_t n;
};
int rsc_strv_add(struct rsc_strv *s, const char *str);
void rsc_strv_free(struct rsc_strv *s);

/* The ELF entry flags of ldconfig (dl-cache.h): type in the low byte, arch in the high one. */
enum {
	RSC_LDCACHE_FLAG_ELF = 0x0001,
	RSC_LDCACHE_FLAG_ELF_LIBC6 = 0x0003,
	RSC_LDCACHE_FLAG_X8664_LIB64 = 0x0300,
};

struct rsc_ldcache_entry {
	int32_t flags;
	uint64_t hwcap;	   /* 0 in the old format */
	const char *key;   /* the soname (into the cache's copy of the file) */
	const char *value; /* the path */
};

struct rsc_ldcache {
	char *buf; /* a copy of the file, NUL-terminated */
	size_t len;
	bool is_new; /* "glibc-ld.so.cache1.1" (alone or after an old-format part) */
	struct rsc_ldcache_entry *e;
	size_t n;
};

/*
 * Parse the len bytes of an ld.so.cache: the new format
 * ("glibc-ld.so.cache1.1", preferred, as ld.so does, also when it follows an
 * old-format part), else the old one ("ld.so-1.7.0"). Numbers are read in
 * the victim's byte order (big_endian), which a new-format header that
 * states its own overrides. Every entry's strings are checked to lie inside
 * the file; a malformed entry makes the cache invalid (ld.so would ignore it
 * or stop at garbage). Returns 0, -EINVAL (not a cache, or malformed) or
 * -ENOMEM; *out is the caller's (rsc_ldcache_free()).
 */
int rsc_ldcache_parse(const void *buf, size_t len, bool big_endian, struct rsc_ldcache **out);
void rsc_ldcache_free(struct rsc_ldcache *c);

/*
 * The path of the first entry for name (in file order, as ld.so's search
 * ends up choosing) whose flags is one of flags[0..nflags) and that needs no
 * hardware capability (hwcap 0: an offline tool cannot know the victim's
 * CPU). NULL when none; the string belongs to c.
 */
const char *rsc_ldcache_lookup(const struct rsc_ldcache *c, const char *name, const int32_t *flags,
			       size_t nflags);

/*
 * Read the victim's ld.so.conf at path like ldconfig does: '#' comments,
 * one directory per line ("dir=type" is taken as dir, trailing slashes
 * dropped), "include PATTERN..." with each PATTERN globbed inside the
 * victim (relative patterns against the including file's directory), nested
 * includes up to 16 deep; in all, 1024 files read and directories listed,
 * 2 MiB parsed and 4096 glob components walked (a file that includes itself
 * many times); "hwcap" lines are ignored. Directories are added to dirs in
 * order, without duplicates. *newest (may be NULL) is raised to
 * the newest mtime of the files read and directories named (to judge
 * whether the cache is stale). A missing path is not an error (0).
 * Returns 0 or -ENOMEM.
 */
int rsc_ldconf_read(struct rsc_root *r, const char *path, struct rsc_strv *dirs,
		    struct timespec *newest);

/*
 * glob(3) inside the victim: every victim path matching the absolute pattern
 * (wildcards in any component, a leading '.' only matched explicitly), in
 * sorted order, at most RSC_LDCONF_MAX_FILES, listing at most 1024
 * directories and walking at most 4096 path components; a path of PATH_MAX
 * bytes or more matches nothing (glob's ENAMETOOLONG). Returns 0 (also for
 * no match) or -ENOMEM.
 */
int rsc_ldconf_glob(struct rsc_root *r, const char *pattern, struct rsc_strv *out);

/* ---- the resolver's state, shared by ldso.c and ldso_search.c ---- */

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

struct rsc_ldso {
	struct rsc_root *root;
	bool loaded; /* cache and conf read */
	struct rsc_ldcache *cache;
	struct timespec cache_mtime;
	bool conf_dirs_used; /* cache missing or stale: search dirs too */
	struct rsc_strv conf_dirs;
};

/* One loaded object (ld.so's struct link_map), the program at index 0. */
struct ldso_obj {
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

struct ldso_resolve {
	struct rsc_ldso *l;
	const struct ldso_arch *arch;
	bool multiarch;
	struct ldso_obj *o;
	size_t n, cap;
	bool capped;
	int interp; /* index, or -1 */
};

/* The candidates rejected on the way: what a not-found entry reports. */
struct ldso_tried {
	unsigned problems; /* RSC_LDSO_DANGLING / RSC_LDSO_WRONG_ARCH */
	struct rsc_buf why;
	struct {
		dev_t dev;
		ino_t ino;
	} seen[16]; /* files already noted: /lib/T/x and /usr/lib/T/x are one on merged /usr */
	size_t n_seen;
};

/* What trying one candidate file gave (rsc_ldso_try_file). */
enum ldso_cand { CAND_NEXT, CAND_FOUND, CAND_STOP };

/* The table entry of the program's architecture (a generic one when unknown). */
const struct ldso_arch *rsc_ldso_find_arch(const struct rsc_elf_info *e);
/* dirname of path as ld.so computes l_origin ("/" for "/x"); NULL on ENOMEM. */
char *rsc_ldso_dir_of(const char *path);
/*
 * Expand $ORIGIN, $LIB and $PLATFORM (also as ${...}) in s for an object
 * whose $ORIGIN is origin. *out is NULL when s cannot be used (ld.so drops
 * such an element): an unknown origin or an over-long result. 0 or -ENOMEM.
 */
int rsc_ldso_expand(const struct ldso_resolve *rs, const char *s, const char *origin, char **out);
/*
 * Try one file like ld.so's open_verify: missing, or of the wrong class or
 * machine: CAND_NEXT (noted in t); a usable ELF object: CAND_FOUND, o filled;
 * a file that is there but broken: CAND_STOP, o->problems set (ld.so fails
 * on it). -ENOMEM.
 */
int rsc_ldso_try_file(struct ldso_resolve *rs, const char *path, struct ldso_obj *o,
		      struct ldso_tried *t);
/*
 * The search of _dl_map_object for a name without '/' needed by object
 * loader: the DT_RPATH chain, DT_RUNPATH, the cache, ld.so.conf when the
 * cache is stale, the system directories. Sets o->via. Returns a CAND_* or
 * -ENOMEM.
 */
int rsc_ldso_search(struct ldso_resolve *rs, const char *name, int loader, struct ldso_obj *o,
		    struct ldso_tried *t);

#endif
