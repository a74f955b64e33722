/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd.h - the commands users script against. Each returns the exit status
 * of the tool (a bitmask, like fsck's): see enum rsc_exit.
 */
#ifndef RSC_CMD_H
#define RSC_CMD_H

#include <stdbool.h>
#include <stdio.h>

enum rsc_exit {
	RSC_EXIT_OK = 0,	  /* nothing wrong */
	RSC_EXIT_FIXED = 1,	  /* problems were fixed */
	RSC_EXIT_LEFT = 4,	  /* error-level problems remain */
	RSC_EXIT_OPERATIONAL = 8, /* the tool could not do its job */
	RSC_EXIT_USAGE = 16,	  /* bad command line or input */
};

struct rsc_opts {
	const char *target;
	char **users;		/* --user, NULL-terminated or NULL */
	char **only;		/* --only codes, NULL-terminated or NULL */
	char **skip;		/* --skip codes */
	const char *journal_id; /* undo ID */
	const char *user_arg;	/* add-key USER */
	const char *keyfile;	/* add-key KEYFILE (a file on the helper) */
	bool json;
	bool apply; /* fix --apply / --yes */
	bool live;  /* allow the running system's root */
	bool list;  /* undo --list */
	bool color;
	bool dump;		/* sshd-config --dump */
	const char *match;	/* sshd-config --match SPEC */
	bool exec_victim;	/* sshd-config: also run the victim's sshd -t/-T, sandboxed */
	bool reset_sshd_config; /* fix: repair sshd_config by the distribution's default */
	char **debs;		/* fix --from-deb FILEs on the helper, NULL-terminated or NULL */
	bool deep;		/* check/fix --deep: the filesystem's own read-only checker */
	const char *fs_backup;	/* fix --fs-backup FILE: the metadata backup before e2fsck */
	bool no_fs_backup;	/* fix --no-fs-backup */
	unsigned partition;	/* --partition N of a partitioned image or disk, 0: none */
	unsigned top;		/* usage --top N: entries per list, 0 for the default */
	const char *move_to;	/* fix --move-to DIR (absolute): where a cleanup moves files */
	bool delete_files;	/* fix --delete: a cleanup deletes instead */
	bool truncate_logs;	/* fix --truncate-logs: also copy out and truncate active logs */
	const char *boot_initramfs; /* install-boot-entry --initramfs FILE (on the helper) */
	const char *boot_kernel;    /* install-boot-entry --kernel VERSION */
	const char *boot_mode;	    /* install-boot-entry --mode check|fix */
	char **boot_fix;	    /* install-boot-entry --fix CODES, NULL-terminated or NULL */
	bool activate;		    /* devices --activate: LVM volume groups, LUKS containers */
	const char *luks_key_file;  /* devices --activate --key-file FILE (on the helper) */
	FILE *out;		    /* report */
	FILE *err;		    /* messages */
};

int rsc_cmd_check(const struct rsc_opts *o);
int rsc_cmd_fix(const struct rsc_opts *o);
int rsc_cmd_undo(const struct rsc_opts *o);
int rsc_cmd_add_key(const struct rsc_opts *o);
/* Validate the victim's sshd_config; with o->dump print the effective configuration. */
int rsc_cmd_sshd_config(const struct rsc_opts *o);
/* Resolve the libraries of the victim's programs paths[0..n) like its ld.so (ldso.h). */
int rsc_cmd_ldd(const struct rsc_opts *o, char **paths, int n);
/*
 * A shell (or the command cmd, ncmd words) chrooted into the victim, mounted
 * read-write, with /proc /sys /dev and an empty /run; the command's exit
 * status, 0 for an interactive shell, or 8.
 */
int rsc_cmd_shell(const struct rsc_opts *o, char **cmd, int ncmd);
/* List the helper's block devices, and which look like a victim root (cmd_devices.c). */
int rsc_cmd_devices(const struct rsc_opts *o);

/*
 * What fills the victim's disk: the directories and files that hold the most
 * bytes and inodes (usage.h), as text or JSON. Read-only.
 */
int rsc_cmd_usage(const struct rsc_opts *o);
/*
 * Add a one-time GRUB entry on the victim that boots its kernel with the
 * rescue initramfs (bootentry.c); a preview without o->apply, journaled.
 */
int rsc_cmd_install_boot_entry(const struct rsc_opts *o);
/* Print the problem catalogue: text, or Markdown for docs/checks.md. */
int rsc_cmd_codes(const struct rsc_opts *o, bool markdown);

#endif
