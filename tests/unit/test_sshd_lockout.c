// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_sshd_lockout.c - the victim's systemd units (sdunit.c) and the
 * sshd-lockout family: who the effective configuration lets in, and where
 * sshd listens (Port, ListenAddress, or an enabled ssh.socket).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "checks.h"
#include "report.h"
#include "root.h"
#include "sdunit.h"
#include "testutil.h"
#include "util.h"
#include "victim.h"
#include "victimfx.h"

#define SOCKET_UNIT                                                                                \
	"[Unit]\nDescription=OpenBSD Secure Shell server socket\n\n[Socket]\n"                     \
	"ListenStream=22\nAccept=yes\n"

/* A root of its own for each call (the fixture's is the checks'). */
static struct rsc_root *open_root(struct vfx *f)
{
	static struct rsc_root *r;

	rsc_root_free(r);
	r = NULL;
	assert_int_equal(rsc_root_open(f->dir, &r), 0);
	return r;
}

/* The values of key in [section] of unit, joined with '|'; "" when none. */
static char *values(struct vfx *f, const char *unit, const char *section, const char *key,
		    bool split)
{
	struct rsc_buf b = { 0 };
	struct rsc_unit u;
	char **v = NULL;
	size_t n = 0;

	assert_int_equal(rsc_unit_load(open_root(f), unit, &u), 0);
	assert_int_equal(rsc_unit_values(&u, section, key, split, &v, &n), 0);
	assert_int_equal(rsc_buf_adds(&b, ""), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rsc_buf_printf(&b, "%s%s", i ? "|" : "", v[i]), 0);
	rsc_unit_strv_free(v);
	rsc_unit_free(&u);
	return rsc_buf_steal(&b);
}

static void assert_values(struct vfx *f, const char *unit, const char *section, const char *key,
			  bool split, const char *want)
{
	char *got = values(f, unit, section, key, split);

	if (strcmp(got, want) != 0)
		fail_msg("%s [%s] %s: got \"%s\", want \"%s\"", unit, section, key, got, want);
	free(got);
}

static void test_unit_search_path(void **state)
{
	struct vfx *f = vfx_new("debian");
	struct rsc_unit u;

	(void)state;
	assert_int_equal(rsc_unit_load(open_root(f), "nosuch.service", &u), 0);
	assert_null(u.path);
	rsc_unit_free(&u);
	assert_values(f, "ssh.service", "Service", "ExecStart", false, "/usr/sbin/sshd -D");
	/* /etc masks /lib: the whole file, not key by key */
	tu_write(f->dir, "etc/systemd/system/ssh.service", "[Service]\nExecStart=/bin/false\n",
		 0644, 0, 0);
	assert_values(f, "ssh.service", "Service", "ExecStart", false, "/bin/false");
	assert_values(f, "ssh.service", "Service", "RuntimeDirectory", true, "");
	/* comments, blanks around '=', other sections, a key that only starts the same */
	tu_write(f->dir, "etc/systemd/system/ssh.service",
		 "# ExecStart=/x\n[Unit]\nExecStart=/unit\n[Service]\n ; c\n"
		 "ExecStartPre = /usr/sbin/sshd -t\n  ExecStart  =  /usr/sbin/sshd -D $OPTS  \r\n",
		 0644, 0, 0);
	assert_values(f, "ssh.service", "Service", "ExecStart", false, "/usr/sbin/sshd -D $OPTS");
	assert_values(f, "ssh.service", "Service", "ExecStartPre", false, "/usr/sbin/sshd -t");
	/* an alias (Debian: sshd.service -> ssh.service) is the unit of the target's name,
	   loaded from wherever that is found first: here /etc's copy, not the link's target */
	tu_symlink(f->dir, "etc/systemd/system/sshd.service", "/lib/systemd/system/ssh.service");
	assert_values(f, "sshd.service", "Service", "ExecStart", false, "/usr/sbin/sshd -D $OPTS");
	vfx_free(f);
}

static void test_unit_masked(void **state)
{
	struct vfx *f = vfx_new("debian");
	struct rsc_unit u;

	(void)state;
	tu_symlink(f->dir, "etc/systemd/system/ssh.service", "/dev/null");
	assert_int_equal(rsc_unit_load(open_root(f), "ssh.service", &u), 0);
	assert_string_equal(u.path, "/etc/systemd/system/ssh.service");
	assert_true(u.masked);
	rsc_unit_free(&u);
	tu_remove(f->dir, "etc/systemd/system/ssh.service");
	tu_write(f->dir, "etc/systemd/system/ssh.service", "", 0644, 0, 0);
	assert_int_equal(rsc_unit_load(open_root(f), "ssh.service", &u), 0);
	assert_true(u.masked);
	rsc_unit_free(&u);
	vfx_free(f);
}

static void test_unit_dropins(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	/* applied by file name whatever the directory; an empty value resets a list */
	tu_write(f->dir, "etc/systemd/system/ssh.service.d/10-reset.conf",
		 "[Service]\nRuntimeDirectory=\n", 0644, 0, 0);
	tu_write(f->dir, "usr/lib/systemd/system/ssh.service.d/20-add.conf",
		 "[Service]\nRuntimeDirectory=a  b\nRuntimeDirectory=c\n", 0644, 0, 0);
	assert_values(f, "ssh.service", "Service", "RuntimeDirectory", true, "a|b|c");
	/* the same name higher in the search path masks the lower one */
	tu_write(f->dir, "etc/systemd/system/ssh.service.d/20-add.conf", "[Service]\n", 0644, 0, 0);
	assert_values(f, "ssh.service", "Service", "RuntimeDirectory", true, "");
	/* a template's drop-ins apply to its instances; files not ending in .conf do not */
	tu_write(f->dir, "lib/systemd/system/ssh@.service",
		 "[Service]\nExecStart=-/usr/sbin/sshd -i\n", 0644, 0, 0);
	tu_write(f->dir, "etc/systemd/system/ssh@.service.d/x.conf", "[Service]\nUser=nobody\n",
		 0644, 0, 0);
	tu_write(f->dir, "etc/systemd/system/ssh@.service.d/y.conf.disabled",
		 "[Service]\nUser=root\n", 0644, 0, 0);
	tu_symlink(f->dir, "lib/systemd/system/ssh@1.service", "ssh@.service");
	assert_values(f, "ssh@1.service", "Service", "User", false, "nobody");
	vfx_free(f);
}

static void test_unit_enabled(void **state)
{
	struct vfx *f = vfx_new("debian");
	char *by = NULL;

	(void)state;
	assert_int_equal(rsc_unit_enabled(open_root(f), "ssh.service", &by), 0);
	assert_null(by);
	tu_symlink(f->dir, "etc/systemd/system/multi-user.target.wants/ssh.service",
		   "/lib/systemd/system/ssh.service");
	assert_int_equal(rsc_unit_enabled(open_root(f), "ssh.service", &by), 1);
	assert_string_equal(by, "/etc/systemd/system/multi-user.target.wants/ssh.service");
	free(by);
	/* a dangling link still enables (systemd follows it at boot and fails then) */
	tu_symlink(f->dir, "etc/systemd/system/sockets.target.requires/ssh.socket", "/nosuch");
	assert_int_equal(rsc_unit_enabled(open_root(f), "ssh.socket", NULL), 1);
	assert_int_equal(rsc_unit_enabled(open_root(f), "sshd.socket", NULL), 0);
	vfx_free(f);
}

/* The evidence and subject path of the one sshd.listen finding, NULL if there is none. */
static const struct rsc_finding *listen_finding(struct vfx *f)
{
	const struct rsc_finding *found = NULL;

	vfx_check(f);
	for (size_t i = 0; i < f->ctx.nfindings; i++)
		if (strcmp(rsc_problem(f->ctx.findings[i].id)->code, "sshd.listen") == 0) {
			assert_null(found);
			found = &f->ctx.findings[i];
		}
	return found;
}

static void assert_listen(struct vfx *f, const char *path, const char *evidence_part)
{
	const struct rsc_finding *x = listen_finding(f);

	if (!path) {
		if (x)
			fail_msg("unexpected sshd.listen: %s", x->path);
		return;
	}
	assert_non_null(x);
	assert_string_equal(x->path, path);
	if (evidence_part && !strstr(x->evidence, evidence_part))
		fail_msg("evidence \"%s\" lacks \"%s\"", x->evidence, evidence_part);
}

static void test_listen_config(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	assert_listen(f, NULL, NULL);
	tu_write(f->dir, "etc/ssh/sshd_config", "UsePAM yes\nPort 22\n", 0644, 0, 0);
	assert_listen(f, NULL, NULL);
	tu_write(f->dir, "etc/ssh/sshd_config", "UsePAM yes\nPort 2222\nPort 22\n", 0644, 0, 0);
	assert_listen(f, "port 2222, port 22", "from sshd_config");
	tu_write(f->dir, "etc/ssh/sshd_config", "UsePAM yes\nListenAddress 10.0.0.1\n", 0644, 0, 0);
	assert_listen(f, "port 22 on 10.0.0.1", "from sshd_config");
	vfx_free(f);
}

static void test_listen_socket(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	tu_write(f->dir, "lib/systemd/system/ssh.socket", SOCKET_UNIT, 0644, 0, 0);
	/* installed but not enabled: sshd_config rules */
	tu_write(f->dir, "etc/ssh/sshd_config", "UsePAM yes\nPort 2222\n", 0644, 0, 0);
	assert_listen(f, "port 2222", "from sshd_config");
	/* enabled: its ListenStream, and sshd_config's Port is said to be unused */
	tu_symlink(f->dir, "etc/systemd/system/sockets.target.wants/ssh.socket",
		   "/lib/systemd/system/ssh.socket");
	assert_listen(f, "port 22", "(port 2222) are not used");
	/* the usual port and nothing in sshd_config: nothing to say */
	tu_write(f->dir, "etc/ssh/sshd_config", "UsePAM yes\n", 0644, 0, 0);
	assert_listen(f, NULL, NULL);
	/* a drop-in that moves it */
	tu_write(f->dir, "etc/systemd/system/ssh.socket.d/port.conf",
		 "[Socket]\nListenStream=\nListenStream=127.0.0.1:2200\nListenStream=2201\n", 0644,
		 0, 0);
	assert_listen(f, "127.0.0.1:2200, port 2201", "ListenStream= of ssh.socket");
	/* a masked socket does not listen at all: back to sshd_config */
	tu_symlink(f->dir, "etc/systemd/system/ssh.socket", "/dev/null");
	assert_listen(f, NULL, NULL);
	vfx_free(f);
}

/* Ubuntu 24.04: sshd-socket-generator turns Port/ListenAddress into ListenStream at boot. */
static void test_listen_socket_generator(void **state)
{
	struct vfx *f = vfx_new("ubuntu");

	(void)state;
	tu_write(f->dir, "usr/lib/systemd/system/ssh.socket", SOCKET_UNIT, 0644, 0, 0);
	tu_symlink(f->dir, "etc/systemd/system/sockets.target.wants/ssh.socket",
		   "/usr/lib/systemd/system/ssh.socket");
	tu_write(f->dir, "usr/lib/systemd/system-generators/sshd-socket-generator", "\177ELF", 0755,
		 0, 0);
	tu_write(f->dir, "etc/ssh/sshd_config", "UsePAM yes\nPort 2222\n", 0644, 0, 0);
	assert_listen(f, "port 2222", "sshd-socket-generator");
	vfx_free(f);
}

static void test_lockout(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	vfx_check(f);
	assert_int_equal(vfx_errors(f), 0);
	tu_write(f->dir, "etc/ssh/sshd_config", "UsePAM yes\nAllowUsers bob carol\n", 0644, 0, 0);
	vfx_check(f);
	assert_true(vfx_has(f, "sshd.user.denied", "/etc/ssh/sshd_config"));
	assert_false(vfx_has(f, "sshd.lockout", NULL));
	tu_write(f->dir, "etc/ssh/sshd_config", "UsePAM yes\nAllowUsers nobody\n", 0644, 0, 0);
	vfx_check(f);
	assert_true(vfx_has(f, "sshd.lockout", NULL));
	tu_write(f->dir, "etc/ssh/sshd_config",
		 "UsePAM yes\nMatch User alice\n\tPubkeyAuthentication no\n", 0644, 0, 0);
	vfx_check(f);
	assert_true(vfx_has(f, "sshd.user.nokeyauth", "/etc/ssh/sshd_config"));
	assert_false(vfx_has(f, "sshd.lockout", NULL));
	vfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unit_search_path),
		cmocka_unit_test(test_unit_masked),
		cmocka_unit_test(test_unit_dropins),
		cmocka_unit_test(test_unit_enabled),
		cmocka_unit_test(test_listen_config),
		cmocka_unit_test(test_listen_socket),
		cmocka_unit_test(test_listen_socket_generator),
		cmocka_unit_test(test_lockout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
