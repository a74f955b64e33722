// SPDX-License-Identifier: GPL-2.0-or-later
/* checks.c - the table of check families and the loop that runs them. */
#include <string.h>

#include "checks.h"
#include "report.h"

const struct rsc_check *const rsc_checks[] = {
	&chk_fs_health,	  &chk_sshd_config,  &chk_sshd_start, &chk_sshd_boot, &chk_ssh_access,
	&chk_sshd_binary, &chk_sshd_lockout, &chk_login_gate, &chk_packages,  NULL,
};

int rsc_run_checks(struct rsc_ctx *ctx, FILE *err)
{
	int first = 0;

	for (size_t i = 0; rsc_checks[i]; i++) {
		int r = rsc_checks[i]->run(ctx);

		if (r < 0) {
			if (err)
				fprintf(err, "sshrescue: check %s could not run: %s\n",
					rsc_checks[i]->name, strerror(-r));
			if (!first)
				first = r;
		}
	}
	return first;
}
