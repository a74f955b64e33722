#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# dracut pre-pivot hook (sourced by dracut, so it never exits): the root is mounted at
# $NEWROOT; with rd.sshrescue.mode= on the kernel command line, sshrescue checks or repairs it
# (/usr/lib/sshrescue/hook-run.sh), then the boot goes on (or rd.sshrescue.then= says what).
# shellcheck disable=SC1091 # dracut's own
type getarg > /dev/null 2>&1 || . /lib/dracut-lib.sh

if getarg rd.sshrescue.mode= > /dev/null; then
	sh /usr/lib/sshrescue/hook-run.sh "${NEWROOT:-/sysroot}" < /dev/console > /dev/console 2>&1
fi
