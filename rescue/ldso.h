/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ldso.h - resolve the shared libraries of a victim's program as the
 * victim's glibc ld.so would, entirely inside the victim root.
 *
 * The rules are those of glibc's elf/dl-load.c: for a DT_NEEDED name
 * without '/', the DT_RPATH of the object that needs it and of the chain of
 * objects that loaded it (only when that object has no DT_RUNPATH), then
 * that object's DT_RUNPATH (never inherited), then the victim's
 * /etc/ld.so.cache, then the system directories of the victim's
 * architecture. LD_LIBRARY_PATH is ignored (a booting sshd has none).
 * $ORIGIN, $LIB and $PLATFORM are expanded. A candidate of the wrong ELF
 * class or machine is skipped and the search goes on; an object already
 * loaded under the same name or soname (or the same file) is not loaded
 * twice, so loops end. Dependencies are loaded breadth-first, in ld.so's
 * order, and each loaded object is one entry, like `ld.so --list` prints.
 *
 * One difference on purpose: when the victim has no usable ld.so.cache, or
 * it is older than its ld.so.conf (or a directory named there), the
 * directories of /etc/ld.so.conf (include globs expanded inside the victim)
 * are searched after the cache; an entry found that way says so
 * (RSC_LDSO_VIA_CONF): ld.so itself would not find it until ldconfig runs.
 */
#ifndef RSC_LDSO_H
#define RSC_LDSO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rsc_root;
struct rsc_ldso;

/* At most this many objects per program (ld.so has no limit; loops cannot make more). */
#define RSC_LDSO_MAX_OBJECTS 1024

/* Where an entry was found. */
enum rsc_ldso_via {
	RSC_LDSO_VIA_NONE = 0, /* not found */
	RSC_LDSO_VIA_PATH,     /* the name contains '/' */
	RSC_LDSO_VIA_RPATH,
	RSC_LDSO_VIA_RUNPATH,
	RSC_LDSO_VIA_CACHE,   /* /etc/ld.so.cache */
	RSC_LDSO_VIA_CONF,    /* /etc/ld.so.conf, cache missing or stale (see above) */
	RSC_LDSO_VIA_DEFAULT, /* the system directories */
	RSC_LDSO_VIA_INTERP,  /* the program interpreter (PT_INTERP) */
};

/* Problems of an entry (or of the program itself, or of its interpreter): a bitmask. */
enum {
	RSC_LDSO_MISSING = 1 << 0,    /* not found anywhere */
	RSC_LDSO_DANGLING = 1 << 1,   /* with MISSING: a candidate was a dangling symlink */
	RSC_LDSO_WRONG_ARCH = 1 << 2, /* with MISSING: only wrong class/machine candidates */
	RSC_LDSO_EMPTY = 1 << 3,      /* found, but zero bytes long */
	RSC_LDSO_TRUNCATED = 1 << 4,  /* found, but cut short */
	RSC_LDSO_NOT_ELF = 1 << 5,    /* found, but not a (usable) ELF object */
	RSC_LDSO_UNREADABLE = 1 << 6, /* found, but cannot be read (EACCES, EIO, ...) */
};

struct rsc_ldso_entry {
	char *name;    /* the DT_NEEDED string, as written in the object */
	char *path;    /* the victim path ld.so would use (as ld.so names it, not
				 canonical), NULL when not found */
	int needed_by; /* index in entries of the object that first needed it; -1: the
				 program itself */
	enum rsc_ldso_via via;
	unsigned problems; /* RSC_LDSO_* */
	char *detail;	   /* human detail of the problems (candidates rejected), or NULL */
	unsigned char elfclass;
	uint16_t machine;
};

struct rsc_ldso_result {
	/* the victim path asked for */
	char *program;
	/* problems of the program itself (MISSING, DANGLING, EMPTY, ...) and their detail */
	unsigned problems;
	char *detail;
	/* the program's ELF class and machine, which the libraries must match */
	unsigned char elfclass;
	uint16_t machine;
	/* no DT_NEEDED (ld.so --list: "statically linked"); a PT_INTERP is still checked */
	bool is_static;
	/*
	 * PT_INTERP; for a program without one (a library, a PAM module) the usual
	 * interpreter of its architecture when it exists (interp_implied), else NULL.
	 * Problems (MISSING, EMPTY, NOT_ELF, ...) are only reported for a real PT_INTERP.
	 */
	char *interp;
	bool interp_implied;
	unsigned interp_problems;
	char *interp_detail;
	/* load order, without the program and its interpreter */
	struct rsc_ldso_entry *entries;
	size_t n_entries;
	/* RSC_LDSO_MAX_OBJECTS was reached */
	bool capped;
};

/*
 * A resolver for the victim root r (borrowed: it must outlive the
 * resolver). The victim's ld.so.cache and ld.so.conf are read once, when
 * first needed. Returns 0 or -ENOMEM.
 */
int rsc_ldso_new(struct rsc_root *r, struct rsc_ldso **out);
void rsc_ldso_free(struct rsc_ldso *l);

/*
 * Resolve the program at victim path (absolute). *out is the caller's
 * (rsc_ldso_result_free()) and is also returned when the program itself is
 * missing or broken: then res->problems says why. Returns 0 or -ENOMEM.
 */
int rsc_ldso_resolve(struct rsc_ldso *l, const char *path, struct rsc_ldso_result **out);
void rsc_ldso_result_free(struct rsc_ldso_result *res);

/* true when the program, its interpreter or any entry has a problem. */
bool rsc_ldso_result_has_problems(const struct rsc_ldso_result *res);

/* "missing", "dangling-symlink", "wrong-architecture", "zero-size", "truncated", "not-elf",
   "unreadable": the name of one RSC_LDSO_* bit. */
const char *rsc_ldso_problem_name(unsigned bit);
/* "path", "rpath", "runpath", "ld.so.cache", "ld.so.conf", "default", "interpreter", "none" */
const char *rsc_ldso_via_name(enum rsc_ldso_via via);

#endif
