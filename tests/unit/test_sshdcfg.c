// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_sshdcfg.c - the sshd_config parser: line splitting like servconf.c,
 * verdicts by OpenSSH version and build, Match evaluation, Include inside
 * the victim, and the `sshd -T` dump. The oracle test
 * (tests/e2e/test_sshd_config_oracle.sh) compares all of this with the real
 * sshd; these cases pin the rules down without a chroot.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "problem.h"
#include "root.h"
#include "sshdcfg.h"
#include "testutil.h"

#define DEB (V_ALL | V_GSSKEX | V_DEBIAN)

static void parse(struct sshd_config *cfg, const char *text, int version, unsigned vendors)
{
	assert_int_equal(sshd_config_parse_buffer(text, strlen(text), version, vendors, cfg), 0);
}

static size_t count(const struct sshd_config *cfg, enum rsc_pid id)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->ndiags; i++)
		n += cfg->diags[i].id == id;
	return n;
}

static const struct sshd_diag *diag(const struct sshd_config *cfg, enum rsc_pid id)
{
	for (size_t i = 0; i < cfg->ndiags; i++)
		if (cfg->diags[i].id == id)
			return &cfg->diags[i];
	fail_msg("no diagnostic %s", rsc_problem(id)->code);
	return NULL;
}

static const char *value(const struct sshd_config *cfg, const struct sshd_conn *c, const char *name)
{
	const struct sshd_entry *e = sshd_config_get(cfg, c, name);

	if (!e)
		return NULL;
	return e->value ? e->value : e->argv[0];
}

static char *dump(const struct sshd_config *cfg, const struct sshd_conn *c)
{
	struct tu_cap cap;

	assert_int_equal(sshd_config_dump(cfg, c, tu_cap_open(&cap)), 0);
	tu_cap_close(&cap);
	return cap.text;
}

static void syntax_forms(void **state)
{
	struct sshd_config cfg;

	(void)state;
	parse(&cfg,
	      "# comment\n\n   \t\n"
	      "pOrT 2222\r\n"
	      "PasswordAuthentication=no\n"
	      "PermitRootLogin = no\n"
	      "\"Banner\" \"/etc/issue net\"\n"
	      "AcceptEnv LANG # trailing comment\n",
	      902, DEB);
	assert_int_equal(cfg.ndiags, 0);
	assert_false(cfg.fatal);
	assert_string_equal(value(&cfg, NULL, "Port"), "2222");
	assert_string_equal(value(&cfg, NULL, "passwordauthentication"), "no");
	assert_string_equal(value(&cfg, NULL, "PermitRootLogin"), "no");
	assert_string_equal(value(&cfg, NULL, "Banner"), "/etc/issue net");
	assert_string_equal(value(&cfg, NULL, "AcceptEnv"), "LANG");
	sshd_config_free(&cfg);
}

static void first_value_wins(void **state)
{
	struct sshd_config cfg;
	const struct sshd_entry *e[8];

	(void)state;
	parse(&cfg,
	      "PasswordAuthentication no\nPasswordAuthentication yes\n"
	      "Port 22\nPort 2222\nAcceptEnv A\nAcceptEnv B C\n",
	      902, DEB);
	assert_int_equal(cfg.ndiags, 0);
	assert_string_equal(value(&cfg, NULL, "PasswordAuthentication"), "no");
	assert_int_equal(sshd_config_effective(&cfg, NULL, sshd_kw_lookup("Port", 902, DEB), e, 8),
			 2);
	assert_int_equal(
		sshd_config_effective(&cfg, NULL, sshd_kw_lookup("AcceptEnv", 902, DEB), e, 8), 2);
	sshd_config_free(&cfg);
}

static void fatal_lines(void **state)
{
	static const struct {
		const char *line;
		enum rsc_pid id;
	} cases[] = {
		{ "NoSuchKeyword yes\n", PR_SSHD_CONFIG_KEYWORD },
		{ "UseRoaming no\n", PR_SSHD_CONFIG_KEYWORD },
		{ "Port\n", PR_SSHD_CONFIG_SYNTAX },
		{ "Banner \"/etc/issue\n", PR_SSHD_CONFIG_SYNTAX },
		{ "PasswordAuthentication maybe\n", PR_SSHD_CONFIG_VALUE },
		{ "PermitRootLogin sometimes\n", PR_SSHD_CONFIG_VALUE },
		{ "Port 0\n", PR_SSHD_CONFIG_VALUE },
		{ "Port 65536\n", PR_SSHD_CONFIG_VALUE },
		{ "LoginGraceTime 1x\n", PR_SSHD_CONFIG_VALUE },
		{ "MaxAuthTries -1\n", PR_SSHD_CONFIG_VALUE },
		{ "KexAlgorithms curve25519-sha256,no-such-kex\n", PR_SSHD_CONFIG_VALUE },
		{ "Ciphers aes*\n", PR_SSHD_CONFIG_VALUE },
		{ "MACs +hmac-md5-no\n", PR_SSHD_CONFIG_VALUE },
		{ "PermitRootLogin yes no\n", PR_SSHD_CONFIG_VALUE },
		{ "MaxStartups 10:30\n", PR_SSHD_CONFIG_VALUE },
		{ "Match User alice\nPort 22\n", PR_SSHD_CONFIG_NOTINMATCH },
		{ "Match Nonsense x\n", PR_SSHD_CONFIG_MATCH },
		{ "Match User\n", PR_SSHD_CONFIG_MATCH },
		{ "Match All User x\n", PR_SSHD_CONFIG_MATCH },
		{ "Match Address 10.0.0.1/8\n", PR_SSHD_CONFIG_MATCH },
		{ "Match LocalPort 0\n", PR_SSHD_CONFIG_MATCH },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sshd_config cfg;

		parse(&cfg, cases[i].line, 902, DEB);
		if (!cfg.fatal || count(&cfg, cases[i].id) != 1)
			fail_msg("%s: expected one %s, fatal", cases[i].line,
				 rsc_problem(cases[i].id)->code);
		sshd_config_free(&cfg);
	}
}

static void versions_and_builds(void **state)
{
	struct sshd_config cfg;

	(void)state;
	/* deprecated: a warning, sshd goes on */
	parse(&cfg, "UsePrivilegeSeparation sandbox\nPort 22\n", 902, DEB);
	assert_false(cfg.fatal);
	assert_int_equal(count(&cfg, PR_SSHD_CONFIG_DEPRECATED), 1);
	assert_int_equal(diag(&cfg, PR_SSHD_CONFIG_DEPRECATED)->line, 1);
	sshd_config_free(&cfg);

	/* a keyword newer than the victim's sshd, known to a newer one */
	parse(&cfg, "PerSourcePenalties crash:90\n", 902, DEB);
	assert_true(cfg.fatal);
	assert_int_equal(count(&cfg, PR_SSHD_CONFIG_KEYWORD), 1);
	sshd_config_free(&cfg);
	parse(&cfg, "PerSourcePenalties crash:90\n", 908, DEB);
	assert_false(cfg.fatal);
	sshd_config_free(&cfg);

	/* Debian's patch keyword: fine on Debian, unknown upstream */
	parse(&cfg, "DebianBanner no\n", 902, DEB);
	assert_false(cfg.fatal);
	sshd_config_free(&cfg);
	parse(&cfg, "DebianBanner no\n", 902, V_ALL);
	assert_true(cfg.fatal);
	sshd_config_free(&cfg);

	/* an algorithm the version does not have yet */
	parse(&cfg, "KexAlgorithms mlkem768x25519-sha256\n", 902, DEB);
	assert_true(cfg.fatal);
	sshd_config_free(&cfg);
	parse(&cfg, "KexAlgorithms mlkem768x25519-sha256\n", 1000, DEB);
	assert_false(cfg.fatal);
	sshd_config_free(&cfg);
}

static void match_blocks(void **state)
{
	static const char *const alice_groups[] = { "alice", "admins", NULL };
	struct sshd_conn alice = {
		.user = "alice", .addr = "192.0.2.7", .lport = -1, .groups = alice_groups
	};
	struct sshd_conn bob = { .user = "bob", .addr = "198.51.100.1", .lport = -1 };
	struct sshd_config cfg;

	(void)state;
	parse(&cfg,
	      "PasswordAuthentication yes\n"
	      "Match User alice,!mallory Address 192.0.2.0/24\n"
	      "  PasswordAuthentication no\n"
	      "  PubkeyAuthentication no\n"
	      "Match Group admins\n"
	      "  PubkeyAuthentication yes\n"
	      "  PermitRootLogin no\n"
	      "Match Address !198.51.100.0/24,*\n"
	      "  X11Forwarding no\n",
	      902, DEB);
	assert_int_equal(cfg.ndiags, 0);
	assert_string_equal(value(&cfg, NULL, "PasswordAuthentication"), "yes");
	assert_string_equal(value(&cfg, &alice, "PasswordAuthentication"), "no");
	/* the first matching block sets it; a later one does not override */
	assert_string_equal(value(&cfg, &alice, "PubkeyAuthentication"), "no");
	assert_string_equal(value(&cfg, &alice, "PermitRootLogin"), "no");
	assert_string_equal(value(&cfg, &alice, "X11Forwarding"), "no");
	assert_string_equal(value(&cfg, &bob, "PasswordAuthentication"), "yes");
	assert_null(value(&cfg, &bob, "X11Forwarding")); /* negated address vetoes */
	sshd_config_free(&cfg);

	/* Match All applies in sshd's first pass too: a global keyword is allowed after it */
	parse(&cfg, "Match all\nPort 2222\nPasswordAuthentication no\n", 902, DEB);
	assert_false(cfg.fatal);
	assert_string_equal(value(&cfg, NULL, "Port"), "2222");
	assert_string_equal(value(&cfg, NULL, "PasswordAuthentication"), "no");
	sshd_config_free(&cfg);
}

static void dump_format(void **state)
{
	struct sshd_config cfg;
	char *out;

	(void)state;
	parse(&cfg,
	      "Port 2222\nAddressFamily inet\nPermitRootLogin prohibit-password\n"
	      "LoginGraceTime 1m30s\nKexAlgorithms -diffie-hellman*\n"
	      "AuthorizedKeysFile .ssh/a %h/.ssh/b\nMaxStartups 5\nIPQoS cs1 af21\n"
	      "StreamLocalBindMask 022\n",
	      902, DEB);
	assert_false(cfg.fatal);
	out = dump(&cfg, NULL);
	assert_memory_equal(out, "port 2222\n", 10);
	assert_non_null(strstr(out, "listenaddress 0.0.0.0:2222\n"));
	assert_null(strstr(out, "listenaddress [::]"));
	assert_non_null(strstr(out, "permitrootlogin without-password\n"));
	assert_non_null(strstr(out, "logingracetime 90\n"));
	assert_non_null(strstr(out, "authorizedkeysfile .ssh/a %h/.ssh/b\n"));
	assert_non_null(strstr(out, "maxstartups 5:30:5\n"));
	assert_non_null(strstr(out, "ipqos cs1 af21\n"));
	assert_non_null(strstr(out, "streamlocalbindmask 022\n"));
	assert_non_null(
		strstr(out, "kexalgorithms sntrup761x25519-sha512,sntrup761x25519-sha512@"));
	assert_null(strstr(out, "diffie-hellman"));
	assert_non_null(strstr(out, "passwordauthentication yes\n"));
	free(out);
	sshd_config_free(&cfg);
}

static void include_in_root(void **state)
{
	char *dir = tu_mkdtemp();
	struct rsc_root *root = NULL;
	struct sshd_config cfg;
	char name[64], text[128];

	(void)state;
	tu_write(dir, "etc/ssh/sshd_config",
		 "Include sshd_config.d/*.conf /etc/ssh/none/*.conf\n"
		 "Match User carol\n  Include carol.conf\n",
		 0644, 0, 0);
	tu_write(dir, "etc/ssh/sshd_config.d/20-b.conf", "Port 2\nBogus x\n", 0644, 0, 0);
	tu_write(dir, "etc/ssh/sshd_config.d/10-a.conf", "Match User x\nPort 3\n", 0644, 0, 0);
	tu_write(dir, "etc/ssh/carol.conf", "PasswordAuthentication no\n", 0644, 0, 0);
	assert_int_equal(rsc_root_open(dir, &root), 0);
	assert_int_equal(sshd_config_load(root, 902, DEB, &cfg), 0);
	/* 10-a.conf's Match ends with that file, so 20-b.conf's Port is global */
	assert_int_equal(count(&cfg, PR_SSHD_CONFIG_NOTINMATCH), 1);
	assert_string_equal(diag(&cfg, PR_SSHD_CONFIG_NOTINMATCH)->file,
			    "/etc/ssh/sshd_config.d/10-a.conf");
	assert_string_equal(diag(&cfg, PR_SSHD_CONFIG_KEYWORD)->file,
			    "/etc/ssh/sshd_config.d/20-b.conf");
	assert_int_equal(diag(&cfg, PR_SSHD_CONFIG_KEYWORD)->line, 2);
	assert_string_equal(value(&cfg, NULL, "Port"), "2");
	{
		struct sshd_conn carol = { .user = "carol", .lport = -1 };

		assert_string_equal(value(&cfg, &carol, "PasswordAuthentication"), "no");
		assert_null(value(&cfg, NULL, "PasswordAuthentication"));
	}
	sshd_config_free(&cfg);

	/* 16 levels are read, the 17th is fatal */
	for (int i = 1; i <= 17; i++) {
		snprintf(name, sizeof(name), "etc/ssh/c%d.conf", i);
		if (i < 17)
			snprintf(text, sizeof(text), "Include c%d.conf\n", i + 1);
		else
			snprintf(text, sizeof(text), "Port 7\n");
		tu_write(dir, name, text, 0644, 0, 0);
	}
	tu_write(dir, "etc/ssh/sshd_config", "Include c1.conf\n", 0644, 0, 0);
	assert_int_equal(sshd_config_load(root, 902, DEB, &cfg), 0);
	assert_int_equal(count(&cfg, PR_SSHD_CONFIG_INCLUDE), 1);
	assert_true(cfg.fatal);
	sshd_config_free(&cfg);

	tu_remove(dir, "etc/ssh/sshd_config");
	assert_int_equal(sshd_config_load(root, 902, DEB, &cfg), 0);
	assert_false(cfg.found);
	assert_int_equal(count(&cfg, PR_SSHD_CONFIG_MISSING), 1);
	sshd_config_free(&cfg);
	rsc_root_free(root);
	tu_rmtree(dir);
	free(dir);
}

static void conn_spec(void **state)
{
	char ok[] = "user=alice,host=h.example,addr=192.0.2.7,laddr=192.0.2.1,lport=22,rdomain=r";
	char bad1[] = "user=alice,colour=blue", bad2[] = "lport=99999", bad3[] = "user";
	struct rsc_buf why = { 0 };
	struct sshd_conn c;

	(void)state;
	assert_int_equal(sshd_conn_parse(ok, &c, &why), 0);
	assert_string_equal(c.user, "alice");
	assert_string_equal(c.addr, "192.0.2.7");
	assert_int_equal(c.lport, 22);
	assert_int_equal(sshd_conn_parse(bad1, &c, &why), -EINVAL);
	assert_int_equal(sshd_conn_parse(bad2, &c, &why), -EINVAL);
	assert_int_equal(sshd_conn_parse(bad3, &c, &why), -EINVAL);
	rsc_buf_free(&why);
}

static void table_is_sane(void **state)
{
	(void)state;
	/* every keyword name is found by its own name, case-insensitively, somewhere */
	for (int k = 0; k < sshd_kw_count(); k++) {
		const char *n = sshd_kw_name(k);

		if (sshd_kw_lookup(n, 9999, ~0u) < 0 && sshd_kw_lookup(n, 704, ~0u) < 0 &&
		    sshd_kw_lookup(n, 902, ~0u) < 0)
			fail_msg("keyword %s is in no release", n);
	}
	assert_true(sshd_kw_lookup("PUBKEYAUTHENTICATION", 902, V_ALL) >= 0);
	assert_true(sshd_kw_lookup("Protocol", 704, V_ALL) >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syntax_forms),	   cmocka_unit_test(first_value_wins),
		cmocka_unit_test(fatal_lines),	   cmocka_unit_test(versions_and_builds),
		cmocka_unit_test(match_blocks),	   cmocka_unit_test(dump_format),
		cmocka_unit_test(include_in_root), cmocka_unit_test(conn_spec),
		cmocka_unit_test(table_is_sane),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
