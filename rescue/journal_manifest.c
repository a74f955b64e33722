// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * journal_manifest.c - the journal's manifest format (docs/journal.md):
 * percent-encoding of paths and commands, the strict parser of versions 1
 * to 4, and the writer of the header, record, "wrote", "linked", "moved",
 * "deleted" and "truncated" lines.
 *
 * The parser trusts nothing in the manifest, because the victim's disk is
 * hostile until proven otherwise. It needs no rsc_root: the fuzz target and
 * the unit tests feed it bytes directly.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "journal_int.h"

#define MANIFEST_VERSION  4 /* written; 1 to 4 are read */
#define MANIFEST_MAGIC	  "sshrescue-journal 4"
#define MANIFEST_MAGIC_V3 "sshrescue-journal 3"
#define MANIFEST_MAGIC_V2 "sshrescue-journal 2"
#define MANIFEST_MAGIC_V1 "sshrescue-journal 1"
#define MANIFEST_MAGIC_NS "sshrescue-journal "

const char *const jnl_kind_names[RSC_J_OTHER + 1] = {
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
bool jnl_path_ok(const char *p)
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

	for (rec.kind = 0; rec.kind < ARRAY_SIZE(jnl_kind_names); rec.kind++)
		if (strcmp(f[1], jnl_kind_names[rec.kind]) == 0)
			break;
	if (rec.kind == ARRAY_SIZE(jnl_kind_names))
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
			if ((rec.kind != RSC_J_FILE && rec.kind != RSC_J_SYMLINK) ||
			    strcmp(f[6], want) != 0)
				return bad(why, lineno, "bad data file name (expected - or %s)",
					   want);
			if (rec.kind == RSC_J_SYMLINK && m->version < 3)
				return bad(why, lineno,
					   "a symlink's saved target in a version %u journal",
					   m->version);
			if (rec.kind == RSC_J_SYMLINK && (rec.size == 0 || rec.size >= PATH_MAX))
				return bad(why, lineno, "bad size of a symlink's target");
			rec.has_data = true;
		}
	}

	rec.path = decode(f[7], &isbad);
	if (!rec.path)
		return isbad ? bad(why, lineno, "bad path encoding") : -ENOMEM;
	if (!jnl_path_ok(rec.path)) {
		free(rec.path);
		return bad(why, lineno, "path is not absolute, too long or has a '..'");
	}
	r = add_record(m, &rec);
	if (r < 0)
		free(rec.path);
	return r;
}

#define NEW_FIELDS 4

/*
 * "wrote SEQ SIZE data/SEQ.new": the bytes the fix wrote to record SEQ's
 * path; "linked SEQ SIZE data/SEQ.new" (is_link, version 3): the target of
 * the symlink the fix made there.
 */
static int parse_new(char *line, size_t lineno, bool is_link, struct rsc_manifest *m,
		     struct rsc_buf *why)
{
	const char *kw = is_link ? "linked" : "wrote";
	struct rsc_jrecord *rec;
	char *f[NEW_FIELDS], want[40];
	unsigned long seq, size;
	size_t n = 0;
	char *s = line;

	while (n < NEW_FIELDS) {
		f[n++] = s;
		s = strchr(s, ' ');
		if (!s)
			break;
		*s++ = '\0';
	}
	if (n != NEW_FIELDS || s)
		return bad(why, lineno, "a \"%s\" line has %d fields", kw, NEW_FIELDS);
	if (parse_num(f[1], ULONG_MAX, &seq) < 0 || seq == 0 || seq > m->nrecs)
		return bad(why, lineno, "\"%s\" for no earlier record", kw);
	rec = &m->recs[seq - 1];
	if (!is_link && rec->kind != RSC_J_ABSENT && !(rec->kind == RSC_J_FILE && rec->has_data) &&
	    !(m->version >= 3 && rec->kind == RSC_J_SYMLINK && rec->has_data))
		return bad(why, lineno, "\"wrote\" for a record that is not absent or saved");
	if (is_link && rec->kind != RSC_J_ABSENT && !(rec->kind == RSC_J_SYMLINK && rec->has_data))
		return bad(why, lineno,
			   "\"linked\" for a record that is not absent or a saved symlink");
	if (rec->gone != RSC_JG_NONE)
		return bad(why, lineno, "\"%s\" for a file a cleanup took away", kw);
	if (parse_num(f[2], is_link ? PATH_MAX - 1 : RSC_JOURNAL_DATA_MAX, &size) < 0 ||
	    (is_link && size == 0))
		return bad(why, lineno, "bad size");
	snprintf(want, sizeof(want), "data/%lu.new", seq);
	if (strcmp(f[3], want) != 0)
		return bad(why, lineno, "bad data file name (expected %s)", want);
	/* the same path written (or linked) twice by one run: the later is the fix's */
	rec->has_new = true;
	rec->new_is_link = is_link;
	rec->new_size = size;
	return 0;
}

static const char *const gone_words[] = {
	[RSC_JG_MOVED] = "moved",
	[RSC_JG_DELETED] = "deleted",
	[RSC_JG_TRUNCATED] = "truncated",
};

/*
 * Version 4: "moved SEQ DEST", "deleted SEQ", "truncated SEQ DEST": what a
 * cleanup did with record SEQ's file, which must be a file recorded without
 * its bytes, and only once.
 */
static int parse_gone(char *line, size_t lineno, enum rsc_jgone how, struct rsc_manifest *m,
		      struct rsc_buf *why)
{
	const char *kw = gone_words[how];
	char *seqs = line + strlen(kw) + 1, *dest = NULL;
	struct rsc_jrecord *rec;
	unsigned long seq;
	bool isbad;

	if (m->version < 4)
		return bad(why, lineno, "a \"%s\" line in a version %u journal", kw, m->version);
	if (how != RSC_JG_DELETED) {
		dest = strchr(seqs, ' ');
		if (!dest || !dest[1] || strchr(dest + 1, ' '))
			return bad(why, lineno, "a \"%s\" line has 3 fields", kw);
		*dest++ = '\0';
	} else if (strchr(seqs, ' ')) {
		return bad(why, lineno, "a \"deleted\" line has 2 fields");
	}
	if (parse_num(seqs, ULONG_MAX, &seq) < 0 || seq == 0 || seq > m->nrecs)
		return bad(why, lineno, "\"%s\" for no earlier record", kw);
	rec = &m->recs[seq - 1];
	if (rec->kind != RSC_J_FILE || rec->has_data || rec->has_new || rec->gone != RSC_JG_NONE)
		return bad(why, lineno, "\"%s\" for a record that is not a file without data", kw);
	if (dest) {
		rec->dest = decode(dest, &isbad);
		if (!rec->dest)
			return isbad ? bad(why, lineno, "bad path encoding") : -ENOMEM;
		if (!jnl_path_ok(rec->dest)) {
			free(rec->dest);
			rec->dest = NULL;
			return bad(why, lineno, "path is not absolute, too long or has a '..'");
		}
	}
	rec->gone = how;
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
			     : strcmp(line, MANIFEST_MAGIC_V3) == 0 ? 3
			     : strcmp(line, MANIFEST_MAGIC_V2) == 0 ? 2
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
			return parse_new(line, lineno, false, m, why);
		if (rsc_startswith(line, "linked ")) {
			if (m->version < 3)
				return bad(why, lineno, "a \"linked\" line in a version %u journal",
					   m->version);
			return parse_new(line, lineno, true, m, why);
		}
		for (size_t i = 0; i < ARRAY_SIZE(gone_words); i++)
			if (gone_words[i] && rsc_startswith(line, gone_words[i]) &&
			    line[strlen(gone_words[i])] == ' ')
				return parse_gone(line, lineno, (enum rsc_jgone)i, m, why);
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
	for (size_t i = 0; i < m->nrecs; i++) {
		free(m->recs[i].path);
		free(m->recs[i].dest);
	}
	free(m->recs);
	free(m->command);
	free(m->time);
	memset(m, 0, sizeof(*m));
}

int jnl_format_wrote(struct rsc_buf *b, unsigned long seq, unsigned long long size)
{
	return rsc_buf_printf(b, "wrote %lu %llu data/%lu.new\n", seq, size, seq);
}

int jnl_format_linked(struct rsc_buf *b, unsigned long seq, unsigned long long size)
{
	return rsc_buf_printf(b, "linked %lu %llu data/%lu.new\n", seq, size, seq);
}

/* Does rec hold only what its kind allows, in the ranges the parser accepts? */
static bool record_ok(const struct rsc_jrecord *rec)
{
	enum rsc_jkind saved = rec->new_is_link ? RSC_J_SYMLINK : RSC_J_FILE;

	if (!rec->path || !jnl_path_ok(rec->path) ||
	    (unsigned)rec->kind >= ARRAY_SIZE(jnl_kind_names))
		return false;
	if (rec->has_data && rec->kind != RSC_J_FILE &&
	    !(rec->kind == RSC_J_SYMLINK && rec->size > 0 && rec->size < PATH_MAX))
		return false;
	if (rec->gone != RSC_JG_NONE)
		return (unsigned)rec->gone < ARRAY_SIZE(gone_words) && rec->kind == RSC_J_FILE &&
		       !rec->has_data && !rec->has_new && !rec->new_is_link &&
		       (rec->gone == RSC_JG_DELETED ? !rec->dest
						    : rec->dest && jnl_path_ok(rec->dest));
	if (rec->dest)
		return false;
	if (!rec->has_new)
		return !rec->new_is_link;
	if (rec->new_is_link ? rec->new_size == 0 || rec->new_size >= PATH_MAX
			     : rec->new_size > RSC_JOURNAL_DATA_MAX)
		return false;
	/* the fix's bytes may also replace a saved symlink (version 3) */
	return rec->kind == RSC_J_ABSENT ||
	       ((rec->kind == saved || (!rec->new_is_link && rec->kind == RSC_J_SYMLINK)) &&
		rec->has_data);
}

int rsc_manifest_format_record(struct rsc_buf *b, const struct rsc_jrecord *rec)
{
	int r;

	if (!record_ok(rec))
		return -EINVAL;
	if (rec->kind == RSC_J_ABSENT)
		r = rsc_buf_printf(b, "%lu absent - - - - - ", rec->seq);
	else
		r = rsc_buf_printf(b, "%lu %s %04o %u %u %llu ", rec->seq,
				   jnl_kind_names[rec->kind], (unsigned)(rec->mode & 07777),
				   (unsigned)rec->uid, (unsigned)rec->gid, rec->size);
	if (r == 0 && rec->kind != RSC_J_ABSENT)
		r = rec->has_data ? rsc_buf_printf(b, "data/%lu ", rec->seq) : 0;
	if (r == 0 && rec->kind != RSC_J_ABSENT && !rec->has_data)
		r = rsc_buf_adds(b, "- ");
	if (r == 0)
		r = add_encoded(b, rec->path);
	if (r == 0)
		r = rsc_buf_adds(b, "\n");
	if (r == 0 && rec->has_new)
		r = rec->new_is_link ? jnl_format_linked(b, rec->seq, rec->new_size)
				     : jnl_format_wrote(b, rec->seq, rec->new_size);
	if (r == 0 && rec->gone != RSC_JG_NONE)
		r = rsc_buf_printf(b, "%s %lu", gone_words[rec->gone], rec->seq);
	if (r == 0 && rec->dest)
		r = rsc_buf_adds(b, " ");
	if (r == 0 && rec->dest)
		r = add_encoded(b, rec->dest);
	if (r == 0 && rec->gone != RSC_JG_NONE)
		r = rsc_buf_adds(b, "\n");
	return r;
}

int jnl_manifest_header(struct rsc_buf *b, const char *command, const char *iso)
{
	int r = rsc_buf_adds(b, MANIFEST_MAGIC "\ncommand ");

	if (r == 0)
		r = add_encoded(b, command);
	if (r == 0)
		r = rsc_buf_printf(b, "\ntime %s\n", iso);
	return r;
}
