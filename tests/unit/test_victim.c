// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_victim.c - the victim model: account-file parsers on good and hostile
 * input, os-release quoting and families, the OpenSSH version from dpkg and
 * from the sshd binary, a whole tree loaded. Its sshd_config reader and the
 * AuthorizedKeysFile expansion are in test_victim_sshd.c.
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

/* ---- helpers ---- */

static struct rsc_victim *new_model(void)
{
	struct rsc_victim *v = calloc(1, sizeof(*v));

	assert_non_null(v);
	return v;
}

static bool has_note(const struct rsc_victim *v, const char *needle)
{
	for (size_t i = 0; i < v->nnotes; i++)
		if (strstr(v->notes[i], needle))
			return true;
	return false;
}

static void dump_notes(const struct rsc_victim *v)
{
	for (size_t i = 0; i < v->nnotes; i++)
		fprintf(stderr, "  note: %s\n", v->notes[i]);
}

#define assert_note(v, s)                                                                          \
	do {                                                                                       \
		if (!has_note(v, s))                                                               \
			dump_notes(v);                                                             \
		assert_true(has_note(v, s));                                                       \
	} while (0)

static struct rsc_victim *parse_passwd(const char *text, size_t len)
{
	struct rsc_victim *v = new_model();

	assert_int_equal(rsc_parse_passwd(v, text, len), 0);
	return v;
}

/* ---- /etc/passwd ---- */

static void passwd_good(void **state)
{
	static const char text[] = "root:x:0:0:root:/root:/bin/bash\n"
				   "# a comment\n"
				   "\n"
				   "  alice:x:1001:1001:Alice,,,:/home/alice:/bin/bash\n"
				   "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin";
	struct rsc_victim *v = parse_passwd(text, strlen(text));
	const struct rsc_user *u;

	assert_int_equal(v->nusers, 3);
	assert_int_equal(v->nnotes, 0);
	u = rsc_victim_user_by_name(v, "alice");
	assert_non_null(u);
	assert_int_equal(u->uid, 1001);
	assert_int_equal(u->gid, 1001);
	assert_string_equal(u->gecos, "Alice,,,");
	assert_string_equal(u->home, "/home/alice");
	assert_string_equal(u->shell, "/bin/bash");
	assert_int_equal(u->lineno, 4);
	assert_false(u->has_shadow);
	assert_null(u->hash);
	assert_int_equal(u->expire_day, -1);
	/* no trailing newline on the last line */
	u = rsc_victim_user_by_uid(v, 65534);
	assert_non_null(u);
	assert_string_equal(u->shell, "/usr/sbin/nologin");
	assert_ptr_equal(rsc_victim_user_by_uid(v, 0), &v->users[0]);
	assert_null(rsc_victim_user_by_name(v, "bob"));
	assert_null(rsc_victim_user_by_uid(v, 4242));
	rsc_victim_free(v);
}

static void passwd_hostile(void **state)
{
	static const char text[] = "root:x:0:0:root:/root:/bin/bash\n"			  /* 1 */
				   "short:x:1:1:/home/short:/bin/sh\n"			  /* 2 */
				   "long:x:2:2:a:b:/c:/bin/sh\n"			  /* 3 */
				   "big:x:99999999999:1::/home/big:/bin/sh\n"		  /* 4 */
				   "neg:x:-1:1::/home/neg:/bin/sh\n"			  /* 5 */
				   "max:x:4294967295:1::/:/bin/sh\n"			  /* 6 */
				   "txt:x:12a:1::/:/bin/sh\n"				  /* 7 */
				   ":x:5:5::/:/bin/sh\n"				  /* 8 */
				   "root:x:1234:1234:evil twin:/tmp:/bin/sh\n"		  /* 9 */
				   "+nisuser::::::\n"					  /* 10 */
				   "-@netgroup::::::\n"					  /* 11 */
				   "crlf:x:1004:1004:CR LF:/home/crlf:/bin/bash\r\n"	  /* 12 */
				   "e\033[31mvil:x:1005:1005:\033]0;pwn\007:/h:/bin/sh\n" /* 13 */
				   "nul:x:1006:1006:a\0b:/home/nul:/bin/sh\n"		  /* 14 */
				   "empty:x::1::/:/bin/sh\n"				  /* 15 */
				   "okay:x:4294967294:0::/:\n";				  /* 16 */
	struct rsc_victim *v = parse_passwd(text, sizeof(text) - 1);
	const struct rsc_user *u;

	assert_note(v, "/etc/passwd:2: 6 fields, expected 7");
	assert_note(v, "/etc/passwd:3: 8 fields, expected 7");
	assert_note(v, "/etc/passwd:4: uid or gid is not a number");
	assert_note(v, "/etc/passwd:5: uid or gid");
	assert_note(v, "/etc/passwd:6: uid or gid");
	assert_note(v, "/etc/passwd:7: uid or gid");
	assert_note(v, "/etc/passwd:8: empty user name");
	assert_note(v, "/etc/passwd:9: user already defined on line 1");
	assert_note(v, "/etc/passwd:10: NIS compat");
	assert_note(v, "/etc/passwd:11: NIS compat");
	assert_note(v, "/etc/passwd:12: line ends in CR");
	assert_note(v, "/etc/passwd:14: NUL byte");
	assert_note(v, "/etc/passwd:15: uid or gid");
	/* root keeps the first line's values */
	u = rsc_victim_user_by_name(v, "root");
	assert_non_null(u);
	assert_int_equal(u->uid, 0);
	assert_string_equal(u->home, "/root");
	assert_null(rsc_victim_user_by_uid(v, 1234));
	/* the CR stays in the shell, as glibc leaves it: that shell does not exist */
	u = rsc_victim_user_by_name(v, "crlf");
	assert_non_null(u);
	assert_string_equal(u->shell, "/bin/bash\r");
	assert_int_equal(u->lineno, 12);
	/* escape sequences are kept raw; escaping is the report's job */
	u = rsc_victim_user_by_uid(v, 1005);
	assert_non_null(u);
	assert_string_equal(u->name, "e\033[31mvil");
	assert_string_equal(u->gecos, "\033]0;pwn\007");
	/* the largest valid uid and an empty shell */
	u = rsc_victim_user_by_name(v, "okay");
	assert_non_null(u);
	assert_int_equal(u->uid, 4294967294U);
	assert_string_equal(u->shell, "");
	assert_int_equal(v->nusers, 4); /* root, crlf, e..vil, okay */
	/* notes never quote victim bytes */
	for (size_t i = 0; i < v->nnotes; i++)
		for (const char *c = v->notes[i]; *c; c++)
			assert_true(*c >= 0x20 && *c < 0x7f);
	rsc_victim_free(v);
}

static void passwd_overlong_and_many(void **state)
{
	struct rsc_buf b = { 0 };
	struct rsc_victim *v;

	assert_int_equal(rsc_buf_adds(&b, "long:x:1:1:"), 0);
	for (int i = 0; i < 70000; i++)
		assert_int_equal(rsc_buf_add(&b, "g", 1), 0);
	assert_int_equal(rsc_buf_adds(&b, ":/:/bin/sh\n"), 0);
	for (int i = 0; i < 50000; i++)
		assert_int_equal(rsc_buf_printf(&b, "u%d:x:%d:%d::/home/u%d:/bin/sh\n", i % 40000,
						10000 + i, 100, i),
				 0);
	v = parse_passwd(b.data, b.len);
	assert_note(v, "/etc/passwd:1: line longer than 65536 bytes");
	assert_int_equal(v->nusers, 40000);
	/* the duplicates (10000 of them) hit the note cap, which ends with one summary */
	assert_int_equal(v->nnotes, 1001);
	assert_note(v, "further malformed lines are not listed");
	assert_int_equal(rsc_victim_user_by_name(v, "u39999")->uid, 49999);
	assert_int_equal(rsc_victim_user_by_name(v, "u0")->uid, 10000); /* first wins */
	/* how fast the hashed duplicate check is: tests/bench/users.sh, not a timed unit test */
	rsc_victim_free(v);
	rsc_buf_free(&b);
}

/* ---- /etc/group ---- */

static void group_parse(void **state)
{
	static const char text[] = "root:x:0:\n"
				   "staff:x:50:bob,alice\n"
				   "spaced:x:51: carol, dave ,,erin\n"
				   "bad:x:52\n"
				   "staff:x:53:mallory\n"
				   "nan:x:5x:\n"
				   "crlf:x:54:\r\n"
				   "twin:x:50:carol\n";
	struct rsc_victim *v = new_model();
	const struct rsc_group *g;
	struct rsc_user alice = { .name = "alice", .gid = 1001 };
	struct rsc_user carol = { .name = "carol", .gid = 1003 };
	struct rsc_user dave = { .name = "dave", .gid = 50 };

	assert_int_equal(rsc_parse_group(v, text, strlen(text)), 0);
	assert_int_equal(v->ngroups, 5);
	g = rsc_victim_group_by_name(v, "root");
	assert_non_null(g);
	assert_int_equal(g->nmembers, 0);
	assert_non_null(g->members);
	assert_null(g->members[0]);
	g = rsc_victim_group_by_gid(v, 50);
	assert_non_null(g);
	assert_string_equal(g->name, "staff");
	assert_int_equal(g->nmembers, 2);
	assert_string_equal(g->members[0], "bob");
	assert_string_equal(g->members[1], "alice");
	assert_null(g->members[2]);
	g = rsc_victim_group_by_name(v, "spaced");
	assert_int_equal(g->nmembers, 3);
	assert_string_equal(g->members[0], "carol");
	assert_string_equal(g->members[1], "dave ");
	assert_string_equal(g->members[2], "erin");
	/* a CR is a member name of its own, like glibc reads it */
	g = rsc_victim_group_by_name(v, "crlf");
	assert_int_equal(g->nmembers, 1);
	assert_string_equal(g->members[0], "\r");
	assert_note(v, "/etc/group:4: 3 fields, expected 4");
	assert_note(v, "/etc/group:5: group already defined");
	assert_note(v, "/etc/group:6: gid is not a number");
	assert_note(v, "/etc/group:7: line ends in CR");
	assert_int_equal(rsc_victim_group_by_name(v, "staff")->gid, 50);
	assert_null(rsc_victim_group_by_gid(v, 53));
	/* membership: primary gid, any group entry with the gid ("twin" names carol) */
	assert_true(rsc_victim_user_in_group(v, &alice, 1001));
	assert_true(rsc_victim_user_in_group(v, &alice, 50));
	assert_true(rsc_victim_user_in_group(v, &carol, 50));
	assert_true(rsc_victim_user_in_group(v, &dave, 50));
	assert_false(rsc_victim_user_in_group(v, &dave, 51)); /* "dave " is not dave */
	assert_false(rsc_victim_user_in_group(v, &alice, 0));
	assert_false(rsc_victim_user_in_group(v, NULL, 0));
	rsc_victim_free(v);
}

/* ---- /etc/shadow ---- */

static void shadow_parse(void **state)
{
	static const char pw[] = "root:x:0:0::/root:/bin/sh\nalice:x:1:1::/a:/bin/sh\n"
				 "bob:x:2:2::/b:/bin/sh\ncarol:x:3:3::/c:/bin/sh\n"
				 "dave:x:4:4::/d:/bin/sh\n";
	static const char sh[] = "root:*:19700:0:99999:7:::\n"
				 "alice:$y$j9T$abc$def:19700:0:99999:7::19000:\n"
				 "bob:!\n"
				 "carol:!:x:0:99999:7:::\n"
				 "dave:!:1:2:3\n"
				 "alice:NEWHASH:1:1:1:1:1:1:\n"
				 "ghost:!:1:1:1:1:1:1:\n"
				 "dave:*:1:2:3:4:5:-1:\n";
	struct rsc_victim *v = parse_passwd(pw, strlen(pw));
	const struct rsc_user *u;

	assert_int_equal(rsc_parse_shadow(v, sh, strlen(sh)), 0);
	u = rsc_victim_user_by_name(v, "root");
	assert_true(u->has_shadow);
	assert_string_equal(u->hash, "*");
	assert_int_equal(u->expire_day, -1);
	u = rsc_victim_user_by_name(v, "alice");
	assert_string_equal(u->hash, "$y$j9T$abc$def"); /* the first line wins */
	assert_int_equal(u->expire_day, 19000);
	u = rsc_victim_user_by_name(v, "bob");
	assert_true(u->has_shadow); /* glibc accepts "name:hash" */
	assert_string_equal(u->hash, "!");
	assert_int_equal(u->expire_day, -1);
	u = rsc_victim_user_by_name(v, "carol");
	assert_false(u->has_shadow);
	assert_null(u->hash);
	u = rsc_victim_user_by_name(v, "dave");
	assert_true(u->has_shadow); /* from the last line; line 5 had 5 fields */
	assert_string_equal(u->hash, "*");
	assert_int_equal(u->expire_day, -1);
	assert_note(v, "/etc/shadow:4: a day field is not a number");
	assert_note(v, "/etc/shadow:5: 5 fields, expected 9");
	assert_note(v, "/etc/shadow:6: user already has a shadow entry");
	assert_false(has_note(v, "/etc/shadow:7:")); /* an entry without account is harmless */
	rsc_victim_free(v);
}

/* ---- os-release ---- */

static void os_release_quoting(void **state)
{
	static const char text[] = "# comment\n"
				   "NAME=\"Debian GNU/Linux\"\n"
				   "ID=debian\n"
				   "ID=\"deb\"'ian'\n"
				   "VERSION_ID='12'\r\n"
				   "PRETTY_NAME=\"Say \\\"hi\\\" \\\\ \\$HOME \\q it's\"\n"
				   "ID_LIKE=\"unterminated\n"
				   "  ID_LIKE=a\\ b trailing words\n"
				   "NOTID=x\n";
	struct rsc_victim *v = new_model();

	assert_int_equal(rsc_parse_os_release(v, text, strlen(text)), 0);
	assert_string_equal(v->os_id, "debian");
	assert_string_equal(v->os_version_id, "12");
	assert_string_equal(v->os_pretty_name, "Say \"hi\" \\ $HOME \\q it's");
	assert_string_equal(v->os_id_like, "a b");
	assert_int_equal(v->family, RSC_OS_DEBIAN);
	rsc_victim_free(v);
}

static void os_family(void **state)
{
	static const struct {
		const char *text;
		enum rsc_os_family family;
	} cases[] = {
		{ "ID=debian\n", RSC_OS_DEBIAN },
		{ "ID=ubuntu\nID_LIKE=debian\n", RSC_OS_DEBIAN },
		{ "ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n", RSC_OS_DEBIAN },
		{ "ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n", RSC_OS_RHEL },
		{ "ID=\"almalinux\"\n", RSC_OS_RHEL },
		{ "ID=fedora\n", RSC_OS_RHEL },
		{ "ID=\"amzn\"\nID_LIKE=\"fedora\"\n", RSC_OS_RHEL },
		{ "ID=\"ol\"\nID_LIKE=\"fedora\"\n", RSC_OS_RHEL },
		{ "ID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"\n", RSC_OS_SUSE },
		{ "ID=\"opensuse-tumbleweed\"\n", RSC_OS_SUSE },
		{ "ID=\"sles\"\n", RSC_OS_SUSE },
		{ "ID=arch\n", RSC_OS_ARCH },
		{ "ID=manjaro\nID_LIKE=arch\n", RSC_OS_ARCH },
		{ "ID=alpine\n", RSC_OS_ALPINE },
		{ "ID=gentoo\n", RSC_OS_UNKNOWN },
		{ "ID=debianish\nID_LIKE=ubuntuish\n", RSC_OS_UNKNOWN },
		{ "", RSC_OS_UNKNOWN },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rsc_victim *v = new_model();

		assert_int_equal(rsc_parse_os_release(v, cases[i].text, strlen(cases[i].text)), 0);
		if (v->family != cases[i].family)
			fprintf(stderr, "case %zu: %s\n", i, cases[i].text);
		assert_int_equal(v->family, cases[i].family);
		rsc_victim_free(v);
	}
}

/* ---- OpenSSH version ---- */

static void sshver_parse(void **state)
{
	static const struct {
		const char *in, *text;
		int major, minor, portable;
	} good[] = {
		{ "9.2p1", "9.2p1", 9, 2, 1 },
		{ "OpenSSH_9.2p1 Debian-2+deb12u3", "9.2p1", 9, 2, 1 },
		{ "1:9.2p1-2+deb12u3", "9.2p1", 9, 2, 1 },
		{ "1:8.9p1-3ubuntu0.10", "8.9p1", 8, 9, 1 },
		{ "8.0p1-19.el8_8", "8.0p1", 8, 0, 1 },
		{ "OpenSSH_6.6.1p1", "6.6.1p1", 6, 6, 1 },
		{ "10.0p2", "10.0p2", 10, 0, 2 },
		{ "OpenSSH_9.2", "9.2", 9, 2, 0 },
	};
	static const char *const bad[] = { "",	      "x",	     "9",     "9.",
					   "9.x",     "OpenSSH_2.*", "9.2q1", "0.9p1",
					   "9.2p",    "9.2p1a",	     "1:",    "12345.1p1",
					   "OpenSSH_" };

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct rsc_sshver sv = { 0 };

		assert_int_equal(rsc_parse_sshver(good[i].in, &sv), 0);
		assert_string_equal(sv.text, good[i].text);
		assert_int_equal(sv.major, good[i].major);
		assert_int_equal(sv.minor, good[i].minor);
		assert_int_equal(sv.portable, good[i].portable);
		free(sv.text);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct rsc_sshver sv = { 0 };

		if (rsc_parse_sshver(bad[i], &sv) != -EINVAL)
			fprintf(stderr, "accepted: '%s'\n", bad[i]);
		assert_int_equal(rsc_parse_sshver(bad[i], &sv), -EINVAL);
		assert_null(sv.text);
		assert_int_equal(sv.major, 0);
	}
}

static void ssh_cmp(void **state)
{
	struct rsc_victim *v = new_model();

	assert_true(rsc_victim_ssh_cmp(v, 99, 0) > 0); /* unknown: the newest */
	v->ssh.major = 9;
	v->ssh.minor = 2;
	assert_int_equal(rsc_victim_ssh_cmp(v, 9, 2), 0);
	assert_true(rsc_victim_ssh_cmp(v, 9, 3) < 0);
	assert_true(rsc_victim_ssh_cmp(v, 10, 0) < 0);
	assert_true(rsc_victim_ssh_cmp(v, 7, 9) > 0);
	assert_true(rsc_victim_ssh_cmp(v, 9, 1) > 0);
	rsc_victim_free(v);
}

/* ---- loading a tree ---- */

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

static void load_fixture(void **state)
{
	struct vfx *f = *state;
	const struct rsc_user *u;

	vfx_load(f);
	if (f->victim->nnotes)
		dump_notes(f->victim);
	assert_int_equal(f->victim->nnotes, 0);
	assert_true(f->victim->has_passwd && f->victim->has_group && f->victim->has_shadow);
	assert_int_equal(f->victim->nusers, 6);
	assert_int_equal(f->victim->ngroups, 6);
	u = rsc_victim_user_by_name(f->victim, "alice");
	assert_true(u->has_shadow);
	assert_string_equal(u->hash, "!");
	assert_false(rsc_victim_user_by_name(f->victim, "bob")->has_shadow);
	assert_true(
		rsc_victim_user_in_group(f->victim, rsc_victim_user_by_name(f->victim, "bob"), 50));
	assert_string_equal(f->victim->os_id, "debian");
	assert_string_equal(f->victim->os_pretty_name, "Test debian");
	assert_string_equal(f->victim->os_version_id, "1");
	assert_null(f->victim->os_id_like);
	assert_int_equal(f->victim->family, RSC_OS_DEBIAN);
	assert_int_equal(f->victim->uid_min, 1000);
	assert_int_equal(f->victim->ssh.major, 9);
	assert_int_equal(f->victim->ssh.minor, 2);
	assert_int_equal(f->victim->ssh.portable, 1);
	assert_string_equal(f->victim->ssh.text, "9.2p1");
	assert_string_equal(f->victim->ssh.package, "1:9.2p1-2+deb12u3");
	assert_string_equal(f->victim->ssh.source, "dpkg");
	assert_true(f->victim->sshd.config_found);
	assert_true(f->victim->sshd.strict_modes);
	assert_true(f->victim->sshd.pubkey_authentication);
	assert_int_equal(f->victim->sshd.n_authorized_keys_files, 2);
	assert_string_equal(f->victim->sshd.authorized_keys_files[0], ".ssh/authorized_keys");
	assert_string_equal(f->victim->sshd.authorized_keys_files[1], ".ssh/authorized_keys2");
	assert_null(f->victim->sshd.authorized_keys_files[2]);
	assert_ptr_equal(f->victim->root, f->root);
}

static void load_missing_files(void **state)
{
	struct vfx *f = *state;
	struct rsc_victim *v = NULL;
	char *outside = tu_mkdtemp();
	char *target = NULL;

	tu_remove(f->dir, "etc/group");
	/* an absolute symlink to a file of the helper: resolved inside the victim, so missing */
	tu_write(outside, "shadow", "root:HOSTHASH:1:1:1:1:1:1:\n", 0644, 0, 0);
	assert_true(asprintf(&target, "%s/shadow", outside) > 0);
	tu_remove(f->dir, "etc/shadow");
	tu_symlink(f->dir, "etc/shadow", target);
	tu_remove(f->dir, "etc/os-release");
	tu_write(f->dir, "usr/lib/os-release", "ID=rocky\nID_LIKE=\"rhel fedora\"\n", 0644, 0, 0);
	tu_remove(f->dir, "etc/ssh/sshd_config");
	tu_write(f->dir, "etc/login.defs", "UID_MIN 2000\n#UID_MIN 5\nUID_MIN\t  500 # x\n", 0644,
		 0, 0);
	vfx_load(f);
	assert_note(f->victim, "/etc/group: missing");
	assert_note(f->victim, "/etc/shadow: missing");
	assert_false(f->victim->has_group);
	assert_false(f->victim->has_shadow);
	assert_int_equal(f->victim->ngroups, 0);
	assert_false(rsc_victim_user_by_name(f->victim, "root")->has_shadow);
	assert_null(rsc_victim_user_by_name(f->victim, "root")->hash);
	assert_int_equal(f->victim->family, RSC_OS_RHEL);
	assert_string_equal(f->victim->os_id, "rocky");
	assert_int_equal(f->victim->uid_min, 500);
	assert_false(f->victim->sshd.config_found);
	assert_true(f->victim->sshd.strict_modes);
	assert_int_equal(f->victim->sshd.n_authorized_keys_files, 2);

	/* a FIFO never hangs the load; an absolute link inside the victim is followed there */
	tu_mkfifo(f->dir, "etc/group", 0644);
	tu_remove(f->dir, "etc/shadow");
	tu_symlink(f->dir, "etc/shadow", "/etc/passwd");
	vfx_load(f);
	assert_note(f->victim, "/etc/group: not read");
	assert_true(f->victim->has_shadow);
	assert_note(f->victim, "/etc/shadow:1: 7 fields, expected 9");

	tu_remove(f->dir, "etc/passwd");
	rsc_victim_free(f->victim);
	f->victim = NULL;
	assert_int_equal(rsc_victim_load(f->root, &v), -ENOENT);
	assert_null(v);
	free(target);
	tu_rmtree(outside);
	free(outside);
}

static void dpkg_status(void **state)
{
	struct vfx *f = *state;

	tu_write(f->dir, "var/lib/dpkg/status",
		 "Package: openssh-client\nStatus: install ok installed\nVersion: 1:7.4p1-1\n\n"
		 "Package: openssh-server\nStatus: deinstall ok config-files\n"
		 "Version: 1:8.4p1-5\nDescription: secure shell\n old text\n\n"
		 "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\n",
		 0644, 0, 0);
	vfx_load(f);
	/* only config files of openssh-server, no binary: unknown */
	assert_int_equal(f->victim->ssh.major, 0);
	assert_null(f->victim->ssh.source);
	assert_null(f->victim->ssh.text);
	assert_true(rsc_victim_ssh_cmp(f->victim, 10, 0) > 0);

	tu_write(f->dir, "var/lib/dpkg/status",
		 "Package: openssh-client\r\nStatus: install ok installed\r\nVersion: 1:7.4p1-1\r\n"
		 "\r\n"
		 "Package: openssh-server\r\nStatus: hold ok installed\r\nPriority: optional\r\n"
		 "Version: 1:8.4p1-5+deb11u3\r\nDepends: libc6\r\n"
		 "\r\n"
		 "Package: zlib1g\r\nStatus: install ok installed\r\nVersion: 1:1.2.13\r\n",
		 0644, 0, 0);
	vfx_load(f);
	assert_string_equal(f->victim->ssh.source, "dpkg");
	assert_string_equal(f->victim->ssh.package, "1:8.4p1-5+deb11u3");
	assert_string_equal(f->victim->ssh.text, "8.4p1");
	assert_int_equal(f->victim->ssh.major, 8);
	assert_int_equal(f->victim->ssh.minor, 4);
	assert_true(rsc_victim_ssh_cmp(f->victim, 8, 5) < 0);
}

static void write_binary(const char *dir, const char *rel, const char *const *strings, size_t n)
{
	char *path = NULL;
	FILE *f;

	assert_true(asprintf(&path, "%s/%s", dir, rel) > 0);
	tu_write(dir, rel, "", 0755, 0, 0);
	f = fopen(path, "wb");
	assert_non_null(f);
	for (int i = 0; i < 4096; i++) /* some code-like bytes first */
		fputc((i * 7 + 3) & 0xff, f);
	for (size_t i = 0; i < n; i++)
		fwrite(strings[i], 1, strlen(strings[i]) + 1, f);
	for (int i = 0; i < 4096; i++)
		fputc(i & 0xff, f);
	fclose(f);
	free(path);
}

static void sshd_binary(void **state)
{
	static const char *const bin[] = {
		"OpenSSH_2.*,OpenSSH_3.0*,OpenSSH_3.1*",
		"OpenSSH_7.4*",
		"OpenSSH_9.6",
		"sshd version %s, %s",
		"OpenSSH_9.6p1 Ubuntu-3ubuntu13.5",
	};
	static const char *const only_compat[] = { "OpenSSH_7.4*", "OpenSSH_5*" };
	struct vfx *f = *state;

	tu_remove(f->dir, "var/lib/dpkg/status");
	write_binary(f->dir, "usr/bin/sshd", bin, ARRAY_SIZE(bin));
	vfx_load(f);
	assert_string_equal(f->victim->ssh.source, "binary");
	assert_string_equal(f->victim->ssh.text, "9.6p1");
	assert_null(f->victim->ssh.package);
	assert_int_equal(f->victim->ssh.major, 9);
	assert_int_equal(f->victim->ssh.minor, 6);
	assert_int_equal(f->victim->ssh.portable, 1);

	/* /usr/sbin/sshd comes first; a bare SSH_VERSION is used when nothing better exists */
	write_binary(f->dir, "usr/sbin/sshd", bin + 2, 1);
	vfx_load(f);
	assert_string_equal(f->victim->ssh.text, "9.6");
	assert_int_equal(f->victim->ssh.portable, 0);

	/* only compat patterns: falls through to /usr/bin/sshd */
	write_binary(f->dir, "usr/sbin/sshd", only_compat, ARRAY_SIZE(only_compat));
	vfx_load(f);
	assert_string_equal(f->victim->ssh.text, "9.6p1");

	tu_remove(f->dir, "usr/bin/sshd");
	vfx_load(f);
	assert_int_equal(f->victim->ssh.major, 0);
	assert_null(f->victim->ssh.source);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passwd_good),
		cmocka_unit_test(passwd_hostile),
		cmocka_unit_test(passwd_overlong_and_many),
		cmocka_unit_test(group_parse),
		cmocka_unit_test(shadow_parse),
		cmocka_unit_test(os_release_quoting),
		cmocka_unit_test(os_family),
		cmocka_unit_test(sshver_parse),
		cmocka_unit_test(ssh_cmp),
		cmocka_unit_test_setup_teardown(load_fixture, setup, teardown),
		cmocka_unit_test_setup_teardown(load_missing_files, setup, teardown),
		cmocka_unit_test_setup_teardown(dpkg_status, setup, teardown),
		cmocka_unit_test_setup_teardown(sshd_binary, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
