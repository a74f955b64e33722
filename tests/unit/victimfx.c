// SPDX-License-Identifier: GPL-2.0-or-later
/* victimfx.c - the victim fixture shared by check and fix tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "checks.h"
#include "cmd.h"
#include "elffx.h"
#include "keys.h"
#include "root.h"
#include "testutil.h"
#include "victim.h"
#include "victimfx.h"

struct vfx *vfx_new(const char *os_id)
{
	struct vfx *f = calloc(1, sizeof(*f));
	char osr[128];
	const char *d;

	assert_non_null(f);
	f->dir = tu_mkdtemp();
	d = f->dir;
	assert_int_equal(chmod(d, 0755), 0);
	tu_write(d, "etc/passwd",
		 "root:x:0:0:root:/root:/bin/bash\n"
		 "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
		 "alice:x:1001:1001:Alice:/home/alice:/bin/bash\n"
		 "bob:x:1002:1002:Bob:/home/bob:/bin/bash\n"
		 "carol:x:1003:1003:Carol:/home/carol:/bin/bash\n"
		 "sshd:x:100:65534::/run/sshd:/usr/sbin/nologin\n",
		 0644, 0, 0);
	tu_write(d, "etc/group",
		 "root:x:0:\ndaemon:x:1:\nalice:x:1001:\nbob:x:1002:\ncarol:x:1003:\n"
		 "staff:x:50:bob,alice\n",
		 0644, 0, 0);
	tu_write(d, "etc/shadow", "root:*:19700:0:99999:7:::\nalice:!:19700:0:99999:7:::\n", 0640,
		 0, 0);
	snprintf(osr, sizeof(osr), "ID=%s\nPRETTY_NAME=\"Test %s\"\nVERSION_ID=\"1\"\n", os_id,
		 os_id);
	tu_write(d, "etc/os-release", osr, 0644, 0, 0);
	tu_write(d, "var/lib/dpkg/status",
		 "Package: openssh-server\nStatus: install ok installed\n"
		 "Version: 1:9.2p1-2+deb12u3\n\n",
		 0644, 0, 0);
	tu_write(d, "etc/ssh/sshd_config", "UsePAM yes\n", 0644, 0, 0);
	/* what sshd needs to start: a host key, its privilege separation directory */
	tu_write(d, "etc/ssh/ssh_host_ed25519_key", FX_HOSTKEY, 0600, 0, 0);
	tu_write(d, "lib/systemd/system/ssh.service",
		 "[Service]\nExecStart=/usr/sbin/sshd -D\nRuntimeDirectory=sshd\n", 0644, 0, 0);
	tu_mkdir(d, "usr/share/empty.sshd", 0711, 0, 0);
	tu_mkdir(d, "var/lib/empty", 0755, 0, 0);
	tu_mkdir(d, "var/empty", 0755, 0, 0);
	/* sshd: a whole static program (no libraries to find) */
	{
		const struct elffx sshd = { .type = 2 /* ET_EXEC */, .no_dynamic = 1 };

		elffx_write(d, "usr/sbin/sshd", &sshd, 0);
	}
	/* stand-ins for the shells: sshd only needs them to be executable files */
	tu_write(d, "bin/bash", "#!/bin/sh\n", 0755, 0, 0);
	tu_write(d, "usr/sbin/nologin", "#!/bin/sh\n", 0755, 0, 0);
	tu_mkdir(d, "root", 0700, 0, 0);
	tu_mkdir(d, "home", 0755, 0, 0);
	tu_mkdir(d, "home/alice", 0755, 1001, 1001);
	tu_mkdir(d, "home/alice/.ssh", 0700, 1001, 1001);
	tu_write(d, "home/alice/.ssh/authorized_keys", KEY_ALICE "\n", 0600, 1001, 1001);
	tu_mkdir(d, "home/bob", 0755, 1002, 1002);
	tu_mkdir(d, "home/bob/.ssh", 0700, 1002, 1002);
	tu_write(d, "home/bob/.ssh/authorized_keys", KEY_BOB "\n", 0600, 1002, 1002);
	tu_mkdir(d, "srv/home", 0755, 0, 0);
	tu_mkdir(d, "srv/home/carol", 0750, 1003, 1003);
	tu_mkdir(d, "srv/home/carol/.ssh", 0700, 1003, 1003);
	tu_write(d, "srv/home/carol/.ssh/authorized_keys", KEY_BOB "\n", 0600, 1003, 1003);
	tu_symlink(d, "home/carol", "/srv/home/carol");
	return f;
}

static void release(struct vfx *f)
{
	if (f->ran)
		rsc_ctx_clear(&f->ctx);
	rsc_victim_free(f->victim);
	rsc_root_free(f->root);
	f->victim = NULL;
	f->root = NULL;
	f->ran = false;
}

struct rsc_victim *vfx_load(struct vfx *f)
{
	release(f);
	assert_int_equal(rsc_root_open(f->dir, &f->root), 0);
	assert_int_equal(rsc_victim_load(f->root, &f->victim), 0);
	return f->victim;
}

struct rsc_ctx *vfx_check(struct vfx *f)
{
	vfx_load(f);
	rsc_ctx_init(&f->ctx, f->root, f->victim);
	f->ran = true;
	assert_int_equal(rsc_run_checks(&f->ctx, stderr), 0);
	return &f->ctx;
}

bool vfx_has(struct vfx *f, const char *code, const char *path)
{
	for (size_t i = 0; i < f->ctx.nfindings; i++) {
		const struct rsc_finding *x = &f->ctx.findings[i];

		if (strcmp(rsc_problem(x->id)->code, code) != 0)
			continue;
		if (!path || (x->path && strcmp(x->path, path) == 0))
			return true;
	}
	return false;
}

size_t vfx_errors(struct vfx *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->ctx.nfindings; i++)
		n += rsc_problem(f->ctx.findings[i].id)->severity == RSC_SEV_ERROR;
	return n;
}

void vfx_dump(struct vfx *f)
{
	for (size_t i = 0; i < f->ctx.nfindings; i++) {
		const struct rsc_finding *x = &f->ctx.findings[i];

		fprintf(stderr, "  finding %s user=%s path=%s line=%lu ev=%s\n",
			rsc_problem(x->id)->code, x->user ? x->user : "-", x->path ? x->path : "-",
			x->line, x->evidence ? x->evidence : "-");
	}
}

void vfx_free(struct vfx *f)
{
	if (!f)
		return;
	release(f);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
}

int vfx_run(struct vfx *f, enum vfx_cmd cmd, const struct rsc_opts *o, char **out)
{
	struct rsc_opts opts = o ? *o : (struct rsc_opts){ 0 };
	struct tu_cap co, ce;
	int status;

	opts.target = f->dir;
	opts.apply = true;
	opts.out = tu_cap_open(&co);
	opts.err = tu_cap_open(&ce);
	status = cmd == VFX_CHECK ? rsc_cmd_check(&opts)
		 : cmd == VFX_FIX ? rsc_cmd_fix(&opts)
				  : rsc_cmd_undo(&opts);
	tu_cap_close(&co);
	tu_cap_close(&ce);
	if (out)
		*out = co.text;
	else
		free(co.text);
	free(ce.text);
	return status;
}
