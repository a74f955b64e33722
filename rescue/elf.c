// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * elf.c - read the loader-relevant parts of an ELF file of the victim with
 * libelf: the ELF header, the program headers, PT_INTERP and the dynamic
 * section. Like ld.so, only program headers are used: DT_STRTAB is a
 * virtual address that is translated to a file offset through the PT_LOAD
 * segments. Every offset and size read from the file is checked against the
 * file size (with overflow checks) before it is used.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "elfinfo.h"
#include "root.h"
#include "util.h"

/* Longest string (path list, name) taken from a dynamic string table. */
#define ELF_MAX_STR 4096
/* Most program headers / dynamic entries looked at (real files have < 20 / < 100). */
#define ELF_MAX_PHDRS 4096
#define ELF_MAX_DYN   65536

static const char *const status_names[] = {
	[RSC_ELF_OK] = "ok",	       [RSC_ELF_EMPTY] = "empty",
	[RSC_ELF_NOT_ELF] = "not-elf", [RSC_ELF_TRUNCATED] = "truncated",
	[RSC_ELF_BAD] = "bad",	       [RSC_ELF_NOT_REGULAR] = "not-regular",
	[RSC_ELF_TOO_BIG] = "too-big",
};

const char *rsc_elf_status_name(enum rsc_elf_status s)
{
	if ((size_t)s < ARRAY_SIZE(status_names) && status_names[s])
		return status_names[s];
	return "?";
}

void rsc_elf_info_clear(struct rsc_elf_info *info)
{
	free(info->interp);
	free(info->soname);
	free(info->rpath);
	free(info->runpath);
	for (size_t i = 0; i < info->n_needed; i++)
		free(info->needed[i]);
	free(info->needed);
	memset(info, 0, sizeof(*info));
}

static bool add_overflow(uint64_t a, uint64_t b, uint64_t *sum)
{
	return __builtin_add_overflow(a, b, sum);
}

/* [off, off+len) lies inside a file of size bytes. */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
	uint64_t end;

	return !add_overflow(off, len, &end) && end <= size;
}

static void verdict(struct rsc_elf_info *info, enum rsc_elf_status s, const char *fmt, ...)
	_printf_(3, 4);
static void verdict(struct rsc_elf_info *info, enum rsc_elf_status s, const char *fmt, ...)
{
	va_list ap;

	info->status = s;
	va_start(ap, fmt);
	vsnprintf(info->why, sizeof(info->why), fmt, ap);
	va_end(ap);
}

/* The dynamic section's view of the file: the PT_LOAD segments for address translation. */
struct elf_ctx {
	Elf *elf;
	const unsigned char *buf;
	uint64_t size;
	GElf_Phdr *loads;
	size_t n_loads;
};

/* File offset of virtual address addr, with at least len bytes in the same segment's file part. */
static int vaddr_to_off(const struct elf_ctx *c, uint64_t addr, uint64_t len, uint64_t *off)
{
	for (size_t i = 0; i < c->n_loads; i++) {
		const GElf_Phdr *p = &c->loads[i];
		uint64_t rel;

		if (addr < p->p_vaddr)
			continue;
		rel = addr - p->p_vaddr;
		if (rel >= p->p_filesz || len > p->p_filesz - rel)
			continue;
		if (add_overflow(p->p_offset, rel, off))
			return -ERANGE;
		return 0;
	}
	return -ENOENT;
}

/* A NUL-terminated string at offset idx of the string table [tab, tab+tabsz) of the file. */
static int dyn_string(const struct elf_ctx *c, uint64_t tab, uint64_t tabsz, uint64_t idx,
		      char **out)
{
	const unsigned char *s, *nul;
	uint64_t max;

	*out = NULL;
	if (idx >= tabsz)
		return -ERANGE;
	max = tabsz - idx;
	if (max > ELF_MAX_STR)
		max = ELF_MAX_STR;
	s = c->buf + tab + idx;
	nul = memchr(s, '\0', max);
	if (!nul)
		return -ERANGE;
	*out = strndup((const char *)s, (size_t)(nul - s));
	return *out ? 0 : -ENOMEM;
}

struct dyn_vals {
	bool has_strtab, has_strsz, has_soname, has_rpath, has_runpath;
	uint64_t strtab, strsz, soname, rpath, runpath, flags_1;
	uint64_t *needed; /* string table offsets */
	size_t n_needed;
};

static int collect_dyn(struct dyn_vals *v, int64_t tag, uint64_t val)
{
	switch (tag) {
	case DT_NEEDED:
		if (v->n_needed < RSC_ELF_MAX_NEEDED) {
			uint64_t *n = reallocarray(v->needed, v->n_needed + 1, sizeof(*n));

			if (!n)
				return -ENOMEM;
			v->needed = n;
			v->needed[v->n_needed++] = val;
		}
		break;
	case DT_STRTAB:
		v->has_strtab = true;
		v->strtab = val;
		break;
	case DT_STRSZ:
		v->has_strsz = true;
		v->strsz = val;
		break;
	case DT_SONAME:
		v->has_soname = true;
		v->soname = val;
		break;
	case DT_RPATH:
		v->has_rpath = true;
		v->rpath = val;
		break;
	case DT_RUNPATH:
		v->has_runpath = true;
		v->runpath = val;
		break;
	case DT_FLAGS_1:
		v->flags_1 = val;
		break;
	default:
		break;
	}
	return 0;
}

/* DT_SONAME, DT_RUNPATH and DT_RPATH (ignored, like ld.so does, when there is a DT_RUNPATH). */
static int read_strings(const struct elf_ctx *c, const struct dyn_vals *v, uint64_t tab,
			struct rsc_elf_info *info)
{
	const struct {
		bool has;
		uint64_t idx;
		char **dst;
		const char *what;
	} strs[] = {
		{ v->has_soname, v->soname, &info->soname, "DT_SONAME" },
		{ v->has_runpath, v->runpath, &info->runpath, "DT_RUNPATH" },
		{ v->has_rpath && !v->has_runpath, v->rpath, &info->rpath, "DT_RPATH" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
		int r;

		if (!strs[i].has)
			continue;
		r = dyn_string(c, tab, v->strsz, strs[i].idx, strs[i].dst);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			verdict(info, RSC_ELF_BAD, "%s string is outside DT_STRTAB", strs[i].what);
			return 0;
		}
	}
	return 0;
}

/* Read the dynamic section described by the program header dyn. */
static int read_dynamic(struct elf_ctx *c, const GElf_Phdr *dyn, struct rsc_elf_info *info)
{
	struct dyn_vals v = { 0 };
	size_t entsz = info->elfclass == ELFCLASS64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
	uint64_t count, tab = 0;
	Elf_Data *d = NULL;
	int r = 0;

	if (!in_file(dyn->p_offset, dyn->p_filesz, c->size)) {
		verdict(info, RSC_ELF_TRUNCATED,
			"dynamic section at %" PRIu64 "+%" PRIu64 " ends beyond the file (%" PRIu64
			" bytes)",
			(uint64_t)dyn->p_offset, (uint64_t)dyn->p_filesz, c->size);
		goto out;
	}
	count = dyn->p_filesz / entsz;
	if (count == 0)
		goto out;
	if (count > ELF_MAX_DYN)
		count = ELF_MAX_DYN;
	d = elf_getdata_rawchunk(c->elf, (int64_t)dyn->p_offset, (size_t)(count * entsz),
				 ELF_T_DYN);
	if (!d || !d->d_buf || d->d_size < count * entsz) {
		verdict(info, RSC_ELF_BAD, "cannot read the dynamic section: %s", elf_errmsg(-1));
		goto out;
	}
	for (uint64_t i = 0; i < count; i++) {
		int64_t tag;
		uint64_t val;

		if (info->elfclass == ELFCLASS64) {
			const Elf64_Dyn *e = (const Elf64_Dyn *)d->d_buf + i;

			tag = e->d_tag;
			val = e->d_un.d_val;
		} else {
			const Elf32_Dyn *e = (const Elf32_Dyn *)d->d_buf + i;

			tag = e->d_tag;
			val = e->d_un.d_val;
		}
		if (tag == DT_NULL)
			break;
		r = collect_dyn(&v, tag, val);
		if (r < 0)
			goto out;
	}
	if (!v.has_strtab) {
		if (v.n_needed || v.has_soname || v.has_rpath || v.has_runpath)
			verdict(info, RSC_ELF_BAD, "dynamic section without DT_STRTAB");
		goto out;
	}
	if (!v.has_strsz) {
		verdict(info, RSC_ELF_BAD, "dynamic section without DT_STRSZ");
		goto out;
	}
	if (vaddr_to_off(c, v.strtab, v.strsz, &tab) < 0) {
		/* Within a segment's memory but past the bytes in the file: a cut file. */
		verdict(info, RSC_ELF_TRUNCATED,
			"string table (address 0x%" PRIx64 ", %" PRIu64
			" bytes) is not in the file",
			v.strtab, v.strsz);
		goto out;
	}
	if (!in_file(tab, v.strsz, c->size)) {
		verdict(info, RSC_ELF_TRUNCATED,
			"string table at %" PRIu64 "+%" PRIu64 " ends beyond the file (%" PRIu64
			" bytes)",
			tab, v.strsz, c->size);
		goto out;
	}
	info->needed = calloc(v.n_needed ? v.n_needed : 1, sizeof(char *));
	if (!info->needed) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < v.n_needed; i++) {
		r = dyn_string(c, tab, v.strsz, v.needed[i], &info->needed[info->n_needed]);
		if (r == -ENOMEM)
			goto out;
		if (r < 0) {
			verdict(info, RSC_ELF_BAD,
				"DT_NEEDED string %" PRIu64 " is outside DT_STRTAB", v.needed[i]);
			r = 0;
			goto out;
		}
		info->n_needed++;
	}
	r = read_strings(c, &v, tab, info);
	if (r < 0)
		goto out;
	info->flags_1 = v.flags_1;
out:
	free(v.needed);
	return r;
}

static int read_interp(struct elf_ctx *c, const GElf_Phdr *p, struct rsc_elf_info *info)
{
	const unsigned char *s, *nul;
	uint64_t len = p->p_filesz;

	if (!in_file(p->p_offset, p->p_filesz, c->size)) {
		verdict(info, RSC_ELF_TRUNCATED,
			"PT_INTERP at %" PRIu64 "+%" PRIu64 " ends beyond the file (%" PRIu64
			" bytes)",
			(uint64_t)p->p_offset, (uint64_t)p->p_filesz, c->size);
		return 0;
	}
	if (len > ELF_MAX_STR)
		len = ELF_MAX_STR;
	s = c->buf + p->p_offset;
	nul = len ? memchr(s, '\0', (size_t)len) : NULL;
	if (!nul) {
		verdict(info, RSC_ELF_BAD, "PT_INTERP is not a NUL-terminated string");
		return 0;
	}
	free(info->interp);
	info->interp = strndup((const char *)s, (size_t)(nul - s));
	return info->interp ? 0 : -ENOMEM;
}

/* The ELF identification bytes alone decide "not an ELF file". */
static bool check_ident(const unsigned char *b, size_t len, struct rsc_elf_info *info)
{
	if (len == 0) {
		verdict(info, RSC_ELF_EMPTY, "the file is empty (0 bytes)");
		return false;
	}
	if (len < SELFMAG) {
		if (memcmp(b, ELFMAG, len) == 0)
			verdict(info, RSC_ELF_TRUNCATED, "only %zu bytes", len);
		else
			verdict(info, RSC_ELF_NOT_ELF, "no ELF magic");
		return false;
	}
	if (memcmp(b, ELFMAG, SELFMAG) != 0) {
		verdict(info, RSC_ELF_NOT_ELF, "no ELF magic");
		return false;
	}
	if (len < EI_NIDENT) {
		verdict(info, RSC_ELF_TRUNCATED, "ELF identification cut at %zu bytes", len);
		return false;
	}
	info->elfclass = b[EI_CLASS];
	info->data = b[EI_DATA];
	info->osabi = b[EI_OSABI];
	if ((b[EI_CLASS] != ELFCLASS32 && b[EI_CLASS] != ELFCLASS64) ||
	    (b[EI_DATA] != ELFDATA2LSB && b[EI_DATA] != ELFDATA2MSB) ||
	    b[EI_VERSION] != EV_CURRENT) {
		verdict(info, RSC_ELF_NOT_ELF, "invalid ELF class %u / encoding %u / version %u",
			b[EI_CLASS], b[EI_DATA], b[EI_VERSION]);
		return false;
	}
	if (len < (b[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr))) {
		verdict(info, RSC_ELF_TRUNCATED, "ELF header cut at %zu bytes", len);
		return false;
	}
	return true;
}

static int parse(unsigned char *buf, size_t len, struct rsc_elf_info *info)
{
	struct elf_ctx c = { .buf = buf, .size = len };
	GElf_Ehdr eh;
	GElf_Phdr dyn = { 0 }, interp = { 0 };
	bool has_interp = false;
	size_t phnum = 0, phentsz;
	uint64_t phbytes;
	int r = 0;

	info->size = len;
	if (!check_ident(buf, len, info))
		return 0;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOSYS;
	c.elf = elf_memory((char *)buf, len);
	if (!c.elf || !gelf_getehdr(c.elf, &eh)) {
		verdict(info, RSC_ELF_BAD, "libelf: %s", elf_errmsg(-1));
		goto out;
	}
	info->machine = eh.e_machine;
	info->type = eh.e_type;
	phentsz = info->elfclass == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (eh.e_phnum == 0)
		goto out;
	if (eh.e_phentsize != phentsz) {
		verdict(info, RSC_ELF_BAD, "e_phentsize is %u, not %zu", eh.e_phentsize, phentsz);
		goto out;
	}
	if (eh.e_phnum == PN_XNUM) {
		if (elf_getphdrnum(c.elf, &phnum) != 0) {
			verdict(info, RSC_ELF_BAD, "libelf: %s", elf_errmsg(-1));
			goto out;
		}
	} else {
		phnum = eh.e_phnum;
	}
	if (phnum > ELF_MAX_PHDRS) {
		verdict(info, RSC_ELF_BAD, "%zu program headers", phnum);
		goto out;
	}
	phbytes = (uint64_t)phnum * phentsz;
	if (!in_file(eh.e_phoff, phbytes, len)) {
		verdict(info, RSC_ELF_TRUNCATED,
			"program headers at %" PRIu64 "+%" PRIu64
			" end beyond the file (%zu bytes)",
			(uint64_t)eh.e_phoff, phbytes, len);
		goto out;
	}
	c.loads = calloc(phnum ? phnum : 1, sizeof(*c.loads));
	if (!c.loads) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr p;

		if (!gelf_getphdr(c.elf, (int)i, &p)) {
			verdict(info, RSC_ELF_BAD, "program header %zu: %s", i, elf_errmsg(-1));
			goto out;
		}
		if (p.p_type == PT_LOAD) {
			c.loads[c.n_loads++] = p;
		} else if (p.p_type == PT_DYNAMIC && !info->has_dynamic) {
			info->has_dynamic = true;
			dyn = p;
		} else if (p.p_type == PT_INTERP && !has_interp) {
			has_interp = true;
			interp = p;
		}
	}
	/* A segment whose file bytes end beyond the file: the classic cut-off copy. */
	for (size_t i = 0; i < c.n_loads; i++) {
		if (!in_file(c.loads[i].p_offset, c.loads[i].p_filesz, len)) {
			verdict(info, RSC_ELF_TRUNCATED,
				"segment at %" PRIu64 "+%" PRIu64
				" ends beyond the file (%zu bytes)",
				(uint64_t)c.loads[i].p_offset, (uint64_t)c.loads[i].p_filesz, len);
			goto out;
		}
	}
	if (has_interp) {
		r = read_interp(&c, &interp, info);
		if (r < 0 || info->status != RSC_ELF_OK)
			goto out;
	}
	if (info->has_dynamic)
		r = read_dynamic(&c, &dyn, info);
out:
	free(c.loads);
	if (c.elf)
		elf_end(c.elf);
	if (r < 0)
		rsc_elf_info_clear(info);
	return r;
}

int rsc_elf_parse_mem(const void *buf, size_t len, struct rsc_elf_info *info)
{
	/* libelf gets a private copy: elf_memory() may convert in place. */
	_cleanup_free_ unsigned char *copy = malloc(len ? len : 1);

	memset(info, 0, sizeof(*info));
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, buf, len);
	return parse(copy, len, info);
}

int rsc_elf_read_fd(int fd, struct rsc_elf_info *info)
{
	_cleanup_free_ unsigned char *buf = NULL;
	struct stat st;
	size_t got = 0;

	memset(info, 0, sizeof(*info));
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode)) {
		verdict(info, RSC_ELF_NOT_REGULAR, "not a regular file");
		return 0;
	}
	info->size = (uint64_t)st.st_size;
	if ((uint64_t)st.st_size > RSC_ELF_FILE_CAP) {
		verdict(info, RSC_ELF_TOO_BIG, "%" PRIu64 " bytes", (uint64_t)st.st_size);
		return 0;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break; /* shrank while we read: parse what is there */
		got += (size_t)n;
	}
	return parse(buf, got, info);
}

int rsc_elf_read_path(struct rsc_root *r, const char *path, struct rsc_elf_info *info)
{
	_cleanup_close_ int fd = -1;

	memset(info, 0, sizeof(*info));
	fd = rsc_root_open_ro(r, path, O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	return rsc_elf_read_fd(fd, info);
}

static const char *machine_name(uint16_t m)
{
	switch (m) {
	case EM_386:
		return "Intel 80386";
	case EM_X86_64:
		return "x86-64";
	case EM_AARCH64:
		return "AArch64";
	case EM_ARM:
		return "ARM";
	case EM_PPC64:
		return "PowerPC64";
	case EM_PPC:
		return "PowerPC";
	case EM_S390:
		return "IBM S/390";
	case EM_RISCV:
		return "RISC-V";
	case EM_MIPS:
		return "MIPS";
	default:
		return NULL;
	}
}

const char *rsc_elf_describe(const struct rsc_elf_info *info, char *buf, size_t len)
{
	const char *m = machine_name(info->machine);
	char num[16];

	if (!m) {
		snprintf(num, sizeof(num), "machine %u", info->machine);
		m = num;
	}
	snprintf(buf, len, "ELF%s %s %s",
		 info->elfclass == ELFCLASS64	? "64"
		 : info->elfclass == ELFCLASS32 ? "32"
						: "?",
		 info->data == ELFDATA2MSB ? "MSB" : "LSB", m);
	return buf;
}
