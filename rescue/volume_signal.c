// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * volume_signal.c - SIGINT, SIGTERM and SIGHUP while a victim is mounted:
 * unmount and remove the temporary mountpoints, then exit 128 + signal;
 * or, while changes are made (rsc_signals_defer()), only note the signal:
 * the change in progress completes and the caller stops after it.
 */
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "util.h"
#include "volume.h"
#include "volume_int.h"

#define SIG_SLOTS 8 /* the root and what its fstab has beside it */

/*
 * Signal cleanup. The handler may only use what is here: fixed buffers
 * written before the slot is marked used, and plain system calls (umount2,
 * rmdir, _exit are thin syscall wrappers, safe in a handler).
 */
static char sig_mp[SIG_SLOTS][sizeof(RSC_MOUNTPOINT_TEMPLATE)];
static volatile sig_atomic_t sig_used[SIG_SLOTS];
static const int sig_list[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction sig_old[ARRAY_SIZE(sig_list)];
static bool sig_installed[ARRAY_SIZE(sig_list)];
static int sig_users;

static volatile sig_atomic_t sig_defer, sig_pending;

void rsc_signals_defer(bool on)
{
	sig_defer = on;
}

int rsc_signal_pending(void)
{
	return sig_pending;
}

static void on_signal(int sig)
{
	if (sig_defer) {
		sig_pending = sig; /* the change in progress completes; the caller stops after it */
		return;
	}
	for (int i = 0; i < SIG_SLOTS; i++) {
		if (!sig_used[i])
			continue;
		umount2(sig_mp[i], MNT_DETACH);
		rmdir(sig_mp[i]);
	}
	/* Our loop descriptors close with the process; autoclear detaches them. */
	_exit(128 + sig);
}

void rsc_vsig_block(sigset_t *old)
{
	sigset_t block;

	sigemptyset(&block);
	for (size_t i = 0; i < ARRAY_SIZE(sig_list); i++)
		sigaddset(&block, sig_list[i]);
	sigprocmask(SIG_BLOCK, &block, old);
}

void rsc_vsig_install(void)
{
	if (sig_users++ > 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(sig_list); i++) {
		struct sigaction sa = { .sa_handler = on_signal };

		sig_installed[i] = false;
		if (sigaction(sig_list[i], NULL, &sig_old[i]) < 0)
			continue;
		/* Respect an ignored signal (nohup): it would not have killed us. */
		if (!(sig_old[i].sa_flags & SA_SIGINFO) && sig_old[i].sa_handler == SIG_IGN)
			continue;
		sigemptyset(&sa.sa_mask);
		for (size_t j = 0; j < ARRAY_SIZE(sig_list); j++)
			sigaddset(&sa.sa_mask, sig_list[j]);
		if (sigaction(sig_list[i], &sa, NULL) == 0)
			sig_installed[i] = true;
	}
}

void rsc_vsig_uninstall(void)
{
	if (sig_users == 0 || --sig_users > 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(sig_list); i++) {
		if (sig_installed[i])
			sigaction(sig_list[i], &sig_old[i], NULL);
		sig_installed[i] = false;
	}
}

int rsc_vsig_slot_take(const char *mp)
{
	if (strlen(mp) >= sizeof(sig_mp[0]))
		return -1;
	for (int i = 0; i < SIG_SLOTS; i++) {
		if (sig_used[i])
			continue;
		memcpy(sig_mp[i], mp, strlen(mp) + 1);
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		sig_used[i] = 1;
		return i;
	}
	return -1;
}

void rsc_vsig_slot_drop(int slot)
{
	if (slot >= 0 && slot < SIG_SLOTS)
		sig_used[slot] = 0;
}
