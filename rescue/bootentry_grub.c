// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bootentry_grub.c - GRUB's environment block and grub.cfg, as text
 * (bootentry.h). The format of the block is GRUB's (grub-editenv(1), the
 * load_env and save_env commands of the GRUB manual); this is our own
 * implementation of it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bootentry.h"
#include "util.h"

bool rsc_boot_safe_word(const char *s, const char *extra)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

/* One variable line of the block: [*start, *end) without its newline. */
struct envline {
	const char *start;
	size_t len;
};

/*
 * Split the block into its variable lines (comments and the padding are
 * skipped). *lines caller frees. 0, -EINVAL or -ENOMEM.
 */
static int env_lines(const char *buf, size_t len, struct envline **lines, size_t *n,
		     struct rsc_buf *why)
{
	size_t sl = strlen(RSC_GRUBENV_SIGNATURE), i = sl, cap = 0;
	struct envline *v = NULL;

	*lines = NULL;
	*n = 0;
	if (len < sl || memcmp(buf, RSC_GRUBENV_SIGNATURE, sl) != 0) {
		rsc_buf_adds(why, "it does not start with \"# GRUB Environment Block\"");
		return -EINVAL;
	}
	if (memchr(buf, '\0', len)) {
		rsc_buf_adds(why, "it holds a NUL byte");
		return -EINVAL;
	}
	while (i < len) {
		size_t s = i;

		if (buf[i] == '#') { /* a comment, or the padding up to the end */
			while (i < len && buf[i] != '\n')
				i++;
			i++;
			continue;
		}
		if (buf[i] == '\n') {
			i++;
			continue;
		}
		while (i < len && buf[i] != '\n')
			i += buf[i] == '\\' ? 2 : 1;
		if (i >= len) {
			rsc_buf_adds(why, "its last variable has no end of line");
			free(v);
			return -EINVAL;
		}
		if (!memchr(buf + s, '=', i - s)) {
			rsc_buf_adds(why, "a line of it is not NAME=VALUE");
			free(v);
			return -EINVAL;
		}
		if (*n == cap) {
			struct envline *nv = reallocarray(v, cap ? cap * 2 : 8, sizeof(*v));

			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
			cap = cap ? cap * 2 : 8;
		}
		v[*n].start = buf + s;
		v[*n].len = i - s;
		(*n)++;
		i++;
	}
	*lines = v;
	return 0;
}

static bool is_var(const struct envline *l, const char *name)
{
	size_t nl = strlen(name);

	return l->len > nl && memcmp(l->start, name, nl) == 0 && l->start[nl] == '=';
}

int rsc_grubenv_set(const char *old, size_t oldlen, const char *name, const char *value, char **out,
		    size_t *outlen, struct rsc_buf *why)
{
	struct envline *lines = NULL;
	struct rsc_buf b = { 0 };
	size_t n = 0, size = old ? oldlen : RSC_GRUBENV_SIZE;
	int r;

	*out = NULL;
	*outlen = 0;
	if (!rsc_boot_safe_word(name, "_"))
		return -EINVAL;
	if (old) {
		r = env_lines(old, oldlen, &lines, &n, why);
		if (r < 0)
			return r;
	}
	r = rsc_buf_adds(&b, RSC_GRUBENV_SIGNATURE);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (is_var(&lines[i], name))
			continue;
		r = rsc_buf_add(&b, lines[i].start, lines[i].len);
		if (r == 0)
			r = rsc_buf_adds(&b, "\n");
	}
	if (r == 0)
		r = rsc_buf_printf(&b, "%s=", name);
	for (const char *p = value; r == 0 && *p; p++) {
		if (*p == '\\' || *p == '\n')
			r = rsc_buf_adds(&b, "\\");
		if (r == 0)
			r = rsc_buf_add(&b, p, 1);
	}
	if (r == 0)
		r = rsc_buf_adds(&b, "\n");
	free(lines);
	if (r == 0 && b.len > size) {
		rsc_buf_printf(why, "the block of %zu bytes has no room left for %s", size, name);
		r = -ENOSPC;
	}
	while (r == 0 && b.len < size)
		r = rsc_buf_adds(&b, "#");
	if (r < 0) {
		rsc_buf_free(&b);
		return r;
	}
	*outlen = b.len;
	*out = b.data;
	return 0;
}

int rsc_grubenv_get(const char *buf, size_t len, const char *name, char **out)
{
	struct envline *lines = NULL;
	struct rsc_buf why = { 0 };
	size_t n = 0, nl = strlen(name);
	int r = env_lines(buf, len, &lines, &n, &why);

	rsc_buf_free(&why);
	*out = NULL;
	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t i = n; i-- > 0;) { /* the last one counts */
		const char *p = lines[i].start + nl + 1, *end = lines[i].start + lines[i].len;
		char *v, *q;

		if (!is_var(&lines[i], name))
			continue;
		v = malloc((size_t)(end - p) + 1);
		if (!v) {
			r = -ENOMEM;
			break;
		}
		for (q = v; p < end; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			*q++ = *p;
		}
		*q = '\0';
		*out = v;
		r = 0;
		break;
	}
	free(lines);
	return r;
}

/* A line of grub.cfg safe to copy into our entry and into a here-document. */
static bool copyable(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr(" \t._-=:,'/()", s[i]))
			return false;
	return len > 0;
}

static bool starts(const char *s, size_t len, const char *word)
{
	size_t wl = strlen(word);

	return len >= wl && memcmp(s, word, wl) == 0;
}

/* The kernel path and root=UUID= of a "linux PATH ARGS" line (s after "linux"). */
static int learn_linux(const char *s, size_t len, struct rsc_grub_learned *l)
{
	const char *end = s + len, *p = s, *w;
	const char *tag = "root=UUID=";

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	w = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	for (const char *k = w; k + 8 <= p; k++) {
		if (memcmp(k, "/vmlinuz", 8) == 0 && (k == w || copyable(w, (size_t)(k - w)))) {
			l->kernel_dir = strndup(w, (size_t)(k - w));
			if (!l->kernel_dir)
				return -ENOMEM;
			break;
		}
	}
	for (const char *k = p; k + strlen(tag) <= end; k++) {
		const char *u = k + strlen(tag), *ue = u;

		if (memcmp(k, tag, strlen(tag)) != 0 || (k > s && k[-1] != ' ' && k[-1] != '\t'))
			continue;
		while (ue < end && (isxdigit((unsigned char)*ue) || *ue == '-'))
			ue++;
		if (ue > u && (ue == end || *ue == ' ' || *ue == '\t')) {
			l->root_uuid = strndup(u, (size_t)(ue - u));
			if (!l->root_uuid)
				return -ENOMEM;
		}
		break;
	}
	return 0;
}

int rsc_grub_learn(const char *cfg, size_t len, struct rsc_grub_learned *l)
{
	struct rsc_buf setup = { 0 };
	const char *end = cfg + len;
	int state = 0; /* 0 before the first menuentry, 1 in it, 2 after its linux line */
	int r = 0;

	memset(l, 0, sizeof(*l));
	for (const char *p = cfg; p < end && r == 0;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *s = p;
		size_t sl;

		while (s < le && (*s == ' ' || *s == '\t'))
			s++;
		sl = (size_t)(le - s);
		p = nl ? nl + 1 : end;
		if (starts(s, sl, "if [ \"${next_entry}\" ]"))
			l->has_next_entry = true;
		if (state == 0 && starts(s, sl, "menuentry ")) {
			state = 1;
			r = rsc_buf_adds(&setup, "");
			continue;
		}
		if (state != 1)
			continue;
		if (starts(s, sl, "}")) {
			state = 2;
		} else if (starts(s, sl, "linux ") || starts(s, sl, "linux\t")) {
			r = learn_linux(s + 5, sl - 5, l);
			state = 2;
		} else if ((starts(s, sl, "insmod ") || starts(s, sl, "search ") ||
			    starts(s, sl, "set root=")) &&
			   copyable(s, sl)) {
			r = rsc_buf_adds(&setup, "\t");
			if (r == 0)
				r = rsc_buf_add(&setup, s, sl);
			if (r == 0)
				r = rsc_buf_adds(&setup, "\n");
		}
	}
	if (r == 0 && state > 0 && !setup.data)
		r = -ENOMEM;
	if (r < 0) {
		rsc_buf_free(&setup);
		rsc_grub_learned_free(l);
		return r;
	}
	l->setup = setup.data;
	return 0;
}

void rsc_grub_learned_free(struct rsc_grub_learned *l)
{
	free(l->setup);
	free(l->kernel_dir);
	free(l->root_uuid);
	memset(l, 0, sizeof(*l));
}

/* The first line of cfg (len bytes) that is exactly line (with its newline), or NULL. */
static const char *find_line(const char *cfg, size_t len, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = cfg; p && (size_t)(p - cfg) < len;) {
		p = memmem(p, len - (size_t)(p - cfg), line, n);
		if (!p || p == cfg || p[-1] == '\n')
			return p;
		p++;
	}
	return NULL;
}

int rsc_grub_cfg_with_entry(const char *cfg, size_t len, const char *entry, struct rsc_buf *out)
{
	const char *begin = "### BEGIN /etc/grub.d/" RSC_GRUB_D_NAME " ###\n";
	const char *endm = "### END /etc/grub.d/" RSC_GRUB_D_NAME " ###\n";
	_cleanup_free_ char *whole = NULL;
	const char *b, *e;
	int r;

	/* a last line without its newline is a line as well (and gets one) */
	if (len > 0 && cfg[len - 1] != '\n') {
		whole = malloc(len + 1);
		if (!whole)
			return -ENOMEM;
		memcpy(whole, cfg, len);
		whole[len++] = '\n';
		cfg = whole;
	}
	b = find_line(cfg, len, begin);
	e = b ? find_line(b, len - (size_t)(b - cfg), endm) : NULL;
	if (b && !e)
		return -EINVAL; /* a section begun and never ended: not ours to guess */
	if (b) {
		r = rsc_buf_add(out, cfg, (size_t)(b - cfg));
		if (r == 0)
			r = rsc_buf_printf(out, "%s%s%s", begin, entry, endm);
		e += strlen(endm);
		if (r == 0)
			r = rsc_buf_add(out, e, len - (size_t)(e - cfg));
		return r;
	}
	r = rsc_buf_add(out, cfg, len);
	if (r == 0)
		r = rsc_buf_printf(out, "\n%s%s%s", begin, entry, endm);
	return r;
}
