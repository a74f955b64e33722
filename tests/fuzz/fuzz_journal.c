/* fuzz-sources: rescue/journal_manifest.c rescue/util.c */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_journal.c - the journal's manifest parser on arbitrary bytes.
 *
 * A manifest lives on the victim's disk, so it is input from a possibly
 * hostile machine. Properties checked beyond "no crash, no leak":
 *   - a rejected manifest leaves no records and a "line N: " message;
 *   - every accepted record has an absolute, NUL-free path without a ".."
 *     component, a sequence number equal to its position, data only for files
 *     and (version 3 only) symlinks, whose saved target is 1 .. PATH_MAX - 1
 *     bytes, the fix's bytes ("wrote", version 2 and 3) only for an absent
 *     path or a file with saved data, and never more than
 *     RSC_JOURNAL_DATA_MAX of them, the fix's link ("linked", version 3 only)
 *     only for an absent path or a symlink with a saved target, 1 ..
 *     PATH_MAX - 1 bytes; a cleanup's "moved", "deleted", "truncated"
 *     (version 4 only) only for a file without data or the fix's bytes, with
 *     an absolute helper path without ".." exactly when it is not "deleted";
 *   - formatting the accepted records again and parsing that gives the same
 *     records (the writer and the parser agree).
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "util.h"

#define HEAD "command fuzz\ntime 2026-01-01T00:00:00Z\n"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_journal: %s\n", what);
		abort();
	}
}

static bool has_dotdot(const char *p)
{
	for (const char *c = p; (c = strstr(c, "..")); c++)
		if ((c == p || c[-1] == '/') && (c[2] == '/' || c[2] == '\0'))
			return true;
	return false;
}

static void same(const struct rsc_jrecord *a, const struct rsc_jrecord *b)
{
	check(a->seq == b->seq && a->kind == b->kind && a->mode == b->mode && a->uid == b->uid &&
		      a->gid == b->gid && a->size == b->size && a->has_data == b->has_data &&
		      a->has_new == b->has_new && a->new_size == b->new_size &&
		      a->new_is_link == b->new_is_link,
	      "round trip changed a record's fields");
	check(strcmp(a->path, b->path) == 0, "round trip changed a path");
	check(a->gone == b->gone && !a->dest == !b->dest &&
		      (!a->dest || strcmp(a->dest, b->dest) == 0),
	      "round trip changed a cleanup line");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsc_manifest m, again;
	struct rsc_buf why = { 0 }, out = { 0 };
	int r;

	r = rsc_manifest_parse((const char *)data, size, &m, &why);
	if (r < 0) {
		check(r == -EBADMSG || r == -ENOMEM, "unexpected error code");
		check(m.nrecs == 0 && m.recs == NULL && m.command == NULL,
		      "a rejected manifest kept data");
		check(r == -ENOMEM || (why.data && rsc_startswith(why.data, "line ")),
		      "a rejection without a line number");
		rsc_buf_free(&why);
		return 0;
	}
	check(m.command && m.time, "accepted without a header");
	check(m.version >= 1 && m.version <= 4, "accepted an unknown version");
	r = rsc_buf_printf(&out, "sshrescue-journal %u\n" HEAD, m.version);
	for (size_t i = 0; i < m.nrecs; i++) {
		const struct rsc_jrecord *rec = &m.recs[i];

		check(rec->seq == i + 1, "sequence number out of order");
		check(rec->path[0] == '/', "a relative path was accepted");
		check(!has_dotdot(rec->path), "a '..' component was accepted");
		check(!rec->has_data || rec->kind == RSC_J_FILE ||
			      (rec->kind == RSC_J_SYMLINK && m.version >= 3),
		      "data for a non-file (or a symlink before version 3)");
		check(!(rec->has_data && rec->kind == RSC_J_SYMLINK) ||
			      (rec->size > 0 && rec->size < PATH_MAX),
		      "a symlink's saved target of a bad size");
		check(rec->kind != RSC_J_ABSENT ||
			      (rec->mode == 0 && rec->uid == 0 && !rec->has_data),
		      "an absent path with state");
		check(!rec->has_new || m.version >= 2, "the fix's bytes in a version 1 journal");
		check(!rec->new_is_link || (rec->has_new && m.version >= 3),
		      "the fix's link without a \"linked\" line or before version 3");
		/* bytes over a saved file, or (version 3) over a saved link; a link over a link */
		check(!rec->has_new || rec->kind == RSC_J_ABSENT ||
			      (rec->has_data && (rec->new_is_link ? rec->kind == RSC_J_SYMLINK
								  : (rec->kind == RSC_J_FILE ||
								     (rec->kind == RSC_J_SYMLINK &&
								      m.version >= 3)))),
		      "the fix's bytes or link for a path undo cannot use them for");
		check(!rec->new_is_link || (rec->new_size > 0 && rec->new_size < PATH_MAX),
		      "the fix's link of a bad size");
		check(rec->new_size <= RSC_JOURNAL_DATA_MAX && (rec->has_new || !rec->new_size),
		      "the fix's bytes too large");
		check(rec->gone == RSC_JG_NONE || (m.version >= 4 && rec->kind == RSC_J_FILE &&
						   !rec->has_data && !rec->has_new),
		      "a cleanup line for a record that cannot have one");
		check((rec->gone == RSC_JG_MOVED || rec->gone == RSC_JG_TRUNCATED) ==
			      (rec->dest != NULL),
		      "a helper path where none belongs, or none where one does");
		check(!rec->dest || (rec->dest[0] == '/' && !has_dotdot(rec->dest)),
		      "a relative helper path or a '..' was accepted");
		if (r == 0)
			r = rsc_manifest_format_record(&out, rec);
		check(r == 0 || r == -ENOMEM, "an accepted record cannot be written back");
	}
	if (r == 0 && m.complete)
		r = rsc_buf_adds(&out, "complete\n");
	if (r == 0) {
		r = rsc_manifest_parse(out.data, out.len, &again, &why);
		check(r == 0 || r == -ENOMEM, "written records are rejected by the parser");
		if (r == 0) {
			check(again.nrecs == m.nrecs && again.complete == m.complete,
			      "round trip changed the record count");
			for (size_t i = 0; i < m.nrecs; i++)
				same(&m.recs[i], &again.recs[i]);
			rsc_manifest_free(&again);
		}
	}
	rsc_manifest_free(&m);
	rsc_buf_free(&why);
	rsc_buf_free(&out);
	return 0;
}
