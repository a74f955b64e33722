// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs_repair.c - the filesystem problems e2fsck repairs. Their repair is not
 * a plan operation: it must run on the unmounted device, so fix --apply
 * makes it in the volume's pre-mount hook (fsck-checks/fsphase.c), and the
 * preview lists it apart (commands.c). The plan only gets the log of what
 * the repair did (rsc_fsphase_log_plan). Here the codes are claimed, so that
 * the catalogue and the "not repaired" list know they are repairable.
 */
#include "fixups.h"
#include "fsphase.h"

static int plan(struct rsc_ctx *ctx, const struct rsc_finding *f, struct rsc_plan *p)
{
	(void)ctx;
	(void)f;
	(void)p;
	return 0; /* made before the mount, see the top of the file */
}

const struct rsc_fixer fix_fs_repair = {
	.name = "fs-repair",
	.ids = rsc_fsphase_ids,
	.nids = RSC_FSPHASE_NIDS,
	.plan = plan,
};
