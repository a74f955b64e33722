// SPDX-License-Identifier: GPL-2.0-or-later
/* elffx.c - the ELF writer of the tests (elffx.h). Little-endian hosts only. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "elffx.h"
#include "testutil.h"

struct strtab {
	char buf[4096];
	size_t len;
};

static uint32_t add_str(struct strtab *t, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t off = (uint32_t)t->len;

	assert_true(t->len + n <= sizeof(t->buf));
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	return off;
}

struct dyn {
	int64_t tag;
	uint64_t val;
};

unsigned char *elffx_build(const struct elffx *f, size_t *len)
{
	bool is64 = f->bits != 32;
	size_t ehsz = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t phsz = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	size_t dynsz = is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
	size_t nph = 1 + (f->interp ? 1 : 0) + (f->no_dynamic ? 0 : 1);
	struct strtab st = { .len = 1 };
	struct dyn d[ELFFX_MAX_NEEDED + 8];
	size_t nd = 0, off_interp, off_str, off_dyn, total, interp_len = 0;
	unsigned char *b;

	for (size_t i = 0; i < ELFFX_MAX_NEEDED && f->needed[i]; i++)
		d[nd++] = (struct dyn){ DT_NEEDED, add_str(&st, f->needed[i]) };
	if (f->soname)
		d[nd++] = (struct dyn){ DT_SONAME, add_str(&st, f->soname) };
	if (f->rpath)
		d[nd++] = (struct dyn){ DT_RPATH, add_str(&st, f->rpath) };
	if (f->runpath)
		d[nd++] = (struct dyn){ DT_RUNPATH, add_str(&st, f->runpath) };
	if (f->flags_1)
		d[nd++] = (struct dyn){ DT_FLAGS_1, f->flags_1 };
	off_interp = ehsz + nph * phsz;
	if (f->interp)
		interp_len = strlen(f->interp) + 1;
	off_str = off_interp + interp_len;
	off_dyn = (off_str + st.len + 7) & ~(size_t)7;
	d[nd++] = (struct dyn){ DT_STRTAB, off_str };
	d[nd++] = (struct dyn){ DT_STRSZ, st.len };
	d[nd++] = (struct dyn){ DT_NULL, 0 };
	total = off_dyn + (f->no_dynamic ? 0 : nd * dynsz);
	b = calloc(1, total);
	assert_non_null(b);
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	b[EI_DATA] = ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	if (f->interp)
		memcpy(b + off_interp, f->interp, interp_len);
	memcpy(b + off_str, st.buf, st.len);

	uint16_t type = f->type ? f->type : ET_DYN;
	uint16_t mach = f->machine ? f->machine : is64 ? EM_X86_64 : EM_386;
	struct {
		uint32_t type;
		size_t off, size;
	} ph[3];
	size_t n = 0;

	if (f->interp)
		ph[n++] = (typeof(ph[0])){ PT_INTERP, off_interp, interp_len };
	ph[n++] = (typeof(ph[0])){ PT_LOAD, 0, total };
	if (!f->no_dynamic)
		ph[n++] = (typeof(ph[0])){ PT_DYNAMIC, off_dyn, nd * dynsz };
	if (is64) {
		Elf64_Ehdr *e = (Elf64_Ehdr *)b;

		e->e_type = type;
		e->e_machine = mach;
		e->e_version = EV_CURRENT;
		e->e_phoff = ehsz;
		e->e_ehsize = (uint16_t)ehsz;
		e->e_phentsize = (uint16_t)phsz;
		e->e_phnum = (uint16_t)nph;
		for (size_t i = 0; i < n; i++) {
			Elf64_Phdr *p = (Elf64_Phdr *)(b + ehsz + i * phsz);

			p->p_type = ph[i].type;
			p->p_offset = p->p_vaddr = p->p_paddr = ph[i].off;
			p->p_filesz = p->p_memsz = ph[i].size;
			p->p_flags = PF_R;
			p->p_align = ph[i].type == PT_LOAD ? 0x1000 : 1;
		}
		for (size_t i = 0; !f->no_dynamic && i < nd; i++) {
			Elf64_Dyn *x = (Elf64_Dyn *)(b + off_dyn) + i;

			x->d_tag = d[i].tag;
			x->d_un.d_val = d[i].val;
		}
	} else {
		Elf32_Ehdr *e = (Elf32_Ehdr *)b;

		e->e_type = type;
		e->e_machine = mach;
		e->e_version = EV_CURRENT;
		e->e_phoff = (uint32_t)ehsz;
		e->e_ehsize = (uint16_t)ehsz;
		e->e_phentsize = (uint16_t)phsz;
		e->e_phnum = (uint16_t)nph;
		for (size_t i = 0; i < n; i++) {
			Elf32_Phdr *p = (Elf32_Phdr *)(b + ehsz + i * phsz);

			p->p_type = ph[i].type;
			p->p_offset = p->p_vaddr = p->p_paddr = (uint32_t)ph[i].off;
			p->p_filesz = p->p_memsz = (uint32_t)ph[i].size;
			p->p_flags = PF_R;
			p->p_align = ph[i].type == PT_LOAD ? 0x1000 : 1;
		}
		for (size_t i = 0; !f->no_dynamic && i < nd; i++) {
			Elf32_Dyn *x = (Elf32_Dyn *)(b + off_dyn) + i;

			x->d_tag = (Elf32_Sword)d[i].tag;
			x->d_un.d_val = (uint32_t)d[i].val;
		}
	}
	*len = total;
	return b;
}

void elffx_write_blob(const char *dir, const char *rel, const void *buf, size_t len)
{
	char *path = NULL;
	FILE *fp;

	tu_write(dir, rel, "", 0755, (uid_t)-1, (gid_t)-1); /* parents, mode */
	assert_true(asprintf(&path, "%s/%s", dir, rel) > 0);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

void elffx_write(const char *dir, const char *rel, const struct elffx *f, size_t cut)
{
	size_t len = 0;
	unsigned char *b = elffx_build(f, &len);

	elffx_write_blob(dir, rel, b, cut && cut < len ? cut : len);
	free(b);
}
