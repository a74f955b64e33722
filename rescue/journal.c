// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * journal.c - the undo journal kept on the victim (docs/journal.md).
 *
 * Write side: rsc_journal_begin() makes <RSC_JOURNAL_DIR>/<id>/ with a
 * manifest header; rsc_journal_record() saves a path's earlier state (and
 * bytes) and appends one fsynced line BEFORE the caller changes the path;
 * rsc_journal_close() appends "complete". A crash at any point leaves a
 * manifest whose records are exactly the changes that may have been made.
 *
 * Before the caller writes a file, rsc_journal_wrote() keeps the bytes about
 * to be written (data/N.new, a "wrote" line): undo compares the file with
 * them, so that it never deletes or overwrites what someone changed since.
 *
 * Read side: a strict parser that trusts nothing in the manifest, because
 * the victim's disk is hostile until proven otherwise; undo walks the
 * records backwards and restores every byte, owner and mode, and keeps any
 * content that is neither the fix's nor the earlier one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "root.h"
#include "util.h"

#define MANIFEST_VERSION  2 /* written; 1 and 2 are read */
#define MANIFEST_MAGIC	  "sshrescue-journal 2"
#define MANIFEST_MAGIC_V1 "sshrescue-journal 1"
#define MANIFEST_MAGIC_NS "sshrescue-journal "
#define SIDE_TRIES	  100 /* names tried for the copy of a file changed since the fix */
#define JOURNAL_PARENT	  "/var/lib/sshrescue" /* RSC_JOURNAL_DIR's parent, ours too */
#define ID_MAX		  64
#define IDS_MAX		  100000 /* journals considered by list and undo */
#define ID_COUNTER_MAX	  1000	 /* journals started within the same second */

struct rsc_journal {
	struct rsc_root *root;
	char *id;
	char *dir;	/* victim path of <RSC_JOURNAL_DIR>/<id> */
	char *manifest; /* victim path of its manifest */
	int fd;		/* the manifest, opened for appending */
	bool broken;	/* a manifest write failed: record nothing more */
	unsigned long nrecs;
	struct seen *seen; /* paths recorded so far; seen[i] is record i + 1 */
	size_t capseen;
};

struct seen {
	char *path;
	enum rsc_jkind kind;
	bool has_data;
};

static const char *const kind_names[] = {
	[RSC_J_FILE] = "file",	     [RSC_J_DIR] = "dir",     [RSC_J_ABSENT] = "absent",
	[RSC_J_SYMLINK] = "symlink", [RSC_J_OTHER] = "other",
};

/* ---- encoding ---------------------------------------------------------- */

/* Bytes written as themselves in an encoded path; everything else is %XX. */
static bool is_plain(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("/._-+,:@~=", c) != NULL;
}

static int add_encoded(struct rsc_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int r = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && r == 0; p++) {
		if (is_plain(*p)) {
			r = rsc_buf_add(b, p, 1);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };

			r = rsc_buf_add(b, e, 3);
		}
	}
	return r;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode s strictly: plain bytes and %XX only, no %00. NULL with *bad set on a bad input. */
static char *decode(const char *s, bool *bad)
{
	size_t n = strlen(s), k = 0;
	char *out = malloc(n + 1);

	*bad = false;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] != '%') {
			if (!is_plain((unsigned char)s[i]))
				goto bad;
			out[k++] = s[i];
			continue;
		}
		if (i + 2 >= n)
			goto bad;
		hi = hexval(s[i + 1]);
		lo = hi < 0 ? -1 : hexval(s[i + 2]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			goto bad;
		out[k++] = (char)(hi << 4 | lo);
		i += 2;
	}
	out[k] = '\0';
	return out;
bad:
	free(out);
	*bad = true;
	return NULL;
}

/* A path the journal accepts: absolute, shorter than PATH_MAX, no ".." component. */
static bool path_ok(const char *p)
{
	size_t len = strlen(p);

	if (len == 0 || p[0] != '/' || len >= PATH_MAX)
		return false;
	for (const char *c = p; *c;) {
		size_t cl;

		while (*c == '/')
			c++;
		cl = strcspn(c, "/");
		if (cl == 2 && c[0] == '.' && c[1] == '.')
			return false;
		c += cl;
	}
	return true;
}

/* ---- the parser -------------------------------------------------------- */

static int bad(struct rsc_buf *why, size_t line, const char *fmt, ...) _printf_(3, 4);
static int bad(struct rsc_buf *why, size_t line, const char *fmt, ...)
{
	va_list ap;

	if (why) {
		rsc_buf_printf(why, "line %zu: ", line);
		va_start(ap, fmt);
		rsc_buf_vprintf(why, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

static bool is_time(const char *s)
{
	/* YYYY-mm-ddTHH:MM:SSZ */
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";

	if (strlen(s) != sizeof(pat) - 1)
		return false;
	for (size_t i = 0; pat[i]; i++) {
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return false;
	}
	return true;
}

/* A decimal number without sign or leading zero, at most max. */
static int parse_num(const char *s, unsigned long max, unsigned long *out)
{
	if (s[0] == '0' && s[1] != '\0')
		return -EINVAL;
	return rsc_parse_ulong(s, max, out);
}

static int add_record(struct rsc_manifest *m, struct rsc_jrecord *rec)
{
	/* the array's capacity is the next power of two: grow when nrecs is one */
	if ((m->nrecs & (m->nrecs - 1)) == 0) {
		size_t cap = m->nrecs ? m->nrecs * 2 : 1;
		struct rsc_jrecord *n = reallocarray(m->recs, cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		m->recs = n;
	}
	m->recs[m->nrecs++] = *rec;
	return 0;
}

#define NFIELDS 8

static int parse_record(char *line, size_t lineno, struct rsc_manifest *m, struct rsc_buf *why)
{
	struct rsc_jrecord rec = { 0 };
	char *f[NFIELDS];
	unsigned long v;
	size_t n = 0;
	bool isbad;
	char *s = line;
	int r;

	while (n < NFIELDS) {
		f[n++] = s;
		s = strchr(s, ' ');
		if (!s)
			break;
		*s++ = '\0';
	}
	if (n != NFIELDS || s)
		return bad(why, lineno, "a record has %d fields", NFIELDS);
	for (size_t i = 0; i < NFIELDS; i++)
		if (!*f[i])
			return bad(why, lineno, "empty field %zu", i + 1);

	if (parse_num(f[0], ULONG_MAX, &v) < 0)
		return bad(why, lineno, "bad sequence number");
	if (v != m->nrecs + 1)
		return bad(why, lineno, "sequence number %lu, expected %zu", v, m->nrecs + 1);
	rec.seq = v;

	for (rec.kind = 0; rec.kind < ARRAY_SIZE(kind_names); rec.kind++)
		if (strcmp(f[1], kind_names[rec.kind]) == 0)
			break;
	if (rec.kind == ARRAY_SIZE(kind_names))
		return bad(why, lineno, "unknown kind");

	if (rec.kind == RSC_J_ABSENT) {
		for (size_t i = 2; i < 7; i++)
			if (strcmp(f[i], "-") != 0)
				return bad(why, lineno,
					   "an absent path has no mode, owner or data");
	} else {
		if (strlen(f[2]) != 4 || strspn(f[2], "01234567") != 4)
			return bad(why, lineno, "bad mode");
		rec.mode = (mode_t)strtoul(f[2], NULL, 8);
		if (parse_num(f[3], UINT32_MAX - 1, &v) < 0)
			return bad(why, lineno, "bad uid");
		rec.uid = (uid_t)v;
		if (parse_num(f[4], UINT32_MAX - 1, &v) < 0)
			return bad(why, lineno, "bad gid");
		rec.gid = (gid_t)v;
		if (parse_num(f[5], ULONG_MAX, &v) < 0)
			return bad(why, lineno, "bad size");
		rec.size = v;
		if (strcmp(f[6], "-") != 0) {
			char want[32];

			snprintf(want, sizeof(want), "data/%lu", rec.seq);
			if (rec.kind != RSC_J_FILE || strcmp(f[6], want) != 0)
				return bad(why, lineno, "bad data file name (expected - or %s)",
					   want);
			rec.has_data = true;
		}
	}

	rec.path = decode(f[7], &isbad);
	if (!rec.path)
		return isbad ? bad(why, lineno, "bad path encoding") : -ENOMEM;
	if (!path_ok(rec.path)) {
		free(rec.path);
		return bad(why, lineno, "path is not absolute, too long or has a '..'");
	}
	r = add_record(m, &rec);
	if (r < 0)
		free(rec.path);
	return r;
}

#define WROTE_FIELDS 4

/* "wrote SEQ SIZE data/SEQ.new": the bytes the fix wrote to record SEQ's path. */
static int parse_wrote(char *line, size_t lineno, struct rsc_manifest *m, struct rsc_buf *why)
{
	struct rsc_jrecord *rec;
	char *f[WROTE_FIELDS], want[40];
	unsigned long seq, size;
	size_t n = 0;
	char *s = line;

	while (n < WROTE_FIELDS) {
		f[n++] = s;
		s = strchr(s, ' ');
		if (!s)
			break;
		*s++ = '\0';
	}
	if (n != WROTE_FIELDS || s)
		return bad(why, lineno, "a \"wrote\" line has %d fields", WROTE_FIELDS);
	if (parse_num(f[1], ULONG_MAX, &seq) < 0 || seq == 0 || seq > m->nrecs)
		return bad(why, lineno, "\"wrote\" for no earlier record");
	rec = &m->recs[seq - 1];
	if (rec->kind != RSC_J_ABSENT && !(rec->kind == RSC_J_FILE && rec->has_data))
		return bad(why, lineno, "\"wrote\" for a record that is not absent or saved");
	if (parse_num(f[2], RSC_JOURNAL_DATA_MAX, &size) < 0)
		return bad(why, lineno, "bad size");
	snprintf(want, sizeof(want), "data/%lu.new", seq);
	if (strcmp(f[3], want) != 0)
		return bad(why, lineno, "bad data file name (expected %s)", want);
	/* the same path written twice by one run: the later bytes are the fix's */
	rec->has_new = true;
	rec->new_size = size;
	return 0;
}

enum pstate { P_MAGIC, P_COMMAND, P_TIME, P_RECORDS, P_DONE };

static int parse_line(char *line, size_t lineno, enum pstate *st, struct rsc_manifest *m,
		      struct rsc_buf *why)
{
	bool isbad;

	switch (*st) {
	case P_MAGIC:
		m->version = strcmp(line, MANIFEST_MAGIC) == 0	    ? MANIFEST_VERSION
			     : strcmp(line, MANIFEST_MAGIC_V1) == 0 ? 1
								    : 0;
		if (m->version)
			break;
		if (rsc_startswith(line, MANIFEST_MAGIC_NS))
			return bad(why, lineno, "unsupported journal version");
		return bad(why, lineno, "not a sshrescue journal manifest");
	case P_COMMAND:
		if (!rsc_startswith(line, "command ") || !line[8])
			return bad(why, lineno, "expected \"command NAME\"");
		m->command = decode(line + 8, &isbad);
		if (!m->command)
			return isbad ? bad(why, lineno, "bad command encoding") : -ENOMEM;
		break;
	case P_TIME:
		if (!rsc_startswith(line, "time ") || !is_time(line + 5))
			return bad(why, lineno, "expected \"time YYYY-mm-ddTHH:MM:SSZ\"");
		m->time = strdup(line + 5);
		if (!m->time)
			return -ENOMEM;
		break;
	case P_RECORDS:
		if (strcmp(line, "complete") == 0) {
			m->complete = true;
			break;
		}
		if (rsc_startswith(line, "wrote ") && m->version >= 2)
			return parse_wrote(line, lineno, m, why);
		if (line[0] < '0' || line[0] > '9')
			return bad(why, lineno, "expected a record or \"complete\"");
		return parse_record(line, lineno, m, why);
	case P_DONE:
		return bad(why, lineno, "text after \"complete\"");
	}
	(*st)++;
	return 0;
}

int rsc_manifest_parse(const char *buf, size_t len, struct rsc_manifest *m, struct rsc_buf *why)
{
	_cleanup_free_ char *line = NULL;
	enum pstate st = P_MAGIC;
	size_t pos = 0, lineno = 0;
	int r = 0;

	memset(m, 0, sizeof(*m));
	if (len > RSC_MANIFEST_MAX)
		return bad(why, 1, "manifest larger than %u bytes", RSC_MANIFEST_MAX);
	line = malloc(RSC_MANIFEST_LINE_MAX + 1);
	if (!line)
		return -ENOMEM;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		lineno++;
		if (ll > RSC_MANIFEST_LINE_MAX)
			r = bad(why, lineno, "line longer than %d bytes", RSC_MANIFEST_LINE_MAX);
		else if (!nl)
			r = bad(why, lineno, "truncated (no end of line)");
		else if (memchr(buf + pos, '\0', ll))
			r = bad(why, lineno, "NUL byte");
		if (r < 0)
			goto fail;
		memcpy(line, buf + pos, ll);
		line[ll] = '\0';
		r = parse_line(line, lineno, &st, m, why);
		if (r < 0)
			goto fail;
		pos += ll + 1;
	}
	if (st < P_RECORDS) {
		r = bad(why, lineno + 1, "truncated (header incomplete)");
		goto fail;
	}
	return 0;
fail:
	rsc_manifest_free(m);
	return r;
}

void rsc_manifest_free(struct rsc_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nrecs; i++)
		free(m->recs[i].path);
	free(m->recs);
	free(m->command);
	free(m->time);
	memset(m, 0, sizeof(*m));
}

static int format_wrote(struct rsc_buf *b, unsigned long seq, unsigned long long size)
{
	return rsc_buf_printf(b, "wrote %lu %llu data/%lu.new\n", seq, size, seq);
}

int rsc_manifest_format_record(struct rsc_buf *b, const struct rsc_jrecord *rec)
{
	int r;

	if (!rec->path || !path_ok(rec->path) || (unsigned)rec->kind >= ARRAY_SIZE(kind_names) ||
	    (rec->has_data && rec->kind != RSC_J_FILE))
		return -EINVAL;
	if (rec->has_new &&
	    (rec->new_size > RSC_JOURNAL_DATA_MAX ||
	     !(rec->kind == RSC_J_ABSENT || (rec->kind == RSC_J_FILE && rec->has_data))))
		return -EINVAL;
	if (rec->kind == RSC_J_ABSENT)
		r = rsc_buf_printf(b, "%lu absent - - - - - ", rec->seq);
	else
		r = rsc_buf_printf(b, "%lu %s %04o %u %u %llu ", rec->seq, kind_names[rec->kind],
				   (unsigned)(rec->mode & 07777), (unsigned)rec->uid,
				   (unsigned)rec->gid, rec->size);
	if (r == 0 && rec->kind != RSC_J_ABSENT)
		r = rec->has_data ? rsc_buf_printf(b, "data/%lu ", rec->seq) : 0;
	if (r == 0 && rec->kind != RSC_J_ABSENT && !rec->has_data)
		r = rsc_buf_adds(b, "- ");
	if (r == 0)
		r = add_encoded(b, rec->path);
	if (r == 0)
		r = rsc_buf_adds(b, "\n");
	if (r == 0 && rec->has_new)
		r = format_wrote(b, rec->seq, rec->new_size);
	return r;
}

/* ---- write side -------------------------------------------------------- */

/* Now in UTC: "20261123T034501Z" (compact, for ids) or "2026-11-23T03:45:01Z". */
static int utc_now(bool compact, char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;
	size_t n;

	if (!gmtime_r(&t, &tm))
		return -EINVAL;
	n = compact ? strftime(buf, size, "%Y%m%dT%H%M%SZ", &tm)
		    : strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return n ? 0 : -EINVAL;
}

static int write_all(int fd, const char *p, size_t len)
{
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

/* Append text to the manifest and make it durable: file, then its directory. */
static int manifest_append(struct rsc_journal *j, const struct rsc_buf *b)
{
	int r;

	if (j->broken)
		return -EIO;
	r = write_all(j->fd, b->data, b->len);
	if (r == 0 && fsync(j->fd) < 0)
		r = -errno;
	if (r == 0)
		r = rsc_root_sync_parent(j->root, j->manifest);
	if (r < 0)
		j->broken = true; /* a torn line must not be followed by more records */
	return r;
}

/* The journal directory must be ours alone: a hostile victim may have pre-made it. */
static int secure_dir(struct rsc_root *root, const char *dir)
{
	struct stat st;
	int r = rsc_root_stat(root, dir, &st, RSC_NOFOLLOW);

	if (r < 0)
		return r;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != geteuid() || st.st_gid != getegid()) {
		r = rsc_root_chown(root, dir, geteuid(), getegid());
		if (r < 0)
			return r;
	}
	if ((st.st_mode & 07777) != 0700)
		r = rsc_root_chmod(root, dir, 0700);
	return r;
}

/* Remove a journal that recorded nothing (best effort: it holds no state). */
static void discard(struct rsc_journal *j)
{
	_cleanup_free_ char *data = rsc_path_join(j->dir, "data");

	rsc_root_unlink(j->root, j->manifest, 0);
	if (data)
		rsc_root_unlink(j->root, data, RSC_RMDIR);
	rsc_root_unlink(j->root, j->dir, RSC_RMDIR);
}

static void journal_free(struct rsc_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	for (unsigned long i = 0; i < j->nrecs; i++)
		free(j->seen[i].path);
	free(j->seen);
	free(j->id);
	free(j->dir);
	free(j->manifest);
	free(j);
}

int rsc_journal_begin(struct rsc_root *root, const char *command, struct rsc_journal **out)
{
	struct rsc_journal *j = NULL;
	_cleanup_free_ char *data = NULL;
	struct rsc_buf head = { 0 };
	char stamp[32], iso[32];
	int r;

	*out = NULL;
	if (!command || !*command)
		return -EINVAL;
	r = utc_now(true, stamp, sizeof(stamp));
	if (r == 0)
		r = utc_now(false, iso, sizeof(iso));
	if (r < 0)
		return r;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->root = root;
	j->fd = -1;

	/* /var/lib as any system has it; only our own directories are private */
	r = rsc_root_mkdir_p(root, "/var/lib", 0755);
	if (r == 0)
		r = rsc_root_mkdir_p(root, RSC_JOURNAL_DIR, 0700);
	if (r == 0)
		r = secure_dir(root, JOURNAL_PARENT);
	if (r == 0)
		r = secure_dir(root, RSC_JOURNAL_DIR);
	if (r < 0)
		goto fail;
	for (unsigned n = 1;; n++) {
		if (n > ID_COUNTER_MAX) {
			r = -EEXIST;
			goto fail;
		}
		free(j->id);
		free(j->dir);
		j->dir = NULL;
		if (asprintf(&j->id, "%s-%u", stamp, n) < 0) {
			j->id = NULL;
			r = -ENOMEM;
			goto fail;
		}
		j->dir = rsc_path_join(RSC_JOURNAL_DIR, j->id);
		if (!j->dir) {
			r = -ENOMEM;
			goto fail;
		}
		r = rsc_root_mkdir(root, j->dir, 0700, geteuid(), getegid());
		if (r != -EEXIST)
			break;
	}
	if (r < 0) {
		free(j->dir);
		j->dir = NULL;
		goto fail;
	}
	j->manifest = rsc_path_join(j->dir, "manifest");
	data = rsc_path_join(j->dir, "data");
	if (!j->manifest || !data) {
		r = -ENOMEM;
		goto fail;
	}
	r = rsc_root_mkdir(root, data, 0700, geteuid(), getegid());
	if (r < 0)
		goto fail;
	j->fd = rsc_root_open_at(root, j->manifest,
				 O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
				 0600, RSC_NOFOLLOW);
	if (j->fd < 0) {
		r = j->fd;
		goto fail;
	}
	r = rsc_buf_adds(&head, MANIFEST_MAGIC "\ncommand ");
	if (r == 0)
		r = add_encoded(&head, command);
	if (r == 0)
		r = rsc_buf_printf(&head, "\ntime %s\n", iso);
	if (r == 0)
		r = manifest_append(j, &head);
	rsc_buf_free(&head);
	if (r < 0)
		goto fail;
	*out = j;
	return 0;
fail:
	if (j->dir)
		discard(j);
	journal_free(j);
	return r;
}

int rsc_journal_record(struct rsc_journal *j, const char *path, bool save_data)
{
	struct rsc_jrecord rec = { .seq = j->nrecs + 1, .path = (char *)path };
	_cleanup_free_ char *bytes = NULL, *dname = NULL, *copy = NULL;
	struct rsc_buf line = { 0 };
	struct stat st;
	size_t len = 0;
	int r;

	if (!path || !path_ok(path))
		return -EINVAL;
	for (unsigned long i = 0; i < j->nrecs; i++)
		if (strcmp(j->seen[i].path, path) == 0)
			return 0; /* the oldest state is the one undo restores */
	if (j->broken)
		return -EIO;

	r = rsc_root_stat(j->root, path, &st, RSC_NOFOLLOW);
	if (r == -ENOENT) {
		rec.kind = RSC_J_ABSENT;
	} else if (r < 0) {
		return r;
	} else {
		if (save_data && S_ISREG(st.st_mode)) {
			/* the same open gives the bytes and the state they belong to */
			r = rsc_root_read_file(j->root, path, RSC_JOURNAL_DATA_MAX, RSC_NOFOLLOW,
					       &bytes, &len, &st);
			if (r < 0)
				return r;
			rec.has_data = true;
		}
		rec.kind = S_ISREG(st.st_mode)	 ? RSC_J_FILE
			   : S_ISDIR(st.st_mode) ? RSC_J_DIR
			   : S_ISLNK(st.st_mode) ? RSC_J_SYMLINK
						 : RSC_J_OTHER;
		rec.mode = st.st_mode & 07777;
		rec.uid = st.st_uid;
		rec.gid = st.st_gid;
		rec.size = rec.has_data ? len : (unsigned long long)st.st_size;
	}

	/* grow the list of recorded paths first: no failure after the manifest line */
	if (j->nrecs == j->capseen) {
		size_t cap = j->capseen ? j->capseen * 2 : 8;
		struct seen *n = reallocarray(j->seen, cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		j->seen = n;
		j->capseen = cap;
	}
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	if (rec.has_data) {
		if (asprintf(&dname, "%s/data/%lu", j->dir, rec.seq) < 0) {
			dname = NULL;
			return -ENOMEM;
		}
		r = rsc_root_write_file(j->root, dname, bytes, len, 0600, geteuid(), getegid());
		if (r < 0)
			return r;
	}
	r = rsc_manifest_format_record(&line, &rec);
	if (r == 0)
		r = manifest_append(j, &line);
	rsc_buf_free(&line);
	if (r < 0)
		return r;
	j->seen[j->nrecs++] = (struct seen){ TAKE_PTR(copy), rec.kind, rec.has_data };
	return 0;
}

int rsc_journal_wrote(struct rsc_journal *j, const char *path, const void *data, size_t len)
{
	_cleanup_free_ char *dname = NULL;
	struct rsc_buf line = { 0 };
	const struct seen *s;
	unsigned long seq;
	int r;

	if (!path || (!data && len))
		return -EINVAL;
	for (seq = 1; seq <= j->nrecs; seq++)
		if (strcmp(j->seen[seq - 1].path, path) == 0)
			break;
	if (seq > j->nrecs)
		return -EINVAL;
	s = &j->seen[seq - 1];
	if (!(s->kind == RSC_J_ABSENT || (s->kind == RSC_J_FILE && s->has_data)))
		return -EINVAL; /* undo could not put back the bytes that were there before */
	if (len > RSC_JOURNAL_DATA_MAX)
		return -EFBIG;
	if (j->broken)
		return -EIO;
	if (asprintf(&dname, "%s/data/%lu.new", j->dir, seq) < 0) {
		dname = NULL;
		return -ENOMEM;
	}
	/* the bytes first: a "wrote" line never names a file that is not there */
	r = rsc_root_write_file(j->root, dname, data ? data : "", len, 0600, geteuid(), getegid());
	if (r < 0)
		return r;
	r = format_wrote(&line, seq, len);
	if (r == 0)
		r = manifest_append(j, &line);
	rsc_buf_free(&line);
	return r;
}

int rsc_journal_close(struct rsc_journal *j)
{
	struct rsc_buf done = { 0 };
	int r = 0;

	if (!j)
		return 0;
	if (j->nrecs == 0) {
		/* nothing was changed: leave no empty journal behind to confuse undo */
		close(j->fd);
		j->fd = -1;
		discard(j);
	} else {
		r = rsc_buf_adds(&done, "complete\n");
		if (r == 0)
			r = manifest_append(j, &done);
		rsc_buf_free(&done);
		if (close(j->fd) < 0 && r == 0)
			r = -errno;
		j->fd = -1;
	}
	journal_free(j);
	return r;
}

const char *rsc_journal_id(const struct rsc_journal *j)
{
	return j ? j->id : NULL;
}

/* ---- read side: list and undo ------------------------------------------ */

/* A journal id as rsc_journal_begin() makes them: only [0-9TZ-], so never '/' or "..". */
static bool id_ok(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n <= ID_MAX && strspn(id, "0123456789TZ-") == n;
}

/* Order ids by time stamp, then by counter as a number ("-10" after "-9"). */
static int id_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	const char *dx = strrchr(x, '-'), *dy = strrchr(y, '-');
	size_t lx = dx ? (size_t)(dx - x) : strlen(x), ly = dy ? (size_t)(dy - y) : strlen(y);
	unsigned long nx = 0, ny = 0;
	int c;

	c = memcmp(x, y, lx < ly ? lx : ly);
	if (c == 0 && lx != ly)
		c = lx < ly ? -1 : 1;
	if (c)
		return c;
	if (dx && dy && rsc_parse_ulong(dx + 1, ULONG_MAX, &nx) == 0 &&
	    rsc_parse_ulong(dy + 1, ULONG_MAX, &ny) == 0 && nx != ny)
		return nx < ny ? -1 : 1;
	return strcmp(x, y);
}

struct idlist {
	char **ids;
	size_t n, cap;
};

static void idlist_free(struct idlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->ids[i]);
	free(l->ids);
	memset(l, 0, sizeof(*l));
}

/* The journal directories of root, sorted oldest first. None is not an error. */
static int scan(struct rsc_root *root, struct idlist *l)
{
	_cleanup_close_ int fd = -1;
	struct dirent *de;
	DIR *d = NULL;
	int r = 0;

	memset(l, 0, sizeof(*l));
	fd = rsc_root_open_at(root, RSC_JOURNAL_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0,
			      RSC_NOFOLLOW);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d)
		return -errno;
	fd = -1; /* owned by d now */
	while ((errno = 0, de = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		struct stat st;

		if (!id_ok(de->d_name))
			continue;
		path = rsc_path_join(RSC_JOURNAL_DIR, de->d_name);
		if (!path) {
			r = -ENOMEM;
			break;
		}
		if (rsc_root_stat(root, path, &st, RSC_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (l->n == IDS_MAX) {
			r = -E2BIG;
			break;
		}
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 16;
			char **n = reallocarray(l->ids, cap, sizeof(*n));

			if (!n) {
				r = -ENOMEM;
				break;
			}
			l->ids = n;
			l->cap = cap;
		}
		l->ids[l->n] = strdup(de->d_name);
		if (!l->ids[l->n]) {
			r = -ENOMEM;
			break;
		}
		l->n++;
	}
	if (r == 0 && errno)
		r = -errno;
	closedir(d);
	if (r < 0) {
		idlist_free(l);
		return r;
	}
	if (l->n > 1)
		qsort(l->ids, l->n, sizeof(*l->ids), id_cmp);
	return 0;
}

static char *jpath(const char *id, const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s/%s", RSC_JOURNAL_DIR, id, name) < 0)
		return NULL;
	return p;
}

static bool is_undone(struct rsc_root *root, const char *id)
{
	_cleanup_free_ char *p = jpath(id, "undone");
	struct stat st;

	return p && rsc_root_stat(root, p, &st, RSC_NOFOLLOW) == 0;
}

/* Read and parse the manifest of journal id; it must be ours (root's, not writable by others). */
static int load(struct rsc_root *root, const char *id, struct rsc_manifest *m, struct rsc_buf *why)
{
	_cleanup_free_ char *path = jpath(id, "manifest"), *data = NULL;
	struct stat st;
	size_t len = 0;
	int r;

	memset(m, 0, sizeof(*m));
	if (!path)
		return -ENOMEM;
	r = rsc_root_read_file(root, path, RSC_MANIFEST_MAX, RSC_NOFOLLOW, &data, &len, &st);
	if (r < 0) {
		rsc_buf_printf(why, "cannot read the manifest: %s", strerror(-r));
		return r;
	}
	if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 022)) {
		rsc_buf_adds(why, "the manifest is not owned by root or is writable by others; "
				  "not trusted");
		return -EPERM;
	}
	return rsc_manifest_parse(data, len, m, why);
}

int rsc_journal_list(struct rsc_root *root, FILE *out)
{
	struct idlist l;
	int r = scan(root, &l);

	if (r < 0)
		return r;
	if (l.n == 0)
		fprintf(out, "no journals\n");
	for (size_t i = 0; i < l.n; i++) {
		struct rsc_buf why = { 0 };
		struct rsc_manifest m;

		r = load(root, l.ids[i], &m, &why);
		if (r == -ENOMEM) {
			rsc_buf_free(&why);
			break;
		}
		if (r < 0) {
			_cleanup_free_ char *e = rsc_escape(why.data ? why.data : strerror(-r));

			fprintf(out, "%s  ?  unusable: %s\n", l.ids[i], e ? e : "?");
		} else {
			_cleanup_free_ char *cmd = rsc_escape(m.command);

			fprintf(out, "%s  %s  %zu change%s%s%s\n", l.ids[i], cmd ? cmd : "?",
				m.nrecs, m.nrecs == 1 ? "" : "s",
				is_undone(root, l.ids[i]) ? "  undone" : "",
				m.complete ? "" : "  incomplete");
		}
		r = 0;
		rsc_buf_free(&why);
		rsc_manifest_free(&m);
	}
	idlist_free(&l);
	return r;
}

static const char *kind_of(mode_t m)
{
	return S_ISREG(m)   ? kind_names[RSC_J_FILE]
	       : S_ISDIR(m) ? kind_names[RSC_J_DIR]
	       : S_ISLNK(m) ? kind_names[RSC_J_SYMLINK]
			    : kind_names[RSC_J_OTHER];
}

/* Put back the owner, then the mode (a chown may clear set-id bits). */
static int restore_meta(struct rsc_root *root, const struct rsc_jrecord *rec)
{
	int r = rsc_root_chown(root, rec->path, rec->uid, rec->gid);

	if (r == 0)
		r = rsc_root_chmod(root, rec->path, rec->mode);
	return r;
}

/* Read data/<seq><suffix> of journal id; it must hold exactly want bytes (else -EBADMSG). */
static int load_saved(struct rsc_root *root, const char *id, unsigned long seq, const char *suffix,
		      unsigned long long want, char **data, size_t *len)
{
	_cleanup_free_ char *name = NULL, *path = NULL;
	int r;

	*data = NULL;
	if (asprintf(&name, "data/%lu%s", seq, suffix) < 0)
		return -ENOMEM;
	path = jpath(id, name);
	if (!path)
		return -ENOMEM;
	r = rsc_root_read_file(root, path, RSC_JOURNAL_DATA_MAX, RSC_NOFOLLOW, data, len, NULL);
	if (r < 0)
		return r;
	if (*len != want) {
		free(*data);
		*data = NULL;
		return -EBADMSG; /* the saved bytes are not what was recorded */
	}
	return 0;
}

/* Are cur's clen bytes exactly what the fix wrote to rec's path (data/<seq>.new)? */
static bool holds_fix_bytes(struct rsc_root *root, const char *id, const struct rsc_jrecord *rec,
			    const char *cur, size_t clen)
{
	_cleanup_free_ char *fix = NULL;
	size_t flen = 0;

	if (!rec->has_new || clen != rec->new_size)
		return false;
	if (load_saved(root, id, rec->seq, ".new", rec->new_size, &fix, &flen) < 0)
		return false; /* missing or damaged: not known, so not taken as the fix's */
	return memcmp(cur, fix, clen) == 0;
}

/*
 * Keep the current bytes of path in a new file "<path>.sshrescue-<id>" (or
 * "...-<id>.N" when that name is taken), with st's mode and owner. Never
 * replaces an existing name: the name is claimed with O_EXCL first. *side is
 * the name used (caller frees).
 */
static int keep_copy(struct rsc_root *root, const char *path, const char *id, const char *cur,
		     size_t clen, const struct stat *st, char **side)
{
	int r = -EEXIST;

	*side = NULL;
	for (unsigned n = 1; n <= SIDE_TRIES && r == -EEXIST; n++) {
		_cleanup_free_ char *name = NULL;
		int fd;

		if ((n == 1 ? asprintf(&name, "%s.sshrescue-%s", path, id)
			    : asprintf(&name, "%s.sshrescue-%s.%u", path, id, n)) < 0)
			return -ENOMEM;
		fd = rsc_root_open_at(root, name,
				      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600,
				      RSC_NOFOLLOW);
		if (fd < 0) {
			r = fd;
			continue;
		}
		close(fd);
		/* ours now: replacing our own empty placeholder loses nothing */
		r = rsc_root_write_file(root, name, cur, clen, st->st_mode & 07777, st->st_uid,
					st->st_gid);
		if (r < 0) {
			rsc_root_unlink(root, name, 0);
			return r;
		}
		*side = TAKE_PTR(name);
	}
	return r;
}

/* A path the run created (absent before) that exists now. */
static int restore_created(struct rsc_root *root, const char *id, unsigned version,
			   const struct rsc_jrecord *rec, const struct stat *st, const char *e,
			   FILE *out)
{
	_cleanup_free_ char *cur = NULL;
	size_t clen = 0;
	int r;

	if (S_ISDIR(st->st_mode)) {
		r = rsc_root_unlink(root, rec->path, RSC_RMDIR);
		if (r == -ENOTEMPTY || r == -EEXIST) {
			fprintf(out,
				"  kept      %s: the fix created this directory, but it is not "
				"empty now; remove it by hand if it is not wanted\n",
				e);
			return 0;
		}
	} else if (version < 2) {
		/* a version 1 journal does not know what the fix wrote: as it always did */
		r = rsc_root_unlink(root, rec->path, 0);
	} else if (!S_ISREG(st->st_mode)) {
		fprintf(out,
			"  kept      %s: is a %s now, which the fix did not make; remove it by "
			"hand if it is not wanted\n",
			e, kind_of(st->st_mode));
		return 0;
	} else if (!rec->has_new) {
		/* the run stopped between its record and its "wrote" line: nothing was written */
		fprintf(out,
			"  kept      %s: the journal does not say what the fix wrote here, so it "
			"is not taken for the fix's; remove it by hand if it is not wanted\n",
			e);
		return 0;
	} else {
		bool same = false;

		if ((unsigned long long)st->st_size == rec->new_size) {
			r = rsc_root_read_file(root, rec->path, RSC_JOURNAL_DATA_MAX, RSC_NOFOLLOW,
					       &cur, &clen, NULL);
			if (r < 0)
				goto out;
			same = holds_fix_bytes(root, id, rec, cur, clen);
		}
		if (!same) {
			fprintf(out,
				"  kept      %s: the fix created this file, but it was changed "
				"since; remove it by hand if it is not wanted\n",
				e);
			return 0;
		}
		r = rsc_root_unlink(root, rec->path, 0);
	}
out:
	if (r < 0)
		fprintf(out, "  FAILED    %s: %s\n", e, strerror(-r));
	else
		fprintf(out, "  removed   %s\n", e);
	return r;
}

/* A file whose content the run replaced: put the saved bytes back, keeping any newer edit. */
static int restore_rewritten(struct rsc_root *root, const char *id, unsigned version,
			     const struct rsc_jrecord *rec, bool exists, const char *e, FILE *out)
{
	_cleanup_free_ char *old = NULL, *cur = NULL, *side = NULL, *es = NULL;
	size_t olen = 0, clen = 0;
	struct stat cst;
	int r;

	r = load_saved(root, id, rec->seq, "", rec->size, &old, &olen);
	if (r < 0)
		goto fail;
	if (exists && version >= 2) {
		r = rsc_root_read_file(root, rec->path, RSC_JOURNAL_DATA_MAX, RSC_NOFOLLOW, &cur,
				       &clen, &cst);
		if (r < 0) {
			fprintf(out,
				"  FAILED    %s: cannot read it to see whether it changed since "
				"the fix (%s); not restored\n",
				e, strerror(-r));
			return r;
		}
		/* the earlier bytes or the fix's: nothing of value is overwritten */
		if (!(clen == olen && memcmp(cur, old, olen) == 0) &&
		    !holds_fix_bytes(root, id, rec, cur, clen)) {
			r = keep_copy(root, rec->path, id, cur, clen, &cst, &side);
			if (r < 0) {
				fprintf(out,
					"  FAILED    %s: changed since the fix, and its content "
					"cannot be kept aside (%s); not restored\n",
					e, strerror(-r));
				return r;
			}
			es = rsc_escape(side);
			fprintf(out,
				"  kept      %s: changed since the fix; its current content is "
				"now in %s\n",
				e, es ? es : "?");
		}
	}
	r = rsc_root_write_file(root, rec->path, old, olen, rec->mode, rec->uid, rec->gid);
	if (r == 0)
		r = restore_meta(root, rec);
	if (r < 0)
		goto fail;
	fprintf(out, "  restored  %s (%llu bytes, mode %04o, owner %u:%u)\n", e, rec->size,
		(unsigned)rec->mode, (unsigned)rec->uid, (unsigned)rec->gid);
	return 0;
fail:
	fprintf(out, "  FAILED    %s: %s\n", e, strerror(-r));
	return r;
}

/* Restore one record; print one line. Returns 0 or -errno (then the line says why). */
static int restore(struct rsc_root *root, const char *id, unsigned version,
		   const struct rsc_jrecord *rec, FILE *out)
{
	_cleanup_free_ char *p = rsc_escape(rec->path);
	const char *e = p ? p : "?";
	struct stat st;
	bool exists;
	int r;

	r = rsc_root_stat(root, rec->path, &st, RSC_NOFOLLOW);
	if (r < 0 && r != -ENOENT)
		goto fail;
	exists = r == 0;
	switch (rec->kind) {
	case RSC_J_ABSENT:
		if (!exists) {
			fprintf(out, "  absent    %s (already gone)\n", e);
			return 0;
		}
		return restore_created(root, id, version, rec, &st, e, out);
	case RSC_J_SYMLINK:
		fprintf(out, "  unchanged %s (a symlink; sshrescue never changes one)\n", e);
		return 0;
	case RSC_J_FILE:
		if (rec->has_data) {
			if (exists && !S_ISREG(st.st_mode)) {
				fprintf(out,
					"  FAILED    %s: is a %s now, not a file; not restored\n",
					e, kind_of(st.st_mode));
				return -EEXIST;
			}
			return restore_rewritten(root, id, version, rec, exists, e, out);
		}
		/* fall through */
	case RSC_J_DIR:
	case RSC_J_OTHER:
		if (!exists)
			goto fail;
		if (strcmp(kind_of(st.st_mode), kind_names[rec->kind]) != 0) {
			fprintf(out, "  FAILED    %s: is a %s now, was a %s; not restored\n", e,
				kind_of(st.st_mode), kind_names[rec->kind]);
			return -EEXIST;
		}
		r = restore_meta(root, rec);
		if (r < 0)
			goto fail;
		fprintf(out, "  restored  %s (mode %04o, owner %u:%u)\n", e, (unsigned)rec->mode,
			(unsigned)rec->uid, (unsigned)rec->gid);
		return 0;
	}
	r = -EINVAL;
fail:
	fprintf(out, "  FAILED    %s: %s\n", e, strerror(-r));
	return r;
}

static int load_for_undo(struct rsc_root *root, const char *id, struct rsc_manifest *m, FILE *out)
{
	struct rsc_buf why = { 0 };
	int r = load(root, id, m, &why);

	if (r < 0) {
		_cleanup_free_ char *e = rsc_escape(why.data ? why.data : strerror(-r));

		fprintf(out, "journal %s: manifest %s\n", id, e ? e : "?");
	}
	rsc_buf_free(&why);
	return r;
}

/* Pick the journal to undo: id, or the newest one not undone that recorded something. */
static int choose(struct rsc_root *root, const char *id, struct rsc_manifest *m, char **chosen,
		  FILE *out)
{
	struct idlist l;
	size_t i;
	int r = scan(root, &l);

	*chosen = NULL;
	if (r < 0)
		return r;
	r = -ENOENT;
	if (id) {
		for (i = 0; i < l.n && strcmp(l.ids[i], id) != 0; i++)
			;
		if (i == l.n)
			fprintf(out, "no journal %s\n", id);
		else if (is_undone(root, id))
			fprintf(out, "journal %s was already undone\n", id);
		else
			r = load_for_undo(root, id, m, out);
	} else {
		for (i = l.n; i-- > 0;) {
			if (is_undone(root, l.ids[i]))
				continue;
			r = load_for_undo(root, l.ids[i], m, out);
			if (r < 0 || m->nrecs > 0)
				break;
			rsc_manifest_free(m); /* recorded nothing: nothing to undo there */
			r = -ENOENT;
		}
		if (r == -ENOENT)
			fprintf(out, "no journal to undo\n");
	}
	if (r == 0) {
		*chosen = strdup(l.ids[i]);
		if (!*chosen) {
			rsc_manifest_free(m);
			r = -ENOMEM;
		}
	}
	idlist_free(&l);
	return r;
}

int rsc_journal_undo(struct rsc_root *root, const char *id, FILE *out)
{
	_cleanup_free_ char *chosen = NULL, *marker = NULL;
	struct rsc_manifest m = { 0 };
	char iso[32], text[48];
	size_t failed = 0;
	int r, first = 0;

	if (id && !id_ok(id)) {
		_cleanup_free_ char *e = rsc_escape(id);

		fprintf(out, "invalid journal id '%s'\n", e ? e : "?");
		return -EINVAL;
	}
	r = choose(root, id, &m, &chosen, out);
	if (r < 0)
		return r;
	{
		_cleanup_free_ char *cmd = rsc_escape(m.command);

		fprintf(out, "Undoing journal %s (%s at %s, %zu change%s%s):\n", chosen,
			cmd ? cmd : "?", m.time, m.nrecs, m.nrecs == 1 ? "" : "s",
			m.complete ? "" : ", interrupted before it was closed");
	}
	for (size_t i = m.nrecs; i-- > 0;) {
		r = restore(root, chosen, m.version, &m.recs[i], out);
		if (r < 0 && failed++ == 0)
			first = r;
	}
	rsc_manifest_free(&m);
	if (failed) {
		fprintf(out, "%zu path%s could not be restored; journal %s is NOT marked undone\n",
			failed, failed == 1 ? "" : "s", chosen);
		return first;
	}
	marker = jpath(chosen, "undone");
	if (!marker)
		return -ENOMEM;
	r = utc_now(false, iso, sizeof(iso));
	if (r < 0)
		return r;
	snprintf(text, sizeof(text), "undone %s\n", iso);
	r = rsc_root_write_file(root, marker, text, strlen(text), 0600, geteuid(), getegid());
	if (r < 0) {
		fprintf(out, "everything restored, but the undone marker cannot be written: %s\n",
			strerror(-r));
		return r;
	}
	fprintf(out, "journal %s undone\n", chosen);
	return 0;
}
