/* fuzz-sources: rescue/debfile.c rescue/runprog.c rescue/util.c */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_debtar.c - the tar stream parser of package archives on any bytes.
 * Properties: no crash, no leak, no UB; every entry kept has an absolute,
 * normalised path without a ".." component, a regular file's bytes fit in
 * the input and its cap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "debfile.h"

static bool want(void *ctx, const char *path)
{
	(void)ctx;
	return path[1] != 'x'; /* keep most, skip some */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsc_deb_file *files = NULL;
	size_t n = 0;
	char why[128];

	if (rsc_tar_parse(data, size, want, NULL, &files, &n, why, sizeof(why)) == 0) {
		for (size_t i = 0; i < n; i++) {
			const char *p = files[i].path;

			if (p[0] != '/' || strstr(p, "/../") || strstr(p, "//") ||
			    (strlen(p) > 1 && p[strlen(p) - 1] == '/'))
				abort();
			if (files[i].len > size || files[i].len > RSC_DEB_FILE_MAX)
				abort();
		}
	}
	rsc_deb_files_free(files, n);
	return 0;
}
