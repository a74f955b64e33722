/* fuzz-sources: rescue/sshdcfg_table.c rescue/sshdcfg_parse.c rescue/sshdcfg_value.c rescue/sshdcfg_eval.c rescue/sshdcfg_dump.c rescue/problem.c rescue/util.c rescue/root.c */
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_sshdcfg.c - the sshd_config parser on arbitrary bytes, judged as
 * several OpenSSH releases and builds, then evaluated for a connection and
 * dumped like `sshd -T`.
 *
 * The first byte picks the release and build; the rest is the file.
 * Properties checked beyond "no crash, no leak":
 *   - every diagnostic has a valid problem id, a file, and a line within
 *     the input (or 0);
 *   - the configuration is fatal exactly when an error-level diagnostic exists;
 *   - every entry names a canonical keyword row and its own row;
 *   - the dump succeeds and every line is "keyword value" in lowercase.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sshdcfg.h"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_sshdcfg: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int versions[] = { 704, 801, 809, 902, 905, 908, 1000, 1002 };
	static const unsigned vendors[] = { V_ALL, V_ALL | V_GSSKEX | V_DEBIAN,
					    V_ALL | V_GSSKEX | V_RHEL };
	static const char *const groups[] = { "wheel", "alice", NULL };
	struct sshd_conn conn = { .user = "alice",
				  .host = "h.example",
				  .addr = "192.0.2.7",
				  .laddr = "192.0.2.1",
				  .lport = 22,
				  .groups = groups };
	struct sshd_config cfg;
	size_t lines = 1, ndiag_err = 0;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;

	if (size < 1)
		return 0;
	for (size_t i = 1; i < size; i++)
		lines += data[i] == '\n';
	if (sshd_config_parse_buffer((const char *)data + 1, size - 1, versions[data[0] % 8],
				     vendors[(data[0] >> 3) % 3], &cfg) < 0)
		return 0;
	for (size_t i = 0; i < cfg.ndiags; i++) {
		const struct rsc_problem *p = rsc_problem(cfg.diags[i].id);

		check(p != NULL, "diagnostic with an invalid id");
		check(cfg.diags[i].file != NULL && cfg.diags[i].msg != NULL, "diagnostic text");
		check(cfg.diags[i].line <= lines, "diagnostic line beyond the input");
		ndiag_err += p->severity == RSC_SEV_ERROR;
	}
	check(cfg.fatal == (ndiag_err > 0) || cfg.ndiags >= 1000, "fatal without an error");
	for (size_t i = 0; i < cfg.nentries; i++)
		check(cfg.entries[i].kw >= 0 && cfg.entries[i].kw < sshd_kw_count() &&
			      cfg.entries[i].name >= 0 && cfg.entries[i].name < sshd_kw_count(),
		      "entry keyword");
	f = open_memstream(&out, &outlen);
	if (f) {
		check(sshd_config_dump(&cfg, (data[0] & 0x80) ? &conn : NULL, f) == 0, "dump");
		fclose(f);
		for (char *p = out, *nl; p && *p; p = nl + 1) {
			nl = strchr(p, '\n');
			check(nl != NULL, "dump line without newline");
			check(islower((unsigned char)*p), "dump keyword not lowercase");
			check(memchr(p, ' ', (size_t)(nl - p)) != NULL, "dump line without value");
		}
		free(out);
	}
	sshd_config_free(&cfg);
	return 0;
}
