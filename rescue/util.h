/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.h - small helpers shared by every module: cleanup attributes,
 * a growable string buffer, escaping of untrusted strings.
 */
#ifndef RSC_UTIL_H
#define RSC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f)	 __attribute__((cleanup(f)))
#define _cleanup_free_	 _cleanup_(rsc_freep)
#define _cleanup_close_	 _cleanup_(rsc_closep)
#define _cleanup_fclose_ _cleanup_(rsc_fclosep)
#define _printf_(a, b)	 __attribute__((format(printf, a, b)))
#define _unused_	 __attribute__((unused))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Hand ownership of a pointer or descriptor over: returns it, leaves NULL/-1. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p_ = (p);                                                           \
		(p) = NULL;                                                                        \
		_p_;                                                                               \
	})
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _fd_ = (fd);                                                                   \
		(fd) = -1;                                                                         \
		_fd_;                                                                              \
	})

static inline void rsc_freep(void *p)
{
	free(*(void **)p);
}

static inline void rsc_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void rsc_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

/*
 * A growable byte buffer, always NUL-terminated when data != NULL.
 * Zero-initialise it ({0}); release with rsc_buf_free().
 */
struct rsc_buf {
	char *data;
	size_t len;
	size_t cap;
};

/* Append len bytes. Returns 0 or -ENOMEM. */
int rsc_buf_add(struct rsc_buf *b, const void *p, size_t len);
/* Append a NUL-terminated string. Returns 0 or -ENOMEM. */
int rsc_buf_adds(struct rsc_buf *b, const char *s);
/* Append formatted text. Returns 0 or -ENOMEM. */
int rsc_buf_printf(struct rsc_buf *b, const char *fmt, ...) _printf_(2, 3);
int rsc_buf_vprintf(struct rsc_buf *b, const char *fmt, va_list ap) _printf_(2, 0);
/* Append s escaped with rsc_escape()'s rules. Returns 0 or -ENOMEM. */
int rsc_buf_add_escaped(struct rsc_buf *b, const char *s);
/* Forget the content, keep the memory. */
void rsc_buf_reset(struct rsc_buf *b);
/* Give the string to the caller (may be NULL if nothing was added). */
char *rsc_buf_steal(struct rsc_buf *b);
void rsc_buf_free(struct rsc_buf *b);

/*
 * Escape a string from the victim for a terminal or a log: printable ASCII
 * stays, backslash becomes "\\", everything else (control bytes, escape
 * sequences, bytes >= 0x7f) becomes "\xNN". Returns a new string or NULL
 * on ENOMEM.
 */
char *rsc_escape(const char *s);
/* Same for len bytes that may contain NUL. */
char *rsc_escape_mem(const void *p, size_t len);

/* Parse a decimal unsigned integer that must fill the whole string. 0 or -EINVAL/-ERANGE. */
int rsc_parse_ulong(const char *s, unsigned long max, unsigned long *out);

/* Join dir and name with exactly one '/'. Returns a new string or NULL. */
char *rsc_path_join(const char *dir, const char *name);

/*
 * Read a whole file of the helper (an operator's key, a rescue image): a
 * regular file (opened O_NONBLOCK: a FIFO never hangs) of at most cap bytes,
 * else -EINVAL or -EFBIG. *data is NUL-terminated, caller frees. 0 or -errno.
 */
int rsc_read_helper_file(const char *path, size_t cap, char **data, size_t *len);

/*
 * The first line of a small file of the helper's /sys (or /proc) into buf, without its
 * newline, NUL-terminated; what does not fit in size - 1 bytes is cut. Returns its length
 * (0: an empty line) or -errno.
 */
ssize_t rsc_read_sys_line(const char *path, char *buf, size_t size);

/* Write all len bytes to fd, again after EINTR and short writes. 0, or -errno (-EIO: 0 written). */
int rsc_write_all(int fd, const void *data, size_t len);

/* true if s starts with prefix */
static inline bool rsc_startswith(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

/* true if the NULL-terminated list (NULL: empty) holds a string equal to s. */
bool rsc_strv_has(char *const *list, const char *s);

#endif
