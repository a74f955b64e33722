// SPDX-License-Identifier: GPL-2.0-or-later
/* checks.c - the table of check families and the loop that runs them. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "checks.h"
#include "report.h"

const struct rsc_check *const rsc_checks[] = {
	&chk_fs_health,	  &chk_sshd_config,  &chk_sshd_start, &chk_sshd_boot, &chk_ssh_access,
	&chk_sshd_binary, &chk_sshd_lockout, &chk_login_gate, &chk_packages,  NULL,
};

/* EBADMSG is EFSBADCRC, EUCLEAN is EFSCORRUPTED in ext4 and XFS. */
bool rsc_err_is_damage(int err)
{
	return err == -EIO || err == -EBADMSG || err == -EUCLEAN;
}

/*
 * A check that stopped with an error is a finding, not a silent gap in the
 * report: fs.read.error when the kernel answered with damage, else check.failed.
 */
static int report_failed(struct rsc_ctx *ctx, const struct rsc_check *c, int err)
{
	char ev[160];

	snprintf(ev, sizeof(ev), "the %s check stopped: %s", c->name, strerror(-err));
	return rsc_report(ctx, rsc_err_is_damage(err) ? PR_FS_READ_ERROR : PR_CHECK_FAILED,
			  &(struct rsc_detail){ .path = "/", .evidence = ev });
}

int rsc_run_checks(struct rsc_ctx *ctx, FILE *err)
{
	int first = 0;

	for (size_t i = 0; rsc_checks[i]; i++) {
		int r = rsc_checks[i]->run(ctx);

		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			if (err)
				fprintf(err, "sshrescue: check %s could not run: %s\n",
					rsc_checks[i]->name, strerror(-r));
			if (!first)
				first = r;
			if (report_failed(ctx, rsc_checks[i], r) < 0)
				return -ENOMEM;
		}
	}
	return first;
}
