/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fstab.h - the victim's /etc/fstab, parsed as util-linux reads it: fields
 * separated by blanks, '#' comments, octal escapes (\040 for a space) in the
 * first two fields, the options defaulting to "defaults". At most
 * RSC_FSTAB_MAX entries are kept; longer or broken lines are skipped and
 * counted.
 */
#ifndef RSC_FSTAB_H
#define RSC_FSTAB_H

#include <stddef.h>

#define RSC_FSTAB_MAX 4096

struct rsc_fstab_entry {
	char *spec; /* "UUID=…", "LABEL=…", "/dev/sda1", … */
	char *file; /* the mountpoint, "/home"; "none" or "swap" for swap */
	char *type; /* "ext4", "swap", "auto", … */
	char *opts;
	unsigned line;
};

struct rsc_fstab {
	struct rsc_fstab_entry *e;
	size_t n, cap;	/* cap: entries e has room for */
	size_t skipped; /* lines that are not an entry (fewer than 3 fields, past the cap) */
};

/* Parse len bytes of data (need not be NUL-terminated). Returns 0 or -ENOMEM. */
int rsc_fstab_parse(const char *data, size_t len, struct rsc_fstab *out);

void rsc_fstab_free(struct rsc_fstab *t);

#endif
