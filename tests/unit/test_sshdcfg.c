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

/* The value of the dump line "keyword value" in out (a copy), NULL without that line. */
static char *dump_line(const char *out, const char *keyword)
{
	size_t kl = strlen(keyword);

	for (const char *p = out; p && *p;) {
		if (strncmp(p, keyword, kl) == 0 && p[kl] == ' ')
			return strndup(p + kl + 1, strcspn(p + kl + 1, "\n"));
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/* The default of keyword that sshd -T of version prints (with vendors' patches). */
static void assert_default(int version, unsigned vendors, const char *keyword, const char *want)
{
	struct sshd_config cfg;
	char *out, *got;

	parse(&cfg, "", version, vendors);
	out = dump(&cfg, NULL);
	got = dump_line(out, keyword);
	if (!want && got)
		fail_msg("%d: %s printed (%s), sshd -T has no such line", version, keyword, got);
	if (want && (!got || strcmp(got, want) != 0))
		fail_msg("%d: %s is \"%s\", want \"%s\"", version, keyword, got ? got : "(no line)",
			 want);
	free(got);
	free(out);
	sshd_config_free(&cfg);
}

#define RSA_SHA2 "rsa-sha2-512,rsa-sha2-256"
#define NIST_CERTS                                                                                 \
	"ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,"       \
	"ecdsa-sha2-nistp521-cert-v01@openssh.com"
#define NIST   "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521"
#define ECDH   "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521"
#define C25519 "curve25519-sha256,curve25519-sha256@libssh.org"
#define MODP                                                                                       \
	"diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"                      \
	"diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"
#define CTR "aes128-ctr,aes192-ctr,aes256-ctr"
#define GCM "aes128-gcm@openssh.com,aes256-gcm@openssh.com"
#define MACS                                                                                       \
	"umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"          \
	"hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"             \
	"umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1"
/* KEX_DEFAULT_PK_ALG from 8.8 (8.5 to 8.7: the same with ssh-rsa-cert and ssh-rsa) */
#define PK_88                                                                                      \
	"ssh-ed25519-cert-v01@openssh.com," NIST_CERTS ",sk-ssh-ed25519-cert-v01@openssh.com,"     \
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,"           \
	"rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519," NIST ",sk-ssh-ed25519@openssh.com,"       \
	"sk-ecdsa-sha2-nistp256@openssh.com," RSA_SHA2
#define CA_85                                                                                      \
	"ssh-ed25519," NIST                                                                        \
	",sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com," RSA_SHA2
#define GSS_6                                                                                      \
	"gss-group14-sha256-,gss-group16-sha512-,gss-nistp256-sha256-,gss-curve25519-sha256-,"     \
	"gss-group14-sha1-,gss-gex-sha1-"

/* The lists are those of myproposal.h at the release tags (sshdcfg_algs.def). */
static void dump_default_algs(void **state)
{
	static const char pk74[] =
		NIST_CERTS ",ssh-ed25519-cert-v01@openssh.com,"
			   "ssh-rsa-cert-v01@openssh.com," NIST ",ssh-ed25519," RSA_SHA2 ",ssh-rsa";
	static const char pk82[] = NIST_CERTS
		",sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
		"ssh-ed25519-cert-v01@openssh.com,sk-ssh-ed25519-cert-v01@openssh.com,"
		"rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,"
		"ssh-rsa-cert-v01@openssh.com," NIST ",sk-ecdsa-sha2-nistp256@openssh.com,"
		"ssh-ed25519,sk-ssh-ed25519@openssh.com," RSA_SHA2 ",ssh-rsa";
	const unsigned rhel = V_ALL | V_GSSKEX | V_RHEL;

	(void)state;
	/* 7.4 (Debian 9): group14-sha1, the keytypes names, no CA line, no GSSAPIKexAlgorithms */
	assert_default(704, DEB, "kexalgorithms",
		       C25519 "," ECDH "," MODP ",diffie-hellman-group14-sha1");
	assert_default(704, DEB, "ciphers", "chacha20-poly1305@openssh.com," CTR "," GCM);
	assert_default(704, DEB, "macs", MACS);
	assert_default(704, DEB, "hostkeyalgorithms", pk74);
	assert_default(704, DEB, "pubkeyacceptedkeytypes", pk74);
	assert_default(704, DEB, "hostbasedacceptedkeytypes", pk74);
	assert_default(704, DEB, "pubkeyacceptedalgorithms", NULL);
	assert_default(704, DEB, "casignaturealgorithms", NULL);
	assert_default(704, DEB, "gssapikexalgorithms", NULL);
	/* 7.9: SSH_ALLOWED_CA_SIGALGS appears */
	assert_default(709, DEB, "casignaturealgorithms", NIST ",ssh-ed25519," RSA_SHA2 ",ssh-rsa");
	/* Debian's gssapi.patch: the option from 8.0, the SHA2 methods by default from 8.3 */
	assert_default(800, DEB, "gssapikexalgorithms", "gss-gex-sha1-,gss-group14-sha1-");
	assert_default(800, rhel, "gssapikexalgorithms", NULL);
	/* 8.4 (Debian 11): sk keys, still the keytypes names */
	assert_default(804, DEB, "kexalgorithms", C25519 "," ECDH "," MODP);
	assert_default(804, DEB, "pubkeyacceptedkeytypes", pk82);
	assert_default(804, DEB, "hostbasedacceptedkeytypes", pk82);
	assert_default(804, DEB, "hostkeyalgorithms", pk82);
	assert_default(804, DEB, "pubkeyacceptedalgorithms", NULL);
	assert_default(804, DEB, "casignaturealgorithms",
		       NIST ",sk-ecdsa-sha2-nistp256@openssh.com,ssh-ed25519,"
			    "sk-ssh-ed25519@openssh.com," RSA_SHA2);
	assert_default(804, DEB, "gssapikexalgorithms", GSS_6);
	/* 8.5: the new names, ed25519 first */
	assert_default(805, DEB, "pubkeyacceptedkeytypes", NULL);
	assert_default(805, DEB, "casignaturealgorithms", CA_85);
	/* 8.9 (Ubuntu 22.04): sntrup761 after ECDH, no ssh-rsa since 8.8 */
	assert_default(809, DEB, "kexalgorithms",
		       C25519 "," ECDH ",sntrup761x25519-sha512@openssh.com," MODP);
	assert_default(809, DEB, "pubkeyacceptedalgorithms", PK_88);
	assert_default(809, DEB, "hostbasedacceptedalgorithms", PK_88);
	/* 9.2: Debian 12 (the oracle's sshd -T) and upstream */
	assert_default(902, DEB, "kexalgorithms",
		       "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com," C25519 "," ECDH
		       "," MODP);
	assert_default(902, V_ALL, "kexalgorithms",
		       "sntrup761x25519-sha512@openssh.com," C25519 "," ECDH "," MODP);
	assert_default(902, DEB, "ciphers", "chacha20-poly1305@openssh.com," CTR "," GCM);
	assert_default(902, DEB, "hostkeyalgorithms", PK_88);
	assert_default(902, DEB, "casignaturealgorithms", CA_85);
	assert_default(902, DEB, "gssapikexalgorithms", GSS_6);
	/* 9.9: mlkem768 available and in the list, after sntrup761 */
	assert_default(909, DEB, "kexalgorithms",
		       "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,"
		       "mlkem768x25519-sha256," C25519 "," ECDH "," MODP);
	assert_default(909, DEB, "ciphers", "chacha20-poly1305@openssh.com," CTR "," GCM);
	/* 10.0: mlkem768 first, no finite field DH, GCM before CTR */
	assert_default(1000, DEB, "kexalgorithms",
		       "mlkem768x25519-sha256,sntrup761x25519-sha512,"
		       "sntrup761x25519-sha512@openssh.com," C25519 "," ECDH);
	assert_default(1000, DEB, "ciphers", "chacha20-poly1305@openssh.com," GCM "," CTR);
	assert_default(1000, DEB, "macs", MACS);
	assert_default(1000, DEB, "pubkeyacceptedalgorithms", PK_88);
	assert_default(1002, DEB, "casignaturealgorithms", CA_85);
}

/* + - ^ against the release's default, printed under the release's name. */
static void dump_algs_edits(void **state)
{
	struct sshd_config cfg;
	char *out, *line;

	(void)state;
	parse(&cfg, "PubkeyAcceptedKeyTypes +ssh-dss\nKexAlgorithms -*sha1,ecdh*\n", 704, DEB);
	assert_false(cfg.fatal);
	out = dump(&cfg, NULL);
	line = dump_line(out, "pubkeyacceptedkeytypes");
	assert_non_null(line);
	assert_non_null(strstr(line, ",rsa-sha2-256,ssh-rsa,ssh-dss"));
	free(line);
	line = dump_line(out, "kexalgorithms");
	assert_string_equal(line, C25519 "," MODP);
	free(line);
	assert_null(strstr(out, "pubkeyacceptedalgorithms"));
	free(out);
	sshd_config_free(&cfg);

	/* a full list needs no default; an edit of an unknown default prints nothing */
	parse(&cfg, "GSSAPIKexAlgorithms gss-curve25519-sha256-\n", 800, V_ALL | V_GSSKEX | V_RHEL);
	out = dump(&cfg, NULL);
	line = dump_line(out, "gssapikexalgorithms");
	assert_string_equal(line, "gss-curve25519-sha256-");
	free(line);
	free(out);
	sshd_config_free(&cfg);
	parse(&cfg, "GSSAPIKexAlgorithms +gss-curve25519-sha256-\n", 800,
	      V_ALL | V_GSSKEX | V_RHEL);
	out = dump(&cfg, NULL);
	assert_null(strstr(out, "gssapikexalgorithms"));
	free(out);
	sshd_config_free(&cfg);
}

/*
 * Both tables agree: every default list the dump prints, for every release
 * from 7.4 to 10.2, names only algorithms the release knows (sshd would
 * take it as a value), and resolves to itself.
 */
static void default_algs_are_known(void **state)
{
	static const char *const keywords[] = {
		"ciphers",
		"macs",
		"kexalgorithms",
		"hostkeyalgorithms",
		"pubkeyacceptedalgorithms",
		"pubkeyacceptedkeytypes",
		"hostbasedacceptedalgorithms",
		"hostbasedacceptedkeytypes",
		"casignaturealgorithms",
		"gssapikexalgorithms",
	};
	static const int majors[][2] = { { 7, 4 }, { 8, 0 }, { 9, 0 }, { 10, 0 } };
	size_t lines = 0;

	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(majors); m++)
		for (int minor = majors[m][1]; minor <= 9; minor++) {
			int version = majors[m][0] * 100 + minor;
			struct sshd_config cfg;
			char *out;

			if (version > 1002)
				break;
			parse(&cfg, "", version, DEB);
			out = dump(&cfg, NULL);
			sshd_config_free(&cfg);
			for (size_t k = 0; k < ARRAY_SIZE(keywords); k++) {
				char *list = dump_line(out, keywords[k]), *text = NULL, *again;

				if (!list)
					continue;
				lines++;
				assert_true(asprintf(&text, "%s %s\n", keywords[k], list) > 0);
				parse(&cfg, text, version, DEB);
				if (cfg.fatal || cfg.ndiags)
					fail_msg("%d: %s", version, text);
				free(text);
				text = dump(&cfg, NULL);
				again = dump_line(text, keywords[k]);
				assert_non_null(again);
				assert_string_equal(again, list);
				free(again);
				free(text);
				free(list);
				sshd_config_free(&cfg);
			}
			free(out);
		}
	/* 7.4-7.8: 6 lines a release, 7.9: 7 (CASignatureAlgorithms), 8.0-10.2: 8 (GSS kex) */
	assert_int_equal(lines, 5 * 6 + 7 + 8 * 23);
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
		cmocka_unit_test(table_is_sane),   cmocka_unit_test(dump_default_algs),
		cmocka_unit_test(dump_algs_edits), cmocka_unit_test(default_algs_are_known),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
