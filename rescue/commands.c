// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * commands.c - check, fix, undo: open the target, model the victim, run the
 * checks, report; for fix, turn findings into a plan and apply it through
 * the journal. Only main() exits; these return the exit status.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks.h"
#include "cmd.h"
#include "fixups.h"
#include "fsck.h"
#include "fsphase.h"
#include "journal.h"
#include "plan.h"
#include "planedit.h"
#include "problem.h"
#include "report.h"
#include "root.h"
#include "session.h"
#include "util.h"
#include "victim.h"
#include "volume.h"

void session_close(struct session *s)
{
	if (s->ctx_ready)
		rsc_ctx_clear(&s->ctx);
	rsc_victim_free(s->victim);
	rsc_volume_close(s->vol);
	rsc_fsphase_free(&s->fsp);
	memset(s, 0, sizeof(*s));
}

static int errmsg(const struct rsc_opts *o, int status, const char *what, int r)
{
	fprintf(o->err, "sshrescue: %s: %s\n", what, strerror(-r));
	return status;
}

/* (Re)load the victim model and run every check. Returns an exit status. */
static int session_check(struct session *s, const struct rsc_opts *o)
{
	int r;

	if (s->ctx_ready)
		rsc_ctx_clear(&s->ctx);
	rsc_victim_free(s->victim);
	s->victim = NULL;
	r = rsc_victim_load(s->vol->root, &s->victim);
	if (r < 0)
		return errmsg(o, RSC_EXIT_OPERATIONAL, "cannot read the victim's accounts", r);
	rsc_ctx_init(&s->ctx, s->vol->root, s->victim);
	s->ctx.volume = s->vol;
	s->ctx.only_users = o->users;
	s->ctx.reset_sshd_config = o->reset_sshd_config;
	s->ctx.debs = o->debs;
	s->ctx.move_to = o->move_to;
	s->ctx.delete_files = o->delete_files;
	s->ctx.truncate_logs = o->truncate_logs;
	s->ctx.fsphase = &s->fsp;
	s->ctx_ready = true;
	r = rsc_run_checks(&s->ctx, o->err);
	if (r == -ENOMEM)
		return errmsg(o, RSC_EXIT_OPERATIONAL, "checks", r);
	return 0;
}

int session_open(struct session *s, const struct rsc_opts *o, bool rw)
{
	struct rsc_buf why = { 0 };
	unsigned flags = (rw ? RSC_VOL_RW : 0) | (o->live ? RSC_VOL_LIVE : 0);
	struct rsc_volume_how how = { 0 };
	int r;

	memset(s, 0, sizeof(*s));
	s->fsp.deep = o->deep;
	s->fsp.repair = rw && o->apply;
	s->fsp.only = o->only;
	s->fsp.backup = o->fs_backup;
	s->fsp.no_backup = o->no_fs_backup;
	s->fsp.progress = isatty(STDERR_FILENO) ? stderr : NULL;
	s->fsp.msg = o->json ? o->err : o->out;
	how.flags = flags;
	how.partition = o->partition;
	if (s->fsp.deep || s->fsp.repair) {
		how.hook = rsc_fsphase_hook;
		how.arg = &s->fsp;
	}
	r = rsc_volume_open_how(o->target, &how, &s->vol, &why);
	if (r == 0)
		r = rsc_volume_check_linux_root(s->vol->root, &why);
	if (r < 0) {
		_cleanup_free_ char *t = rsc_escape(o->target);
		_cleanup_(rsc_buf_free) struct rsc_buf deep = { 0 };
		int status = RSC_EXIT_OPERATIONAL;

		/* a damaged filesystem the kernel refused: the deep check's verdict still counts */
		if (rsc_fsphase_deep_said(&s->fsp, &deep) < 0)
			rsc_buf_reset(&deep);
		if (s->fsp.deep_res.verdict == RSC_FSCK_DAMAGED)
			status |= RSC_EXIT_LEFT;
		fprintf(o->err, "sshrescue: %s: %s%s\n", t ? t : "?",
			why.data ? why.data : strerror(-r), deep.data ? deep.data : "");
		rsc_buf_free(&why);
		return status;
	}
	rsc_buf_free(&why);
	if (o->users) {
		int status = session_check(s, o);

		if (status)
			return status;
		for (char **u = o->users; *u; u++) {
			if (!rsc_victim_user_by_name(s->victim, *u)) {
				_cleanup_free_ char *e = rsc_escape(*u);

				fprintf(o->err,
					"sshrescue: no user '%s' in the victim's /etc/passwd\n",
					e ? e : "?");
				return RSC_EXIT_USAGE;
			}
		}
	}
	return 0;
}

static int report(struct session *s, const struct rsc_opts *o, const char *command, int status)
{
	struct rsc_report_opts ro = {
		.command = command,
		.volume = s->vol,
		.color = o->color,
		.exit_status = status,
	};

	if (o->json) {
		if (rsc_report_json(&s->ctx, &ro, o->out) < 0)
			return errmsg(o, RSC_EXIT_OPERATIONAL, "report", -ENOMEM);
	} else {
		rsc_report_text(&s->ctx, &ro, o->out);
	}
	return status;
}

int rsc_cmd_check(const struct rsc_opts *o)
{
	struct session s;
	int status = session_open(&s, o, false);

	if (status == 0)
		status = session_check(&s, o);
	if (status == 0)
		status = report(&s, o, "check", rsc_ctx_has_errors(&s.ctx) ? RSC_EXIT_LEFT : 0);
	session_close(&s);
	return status;
}

static bool selected(const struct rsc_opts *o, enum rsc_pid id)
{
	const char *code = rsc_problem(id)->code;

	if (o->only && !rsc_strv_has(o->only, code))
		return false;
	if (rsc_problem(id)->opt_in && !rsc_strv_has(o->only, code))
		return false; /* reported as not repaired, with the way to ask for it */
	return !rsc_strv_has(o->skip, code);
}

#define OP_RANKS 8 /* op_rank() gives 0 to 7 */

/* MKDIR before WRITE before CHOWN before CHMOD: a rewrite must not undo a chmod. */
static int op_rank(enum rsc_op_kind k)
{
	/*
	 * a full disk's cleanup first (the other changes need its room), then
	 * directories (a link or file goes in them), a removal before a link at its path
	 */
	static const int rank[] = {
		[RSC_OP_MOVE] = 0,  [RSC_OP_DELETE] = 0, [RSC_OP_TRUNCATE] = 0,
		[RSC_OP_MKDIR] = 1, [RSC_OP_UNLINK] = 2, [RSC_OP_SYMLINK] = 3,
		[RSC_OP_WRITE] = 4, [RSC_OP_CHOWN] = 5,	 [RSC_OP_CHMOD] = 6,
	};

	return (size_t)k < ARRAY_SIZE(rank) ? rank[k] : OP_RANKS - 1;
}

/* Build the plan from the selected findings; list what cannot be fixed. */
static int build_plan(struct session *s, const struct rsc_opts *o, struct rsc_plan *p, FILE *msg)
{
	_cleanup_(rsc_buf_free) struct rsc_buf links = { 0 };
	bool header = false;
	int dropped;

	for (size_t i = 0; i < s->ctx.nfindings; i++) {
		const struct rsc_finding *f = &s->ctx.findings[i];
		const struct rsc_fixer *fx = rsc_fixer_for(f->id);
		int r = -ENOTSUP;

		/* an opt-in code left out: said under "not repaired", with how to ask for it */
		bool held = rsc_problem(f->id)->opt_in && !o->only &&
			    !rsc_strv_has(o->skip, rsc_problem(f->id)->code);

		if (!selected(o, f->id) && !held)
			continue;
		if (fx && !held)
			r = fx->plan(&s->ctx, f, p);
		if (r == -ENOMEM)
			return r;
		if (r < 0 && rsc_problem(f->id)->severity != RSC_SEV_INFO) {
			_cleanup_free_ char *t = rsc_finding_format(f, rsc_problem(f->id)->title);
			_cleanup_free_ char *fix = rsc_finding_format(f, rsc_problem(f->id)->fix);

			if (!header)
				fprintf(msg, "Not repaired automatically:\n");
			header = true;
			fprintf(msg, "  %s [%s]\n      do: %s\n", t ? t : "?",
				rsc_problem(f->id)->code, fix ? fix : "?");
		}
	}
	/* a chmod or chown of a hard-linked file would change its other names too */
	dropped = rsc_plan_drop_hardlinked(p, s->vol->root, &links);
	if (dropped < 0)
		return dropped;
	if (dropped > 0) {
		if (!header)
			fprintf(msg, "Not repaired automatically:\n");
		header = true;
		fputs(links.data, msg);
	}
	if (header)
		fputc('\n', msg);
	return rsc_plan_sort(p, op_rank, OP_RANKS);
}

static void undo_hint(const struct rsc_opts *o, const char *id, FILE *msg)
{
	_cleanup_free_ char *t = rsc_escape(o->target);

	fprintf(msg, "Journal %s written on the victim; undo with: sshrescue undo %s %s\n\n", id,
		t ? t : "TARGET", id);
}

/* Apply p through a new journal. Returns the exit status (0 or 8); *changed counts ops done. */
static int apply_plan(struct session *s, const struct rsc_opts *o, const char *command,
		      const struct rsc_plan *p, size_t *changed, FILE *msg)
{
	struct rsc_journal *j = NULL;
	size_t early = 0;
	int r, r2;

	/* from here a signal stops the fix between two changes, never inside one */
	rsc_signals_defer(true);
	r = rsc_journal_begin_beside(s->vol->root, command, o->move_to, &j);
	if ((r == -ENOSPC || r == -EDQUOT) && rsc_plan_frees(p)) {
		fprintf(msg, "The victim has no room for the journal: taking the first files of "
			     "the cleanup away before it is started.\n");
		r = rsc_plan_make_room(p, s->vol->root, command, &j, &early, o->err);
	}
	if (r < 0) {
		rsc_signals_defer(false);
		return errmsg(o, RSC_EXIT_OPERATIONAL, "cannot start the journal on the victim", r);
	}
	r = rsc_plan_apply(p, s->vol->root, j, changed, o->err);
	*changed += early;
	undo_hint(o, rsc_journal_id(j), msg);
	r2 = rsc_journal_close(j);
	if (r == -EINTR)
		fprintf(o->err,
			"sshrescue: interrupted by signal %d: %zu change%s made, each complete; "
			"none after\n",
			rsc_signal_pending(), *changed, *changed == 1 ? "" : "s");
	if (r < 0)
		return errmsg(o, RSC_EXIT_OPERATIONAL, "applying the plan stopped", r);
	if (r2 < 0)
		return errmsg(o, RSC_EXIT_OPERATIONAL, "closing the journal", r2);
	return 0;
}

/*
 * The filesystem repair that fix --apply would make before mounting, for
 * the selected findings of the repair codes. Returns the number of steps.
 */
static size_t premount_preview(struct session *s, const struct rsc_opts *o, FILE *msg)
{
	const char *fstype = s->vol->fstype;
	bool any = false;

	for (size_t i = 0; i < s->ctx.nfindings && !any; i++) {
		const char *code = rsc_problem(s->ctx.findings[i].id)->code;

		any = rsc_fsphase_code(code) && o->only && selected(o, s->ctx.findings[i].id);
	}
	if (!any)
		return 0;
	fprintf(msg, "Before the read-write mount (on the unmounted device):\n");
	if (!rsc_fsck_supported(fstype, RSC_FSCK_REPAIR)) {
		fprintf(msg, "  no repair: sshrescue knows no repair for %s filesystems\n\n",
			fstype ? fstype : "unknown");
		return 0;
	}
	if (o->no_fs_backup) {
		fprintf(msg, "  no metadata backup (--no-fs-backup)\n");
	} else {
		_cleanup_free_ char *b = o->fs_backup ? rsc_escape(o->fs_backup) : NULL;

		fprintf(msg, "  save the metadata with %s to %s\n",
			rsc_fsck_tool(fstype, RSC_FSCK_BACKUP),
			b ? b : "a new file in " RSC_FS_BACKUP_DIR " (on this helper)");
	}
	fprintf(msg, "  repair with %s%s, then write its log to /var/log/sshrescue/\n\n",
		rsc_fsck_tool(fstype, RSC_FSCK_REPAIR),
		!o->no_fs_backup && rsc_fsck_supported(fstype, RSC_FSCK_ROLLBACK)
			? " (its undo file beside the backup: stopped half-way, it is rolled back)"
			: "");
	return o->no_fs_backup ? 1 : 2;
}

/* Does --only ask for a code of the full disk's cleanup? */
static bool asks_cleanup(const struct rsc_opts *o)
{
	for (size_t i = 0; i < fix_fs_cleanup.nids; i++)
		if (rsc_strv_has(o->only, rsc_problem(fix_fs_cleanup.ids[i])->code))
			return true;
	return false;
}

int rsc_cmd_fix(const struct rsc_opts *o)
{
	struct rsc_plan plan = { 0 };
	struct session s;
	FILE *msg = o->json ? o->err : o->out;
	size_t todo = 0, done = 0, n;
	int status, r;

	if (o->apply && !o->move_to && !o->delete_files && asks_cleanup(o)) {
		fprintf(o->err, "sshrescue: the cleanup moves files to the helper: give the "
				"directory with --move-to DIR (or delete them with --delete)\n");
		return RSC_EXIT_USAGE; /* before anything is mounted read-write */
	}
	status = session_open(&s, o, o->apply);
	if (status && s.fsp.repair_res.verdict == RSC_FSCK_LEFT)
		status = RSC_EXIT_LEFT | (rsc_fsck_changed(&s.fsp.repair_res) ? RSC_EXIT_FIXED : 0);
	if (status == 0)
		status = session_check(&s, o);
	if (status)
		goto out;
	r = build_plan(&s, o, &plan, msg);
	if (r == 0 && o->apply)
		r = rsc_fsphase_log_plan(&s.fsp, s.vol->root, &plan);
	if (r < 0) {
		status = errmsg(o, RSC_EXIT_OPERATIONAL, "planning", r);
		goto out;
	}
	if (!o->apply)
		todo = premount_preview(&s, o, msg);
	fprintf(msg, "Plan:\n");
	n = rsc_plan_preview(&plan, s.vol->root, msg);
	if (n == 0)
		fprintf(msg, todo ? "  nothing else to change\n" : "  nothing to change\n");
	todo += n;
	fputc('\n', msg);
	if (!o->apply) {
		if (todo)
			fprintf(msg,
				"%zu change%s planned; nothing was changed. Run again with --apply "
				"to make them.\n\n",
				todo, todo == 1 ? "" : "s");
		status = report(&s, o, "fix", rsc_ctx_has_errors(&s.ctx) ? RSC_EXIT_LEFT : 0);
		goto out;
	}
	if (todo && rsc_plan_needs_dir(&plan)) {
		fprintf(o->err, "sshrescue: the cleanup moves files to the helper: give the "
				"directory with --move-to DIR (or delete them with --delete)\n");
		status = RSC_EXIT_USAGE;
		goto out;
	}
	if (todo) {
		status = apply_plan(&s, o, "fix", &plan, &done, msg);
		if (status)
			goto out;
	}
	if (rsc_signal_pending()) {
		status = RSC_EXIT_OPERATIONAL; /* stopped between two changes: unmount and go */
		goto out;
	}
	rsc_signals_defer(false);
	status = session_check(&s, o);
	if (status == 0)
		status = report(&s, o, "fix",
				(done || s.fsp.repair_res.verdict == RSC_FSCK_REPAIRED
					 ? RSC_EXIT_FIXED
					 : 0) |
					(rsc_ctx_has_errors(&s.ctx) ? RSC_EXIT_LEFT : 0));
out:
	rsc_plan_free(&plan);
	session_close(&s);
	return status;
}

int rsc_cmd_undo(const struct rsc_opts *o)
{
	struct session s;
	int status = session_open(&s, o, !o->list);
	int r;

	if (status)
		goto out;
	if (o->list) {
		r = rsc_journal_list(s.vol->root, o->out);
		if (r < 0)
			status = errmsg(o, RSC_EXIT_OPERATIONAL, "listing journals", r);
		goto out;
	}
	rsc_signals_defer(true); /* a signal stops undo between two paths */
	r = rsc_journal_undo(s.vol->root, o->journal_id, o->out);
	if (r == -ENOENT) {
		_cleanup_free_ char *id = o->journal_id ? rsc_escape(o->journal_id) : NULL;

		fprintf(o->err, "sshrescue: nothing to undo%s%s\n", id ? " for " : "",
			id ? id : "");
		status = RSC_EXIT_OPERATIONAL;
	} else if (r < 0) {
		status = errmsg(o, RSC_EXIT_OPERATIONAL, "undo", r);
	} else if (rsc_signal_pending()) {
		/* as fix: the path in progress was restored, then it stopped */
		status = RSC_EXIT_OPERATIONAL;
	}
out:
	session_close(&s);
	return status;
}

int rsc_cmd_codes(const struct rsc_opts *o, bool markdown)
{
	if (markdown) {
		fprintf(o->out,
			"# sshrescue problem catalogue\n\n"
			"Generated by `sshrescue codes --markdown` from the problem table "
			"(rescue/problem.c); do not edit by hand.\n\n"
			"| code | severity | auto-fix | problem | client sees | sshd logs |\n"
			"|---|---|---|---|---|---|\n");
	}
	for (size_t i = 0; i < RSC_NPROBLEMS; i++) {
		const struct rsc_problem *p = rsc_problem((enum rsc_pid)i);
		bool fixable = rsc_fixer_for((enum rsc_pid)i) != NULL;

		if (markdown)
			fprintf(o->out, "| `%s` | %s | %s | %s | %s | %s |\n", p->code,
				rsc_severity_name(p->severity), fixable ? "yes" : "no", p->title,
				p->symptom, p->sshd_log ? p->sshd_log : "(nothing at INFO level)");
		else
			fprintf(o->out, "%-22s %-8s %-8s %s\n", p->code,
				rsc_severity_name(p->severity), fixable ? "fixable" : "-",
				p->title);
	}
	if (markdown)
		fprintf(o->out,
			"\nTemplates: `%%p` the path, `%%u` the user, `%%f` the keys file as "
			"sshd names it, `%%l` the line, `%%c` the problem's code.\n");
	return 0;
}
