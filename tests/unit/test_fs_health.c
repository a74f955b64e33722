// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_fs_health.c - the pure parts of the fs-health family: kernel release
 * parsing, the ext4 feature comparison, error records, free space as ext4
 * reckons it; and the family without a volume (unit tests, statvfs only).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checks.h"
#include "fs_health.h"
#include "report.h"
#include "root.h"
#include "testutil.h"

#define ORPHAN_PRESENT 0x10000u
#define METADATA_CSUM  0x0400u
#define CASEFOLD       0x20000u
#define COMPRESSION    0x0001u
#define EXTENT_64_FLEX (0x0040u | 0x0080u | 0x0200u | 0x0002u)

static void release_parse(void **state)
{
	unsigned ma = 9, mi = 9;

	(void)state;
	assert_int_equal(rsc_kernel_release_parse("6.1.0-28-amd64", &ma, &mi), 0);
	assert_int_equal(ma, 6);
	assert_int_equal(mi, 1);
	assert_int_equal(rsc_kernel_release_parse("5.15", &ma, &mi), 0);
	assert_int_equal(ma, 5);
	assert_int_equal(mi, 15);
	assert_int_equal(rsc_kernel_release_parse("4.19.0+", &ma, &mi), 0);
	assert_int_equal(mi, 19);
	assert_int_equal(rsc_kernel_release_parse("", &ma, &mi), -EINVAL);
	assert_int_equal(rsc_kernel_release_parse("6", &ma, &mi), -EINVAL);
	assert_int_equal(rsc_kernel_release_parse("x.1", &ma, &mi), -EINVAL);
	assert_int_equal(rsc_kernel_release_parse("6.x", &ma, &mi), -EINVAL);
	assert_int_equal(rsc_kernel_release_parse("99999999.1", &ma, &mi), -EINVAL);
	assert_int_equal(rsc_kernel_release_parse(NULL, &ma, &mi), -EINVAL);
}

static void feature_comparison(void **state)
{
	struct rsc_kernel_ext4 k510 = { 5, 10, true }, k61 = { 6, 1, true };
	struct rsc_kernel_ext4 k61_nounicode = { 6, 1, false }, k32 = { 3, 2, true };
	struct rsc_kernel_ext4 unknown = { 0, 0, true };
	uint32_t in = 0, ro = 0;

	(void)state;
	/* a Debian 12 default mke2fs: nothing missing on 6.1 */
	rsc_ext4_unsupported(&k61, EXTENT_64_FLEX, METADATA_CSUM | 0x3, &in, &ro);
	assert_int_equal(in, 0);
	assert_int_equal(ro, 0);
	/* orphan_present came with 5.15: a 5.10 helper mounts it read-only only */
	rsc_ext4_unsupported(&k510, EXTENT_64_FLEX, ORPHAN_PRESENT | METADATA_CSUM, &in, &ro);
	assert_int_equal(in, 0);
	assert_int_equal(ro, ORPHAN_PRESENT);
	/* metadata_csum (3.6) on 3.2 */
	rsc_ext4_unsupported(&k32, EXTENT_64_FLEX, METADATA_CSUM, &in, &ro);
	assert_int_equal(ro, METADATA_CSUM);
	/* casefold needs CONFIG_UNICODE, whatever the release */
	rsc_ext4_unsupported(&k61_nounicode, CASEFOLD, 0, &in, &ro);
	assert_int_equal(in, CASEFOLD);
	rsc_ext4_unsupported(&k61, CASEFOLD, 0, &in, &ro);
	assert_int_equal(in, 0);
	/* never supported, and bits nobody knows */
	rsc_ext4_unsupported(&k61, COMPRESSION | 0x80000000u, 0x0800u | 0x40000000u, &in, &ro);
	assert_int_equal(in, COMPRESSION | 0x80000000u);
	assert_int_equal(ro, 0x0800u | 0x40000000u);
	/* an unknown release judges only what no release supports */
	rsc_ext4_unsupported(&unknown, 0x20000u | 0x0400u, ORPHAN_PRESENT | 0x4000u, &in, &ro);
	assert_int_equal(in, 0);
	assert_int_equal(ro, 0x4000u);
}

static void feature_names(void **state)
{
	struct rsc_buf b = { 0 };

	(void)state;
	assert_int_equal(rsc_ext4_feature_names(&b, false, ORPHAN_PRESENT | 0x4000u | 0x40000000u),
			 0);
	assert_string_equal(b.data, "shared_blocks (no Linux ext4 mounts it read-write), "
				    "orphan_present (Linux 5.15), 0x40000000 (unknown)");
	rsc_buf_reset(&b);
	assert_int_equal(rsc_ext4_feature_names(&b, true, CASEFOLD | COMPRESSION), 0);
	assert_string_equal(b.data, "compression (no Linux ext4 mounts it), casefold (Linux 5.2)");
	rsc_buf_free(&b);
}

static void error_records(void **state)
{
	/* 32 bytes, no NUL: the on-disk field may be full */
	static const uint8_t full[32] = "ext4_xattr_block_set_really_long";
	static const uint8_t func[32] = "ext4_lookup";
	struct rsc_ext4_error e = { .time = 1796040001, /* 2026-11-30 12:00:01 UTC */
				    .func = func,
				    .func_len = sizeof(func),
				    .line = 1855,
				    .ino = 12,
				    .block = 0,
				    .errcode = 5 };
	struct rsc_buf b = { 0 };

	(void)state;
	assert_int_equal(rsc_ext4_error_format(&b, &e), 0);
	assert_string_equal(b.data, "2026-11-30 12:00:01 UTC in ext4_lookup:1855, inode 12 "
				    "(EFSCORRUPTED)");
	rsc_buf_reset(&b);
	e.func = full;
	e.func_len = sizeof(full);
	e.block = 1234567890123ull;
	e.errcode = 200;
	assert_int_equal(rsc_ext4_error_format(&b, &e), 0);
	assert_string_equal(b.data, "2026-11-30 12:00:01 UTC in ext4_xattr_block_set_really_long"
				    ":1855, inode 12, block 1234567890123 (error code unknown "
				    "to this tool)");
	rsc_buf_reset(&b);
	memset(&e, 0, sizeof(e));
	assert_int_equal(rsc_ext4_error_format(&b, &e), 0);
	assert_string_equal(b.data, "an unknown time");
	rsc_buf_free(&b);
}

static void space_as_ext4_counts_it(void **state)
{
	struct rsc_fs_usage u = { 0 };

	(void)state;
	/* fs/ext4/super.c: 2 % of the clusters, at most 4096 */
	assert_int_equal(rsc_ext4_resv_clusters(32768), 655);
	assert_int_equal(rsc_ext4_resv_clusters(327680), 4096);
	assert_int_equal(rsc_ext4_resv_clusters(10), 0);
	/* measured: 320M, 16384 reserved; uid 65534 got ENOSPC at 20480 free, root at 4096 or 4095 */
	rsc_ext4_space(&u, 20480, 16384, 4096);
	assert_int_equal(u.blocks_user, 0);
	assert_int_equal(u.blocks_root, 16384);
	rsc_ext4_space(&u, 4095, 16384, 4096);
	assert_int_equal(u.blocks_user, 0);
	assert_int_equal(u.blocks_root, 0);
	rsc_ext4_space(&u, 113356, 16384, 4096);
	assert_int_equal(u.blocks_user, 113356 - 16384 - 4096);
	assert_int_equal(u.blocks_root, 113356 - 4096);
	assert_int_equal(u.blocks_free, 113356);
	assert_int_equal(u.reserved, 16384);
}

/* Without a volume (unit tests): statvfs only, and the report says health was not checked. */
static void no_volume_statvfs_only(void **state)
{
	char *dir = tu_mkdtemp();
	struct rsc_root *root = NULL;
	struct rsc_ctx ctx;

	(void)state;
	assert_int_equal(rsc_root_open(dir, &root), 0);
	rsc_ctx_init(&ctx, root, NULL);
	assert_int_equal(chk_fs_health.run(&ctx), 0);
	assert_true(ctx.fs.has_usage);
	assert_false(ctx.fs.health_checked);
	assert_string_equal(ctx.fs.source, "statvfs");
	assert_non_null(ctx.fs.health_note);
	assert_true(ctx.fs.blocks > 0);
	assert_true(ctx.fs.blocks_free <= ctx.fs.blocks);
	assert_true(ctx.fs.blocks_user <= ctx.fs.blocks_root);
	for (size_t i = 0; i < ctx.nfindings; i++) /* only space findings are possible */
		assert_true(ctx.findings[i].id == PR_FS_SPACE_USERS ||
			    ctx.findings[i].id == PR_FS_SPACE_ROOT ||
			    ctx.findings[i].id == PR_FS_INODES_FULL);
	rsc_ctx_clear(&ctx);
	assert_null(ctx.fs.health_note);
	rsc_root_free(root);
	tu_rmtree(dir);
	free(dir);
}

/* fs-health runs first: a full or damaged disk explains the rest. */
static void runs_first(void **state)
{
	(void)state;
	assert_ptr_equal(rsc_checks[0], &chk_fs_health);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(release_parse),
		cmocka_unit_test(feature_comparison),
		cmocka_unit_test(feature_names),
		cmocka_unit_test(error_records),
		cmocka_unit_test(space_as_ext4_counts_it),
		cmocka_unit_test(no_volume_statvfs_only),
		cmocka_unit_test(runs_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
