/* fuzz-sources: rescue/dpkgdb.c rescue/util.c rescue/root.c */
/* fuzz-libs: crypto */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_dpkg.c - the dpkg status parser on any bytes. Properties: no crash,
 * no leak, no UB; every package kept has a name, a version and an
 * architecture; every dependency has at least one name and no blank.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dpkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsc_dpkg_db db = { 0 };

	if (rsc_dpkg_parse_status((const char *)data, size, &db) < 0)
		abort();
	for (size_t i = 0; i < db.n; i++) {
		const struct rsc_dpkg_pkg *p = &db.pkgs[i];

		if (!p->name || !p->version || !p->arch)
			abort();
		for (size_t d = 0; d < p->ndepends; d++)
			if (!p->depends[d][0] || strpbrk(p->depends[d], " \t,"))
				abort();
		if (rsc_dpkg_find(&db, p->name) == NULL)
			abort();
	}
	rsc_dpkg_free(&db);
	return 0;
}
