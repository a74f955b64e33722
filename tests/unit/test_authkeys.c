// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_authkeys.c - the authorized_keys parser, line by line: every line
 * status with real keys, the options sshd skips, certificates, the bits of
 * RSA/DSA/ECDSA keys, BOM, CR LF; the add-key helpers. The shapes of a whole
 * file (split and pasted keys, NULs, long lines) and normalisation are in
 * test_authkeys_file.c.
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

/* Public halves made with ssh-keygen for these tests; the private keys were discarded. */
/* clang-format off */
#define KEY_ECDSA256 \
	"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBMHFNgix/BHAdm6O2NzG" \
	"UxDXFxL3sMEZqESkF923EHJV3JDO3rSD9hSqicM1X+eQIPqsyfu+Ji6BboVnH556WTI= ecdsa256@test"
#define KEY_ECDSA384 \
	"ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBFKhMAw9SopK65PfW4RW" \
	"iWh7r5I7ipHg5kZXwMaKeUkPjd5CUkdm1VjPxjyYw+pFDfrqehjvCEMt7ZndLnwNoClHmf4EOky5zhM1qjxnWDllgS8B" \
	"lyxu/Hwllit/uWq+WQ== ecdsa384@test"
#define KEY_ECDSA521 \
	"ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAA9JKgNTzc764wfUF/j" \
	"UkyQswnn3bzS4tqzaMdXnNYhDrLtTLiWaQIWHvQKD3MPGQsUGFez3bvPmwQGkNB8ponXagCMgfrzzCDjqaS5ukkRfXQ6" \
	"L1TaGr8fhBJJPgyuPYzKQtb9PuEJg0Hh5iBodBKshGTljIkmEspsK1SOSbAOK/n3uQ== ecdsa521@test"
/* ed25519 user certificate (principals alice, root), signed by an ed25519 CA */
#define CERT_ED25519 \
	"ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAINCtTnlC" \
	"p2FIr6dsljMKteIKvPGIiwplk+bf+wGOX7MYAAAAIK5oXRer2kktrIPZ8HUO51mQzdY+ioYaZtx9GZRo9yRCAAAAAAAA" \
	"AAAAAAABAAAACmFsaWNlLWNlcnQAAAARAAAABWFsaWNlAAAABHJvb3QAAAAAXgvhAAAAAAD0hQWAAAAAAAAAAIIAAAAV" \
	"cGVybWl0LVgxMS1mb3J3YXJkaW5nAAAAAAAAABdwZXJtaXQtYWdlbnQtZm9yd2FyZGluZwAAAAAAAAAWcGVybWl0LXBv" \
	"cnQtZm9yd2FyZGluZwAAAAAAAAAKcGVybWl0LXB0eQAAAAAAAAAOcGVybWl0LXVzZXItcmMAAAAAAAAAAAAAADMAAAAL" \
	"c3NoLWVkMjU1MTkAAAAghEt/BITPaokMZQCxBFPhnsUFHHQukwZPUE0pFjXG12sAAABTAAAAC3NzaC1lZDI1NTE5AAAA" \
	"QM/q496xCGio60E5tlIPS31bNH9aE/Qm4PPiFFGLzaSW2zpYnBUweUh/6DJwHxR501aT1O2ec2/vphQIj020Ywo= user@test"
/* RSA 1024 host... user certificate for bob, same CA */
#define CERT_RSA \
	"ssh-rsa-cert-v01@openssh.com AAAAHHNzaC1yc2EtY2VydC12MDFAb3BlbnNzaC5jb20AAAAgYMlXFGDWm5wQ/Q9z" \
	"/ovCAfRgb+EHodQksWjr+GOBuLUAAAADAQABAAAAgQDRMaNPRVcnRlgpYuU9iAUMwSf/4YCNGAenTurtSXW/IQ09UGa2" \
	"hMTs4V1CZJ3LFohiLyi/GLfWVY3UnSX2j3p6n9ZxXVPnQFiUVZmMjj8XKmkSggd+PDKNdq6LsNj1CLSJ5W6AAvuuTCYe" \
	"WwleG63Nh1po0q6xHc+Tz+3dT14SWwAAAAAAAAAAAAAAAQAAAAhyc2EtY2VydAAAAAcAAAADYm9iAAAAAAAAAAD/////" \
	"/////wAAAAAAAACCAAAAFXBlcm1pdC1YMTEtZm9yd2FyZGluZwAAAAAAAAAXcGVybWl0LWFnZW50LWZvcndhcmRpbmcA" \
	"AAAAAAAAFnBlcm1pdC1wb3J0LWZvcndhcmRpbmcAAAAAAAAACnBlcm1pdC1wdHkAAAAAAAAADnBlcm1pdC11c2VyLXJj" \
	"AAAAAAAAAAAAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIIRLfwSEz2qJDGUAsQRT4Z7FBRx0LpMGT1BNKRY1xtdrAAAAUwAA" \
	"AAtzc2gtZWQyNTUxOQAAAEC2hgxNtEgLDad35WRwtbl13fBe5KgdqoF1FBm7dR0JjycCys1GMW6fxK/SPMZauH4B4q2W" \
	"RFI9bngE+dvpfgQJ rc"
/* clang-format on */

static void parse_ok(const char *s, struct rsc_akfile *f)
{
	assert_int_equal(rsc_ak_parse(s, strlen(s), f), 0);
}

/* One line, parsed alone: its status. */
static enum rsc_ak_status status_of(const char *line)
{
	struct rsc_akfile f = { 0 };
	enum rsc_ak_status s;

	parse_ok(line, &f);
	assert_int_equal(f.nlines, 1);
	s = f.lines[0].status;
	rsc_ak_free(&f);
	return s;
}

/* ---- building synthetic key blobs ---- */

struct blob {
	uint8_t b[2048];
	size_t n;
};

static void put_u32(struct blob *b, uint32_t v)
{
	assert_true(b->n + 4 <= sizeof(b->b));
	b->b[b->n++] = (uint8_t)(v >> 24);
	b->b[b->n++] = (uint8_t)(v >> 16);
	b->b[b->n++] = (uint8_t)(v >> 8);
	b->b[b->n++] = (uint8_t)v;
}

static void put_mem(struct blob *b, const void *p, size_t n)
{
	put_u32(b, (uint32_t)n);
	assert_true(b->n + n <= sizeof(b->b));
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void put_str(struct blob *b, const char *s)
{
	put_mem(b, s, strlen(s));
}

static void put_fill(struct blob *b, size_t n, uint8_t first, uint8_t fill)
{
	uint8_t tmp[256];

	assert_true(n > 0 && n <= sizeof(tmp));
	memset(tmp, fill, n);
	tmp[0] = first;
	put_mem(b, tmp, n);
}

/* "label base64(blob) comment" in a new string */
static char *key_line(const char *label, const struct blob *b, const char *comment)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct rsc_buf out = { 0 };

	assert_int_equal(rsc_buf_printf(&out, "%s ", label), 0);
	for (size_t i = 0; i < b->n; i += 3) {
		uint32_t v = (uint32_t)b->b[i] << 16;
		char q[4];

		if (i + 1 < b->n)
			v |= (uint32_t)b->b[i + 1] << 8;
		if (i + 2 < b->n)
			v |= b->b[i + 2];
		q[0] = al[(v >> 18) & 63];
		q[1] = al[(v >> 12) & 63];
		q[2] = i + 1 < b->n ? al[(v >> 6) & 63] : '=';
		q[3] = i + 2 < b->n ? al[v & 63] : '=';
		assert_int_equal(rsc_buf_add(&out, q, 4), 0);
	}
	if (comment)
		assert_int_equal(rsc_buf_printf(&out, " %s", comment), 0);
	return rsc_buf_steal(&out);
}

static void blob_sk_ed25519(struct blob *b)
{
	memset(b, 0, sizeof(*b));
	put_str(b, "sk-ssh-ed25519@openssh.com");
	put_fill(b, 32, 0x11, 0x22);
	put_str(b, "ssh:");
}

static void blob_ecdsa(struct blob *b, const char *type, const char *curve, size_t pointlen)
{
	memset(b, 0, sizeof(*b));
	put_str(b, type);
	put_str(b, curve);
	put_fill(b, pointlen, 0x04, 0x5a);
}

/* ---- tests ---- */

static void every_status(void **state)
{
	const char *k = KEY_BOB;
	char buf[2048];
	struct rsc_akfile f = { 0 };
	static const enum rsc_ak_status want[] = {
		RSC_AK_OK,	    RSC_AK_BLANK,	  RSC_AK_COMMENT,     RSC_AK_UNKNOWN_TYPE,
		RSC_AK_BAD_BASE64,  RSC_AK_BLOB_MISMATCH, RSC_AK_PRIVATE_KEY, RSC_AK_PRIVATE_KEY,
		RSC_AK_PRIVATE_KEY, RSC_AK_PRIVATE_KEY,	  RSC_AK_PRIVATE_KEY, RSC_AK_PRIVATE_KEY,
		RSC_AK_SPLIT_HEAD,  RSC_AK_SPLIT_TAIL,	  RSC_AK_BAD_OPTIONS, RSC_AK_OK,
	};

	snprintf(buf, sizeof(buf),
		 "%s\n"
		 "   \t\n"
		 "  # laptop keys\n"
		 "ssh-foo AAAA x\n"
		 "ssh-ed25519 !!!notbase64 x\n"
		 "ssh-rsa " B64_ALICE " relabelled\n" PRIVATE_BLOCK "%.40s\n%s\n"
		 "from=\"10.0.0.1 " KEY_ALICE "\n"
		 "command=\"echo hi there\",no-pty %s\n",
		 KEY_ALICE, k, k + 40, KEY_BOB);
	parse_ok(buf, &f);
	assert_int_equal(f.nlines, ARRAY_SIZE(want));
	for (size_t i = 0; i < f.nlines; i++) {
		assert_int_equal(f.lines[i].lineno, i + 1);
		assert_int_equal(f.lines[i].status, want[i]);
		assert_false(f.lines[i].crlf);
	}
	assert_int_equal(f.nkeys, 2);
	assert_false(f.has_bom);
	assert_int_equal(f.ncrlf, 0);
	assert_false(f.missing_final_newline);

	/* line 1: position, type, kind, bits, blob */
	assert_int_equal(f.lines[0].off, 0);
	assert_int_equal(f.lines[0].len, strlen(KEY_ALICE));
	assert_string_equal(f.lines[0].type, "ssh-ed25519");
	assert_int_equal(f.lines[0].kind, RSC_KEY_ED25519);
	assert_int_equal(f.lines[0].bits, 256);
	assert_false(f.lines[0].is_cert);
	assert_false(f.lines[0].has_options);
	assert_int_equal(f.lines[0].blob_len, strlen(B64_ALICE));
	assert_memory_equal(buf + f.lines[0].blob_off, B64_ALICE, strlen(B64_ALICE));
	/* the blob mismatch keeps its label */
	assert_string_equal(f.lines[5].type, "ssh-rsa");
	assert_int_equal(f.lines[5].kind, RSC_KEY_RSA);
	/* the split key: the head knows the whole key */
	assert_string_equal(f.lines[12].type, "ssh-ed25519");
	assert_int_equal(f.lines[12].bits, 256);
	/* options with quoted blanks */
	assert_true(f.lines[15].has_options);
	assert_string_equal(f.lines[15].type, "ssh-ed25519");
	assert_memory_equal(buf + f.lines[15].blob_off, B64_BOB, strlen(B64_BOB));
	rsc_ak_free(&f);
	assert_null(f.lines);
}

static void bits_and_kinds(void **state)
{
	static const struct {
		const char *line;
		enum rsc_key_kind kind;
		unsigned bits;
	} t[] = {
		{ KEY_RSA1024, RSC_KEY_RSA, 1024 },   { KEY_RSA768, RSC_KEY_RSA, 768 },
		{ KEY_DSA, RSC_KEY_DSA, 1024 },	      { KEY_ALICE, RSC_KEY_ED25519, 256 },
		{ KEY_ECDSA256, RSC_KEY_ECDSA, 256 }, { KEY_ECDSA384, RSC_KEY_ECDSA, 384 },
		{ KEY_ECDSA521, RSC_KEY_ECDSA, 521 }, { CERT_ED25519, RSC_KEY_ED25519, 256 },
		{ CERT_RSA, RSC_KEY_RSA, 1024 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct rsc_akfile f = { 0 };

		parse_ok(t[i].line, &f);
		assert_int_equal(f.nlines, 1);
		assert_int_equal(f.lines[0].status, RSC_AK_OK);
		assert_int_equal(f.lines[0].kind, t[i].kind);
		assert_int_equal(f.lines[0].bits, t[i].bits);
		assert_int_equal(f.lines[0].is_cert, strstr(t[i].line, "-cert-v01@") != NULL);
		assert_int_equal(f.nkeys, 1);
		assert_true(f.missing_final_newline);
		rsc_ak_free(&f);
	}
}

static void certificates(void **state)
{
	struct rsc_akfile f = { 0 };
	const char *cert = CERT_ED25519;
	const char *blob = strchr(cert, ' ') + 1;
	char buf[2048];

	parse_ok("cert-authority,principals=\"alice,root\" " CERT_ED25519 "\n", &f);
	assert_int_equal(f.lines[0].status, RSC_AK_OK);
	assert_true(f.lines[0].has_options);
	assert_true(f.lines[0].is_cert);
	assert_string_equal(f.lines[0].type, "ssh-ed25519-cert-v01@openssh.com");
	rsc_ak_free(&f);

	/* a certificate blob under a plain label, and a plain blob under a certificate label */
	snprintf(buf, sizeof(buf), "ssh-ed25519 %s", blob);
	assert_int_equal(status_of(buf), RSC_AK_BLOB_MISMATCH);
	assert_int_equal(status_of("ssh-ed25519-cert-v01@openssh.com " B64_ALICE " x"),
			 RSC_AK_BLOB_MISMATCH);
	/* the signature cut off: 4 base64 characters fewer is 3 bytes fewer */
	snprintf(buf, sizeof(buf), "%.*s= x", (int)(strchr(blob, '=') - cert - 4), cert);
	assert_int_not_equal(status_of(buf), RSC_AK_OK);
	/* a stray word before a key is an options field sshd refuses */
	assert_int_equal(status_of("rsa-sha2-512 " CERT_RSA), RSC_AK_BAD_OPTIONS);
	/* the rsa-sha2-* names are labels sshd accepts for an RSA key */
	snprintf(buf, sizeof(buf), "rsa-sha2-512-cert-v01@openssh.com %s",
		 strchr(CERT_RSA, ' ') + 1);
	assert_int_equal(status_of(buf), RSC_AK_OK);
}

static void security_keys_and_curves(void **state)
{
	struct blob b;
	char *line;
	struct rsc_akfile f = { 0 };

	blob_sk_ed25519(&b);
	line = key_line("sk-ssh-ed25519@openssh.com", &b, "yubikey");
	parse_ok(line, &f);
	assert_int_equal(f.lines[0].status, RSC_AK_OK);
	assert_int_equal(f.lines[0].kind, RSC_KEY_SK_ED25519);
	assert_int_equal(f.lines[0].bits, 256);
	rsc_ak_free(&f);
	free(line);

	blob_ecdsa(&b, "sk-ecdsa-sha2-nistp256@openssh.com", "nistp256", 65);
	put_str(&b, "ssh:");
	line = key_line("sk-ecdsa-sha2-nistp256@openssh.com", &b, NULL);
	parse_ok(line, &f);
	assert_int_equal(f.lines[0].status, RSC_AK_OK);
	assert_int_equal(f.lines[0].kind, RSC_KEY_SK_ECDSA);
	assert_int_equal(f.lines[0].bits, 256);
	rsc_ak_free(&f);
	free(line);

	/* the application string missing */
	blob_ecdsa(&b, "sk-ecdsa-sha2-nistp256@openssh.com", "nistp256", 65);
	line = key_line("sk-ecdsa-sha2-nistp256@openssh.com", &b, NULL);
	assert_int_equal(status_of(line), RSC_AK_BLOB_MISMATCH);
	free(line);
	/* curve field not the type's curve; point of the wrong size; compressed point */
	blob_ecdsa(&b, "ecdsa-sha2-nistp256", "nistp384", 65);
	line = key_line("ecdsa-sha2-nistp256", &b, NULL);
	assert_int_equal(status_of(line), RSC_AK_BLOB_MISMATCH);
	free(line);
	blob_ecdsa(&b, "ecdsa-sha2-nistp256", "nistp256", 64);
	line = key_line("ecdsa-sha2-nistp256", &b, NULL);
	assert_int_equal(status_of(line), RSC_AK_BLOB_MISMATCH);
	free(line);
	memset(&b, 0, sizeof(b));
	put_str(&b, "ecdsa-sha2-nistp256");
	put_str(&b, "nistp256");
	put_fill(&b, 33, 0x02, 0x5a);
	line = key_line("ecdsa-sha2-nistp256", &b, NULL);
	assert_int_equal(status_of(line), RSC_AK_BLOB_MISMATCH);
	free(line);
	/* a valid nistp256 blob under the nistp384 label */
	blob_ecdsa(&b, "ecdsa-sha2-nistp256", "nistp256", 65);
	line = key_line("ecdsa-sha2-nistp384", &b, NULL);
	assert_int_equal(status_of(line), RSC_AK_BLOB_MISMATCH);
	free(line);
	line = key_line("ecdsa-sha2-nistp256", &b, NULL);
	assert_int_equal(status_of(line), RSC_AK_OK);
	free(line);
	/* one byte too many after a valid key */
	b.b[b.n++] = 0;
	line = key_line("ecdsa-sha2-nistp256", &b, NULL);
	assert_int_equal(status_of(line), RSC_AK_BLOB_MISMATCH);
	free(line);
	/* RSA: a negative modulus, a modulus with leading zero bytes */
	memset(&b, 0, sizeof(b));
	put_str(&b, "ssh-rsa");
	put_fill(&b, 3, 0x01, 0x01);
	put_fill(&b, 129, 0x80, 0x33);
	line = key_line("ssh-rsa", &b, NULL);
	assert_int_equal(status_of(line), RSC_AK_BLOB_MISMATCH);
	free(line);
	memset(&b, 0, sizeof(b));
	put_str(&b, "ssh-rsa");
	put_fill(&b, 3, 0x01, 0x01);
	put_fill(&b, 131, 0x00, 0x00);
	b.b[b.n - 128] = 0x7f; /* 00 00 00 7f + 127 bytes: 1023 bits */
	line = key_line("ssh-rsa", &b, NULL);
	parse_ok(line, &f);
	assert_int_equal(f.lines[0].status, RSC_AK_OK);
	assert_int_equal(f.lines[0].bits, 1023);
	rsc_ak_free(&f);
	free(line);
	/* XMSS: sshd is built without it everywhere */
	parse_ok("ssh-xmss@openssh.com AAAA x", &f);
	assert_int_equal(f.lines[0].status, RSC_AK_UNKNOWN_TYPE);
	assert_int_equal(f.lines[0].kind, RSC_KEY_XMSS);
	rsc_ak_free(&f);
}

static void bad_base64_unknown_type_mismatch(void **state)
{
	char buf[512];
	const char *b = B64_ALICE;
	size_t n = strlen(b);

	assert_int_equal(status_of("ssh-ed25519 AAAA!AAA x"), RSC_AK_BAD_BASE64);
	/* 68 characters: drop one, the last quantum is incomplete */
	snprintf(buf, sizeof(buf), "ssh-ed25519 %.*s x", (int)n - 1, b);
	assert_int_equal(status_of(buf), RSC_AK_BAD_BASE64);
	/* padding where none belongs, in the middle, wrong count */
	snprintf(buf, sizeof(buf), "ssh-ed25519 %s= x", b);
	assert_int_equal(status_of(buf), RSC_AK_BAD_BASE64);
	snprintf(buf, sizeof(buf), "ssh-ed25519 AA=A%s x", b + 4);
	assert_int_equal(status_of(buf), RSC_AK_BAD_BASE64);
	assert_int_equal(status_of("ssh-ed25519 AAA== x"), RSC_AK_BAD_BASE64);
	/* unused bits after the data must be zero: "AB==" leaves bits set */
	assert_int_equal(status_of("ssh-ed25519 AB== x"), RSC_AK_BAD_BASE64);
	assert_int_equal(status_of("ssh-ed25519 AA== x"), RSC_AK_BLOB_MISMATCH);
	/* a key type alone */
	assert_int_equal(status_of("ssh-ed25519"), RSC_AK_BAD_BASE64);

	assert_int_equal(status_of("ssh-ed448 " B64_ALICE " x"), RSC_AK_UNKNOWN_TYPE);
	assert_int_equal(status_of("SSH-ED25519 " B64_ALICE " x"), RSC_AK_UNKNOWN_TYPE);
	assert_int_equal(status_of("hello world"), RSC_AK_UNKNOWN_TYPE);
	assert_int_equal(status_of("ssh-rsa " B64_ALICE " x"), RSC_AK_BLOB_MISMATCH);
	assert_int_equal(status_of("ssh-dss " B64_ALICE), RSC_AK_BLOB_MISMATCH);
	/* a CR inside the base64 is skipped, as b64_pton() does */
	snprintf(buf, sizeof(buf), "ssh-ed25519 %.20s\r%s x", b, b + 20);
	assert_int_equal(status_of(buf), RSC_AK_OK);
}

static void options(void **state)
{
	struct rsc_akfile f = { 0 };

	parse_ok("command=\"echo \\\"a b\\\"; ls\",from=\"10.0.0.0/8,!10.0.0.1\",no-agent-"
		 "forwarding,restrict,PTY " KEY_ALICE "\n"
		 "environment=\"A=b c\",permitopen=\"host:22\",expiry-time=\"20300101\" " KEY_BOB
		 "\n",
		 &f);
	assert_int_equal(f.lines[0].status, RSC_AK_OK);
	assert_true(f.lines[0].has_options);
	assert_int_equal(f.lines[0].kind, RSC_KEY_ED25519);
	assert_int_equal(f.lines[1].status, RSC_AK_OK);
	assert_int_equal(f.nkeys, 2);
	rsc_ak_free(&f);

	/* refused by sshauthopt_parse(): unknown option, blank after a comma, unquoted value,
	 * repeated command, trailing comma, unterminated quote */
	assert_int_equal(status_of("no-ptyy " KEY_ALICE), RSC_AK_BAD_OPTIONS);
	assert_int_equal(status_of("no-pty, from=\"x\" " KEY_ALICE), RSC_AK_BAD_OPTIONS);
	assert_int_equal(status_of("from=10.0.0.1 " KEY_ALICE), RSC_AK_BAD_OPTIONS);
	assert_int_equal(status_of("command=\"a\",command=\"b\" " KEY_ALICE), RSC_AK_BAD_OPTIONS);
	/* a comma just before the key is accepted: only a NUL after it fails in sshd */
	assert_int_equal(status_of("no-pty, " KEY_ALICE), RSC_AK_OK);
	assert_int_equal(status_of("no-pty,,x " KEY_ALICE), RSC_AK_BAD_OPTIONS);
	assert_int_equal(status_of("command=\"ls " KEY_ALICE), RSC_AK_BAD_OPTIONS);
	assert_int_equal(status_of("no-restrict " KEY_ALICE), RSC_AK_BAD_OPTIONS);
	/* options then a bad key: the key's status */
	assert_int_equal(status_of("no-pty ssh-ed25519 !!!"), RSC_AK_BAD_BASE64);
	assert_int_equal(status_of("no-pty ssh-rsa " B64_ALICE), RSC_AK_BLOB_MISMATCH);
}

static void crlf_file(void **state)
{
	const char *s = KEY_ALICE "\r\n# two\r\n" KEY_BOB "\r\n\r\n";
	struct rsc_akfile f = { 0 };

	parse_ok(s, &f);
	assert_int_equal(f.nlines, 4);
	assert_int_equal(f.ncrlf, 4);
	assert_int_equal(f.nkeys, 2);
	assert_true(f.lines[0].crlf);
	assert_int_equal(f.lines[0].len, strlen(KEY_ALICE));
	assert_int_equal(f.lines[1].status, RSC_AK_COMMENT);
	assert_int_equal(f.lines[2].off, strlen(KEY_ALICE "\r\n# two\r\n"));
	assert_int_equal(f.lines[3].status, RSC_AK_BLANK);
	assert_false(f.missing_final_newline);
	rsc_ak_free(&f);

	/* a key without comment, CR right after the base64 (sshd accepts it) */
	parse_ok("ssh-ed25519 " B64_ALICE "\r\n", &f);
	assert_int_equal(f.lines[0].status, RSC_AK_OK);
	assert_int_equal(f.lines[0].blob_len, strlen(B64_ALICE));
	rsc_ak_free(&f);
}

static void bom_file(void **state)
{
	struct rsc_akfile f = { 0 };

	parse_ok("\xef\xbb\xbf" KEY_ALICE "\n" KEY_BOB "\n", &f);
	assert_true(f.has_bom);
	assert_int_equal(f.nlines, 2);
	assert_true(f.lines[0].has_bom);
	assert_false(f.lines[1].has_bom);
	/* sshd sees "\xef\xbb\xbfssh-ed25519": no key type; the key is still identified */
	assert_int_equal(f.lines[0].status, RSC_AK_UNKNOWN_TYPE);
	assert_int_equal(f.lines[0].kind, RSC_KEY_ED25519);
	assert_string_equal(f.lines[0].type, "ssh-ed25519");
	assert_int_equal(f.lines[0].off, 0);
	assert_int_equal(f.lines[0].len, 3 + strlen(KEY_ALICE));
	assert_int_equal(f.lines[1].status, RSC_AK_OK);
	assert_int_equal(f.nkeys, 1);
	rsc_ak_free(&f);

	/* BOM alone or with a comment on line 1: harmless for sshd */
	parse_ok("\xef\xbb\xbf\n" KEY_ALICE "\n", &f);
	assert_true(f.has_bom);
	assert_int_equal(f.lines[0].status, RSC_AK_BLANK);
	assert_int_equal(f.nkeys, 1);
	rsc_ak_free(&f);
	parse_ok("\xef\xbb\xbf# keys\n", &f);
	assert_int_equal(f.lines[0].status, RSC_AK_COMMENT);
	rsc_ak_free(&f);
	/* a BOM elsewhere is no BOM */
	parse_ok(KEY_ALICE "\n\xef\xbb\xbf" KEY_BOB "\n", &f);
	assert_false(f.has_bom);
	assert_int_equal(f.lines[1].status, RSC_AK_UNKNOWN_TYPE);
	rsc_ak_free(&f);
	/* only a BOM */
	parse_ok("\xef\xbb\xbf", &f);
	assert_true(f.has_bom);
	assert_int_equal(f.nlines, 0);
	assert_false(f.missing_final_newline);
	rsc_ak_free(&f);
}

static void pubkey_and_same_key(void **state)
{
	struct rsc_akline a, b;
	struct rsc_akfile f = { 0 };
	const char *file = "# mine\n" KEY_BOB "\nno-pty,from=\"1.2.3.4\" ssh-ed25519 " B64_ALICE
			   " other comment\n";
	const char *pub = "\xef\xbb\xbf\n  " KEY_ALICE " \r\n";

	assert_int_equal(rsc_ak_parse_pubkey(pub, strlen(pub), &a), 0);
	assert_int_equal(a.status, RSC_AK_OK);
	assert_int_equal(a.len, strlen(KEY_ALICE));
	assert_memory_equal(pub + a.off, KEY_ALICE, a.len);
	assert_memory_equal(pub + a.blob_off, B64_ALICE, a.blob_len);
	assert_int_equal(a.kind, RSC_KEY_ED25519);

	parse_ok(file, &f);
	assert_false(rsc_ak_same_key(file, &f.lines[1], pub, &a));
	assert_true(rsc_ak_same_key(file, &f.lines[2], pub, &a));
	assert_true(rsc_ak_same_key(pub, &a, file, &f.lines[2]));
	assert_false(rsc_ak_same_key(file, &f.lines[0], pub, &a));
	rsc_ak_free(&f);

	/* the same RSA key under two labels is one key; a certificate is not its key */
	assert_int_equal(rsc_ak_parse_pubkey(KEY_RSA1024, strlen(KEY_RSA1024), &a), 0);
	{
		const char *alt =
			"rsa-sha2-512 AAAAB3NzaC1yc2EAAAADAQABAAAAgQDLAOfMYWh1odsYebuSuD/"
			"ed/arCeRDCfRGDqYqw/mbpONg8KMSvN58Z2H7PJX+sizQ/PVaHv37grZQ/E30R0JW+"
			"zrvbeFK5EEzbr2s0i602UnNIAGVxgywiuDB7BWT7VV/y2K1QRoEZdGE3mN8uXRFRw"
			"oeDJyBfA9syMAk3TRZOw==";

		assert_int_equal(rsc_ak_parse_pubkey(alt, strlen(alt), &b), 0);
		assert_true(rsc_ak_same_key(KEY_RSA1024, &a, alt, &b));
	}
	assert_int_equal(rsc_ak_parse_pubkey(CERT_RSA, strlen(CERT_RSA), &b), 0);
	assert_true(b.is_cert);
	assert_false(rsc_ak_same_key(KEY_RSA1024, &a, CERT_RSA, &b));

	/* refusals, with the reason */
	assert_int_equal(rsc_ak_parse_pubkey("", 0, &a), -EINVAL);
	assert_int_equal(a.status, RSC_AK_BLANK);
	assert_int_equal(rsc_ak_parse_pubkey(PRIVATE_BLOCK, strlen(PRIVATE_BLOCK), &a), -EINVAL);
	assert_int_equal(a.status, RSC_AK_PRIVATE_KEY);
	assert_int_equal(rsc_ak_parse_pubkey(KEY_ALICE "\n" KEY_BOB "\n",
					     strlen(KEY_ALICE "\n" KEY_BOB "\n"), &a),
			 -EINVAL);
	assert_int_equal(a.lineno, 2);
	{
		const char *split = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB96\nEZyW2LdjQnFoTU0UpcQ"
				    "U2hdhpLRKcD7z3ArAiX/h x\n";

		assert_int_equal(rsc_ak_parse_pubkey(split, strlen(split), &a), -EINVAL);
	}
	assert_int_equal(a.status, RSC_AK_SPLIT_HEAD);
	assert_int_equal(
		rsc_ak_parse_pubkey("ssh-rsa " B64_ALICE, strlen("ssh-rsa " B64_ALICE), &a),
		-EINVAL);
	assert_int_equal(a.status, RSC_AK_BLOB_MISMATCH);
}

static void status_names(void **state)
{
	for (int s = RSC_AK_OK; s <= RSC_AK_BAD_OPTIONS; s++) {
		const char *n = rsc_ak_status_name((enum rsc_ak_status)s);

		assert_non_null(n);
		assert_true(strlen(n) > 0);
		for (int t = RSC_AK_OK; t < s; t++)
			assert_string_not_equal(n, rsc_ak_status_name((enum rsc_ak_status)t));
	}
	assert_string_equal(rsc_ak_status_name(RSC_AK_UNKNOWN_TYPE), "unknown key type");
	assert_string_equal(rsc_ak_status_name(RSC_AK_BAD_BASE64), "bad base64");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_status),
		cmocka_unit_test(bits_and_kinds),
		cmocka_unit_test(certificates),
		cmocka_unit_test(security_keys_and_curves),
		cmocka_unit_test(bad_base64_unknown_type_mismatch),
		cmocka_unit_test(options),
		cmocka_unit_test(crlf_file),
		cmocka_unit_test(bom_file),
		cmocka_unit_test(pubkey_and_same_key),
		cmocka_unit_test(status_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
