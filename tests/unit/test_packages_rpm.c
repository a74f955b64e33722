// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_packages_rpm.c - the check family packages on an rpm victim: the
 * parser of rpm --verify lines, and the real helper's rpm run against a
 * victim whose rpm database is made at test time (rpmbuild -bb of three
 * tiny packages, rpm --initdb, rpm -i --nodeps --noscripts). Skipped when
 * the helper has no rpm or rpmbuild (Debian: apt-get install rpm).
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

#include "packagesP.h"
#include "problem.h"
#include "report.h"
#include "testutil.h"
#include "util.h"
#include "victimfx.h"

static void test_parse(void **state)
{
	struct chk_rpmv_line v;

	(void)state;
	assert_int_equal(chk_rpmv_parse("missing     /usr/sbin/sshd", &v), 0);
	assert_true(v.is_missing);
	assert_int_equal(v.attr, ' ');
	assert_string_equal(v.path, "/usr/sbin/sshd");
	assert_int_equal(chk_rpmv_parse("missing   c /etc/ssh/sshd_config", &v), 0);
	assert_true(v.is_missing);
	assert_int_equal(v.attr, 'c');
	assert_string_equal(v.path, "/etc/ssh/sshd_config");
	assert_int_equal(chk_rpmv_parse("S.5....T.  c /etc/ssh/sshd_config", &v), 0);
	assert_false(v.is_missing);
	assert_string_equal(v.flags, "S.5....T.");
	assert_int_equal(v.attr, 'c');
	assert_string_equal(v.path, "/etc/ssh/sshd_config");
	assert_int_equal(chk_rpmv_parse("S.5......    /usr/lib64/libfoo.so.1", &v), 0);
	assert_int_equal(v.attr, ' ');
	assert_string_equal(v.path, "/usr/lib64/libfoo.so.1");
	assert_int_equal(chk_rpmv_parse("....L....    /usr/lib/a file with spaces", &v), 0);
	assert_string_equal(v.path, "/usr/lib/a file with spaces");
	assert_int_equal(chk_rpmv_parse("?.?......  d /usr/share/doc/x", &v), 0);
	assert_int_equal(v.attr, 'd');
	/* not file lines */
	assert_int_equal(chk_rpmv_parse("package bash is not installed", &v), -EINVAL);
	assert_int_equal(chk_rpmv_parse("Unsatisfied dependencies for openssh-server:", &v),
			 -EINVAL);
	assert_int_equal(chk_rpmv_parse("", &v), -EINVAL);
	assert_int_equal(chk_rpmv_parse("S.5....T.", &v), -EINVAL);
	assert_int_equal(chk_rpmv_parse("S.5....T.  c relative/path", &v), -EINVAL);
	assert_int_equal(chk_rpmv_parse("X.5....T.    /usr/sbin/sshd", &v), -EINVAL);
	assert_int_equal(chk_rpmv_parse("S.5....T.  z /usr/sbin/sshd", &v), -EINVAL);
	assert_int_equal(chk_rpmv_parse("missing", &v), -EINVAL);
	assert_int_equal(chk_rpmv_parse("missingx    /usr/sbin/sshd", &v), -EINVAL);
}

static bool have(const char *prog)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

static void sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

#define SPEC_HEAD                                                                                  \
	"Version: 1.0\nRelease: 1\nSummary: t\nLicense: none\nBuildArch: noarch\nAutoReqProv: "    \
	"no\n"                                                                                     \
	"%%description\nt\n"

/* rpmbuild -bb in top of a spec; %install copies from the fixture at src. */
static void build(const char *top, const char *name, const char *tags, const char *install,
		  const char *files)
{
	char spec[4096], path[4096];

	snprintf(spec, sizeof(spec), "Name: %s\n%s" SPEC_HEAD "%%install\n%s\n%%files\n%s\n", name,
		 tags, install, files);
	snprintf(path, sizeof(path), "%s.spec", name);
	tu_write(top, path, spec, 0644, 0, 0);
	sh("cd '%s' && rpmbuild -bb --define '_topdir %s' --define '__os_install_post %%{nil}' "
	   "--define 'debug_package %%{nil}' --define '_build_id_links none' "
	   "--define '_binaries_in_noarch_packages_terminate_build 0' %s.spec "
	   ">build.log 2>&1",
	   top, top, name);
}

static bool has_pkg(struct vfx *f, const char *code, const char *path, const char *pkg)
{
	for (size_t i = 0; i < f->ctx.nfindings; i++) {
		const struct rsc_finding *x = &f->ctx.findings[i];

		if (strcmp(rsc_problem(x->id)->code, code) == 0 && strcmp(x->path, path) == 0 &&
		    x->file && strcmp(x->file, pkg) == 0)
			return true;
	}
	return false;
}

static const char *evidence(struct vfx *f, const char *code, const char *path)
{
	for (size_t i = 0; i < f->ctx.nfindings; i++) {
		const struct rsc_finding *x = &f->ctx.findings[i];

		if (strcmp(rsc_problem(x->id)->code, code) == 0 && strcmp(x->path, path) == 0)
			return x->evidence;
	}
	return "";
}

static size_t count_pkg(struct vfx *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->ctx.nfindings; i++)
		if (rsc_startswith(rsc_problem(f->ctx.findings[i].id)->code, "pkg."))
			n++;
	return n;
}

static void test_rpm_verify(void **state)
{
	struct vfx *f;
	char *top, install[1024];

	(void)state;
	if (!have("rpm") || !have("rpmbuild") || getuid() != 0)
		skip(); /* rpm --verify chroots into the root */
	f = vfx_new("rocky");
	top = tu_mkdtemp();
	tu_remove(f->dir, "var/lib/dpkg/status");
	/* openssh-server: the fixture's sshd, a config file, a data file; needs "foo-cap" */
	snprintf(install, sizeof(install),
		 "mkdir -p %%{buildroot}/usr/sbin %%{buildroot}/etc/ssh "
		 "%%{buildroot}/usr/share/openssh\n"
		 "cp '%s/usr/sbin/sshd' %%{buildroot}/usr/sbin/sshd\n"
		 "echo cfg > %%{buildroot}/etc/ssh/sshd_config\n"
		 "echo moduli > %%{buildroot}/usr/share/openssh/moduli",
		 f->dir);
	build(top, "openssh-server", "Requires: foo-cap\n", install,
	      "%attr(0755,root,root) /usr/sbin/sshd\n%config(noreplace) /etc/ssh/sshd_config\n"
	      "/usr/share/openssh/moduli");
	/* libfoo provides it; unrelated is not a dependency of a login */
	build(top, "libfoo", "Provides: foo-cap\n",
	      "mkdir -p %{buildroot}/usr/lib64\necho foo > %{buildroot}/usr/lib64/libfoo.so.1",
	      "/usr/lib64/libfoo.so.1");
	build(top, "unrelated", "",
	      "mkdir -p %{buildroot}/usr/bin\necho x > %{buildroot}/usr/bin/unrelated",
	      "/usr/bin/unrelated");
	sh("rpm --root='%s' --dbpath=/var/lib/rpm --initdb && rpm --root='%s' "
	   "--dbpath=/var/lib/rpm -i --nodeps --noscripts --ignorearch --ignoreos "
	   "'%s'/RPMS/noarch/*.rpm >/dev/null 2>&1",
	   f->dir, f->dir, top);
	vfx_check(f);
	if (count_pkg(f))
		vfx_dump(f);
	assert_int_equal(count_pkg(f), 0);
	/* a program gone, a library of a dependency changed (and its mode: M), a data file and a config edited */
	tu_remove(f->dir, "usr/sbin/sshd");
	tu_write(f->dir, "usr/lib64/libfoo.so.1", "corrupt\n", 0755, 0, 0);
	tu_write(f->dir, "usr/share/openssh/moduli", "edited\n", 0644, 0, 0);
	tu_write(f->dir, "etc/ssh/sshd_config", "edited\n", 0600, 0, 0);
	tu_write(f->dir, "usr/bin/unrelated", "changed\n", 0755, 0, 0);
	vfx_check(f);
	assert_true(has_pkg(f, "pkg.file.missing", "/usr/sbin/sshd", "openssh-server"));
	assert_true(has_pkg(f, "pkg.file.changed", "/usr/lib64/libfoo.so.1", "libfoo"));
	assert_true(has_pkg(f, "pkg.file.minor", "/usr/share/openssh/moduli", "openssh-server"));
	assert_string_equal(evidence(f, "pkg.file.missing", "/usr/sbin/sshd"),
			    "openssh-server 1.0-1: rpm --verify: missing");
	assert_string_equal(evidence(f, "pkg.file.changed", "/usr/lib64/libfoo.so.1"),
			    "libfoo 1.0-1: rpm --verify: SM5...... (S size, 5 digest, L link)");
	if (count_pkg(f) != 3)
		vfx_dump(f);
	assert_int_equal(count_pkg(f), 3); /* not the config file, not the unrelated package */
	/* the database made unreadable: said, not guessed */
	sh("echo garbage > '%s/var/lib/rpm/rpmdb.sqlite' && rm -f '%s'/var/lib/rpm/rpmdb.sqlite-*",
	   f->dir, f->dir);
	vfx_check(f);
	assert_non_null(
		strstr(evidence(f, "pkg.unverified", "rpm"),
		       "the helper's rpm could not read the victim's database /var/lib/rpm"));
	assert_int_equal(count_pkg(f), 1);
	tu_rmtree(top);
	free(top);
	vfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_rpm_verify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
