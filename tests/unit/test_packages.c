// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_packages.c - the offline dpkg --verify (dpkgdb.c, fsck-checks/
 * packages.c), the .deb reader (debfile.c) and the restore of a package's
 * file (fixups/packages.c), with archives built by the helper's dpkg-deb.
 */
#include <errno.h>
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

#include "cmd.h"
#include "debfile.h"
#include "dpkg.h"
#include "report.h"
#include "root.h"
#include "testutil.h"
#include "victimfx.h"

#define VERSION "1:9.2p1-2+deb12u3"
#define STATUS                                                                                     \
	"Package: openssh-server\nStatus: install ok installed\nArchitecture: amd64\n"             \
	"Version: " VERSION "\nPre-Depends: init-system-helpers (>= 1.54~)\n"                      \
	"Depends: libfoo1 (>= 1.0), adduser | nosuch-alt, nosuch\n\n"                              \
	"Package: libfoo1\nStatus: install ok installed\nMulti-Arch: same\n"                       \
	"Architecture: amd64\nVersion: 1.0-1\nDescription: a library\n second line\n\n"            \
	"Package: gone\nStatus: deinstall ok config-files\nArchitecture: all\nVersion: 1\n\n"      \
	"Package: unrelated\nStatus: install ok installed\nArchitecture: all\nVersion: 2\n"

static void md5_of(const char *text, char hex[33])
{
	rsc_md5_hex(text, strlen(text), hex);
}

/* The MD5 of a fixture file (binary: tu_read stops at a NUL). */
static void file_md5(struct vfx *f, const char *path, char hex[33])
{
	struct rsc_root *r = NULL;

	assert_int_equal(rsc_root_open(f->dir, &r), 0);
	assert_int_equal(rsc_md5_file(r, path, hex), 0);
	rsc_root_free(r);
}

/* The fixture with a small dpkg database whose md5sums match the files. */
static struct vfx *fixture(void)
{
	struct vfx *f = vfx_new("debian");
	char sums[512], a[33], b[33], c[33], d[33];

	file_md5(f, "/usr/sbin/sshd", a);
	tu_write(f->dir, "usr/lib/libfoo.so.1", "foo library\n", 0644, 0, 0);
	tu_write(f->dir, "usr/share/openssh/moduli", "moduli\n", 0644, 0, 0);
	tu_write(f->dir, "usr/share/unrelated/x", "x\n", 0644, 0, 0);
	md5_of("foo library\n", b);
	md5_of("moduli\n", c);
	md5_of("x\n", d);
	tu_write(f->dir, "var/lib/dpkg/status", STATUS, 0644, 0, 0);
	snprintf(sums, sizeof(sums),
		 "%s  usr/sbin/sshd\n%s  usr/share/openssh/moduli\n"
		 "0123456789abcdef0123456789abcdef  usr/share/doc/openssh-server/README\n"
		 "bad line\n",
		 a, c);
	tu_write(f->dir, "var/lib/dpkg/info/openssh-server.md5sums", sums, 0644, 0, 0);
	snprintf(sums, sizeof(sums), "%s  usr/lib/libfoo.so.1\n", b);
	tu_write(f->dir, "var/lib/dpkg/info/libfoo1:amd64.md5sums", sums, 0644, 0, 0);
	snprintf(sums, sizeof(sums), "%s  usr/share/unrelated/x\n", d);
	tu_write(f->dir, "var/lib/dpkg/info/unrelated.md5sums", sums, 0644, 0, 0);
	return f;
}

static void test_status_parse(void **state)
{
	struct rsc_dpkg_db db = { 0 };
	const struct rsc_dpkg_pkg *p;

	(void)state;
	assert_int_equal(rsc_dpkg_parse_status(STATUS, strlen(STATUS), &db), 0);
	assert_int_equal(db.n, 3); /* "gone" is not installed */
	p = rsc_dpkg_find(&db, "openssh-server");
	assert_non_null(p);
	assert_string_equal(p->version, VERSION);
	assert_int_equal(p->ndepends, 4);
	assert_string_equal(p->depends[0], "init-system-helpers");
	assert_string_equal(p->depends[1], "libfoo1");
	assert_string_equal(p->depends[2], "adduser|nosuch-alt");
	p = rsc_dpkg_find(&db, "libfoo1:amd64");
	assert_non_null(p);
	assert_true(p->multiarch);
	assert_null(rsc_dpkg_find(&db, "gone"));
	rsc_dpkg_free(&db);
}

static bool has_with(struct vfx *f, const char *code, const char *path, const char *pkg)
{
	for (size_t i = 0; i < f->ctx.nfindings; i++) {
		const struct rsc_finding *x = &f->ctx.findings[i];

		if (strcmp(rsc_problem(x->id)->code, code) == 0 && strcmp(x->path, path) == 0 &&
		    x->file && strcmp(x->file, pkg) == 0)
			return true;
	}
	return false;
}

static void test_verify(void **state)
{
	struct vfx *f = fixture();

	(void)state;
	vfx_check(f);
	if (vfx_errors(f))
		vfx_dump(f);
	assert_int_equal(vfx_errors(f), 0);
	assert_false(vfx_has(f, "pkg.file.minor", NULL));
	/* a library of a dependency, a program, a data file; unrelated packages are not read */
	tu_remove(f->dir, "usr/lib/libfoo.so.1");
	tu_write(f->dir, "usr/sbin/sshd", "truncated", 0755, 0, 0);
	tu_write(f->dir, "usr/share/openssh/moduli", "edited\n", 0644, 0, 0);
	tu_write(f->dir, "usr/share/unrelated/x", "changed\n", 0644, 0, 0);
	vfx_check(f);
	assert_true(has_with(f, "pkg.file.missing", "/usr/lib/libfoo.so.1", "libfoo1"));
	assert_true(has_with(f, "pkg.file.changed", "/usr/sbin/sshd", "openssh-server"));
	assert_true(has_with(f, "pkg.file.minor", "/usr/share/openssh/moduli", "openssh-server"));
	assert_false(vfx_has(f, "pkg.file.minor", "/usr/share/unrelated/x"));
	assert_false(vfx_has(f, "pkg.file.missing", "/usr/share/doc/openssh-server/README"));
	/* a symlink where the package has a file */
	tu_remove(f->dir, "usr/sbin/sshd");
	tu_symlink(f->dir, "usr/sbin/sshd", "sshd.real");
	vfx_check(f);
	assert_true(has_with(f, "pkg.file.changed", "/usr/sbin/sshd", "openssh-server"));
	vfx_free(f);
}

/* An rpm victim without rpm on the helper (an empty PATH): said, not guessed. */
static void test_rpm_unverified(void **state)
{
	struct vfx *f = vfx_new("rocky");
	char *empty = tu_mkdtemp(), *path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin");
	const struct rsc_finding *x = NULL;

	(void)state;
	assert_non_null(path);
	tu_remove(f->dir, "var/lib/dpkg/status");
	tu_mkdir(f->dir, "var/lib/rpm", 0755, 0, 0);
	tu_write(f->dir, "var/lib/rpm/rpmdb.sqlite", "", 0644, 0, 0);
	setenv("PATH", empty, 1);
	vfx_check(f);
	setenv("PATH", path, 1);
	for (size_t i = 0; i < f->ctx.nfindings; i++)
		if (f->ctx.findings[i].id == PR_PKG_UNVERIFIED)
			x = &f->ctx.findings[i];
	assert_non_null(x);
	assert_string_equal(x->path, "rpm");
	assert_non_null(strstr(x->evidence, "rpm is not installed on the helper"));
	tu_rmtree(empty);
	free(empty);
	free(path);
	vfx_free(f);
}

/* dpkg-deb --build of a staging tree holding the fixture's sshd: the archive's path. */
static char *build_deb(struct vfx *f, const char *version, const char *dest)
{
	char *stage = tu_mkdtemp(), ctl[256], cmd[8192], *out = NULL;

	tu_mkdir(stage, "DEBIAN", 0755, 0, 0);
	snprintf(ctl, sizeof(ctl),
		 "Package: openssh-server\nVersion: %s\nArchitecture: amd64\n"
		 "Maintainer: t <t@example.org>\nDescription: test\n",
		 version);
	tu_write(stage, "DEBIAN/control", ctl, 0644, 0, 0);
	assert_true(asprintf(&out, "%s", dest) > 0);
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/usr/sbin' \"$(dirname '%s')\" && cp -p '%s/usr/sbin/sshd' "
		 "'%s/usr/sbin/' && dpkg-deb --root-owner-group --build '%s' '%s' >/dev/null 2>&1",
		 stage, out, f->dir, stage, stage, out);
	assert_int_equal(system(cmd), 0);
	tu_rmtree(stage);
	free(stage);
	return out;
}

static int run(struct vfx *f, char **debs, bool undo)
{
	const struct rsc_opts o = { .debs = debs };

	return vfx_run(f, undo ? VFX_UNDO : VFX_FIX, &o, NULL);
}

static void test_restore(void **state)
{
	struct vfx *f = fixture();
	char sshd[33], now[33], *debs[2] = { NULL, NULL };
	char *other = tu_mkdtemp(), dest[4096], *deb, *wrong;
	uid_t uid;

	(void)state;
	if (system("command -v dpkg-deb >/dev/null") != 0)
		skip();
	file_md5(f, "/usr/sbin/sshd", sshd);
	snprintf(dest, sizeof(dest), "%s/old.deb", other);
	wrong = build_deb(f, "1:9.2p1-2+deb12u1", dest);
	snprintf(dest, sizeof(dest), "%s/openssh-server.deb", other);
	deb = build_deb(f, VERSION, dest);
	tu_mkdir(f->dir, "var/cache/apt/archives", 0755, 0, 0);
	snprintf(dest, sizeof(dest),
		 "%s/var/cache/apt/archives/openssh-server_1%%3a9.2p1-2+deb12u3_amd64.deb", other);
	free(build_deb(f, VERSION, dest)); /* moved into the victim's cache below */
	tu_remove(f->dir, "usr/sbin/sshd");
	/* an archive of another version is refused: not repaired */
	debs[0] = wrong;
	assert_int_equal(run(f, debs, false) & (RSC_EXIT_FIXED | RSC_EXIT_LEFT), RSC_EXIT_LEFT);
	vfx_check(f);
	assert_true(vfx_has(f, "pkg.file.missing", "/usr/sbin/sshd"));
	/* --from-deb with the installed version: restored, with the package's mode and owner */
	debs[0] = deb;
	assert_int_equal(run(f, debs, false) & RSC_EXIT_FIXED, RSC_EXIT_FIXED);
	file_md5(f, "/usr/sbin/sshd", now);
	assert_string_equal(now, sshd);
	assert_int_equal(tu_mode(f->dir, "usr/sbin/sshd", &uid, NULL) & 07777, 0755);
	assert_int_equal(uid, 0);
	vfx_check(f);
	assert_int_equal(vfx_errors(f), 0);
	assert_int_equal(run(f, NULL, true), RSC_EXIT_OK);
	vfx_check(f);
	assert_true(vfx_has(f, "pkg.file.missing", "/usr/sbin/sshd"));
	/* from the victim's own apt cache; a dangling link in the file's place is replaced */
	snprintf(dest, sizeof(dest),
		 "mv %s/var/cache/apt/archives/*.deb %s/var/cache/apt/archives/", other, f->dir);
	assert_int_equal(system(dest), 0);
	tu_symlink(f->dir, "usr/sbin/sshd", "sshd.gone");
	assert_int_equal(run(f, NULL, false) & RSC_EXIT_FIXED, RSC_EXIT_FIXED);
	vfx_check(f);
	assert_int_equal(vfx_errors(f), 0);
	assert_int_equal(run(f, NULL, true), RSC_EXIT_OK);
	vfx_check(f);
	assert_true(vfx_has(f, "pkg.file.changed", "/usr/sbin/sshd"));
	free(deb);
	free(wrong);
	tu_rmtree(other);
	free(other);
	vfx_free(f);
}

/* A tar header with the given name, type and size, checksum filled in. */
static void header(unsigned char *h, const char *name, char type, size_t size)
{
	unsigned sum = 0;

	memset(h, 0, 512);
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011zo", size);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memset(h + 148, ' ', 8);
	for (size_t i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
}

static bool want_all(void *ctx, const char *path)
{
	(void)ctx;
	(void)path;
	return true;
}

static void test_tar_parser(void **state)
{
	unsigned char tar[512 * 6];
	struct rsc_deb_file *files = NULL;
	size_t n = 0;
	char why[128];

	(void)state;
	memset(tar, 0, sizeof(tar));
	header(tar, "./usr/sbin/sshd", '0', 5);
	memcpy(tar + 512, "hello", 5);
	header(tar + 1024, "./usr/lib/link", '2', 0);
	snprintf((char *)tar + 1024 + 157, 100, "target");
	header(tar + 1024, "./usr/lib/link", '2', 0); /* checksum again after the target */
	assert_int_equal(
		rsc_tar_parse(tar, sizeof(tar), want_all, NULL, &files, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 2);
	assert_string_equal(files[0].path, "/usr/sbin/sshd");
	assert_int_equal(files[0].len, 5);
	assert_memory_equal(files[0].data, "hello", 5);
	assert_int_equal(files[0].mode, 0644);
	assert_int_equal(files[1].type, '2');
	rsc_deb_files_free(files, n);
	/* cut short, a bad checksum, a ".." component, a size beyond the stream */
	assert_int_equal(rsc_tar_parse(tar, 1024, want_all, NULL, &files, &n, why, sizeof(why)),
			 -EBADMSG);
	tar[0] ^= 1;
	assert_int_equal(
		rsc_tar_parse(tar, sizeof(tar), want_all, NULL, &files, &n, why, sizeof(why)),
		-EBADMSG);
	assert_non_null(strstr(why, "bad header"));
	header(tar, "./usr/../../etc/shadow", '0', 5);
	assert_int_equal(
		rsc_tar_parse(tar, sizeof(tar), want_all, NULL, &files, &n, why, sizeof(why)),
		-EBADMSG);
	assert_non_null(strstr(why, ".."));
	header(tar, "./big", '0', 1u << 20);
	assert_int_equal(
		rsc_tar_parse(tar, sizeof(tar), want_all, NULL, &files, &n, why, sizeof(why)),
		-EBADMSG);
	assert_null(files);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_parse),   cmocka_unit_test(test_verify),
		cmocka_unit_test(test_rpm_unverified), cmocka_unit_test(test_restore),
		cmocka_unit_test(test_tar_parser),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
