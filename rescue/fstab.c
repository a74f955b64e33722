// SPDX-License-Identifier: GPL-2.0-or-later
/* fstab.c - the victim's /etc/fstab (fstab.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fstab.h"
#include "util.h"

#define FIELD_MAX 4096

void rsc_fstab_free(struct rsc_fstab *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->e[i].spec);
		free(t->e[i].file);
		free(t->e[i].type);
		free(t->e[i].opts);
	}
	free(t->e);
	memset(t, 0, sizeof(*t));
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool octal(char c)
{
	return c >= '0' && c <= '7';
}

/* A copy of [s, s+n) with \NNN octal escapes decoded (a NUL one is kept as text). */
static char *unescape(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && n - i > 3 && octal(s[i + 1]) && octal(s[i + 2]) &&
		    octal(s[i + 3])) {
			int v = (s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0');

			if (v > 0 && v < 256) {
				*o++ = (char)v;
				i += 3;
				continue;
			}
		}
		*o++ = s[i];
	}
	*o = '\0';
	return out;
}

/* Split [l, end) into at most 4 fields; returns how many were found. */
static size_t split(const char *l, const char *end, const char *f[4], size_t flen[4])
{
	size_t n = 0;

	while (l < end && n < 4) {
		const char *s;

		while (l < end && blank(*l))
			l++;
		if (l == end || *l == '#')
			break;
		s = l;
		while (l < end && !blank(*l))
			l++;
		f[n] = s;
		flen[n++] = (size_t)(l - s);
	}
	return n;
}

static int add(struct rsc_fstab *t, const char *f[4], const size_t flen[4], size_t nf,
	       unsigned line)
{
	struct rsc_fstab_entry *e, *grown;

	/* doubling from 16: growing by 16 copied the array 256 times for the 4,096 entries of a
	 * hostile fstab (21 MB of copies a parse; fuzz_fstab fell to 3,400 runs/s) */
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;

		grown = realloc(t->e, cap * sizeof(*t->e));
		if (!grown)
			return -ENOMEM;
		t->e = grown;
		t->cap = cap;
	}
	e = &t->e[t->n];
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->spec = unescape(f[0], flen[0]);
	e->file = unescape(f[1], flen[1]);
	e->type = strndup(f[2], flen[2]);
	e->opts = nf > 3 ? strndup(f[3], flen[3]) : strdup("defaults");
	t->n++; /* counted now, so that rsc_fstab_free releases a partial entry */
	return e->spec && e->file && e->type && e->opts ? 0 : -ENOMEM;
}

int rsc_fstab_parse(const char *data, size_t len, struct rsc_fstab *out)
{
	const char *p = data, *end = data + len;
	unsigned line = 0;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *f[4];
		size_t flen[4], nf;
		bool too_long = false;
		int r;

		line++;
		nf = split(p, le, f, flen);
		for (size_t i = 0; i < nf; i++)
			too_long |= flen[i] > FIELD_MAX || memchr(f[i], '\0', flen[i]) != NULL;
		if (nf > 0 && (nf < 3 || too_long || out->n >= RSC_FSTAB_MAX)) {
			out->skipped++;
		} else if (nf >= 3) {
			r = add(out, f, flen, nf, line);
			if (r < 0) {
				rsc_fstab_free(out);
				return r;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}
