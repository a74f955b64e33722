// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fsphase.c - the deep check and the repair of the victim's filesystem,
 * before it is mounted (fsphase.h).
 *
 * The repair runs only when all of these hold: fix --apply; --only names a
 * code of repair_codes[]; that problem is on the filesystem now (read from
 * the superblock with libext2fs, or found by the deep check); a checker can
 * repair that filesystem type; and the metadata backup succeeded (unless
 * --no-fs-backup). Anything else leaves the filesystem untouched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fs_health.h"
#include "fsphase.h"
#include "plan.h"
#include "problem.h"
#include "report.h"
#include "root.h"
#include "runprog.h"
#include "util.h"
#include "volume.h"

#define LOG_DIR "/var/log/sshrescue"

/* The problems an fsck repairs: each is also marked opt_in in the problem table. */
const enum rsc_pid rsc_fsphase_ids[RSC_FSPHASE_NIDS] = {
	PR_FS_ERRORS, PR_FS_UNCLEAN, PR_FS_JOURNAL_RECOVERY, PR_FS_ORPHANS, PR_FS_DEEP_DAMAGED,
};

_printf_(3, 4) static int fail(struct rsc_buf *why, int err, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rsc_buf_vprintf(why, fmt, ap);
	va_end(ap);
	return r < 0 ? r : err;
}

/*
 * Whether one read-write mount may replay the XFS log (docs/checks.md): no
 * one else has the device (an exclusive open: not mounted, not claimed); the
 * log reads whole (xfs_logprint -t: a log it cannot parse is one the kernel's
 * recovery may fail on half-way, and the way past it, xfs_repair -L, throws
 * the log's changes away); and this kernel mounts the filesystem read-only
 * without recovery, a mount that writes nothing (its features and superblock
 * are ones the kernel reads).
 */
static int xfs_replay_safe(const char *dev, const char *target, const char *mp, struct rsc_buf *why)
{
	char *argv[] = { "xfs_logprint", "-t", (char *)dev, NULL };
	/* the listing itself is not needed, only whether the whole log parses */
	const struct rsc_spawn how = {
		.fd3 = -1, .flags = RSC_SPAWN_TRUNCATE, .cap = 4096, .timeout_ms = 600000
	};
	struct rsc_buf out = { 0 };
	int fd, st, r;

	fd = open(dev, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0)
		return fail(why, -errno, "%s is in use (%s), so its XFS log is not replayed", dev,
			    strerror(errno));
	close(fd);
	r = rsc_spawn_run(argv, &how, &out, &st);
	rsc_buf_free(&out);
	if (r == -ENOENT)
		return fail(
			why, r,
			"xfs_logprint is not installed (xfsprogs), so whether the XFS log can be "
			"replayed safely is not known; it is not replayed");
	if ((r < 0 && r != -EFBIG) || st != 0)
		return fail(
			why, -EUCLEAN,
			"xfs_logprint cannot read the XFS log of %s (%s), so it is not replayed "
			"by a mount. xfs_repair -L would zero the log and lose the changes it "
			"holds: sshrescue does not do that; if you accept the loss, run "
			"'xfs_repair -L' yourself on the unmounted filesystem (%s). Nothing was "
			"changed",
			dev, r < 0 && r != -EFBIG ? strerror(-r) : "it exits non-zero", target);
	if (mount(dev, mp, "xfs", MS_RDONLY | MS_NODEV | MS_NOSUID | MS_NOEXEC,
		  "norecovery,nouuid") < 0)
		return fail(
			why, -errno,
			"this kernel does not mount %s even read-only without log recovery "
			"(%s): its XFS features or superblock are not ones it reads, so the log "
			"is not replayed; nothing was changed",
			dev, strerror(errno));
	if (umount2(mp, 0) < 0)
		return -errno;
	return 0;
}

/*
 * xfs_repair refuses a filesystem whose log holds changes (exit 2): a mount
 * replays it. Only when the repair was asked and xfs_replay_safe() holds:
 * mounted read-write once here, in our private namespace, and unmounted at
 * once.
 */
static int xfs_replay_log(const char *dev, const char *target, FILE *msg, struct rsc_buf *why)
{
	_cleanup_free_ char *t = rsc_escape(target);
	char mp[] = "/run/sshrescue-xfslog.XXXXXX";
	int r;

	if (!t)
		return -ENOMEM;
	if (!mkdtemp(mp))
		return -errno;
	r = xfs_replay_safe(dev, t, mp, why);
	if (r == 0) {
		fprintf(msg,
			"  log replay: safe (%s is not in use, xfs_logprint reads the whole log, "
			"and a read-only mount without recovery works)\n",
			dev);
		if (mount(dev, mp, "xfs", MS_NODEV | MS_NOSUID | MS_NOEXEC, "nouuid") < 0 ||
		    umount2(mp, 0) < 0)
			r = fail(why, -errno,
				 "the mount to replay the XFS log of %s failed (%s); the kernel's "
				 "log recovery may have written part of it (the metadata backup "
				 "holds the state before)",
				 dev, strerror(errno));
		fprintf(msg, "  log replay: mount and unmount of %s: %s\n", dev,
			r ? strerror(-r) : "done");
	}
	rmdir(mp);
	return r;
}

bool rsc_fsphase_code(const char *code)
{
	for (size_t i = 0; i < RSC_FSPHASE_NIDS; i++)
		if (strcmp(rsc_problem(rsc_fsphase_ids[i])->code, code) == 0)
			return true;
	return false;
}

bool rsc_fsphase_wanted(char **only)
{
	for (char **c = only; c && *c; c++)
		if (rsc_fsphase_code(*c))
			return true;
	return false;
}

void rsc_fsphase_free(struct rsc_fsphase *f)
{
	free(f->fstype);
	rsc_fsck_result_free(&f->deep_res);
	rsc_fsck_result_free(&f->backup_res);
	rsc_fsck_result_free(&f->repair_res);
	rsc_fsck_result_free(&f->rollback_res);
	free(f->backup_path);
	free(f->undo_path);
	free(f->why_repair);
	if (f->pre)
		rsc_ctx_clear(f->pre);
	free(f->pre);
	f->pre = NULL;
	f->fstype = f->backup_path = f->undo_path = f->why_repair = NULL;
}

static int say_result(const struct rsc_fsphase *f, const char *what,
		      const struct rsc_fsck_result *res)
{
	_cleanup_free_ char *cmd = rsc_escape(res->command ? res->command : "?");
	_cleanup_free_ char *lines = rsc_fsck_problems(res, 8);
	_cleanup_free_ char *l = lines ? rsc_escape(lines) : NULL;
	_cleanup_free_ char *why = res->reason ? rsc_escape(res->reason) : NULL;

	if (!cmd || !lines || !l || (res->reason && !why))
		return -ENOMEM;
	fprintf(f->msg, "  %s: %s: %s (exit status %d, %.1f s)%s%s\n", what, cmd,
		rsc_fsck_verdict_name(res->verdict), res->status, res->elapsed_ms / 1000.0,
		why ? "; " : "", why ? why : "");
	if (*l)
		fprintf(f->msg, "    %s\n", l);
	return 0;
}

int rsc_fsphase_deep_said(const struct rsc_fsphase *f, struct rsc_buf *b)
{
	const struct rsc_fsck_result *d = &f->deep_res;
	_cleanup_free_ char *lines = NULL;
	int r;

	if (d->verdict == RSC_FSCK_NOT_RUN)
		return 0;
	lines = rsc_fsck_problems(d, 3);
	if (!lines)
		return -ENOMEM;
	r = rsc_buf_printf(b, "; before the mount, %s: %s (exit status %d)",
			   d->command ? d->command : "the checker",
			   rsc_fsck_verdict_name(d->verdict), d->status);
	if (r == 0 && (*lines || d->reason))
		r = rsc_buf_adds(b, ": ");
	if (r == 0)
		r = rsc_buf_add_escaped(b, *lines ? lines : d->reason ? d->reason : "");
	return r;
}

/* The repair codes named by --only that the superblock or the deep check shows now. */
static int repair_reasons(struct rsc_fsphase *f, const char *dev, struct rsc_buf *why,
			  struct rsc_buf *codes)
{
	struct rsc_ctx tmp;
	int r;

	rsc_ctx_init(&tmp, NULL, NULL);
	r = rsc_fs_is_ext(f->fstype) ? rsc_fs_ext4_check(&tmp, dev, why) : 0;
	for (size_t i = 0; r == 0 && i < tmp.nfindings; i++) {
		const char *code = rsc_problem(tmp.findings[i].id)->code;

		if (!rsc_fsphase_code(code) || !rsc_strv_has(f->only, code))
			continue;
		if (!codes->len)
			f->why_id = tmp.findings[i].id;
		r = rsc_buf_printf(codes, "%s%s", codes->len ? " " : "", code);
	}
	rsc_ctx_clear(&tmp);
	if (r == 0 && f->deep_res.verdict == RSC_FSCK_DAMAGED &&
	    rsc_strv_has(f->only, rsc_problem(PR_FS_DEEP_DAMAGED)->code)) {
		if (!codes->len)
			f->why_id = PR_FS_DEEP_DAMAGED;
		r = rsc_buf_printf(codes, "%s%s", codes->len ? " " : "",
				   rsc_problem(PR_FS_DEEP_DAMAGED)->code);
	}
	return r;
}

static int backup_path(struct rsc_fsphase *f, const struct rsc_volume *v, struct rsc_buf *why)
{
	struct rsc_buf b = { 0 };
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	int r;

	if (f->backup) {
		f->backup_path = strdup(f->backup);
		return f->backup_path ? 0 : -ENOMEM;
	}
	if (mkdir("/var/lib/sshrescue", 0700) < 0 && errno != EEXIST)
		return fail(why, -errno, "cannot create /var/lib/sshrescue: %s", strerror(errno));
	if (mkdir(RSC_FS_BACKUP_DIR, 0700) < 0 && errno != EEXIST)
		return fail(why, -errno, "cannot create %s: %s", RSC_FS_BACKUP_DIR,
			    strerror(errno));
	if (!gmtime_r(&t, &tm) || !strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm))
		return -EIO;
	/* the UUID is libblkid's, printable hex and dashes; anything else is left out */
	r = rsc_buf_printf(&b, "%s/%s-", RSC_FS_BACKUP_DIR, f->fstype);
	for (const char *u = v->uuid ? v->uuid : ""; r == 0 && *u; u++)
		if ((*u >= '0' && *u <= '9') || (*u >= 'a' && *u <= 'f') || *u == '-')
			r = rsc_buf_add(&b, u, 1);
	if (r == 0)
		r = rsc_buf_printf(&b, "-%s.qcow2", stamp);
	if (r < 0)
		return r;
	f->backup_path = rsc_buf_steal(&b);
	return 0;
}

/* The undo file's name: the backup's, ".qcow2" replaced by (or else followed by) ".e2undo". */
static int undo_path(struct rsc_fsphase *f)
{
	const char *b = f->backup_path;
	size_t n = strlen(b);
	struct rsc_buf p = { 0 };

	if (n > 6 && strcmp(b + n - 6, ".qcow2") == 0)
		n -= 6;
	if (rsc_buf_add(&p, b, n) < 0 || rsc_buf_adds(&p, ".e2undo") < 0) {
		rsc_buf_free(&p);
		return -ENOMEM;
	}
	f->undo_path = rsc_buf_steal(&p);
	return 0;
}

/*
 * The repair stopped half-way (cancelled by a signal, killed) or failed: put
 * back, from the undo file, every block it changed. e2undo checks that the
 * undo file belongs to this filesystem as the repair left it (nothing else has
 * written to the device since: it is ours, unmounted). Returns the hook's
 * error: the filesystem is not mounted.
 */
static int roll_back(struct rsc_fsphase *f, const char *dev, struct rsc_buf *why)
{
	const struct rsc_fsck_result *res = &f->repair_res;
	_cleanup_free_ char *u = rsc_escape(f->undo_path);
	char how[64];
	struct stat st;
	int r;

	if (!u)
		return -ENOMEM;
	if (rsc_fsck_interrupted(res))
		snprintf(how, sizeof(how), "stopped half-way");
	else
		snprintf(how, sizeof(how), "failed (exit status %d)", res->status);
	fputc('\n', f->msg);
	/* e2fsck creates its undo file before it opens the device for writing */
	if (lstat(f->undo_path, &st) < 0 && errno == ENOENT)
		return fail(why, -EINTR,
			    "%s %s before it could change anything (it made no undo file); the "
			    "filesystem is not mounted",
			    res->tool, how);
	r = rsc_fsck_run(f->fstype, dev, RSC_FSCK_ROLLBACK, f->undo_path, NULL, &f->rollback_res);
	if (r == 0)
		r = say_result(f, "rollback", &f->rollback_res);
	if (r < 0)
		return r;
	fputc('\n', f->msg);
	if (f->rollback_res.verdict == RSC_FSCK_DONE)
		return fail(why, -EINTR,
			    "%s %s, and e2undo put back every block it had changed: the "
			    "filesystem is as it was before; nothing was changed (the undo file %s "
			    "stays on this helper)",
			    res->tool, how, u);
	return fail(why, -EIO,
		    "%s %s, and e2undo could not use its undo file (%s): what it changed before "
		    "it stopped, if anything, stays; the filesystem is not mounted (run the fix "
		    "again to finish the repair, or e2undo -f %s DEVICE to force the rollback)",
		    res->tool, how, f->rollback_res.reason ? f->rollback_res.reason : "?", u);
}

/* The repair, and for XFS the log replay it asks for (signals are held by the caller). */
static int run_repair(struct rsc_fsphase *f, const struct rsc_volume *v, const char *dev,
		      struct rsc_buf *why)
{
	int r = rsc_fsck_run(f->fstype, dev, RSC_FSCK_REPAIR, f->undo_path, f->progress,
			     &f->repair_res);

	if (r == 0)
		r = say_result(f, "repair", &f->repair_res);
	if (r == 0 && strcmp(f->fstype, "xfs") == 0 && f->repair_res.status == 2 &&
	    !rsc_signal_pending()) {
		r = xfs_replay_log(dev, v->target, f->msg, why);
		if (r == 0) {
			rsc_fsck_result_free(&f->repair_res);
			r = rsc_fsck_run(f->fstype, dev, RSC_FSCK_REPAIR, NULL, f->progress,
					 &f->repair_res);
		}
		if (r == 0)
			r = say_result(f, "repair", &f->repair_res);
	}
	return r;
}

/* The metadata backup, then the repair; a signal that came during the backup stops here. */
static int backup_and_repair(struct rsc_fsphase *f, const struct rsc_volume *v, const char *dev,
			     struct rsc_buf *why)
{
	int r;

	if (!f->no_backup) {
		r = backup_path(f, v, why);
		if (r == 0)
			r = rsc_fsck_run(f->fstype, dev, RSC_FSCK_BACKUP, f->backup_path, NULL,
					 &f->backup_res);
		if (r == 0)
			r = say_result(f, "metadata backup", &f->backup_res);
		if (r < 0)
			return r;
		if (f->backup_res.verdict != RSC_FSCK_DONE)
			return fail(why, -EIO,
				    "the metadata backup failed, so nothing was repaired "
				    "(--fs-backup FILE names another place; --no-fs-backup repairs "
				    "without a backup)");
		if (rsc_fsck_supported(f->fstype, RSC_FSCK_ROLLBACK)) {
			r = undo_path(f);
			if (r < 0)
				return r;
		}
	} else {
		fprintf(f->msg, "  metadata backup and undo file: skipped (--no-fs-backup)\n");
	}
	if (rsc_signal_pending())
		return fail(why, -EINTR,
			    "stopped by signal %d before the repair; nothing was changed",
			    rsc_signal_pending());
	r = run_repair(f, v, dev, why);
	if (r < 0)
		return r;
	if (f->undo_path &&
	    (rsc_fsck_interrupted(&f->repair_res) || f->repair_res.verdict == RSC_FSCK_FAILED))
		return roll_back(f, dev, why);
	fputc('\n', f->msg);
	if (rsc_fsck_interrupted(&f->repair_res))
		return fail(why, -EINTR,
			    "%s stopped half-way; with --no-fs-backup there is no undo file, so "
			    "what it changed stays: run the fix again to finish the repair",
			    f->repair_res.tool);
	if (rsc_signal_pending())
		return fail(why, -EINTR,
			    "stopped by signal %d after %s had finished (%s); the filesystem was "
			    "not mounted and nothing else was changed",
			    rsc_signal_pending(), f->repair_res.tool,
			    rsc_fsck_verdict_name(f->repair_res.verdict));
	if (f->repair_res.verdict == RSC_FSCK_LEFT || f->repair_res.verdict == RSC_FSCK_FAILED)
		return fail(why, -EUCLEAN,
			    "%s could not repair the filesystem (%s), so it is not mounted "
			    "read-write; nothing else was changed",
			    f->repair_res.tool, rsc_fsck_verdict_name(f->repair_res.verdict));
	return 0;
}

static int repair(struct rsc_fsphase *f, const struct rsc_volume *v, const char *dev,
		  struct rsc_buf *why)
{
	struct rsc_buf codes = { 0 };
	int r;

	if (!rsc_fsck_supported(f->fstype, RSC_FSCK_REPAIR))
		return fail(why, -ENOTSUP,
			    "sshrescue cannot repair %s filesystems; nothing was changed (run the "
			    "filesystem's own repair tool on the unmounted device)",
			    f->fstype);
	r = repair_reasons(f, dev, why, &codes);
	if (r < 0) {
		rsc_buf_free(&codes);
		return r;
	}
	if (codes.len == 0) {
		fprintf(f->msg, "Filesystem: none of the asked problems is on the filesystem now; "
				"no repair.\n\n");
		rsc_buf_free(&codes);
		return 0;
	}
	f->why_repair = rsc_buf_steal(&codes);
	fprintf(f->msg, "Filesystem repair (asked for %s), before the read-write mount:\n",
		f->why_repair);
	/* A signal to this run waits for the checker: the checker (in our process group, so a
	 * ^C reaches it too) ends its own way, cancelled or done; then the run decides. */
	rsc_signals_defer(true);
	r = backup_and_repair(f, v, dev, why);
	rsc_signals_defer(false);
	return r;
}

int rsc_fsphase_hook(const struct rsc_volume *v, const char *dev, void *arg, struct rsc_buf *why)
{
	struct rsc_fsphase *f = arg;
	bool repairing = f->repair && rsc_fsphase_wanted(f->only);
	int r;

	f->fstype = strdup(v->fstype ? v->fstype : "unknown");
	if (!f->fstype)
		return -ENOMEM;
	if (f->deep ||
	    (repairing && rsc_strv_has(f->only, rsc_problem(PR_FS_DEEP_DAMAGED)->code))) {
		r = rsc_fsck_run(f->fstype, dev, RSC_FSCK_DEEP, NULL, f->progress, &f->deep_res);
		if (r < 0)
			return r;
	}
	r = repairing ? repair(f, v, dev, why) : 0;
	if (r < 0 || !f->repair || !rsc_fs_is_ext(f->fstype))
		return r;
	/* the superblock as the read-write mount will find it (an ext* filesystem) */
	f->pre = calloc(1, sizeof(*f->pre));
	if (!f->pre)
		return -ENOMEM;
	rsc_ctx_init(f->pre, NULL, NULL);
	r = rsc_fs_ext4_check(f->pre, dev, why);
	if (r == -ENOMEM)
		return r;
	if (r < 0) { /* judged as "not checked" by the report: no finding, not fatal */
		rsc_ctx_clear(f->pre);
		free(f->pre);
		f->pre = NULL;
		rsc_buf_reset(why);
	}
	return 0;
}

int rsc_fsphase_log_plan(const struct rsc_fsphase *f, struct rsc_root *root, struct rsc_plan *p)
{
	const struct rsc_fsck_result *res = &f->repair_res;
	const char *code = rsc_problem(f->why_id)->code;
	struct stat st;
	struct rsc_buf path = { 0 }, b = { 0 };
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	int r;

	if (res->verdict == RSC_FSCK_NOT_RUN)
		return 0;
	if (!gmtime_r(&t, &tm) || !strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm))
		return -EIO;
	r = rsc_buf_printf(&path, LOG_DIR "/fsck-%s.log", stamp);
	if (r == 0)
		r = rsc_buf_printf(&b,
				   "sshrescue repaired this filesystem before mounting it (%s)\n"
				   "asked for: %s\ncommand: %s\nexit status: %d (%s)\n",
				   stamp, f->why_repair ? f->why_repair : "?",
				   res->command ? res->command : "?", res->status,
				   rsc_fsck_verdict_name(res->verdict));
	if (r == 0 && f->backup_path)
		r = rsc_buf_printf(&b,
				   "metadata backup, on the helper machine: %s\n"
				   "(restore the metadata with: %s, FILE being it)\n",
				   f->backup_path, rsc_fsck_restore_hint(f->fstype));
	else if (r == 0)
		r = rsc_buf_adds(&b, "metadata backup: none (--no-fs-backup)\n");
	if (r == 0 && f->undo_path)
		r = rsc_buf_printf(&b,
				   "undo file of the repair, on the helper machine: %s\n"
				   "(e2undo FILE DEVICE puts back the blocks e2fsck changed, while "
				   "nothing else has written to the filesystem; after this fix's "
				   "read-write mount it refuses to)\n",
				   f->undo_path);
	if (r == 0)
		r = rsc_buf_printf(&b, "output%s:\n%s", res->truncated ? " (first 1 MiB)" : "",
				   res->output ? res->output : "");
	if (r == 0 &&
	    (rsc_root_stat(root, "/var/log", &st, RSC_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))) {
		fprintf(f->msg, "The victim has no /var/log directory: the repair's log is only "
				"what is shown here.\n\n");
		goto out;
	}
	if (r == 0 && rsc_root_stat(root, LOG_DIR, &st, RSC_NOFOLLOW) == -ENOENT)
		r = rsc_plan_mkdir(p, code, LOG_DIR, 0755, 0, 0,
				   "the directory of sshrescue's logs");
	if (r == 0)
		r = rsc_plan_write(p, code, path.data, b.data, b.len, 0600, 0, 0,
				   "what the filesystem repair did, for later");
out:
	rsc_buf_free(&path);
	rsc_buf_free(&b);
	return r;
}
