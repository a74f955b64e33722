// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_ldd.c - `sshrescue ldd TARGET PATH...`: the libraries of programs of
 * the victim, resolved like the victim's own ld.so (ldso.c), printed like
 * `ld.so --list` or, with --json, as one JSON document. Read-only: the
 * target is opened like `check` opens it.
 */
#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "cmd.h"
#include "ldso.h"
#include "session.h"
#include "util.h"
#include "volume.h"

static const unsigned problem_bits[] = {
	RSC_LDSO_MISSING,   RSC_LDSO_DANGLING, RSC_LDSO_WRONG_ARCH, RSC_LDSO_EMPTY,
	RSC_LDSO_TRUNCATED, RSC_LDSO_NOT_ELF,  RSC_LDSO_UNREADABLE,
};

/* "zero-size: DETAIL" style text of a problem set, for found-but-broken files. */
static void text_problems(FILE *out, unsigned problems, const char *detail)
{
	_cleanup_free_ char *d = detail ? rsc_escape(detail) : NULL;
	bool first = true;

	for (size_t i = 0; i < ARRAY_SIZE(problem_bits); i++) {
		if (!(problems & problem_bits[i]) || problem_bits[i] == RSC_LDSO_MISSING)
			continue;
		fprintf(out, "%s%s", first ? "" : ", ", rsc_ldso_problem_name(problem_bits[i]));
		first = false;
	}
	if (d)
		fprintf(out, "%s%s", first ? "" : ": ", d);
}

static void text_entry(FILE *out, const struct rsc_ldso_result *res, const struct rsc_ldso_entry *e)
{
	_cleanup_free_ char *name = rsc_escape(e->name);
	_cleanup_free_ char *path = e->path ? rsc_escape(e->path) : NULL;
	const char *by = e->needed_by >= 0 ? res->entries[e->needed_by].path : res->program;
	_cleanup_free_ char *needer = rsc_escape(by ? by : "?");

	fprintf(out, "\t%s => %s", name ? name : "?", path ? path : "not found");
	if (e->problems) {
		fprintf(out, " (");
		text_problems(out, e->problems, e->detail);
		fprintf(out, "%sneeded by %s)",
			e->problems == RSC_LDSO_MISSING && !e->detail ? "" : "; ",
			needer ? needer : "?");
	} else if (e->via == RSC_LDSO_VIA_CONF) {
		fprintf(out,
			" (found through ld.so.conf only: the ld.so.cache is missing or stale, "
			"ld.so would not find it before ldconfig runs)");
	}
	fputc('\n', out);
}

static void text_result(FILE *out, const struct rsc_ldso_result *res, bool header)
{
	_cleanup_free_ char *prog = rsc_escape(res->program);
	_cleanup_free_ char *interp = res->interp ? rsc_escape(res->interp) : NULL;

	if (header || res->problems)
		fprintf(out, "%s:", prog ? prog : "?");
	if (res->problems) {
		fprintf(out, " %s (", res->problems & RSC_LDSO_MISSING ? "not found" : "unusable");
		text_problems(out, res->problems, res->detail);
		fprintf(out, ")\n");
		return;
	}
	if (header)
		fputc('\n', out);
	if (res->is_static)
		fprintf(out, "\tstatically linked\n");
	for (size_t i = 0; i < res->n_entries; i++)
		text_entry(out, res, &res->entries[i]);
	if (interp && res->interp_problems) {
		fprintf(out, "\t%s => %s (program interpreter: ", interp,
			res->interp_problems & RSC_LDSO_MISSING ? "not found" : interp);
		text_problems(out, res->interp_problems, res->interp_detail);
		fprintf(out, ")\n");
	} else if (interp && !res->is_static) {
		fprintf(out, "\t%s\n", interp);
	}
	if (res->capped)
		fprintf(out, "\t(stopped after %d objects)\n", RSC_LDSO_MAX_OBJECTS);
}

static int jstr(struct json_object *o, const char *key, const char *raw)
{
	_cleanup_free_ char *e = NULL;
	struct json_object *s = NULL;

	if (!raw)
		return json_object_object_add(o, key, NULL);
	e = rsc_escape(raw);
	s = e ? json_object_new_string(e) : NULL;
	if (!s)
		return -ENOMEM;
	return json_object_object_add(o, key, s);
}

static struct json_object *jproblems(unsigned problems)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < ARRAY_SIZE(problem_bits); i++)
		if (problems & problem_bits[i])
			json_object_array_add(
				a, json_object_new_string(rsc_ldso_problem_name(problem_bits[i])));
	return a;
}

static struct json_object *json_entry(const struct rsc_ldso_result *res,
				      const struct rsc_ldso_entry *e)
{
	struct json_object *o = json_object_new_object(), *chain = json_object_new_array();
	int r = 0;

	if (!o || !chain) {
		json_object_put(o);
		json_object_put(chain);
		return NULL;
	}
	r |= jstr(o, "name", e->name);
	r |= jstr(o, "path", e->path);
	r |= json_object_object_add(o, "via", json_object_new_string(rsc_ldso_via_name(e->via)));
	r |= json_object_object_add(o, "problems", jproblems(e->problems));
	r |= jstr(o, "detail", e->detail);
	/* who needs it, up to the program */
	for (int i = e->needed_by; i >= 0; i = res->entries[i].needed_by) {
		_cleanup_free_ char *p =
			rsc_escape(res->entries[i].path ? res->entries[i].path : "?");

		r |= json_object_array_add(chain, p ? json_object_new_string(p) : NULL);
	}
	{
		_cleanup_free_ char *p = rsc_escape(res->program);

		r |= json_object_array_add(chain, p ? json_object_new_string(p) : NULL);
	}
	r |= json_object_object_add(o, "needed_by", chain);
	if (r) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *json_result(const struct rsc_ldso_result *res)
{
	struct json_object *o = json_object_new_object(), *libs = json_object_new_array();
	struct json_object *interp = NULL;
	int r = 0;

	if (!o || !libs) {
		json_object_put(o);
		json_object_put(libs);
		return NULL;
	}
	r |= jstr(o, "path", res->program);
	r |= json_object_object_add(o, "problems", jproblems(res->problems));
	r |= jstr(o, "detail", res->detail);
	r |= json_object_object_add(
		o, "elf_class",
		res->elfclass ? json_object_new_int(res->elfclass == 2 ? 64 : 32) : NULL);
	r |= json_object_object_add(o, "machine",
				    res->machine ? json_object_new_int(res->machine) : NULL);
	r |= json_object_object_add(o, "static", json_object_new_boolean(res->is_static));
	if (res->interp) {
		interp = json_object_new_object();
		if (!interp)
			r = -1;
		else {
			r |= jstr(interp, "path", res->interp);
			r |= json_object_object_add(interp, "implied",
						    json_object_new_boolean(res->interp_implied));
			r |= json_object_object_add(interp, "problems",
						    jproblems(res->interp_problems));
			r |= jstr(interp, "detail", res->interp_detail);
		}
	}
	r |= json_object_object_add(o, "interpreter", interp);
	for (size_t i = 0; i < res->n_entries; i++) {
		struct json_object *e = json_entry(res, &res->entries[i]);

		r |= e ? json_object_array_add(libs, e) : -1;
	}
	r |= json_object_object_add(o, "libraries", libs);
	r |= json_object_object_add(o, "capped", json_object_new_boolean(res->capped));
	if (r) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int rsc_cmd_ldd(const struct rsc_opts *o, char **paths, int n)
{
	struct session s;
	struct rsc_ldso *l = NULL;
	struct json_object *top = NULL, *progs = NULL;
	int status, r;
	bool problems = false;

	for (int i = 0; i < n; i++) {
		if (paths[i][0] != '/') {
			_cleanup_free_ char *e = rsc_escape(paths[i]);

			fprintf(o->err,
				"sshrescue: ldd: '%s' is not an absolute path of the victim\n",
				e ? e : "?");
			return RSC_EXIT_USAGE;
		}
	}
	status = session_open(&s, o, false);
	if (status) {
		session_close(&s);
		return status;
	}
	status = RSC_EXIT_OPERATIONAL;
	if (rsc_ldso_new(s.vol->root, &l) < 0)
		goto out;
	if (o->json) {
		top = json_object_new_object();
		progs = json_object_new_array();
		if (!top || !progs || json_object_object_add(top, "programs", progs) < 0) {
			json_object_put(progs);
			goto out;
		}
	}
	for (int i = 0; i < n; i++) {
		struct rsc_ldso_result *res = NULL;

		r = rsc_ldso_resolve(l, paths[i], &res);
		if (r < 0)
			goto out;
		problems |= rsc_ldso_result_has_problems(res);
		if (o->json) {
			struct json_object *j = json_result(res);

			r = j ? json_object_array_add(progs, j) : -1;
		} else {
			text_result(o->out, res, n > 1);
			r = 0;
		}
		rsc_ldso_result_free(res);
		if (r < 0)
			goto out;
	}
	status = problems ? RSC_EXIT_LEFT : RSC_EXIT_OK;
	if (top) {
		if (jstr(top, "target", o->target) < 0 ||
		    json_object_object_add(top, "exit_status", json_object_new_int(status)) < 0) {
			status = RSC_EXIT_OPERATIONAL;
			goto out;
		}
		fprintf(o->out, "%s\n",
			json_object_to_json_string_ext(
				top, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	}
out:
	if (status == RSC_EXIT_OPERATIONAL)
		fprintf(o->err, "sshrescue: ldd: %s\n", strerror(ENOMEM));
	json_object_put(top);
	rsc_ldso_free(l);
	session_close(&s);
	return status;
}
