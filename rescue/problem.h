/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * problem.h - the one table of problems sshrescue can report.
 *
 * Each problem has a stable code (part of the interface: scripts match on
 * it, --only/--skip select by it), a severity, a title, an explanation, the
 * client symptom and the exact sshd log line the problem causes (measured
 * against real OpenSSH, see docs/sshd-behaviour.md), and the fix.
 *
 * Templates may use: %p the subject path, %u the user, %f the authorized
 * keys file as sshd names it, %l the line, %% a percent sign.
 */
#ifndef RSC_PROBLEM_H
#define RSC_PROBLEM_H

#include <stdbool.h>
#include <stddef.h>

enum rsc_severity {
	RSC_SEV_INFO,
	RSC_SEV_WARNING,
	RSC_SEV_ERROR,
};

enum rsc_pid {
	PR_VICTIM_PASSWD_LINE,
	PR_SSH_HOME_MISSING,
	PR_SSH_HOME_MODE,
	PR_SSH_HOME_OWNER,
	PR_SSH_DIR_MODE,
	PR_SSH_DIR_OWNER,
	PR_SSH_PATH_MODE,
	PR_SSH_PATH_OWNER,
	PR_SSH_DIR_ACCESS,
	PR_SSH_KEYS_MODE,
	PR_SSH_KEYS_OWNER,
	PR_SSH_KEYS_ACCESS,
	PR_SSH_KEYS_NOTREG,
	PR_SSH_DIR_LOOSE,
	PR_SSH_KEYS_LOOSE,
	PR_SSH_PRIVKEY_READABLE,
	PR_SSH_KEYS_BOM,
	PR_SSH_KEYS_CRLF,
	PR_SSH_KEYS_SPLIT,
	PR_SSH_KEYS_PRIVATE,
	PR_SSH_KEYS_BADLINE,
	PR_SSH_KEYS_DSA,
	PR_SSH_KEYS_RSA_SMALL,
	PR_SSH_KEYS_EMPTY,
	PR_SSH_KEYS_NONE,
	PR_SSH_OWNER_UNKNOWN,
	PR_SSH_SHELL_MISSING,
	PR_SSH_SHELL_NOEXEC,
	PR_SSH_HOME_NOCHDIR,
	PR_SSHD_CONFIG_MISSING,
	PR_SSHD_CONFIG_UNREADABLE,
	PR_SSHD_CONFIG_KEYWORD,
	PR_SSHD_CONFIG_VALUE,
	PR_SSHD_CONFIG_SYNTAX,
	PR_SSHD_CONFIG_NOTINMATCH,
	PR_SSHD_CONFIG_MATCH,
	PR_SSHD_CONFIG_INCLUDE,
	PR_SSHD_CONFIG_DEPRECATED,
	/* problems_sshd_start.def: can sshd start and serve a session */
	PR_SSHD_HOSTKEY_MISSING,
	PR_SSHD_HOSTKEY_NONE,
	PR_SSHD_HOSTKEY_MODE,
	PR_SSHD_HOSTKEY_INVALID,
	PR_SSHD_HOSTKEY_TYPE,
	PR_SSHD_HOSTKEY_RSA_SMALL,
	PR_SSHD_HOSTKEY_DSA_ONLY,
	PR_SSHD_PRIVSEP_DIR,
	PR_SSHD_PRIVSEP_USER,
	PR_SSHD_HELPER_MISSING,
	PR_SSHD_SUBSYSTEM_MISSING,
	PR_SSHD_AKCOMMAND,
	PR_SSHD_TRUSTEDCA_MISSING,
	PR_SSHD_CHROOT_UNSAFE,
	/* problems_sshd_lockout.def: does the configuration let anyone in */
	PR_SSHD_USER_DENIED,
	PR_SSHD_USER_NOKEYAUTH,
	PR_SSHD_LOCKOUT,
	PR_SSHD_LISTEN,
	/* problems_boot.def: would boot start sshd, would it let the user in */
	PR_SSHD_UNIT_MISSING,
	PR_SSHD_UNIT_MASKED,
	PR_SSHD_UNIT_DISABLED,
	PR_BOOT_TARGET_RESCUE,
	PR_LOGIN_NOLOGIN,
	PR_LOGIN_EXPIRED,
	PR_LOGIN_LOCKED,
	/* problems_binary.def: can the programs of a login run */
	PR_SSHD_BINARY_MISSING,
	PR_SSHD_BINARY_BROKEN,
	PR_SSHD_LIB_MISSING,
	PR_SSH_SHELL_BROKEN,
	PR_PAM_MODULE_MISSING,
	PR_NSS_MODULE_MISSING,
	PR_NSS_NOFILES,
	PR_SSH_TOOL_BROKEN,
	/* problems_pkg.def: the package files a login depends on */
	PR_PKG_FILE_MISSING,
	PR_PKG_FILE_CHANGED,
	PR_PKG_FILE_MINOR,
	PR_PKG_UNVERIFIED,
	/* problems_fs.def: the health and the free space of the victim's root filesystem */
	PR_FS_ERRORS,
	PR_FS_UNCLEAN,
	PR_FS_JOURNAL_RECOVERY,
	PR_FS_ORPHANS,
	PR_FS_CHECK_DUE,
	PR_FS_FEATURE_RW,
	PR_FS_SPACE_USERS,
	PR_FS_SPACE_ROOT,
	PR_FS_INODES_FULL,
	PR_FS_DEEP_DAMAGED,
	PR_FS_DEEP_FAILED,
	PR_FS_UUID_CLONE,
	PR_FS_UNREADABLE,
	PR_FS_READ_ERROR,
	/* problem.c: a check that could not run to its end */
	PR_CHECK_FAILED,
	RSC_NPROBLEMS
};

struct rsc_problem {
	const char *code; /* "ssh.dir.mode" */
	enum rsc_severity severity;
	const char *title;    /* short, templated: "%p is writable by group or others" */
	const char *explain;  /* why it matters, plain text */
	const char *symptom;  /* what the client shows */
	const char *sshd_log; /* what sshd logs (templated), NULL when it logs nothing at INFO */
	const char *fix;      /* what repairs it (templated) */
	bool everyone;	      /* it stops every login (sshd does not start, nobody is let in) */
	bool opt_in;	      /* fixed only when named: fix --only CODE (it may be on purpose) */
};

/* The table entry of id (never NULL for a valid id). */
const struct rsc_problem *rsc_problem(enum rsc_pid id);
/* Look a code up; -ENOENT if unknown. */
int rsc_problem_by_code(const char *code, enum rsc_pid *out);
/* "error", "warning", "info" */
const char *rsc_severity_name(enum rsc_severity s);

#endif
