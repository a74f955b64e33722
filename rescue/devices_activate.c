// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devices_activate.c - `sshrescue devices --activate`: what `devices` tells
 * the operator to run for LVM and LUKS, run when asked. For the volume group
 * of each LVM physical volume `lvm vgchange -ay VG`, for each LUKS container
 * `cryptsetup open --readonly DEV sshrescue-UUID`, round after round until
 * nothing new appears (LVM inside LUKS, Debian's encrypted install). Without
 * udev (an initramfs) the tools make the /dev/mapper nodes themselves
 * (DM_DISABLE_UDEV=1, lvm's udev settings off). Refused, with what to run
 * instead: a physical volume whose UUID another device has too, and a volume
 * group whose name another volume group here has too (a cloned disk, or the
 * helper built from the victim's image: lvm cannot tell them apart, and the
 * /dev/mapper names would collide; vgimportclone first), and a LUKS container
 * whose mapper name is taken. Whatever is in use already (it has holders) is
 * left as it is. The tools run through runprog, never a shell.
 */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devicesP.h"
#include "runprog.h"
#include "util.h"

extern char **environ;

#define ROUNDS_MAX	8	  /* LUKS in LVM in LUKS ...: a bound, not a depth anyone has */
#define TOOL_TIMEOUT_MS 300000	  /* a key derivation (argon2) may take long on a small helper */
#define TOOL_OUTPUT_MAX (1 << 20) /* what is kept of a tool's messages, and of pvs's report */
#define SAY_LINES_MAX	20	  /* lines of a failed tool's messages shown */

/*
 * lvm's settings: every device, not only those of the helper's devices file; no dmeventd
 * monitoring of the victim's volumes; without udev (an initramfs) no waiting for it and no
 * udev database: lvm makes the nodes and /dev/VG/LV itself.
 */
static char lvm_config_udev[] = "devices { use_devicesfile = 0 } activation { monitoring = 0 }";
static char lvm_config_no_udev[] = "devices { use_devicesfile = 0 "
				   "obtain_device_list_from_udev = 0 } activation { monitoring = 0 "
				   "udev_sync = 0 udev_rules = 0 }";
static char env_no_udev[] = "DM_DISABLE_UDEV=1";
static char env_no_fd_warnings[] = "LVM_SUPPRESS_FD_WARNINGS=1";

struct pv {
	char *name, *uuid, *vg, *vg_uuid;
};

struct act {
	const struct rsc_opts *o;
	FILE *msg;
	char **env;
	char *lvm_config;
	/* before an undo command without udev: else the nodes in /dev would stay */
	const char *undo_env;
	char **seen; /* the devices handled, by kernel name */
	size_t nseen;
	char **vgs; /* the volume groups activated, by UUID */
	size_t nvgs;
	char **undo; /* the commands that undo it, in the order they were needed */
	size_t nundo;
	bool failed;
};

/* Append s (owned: freed on failure) to the list v of n. 0 or -ENOMEM. */
static int strv_push(char ***v, size_t *n, char *s)
{
	char **grown;

	if (!s)
		return -ENOMEM;
	grown = reallocarray(*v, *n + 2, sizeof(char *));
	if (!grown) {
		free(s);
		return -ENOMEM;
	}
	*v = grown;
	grown[(*n)++] = s;
	grown[*n] = NULL;
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool has_seen(const struct act *a, const char *name)
{
	return a->seen && rsc_strv_has(a->seen, name);
}

static void mark_seen(struct act *a, const char *name)
{
	if (strv_push(&a->seen, &a->nseen, strdup(name)) < 0)
		a->failed = true;
}

/* This process's environment, with what the device-mapper tools need here. */
static char **tool_env(bool no_udev)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ && environ[n])
		n++;
	env = calloc(n + 3, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		env[k++] = environ[i];
	if (no_udev && !getenv("DM_DISABLE_UDEV"))
		env[k++] = env_no_udev;
	if (!getenv("LVM_SUPPRESS_FD_WARNINGS"))
		env[k++] = env_no_fd_warnings;
	env[k] = NULL;
	return env;
}

static int run_tool(const struct act *a, char *const argv[], unsigned flags, struct rsc_buf *out,
		    int *status)
{
	struct rsc_spawn how = { .fd3 = -1,
				 .flags = flags,
				 .cap = TOOL_OUTPUT_MAX,
				 .timeout_ms = flags & RSC_SPAWN_TTY ? -1 : TOOL_TIMEOUT_MS,
				 .envp = a->env };
	int r = rsc_spawn_run(argv, &how, out, status);

	return r == -EFBIG && (flags & RSC_SPAWN_TRUNCATE) ? 0 : r;
}

/* The tool's messages, indented and escaped, the first SAY_LINES_MAX lines. */
static void say_output(const struct act *a, const struct rsc_buf *out)
{
	const char *p = out->data;

	for (int i = 0; p && *p && i < SAY_LINES_MAX; i++) {
		size_t len = strcspn(p, "\n");
		_cleanup_free_ char *e = rsc_escape_mem(p, len);

		fprintf(a->msg, "      %s\n", e ? e : "?");
		p += len + (p[len] == '\n');
	}
}

/* Why a tool could not be run (r < 0 from run_tool); sets a->failed. */
static void say_not_run(struct act *a, const char *dev, const char *what, const char *tool,
			const char *package, int r)
{
	a->failed = true;
	if (r == -ENOENT)
		fprintf(a->msg,
			"  /dev/%s: %s, and %s is not installed on this helper (Debian: apt-get "
			"install %s)\n",
			dev, what, tool, package);
	else if (r == -ETIMEDOUT)
		fprintf(a->msg, "  /dev/%s: %s: %s did not finish within %d s and was stopped\n",
			dev, what, tool, TOOL_TIMEOUT_MS / 1000);
	else if (r == -ECHILD)
		fprintf(a->msg, "  /dev/%s: %s: %s was killed by a signal\n", dev, what, tool);
	else
		fprintf(a->msg, "  /dev/%s: %s: %s could not be run: %s\n", dev, what, tool,
			strerror(-r));
}

static bool is_type(const struct rsc_dev *d, const char *type)
{
	return d->type && strcmp(d->type, type) == 0;
}

static char *json_str(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return strdup("");
	return strdup(json_object_get_string(v));
}

static void pvs_free(struct pv *pvs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(pvs[i].name);
		free(pvs[i].uuid);
		free(pvs[i].vg);
		free(pvs[i].vg_uuid);
	}
	free(pvs);
}

/* lvm's {"report": [{"pv": [{...}, ...]}]} into pvs. 0, -EBADMSG or -ENOMEM. */
static int parse_pvs(const char *text, struct pv **out, size_t *nout)
{
	struct json_object *root = json_tokener_parse(text), *rep = NULL, *arr = NULL;
	struct pv *pvs = NULL;
	size_t n = 0, len;
	int r = -EBADMSG;

	if (!root || !json_object_object_get_ex(root, "report", &rep) ||
	    !json_object_is_type(rep, json_type_array) || json_object_array_length(rep) < 1 ||
	    !json_object_object_get_ex(json_object_array_get_idx(rep, 0), "pv", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		goto out;
	len = json_object_array_length(arr);
	r = -ENOMEM;
	pvs = calloc(len ? len : 1, sizeof(*pvs));
	if (!pvs)
		goto out;
	for (n = 0; n < len; n++) {
		struct json_object *o = json_object_array_get_idx(arr, n);

		pvs[n] = (struct pv){ json_str(o, "pv_name"), json_str(o, "pv_uuid"),
				      json_str(o, "vg_name"), json_str(o, "vg_uuid") };
		if (!pvs[n].name || !pvs[n].uuid || !pvs[n].vg || !pvs[n].vg_uuid) {
			n++;
			goto out;
		}
	}
	*out = TAKE_PTR(pvs);
	*nout = n;
	r = 0;
out:
	if (pvs)
		pvs_free(pvs, n);
	json_object_put(root);
	return r;
}

/* Every physical volume lvm sees here. 0, or -errno of the run, or -EBADMSG (its output). */
static int pvs_report(const struct act *a, struct pv **pvs, size_t *n, struct rsc_buf *out)
{
	char *argv[] = { "lvm",
			 "pvs",
			 "--config",
			 a->lvm_config,
			 "--reportformat",
			 "json",
			 "-o",
			 "pv_name,pv_uuid,vg_name,vg_uuid",
			 NULL };
	int status = -1, r = run_tool(a, argv, 0, out, &status);

	if (r < 0)
		return r;
	/* a warning about one device may come with a status, and the report of the others */
	return out->data ? parse_pvs(out->data, pvs, n) : -EBADMSG;
}

/* What lvm accepts as a volume group name (and so what may be printed and passed as is). */
static bool is_vg_name(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > 127 || s[0] == '-' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-") ==
	       len;
}

/* Append the words of words that b does not hold yet, separated by ", ". */
static void add_words(struct rsc_buf *b, const char *words)
{
	_cleanup_free_ char *copy = words ? strdup(words) : NULL;
	char *save = NULL;

	for (char *w = copy ? strtok_r(copy, " ", &save) : NULL; w;
	     w = strtok_r(NULL, " ", &save)) {
		bool dup = false;

		for (const char *p = b->data; p && (p = strstr(p, w)); p += strlen(w))
			if ((p == b->data || p[-1] == ' ') &&
			    (!p[strlen(w)] || p[strlen(w)] == ','))
				dup = true;
		if (!dup)
			rsc_buf_printf(b, "%s%s", b->len ? ", " : "", w);
	}
}

/* The volume group of the physical volume d: refused, left, or activated. */
static void one_pv(struct act *a, const struct rsc_dev *d, const struct rsc_dev *devs, int n,
		   const struct pv *pvs, size_t npv)
{
	_cleanup_free_ char *uuid = rsc_escape(d->uuid ? d->uuid : "");
	_cleanup_free_ char *vgname = NULL, *undo = NULL;
	_cleanup_(rsc_buf_free) struct rsc_buf out = { 0 };
	_cleanup_(rsc_buf_free) struct rsc_buf names = { 0 };
	_cleanup_(rsc_buf_free) struct rsc_buf lvs = { 0 };
	const struct pv *pv = NULL, *other = NULL;
	const struct rsc_dev *copy = NULL;
	int status = -1, r;

	if (d->holders) {
		_cleanup_free_ char *h = rsc_escape(d->holders);

		fprintf(a->msg, "  /dev/%s: LVM physical volume in use (%s): left as it is\n",
			d->name, h ? h : "?");
		return;
	}
	for (int i = 0; d->uuid && i < n; i++)
		if (&devs[i] != d && is_type(&devs[i], "LVM2_member") && devs[i].uuid &&
		    strcmp(devs[i].uuid, d->uuid) == 0)
			copy = &devs[i];
	if (copy) {
		a->failed = true;
		fprintf(a->msg,
			"  /dev/%s: LVM physical volume %s, and /dev/%s has the same PV UUID: a "
			"copy of the same disk, lvm would use either. Not activated: give one of "
			"the two new UUIDs and a new volume group name first, this one with: "
			"vgimportclone --basevgname NEWNAME /dev/%s\n",
			d->name, uuid ? uuid : "?", copy->name, d->name);
		return;
	}
	for (size_t i = 0; d->uuid && i < npv; i++)
		if (strcmp(pvs[i].uuid, d->uuid) == 0)
			pv = &pvs[i];
	if (!pv) {
		a->failed = true;
		fprintf(a->msg,
			"  /dev/%s: LVM physical volume %s, which lvm does not list (a filter of "
			"lvm.conf? damaged metadata?): not activated\n",
			d->name, uuid ? uuid : "?");
		return;
	}
	vgname = rsc_escape(pv->vg);
	if (!pv->vg[0]) {
		fprintf(a->msg,
			"  /dev/%s: LVM physical volume in no volume group: nothing to "
			"activate\n",
			d->name);
		return;
	}
	if (!is_vg_name(pv->vg)) {
		a->failed = true;
		fprintf(a->msg,
			"  /dev/%s: LVM physical volume of a volume group named '%s', a name lvm "
			"does not accept: not activated\n",
			d->name, vgname ? vgname : "?");
		return;
	}
	for (size_t i = 0; i < npv; i++) {
		if (strcmp(pvs[i].vg, pv->vg) != 0)
			continue;
		if (strcmp(pvs[i].vg_uuid, pv->vg_uuid) != 0 && !other)
			other = &pvs[i];
		else if (strcmp(pvs[i].vg_uuid, pv->vg_uuid) == 0)
			rsc_buf_printf(&names, " %s", pvs[i].name);
	}
	if (other) {
		_cleanup_free_ char *on = rsc_escape(other->name);
		_cleanup_free_ char *all = names.data ? rsc_escape(names.data) : NULL;

		a->failed = true;
		fprintf(a->msg,
			"  /dev/%s: LVM physical volume of volume group %s, and %s holds another "
			"volume group of that name (a cloned disk? the helper's own?): lvm cannot "
			"tell them apart. Not activated: give one of them a new name and new UUIDs "
			"first, this one with: vgimportclone --basevgname NEWNAME%s\n",
			d->name, pv->vg, on ? on : "?", all ? all : "");
		return;
	}
	if (a->vgs && rsc_strv_has(a->vgs, pv->vg_uuid)) {
		fprintf(a->msg,
			"  /dev/%s: LVM physical volume of volume group %s (activated "
			"above)\n",
			d->name, pv->vg);
		return;
	}
	if (strv_push(&a->vgs, &a->nvgs, strdup(pv->vg_uuid)) < 0) {
		a->failed = true;
		return;
	}
	{
		char *argv[] = {
			"lvm", "vgchange", "--config", a->lvm_config, "-ay", pv->vg, NULL
		};

		r = run_tool(a, argv, RSC_SPAWN_STDERR | RSC_SPAWN_TRUNCATE, &out, &status);
	}
	if (r < 0) {
		say_not_run(a, d->name, "LVM physical volume", "lvm", "lvm2", r);
		return;
	}
	if (status != 0) {
		a->failed = true;
		fprintf(a->msg,
			"  /dev/%s: LVM physical volume of volume group %s: vgchange -ay %s failed "
			"(exit status %d):\n",
			d->name, pv->vg, pv->vg, status);
		say_output(a, &out);
		return;
	}
	/* what appeared: what is stacked on its physical volumes now */
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *h = NULL;

		if (!is_type(&devs[i], "LVM2_member") || !devs[i].uuid)
			continue;
		for (size_t k = 0; k < npv; k++)
			if (strcmp(pvs[k].vg_uuid, pv->vg_uuid) == 0 &&
			    strcmp(pvs[k].uuid, devs[i].uuid) == 0)
				h = rsc_dev_holders(devs[i].name);
		add_words(&lvs, h);
	}
	{
		_cleanup_free_ char *e = lvs.data ? rsc_escape(lvs.data) : NULL;

		fprintf(a->msg, "  /dev/%s: volume group %s activated (vgchange -ay %s): %s\n",
			d->name, pv->vg, pv->vg, e ? e : "no logical volume");
	}
	if (asprintf(&undo, "%svgchange -an %s", a->undo_env, pv->vg) < 0 ||
	    strv_push(&a->undo, &a->nundo, TAKE_PTR(undo)) < 0)
		a->failed = true;
}

/* The volume groups of the physical volumes of devs that are new. */
static void activate_lvm(struct act *a, const struct rsc_dev *devs, int n)
{
	_cleanup_(rsc_buf_free) struct rsc_buf out = { 0 };
	struct pv *pvs = NULL;
	size_t npv = 0;
	bool any = false;
	int r;

	for (int i = 0; i < n; i++)
		if (is_type(&devs[i], "LVM2_member") && !has_seen(a, devs[i].name))
			any = true;
	if (!any)
		return;
	r = pvs_report(a, &pvs, &npv, &out);
	for (int i = 0; i < n; i++) {
		const struct rsc_dev *d = &devs[i];

		if (!is_type(d, "LVM2_member") || has_seen(a, d->name))
			continue;
		mark_seen(a, d->name);
		if (r == -EBADMSG) {
			a->failed = true;
			fprintf(a->msg,
				"  /dev/%s: LVM physical volume: lvm pvs did not give its report\n",
				d->name);
		} else if (r < 0) {
			say_not_run(a, d->name, "LVM physical volume", "lvm", "lvm2", r);
		} else {
			one_pv(a, d, devs, n, pvs, npv);
		}
	}
	pvs_free(pvs, npv);
}

/* A LUKS UUID as cryptsetup writes it: hex digits and dashes (the header is the victim's). */
static bool is_luks_uuid(const char *s)
{
	size_t len = s ? strlen(s) : 0;

	return len >= 8 && len <= 40 && strspn(s, "0123456789abcdefABCDEF-") == len;
}

/* Is there a device-mapper device called name? */
static bool mapper_exists(const char *name)
{
	char path[192];
	struct stat st;
	DIR *dir;
	struct dirent *de;
	bool found = false;

	snprintf(path, sizeof(path), "/dev/mapper/%s", name);
	if (lstat(path, &st) == 0)
		return true;
	dir = opendir("/sys/class/block");
	if (!dir)
		return false;
	while (!found && (de = readdir(dir))) {
		_cleanup_free_ char *dm = NULL;

		if (strncmp(de->d_name, "dm-", 3) != 0)
			continue;
		dm = rsc_dm_name(de->d_name);
		found = dm && strcmp(dm, name) == 0;
	}
	closedir(dir);
	return found;
}

/* Open the LUKS container d read-only as sshrescue-UUID. */
static void open_luks(struct act *a, const struct rsc_dev *d)
{
	_cleanup_(rsc_buf_free) struct rsc_buf out = { 0 };
	_cleanup_free_ char *undo = NULL;
	const char *keyfile = a->o->luks_key_file;
	char name[64], dev[80];
	bool tty = !keyfile && isatty(STDIN_FILENO);
	int status = -1, r;

	if (d->holders) {
		_cleanup_free_ char *h = rsc_escape(d->holders);

		fprintf(a->msg, "  /dev/%s: LUKS container, open already (%s): left as it is\n",
			d->name, h ? h : "?");
		return;
	}
	if (!is_luks_uuid(d->uuid)) {
		_cleanup_free_ char *u = rsc_escape(d->uuid ? d->uuid : "");

		a->failed = true;
		fprintf(a->msg,
			"  /dev/%s: LUKS container whose UUID is none ('%s'): not opened; open it "
			"by hand: cryptsetup open --readonly /dev/%s NAME\n",
			d->name, u ? u : "?", d->name);
		return;
	}
	snprintf(name, sizeof(name), "sshrescue-%s", d->uuid);
	snprintf(dev, sizeof(dev), "/dev/%s", d->name);
	if (mapper_exists(name)) {
		a->failed = true;
		fprintf(a->msg,
			"  /dev/%s: LUKS container, and /dev/mapper/%s exists already, on another "
			"device (a copy of this container?): not opened\n",
			d->name, name);
		return;
	}
	if (!keyfile && !tty) {
		a->failed = true;
		fprintf(a->msg,
			"  /dev/%s: LUKS container: give its key with --key-file FILE, or run this "
			"on a terminal to type its passphrase: not opened\n",
			d->name);
		return;
	}
	if (tty) {
		fprintf(a->msg,
			"  /dev/%s: LUKS container %s; cryptsetup asks for its "
			"passphrase:\n",
			d->name, d->uuid);
		fflush(a->msg);
	}
	{
		char *argv[] = { "cryptsetup", "open", "--readonly", dev, name, NULL, NULL, NULL };

		if (keyfile) {
			argv[3] = "--key-file";
			argv[4] = (char *)keyfile;
			argv[5] = dev;
			argv[6] = name;
		}
		r = run_tool(a, argv, tty ? RSC_SPAWN_TTY : RSC_SPAWN_STDERR | RSC_SPAWN_TRUNCATE,
			     &out, &status);
	}
	if (r < 0) {
		say_not_run(a, d->name, "LUKS container", "cryptsetup", "cryptsetup-bin", r);
		return;
	}
	if (status != 0) {
		a->failed = true;
		fprintf(a->msg,
			"  /dev/%s: LUKS container: cryptsetup open failed (exit status "
			"%d)%s\n",
			d->name, status, out.len ? ":" : "");
		say_output(a, &out);
		return;
	}
	fprintf(a->msg,
		"  /dev/%s: LUKS container opened read-only (cryptsetup open --readonly): "
		"/dev/mapper/%s\n",
		d->name, name);
	if (asprintf(&undo, "%scryptsetup close %s", a->undo_env, name) < 0 ||
	    strv_push(&a->undo, &a->nundo, TAKE_PTR(undo)) < 0)
		a->failed = true;
}

int rsc_devs_activate(const struct rsc_opts *o, FILE *msg, struct rsc_buf *undo)
{
	bool no_udev = access("/run/udev/control", F_OK) != 0;
	struct act a = { .o = o,
			 .msg = msg,
			 .env = tool_env(no_udev),
			 .lvm_config = no_udev ? lvm_config_no_udev : lvm_config_udev,
			 .undo_env = no_udev ? "DM_DISABLE_UDEV=1 " : "" };

	if (!a.env) {
		fprintf(o->err, "sshrescue: devices --activate: %s\n", strerror(ENOMEM));
		return RSC_EXIT_OPERATIONAL;
	}
	fprintf(msg, "Activating LVM volume groups and LUKS containers%s:\n",
		no_udev ? " (no udev here: the tools make /dev/mapper themselves)" : "");
	for (int round = 0; round < ROUNDS_MAX; round++) {
		struct rsc_dev *devs = NULL;
		size_t before = a.nseen;
		int n = rsc_devs_scan(&devs);

		if (n < 0) {
			fprintf(o->err, "sshrescue: cannot list the block devices: %s\n",
				strerror(-n));
			a.failed = true;
			break;
		}
		activate_lvm(&a, devs, n);
		for (int i = 0; i < n; i++) {
			if (!is_type(&devs[i], "crypto_LUKS") || has_seen(&a, devs[i].name))
				continue;
			mark_seen(&a, devs[i].name);
			open_luks(&a, &devs[i]);
		}
		rsc_devs_free(devs, n);
		if (a.nseen == before)
			break;
	}
	if (a.nseen == 0)
		fprintf(msg, "  no LVM physical volume and no LUKS container here\n");
	fprintf(msg, "\n");
	fflush(msg);
	/* undone the other way round: a volume group inside a LUKS container first */
	for (size_t i = a.nundo; i-- > 0;)
		if (rsc_buf_printf(undo, "  %s\n", a.undo[i]) < 0)
			a.failed = true;
	strv_free(a.seen, a.nseen);
	strv_free(a.vgs, a.nvgs);
	strv_free(a.undo, a.nundo);
	free(a.env);
	return a.failed ? RSC_EXIT_OPERATIONAL : 0;
}
