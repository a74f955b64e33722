// SPDX-License-Identifier: GPL-2.0-or-later
/* runprog.c - run a helper program and read its output (runprog.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runprog.h"
#include "util.h"

extern char **environ;

long rsc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read the pipe into out until EOF, the deadline or the cap. */
static int drain(int fd, long deadline, size_t cap, struct rsc_buf *out)
{
	char chunk[65536];

	for (;;) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		long left = deadline - rsc_now_ms();
		ssize_t k;

		if (left <= 0)
			return -ETIMEDOUT;
		k = poll(&pf, 1, (int)left);
		if (k < 0 && errno == EINTR)
			continue;
		if (k == 0)
			continue; /* the deadline, seen above */
		k = k < 0 ? -1 : read(fd, chunk, sizeof(chunk));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? -errno : 0;
		if (out->len + (size_t)k > cap)
			return -EFBIG;
		if (rsc_buf_add(out, chunk, (size_t)k) < 0)
			return -ENOMEM;
	}
}

int rsc_spawn_capture(char *const argv[], int fd3, size_t cap, long timeout_ms, struct rsc_buf *out,
		      int *status)
{
	_cleanup_close_ int tmp = -1;
	posix_spawn_file_actions_t fa;
	long deadline = rsc_now_ms() + timeout_ms;
	int pfd[2], wst = 0, r;
	pid_t pid;

	*status = -1;
	if (timeout_ms <= 0)
		return -ETIMEDOUT;
	if (fd3 == 3) { /* dup2(3, 3) would leave it close-on-exec */
		tmp = fcntl(fd3, F_DUPFD_CLOEXEC, 4);
		if (tmp < 0)
			return -errno;
		fd3 = tmp;
	}
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	if (posix_spawn_file_actions_init(&fa) != 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -ENOMEM;
	}
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	if (fd3 >= 0)
		posix_spawn_file_actions_adddup2(&fa, fd3, 3);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (r != 0) {
		close(pfd[0]);
		return -r;
	}
	r = drain(pfd[0], deadline, cap, out);
	if (r < 0)
		kill(pid, SIGKILL);
	close(pfd[0]);
	while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && !WIFEXITED(wst))
		r = -ECHILD;
	if (r == 0)
		*status = WEXITSTATUS(wst);
	return r;
}
