/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_int.h - what report.c shares with the two reports, report_text.c
 * and report_json.c.
 */
#ifndef RSC_REPORT_INT_H
#define RSC_REPORT_INT_H

#include <stdbool.h>

#include "report.h"

/* Two optional strings are equal: both NULL, or the same bytes. */
bool rsc_report_str_eq(const char *a, const char *b);

/* The finding that keeps user name out: one of theirs, or one that stops everyone. */
const struct rsc_finding *rsc_report_refusal(const struct rsc_ctx *ctx, const char *name);

/*
 * rsc_report_refusal() of every user of ctx->users in one pass over the
 * findings (once per user would be quadratic): (*out)[i] for ctx->users[i].
 * Caller frees the array. 0 or -ENOMEM.
 */
int rsc_report_refusals(const struct rsc_ctx *ctx, const struct rsc_finding ***out);

#endif
