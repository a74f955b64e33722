// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_victim_sshd.c - the victim model's small sshd_config reader (first
 * value wins, Include globs resolved inside the victim, depth limit, Match)
 * and the AuthorizedKeysFile token expansion. The account files, os-release
 * and the OpenSSH version are in test_victim.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "root.h"
#include "testutil.h"
#include "util.h"
#include "victim.h"
#include "victimfx.h"

static int setup(void **state)
{
	if (geteuid() != 0) /* the fixture chowns files */
		return -1;
	*state = vfx_new("debian");
	return 0;
}

static int teardown(void **state)
{
	vfx_free(*state);
	return 0;
}

/* The fixture with this sshd_config, loaded with the model only (no checks). */
static void config(struct vfx *f, const char *text)
{
	tu_write(f->dir, "etc/ssh/sshd_config", text, 0644, 0, 0);
	vfx_load(f);
}

/* ---- sshd_config ---- */

static void sshd_first_value_wins(void **state)
{
	struct vfx *f = *state;

	config(f, "# comment\n"
		  "  strictMODES no\n"
		  "StrictModes yes\n"
		  "PubkeyAuthentication=no\n"
		  "PubkeyAuthentication yes\n"
		  "AuthorizedKeysFile \".ssh/my keys\" '/etc/ssh/keys/%u' .ssh/c\\ d # comment\n"
		  "AuthorizedKeysFile .ssh/ignored\n");
	assert_true(f->victim->sshd.config_found);
	assert_false(f->victim->sshd.strict_modes);
	assert_false(f->victim->sshd.pubkey_authentication);
	assert_int_equal(f->victim->sshd.n_authorized_keys_files, 3);
	assert_string_equal(f->victim->sshd.authorized_keys_files[0], ".ssh/my keys");
	assert_string_equal(f->victim->sshd.authorized_keys_files[1], "/etc/ssh/keys/%u");
	assert_string_equal(f->victim->sshd.authorized_keys_files[2], ".ssh/c d");
	assert_null(f->victim->sshd.authorized_keys_files[3]);

	/* " = " and "= " forms, a bad value is skipped, the alias DSAAuthentication */
	config(f, "StrictModes = maybe\n"
		  "StrictModes =no\n"
		  "DSAAuthentication no\n"
		  "AuthorizedKeysFile= none\n");
	assert_false(f->victim->sshd.strict_modes);
	assert_false(f->victim->sshd.pubkey_authentication);
	assert_int_equal(f->victim->sshd.n_authorized_keys_files, 1);
	assert_string_equal(f->victim->sshd.authorized_keys_files[0], "none");

	/* an unclosed quote makes the line bad: the next one counts; "~" is root's home */
	config(f, "AuthorizedKeysFile \".ssh/open\n"
		  "AuthorizedKeysFile ~/.ssh/keys ~alice//k ~nosuch/k ~\n"
		  "StrictModes\n"
		  "StrictModes no\n");
	assert_int_equal(f->victim->sshd.n_authorized_keys_files, 4);
	assert_string_equal(f->victim->sshd.authorized_keys_files[0], "/root/.ssh/keys");
	assert_string_equal(f->victim->sshd.authorized_keys_files[1], "/home/alice/k");
	assert_string_equal(f->victim->sshd.authorized_keys_files[2], "~nosuch/k");
	assert_string_equal(f->victim->sshd.authorized_keys_files[3], "/root/");
	assert_false(f->victim->sshd.strict_modes);
}

static void sshd_match_stops(void **state)
{
	struct vfx *f = *state;

	config(f, "PubkeyAuthentication yes\n"
		  "Match User alice\n"
		  "  StrictModes no\n"
		  "  AuthorizedKeysFile /x\n");
	assert_true(f->victim->sshd.strict_modes);
	assert_string_equal(f->victim->sshd.authorized_keys_files[0], ".ssh/authorized_keys");

	/* a Match in an included file ends only that file (servconf.c restores activep) */
	tu_write(f->dir, "etc/ssh/sshd_config.d/a.conf",
		 "MATCH user nobody\nPubkeyAuthentication no\n", 0644, 0, 0);
	config(f, "Include /etc/ssh/sshd_config.d/*.conf\nStrictModes no\n");
	assert_true(f->victim->sshd.pubkey_authentication);
	assert_false(f->victim->sshd.strict_modes);
}

static void sshd_include_order(void **state)
{
	struct vfx *f = *state;
	const char *d = f->dir;

	tu_write(d, "etc/ssh/sshd_config.d/20-b.conf", "StrictModes yes\nPubkeyAuthentication no\n",
		 0644, 0, 0);
	tu_write(d, "etc/ssh/sshd_config.d/10-a.conf", "StrictModes no\n", 0644, 0, 0);
	tu_write(d, "etc/ssh/sshd_config.d/05-c.txt", "StrictModes yes\n", 0644, 0, 0);
	tu_write(d, "etc/ssh/sshd_config.d/.00-hidden.conf", "StrictModes yes\n", 0644, 0, 0);
	tu_write(d, "etc/ssh/sshd_config.d/30-c.conf", "AuthorizedKeysFile .ssh/k30\n", 0644, 0, 0);
	tu_mkdir(d, "etc/ssh/sshd_config.d/01-dir.conf", 0755, 0, 0);
	/* relative to /etc/ssh, several arguments, a pattern that matches nothing */
	config(f, "Include nothing/*.conf sshd_config.d/*.conf\n"
		  "AuthorizedKeysFile .ssh/main\n");
	assert_false(f->victim->sshd.strict_modes);
	assert_false(f->victim->sshd.pubkey_authentication);
	assert_string_equal(f->victim->sshd.authorized_keys_files[0], ".ssh/k30");

	/* wildcards in a directory component, a plain file name */
	tu_write(d, "etc/ssh/x1/k.conf", "AuthorizedKeysFile .ssh/x1\n", 0644, 0, 0);
	tu_write(d, "etc/ssh/x2/k.conf", "AuthorizedKeysFile .ssh/x2\n", 0644, 0, 0);
	tu_write(d, "etc/ssh/plain", "PubkeyAuthentication no\n", 0644, 0, 0);
	/* glob(3) without GLOB_TILDE: "~" is no home and not relative to /etc/ssh either */
	tu_write(d, "etc/ssh/~/t.conf", "StrictModes no\n", 0644, 0, 0);
	config(f, "Include ~/t.conf\nInclude /etc/ssh/x?/k.conf\nInclude plain\n");
	assert_string_equal(f->victim->sshd.authorized_keys_files[0], ".ssh/x1");
	assert_false(f->victim->sshd.pubkey_authentication);
	assert_true(f->victim->sshd.strict_modes);
}

static void sshd_include_loop(void **state)
{
	struct vfx *f = *state;
	const char *d = f->dir;
	char name[64], text[128];

	/* a file that includes itself four times: 4^16 reads without the file budget */
	tu_write(d, "etc/ssh/loop.conf",
		 "Include loop.conf loop.conf loop.conf loop.conf\nStrictModes no\n", 0644, 0, 0);
	config(f, "Include loop.conf\nPubkeyAuthentication no\n");
	assert_false(f->victim->sshd.strict_modes);
	assert_false(f->victim->sshd.pubkey_authentication);

	/* a chain: sshd_config is depth 0, c1.conf depth 1, ... c17.conf depth 17 */
	for (int i = 1; i <= 17; i++) {
		snprintf(name, sizeof(name), "etc/ssh/c%d.conf", i);
		snprintf(text, sizeof(text), "Include c%d.conf\n%s\n", i + 1,
			 i == 16   ? "PubkeyAuthentication no"
			 : i == 17 ? "StrictModes no"
				   : "");
		tu_write(d, name, text, 0644, 0, 0);
	}
	config(f, "Include c1.conf\n");
	assert_false(f->victim->sshd.pubkey_authentication); /* depth 16: read */
	assert_true(f->victim->sshd.strict_modes);	     /* depth 17: too deep */
}

static void sshd_include_symlink_escape(void **state)
{
	struct vfx *f = *state;
	char *outside = tu_mkdtemp();
	char *inside_rel = NULL;

	/* on the helper: a directory whose config would switch pubkey off */
	tu_write(outside, "x.conf", "PubkeyAuthentication no\n", 0644, 0, 0);
	/* the victim's link names the helper's absolute path; inside the victim it is this: */
	assert_true(asprintf(&inside_rel, "%s/x.conf", outside + 1) > 0);
	tu_write(f->dir, inside_rel, "StrictModes no\n", 0644, 0, 0);
	tu_symlink(f->dir, "etc/ssh/sshd_config.d", outside);
	config(f, "Include /etc/ssh/sshd_config.d/*.conf\n");
	assert_true(f->victim->sshd.pubkey_authentication);
	assert_false(f->victim->sshd.strict_modes);

	/* the included file itself an absolute link out of the root */
	tu_remove(f->dir, "etc/ssh/sshd_config.d");
	tu_mkdir(f->dir, "etc/ssh/sshd_config.d", 0755, 0, 0);
	free(inside_rel);
	assert_true(asprintf(&inside_rel, "%s/x.conf", outside) > 0);
	tu_symlink(f->dir, "etc/ssh/sshd_config.d/y.conf", inside_rel);
	config(f, "Include /etc/ssh/sshd_config.d/*.conf\n");
	assert_true(f->victim->sshd.pubkey_authentication);
	assert_false(f->victim->sshd.strict_modes);

	free(inside_rel);
	tu_rmtree(outside);
	free(outside);
}

/* ---- AuthorizedKeysFile expansion ---- */

static void expand_akf(void **state)
{
	struct rsc_user u = { .name = "alice", .uid = 1001, .home = "/home/alice" };
	struct rsc_user slash = { .name = "r", .uid = 0, .home = "/" };
	struct rsc_user nohome = { .name = "n", .uid = 7 };
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ ".ssh/authorized_keys", "/home/alice/.ssh/authorized_keys" },
		{ "%h/.ssh/k", "/home/alice/.ssh/k" },
		{ "/etc/ssh/keys/%u", "/etc/ssh/keys/alice" },
		{ "/var/keys/%U.pub", "/var/keys/1001.pub" },
		{ "/a/100%%/%u%%", "/a/100%/alice%" },
		{ "keys/%u/%U", "/home/alice/keys/alice/1001" },
		{ "none", "/home/alice/none" },
	};
	char *out = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(rsc_victim_expand_akf(&u, cases[i].in, &out), 0);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
	assert_int_equal(rsc_victim_expand_akf(&u, "%x/keys", &out), -EINVAL);
	assert_null(out);
	assert_int_equal(rsc_victim_expand_akf(&u, "/keys/%", &out), -EINVAL);
	assert_int_equal(rsc_victim_expand_akf(&u, "%d", &out), -EINVAL); /* no %d for sshd */
	assert_int_equal(rsc_victim_expand_akf(&slash, ".ssh/k", &out), 0);
	assert_string_equal(out, "//.ssh/k"); /* sshd does not fold the slashes either */
	free(out);
	assert_int_equal(rsc_victim_expand_akf(&nohome, ".ssh/k", &out), 0);
	assert_string_equal(out, "/.ssh/k");
	free(out);
	assert_int_equal(rsc_victim_expand_akf(&u, "%h", &out), 0);
	assert_string_equal(out, "/home/alice");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(expand_akf),
		cmocka_unit_test_setup_teardown(sshd_first_value_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(sshd_match_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(sshd_include_order, setup, teardown),
		cmocka_unit_test_setup_teardown(sshd_include_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(sshd_include_symlink_escape, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
