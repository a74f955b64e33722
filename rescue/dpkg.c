// SPDX-License-Identifier: GPL-2.0-or-later
/* dpkg.c - the victim's dpkg database, read offline (dpkg.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "dpkg.h"
#include "root.h"
#include "util.h"

#define INFO_DIR  "/var/lib/dpkg/info"
#define LIST_CAP  (16u << 20)
#define LISTS_MAX 20000

/* The canonical directory of path inside the victim (the file itself may be gone). */
static char *canonical_dir(struct rsc_root *root, const char *path)
{
	_cleanup_free_ char *dir = strndup(path, (size_t)(strrchr(path, '/') - path));
	char *out = NULL;

	if (!dir)
		return NULL;
	if (rsc_root_realpath(root, *dir ? dir : "/", &out) < 0)
		return strdup(*dir ? dir : "/");
	return out;
}

/* Does list (a .list file's text) name a path whose file name is base and directory dir? */
static int lists(struct rsc_root *root, char *list, const char *base, const char *dir)
{
	size_t bl = strlen(base);

	for (char *save = NULL, *l = strtok_r(list, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		size_t ll = strlen(l);
		_cleanup_free_ char *d = NULL;

		if (ll <= bl || l[ll - bl - 1] != '/' || strcmp(l + ll - bl, base) != 0)
			continue;
		if (!dir)
			return 1; /* any directory */
		d = canonical_dir(root, l);
		if (!d)
			return -ENOMEM;
		if (strcmp(d, dir) == 0)
			return 1;
	}
	return 0;
}

int rsc_dpkg_owner(struct rsc_root *root, const char *path, char **pkg)
{
	_cleanup_free_ char *dir = NULL;
	const char *base = strrchr(path, '/');
	struct dirent *de;
	size_t seen = 0;
	DIR *d;
	int r = -ENOENT, k0;

	*pkg = NULL;
	if (!*path || (base && !base[1]))
		return -EINVAL;
	if (base) {
		base++;
		dir = canonical_dir(root, path);
		if (!dir)
			return -ENOMEM;
	} else {
		base = path;
	}
	k0 = rsc_root_opendir(root, INFO_DIR, &d);
	if (k0 < 0)
		return k0 == -ENOMEM ? k0 : -ENOENT;
	while (r == -ENOENT && (de = readdir(d)) && seen++ < LISTS_MAX) {
		size_t l = strlen(de->d_name);
		_cleanup_free_ char *p = NULL, *data = NULL;
		size_t len = 0;
		int k;

		if (l < 6 || strcmp(de->d_name + l - 5, ".list") != 0)
			continue;
		p = rsc_path_join(INFO_DIR, de->d_name);
		if (!p) {
			r = -ENOMEM;
			break;
		}
		k = rsc_root_read_file(root, p, LIST_CAP, 0, &data, &len, NULL);
		if (k == -ENOMEM || (k == 0 && (k = lists(root, data, base, dir)) == -ENOMEM)) {
			r = -ENOMEM;
			break;
		}
		if (k == 1) {
			const char *colon = memchr(de->d_name, ':', l - 5);

			*pkg = strndup(de->d_name, colon ? (size_t)(colon - de->d_name) : l - 5);
			r = *pkg ? 0 : -ENOMEM;
		}
	}
	closedir(d);
	return r;
}
