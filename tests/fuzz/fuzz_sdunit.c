/* fuzz-sources: rescue/sdunit.c rescue/util.c rescue/root.c */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_sdunit.c - the systemd unit reader (sdunit.c) on any bytes: the input
 * is split at NUL bytes into a unit file and its drop-ins, then the lookups
 * the checks make run on it. Properties: no crash, no leak, no UB; a list
 * setting never yields an empty value or one with a blank inside; a value
 * never starts with a blank.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdunit.h"

#define FILES_MAX 8

static const struct {
	const char *section, *key;
	bool split;
} lookups[] = {
	{ "Service", "RuntimeDirectory", true }, { "Service", "RuntimeDirectoryMode", false },
	{ "Service", "ExecStart", false },	 { "Socket", "ListenStream", true },
	{ "Unit", "Description", false },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *files[FILES_MAX + 1] = { 0 }, *texts[FILES_MAX + 1] = { 0 };
	struct rsc_unit u = { .files = files, .data = texts };
	size_t pos = 0;

	while (pos <= size && u.nfiles < FILES_MAX) {
		const uint8_t *nul = memchr(data + pos, 0, size - pos);
		size_t len = nul ? (size_t)(nul - data) - pos : size - pos;

		texts[u.nfiles] = strndup((const char *)data + pos, len);
		files[u.nfiles] = strdup("/etc/systemd/system/x.service");
		if (!texts[u.nfiles] || !files[u.nfiles])
			abort();
		u.nfiles++;
		pos += len + 1;
	}
	for (size_t i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++) {
		char **v = NULL;
		size_t n = 0;

		if (rsc_unit_values(&u, lookups[i].section, lookups[i].key, lookups[i].split, &v,
				    &n) < 0)
			abort();
		for (size_t k = 0; k < n; k++) {
			if (v[k][0] == ' ' || v[k][0] == '\t')
				abort();
			if (lookups[i].split && (!v[k][0] || strpbrk(v[k], " \t")))
				abort();
		}
		if ((n == 0) != (v == NULL) || (v && v[n]))
			abort();
		rsc_unit_strv_free(v);
	}
	for (size_t i = 0; i < u.nfiles; i++) {
		free(files[i]);
		free(texts[i]);
	}
	return 0;
}
