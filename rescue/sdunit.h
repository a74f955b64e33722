/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sdunit.h - the victim's systemd units, read the way systemd would at the
 * victim's next boot: the unit file from the first directory of the search
 * path that has it (/etc over /usr/local/lib, /lib, /usr/lib; /run is a
 * tmpfs at boot and is never read), its drop-ins NAME.d/ *.conf from every
 * directory (one name in a higher directory masks the same name lower down)
 * applied in the order of their file names, and whether it is masked (a
 * link to /dev/null, or an empty file) or enabled (a link in a *.wants or
 * *.requires directory).
 */
#ifndef RSC_SDUNIT_H
#define RSC_SDUNIT_H

#include <stdbool.h>
#include <stddef.h>

struct rsc_root;

struct rsc_unit {
	char *path;   /* the unit file found (victim path), NULL if the unit does not exist */
	bool masked;  /* linked to /dev/null or empty: systemd never starts it */
	char **files; /* the unit file, then its drop-ins, in the order systemd applies them */
	char **data;  /* their contents, NUL-terminated */
	size_t nfiles;
};

/* The directories of the system unit search path, in priority order, NULL-terminated. */
extern const char *const rsc_unit_dirs[];

/*
 * Load unit name ("ssh.service"). A unit that does not exist is not an
 * error: u->path stays NULL. A link to a unit file of another name is an
 * alias: the unit of that name is loaded (u->path is its file). Drop-ins of a template ("ssh@.service.d") apply
 * to its instances. Returns 0 or -ENOMEM; free with rsc_unit_free().
 */
int rsc_unit_load(struct rsc_root *root, const char *name, struct rsc_unit *u);
void rsc_unit_free(struct rsc_unit *u);

/*
 * The assignments of key in [section] of every file of u, in order. For a
 * list setting (RuntimeDirectory=, ListenStream=) an empty assignment
 * clears what came before and each value is split at blanks when split is
 * set; for other settings the caller takes the last one. *vals is a new
 * NULL-terminated array (caller frees with rsc_unit_strv_free), *n its
 * length; *vals is NULL when *n is 0. Returns 0 or -ENOMEM.
 */
int rsc_unit_values(const struct rsc_unit *u, const char *section, const char *key, bool split,
		    char ***vals, size_t *n);
void rsc_unit_strv_free(char **v);

/*
 * Is unit name enabled: is there an entry for it in some *.wants/ or
 * *.requires/ directory of the unit search path? *by (may be NULL) gets the
 * first such entry's victim path (caller frees). Returns 1, 0, or -ENOMEM.
 */
int rsc_unit_enabled(struct rsc_root *root, const char *name, char **by);

/*
 * The names ending in suffix (".conf") in the victim directories dirs
 * (NULL-terminated), as victim paths sorted by file name; a name found in
 * an earlier directory masks the same name in later ones (systemd's rule
 * for drop-ins, tmpfiles.d, sysusers.d). At most 256 names. *names is a
 * NULL-terminated array (rsc_unit_strv_free). Returns 0 or -ENOMEM.
 */
int rsc_confdirs_list(struct rsc_root *root, const char *const *dirs, const char *suffix,
		      char ***names, size_t *n);

#endif
