/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bootentry.h - the text of a one-time GRUB entry (`sshrescue
 * install-boot-entry`, bootentry.c): the GRUB environment block
 * (/boot/grub/grubenv) and the grub.cfg section. Pure functions on bytes:
 * nothing here reads or writes the victim.
 *
 * The environment block, as GRUB's grub-editenv and load_env/save_env read
 * and write it: the signature line "# GRUB Environment Block\n", then one
 * "NAME=VALUE\n" line per variable (a backslash in VALUE escapes the next
 * byte: "\\" and "\<newline>"), then '#' bytes up to the block's size,
 * which never changes (1024 bytes as grub-editenv creates it): GRUB writes
 * the block in place, into the file's sectors, at boot.
 */
#ifndef RSC_BOOTENTRY_H
#define RSC_BOOTENTRY_H

#include <stdbool.h>
#include <stddef.h>

struct rsc_buf;

#define RSC_GRUBENV_SIGNATURE "# GRUB Environment Block\n"
#define RSC_GRUBENV_SIZE      1024 /* a new block, like grub-editenv create */
#define RSC_GRUBENV_MAX	      (64u << 10)

/* The id of the entry (menuentry --id, next_entry=) and its /etc/grub.d snippet. */
#define RSC_BOOT_ENTRY_ID "sshrescue"
#define RSC_GRUB_D_NAME	  "42_sshrescue"

/*
 * Set name=value in the environment block old (oldlen bytes; NULL for a new
 * block of RSC_GRUBENV_SIZE): every other variable is kept, in order, an
 * earlier line of name is dropped, the new line goes last, and the block is
 * padded with '#' to the old size exactly. name must be [A-Za-z0-9_]+; value
 * is escaped. *out (caller frees) holds *outlen bytes, the old size.
 * Returns 0, -EINVAL (not an environment block: signature, a NUL byte,
 * a line without '=' or an unterminated one; with a sentence in why),
 * -ENOSPC (the block is full) or -ENOMEM.
 */
int rsc_grubenv_set(const char *old, size_t oldlen, const char *name, const char *value, char **out,
		    size_t *outlen, struct rsc_buf *why);

/*
 * The value of name in the environment block buf (len bytes), unescaped;
 * *out caller frees. -ENOENT when not set, -EINVAL for a block that is not
 * one (as above), -ENOMEM.
 */
int rsc_grubenv_get(const char *buf, size_t len, const char *name, char **out);

/*
 * What the entry copies from the victim's own first menuentry of grub.cfg:
 * the lines that make GRUB find the kernel's filesystem (insmod, search,
 * set root=), and the directory of its kernel as GRUB sees it ("/boot", or
 * "" for a /boot of its own). Lines with bytes outside a plain set (letters,
 * digits, space, tab and ._-=:,'/()) are left out: the text goes into
 * grub.cfg and into a shell here-document.
 */
struct rsc_grub_learned {
	char *setup;	     /* lines, each "\t...\n", may be empty; NULL if no menuentry */
	char *kernel_dir;    /* "/boot" or "" ..., NULL if no linux line */
	char *root_uuid;     /* root=UUID=... of that linux line, NULL if none */
	bool has_next_entry; /* the config reads next_entry (grub-mkconfig's 00_header) */
};

/* Learn from grub.cfg (len bytes). 0 or -ENOMEM; free with rsc_grub_learned_free(). */
int rsc_grub_learn(const char *cfg, size_t len, struct rsc_grub_learned *l);
void rsc_grub_learned_free(struct rsc_grub_learned *l);

/*
 * The new grub.cfg: cfg with the section of RSC_GRUB_D_NAME (between its
 * "### BEGIN /etc/grub.d/42_sshrescue ###" and "### END ..." lines, as
 * grub-mkconfig writes them, each a whole line) replaced by entry, or
 * appended when absent. entry is the menuentry text, ending in a newline.
 * 0, -EINVAL (a BEGIN line without its END line after it) or -ENOMEM.
 */
int rsc_grub_cfg_with_entry(const char *cfg, size_t len, const char *entry, struct rsc_buf *out);

/* True when every byte of s is a letter, digit or one of extra (s non-empty). */
bool rsc_boot_safe_word(const char *s, const char *extra);

#endif
