// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_manifest.c - the journal manifest's strict parser and its writer, on
 * text alone: what it rejects (with the reason), every record kind through
 * format and parse unchanged, and version 4's cleanup records.
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

#include "journal.h"
#include "util.h"

#define HEAD  "sshrescue-journal 1\ncommand fix\ntime 2026-11-23T03:45:01Z\n"
#define HEAD2 "sshrescue-journal 2\ncommand fix\ntime 2026-11-23T03:45:01Z\n"
#define HEAD3 "sshrescue-journal 3\ncommand fix\ntime 2026-11-23T03:45:01Z\n"

static void parser_rejects(void **state)
{
	static const struct {
		const char *text;
		const char *why;
	} cases[] = {
		{ "", "line 1: truncated (header incomplete)" },
		{ "hello\n", "line 1: not a sshrescue journal" },
		{ "sshrescue-journal 5\n", "line 1: unsupported journal version" },
		{ "sshrescue-journal 03\n", "line 1: unsupported journal version" },
		{ "sshrescue-journal 10\n", "line 1: unsupported journal version" },
		{ "sshrescue-journal 1\n", "line 2: truncated (header incomplete)" },
		{ "sshrescue-journal 1\ntime 2026-11-23T03:45:01Z\n",
		  "line 2: expected \"command" },
		{ "sshrescue-journal 1\ncommand fix\ntime yesterday\n", "line 3: expected \"time" },
		{ HEAD "1 file 0644 0 0 3 - /a", "line 4: truncated (no end of line)" },
		{ HEAD "1 file 0644 0 0 3 /a\n", "line 4: a record has 8 fields" },
		{ HEAD "1 file 0644 0 0 3 - /a b\n", "line 4: a record has 8 fields" },
		{ HEAD "1 file 0644 0 0  3 - /a\n", "line 4: a record has 8 fields" },
		{ HEAD "2 file 0644 0 0 3 - /a\n", "line 4: sequence number 2, expected 1" },
		{ HEAD "01 file 0644 0 0 3 - /a\n", "line 4: bad sequence number" },
		{ HEAD "1 file 0644 0 0 3 - /a\n1 file 0644 0 0 3 - /b\n",
		  "line 5: sequence number 1, expected 2" },
		{ HEAD "1 fifo 0644 0 0 3 - /a\n", "line 4: unknown kind" },
		{ HEAD "1 file 644 0 0 3 - /a\n", "line 4: bad mode" },
		{ HEAD "1 file 0648 0 0 3 - /a\n", "line 4: bad mode" },
		{ HEAD "1 file 0644 -1 0 3 - /a\n", "line 4: bad uid" },
		{ HEAD "1 file 0644 0 4294967295 3 - /a\n", "line 4: bad gid" },
		{ HEAD "1 file 0644 0 0 x - /a\n", "line 4: bad size" },
		{ HEAD "1 absent 0644 0 0 3 - /a\n", "line 4: an absent path has no mode" },
		{ HEAD "1 file 0644 0 0 3 data/2 /a\n", "line 4: bad data file name" },
		{ HEAD "1 file 0644 0 0 3 ../../etc/shadow /a\n", "line 4: bad data file name" },
		{ HEAD "1 dir 0755 0 0 3 data/1 /a\n", "line 4: bad data file name" },
		{ HEAD "1 file 0644 0 0 3 - ../../etc/x\n", "line 4: path is not absolute" },
		{ HEAD "1 file 0644 0 0 3 - /home/../../etc/x\n", "line 4: path is not absolute" },
		{ HEAD "1 file 0644 0 0 3 - /home/%2E%2E/etc/x\n", "line 4: path is not absolute" },
		{ HEAD "1 file 0644 0 0 3 - /a%00b\n", "line 4: bad path encoding" },
		{ HEAD "1 file 0644 0 0 3 - /a%0\n", "line 4: bad path encoding" },
		{ HEAD "1 file 0644 0 0 3 - /a%zz\n", "line 4: bad path encoding" },
		{ HEAD "1 file 0644 0 0 3 - /a\tb\n", "line 4: bad path encoding" },
		{ HEAD "complete\n1 file 0644 0 0 3 - /a\n", "line 5: text after \"complete\"" },
		{ HEAD "complete\ncomplete\n", "line 5: text after \"complete\"" },
		{ HEAD "undone\n", "line 4: expected a record or \"complete\"" },
		/* "wrote" lines: version 2 only, for an earlier absent or saved record */
		{ HEAD "1 absent - - - - - /a\nwrote 1 3 data/1.new\n",
		  "line 5: expected a record or \"complete\"" },
		{ HEAD2 "wrote 1 3 data/1.new\n", "line 4: \"wrote\" for no earlier record" },
		{ HEAD2 "1 absent - - - - - /a\nwrote 2 3 data/2.new\n",
		  "line 5: \"wrote\" for no earlier record" },
		{ HEAD2 "1 absent - - - - - /a\nwrote 0 3 data/0.new\n",
		  "line 5: \"wrote\" for no earlier record" },
		{ HEAD2 "1 absent - - - - - /a\nwrote 01 3 data/1.new\n",
		  "line 5: \"wrote\" for no earlier record" },
		{ HEAD2 "1 absent - - - - - /a\nwrote 1 3 data/2.new\n",
		  "line 5: bad data file name (expected data/1.new)" },
		{ HEAD2 "1 absent - - - - - /a\nwrote 1 3 data/1\n", "line 5: bad data file name" },
		{ HEAD2 "1 absent - - - - - /a\nwrote 1 3 /etc/shadow\n",
		  "line 5: bad data file name" },
		{ HEAD2 "1 absent - - - - - /a\nwrote 1 3\n", "line 5: a \"wrote\" line has 4" },
		{ HEAD2 "1 absent - - - - - /a\nwrote 1 3 data/1.new \n",
		  "line 5: a \"wrote\" line has 4" },
		{ HEAD2 "1 absent - - - - - /a\nwrote 1  data/1.new\n", "line 5: bad size" },
		{ HEAD2 "1 absent - - - - - /a\nwrote 1 x data/1.new\n", "line 5: bad size" },
		{ HEAD2 "1 absent - - - - - /a\nwrote 1 67108865 data/1.new\n",
		  "line 5: bad size" },
		{ HEAD2 "1 file 0644 0 0 3 - /a\nwrote 1 3 data/1.new\n",
		  "line 5: \"wrote\" for a record that is not absent or saved" },
		{ HEAD2 "1 dir 0755 0 0 3 - /a\nwrote 1 3 data/1.new\n",
		  "line 5: \"wrote\" for a record that is not absent or saved" },
		{ HEAD2 "1 absent - - - - - /a\ncomplete\nwrote 1 3 data/1.new\n",
		  "line 6: text after \"complete\"" },
		{ HEAD2 "1 absent - - - - - /a\nwrote1 3 data/1.new\n",
		  "line 5: expected a record or \"complete\"" },
		/* version 3: "linked" lines and a symlink's saved target, in no earlier version */
		{ HEAD2 "1 absent - - - - - /a\nlinked 1 9 data/1.new\n",
		  "line 5: a \"linked\" line in a version 2 journal" },
		{ HEAD "1 absent - - - - - /a\nlinked 1 9 data/1.new\n",
		  "line 5: a \"linked\" line in a version 1 journal" },
		{ HEAD2 "1 symlink 0777 0 0 9 data/1 /a\n",
		  "line 4: a symlink's saved target in a version 2 journal" },
		{ HEAD "1 symlink 0777 0 0 9 data/1 /a\n",
		  "line 4: a symlink's saved target in a version 1 journal" },
		{ HEAD3 "1 symlink 0777 0 0 9 data/2 /a\n", "line 4: bad data file name" },
		{ HEAD3 "1 dir 0755 0 0 9 data/1 /a\n", "line 4: bad data file name" },
		{ HEAD3 "1 other 0644 0 0 9 data/1 /a\n", "line 4: bad data file name" },
		{ HEAD3 "1 symlink 0777 0 0 0 data/1 /a\n",
		  "line 4: bad size of a symlink's target" },
		{ HEAD3 "1 symlink 0777 0 0 4096 data/1 /a\n",
		  "line 4: bad size of a symlink's target" },
		{ HEAD3 "linked 1 9 data/1.new\n", "line 4: \"linked\" for no earlier record" },
		{ HEAD3 "1 absent - - - - - /a\nlinked 2 9 data/2.new\n",
		  "line 5: \"linked\" for no earlier record" },
		{ HEAD3 "1 absent - - - - - /a\nlinked 01 9 data/1.new\n",
		  "line 5: \"linked\" for no earlier record" },
		{ HEAD3 "1 absent - - - - - /a\nlinked 1 9 data/2.new\n",
		  "line 5: bad data file name (expected data/1.new)" },
		{ HEAD3 "1 absent - - - - - /a\nlinked 1 9 data/1\n",
		  "line 5: bad data file name" },
		{ HEAD3 "1 absent - - - - - /a\nlinked 1 9\n", "line 5: a \"linked\" line has 4" },
		{ HEAD3 "1 absent - - - - - /a\nlinked 1 9 data/1.new \n",
		  "line 5: a \"linked\" line has 4" },
		{ HEAD3 "1 absent - - - - - /a\nlinked 1 0 data/1.new\n", "line 5: bad size" },
		{ HEAD3 "1 absent - - - - - /a\nlinked 1 4096 data/1.new\n", "line 5: bad size" },
		{ HEAD3 "1 absent - - - - - /a\nlinked 1 09 data/1.new\n", "line 5: bad size" },
		{ HEAD3 "1 file 0644 0 0 3 data/1 /a\nlinked 1 9 data/1.new\n",
		  "line 5: \"linked\" for a record that is not absent or a saved symlink" },
		{ HEAD3 "1 symlink 0777 0 0 9 - /a\nlinked 1 9 data/1.new\n",
		  "line 5: \"linked\" for a record that is not absent or a saved symlink" },
		{ HEAD3 "1 symlink 0777 0 0 9 - /a\nwrote 1 3 data/1.new\n",
		  "line 5: \"wrote\" for a record that is not absent or saved" },
		{ HEAD2 "1 symlink 0777 0 0 9 - /a\nwrote 1 3 data/1.new\n",
		  "line 5: \"wrote\" for a record that is not absent or saved" },
		{ HEAD3 "1 absent - - - - - /a\ncomplete\nlinked 1 9 data/1.new\n",
		  "line 6: text after \"complete\"" },
		{ HEAD3 "1 absent - - - - - /a\nlinked1 9 data/1.new\n",
		  "line 5: expected a record or \"complete\"" },
	};
	struct rsc_manifest m;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rsc_buf why = { 0 };
		int r = rsc_manifest_parse(cases[i].text, strlen(cases[i].text), &m, &why);

		if (r != -EBADMSG || !why.data || !strstr(why.data, cases[i].why))
			fail_msg("case %zu: r=%d why=\"%s\", expected \"%s\"", i, r,
				 why.data ? why.data : "", cases[i].why);
		assert_int_equal(m.nrecs, 0);
		assert_null(m.recs);
		rsc_buf_free(&why);
	}

	/* a NUL byte and an overlong line */
	{
		static const char nul[] = HEAD "1 file 0644 0 0 3 - /a\0b\n";
		struct rsc_buf why = { 0 };
		size_t n = RSC_MANIFEST_LINE_MAX + 100;
		char *big = malloc(sizeof(HEAD) + n + 1);

		assert_int_equal(rsc_manifest_parse(nul, sizeof(nul) - 1, &m, &why), -EBADMSG);
		assert_string_equal(why.data, "line 4: NUL byte");
		rsc_buf_reset(&why);
		assert_non_null(big);
		memcpy(big, HEAD, sizeof(HEAD) - 1);
		memset(big + sizeof(HEAD) - 1, 'a', n);
		big[sizeof(HEAD) - 1 + n] = '\n';
		assert_int_equal(rsc_manifest_parse(big, sizeof(HEAD) + n, &m, &why), -EBADMSG);
		assert_non_null(strstr(why.data, "line 4: line longer than"));
		free(big);
		rsc_buf_free(&why);
	}
	/* the good ones: no record, several kinds, incomplete */
	assert_int_equal(rsc_manifest_parse(HEAD, strlen(HEAD), &m, NULL), 0);
	assert_false(m.complete);
	assert_int_equal(m.nrecs, 0);
	rsc_manifest_free(&m);
	{
		static const char ok[] = HEAD "1 file 4755 0 0 0 data/1 /a\n"
					      "2 symlink 0777 5 6 9 - /b%20c\n"
					      "3 other 0600 4294967294 1 0 - /dev/x\n"
					      "4 absent - - - - - /n\n"
					      "complete\n";

		assert_int_equal(rsc_manifest_parse(ok, strlen(ok), &m, NULL), 0);
		assert_true(m.complete);
		assert_int_equal(m.nrecs, 4);
		assert_int_equal(m.recs[0].mode, 04755);
		assert_true(m.recs[0].has_data);
		assert_string_equal(m.recs[1].path, "/b c");
		assert_int_equal(m.recs[1].kind, RSC_J_SYMLINK);
		assert_int_equal(m.recs[2].uid, 4294967294u);
		assert_int_equal(m.recs[3].kind, RSC_J_ABSENT);
		assert_int_equal(m.version, 1);
		assert_false(m.recs[0].has_new);
		rsc_manifest_free(&m);
	}
	{
		/* version 2: "wrote" anywhere after its record; the last one counts */
		static const char ok[] = HEAD2 "1 file 0600 0 0 5 data/1 /a\n"
					       "wrote 1 7 data/1.new\n"
					       "2 absent - - - - - /n\n"
					       "3 dir 0700 0 0 0 - /d\n"
					       "wrote 2 0 data/2.new\n"
					       "wrote 1 67108864 data/1.new\n"
					       "complete\n";

		assert_int_equal(rsc_manifest_parse(ok, strlen(ok), &m, NULL), 0);
		assert_int_equal(m.version, 2);
		assert_int_equal(m.nrecs, 3);
		assert_true(m.recs[0].has_new);
		assert_int_equal(m.recs[0].new_size, RSC_JOURNAL_DATA_MAX);
		assert_true(m.recs[1].has_new);
		assert_int_equal(m.recs[1].new_size, 0);
		assert_false(m.recs[2].has_new);
		rsc_manifest_free(&m);
	}
	{
		/* version 3: a removed link's target, a made link's; the last new line counts */
		static const char ok[] = HEAD3 "1 symlink 0777 0 0 9 data/1 /etc/x.service\n"
					       "2 absent - - - - - /etc/y.service\n"
					       "linked 2 4095 data/2.new\n"
					       "3 symlink 0777 5 6 9 - /l\n"
					       "linked 1 3 data/1.new\n"
					       "4 absent - - - - - /n\n"
					       "linked 4 1 data/4.new\n"
					       "wrote 4 7 data/4.new\n"
					       "5 absent - - - - - /m\n"
					       "wrote 5 7 data/5.new\n"
					       "linked 5 2 data/5.new\n"
					       "6 file 0600 0 0 5 data/6 /f\n"
					       "wrote 6 1 data/6.new\n"
					       "complete\n";

		assert_int_equal(rsc_manifest_parse(ok, strlen(ok), &m, NULL), 0);
		assert_int_equal(m.version, 3);
		assert_int_equal(m.nrecs, 6);
		assert_int_equal(m.recs[0].kind, RSC_J_SYMLINK);
		assert_true(m.recs[0].has_data);
		assert_int_equal(m.recs[0].size, 9);
		assert_true(m.recs[0].has_new);
		assert_true(m.recs[0].new_is_link);
		assert_int_equal(m.recs[0].new_size, 3);
		assert_true(m.recs[1].has_new);
		assert_true(m.recs[1].new_is_link);
		assert_int_equal(m.recs[1].new_size, 4095);
		assert_false(m.recs[2].has_data);
		assert_false(m.recs[2].has_new);
		assert_true(m.recs[3].has_new);
		assert_false(m.recs[3].new_is_link);
		assert_int_equal(m.recs[3].new_size, 7);
		assert_true(m.recs[4].new_is_link);
		assert_int_equal(m.recs[4].new_size, 2);
		assert_false(m.recs[5].new_is_link);
		assert_true(m.complete);
		rsc_manifest_free(&m);
	}
}

#define HEAD4 "sshrescue-journal 4\ncommand fix\ntime 2026-12-01T15:00:00Z\n"

/* Version 4: what a full disk's cleanup moved, deleted or truncated. */
static void manifest_v4_cleanup(void **state)
{
	static const char ok[] = HEAD4 "1 file 0640 0 4 1048576 - /var/log/syslog.2.gz\n"
				       "moved 1 /srv/out/20261201T150000Z-1/var/log/syslog.2.gz\n"
				       "2 file 0644 0 0 10 - /var/cache/apt/archives/a.deb\n"
				       "deleted 2\n"
				       "3 file 0640 0 4 77 - /var/log/sys%20log\n"
				       "truncated 3 /srv/out/20261201T150000Z-1/var/log/sys%20log\n"
				       "complete\n";
	static const char *const refused[] = {
		/* only in version 4 */
		HEAD3 "1 file 0640 0 4 1 - /a\nmoved 1 /o/1/a\n",
		/* only for a file recorded without its bytes, once */
		HEAD4 "1 file 0640 0 4 1 data/1 /a\nmoved 1 /o/1/a\n",
		HEAD4 "1 dir 0755 0 0 1 - /a\ndeleted 1\n",
		HEAD4 "1 absent - - - - - /a\ndeleted 1\n",
		HEAD4 "1 file 0640 0 4 1 - /a\ndeleted 1\ndeleted 1\n",
		HEAD4 "1 file 0640 0 4 1 - /a\ndeleted 1\nwrote 1 1 data/1.new\n",
		/* fields */
		HEAD4 "1 file 0640 0 4 1 - /a\nmoved 1\n",
		HEAD4 "1 file 0640 0 4 1 - /a\nmoved 1 /o/1/a extra\n",
		HEAD4 "1 file 0640 0 4 1 - /a\ndeleted 1 /o\n",
		HEAD4 "1 file 0640 0 4 1 - /a\nmoved 2 /o/1/a\n",
		HEAD4 "1 file 0640 0 4 1 - /a\nmoved 1 o/1/a\n",
		HEAD4 "1 file 0640 0 4 1 - /a\ntruncated 1 /o/../etc/shadow\n",
		HEAD4 "1 file 0640 0 4 1 - /a\nmoved 1 /o/%zz\n",
	};
	struct rsc_jrecord rec = { 1, RSC_J_FILE, 0600,		0,	 0, 5, false, "/a", false,
				   0, false,	  RSC_JG_MOVED, "/o/1/a" };
	struct rsc_buf b = { 0 };
	struct rsc_manifest m;

	(void)state;
	assert_int_equal(rsc_manifest_parse(ok, strlen(ok), &m, NULL), 0);
	assert_int_equal(m.version, 4);
	assert_int_equal(m.nrecs, 3);
	assert_int_equal(m.recs[0].gone, RSC_JG_MOVED);
	assert_string_equal(m.recs[0].dest, "/srv/out/20261201T150000Z-1/var/log/syslog.2.gz");
	assert_int_equal(m.recs[1].gone, RSC_JG_DELETED);
	assert_null(m.recs[1].dest);
	assert_int_equal(m.recs[2].gone, RSC_JG_TRUNCATED);
	assert_string_equal(m.recs[2].path, "/var/log/sys log");
	assert_true(m.complete);
	rsc_manifest_free(&m);
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		struct rsc_buf why = { 0 };

		assert_int_equal(rsc_manifest_parse(refused[i], strlen(refused[i]), &m, &why),
				 -EBADMSG);
		assert_non_null(why.data);
		rsc_buf_free(&why);
	}
	/* the writer: the same lines, and nothing the parser would refuse */
	assert_int_equal(rsc_buf_adds(&b, HEAD4), 0);
	assert_int_equal(rsc_manifest_format_record(&b, &rec), 0);
	assert_non_null(strstr(b.data, "\n1 file 0600 0 0 5 - /a\nmoved 1 /o/1/a\n"));
	assert_int_equal(rsc_manifest_parse(b.data, b.len, &m, NULL), 0);
	assert_string_equal(m.recs[0].dest, "/o/1/a");
	rsc_manifest_free(&m);
	rec.has_data = true;
	assert_int_equal(rsc_manifest_format_record(&b, &rec), -EINVAL);
	rec.has_data = false;
	rec.gone = RSC_JG_DELETED;
	assert_int_equal(rsc_manifest_format_record(&b, &rec), -EINVAL); /* deleted: no dest */
	rec.dest = NULL;
	assert_int_equal(rsc_manifest_format_record(&b, &rec), 0);
	rec.gone = RSC_JG_NONE;
	rec.dest = "/o/1/a";
	assert_int_equal(rsc_manifest_format_record(&b, &rec), -EINVAL); /* a dest alone */
	rsc_buf_free(&b);
}

static void format_round_trip(void **state)
{
	struct rsc_jrecord recs[] = {
		{ 1, RSC_J_FILE, 0600, 1001, 1002, 12, true, "/home/a/.ssh/authorized_keys", true,
		  9, false, RSC_JG_NONE, NULL },
		{ 2, RSC_J_DIR, 0755, 0, 0, 4096, false, "/x y/\t/%/~", false, 0, false,
		  RSC_JG_NONE, NULL },
		{ 3, RSC_J_ABSENT, 0, 0, 0, 0, false, "/new", true, 0, false, RSC_JG_NONE, NULL },
		{ 4, RSC_J_SYMLINK, 0777, 1, 1, 3, false, "/l", false, 0, false, RSC_JG_NONE,
		  NULL },
		{ 5, RSC_J_OTHER, 01600, 7, 8, 0, false, "/dev/\x01\x7f", false, 0, false,
		  RSC_JG_NONE, NULL },
		{ 6, RSC_J_FILE, 0644, 0, 0, 1, true, "/f", false, 0, false, RSC_JG_NONE, NULL },
		/* version 3: a removed link, a made one, a replaced one */
		{ 7, RSC_J_SYMLINK, 0777, 0, 0, 9, true, "/etc/systemd/system/ssh.service", false,
		  0, false, RSC_JG_NONE, NULL },
		{ 8, RSC_J_ABSENT, 0, 0, 0, 0, false, "/etc/w/ssh.service", true, 32, true,
		  RSC_JG_NONE, NULL },
		{ 9, RSC_J_SYMLINK, 0777, 3, 4, 4095, true, "/r", true, 1, true, RSC_JG_NONE,
		  NULL },
	};
	struct rsc_jrecord bad = { 1,	  RSC_J_FILE,  0600,	      0,     0,
				   0,	  false,       "../../etc/x", false, 0,
				   false, RSC_JG_NONE, NULL };
	struct rsc_buf b = { 0 };
	struct rsc_manifest m;

	(void)state;
	assert_int_equal(rsc_buf_adds(&b, HEAD3), 0);
	for (size_t i = 0; i < ARRAY_SIZE(recs); i++)
		assert_int_equal(rsc_manifest_format_record(&b, &recs[i]), 0);
	assert_non_null(strstr(b.data, " data/1 /home/a/.ssh/authorized_keys\n"
				       "wrote 1 9 data/1.new\n2 dir "));
	assert_non_null(strstr(b.data, " /new\nwrote 3 0 data/3.new\n4 symlink "));
	assert_non_null(strstr(b.data, "\n7 symlink 0777 0 0 9 data/7 /etc/systemd/system/"
				       "ssh.service\n"
				       "8 absent - - - - - /etc/w/ssh.service\n"
				       "linked 8 32 data/8.new\n"
				       "9 symlink 0777 3 4 4095 data/9 /r\n"
				       "linked 9 1 data/9.new\n"));
	assert_int_equal(rsc_manifest_parse(b.data, b.len, &m, NULL), 0);
	assert_int_equal(m.nrecs, ARRAY_SIZE(recs));
	for (size_t i = 0; i < ARRAY_SIZE(recs); i++) {
		assert_int_equal(m.recs[i].seq, recs[i].seq);
		assert_int_equal(m.recs[i].kind, recs[i].kind);
		assert_int_equal(m.recs[i].mode, recs[i].mode);
		assert_int_equal(m.recs[i].uid, recs[i].uid);
		assert_int_equal(m.recs[i].gid, recs[i].gid);
		assert_int_equal(m.recs[i].size, recs[i].size);
		assert_int_equal(m.recs[i].has_data, recs[i].has_data);
		assert_string_equal(m.recs[i].path, recs[i].path);
		assert_int_equal(m.recs[i].has_new, recs[i].has_new);
		assert_int_equal(m.recs[i].new_size, recs[i].new_size);
		assert_int_equal(m.recs[i].new_is_link, recs[i].new_is_link);
	}
	rsc_manifest_free(&m);
	rsc_buf_reset(&b);
	assert_int_equal(rsc_manifest_format_record(&b, &bad), -EINVAL);
	bad.path = "/a/../../etc/x";
	assert_int_equal(rsc_manifest_format_record(&b, &bad), -EINVAL);
	bad.path = "/a";
	bad.kind = RSC_J_DIR;
	bad.has_data = true;
	assert_int_equal(rsc_manifest_format_record(&b, &bad), -EINVAL);
	/* the fix's bytes only where undo can use them, and not too many */
	bad.kind = RSC_J_FILE;
	bad.has_data = false;
	bad.has_new = true;
	assert_int_equal(rsc_manifest_format_record(&b, &bad), -EINVAL);
	bad.kind = RSC_J_SYMLINK;
	assert_int_equal(rsc_manifest_format_record(&b, &bad), -EINVAL);
	bad.kind = RSC_J_ABSENT;
	bad.new_size = RSC_JOURNAL_DATA_MAX + 1ull;
	assert_int_equal(rsc_manifest_format_record(&b, &bad), -EINVAL);
	/* a link's target: 1 .. PATH_MAX - 1 bytes, saved only for a symlink */
	bad.new_is_link = true;
	bad.new_size = 0;
	assert_int_equal(rsc_manifest_format_record(&b, &bad), -EINVAL);
	bad.new_size = 4096;
	assert_int_equal(rsc_manifest_format_record(&b, &bad), -EINVAL);
	bad.new_size = 5;
	bad.kind = RSC_J_FILE;
	bad.has_data = true;
	assert_int_equal(rsc_manifest_format_record(&b, &bad), -EINVAL);
	bad.kind = RSC_J_SYMLINK;
	bad.size = 0;
	assert_int_equal(rsc_manifest_format_record(&b, &bad), -EINVAL);
	bad.size = 4096;
	assert_int_equal(rsc_manifest_format_record(&b, &bad), -EINVAL);
	bad.size = 9;
	bad.has_new = false;
	assert_int_equal(rsc_manifest_format_record(&b, &bad), -EINVAL); /* link, no new */
	assert_int_equal(b.len, 0);
	/* version 3: the fix's bytes where a saved link was (a dangling library link replaced) */
	bad.new_is_link = false;
	bad.has_new = true;
	assert_int_equal(rsc_manifest_format_record(&b, &bad), 0);
	assert_non_null(strstr(b.data, " symlink "));
	assert_non_null(strstr(b.data, "\nwrote "));
	rsc_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parser_rejects),
		cmocka_unit_test(format_round_trip),
		cmocka_unit_test(manifest_v4_cleanup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
