/* fuzz-sources: rescue/fsck.c rescue/runprog.c rescue/util.c */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_fsckout.c - the filter of a checker's output (rsc_fsck_problems) on
 * any bytes: e2fsck prints the victim's file names, so the output is as
 * untrusted as the victim. Properties: no crash, no leak, no UB; at most the
 * asked number of lines, each one of the input's own lines (so no NUL and no
 * newline in the result, and never longer than the input plus separators).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fsck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsc_fsck_result res = { 0 };
	unsigned max = size ? data[0] % 24 : 0;
	char *lines;
	size_t seps = 0;

	res.output = malloc(size + 1);
	if (!res.output)
		return 0;
	memcpy(res.output, data, size);
	res.output[size] = '\0';
	lines = rsc_fsck_problems(&res, max);
	if (lines) {
		for (const char *p = lines; (p = strstr(p, "; ")); p += 2)
			seps++;
		if (strchr(lines, '\n') || strlen(lines) > size + 2 * seps)
			abort();
		if (max == 0 && *lines)
			abort();
	}
	free(lines);
	free(res.output);
	return 0;
}
