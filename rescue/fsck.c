// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fsck.c - the checkers of each filesystem, as a table (fsck.h).
 *
 * Exit statuses, from the checkers' manuals: e2fsck 0 no errors, 1 errors
 * corrected, 2 corrected and the system should reboot, 4 errors left
 * uncorrected (with -n: any error found), 8 operational error, 16 usage,
 * 32 cancelled, 128 shared-library error (8 with "does not describe a valid
 * ext2/ext3/ext4 filesystem": it read a superblock that is damaged);
 * xfs_repair -n 1 when corruption was found, xfs_repair 2 when the log must
 * first be replayed by a mount;
 * btrfs check non-zero when it found errors or could not open the device.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsck.h"
#include "runprog.h"
#include "util.h"

#define OUTPUT_MAX	(1u << 20)
#define DEEP_TIMEOUT_MS (2L * 3600 * 1000) /* read-only: safe to stop; 2 h covers TiB */
#define NO_TIMEOUT	(-1L)		   /* a repair is never killed half-way */

typedef enum rsc_fsck_verdict (*verdict_fn)(int status);

static enum rsc_fsck_verdict e2fsck_deep(int st)
{
	if (st == 0)
		return RSC_FSCK_CLEAN;
	/* 12: errors found, then it stopped ("e2fsck: aborted"): what it found stands */
	return st == 4 || st == 12 ? RSC_FSCK_DAMAGED : RSC_FSCK_FAILED;
}

/* 32 (cancelled, after a SIGINT) is >= 8: FAILED, and rsc_fsck_interrupted() says why */
static enum rsc_fsck_verdict e2fsck_repair(int st)
{
	if (st >= 8)
		return RSC_FSCK_FAILED;
	if (st & 4)
		return RSC_FSCK_LEFT;
	return st & 3 ? RSC_FSCK_REPAIRED : RSC_FSCK_CLEAN;
}

static enum rsc_fsck_verdict zero_or_one(int st)
{
	if (st == 0)
		return RSC_FSCK_CLEAN;
	return st == 1 ? RSC_FSCK_DAMAGED : RSC_FSCK_FAILED;
}

/* xfs_repair: 0 done (no error left), 2 the log must first be replayed by a mount */
static enum rsc_fsck_verdict xfs_repair_verdict(int st)
{
	if (st == 0)
		return RSC_FSCK_REPAIRED;
	return st == 2 ? RSC_FSCK_LEFT : RSC_FSCK_FAILED;
}

static enum rsc_fsck_verdict zero_done(int st)
{
	return st == 0 ? RSC_FSCK_DONE : RSC_FSCK_FAILED;
}

struct checker {
	const char *fstypes; /* " ext2 ext3 ext4 " */
	enum rsc_fsck_mode mode;
	const char *tool;
	const char *package; /* Debian's, for "not installed" */
	bool progress;	     /* takes -C 3: progress lines on its fd 3 */
	const char *argv[8]; /* "@DEV" and "@FILE" are replaced */
	verdict_fn verdict;
	long timeout_ms;
	const char *cannot_open; /* words of its output that mean it never read the device */
	const char *restore;	 /* BACKUP: how the user puts the metadata back */
	/* words of its output that turn a failure into damage: it read the device, and the
	 * superblock is no valid one (the boot's fsck refuses it the same way) */
	const char *refused;
	/* REPAIR: the option that makes it keep an undo file (e2fsck -z FILE), or NULL */
	const char *undo_opt;
};

static const struct checker checkers[] = {
	{ " ext2 ext3 ext4 ",
	  RSC_FSCK_DEEP,
	  "e2fsck",
	  "e2fsprogs",
	  true,
	  { "e2fsck", "-f", "-n", "@DEV" },
	  e2fsck_deep,
	  DEEP_TIMEOUT_MS,
	  NULL,
	  NULL,
	  "does not describe a valid ext2/ext3/ext4",
	  NULL },
	{ " ext2 ext3 ext4 ",
	  RSC_FSCK_REPAIR,
	  "e2fsck",
	  "e2fsprogs",
	  true,
	  { "e2fsck", "-f", "-y", "@DEV" },
	  e2fsck_repair,
	  NO_TIMEOUT,
	  NULL,
	  NULL,
	  NULL,
	  "-z" },
	{ " ext2 ext3 ext4 ",
	  RSC_FSCK_BACKUP,
	  "e2image",
	  "e2fsprogs",
	  false,
	  { "e2image", "-Q", "@DEV", "@FILE" },
	  zero_done,
	  DEEP_TIMEOUT_MS,
	  NULL,
	  "e2image -r FILE DEVICE",
	  NULL,
	  NULL },
	{ " ext2 ext3 ext4 ",
	  RSC_FSCK_ROLLBACK,
	  "e2undo",
	  "e2fsprogs",
	  false,
	  { "e2undo", "@FILE", "@DEV" },
	  zero_done,
	  NO_TIMEOUT,
	  NULL,
	  NULL,
	  NULL,
	  NULL },
	{ " xfs ",
	  RSC_FSCK_REPAIR,
	  "xfs_repair",
	  "xfsprogs",
	  false,
	  { "xfs_repair", "@DEV" },
	  xfs_repair_verdict,
	  NO_TIMEOUT,
	  "couldn't initialize XFS library",
	  NULL,
	  NULL,
	  NULL },
	{ " xfs ",
	  RSC_FSCK_BACKUP,
	  "xfs_metadump",
	  "xfsprogs",
	  false,
	  { "xfs_metadump", "-a", "-o", "@DEV", "@FILE" },
	  zero_done,
	  DEEP_TIMEOUT_MS,
	  NULL,
	  "xfs_mdrestore FILE DEVICE",
	  NULL,
	  NULL },
	{ " xfs ",
	  RSC_FSCK_DEEP,
	  "xfs_repair",
	  "xfsprogs",
	  false,
	  { "xfs_repair", "-n", "@DEV" },
	  zero_or_one,
	  DEEP_TIMEOUT_MS,
	  "couldn't initialize XFS library",
	  NULL,
	  NULL,
	  NULL },
	{ " btrfs ",
	  RSC_FSCK_DEEP,
	  "btrfs check",
	  "btrfs-progs",
	  false,
	  { "btrfs", "check", "--readonly", "@DEV" },
	  zero_or_one,
	  DEEP_TIMEOUT_MS,
	  "cannot open",
	  NULL,
	  NULL,
	  NULL },
};

static const struct checker *find(const char *fstype, enum rsc_fsck_mode mode)
{
	char key[40];

	if (!fstype || strlen(fstype) > sizeof(key) - 3 || strchr(fstype, ' '))
		return NULL;
	snprintf(key, sizeof(key), " %s ", fstype);
	for (size_t i = 0; i < ARRAY_SIZE(checkers); i++)
		if (checkers[i].mode == mode && strstr(checkers[i].fstypes, key))
			return &checkers[i];
	return NULL;
}

bool rsc_fsck_supported(const char *fstype, enum rsc_fsck_mode mode)
{
	return find(fstype, mode) != NULL;
}

const char *rsc_fsck_tool(const char *fstype, enum rsc_fsck_mode mode)
{
	const struct checker *c = find(fstype, mode);

	return c ? c->tool : NULL;
}

const char *rsc_fsck_restore_hint(const char *fstype)
{
	const struct checker *c = find(fstype, RSC_FSCK_BACKUP);

	return c && c->restore ? c->restore : "(no restore known)";
}

static const char *const verdict_names[] = {
	[RSC_FSCK_NOT_RUN] = "not run",	 [RSC_FSCK_CLEAN] = "clean",
	[RSC_FSCK_DAMAGED] = "damaged",	 [RSC_FSCK_REPAIRED] = "repaired",
	[RSC_FSCK_LEFT] = "errors left", [RSC_FSCK_FAILED] = "failed",
	[RSC_FSCK_DONE] = "done",
};

bool rsc_fsck_changed(const struct rsc_fsck_result *res)
{
	if (res->status < 0)
		return false;
	if (res->tool && strcmp(res->tool, "e2fsck") == 0)
		return (res->status & 3) != 0;
	return res->verdict == RSC_FSCK_REPAIRED;
}

bool rsc_fsck_interrupted(const struct rsc_fsck_result *res)
{
	if (res->mode != RSC_FSCK_REPAIR || !res->tool || strcmp(res->tool, "e2fsck") != 0)
		return false;
	return res->killed || (res->status >= 0 && (res->status & 32));
}

const char *rsc_fsck_verdict_name(enum rsc_fsck_verdict v)
{
	return (size_t)v < ARRAY_SIZE(verdict_names) ? verdict_names[v] : "?";
}

void rsc_fsck_result_free(struct rsc_fsck_result *res)
{
	free(res->command);
	free(res->output);
	free(res->reason);
	memset(res, 0, sizeof(*res));
}

/* e2fsck -C 3 writes "PASS CURRENT MAX DEVICE" lines; draw one line on the terminal. */
static void draw_progress(const char *line, void *arg)
{
	FILE *tty = arg;
	unsigned pass;
	unsigned long long cur, max;

	if (sscanf(line, "%u %llu %llu", &pass, &cur, &max) != 3 || max == 0 || cur > max)
		return;
	fprintf(tty, "\r  e2fsck: pass %u of 5, %3llu%%  ", pass, cur * 100 / max);
	fflush(tty);
}

static int failed(struct rsc_fsck_result *res, const char *fmt, ...) _printf_(2, 3);

static int failed(struct rsc_fsck_result *res, const char *fmt, ...)
{
	struct rsc_buf b = { 0 };
	va_list ap;
	int r;

	res->verdict = RSC_FSCK_FAILED;
	va_start(ap, fmt);
	r = rsc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	free(res->reason);
	res->reason = rsc_buf_steal(&b);
	return 0;
}

/* Fill argv (at most 8 words) and the printable command from the template. */
static int build_argv(const struct checker *c, const char *dev, const char *file, bool progress,
		      char *argv[12], struct rsc_buf *cmd)
{
	size_t n = 0;
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(c->argv) && c->argv[i]; i++) {
		const char *w = c->argv[i];

		if (strcmp(w, "@DEV") == 0)
			w = dev;
		else if (strcmp(w, "@FILE") == 0)
			w = file;
		if (i == 1 && progress) { /* the progress option goes right after the name */
			argv[n++] = (char *)"-C";
			argv[n++] = (char *)"3";
		}
		if (i == 1 && c->undo_opt && file) { /* so does the undo file's, printed */
			argv[n++] = (char *)c->undo_opt;
			argv[n++] = (char *)file;
			r |= rsc_buf_printf(cmd, " %s %s", c->undo_opt, file);
		}
		argv[n++] = (char *)w;
		r |= rsc_buf_printf(cmd, "%s%s", i ? " " : "", w);
	}
	argv[n] = NULL;
	return r < 0 ? -ENOMEM : 0;
}

/*
 * Write back what a tool left in the device's page cache. e2undo does not
 * fsync; when the last descriptor of an autoclear loop device closed, those
 * pages were dropped, not written (measured: Linux 6.18, the superblock e2undo
 * had put back was lost). The repair and the rollback end with this.
 */
static int flush_device(const char *dev)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return 0; /* no device (it went away): no page cache of it to write back */
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* The verdict of a run that ended with r (rsc_spawn_run) and flushed (flush_device). */
static int judge(const struct checker *c, struct rsc_fsck_result *res, int r, int flushed)
{
	if (r == -EFBIG) {
		res->truncated = true;
		r = 0;
	}
	if (r == -ENOENT)
		return failed(res, "%s is not installed on this helper", c->package);
	if (r == -ETIMEDOUT)
		return failed(res, "%s did not finish within its time limit and was stopped",
			      c->tool);
	if (r == -ECHILD) {
		res->killed = true;
		return failed(res, "%s was killed by a signal", c->tool);
	}
	if (r < 0)
		return failed(res, "%s could not be run", c->tool);
	if (flushed < 0)
		return failed(res, "what %s wrote could not be flushed to the device: %s", c->tool,
			      strerror(-flushed));
	res->verdict = c->verdict(res->status);
	if (res->verdict == RSC_FSCK_FAILED && c->refused && strstr(res->output, c->refused))
		res->verdict = RSC_FSCK_DAMAGED;
	if (res->verdict == RSC_FSCK_DAMAGED && c->cannot_open &&
	    strstr(res->output, c->cannot_open))
		return failed(res, "%s could not open the device", c->tool);
	if (res->verdict == RSC_FSCK_FAILED) {
		if (failed(res, "%s stopped with exit status %d (an operational error)", c->tool,
			   res->status) < 0)
			return -ENOMEM;
	}
	return 0;
}

int rsc_fsck_run(const char *fstype, const char *dev, enum rsc_fsck_mode mode, const char *file,
		 FILE *progress, struct rsc_fsck_result *res)
{
	const struct checker *c = find(fstype, mode);
	struct rsc_buf out = { 0 }, cmd = { 0 };
	struct rsc_spawn how = { .fd3 = -1,
				 .flags = RSC_SPAWN_STDERR | RSC_SPAWN_TRUNCATE,
				 .cap = OUTPUT_MAX };
	char *argv[12];
	struct stat st;
	long t0;
	int r, flushed;

	memset(res, 0, sizeof(*res));
	res->mode = mode;
	res->status = -1;
	if (!c)
		return failed(res, "no checker is known for %s filesystems",
			      fstype ? fstype : "unknown");
	res->tool = c->tool;
	if (mode == RSC_FSCK_BACKUP && (!file || lstat(file, &st) == 0))
		return failed(res, "the backup file %s exists already; name a new one",
			      file ? file : "(none)");
	/* e2fsck -z appends to an undo file that exists: only a new one says what this run did */
	if (mode == RSC_FSCK_REPAIR && file && (!c->undo_opt || lstat(file, &st) == 0))
		return failed(res,
			      c->undo_opt ? "the undo file %s exists already"
					  : "%s: no undo file is known for this checker",
			      file);
	if (mode == RSC_FSCK_ROLLBACK && (!file || lstat(file, &st) < 0 || !S_ISREG(st.st_mode)))
		return failed(res, "the undo file %s is missing", file ? file : "(none)");
	how.timeout_ms = c->timeout_ms;
	if (c->progress && progress) {
		how.on_line = draw_progress;
		how.arg = progress;
	}
	r = build_argv(c, dev, file, c->progress && progress, argv, &cmd);
	if (r < 0)
		return r;
	res->command = rsc_buf_steal(&cmd);
	t0 = rsc_now_ms();
	r = rsc_spawn_run(argv, &how, &out, &res->status);
	flushed = mode == RSC_FSCK_REPAIR || mode == RSC_FSCK_ROLLBACK ? flush_device(dev) : 0;
	res->elapsed_ms = rsc_now_ms() - t0;
	if (how.on_line)
		fprintf(progress, "\r%60s\r", "");
	res->output = rsc_buf_steal(&out);
	if (!res->output)
		res->output = strdup("");
	if (!res->output)
		return -ENOMEM;
	r = judge(c, res, r, flushed);
	if (mode == RSC_FSCK_BACKUP && res->verdict != RSC_FSCK_DONE)
		unlink(file); /* a partial backup (killed too) must not look like a good one */
	return r;
}

/* Lines that are the checker's chatter, not a problem or a change. */
static bool chatter(const char *l, size_t n)
{
	static const char *const prefixes[] = {
		"e2fsck ",	  "e2image ",
		"Pass ",	  "Phase ",
		"        - ",	  "Checking ",
		"Opening ",	  "[",
		"No modify flag", "Warning: skipping journal recovery",
		"Scanning ",	  "found ",
		"cache ",	  "Counting ",
		"Adding ",	  "Running ",
		"done",		  "UUID:",
		"Reading ",	  "Maximum ",
		"Verify ",	  "Mount ",
		"Traversing ",	  "Moving ",
		"Skipping ",	  "Discard ",
		"Searching ",	  "- ",
	};

	while (n && (*l == ' ' || *l == '\t'))
		l++, n--;
	if (n == 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t k = strlen(prefixes[i]);

		if (n >= k && memcmp(l, prefixes[i], k) == 0)
			return true;
	}
	/* e2fsck's answers to its own questions: "Fix? yes", "Clear inode? no" */
	if ((n >= 5 && memcmp(l + n - 5, "? yes", 5) == 0) ||
	    (n >= 4 && memcmp(l + n - 4, "? no", 4) == 0))
		return n < 40;
	/* e2fsck's summary: "/dev/loop0: 1234/65536 files (0.1% non-contiguous), ..." */
	return memmem(l, n, " files (", 8) && memmem(l, n, " blocks", 7);
}

char *rsc_fsck_problems(const struct rsc_fsck_result *res, unsigned max)
{
	struct rsc_buf b = { 0 };
	const char *p = res->output ? res->output : "";
	unsigned got = 0;

	while (*p && got < max) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *next = e ? e + 1 : p + n;

		if (n && p[n - 1] == '\r')
			n--;
		if (!chatter(p, n)) {
			if ((got && rsc_buf_adds(&b, "; ") < 0) || rsc_buf_add(&b, p, n) < 0) {
				rsc_buf_free(&b);
				return NULL;
			}
			got++;
		}
		p = next;
	}
	if (rsc_buf_adds(&b, "") < 0)
		return NULL;
	return rsc_buf_steal(&b);
}
