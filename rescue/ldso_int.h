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
#include <time.h>

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
/* Add unless an equal string is there already. */
int rsc_strv_add_unique(struct rsc_strv *s, const char *str);
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
 * includes up to 16 deep; "hwcap" lines are ignored. Directories are added
 * to dirs in order, without duplicates. *newest (may be NULL) is raised to
 * the newest mtime of the files read and directories named (to judge
 * whether the cache is stale). A missing path is not an error (0).
 * Returns 0 or -ENOMEM.
 */
int rsc_ldconf_read(struct rsc_root *r, const char *path, struct rsc_strv *dirs,
		    struct timespec *newest);

/*
 * glob(3) inside the victim: every victim path matching the absolute pattern
 * (wildcards in any component, a leading '.' only matched explicitly), in
 * sorted order, at most RSC_LDCONF_MAX_FILES. Returns 0 (also for no match)
 * or -ENOMEM.
 */
int rsc_ldconf_glob(struct rsc_root *r, const char *pattern, struct rsc_strv *out);

#endif
