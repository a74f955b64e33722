/* fuzz-sources: rescue/root.c rescue/util.c rescue/hmap.c */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_ldconf.c - the ld.so.conf reader (rescue/ldso_conf.c) on any bytes,
 * through a real victim root: a directory made once under $TMPDIR (default
 * /dev/shm), removed at exit. The
 * input is cut at NUL bytes into /etc/ld.so.conf, /etc/ld.so.conf.d/a.conf
 * and /etc/ld.so.conf.d/b.conf, so includes, globs, self-inclusion and
 * nesting are exercised (libFuzzer's -timeout catches unbounded work).
 * Properties beyond "no crash, no leak": it returns 0; at most
 * RSC_LDCONF_MAX_DIRS directories, each non-empty, without duplicates, with
 * no '#', '=' or newline in it, no blank in front and no trailing '/' (but
 * "/" itself). A blank may end one: ldconfig, too, drops the trailing blanks
 * before the trailing slashes ("/opt/ /" is "/opt/ ").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ldso_int.h"
#include "root.h"

/*
 * The reader itself, with a smaller budget of files read and directories
 * listed than its 1024, of bytes parsed than its 2 MiB and of glob
 * components walked than its 4096: the same bounds,
 * reached sooner, so that the inputs that include themselves over and over
 * do not take the whole run (one of 63 KB, read 64 times to the 2 MiB, took
 * 10 s under the fuzzer's instrumentation, beside a CI run). 64 KiB parsed
 * is one input of the largest size (-max_len) read once: 256 KiB of short
 * lines still took 70 ms an input.
 */
#define LDCONF_MAX_OPS	 64
#define LDCONF_BUDGET	 (64u << 10)
#define LDCONF_MAX_STEPS 512
#include "../../rescue/ldso_conf.c"

static const char *const files[] = {
	"etc/ld.so.conf",
	"etc/ld.so.conf.d/a.conf",
	"etc/ld.so.conf.d/b.conf",
};

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_ldconf: %s\n", what);
		abort();
	}
}

static char top[4096];

static void remove_root(void)
{
	char p[4200];

	for (size_t i = sizeof(files) / sizeof(files[0]); i-- > 0;) {
		snprintf(p, sizeof(p), "%s/%s", top, files[i]);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/etc/ld.so.conf.d", top);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/etc", top);
	rmdir(p);
	rmdir(top);
}

/* The victim root, made on the first input and kept until exit. */
static int root_dir(void)
{
	static int dfd = -1;
	char *tmpl = top;
	const char *tmp = getenv("TMPDIR");

	if (dfd >= 0)
		return dfd;
	/* a tmpfs by default: ext4 flushes a file truncated and rewritten at each close */
	if (!tmp || !*tmp)
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(tmpl, sizeof(top), "%s/fuzz_ldconf.XXXXXX", tmp);
	check(mkdtemp(tmpl) != NULL, "mkdtemp");
	atexit(remove_root);
	dfd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	check(dfd >= 0, "open the root");
	check(mkdirat(dfd, "etc", 0755) == 0 && mkdirat(dfd, "etc/ld.so.conf.d", 0755) == 0,
	      "mkdir");
	return dfd;
}

static void put(int dfd, const char *name, const uint8_t *data, size_t len)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	check(fd >= 0, "create a file");
	check(len == 0 || write(fd, data, len) == (ssize_t)len, "write a file");
	close(fd);
}

static void check_dirs(const struct rsc_strv *dirs)
{
	check(dirs->n <= RSC_LDCONF_MAX_DIRS, "too many directories");
	for (size_t i = 0; i < dirs->n; i++) {
		const char *d = dirs->v[i];
		size_t len = strlen(d);

		check(len > 0, "an empty directory");
		check(!strpbrk(d, "#=\n"), "a comment, '=' or newline in a directory");
		check(d[0] != ' ' && d[0] != '\t', "a blank before a directory");
		check(len == 1 || d[len - 1] != '/', "a trailing slash");
		for (size_t k = 0; k < i; k++)
			check(strcmp(dirs->v[k], d) != 0, "a directory twice");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int dfd = root_dir();
	struct rsc_root *r = NULL;
	struct rsc_strv dirs = { 0 };
	struct timespec newest = { 0 };
	size_t at = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const uint8_t *nul = at < size ? memchr(data + at, 0, size - at) : NULL;
		size_t len = nul ? (size_t)(nul - (data + at)) : size - at;

		put(dfd, files[i], data + at, len);
		at += len + (nul ? 1 : 0);
	}
	check(rsc_root_from_fd(dup(dfd), &r) == 0, "rsc_root_from_fd");
	check(rsc_ldconf_read(r, "/etc/ld.so.conf", &dirs, &newest) == 0, "rsc_ldconf_read failed");
	check_dirs(&dirs);
	rsc_strv_free(&dirs);
	rsc_root_free(r);
	return 0;
}
