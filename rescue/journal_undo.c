// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * journal_undo.c - rsc_journal_undo(): walk a journal's records backwards
 * and restore every byte, owner and mode, removing what the fix created.
 *
 * Undo never loses data: a file the fix created is removed only while it
 * holds exactly the bytes the fix wrote (data/N.new), and a file the fix
 * rewrote whose content is neither the fix's nor the earlier one is first
 * copied aside. Version 1 journals, which lack the fix's bytes, are undone
 * as they always were. Version 3 symlinks likewise: one the fix made goes
 * only while it still has the target the fix gave it (data/N.new), one the
 * fix removed comes back (target in data/N) only where nothing else is now.
 * Version 4 cleanups: a file moved to the helper is copied back from there
 * (only from a directory with the marker of the same journal, so a hostile
 * manifest cannot pull a helper file in) where nothing is now; a truncated
 * log gets its old bytes back in front of what was written since; a file
 * deleted with --delete is reported lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fault.h"
#include "journal_int.h"
#include "movedir.h"
#include "root.h"
#include "util.h"
#include "volume.h"

#define SIDE_TRIES 100	       /* names tried for the copy of a file changed since the fix */
#define CMP_BLOCK  (64u << 10) /* compared at a time: a truncated log with its copy */

static const char *kind_of(mode_t m)
{
	return S_ISREG(m)   ? jnl_kind_names[RSC_J_FILE]
	       : S_ISDIR(m) ? jnl_kind_names[RSC_J_DIR]
	       : S_ISLNK(m) ? jnl_kind_names[RSC_J_SYMLINK]
			    : jnl_kind_names[RSC_J_OTHER];
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
	path = jnl_path(id, name);
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

	if (!rec->has_new || rec->new_is_link || clen != rec->new_size)
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

/*
 * The symlink target saved as data/<seq><suffix> (want bytes): a C string
 * without NUL, shorter than PATH_MAX. *target caller frees.
 */
static int load_target(struct rsc_root *root, const char *id, unsigned long seq, const char *suffix,
		       unsigned long long want, char **target)
{
	size_t len = 0;
	int r;

	if (want == 0 || want >= PATH_MAX)
		return -EBADMSG;
	r = load_saved(root, id, seq, suffix, want, target, &len);
	if (r == 0 && memchr(*target, '\0', len)) {
		free(*target);
		*target = NULL;
		r = -EBADMSG;
	}
	return r;
}

/* Is path now a symlink whose target is exactly data/<seq>.new, the one the fix made? */
static bool is_fix_link(struct rsc_root *root, const char *id, const struct rsc_jrecord *rec,
			const char *cur)
{
	_cleanup_free_ char *fix = NULL;

	if (!rec->has_new || !rec->new_is_link || !cur)
		return false;
	if (load_target(root, id, rec->seq, ".new", rec->new_size, &fix) < 0)
		return false; /* missing or damaged: not known, so not taken as the fix's */
	return strcmp(cur, fix) == 0;
}

/* A symlink where the run created a path: removed only if it is the fix's link. */
static int remove_created_link(struct rsc_root *root, const char *id, const struct rsc_jrecord *rec,
			       const char *e, FILE *out)
{
	_cleanup_free_ char *cur = NULL, *ec = NULL;
	int r = rsc_root_readlink(root, rec->path, &cur);

	if (r < 0 && r != -EINVAL)
		goto out;
	if (!rec->has_new || !rec->new_is_link) {
		fprintf(out,
			"  kept      %s: is a symlink now, which the fix did not make; remove it "
			"by hand if it is not wanted\n",
			e);
		return 0;
	}
	if (!is_fix_link(root, id, rec, cur)) {
		ec = cur ? rsc_escape(cur) : NULL;
		fprintf(out,
			"  kept      %s: the fix created this symlink, but it was changed since "
			"(-> %s); remove it by hand if it is not wanted\n",
			e, ec ? ec : "?");
		return 0;
	}
	r = rsc_root_unlink(root, rec->path, 0);
	if (r == 0)
		r = rsc_root_sync_parent(root, rec->path);
out:
	if (r < 0)
		fprintf(out, "  FAILED    %s: %s\n", e, strerror(-r));
	else
		fprintf(out, "  removed   %s\n", e);
	return r;
}

/*
 * A symlink that the run removed (or replaced): put it back with its target
 * and owner where the path is absent now, or still holds the link the run
 * made instead. Anything else there is kept: it may be someone's.
 */
static int restore_link(struct rsc_root *root, const char *id, const struct rsc_jrecord *rec,
			const struct stat *st, bool exists, const char *e, FILE *out)
{
	_cleanup_free_ char *old = NULL, *cur = NULL, *eo = NULL, *ec = NULL;
	int r;

	r = load_target(root, id, rec->seq, "", rec->size, &old);
	if (r < 0)
		goto fail;
	eo = rsc_escape(old);
	if (exists && S_ISLNK(st->st_mode)) {
		r = rsc_root_readlink(root, rec->path, &cur);
		if (r < 0)
			goto fail;
		if (strcmp(cur, old) == 0) {
			fprintf(out, "  unchanged %s (still the symlink -> %s)\n", e,
				eo ? eo : "?");
			return 0;
		}
		if (!is_fix_link(root, id, rec, cur)) {
			ec = rsc_escape(cur);
			fprintf(out,
				"  kept      %s: the fix removed the symlink -> %s, but it is a "
				"symlink -> %s now; not replaced\n",
				e, eo ? eo : "?", ec ? ec : "?");
			return 0;
		}
		/* the link the run made in its place: it goes, the earlier one comes back */
		r = rsc_root_unlink(root, rec->path, 0);
		if (r < 0)
			goto fail;
	} else if (exists && S_ISREG(st->st_mode) && rec->has_new && !rec->new_is_link) {
		/* the file the run wrote in the link's place: it goes if it is unchanged */
		size_t clen = 0;

		r = rsc_root_read_file(root, rec->path, RSC_JOURNAL_DATA_MAX, RSC_NOFOLLOW, &cur,
				       &clen, NULL);
		if (r < 0)
			goto fail;
		if (!holds_fix_bytes(root, id, rec, cur, clen)) {
			fprintf(out,
				"  kept      %s: the fix wrote a file in place of the symlink -> "
				"%s, "
				"and it was changed since; not replaced\n",
				e, eo ? eo : "?");
			return 0;
		}
		r = rsc_root_unlink(root, rec->path, 0);
		if (r < 0)
			goto fail;
	} else if (exists) {
		fprintf(out,
			"  kept      %s: the fix removed the symlink -> %s, but it is a %s now; "
			"not replaced\n",
			e, eo ? eo : "?", kind_of(st->st_mode));
		return 0;
	}
	r = rsc_root_symlink(root, rec->path, old, rec->uid, rec->gid);
	if (r == 0)
		r = rsc_root_sync_parent(root, rec->path);
	if (r < 0)
		goto fail;
	fprintf(out, "  restored  %s (symlink -> %s, owner %u:%u)\n", e, eo ? eo : "?",
		(unsigned)rec->uid, (unsigned)rec->gid);
	return 0;
fail:
	fprintf(out, "  FAILED    %s: %s\n", e, strerror(-r));
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
	} else if (S_ISLNK(st->st_mode)) {
		return remove_created_link(root, id, rec, e, out);
	} else if (!S_ISREG(st->st_mode)) {
		fprintf(out,
			"  kept      %s: is a %s now, which the fix did not make; remove it by "
			"hand if it is not wanted\n",
			e, kind_of(st->st_mode));
		return 0;
	} else if (rec->has_new && rec->new_is_link) {
		fprintf(out,
			"  kept      %s: the fix created a symlink here, but it is a file now; "
			"remove it by hand if it is not wanted\n",
			e);
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

/*
 * Copy the helper's copy in to the new victim file tmp, then what the victim
 * file now holds (cur, -1 for none) after it, with rec's owner and mode and
 * the copy's times; tmp is created here (O_EXCL) and removed on failure.
 */
static int put_back(struct rsc_root *root, const struct rsc_jrecord *rec, int in, int cur,
		    const char *tmp)
{
	_cleanup_close_ int out = -1;
	struct stat st;
	uint64_t n = 0, m = 0;
	int r;

	if (rsc_fault("create") < 0)
		return -EIO;
	out = rsc_root_open_at(root, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600,
			       RSC_NOFOLLOW);
	if (out < 0)
		return out;
	r = fstat(in, &st) < 0 ? -errno : 0;
	if (r == 0)
		r = rsc_fault("copy");
	if (r == 0)
		r = rsc_copy_fd(in, out, &n);
	if (r == 0 && cur >= 0)
		r = rsc_copy_fd_at(cur, out, n, &m);
	if (r == 0) {
		st.st_uid = rec->uid;
		st.st_gid = rec->gid;
		st.st_mode = S_IFREG | rec->mode;
		r = rsc_copy_meta(out, &st);
	}
	if (r < 0)
		rsc_root_unlink(root, tmp, 0);
	return r;
}

/* Do the first n bytes of cur equal those of in (n bytes)? */
static bool starts_with(int cur, int in, uint64_t n)
{
	_cleanup_free_ char *a = malloc(CMP_BLOCK), *b = malloc(CMP_BLOCK);

	if (!a || !b)
		return false;
	for (uint64_t off = 0; off < n;) {
		size_t want = n - off < CMP_BLOCK ? (size_t)(n - off) : CMP_BLOCK;
		ssize_t x = pread(cur, a, want, (off_t)off), y = pread(in, b, want, (off_t)off);

		if (x <= 0 || x != y || memcmp(a, b, (size_t)x) != 0)
			return false;
		off += (uint64_t)x;
	}
	return true;
}

/* A file a cleanup moved to the helper (or truncated after copying it there). */
static int restore_gone(struct rsc_root *root, const char *id, const struct rsc_jrecord *rec,
			const struct stat *st, bool exists, const char *e, FILE *out)
{
	_cleanup_free_ char *d = rec->dest ? rsc_escape(rec->dest) : NULL, *tmp = NULL;
	_cleanup_close_ int base = -1, in = -1, cur = -1;
	const char *ed = d ? d : "?";
	struct stat cst;
	int r;

	if (rec->gone == RSC_JG_DELETED && exists && S_ISREG(st->st_mode)) {
		/* the run stopped between its record and the unlink */
		fprintf(out, "  unchanged %s (still there: it was not deleted)\n", e);
		return 0;
	}
	if (rec->gone == RSC_JG_DELETED) {
		fprintf(out,
			"  lost      %s: deleted with --delete, its %llu bytes were not kept\n", e,
			rec->size);
		return 0;
	}
	if (exists && (rec->gone == RSC_JG_MOVED || !S_ISREG(st->st_mode))) {
		fprintf(out, "  kept      %s: a %s is there now; what was moved out stays in %s\n",
			e, kind_of(st->st_mode), ed);
		return 0;
	}
	r = rsc_movedir_open(rec->dest, id, rec->path, &base);
	if (r == -EPERM) {
		fprintf(out,
			"  FAILED    %s: %s is not where journal %s moved files to (no marker); "
			"not restored\n",
			e, ed, id);
		return r;
	}
	if (r == 0) {
		in = rsc_movedir_read(base, rec->path);
		r = in < 0 ? in : fstat(in, &cst) < 0 ? -errno : 0;
	}
	if (r == 0 && (!S_ISREG(cst.st_mode) || (unsigned long long)cst.st_size != rec->size)) {
		fprintf(out,
			"  FAILED    %s: the copy %s is not the %llu bytes moved out; not "
			"restored\n",
			e, ed, rec->size);
		return -EBADMSG;
	}
	if (r < 0)
		goto fail;
	/* built under a name of ours, then renamed: a crash never leaves half a file */
	if (asprintf(&tmp, "%s.sshrescue-undo-%s", rec->path, id) < 0) {
		tmp = NULL;
		r = -ENOMEM;
		goto fail;
	}
	r = rsc_root_unlink(root, tmp, 0); /* left by an undo that was killed: ours, incomplete */
	if (r < 0 && r != -ENOENT)
		goto fail;
	if (!exists) {
		r = put_back(root, rec, in, -1, tmp);
		if (r == 0)
			r = rsc_root_rename(root, tmp, rec->path, RENAME_NOREPLACE);
		if (r < 0) {
			rsc_root_unlink(root, tmp, 0);
			goto fail;
		}
		fprintf(out, "  restored  %s (%llu bytes from %s)\n", e, rec->size, ed);
		return 0;
	}
	/* a truncated log: its old bytes, then the lines written since */
	cur = rsc_root_open_ro(root, rec->path, O_NOFOLLOW, RSC_NOFOLLOW);
	if (cur < 0) {
		r = cur;
		goto fail;
	}
	if ((unsigned long long)st->st_size >= rec->size && starts_with(cur, in, rec->size)) {
		/* stopped before its truncate, or put back by an undo stopped after it */
		fprintf(out, "  unchanged %s (still begins with the %llu bytes of %s)\n", e,
			rec->size, ed);
		return 0;
	}
	r = put_back(root, rec, in, cur, tmp);
	if (r == 0)
		r = rsc_root_rename(root, tmp, rec->path, 0);
	if (r < 0) {
		rsc_root_unlink(root, tmp, 0);
		goto fail;
	}
	fprintf(out, "  restored  %s (%llu bytes from %s, before the %llu written since)\n", e,
		rec->size, ed, (unsigned long long)st->st_size);
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
	if (rec->gone != RSC_JG_NONE)
		return restore_gone(root, id, rec, &st, exists, e, out);
	switch (rec->kind) {
	case RSC_J_ABSENT:
		if (!exists) {
			fprintf(out, "  absent    %s (already gone)\n", e);
			return 0;
		}
		return restore_created(root, id, version, rec, &st, e, out);
	case RSC_J_SYMLINK:
		if (rec->has_data)
			return restore_link(root, id, rec, &st, exists, e, out);
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
		if (strcmp(kind_of(st.st_mode), jnl_kind_names[rec->kind]) != 0) {
			fprintf(out, "  FAILED    %s: is a %s now, was a %s; not restored\n", e,
				kind_of(st.st_mode), jnl_kind_names[rec->kind]);
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
	int r = jnl_load(root, id, m, &why);

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
	struct jnl_idlist l;
	size_t i;
	int r = jnl_scan(root, &l);

	*chosen = NULL;
	if (r < 0)
		return r;
	r = -ENOENT;
	if (id) {
		for (i = 0; i < l.n && strcmp(l.ids[i], id) != 0; i++)
			;
		if (i == l.n)
			fprintf(out, "no journal %s\n", id);
		else if (jnl_is_undone(root, id))
			fprintf(out, "journal %s was already undone\n", id);
		else
			r = load_for_undo(root, id, m, out);
	} else {
		for (i = l.n; i-- > 0;) {
			if (jnl_is_undone(root, l.ids[i]))
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
	jnl_idlist_free(&l);
	return r;
}

int rsc_journal_undo(struct rsc_root *root, const char *id, FILE *out)
{
	_cleanup_free_ char *chosen = NULL, *marker = NULL;
	struct rsc_manifest m = { 0 };
	char iso[32], text[48];
	size_t failed = 0;
	int r, first = 0;

	if (id && !jnl_id_ok(id)) {
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
		if (rsc_signal_pending()) {
			fprintf(out, "interrupted: %zu path%s not restored yet; run undo again\n",
				i + 1, i ? "s" : "");
			failed++;
			first = first ? first : -EINTR;
			break;
		}
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
	marker = jnl_path(chosen, "undone");
	if (!marker)
		return -ENOMEM;
	r = jnl_utc_now(false, iso, sizeof(iso));
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
