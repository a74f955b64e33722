/* fuzz-sources: rescue/elf.c rescue/root.c rescue/util.c */
/* fuzz-libs: elf z */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_elf.c - the ELF reader (rescue/elf.c, libelf underneath) on arbitrary
 * bytes: a library file of the victim is input from a possibly hostile machine.
 * Properties checked beyond "no crash, no leak, no read past the buffer":
 *   - the verdict is one of the statuses, with a reason unless it is OK;
 *   - an accepted file has a known class and encoding, at most
 *     RSC_ELF_MAX_NEEDED DT_NEEDED strings, every string NUL-free inside and
 *     shorter than the file; a DT_RPATH never next to a DT_RUNPATH;
 *   - a prefix of an accepted file that ends inside its program header
 *     table is rejected. (Not "inside the ELF header": the program headers,
 *     PT_INTERP and even the string may overlap the ELF header's bytes, and
 *     the fuzzer finds such files; the cut at the header's end is then a
 *     valid file.)
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfinfo.h"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_elf: %s\n", what);
		abort();
	}
}

static uint64_t get(const uint8_t *p, size_t n, unsigned char enc)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[enc == ELFDATA2LSB ? i : n - 1 - i] << (8 * i);
	return v;
}

/*
 * Where the program header table of an accepted file ends, read from the
 * ELF header by hand (not by the code under test); 0 when it has none or
 * uses the PN_XNUM escape.
 */
static size_t phdrs_end(const uint8_t *d, size_t size, unsigned char cls, unsigned char enc)
{
	bool is64 = cls == ELFCLASS64;
	uint64_t phoff, phnum, ent = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);

	if (size < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return 0;
	phoff = is64 ? get(d + offsetof(Elf64_Ehdr, e_phoff), 8, enc)
		     : get(d + offsetof(Elf32_Ehdr, e_phoff), 4, enc);
	phnum = is64 ? get(d + offsetof(Elf64_Ehdr, e_phnum), 2, enc)
		     : get(d + offsetof(Elf32_Ehdr, e_phnum), 2, enc);
	if (phnum == 0 || phnum == PN_XNUM || phoff > size)
		return 0;
	return (size_t)(phoff + phnum * ent);
}

static void check_str(const char *s, size_t size)
{
	if (s)
		check(strlen(s) < size, "string longer than the file");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsc_elf_info e;

	if (rsc_elf_parse_mem(data, size, &e) < 0)
		return 0;
	check(e.status <= RSC_ELF_TOO_BIG, "unknown status");
	check(e.status == RSC_ELF_OK || e.why[0] != '\0', "rejected without a reason");
	check(e.size == size, "size");
	if (e.status == RSC_ELF_OK) {
		check(e.elfclass == ELFCLASS32 || e.elfclass == ELFCLASS64, "class");
		check(e.data == ELFDATA2LSB || e.data == ELFDATA2MSB, "encoding");
		check(e.n_needed <= RSC_ELF_MAX_NEEDED, "too many DT_NEEDED");
		check(!(e.rpath && e.runpath), "DT_RPATH kept next to DT_RUNPATH");
		for (size_t i = 0; i < e.n_needed; i++)
			check_str(e.needed[i], size);
		check_str(e.interp, size);
		check_str(e.soname, size);
		check_str(e.rpath, size);
		check_str(e.runpath, size);
		if (e.n_needed || e.interp) {
			/* A prefix that cuts the program header table is never OK. */
			size_t end = phdrs_end(data, size, e.elfclass, e.data);
			struct rsc_elf_info p;

			if (end > 0 && end <= size && rsc_elf_parse_mem(data, end - 1, &p) == 0) {
				check(p.status != RSC_ELF_OK,
				      "a cut program header table accepted");
				rsc_elf_info_clear(&p);
			}
		}
	} else {
		check(e.n_needed == 0 || e.needed != NULL, "needed list");
	}
	rsc_elf_info_clear(&e);
	return 0;
}
