// SPDX-License-Identifier: GPL-2.0-or-later
/* runprog.c - run a helper program and read its output (runprog.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <string.h>
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

/* The two pipes read while the program runs: its output and its fd 3 lines. */
struct reader {
	const struct rsc_spawn *how;
	struct rsc_buf *out;
	bool truncated;
	char line[512]; /* the fd 3 line being read; longer lines are cut */
	size_t linelen;
};

static int take_output(struct reader *rd, const char *chunk, size_t k)
{
	if (rd->out->len + k > rd->how->cap) {
		if (!(rd->how->flags & RSC_SPAWN_TRUNCATE))
			return -EFBIG;
		rd->truncated = true;
		k = rd->how->cap - rd->out->len;
	}
	return rsc_buf_add(rd->out, chunk, k) < 0 ? -ENOMEM : 0;
}

static void take_lines(struct reader *rd, const char *chunk, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		if (chunk[i] != '\n') {
			if (rd->linelen < sizeof(rd->line) - 1)
				rd->line[rd->linelen++] = chunk[i];
			continue;
		}
		rd->line[rd->linelen] = '\0';
		rd->how->on_line(rd->line, rd->how->arg);
		rd->linelen = 0;
	}
}

/*
 * Read the pipes (fds[1] may be -1) until the output ends, the deadline
 * (none when deadline < 0) or the cap.
 */
static int drain(struct reader *rd, int fds[2], long deadline)
{
	char chunk[65536];

	while (fds[0] >= 0) {
		struct pollfd pf[2] = { { .fd = fds[0], .events = POLLIN },
					{ .fd = fds[1], .events = POLLIN } };
		long left = deadline < 0 ? -1 : deadline - rsc_now_ms();
		int n;

		if (deadline >= 0 && left <= 0)
			return -ETIMEDOUT;
		n = poll(pf, fds[1] >= 0 ? 2 : 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (int i = 1; i >= 0; i--) {
			ssize_t k;
			int r;

			if (fds[i] < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			k = read(fds[i], chunk, sizeof(chunk));
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				if (k < 0 && i == 0)
					return -errno;
				close(fds[i]);
				fds[i] = -1;
				continue;
			}
			if (i == 1) {
				take_lines(rd, chunk, (size_t)k);
				continue;
			}
			r = take_output(rd, chunk, (size_t)k);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
}

int rsc_spawn_run(char *const argv[], const struct rsc_spawn *how, struct rsc_buf *out, int *status)
{
	_cleanup_close_ int tmp = -1;
	posix_spawn_file_actions_t fa;
	long deadline = how->timeout_ms < 0 ? -1 : rsc_now_ms() + how->timeout_ms;
	struct reader rd = { .how = how, .out = out };
	int pfd[2] = { -1, -1 }, lfd[2] = { -1, -1 }, fds[2];
	int wst = 0, r, fd3 = how->fd3;
	pid_t pid;

	*status = -1;
	if (how->timeout_ms == 0)
		return -ETIMEDOUT;
	if (how->on_line) {
		if (pipe2(lfd, O_CLOEXEC) < 0)
			return -errno;
		fd3 = lfd[1];
	}
	if (fd3 == 3) { /* dup2(3, 3) would leave it close-on-exec */
		tmp = fcntl(fd3, F_DUPFD_CLOEXEC, 4);
		if (tmp < 0)
			return -errno;
		fd3 = tmp;
	}
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		r = -errno;
		close_pair(lfd);
		return r;
	}
	if (posix_spawn_file_actions_init(&fa) != 0) {
		close_pair(pfd);
		close_pair(lfd);
		return -ENOMEM;
	}
	if (!(how->flags & RSC_SPAWN_TTY))
		posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	if (how->flags & RSC_SPAWN_STDERR)
		posix_spawn_file_actions_adddup2(&fa, pfd[1], STDERR_FILENO);
	else if (!(how->flags & RSC_SPAWN_TTY)) /* with it, its stderr is ours */
		posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	if (fd3 >= 0)
		posix_spawn_file_actions_adddup2(&fa, fd3, 3);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, how->envp ? how->envp : environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (lfd[1] >= 0)
		close(lfd[1]);
	if (r != 0) {
		close(pfd[0]);
		if (lfd[0] >= 0)
			close(lfd[0]);
		return -r;
	}
	fds[0] = pfd[0];
	fds[1] = lfd[0];
	r = drain(&rd, fds, deadline);
	if (r < 0)
		kill(pid, SIGKILL);
	close_pair(fds);
	while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && !WIFEXITED(wst))
		r = -ECHILD;
	if (r == 0)
		*status = WEXITSTATUS(wst);
	if (r == 0 && rd.truncated)
		r = -EFBIG;
	return r;
}

int rsc_spawn_capture(char *const argv[], int fd3, size_t cap, long timeout_ms, struct rsc_buf *out,
		      int *status)
{
	struct rsc_spawn how = { .fd3 = fd3, .cap = cap, .timeout_ms = timeout_ms };

	if (timeout_ms <= 0)
		return -ETIMEDOUT;
	return rsc_spawn_run(argv, &how, out, status);
}
