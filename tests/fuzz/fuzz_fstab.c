/* fuzz-sources: rescue/fstab.c rescue/util.c */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_fstab.c - the victim's /etc/fstab parser on any bytes. Properties: no
 * crash, no leak, no UB; at most RSC_FSTAB_MAX entries; every entry has its
 * three fields non-empty and free of blanks that were not escaped, and a
 * line number within the input's lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fstab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsc_fstab t;
	size_t lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (rsc_fstab_parse((const char *)data, size, &t) < 0)
		return 0;
	if (t.n > RSC_FSTAB_MAX)
		abort();
	for (size_t i = 0; i < t.n; i++) {
		const struct rsc_fstab_entry *e = &t.e[i];

		if (!*e->spec || !*e->file || !*e->type || !*e->opts)
			abort();
		if (strpbrk(e->type, " \t\n") || strpbrk(e->opts, " \t\n"))
			abort();
		if (e->line == 0 || e->line > lines)
			abort();
	}
	rsc_fstab_free(&t);
	return 0;
}
