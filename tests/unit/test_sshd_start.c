// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_sshd_start.c - the sshd-start check family on a fixture victim
 * (victimfx.c, Debian-like, OpenSSH 9.2, healthy), broken one way per test.
 * The expectations follow what OpenSSH 9.2p1 of Debian 12 did with the same
 * files (sshd -t, sshd -D -e and a client; see problems_sshd_start.def).
 */
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
#include "report.h"
#include "root.h"
#include "testutil.h"
#include "victim.h"
#include "victimfx.h"

/* Keys made for these tests only (openssl genrsa/genpkey, ssh-keygen -C fixture), used nowhere. */
#define K_RSA768_PKCS1                                                                             \
	"-----BEGIN RSA PRIVATE KEY-----\n"                                                        \
	"MIIBywIBAAJhAMA9IEp0VP+cTT7VtkR5i5OSHDQRwcc1N9SpnG2GSgfz8PqkIEnu\n"                       \
	"9d1TDGVKDat5m5vWJGucgZfIWhtRhh9MYda7zm6bVOSES3B9mgTYWCUaqiaVZhOU\n"                       \
	"ejlgdCRxLc+SRwIDAQABAmA2wjKsgq6jkPY/68hbgPPNOVVnT5ePEw2wOhAg8pur\n"                       \
	"4ETIYHACH1tRjBJ/17RFIAJAUAR5xobxEG0S3OTNA7VxBjlHhzpgUV5zulDroLfd\n"                       \
	"5M8HBPIufdD2WqRx2HJASuECMQD0EQIsvcM9loladzJ2KGLP9fMpX/0LOczk8wBt\n"                       \
	"jtKn9Uqs/8bu/qEUKcMB1Lz2XjsCMQDJo2Ni+ikMJanfRPdRChJhLPLxaLxKkP9h\n"                       \
	"WUcsvWDdraurHgZwcoe9p/r2ANIl32UCMQDIjOFYmmXASd57s86HQRBRCizRJsrr\n"                       \
	"Wod+6h7D58Q5t1mxZku1Pw5lXxuaeZD8cNkCMCeJ7Ww0J6ZlIElSqbhvZCk/+ieS\n"                       \
	"ZRGuGxXIvucr/3mYm4gDbDnSi4GKFfD1OkAI7QIxAOL6x5gob2Exz0aNQfuczVDB\n"                       \
	"8/cC6PRiPby4UvKgqTLLJB2JVpDvqU1/uKoy/1M//A==\n"                                           \
	"-----END RSA PRIVATE KEY-----\n"

#define K_RSA768_PKCS8                                                                             \
	"-----BEGIN PRIVATE KEY-----\n"                                                            \
	"MIIB4wIBADANBgkqhkiG9w0BAQEFAASCAc0wggHJAgEAAmEAx2PCz4/a9tGOppRp\n"                       \
	"Sxqfo4ONg40NTvqTQ/znTRv0LHlcthRLo31/U6ySFGXlpQLrrUQMMp623yYlrXIR\n"                       \
	"agrQ0t/CsQv/zkMLTGcn4ZhBih5Jk7w4/XLOOGyv74SoGkdTAgMBAAECYDP+ndSG\n"                       \
	"jPEEIJDr7rE5FhwLuCFv7OKFkVWPY7nF6lyWoUiR7k+J8GQfglBzafkn01spzt0d\n"                       \
	"ylbTWOKv5SC2412mXXV5fAcyjQhOf7GlX5g+sXqqcA5ThApStnk7w68hYQIxAPaB\n"                       \
	"pt70Q5D0BLLg4muXY6PVCMII8axLiFYvD9kVtODH1VtIMXCtsdHiOFlJMm3h+QIx\n"                       \
	"AM8Rk7/eOlBq4CWbSFSF4UwELbpMwwuMfpMueh3x1CZDOXNS8aNs5/HW0h+18syG\n"                       \
	"qwIwaWR9aA2fZbYu3BvyMnYDj+RhXjRcv4F7xP1SFUqGjyRhQCnZmYdp44aI+QOm\n"                       \
	"n/xhAjBWF4jGjS7RoJ3xBM7d1YwGfvZELwYpFxDJQNmk+ZarEegg+qtctzr4Ycib\n"                       \
	"RprcTmECMC/G8SQYmDFjfTg/lf2+Ae8DQv8ivP2tsagQbFyCrlDq0fSYwy1NCR5s\n"                       \
	"0fXQ3f0IJw==\n"                                                                           \
	"-----END PRIVATE KEY-----\n"

#define K_RSA1024                                                                                  \
	"-----BEGIN OPENSSH PRIVATE KEY-----\n"                                                    \
	"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAlwAAAAdzc2gtcn\n"                 \
	"NhAAAAAwEAAQAAAIEAxgCDUj7Z69NjCJnZ/OZpDV1fLK/Qn6UWywILHV0mDb6mvGmptwsD\n"                 \
	"i5fVKZ5KK20tHoqqqgcFzKNLeijirElpawt80VE/4CB5fy1AveK+6/sqFpA+3Yr9KDl+Sp\n"                 \
	"l5GF0z6X++OlJFmtngh8VcpdLGyDtYuJAndCWL2lWfz6jaIpMAAAIAXJzk11yc5NcAAAAH\n"                 \
	"c3NoLXJzYQAAAIEAxgCDUj7Z69NjCJnZ/OZpDV1fLK/Qn6UWywILHV0mDb6mvGmptwsDi5\n"                 \
	"fVKZ5KK20tHoqqqgcFzKNLeijirElpawt80VE/4CB5fy1AveK+6/sqFpA+3Yr9KDl+Spl5\n"                 \
	"GF0z6X++OlJFmtngh8VcpdLGyDtYuJAndCWL2lWfz6jaIpMAAAADAQABAAAAgQC7cujgCB\n"                 \
	"iPJgRvtBenUQrLWEYuLBQ5zzUQ49JZ7kGEaaW4YeAGJispEIkBaZWWHznD3EtNxHA9F6rw\n"                 \
	"75wIt0dQH9H1SzJbLLtPmnpibOb432NZxT3UIIxM0phYN7Vraki/yHj8iV3Y3fT6LzJSRg\n"                 \
	"oSvOFMuhe3aOI4bSH8e7+4AQAAAEEAhcQtVXI/qO3uDQHOrLlmUUInd9klbmPIuv+Azbbb\n"                 \
	"IaRp5bxCQYX2U0v+jE7FNfgUEldvX2JEPviz9rAFO0fAJAAAAEEA93Yia8n60k8BEu1JuC\n"                 \
	"Jwxa864g3kHD6SIo1MuDpk9T1diuhOEza1EPeyIl+PK47IVF+eaN/AS6PyVkC08/YnkwAA\n"                 \
	"AEEAzNV+1KkVJ8hwP40/noyMFUueIg3QdXXDXaQ30589HsPrTB/TUKAkzKo3V5PuyyW+Fk\n"                 \
	"IPwhb1dCp6yl2pacL5AQAAAAdmaXh0dXJlAQI=\n"                                                 \
	"-----END OPENSSH PRIVATE KEY-----\n"

#define K_DSA                                                                                      \
	"-----BEGIN OPENSSH PRIVATE KEY-----\n"                                                    \
	"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAABsQAAAAdzc2gtZH\n"                 \
	"NzAAAAgQCzoToISAzmpcbszec69VE1iISg2ksW10BST0+r2jC765A07RcVar0r1bfuS9QP\n"                 \
	"GvwhixrpbtdJhUtTM/fImGReBUQR9TVxNBvUNp6UoNsKFavCiU8SZ0KGQyi07VKQbybvN9\n"                 \
	"ZR3bVBTEPizkosojNil8C4I3wWFf2lxcNOjYk6AQAAABUAjH1N9uv7JnN4YFSdMC1KWAuT\n"                 \
	"8jUAAACAbV6WwZUQnWpQipgCQO+Bsdl9B53yuebrUcghHPvPLItDg3ZqcRMGHkEJL8pJmF\n"                 \
	"q6wsHs00sJiatRaShEgV5Amg/Js4qcirl/UqUWPBj9mG4txT3lDtxyPi9dPnws7GKmx0UY\n"                 \
	"KHc88ZGszdPl/yatnhPArSzuXLsrNsmQvOoUbfYAAACAHAWDd/sxS0EKHb2O8aww8sqnvA\n"                 \
	"qiRZ6huCwbOQnSZMDZasK7wlT5ikU4HA2QRBZTC8Hu4dduEqMVwENYrCeaXPANpt9PMCKL\n"                 \
	"1RwPExrbEmeKhLlPycx8RmuvfuZrDyBJkGITro2zgHmrl7KBt7eRrlbNSTsP93DIXi9Z5y\n"                 \
	"VfXcQAAAHgkhLrcZIS63EAAAAHc3NoLWRzcwAAAIEAs6E6CEgM5qXG7M3nOvVRNYiEoNpL\n"                 \
	"FtdAUk9Pq9owu+uQNO0XFWq9K9W37kvUDxr8IYsa6W7XSYVLUzP3yJhkXgVEEfU1cTQb1D\n"                 \
	"aelKDbChWrwolPEmdChkMotO1SkG8m7zfWUd21QUxD4s5KLKIzYpfAuCN8FhX9pcXDTo2J\n"                 \
	"OgEAAAAVAIx9Tfbr+yZzeGBUnTAtSlgLk/I1AAAAgG1elsGVEJ1qUIqYAkDvgbHZfQed8r\n"                 \
	"nm61HIIRz7zyyLQ4N2anETBh5BCS/KSZhausLB7NNLCYmrUWkoRIFeQJoPybOKnIq5f1Kl\n"                 \
	"FjwY/ZhuLcU95Q7ccj4vXT58LOxipsdFGCh3PPGRrM3T5f8mrZ4TwK0s7ly7KzbJkLzqFG\n"                 \
	"32AAAAgBwFg3f7MUtBCh29jvGsMPLKp7wKokWeobgsGzkJ0mTA2WrCu8JU+YpFOBwNkEQW\n"                 \
	"UwvB7uHXbhKjFcBDWKwnmlzwDabfTzAii9UcDxMa2xJnioS5T8nMfEZrr37maw8gSZBiE6\n"                 \
	"6Ns4B5q5eygbe3ka5WzUk7D/dwyF4vWeclX13EAAAAFElpwhEYE79rZSMfH/eGjeft+ci1\n"                 \
	"AAAAB2ZpeHR1cmUBAgME\n"                                                                   \
	"-----END OPENSSH PRIVATE KEY-----\n"

#define K_ENC                                                                                      \
	"-----BEGIN OPENSSH PRIVATE KEY-----\n"                                                    \
	"b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABAJfKvI26\n"                 \
	"47RvLfpgN6vfpdAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIC4mtw2b5+rv76JB\n"                 \
	"OyeqC8TotgqQ9o0U0aMBJNTHURCrAAAAkAgV6aD4zOU7pZeo0o3VaEx9M+L3tx9XsOdBOY\n"                 \
	"OF87dkmZNr6vekA8jFkmkTM0RUsta3pQ3DVtFBJxAjHbUzg0/n33ZWOR2ADOltAzr2Z5gr\n"                 \
	"uETM06DMWWjdBhip/lkwTPggdq2/633XqALYrE7bAP/aqJpaG/+XWREyY8h1YKIAesrr0R\n"                 \
	"/KhFADLH87cS+SKg==\n"                                                                     \
	"-----END OPENSSH PRIVATE KEY-----\n"

#define K_EC_PKCS8                                                                                 \
	"-----BEGIN PRIVATE KEY-----\n"                                                            \
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgaHxdbVHgCpR/ln0W\n"                       \
	"9poMaac0HlzT++HP+yOXK8MievOhRANCAATJKZU5U51imzy5eJFp1Hc2RrochnQ7\n"                       \
	"tvYvofbk6HlP7XnAngPwo0A6xWuaX1Kdlkem5m0NfGMQ5UfpAbcLEK6y\n"                               \
	"-----END PRIVATE KEY-----\n"

#define K_DSA_PUB                                                                                  \
	"ssh-dss "                                                                                 \
	"AAAAB3NzaC1kc3MAAACBALOhOghIDOalxuzN5zr1UTWIhKDaSxbXQFJPT6vaMLvrkDTtFxVqvSvVt+5L1A8a/"    \
	"CGLGulu10mFS1Mz98iYZF4FRBH1NXE0G9Q2npSg2woVq8KJTxJnQoZDKLTtUpBvJu831lHdtUFMQ+"            \
	"LOSiyiM2KXwLgjfBYV/aXFw06NiToBAAAAFQCMfU326/"                                             \
	"smc3hgVJ0wLUpYC5PyNQAAAIBtXpbBlRCdalCKmAJA74Gx2X0HnfK55utRyCEc+"                          \
	"88si0ODdmpxEwYeQQkvykmYWrrCwezTSwmJq1FpKESBXkCaD8mzipyKuX9SpRY8GP2Ybi3FPeUO3HI+L10+"      \
	"fCzsYqbHRRgodzzxkazN0+X/"                                                                 \
	"Jq2eE8CtLO5cuys2yZC86hRt9gAAAIAcBYN3+"                                                    \
	"zFLQQodvY7xrDDyyqe8CqJFnqG4LBs5CdJkwNlqwrvCVPmKRTgcDZBEFlMLwe7h124SoxXAQ1isJ5pc8A2m308wI" \
	"ovVHA8TGtsSZ4qEuU/JzHxGa69+5msPIEmQYhOujbOAeauXsoG3t5GuVs1JOw/3cMheL1nnJV9dxA== "         \
	"fixture\n"

#define KEYDIR	"etc/ssh/"
#define ED25519 KEYDIR "ssh_host_ed25519_key"
#define CONFIG	"etc/ssh/sshd_config"

/* Run the family alone on f's tree (findings of earlier runs are dropped). */
static void run_start(struct vfx *f)
{
	if (f->ran)
		rsc_ctx_clear(&f->ctx);
	rsc_victim_free(f->victim);
	rsc_root_free(f->root);
	assert_int_equal(rsc_root_open(f->dir, &f->root), 0);
	assert_int_equal(rsc_victim_load(f->root, &f->victim), 0);
	rsc_ctx_init(&f->ctx, f->root, f->victim);
	f->ran = true;
	assert_int_equal(chk_sshd_start.run(&f->ctx), 0);
}

static size_t count(struct vfx *f)
{
	return f->ctx.nfindings;
}

/* The evidence of the first finding with code, or NULL. */
static const char *evidence(struct vfx *f, const char *code)
{
	for (size_t i = 0; i < f->ctx.nfindings; i++)
		if (strcmp(rsc_problem(f->ctx.findings[i].id)->code, code) == 0)
			return f->ctx.findings[i].evidence;
	return NULL;
}

/* Exactly these findings (code, path pairs, NULL-terminated), nothing else. */
static void expect(struct vfx *f, ...)
{
	va_list ap;
	size_t n = 0;
	const char *code;

	va_start(ap, f);
	while ((code = va_arg(ap, const char *))) {
		const char *path = va_arg(ap, const char *);

		if (!vfx_has(f, code, path)) {
			fprintf(stderr, "missing %s %s\n", code, path ? path : "-");
			vfx_dump(f);
			fail();
		}
		n++;
	}
	va_end(ap);
	if (count(f) != n)
		vfx_dump(f);
	assert_int_equal(count(f), n);
}

static void set_version(struct vfx *f, const char *pkgver)
{
	char buf[256];

	snprintf(buf, sizeof(buf),
		 "Package: openssh-server\nStatus: install ok installed\nVersion: %s\n\n", pkgver);
	tu_write(f->dir, "var/lib/dpkg/status", buf, 0644, 0, 0);
}

static void only_key(struct vfx *f, const char *name, const char *content, mode_t mode)
{
	char rel[256], cfg[512];

	struct stat st;

	snprintf(rel, sizeof(rel), "%s/" ED25519, f->dir);
	if (lstat(rel, &st) == 0)
		tu_remove(f->dir, ED25519);
	snprintf(rel, sizeof(rel), KEYDIR "%s", name);
	tu_write(f->dir, rel, content, mode, 0, 0);
	snprintf(cfg, sizeof(cfg), "HostKey /etc/ssh/%s\nUsePAM yes\n", name);
	tu_write(f->dir, CONFIG, cfg, 0644, 0, 0);
}

static void test_healthy(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	run_start(f);
	expect(f, NULL);
	vfx_free(f);
}

/* Measured: "Permissions 0644 for '…' are too open.", then no hostkeys available. */
static void test_key_mode_0644(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	tu_chmod(f->dir, ED25519, 0644);
	run_start(f);
	expect(f, "sshd.hostkey.mode", "/" ED25519, "sshd.hostkey.none", "/etc/ssh", NULL);
	assert_non_null(strstr(evidence(f, "sshd.hostkey.mode"), "Permissions 0644"));
	vfx_free(f);
}

static void test_key_mode_0640_debian_refused(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	tu_write(f->dir, "etc/group",
		 "root:x:0:\nalice:x:1001:\nbob:x:1002:\ncarol:x:1003:\nssh_keys:x:997:\n", 0644, 0,
		 0);
	tu_chmod(f->dir, ED25519, 0640);
	tu_chown(f->dir, ED25519, 0, 997);
	run_start(f);
	expect(f, "sshd.hostkey.mode", "/" ED25519, "sshd.hostkey.none", "/etc/ssh", NULL);
	vfx_free(f);
}

/* RHEL's sshd accepts root:ssh_keys 0640, but not 0660 nor another group. */
static void test_key_mode_rhel_ssh_keys(void **state)
{
	struct vfx *f = vfx_new("rocky");

	(void)state;
	tu_write(f->dir, "etc/group",
		 "root:x:0:\nalice:x:1001:\nbob:x:1002:\ncarol:x:1003:\nssh_keys:x:997:\n"
		 "wheel:x:10:\n",
		 0644, 0, 0);
	tu_chmod(f->dir, ED25519, 0640);
	tu_chown(f->dir, ED25519, 0, 997);
	run_start(f);
	expect(f, NULL);
	tu_chmod(f->dir, ED25519, 0660);
	run_start(f);
	expect(f, "sshd.hostkey.mode", "/" ED25519, "sshd.hostkey.none", "/etc/ssh", NULL);
	tu_chmod(f->dir, ED25519, 0640);
	tu_chown(f->dir, ED25519, 0, 10);
	run_start(f);
	expect(f, "sshd.hostkey.mode", "/" ED25519, "sshd.hostkey.none", "/etc/ssh", NULL);
	vfx_free(f);
}

/* sshd checks the mode only of a key owned by its own uid (measured: uid 1, 0644 loads). */
static void test_key_other_owner_not_mode_checked(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	tu_chmod(f->dir, ED25519, 0644);
	tu_chown(f->dir, ED25519, 1, 1);
	run_start(f);
	expect(f, NULL);
	vfx_free(f);
}

/* A HostKey line naming a missing file is reported; a missing default key is not. */
static void test_key_missing(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	tu_write(f->dir, CONFIG,
		 "HostKey /etc/ssh/ssh_host_rsa_key\nHostKey /etc/ssh/ssh_host_ed25519_key\n", 0644,
		 0, 0);
	run_start(f);
	expect(f, "sshd.hostkey.missing", "/etc/ssh/ssh_host_rsa_key", NULL);
	tu_write(f->dir, CONFIG, "UsePAM yes\n", 0644, 0, 0);
	run_start(f);
	expect(f, NULL);
	tu_remove(f->dir, ED25519);
	run_start(f);
	expect(f, "sshd.hostkey.none", "/etc/ssh", NULL);
	vfx_free(f);
}

static void test_key_invalid(void **state)
{
	static const struct {
		const char *content;
		const char *why;
	} cases[] = {
		{ "", "empty" },
		{ "garbage\n", "not a private key" },
		{ K_ENC, "passphrase" },
		{ "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5v\n"
		  "-----END OPENSSH PRIVATE KEY-----\n",
		  "not a private key" },
		{ "-----BEGIN RSA PRIVATE KEY-----\nnot base64 at all!\n"
		  "-----END RSA PRIVATE KEY-----\n",
		  "not a private key" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vfx *f = vfx_new("debian");

		only_key(f, "k", cases[i].content, 0600);
		run_start(f);
		expect(f, "sshd.hostkey.invalid", "/etc/ssh/k", "sshd.hostkey.none", "/etc/ssh/k",
		       NULL);
		assert_non_null(strstr(evidence(f, "sshd.hostkey.invalid"), cases[i].why));
		vfx_free(f);
	}
}

/* A FIFO, a directory and a symlink out of the root: never hang, never leave the root. */
static void test_key_hostile(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	tu_write(f->dir, CONFIG,
		 "HostKey /etc/ssh/fifo\nHostKey /etc/ssh/dir\nHostKey /etc/ssh/up\n"
		 "HostKey etc/ssh/ssh_host_ed25519_key\n",
		 0644, 0, 0);
	tu_mkfifo(f->dir, "etc/ssh/fifo", 0600);
	tu_mkdir(f->dir, "etc/ssh/dir", 0700, 0, 0);
	tu_symlink(f->dir, "etc/ssh/up", "../../../../../../../../etc/ssh/nonexistent_key");
	run_start(f);
	expect(f, "sshd.hostkey.invalid", "/etc/ssh/fifo", "sshd.hostkey.invalid", "/etc/ssh/dir",
	       "sshd.hostkey.missing", "/etc/ssh/up", NULL);
	vfx_free(f);
}

/* Measured: 768 bits: "Unable to load host key …: Invalid key length". */
static void test_key_rsa_small(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	only_key(f, "k1", K_RSA768_PKCS1, 0600);
	run_start(f);
	expect(f, "sshd.hostkey.rsa-small", "/etc/ssh/k1", "sshd.hostkey.none", "/etc/ssh/k1",
	       NULL);
	assert_non_null(strstr(evidence(f, "sshd.hostkey.rsa-small"), "RSA 768 bits"));
	only_key(f, "k2", K_RSA768_PKCS8, 0600);
	run_start(f);
	expect(f, "sshd.hostkey.rsa-small", "/etc/ssh/k2", "sshd.hostkey.none", "/etc/ssh/k2",
	       NULL);
	only_key(f, "k3", K_RSA1024, 0600);
	run_start(f);
	expect(f, NULL);
	/* measured: "main: Host key …: Invalid key length", then no hostkeys available */
	tu_write(f->dir, CONFIG, "HostKey /etc/ssh/k3\nRequiredRSASize 2048\n", 0644, 0, 0);
	run_start(f);
	expect(f, "sshd.hostkey.rsa-small", "/etc/ssh/k3", "sshd.hostkey.none", "/etc/ssh/k3",
	       NULL);
	assert_non_null(strstr(evidence(f, "sshd.hostkey.rsa-small"), "at least 2048"));
	/* before 9.1 RequiredRSASize does not exist: the config is judged by sshd-config */
	set_version(f, "1:8.4p1-5+deb11u3");
	tu_write(f->dir, CONFIG, "HostKey /etc/ssh/k3\n", 0644, 0, 0);
	run_start(f);
	expect(f, NULL);
	vfx_free(f);
}

static void test_key_pkcs8_ec(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	only_key(f, "k", K_EC_PKCS8, 0600);
	run_start(f);
	expect(f, NULL);
	vfx_free(f);
}

/*
 * Measured on 9.2: with only a DSA host key sshd starts, and every
 * connection fails ("No supported key exchange algorithms [preauth]",
 * client "Connection reset"), unless HostKeyAlgorithms offers ssh-dss.
 */
static void test_key_dsa(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	only_key(f, "dsa", K_DSA, 0600);
	run_start(f);
	expect(f, "sshd.hostkey.dsa-only", "/etc/ssh/dsa", NULL);
	assert_non_null(strstr(evidence(f, "sshd.hostkey.dsa-only"), "No supported key exchange"));
	tu_write(f->dir, CONFIG, "HostKey /etc/ssh/dsa\nHostKeyAlgorithms +ssh-dss\n", 0644, 0, 0);
	run_start(f);
	expect(f, NULL);
	/* next to a usable key a 9.x DSA key is harmless */
	tu_write(f->dir, ED25519, FX_HOSTKEY, 0600, 0, 0);
	tu_write(f->dir, CONFIG, "HostKey /etc/ssh/dsa\nHostKey /" ED25519 "\n", 0644, 0, 0);
	run_start(f);
	expect(f, NULL);
	/* 10.0 cannot load it at all */
	set_version(f, "1:10.0p1-5");
	tu_write(f->dir, "usr/lib/openssh/sshd-session", "#!/bin/sh\n", 0755, 0, 0);
	tu_write(f->dir, "usr/lib/openssh/sshd-auth", "#!/bin/sh\n", 0755, 0, 0);
	run_start(f);
	expect(f, "sshd.hostkey.type", "/etc/ssh/dsa", NULL);
	tu_write(f->dir, CONFIG, "HostKey /etc/ssh/dsa\n", 0644, 0, 0);
	run_start(f);
	expect(f, "sshd.hostkey.type", "/etc/ssh/dsa", "sshd.hostkey.none", "/etc/ssh/dsa", NULL);
	vfx_free(f);
}

/* A PKCS#8 key whose algorithm is not told: PATH.pub gives the type. */
static void test_key_pub_fallback(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	set_version(f, "1:10.0p1-5");
	tu_write(f->dir, "usr/lib/openssh/sshd-session", "#!/bin/sh\n", 0755, 0, 0);
	tu_write(f->dir, "usr/lib/openssh/sshd-auth", "#!/bin/sh\n", 0755, 0, 0);
	/* an Ed25519 PKCS#8 key (OID 1.3.101.112) is not one the DER reader names */
	only_key(f, "k",
		 "-----BEGIN PRIVATE KEY-----\n"
		 "MC4CAQAwBQYDK2VwBCIEICsdHeSzn1wzoTjbjMI1Zo9xazz2GP6K6n2zRpT5hGG+\n"
		 "-----END PRIVATE KEY-----\n",
		 0600);
	run_start(f);
	expect(f, NULL);
	tu_write(f->dir, KEYDIR "k.pub", K_DSA_PUB, 0644, 0, 0);
	run_start(f);
	expect(f, "sshd.hostkey.type", "/etc/ssh/k", "sshd.hostkey.none", "/etc/ssh/k", NULL);
	vfx_free(f);
}

/* Measured: "Privilege separation user sshd does not exist". */
static void test_privsep_user(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	tu_write(f->dir, "etc/passwd",
		 "root:x:0:0:root:/root:/bin/bash\nalice:x:1001:1001:Alice:/home/alice:/bin/bash\n",
		 0644, 0, 0);
	run_start(f);
	expect(f, "sshd.privsep.user", "/etc/passwd", NULL);
	vfx_free(f);
}

/* /run/sshd on Debian: made by RuntimeDirectory=, a tmpfiles.d line or the init script. */
static void test_privsep_run(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	tu_remove(f->dir, "lib/systemd/system/ssh.service");
	run_start(f);
	expect(f, "sshd.privsep.dir", "/run/sshd", NULL);
	/* sysvinit: Debian's /etc/init.d/ssh creates it */
	tu_write(f->dir, "etc/init.d/ssh", "#!/bin/sh\n", 0755, 0, 0);
	run_start(f);
	expect(f, NULL);
	/* systemd with a unit that does not: the init script is not run */
	tu_write(f->dir, "lib/systemd/system/ssh.service", "[Service]\nExecStart=/usr/sbin/sshd\n",
		 0644, 0, 0);
	run_start(f);
	expect(f, "sshd.privsep.dir", "/run/sshd", NULL);
	tu_write(f->dir, "usr/lib/tmpfiles.d/sshd.conf",
		 "# made at boot\nd /run/sshd 0755 root root\n", 0644, 0, 0);
	run_start(f);
	expect(f, NULL);
	/* /etc masks a file of the same name */
	tu_write(f->dir, "etc/tmpfiles.d/sshd.conf", "d /run/other 0755\n", 0644, 0, 0);
	run_start(f);
	expect(f, "sshd.privsep.dir", "/run/sshd", NULL);
	vfx_free(f);
}

static void test_privsep_run_dropins(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	/* an empty assignment resets the list the unit file set */
	tu_write(f->dir, "etc/systemd/system/ssh.service.d/override.conf",
		 "[Service]\nRuntimeDirectory=\n", 0644, 0, 0);
	run_start(f);
	expect(f, "sshd.privsep.dir", "/run/sshd", NULL);
	/* a later drop-in (by name, any directory) sets it again */
	tu_write(f->dir, "usr/lib/systemd/system/ssh.service.d/zz.conf",
		 "[Service]\nRuntimeDirectory=other sshd\n", 0644, 0, 0);
	run_start(f);
	expect(f, NULL);
	/* a world-writable RuntimeDirectoryMode: "must be owned by root and not … writable" */
	tu_write(f->dir, "etc/systemd/system/ssh.service.d/zzz.conf",
		 "[Service]\nRuntimeDirectoryMode=0777\n", 0644, 0, 0);
	run_start(f);
	expect(f, "sshd.privsep.dir", "/run/sshd", NULL);
	assert_non_null(strstr(evidence(f, "sshd.privsep.dir"), "0777"));
	/* a line outside [Service] does nothing */
	tu_write(f->dir, "etc/systemd/system/ssh.service.d/zzz.conf",
		 "[Unit]\nRuntimeDirectoryMode=0777\n", 0644, 0, 0);
	run_start(f);
	expect(f, NULL);
	vfx_free(f);
}

/* Measured: "Missing privilege separation directory: …", "… must be owned by root …". */
static void test_privsep_dir_rhel(void **state)
{
	struct vfx *f = vfx_new("rocky");

	(void)state;
	run_start(f);
	expect(f, NULL);
	tu_chmod(f->dir, "usr/share/empty.sshd", 0777);
	run_start(f);
	expect(f, "sshd.privsep.dir", "/usr/share/empty.sshd", NULL);
	tu_chmod(f->dir, "usr/share/empty.sshd", 0711);
	tu_chown(f->dir, "usr/share/empty.sshd", 1001, 0);
	run_start(f);
	expect(f, "sshd.privsep.dir", "/usr/share/empty.sshd", NULL);
	tu_remove(f->dir, "usr/share/empty.sshd");
	run_start(f);
	expect(f, "sshd.privsep.dir", "/usr/share/empty.sshd", NULL);
	vfx_free(f);
}

static void test_helpers(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	set_version(f, "1:9.8p1-3");
	run_start(f);
	expect(f, "sshd.helper.missing", "/usr/lib/openssh/sshd-session", NULL);
	tu_write(f->dir, "usr/lib/openssh/sshd-session", "#!/bin/sh\n", 0644, 0, 0);
	run_start(f);
	expect(f, "sshd.helper.missing", "/usr/lib/openssh/sshd-session", NULL);
	assert_non_null(strstr(evidence(f, "sshd.helper.missing"), "not executable"));
	tu_chmod(f->dir, "usr/lib/openssh/sshd-session", 0755);
	run_start(f);
	expect(f, NULL);
	set_version(f, "1:10.0p1-5");
	run_start(f);
	expect(f, "sshd.helper.missing", "/usr/lib/openssh/sshd-auth", NULL);
	tu_write(f->dir, CONFIG, "SshdAuthPath /opt/ssh/sshd-auth\n", 0644, 0, 0);
	tu_write(f->dir, "opt/ssh/sshd-auth", "#!/bin/sh\n", 0755, 0, 0);
	run_start(f);
	expect(f, NULL);
	vfx_free(f);
}

static void test_subsystem(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	tu_write(f->dir, CONFIG,
		 "Subsystem sftp /usr/lib/openssh/sftp-server\nSubsystem x internal-sftp\n", 0644,
		 0, 0);
	run_start(f);
	expect(f, "sshd.subsystem.missing", "/usr/lib/openssh/sftp-server", NULL);
	assert_int_equal(rsc_problem(f->ctx.findings[0].id)->severity, RSC_SEV_WARNING);
	tu_write(f->dir, "usr/lib/openssh/sftp-server",
		 "\x7f"
		 "ELF",
		 0755, 0, 0);
	run_start(f);
	expect(f, NULL);
	vfx_free(f);
}

/* Measured: "Unsafe AuthorizedKeysCommand \"…\": bad ownership or modes for directory …". */
static void test_akcommand(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	tu_write(f->dir, CONFIG,
		 "AuthorizedKeysCommand /usr/local/bin/akc %u\nAuthorizedKeysCommandUser nobody\n",
		 0644, 0, 0);
	tu_write(f->dir, "etc/passwd",
		 "root:x:0:0:root:/root:/bin/bash\nsshd:x:100:65534::/run/sshd:/usr/sbin/nologin\n"
		 "nobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n",
		 0644, 0, 0);
	run_start(f);
	expect(f, "sshd.akcommand", "/usr/local/bin/akc", NULL);
	assert_non_null(strstr(evidence(f, "sshd.akcommand"), "Could not stat"));
	tu_write(f->dir, "usr/local/bin/akc", "#!/bin/sh\n", 0755, 0, 0);
	run_start(f);
	expect(f, NULL);
	tu_chmod(f->dir, "usr/local/bin", 0775);
	run_start(f);
	expect(f, "sshd.akcommand", "/usr/local/bin/akc", NULL);
	assert_non_null(strstr(evidence(f, "sshd.akcommand"),
			       "bad ownership or modes for directory /usr/local/bin"));
	tu_chmod(f->dir, "usr/local/bin", 0755);
	tu_chown(f->dir, "usr/local/bin/akc", 1001, 1001);
	run_start(f);
	expect(f, "sshd.akcommand", "/usr/local/bin/akc", NULL);
	assert_non_null(strstr(evidence(f, "sshd.akcommand"), "for file /usr/local/bin/akc"));
	tu_chown(f->dir, "usr/local/bin/akc", 0, 0);
	/* a symlink is judged by its real path, like sshd's realpath() */
	tu_mkdir(f->dir, "srv/open", 0777, 0, 0);
	tu_write(f->dir, "srv/open/akc", "#!/bin/sh\n", 0755, 0, 0);
	tu_remove(f->dir, "usr/local/bin/akc");
	tu_symlink(f->dir, "usr/local/bin/akc", "/srv/open/akc");
	run_start(f);
	expect(f, "sshd.akcommand", "/usr/local/bin/akc", NULL);
	assert_non_null(strstr(evidence(f, "sshd.akcommand"), "directory /srv/open"));
	vfx_free(f);
}

static void test_akcommand_user(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	tu_write(f->dir, "usr/local/bin/apc", "#!/bin/sh\n", 0755, 0, 0);
	tu_write(f->dir, CONFIG, "AuthorizedPrincipalsCommand /usr/local/bin/apc\n", 0644, 0, 0);
	run_start(f);
	expect(f, "sshd.akcommand", "/usr/local/bin/apc", NULL);
	assert_non_null(strstr(evidence(f, "sshd.akcommand"), "No user for"));
	tu_write(f->dir, CONFIG,
		 "AuthorizedPrincipalsCommand /usr/local/bin/apc\n"
		 "AuthorizedPrincipalsCommandUser ghost\n",
		 0644, 0, 0);
	run_start(f);
	expect(f, "sshd.akcommand", "/usr/local/bin/apc", NULL);
	assert_non_null(strstr(evidence(f, "sshd.akcommand"), "not found"));
	tu_write(f->dir, CONFIG,
		 "AuthorizedPrincipalsCommand /usr/local/bin/apc\n"
		 "AuthorizedPrincipalsCommandUser alice\n",
		 0644, 0, 0);
	run_start(f);
	expect(f, NULL);
	vfx_free(f);
}

static void test_trusted_ca(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	tu_write(f->dir, CONFIG, "TrustedUserCAKeys /etc/ssh/user_ca.pub\n", 0644, 0, 0);
	run_start(f);
	expect(f, "sshd.trustedca.missing", "/etc/ssh/user_ca.pub", NULL);
	assert_int_equal(rsc_problem(f->ctx.findings[0].id)->severity, RSC_SEV_WARNING);
	tu_write(f->dir, "etc/ssh/user_ca.pub", K_DSA_PUB, 0644, 0, 0);
	run_start(f);
	expect(f, NULL);
	vfx_free(f);
}

/* Measured: a 0775 parent: bad ownership or modes for chroot directory component "/srv/jail/". */
static void test_chroot(void **state)
{
	struct vfx *f = vfx_new("debian");

	(void)state;
	tu_write(f->dir, CONFIG, "ChrootDirectory /srv/jail/in\n", 0644, 0, 0);
	tu_mkdir(f->dir, "srv/jail/in", 0755, 0, 0);
	run_start(f);
	expect(f, NULL);
	tu_chmod(f->dir, "srv/jail", 0775);
	run_start(f);
	expect(f, "sshd.chroot.unsafe", "/srv/jail/in", NULL);
	assert_non_null(strstr(evidence(f, "sshd.chroot.unsafe"), "component \"/srv/jail/\""));
	tu_chmod(f->dir, "srv/jail", 0755);
	tu_chown(f->dir, "srv/jail/in", 1001, 1001);
	run_start(f);
	expect(f, "sshd.chroot.unsafe", "/srv/jail/in", NULL);
	assert_non_null(strstr(evidence(f, "sshd.chroot.unsafe"), "directory \"/srv/jail/in\""));
	tu_write(f->dir, CONFIG, "ChrootDirectory /srv/missing\n", 0644, 0, 0);
	run_start(f);
	expect(f, "sshd.chroot.unsafe", "/srv/missing", NULL);
	tu_write(f->dir, CONFIG, "ChrootDirectory %h\n", 0644, 0, 0);
	run_start(f);
	expect(f, NULL);
	tu_write(f->dir, CONFIG, "ChrootDirectory none\n", 0644, 0, 0);
	run_start(f);
	expect(f, NULL);
	vfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy),
		cmocka_unit_test(test_key_mode_0644),
		cmocka_unit_test(test_key_mode_0640_debian_refused),
		cmocka_unit_test(test_key_mode_rhel_ssh_keys),
		cmocka_unit_test(test_key_other_owner_not_mode_checked),
		cmocka_unit_test(test_key_missing),
		cmocka_unit_test(test_key_invalid),
		cmocka_unit_test(test_key_hostile),
		cmocka_unit_test(test_key_rsa_small),
		cmocka_unit_test(test_key_pkcs8_ec),
		cmocka_unit_test(test_key_dsa),
		cmocka_unit_test(test_key_pub_fallback),
		cmocka_unit_test(test_privsep_user),
		cmocka_unit_test(test_privsep_run),
		cmocka_unit_test(test_privsep_run_dropins),
		cmocka_unit_test(test_privsep_dir_rhel),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_subsystem),
		cmocka_unit_test(test_akcommand),
		cmocka_unit_test(test_akcommand_user),
		cmocka_unit_test(test_trusted_ca),
		cmocka_unit_test(test_chroot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
