// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report_json.c - the JSON report (rsc_report_json, docs/report-schema.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fsck.h"
#include "fsphase.h"
#include "report.h"
#include "report_int.h"
#include "util.h"
#include "victim.h"
#include "volume.h"

/* JSON: victim strings are escaped with rsc_escape so the output is always valid ASCII JSON. */
static int jadd_str(struct json_object *o, const char *key, const char *raw, bool escape)
{
	_cleanup_free_ char *e = NULL;
	struct json_object *s = NULL;

	if (!raw)
		return json_object_object_add(o, key, NULL);
	if (escape) {
		e = rsc_escape(raw);
		if (!e)
			return -ENOMEM;
	}
	s = json_object_new_string(e ? e : raw);
	if (!s)
		return -ENOMEM;
	return json_object_object_add(o, key, s);
}

static int jadd_owned_str(struct json_object *o, const char *key, char *s)
{
	int r;

	if (!s)
		return -ENOMEM;
	r = json_object_object_add(o, key, json_object_new_string(s));
	free(s);
	return r;
}

static struct json_object *json_finding(const struct rsc_finding *f)
{
	const struct rsc_problem *pb = rsc_problem(f->id);
	struct json_object *o = json_object_new_object();
	int r = 0;

	if (!o)
		return NULL;
	r |= jadd_str(o, "code", pb->code, false);
	r |= jadd_str(o, "severity", rsc_severity_name(pb->severity), false);
	r |= jadd_str(o, "user", f->user, true);
	r |= jadd_str(o, "path", f->path, true);
	r |= json_object_object_add(o, "line",
				    f->line ? json_object_new_int64((int64_t)f->line) : NULL);
	r |= jadd_owned_str(o, "title", rsc_finding_format(f, pb->title));
	r |= jadd_str(o, "evidence", f->evidence, true);
	r |= jadd_str(o, "explanation", pb->explain, false);
	r |= jadd_str(o, "symptom", pb->symptom, false);
	if (pb->sshd_log)
		r |= jadd_owned_str(o, "sshd_log", rsc_finding_format(f, pb->sshd_log));
	else
		r |= json_object_object_add(o, "sshd_log", NULL);
	r |= jadd_owned_str(o, "fix", rsc_finding_format(f, pb->fix));
	if (r) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *json_victim(const struct rsc_victim *v)
{
	static const char *const fam[] = { "unknown", "debian", "rhel", "suse", "arch", "alpine" };
	struct json_object *o = json_object_new_object(), *os = NULL, *ssh = NULL;

	if (!o)
		return NULL;
	if (!v)
		return o;
	os = json_object_new_object();
	ssh = json_object_new_object();
	if (!os || !ssh) {
		json_object_put(os);
		json_object_put(ssh);
		json_object_put(o);
		return NULL;
	}
	jadd_str(os, "id", v->os_id, true);
	jadd_str(os, "version_id", v->os_version_id, true);
	jadd_str(os, "pretty_name", v->os_pretty_name, true);
	jadd_str(os, "family", (unsigned)v->family < ARRAY_SIZE(fam) ? fam[v->family] : "unknown",
		 false);
	jadd_str(ssh, "version", v->ssh.text, true);
	jadd_str(ssh, "package", v->ssh.package, true);
	jadd_str(ssh, "source", v->ssh.source, false);
	json_object_object_add(o, "os", os);
	json_object_object_add(o, "openssh", ssh);
	return o;
}

static int jadd_u64(struct json_object *o, const char *key, uint64_t v)
{
	return json_object_object_add(
		o, key, json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v));
}

/* One checker run (fsck.h) as an object, or NULL (JSON null) when it did not run. */
static struct json_object *json_fsck(const struct rsc_fsck_result *res, const char *file)
{
	struct json_object *o;
	_cleanup_free_ char *lines = NULL;
	int r = 0;

	if (res->verdict == RSC_FSCK_NOT_RUN)
		return NULL;
	o = json_object_new_object();
	lines = rsc_fsck_problems(res, 20);
	if (!o || !lines) {
		json_object_put(o);
		return NULL;
	}
	r |= jadd_str(o, "tool", res->tool, true);
	r |= jadd_str(o, "command", res->command, true);
	r |= jadd_str(o, "verdict", rsc_fsck_verdict_name(res->verdict), false);
	r |= json_object_object_add(o, "exit_status", json_object_new_int(res->status));
	r |= json_object_object_add(o, "seconds", json_object_new_double(res->elapsed_ms / 1000.0));
	r |= jadd_str(o, "problems", *lines ? lines : NULL, true);
	r |= jadd_str(o, "reason", res->reason, true);
	if (file)
		r |= jadd_str(o, "file", file, true);
	if (r) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* "filesystems": [] or one entry for the root; see docs/report-schema.md. */
static struct json_object *json_filesystems(const struct rsc_fs_usage *u,
					    const struct rsc_fsphase *f)
{
	struct json_object *arr = json_object_new_array(), *o = NULL;
	int r = 0;

	if (!arr || !u->has_usage)
		return arr;
	o = json_object_new_object();
	if (!o) {
		json_object_put(arr);
		return NULL;
	}
	r |= jadd_str(o, "mountpoint", "/", false);
	r |= jadd_str(o, "fstype", u->fstype, true);
	r |= jadd_str(o, "source", u->source, false);
	r |= json_object_object_add(o, "health_checked",
				    json_object_new_boolean(u->health_checked));
	r |= jadd_str(o, "health_note", u->health_checked ? NULL : u->health_note, true);
	r |= json_object_object_add(o, "journal_unreplayed",
				    json_object_new_boolean(u->unreplayed));
	r |= jadd_u64(o, "block_size", u->block_size);
	r |= jadd_u64(o, "blocks", u->blocks);
	r |= jadd_u64(o, "blocks_free", u->blocks_free);
	r |= jadd_u64(o, "blocks_available_root", u->blocks_root);
	r |= jadd_u64(o, "blocks_available_users", u->blocks_user);
	r |= jadd_u64(o, "blocks_reserved_root", u->reserved);
	r |= jadd_u64(o, "inodes", u->inodes);
	r |= jadd_u64(o, "inodes_free", u->inodes_free);
	if (f) {
		r |= json_object_object_add(o, "deep_check", json_fsck(&f->deep_res, NULL));
		r |= json_object_object_add(o, "metadata_backup",
					    json_fsck(&f->backup_res, f->backup_path));
		r |= json_object_object_add(o, "repair", json_fsck(&f->repair_res, NULL));
	}
	if (r || json_object_array_add(arr, o) < 0) {
		json_object_put(o);
		json_object_put(arr);
		return NULL;
	}
	return arr;
}

/*
 * Print o as json-c prints it nested depth levels deep (two spaces a level): the same text
 * as one whole document, one element at a time. json-c escapes every newline inside a
 * string, so each newline of the text is layout.
 */
static int print_nested(FILE *out, struct json_object *o, int depth)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE);

	if (!s)
		return -ENOMEM;
	for (;;) {
		size_t n = strcspn(s, "\n");

		fwrite(s, 1, n, out);
		if (!s[n])
			return 0;
		fprintf(out, "\n%*s", 2 * depth, "");
		s += n + 1;
	}
}

/* One element of a top-level array: (",") "\n    " and the element; takes o. */
static int print_element(FILE *out, struct json_object *o, size_t i)
{
	int r;

	if (!o)
		return -ENOMEM;
	fprintf(out, "%s\n    ", i ? "," : "");
	r = print_nested(out, o, 2);
	json_object_put(o);
	return r;
}

static struct json_object *json_user(const struct rsc_user_state *u, const struct rsc_finding *w)
{
	struct json_object *jo = json_object_new_object();

	if (!jo)
		return NULL;
	jadd_str(jo, "name", u->name, true);
	json_object_object_add(jo, "uid", json_object_new_int64(u->uid));
	json_object_object_add(jo, "key_files", json_object_new_int64(u->key_files));
	json_object_object_add(jo, "usable_keys", json_object_new_int64(u->usable_keys));
	json_object_object_add(jo, "key_login", json_object_new_boolean(u->usable_keys > 0 && !w));
	return jo;
}

/*
 * The document is the one json-c would print for the whole tree, but the users and the
 * findings are built and printed one at a time: a victim with 300,000 users has as many
 * findings, and the whole tree of them took more than a GiB. Without memory the output
 * stops where it is (status 8 then).
 */
int rsc_report_json(struct rsc_ctx *ctx, const struct rsc_report_opts *o, FILE *out)
{
	struct json_object *top = json_object_new_object(), *tail = NULL;
	struct json_object *tgt = NULL, *sum = NULL;
	_cleanup_free_ const struct rsc_finding **ws = NULL;
	size_t count[3] = { 0 };
	const char *s;
	int r = -ENOMEM;

	rsc_ctx_sort(ctx);
	if (!top)
		return -ENOMEM;
	tail = json_object_new_object();
	sum = json_object_new_object();
	if (!tail || !sum || rsc_report_refusals(ctx, &ws) < 0)
		goto out;
	json_object_object_add(top, "schema", json_object_new_string("sshrescue-report"));
	json_object_object_add(top, "schema_version", json_object_new_int(1));
	json_object_object_add(top, "tool_version", json_object_new_string(RSC_VERSION));
	json_object_object_add(top, "command", json_object_new_string(o->command));
	if (o->volume) {
		static const char *const kinds[] = { "directory", "image", "block-device" };

		tgt = json_object_new_object();
		if (!tgt)
			goto out;
		jadd_str(tgt, "path", o->volume->target, true);
		jadd_str(tgt, "kind", kinds[o->volume->kind], false);
		jadd_str(tgt, "fstype", o->volume->fstype, true);
		jadd_str(tgt, "uuid", o->volume->uuid, true);
		jadd_str(tgt, "label", o->volume->label, true);
		json_object_object_add(tgt, "read_only",
				       json_object_new_boolean(o->volume->read_only));
		jadd_str(tgt, "beside", o->volume->beside, false);
		json_object_object_add(tgt, "partition",
				       o->volume->partition
					       ? json_object_new_int((int)o->volume->partition)
					       : NULL);
		json_object_object_add(top, "target", tgt);
	}
	json_object_object_add(top, "victim", json_victim(ctx->victim));
	json_object_object_add(top, "filesystems", json_filesystems(&ctx->fs, ctx->fsphase));
	/* the head without its closing "\n}", then the two arrays */
	s = json_object_to_json_string_ext(top, JSON_C_TO_STRING_PRETTY |
							JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s || strlen(s) < 2)
		goto out;
	fprintf(out, "%.*s,\n  \"users\":[", (int)(strlen(s) - 2), s);
	for (size_t i = 0; i < ctx->nusers; i++) {
		r = print_element(out, json_user(&ctx->users[i], ws[i]), i);
		if (r < 0)
			goto out;
	}
	fprintf(out, "\n  ],\n  \"findings\":[");
	for (size_t i = 0; i < ctx->nfindings; i++) {
		r = print_element(out, json_finding(&ctx->findings[i]), i);
		if (r < 0)
			goto out;
		count[rsc_problem(ctx->findings[i].id)->severity]++;
	}
	fprintf(out, "\n  ]");
	r = -ENOMEM;
	json_object_object_add(sum, "errors", json_object_new_int64((int64_t)count[RSC_SEV_ERROR]));
	json_object_object_add(sum, "warnings",
			       json_object_new_int64((int64_t)count[RSC_SEV_WARNING]));
	json_object_object_add(sum, "info", json_object_new_int64((int64_t)count[RSC_SEV_INFO]));
	json_object_object_add(tail, "summary", sum);
	sum = NULL;
	json_object_object_add(tail, "exit_status", json_object_new_int(o->exit_status));
	/* the tail without its opening "{" */
	s = json_object_to_json_string_ext(tail, JSON_C_TO_STRING_PRETTY |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s || !*s)
		goto out;
	fprintf(out, ",%s\n", s + 1);
	r = 0;
out:
	json_object_put(sum);
	json_object_put(tail);
	json_object_put(top);
	return r;
}
