// SPDX-License-Identifier: GPL-2.0-or-later
/* debfile.c - files of a Debian package archive, read in memory (debfile.h). */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debfile.h"
#include "runprog.h"
#include "util.h"

#define BLOCK		    512
#define CONTROL_MAX	    (64u << 10)
#define ENTRIES_MAX	    100000
#define LONGNAME_MAX	    PATH_MAX
#define PAX_RECORD_MAX	    (1u << 20)
#define DPKG_DEB_TIMEOUT_MS 300000 /* decompressing a large archive */

void rsc_deb_files_free(struct rsc_deb_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(files[i].path);
		free(files[i].target);
		free(files[i].data);
	}
	free(files);
}

void rsc_deb_control_clear(struct rsc_deb_control *c)
{
	free(c->package);
	free(c->version);
	free(c->arch);
	*c = (struct rsc_deb_control){ 0 };
}

static int bad(char *why, size_t whylen, size_t off, const char *what)
{
	snprintf(why, whylen, "tar stream, offset %zu: %s", off, what);
	return -EBADMSG;
}

/* A numeric header field: octal ASCII (NUL/space terminated) or GNU base-256. */
static int number(const unsigned char *f, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (n && (f[0] & 0x80)) {
		if (f[0] != 0x80)
			return -1; /* negative */
		for (i = 1; i < n; i++) {
			if (v > (UINT64_MAX >> 8))
				return -1;
			v = (v << 8) | f[i];
		}
	} else {
		while (i < n && f[i] == ' ')
			i++;
		for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
			if (v > (UINT64_MAX >> 3))
				return -1;
			v = (v << 3) | (uint64_t)(f[i] - '0');
		}
		for (; i < n; i++)
			if (f[i] != ' ' && f[i] != '\0')
				return -1;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static bool checksum_ok(const unsigned char *h)
{
	uint64_t want, sum = 0;

	if (number(h + 148, 8, UINT64_MAX, &want) < 0)
		return false;
	for (size_t i = 0; i < BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum == want;
}

/* "./usr/sbin/sshd" -> "/usr/sbin/sshd"; NULL for a name with a ".." component or NUL. */
static char *normalise(const char *name, size_t len)
{
	_cleanup_(rsc_buf_free) struct rsc_buf b = { 0 };
	size_t i = 0;

	if (memchr(name, '\0', len))
		len = strnlen(name, len);
	while (i < len) {
		size_t s = i, e;

		while (s < len && name[s] == '/')
			s++;
		e = s;
		while (e < len && name[e] != '/')
			e++;
		i = e;
		if (e == s || (e - s == 1 && name[s] == '.'))
			continue;
		if (e - s == 2 && name[s] == '.' && name[s + 1] == '.')
			return NULL;
		if (rsc_buf_adds(&b, "/") < 0 || rsc_buf_add(&b, name + s, e - s) < 0)
			return NULL;
	}
	if (!b.data && rsc_buf_adds(&b, "/") < 0)
		return NULL;
	return rsc_buf_steal(&b);
}

/* The "path=" or "linkpath=" value of a pax extended header, as a new string. */
static char *pax_value(const char *p, size_t len, const char *key)
{
	size_t kl = strlen(key), pos = 0;

	while (pos < len) {
		uint64_t rl = 0;
		size_t i = pos;
		const char *rec, *eq;

		while (i < len && p[i] >= '0' && p[i] <= '9' && rl < PAX_RECORD_MAX)
			rl = rl * 10 + (uint64_t)(p[i++] - '0');
		if (i >= len || p[i] != ' ' || rl == 0 || rl > len - pos || i + 1 >= pos + rl)
			return NULL;
		rec = p + i + 1;
		eq = memchr(rec, '=', (size_t)(p + pos + rl - rec));
		if (eq && (size_t)(eq - rec) == kl && memcmp(rec, key, kl) == 0 &&
		    p[pos + rl - 1] == '\n')
			return strndup(eq + 1, (size_t)(p + pos + rl - 1 - (eq + 1)));
		pos += rl;
	}
	return NULL;
}

static int keep(struct rsc_deb_file **files, size_t *n, struct rsc_deb_file *f)
{
	struct rsc_deb_file *nf = reallocarray(*files, *n + 1, sizeof(*nf));

	if (!nf)
		return -ENOMEM;
	*files = nf;
	nf[(*n)++] = *f;
	*f = (struct rsc_deb_file){ 0 };
	return 0;
}

int rsc_tar_parse(const void *buf, size_t len, rsc_deb_want want, void *ctx,
		  struct rsc_deb_file **files, size_t *n, char *why, size_t whylen)
{
	const unsigned char *p = buf;
	_cleanup_free_ char *longname = NULL, *longlink = NULL;
	size_t off = 0, entries = 0;
	int r = 0;

	*files = NULL;
	*n = 0;
	while (r == 0) {
		const unsigned char *h = p + off;
		struct rsc_deb_file f = { 0 };
		uint64_t size, mode, uid, gid;
		size_t padded;
		char type;

		if (len - off < BLOCK) {
			r = bad(why, whylen, off, "cut short (no end-of-archive blocks)");
			break;
		}
		if (h[0] == '\0') {
			bool zero = true;

			for (size_t i = 0; i < BLOCK && zero; i++)
				zero = h[i] == 0;
			if (zero)
				break; /* end of archive */
		}
		if (++entries > ENTRIES_MAX || !checksum_ok(h) ||
		    number(h + 124, 12, RSC_DEB_STREAM_MAX, &size) < 0 ||
		    number(h + 100, 8, 07777777, &mode) < 0 ||
		    number(h + 108, 8, UINT32_MAX - 1, &uid) < 0 ||
		    number(h + 116, 8, UINT32_MAX - 1, &gid) < 0) {
			r = bad(why, whylen, off, "a bad header (checksum or number field)");
			break;
		}
		padded = (size_t)((size + BLOCK - 1) / BLOCK * BLOCK);
		if (padded > len - off - BLOCK) {
			r = bad(why, whylen, off, "an entry longer than the stream");
			break;
		}
		type = h[156] ? (char)h[156] : '0';
		if (type == 'L' || type == 'K' || type == 'x') {
			char **dst = type == 'K' ? &longlink : &longname;

			if (size > (type == 'x' ? PAX_RECORD_MAX : LONGNAME_MAX)) {
				r = bad(why, whylen, off, "a long name or pax header too long");
				break;
			}
			free(*dst);
			*dst = type == 'x' ? pax_value((const char *)h + BLOCK, size, "path")
					   : strndup((const char *)h + BLOCK, size);
			if (type == 'x' && !longlink)
				longlink = pax_value((const char *)h + BLOCK, size, "linkpath");
			off += BLOCK + padded;
			continue;
		}
		if (longname) {
			f.path = normalise(longname, strlen(longname));
		} else {
			char name[256 + 1];
			size_t pl = strnlen((const char *)h + 345, 155), nl;

			nl = strnlen((const char *)h, 100);
			if (pl && memcmp(h + 257, "ustar\0", 6) == 0)
				snprintf(name, sizeof(name), "%.*s/%.*s", (int)pl, h + 345, (int)nl,
					 h);
			else
				snprintf(name, sizeof(name), "%.*s", (int)nl, h);
			f.path = normalise(name, strlen(name));
		}
		if (!f.path) {
			r = bad(why, whylen, off, "a name with a \"..\" component");
			break;
		}
		f.type = type;
		f.mode = (mode_t)(mode & 07777);
		f.uid = (uid_t)uid;
		f.gid = (gid_t)gid;
		if ((type == '1' || type == '2') &&
		    !(f.target = longlink ? strdup(longlink)
					  : strndup((const char *)h + 157,
						    strnlen((const char *)h + 157, 100))))
			r = -ENOMEM;
		if (r == 0 && want(ctx, f.path)) {
			if ((type == '0' || type == '7') && size > RSC_DEB_FILE_MAX)
				r = -EFBIG;
			if (r == 0 && (type == '0' || type == '7')) {
				f.type = '0';
				f.data = malloc(size ? size : 1);
				if (f.data)
					memcpy(f.data, h + BLOCK, size);
				f.len = (size_t)size;
				r = f.data ? 0 : -ENOMEM;
			}
			if (r == 0)
				r = keep(files, n, &f);
		}
		free(f.path);
		free(f.target);
		free(f.data);
		free(longname);
		free(longlink);
		longname = longlink = NULL;
		off += BLOCK + padded;
	}
	if (r < 0) {
		rsc_deb_files_free(*files, *n);
		*files = NULL;
		*n = 0;
	}
	return r;
}

/* Run dpkg-deb with args (the archive fd as its fd 3); its stdout (at most cap bytes) into b. */
static int dpkg_deb(int fd, char *const argv[], size_t cap, struct rsc_buf *b)
{
	int status, r = rsc_spawn_capture(argv, fd, cap, DPKG_DEB_TIMEOUT_MS, b, &status);

	return r == 0 && status != 0 ? -EBADMSG : r;
}

int rsc_deb_control(int fd, struct rsc_deb_control *c)
{
	char *argv[] = { "dpkg-deb", "--field",	     "/dev/fd/3", "Package",
			 "Version",  "Architecture", NULL };
	_cleanup_(rsc_buf_free) struct rsc_buf b = { 0 };
	char **dst[] = { &c->package, &c->version, &c->arch };
	const char *keys[] = { "Package: ", "Version: ", "Architecture: " };
	int r;

	*c = (struct rsc_deb_control){ 0 };
	r = dpkg_deb(fd, argv, CONTROL_MAX, &b);
	if (r < 0)
		return r;
	for (char *save = NULL, *l = b.data ? strtok_r(b.data, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save))
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			if (rsc_startswith(l, keys[i]) && !*dst[i]) {
				*dst[i] = strdup(l + strlen(keys[i]));
				if (!*dst[i]) {
					rsc_deb_control_clear(c);
					return -ENOMEM;
				}
			}
	if (!c->package || !c->version || !c->arch) {
		rsc_deb_control_clear(c);
		return -EBADMSG;
	}
	return 0;
}

int rsc_deb_extract(int fd, rsc_deb_want want, void *ctx, struct rsc_deb_file **files, size_t *n,
		    char *why, size_t whylen)
{
	char *argv[] = { "dpkg-deb", "--fsys-tarfile", "/dev/fd/3", NULL };
	_cleanup_(rsc_buf_free) struct rsc_buf b = { 0 };
	int r = dpkg_deb(fd, argv, RSC_DEB_STREAM_MAX, &b);

	*files = NULL;
	*n = 0;
	if (r == -EBADMSG)
		snprintf(why, whylen, "dpkg-deb could not read the archive");
	if (r < 0)
		return r;
	return rsc_tar_parse(b.data ? b.data : "", b.len, want, ctx, files, n, why, whylen);
}
