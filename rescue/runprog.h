/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runprog.h - run a helper program (dpkg-deb, rpm) without a shell and read
 * what it prints: stdin from /dev/null, stderr discarded, stdout captured
 * up to a cap, a time limit, and optionally one descriptor handed to it as
 * its fd 3 (an archive, the victim root) so that it never gets a path.
 */
#ifndef RSC_RUNPROG_H
#define RSC_RUNPROG_H

#include <stddef.h>

struct rsc_buf;

/*
 * Run argv (argv[0] looked up in PATH unless it has a '/') with fd3 as its
 * descriptor 3 (-1: none). Its stdout, at most cap bytes, goes to out; its
 * exit status to *status. Returns 0 whatever that status, -ETIMEDOUT after
 * timeout_ms (the program is killed), -EFBIG past cap (killed), -ECHILD when
 * it died of a signal, or -errno.
 */
int rsc_spawn_capture(char *const argv[], int fd3, size_t cap, long timeout_ms, struct rsc_buf *out,
		      int *status);

/* Milliseconds on the monotonic clock, for deadlines. */
long rsc_now_ms(void);

#endif
