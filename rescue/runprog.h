/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runprog.h - run a helper program (dpkg-deb, rpm) without a shell and read
 * what it prints: stdin from /dev/null, stderr discarded, stdout captured
 * up to a cap, a time limit, and optionally one descriptor handed to it as
 * its fd 3 (an archive, the victim root) so that it never gets a path.
 * rsc_spawn_run can also keep stdin and stderr (a passphrase asked on the
 * terminal) and give it another environment.
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

enum {
	RSC_SPAWN_STDERR = 1 << 0,   /* its stderr goes with its stdout into out */
	RSC_SPAWN_TRUNCATE = 1 << 1, /* past cap: keep the first cap bytes, let it run on */
	/* its stdin and stderr are ours: a passphrase typed on the terminal, its prompt there */
	RSC_SPAWN_TTY = 1 << 2,
};

struct rsc_spawn {
	int fd3;	 /* its descriptor 3, or -1 */
	unsigned flags;	 /* RSC_SPAWN_* */
	size_t cap;	 /* bytes of output kept */
	long timeout_ms; /* killed after this long; -1: no limit (a repair must never be killed) */
	/* when set, its fd 3 is a pipe whose lines (cut at 511 bytes) are given to on_line */
	void (*on_line)(const char *line, void *arg);
	void *arg;
	char *const *envp; /* its environment; NULL: this process's */
};

/*
 * rsc_spawn_capture with more choices (how). With RSC_SPAWN_TRUNCATE it
 * returns -EFBIG after the program ended, *status set and out holding the
 * first how->cap bytes.
 */
int rsc_spawn_run(char *const argv[], const struct rsc_spawn *how, struct rsc_buf *out,
		  int *status);

/* Milliseconds on the monotonic clock, for deadlines. */
long rsc_now_ms(void);

#endif
