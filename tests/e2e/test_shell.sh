#!/bin/sh
# End to end: `sshrescue shell IMAGE -- COMMAND` on an ext4 image of the real Debian 12 root.
# The command runs chrooted in the victim with /proc, /sys, /dev and an empty /run mounted, can
# use the victim's own dpkg, changes the victim (not journaled), and its exit status is the
# answer; afterwards nothing is left mounted or attached, the helper's namespace never saw the
# mounts, and a victim whose /proc is a symlink to / gets no mount there.
#
# usage: sh test_shell.sh SSHRESCUE BUILDDIR

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || e2e_die "usage: $0 SSHRESCUE [BUILDDIR]"
[ -x "$1" ] || e2e_skip "sshrescue binary $1 not built"
e2e_init "$1" "${2:-.}"
e2e_victim
IMG=$E2E_TMP/shell.img
mke2fs -q -F -t ext4 -d "$E2E_ROOT" "$IMG" 400M > "$E2E_TMP/mke2fs.log" 2>&1 ||
	e2e_die "mke2fs: $(cat "$E2E_TMP/mke2fs.log")"
before=$(findmnt -rn | wc -l)
run_before=$(debugfs -R 'ls -l /run' "$IMG" 2> /dev/null)

# shellcheck disable=SC2016 # expanded inside the victim
e2e_rescue shell "$IMG" -- sh -c 'grep -c " /proc proc " /proc/mounts; grep -c " /run tmpfs " \
/proc/mounts; test -c /dev/null && echo dev; test -d /sys/kernel && echo sys; \
dpkg-query -W -f "\${Status}\n" openssh-server; touch /root/made-in-shell; exit 7'
e2e_check "the command's exit status is the answer (7: $E2E_RC)" test "$E2E_RC" -eq 7
e2e_check "/proc, /run, /dev, /sys are there inside" \
	test "$(tr '\n' ' ' < "$E2E_TMP/rescue.out")" = "1 1 dev sys install ok installed "
e2e_check "no loop device is left on the image" e2e_loop_wait "$IMG"
e2e_check "the helper's mount table is as before" test "$(findmnt -rn | wc -l)" -eq "$before"
e2e_check "no /run/sshrescue.* is left" sh -c '! ls -d /run/sshrescue.* 2>/dev/null | grep -q .'
e2e_check "what the command made is on the victim" \
	sh -c "debugfs -R 'stat /root/made-in-shell' '$IMG' 2>/dev/null | grep -q 'Type: regular'"
e2e_check "the victim's own /run on disk got nothing (the shell's /run was a tmpfs)" \
	test "$(debugfs -R 'ls -l /run' "$IMG" 2> /dev/null)" = "$run_before"
e2e_check "e2fsck -fn: the image is clean" sh -c "e2fsck -fn '$IMG' > /dev/null 2>&1"

# A hostile victim: /proc is a symlink to /: no mount goes onto the victim's (or helper's) root.
debugfs -w -R 'rmdir /proc' "$IMG" > /dev/null 2>&1
debugfs -w -R 'symlink /proc /' "$IMG" > /dev/null 2>&1
e2e_rescue shell "$IMG" -- sh -c 'test -e /etc/os-release && echo root-intact'
e2e_check "a symlinked /proc is refused, said, and the shell still runs" \
	sh -c "grep -q '/proc not mounted in the victim' '$E2E_TMP/rescue.err' &&
		grep -q root-intact '$E2E_TMP/rescue.out'"
e2e_check "no loop device is left on the hostile image" e2e_loop_wait "$IMG"

e2e_finish
