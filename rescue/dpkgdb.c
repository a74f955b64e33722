// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dpkgdb.c - the victim's dpkg status and md5sums, and MD5 digests through
 * libcrypto (dpkg.h). The database is untrusted text: read with caps,
 * fields cut at their line, malformed lines skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dpkg.h"
#include "root.h"
#include "util.h"

#define STATUS	     "/var/lib/dpkg/status"
#define STATUS_CAP   (128u << 20)
#define SUMS_CAP     (32u << 20)
#define PKGS_MAX     100000
#define DEPENDS_MAX  512
#define FILE_MD5_MAX (4096ull << 20)

static void pkg_clear(struct rsc_dpkg_pkg *p)
{
	free(p->name);
	free(p->version);
	free(p->arch);
	for (size_t i = 0; i < p->ndepends; i++)
		free(p->depends[i]);
	free(p->depends);
	*p = (struct rsc_dpkg_pkg){ 0 };
}

void rsc_dpkg_free(struct rsc_dpkg_db *db)
{
	for (size_t i = 0; i < db->n; i++)
		pkg_clear(&db->pkgs[i]);
	free(db->pkgs);
	*db = (struct rsc_dpkg_db){ 0 };
}

/* "libc6 (>= 2.36), adduser | x:any" into "libc6", "adduser|x". */
static int add_depends(struct rsc_dpkg_pkg *p, const char *v)
{
	while (*v && p->ndepends < DEPENDS_MAX) {
		size_t len = strcspn(v, ",");
		_cleanup_(rsc_buf_free) struct rsc_buf alt = { 0 };
		const char *end = v + len;
		char **nd;
		int r = 0;

		for (const char *a = v; r == 0 && a < end;) {
			size_t al = strcspn(a, "|");
			const char *ae = a + al < end ? a + al : end, *n = a;
			size_t nl;

			while (n < ae && (*n == ' ' || *n == '\t'))
				n++;
			nl = strcspn(n, " \t(:[|,");
			if (n + nl > ae)
				nl = (size_t)(ae - n);
			if (nl)
				r = rsc_buf_printf(&alt, "%s%.*s", alt.len ? "|" : "", (int)nl, n);
			a = ae + 1;
		}
		if (r < 0)
			return r;
		v = *end ? end + 1 : end;
		if (!alt.data)
			continue;
		nd = reallocarray(p->depends, p->ndepends + 1, sizeof(*nd));
		if (!nd)
			return -ENOMEM;
		p->depends = nd;
		nd[p->ndepends++] = rsc_buf_steal(&alt);
	}
	return 0;
}

/* Apply one "Field: value" line of a stanza to p; *ok when Status says installed. */
static int field(struct rsc_dpkg_pkg *p, const char *l, bool *ok)
{
	static const struct {
		const char *key;
		size_t off;
	} strs[] = {
		{ "Package: ", offsetof(struct rsc_dpkg_pkg, name) },
		{ "Version: ", offsetof(struct rsc_dpkg_pkg, version) },
		{ "Architecture: ", offsetof(struct rsc_dpkg_pkg, arch) },
	};

	for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
		if (rsc_startswith(l, strs[i].key)) {
			char **dst = (char **)((char *)p + strs[i].off);

			free(*dst);
			*dst = strdup(l + strlen(strs[i].key));
			return *dst ? 0 : -ENOMEM;
		}
	if (rsc_startswith(l, "Status: "))
		*ok = strcmp(l + 8, "install ok installed") == 0;
	else if (rsc_startswith(l, "Multi-Arch: "))
		p->multiarch = strcmp(l + 12, "same") == 0;
	else if (rsc_startswith(l, "Depends: "))
		return add_depends(p, l + 9);
	else if (rsc_startswith(l, "Pre-Depends: "))
		return add_depends(p, l + 13);
	return 0;
}

/* dpkg's rule for a package name: lower-case letters, digits, "+-." ; a letter or digit first. */
static bool valid_name(const char *n)
{
	if (!((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= '0' && n[0] <= '9')))
		return false;
	return strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789+-.") == strlen(n);
}

static int finish(struct rsc_dpkg_db *db, struct rsc_dpkg_pkg *p, bool ok)
{
	struct rsc_dpkg_pkg *np;

	if (!ok || !p->name || !valid_name(p->name) || !p->version || !p->arch ||
	    db->n >= PKGS_MAX) {
		pkg_clear(p);
		return 0;
	}
	np = reallocarray(db->pkgs, db->n + 1, sizeof(*np));
	if (!np) {
		pkg_clear(p);
		return -ENOMEM;
	}
	db->pkgs = np;
	np[db->n++] = *p;
	*p = (struct rsc_dpkg_pkg){ 0 };
	return 0;
}

int rsc_dpkg_parse_status(const char *data, size_t len, struct rsc_dpkg_db *db)
{
	struct rsc_dpkg_pkg p = { 0 };
	bool ok = false;
	size_t pos = 0;
	int r = 0;

	while (r == 0 && pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t e = nl ? (size_t)(nl - data) : len;
		_cleanup_free_ char *l = strndup(data + pos, e - pos);

		pos = e + 1;
		if (!l) {
			r = -ENOMEM;
			break;
		}
		if (!*l) {
			r = finish(db, &p, ok);
			ok = false;
		} else if (*l != ' ' && *l != '\t') {
			r = field(&p, l, &ok);
		}
	}
	if (r == 0)
		r = finish(db, &p, ok);
	pkg_clear(&p);
	return r;
}

int rsc_dpkg_load(struct rsc_root *root, struct rsc_dpkg_db *db)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r;

	*db = (struct rsc_dpkg_db){ 0 };
	r = rsc_root_read_file(root, STATUS, STATUS_CAP, 0, &data, &len, NULL);
	if (r < 0)
		return r;
	r = rsc_dpkg_parse_status(data, len, db);
	if (r < 0)
		rsc_dpkg_free(db);
	return r;
}

const struct rsc_dpkg_pkg *rsc_dpkg_find(const struct rsc_dpkg_db *db, const char *name)
{
	size_t nl = strcspn(name, ":");

	for (size_t i = 0; i < db->n; i++)
		if (strlen(db->pkgs[i].name) == nl && strncmp(db->pkgs[i].name, name, nl) == 0)
			return &db->pkgs[i];
	return NULL;
}

void rsc_dpkg_sums_free(struct rsc_dpkg_sum *sums, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(sums[i].path);
	free(sums);
}

static bool is_hex32(const char *s)
{
	for (size_t i = 0; i < 32; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int rsc_dpkg_md5sums(struct rsc_root *root, const struct rsc_dpkg_pkg *pkg,
		     struct rsc_dpkg_sum **sums, size_t *n)
{
	_cleanup_free_ char *data = NULL, *p1 = NULL, *p2 = NULL;
	size_t len = 0;
	int r;

	*sums = NULL;
	*n = 0;
	if (asprintf(&p1, "/var/lib/dpkg/info/%s:%s.md5sums", pkg->name, pkg->arch) < 0 ||
	    asprintf(&p2, "/var/lib/dpkg/info/%s.md5sums", pkg->name) < 0)
		return -ENOMEM;
	r = rsc_root_read_file(root, pkg->multiarch ? p1 : p2, SUMS_CAP, 0, &data, &len, NULL);
	if (r == -ENOENT)
		r = rsc_root_read_file(root, pkg->multiarch ? p2 : p1, SUMS_CAP, 0, &data, &len,
				       NULL);
	if (r < 0)
		return r;
	for (char *save = NULL, *l = strtok_r(data, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		struct rsc_dpkg_sum *ns;
		char *path;

		if (strlen(l) < 35 || !is_hex32(l) || l[32] != ' ' || l[33] != ' ' ||
		    strstr(l + 34, "..") || l[34] == '/')
			continue;
		path = NULL;
		if (asprintf(&path, "/%s", l + 34) < 0)
			goto enomem;
		ns = reallocarray(*sums, *n + 1, sizeof(*ns));
		if (!ns) {
			free(path);
			goto enomem;
		}
		*sums = ns;
		memcpy(ns[*n].md5, l, 32);
		ns[*n].md5[32] = '\0';
		ns[(*n)++].path = path;
	}
	return 0;
enomem:
	rsc_dpkg_sums_free(*sums, *n);
	*sums = NULL;
	*n = 0;
	return -ENOMEM;
}

static void to_hex(const unsigned char *d, char hex[33])
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < 16; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[32] = '\0';
}

void rsc_md5_hex(const void *data, size_t len, char hex[33])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;

	if (!EVP_Digest(data, len, d, &dl, EVP_md5(), NULL) || dl != 16)
		memset(d, 0, sizeof(d));
	to_hex(d, hex);
}

int rsc_md5_file(struct rsc_root *root, const char *path, char hex[33])
{
	_cleanup_close_ int fd = -1;
	unsigned char d[EVP_MAX_MD_SIZE], buf[65536];
	unsigned long long total = 0;
	unsigned int dl = 0;
	EVP_MD_CTX *c = NULL;
	struct stat st;
	int r = 0;

	fd = rsc_root_open_ro(root, path, O_CLOEXEC, RSC_NOFOLLOW);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -ESPIPE;
	c = EVP_MD_CTX_new();
	if (!c || !EVP_DigestInit_ex(c, EVP_md5(), NULL)) {
		EVP_MD_CTX_free(c);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t k = read(fd, buf, sizeof(buf));

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			r = -errno;
			break;
		}
		if (k == 0)
			break;
		total += (unsigned long long)k;
		if (total > FILE_MD5_MAX) {
			r = -EFBIG;
			break;
		}
		if (!EVP_DigestUpdate(c, buf, (size_t)k)) {
			r = -EIO;
			break;
		}
	}
	if (r == 0 && (!EVP_DigestFinal_ex(c, d, &dl) || dl != 16))
		r = -EIO;
	EVP_MD_CTX_free(c);
	if (r == 0)
		to_hex(d, hex);
	return r;
}
