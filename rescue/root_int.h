/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * root_int.h - what root.c (opening, reading) and root_write.c (writing,
 * metadata, directories) share; not for other files.
 */
#ifndef RSC_ROOT_INT_H
#define RSC_ROOT_INT_H

#include <stdbool.h>

#include "root.h"

struct rsc_root {
	int fd;		 /* O_PATH|O_DIRECTORY of the root, owned */
	bool force_walk; /* tests: never use openat2 */
	bool no_openat2; /* openat2 said ENOSYS once, do not ask again */
};

/* Flags that pass from a caller to the inner opens. */
#define MODE_FLAGS (RSC_NO_FALLBACK | RSC_FORCE_WALK)

/* The flags of an inner open: the caller's mode flags, and the root's forced walk. */
unsigned rsc_root_flags(const struct rsc_root *r, unsigned flags);

/*
 * Split path into its directory (opened O_PATH inside the root) and its last
 * name. Trailing slashes are dropped. *name is NULL when the path names a
 * directory by itself ("/", "a/..", "a/."); *dfd is then that directory.
 */
int rsc_root_open_parent(struct rsc_root *r, const char *path, unsigned flags, int *dfd,
			 char **name);

#endif
