// SPDX-License-Identifier: GPL-2.0-or-later
/* util.c - string buffer and escaping helpers. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static int buf_reserve(struct rsc_buf *b, size_t extra)
{
	size_t need, cap;
	char *p = NULL;

	if (extra > SIZE_MAX - b->len - 1)
		return -ENOMEM;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return -ENOMEM;
		cap *= 2;
	}
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int rsc_buf_add(struct rsc_buf *b, const void *p, size_t len)
{
	int r = buf_reserve(b, len);

	if (r < 0)
		return r;
	if (len)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int rsc_buf_adds(struct rsc_buf *b, const char *s)
{
	return rsc_buf_add(b, s, strlen(s));
}

int rsc_buf_vprintf(struct rsc_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n, r;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return -EINVAL;
	r = buf_reserve(b, (size_t)n);
	if (r < 0)
		return r;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int rsc_buf_printf(struct rsc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rsc_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

static int buf_add_escaped_mem(struct rsc_buf *b, const unsigned char *p, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	int r = 0;

	for (size_t i = 0; i < len && r == 0;) {
		size_t n = 0;
		unsigned char c;

		/* a run of printable bytes goes in at once */
		while (i + n < len && p[i + n] >= 0x20 && p[i + n] < 0x7f && p[i + n] != '\\')
			n++;
		if (n > 0) {
			r = rsc_buf_add(b, p + i, n);
			i += n;
			continue;
		}
		c = p[i++];
		if (c == '\\') {
			r = rsc_buf_add(b, "\\\\", 2);
		} else {
			char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			r = rsc_buf_add(b, esc, sizeof(esc));
		}
	}
	return r;
}

int rsc_buf_add_escaped(struct rsc_buf *b, const char *s)
{
	return buf_add_escaped_mem(b, (const unsigned char *)s, strlen(s));
}

void rsc_buf_reset(struct rsc_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *rsc_buf_steal(struct rsc_buf *b)
{
	char *s = b->data;

	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void rsc_buf_free(struct rsc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *rsc_escape_mem(const void *p, size_t len)
{
	struct rsc_buf b = { 0 };

	if (rsc_buf_add(&b, "", 0) < 0 || buf_add_escaped_mem(&b, p, len) < 0) {
		rsc_buf_free(&b);
		return NULL;
	}
	return rsc_buf_steal(&b);
}

char *rsc_escape(const char *s)
{
	return rsc_escape_mem(s, strlen(s));
}

int rsc_parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (ULONG_MAX - (unsigned long)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

ssize_t rsc_read_sys_line(const char *path, char *buf, size_t size)
{
	ssize_t k;
	int fd;

	if (size == 0)
		return -EINVAL;
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	k = read(fd, buf, size - 1);
	if (k < 0)
		k = -errno;
	close(fd);
	if (k < 0)
		return k;
	buf[k] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return (ssize_t)strlen(buf);
}

int rsc_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int rsc_read_helper_file(const char *path, size_t cap, char **data, size_t *len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t got = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((uint64_t)st.st_size > cap)
		return -EFBIG;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*len = got;
	*data = TAKE_PTR(buf);
	return 0;
}

char *rsc_path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	char *out = NULL;

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	while (*name == '/')
		name++;
	if (dl == 1 && dir[0] == '/')
		dl = 0;
	if (asprintf(&out, "%.*s/%s", (int)dl, dir, name) < 0)
		return NULL;
	return out;
}

bool rsc_strv_has(char *const *list, const char *s)
{
	for (char *const *c = list; c && *c; c++)
		if (strcmp(*c, s) == 0)
			return true;
	return false;
}
