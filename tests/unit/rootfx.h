/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rootfx.h - the fixture of the confinement tests (rootfx.c): a hostile
 * victim root with its symlinks aimed at the helper, opened as struct
 * rsc_root, in one of the two resolution modes (openat2, or the user-space
 * walk forced). Set up as root (chown needs it).
 */
#ifndef RSC_ROOTFX_H
#define RSC_ROOTFX_H

#include <stdbool.h>
#include <sys/types.h>

struct rfx {
	char *dir;  /* the victim root on the helper */
	char *host; /* a directory of the helper that must stay untouched */
	struct rsc_root *r;
	bool walk;
	int fdmark; /* the lowest free fd after setup: a leak moves it */
};

/* The two modes, as a cmocka initial state: *state points at one of them. */
extern int rfx_mode_openat2, rfx_mode_walk;

/* cmocka setup and teardown: *state becomes a struct rfx; teardown asserts no fd leaked. */
int rfx_setup(void **state);
int rfx_teardown(void **state);

/* Read victim path, which must exist, and assert its content is want. */
void rfx_assert_read(struct rfx *f, const char *path, const char *want);
/* No temporary file of rsc_root_write_file() is left in dir/rel. */
void rfx_assert_no_temp(struct rfx *f, const char *rel);
/* The inode of dir/rel, and whether it exists (lstat on the helper). */
ino_t rfx_host_ino(struct rfx *f, const char *rel);
bool rfx_host_exists(struct rfx *f, const char *rel);

/* A test in both modes, for a CMUnitTest table. */
#define RFX_BOTH(fn)                                                                               \
	{ #fn "/openat2", fn, rfx_setup, rfx_teardown, &rfx_mode_openat2 },                        \
	{                                                                                          \
#fn "/walk", fn, rfx_setup, rfx_teardown, &rfx_mode_walk                           \
	}

#endif
