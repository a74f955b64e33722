// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * addkey.c - `sshrescue add-key TARGET USER KEYFILE`: the classic cloud
 * recovery. Validate the public key, then append it to the user's first
 * AuthorizedKeysFile (creating ~/.ssh 0700 and the file 0600, owned by the
 * user, when missing), through the journal; a key already present is not
 * added twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "authkeys.h"
#include "checks.h"
#include "cmd.h"
#include "journal.h"
#include "plan.h"
#include "report.h"
#include "root.h"
#include "util.h"
#include "victim.h"
#include "volume.h"

#define PUBKEY_CAP (64u << 10)
#define AK_CAP	   (4u << 20)

/* The first AuthorizedKeysFile sshd reads for u (Match applied) that is not "none", expanded. */
static int keys_file_of(const struct rsc_victim *v, const struct rsc_user *u, char **out)
{
	char **akf = NULL;
	size_t n = 0;
	int r = rsc_victim_user_akf(v, u, &akf, &n);

	for (size_t i = 0; r == 0 && i < n; i++)
		if (strcmp(akf[i], "none") != 0) {
			r = rsc_victim_expand_akf(u, akf[i], out);
			goto out;
		}
	if (r >= 0) /* 0 only with *out set */
		r = -ENOENT;
out:
	for (size_t i = 0; i < n; i++)
		free(akf[i]);
	free(akf);
	return r;
}

static char *parent_of(const char *path)
{
	char *d = strdup(path);
	char *s = d ? strrchr(d, '/') : NULL;

	if (s && s != d)
		*s = '\0';
	else if (s)
		s[1] = '\0';
	return d;
}

/*
 * Plan the append of the key line kl of the operator's file keybuf. Returns 0
 * with *present set when the key is already there, -errno with a sentence in
 * why otherwise.
 */
static int plan_add(struct rsc_root *root, const struct rsc_victim *v, const struct rsc_user *u,
		    const char *keybuf, const struct rsc_akline *kl, struct rsc_plan *p,
		    bool *present, struct rsc_buf *why)
{
	const char *key = keybuf + kl->off; /* kl's offsets count from keybuf */
	size_t keylen = kl->len;
	_cleanup_free_ char *file = NULL, *dir = NULL, *old = NULL;
	struct rsc_buf content = { 0 };
	struct rsc_akfile ak = { 0 };
	struct stat st, dst;
	size_t len = 0;
	int r;

	*present = false;
	r = keys_file_of(v, u, &file);
	if (r < 0)
		return rsc_buf_adds(why, "AuthorizedKeysFile is none or unusable in sshd_config"),
		       r;
	dir = parent_of(file);
	if (!dir)
		return -ENOMEM;
	r = rsc_root_stat(root, dir, &dst, 0);
	if (r == -ENOENT) {
		struct stat hst;

		if (!u->home || rsc_root_stat(root, u->home, &hst, 0) < 0 ||
		    !S_ISDIR(hst.st_mode)) {
			rsc_buf_printf(why, "the home directory of %s does not exist", u->name);
			return -ENOENT;
		}
		r = rsc_plan_mkdir(p, "add-key", dir, 0700, u->uid, u->gid, "new ~/.ssh");
		if (r < 0)
			return r;
	} else if (r < 0 || !S_ISDIR(dst.st_mode)) {
		rsc_buf_adds(why, "the keys file's directory is not a directory");
		return r < 0 ? r : -ENOTDIR;
	}

	r = rsc_root_read_file(root, file, AK_CAP, 0, &old, &len, &st);
	if (r == -ENOENT) {
		r = rsc_buf_add(&content, key, keylen);
		if (r == 0)
			r = rsc_buf_adds(&content, "\n");
		if (r == 0)
			r = rsc_plan_write(p, "add-key", file, content.data, content.len, 0600,
					   u->uid, u->gid, "new keys file");
		rsc_buf_free(&content);
		return r;
	}
	if (r < 0) {
		rsc_buf_adds(why, "the existing keys file cannot be read (not a regular file?)");
		return r;
	}
	r = rsc_ak_parse(old, len, &ak);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ak.nlines; i++) {
		if (ak.lines[i].status == RSC_AK_OK &&
		    rsc_ak_same_key(old, &ak.lines[i], keybuf, kl)) {
			*present = true;
			break;
		}
	}
	rsc_ak_free(&ak);
	if (*present)
		return 0;
	r = rsc_buf_add(&content, old, len);
	if (r == 0 && len > 0 && old[len - 1] != '\n')
		r = rsc_buf_adds(&content, "\n");
	if (r == 0)
		r = rsc_buf_add(&content, key, keylen);
	if (r == 0)
		r = rsc_buf_adds(&content, "\n");
	if (r == 0)
		r = rsc_plan_write(p, "add-key", file, content.data, content.len,
				   st.st_mode & 07777, st.st_uid, st.st_gid, "key appended");
	rsc_buf_free(&content);
	return r;
}

int rsc_cmd_add_key(const struct rsc_opts *o)
{
	_cleanup_free_ char *keydata = NULL;
	struct rsc_volume *vol = NULL;
	struct rsc_victim *v = NULL;
	struct rsc_journal *j = NULL;
	struct rsc_plan plan = { 0 };
	struct rsc_buf why = { 0 };
	struct rsc_akline kl = { 0 };
	struct rsc_ctx ctx;
	const struct rsc_user *u = NULL;
	char *users[2] = { NULL, NULL };
	size_t keylen = 0, done = 0;
	struct rsc_volume_how how = { 0 };
	bool present = false, ctx_ready = false, is_parsed = false;
	int status = 0, r;

	r = rsc_read_helper_file(o->keyfile, PUBKEY_CAP, &keydata, &keylen);
	if (r == 0) {
		r = rsc_ak_parse_pubkey(keydata, keylen, &kl);
		is_parsed = true;
	}
	if (r < 0) {
		_cleanup_free_ char *e = rsc_escape(o->keyfile);

		/* kl is only set when the file was read: a FIFO is -EINVAL too */
		fprintf(o->err, "sshrescue: %s is not a single public key (%s)\n", e ? e : "?",
			is_parsed && r == -EINVAL ? rsc_ak_status_name(kl.status) : strerror(-r));
		return RSC_EXIT_USAGE;
	}
	how.flags = RSC_VOL_RW | (o->live ? RSC_VOL_LIVE : 0);
	how.partition = o->partition;
	r = rsc_volume_open_how(o->target, &how, &vol, &why);
	if (r == 0)
		r = rsc_volume_check_linux_root(vol->root, &why);
	if (r == 0) {
		r = rsc_victim_load(vol->root, &v);
		if (r < 0)
			rsc_buf_adds(&why, "cannot read the victim's accounts");
	}
	if (r < 0) {
		fprintf(o->err, "sshrescue: %s\n", why.data ? why.data : strerror(-r));
		status = RSC_EXIT_OPERATIONAL;
		goto out;
	}
	u = rsc_victim_user_by_name(v, o->user_arg);
	if (!u) {
		_cleanup_free_ char *e = rsc_escape(o->user_arg);

		fprintf(o->err, "sshrescue: no user '%s' in the victim's /etc/passwd\n",
			e ? e : "?");
		status = RSC_EXIT_USAGE;
		goto out;
	}
	r = plan_add(vol->root, v, u, keydata, &kl, &plan, &present, &why);
	if (r < 0) {
		fprintf(o->err, "sshrescue: add-key: %s\n", why.data ? why.data : strerror(-r));
		status = RSC_EXIT_OPERATIONAL;
		goto out;
	}
	if (present) {
		fprintf(o->out, "The key is already in %s's keys file; nothing added.\n\n",
			u->name);
	} else {
		rsc_plan_preview(&plan, vol->root, o->out);
		rsc_signals_defer(true); /* a signal stops between two changes */
		r = rsc_journal_begin(vol->root, "add-key", &j);
		if (r == 0)
			r = rsc_plan_apply(&plan, vol->root, j, &done, o->err);
		if (j)
			fprintf(o->out, "Journal %s; undo with: sshrescue undo TARGET %s\n\n",
				rsc_journal_id(j), rsc_journal_id(j));
		if (rsc_journal_close(j) < 0 && r == 0)
			r = -EIO;
		if (r == 0 && rsc_signal_pending())
			r = -EINTR;
		rsc_signals_defer(false);
		if (r < 0) {
			fprintf(o->err, "sshrescue: add-key: %s\n", strerror(-r));
			status = RSC_EXIT_OPERATIONAL;
			goto out;
		}
	}
	/* Report on this user as check would: the key helps only if the modes are right. */
	users[0] = (char *)u->name;
	rsc_ctx_init(&ctx, vol->root, v);
	ctx.volume = vol;
	ctx.only_users = users;
	ctx_ready = true;
	rsc_run_checks(&ctx, o->err);
	{
		struct rsc_report_opts ro = { .command = "add-key",
					      .volume = vol,
					      .color = o->color };

		status = (done ? RSC_EXIT_FIXED : 0) |
			 (rsc_ctx_has_errors(&ctx) ? RSC_EXIT_LEFT : 0);
		ro.exit_status = status;
		if (o->json)
			rsc_report_json(&ctx, &ro, o->out);
		else
			rsc_report_text(&ctx, &ro, o->out);
	}
out:
	if (ctx_ready)
		rsc_ctx_clear(&ctx);
	rsc_plan_free(&plan);
	rsc_buf_free(&why);
	rsc_victim_free(v);
	rsc_volume_close(vol);
	return status;
}
