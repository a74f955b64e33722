// SPDX-License-Identifier: GPL-2.0-or-later
/* fixups.c - the table of fix families. */
#include "fixups.h"

const struct rsc_fixer *const rsc_fixers[] = {
	&fix_ssh_perms, &fix_ssh_authkeys, &fix_sshd_config, &fix_sshd_hostkeys, &fix_sshd_privsep,
	&fix_login,	&fix_boot,	   &fix_packages,    &fix_fs_repair,	 &fix_fs_cleanup,
	NULL,
};

const struct rsc_fixer *rsc_fixer_for(enum rsc_pid id)
{
	for (size_t i = 0; rsc_fixers[i]; i++)
		for (size_t k = 0; k < rsc_fixers[i]->nids; k++)
			if (rsc_fixers[i]->ids[k] == id)
				return rsc_fixers[i];
	return NULL;
}
