// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sshd_hostkeys.c - give the victim's sshd host keys it can load.
 *
 *  - a key file whose mode sshd refuses becomes 0600 (its bytes, type and
 *    owner stay: clients keep trusting the server);
 *  - a missing or unloadable key named by HostKey (or a default one) is
 *    generated on the helper with its own ssh-keygen, of the type the file
 *    name says (ssh_host_ed25519_key, …; ed25519 when the name says
 *    nothing or names DSA, which current OpenSSH cannot load), and
 *    written into the victim 0600 root:root with its .pub 0644. An
 *    unloadable file's old bytes stay in the journal.
 *
 * A new host key changes the server's fingerprint: clients will warn once.
 * The plan says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixups.h"
#include "plan.h"
#include "report.h"
#include "root.h"
#include "sshdcfg.h"
#include "victim.h"
#include "util.h"

#define KEY_CAP (64u << 10)

extern char **environ;

static const enum rsc_pid ids[] = {
	PR_SSHD_HOSTKEY_MODE,	  PR_SSHD_HOSTKEY_MISSING,   PR_SSHD_HOSTKEY_INVALID,
	PR_SSHD_HOSTKEY_TYPE,	  PR_SSHD_HOSTKEY_RSA_SMALL, PR_SSHD_HOSTKEY_NONE,
	PR_SSHD_HOSTKEY_DSA_ONLY,
};

/* The key type a host key file name asks for; DSA and unknown names get ed25519. */
static const char *type_for(const char *path)
{
	static const char *const types[][2] = {
		{ "_rsa_", "rsa" },
		{ "_ecdsa_", "ecdsa" },
		{ "_ed25519_", "ed25519" },
	};
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (strstr(base, types[i][0]))
			return types[i][1];
	return "ed25519";
}

/* ssh-keygen of the helper, no shell: -q -N "" -t TYPE [-b 3072] -C COMMENT -f OUT. */
static int keygen(const char *type, const char *out)
{
	char *argv[] = { "ssh-keygen", "-q", "-N",	  "",	"-t", (char *)type, "-C",
			 "sshrescue",  "-f", (char *)out, NULL, NULL, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = 0, r;

	if (strcmp(type, "rsa") == 0) {
		memmove(&argv[8], &argv[6], 4 * sizeof(*argv));
		argv[6] = "-b";
		argv[7] = "3072";
	}
	if (posix_spawn_file_actions_init(&fa) != 0)
		return -ENOMEM;
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	r = posix_spawnp(&pid, "ssh-keygen", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return -r;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

static int read_host_file(const char *path, char **data, size_t *len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct rsc_buf b = { 0 };
	char chunk[4096];
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (b.len + (size_t)n > KEY_CAP || rsc_buf_add(&b, chunk, (size_t)n) < 0) {
			rsc_buf_free(&b);
			return -EFBIG;
		}
	if (n < 0) {
		rsc_buf_free(&b);
		return -EIO;
	}
	*len = b.len;
	*data = rsc_buf_steal(&b);
	return *data ? 0 : -EIO;
}

/* Generate a key of the file name's type and plan both files. */
static int plan_new_key(const char *code, const char *path, struct rsc_plan *p)
{
	char dir[] = "/tmp/sshrescue-keygen.XXXXXX";
	_cleanup_free_ char *priv = NULL, *pub = NULL, *pubpath = NULL, *kp = NULL, *kpub = NULL;
	size_t privlen = 0, publen = 0;
	int r;

	if (!mkdtemp(dir))
		return -errno;
	if (asprintf(&kp, "%s/key", dir) < 0 || asprintf(&kpub, "%s/key.pub", dir) < 0 ||
	    asprintf(&pubpath, "%s.pub", path) < 0) {
		r = -ENOMEM;
		goto out;
	}
	r = keygen(type_for(path), kp);
	if (r == 0)
		r = read_host_file(kp, &priv, &privlen);
	if (r == 0)
		r = read_host_file(kpub, &pub, &publen);
	if (r == 0)
		r = rsc_plan_write(p, code, path, priv, privlen, 0600, 0, 0,
				   "new host key: clients see a new fingerprint once");
	if (r == 0)
		r = rsc_plan_write(p, code, pubpath, pub, publen, 0644, 0, 0, "its public key");
out:
	if (priv)
		explicit_bzero(priv, privlen);
	if (kp)
		unlink(kp);
	if (kpub)
		unlink(kpub);
	rmdir(dir);
	return r;
}

/* Another finding names a host key the plan repairs: then that key is enough. */
static bool key_finding_exists(const struct rsc_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nfindings; i++)
		if (ctx->findings[i].id != PR_SSHD_HOSTKEY_NONE &&
		    rsc_fixer_for(ctx->findings[i].id) == &fix_sshd_hostkeys)
			return true;
	return false;
}

/*
 * No usable host key and nothing else to repair: generate the keys sshd
 * looks for (the HostKey lines, or the defaults of ssh-keygen -A) that
 * are missing.
 */
static int plan_none(struct rsc_ctx *ctx, const char *code, struct rsc_plan *p)
{
	static const char *const defaults[] = { "/etc/ssh/ssh_host_rsa_key",
						"/etc/ssh/ssh_host_ecdsa_key",
						"/etc/ssh/ssh_host_ed25519_key" };
	const struct sshd_entry *ent[64];
	size_t n = 0;
	int r = 0;

	if (key_finding_exists(ctx))
		return 0;
	if (ctx->victim->sshdcfg)
		n = sshd_config_effective(ctx->victim->sshdcfg, NULL,
					  sshd_kw_lookup("HostKey", 9999, ~0u), ent, 64);
	for (size_t i = 0; r == 0 && i < (n ? n : ARRAY_SIZE(defaults)); i++) {
		const char *path = n ? ent[i]->argv[0] : defaults[i];
		struct stat st;

		if (path[0] == '/' && rsc_root_stat(ctx->root, path, &st, 0) == -ENOENT &&
		    !rsc_plan_find_write(p, path))
			r = plan_new_key(code, path, p);
	}
	return r;
}

static int plan(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	const char *code = rsc_problem(f->id)->code;

	switch (f->id) {
	case PR_SSHD_HOSTKEY_NONE:
		return plan_none(ctx, code, p);
	case PR_SSHD_HOSTKEY_MODE:
		if (!f->path)
			return -ENOTSUP;
		return rsc_plan_chmod(p, code, f->path, 0600, "sshd refuses a readable host key");
	default:
		if (!f->path || f->path[0] != '/')
			return -ENOTSUP;
		if (rsc_plan_find_write(p, f->path))
			return 0;
		return plan_new_key(code, f->path, p);
	}
}

const struct rsc_fixer fix_sshd_hostkeys = {
	.name = "sshd-hostkeys",
	.ids = ids,
	.nids = sizeof(ids) / sizeof(ids[0]),
	.plan = plan,
};
