/* fuzz-sources: rescue/journal.c rescue/root.c rescue/util.c */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_journal.c - the journal's manifest parser on arbitrary bytes.
 *
 * A manifest lives on the victim's disk, so it is input from a possibly
 * hostile machine. Properties checked beyond "no crash, no leak":
 *   - a rejected manifest leaves no records and a "line N: " message;
 *   - every accepted record has an absolute, NUL-free path without a ".."
 *     component, a sequence number equal to its position, data only for files;
 *   - formatting the accepted records again and parsing that gives the same
 *     records (the writer and the parser agree).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "util.h"

#define HEAD "sshrescue-journal 1\ncommand fuzz\ntime 2026-01-01T00:00:00Z\n"

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
		      a->gid == b->gid && a->size == b->size && a->has_data == b->has_data,
	      "round trip changed a record's fields");
	check(strcmp(a->path, b->path) == 0, "round trip changed a path");
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
	r = rsc_buf_adds(&out, HEAD);
	for (size_t i = 0; i < m.nrecs; i++) {
		const struct rsc_jrecord *rec = &m.recs[i];

		check(rec->seq == i + 1, "sequence number out of order");
		check(rec->path[0] == '/', "a relative path was accepted");
		check(!has_dotdot(rec->path), "a '..' component was accepted");
		check(!rec->has_data || rec->kind == RSC_J_FILE, "data for a non-file");
		check(rec->kind != RSC_J_ABSENT ||
			      (rec->mode == 0 && rec->uid == 0 && !rec->has_data),
		      "an absent path with state");
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
