// SPDX-License-Identifier: GPL-2.0-or-later
/* fault.c - the fault injection points of test builds (fault.h). */
#ifdef RSC_FAULT_INJECT
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

static unsigned long seen, chosen;
static const char *action = "fail";
static bool ready, counting;

static void report(void)
{
	fprintf(stderr, "sshrescue: fault points: %lu\n", seen);
}

/* At start, so that a run that passes no point still says so. */
__attribute__((constructor)) static void setup(void)
{
	const char *e = getenv("SSHRESCUE_FAULT"), *colon;
	char *end = NULL;

	ready = true;
	if (!e || !*e)
		return;
	chosen = strtoul(e, &end, 10);
	colon = strchr(e, ':');
	if (colon)
		action = colon + 1;
	counting = true;
	if (chosen == 0)
		atexit(report);
}

int rsc_fault(const char *what)
{
	if (!ready)
		setup();
	if (!counting)
		return 0;
	if (++seen != chosen)
		return 0;
	fprintf(stderr, "sshrescue: fault %lu (%s) at %s\n", seen, action, what);
	if (strcmp(action, "kill") == 0)
		raise(SIGKILL);
	if (strcmp(action, "int") == 0) {
		raise(SIGINT);
		return 0; /* the signal is noted; the change goes on, the fix stops after it */
	}
	return -EIO;
}
#endif
