// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_ldso.c - the ELF reader and the ld.so-like resolver against hand-made
 * ELF trees (elffx.c) in a mkdtemp victim root: search order (DT_RPATH of
 * the chain, DT_RUNPATH not inherited, ld.so.cache, ld.so.conf, system
 * dirs), $ORIGIN/$LIB, loops, broken files, wrong-architecture candidates,
 * symlinks aimed outside the root; and `sshrescue ldd`'s output and status.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "cmd.h"
#include "elffx.h"
#include "elfinfo.h"
#include "ldso.h"
#include "ldso_int.h"
#include "root.h"
#include "testutil.h"
#include "util.h"

#define TRIPLET "/lib/x86_64-linux-gnu"
#define INTERP	"/lib64/ld-linux-x86-64.so.2"

struct fx {
	char *dir;
	struct rsc_root *root;
	struct rsc_ldso *l;
	struct rsc_ldso_result *res;
};

/* A victim with an interpreter and a libc in the Debian places. */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = tu_mkdtemp();
	tu_write(f->dir, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644, (uid_t)-1,
		 (gid_t)-1);
	tu_mkdir(f->dir, "usr/lib/x86_64-linux-gnu", 0755, (uid_t)-1, (gid_t)-1);
	elffx_write(f->dir, INTERP + 1, &(struct elffx){ .soname = "ld-linux-x86-64.so.2" }, 0);
	elffx_write(f->dir, TRIPLET "/libc.so.6" + 1,
		    &(struct elffx){ .soname = "libc.so.6", .needed = { "ld-linux-x86-64.so.2" } },
		    0);
	assert_int_equal(rsc_root_open(f->dir, &f->root), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	rsc_ldso_result_free(f->res);
	rsc_ldso_free(f->l);
	rsc_root_free(f->root);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* A program at rel needing the listed libraries, with interp and optional paths. */
static void prog(struct fx *f, const char *rel, const char *rpath, const char *runpath,
		 const char *n1, const char *n2)
{
	struct elffx e = { .interp = INTERP, .type = ET_DYN, .rpath = rpath, .runpath = runpath };
	size_t i = 0;

	if (n1)
		e.needed[i++] = n1;
	if (n2)
		e.needed[i++] = n2;
	e.needed[i++] = "libc.so.6";
	elffx_write(f->dir, rel, &e, 0);
}

static void lib(struct fx *f, const char *rel, const char *soname, const char *rpath,
		const char *runpath, const char *n1)
{
	elffx_write(
		f->dir, rel,
		&(struct elffx){
			.soname = soname, .rpath = rpath, .runpath = runpath, .needed = { n1 } },
		0);
}

static const struct rsc_ldso_result *resolve(struct fx *f, const char *path)
{
	rsc_ldso_result_free(f->res);
	f->res = NULL;
	rsc_ldso_free(f->l);
	assert_int_equal(rsc_ldso_new(f->root, &f->l), 0);
	assert_int_equal(rsc_ldso_resolve(f->l, path, &f->res), 0);
	assert_non_null(f->res);
	return f->res;
}

static const struct rsc_ldso_entry *entry(const struct rsc_ldso_result *res, const char *name)
{
	for (size_t i = 0; i < res->n_entries; i++)
		if (strcmp(res->entries[i].name, name) == 0)
			return &res->entries[i];
	fail_msg("no entry %s", name);
	return NULL;
}

static bool has_entry(const struct rsc_ldso_result *res, const char *name)
{
	for (size_t i = 0; i < res->n_entries; i++)
		if (strcmp(res->entries[i].name, name) == 0)
			return true;
	return false;
}

/* entry name resolves to path via via, without problems */
static void assert_found(const struct rsc_ldso_result *res, const char *name, const char *path,
			 enum rsc_ldso_via via)
{
	const struct rsc_ldso_entry *e = entry(res, name);

	assert_non_null(e->path);
	assert_string_equal(e->path, path);
	assert_int_equal(e->problems, 0);
	assert_int_equal(e->via, via);
}

static const char *needer(const struct rsc_ldso_result *res, const struct rsc_ldso_entry *e)
{
	return e->needed_by < 0 ? res->program : res->entries[e->needed_by].path;
}

static void test_default_dirs_and_interp(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;

	lib(f, "usr/lib/x86_64-linux-gnu/libz.so.1", "libz.so.1", NULL, NULL, NULL);
	prog(f, "usr/sbin/sshd", NULL, NULL, "libz.so.1", NULL);
	res = resolve(f, "/usr/sbin/sshd");
	assert_int_equal(res->problems, 0);
	assert_int_equal(res->elfclass, ELFCLASS64);
	assert_int_equal(res->machine, EM_X86_64);
	assert_string_equal(res->interp, INTERP);
	assert_int_equal(res->interp_problems, 0);
	assert_false(res->interp_implied);
	/* libc's DT_NEEDED ld-linux-x86-64.so.2 is the interpreter (by soname): no entry */
	assert_int_equal(res->n_entries, 2);
	assert_found(res, "libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1", RSC_LDSO_VIA_DEFAULT);
	assert_found(res, "libc.so.6", TRIPLET "/libc.so.6", RSC_LDSO_VIA_DEFAULT);
	assert_int_equal(entry(res, "libz.so.1")->needed_by, -1);
	assert_false(rsc_ldso_result_has_problems(res));
}

static void test_rpath_and_inherited(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;

	/* the copy in the rpath wins over the one in the system dirs */
	lib(f, "opt/a/libfoo.so.1", "libfoo.so.1", NULL, NULL, "libbar.so.1");
	lib(f, TRIPLET "/libfoo.so.1" + 1, "libfoo.so.1", NULL, NULL, NULL);
	/* libbar is needed by libfoo (no rpath of its own): the program's rpath is inherited */
	lib(f, "opt/a/libbar.so.1", "libbar.so.1", NULL, NULL, NULL);
	prog(f, "usr/bin/p", "/opt/a", NULL, "libfoo.so.1", NULL);
	res = resolve(f, "/usr/bin/p");
	assert_found(res, "libfoo.so.1", "/opt/a/libfoo.so.1", RSC_LDSO_VIA_RPATH);
	assert_found(res, "libbar.so.1", "/opt/a/libbar.so.1", RSC_LDSO_VIA_RPATH);
	assert_string_equal(needer(res, entry(res, "libbar.so.1")), "/opt/a/libfoo.so.1");
	assert_int_equal(res->n_entries, 3);
}

static void test_runpath_not_inherited(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;
	const struct rsc_ldso_entry *e;

	/* both DT_RPATH and DT_RUNPATH: the RPATH is ignored */
	lib(f, "opt/p/libfoo.so.1", "libfoo.so.1", NULL, NULL, NULL);
	lib(f, "opt/r/libfoo.so.1", "libfoo.so.1", NULL, NULL, "libbar.so.1");
	/* libbar is only in the program's runpath: not searched for libfoo's needs */
	lib(f, "opt/r/libbar.so.1", "libbar.so.1", NULL, NULL, NULL);
	prog(f, "usr/bin/p", "/opt/p", "/opt/r", "libfoo.so.1", NULL);
	res = resolve(f, "/usr/bin/p");
	assert_found(res, "libfoo.so.1", "/opt/r/libfoo.so.1", RSC_LDSO_VIA_RUNPATH);
	e = entry(res, "libbar.so.1");
	assert_null(e->path);
	assert_int_equal(e->problems, RSC_LDSO_MISSING);
	assert_int_equal(e->via, RSC_LDSO_VIA_NONE);
	assert_string_equal(needer(res, e), "/opt/r/libfoo.so.1");
	assert_true(rsc_ldso_result_has_problems(res));
}

static void test_runpath_stops_rpath_chain(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;

	/* libfoo has a DT_RUNPATH: the program's DT_RPATH is not used for libfoo's needs */
	lib(f, "opt/a/libfoo.so.1", "libfoo.so.1", NULL, "/opt/none", "libq.so.1");
	lib(f, "opt/a/libq.so.1", "libq.so.1", NULL, NULL, NULL);
	lib(f, "usr/lib/libq.so.1", "libq.so.1", NULL, NULL, NULL);
	prog(f, "usr/bin/p", "/opt/a", NULL, "libfoo.so.1", NULL);
	res = resolve(f, "/usr/bin/p");
	assert_found(res, "libfoo.so.1", "/opt/a/libfoo.so.1", RSC_LDSO_VIA_RPATH);
	assert_found(res, "libq.so.1", "/usr/lib/libq.so.1", RSC_LDSO_VIA_DEFAULT);
}

static void test_origin_lib(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;

	lib(f, "opt/app/lib/libfoo.so.1", "libfoo.so.1", NULL, "${ORIGIN}/private", "libp.so.1");
	lib(f, "opt/app/lib/private/libp.so.1", "libp.so.1", NULL, "/opt/$LIB", "libl.so.1");
	lib(f, "opt/lib/x86_64-linux-gnu/libl.so.1", "libl.so.1", NULL, NULL, NULL);
	prog(f, "opt/app/bin/p", "$ORIGIN/../lib", NULL, "libfoo.so.1", NULL);
	/* $ORIGIN of the program is its canonical directory, as from /proc/self/exe */
	tu_symlink(f->dir, "usr/bin/p", "/opt/app/bin/p");
	res = resolve(f, "/usr/bin/p");
	assert_found(res, "libfoo.so.1", "/opt/app/bin/../lib/libfoo.so.1", RSC_LDSO_VIA_RPATH);
	assert_found(res, "libp.so.1", "/opt/app/bin/../lib/private/libp.so.1",
		     RSC_LDSO_VIA_RUNPATH);
	assert_found(res, "libl.so.1", "/opt/lib/x86_64-linux-gnu/libl.so.1", RSC_LDSO_VIA_RUNPATH);
}

static void test_loop(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;

	lib(f, TRIPLET "/liba.so.1" + 1, "liba.so.1", NULL, NULL, "libb.so.1");
	lib(f, TRIPLET "/libb.so.1" + 1, "libb.so.1", NULL, NULL, "liba.so.1");
	prog(f, "usr/bin/p", NULL, NULL, "liba.so.1", "libb.so.1");
	res = resolve(f, "/usr/bin/p");
	assert_int_equal(res->n_entries, 3);
	assert_found(res, "liba.so.1", TRIPLET "/liba.so.1", RSC_LDSO_VIA_DEFAULT);
	assert_found(res, "libb.so.1", TRIPLET "/libb.so.1", RSC_LDSO_VIA_DEFAULT);
	assert_false(res->capped);
}

static void test_soname_and_same_file_loaded_once(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;

	/* libx.so is the dev name; libdep needs it by soname: matched, not loaded twice */
	lib(f, TRIPLET "/libx.so" + 1, "libx.so.1", NULL, NULL, NULL);
	lib(f, TRIPLET "/libx.so.1" + 1, "libx.so.1", NULL, NULL, NULL);
	lib(f, TRIPLET "/libdep.so.1" + 1, "libdep.so.1", NULL, NULL, "libx.so.1");
	/* libalias.so.1 is a symlink to libdep.so.1: the same file, one object */
	tu_symlink(f->dir, TRIPLET "/libalias.so.1" + 1, "libdep.so.1");
	prog(f, "usr/bin/p", NULL, NULL, "libx.so", "libdep.so.1");
	elffx_write(f->dir, "usr/bin/q",
		    &(struct elffx){ .interp = INTERP,
				     .needed = { "libdep.so.1", "libalias.so.1", "libc.so.6" } },
		    0);
	res = resolve(f, "/usr/bin/p");
	assert_int_equal(res->n_entries, 3);
	assert_found(res, "libx.so", TRIPLET "/libx.so", RSC_LDSO_VIA_DEFAULT);
	assert_false(has_entry(res, "libx.so.1"));
	res = resolve(f, "/usr/bin/q");
	assert_false(has_entry(res, "libalias.so.1"));
	assert_int_equal(res->n_entries, 3); /* libdep, libc, libx.so.1 */
	assert_found(res, "libx.so.1", TRIPLET "/libx.so.1", RSC_LDSO_VIA_DEFAULT);
}

static void test_broken_files(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;
	const struct rsc_ldso_entry *e;

	/* cut inside the program headers: truncated; the good copy further on is not used */
	elffx_write(f->dir, TRIPLET "/libt.so.1" + 1, &(struct elffx){ .soname = "libt.so.1" },
		    100);
	lib(f, "usr/lib/libt.so.1", "libt.so.1", NULL, NULL, NULL);
	tu_write(f->dir, TRIPLET "/libzero.so.1" + 1, "", 0644, (uid_t)-1, (gid_t)-1);
	tu_write(f->dir, TRIPLET "/libtxt.so.1" + 1, "INPUT(-lfoo)\n", 0644, (uid_t)-1, (gid_t)-1);
	prog(f, "usr/bin/p", NULL, NULL, "libt.so.1", "libzero.so.1");
	elffx_write(f->dir, "usr/bin/q",
		    &(struct elffx){ .interp = INTERP, .needed = { "libtxt.so.1", "libc.so.6" } },
		    0);
	res = resolve(f, "/usr/bin/p");
	e = entry(res, "libt.so.1");
	assert_string_equal(e->path, TRIPLET "/libt.so.1");
	assert_int_equal(e->problems, RSC_LDSO_TRUNCATED);
	assert_non_null(strstr(e->detail, "program headers"));
	e = entry(res, "libzero.so.1");
	assert_string_equal(e->path, TRIPLET "/libzero.so.1");
	assert_int_equal(e->problems, RSC_LDSO_EMPTY);
	res = resolve(f, "/usr/bin/q");
	e = entry(res, "libtxt.so.1");
	assert_string_equal(e->path, TRIPLET "/libtxt.so.1");
	assert_int_equal(e->problems, RSC_LDSO_NOT_ELF);
}

static void test_dangling_symlink(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;
	const struct rsc_ldso_entry *e;

	tu_symlink(f->dir, TRIPLET "/libcrypto.so.3" + 1, "libcrypto.so.3.0");
	prog(f, "usr/sbin/sshd", NULL, NULL, "libcrypto.so.3", NULL);
	res = resolve(f, "/usr/sbin/sshd");
	e = entry(res, "libcrypto.so.3");
	assert_null(e->path);
	assert_int_equal(e->problems, RSC_LDSO_MISSING | RSC_LDSO_DANGLING);
	assert_string_equal(e->detail, TRIPLET "/libcrypto.so.3 is a dangling symlink to "
					       "libcrypto.so.3.0");
	assert_string_equal(needer(res, e), "/usr/sbin/sshd");
}

static void test_wrong_class_skipped(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;
	const struct rsc_ldso_entry *e;

	/* a 32-bit copy first in the search: skipped, the 64-bit one further on is used */
	elffx_write(f->dir, TRIPLET "/libw.so.1" + 1, &(struct elffx){ .bits = 32 }, 0);
	lib(f, "usr/lib/x86_64-linux-gnu/libw.so.1", "libw.so.1", NULL, NULL, NULL);
	/* only 32-bit (and an aarch64) copies: not found, wrong architecture */
	elffx_write(f->dir, TRIPLET "/libv.so.1" + 1, &(struct elffx){ .bits = 32 }, 0);
	elffx_write(f->dir, "usr/lib/libv.so.1", &(struct elffx){ .machine = EM_AARCH64 }, 0);
	prog(f, "usr/bin/p", NULL, NULL, "libw.so.1", "libv.so.1");
	res = resolve(f, "/usr/bin/p");
	assert_found(res, "libw.so.1", "/usr/lib/x86_64-linux-gnu/libw.so.1", RSC_LDSO_VIA_DEFAULT);
	e = entry(res, "libv.so.1");
	assert_null(e->path);
	assert_int_equal(e->problems, RSC_LDSO_MISSING | RSC_LDSO_WRONG_ARCH);
	assert_string_equal(e->detail, TRIPLET "/libv.so.1 is ELF32 LSB Intel 80386; "
					       "/usr/lib/libv.so.1 is ELF64 LSB AArch64");
	/* a truncated 32-bit copy is skipped too: ld.so looks at the class first */
	elffx_write(f->dir, TRIPLET "/libu.so.1" + 1, &(struct elffx){ .bits = 32 }, 60);
	lib(f, "usr/lib/libu.so.1", "libu.so.1", NULL, NULL, NULL);
	/* another OS ABI: ld.so fails on it ("ELF file OS ABI invalid") */
	{
		size_t len;
		unsigned char *b = elffx_build(&(struct elffx){ .soname = "libo.so.1" }, &len);

		b[EI_OSABI] = ELFOSABI_FREEBSD;
		elffx_write_blob(f->dir, TRIPLET "/libo.so.1" + 1, b, len);
		free(b);
	}
	elffx_write(f->dir, "usr/bin/q",
		    &(struct elffx){ .interp = INTERP, .needed = { "libu.so.1", "libo.so.1" } }, 0);
	res = resolve(f, "/usr/bin/q");
	assert_found(res, "libu.so.1", "/usr/lib/libu.so.1", RSC_LDSO_VIA_DEFAULT);
	e = entry(res, "libo.so.1");
	assert_string_equal(e->path, TRIPLET "/libo.so.1");
	assert_int_equal(e->problems, RSC_LDSO_NOT_ELF);
}

/* ld.so.cache writer: the new format, or the old one. */
struct centry {
	int32_t flags;
	const char *key, *value;
};

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static unsigned char *make_cache(const struct centry *e, size_t n, bool old, size_t *len)
{
	size_t hdr = old ? 16 : 48, esz = old ? 12 : 24, strs = hdr + n * esz, slen = 0;
	unsigned char *b = calloc(1, strs + 4096);

	assert_non_null(b);
	memcpy(b, old ? "ld.so-1.7.0" : "glibc-ld.so.cache1.1", old ? 11 : 20);
	put32(b + (old ? 12 : 20), (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		unsigned char *p = b + hdr + i * esz;
		size_t base = old ? 0 : strs; /* old: relative to the string table */

		put32(p, (uint32_t)e[i].flags);
		put32(p + 4, (uint32_t)(base + slen));
		memcpy(b + strs + slen, e[i].key, strlen(e[i].key) + 1);
		slen += strlen(e[i].key) + 1;
		put32(p + 8, (uint32_t)(base + slen));
		memcpy(b + strs + slen, e[i].value, strlen(e[i].value) + 1);
		slen += strlen(e[i].value) + 1;
	}
	if (!old) {
		put32(b + 24, (uint32_t)slen);
		b[28] = 2; /* little-endian */
	}
	*len = strs + slen;
	return b;
}

static void test_ld_so_cache(void **state)
{
	struct fx *f = *state;
	const struct centry ents[] = {
		{ 0x0003, "libcached.so.1", "/srv/i386/libcached.so.1" }, /* i386 flags: no */
		{ 0x0303, "libcached.so.1", "/srv/cache/libcached.so.1" },
		{ 0x0303, "libgone.so.1", "/srv/cache/libgone.so.1" }, /* stale entry */
	};
	const struct rsc_ldso_result *res;

	for (int old = 0; old <= 1; old++) {
		size_t len;
		unsigned char *c = make_cache(ents, ARRAY_SIZE(ents), old, &len);

		elffx_write_blob(f->dir, "etc/ld.so.cache", c, len);
		free(c);
		lib(f, "srv/i386/libcached.so.1", "libcached.so.1", NULL, NULL, NULL);
		lib(f, "srv/cache/libcached.so.1", "libcached.so.1", NULL, NULL, NULL);
		lib(f, "usr/lib/libgone.so.1", "libgone.so.1", NULL, NULL, NULL);
		prog(f, "usr/bin/p", NULL, NULL, "libcached.so.1", "libgone.so.1");
		res = resolve(f, "/usr/bin/p");
		/* the first entry has i386 flags: not for an x86-64 program */
		assert_found(res, "libcached.so.1", "/srv/cache/libcached.so.1",
			     RSC_LDSO_VIA_CACHE);
		/* the cached path is gone: ld.so goes on to the system dirs */
		assert_found(res, "libgone.so.1", "/usr/lib/libgone.so.1", RSC_LDSO_VIA_DEFAULT);
	}
}

static void test_cache_parser_bounds(void **state)
{
	const struct centry ents[] = { { 0x0303, "libok.so.1", "/lib/libok.so.1" } };
	struct rsc_ldcache *c = NULL;
	unsigned char *b;
	size_t len;

	(void)state;
	b = make_cache(ents, 1, false, &len);
	assert_int_equal(rsc_ldcache_parse(b, len, false, &c), 0);
	assert_int_equal(c->n, 1);
	assert_string_equal(rsc_ldcache_lookup(c, "libok.so.1", (int32_t[]){ 0x0303 }, 1),
			    "/lib/libok.so.1");
	assert_null(rsc_ldcache_lookup(c, "libok.so.1", (int32_t[]){ 0x0003 }, 1));
	rsc_ldcache_free(c);
	/* the last string cut: not NUL-terminated inside the file */
	assert_int_equal(rsc_ldcache_parse(b, len - 1, false, &c), -EINVAL);
	/* more entries than the file holds */
	put32(b + 20, 0x10000000);
	assert_int_equal(rsc_ldcache_parse(b, len, false, &c), -EINVAL);
	put32(b + 20, 1);
	/* a string offset beyond the file */
	put32(b + 48 + 8, 0xfffffff0);
	assert_int_equal(rsc_ldcache_parse(b, len, false, &c), -EINVAL);
	assert_int_equal(rsc_ldcache_parse("glibc-ld.so.cache1.1", 20, false, &c), -EINVAL);
	assert_int_equal(rsc_ldcache_parse("not a cache", 11, false, &c), -EINVAL);
	assert_null(c);
	free(b);
}

static void test_ld_so_conf_include_glob(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;
	const struct rsc_ldso_entry *e;
	struct rsc_strv dirs = { 0 };

	tu_write(f->dir, "etc/ld.so.conf", "# comment\ninclude /etc/ld.so.conf.d/*.conf\n", 0644,
		 (uid_t)-1, (gid_t)-1);
	tu_write(f->dir, "etc/ld.so.conf.d/b.conf", "/srv/b/ # trailing slash and comment\n", 0644,
		 (uid_t)-1, (gid_t)-1);
	tu_write(f->dir, "etc/ld.so.conf.d/a.conf", "  /srv/a\ninclude sub/*.conf\n", 0644,
		 (uid_t)-1, (gid_t)-1);
	tu_write(f->dir, "etc/ld.so.conf.d/sub/c.conf", "/srv/c=libc6\n", 0644, (uid_t)-1,
		 (gid_t)-1);
	tu_write(f->dir, "etc/ld.so.conf.d/x.conf.disabled", "/srv/x\n", 0644, (uid_t)-1,
		 (gid_t)-1);
	assert_int_equal(rsc_ldconf_read(f->root, "/etc/ld.so.conf", &dirs, NULL), 0);
	assert_int_equal(dirs.n, 3);
	assert_string_equal(dirs.v[0], "/srv/a");
	assert_string_equal(dirs.v[1], "/srv/c");
	assert_string_equal(dirs.v[2], "/srv/b");
	rsc_strv_free(&dirs);

	lib(f, "srv/c/libconf.so.1", "libconf.so.1", NULL, NULL, NULL);
	lib(f, "srv/x/libx.so.1", "libx.so.1", NULL, NULL, NULL);
	prog(f, "usr/bin/p", NULL, NULL, "libconf.so.1", "libx.so.1");
	/* no ld.so.cache: the ld.so.conf directories are searched */
	res = resolve(f, "/usr/bin/p");
	assert_found(res, "libconf.so.1", "/srv/c/libconf.so.1", RSC_LDSO_VIA_CONF);
	e = entry(res, "libx.so.1");
	assert_int_equal(e->problems, RSC_LDSO_MISSING);
}

static void test_symlink_outside_root(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;

	/* absolute and ../-climbing links: they resolve inside the victim, where the libraries
	   are; on the helper /etc/hostname is not an ELF file */
	lib(f, "etc/hostname", "libout.so.1", NULL, NULL, NULL);
	tu_symlink(f->dir, TRIPLET "/libout.so.1" + 1, "/etc/hostname");
	lib(f, "srv/up/libup.so.1", "libup.so.1", NULL, NULL, NULL);
	tu_symlink(f->dir, TRIPLET "/libup.so.1" + 1, "../../../../../../../../srv/up/libup.so.1");
	prog(f, "usr/bin/p", NULL, NULL, "libout.so.1", "libup.so.1");
	res = resolve(f, "/usr/bin/p");
	assert_found(res, "libout.so.1", TRIPLET "/libout.so.1", RSC_LDSO_VIA_DEFAULT);
	assert_found(res, "libup.so.1", TRIPLET "/libup.so.1", RSC_LDSO_VIA_DEFAULT);
	assert_false(rsc_ldso_result_has_problems(res));
}

static void test_program_and_interp_problems(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;

	res = resolve(f, "/usr/sbin/nosuch");
	assert_int_equal(res->problems, RSC_LDSO_MISSING);
	tu_write(f->dir, "usr/sbin/sshd", "", 0755, (uid_t)-1, (gid_t)-1);
	res = resolve(f, "/usr/sbin/sshd");
	assert_int_equal(res->problems, RSC_LDSO_EMPTY);
	elffx_write(f->dir, "usr/bin/p",
		    &(struct elffx){ .interp = "/lib/ld-nosuch.so.2", .needed = { "libc.so.6" } },
		    0);
	res = resolve(f, "/usr/bin/p");
	assert_int_equal(res->problems, 0);
	assert_string_equal(res->interp, "/lib/ld-nosuch.so.2");
	assert_int_equal(res->interp_problems, RSC_LDSO_MISSING);
	assert_true(rsc_ldso_result_has_problems(res));
	/* libc's ld-linux-x86-64.so.2 is then an ordinary library, from the system dirs */
	assert_true(has_entry(res, "ld-linux-x86-64.so.2"));
	elffx_write(f->dir, "usr/bin/static", &(struct elffx){ .no_dynamic = 1, .type = ET_EXEC },
		    0);
	res = resolve(f, "/usr/bin/static");
	assert_true(res->is_static);
	assert_int_equal(res->n_entries, 0);
	/* a library (PAM module) has no PT_INTERP: the usual one is implied */
	lib(f, TRIPLET "/security/pam_x.so" + 1, NULL, NULL, NULL, "libc.so.6");
	res = resolve(f, TRIPLET "/security/pam_x.so");
	assert_true(res->interp_implied);
	assert_string_equal(res->interp, INTERP);
	assert_int_equal(res->n_entries, 1);
}

static void test_elf_parse_mem(void **state)
{
	struct rsc_elf_info e;
	unsigned char *b;
	size_t len;

	(void)state;
	b = elffx_build(&(struct elffx){ .bits = 32,
					 .interp = "/lib/ld-linux.so.2",
					 .soname = "libq.so.2",
					 .rpath = "/r",
					 .needed = { "liba.so", "libb.so" } },
			&len);
	assert_int_equal(rsc_elf_parse_mem(b, len, &e), 0);
	assert_int_equal(e.status, RSC_ELF_OK);
	assert_int_equal(e.elfclass, ELFCLASS32);
	assert_int_equal(e.machine, EM_386);
	assert_string_equal(e.interp, "/lib/ld-linux.so.2");
	assert_string_equal(e.soname, "libq.so.2");
	assert_string_equal(e.rpath, "/r");
	assert_null(e.runpath);
	assert_int_equal(e.n_needed, 2);
	assert_string_equal(e.needed[1], "libb.so");
	rsc_elf_info_clear(&e);
	/* every cut of the file is reported, never read past */
	for (size_t cut = 0; cut < len; cut++) {
		assert_int_equal(rsc_elf_parse_mem(b, cut, &e), 0);
		assert_int_not_equal(e.status, RSC_ELF_OK);
		assert_true(cut == 0 ? e.status == RSC_ELF_EMPTY : e.status == RSC_ELF_TRUNCATED);
		rsc_elf_info_clear(&e);
	}
	free(b);
	assert_int_equal(rsc_elf_parse_mem("#!/bin/sh\n", 10, &e), 0);
	assert_int_equal(e.status, RSC_ELF_NOT_ELF);
	rsc_elf_info_clear(&e);
	b = elffx_build(&(struct elffx){ .runpath = "/u", .rpath = "/r" }, &len);
	assert_int_equal(rsc_elf_parse_mem(b, len, &e), 0);
	assert_string_equal(e.runpath, "/u");
	assert_null(e.rpath); /* ignored when there is a DT_RUNPATH, like ld.so */
	rsc_elf_info_clear(&e);
	free(b);
}

static void test_slash_names_dirs_and_platform(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;
	const struct rsc_ldso_entry *e;

	/* a DT_NEEDED with '/' is opened as it is ($ORIGIN expanded), no search */
	lib(f, "opt/app/plugins/libplug.so", "libplug.so", NULL, NULL, NULL);
	lib(f, "opt/x86_64/libplat.so.1", "libplat.so.1", NULL, NULL, NULL);
	/* a directory where a library should be: ld.so fails on it, the search stops */
	tu_mkdir(f->dir, TRIPLET "/libdir.so.1" + 1, 0755, (uid_t)-1, (gid_t)-1);
	lib(f, "usr/lib/libdir.so.1", "libdir.so.1", NULL, NULL, NULL);
	elffx_write(f->dir, "opt/app/p",
		    &(struct elffx){ .interp = INTERP,
				     .runpath = "/opt/$PLATFORM",
				     .needed = { "$ORIGIN/plugins/libplug.so", "libplat.so.1",
						 "libdir.so.1", "libc.so.6" } },
		    0);
	res = resolve(f, "/opt/app/p");
	assert_found(res, "$ORIGIN/plugins/libplug.so", "/opt/app/plugins/libplug.so",
		     RSC_LDSO_VIA_PATH);
	assert_found(res, "libplat.so.1", "/opt/x86_64/libplat.so.1", RSC_LDSO_VIA_RUNPATH);
	e = entry(res, "libdir.so.1");
	assert_string_equal(e->path, TRIPLET "/libdir.so.1");
	assert_int_equal(e->problems, RSC_LDSO_NOT_ELF);
}

static void test_nodeflib(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;

	/* DF_1_NODEFLIB: the system directories are not searched for the object's needs */
	lib(f, "usr/lib/libn.so.1", "libn.so.1", NULL, NULL, NULL);
	elffx_write(f->dir, "usr/bin/p",
		    &(struct elffx){
			    .interp = INTERP, .flags_1 = DF_1_NODEFLIB, .needed = { "libn.so.1" } },
		    0);
	res = resolve(f, "/usr/bin/p");
	assert_int_equal(entry(res, "libn.so.1")->problems, RSC_LDSO_MISSING);
}

static void test_stale_cache_uses_conf(void **state)
{
	struct fx *f = *state;
	const struct centry ents[] = { { 0x0303, "libc.so.6", TRIPLET "/libc.so.6" } };
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	const struct rsc_ldso_result *res;
	char *path = NULL;
	unsigned char *c;
	size_t len;

	c = make_cache(ents, 1, false, &len);
	elffx_write_blob(f->dir, "etc/ld.so.cache", c, len);
	free(c);
	tu_write(f->dir, "etc/ld.so.conf", "/usr/local/lib\n", 0644, (uid_t)-1, (gid_t)-1);
	lib(f, "usr/local/lib/liblocal.so.1", "liblocal.so.1", NULL, NULL, NULL);
	prog(f, "usr/bin/p", NULL, NULL, "liblocal.so.1", NULL);
	/* everything older than the cache: the cache is trusted, like ld.so does */
	for (const char *const *rel =
		     (const char *const[]){ "etc/ld.so.conf", "usr/local/lib", NULL };
	     *rel; rel++) {
		assert_true(asprintf(&path, "%s/%s", f->dir, *rel) > 0);
		assert_int_equal(utimensat(AT_FDCWD, path, old, AT_SYMLINK_NOFOLLOW), 0);
		free(path);
	}
	res = resolve(f, "/usr/bin/p");
	assert_int_equal(entry(res, "liblocal.so.1")->problems, RSC_LDSO_MISSING);
	assert_found(res, "libc.so.6", TRIPLET "/libc.so.6", RSC_LDSO_VIA_CACHE);
	/* ld.so.conf newer than the cache (ldconfig not run since): its dirs are searched too */
	tu_write(f->dir, "etc/ld.so.conf", "/usr/local/lib\n", 0644, (uid_t)-1, (gid_t)-1);
	old[0].tv_sec = old[1].tv_sec = 1000000000 - 10;
	assert_true(asprintf(&path, "%s/etc/ld.so.cache", f->dir) > 0);
	assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
	free(path);
	res = resolve(f, "/usr/bin/p");
	assert_found(res, "liblocal.so.1", "/usr/local/lib/liblocal.so.1", RSC_LDSO_VIA_CONF);
}

static void test_object_cap(void **state)
{
	struct fx *f = *state;
	const struct rsc_ldso_result *res;
	char rel[64], next[32];

	/* a chain of 1100 libraries: resolution stops at RSC_LDSO_MAX_OBJECTS and says so */
	for (int i = 0; i < 1100; i++) {
		snprintf(rel, sizeof(rel), "usr/lib/libc%d.so", i);
		snprintf(next, sizeof(next), "libc%d.so", i + 1);
		lib(f, rel, NULL, NULL, NULL, next);
	}
	prog(f, "usr/bin/p", NULL, NULL, "libc0.so", NULL);
	res = resolve(f, "/usr/bin/p");
	assert_true(res->capped);
	assert_true(res->n_entries <= RSC_LDSO_MAX_OBJECTS);
	assert_true(rsc_ldso_result_has_problems(res));
}

/* `sshrescue ldd`: output lines and exit status. */
static int run_ldd(struct fx *f, char **paths, int n, bool json, char **out)
{
	struct tu_cap c, e;
	struct rsc_opts o = { .target = f->dir, .json = json };
	int status;

	o.out = tu_cap_open(&c);
	o.err = tu_cap_open(&e);
	status = rsc_cmd_ldd(&o, paths, n);
	tu_cap_close(&c);
	tu_cap_close(&e);
	*out = c.text;
	free(e.text);
	return status;
}

static void test_cmd_ldd(void **state)
{
	struct fx *f = *state;
	char *out = NULL;

	lib(f, TRIPLET "/libbar.so.2" + 1, "libbar.so.2", NULL, NULL, "libfoo.so.1");
	prog(f, "usr/sbin/sshd", NULL, NULL, "libbar.so.2", NULL);
	prog(f, "bin/bash", NULL, NULL, NULL, NULL);
	assert_int_equal(run_ldd(f, (char *[]){ "/bin/bash" }, 1, false, &out), RSC_EXIT_OK);
	assert_string_equal(out, "\tlibc.so.6 => " TRIPLET "/libc.so.6\n\t" INTERP "\n");
	free(out);
	assert_int_equal(run_ldd(f, (char *[]){ "/usr/sbin/sshd", "/bin/bash" }, 2, false, &out),
			 RSC_EXIT_LEFT);
	assert_string_equal(out, "/usr/sbin/sshd:\n"
				 "\tlibbar.so.2 => " TRIPLET "/libbar.so.2\n"
				 "\tlibc.so.6 => " TRIPLET "/libc.so.6\n"
				 "\tlibfoo.so.1 => not found (needed by " TRIPLET "/libbar.so.2)\n"
				 "\t" INTERP "\n"
				 "/bin/bash:\n"
				 "\tlibc.so.6 => " TRIPLET "/libc.so.6\n"
				 "\t" INTERP "\n");
	free(out);
	assert_int_equal(run_ldd(f, (char *[]){ "/usr/sbin/sshd" }, 1, true, &out), RSC_EXIT_LEFT);
	{
		struct json_object *top = json_tokener_parse(out), *libs, *foo, *by;

		assert_non_null(top);
		assert_int_equal(json_object_get_int(json_object_object_get(top, "exit_status")),
				 4);
		libs = json_object_object_get(
			json_object_array_get_idx(json_object_object_get(top, "programs"), 0),
			"libraries");
		assert_int_equal(json_object_array_length(libs), 3);
		foo = json_object_array_get_idx(libs, 2);
		assert_string_equal(json_object_get_string(json_object_object_get(foo, "name")),
				    "libfoo.so.1");
		assert_true(
			json_object_is_type(json_object_object_get(foo, "path"), json_type_null));
		assert_string_equal(json_object_get_string(json_object_array_get_idx(
					    json_object_object_get(foo, "problems"), 0)),
				    "missing");
		by = json_object_object_get(foo, "needed_by");
		assert_int_equal(json_object_array_length(by), 2);
		assert_string_equal(json_object_get_string(json_object_array_get_idx(by, 0)),
				    TRIPLET "/libbar.so.2");
		assert_string_equal(json_object_get_string(json_object_array_get_idx(by, 1)),
				    "/usr/sbin/sshd");
		json_object_put(top);
	}
	free(out);
	assert_int_equal(run_ldd(f, (char *[]){ "usr/sbin/sshd" }, 1, false, &out), RSC_EXIT_USAGE);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_dirs_and_interp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rpath_and_inherited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runpath_not_inherited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runpath_stops_rpath_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_origin_lib, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_soname_and_same_file_loaded_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_broken_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dangling_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_class_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ld_so_cache, setup, teardown),
		cmocka_unit_test(test_cache_parser_bounds),
		cmocka_unit_test_setup_teardown(test_ld_so_conf_include_glob, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_outside_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_program_and_interp_problems, setup, teardown),
		cmocka_unit_test(test_elf_parse_mem),
		cmocka_unit_test_setup_teardown(test_slash_names_dirs_and_platform, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_nodeflib, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_cache_uses_conf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_object_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmd_ldd, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
