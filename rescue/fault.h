/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fault.h - fault injection for the tests of crash-safe fixes (issue 7).
 *
 * Only in builds configured with -DRSC_FAULT_INJECT=ON (the test builds);
 * in every other build rsc_fault() is an inline 0 and nothing can be
 * injected. Every change a fix, add-key or undo makes to the victim passes
 * through rsc_fault() just before the system call that makes it (create,
 * write, fsync, rename, chmod, chown, mkdir, unlink, symlink, truncate), and
 * so does every step of a cleanup's copy to the helper's --move-to DIR (its
 * directories and marker, the copy, its owner, mode and times, fsync,
 * syncfs, the check that the victim's file did not change meanwhile:
 * "verify") and of undo's copy back.
 *
 * SSHRESCUE_FAULT=N[:fail|:kill|:int] in the environment picks the N-th
 * such point (1, 2, ...) of the process: "fail" (the default) makes it fail
 * with EIO, "kill" kills the process there (SIGKILL: a power loss as far as
 * the victim can tell), "int" sends it SIGINT there. SSHRESCUE_FAULT=0 only
 * counts: at exit the count is printed to stderr as "sshrescue: fault
 * points: K", which the tests use to try every N from 1 to K.
 */
#ifndef RSC_FAULT_H
#define RSC_FAULT_H

#ifdef RSC_FAULT_INJECT
/* 0, or -EIO at the chosen point (which may also kill or interrupt the process). */
int rsc_fault(const char *what);
#else
static inline int rsc_fault(const char *what)
{
	(void)what;
	return 0;
}
#endif

#endif
