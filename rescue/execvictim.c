// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * execvictim.c - run one of the victim's own programs (its sshd -t or -T)
 * inside the victim root, sandboxed, only when the user asks for it
 * (--exec-victim).
 *
 * The child gets private mount, network, PID and IPC namespaces (so: no
 * network at all, no view of the helper's processes), the victim root
 * bind-mounted READ-ONLY on a fresh directory, an empty tmpfs on /run
 * (with /run/sshd, as a booted system has) and on /tmp, a /dev holding
 * only null, zero and urandom, no new privileges, resource limits, and a
 * wall-clock limit after which the whole namespace is killed. It never
 * writes to the victim. Its standard output and error are captured, each
 * up to a cap.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "execvictim.h"
#include "util.h"

#define OUTPUT_CAP (1u << 20)

static void child_fail(int errfd, const char *what)
{
	dprintf(errfd, "sshrescue: --exec-victim: %s: %s\n", what, strerror(errno));
	_exit(126);
}

/* Bind the helper's device node name onto dir/name (a file created for it). */
static void bind_dev(const char *dir, const char *name, int errfd)
{
	char host[64], target[4200];
	int fd;

	snprintf(host, sizeof(host), "/dev/%s", name);
	if ((size_t)snprintf(target, sizeof(target), "%s/%s", dir, name) >= sizeof(target))
		child_fail(errfd, "path too long");
	fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
	if (fd < 0)
		child_fail(errfd, target);
	close(fd);
	if (mount(host, target, NULL, MS_BIND, NULL) < 0)
		child_fail(errfd, host);
}

/* A tmpfs on top/name when the victim has that directory; false when it has not. */
static bool tmpfs_at(const char *top, const char *name, const char *opts, int errfd)
{
	char dir[4200];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/%s", top, name);
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return false;
	if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		child_fail(errfd, dir);
	return true;
}

/* In the new namespaces: build the sandbox at top, chroot, exec argv. Never returns. */
static void sandbox_exec(const char *rootdir, const char *top, char *const argv[], int outfd,
			 int errfd)
{
	char sub[4200];
	const struct rlimit as = { 1u << 30, 1u << 30 }, nofile = { 256, 256 }, fsize = { 0, 0 },
			    nproc = { 64, 64 };

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail(errfd, "private mounts");
	if (mount(rootdir, top, NULL, MS_BIND | MS_REC, NULL) < 0)
		child_fail(errfd, "bind the victim root");
	if (mount(NULL, top, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) <
	    0)
		child_fail(errfd, "read-only victim root");
	/* what a booted system has, where the victim has the directory for it */
	if (tmpfs_at(top, "run", "mode=0755,size=4m", errfd)) {
		snprintf(sub, sizeof(sub), "%s/run/sshd", top);
		if (mkdir(sub, 0755) < 0)
			child_fail(errfd, "/run/sshd");
	}
	tmpfs_at(top, "tmp", "mode=1777,size=4m", errfd);
	if (tmpfs_at(top, "dev", "mode=0755,size=64k", errfd)) {
		snprintf(sub, sizeof(sub), "%s/dev", top);
		bind_dev(sub, "null", errfd);
		bind_dev(sub, "zero", errfd);
		bind_dev(sub, "urandom", errfd);
	}
	if (chroot(top) < 0 || chdir("/") < 0)
		child_fail(errfd, "chroot");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(errfd, "no_new_privs");
	setrlimit(RLIMIT_AS, &as);
	setrlimit(RLIMIT_NOFILE, &nofile);
	setrlimit(RLIMIT_FSIZE, &fsize);
	setrlimit(RLIMIT_NPROC, &nproc);
	if (dup2(outfd, STDOUT_FILENO) < 0 || dup2(errfd, STDERR_FILENO) < 0)
		_exit(126);
	execve(argv[0], argv, (char *[]){ "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL });
	child_fail(STDERR_FILENO, argv[0]);
}

static int drain(int fd, struct rsc_buf *b, bool *open_)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n > 0) {
		if (b->len < OUTPUT_CAP && rsc_buf_add(b, chunk, (size_t)n) < 0)
			return -ENOMEM;
		return 0;
	}
	if (n == 0 || (errno != EINTR && errno != EAGAIN))
		*open_ = false;
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int rsc_exec_victim(const char *rootdir, char *const argv[], unsigned timeout_ms,
		    struct rsc_exec_result *res)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, status = 0, r = 0;
	bool oopen = true, eopen = true;
	long long deadline = now_ms() + timeout_ms;
	char top[] = "/run/sshrescue-exec.XXXXXX";
	pid_t pid;

	memset(res, 0, sizeof(*res));
	/* an empty directory of the helper; the mounts on it exist only in the child's namespace */
	if (!mkdtemp(top))
		return -errno;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		r = -errno;
		goto out;
	}
	if (pid == 0) {
		pid_t inner;
		int st = 0;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC |
			    CLONE_NEWUTS) < 0)
			child_fail(err[1], "unshare");
		inner = fork(); /* pid 1 of the new PID namespace */
		if (inner < 0)
			child_fail(err[1], "fork");
		if (inner == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			sandbox_exec(rootdir, top, argv, out[1], err[1]);
		}
		while (waitpid(inner, &st, 0) < 0 && errno == EINTR)
			;
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0));
	}
	close(out[1]);
	close(err[1]);
	out[1] = err[1] = -1;
	while (oopen || eopen) {
		struct pollfd p[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
		long long left = deadline - now_ms();

		if (left <= 0) {
			kill(pid, SIGKILL); /* its PID namespace dies with it */
			res->timed_out = true;
			break;
		}
		if (poll(p, 2, (int)(left > 1000 ? 1000 : left)) < 0 && errno != EINTR) {
			r = -errno;
			kill(pid, SIGKILL);
			break;
		}
		if (r == 0 && oopen && (p[0].revents & (POLLIN | POLLHUP)))
			r = drain(out[0], &res->out, &oopen);
		if (r == 0 && eopen && (p[1].revents & (POLLIN | POLLHUP)))
			r = drain(err[0], &res->err, &eopen);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	res->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
out:
	rmdir(top);
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	if (r == 0 && !res->out.data)
		r = rsc_buf_adds(&res->out, "");
	if (r == 0 && !res->err.data)
		r = rsc_buf_adds(&res->err, "");
	return r;
}

void rsc_exec_result_free(struct rsc_exec_result *res)
{
	rsc_buf_free(&res->out);
	rsc_buf_free(&res->err);
}
