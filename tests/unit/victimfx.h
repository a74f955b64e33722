/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * victimfx.h - a small Debian-like victim tree for check and fix tests:
 * root, alice (1001, key in ~/.ssh), bob (1002, member of "staff"),
 * carol (1003, home /home/carol -> /srv/home/carol), healthy by default.
 */
#ifndef RSC_VICTIMFX_H
#define RSC_VICTIMFX_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

struct vfx {
	char *dir; /* the victim root on the helper */
	struct rsc_root *root;
	struct rsc_victim *victim;
	struct rsc_ctx ctx;
	bool ran;
};

/* Build the healthy tree; os_id "debian", "rocky", … goes into os-release. */
struct vfx *vfx_new(const char *os_id);
/* Open the root and load the victim model (again), without running a check. */
struct rsc_victim *vfx_load(struct vfx *f);
/* Run every check (again); previous findings are dropped. */
struct rsc_ctx *vfx_check(struct vfx *f);
/* Is there a finding with this code (and this path, unless path is NULL)? */
bool vfx_has(struct vfx *f, const char *code, const char *path);
/* Number of error-level findings. */
size_t vfx_errors(struct vfx *f);
/* Print the findings (for a failing test). */
void vfx_dump(struct vfx *f);
void vfx_free(struct vfx *f);

struct rsc_opts;
enum vfx_cmd { VFX_CHECK, VFX_FIX, VFX_UNDO };
/*
 * Run a command on the fixture: fix with --apply, and the other options of
 * o when o is not NULL (its target, apply, out and err are set here). The
 * report text goes to *out (caller frees) when out is not NULL. Returns the
 * exit status.
 */
int vfx_run(struct vfx *f, enum vfx_cmd cmd, const struct rsc_opts *o, char **out);

/* A host key made for the fixture only (ssh-keygen -t ed25519 -C fixture), never used anywhere. */
#define FX_HOSTKEY                                                                                 \
	"-----BEGIN OPENSSH PRIVATE KEY-----\n"                                                    \
	"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"                 \
	"QyNTUxOQAAACCh6XRw/xYrioyfu4QDNI+l4dPZtjwD9QuUbGnWcMZs7QAAAJBnDvEmZw7x\n"                 \
	"JgAAAAtzc2gtZWQyNTUxOQAAACCh6XRw/xYrioyfu4QDNI+l4dPZtjwD9QuUbGnWcMZs7Q\n"                 \
	"AAAEBMwzTikUHrQETJXEGgHBHZyX7yQbZ9QdAN1A3zzTHw0qHpdHD/FiuKjJ+7hAM0j6Xh\n"                 \
	"09m2PAP1C5RsadZwxmztAAAAB2ZpeHR1cmUBAgMEBQY=\n"                                           \
	"-----END OPENSSH PRIVATE KEY-----\n"

#endif
