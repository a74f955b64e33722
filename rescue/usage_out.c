// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * usage_out.c - the usage breakdown for people (text, escaped paths), for
 * scripts (JSON: docs/report-schema.md, "sshrescue usage --json") and as one
 * line of a finding's evidence.
 */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <string.h>

#include "usage.h"
#include "util.h"

/* JSON's integers are int64: a saturated total (UINT64_MAX) prints as the largest. */
#define I64(v) json_object_new_int64((uint64_t)(v) > INT64_MAX ? INT64_MAX : (int64_t)(v))

const char *rsc_usage_human(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", bytes);
	else
		snprintf(buf, len, "%.*f %s", v < 10 ? 2 : v < 100 ? 1 : 0, v, units[u]);
	return buf;
}

static const char *method_name(const struct rsc_usage *u)
{
	return u->method && strcmp(u->method, "ext4") == 0
		       ? "ext2/3/4 inode tables and directory blocks, read from the unmounted "
			 "device"
		       : "a walk of the mounted directory tree";
}

static void list_text(FILE *out, const char *title, const struct rsc_usage_item *it, size_t n,
		      bool inodes, bool files)
{
	char h[32];

	if (n == 0)
		return;
	fprintf(out, "\n%s:\n", title);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = rsc_escape(it[i].path);

		if (files)
			fprintf(out, "  %10s  %s\n", rsc_usage_human(it[i].bytes, h, sizeof(h)),
				p ? p : "?");
		else if (inodes)
			fprintf(out, "  %10" PRIu64 " inodes  %10s  %s\n", it[i].inodes,
				rsc_usage_human(it[i].bytes, h, sizeof(h)), p ? p : "?");
		else
			fprintf(out, "  %10s  %10" PRIu64 " inodes  %s\n",
				rsc_usage_human(it[i].bytes, h, sizeof(h)), it[i].inodes,
				p ? p : "?");
	}
}

int rsc_usage_print_text(const struct rsc_usage *u, const char *target, FILE *out)
{
	_cleanup_free_ char *t = rsc_escape(target);
	char a[32], b[32], c[32];

	fprintf(out, "Usage of %s, from %s (%.2f s):\n", t ? t : "?", method_name(u), u->seconds);
	if (u->unreplayed)
		fprintf(out, "  the journal needs recovery: this is the unreplayed state (files "
			     "written just before the crash may be missing)\n");
	fprintf(out,
		"  in directories: %s in %" PRIu64 " inodes, %" PRIu64
		" of them directories (du -x -s: %" PRIu64 " KiB, %" PRIu64 " inodes)\n",
		rsc_usage_human(u->bytes, a, sizeof(a)), u->inodes, u->dirs, u->bytes / 1024,
		u->inodes);
	if (u->has_fs)
		fprintf(out,
			"  filesystem: %s of %s used, %" PRIu64 " of %" PRIu64
			" inodes; in no directory (metadata, journal, files deleted while "
			"open): %s\n",
			rsc_usage_human(u->fs_bytes_used, a, sizeof(a)),
			rsc_usage_human(u->fs_bytes, b, sizeof(b)), u->fs_inodes_used, u->fs_inodes,
			u->fs_bytes_used > u->bytes
				? rsc_usage_human(u->fs_bytes_used - u->bytes, c, sizeof(c))
				: "0 B");
	if (u->bad)
		fprintf(out,
			"  %" PRIu64 " damaged or unreadable directory entries or blocks "
			"were left out (e2fsck -fn tells more)\n",
			u->bad);
	if (u->other_fs)
		fprintf(out, "  %" PRIu64 " entries on other filesystems were left out\n",
			u->other_fs);
	if (u->too_deep)
		fprintf(out, "  %" PRIu64 " directories nested too deep were not entered\n",
			u->too_deep);
	list_text(out, "Directories by bytes (everything below them)", u->top_bytes, u->ntop_bytes,
		  false, false);
	list_text(out, "Directories by inodes (everything below them)", u->top_inodes,
		  u->ntop_inodes, true, false);
	list_text(out, "Largest files", u->top_files, u->ntop_files, false, true);
	return 0;
}

static json_object *items_json(const struct rsc_usage_item *it, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < n; i++) {
		json_object *o = json_object_new_object();
		_cleanup_free_ char *p = rsc_escape(it[i].path); /* like the report's paths */

		if (!o || !p) {
			json_object_put(o);
			json_object_put(a);
			return NULL;
		}
		json_object_object_add(o, "path", json_object_new_string(p));
		json_object_object_add(o, "bytes", I64(it[i].bytes));
		json_object_object_add(o, "inodes", I64(it[i].inodes));
		json_object_array_add(a, o);
	}
	return a;
}

int rsc_usage_print_json(const struct rsc_usage *u, const char *target, FILE *out)
{
	json_object *o = json_object_new_object(), *fs = NULL;
	_cleanup_free_ char *t = rsc_escape(target);
	const char *s;

	if (!o || !t) {
		json_object_put(o);
		return -ENOMEM;
	}
	json_object_object_add(o, "schema", json_object_new_string("sshrescue-usage"));
	json_object_object_add(o, "schema_version", json_object_new_int(1));
	json_object_object_add(o, "target", json_object_new_string(t));
	json_object_object_add(o, "method", json_object_new_string(u->method ? u->method : ""));
	json_object_object_add(o, "journal_unreplayed", json_object_new_boolean(u->unreplayed));
	json_object_object_add(o, "seconds", json_object_new_double(u->seconds));
	json_object_object_add(o, "bytes", I64(u->bytes));
	json_object_object_add(o, "kib", I64(u->bytes / 1024));
	json_object_object_add(o, "inodes", I64(u->inodes));
	json_object_object_add(o, "directories", I64(u->dirs));
	json_object_object_add(o, "damaged", I64(u->bad));
	json_object_object_add(o, "other_filesystems", I64(u->other_fs));
	json_object_object_add(o, "too_deep", I64(u->too_deep));
	if (u->has_fs) {
		fs = json_object_new_object();
		json_object_object_add(fs, "bytes", I64(u->fs_bytes));
		json_object_object_add(fs, "bytes_used", I64(u->fs_bytes_used));
		json_object_object_add(fs, "inodes", I64(u->fs_inodes));
		json_object_object_add(fs, "inodes_used", I64(u->fs_inodes_used));
	}
	json_object_object_add(o, "filesystem", fs);
	json_object_object_add(o, "top_directories_by_bytes",
			       items_json(u->top_bytes, u->ntop_bytes));
	json_object_object_add(o, "top_directories_by_inodes",
			       items_json(u->top_inodes, u->ntop_inodes));
	json_object_object_add(o, "largest_files", items_json(u->top_files, u->ntop_files));
	if (!json_object_object_get(o, "largest_files")) {
		json_object_put(o);
		return -ENOMEM;
	}
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s) {
		json_object_put(o);
		return -ENOMEM;
	}
	fprintf(out, "%s\n", s);
	json_object_put(o);
	return 0;
}

static int summary_list(struct rsc_buf *b, const char *title, const struct rsc_usage_item *it,
			size_t n, bool inodes)
{
	char h[32];
	int r = 0;

	for (size_t i = 0; r == 0 && i < n; i++) {
		r = rsc_buf_adds(b, i == 0 ? title : ", ");
		if (r == 0)
			r = rsc_buf_add_escaped(b, it[i].path);
		if (r == 0 && inodes)
			r = rsc_buf_printf(b, " %" PRIu64 " inodes", it[i].inodes);
		else if (r == 0)
			r = rsc_buf_printf(b, " %s", rsc_usage_human(it[i].bytes, h, sizeof(h)));
	}
	return r;
}

int rsc_usage_summary(const struct rsc_usage *u, size_t n, struct rsc_buf *b)
{
	char h[32];
	int r;

	r = rsc_buf_printf(b, "in directories %s in %" PRIu64 " inodes",
			   rsc_usage_human(u->bytes, h, sizeof(h)), u->inodes);
	if (r == 0)
		r = summary_list(b, "; largest directories: ", u->top_bytes,
				 u->ntop_bytes < n ? u->ntop_bytes : n, false);
	if (r == 0)
		r = summary_list(b, "; most inodes: ", u->top_inodes,
				 u->ntop_inodes < n ? u->ntop_inodes : n, true);
	if (r == 0)
		r = summary_list(b, "; largest files: ", u->top_files,
				 u->ntop_files < n ? u->ntop_files : n, false);
	return r;
}
