// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - the command table and the command line. Only this file exits.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks.h"
#include "cmd.h"
#include "fsphase.h"
#include "problem.h"
#include "usage.h"
#include "util.h"

struct command {
	const char *name;
	const char *args;	  /* usage after the name */
	const char *help;	  /* one line */
	int nargs_min, nargs_max; /* positional arguments */
	int (*run)(struct rsc_opts *o, char **args, int nargs);
};

static int run_check(struct rsc_opts *o, char **a, int n)
{
	(void)n;
	o->target = a[0];
	return rsc_cmd_check(o);
}

static int run_fix(struct rsc_opts *o, char **a, int n)
{
	(void)n;
	o->target = a[0];
	return rsc_cmd_fix(o);
}

static int run_undo(struct rsc_opts *o, char **a, int n)
{
	o->target = a[0];
	o->journal_id = n > 1 ? a[1] : NULL;
	return rsc_cmd_undo(o);
}

static int run_add_key(struct rsc_opts *o, char **a, int n)
{
	(void)n;
	o->target = a[0];
	o->user_arg = a[1];
	o->keyfile = a[2];
	return rsc_cmd_add_key(o);
}

static int run_install_boot_entry(struct rsc_opts *o, char **a, int n)
{
	(void)n;
	o->target = a[0];
	return rsc_cmd_install_boot_entry(o);
}

static bool markdown;

static int run_codes(struct rsc_opts *o, char **a, int n)
{
	(void)a;
	(void)n;
	return rsc_cmd_codes(o, markdown);
}

static int run_sshd_config(struct rsc_opts *o, char **args, int n)
{
	(void)n;
	o->target = args[0];
	return rsc_cmd_sshd_config(o);
}

static int run_ldd(struct rsc_opts *o, char **args, int n)
{
	o->target = args[0];
	return rsc_cmd_ldd(o, args + 1, n - 1);
}

static int run_shell(struct rsc_opts *o, char **args, int n)
{
	o->target = args[0];
	return rsc_cmd_shell(o, args + 1, n - 1);
}

static int run_devices(struct rsc_opts *o, char **a, int n)
{
	(void)a;
	(void)n;
	return rsc_cmd_devices(o);
}

static int run_usage(struct rsc_opts *o, char **args, int n)
{
	(void)n;
	o->target = args[0];
	return rsc_cmd_usage(o);
}

static const struct command commands[] = {
	{ "check", "TARGET", "read-only diagnosis of the victim (never writes a byte)", 1, 1,
	  run_check },
	{ "fix", "TARGET", "show the repair plan; with --apply, make it (journaled)", 1, 1,
	  run_fix },
	{ "undo", "TARGET [ID]",
	  "restore what a fix or add-key changed (newest journal by default)", 1, 2, run_undo },
	{ "add-key", "TARGET USER KEYFILE",
	  "give USER the public key in KEYFILE, with correct modes", 3, 3, run_add_key },
	{ "install-boot-entry", "TARGET",
	  "a one-time GRUB entry on the victim that boots it into the rescue initramfs", 1, 1,
	  run_install_boot_entry },
	{ "sshd-config", "TARGET",
	  "validate the victim's sshd_config like its sshd; --dump: effective config", 1, 1,
	  run_sshd_config },
	{ "ldd", "TARGET PATH...",
	  "the libraries of the victim's programs, resolved like its own ld.so", 2, 256, run_ldd },
	{ "shell", "TARGET [-- CMD...]",
	  "a shell (or CMD) chrooted into the victim with /dev /proc /sys /run; not journaled", 1,
	  256, run_shell },
	{ "devices", "",
	  "the block devices of this helper, which look like a Linux root (--activate: LVM, "
	  "LUKS)",
	  0, 0, run_devices },
	{ "usage", "TARGET", "what fills the disk: top directories and files by bytes and inodes",
	  1, 1, run_usage },
	{ "codes", "", "list every problem code (--markdown for the catalogue)", 0, 0, run_codes },
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: sshrescue COMMAND [OPTIONS] ARGS...\n\n"
		     "Find and repair why a Linux server no longer accepts SSH logins, from its\n"
		     "offline root filesystem. TARGET is a directory (a mounted victim root), an\n"
		     "image file or a block device.\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strlen(commands[i].name) > 11) /* too long for the column: a line of its own */
			fprintf(out, "  %s\n  %-11s", commands[i].name, "");
		else
			fprintf(out, "  %-11s", commands[i].name);
		fprintf(out, " %-20s %s\n", commands[i].args, commands[i].help);
	}
	fprintf(out,
		"\nOptions:\n"
		"  --json            machine-readable report (docs/report-schema.md)\n"
		"  --user NAME       examine only this user (repeatable)\n"
		"  --apply, --yes    fix: make the planned changes\n"
		"  --only CODE,...   fix: repair only these problem codes\n"
		"  --skip CODE,...   fix: leave these problem codes alone\n"
		"  --reset-sshd-config\n"
		"                    fix: repair /etc/ssh/sshd_config by replacing it with the\n"
		"                    distribution's default (the old file stays in the journal)\n"
		"  --from-deb FILE   fix: a package archive (on this helper) to restore missing "
		"or\n"
		"                    corrupt files from; its version must be the installed one\n"
		"                    (repeatable; else the victim's /var/cache/apt/archives)\n"
		"  --deep            check, fix: also run the filesystem's own checker, "
		"read-only,\n"
		"                    on the unmounted device (e2fsck -fn, xfs_repair -n, btrfs\n"
		"                    check --readonly)\n"
		"  --fs-backup FILE  fix --only fs.errors (or another fs repair code): save the\n"
		"                    metadata (e2image -Q) to FILE before e2fsck -fy; default a\n"
		"                    new file in " RSC_FS_BACKUP_DIR "; e2fsck's undo\n"
		"                    file goes beside it (a repair stopped half-way is rolled\n"
		"                    back with e2undo)\n"
		"  --no-fs-backup    fix: repair the filesystem without that backup (and without\n"
		"                    the undo file)\n"
		"  --move-to DIR     fix --only fs.space.root (fs.space.users, fs.inodes.full):\n"
		"                    move the cleanup's files (package caches, rotated logs,\n"
		"                    journald archives, core dumps, old temporary files) to DIR\n"
		"                    on this helper, into DIR/<journal id>/ below their path\n"
		"  --delete          fix: delete the cleanup's files instead: they are lost, undo\n"
		"                    cannot bring them back\n"
		"  --truncate-logs   fix: with --move-to, also copy the active logs of /var/log "
		"to\n"
		"                    DIR and truncate them to 0 bytes\n"
		"  --partition N     TARGET is a partitioned image or disk: use its partition N\n"
		"  --list            undo: list the journals on the victim\n"
		"  --live            allow the running system's own root filesystem\n"
		"  --markdown        codes: print the catalogue as Markdown\n"
		"  --dump            sshd-config: print the effective configuration (sshd -T)\n"
		"  --match SPEC      sshd-config --dump: for a connection, like sshd -T -C SPEC\n"
		"                    (user=NAME,host=NAME,addr=IP,laddr=IP,lport=N,rdomain=R)\n"
		"  --top N           usage: list N directories and files of each kind (10)\n"
		"  --initramfs FILE  install-boot-entry: the rescue initramfs "
		"(initramfs/build.sh)\n"
		"  --kernel VERSION  install-boot-entry: boot /boot/vmlinuz-VERSION (the newest)\n"
		"  --mode check|fix  install-boot-entry: what the rescue boot does (check)\n"
		"  --fix CODE,...    install-boot-entry --mode fix: repair only these codes\n"
		"  --exec-victim     sshd-config: also run the victim's own sshd -t and -T in a\n"
		"                    sandbox (read-only, no network) and compare\n"
		"  --activate        devices: first activate the volume groups of the LVM\n"
		"                    physical volumes (vgchange -ay VG) and open the LUKS\n"
		"                    containers read-only (cryptsetup open --readonly), then "
		"list;\n"
		"                    a volume group whose name is also another's here (a clone) "
		"is\n"
		"                    refused: vgimportclone it first\n"
		"  --key-file FILE   devices --activate: the LUKS key (else the passphrase is "
		"asked\n"
		"                    on the terminal)\n"
		"  -h, --help        this help;  -V, --version  the version\n"
		"\nChecks:\n");
	for (size_t i = 0; rsc_checks[i]; i++)
		fprintf(out, "  %-12s %s\n", rsc_checks[i]->name, rsc_checks[i]->summary);
	fprintf(out, "\nExit status (a bitmask, like fsck): 0 nothing wrong, 1 problems fixed,\n"
		     "4 problems left, 8 operational error, 16 usage error.\n"
		     "See sshrescue(8).\n");
}

/* Append the comma-separated items of arg to a NULL-terminated list. */
static int list_add(char ***list, const char *arg, bool split)
{
	_cleanup_free_ char *copy = strdup(arg);
	char *save = NULL;
	size_t n = 0;

	if (!copy)
		return -ENOMEM;
	while (*list && (*list)[n])
		n++;
	for (char *tok = split ? strtok_r(copy, ",", &save) : copy; tok;
	     tok = split ? strtok_r(NULL, ",", &save) : NULL) {
		char **l = reallocarray(*list, n + 2, sizeof(char *));

		if (!l)
			return -ENOMEM;
		*list = l;
		l[n] = strdup(tok);
		if (!l[n])
			return -ENOMEM;
		l[++n] = NULL;
	}
	return 0;
}

static void list_free(char **list)
{
	for (char **p = list; p && *p; p++)
		free(*p);
	free(list);
}

static int check_codes(char **codes)
{
	for (char **c = codes; c && *c; c++) {
		enum rsc_pid id;

		if (rsc_problem_by_code(*c, &id) < 0) {
			_cleanup_free_ char *e = rsc_escape(*c);

			fprintf(stderr,
				"sshrescue: unknown problem code '%s' (see: sshrescue codes)\n",
				e ? e : "?");
			return -EINVAL;
		}
	}
	return 0;
}

enum {
	OPT_ONLY = 0x100,
	OPT_SKIP,
	OPT_LIVE,
	OPT_LIST,
	OPT_JSON,
	OPT_USER,
	OPT_MARKDOWN,
	OPT_DUMP,
	OPT_MATCH,
	OPT_EXEC_VICTIM,
	OPT_RESET_SSHD_CONFIG,
	OPT_FROM_DEB,
	OPT_DEEP,
	OPT_FS_BACKUP,
	OPT_NO_FS_BACKUP,
	OPT_PARTITION,
	OPT_TOP,
	OPT_MOVE_TO,
	OPT_DELETE,
	OPT_TRUNCATE_LOGS,
	OPT_INITRAMFS,
	OPT_KERNEL,
	OPT_MODE,
	OPT_FIX,
	OPT_ACTIVATE,
	OPT_KEY_FILE,
};

static const struct option options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "user", required_argument, NULL, OPT_USER },
	{ "apply", no_argument, NULL, 'y' },
	{ "yes", no_argument, NULL, 'y' },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "skip", required_argument, NULL, OPT_SKIP },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "live", no_argument, NULL, OPT_LIVE },
	{ "markdown", no_argument, NULL, OPT_MARKDOWN },
	{ "dump", no_argument, NULL, OPT_DUMP },
	{ "match", required_argument, NULL, OPT_MATCH },
	{ "exec-victim", no_argument, NULL, OPT_EXEC_VICTIM },
	{ "reset-sshd-config", no_argument, NULL, OPT_RESET_SSHD_CONFIG },
	{ "from-deb", required_argument, NULL, OPT_FROM_DEB },
	{ "deep", no_argument, NULL, OPT_DEEP },
	{ "fs-backup", required_argument, NULL, OPT_FS_BACKUP },
	{ "no-fs-backup", no_argument, NULL, OPT_NO_FS_BACKUP },
	{ "partition", required_argument, NULL, OPT_PARTITION },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "move-to", required_argument, NULL, OPT_MOVE_TO },
	{ "delete", no_argument, NULL, OPT_DELETE },
	{ "truncate-logs", no_argument, NULL, OPT_TRUNCATE_LOGS },
	{ "initramfs", required_argument, NULL, OPT_INITRAMFS },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "fix", required_argument, NULL, OPT_FIX },
	{ "activate", no_argument, NULL, OPT_ACTIVATE },
	{ "key-file", required_argument, NULL, OPT_KEY_FILE },
	{ NULL, 0, NULL, 0 },
};

/* --partition N: 1 to 256, digits only. */
static int parse_partition(const char *arg, unsigned *n)
{
	char *end = NULL;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (!*arg || *end || errno || v < 1 || v > 256 || arg[0] < '0' || arg[0] > '9') {
		_cleanup_free_ char *e = rsc_escape(arg);

		fprintf(stderr, "sshrescue: --partition wants a number from 1 to 256, not '%s'\n",
			e ? e : "?");
		return -EINVAL;
	}
	*n = (unsigned)v;
	return 0;
}

/*
 * --move-to DIR as an absolute path without "." or ".." components (the
 * journal records it, undo compares it), caller frees; NULL after a message.
 */
static char *absolute_dir(const char *arg)
{
	_cleanup_free_ char *cwd = NULL;
	char *p = NULL;

	if (!*arg) {
		fprintf(stderr, "sshrescue: --move-to needs a directory\n");
		return NULL;
	}
	if (arg[0] != '/') {
		cwd = getcwd(NULL, 0);
		if (!cwd || asprintf(&p, "%s/%s", cwd, arg) < 0) {
			fprintf(stderr, "sshrescue: --move-to: %s\n", strerror(errno));
			return NULL;
		}
	} else if (!(p = strdup(arg))) {
		return NULL;
	}
	for (const char *c = p; (c = strchr(c, '/')); c++) {
		if ((c[1] == '.' && (c[2] == '/' || !c[2])) ||
		    (c[1] == '.' && c[2] == '.' && (c[3] == '/' || !c[3]))) {
			_cleanup_free_ char *e = rsc_escape(arg);

			fprintf(stderr,
				"sshrescue: --move-to '%s': give the directory without '.' or "
				"'..'\n",
				e ? e : "?");
			free(p);
			return NULL;
		}
	}
	if (strlen(p) >= PATH_MAX / 2) {
		fprintf(stderr, "sshrescue: --move-to: the path is too long\n");
		free(p);
		return NULL;
	}
	return p;
}

int main(int argc, char **argv)
{
	struct rsc_opts o = { .out = stdout, .err = stderr };
	char *move_to = NULL;
	const struct command *cmd = NULL;
	int c, status = RSC_EXIT_USAGE, nargs;

	if (argc < 2) {
		usage(stderr);
		return RSC_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("sshrescue %s\n", RSC_VERSION);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			cmd = &commands[i];
	if (!cmd) {
		_cleanup_free_ char *e = rsc_escape(argv[1]);

		fprintf(stderr, "sshrescue: unknown command '%s'; try sshrescue --help\n",
			e ? e : "?");
		return RSC_EXIT_USAGE;
	}
	argv++, argc--;
	while ((c = getopt_long(argc, argv, "hVy", options, NULL)) != -1) {
		int r = 0;

		switch (c) {
		case 'h':
			usage(stdout);
			status = 0;
			goto out;
		case 'V':
			printf("sshrescue %s\n", RSC_VERSION);
			status = 0;
			goto out;
		case 'y':
			o.apply = true;
			break;
		case OPT_JSON:
			o.json = true;
			break;
		case OPT_USER:
			r = list_add(&o.users, optarg, false);
			break;
		case OPT_ONLY:
			r = list_add(&o.only, optarg, true);
			break;
		case OPT_SKIP:
			r = list_add(&o.skip, optarg, true);
			break;
		case OPT_LIST:
			o.list = true;
			break;
		case OPT_LIVE:
			o.live = true;
			break;
		case OPT_MARKDOWN:
			markdown = true;
			break;
		case OPT_DUMP:
			o.dump = true;
			break;
		case OPT_MATCH:
			o.match = optarg;
			break;
		case OPT_EXEC_VICTIM:
			o.exec_victim = true;
			break;
		case OPT_RESET_SSHD_CONFIG:
			o.reset_sshd_config = true;
			break;
		case OPT_FROM_DEB:
			r = list_add(&o.debs, optarg, false);
			break;
		case OPT_DEEP:
			o.deep = true;
			break;
		case OPT_FS_BACKUP:
			o.fs_backup = optarg;
			break;
		case OPT_NO_FS_BACKUP:
			o.no_fs_backup = true;
			break;
		case OPT_INITRAMFS:
			o.boot_initramfs = optarg;
			break;
		case OPT_KERNEL:
			o.boot_kernel = optarg;
			break;
		case OPT_MODE:
			o.boot_mode = optarg;
			break;
		case OPT_FIX:
			r = list_add(&o.boot_fix, optarg, true);
			break;
		case OPT_PARTITION:
			if (parse_partition(optarg, &o.partition) < 0)
				goto out;
			break;
		case OPT_MOVE_TO:
			free(move_to);
			move_to = absolute_dir(optarg);
			if (!move_to)
				goto out;
			o.move_to = move_to;
			break;
		case OPT_DELETE:
			o.delete_files = true;
			break;
		case OPT_TRUNCATE_LOGS:
			o.truncate_logs = true;
			break;
		case OPT_ACTIVATE:
			o.activate = true;
			break;
		case OPT_KEY_FILE:
			o.luks_key_file = optarg;
			break;
		case OPT_TOP: {
			unsigned long top = 0;

			if (rsc_parse_ulong(optarg, RSC_USAGE_TOP_MAX, &top) < 0 || top == 0) {
				fprintf(stderr, "sshrescue: --top takes a number from 1 to %d\n",
					RSC_USAGE_TOP_MAX);
				goto out;
			}
			o.top = (unsigned)top;
			break;
		}
		default:
			goto out;
		}
		if (r < 0) {
			status = RSC_EXIT_OPERATIONAL;
			goto out;
		}
	}
	if (check_codes(o.only) < 0 || check_codes(o.skip) < 0)
		goto out;
	if (o.fs_backup && o.no_fs_backup) {
		fprintf(stderr,
			"sshrescue: --fs-backup and --no-fs-backup contradict each other\n");
		goto out;
	}
	if (o.move_to && o.delete_files) {
		fprintf(stderr, "sshrescue: --move-to and --delete contradict each other\n");
		goto out;
	}
	if (o.truncate_logs && !o.move_to) {
		fprintf(stderr, "sshrescue: --truncate-logs needs --move-to DIR: the logs are "
				"copied there first\n");
		goto out;
	}
	if (o.luks_key_file && !o.activate) {
		fprintf(stderr, "sshrescue: --key-file is the LUKS key of devices --activate\n");
		goto out;
	}
	if (o.activate && strcmp(cmd->name, "devices") != 0) {
		fprintf(stderr, "sshrescue: --activate is an option of devices\n");
		goto out;
	}
	nargs = argc - optind;
	if (nargs < cmd->nargs_min || nargs > cmd->nargs_max) {
		fprintf(stderr, "Usage: sshrescue %s [OPTIONS] %s\n", cmd->name, cmd->args);
		goto out;
	}
	o.color = !o.json && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	status = cmd->run(&o, argv + optind, nargs);
out:
	free(move_to);
	list_free(o.users);
	list_free(o.only);
	list_free(o.debs);
	list_free(o.skip);
	list_free(o.boot_fix);
	fflush(stdout);
	return status;
}
