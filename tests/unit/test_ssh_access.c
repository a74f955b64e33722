// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_ssh_access.c - the SSH-access check, rule by rule, on a small
 * Debian-like victim tree (victimfx.c). Each test breaks one thing and
 * asserts the exact code and path, and that nothing else is reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "checks.h"
#include "keys.h"
#include "problem.h"
#include "report.h"
#include "testutil.h"
#include "victimfx.h"

#define AK_ALICE "/home/alice/.ssh/authorized_keys"

static int setup(void **state)
{
	if (geteuid() != 0) {
		fprintf(stderr, "these tests chown files: run as root\n");
		return -1;
	}
	*state = vfx_new("debian");
	return 0;
}

static int teardown(void **state)
{
	vfx_free(*state);
	return 0;
}

/* Fail with the findings printed when code/path is absent. */
#define assert_has(f, code, path)                                                                  \
	do {                                                                                       \
		if (!vfx_has(f, code, path)) {                                                     \
			vfx_dump(f);                                                               \
			fail_msg("expected %s on %s", code, path ? path : "(any)");                \
		}                                                                                  \
	} while (0)

#define assert_hasnt(f, code, path)                                                                \
	do {                                                                                       \
		if (vfx_has(f, code, path)) {                                                      \
			vfx_dump(f);                                                               \
			fail_msg("unexpected %s on %s", code, path ? path : "(any)");              \
		}                                                                                  \
	} while (0)

static size_t count_user(struct vfx *f, const char *user)
{
	size_t n = 0;

	for (size_t i = 0; i < f->ctx.nfindings; i++)
		n += f->ctx.findings[i].user && strcmp(f->ctx.findings[i].user, user) == 0;
	return n;
}

static const struct rsc_user_state *ustate(struct vfx *f, const char *user)
{
	for (size_t i = 0; i < f->ctx.nusers; i++)
		if (strcmp(f->ctx.users[i].name, user) == 0)
			return &f->ctx.users[i];
	return NULL;
}

static void healthy_tree_has_no_findings(void **state)
{
	struct vfx *f = *state;

	vfx_check(f);
	if (f->ctx.nfindings)
		vfx_dump(f);
	assert_int_equal(f->ctx.nfindings, 0);
	assert_int_equal(ustate(f, "alice")->usable_keys, 1);
	assert_int_equal(ustate(f, "carol")->usable_keys, 1);
	assert_null(ustate(f, "daemon")); /* system account without keys: not looked at */
}

static void world_writable_ssh_dir(void **state)
{
	struct vfx *f = *state;

	tu_chmod(f->dir, "home/alice/.ssh", 0777);
	vfx_check(f);
	assert_has(f, "ssh.dir.mode", "/home/alice/.ssh");
	assert_int_equal(vfx_errors(f), 1);
	assert_int_equal(count_user(f, "bob"), 0);
	assert_true(rsc_ctx_has_errors(&f->ctx));
}

/* Debian: group-writable is harmless when the group is the user's private group. */
static void private_group_writable_on_debian(void **state)
{
	struct vfx *f = *state;

	tu_chmod(f->dir, "home/alice/.ssh", 0770);
	vfx_check(f);
	assert_hasnt(f, "ssh.dir.mode", NULL);
	assert_has(f, "ssh.dir.loose", "/home/alice/.ssh");
	assert_int_equal(vfx_errors(f), 0);
}

static void private_group_writable_elsewhere(void **state)
{
	struct vfx *f = vfx_new("rocky");

	(void)state;
	tu_chmod(f->dir, "home/alice/.ssh", 0770);
	vfx_check(f);
	assert_has(f, "ssh.dir.mode", "/home/alice/.ssh");
	vfx_free(f);
}

/* staff (gid 50) has members bob and alice: never harmless. */
static void shared_group_writable(void **state)
{
	struct vfx *f = *state;

	tu_chown(f->dir, "home/alice/.ssh", 1001, 50);
	tu_chmod(f->dir, "home/alice/.ssh", 0775);
	vfx_check(f);
	assert_has(f, "ssh.dir.mode", "/home/alice/.ssh");
}

static void home_world_writable(void **state)
{
	struct vfx *f = *state;

	tu_chmod(f->dir, "home/alice", 0777);
	vfx_check(f);
	assert_has(f, "ssh.home.mode", "/home/alice");
	assert_int_equal(vfx_errors(f), 1);
}

static void home_owned_by_other(void **state)
{
	struct vfx *f = *state;

	tu_chown(f->dir, "home/alice", 1002, 1002);
	vfx_check(f);
	assert_has(f, "ssh.home.owner", "/home/alice");
}

static void keys_world_writable(void **state)
{
	struct vfx *f = *state;

	tu_chmod(f->dir, "home/alice/.ssh/authorized_keys", 0666);
	vfx_check(f);
	assert_has(f, "ssh.keys.mode", AK_ALICE);
	assert_int_equal(vfx_errors(f), 1);
}

static void keys_group_readable_is_a_warning(void **state)
{
	struct vfx *f = *state;

	tu_chmod(f->dir, "home/alice/.ssh/authorized_keys", 0644);
	vfx_check(f);
	assert_has(f, "ssh.keys.loose", AK_ALICE);
	assert_int_equal(vfx_errors(f), 0);
}

/* Owned by bob, 0600: alice's sshd child cannot open it. */
static void keys_unreadable_by_user(void **state)
{
	struct vfx *f = *state;

	tu_chown(f->dir, "home/alice/.ssh/authorized_keys", 1002, 1002);
	vfx_check(f);
	assert_has(f, "ssh.keys.access", AK_ALICE);
}

/* root:root 0600 passes StrictModes and still fails: Permission denied on open. */
static void keys_root_owned_0600(void **state)
{
	struct vfx *f = *state;

	tu_chown(f->dir, "home/alice/.ssh/authorized_keys", 0, 0);
	vfx_check(f);
	assert_has(f, "ssh.keys.access", AK_ALICE);
	assert_hasnt(f, "ssh.keys.owner", NULL);
}

/* root:root 0644 is readable and root is an accepted owner: fine. */
static void keys_root_owned_0644(void **state)
{
	struct vfx *f = *state;

	tu_chown(f->dir, "home/alice/.ssh/authorized_keys", 0, 0);
	tu_chmod(f->dir, "home/alice/.ssh/authorized_keys", 0644);
	vfx_check(f);
	assert_int_equal(vfx_errors(f), 0);
	assert_int_equal(ustate(f, "alice")->usable_keys, 1);
}

static void ssh_dir_not_searchable(void **state)
{
	struct vfx *f = *state;

	tu_chown(f->dir, "home/alice/.ssh", 0, 0);
	tu_chmod(f->dir, "home/alice/.ssh", 0700);
	vfx_check(f);
	assert_has(f, "ssh.dir.access", "/home/alice/.ssh");
}

static void keys_is_a_directory(void **state)
{
	struct vfx *f = *state;

	tu_remove(f->dir, "home/alice/.ssh/authorized_keys");
	tu_mkdir(f->dir, "home/alice/.ssh/authorized_keys", 0700, 1001, 1001);
	vfx_check(f);
	assert_has(f, "ssh.keys.notreg", AK_ALICE);
}

/* A FIFO named authorized_keys must neither hang the check nor be read. */
static void keys_is_a_fifo(void **state)
{
	struct vfx *f = *state;

	tu_remove(f->dir, "home/alice/.ssh/authorized_keys");
	tu_mkfifo(f->dir, "home/alice/.ssh/authorized_keys", 0600);
	tu_chown(f->dir, "home/alice/.ssh/authorized_keys", 1001, 1001);
	alarm(10);
	vfx_check(f);
	alarm(0);
	assert_has(f, "ssh.keys.notreg", AK_ALICE);
}

/* A 1 GiB sparse file: capped, reported, not read whole. */
static void keys_sparse_gigabyte(void **state)
{
	struct vfx *f = *state;
	char *p = NULL;
	int fd;

	assert_true(asprintf(&p, "%s%s", f->dir, AK_ALICE) > 0);
	fd = open(p, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1L << 30), 0);
	close(fd);
	free(p);
	alarm(20);
	vfx_check(f);
	alarm(0);
	assert_has(f, "ssh.keys.badline", AK_ALICE);
	assert_int_equal(ustate(f, "alice")->usable_keys, 0);
}

/* AuthorizedKeysFile outside the home: every directory up to / is checked. */
static void system_keys_dir_group_writable(void **state)
{
	struct vfx *f = *state;

	tu_write(f->dir, "etc/ssh/sshd_config", "AuthorizedKeysFile /etc/ssh/authorized_keys/%u\n",
		 0644, 0, 0);
	tu_mkdir(f->dir, "etc/ssh/authorized_keys", 0775, 0, 0);
	tu_write(f->dir, "etc/ssh/authorized_keys/alice", KEY_ALICE "\n", 0644, 0, 0);
	vfx_check(f);
	assert_has(f, "ssh.path.mode", "/etc/ssh/authorized_keys");
	assert_hasnt(f, "ssh.dir.mode", NULL);
}

/* carol's home is a symlink: the canonical path inside the victim is reported. */
static void symlinked_home(void **state)
{
	struct vfx *f = *state;

	tu_chmod(f->dir, "srv/home/carol/.ssh", 0777);
	vfx_check(f);
	assert_has(f, "ssh.dir.mode", "/srv/home/carol/.ssh");
	assert_int_equal(count_user(f, "alice"), 0);
}

/* An absolute symlink to /etc/shadow means the VICTIM's shadow, never the helper's. */
static void symlink_stays_in_victim(void **state)
{
	struct vfx *f = *state;

	tu_remove(f->dir, "home/alice/.ssh/authorized_keys");
	tu_symlink(f->dir, "home/alice/.ssh/authorized_keys", "/etc/shadow");
	vfx_check(f);
	assert_has(f, "ssh.keys.access", "/etc/shadow"); /* victim's shadow: root 0640 */

	tu_remove(f->dir, "home/alice/.ssh/authorized_keys");
	tu_symlink(f->dir, "home/alice/.ssh/authorized_keys",
		   "../../../../../../../../../srv/home/carol/.ssh/authorized_keys");
	vfx_check(f);
	assert_has(f, "ssh.keys.access", "/srv/home/carol/.ssh/authorized_keys");
}

static void strict_modes_off(void **state)
{
	struct vfx *f = *state;

	tu_write(f->dir, "etc/ssh/sshd_config", "UsePAM yes\nStrictModes no\n", 0644, 0, 0);
	tu_chmod(f->dir, "home/alice/.ssh", 0777);
	tu_chmod(f->dir, "home/alice/.ssh/authorized_keys", 0666);
	vfx_check(f);
	assert_hasnt(f, "ssh.dir.mode", NULL);
	assert_hasnt(f, "ssh.keys.mode", NULL);
	assert_int_equal(vfx_errors(f), 0);
}

static void content_crlf_and_bom(void **state)
{
	struct vfx *f = *state;

	tu_write(f->dir, "home/alice/.ssh/authorized_keys", "\xef\xbb\xbf" KEY_ALICE "\r\n", 0600,
		 1001, 1001);
	vfx_check(f);
	assert_has(f, "ssh.keys.bom", AK_ALICE);
	assert_has(f, "ssh.keys.crlf", AK_ALICE);
	/* measured: sshd ignores the key behind the BOM, CRLF alone is harmless */
	assert_int_equal(ustate(f, "alice")->usable_keys, 0);
	assert_has(f, "ssh.keys.none", "/home/alice");
}

/* A BOM in front of a comment costs nothing (measured with sshd 9.2). */
static void bom_before_comment_is_harmless(void **state)
{
	struct vfx *f = *state;

	tu_write(f->dir, "home/alice/.ssh/authorized_keys",
		 "\xef\xbb\xbf# laptop\r\n" KEY_ALICE "\r\n", 0600, 1001, 1001);
	vfx_check(f);
	assert_hasnt(f, "ssh.keys.bom", NULL);
	assert_has(f, "ssh.keys.crlf", AK_ALICE);
	assert_int_equal(ustate(f, "alice")->usable_keys, 1);
	assert_int_equal(vfx_errors(f), 0);
}

static void content_split_private_bad(void **state)
{
	struct vfx *f = *state;
	const char *k = KEY_BOB;
	char buf[1024];

	/* bob's key broken after 40 characters, a private key, a garbage line */
	snprintf(buf, sizeof(buf),
		 "%.40s\n%s\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
		 "-----END OPENSSH PRIVATE KEY-----\nssh-ed25519 !!!notbase64 x\n%s\n",
		 k, k + 40, KEY_ALICE);
	tu_write(f->dir, "home/alice/.ssh/authorized_keys", buf, 0600, 1001, 1001);
	vfx_check(f);
	assert_has(f, "ssh.keys.split", AK_ALICE);
	assert_has(f, "ssh.keys.private", AK_ALICE);
	assert_has(f, "ssh.keys.badline", AK_ALICE);
	assert_int_equal(ustate(f, "alice")->usable_keys, 1);
}

static void content_dsa_and_small_rsa(void **state)
{
	struct vfx *f = *state;

	tu_write(f->dir, "home/alice/.ssh/authorized_keys",
		 KEY_DSA "\n" KEY_RSA768 "\n" KEY_RSA1024 "\n", 0600, 1001, 1001);
	vfx_check(f);
	assert_has(f, "ssh.keys.dsa", AK_ALICE);
	assert_has(f, "ssh.keys.rsa-small", AK_ALICE);
	assert_int_equal(ustate(f, "alice")->usable_keys, 1); /* the 1024-bit one */
	for (size_t i = 0; i < f->ctx.nfindings; i++)
		if (f->ctx.findings[i].id == PR_SSH_KEYS_RSA_SMALL)
			assert_int_equal(f->ctx.findings[i].line, 2);
}

/* Before OpenSSH 7.0 DSA was accepted: judged against the victim's version. */
static void dsa_on_old_openssh(void **state)
{
	struct vfx *f = *state;

	tu_write(f->dir, "var/lib/dpkg/status",
		 "Package: openssh-server\nStatus: install ok installed\nVersion: 1:6.7p1-5\n\n",
		 0644, 0, 0);
	tu_write(f->dir, "home/alice/.ssh/authorized_keys", KEY_DSA "\n", 0600, 1001, 1001);
	vfx_check(f);
	assert_hasnt(f, "ssh.keys.dsa", NULL);
	assert_hasnt(f, "ssh.keys.none", NULL);
}

static void content_empty(void **state)
{
	struct vfx *f = *state;

	tu_write(f->dir, "home/alice/.ssh/authorized_keys", "", 0600, 1001, 1001);
	vfx_check(f);
	assert_has(f, "ssh.keys.empty", AK_ALICE);
	assert_has(f, "ssh.keys.none", "/home/alice");
}

static void home_missing(void **state)
{
	struct vfx *f = *state;

	tu_remove(f->dir, "home/bob/.ssh/authorized_keys");
	tu_remove(f->dir, "home/bob/.ssh");
	tu_remove(f->dir, "home/bob");
	vfx_check(f);
	assert_has(f, "ssh.home.missing", "/home/bob");
	assert_true(rsc_ctx_has_errors(&f->ctx));
}

/* Measured: with a central keys file sshd lets alice in without a home. */
static void home_missing_central_keys(void **state)
{
	struct vfx *f = *state;

	tu_write(
		f->dir, "etc/ssh/sshd_config",
		"UsePAM yes\nAuthorizedKeysFile .ssh/authorized_keys /etc/ssh/authorized_keys/%u\n",
		0644, 0, 0);
	tu_write(f->dir, "etc/ssh/authorized_keys/alice", KEY_ALICE "\n", 0644, 0, 0);
	tu_remove(f->dir, "home/alice/.ssh/authorized_keys");
	tu_remove(f->dir, "home/alice/.ssh");
	tu_remove(f->dir, "home/alice");
	vfx_check(f);
	assert_has(f, "ssh.home.nochdir", "/home/alice");
	assert_hasnt(f, "ssh.home.missing", NULL);
	assert_int_equal(ustate(f, "alice")->usable_keys, 1);
	assert_int_equal(vfx_errors(f), 0);
}

/* A wrong owner hides nothing: the mode the user will own is judged too. */
static void keys_owned_by_other_and_loose(void **state)
{
	struct vfx *f = *state;

	tu_chown(f->dir, "home/alice/.ssh/authorized_keys", 1002, 1002);
	tu_chmod(f->dir, "home/alice/.ssh/authorized_keys", 0644);
	vfx_check(f);
	assert_has(f, "ssh.keys.owner", AK_ALICE);
	assert_has(f, "ssh.keys.loose", AK_ALICE);
}

/* A pasted private key costs nothing when another key works: a warning. */
static void private_key_beside_a_good_key(void **state)
{
	struct vfx *f = *state;

	tu_write(f->dir, "home/alice/.ssh/authorized_keys",
		 "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
		 "-----END OPENSSH PRIVATE KEY-----\n" KEY_ALICE "\n",
		 0600, 1001, 1001);
	vfx_check(f);
	assert_has(f, "ssh.keys.private", AK_ALICE);
	assert_int_equal(vfx_errors(f), 0);
	assert_int_equal(ustate(f, "alice")->usable_keys, 1);
}

static void unknown_owner_and_readable_private_key(void **state)
{
	struct vfx *f = *state;

	tu_write(f->dir, "home/alice/old-build.log", "x\n", 0644, 4242, 4242);
	tu_write(f->dir, "home/alice/.ssh/id_ed25519",
		 "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
		 0644, 1001, 1001);
	tu_write(f->dir, "home/alice/.ssh/id_ed25519.pub", KEY_ALICE "\n", 0644, 1001, 1001);
	vfx_check(f);
	assert_has(f, "ssh.owner.unknown", "/home/alice/old-build.log");
	assert_has(f, "ssh.privkey.readable", "/home/alice/.ssh/id_ed25519");
	assert_hasnt(f, "ssh.privkey.readable", "/home/alice/.ssh/id_ed25519.pub");
	assert_int_equal(vfx_errors(f), 0);
}

/* sshd's allowed_user(): a missing or non-executable shell refuses every login. */
static void login_shell_missing_or_not_executable(void **state)
{
	struct vfx *f = *state;

	tu_remove(f->dir, "bin/bash");
	vfx_check(f);
	assert_has(f, "ssh.shell.missing", "/bin/bash");
	tu_write(f->dir, "bin/bash", "#!/bin/sh\n", 0644, 0, 0);
	vfx_check(f);
	assert_has(f, "ssh.shell.noexec", "/bin/bash");
	tu_remove(f->dir, "bin/bash");
	tu_symlink(f->dir, "bin/bash", "/usr/sbin/nologin"); /* resolved inside the victim */
	vfx_check(f);
	assert_hasnt(f, "ssh.shell.missing", NULL);
	assert_hasnt(f, "ssh.shell.noexec", NULL);
}

/* --user limits the check to the named users. */
static void only_named_users(void **state)
{
	struct vfx *f = *state;
	char *only[] = { "bob", NULL };

	tu_chmod(f->dir, "home/alice/.ssh", 0777);
	tu_chmod(f->dir, "home/bob/.ssh", 0777);
	vfx_check(f);
	rsc_ctx_clear(&f->ctx);
	rsc_ctx_init(&f->ctx, f->root, f->victim);
	f->ctx.only_users = only;
	f->ran = true;
	assert_int_equal(rsc_run_checks(&f->ctx, stderr), 0);
	f->ctx.only_users = NULL;
	assert_has(f, "ssh.dir.mode", "/home/bob/.ssh");
	assert_hasnt(f, "ssh.dir.mode", "/home/alice/.ssh");
}

/* Names with terminal escapes: the report shows them escaped, never raw. */
static void hostile_names_are_escaped(void **state)
{
	struct vfx *f = *state;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	struct rsc_report_opts o = { .command = "check" };

	tu_write(f->dir, "etc/passwd",
		 "root:x:0:0:root:/root:/bin/bash\n"
		 "ev\x1b[2Jil:x:1005:1005::/home/ev\x1b]0;pwned\x07il:/bin/bash\n",
		 0644, 0, 0);
	tu_mkdir(f->dir, "home/ev\x1b]0;pwned\x07il/.ssh", 0777, 1005, 1005);
	tu_write(f->dir, "home/ev\x1b]0;pwned\x07il/.ssh/authorized_keys", KEY_BOB "\n", 0600, 1005,
		 1005);
	vfx_check(f);
	assert_has(f, "ssh.dir.mode", NULL);
	mem = open_memstream(&text, &len);
	assert_non_null(mem);
	rsc_ctx_sort(&f->ctx);
	rsc_report_text(&f->ctx, &o, mem);
	assert_int_equal(rsc_report_json(&f->ctx, &o, mem), 0);
	fclose(mem);
	assert_null(memchr(text, 0x1b, len));
	assert_null(memchr(text, 0x07, len));
	assert_non_null(strstr(text, "ev\\x1b[2Jil"));
	free(text);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(healthy_tree_has_no_findings),
		T(world_writable_ssh_dir),
		T(private_group_writable_on_debian),
		T(private_group_writable_elsewhere),
		T(shared_group_writable),
		T(home_world_writable),
		T(home_owned_by_other),
		T(keys_world_writable),
		T(keys_group_readable_is_a_warning),
		T(keys_unreadable_by_user),
		T(keys_root_owned_0600),
		T(keys_root_owned_0644),
		T(ssh_dir_not_searchable),
		T(keys_is_a_directory),
		T(keys_is_a_fifo),
		T(keys_sparse_gigabyte),
		T(system_keys_dir_group_writable),
		T(symlinked_home),
		T(symlink_stays_in_victim),
		T(strict_modes_off),
		T(content_crlf_and_bom),
		T(bom_before_comment_is_harmless),
		T(content_split_private_bad),
		T(content_dsa_and_small_rsa),
		T(dsa_on_old_openssh),
		T(content_empty),
		T(home_missing),
		T(home_missing_central_keys),
		T(keys_owned_by_other_and_loose),
		T(private_key_beside_a_good_key),
		T(unknown_owner_and_readable_private_key),
		T(login_shell_missing_or_not_executable),
		T(only_named_users),
		T(hostile_names_are_escaped),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
