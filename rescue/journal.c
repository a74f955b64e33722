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
 * Before it creates a symlink, rsc_journal_linked() does the same with the
 * link's target (a "linked" line, version 3).
 *
 * Read side: rsc_journal_list() and the helpers it shares with undo
 * (journal_undo.c): finding, ordering and loading the journals of a root.
 * The manifest format itself is in journal_manifest.c.
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

#include "fault.h"
#include "hmap.h"
#include "journal_int.h"
#include "movedir.h"
#include "root.h"
#include "util.h"

#define JOURNAL_PARENT "/var/lib/sshrescue" /* RSC_JOURNAL_DIR's parent, ours too */
#define ID_MAX	       64
#define IDS_MAX	       100000 /* journals considered by list and undo */
#define ID_COUNTER_MAX 1000   /* journals started within the same second */

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
	struct rsc_hmap byseen; /* seen[] by path (a path is recorded once) */
};

struct seen {
	char *path;
	enum rsc_jkind kind;
	bool has_data;
};

/* ---- write side -------------------------------------------------------- */

/* Now in UTC: "20261123T034501Z" (compact, for ids) or "2026-11-23T03:45:01Z". */
int jnl_utc_now(bool compact, char *buf, size_t size)
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

/* Append text to the manifest and make it durable: file, then its directory. */
static int manifest_append(struct rsc_journal *j, const struct rsc_buf *b)
{
	int r;

	if (j->broken)
		return -EIO;
	r = rsc_fault("journal write");
	if (r == 0)
		r = rsc_write_all(j->fd, b->data, b->len);
	if (r == 0)
		r = rsc_fault("journal fsync");
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
	rsc_hmap_free(&j->byseen);
	free(j->id);
	free(j->dir);
	free(j->manifest);
	free(j);
}

/* /var/lib as any system has it; only our own directories are private. */
static int journal_parent(struct rsc_root *root)
{
	int r = rsc_root_mkdir_p(root, "/var/lib", 0755);

	if (r == 0)
		r = rsc_root_mkdir_p(root, RSC_JOURNAL_DIR, 0700);
	if (r == 0)
		r = secure_dir(root, JOURNAL_PARENT);
	if (r == 0)
		r = secure_dir(root, RSC_JOURNAL_DIR);
	return r;
}

/* Is moved_to/<id> there on the helper (copies of an earlier, stopped run)? */
static bool taken_beside(const char *moved_to, const char *id)
{
	_cleanup_free_ char *p = NULL;
	struct stat st;

	if (!moved_to)
		return false;
	p = rsc_movedir_dest(moved_to, id, "");
	return !p || lstat(p, &st) == 0 || errno != ENOENT;
}

int rsc_journal_free_id(struct rsc_root *root, const char *moved_to, char **id)
{
	char stamp[32];
	int r = jnl_utc_now(true, stamp, sizeof(stamp));

	*id = NULL;
	for (unsigned n = 1; r == 0; n++) {
		_cleanup_free_ char *dir = NULL;
		struct stat st;

		if (n > ID_COUNTER_MAX)
			return -EEXIST;
		free(*id);
		if (asprintf(id, "%s-%u", stamp, n) < 0) {
			*id = NULL;
			return -ENOMEM;
		}
		dir = rsc_path_join(RSC_JOURNAL_DIR, *id);
		if (!dir)
			r = -ENOMEM;
		else if ((r = rsc_root_stat(root, dir, &st, RSC_NOFOLLOW)) == -ENOENT &&
			 !taken_beside(moved_to, *id))
			return 0;
		else if (r == 0 || r == -ENOENT)
			r = 0; /* taken */
	}
	free(*id);
	*id = NULL;
	return r;
}

int rsc_journal_begin_as(struct rsc_root *root, const char *command, const char *id,
			 struct rsc_journal **out)
{
	struct rsc_journal *j = NULL;
	_cleanup_free_ char *data = NULL;
	struct rsc_buf head = { 0 };
	char iso[32];
	int r;

	*out = NULL;
	if (!command || !*command || !id || !jnl_id_ok(id))
		return -EINVAL;
	r = jnl_utc_now(false, iso, sizeof(iso));
	if (r < 0)
		return r;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->root = root;
	j->fd = -1;
	j->id = strdup(id);
	if (!j->id) {
		r = -ENOMEM;
		goto fail;
	}
	r = journal_parent(root);
	if (r < 0)
		goto fail;
	j->dir = rsc_path_join(RSC_JOURNAL_DIR, j->id);
	if (!j->dir) {
		r = -ENOMEM;
		goto fail;
	}
	r = rsc_root_mkdir(root, j->dir, 0700, geteuid(), getegid());
	if (r == -EEXIST) {
		free(j->dir);
		j->dir = NULL; /* not ours: never discarded */
		goto fail;
	}
	if (r < 0)
		goto fail; /* made, but without its owner or mode: discarded (rmdir) */
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
	r = jnl_manifest_header(&head, command, iso);
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

int rsc_journal_begin(struct rsc_root *root, const char *command, struct rsc_journal **out)
{
	return rsc_journal_begin_beside(root, command, NULL, out);
}

int rsc_journal_begin_beside(struct rsc_root *root, const char *command, const char *moved_to,
			     struct rsc_journal **out)
{
	int r = -EEXIST;

	*out = NULL;
	if (!command || !*command)
		return -EINVAL;
	/* a journal started by someone else in between takes the id: try the next */
	for (unsigned tries = 0; r == -EEXIST && tries < ID_COUNTER_MAX; tries++) {
		_cleanup_free_ char *id = NULL;

		r = rsc_journal_free_id(root, moved_to, &id);
		if (r == 0)
			r = rsc_journal_begin_as(root, command, id, out);
	}
	return r;
}

/* The index in seen[] of path's record, or -1 (a look-up by hash: a fix of a million paths). */
static long seen_find(const struct rsc_journal *j, const char *path)
{
	uint64_t h = rsc_hash_str(rsc_hash_init(), path);
	size_t pos = 0, i;

	/* an index of nrecs or more was reserved for a record that was never written */
	while (rsc_hmap_next(&j->byseen, h, &pos, &i))
		if (i < j->nrecs && strcmp(j->seen[i].path, path) == 0)
			return (long)i;
	return -1;
}

/*
 * Room for one more recorded path, its copy and its place in the index:
 * nothing may fail after the manifest line.
 */
static int seen_room(struct rsc_journal *j, const char *path, char **copy)
{
	int r;

	if (j->nrecs == j->capseen) {
		size_t cap = j->capseen ? j->capseen * 2 : 8;
		struct seen *n = reallocarray(j->seen, cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		j->seen = n;
		j->capseen = cap;
	}
	r = rsc_hmap_add(&j->byseen, rsc_hash_str(rsc_hash_init(), path), j->nrecs);
	if (r < 0)
		return r;
	*copy = strdup(path);
	return *copy ? 0 : -ENOMEM;
}

/* Append rec's line (durable), then remember its path (*copy, from seen_room()). */
static int append_record(struct rsc_journal *j, const struct rsc_jrecord *rec, char **copy)
{
	struct rsc_buf line = { 0 };
	int r = rsc_manifest_format_record(&line, rec);

	if (r == 0)
		r = manifest_append(j, &line);
	rsc_buf_free(&line);
	if (r < 0)
		return r;
	j->seen[j->nrecs++] = (struct seen){ *copy, rec->kind, rec->has_data };
	*copy = NULL;
	return 0;
}

int rsc_journal_record(struct rsc_journal *j, const char *path, bool save_data)
{
	struct rsc_jrecord rec = { .seq = j->nrecs + 1, .path = (char *)path };
	_cleanup_free_ char *bytes = NULL, *dname = NULL, *copy = NULL;
	struct stat st;
	size_t len = 0;
	int r;

	if (!path || !jnl_path_ok(path))
		return -EINVAL;
	if (seen_find(j, path) >= 0)
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
		} else if (save_data && S_ISLNK(st.st_mode)) {
			/* the link's text, as it is: undo makes the same link again */
			r = rsc_root_readlink(j->root, path, &bytes);
			if (r < 0)
				return r;
			len = strlen(bytes);
			if (len == 0)
				return -EINVAL;
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
	r = seen_room(j, path, &copy);
	if (r < 0)
		return r;
	if (rec.has_data) {
		if (asprintf(&dname, "%s/data/%lu", j->dir, rec.seq) < 0) {
			dname = NULL;
			return -ENOMEM;
		}
		r = rsc_root_write_file(j->root, dname, bytes, len, 0600, geteuid(), getegid());
		if (r < 0)
			return r;
	}
	return append_record(j, &rec, &copy);
}

int rsc_journal_gone(struct rsc_journal *j, const char *path, const struct stat *before,
		     enum rsc_jgone how, const char *dest)
{
	struct rsc_jrecord rec = { .seq = j->nrecs + 1,
				   .kind = RSC_J_FILE,
				   .path = (char *)path,
				   .gone = how,
				   .dest = (char *)dest };
	_cleanup_free_ char *copy = NULL;
	int r;

	if (!path || !jnl_path_ok(path) || !before || !S_ISREG(before->st_mode) ||
	    how == RSC_JG_NONE || (how == RSC_JG_DELETED) != !dest)
		return -EINVAL;
	if (seen_find(j, path) >= 0)
		return -EEXIST;
	if (j->broken)
		return -EIO;
	rec.mode = before->st_mode & 07777;
	rec.uid = before->st_uid;
	rec.gid = before->st_gid;
	rec.size = (unsigned long long)before->st_size;
	r = seen_room(j, path, &copy);
	if (r < 0)
		return r;
	return append_record(j, &rec, &copy);
}

/* The record of path whose kind lets undo use what the caller is about to put there. */
static int new_seq(struct rsc_journal *j, const char *path, bool is_link, unsigned long *seq)
{
	long i = seen_find(j, path);
	const struct seen *s;

	if (i < 0)
		return -EINVAL;
	*seq = (unsigned long)i + 1;
	s = &j->seen[i];
	if (s->kind == RSC_J_ABSENT)
		return 0;
	/*
	 * "wrote" over a file or a symlink, "linked" over a symlink, with its earlier
	 * state saved; else undo could not put back what was there before
	 */
	if (!s->has_data || (s->kind != RSC_J_SYMLINK && (is_link || s->kind != RSC_J_FILE)))
		return -EINVAL;
	return 0;
}

/* Save len bytes as data/<seq>.new, then append line: the file first, never a dangling line. */
static int save_new(struct rsc_journal *j, unsigned long seq, const void *data, size_t len,
		    struct rsc_buf *line)
{
	_cleanup_free_ char *dname = NULL;
	int r;

	if (j->broken)
		return -EIO;
	if (asprintf(&dname, "%s/data/%lu.new", j->dir, seq) < 0) {
		dname = NULL;
		return -ENOMEM;
	}
	r = rsc_root_write_file(j->root, dname, data ? data : "", len, 0600, geteuid(), getegid());
	if (r == 0)
		r = manifest_append(j, line);
	return r;
}

int rsc_journal_linked(struct rsc_journal *j, const char *path, const char *target)
{
	struct rsc_buf line = { 0 };
	unsigned long seq;
	size_t len;
	int r;

	if (!path || !target || !*target)
		return -EINVAL;
	len = strnlen(target, PATH_MAX);
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	r = new_seq(j, path, true, &seq);
	if (r == 0)
		r = jnl_format_linked(&line, seq, len);
	if (r == 0)
		r = save_new(j, seq, target, len, &line);
	rsc_buf_free(&line);
	return r;
}

int rsc_journal_wrote(struct rsc_journal *j, const char *path, const void *data, size_t len)
{
	struct rsc_buf line = { 0 };
	unsigned long seq;
	int r;

	if (!path || (!data && len))
		return -EINVAL;
	r = new_seq(j, path, false, &seq);
	if (r == 0 && len > RSC_JOURNAL_DATA_MAX)
		r = -EFBIG;
	if (r == 0)
		r = jnl_format_wrote(&line, seq, len);
	if (r == 0)
		r = save_new(j, seq, data, len, &line);
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

/* ---- read side: ids, loading, list (undo is in journal_undo.c) -------- */

/* A journal id as rsc_journal_begin() makes them: only [0-9TZ-], so never '/' or "..". */
bool jnl_id_ok(const char *id)
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

void jnl_idlist_free(struct jnl_idlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->ids[i]);
	free(l->ids);
	memset(l, 0, sizeof(*l));
}

/* The journal directories of root, sorted oldest first. None is not an error. */
int jnl_scan(struct rsc_root *root, struct jnl_idlist *l)
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

		if (!jnl_id_ok(de->d_name))
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
		jnl_idlist_free(l);
		return r;
	}
	if (l->n > 1)
		qsort(l->ids, l->n, sizeof(*l->ids), id_cmp);
	return 0;
}

char *jnl_path(const char *id, const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s/%s", RSC_JOURNAL_DIR, id, name) < 0)
		return NULL;
	return p;
}

bool jnl_is_undone(struct rsc_root *root, const char *id)
{
	_cleanup_free_ char *p = jnl_path(id, "undone");
	struct stat st;

	return p && rsc_root_stat(root, p, &st, RSC_NOFOLLOW) == 0;
}

/* The manifest of a run stopped before its first line: it recorded, so changed, nothing. */
static int stopped_early(struct rsc_manifest *m, const char *what)
{
	m->command = strdup(what);
	m->time = strdup("(unknown)");
	if (!m->command || !m->time) {
		rsc_manifest_free(m);
		return -ENOMEM;
	}
	return 0;
}

/* Read and parse the manifest of journal id; it must be ours (root's, not writable by others). */
int jnl_load(struct rsc_root *root, const char *id, struct rsc_manifest *m, struct rsc_buf *why)
{
	_cleanup_free_ char *path = jnl_path(id, "manifest"), *data = NULL;
	struct stat st;
	size_t len = 0;
	int r;

	memset(m, 0, sizeof(*m));
	if (!path)
		return -ENOMEM;
	r = rsc_root_read_file(root, path, RSC_MANIFEST_MAX, RSC_NOFOLLOW, &data, &len, &st);
	if (r == -ENOENT)
		return stopped_early(m, "(stopped before its manifest was made)");
	if (r < 0) {
		rsc_buf_printf(why, "cannot read the manifest: %s", strerror(-r));
		return r;
	}
	if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 022)) {
		rsc_buf_adds(why, "the manifest is not owned by root or is writable by others; "
				  "not trusted");
		return -EPERM;
	}
	if (len == 0)
		return stopped_early(m, "(stopped before its first line)");
	return rsc_manifest_parse(data, len, m, why);
}

int rsc_journal_list(struct rsc_root *root, FILE *out)
{
	struct jnl_idlist l;
	int r = jnl_scan(root, &l);

	if (r < 0)
		return r;
	if (l.n == 0)
		fprintf(out, "no journals\n");
	for (size_t i = 0; i < l.n; i++) {
		struct rsc_buf why = { 0 };
		struct rsc_manifest m;

		r = jnl_load(root, l.ids[i], &m, &why);
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
				jnl_is_undone(root, l.ids[i]) ? "  undone" : "",
				m.complete ? "" : "  incomplete");
		}
		r = 0;
		rsc_buf_free(&why);
		rsc_manifest_free(&m);
	}
	jnl_idlist_free(&l);
	return r;
}
