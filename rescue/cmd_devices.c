// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_devices.c - `sshrescue devices`: every block device and partition of
 * this helper (/sys/class/block), identified with libblkid: filesystem or
 * container type, label, UUID, size; where the helper has it mounted (its
 * own root said so); a filesystem UUID shared with one the helper has
 * mounted (a cloned volume); LVM, LUKS and RAID members with what to run;
 * and, for a filesystem the helper does not use, a read-only peek (mounted
 * like check mounts: read-only loop device, noload/norecovery): does it look
 * like a Linux root, which OS, is there an sshd, and which of its fstab's
 * filesystems are on which device here. Never writes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <blkid.h>

#include "cmd.h"
#include "devicesP.h"
#include "fstab.h"
#include "root.h"
#include "util.h"
#include "volume.h"

#define DEVICES_MAX 1024

static void device_free(struct rsc_dev *d)
{
	free(d->type);
	free(d->label);
	free(d->uuid);
	free(d->partuuid);
	free(d->pttype);
	free(d->usage);
	free(d->mounted);
	free(d->clone_of);
	free(d->os);
	free(d->why_not);
	free(d->dm_name);
	free(d->holders);
	rsc_fstab_free(&d->fstab);
}

void rsc_devs_free(struct rsc_dev *devs, int n)
{
	for (int i = 0; devs && i < n; i++)
		device_free(&devs[i]);
	free(devs);
}

/* The first line of a small sysfs file, or NULL (none, or empty). Caller frees. */
static char *sys_line(const char *path)
{
	char buf[256];

	return rsc_read_sys_line(path, buf, sizeof(buf)) > 0 ? strdup(buf) : NULL;
}

char *rsc_dm_name(const char *name)
{
	char path[160];

	snprintf(path, sizeof(path), "/sys/class/block/%.63s/dm/name", name);
	return sys_line(path);
}

char *rsc_dev_holders(const char *name)
{
	struct rsc_buf b = { 0 };
	char path[160];
	DIR *dir;
	struct dirent *de;

	snprintf(path, sizeof(path), "/sys/class/block/%.63s/holders", name);
	dir = opendir(path);
	if (!dir)
		return NULL;
	while ((de = readdir(dir))) {
		_cleanup_free_ char *dm = NULL;

		if (de->d_name[0] == '.')
			continue;
		dm = rsc_dm_name(de->d_name);
		if (rsc_buf_printf(&b, "%s/dev/%s%s", b.len ? " " : "", dm ? "mapper/" : "",
				   dm ? dm : de->d_name) < 0)
			break;
	}
	closedir(dir);
	return rsc_buf_steal(&b);
}

static char *dup_value(blkid_probe pr, const char *name)
{
	const char *v = NULL;

	if (blkid_probe_lookup_value(pr, name, &v, NULL) < 0 || !v)
		return NULL;
	return strdup(v);
}

static void set_why(struct rsc_dev *d, const char *why)
{
	free(d->why_not);
	d->why_not = strdup(why);
}

/* Size from sysfs (512-byte sectors): known even when the device cannot be opened. */
static unsigned long long sys_size(const char *name)
{
	char path[160], buf[32] = "";
	unsigned long long sectors = 0;
	int fd;
	ssize_t k;

	snprintf(path, sizeof(path), "/sys/class/block/%s/size", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	k = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (k <= 0)
		return 0;
	buf[k] = '\0';
	sectors = strtoull(buf, NULL, 10);
	return sectors > ~0ULL / 512 ? 0 : sectors * 512;
}

static void identify(struct rsc_dev *d, const char *path)
{
	blkid_probe pr = blkid_new_probe_from_filename(path);

	d->size = sys_size(d->name);
	if (!pr) {
		char msg[160];

		snprintf(msg, sizeof(msg), "cannot be read here: %s", strerror(errno));
		set_why(d, msg);
		return;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID |
						      BLKID_SUBLKS_LABEL | BLKID_SUBLKS_USAGE);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	if (blkid_do_safeprobe(pr) == 0) {
		d->type = dup_value(pr, "TYPE");
		d->label = dup_value(pr, "LABEL");
		d->uuid = dup_value(pr, "UUID");
		d->usage = dup_value(pr, "USAGE");
		d->pttype = dup_value(pr, "PTTYPE");
		d->partuuid = dup_value(pr, "PART_ENTRY_UUID");
	}
	blkid_free_probe(pr);
}

/* Mount read-only like check does and look: Linux root? OS, sshd, fstab. */
static void peek(struct rsc_dev *d, const char *path)
{
	struct rsc_volume *v = NULL;
	struct rsc_buf why = { 0 };
	struct stat st;
	char *data = NULL;
	size_t len = 0;

	d->peeked = true;
	if (rsc_volume_open(path, 0, &v, &why) < 0) {
		set_why(d, why.data ? why.data : "cannot be mounted");
		rsc_buf_free(&why);
		return;
	}
	if (rsc_volume_check_linux_root(v->root, &why) < 0) {
		set_why(d, why.data ? why.data : "not a Linux root");
	} else {
		d->linux_root = true;
		d->has_sshd = rsc_root_stat(v->root, "/usr/sbin/sshd", &st, 0) == 0 &&
			      S_ISREG(st.st_mode);
		if (rsc_root_read_file(v->root, "/etc/os-release", 65536, 0, &data, &len, NULL) ==
		    0) {
			const char *p = strstr(data, "PRETTY_NAME=");

			if (p) {
				p += strlen("PRETTY_NAME=");
				p += *p == '"';
				d->os = strndup(p, strcspn(p, "\"\n"));
			}
			free(data);
			data = NULL;
		}
		if (rsc_root_read_file(v->root, "/etc/fstab", 1 << 20, 0, &data, &len, NULL) == 0)
			rsc_fstab_parse(data, len, &d->fstab);
		free(data);
	}
	rsc_buf_free(&why);
	rsc_volume_close(v);
}

/*
 * The device whose filesystem the fstab spec names (UUID=, LABEL=, PARTUUID=);
 * *count says how many do (more than one: clones, the spec is ambiguous here).
 */
static const struct rsc_dev *by_spec(const struct rsc_dev *devs, size_t n, const char *spec,
				     size_t *count)
{
	const struct rsc_dev *first = NULL;

	static const struct {
		const char *prefix;
		size_t field;
	} keys[] = {
		{ "UUID=", offsetof(struct rsc_dev, uuid) },
		{ "LABEL=", offsetof(struct rsc_dev, label) },
		{ "PARTUUID=", offsetof(struct rsc_dev, partuuid) },
	};

	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		size_t pl = strlen(keys[k].prefix);

		if (strncmp(spec, keys[k].prefix, pl) != 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			const char *v = *(char *const *)((const char *)&devs[i] + keys[k].field);

			if (v && strcasecmp(v, spec + pl) == 0 && (*count)++ == 0)
				first = &devs[i];
		}
	}
	return first;
}

static const char *container_hint(const char *type)
{
	static const struct {
		const char *type, *hint;
	} hints[] = {
		{ "LVM2_member",
		  "LVM physical volume: activate its volume group (sshrescue devices --activate; "
		  "or vgchange -ay VG), then give a logical volume, /dev/VG/LV" },
		{ "crypto_LUKS",
		  "LUKS container: unlock it (sshrescue devices --activate --key-file FILE; or "
		  "cryptsetup open --readonly DEVICE victim), then give /dev/mapper/victim" },
		{ "linux_raid_member", "RAID member: assemble it (mdadm --assemble --scan), then "
				       "give /dev/mdN" },
		{ "ddf_raid_member", "RAID member: assemble it (mdadm --assemble --scan)" },
		{ "isw_raid_member", "RAID member: assemble it (mdadm --assemble --scan)" },
		{ "swap", "swap space" },
	};

	for (size_t i = 0; type && i < ARRAY_SIZE(hints); i++)
		if (strcmp(type, hints[i].type) == 0)
			return hints[i].hint;
	return NULL;
}

static int cmp_dev(const void *a, const void *b)
{
	return strcmp(((const struct rsc_dev *)a)->name, ((const struct rsc_dev *)b)->name);
}

int rsc_devs_scan(struct rsc_dev **out)
{
	struct rsc_dev *devs = NULL;
	size_t n = 0;
	DIR *dir = opendir("/sys/class/block");
	struct dirent *de;

	if (!dir)
		return -errno;
	while ((de = readdir(dir)) && n < DEVICES_MAX) {
		char path[128], sys[192];
		struct rsc_dev *d, *grown;
		struct stat st;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(d->name) ||
		    strncmp(de->d_name, "ram", 3) == 0)
			continue;
		snprintf(path, sizeof(path), "/dev/%.63s", de->d_name);
		if (stat(path, &st) < 0 || !S_ISBLK(st.st_mode))
			continue;
		grown = realloc(devs, (n + 1) * sizeof(*devs));
		if (!grown)
			break;
		devs = grown;
		d = &devs[n];
		memset(d, 0, sizeof(*d));
		snprintf(d->name, sizeof(d->name), "%.63s", de->d_name);
		snprintf(sys, sizeof(sys), "/sys/class/block/%.63s/partition", de->d_name);
		d->partition = access(sys, F_OK) == 0;
		identify(d, path);
		if (d->size == 0) { /* an unused loop device, an empty drive */
			device_free(d);
			continue;
		}
		d->mounted = rsc_helper_mount_of(st.st_rdev);
		d->clone_of = rsc_helper_uuid_mount(d->uuid, st.st_rdev);
		d->running_root = rsc_dev_is_running_root(st.st_rdev);
		d->dm_name = rsc_dm_name(d->name);
		d->holders = rsc_dev_holders(d->name);
		n++;
	}
	closedir(dir);
	if (n)
		qsort(devs, n, sizeof(*devs), cmp_dev);
	*out = devs;
	return (int)n;
}

static void human(unsigned long long b, char *buf, size_t size)
{
	static const char units[] = "BKMGTPE";
	double v = (double)b;
	size_t u = 0;

	while (v >= 1024 && u < sizeof(units) - 2) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, u ? "%.1f%c" : "%.0f%c", v, units[u]);
}

static void text_device(FILE *out, const struct rsc_dev *d, const struct rsc_dev *all, size_t n)
{
	_cleanup_free_ char *label = d->label ? rsc_escape(d->label) : NULL;
	_cleanup_free_ char *os = d->os ? rsc_escape(d->os) : NULL;
	_cleanup_free_ char *mnt = d->mounted ? rsc_escape(d->mounted) : NULL;
	_cleanup_free_ char *why = d->why_not ? rsc_escape(d->why_not) : NULL;
	_cleanup_free_ char *dm = d->dm_name ? rsc_escape(d->dm_name) : NULL;
	_cleanup_free_ char *holders = d->holders ? rsc_escape(d->holders) : NULL;
	const char *hint = container_hint(d->type);
	char size[16], type[40];

	human(d->size, size, sizeof(size));
	if (d->type)
		snprintf(type, sizeof(type), "%s", d->type);
	else
		snprintf(type, sizeof(type), "%s%s%s", d->pttype ? "(" : "-",
			 d->pttype ? d->pttype : "", d->pttype ? ")" : "");
	fprintf(out, "/dev/%-12s %7s  %-12s %-16s %s\n", d->name, size, type, label ? label : "-",
		d->uuid ? d->uuid : "-");
	if (d->running_root)
		fprintf(out, "    the running system's own root (mounted on %s): not a victim\n",
			mnt ? mnt : "/");
	else if (mnt)
		fprintf(out, "    mounted on this helper at %s: not peeked\n", mnt);
	if (d->clone_of) {
		_cleanup_free_ char *c = rsc_escape(d->clone_of);

		fprintf(out,
			"    same filesystem UUID as the helper's %s: a clone; sshrescue opens it "
			"by "
			"device (XFS with nouuid), but anything that mounts by UUID may pick "
			"either\n",
			c ? c : "?");
	}
	if (dm)
		fprintf(out, "    device-mapper: /dev/mapper/%s\n", dm);
	if (hint && holders && strcmp(d->type, "swap") != 0)
		fprintf(out, "    in use: %s\n", holders);
	else if (hint)
		fprintf(out, "    %s\n", hint);
	if (d->linux_root) {
		fprintf(out, "    a Linux root: %s, %s\n", os ? os : "unknown OS",
			d->has_sshd ? "with /usr/sbin/sshd" : "no /usr/sbin/sshd");
		for (size_t i = 0; i < d->fstab.n; i++) {
			const struct rsc_fstab_entry *e = &d->fstab.e[i];
			size_t count = 0;
			const struct rsc_dev *on = by_spec(all, n, e->spec, &count);
			_cleanup_free_ char *f = rsc_escape(e->file), *s = rsc_escape(e->spec);

			if (strcmp(e->type, "swap") == 0 || e->file[0] != '/')
				continue;
			fprintf(out, "    fstab: %s on %s%s%s%s\n", f ? f : "?", s ? s : "?",
				on ? " = /dev/" : "", on ? on->name : " (not found on this helper)",
				count > 1 ? " (ambiguous: more devices here carry it, clones)"
					  : "");
		}
	} else if (why) {
		fprintf(out, "    %s%s\n", d->peeked ? "not a victim root: " : "", why);
	}
}

static struct json_object *jstr(const char *s)
{
	_cleanup_free_ char *e = s ? rsc_escape(s) : NULL;

	return e ? json_object_new_string(e) : NULL;
}

static struct json_object *json_device(const struct rsc_dev *d, const struct rsc_dev *all, size_t n)
{
	struct json_object *o = json_object_new_object(), *fst = NULL;
	char path[80];

	if (!o)
		return NULL;
	snprintf(path, sizeof(path), "/dev/%s", d->name);
	json_object_object_add(o, "device", json_object_new_string(path));
	json_object_object_add(o, "partition", json_object_new_boolean(d->partition));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)d->size));
	json_object_object_add(o, "type", jstr(d->type));
	json_object_object_add(o, "usage", jstr(d->usage));
	json_object_object_add(o, "label", jstr(d->label));
	json_object_object_add(o, "uuid", jstr(d->uuid));
	json_object_object_add(o, "partuuid", jstr(d->partuuid));
	json_object_object_add(o, "pttype", jstr(d->pttype));
	json_object_object_add(o, "mounted_on", jstr(d->mounted));
	json_object_object_add(o, "running_root", json_object_new_boolean(d->running_root));
	json_object_object_add(o, "uuid_clone_of", jstr(d->clone_of));
	json_object_object_add(o, "hint", jstr(container_hint(d->type)));
	json_object_object_add(o, "dm_name", jstr(d->dm_name));
	json_object_object_add(o, "holders", jstr(d->holders));
	json_object_object_add(o, "linux_root", json_object_new_boolean(d->linux_root));
	json_object_object_add(o, "os", jstr(d->os));
	json_object_object_add(o, "sshd", json_object_new_boolean(d->has_sshd));
	json_object_object_add(o, "not_root_because", jstr(d->linux_root ? NULL : d->why_not));
	if (d->linux_root && (fst = json_object_new_array())) {
		for (size_t i = 0; i < d->fstab.n; i++) {
			const struct rsc_fstab_entry *e = &d->fstab.e[i];
			size_t count = 0;
			const struct rsc_dev *on = by_spec(all, n, e->spec, &count);
			struct json_object *x = json_object_new_object();
			char dev[80];

			if (!x)
				continue;
			json_object_object_add(x, "mountpoint", jstr(e->file));
			json_object_object_add(x, "spec", jstr(e->spec));
			json_object_object_add(x, "type", jstr(e->type));
			snprintf(dev, sizeof(dev), "/dev/%s", on ? on->name : "");
			json_object_object_add(x, "device",
					       on ? json_object_new_string(dev) : NULL);
			json_object_array_add(fst, x);
		}
	}
	json_object_object_add(o, "fstab", fst);
	return o;
}

int rsc_cmd_devices(const struct rsc_opts *o)
{
	struct rsc_dev *devs = NULL;
	struct rsc_buf undo = { 0 };
	/* with --json, what the activation says goes to stderr: stdout is one document */
	FILE *msg = o->json ? o->err : o->out;
	int n, status = 0;

	if (o->activate)
		status = rsc_devs_activate(o, msg, &undo);
	n = rsc_devs_scan(&devs);
	if (n < 0) {
		fprintf(o->err, "sshrescue: cannot list the block devices: %s\n", strerror(-n));
		rsc_buf_free(&undo);
		return RSC_EXIT_OPERATIONAL;
	}
	if (!devs)
		n = 0; /* rsc_devs_scan() returns -errno or the count of devs */
	for (int i = 0; i < n; i++) {
		struct rsc_dev *d = &devs[i];
		char path[80];

		if (d->mounted || d->running_root || !d->usage ||
		    strcmp(d->usage, "filesystem") != 0)
			continue;
		snprintf(path, sizeof(path), "/dev/%s", d->name);
		peek(d, path);
	}
	if (o->json) {
		struct json_object *arr = json_object_new_array();

		for (int i = 0; arr && i < n; i++)
			json_object_array_add(arr, json_device(&devs[i], devs, (size_t)n));
		fprintf(o->out, "%s\n",
			arr ? json_object_to_json_string_ext(
				      arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)
			    : "null");
		json_object_put(arr);
	} else {
		fprintf(o->out, "%-17s %7s  %-12s %-16s %s\n", "DEVICE", "SIZE", "TYPE", "LABEL",
			"UUID");
		for (int i = 0; i < n; i++)
			text_device(o->out, &devs[i], devs, (size_t)n);
	}
	if (undo.len)
		fprintf(msg, "To undo the activation, when done (in this order):\n%s", undo.data);
	rsc_buf_free(&undo);
	rsc_devs_free(devs, n);
	return status;
}
