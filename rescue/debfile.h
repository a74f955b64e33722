/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * debfile.h - files of a Debian package archive (.deb), read without ever
 * unpacking it on the helper: the helper's own dpkg-deb checks the archive
 * and decompresses its data member into a pipe; the tar stream is parsed
 * here, in memory, with every header checked (checksum, octal or base-256
 * numbers, GNU long names, pax path records, a cap on every size), and only
 * the wanted entries are kept. The archive may come from the victim's own
 * /var/cache/apt/archives: it is untrusted.
 */
#ifndef RSC_DEBFILE_H
#define RSC_DEBFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define RSC_DEB_STREAM_MAX (1024u << 20) /* the whole data.tar */
#define RSC_DEB_FILE_MAX   (64u << 20)	 /* one file kept (the journal's cap too) */

struct rsc_deb_control {
	char *package, *version, *arch;
};

/*
 * Package, Version and Architecture of the archive open on fd (a regular
 * file: a helper file, or one of the victim opened through rsc_root; it is
 * handed to dpkg-deb as /dev/fd/3, never by a path). 0 or -errno; free with _clear.
 */
int rsc_deb_control(int fd, struct rsc_deb_control *c);
void rsc_deb_control_clear(struct rsc_deb_control *c);

struct rsc_deb_file {
	char *path;  /* absolute, normalised: "/usr/sbin/sshd" */
	char type;   /* '0' regular file, '2' symlink, '5' directory, '1' hard link, … */
	mode_t mode; /* permission bits 07777 */
	uid_t uid;
	gid_t gid;
	char *target; /* symlink or hard link target, else NULL */
	char *data;   /* a regular file's bytes (len of them), else NULL */
	size_t len;
};

/* Which entries to keep: true for path. */
typedef bool (*rsc_deb_want)(void *ctx, const char *path);

/*
 * Parse len bytes of a tar stream; entries for which want() says true are
 * appended to *files (*n of them; free with rsc_deb_files_free). Returns 0,
 * -EBADMSG (a malformed stream: *why says where), -EFBIG or -ENOMEM.
 */
int rsc_tar_parse(const void *buf, size_t len, rsc_deb_want want, void *ctx,
		  struct rsc_deb_file **files, size_t *n, char *why, size_t whylen);

/* rsc_tar_parse() over the data member of the archive on fd (`dpkg-deb --fsys-tarfile`). */
int rsc_deb_extract(int fd, rsc_deb_want want, void *ctx, struct rsc_deb_file **files, size_t *n,
		    char *why, size_t whylen);

void rsc_deb_files_free(struct rsc_deb_file *files, size_t n);

#endif
