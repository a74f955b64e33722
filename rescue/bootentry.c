// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bootentry.c - `sshrescue install-boot-entry TARGET`: a one-time GRUB entry
 * on the victim that boots its own kernel with the rescue initramfs
 * (docs/initramfs.md), for a server that still boots but cannot be logged in
 * to. Like grub-reboot: the entry is in /boot/grub/grub.cfg (and in an
 * /etc/grub.d/ snippet, so that update-grub keeps it while it is installed),
 * and next_entry= in /boot/grub/grubenv makes GRUB boot it once: GRUB's own
 * config (00_header) clears next_entry before booting it.
 *
 * Every change is an operation of a fix plan, previewed without --apply and
 * applied through the journal, so `sshrescue undo TARGET` removes the entry
 * and restores grub.cfg and grubenv byte for byte.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "bootentry.h"
#include "cmd.h"
#include "journal.h"
#include "plan.h"
#include "problem.h"
#include "root.h"
#include "util.h"
#include "volume.h"

#define GRUB_CFG     "/boot/grub/grub.cfg"
#define GRUBENV	     "/boot/grub/grubenv"
#define GRUB_D	     "/etc/grub.d"
#define GRUB_D_FILE  GRUB_D "/" RSC_GRUB_D_NAME
#define RESCUE_IMG   "sshrescue-initramfs.img"
#define GRUB_CFG_CAP (4u << 20)
#define CODE	     "boot-entry"
/* Where an installed sshrescue keeps the image (--initramfs overrides it). */
#define RSC_INITRAMFS_DEFAULT "/usr/lib/sshrescue/sshrescue-initramfs.img"

/* A compressed (zstd, xz, gzip) or plain newc cpio: what a kernel takes as an initrd. */
static bool looks_like_initrd(const char *d, size_t len)
{
	static const struct {
		const char *magic;
		size_t len;
	} m[] = {
		{ "\x28\xb5\x2f\xfd", 4 },
		{ "\xfd"
		  "7zXZ\0",
		  6 },
		{ "\x1f\x8b", 2 },
		{ "070701", 6 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(m); i++)
		if (len >= m[i].len && memcmp(d, m[i].magic, m[i].len) == 0)
			return true;
	return false;
}

/*
 * The kernel to boot: /boot/vmlinuz-VERSION of want, else the newest
 * (strverscmp) regular /boot/vmlinuz-*. Versions with bytes outside
 * [A-Za-z0-9._+~-] are passed over: the name goes into grub.cfg.
 */
static int pick_kernel(struct rsc_root *root, const char *want, char **out, size_t *count,
		       struct rsc_buf *why)
{
	_cleanup_free_ char *best = NULL;
	struct dirent *de;
	DIR *d = NULL;
	int r;

	*count = 0;
	if (want) {
		_cleanup_free_ char *p = NULL;
		struct stat st;

		if (!rsc_boot_safe_word(want, "._+~-")) {
			rsc_buf_adds(why, "--kernel wants a version like 6.1.0-57-amd64");
			return -EINVAL;
		}
		if (asprintf(&p, "/boot/vmlinuz-%s", want) < 0)
			return -ENOMEM;
		r = rsc_root_stat(root, p, &st, 0);
		if (r < 0 || !S_ISREG(st.st_mode)) {
			rsc_buf_printf(why, "the victim has no kernel %s", p);
			return r < 0 ? r : -EINVAL;
		}
		*count = 1;
		*out = strdup(want);
		return *out ? 0 : -ENOMEM;
	}
	r = rsc_root_opendir(root, "/boot", &d);
	if (r < 0) {
		rsc_buf_adds(why, "the victim has no /boot directory");
		return r;
	}
	while ((de = readdir(d))) {
		const char *v = de->d_name + strlen("vmlinuz-");
		_cleanup_free_ char *p = NULL;
		struct stat st;

		if (strncmp(de->d_name, "vmlinuz-", 8) != 0 || !rsc_boot_safe_word(v, "._+~-"))
			continue;
		if (asprintf(&p, "/boot/%s", de->d_name) < 0) {
			closedir(d);
			return -ENOMEM;
		}
		if (rsc_root_stat(root, p, &st, 0) < 0 || !S_ISREG(st.st_mode))
			continue;
		(*count)++;
		if (!best || strverscmp(v, best) > 0) {
			free(best);
			best = strdup(v);
			if (!best) {
				closedir(d);
				return -ENOMEM;
			}
		}
	}
	closedir(d);
	if (!best) {
		rsc_buf_adds(why, "the victim has no kernel /boot/vmlinuz-*");
		return -ENOENT;
	}
	*out = TAKE_PTR(best);
	return 0;
}

/* What the entry is made of. */
struct entry {
	char *kver;
	size_t nkernels;
	const char *uuid;      /* the root's, as the rescue /init finds it */
	const char *mode;      /* check | fix */
	const char *fix_codes; /* sshrescue.fix=, or NULL */
	struct rsc_grub_learned learned;
	struct rsc_buf cmdline;
	struct rsc_buf text; /* the menuentry */
};

static int entry_build(struct entry *e)
{
	const char *dir = e->learned.kernel_dir ? e->learned.kernel_dir : "/boot";
	struct rsc_buf *t = &e->text;
	int r;

	r = rsc_buf_printf(&e->cmdline, "sshrescue.root=UUID=%s sshrescue.mode=%s", e->uuid,
			   e->mode);
	if (r == 0 && e->fix_codes)
		r = rsc_buf_printf(&e->cmdline, " sshrescue.fix=%s", e->fix_codes);
	/*
	 * The kernel writes to every console=, but /dev/console, where /init's
	 * report goes, is the LAST one: the serial line, which is what a cloud's
	 * console log shows.
	 */
	if (r == 0)
		r = rsc_buf_adds(&e->cmdline, " sshrescue.then=reboot console=tty0 console=ttyS0");
	if (r == 0)
		r = rsc_buf_printf(t,
				   "menuentry 'sshrescue: rescue boot (%s), kernel %s' --id %s {\n",
				   e->mode, e->kver, RSC_BOOT_ENTRY_ID);
	if (r == 0 && e->learned.setup && e->learned.setup[0])
		r = rsc_buf_adds(t, e->learned.setup);
	else if (r == 0)
		r = rsc_buf_printf(t,
				   "\tinsmod part_gpt\n\tinsmod part_msdos\n\tinsmod ext2\n"
				   "\tsearch --no-floppy --fs-uuid --set=root %s\n",
				   e->uuid);
	if (r == 0)
		r = rsc_buf_printf(t,
				   "\techo 'sshrescue: loading the rescue initramfs'\n"
				   "\tlinux %s/vmlinuz-%s %s\n\tinitrd %s/%s\n}\n",
				   dir, e->kver, e->cmdline.data, dir, RESCUE_IMG);
	return r;
}

/* The /etc/grub.d snippet: update-grub prints the same entry while it is installed. */
static int snippet(const struct entry *e, struct rsc_buf *b)
{
	return rsc_buf_printf(b,
			      "#!/bin/sh\n"
			      "# Written by sshrescue install-boot-entry: the one-time rescue "
			      "entry\n"
			      "# (grub-reboot %s). Remove it with sshrescue undo, or delete this\n"
			      "# file, /boot/%s and run update-grub.\n"
			      "cat <<'SSHRESCUE_ENTRY'\n%sSSHRESCUE_ENTRY\n",
			      RSC_BOOT_ENTRY_ID, RESCUE_IMG, e->text.data);
}

static void entry_free(struct entry *e)
{
	free(e->kver);
	rsc_grub_learned_free(&e->learned);
	rsc_buf_free(&e->cmdline);
	rsc_buf_free(&e->text);
}

/* Plan every change; a sentence in why on failure. */
static int plan_entry(struct rsc_volume *vol, const struct rsc_opts *o, struct entry *e,
		      struct rsc_plan *p, struct rsc_buf *why)
{
	struct rsc_root *root = vol->root;
	_cleanup_free_ char *cfg = NULL, *env = NULL, *newenv = NULL, *img = NULL;
	const char *img_path = o->boot_initramfs ? o->boot_initramfs : RSC_INITRAMFS_DEFAULT;
	struct rsc_buf newcfg = { 0 }, snip = { 0 }, ewhy = { 0 };
	size_t cfglen = 0, envlen = 0, newenvlen = 0, imglen = 0;
	struct stat cst, est, gst;
	bool has_env;
	int r;

	r = rsc_root_read_file(root, GRUB_CFG, GRUB_CFG_CAP, 0, &cfg, &cfglen, &cst);
	if (r < 0) {
		rsc_buf_printf(why,
			       "no GRUB on the victim: " GRUB_CFG " %s (a /boot of its own or "
			       "another boot loader is not supported)",
			       r == -ENOENT ? "does not exist" : "cannot be read");
		return r;
	}
	r = rsc_grub_learn(cfg, cfglen, &e->learned);
	if (r < 0)
		return r;
	if (!e->learned.has_next_entry) {
		rsc_buf_adds(why,
			     GRUB_CFG " does not read next_entry (not made by grub-mkconfig?): "
				      "a one-time entry would never be booted");
		return -EINVAL;
	}
	e->uuid = vol->uuid ? vol->uuid : e->learned.root_uuid;
	if (!e->uuid || !rsc_boot_safe_word(e->uuid, "-")) {
		rsc_buf_adds(why, "the root filesystem's UUID is unknown (neither the target's nor "
				  "root=UUID= in " GRUB_CFG ")");
		return -EINVAL;
	}
	r = pick_kernel(root, o->boot_kernel, &e->kver, &e->nkernels, why);
	if (r < 0)
		return r;
	r = rsc_read_helper_file(img_path, RSC_JOURNAL_DATA_MAX, &img, &imglen);
	if (r < 0 || !looks_like_initrd(img, imglen)) {
		_cleanup_free_ char *t = rsc_escape(img_path);

		rsc_buf_printf(why,
			       "the rescue initramfs %s: %s (build it with initramfs/build.sh, "
			       "give it with --initramfs FILE)",
			       t ? t : "?", r < 0 ? strerror(-r) : "not a compressed cpio");
		return r < 0 ? r : -EINVAL;
	}
	r = entry_build(e);
	if (r < 0)
		return r;

	r = rsc_root_read_file(root, GRUBENV, RSC_GRUBENV_MAX, 0, &env, &envlen, &est);
	has_env = r == 0;
	if (r < 0 && r != -ENOENT) {
		rsc_buf_adds(why, GRUBENV " cannot be read (not a regular file?)");
		return r;
	}
	r = rsc_grubenv_set(has_env ? env : NULL, envlen, "next_entry", RSC_BOOT_ENTRY_ID, &newenv,
			    &newenvlen, &ewhy);
	if (r < 0) {
		rsc_buf_printf(why, GRUBENV " is not a GRUB environment block: %s",
			       ewhy.data ? ewhy.data : strerror(-r));
		rsc_buf_free(&ewhy);
		return r;
	}
	r = rsc_grub_cfg_with_entry(cfg, cfglen, e->text.data, &newcfg);
	if (r == -EINVAL)
		rsc_buf_adds(why, GRUB_CFG " has a \"### BEGIN /etc/grub.d/" RSC_GRUB_D_NAME
					   " ###\" line without its END line: repair it by hand "
					   "(or run update-grub), then try again");

	if (r == 0)
		r = rsc_plan_write(p, CODE, "/boot/" RESCUE_IMG, img, imglen, 0644, 0, 0,
				   "the rescue initramfs");
	if (r == 0 && rsc_root_stat(root, GRUB_D, &gst, 0) == 0 && S_ISDIR(gst.st_mode)) {
		r = snippet(e, &snip);
		if (r == 0)
			r = rsc_plan_write(p, CODE, GRUB_D_FILE, snip.data, snip.len, 0755, 0, 0,
					   "update-grub keeps the entry");
	}
	if (r == 0)
		r = rsc_plan_write(p, CODE, GRUB_CFG, newcfg.data, newcfg.len, cst.st_mode & 07777,
				   cst.st_uid, cst.st_gid, "the entry " RSC_BOOT_ENTRY_ID);
	if (r == 0)
		r = rsc_plan_write(p, CODE, GRUBENV, newenv, newenvlen,
				   has_env ? est.st_mode & 07777 : 0644, has_env ? est.st_uid : 0,
				   has_env ? est.st_gid : 0, "next_entry=" RSC_BOOT_ENTRY_ID);
	rsc_buf_free(&newcfg);
	rsc_buf_free(&snip);
	return r;
}

static int check_args(const struct rsc_opts *o)
{
	const char *mode = o->boot_mode ? o->boot_mode : "check";

	if (strcmp(mode, "check") != 0 && strcmp(mode, "fix") != 0) {
		fprintf(o->err, "sshrescue: --mode is check or fix\n");
		return -EINVAL;
	}
	if (o->boot_fix && strcmp(mode, "fix") != 0) {
		fprintf(o->err, "sshrescue: --fix CODES needs --mode fix\n");
		return -EINVAL;
	}
	if (o->boot_fix) {
		for (char **c = o->boot_fix; *c; c++) {
			enum rsc_pid id;

			if (!rsc_boot_safe_word(*c, "._-") || rsc_problem_by_code(*c, &id) < 0) {
				_cleanup_free_ char *t = rsc_escape(*c);

				fprintf(o->err, "sshrescue: unknown problem code '%s'\n",
					t ? t : "?");
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int join_codes(char **codes, char **out)
{
	struct rsc_buf b = { 0 };
	int r = rsc_buf_adds(&b, "");

	for (char **c = codes; r == 0 && c && *c; c++)
		r = rsc_buf_printf(&b, "%s%s", c == codes ? "" : ",", *c);
	if (r < 0) {
		rsc_buf_free(&b);
		return r;
	}
	*out = b.data;
	return 0;
}

int rsc_cmd_install_boot_entry(const struct rsc_opts *o)
{
	struct rsc_volume_how how = { 0 };
	struct rsc_volume *vol = NULL;
	struct rsc_journal *j = NULL;
	struct rsc_plan plan = { 0 };
	struct rsc_buf why = { 0 };
	struct entry e = { 0 };
	_cleanup_free_ char *codes = NULL, *t = NULL;
	size_t n, done = 0;
	int status = 0, r;

	if (check_args(o) < 0)
		return RSC_EXIT_USAGE;
	e.mode = o->boot_mode ? o->boot_mode : "check";
	if (o->boot_fix && join_codes(o->boot_fix, &codes) < 0)
		return RSC_EXIT_OPERATIONAL;
	e.fix_codes = codes;
	t = rsc_escape(o->target);
	how.flags = (o->apply ? RSC_VOL_RW : 0) | (o->live ? RSC_VOL_LIVE : 0);
	how.partition = o->partition;
	r = rsc_volume_open_how(o->target, &how, &vol, &why);
	if (r == 0)
		r = rsc_volume_check_linux_root(vol->root, &why);
	if (r == 0)
		r = plan_entry(vol, o, &e, &plan, &why);
	if (r < 0) {
		fprintf(o->err, "sshrescue: %s: %s\n", t ? t : "?",
			why.data ? why.data : strerror(-r));
		status = RSC_EXIT_OPERATIONAL;
		goto out;
	}
	fprintf(o->out,
		"One-time GRUB entry '%s' (like grub-reboot %s):\n"
		"  kernel  /boot/vmlinuz-%s (%s)\n"
		"  initrd  /boot/%s\n"
		"  options %s\n\n",
		RSC_BOOT_ENTRY_ID, RSC_BOOT_ENTRY_ID, e.kver,
		o->boot_kernel ? "--kernel"
			       : (e.nkernels > 1 ? "the newest of the victim's" : "the victim's"),
		RESCUE_IMG, e.cmdline.data);
	fprintf(o->out, "Plan:\n");
	n = rsc_plan_preview(&plan, vol->root, o->out);
	if (n == 0)
		fprintf(o->out, "  nothing to change: the entry is installed\n");
	fputc('\n', o->out);
	if (!o->apply) {
		if (n)
			fprintf(o->out,
				"%zu change%s planned; nothing was changed. Run again with --apply "
				"to make them.\n",
				n, n == 1 ? "" : "s");
		goto out;
	}
	if (n) {
		r = rsc_journal_begin(vol->root, "install-boot-entry", &j);
		if (r == 0)
			r = rsc_plan_apply(&plan, vol->root, j, &done, o->err);
		if (j)
			fprintf(o->out,
				"Journal %s written on the victim; undo with: sshrescue undo %s "
				"%s\n",
				rsc_journal_id(j), t ? t : "TARGET", rsc_journal_id(j));
		if (rsc_journal_close(j) < 0 && r == 0)
			r = -EIO;
		if (r < 0) {
			fprintf(o->err, "sshrescue: install-boot-entry: %s\n", strerror(-r));
			status = RSC_EXIT_OPERATIONAL;
			goto out;
		}
	}
	fprintf(o->out,
		"The next boot (once) starts the rescue: its report is on the console "
		"(ttyS0; kernel messages on tty0 too)%s, then it reboots into the victim's default "
		"entry.\n",
		strcmp(e.mode, "fix") == 0 ? " and in /var/log/sshrescue/" : "");
out:
	entry_free(&e);
	rsc_plan_free(&plan);
	rsc_buf_free(&why);
	rsc_volume_close(vol);
	return status;
}
