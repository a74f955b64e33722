// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mktree.c - write a tree shaped like a server root, for mke2fs -d (the
 * usage benchmark, tests/bench/usage.sh). Deterministic: the same tree every
 * time. About 1,000,000 inodes: deep /usr trees, a 60,000-entry directory,
 * 200 homes, symlinks, hard links, a sparse log. Small files get 1-200 bytes
 * (one block each in the image), one in a hundred 8-64 KiB.
 *
 *   mktree DIR [SCALE]   SCALE divides every count (SCALE 100: a quick tree)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned long long seed = 88172645463325252ULL;
static unsigned scale = 1;
static unsigned long nfiles, ndirs, nlinks, nsyms;
static char buf[65536];

static unsigned rnd(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

static void die(const char *what, const char *path)
{
	fprintf(stderr, "mktree: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static void mkd(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die("mkdir", path);
	ndirs++;
}

static void file(const char *path, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die("open", path);
	while (size > 0) {
		size_t n = size < sizeof(buf) ? size : sizeof(buf);

		if (write(fd, buf, n) != (ssize_t)n)
			die("write", path);
		size -= n;
	}
	close(fd);
	nfiles++;
}

static size_t small_size(void)
{
	return rnd(100) == 0 ? 8192 + rnd(57344) : 1 + rnd(200);
}

/* A package-like subtree: depth levels of fanout dirs, files in each. */
static void subtree(const char *dir, unsigned depth, unsigned fanout, unsigned files)
{
	char p[4096];

	for (unsigned i = 0; i < files; i++) {
		snprintf(p, sizeof(p), "%s/f%03u.%s", dir, i, i % 3 ? "py" : "so");
		file(p, small_size());
	}
	if (depth == 0)
		return;
	for (unsigned i = 0; i < fanout; i++) {
		snprintf(p, sizeof(p), "%s/d%u", dir, i);
		mkd(p);
		subtree(p, depth - 1, fanout, files);
	}
}

static unsigned n(unsigned count)
{
	return count / scale ? count / scale : 1;
}

static void usr(const char *top)
{
	char p[4096], q[4096];

	snprintf(p, sizeof(p), "%s/usr", top);
	mkd(p);
	const char *parts[] = {
		"bin",	     "sbin",	"lib",	       "lib/x86_64-linux-gnu",	   "share",
		"share/doc", "include", "lib/python3", "lib/python3/dist-packages"
	};
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		snprintf(p, sizeof(p), "%s/usr/%s", top, parts[i]);
		mkd(p);
	}
	for (unsigned i = 0; i < n(3000); i++) { /* programs, every tenth hard-linked */
		snprintf(p, sizeof(p), "%s/usr/bin/prog%04u", top, i);
		file(p, 4096 + rnd(60000));
		if (i % 10 == 0) {
			snprintf(q, sizeof(q), "%s/usr/sbin/prog%04u", top, i);
			if (link(p, q) < 0)
				die("link", q);
			nlinks++;
		}
	}
	for (unsigned i = 0; i < n(20000); i++) { /* libraries and their symlinks */
		snprintf(p, sizeof(p), "%s/usr/lib/x86_64-linux-gnu/libx%05u.so.1", top, i);
		file(p, small_size());
		snprintf(q, sizeof(q), "%s/usr/lib/x86_64-linux-gnu/libx%05u.so", top, i);
		if (symlink(p + strlen(top) + 26, q) < 0)
			die("symlink", q);
		nsyms++;
	}
	for (unsigned i = 0; i < n(2000); i++) { /* python packages: deep trees */
		snprintf(p, sizeof(p), "%s/usr/lib/python3/dist-packages/pkg%04u", top, i);
		mkd(p);
		subtree(p, 3, 2, 13); /* 15 dirs, 195 files */
	}
	for (unsigned i = 0; i < n(4000); i++) { /* docs */
		snprintf(p, sizeof(p), "%s/usr/share/doc/pkg%04u", top, i);
		mkd(p);
		subtree(p, 1, 1, 6);
	}
	for (unsigned i = 0; i < n(400); i++) { /* headers: a deep chain */
		snprintf(p, sizeof(p), "%s/usr/include/h%03u", top, i);
		mkd(p);
		subtree(p, 12, 1, 4);
	}
}

static void homes(const char *top)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/home", top);
	mkd(p);
	for (unsigned u = 0; u < 200; u++) {
		snprintf(p, sizeof(p), "%s/home/user%03u", top, u);
		mkd(p);
		snprintf(p, sizeof(p), "%s/home/user%03u/.ssh", top, u);
		mkd(p);
		snprintf(p, sizeof(p), "%s/home/user%03u/.ssh/authorized_keys", top, u);
		file(p, 400);
		snprintf(p, sizeof(p), "%s/home/user%03u/src", top, u);
		mkd(p);
		subtree(p, 2, 3, n(150)); /* 13 dirs, 1950 files */
	}
}

static void var(const char *top)
{
	char p[4096], q[4096];
	int fd;

	const char *parts[] = { "var",
				"var/log",
				"var/lib",
				"var/lib/php",
				"var/lib/php/sessions",
				"var/cache",
				"var/cache/apt",
				"var/cache/apt/archives",
				"etc",
				"tmp" };
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", top, parts[i]);
		mkd(p);
	}
	for (unsigned i = 0; i < n(60000); i++) { /* the 60,000-entry directory */
		snprintf(p, sizeof(p), "%s/var/lib/php/sessions/sess_%08x%08x", top, rnd(~0u), i);
		file(p, 1 + rnd(300));
	}
	for (unsigned i = 0; i < n(2500); i++) {
		snprintf(p, sizeof(p), "%s/etc/conf%04u", top, i);
		file(p, small_size());
	}
	for (unsigned i = 0; i < n(300); i++) {
		snprintf(p, sizeof(p), "%s/var/cache/apt/archives/pkg%03u.deb", top, i);
		file(p, 20000 + rnd(40000));
	}
	snprintf(p, sizeof(p), "%s/etc/passwd", top);
	file(p, 1200);
	snprintf(q, sizeof(q), "%s/var/log/passwd.bak", top); /* a hard link across trees */
	if (link(p, q) < 0)
		die("link", q);
	nlinks++;
	snprintf(p, sizeof(p), "%s/var/log/syslog", top);
	file(p, 4u << 20);
	/* a sparse log: 2 GiB long, three 64 KiB pieces of data */
	snprintf(p, sizeof(p), "%s/var/log/lastlog", top);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("open", p);
	for (int i = 0; i < 3; i++)
		if (pwrite(fd, buf, sizeof(buf), (off_t)i * (700LL << 20)) != (ssize_t)sizeof(buf))
			die("pwrite", p);
	if (ftruncate(fd, 2LL << 30) < 0)
		die("ftruncate", p);
	close(fd);
	nfiles++;
	/* the big log that fills the disk is fallocated in the image by usage.sh */
	snprintf(p, sizeof(p), "%s/var/log/app.log", top);
	file(p, 0);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: mktree DIR [SCALE]\n");
		return 2;
	}
	if (argc == 3)
		scale = (unsigned)strtoul(argv[2], NULL, 10);
	if (scale == 0)
		scale = 1;
	memset(buf, 'x', sizeof(buf));
	mkd(argv[1]);
	usr(argv[1]);
	homes(argv[1]);
	var(argv[1]);
	printf("mktree: %lu files, %lu directories, %lu symlinks, %lu hard links: %lu inodes\n",
	       nfiles, ndirs, nsyms, nlinks, nfiles + ndirs + nsyms);
	return 0;
}
