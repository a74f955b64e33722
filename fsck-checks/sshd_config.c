// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sshd_config.c - would the victim's sshd accept its configuration? Every
 * problem the parser (rescue/sshdcfg_parse.c) found, with file:line, judged
 * by the victim's OpenSSH version and build: an unknown keyword, a value or
 * algorithm that version refuses, a global-only keyword inside a Match
 * block, a broken Match line, Include nested too deeply, a missing file.
 */
#include <errno.h>

#include "checks.h"
#include "report.h"
#include "sshdcfg.h"
#include "victim.h"

static int run(struct rsc_ctx *ctx)
{
	const struct sshd_config *cfg = ctx->victim->sshdcfg;

	for (size_t i = 0; cfg && i < cfg->ndiags; i++) {
		const struct sshd_diag *d = &cfg->diags[i];
		struct rsc_detail det = {
			.path = d->file,
			.line = d->line,
			.evidence = d->msg,
		};
		int r = rsc_report(ctx, d->id, &det);

		if (r < 0)
			return r;
	}
	return 0;
}

const struct rsc_check chk_sshd_config = {
	.name = "sshd-config",
	.summary = "sshd_config and what it includes, judged like the victim's own sshd "
		   "(keywords, values, algorithms, Match, Include)",
	.run = run,
};
