/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * planfx.h - the fixture of the fix-plan tests (planfx.c): a temporary root
 * with alice's broken home, set up as root (uid 0 sets the owners).
 */
#ifndef RSC_PLANFX_H
#define RSC_PLANFX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define KEYS  "home/alice/.ssh/authorized_keys"
#define KEYS2 "home/alice/.ssh/authorized_keys2"

struct pfx {
	char *dir;
	struct rsc_root *root;
};

/* cmocka setup and teardown: *state is a struct pfx. */
int pfx_setup(void **state);
int pfx_teardown(void **state);
/* Skip the test when not root (the fixture gives files to other users). */
void pfx_skip_unless_root(void);

/* The mode, owner and bytes of dir/rel, taken before and compared after. */
struct pfx_snap {
	mode_t mode;
	uid_t uid;
	gid_t gid;
	char *data;
};
void pfx_take(const char *dir, const char *rel, struct pfx_snap *s);
/* Assert dir/rel is as s was taken; frees s's bytes. */
void pfx_same(const char *dir, const char *rel, struct pfx_snap *s);
/* Does dir/rel exist (lstat)? */
bool pfx_exists(const char *dir, const char *rel);
/* Names in dir/rel that contain ".sshrescue-". */
size_t pfx_side_files(const char *dir, const char *rel);
/* Has journal id been undone? */
bool pfx_undone(struct pfx *f, const char *id);

#endif
