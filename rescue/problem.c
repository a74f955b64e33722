// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * problem.c - the problem table. Codes are an interface: never rename one.
 * The log lines are those of OpenSSH 9.2p1 (Debian 12), measured with the
 * victim's own sshd by tests/e2e (docs/sshd-behaviour.md).
 */
#include <errno.h>
#include <string.h>

#include "problem.h"
#include "util.h"

#define DENIED	     "Permission denied (publickey)"
#define REFUSED_DIR  "Authentication refused: bad ownership or modes for directory %p"
#define REFUSED_FILE "Authentication refused: bad ownership or modes for file %p"
#define CANNOT_OPEN  "Could not open user '%u' authorized keys '%f': Permission denied"

static const struct rsc_problem problems[RSC_NPROBLEMS] = {
	[PR_VICTIM_PASSWD_LINE] = {
		.code = "victim.passwd.line",
		.severity = RSC_SEV_WARNING,
		.title = "an account file has a line that cannot be read: %p",
		.explain = "A malformed line in /etc/passwd, /etc/group or /etc/shadow is skipped by "
			   "the C library too; the account it was meant to define does not exist.",
		.symptom = "ssh: Permission denied, or \"Invalid user\" in the log",
		.sshd_log = NULL,
		.fix = "correct the line by hand on the mounted volume",
	},
	[PR_SSH_HOME_MISSING] = {
		.code = "ssh.home.missing",
		.severity = RSC_SEV_ERROR,
		.title = "the home directory %p does not exist",
		.explain = "sshd looks for the user's keys under the home directory; without it "
			   "there are no keys, and a password login starts in / with a warning.",
		.symptom = DENIED,
		.sshd_log = NULL,
		.fix = "if the home lives on another volume, attach it; else create %p owned by %u "
		       "and add a key (sshrescue add-key TARGET %u KEY.pub)",
	},
	[PR_SSH_HOME_MODE] = {
		.code = "ssh.home.mode",
		.severity = RSC_SEV_ERROR,
		.title = "the home directory %p is writable by group or others",
		.explain = "With StrictModes (the default) sshd refuses keys when anyone but the "
			   "user could replace ~/.ssh.",
		.symptom = DENIED,
		.sshd_log = REFUSED_DIR,
		.fix = "chmod go-w %p",
	},
	[PR_SSH_HOME_OWNER] = {
		.code = "ssh.home.owner",
		.severity = RSC_SEV_ERROR,
		.title = "the home directory %p is owned by another user",
		.explain = "With StrictModes sshd accepts only directories owned by the user or "
			   "root on the way to the keys.",
		.symptom = DENIED,
		.sshd_log = REFUSED_DIR,
		.fix = "chown %u %p",
	},
	[PR_SSH_DIR_MODE] = {
		.code = "ssh.dir.mode",
		.severity = RSC_SEV_ERROR,
		.title = "%p is writable by group or others",
		.explain = "With StrictModes sshd refuses keys whose directory others could write "
			   "to: they could plant their own key.",
		.symptom = DENIED,
		.sshd_log = REFUSED_DIR,
		.fix = "chmod 0700 %p",
	},
	[PR_SSH_DIR_OWNER] = {
		.code = "ssh.dir.owner",
		.severity = RSC_SEV_ERROR,
		.title = "%p is owned by another user",
		.explain = "With StrictModes the directory holding the keys must be owned by the "
			   "user or root.",
		.symptom = DENIED,
		.sshd_log = REFUSED_DIR,
		.fix = "chown %u %p",
	},
	[PR_SSH_PATH_MODE] = {
		.code = "ssh.path.mode",
		.severity = RSC_SEV_ERROR,
		.title = "%p, on the way to the keys, is writable by group or others",
		.explain = "With StrictModes sshd checks every directory from the keys file up to "
			   "the home (or up to / for a file outside the home).",
		.symptom = DENIED,
		.sshd_log = REFUSED_DIR,
		.fix = "chmod go-w %p",
	},
	[PR_SSH_PATH_OWNER] = {
		.code = "ssh.path.owner",
		.severity = RSC_SEV_ERROR,
		.title = "%p, on the way to the keys, is owned by another user",
		.explain = "With StrictModes every directory up to the home (or to /) must be owned "
			   "by the user or root.",
		.symptom = DENIED,
		.sshd_log = REFUSED_DIR,
		.fix = "chown root %p",
	},
	[PR_SSH_DIR_ACCESS] = {
		.code = "ssh.dir.access",
		.severity = RSC_SEV_ERROR,
		.title = "%u cannot enter %p",
		.explain = "sshd opens the keys file with the user's own rights; a directory the user "
			   "cannot search hides it (a root-owned 0700 ~/.ssh does this).",
		.symptom = DENIED,
		.sshd_log = CANNOT_OPEN,
		.fix = "give %u search permission on %p (chown inside the home, chmod a+x outside)",
	},
	[PR_SSH_KEYS_MODE] = {
		.code = "ssh.keys.mode",
		.severity = RSC_SEV_ERROR,
		.title = "%p is writable by group or others",
		.explain = "With StrictModes sshd ignores a keys file that anyone but the user (or "
			   "root) could write to.",
		.symptom = DENIED,
		.sshd_log = REFUSED_FILE,
		.fix = "chmod 0600 %p",
	},
	[PR_SSH_KEYS_OWNER] = {
		.code = "ssh.keys.owner",
		.severity = RSC_SEV_ERROR,
		.title = "%p is owned by another user",
		.explain = "With StrictModes the keys file must be owned by the user or root.",
		.symptom = DENIED,
		.sshd_log = REFUSED_FILE,
		.fix = "chown %u %p",
	},
	[PR_SSH_KEYS_ACCESS] = {
		.code = "ssh.keys.access",
		.severity = RSC_SEV_ERROR,
		.title = "%u cannot read %p",
		.explain = "sshd opens the keys file with the user's own rights; a file owned by "
			   "root or another user with mode 0600 passes StrictModes and still fails.",
		.symptom = DENIED,
		.sshd_log = CANNOT_OPEN,
		.fix = "chown %u %p",
	},
	[PR_SSH_KEYS_NOTREG] = {
		.code = "ssh.keys.notreg",
		.severity = RSC_SEV_ERROR,
		.title = "%p is not a regular file",
		.explain = "sshd only reads keys from a regular file; a directory, FIFO or device "
			   "in its place is ignored.",
		.symptom = DENIED,
		.sshd_log = "User '%u' authorized keys '%f' is not a regular file",
		.fix = "move it aside and add the key again (sshrescue add-key TARGET %u KEY.pub)",
	},
	[PR_SSH_DIR_LOOSE] = {
		.code = "ssh.dir.loose",
		.severity = RSC_SEV_WARNING,
		.title = "%p is readable by others (mode is not 0700)",
		.explain = "Login works, but others can list the user's keys; OpenSSH recommends "
			   "0700.",
		.symptom = "none: login works",
		.sshd_log = NULL,
		.fix = "chmod 0700 %p",
	},
	[PR_SSH_KEYS_LOOSE] = {
		.code = "ssh.keys.loose",
		.severity = RSC_SEV_WARNING,
		.title = "%p is readable by others (mode is not 0600)",
		.explain = "Login works, but others can read which keys may log in; OpenSSH "
			   "recommends 0600.",
		.symptom = "none: login works",
		.sshd_log = NULL,
		.fix = "chmod 0600 %p",
	},
	[PR_SSH_PRIVKEY_READABLE] = {
		.code = "ssh.privkey.readable",
		.severity = RSC_SEV_WARNING,
		.title = "the private key %p is readable by others",
		.explain = "Anyone who can read a private key can use it; ssh itself refuses to "
			   "use a private key with such modes.",
		.symptom = "ssh on this host: WARNING: UNPROTECTED PRIVATE KEY FILE!",
		.sshd_log = NULL,
		.fix = "chmod 0600 %p",
	},
	[PR_SSH_KEYS_BOM] = {
		.code = "ssh.keys.bom",
		.severity = RSC_SEV_ERROR,
		.title = "%p starts with a UTF-8 byte order mark",
		.explain = "An editor saved the file with a BOM in front of the key on line 1: sshd "
			   "reads the key type with the BOM as garbage and silently ignores that "
			   "key (a BOM before a comment line is harmless).",
		.symptom = DENIED,
		.sshd_log = NULL,
		.fix = "rewrite %p without the BOM (every key kept)",
	},
	[PR_SSH_KEYS_CRLF] = {
		.code = "ssh.keys.crlf",
		.severity = RSC_SEV_INFO,
		.title = "%p has Windows (CRLF) line endings",
		.explain = "The file was edited or copied from Windows. OpenSSH 9.2 still accepts "
			   "the keys (measured, docs/sshd-behaviour.md); other tools that read "
			   "the file may not.",
		.symptom = "none: the keys still work",
		.sshd_log = NULL,
		.fix = "rewrite %p with LF line endings (every key kept)",
	},
	[PR_SSH_KEYS_SPLIT] = {
		.code = "ssh.keys.split",
		.severity = RSC_SEV_ERROR,
		.title = "%p:%l holds a key broken over several lines",
		.explain = "A paste wrapped the key; sshd reads each part as a separate, invalid "
			   "line and ignores both silently.",
		.symptom = DENIED,
		.sshd_log = NULL,
		.fix = "rewrite %p with the key joined on one line",
	},
	[PR_SSH_KEYS_PRIVATE] = {
		.code = "ssh.keys.private",
		.severity = RSC_SEV_WARNING,
		.title = "%p:%l holds a PRIVATE key",
		.explain = "A private key was pasted where the public key belongs: sshd ignores the "
			   "line (ssh.keys.none says when no other key is left), and the secret is "
			   "now stored on the server.",
		.symptom = "Permission denied (publickey) for the key meant here",
		.sshd_log = NULL,
		.fix = "remove the private key by hand and add the public key "
		       "(sshrescue add-key TARGET %u KEY.pub)",
	},
	[PR_SSH_KEYS_BADLINE] = {
		.code = "ssh.keys.badline",
		.severity = RSC_SEV_WARNING,
		.title = "%p:%l is not a key sshd can read",
		.explain = "sshd silently skips lines it cannot parse as a public key.",
		.symptom = "Permission denied (publickey) for the key meant on that line",
		.sshd_log = NULL,
		.fix = "correct the line by hand, or add the key again (sshrescue add-key)",
	},
	[PR_SSH_KEYS_DSA] = {
		.code = "ssh.keys.dsa",
		.severity = RSC_SEV_WARNING,
		.title = "%p:%l is a DSA key, which this OpenSSH refuses",
		.explain = "OpenSSH 7.0 disabled ssh-dss by default and 10.0 removed DSA entirely; "
			   "the key is listed but cannot log in.",
		.symptom = DENIED,
		.sshd_log = "userauth_pubkey: signature algorithm ssh-dss not in "
			    "PubkeyAcceptedAlgorithms [preauth]",
		.fix = "add an ed25519 key (sshrescue add-key TARGET %u KEY.pub)",
	},
	[PR_SSH_KEYS_RSA_SMALL] = {
		.code = "ssh.keys.rsa-small",
		.severity = RSC_SEV_WARNING,
		.title = "%p:%l is an RSA key below this OpenSSH's minimum size",
		.explain = "OpenSSH 7.2 and later cannot even load an RSA key under 1024 bits: sshd "
			   "skips the line silently, and the client refuses such a key too.",
		.symptom = DENIED,
		.sshd_log = NULL,
		.fix = "add an ed25519 key (sshrescue add-key TARGET %u KEY.pub)",
	},
	[PR_SSH_KEYS_EMPTY] = {
		.code = "ssh.keys.empty",
		.severity = RSC_SEV_INFO,
		.title = "%p is empty",
		.explain = "An empty keys file allows no key; the user's other keys files still do.",
		.symptom = "none while another keys file has a key",
		.sshd_log = NULL,
		.fix = "nothing needed; add a key with sshrescue add-key if it was meant to hold one",
	},
	[PR_SSH_KEYS_NONE] = {
		.code = "ssh.keys.none",
		.severity = RSC_SEV_ERROR,
		.title = "%u has keys files but no key sshd can use",
		.explain = "Every keys file of the user is empty or holds only lines sshd ignores.",
		.symptom = DENIED,
		.sshd_log = NULL,
		.fix = "sshrescue add-key TARGET %u KEY.pub",
	},
	[PR_SSH_OWNER_UNKNOWN] = {
		.code = "ssh.owner.unknown",
		.severity = RSC_SEV_WARNING,
		.title = "%p belongs to a uid that no longer exists",
		.explain = "The file's owner is not in the victim's /etc/passwd (a deleted or "
			   "renumbered account); a future account with that uid would own it.",
		.symptom = "depends: sshd refuses it when it is on the path to the keys",
		.sshd_log = NULL,
		.fix = "chown %u %p",
	},
	[PR_SSH_HOME_NOCHDIR] = {
		.code = "ssh.home.nochdir",
		.severity = RSC_SEV_WARNING,
		.title = "the home directory %p does not exist (a key from elsewhere still works)",
		.explain = "A keys file outside the home (e.g. /etc/ssh/authorized_keys/USER) lets the "
			   "user in, but the session starts in / and nothing of the home is there.",
		.symptom = "the login works, then: Could not chdir to home directory HOME: No "
			   "such file or directory",
		.sshd_log = NULL,
		.fix = "if the home lives on another volume, attach it; else create %p owned by %u",
	},
	[PR_SSH_SHELL_MISSING] = {
		.code = "ssh.shell.missing",
		.severity = RSC_SEV_ERROR,
		.title = "%u's login shell %p does not exist",
		.explain = "sshd refuses every login, key or password, of an account whose shell "
			   "is missing (unless ChrootDirectory is set).",
		.symptom = DENIED,
		.sshd_log = "User %u not allowed because shell %p does not exist",
		.fix = "give %u an installed shell (chsh -s /bin/bash %u in the victim) or "
		       "reinstall the package that ships %p",
	},
	[PR_SSH_SHELL_NOEXEC] = {
		.code = "ssh.shell.noexec",
		.severity = RSC_SEV_ERROR,
		.title = "%u's login shell %p is not an executable file",
		.explain = "sshd refuses every login of an account whose shell is not a regular "
			   "file with an execute bit.",
		.symptom = DENIED,
		.sshd_log = "User %u not allowed because shell %p is not executable",
		.fix = "give %u an installed shell (chsh -s /bin/bash %u in the victim) or "
		       "reinstall the package that ships %p",
	},
#include "problems_sshd.def"
#include "problems_sshd_start.def"
#include "problems_sshd_lockout.def"
#include "problems_boot.def"
#include "problems_binary.def"
#include "problems_pkg.def"
#include "problems_fs.def"
	[PR_CHECK_FAILED] = {
		.code = "check.failed",
		.severity = RSC_SEV_ERROR,
		.title = "a check could not run to its end",
		.explain = "One family of checks stopped with an error, or could not read one "
			   "user's file (the evidence names the family or the file, and the error): "
			   "what it would have found is missing from this report, so a report "
			   "without other errors does not mean that a login works.",
		.symptom = "unknown",
		.sshd_log = NULL,
		.fix = "read the error; run check again with the cause removed (a file of the "
		       "victim that cannot be read, memory)",
	},
};

const struct rsc_problem *rsc_problem(enum rsc_pid id)
{
	if ((unsigned)id >= RSC_NPROBLEMS)
		return NULL;
	return &problems[id];
}

int rsc_problem_by_code(const char *code, enum rsc_pid *out)
{
	for (size_t i = 0; i < RSC_NPROBLEMS; i++) {
		if (problems[i].code && strcmp(problems[i].code, code) == 0) {
			*out = (enum rsc_pid)i;
			return 0;
		}
	}
	return -ENOENT;
}

const char *rsc_severity_name(enum rsc_severity s)
{
	static const char *const names[] = { "info", "warning", "error" };

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}
