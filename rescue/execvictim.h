/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * execvictim.h - run a program of the victim inside the victim root, in a
 * sandbox (read-only root, no network, private PID/IPC/mount namespaces,
 * time and resource limits). Only for --exec-victim: the victim's binaries
 * are never run otherwise.
 */
#ifndef RSC_EXECVICTIM_H
#define RSC_EXECVICTIM_H

#include <stdbool.h>

#include "util.h"

struct rsc_exec_result {
	int status;	    /* exit status, -1 if killed */
	bool timed_out;	    /* killed at the time limit */
	struct rsc_buf out; /* standard output (capped at 1 MiB) */
	struct rsc_buf err; /* standard error (capped at 1 MiB) */
};

/*
 * Run argv (argv[0] a victim path) in the sandbox made from the victim
 * root mounted at rootdir (a path of the helper: the user's directory
 * target or sshrescue's own mountpoint), at most timeout_ms.
 * 0 with *res filled (also when the program failed), or -errno when it
 * could not be run. Free res with rsc_exec_result_free().
 */
int rsc_exec_victim(const char *rootdir, char *const argv[], unsigned timeout_ms,
		    struct rsc_exec_result *res);
void rsc_exec_result_free(struct rsc_exec_result *res);

#endif
