/* fuzz-sources: rescue/bootentry_grub.c rescue/util.c */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_grub.c - the victim's GRUB files as install-boot-entry reads them
 * (rescue/bootentry_grub.c), on any bytes. The input is cut at its first
 * NUL: before it a grubenv block, after it a grub.cfg. Properties beyond
 * "no crash, no leak":
 *   - setting next_entry in a block keeps its size exactly, and reading the
 *     new block gives the value back; a block get refuses, set refuses too;
 *   - what grub_learn keeps of grub.cfg has only the plain bytes it promises;
 *   - adding our section to grub.cfg twice gives the same text as once, and
 *     the text holds the entry; only a grub.cfg with our BEGIN line is
 *     refused (that line without its END line).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootentry.h"
#include "util.h"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_grub: %s\n", what);
		abort();
	}
}

static void env(const char *blk, size_t len)
{
	struct rsc_buf why = { 0 };
	char *val = NULL, *out = NULL, *back = NULL;
	size_t outlen = 0;
	int g = rsc_grubenv_get(blk, len, "next_entry", &val);
	int s = rsc_grubenv_set(blk, len, "next_entry", "sshrescue", &out, &outlen, &why);

	check(g == 0 || g == -ENOENT || g == -EINVAL, "grubenv_get: unexpected error");
	check(s == 0 || s == -ENOSPC || s == -EINVAL, "grubenv_set: unexpected error");
	check(g != -EINVAL || s == -EINVAL, "set accepts a block get refuses");
	if (s == 0) {
		check(outlen == len, "set changed the block's size");
		check(rsc_grubenv_get(out, outlen, "next_entry", &back) == 0 &&
			      strcmp(back, "sshrescue") == 0,
		      "the value set does not read back");
	}
	free(val);
	free(out);
	free(back);
	rsc_buf_free(&why);
}

static void plain(const char *s, const char *extra)
{
	for (; s && *s; s++)
		check(strchr(extra, *s) || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			      (*s >= '0' && *s <= '9'),
		      "grub_learn kept a byte outside its set");
}

static void cfg(const char *text, size_t len)
{
	static const char entry[] = "menuentry 'sshrescue' {\n\tlinux /boot/vmlinuz\n}\n";
	struct rsc_grub_learned l = { 0 };
	struct rsc_buf once = { 0 }, twice = { 0 };
	int r;

	check(rsc_grub_learn(text, len, &l) == 0, "grub_learn failed");
	plain(l.setup, " \t._-=:,'/()\n");
	plain(l.kernel_dir, " \t._-=:,'/()");
	rsc_grub_learned_free(&l);
	r = rsc_grub_cfg_with_entry(text, len, entry, &once);
	check(r == 0 || r == -EINVAL, "cfg_with_entry failed");
	if (r < 0) { /* our section begun and not ended */
		static const char begin[] = "### BEGIN /etc/grub.d/" RSC_GRUB_D_NAME " ###";

		check(memmem(text, len, begin, strlen(begin)) != NULL,
		      "cfg_with_entry refused a grub.cfg without our section");
		rsc_buf_free(&once);
		return;
	}
	check(memmem(once.data, once.len, entry, strlen(entry)) != NULL, "the entry is not in it");
	check(rsc_grub_cfg_with_entry(once.data, once.len, entry, &twice) == 0,
	      "cfg_with_entry failed the second time");
	check(once.len == twice.len && memcmp(once.data, twice.data, once.len) == 0,
	      "a second install changes grub.cfg again");
	rsc_buf_free(&once);
	rsc_buf_free(&twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t first = nul ? (size_t)(nul - data) : size;

	env((const char *)data, first);
	if (nul)
		cfg((const char *)nul + 1, size - first - 1);
	return 0;
}
