// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_authkeys_file.c - the authorized_keys parser on a whole file: keys
 * split over lines by a paste, pasted private keys, empty files and the
 * final newline, NUL bytes, a 1 MiB line, too many lines; normalisation
 * keeping every byte of every key, option and comment, and being
 * idempotent. Line statuses are in test_authkeys.c.
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

#include "authkeys.h"
#include "keys.h"
#include "util.h"

static void parse_ok(const char *s, struct rsc_akfile *f)
{
	assert_int_equal(rsc_ak_parse(s, strlen(s), f), 0);
}

/* s split after n1 (and n2) characters with the given line end: SPLIT_HEAD + tails. */
static void check_split(const char *key, size_t n1, size_t n2, const char *eol)
{
	struct rsc_buf b = { 0 };
	struct rsc_akfile f = { 0 };
	char *out = NULL;
	size_t outlen = 0, ntails = n2 ? 2 : 1;
	bool changed = false;

	assert_int_equal(rsc_buf_printf(&b, "# before%s%.*s%s", eol, (int)n1, key, eol), 0);
	if (n2)
		assert_int_equal(rsc_buf_printf(&b, "%.*s%s", (int)(n2 - n1), key + n1, eol), 0);
	assert_int_equal(rsc_buf_printf(&b, "%s%s%s%s", key + (n2 ? n2 : n1), eol, KEY_BOB, eol),
			 0);
	assert_int_equal(rsc_ak_parse(b.data, b.len, &f), 0);
	assert_int_equal(f.nlines, 3 + ntails);
	assert_int_equal(f.lines[1].status, RSC_AK_SPLIT_HEAD);
	for (size_t i = 0; i < ntails; i++)
		assert_int_equal(f.lines[2 + i].status, RSC_AK_SPLIT_TAIL);
	assert_int_equal(f.lines[2 + ntails].status, RSC_AK_OK);
	assert_int_equal(f.nkeys, 1);
	rsc_ak_free(&f);

	assert_int_equal(rsc_ak_normalize(b.data, b.len, &out, &outlen, &changed), 0);
	assert_true(changed);
	{
		char want[4096];

		snprintf(want, sizeof(want), "# before\n%s\n%s\n", key, KEY_BOB);
		assert_int_equal(outlen, strlen(want));
		assert_memory_equal(out, want, outlen);
	}
	free(out);
	rsc_buf_free(&b);
}

static void split_keys(void **state)
{
	/* bob cut after 40 characters (inside the base64, decodes to a truncated blob) */
	check_split(KEY_BOB, 40, 0, "\n");
	/* cut at a length that is no whole base64 quantum */
	check_split(KEY_BOB, 41, 0, "\n");
	/* three lines, and CR LF */
	check_split(KEY_BOB, 30, 60, "\r\n");
	/* cut right after the key type's blank, and in the middle of the padding-free tail */
	check_split(KEY_ALICE, 12, 50, "\n");
	/* with options in front */
	check_split("no-pty,command=\"echo a b\" " KEY_ALICE, 50, 0, "\n");
	/* a cut between the type and the base64: the blank comes back */
	{
		struct rsc_akfile f = { 0 };
		char *out = NULL;
		size_t outlen = 0;
		bool changed = false;
		const char *s = "ssh-ed25519\n" B64_BOB " bob@test\n";

		parse_ok(s, &f);
		assert_int_equal(f.lines[0].status, RSC_AK_SPLIT_HEAD);
		assert_int_equal(f.lines[1].status, RSC_AK_SPLIT_TAIL);
		rsc_ak_free(&f);
		assert_int_equal(rsc_ak_normalize(s, strlen(s), &out, &outlen, &changed), 0);
		assert_true(changed);
		assert_int_equal(outlen, strlen(KEY_BOB "\n"));
		assert_memory_equal(out, KEY_BOB "\n", outlen);
		free(out);
	}
	/* fold -w 64 of an RSA key: 4 lines */
	{
		const char *k = KEY_RSA1024;
		struct rsc_buf b = { 0 };
		struct rsc_akfile f = { 0 };

		for (size_t i = 0; i < strlen(k); i += 64)
			assert_int_equal(rsc_buf_printf(&b, "%.64s\n", k + i), 0);
		parse_ok(b.data, &f);
		assert_int_equal(f.nlines, (strlen(k) + 63) / 64);
		assert_int_equal(f.lines[0].status, RSC_AK_SPLIT_HEAD);
		assert_int_equal(f.lines[0].bits, 1024);
		assert_int_equal(f.lines[0].kind, RSC_KEY_RSA);
		for (size_t i = 1; i < f.nlines; i++)
			assert_int_equal(f.lines[i].status, RSC_AK_SPLIT_TAIL);
		rsc_ak_free(&f);
		rsc_buf_free(&b);
	}
	/* not a split: the continuation does not complete the key */
	{
		struct rsc_akfile f = { 0 };

		parse_ok("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB96\nAAAA\n", &f);
		assert_int_equal(f.lines[0].status, RSC_AK_BLOB_MISMATCH);
		assert_int_equal(f.lines[1].status, RSC_AK_UNKNOWN_TYPE);
		rsc_ak_free(&f);
		/* a comment on the first part: the key ends there */
		parse_ok("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB96 "
			 "x\nEZyW2LdjQnFoTU0UpcQU2hdhpLRKcD7"
			 "z3ArAiX/h\n",
			 &f);
		assert_int_equal(f.lines[0].status, RSC_AK_BLOB_MISMATCH);
		rsc_ak_free(&f);
	}
}

static void private_keys(void **state)
{
	struct rsc_akfile f = { 0 };

	parse_ok(PRIVATE_BLOCK KEY_ALICE "\n", &f);
	assert_int_equal(f.nlines, 7);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(f.lines[i].status, RSC_AK_PRIVATE_KEY);
	assert_int_equal(f.lines[6].status, RSC_AK_OK);
	rsc_ak_free(&f);

	/* PEM with headers and a blank line, then a key */
	parse_ok("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"
		 "00112233445566778899AABBCCDDEEFF\n\nMIIEowIBAAKCAQEA\nAAAA\n-----END RSA PRIVATE"
		 " KEY-----\n" KEY_BOB "\n",
		 &f);
	assert_int_equal(f.nlines, 8);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(f.lines[i].status, RSC_AK_PRIVATE_KEY);
	assert_int_equal(f.lines[7].status, RSC_AK_OK);
	rsc_ak_free(&f);

	/* cut off before its END: the key after it is still a key; the blank stays blank */
	parse_ok("  -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n\n" KEY_ALICE "\n",
		 &f);
	assert_int_equal(f.lines[0].status, RSC_AK_PRIVATE_KEY);
	assert_int_equal(f.lines[1].status, RSC_AK_PRIVATE_KEY);
	assert_int_equal(f.lines[2].status, RSC_AK_BLANK);
	assert_int_equal(f.lines[3].status, RSC_AK_OK);
	rsc_ak_free(&f);

	/* PuTTY's format */
	parse_ok("PuTTY-User-Key-File-2: ssh-ed25519\nEncryption: none\nComment: x\nPublic-Lines:"
		 " 2\nAAAAC3NzaC1lZDI1NTE5AAAAIB96EZyW2LdjQnFoTU0UpcQU2hdhpLRKcD7z3ArA\niX/h\n"
		 "Private-Lines: 1\nAAAAIA==\nPrivate-MAC: 0011\n" KEY_BOB "\n",
		 &f);
	assert_int_equal(f.nlines, 10);
	for (size_t i = 0; i < 9; i++)
		assert_int_equal(f.lines[i].status, RSC_AK_PRIVATE_KEY);
	assert_int_equal(f.lines[9].status, RSC_AK_OK);
	rsc_ak_free(&f);
}

static void empty_and_final_newline(void **state)
{
	struct rsc_akfile f = { 0 };
	char *out = NULL;
	size_t outlen = 1;
	bool changed = true;
	const char *empty = "";

	assert_int_equal(rsc_ak_parse(empty, 0, &f), 0);
	assert_int_equal(f.nlines, 0);
	assert_int_equal(f.nkeys, 0);
	assert_false(f.missing_final_newline);
	assert_false(f.has_bom);
	rsc_ak_free(&f);
	assert_int_equal(rsc_ak_parse(NULL, 0, &f), 0);
	assert_int_equal(f.nlines, 0);
	rsc_ak_free(&f);
	assert_int_equal(rsc_ak_normalize(empty, 0, &out, &outlen, &changed), 0);
	assert_false(changed);
	assert_ptr_equal(out, empty);
	assert_int_equal(outlen, 0);

	parse_ok("\n", &f);
	assert_int_equal(f.nlines, 1);
	assert_int_equal(f.lines[0].status, RSC_AK_BLANK);
	rsc_ak_free(&f);

	/* no final newline; a last line ending in a lone CR */
	assert_int_equal(rsc_ak_normalize(KEY_ALICE, strlen(KEY_ALICE), &out, &outlen, &changed),
			 0);
	assert_true(changed);
	assert_int_equal(outlen, strlen(KEY_ALICE) + 1);
	assert_memory_equal(out, KEY_ALICE "\n", outlen);
	free(out);
	parse_ok(KEY_ALICE "\r", &f);
	assert_true(f.lines[0].crlf);
	assert_true(f.missing_final_newline);
	assert_int_equal(f.lines[0].status, RSC_AK_OK);
	rsc_ak_free(&f);
	assert_int_equal(
		rsc_ak_normalize(KEY_ALICE "\r", strlen(KEY_ALICE) + 1, &out, &outlen, &changed),
		0);
	assert_true(changed);
	assert_memory_equal(out, KEY_ALICE "\n", outlen);
	free(out);
}

/* normalize(x) == want, and normalize(want) changes nothing */
static void check_normalize(const char *in, size_t inlen, const char *want, size_t wantlen)
{
	char *out = NULL, *again = NULL;
	size_t outlen = 0, againlen = 0;
	bool changed = false;
	struct rsc_akfile f1 = { 0 }, f2 = { 0 };

	assert_int_equal(rsc_ak_normalize(in, inlen, &out, &outlen, &changed), 0);
	assert_true(changed);
	assert_ptr_not_equal(out, in);
	assert_int_equal(outlen, wantlen);
	assert_memory_equal(out, want, wantlen);
	assert_int_equal(rsc_ak_normalize(out, outlen, &again, &againlen, &changed), 0);
	assert_false(changed);
	assert_ptr_equal(again, out);
	assert_int_equal(againlen, outlen);
	/* no key lost */
	assert_int_equal(rsc_ak_parse(in, inlen, &f1), 0);
	assert_int_equal(rsc_ak_parse(out, outlen, &f2), 0);
	assert_true(f2.nkeys >= f1.nkeys);
	assert_int_equal(f2.ncrlf, 0);
	assert_false(f2.has_bom);
	assert_false(f2.missing_final_newline);
	rsc_ak_free(&f1);
	rsc_ak_free(&f2);
	free(out);
}

static void normalize_keeps_everything(void **state)
{
	const char *k = KEY_BOB;
	char in[4096], want[4096];
	int n, m;

	n = snprintf(in, sizeof(in),
		     "\xef\xbb\xbf"
		     "from=\"10.0.0.0/8\",command=\"echo \\\"x y\\\"\" " KEY_ALICE
		     "  trailing  \r\n"
		     "\r\n"
		     "  # old laptop \t\r\n"
		     "no-pty %.38s\r\n%s\r\n"
		     "ssh-ed25519 !!!notbase64 junk\r\n" PRIVATE_BLOCK "garbage \x01\x7f\xff line\n"
		     "\t" KEY_RSA1024,
		     k, k + 38);
	m = snprintf(want, sizeof(want),
		     "from=\"10.0.0.0/8\",command=\"echo \\\"x y\\\"\" " KEY_ALICE "  trailing  \n"
		     "\n"
		     "  # old laptop \t\n"
		     "no-pty " KEY_BOB "\n"
		     "ssh-ed25519 !!!notbase64 junk\n" PRIVATE_BLOCK "garbage \x01\x7f\xff line\n"
		     "\t" KEY_RSA1024 "\n");
	assert_true(n > 0 && (size_t)n < sizeof(in) && m > 0 && (size_t)m < sizeof(want));
	check_normalize(in, (size_t)n, want, (size_t)m);

	/* only the final newline; only CRs; doubled BOM and CR runs go at once */
	check_normalize("# x", 3, "# x\n", 4);
	check_normalize("a\r\nb\r\r\n", 7, "a\nb\n", 4);
	check_normalize("\xef\xbb\xbf\xef\xbb\xbf" KEY_ALICE "\n", 7 + strlen(KEY_ALICE),
			KEY_ALICE "\n", strlen(KEY_ALICE) + 1);
	check_normalize("\xef\xbb\xbf", 3, "", 0);
}

static void normalize_unchanged_is_input(void **state)
{
	const char *s = "# keys\n" KEY_ALICE "\ncommand=\"x\" " KEY_BOB "\nssh-foo junk\n";
	char *out = NULL;
	size_t outlen = 0;
	bool changed = true;

	assert_int_equal(rsc_ak_normalize(s, strlen(s), &out, &outlen, &changed), 0);
	assert_false(changed);
	assert_ptr_equal(out, s);
	assert_int_equal(outlen, strlen(s));
}

static void nul_bytes(void **state)
{
	static const char s[] = KEY_ALICE "\0tail\n"
					  "\0" KEY_BOB "\n"
					  "ssh-ed25519 AAAAC3NzaC1l\0ZDI1NTE5AAAAIAP2\n"
					  "#\0\n"
					  "\0\0\0";
	struct rsc_akfile f = { 0 };
	char *out = NULL;
	size_t outlen = 0;
	bool changed = false;

	assert_int_equal(rsc_ak_parse(s, sizeof(s) - 1, &f), 0);
	assert_int_equal(f.nlines, 5);
	/* sshd stops reading a line at its NUL: the key before it is read */
	assert_int_equal(f.lines[0].status, RSC_AK_OK);
	assert_int_equal(f.lines[0].len, strlen(KEY_ALICE) + 5);
	assert_int_equal(f.lines[1].status, RSC_AK_UNKNOWN_TYPE);
	assert_int_not_equal(f.lines[2].status, RSC_AK_OK);
	assert_int_not_equal(f.lines[2].status, RSC_AK_SPLIT_HEAD);
	assert_int_equal(f.lines[3].status, RSC_AK_COMMENT);
	assert_int_equal(f.lines[4].status, RSC_AK_UNKNOWN_TYPE);
	assert_true(f.missing_final_newline);
	rsc_ak_free(&f);

	assert_int_equal(rsc_ak_normalize(s, sizeof(s) - 1, &out, &outlen, &changed), 0);
	assert_true(changed);
	assert_int_equal(outlen, sizeof(s));
	assert_memory_equal(out, s, sizeof(s) - 1);
	assert_int_equal(out[outlen - 1], '\n');
	free(out);
}

static void one_mib_lines(void **state)
{
	size_t big = 1u << 20;
	struct rsc_buf b = { 0 };
	struct rsc_akfile f = { 0 };
	char *fill = malloc(big + 1);

	assert_non_null(fill);
	memset(fill, 'A', big);
	fill[big] = '\0';
	/* a 1 MiB "key", a 1 MiB comment after a good key, 1 MiB of one word, a 1 MiB quote */
	assert_int_equal(rsc_buf_printf(&b, "ssh-ed25519 %s\n", fill), 0);
	assert_int_equal(rsc_buf_printf(&b, "%s %s\n", KEY_ALICE, fill), 0);
	assert_int_equal(rsc_buf_printf(&b, "%s\n", fill), 0);
	assert_int_equal(rsc_buf_printf(&b, "command=\"%s " KEY_BOB "\n", fill), 0);
	free(fill);
	assert_int_equal(rsc_ak_parse(b.data, b.len, &f), 0);
	assert_int_equal(f.nlines, 4);
	assert_int_equal(f.lines[0].status, RSC_AK_BLOB_MISMATCH);
	assert_int_equal(f.lines[0].blob_len, big);
	assert_int_equal(f.lines[1].status, RSC_AK_OK);
	assert_int_equal(f.lines[1].len, strlen(KEY_ALICE) + 1 + big);
	assert_int_equal(f.lines[2].status, RSC_AK_UNKNOWN_TYPE);
	assert_int_equal(f.lines[3].status, RSC_AK_BAD_OPTIONS);
	assert_int_equal(f.nkeys, 1);
	rsc_ak_free(&f);
	rsc_buf_free(&b);
}

static void too_many_lines(void **state)
{
	size_t n = (1u << 18) + 1;
	char *s = malloc(n);
	struct rsc_akfile f = { 0 };
	char *out = NULL;
	size_t outlen = 0;
	bool changed = false;

	assert_non_null(s);
	memset(s, '\n', n);
	assert_int_equal(rsc_ak_parse(s, n, &f), -E2BIG);
	assert_null(f.lines);
	assert_int_equal(rsc_ak_normalize(s, n, &out, &outlen, &changed), -E2BIG);
	assert_int_equal(rsc_ak_parse(s, n - 1, &f), 0);
	assert_int_equal(f.nlines, n - 1);
	rsc_ak_free(&f);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_keys),
		cmocka_unit_test(private_keys),
		cmocka_unit_test(empty_and_final_newline),
		cmocka_unit_test(normalize_keeps_everything),
		cmocka_unit_test(normalize_unchanged_is_input),
		cmocka_unit_test(nul_bytes),
		cmocka_unit_test(one_mib_lines),
		cmocka_unit_test(too_many_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
