// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * authkeys.c - authorized_keys read the way OpenSSH 9.2's sshd reads it
 * (auth2-pubkeyfile.c, sshkey.c sshkey_read(), authfile.c
 * sshkey_advance_past_options(), auth-options.c sshauthopt_parse()), with no
 * crypto library: key blobs are checked for structure, not for maths.
 * This file classifies lines and files and rewrites them; the key types,
 * the base64 decoder and the blob structure check are in akblob.c.
 *
 * What sshd does with a line, and what this file mirrors:
 *  - it reads lines with getline(): the "\n" (and a "\r" before it) stay in
 *    the string it parses; skip_space() skips only ' ' and '\t', and a line
 *    is skipped when it is then empty, "\n" or starts with '#';
 *  - sshkey_read(): the key type runs to the first ' ' or '\t' and must name
 *    a type sshd knows; the base64 runs to the next ' ' or '\t' and is
 *    decoded by b64_pton(), which skips isspace() characters anywhere and
 *    insists on correct padding and zero pad bits; the decoded blob must
 *    parse completely (sshkey_fromb) and be of the same key type as the
 *    label (for ECDSA: the same curve);
 *  - when that fails, an options field (quotes protect blanks, \" inside
 *    quotes) is skipped and the key is tried again; the options are then
 *    parsed by sshauthopt_parse(), which refuses unknown options.
 *
 * CR LF: because the base64 token ends only at ' ' or '\t', a "\r" right
 * after the base64 is part of the token and b64_pton() skips it; after a
 * comment it is part of the comment. So sshd 9.2 accepts keys in a CRLF
 * file (measured: docs/sshd-behaviour.md rows 2-3); other tools that read
 * the file may not, which is why it is reported and normalised. Here the CRs
 * before a line end are not part of the line (rsc_akline.len excludes them).
 *
 * A NUL byte ends the C string sshd works on: the rest of the line is
 * invisible to it, and this parser looks only at the bytes before the NUL.
 *
 * A UTF-8 BOM is part of the first line for sshd: "\xef\xbb\xbfssh-ed25519"
 * is no key type, so a key on line 1 is never used (measured, row 4). Line 1
 * is classified as if the BOM were gone, so that its type and bits are
 * known, but a key there gets RSC_AK_UNKNOWN_TYPE, what sshd makes of it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "akblob.h"
#include "authkeys.h"
#include "util.h"

#define AK_MAX_LINES	(1u << 18) /* far beyond any real file; bounds the line table */
#define SPLIT_MAX_TAILS 256	   /* continuation lines looked at after a cut key */

static const char bom[3] = { '\xef', '\xbb', '\xbf' };

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* ---- one line ---- */

struct ctx {
	const char *d;
	struct akb_b64 dec;
};

/* What a line is, before the file-level passes (private key blocks, split keys, BOM). */
struct linfo {
	enum rsc_ak_status st;
	const struct akb_ktype *t; /* the label, when one was recognised */
	size_t type_s, type_e;	   /* the label */
	size_t tok_s, tok_e;	   /* the base64 token */
	bool tok_last;		   /* nothing but blanks after the base64 */
	bool has_options;
	unsigned bits;
};

static size_t skip_blanks(const char *d, size_t i, size_t e)
{
	while (i < e && is_blank(d[i]))
		i++;
	return i;
}

static size_t token_end(const char *d, size_t i, size_t e)
{
	while (i < e && !is_blank(d[i]))
		i++;
	return i;
}

/* sshkey_read() at cp. */
static int try_key(struct ctx *c, size_t cp, size_t e, struct linfo *li)
{
	const char *d = c->d;
	int r;

	memset(li, 0, sizeof(*li));
	li->type_s = cp;
	li->type_e = token_end(d, cp, e);
	li->t = akb_find_type(d + cp, li->type_e - cp);
	li->tok_s = li->tok_e = skip_blanks(d, li->type_e, e);
	if (!li->t || !li->t->supported) {
		li->st = RSC_AK_UNKNOWN_TYPE;
		return 0;
	}
	li->tok_e = token_end(d, li->tok_s, e);
	li->tok_last = skip_blanks(d, li->tok_e, e) == e;
	li->st = RSC_AK_BAD_BASE64;
	if (li->tok_e == li->tok_s)
		return 0;
	akb_b64_reset(&c->dec);
	r = akb_b64_feed(&c->dec, d + li->tok_s, li->tok_e - li->tok_s);
	if (r < 0)
		return r;
	if (!akb_b64_complete(&c->dec))
		return 0;
	li->st = akb_blob_fits(&c->dec, li->t, &li->bits) ? RSC_AK_OK : RSC_AK_BLOB_MISMATCH;
	return 0;
}

static bool known(const struct linfo *li)
{
	return li->t && li->t->supported;
}

/* sshkey_advance_past_options(): returns the end of the options field, or e + 1 if unterminated. */
static size_t skip_options(const char *d, size_t i, size_t e)
{
	bool quoted = false;

	for (; i < e && (quoted || !is_blank(d[i])); i++) {
		if (d[i] == '\\' && i + 1 < e && d[i + 1] == '"')
			i++;
		else if (d[i] == '"')
			quoted = !quoted;
	}
	return quoted ? e + 1 : i;
}

/* misc.c opt_flag(): a case-insensitive prefix match, "no-" allowed for some. */
static bool opt_flag(const char *d, size_t *i, size_t e, const char *name, bool negatable)
{
	size_t j = *i, n = strlen(name);

	if (negatable && e - j >= 3 && strncasecmp(d + j, "no-", 3) == 0)
		j += 3;
	if (e - j < n || strncasecmp(d + j, name, n) != 0)
		return false;
	*i = j + n;
	return true;
}

/* misc.c opt_match(): name followed by '=' */
static bool opt_match(const char *d, size_t *i, size_t e, const char *name)
{
	size_t n = strlen(name);

	if (e - *i < n + 1 || strncasecmp(d + *i, name, n) != 0 || d[*i + n] != '=')
		return false;
	*i += n + 1;
	return true;
}

/* misc.c opt_dequote() */
static bool opt_dequote(const char *d, size_t *i, size_t e)
{
	size_t j = *i;

	if (j >= e || d[j] != '"')
		return false;
	for (j++; j < e && d[j] != '"'; j++)
		if (d[j] == '\\' && j + 1 < e && d[j + 1] == '"')
			j++;
	if (j >= e)
		return false;
	*i = j + 1;
	return true;
}

/*
 * The structure sshauthopt_parse() demands: known options separated by
 * commas, values quoted, no repeated command/principals/from. The values
 * themselves (expiry-time, environment, permitopen, tunnel) are not judged.
 */
static bool options_ok(const char *d, size_t i, size_t e)
{
	static const char *const flags[] = { "port-forwarding", "agent-forwarding",
					     "x11-forwarding",	"touch-required",
					     "verify-required", "pty",
					     "user-rc" };
	static const char *const valued[] = { "command",      "principals",  "from",
					      "expiry-time",  "environment", "permitopen",
					      "permitlisten", "tunnel" };
	unsigned seen = 0; /* bits: command, principals, from */

	while (i < e && !is_blank(d[i])) {
		bool done = opt_flag(d, &i, e, "restrict", false) ||
			    opt_flag(d, &i, e, "cert-authority", false);

		for (size_t k = 0; !done && k < ARRAY_SIZE(flags); k++)
			done = opt_flag(d, &i, e, flags[k], true);
		for (size_t k = 0; !done && k < ARRAY_SIZE(valued); k++) {
			if (!opt_match(d, &i, e, valued[k]))
				continue;
			if (k < 3 && (seen & (1u << k)))
				return false;
			if (k < 3)
				seen |= 1u << k;
			if (!opt_dequote(d, &i, e))
				return false;
			done = true;
		}
		if (i >= e || is_blank(d[i]))
			break;
		if (d[i] != ',')
			return false; /* "unknown key option" */
		if (++i >= e)
			return false; /* "unexpected end-of-options" */
	}
	return true;
}

static bool any_known_token(const char *d, size_t i, size_t e)
{
	while ((i = skip_blanks(d, i, e)) < e) {
		size_t t = token_end(d, i, e);
		const struct akb_ktype *kt = akb_find_type(d + i, t - i);

		if (kt && kt->supported)
			return true;
		i = t;
	}
	return false;
}

static bool only_space(const char *d, size_t i, size_t e)
{
	for (; i < e; i++)
		if (!akb_is_space(d[i]))
			return false;
	return true;
}

/* One line as auth_check_authkeys_file() and auth_check_authkey_line() see it: [s, e). */
static int classify(struct ctx *c, size_t s, size_t e, struct linfo *li)
{
	const char *d = c->d;
	struct linfo second;
	size_t cp = skip_blanks(d, s, e), opt_end;
	int r;

	memset(li, 0, sizeof(*li));
	if (only_space(d, cp, e)) {
		li->st = RSC_AK_BLANK;
		return 0;
	}
	if (d[cp] == '#') {
		li->st = RSC_AK_COMMENT;
		return 0;
	}
	r = try_key(c, cp, e, li);
	if (r < 0 || li->st == RSC_AK_OK)
		return r;
	opt_end = skip_options(d, cp, e);
	if (opt_end > e) {
		/* only an unknown first token can hold a quote: nothing better to say */
		li->st = RSC_AK_BAD_OPTIONS;
		return 0;
	}
	r = try_key(c, skip_blanks(d, opt_end, e), e, &second);
	if (r < 0)
		return r;
	second.has_options = true;
	if (second.st == RSC_AK_OK) {
		*li = second;
		if (!options_ok(d, cp, e))
			li->st = RSC_AK_BAD_OPTIONS;
		return 0;
	}
	if (known(li))
		return 0;
	if (known(&second)) {
		*li = second;
		return 0;
	}
	if (!li->t && second.t)
		*li = second; /* an XMSS label: not usable, but worth naming */
	li->st = any_known_token(d, cp, e) ? RSC_AK_BAD_OPTIONS : RSC_AK_UNKNOWN_TYPE;
	return 0;
}

/* ---- private keys pasted into the file ---- */

enum priv_kind { PRIV_NONE, PRIV_PEM, PRIV_PUTTY };

static bool has_at(const char *d, size_t i, size_t e, const char *s)
{
	size_t n = strlen(s);

	return e - i >= n && memcmp(d + i, s, n) == 0;
}

static bool contains(const char *d, size_t i, size_t e, const char *s)
{
	size_t n = strlen(s);

	for (; e - i >= n; i++)
		if (memcmp(d + i, s, n) == 0)
			return true;
	return false;
}

/* "-----BEGIN OPENSSH PRIVATE KEY-----", "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----", PuTTY */
static enum priv_kind priv_begin(const char *d, size_t i, size_t e)
{
	if ((has_at(d, i, e, "-----BEGIN ") || has_at(d, i, e, "---- BEGIN ")) &&
	    contains(d, i, e, "PRIVATE KEY"))
		return PRIV_PEM;
	if (has_at(d, i, e, "PuTTY-User-Key-File-"))
		return PRIV_PUTTY;
	return PRIV_NONE;
}

static bool priv_end(enum priv_kind k, const char *d, size_t i, size_t e)
{
	if (k == PRIV_PUTTY)
		return has_at(d, i, e, "Private-MAC:") || has_at(d, i, e, "Private-Hash:");
	return (has_at(d, i, e, "-----END ") || has_at(d, i, e, "---- END ")) &&
	       contains(d, i, e, "PRIVATE KEY");
}

static bool is_b64_char(char c)
{
	return akb_b64_value(c) >= 0 || c == '=';
}

/* A line inside a private key: base64, a "Name: value" header, or blank. */
static bool priv_body(const char *d, size_t i, size_t e)
{
	size_t j = i;
	bool b64 = true;

	for (size_t k = i; k < e && b64; k++)
		b64 = is_b64_char(d[k]) || akb_is_space(d[k]);
	if (b64)
		return true;
	while (j < e && (akb_b64_value(d[j]) >= 0 || d[j] == '-'))
		j++;
	return j > i && j < e && d[j] == ':';
}

/* ---- the whole file ---- */

/* Per line, what normalisation needs beyond struct rsc_akline. */
struct view {
	size_t cs, ve;	     /* content start (after a BOM) and end (at a NUL, if any) */
	bool nul;	     /* the line holds a NUL byte */
	size_t tok_s, tok_e; /* split head: its base64; split tail: its continuation */
	bool need_space;     /* split head with nothing after the key type */
};

struct parsed {
	struct rsc_akfile f;
	struct view *v;
	size_t bomlen;
};

static size_t count_bom(const char *d, size_t len)
{
	size_t n = 0;

	/* every BOM at the start goes: removing one must not reveal another */
	while (len - n >= sizeof(bom) && memcmp(d + n, bom, sizeof(bom)) == 0)
		n += sizeof(bom);
	return n;
}

static void set_key_fields(struct rsc_akline *l, const char *d, const struct linfo *li)
{
	size_t n = li->type_e - li->type_s;

	l->status = li->st;
	l->has_options = li->has_options;
	if (!li->t)
		return;
	l->kind = li->t->kind;
	l->is_cert = li->t->cert;
	l->bits = li->bits;
	if (n >= sizeof(l->type))
		n = sizeof(l->type) - 1;
	memcpy(l->type, d + li->type_s, n);
	l->type[n] = '\0';
	l->blob_off = li->tok_s;
	l->blob_len = li->tok_e - li->tok_s;
}

static int split_lines(const char *d, size_t len, struct parsed *p)
{
	size_t pos = p->bomlen, cap = 0;

	while (pos < len) {
		const char *nl = memchr(d + pos, '\n', len - pos);
		size_t le = nl ? (size_t)(nl - d) : len, ce = le;
		size_t ls = p->f.nlines == 0 ? 0 : pos;
		struct rsc_akline *l;
		struct view *v;
		const char *z;

		if (p->f.nlines >= AK_MAX_LINES)
			return -E2BIG;
		if (p->f.nlines == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct rsc_akline *nlines =
				reallocarray(p->f.lines, ncap, sizeof(*p->f.lines));
			struct view *nv;

			if (!nlines)
				return -ENOMEM;
			p->f.lines = nlines;
			nv = reallocarray(p->v, ncap, sizeof(*p->v));
			if (!nv)
				return -ENOMEM;
			p->v = nv;
			cap = ncap;
		}
		l = &p->f.lines[p->f.nlines];
		v = &p->v[p->f.nlines];
		memset(l, 0, sizeof(*l));
		memset(v, 0, sizeof(*v));
		while (ce > pos && d[ce - 1] == '\r') {
			ce--;
			l->crlf = true;
		}
		l->lineno = ++p->f.nlines;
		l->off = ls;
		l->len = ce - ls;
		l->has_bom = ls == 0 && p->bomlen > 0;
		v->cs = pos;
		z = memchr(d + pos, '\0', ce - pos);
		v->nul = z != NULL;
		v->ve = z ? (size_t)(z - d) : ce;
		if (l->crlf)
			p->f.ncrlf++;
		pos = nl ? le + 1 : len;
	}
	p->f.missing_final_newline = len > p->bomlen && d[len - 1] != '\n';
	return 0;
}

/* Lines i.. form a private key block: mark them. Returns the number of lines. */
static size_t mark_private(struct parsed *p, const char *d, size_t i, enum priv_kind k)
{
	size_t last = i, j;

	for (j = i + 1; j < p->f.nlines; j++) {
		const struct view *v = &p->v[j];
		size_t s = skip_blanks(d, v->cs, v->ve);

		if (priv_end(k, d, s, v->ve)) {
			last = j;
			break;
		}
		if (!priv_body(d, s, v->ve))
			break;
		if (!only_space(d, s, v->ve))
			last = j; /* without an END, trailing blank lines are not part of it */
	}
	for (j = i; j <= last; j++)
		p->f.lines[j].status = RSC_AK_PRIVATE_KEY;
	return last - i + 1;
}

/*
 * Line i is a key cut short (li): do the next lines complete it? Each
 * continuation is one base64 token on its own line, the last may carry the
 * comment. Returns the number of continuation lines (0: none), or -ENOMEM.
 */
static long try_split(struct ctx *c, struct parsed *p, size_t i, const struct linfo *li,
		      unsigned *bits)
{
	const char *d = c->d;
	int r;

	if ((li->st != RSC_AK_BAD_BASE64 && li->st != RSC_AK_BLOB_MISMATCH) || !li->tok_last ||
	    p->v[i].nul)
		return 0;
	akb_b64_reset(&c->dec);
	r = akb_b64_feed(&c->dec, d + li->tok_s, li->tok_e - li->tok_s);
	if (r < 0)
		return r;
	if (c->dec.bad || c->dec.pad)
		return 0;
	for (size_t k = i + 1; k < p->f.nlines && k - i <= SPLIT_MAX_TAILS; k++) {
		struct view *v = &p->v[k];
		size_t s = skip_blanks(d, v->cs, v->ve), e = token_end(d, s, v->ve);

		if (v->nul || s == e)
			return 0;
		for (size_t j = s; j < e; j++)
			if (!is_b64_char(d[j]))
				return 0;
		r = akb_b64_feed(&c->dec, d + s, e - s);
		if (r < 0)
			return r;
		v->tok_s = s;
		v->tok_e = e;
		if (akb_b64_complete(&c->dec) && akb_blob_fits(&c->dec, li->t, bits))
			return (long)(k - i);
		if (c->dec.bad || c->dec.pad || skip_blanks(d, e, v->ve) != v->ve)
			return 0; /* padding or a comment: the key ends here, and is no key */
	}
	return 0;
}

static int parse_all(const char *data, size_t len, struct parsed *p)
{
	struct ctx c = { .d = data };
	int r;

	memset(p, 0, sizeof(*p));
	if (!data && len > 0)
		return -EINVAL;
	p->bomlen = count_bom(data, len);
	p->f.has_bom = p->bomlen > 0;
	r = split_lines(data, len, p);
	for (size_t i = 0; r == 0 && i < p->f.nlines; i++) {
		struct rsc_akline *l = &p->f.lines[i];
		struct view *v = &p->v[i];
		size_t s = skip_blanks(data, v->cs, v->ve);
		enum priv_kind pk = priv_begin(data, s, v->ve);
		struct linfo li;
		unsigned bits = 0;
		long tails;

		if (pk != PRIV_NONE) {
			i += mark_private(p, data, i, pk) - 1;
			continue;
		}
		r = classify(&c, v->cs, v->ve, &li);
		if (r < 0)
			break;
		/* a NUL hides the rest of the line: a line that is not a key is a bad line */
		if (v->nul && li.st == RSC_AK_BLANK)
			li.st = RSC_AK_UNKNOWN_TYPE;
		set_key_fields(l, data, &li);
		tails = try_split(&c, p, i, &li, &bits);
		if (tails < 0) {
			r = (int)tails;
			break;
		}
		if (tails > 0) {
			l->status = RSC_AK_SPLIT_HEAD;
			l->bits = bits;
			v->tok_s = li.tok_s;
			v->tok_e = li.tok_e;
			v->need_space = li.tok_s == li.type_e;
			for (size_t k = i + 1; k <= i + (size_t)tails; k++) {
				p->f.lines[k].status = RSC_AK_SPLIT_TAIL;
				p->f.lines[k].blob_off = p->v[k].tok_s;
				p->f.lines[k].blob_len = p->v[k].tok_e - p->v[k].tok_s;
			}
			i += (size_t)tails;
			continue;
		}
		if (l->has_bom && l->status == RSC_AK_OK)
			l->status =
				RSC_AK_UNKNOWN_TYPE; /* sshd reads the BOM as part of the type */
	}
	akb_b64_free(&c.dec);
	for (size_t i = 0; r == 0 && i < p->f.nlines; i++)
		if (p->f.lines[i].status == RSC_AK_OK)
			p->f.nkeys++;
	return r;
}

static void parsed_free(struct parsed *p)
{
	free(p->f.lines);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

int rsc_ak_parse(const char *data, size_t len, struct rsc_akfile *out)
{
	struct parsed p;
	int r = parse_all(data, len, &p);

	if (r < 0) {
		parsed_free(&p);
		memset(out, 0, sizeof(*out));
		return r;
	}
	free(p.v);
	*out = p.f;
	return 0;
}

void rsc_ak_free(struct rsc_akfile *f)
{
	if (!f)
		return;
	free(f->lines);
	memset(f, 0, sizeof(*f));
}

static bool has_split(const struct rsc_akfile *f)
{
	for (size_t i = 0; i < f->nlines; i++)
		if (f->lines[i].status == RSC_AK_SPLIT_HEAD)
			return true;
	return false;
}

int rsc_ak_normalize(const char *data, size_t len, char **out, size_t *outlen, bool *changed)
{
	struct rsc_buf b = { 0 };
	struct parsed p;
	int r = parse_all(data, len, &p);

	*changed = false;
	if (r < 0)
		goto out;
	if (!p.f.has_bom && p.f.ncrlf == 0 && !p.f.missing_final_newline && !has_split(&p.f)) {
		*out = (char *)data;
		*outlen = len;
		goto out;
	}
	for (size_t i = 0; r == 0 && i < p.f.nlines; i++) {
		const struct rsc_akline *l = &p.f.lines[i];
		const struct view *v = &p.v[i];
		size_t ce = l->off + l->len;

		if (l->status != RSC_AK_SPLIT_HEAD) {
			r = rsc_buf_add(&b, data + v->cs, ce - v->cs);
		} else {
			/* options and type, the base64 pieces glued, the last line's comment */
			size_t k = i + 1;

			r = rsc_buf_add(&b, data + v->cs, v->tok_e - v->cs);
			if (r == 0 && v->need_space)
				r = rsc_buf_add(&b, " ", 1);
			for (; r == 0 && k < p.f.nlines && p.f.lines[k].status == RSC_AK_SPLIT_TAIL;
			     k++)
				r = rsc_buf_add(&b, data + p.v[k].tok_s,
						p.v[k].tok_e - p.v[k].tok_s);
			if (r == 0)
				r = rsc_buf_add(&b, data + p.v[k - 1].tok_e,
						p.f.lines[k - 1].off + p.f.lines[k - 1].len -
							p.v[k - 1].tok_e);
			i = k - 1;
		}
		if (r == 0)
			r = rsc_buf_add(&b, "\n", 1);
	}
	if (r < 0)
		goto out;
	if (!b.data) {
		b.data = strdup(""); /* a file that was only a BOM */
		if (!b.data) {
			r = -ENOMEM;
			goto out;
		}
	}
	*outlen = b.len;
	*out = rsc_buf_steal(&b);
	*changed = true;
out:
	rsc_buf_free(&b);
	parsed_free(&p);
	return r;
}

int rsc_ak_parse_pubkey(const char *data, size_t len, struct rsc_akline *line)
{
	struct rsc_akfile f = { 0 };
	size_t skip = data ? count_bom(data, len) : 0, found = SIZE_MAX;
	int r;

	memset(line, 0, sizeof(*line));
	line->status = RSC_AK_BLANK;
	if (!data)
		return -EINVAL;
	r = rsc_ak_parse(data + skip, len - skip, &f);
	if (r < 0)
		return r;
	r = 0;
	for (size_t i = 0; i < f.nlines; i++) {
		enum rsc_ak_status s = f.lines[i].status;

		if (s == RSC_AK_BLANK || s == RSC_AK_COMMENT)
			continue;
		if (found != SIZE_MAX || s != RSC_AK_OK) {
			found = i; /* a second key, or a bad line: this one says why */
			r = -EINVAL;
			break;
		}
		found = i;
	}
	if (found == SIZE_MAX) {
		r = -EINVAL;
	} else {
		struct rsc_akline *l = &f.lines[found];
		size_t e = l->off + l->len;

		*line = *l;
		/* the key text without surrounding blanks, as add-key appends it */
		line->off = skip_blanks(data + skip, l->off, e);
		while (e > line->off && akb_is_space(data[skip + e - 1]))
			e--;
		line->len = e - line->off;
		line->off += skip;
		line->blob_off += skip;
		line->has_bom = skip > 0 && l->lineno == 1;
	}
	rsc_ak_free(&f);
	return r;
}

bool rsc_ak_same_key(const char *bufa, const struct rsc_akline *a, const char *bufb,
		     const struct rsc_akline *b)
{
	struct akb_b64 da = { 0 }, db = { 0 };
	bool same = false;

	if (a->kind == RSC_KEY_UNKNOWN || a->kind != b->kind || a->is_cert != b->is_cert ||
	    a->blob_len == 0 || b->blob_len == 0)
		return false;
	if (akb_b64_feed(&da, bufa + a->blob_off, a->blob_len) == 0 &&
	    akb_b64_feed(&db, bufb + b->blob_off, b->blob_len) == 0 && akb_b64_complete(&da) &&
	    akb_b64_complete(&db))
		same = da.len == db.len && memcmp(da.buf, db.buf, da.len) == 0;
	akb_b64_free(&da);
	akb_b64_free(&db);
	return same;
}

const char *rsc_ak_status_name(enum rsc_ak_status s)
{
	switch (s) {
	case RSC_AK_OK:
		return "valid key";
	case RSC_AK_BLANK:
		return "blank line";
	case RSC_AK_COMMENT:
		return "comment";
	case RSC_AK_UNKNOWN_TYPE:
		return "unknown key type";
	case RSC_AK_BAD_BASE64:
		return "bad base64";
	case RSC_AK_BLOB_MISMATCH:
		return "key data does not match its type";
	case RSC_AK_PRIVATE_KEY:
		return "private key";
	case RSC_AK_SPLIT_HEAD:
		return "key split over several lines";
	case RSC_AK_SPLIT_TAIL:
		return "continuation of a split key";
	case RSC_AK_BAD_OPTIONS:
		return "bad options";
	}
	return "unknown status";
}
