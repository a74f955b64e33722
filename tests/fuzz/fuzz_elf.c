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
 *   - every strict prefix of an accepted file is rejected, never accepted
 *     with more libraries (checked for a few cut points).
 */
#include <elf.h>
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
		if (size > 1 && (e.n_needed || e.interp)) {
			/* A prefix ending inside the headers is never OK. */
			size_t cut =
				e.elfclass == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
			struct rsc_elf_info p;

			if (cut > size - 1)
				cut = size - 1;
			if (rsc_elf_parse_mem(data, cut, &p) == 0) {
				check(p.status != RSC_ELF_OK, "a cut header accepted");
				rsc_elf_info_clear(&p);
			}
		}
	} else {
		check(e.n_needed == 0 || e.needed != NULL, "needed list");
	}
	rsc_elf_info_clear(&e);
	return 0;
}
