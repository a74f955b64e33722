/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * elfinfo.h - the interface of elf.c (not "elf.h": with rescue/ on the
 * include path that name would hide the system's <elf.h>, which libelf
 * includes). What the dynamic loader needs to know about one ELF file of
 * the victim: class, byte order, machine, type, PT_INTERP and the dynamic
 * section's DT_NEEDED, DT_RPATH, DT_RUNPATH, DT_SONAME and DT_FLAGS_1.
 *
 * Only the program headers are used (like ld.so): a stripped file without
 * section headers reads the same. Every offset of the file is overflow- and
 * bounds-checked before use; a file that ends before what its headers
 * describe is reported as truncated, not read past.
 */
#ifndef RSC_ELFINFO_H
#define RSC_ELFINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rsc_root;

/* Largest file rsc_elf_read_path() reads (libLLVM is ~100 MiB). */
#define RSC_ELF_FILE_CAP (512u << 20)
/* At most this many DT_NEEDED entries per object are kept. */
#define RSC_ELF_MAX_NEEDED 1024

/* Why a file is not a usable ELF object (rsc_elf_info.status). */
enum rsc_elf_status {
	RSC_ELF_OK = 0,
	RSC_ELF_EMPTY,	   /* zero bytes long */
	RSC_ELF_NOT_ELF,   /* no ELF magic, or an impossible class/encoding/version */
	RSC_ELF_TRUNCATED, /* headers, program headers, dynamic section, string table or
				interpreter lie beyond the end of the file */
	RSC_ELF_BAD, /* inconsistent headers (phentsize, DT_STRTAB outside any segment, ...) */
	RSC_ELF_NOT_REGULAR, /* a directory, FIFO, device or socket */
	RSC_ELF_TOO_BIG,     /* larger than RSC_ELF_FILE_CAP */
};

struct rsc_elf_info {
	enum rsc_elf_status status;
	char why[128];		/* human detail for status != OK ("program headers end at ...") */
	uint64_t size;		/* file size */
	unsigned char elfclass; /* ELFCLASS32 / ELFCLASS64 (0 when unknown) */
	unsigned char data;	/* ELFDATA2LSB / ELFDATA2MSB */
	unsigned char osabi;
	uint16_t machine; /* e_machine */
	uint16_t type;	  /* e_type */
	bool has_dynamic; /* PT_DYNAMIC present */
	char *interp;	  /* PT_INTERP, NULL if none */
	char *soname;	  /* DT_SONAME */
	char *rpath;	  /* DT_RPATH (NULL when DT_RUNPATH is present: ld.so ignores it then) */
	char *runpath;	  /* DT_RUNPATH */
	uint64_t flags_1; /* DT_FLAGS_1 */
	char **needed;	  /* DT_NEEDED in order, n_needed of them */
	size_t n_needed;
};

/*
 * Parse len bytes of an ELF file held in memory (the buffer is not modified
 * and may be freed afterwards). The verdict is in info->status; the strings
 * belong to info (rsc_elf_info_clear()). Returns 0, or -ENOMEM (info is then
 * cleared). A malformed file is not an error of this function.
 */
int rsc_elf_parse_mem(const void *buf, size_t len, struct rsc_elf_info *info);

/*
 * Read the file fd (from rsc_root_open_at) and parse it: fstat, must be a
 * regular file not larger than RSC_ELF_FILE_CAP. Returns 0 (verdict in
 * info->status) or -errno when the file cannot be read.
 */
int rsc_elf_read_fd(int fd, struct rsc_elf_info *info);

/*
 * Open path inside the victim root r (following symlinks inside the root)
 * and parse it. Returns 0, or -errno from the open (-ENOENT: missing or a
 * dangling symlink; -ELOOP, -ENOTDIR, ...) or from the read.
 */
int rsc_elf_read_path(struct rsc_root *r, const char *path, struct rsc_elf_info *info);

/* Free the strings of info and zero it. */
void rsc_elf_info_clear(struct rsc_elf_info *info);

/* "ELF64 LSB x86-64" style description of class/data/machine into buf. */
const char *rsc_elf_describe(const struct rsc_elf_info *info, char *buf, size_t len);
/* Name of a status ("ok", "empty", "not-elf", "truncated", ...). */
const char *rsc_elf_status_name(enum rsc_elf_status s);

#endif
