// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_shell.c - `sshrescue shell TARGET [-- COMMAND...]`: a shell (or one
 * command) chrooted into the victim, for what only the victim's own tools
 * can do (apt-get install --reinstall openssh-server, passwd, update-grub).
 *
 * The victim is mounted read-write and executable. A child process gets a
 * mount namespace of its own, mounts /proc, /sys, /dev (the helper's, bound)
 * and an empty /run (tmpfs) into the victim, and the helper's resolv.conf
 * for name resolution; then it chroots and runs the victim's shell. Every
 * one of those mounts lives in the child's namespace only: when it exits,
 * however it exits, they are gone, and the victim is unmounted as after
 * any other command. Each mount target is opened inside the victim root
 * (a symlinked /proc or /dev cannot send a mount onto the helper) and must
 * be a real directory (a regular file for resolv.conf).
 *
 * What the shell changes is not journaled: undo cannot take it back.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "root.h"
#include "session.h"
#include "util.h"
#include "volume.h"

#define RESOLV_CAP (64u << 10)

/* Mount src (fstype, flags) onto the victim directory path, opened inside the victim root. */
static int mount_in(struct rsc_root *root, const char *path, const char *src, const char *fstype,
		    unsigned long flags, const char *data, bool dir)
{
	_cleanup_close_ int fd = rsc_root_open_at(
		root, path, O_PATH | O_CLOEXEC | (dir ? O_DIRECTORY : 0), 0, RSC_NOFOLLOW);
	char target[64];
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
		return -ENOTDIR;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	return mount(src, target, fstype, flags, data) < 0 ? -errno : 0;
}

/*
 * The helper's resolv.conf for the victim: bound over a regular file, or,
 * when the victim's is a link into /run (systemd-resolved), copied to where
 * it points inside the fresh /run. Returns 0 or -errno (name resolution is
 * then not set up: said, not fatal).
 */
static int resolv_conf(struct rsc_root *root, FILE *err)
{
	_cleanup_free_ char *link = NULL, *data = NULL;
	struct stat st;
	ssize_t len;
	int r;

	if (rsc_root_stat(root, "/etc/resolv.conf", &st, RSC_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
		return mount_in(root, "/etc/resolv.conf", "/etc/resolv.conf", NULL, MS_BIND, NULL,
				false);
	r = rsc_root_readlink(root, "/etc/resolv.conf", &link);
	if (r < 0 || !rsc_startswith(link, "/run/")) {
		fprintf(err,
			"sshrescue: the victim's /etc/resolv.conf is %s: no name resolution "
			"in the shell\n",
			r < 0 ? "missing" : "a link outside /run");
		return 0;
	}
	{
		FILE *f = fopen("/etc/resolv.conf", "re");

		if (!f)
			return -errno;
		data = malloc(RESOLV_CAP);
		len = data ? (ssize_t)fread(data, 1, RESOLV_CAP, f) : -1;
		fclose(f);
		if (len < 0)
			return -ENOMEM;
	}
	{
		_cleanup_free_ char *dir = strndup(link, (size_t)(strrchr(link, '/') - link));

		if (!dir)
			return -ENOMEM;
		r = rsc_root_mkdir_p(root, dir, 0755);
	}
	if (r == 0)
		r = rsc_root_write_file(root, link, data, (size_t)len, 0644, 0, 0);
	return r;
}

/* In the child: its own mount namespace, the mounts, chroot, exec. Never returns. */
static void child(struct rsc_root *root, const char *dir, char **cmd, FILE *err)
{
	static const struct {
		const char *path, *src, *fstype;
		unsigned long flags;
		const char *data;
	} mounts[] = {
		{ "/proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
		{ "/sys", "/sys", NULL, MS_BIND | MS_REC, NULL },
		{ "/dev", "/dev", NULL, MS_BIND | MS_REC, NULL },
		{ "/run", "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755" },
	};
	char *shell[] = { "/bin/bash", NULL };
	char *sh[] = { "/bin/sh", NULL };
	struct stat st;
	int r;

	(void)root;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fprintf(err, "sshrescue: cannot make a mount namespace for the shell: %s\n",
			strerror(errno));
		_exit(RSC_EXIT_OPERATIONAL);
	}
	/* the mounts must go onto the victim as this namespace sees it: open it again */
	r = rsc_root_open(dir, &root);
	if (r < 0) {
		fprintf(err, "sshrescue: cannot open the victim root: %s\n", strerror(-r));
		_exit(RSC_EXIT_OPERATIONAL);
	}
	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		r = mount_in(root, mounts[i].path, mounts[i].src, mounts[i].fstype, mounts[i].flags,
			     mounts[i].data, true);
		if (r < 0)
			fprintf(err, "sshrescue: %s not mounted in the victim: %s\n",
				mounts[i].path, strerror(-r));
	}
	r = resolv_conf(root, err);
	if (r < 0)
		fprintf(err, "sshrescue: no name resolution in the shell: %s\n", strerror(-r));
	if (chroot(dir) < 0 || chdir("/") < 0) {
		fprintf(err, "sshrescue: cannot chroot into the victim: %s\n", strerror(errno));
		_exit(RSC_EXIT_OPERATIONAL);
	}
	clearenv();
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("TERM", "linux", 1);
	setenv("SSHRESCUE_SHELL", "1", 1);
	setenv("PS1", "(sshrescue chroot) \\w# ", 1);
	if (!cmd || !cmd[0])
		cmd = stat("/bin/bash", &st) == 0 ? shell : sh;
	execvp(cmd[0], cmd);
	fprintf(err, "sshrescue: cannot run %s in the victim: %s\n", cmd[0], strerror(errno));
	_exit(RSC_EXIT_OPERATIONAL);
}

int rsc_cmd_shell(const struct rsc_opts *o, char **cmd, int ncmd)
{
	struct session s;
	const char *dir;
	int status, wst = 0;
	pid_t pid;

	(void)ncmd;
	status = session_open(&s, o, true);
	if (status)
		goto out;
	dir = s.vol->mountpoint ? s.vol->mountpoint : s.vol->target;
	/* fix mounts are noexec; the victim's own programs must run here */
	if (s.vol->mountpoint && mount(NULL, s.vol->mountpoint, NULL,
				       MS_REMOUNT | MS_BIND | MS_NODEV | MS_NOSUID, NULL) < 0) {
		fprintf(o->err, "sshrescue: cannot allow programs to run on the victim: %s\n",
			strerror(errno));
		status = RSC_EXIT_OPERATIONAL;
		goto out;
	}
	if (!cmd || !cmd[0])
		fprintf(o->err,
			"sshrescue: a shell in the victim, with /proc, /sys, /dev and an empty "
			"/run "
			"mounted.\nWhat you change here is NOT journaled (undo cannot take it "
			"back). Leave with exit: everything is unmounted.\n");
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(o->err, "sshrescue: fork: %s\n", strerror(errno));
		status = RSC_EXIT_OPERATIONAL;
		goto out;
	}
	if (pid == 0)
		child(s.vol->root, dir, cmd, o->err);
	while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
		;
	/* a command's own status is the answer; an interactive shell's is not */
	if (cmd && cmd[0])
		status = WIFEXITED(wst) ? WEXITSTATUS(wst) : RSC_EXIT_OPERATIONAL;
	else
		status = WIFEXITED(wst) && WEXITSTATUS(wst) == RSC_EXIT_OPERATIONAL
				 ? RSC_EXIT_OPERATIONAL
				 : 0;
out:
	session_close(&s);
	return status;
}
