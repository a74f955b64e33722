/* fuzz-sources: rescue/pamconf.c rescue/util.c rescue/root.c */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_pamconf.c - the PAM stack parser on any bytes. The input is split at
 * the first NUL: the part before is /etc/pam.d/sshd, the rest is every file
 * it includes (so include loops and nesting are exercised). Properties: no
 * crash, no leak, no UB; every rule has a known type, a control and a
 * module; the stack and the notes stay within their caps.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pamconf.h"

struct input {
	const char *data;
	size_t len;
};

static int reader(void *ctx, const char *name, char **data, size_t *len)
{
	const struct input *in = ctx;

	(void)name;
	*data = malloc(in->len + 1);
	if (!*data)
		return -ENOMEM;
	memcpy(*data, in->data, in->len);
	(*data)[in->len] = '\0';
	*len = in->len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t first = nul ? (size_t)(nul - data) : size;
	struct input rest = { (const char *)data + first + (nul ? 1 : 0),
			      size - first - (nul ? 1 : 0) };
	struct rsc_pam_stack st = { 0 };
	static const char *const types[] = { "auth", "account", "password", "session" };

	if (rsc_pam_parse((const char *)data, first, "/etc/pam.d/sshd", NULL, 0, reader, &rest,
			  &st) < 0)
		abort();
	if (st.n > 4096 || st.nnotes > 64)
		abort();
	for (size_t i = 0; i < st.n; i++) {
		bool known = false;

		for (size_t k = 0; k < 4; k++)
			known |= strcmp(st.rules[i].type, types[k]) == 0;
		if (!known || !*st.rules[i].control || !*st.rules[i].module || !st.rules[i].args)
			abort();
	}
	(void)rsc_pam_find(&st, "account", "pam_nologin.so");
	rsc_pam_free(&st);
	return 0;
}
