// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs_ext4feat.c - which ext4 features the running kernel can mount.
 *
 * A kernel does not publish the feature masks its ext4 accepts
 * (EXT4_FEATURE_INCOMPAT_SUPP / RO_COMPAT_SUPP in fs/ext4/ext4.h), so this is
 * what can be known exactly:
 *  - the kernel release (uname -r) against the mainline release that added
 *    each feature to those masks (a distribution kernel may have backported
 *    one: then it is judged too old, never too new);
 *  - /sys/fs/ext4/features/casefold, present only when the kernel was built
 *    with CONFIG_UNICODE, without which it refuses casefold filesystems;
 *  - features no Linux ext4 mounts (compression, dirdata) or mounts only
 *    read-only (snapshot, replica, shared_blocks, the readonly flag).
 * And the best oracle of all, used by fs_health.c: a read-only mount that
 * succeeded proves every incompat feature is supported.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "fs_health.h"

/* major.minor of the first mainline release that mounts the feature; 0.0: none ever does */
struct feature {
	uint32_t bit;
	const char *name; /* as e2fsprogs (tune2fs -O, dumpe2fs) names it */
	unsigned major, minor;
};

static const struct feature incompat_features[] = {
	{ 0x0001, "compression", 0, 0 },
	{ 0x0002, "filetype", 2, 2 },
	{ 0x0004, "needs_recovery", 2, 4 },
	{ 0x0008, "journal_dev", 0, 0 }, /* an external journal, not a filesystem */
	{ 0x0010, "meta_bg", 2, 6 },
	{ 0x0040, "extent", 2, 6 }, /* ext4 in 2.6.28 */
	{ 0x0080, "64bit", 2, 6 },  /* 2.6.28 */
	{ 0x0100, "mmp", 3, 0 },
	{ 0x0200, "flex_bg", 2, 6 }, /* 2.6.28 */
	{ 0x0400, "ea_inode", 4, 13 },
	{ 0x1000, "dirdata", 0, 0 }, /* Lustre only */
	{ 0x2000, "metadata_csum_seed", 4, 4 },
	{ 0x4000, "large_dir", 4, 13 },
	{ 0x8000, "inline_data", 3, 8 },
	{ 0x10000, "encrypt", 4, 1 },
	{ 0x20000, "casefold", 5, 2 },
};

static const struct feature ro_compat_features[] = {
	{ 0x0001, "sparse_super", 2, 2 },
	{ 0x0002, "large_file", 2, 2 },
	{ 0x0004, "btree_dir", 2, 2 }, /* never used, but accepted */
	{ 0x0008, "huge_file", 2, 6 },
	{ 0x0010, "uninit_bg", 2, 6 },
	{ 0x0020, "dir_nlink", 2, 6 },
	{ 0x0040, "extra_isize", 2, 6 },
	{ 0x0080, "snapshot", 0, 0 },
	{ 0x0100, "quota", 3, 6 },
	{ 0x0200, "bigalloc", 3, 2 },
	{ 0x0400, "metadata_csum", 3, 6 },
	{ 0x0800, "replica", 0, 0 },
	{ 0x1000, "read-only", 0, 0 }, /* a request: always mounted read-only */
	{ 0x2000, "project", 4, 5 },
	{ 0x4000, "shared_blocks", 0, 0 },
	{ 0x8000, "verity", 5, 4 },
	{ 0x10000, "orphan_present", 5, 15 },
};

#define CASEFOLD_BIT 0x20000u

int rsc_kernel_release_parse(const char *release, unsigned *major, unsigned *minor)
{
	unsigned long v[2] = { 0, 0 };
	const char *s = release;

	if (!s)
		return -EINVAL;
	for (int i = 0; i < 2; i++) {
		const char *start = s;

		while (*s >= '0' && *s <= '9' && s - start < 6)
			v[i] = v[i] * 10 + (unsigned long)(*s++ - '0');
		if (s == start || (*s >= '0' && *s <= '9'))
			return -EINVAL;
		if (i == 0 && *s++ != '.')
			return -EINVAL;
	}
	*major = (unsigned)v[0];
	*minor = (unsigned)v[1];
	return 0;
}

void rsc_kernel_ext4_probe(struct rsc_kernel_ext4 *k)
{
	struct utsname u;
	struct stat st;

	memset(k, 0, sizeof(*k));
	if (uname(&u) < 0 || rsc_kernel_release_parse(u.release, &k->major, &k->minor) < 0)
		k->major = k->minor = 0;
	k->casefold = stat("/sys/fs/ext4/features/casefold", &st) == 0;
}

static bool too_new(const struct rsc_kernel_ext4 *k, const struct feature *f)
{
	if (f->major == 0)
		return true; /* no Linux ext4 takes it */
	if (k->major == 0)
		return false; /* unknown release: give it the benefit of the doubt */
	return k->major < f->major || (k->major == f->major && k->minor < f->minor);
}

static uint32_t unsupported(const struct rsc_kernel_ext4 *k, const struct feature *tab, size_t n,
			    uint32_t bits)
{
	uint32_t known = 0, bad = 0;

	for (size_t i = 0; i < n; i++) {
		known |= tab[i].bit;
		if ((bits & tab[i].bit) && too_new(k, &tab[i]))
			bad |= tab[i].bit;
	}
	return bad | (bits & ~known);
}

void rsc_ext4_unsupported(const struct rsc_kernel_ext4 *k, uint32_t incompat, uint32_t ro_compat,
			  uint32_t *bad_incompat, uint32_t *bad_ro_compat)
{
	*bad_incompat = unsupported(k, incompat_features, ARRAY_SIZE(incompat_features), incompat);
	if ((incompat & CASEFOLD_BIT) && !k->casefold)
		*bad_incompat |= CASEFOLD_BIT;
	*bad_ro_compat =
		unsupported(k, ro_compat_features, ARRAY_SIZE(ro_compat_features), ro_compat);
}

int rsc_ext4_feature_names(struct rsc_buf *b, bool incompat, uint32_t mask)
{
	const struct feature *tab = incompat ? incompat_features : ro_compat_features;
	size_t n = incompat ? ARRAY_SIZE(incompat_features) : ARRAY_SIZE(ro_compat_features);
	bool first = true;
	int r = 0;

	for (unsigned bit = 0; r == 0 && bit < 32; bit++) {
		uint32_t m = 1u << bit;
		const struct feature *f = NULL;

		if (!(mask & m))
			continue;
		for (size_t i = 0; i < n && !f; i++)
			if (tab[i].bit == m)
				f = &tab[i];
		if (!f)
			r = rsc_buf_printf(b, "%s0x%x (unknown)", first ? "" : ", ", m);
		else if (f->major == 0)
			r = rsc_buf_printf(b, "%s%s (no Linux ext4 mounts it%s)", first ? "" : ", ",
					   f->name, incompat ? "" : " read-write");
		else
			r = rsc_buf_printf(b, "%s%s (Linux %u.%u)", first ? "" : ", ", f->name,
					   f->major, f->minor);
		first = false;
	}
	return r;
}
