/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * elffx.h - a tiny ELF writer for the tests: minimal ELF64 or ELF32 little-endian
 * objects with one PT_LOAD covering the file, optional PT_INTERP, and a
 * PT_DYNAMIC with DT_NEEDED, DT_RPATH, DT_RUNPATH, DT_SONAME, DT_STRTAB, DT_STRSZ.
 */
#ifndef RSC_ELFFX_H
#define RSC_ELFFX_H

#include <stddef.h>
#include <stdint.h>

#define ELFFX_MAX_NEEDED 16

struct elffx {
	int bits;	  /* 64 (default when 0) or 32 */
	uint16_t machine; /* default: EM_X86_64 for 64, EM_386 for 32 */
	uint16_t type;	  /* default ET_DYN */
	const char *interp;
	const char *soname;
	const char *rpath;
	const char *runpath;
	const char *needed[ELFFX_MAX_NEEDED]; /* NULL-terminated */
	unsigned long flags_1;		      /* DT_FLAGS_1 when not 0 */
	int no_dynamic;			      /* a static program: no PT_DYNAMIC */
};

/* The file in a new buffer (caller frees), *len its size. Fails the test on ENOMEM. */
unsigned char *elffx_build(const struct elffx *f, size_t *len);
/* Write len bytes of buf as dir/rel (parents made), mode 0755. */
void elffx_write_blob(const char *dir, const char *rel, const void *buf, size_t len);
/* Write it as dir/rel (parents made), mode 0755; keep only the first cut bytes when cut > 0. */
void elffx_write(const char *dir, const char *rel, const struct elffx *f, size_t cut);

#endif
