#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# hook-run.sh ROOTMNT - sshrescue inside the victim's OWN initramfs (the initramfs-tools
# hook and the dracut module of initramfs/, docs/initramfs.md): run after that initramfs has
# mounted the root at ROOTMNT, before it switches to it, when the kernel command line asks:
#
#   rd.sshrescue.mode=check|fix|shell  nothing happens without it
#   rd.sshrescue.fix=CODE,...          fix: repair only these (fix --only)
#   rd.sshrescue.skip=CODE,...         fix: leave these alone (fix --skip)
#   rd.sshrescue.then=continue|reboot|poweroff|shell
#                                      afterwards (continue: boot the system, the default)
#   rd.sshrescue.save=yes|no           write the report to ROOTMNT/var/log/sshrescue/
#                                      (default: yes in fix mode, no in check mode)
#
# The report goes to the console between the same BEGIN/END lines as the rescue initramfs'.
# In fix mode the root is remounted read-write for the fix and put back as it was. Nothing
# here stops the boot: a failure is said on the console and the boot goes on (or does what
# rd.sshrescue.then says). Separate /var and /home are not mounted yet at this point: sshrescue
# sees the root filesystem (and /usr) only.

HR_R=/run/sshrescue
MODE=
FIXES=
SKIPS=
THEN="continue"
SAVE=
RC=

say()
{
	printf 'sshrescue[%s]: %s\n' "$(cut -d ' ' -f 1 /proc/uptime 2> /dev/null)" "$*"
}

parse_cmdline()
{
	# shellcheck disable=SC2013 # words of the command line, on purpose
	for _w in $(cat /proc/cmdline); do
		case $_w in
		rd.sshrescue.mode=*) MODE=${_w#*=} ;;
		rd.sshrescue.fix=*) FIXES=${_w#*=} ;;
		rd.sshrescue.skip=*) SKIPS=${_w#*=} ;;
		rd.sshrescue.then=*) THEN=${_w#*=} ;;
		rd.sshrescue.save=*) SAVE=${_w#*=} ;;
		esac
	done
	case $MODE in
	check | fix | shell) ;;
	*)
		say "rd.sshrescue.mode=$MODE: not check, fix or shell; doing nothing"
		MODE=
		;;
	esac
	case $THEN in
	continue | reboot | poweroff | shell) ;;
	*)
		say "rd.sshrescue.then=$THEN: not continue, reboot, poweroff or shell; continuing"
		THEN="continue"
		;;
	esac
	if [ -z "$SAVE" ]; then
		SAVE=no
		[ "$MODE" = fix ] && SAVE=yes
	fi
}

# run NAME ARGS...: sshrescue ARGS; stdout in $HR_R/NAME.out, stderr in NAME.err, status in RC.
run()
{
	_name=$1
	shift
	sshrescue "$@" > "$HR_R/$_name.out" 2> "$HR_R/$_name.err"
	RC=$?
}

# Is ROOTMNT mounted read-only now? (the fourth field of /proc/mounts starts with ro)
is_ro()
{
	awk -v m="$1" '$2 == m { o = $4 } END { exit !(o ~ /^ro(,|$)/) }' /proc/mounts
}

report_print()
{
	printf '\n==== sshrescue report: BEGIN ====\n'
	cat "$HR_R/report.txt"
	printf '==== sshrescue report: END (mode %s, status %s) ====\n\n' "$MODE" "${STATUS:-?}"
}

# Write the report to the victim; the victim is untrusted: a symlink on the way stops it.
save_report()
{
	_m=$1
	_d=$_m/var/log/sshrescue
	for _p in "$_m/var" "$_m/var/log" "$_d"; do
		if [ -L "$_p" ] || { [ -e "$_p" ] && [ ! -d "$_p" ]; }; then
			say "${_p#"$_m"} on the victim is not a directory: report not written"
			return 1
		fi
	done
	if ! mkdir -p "$_d" || ! chmod 0700 "$_d"; then
		say "cannot create /var/log/sshrescue on the victim"
		return 1
	fi
	_stamp=$(date -u +%Y%m%dT%H%M%SZ)
	for _f in "$_stamp-$MODE.txt:report.txt" "$_stamp-$MODE.json:json.out" \
		"last.txt:report.txt" "last.json:json.out"; do
		_to=$_d/${_f%%:*}
		if ! rm -f "$_to" || ! cp "$HR_R/${_f#*:}" "$_to" || ! chmod 0600 "$_to"; then
			say "cannot write ${_to#"$_m"}"
			return 1
		fi
	done
	say "report written to the victim: /var/log/sshrescue/$_stamp-$MODE.txt and .json"
}

rescue()
{
	_m=$1
	_was_ro=
	is_ro "$_m" && _was_ro=yes
	_fixargs=
	[ -n "$FIXES" ] && _fixargs="--only $FIXES"
	[ -n "$SKIPS" ] && _fixargs="$_fixargs --skip $SKIPS"
	if [ "$MODE" = fix ] || [ "$SAVE" = yes ]; then
		if [ -n "$_was_ro" ] && ! mount -o remount,rw "$_m"; then
			say "FAILED: cannot remount the root read-write; nothing done"
			return 1
		fi
	fi
	{
		printf 'sshrescue report (victim initramfs), %s mode, %s\n' "$MODE" \
			"$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
		printf 'root mounted at %s; %s\n' "$_m" "$(sshrescue --version 2> /dev/null)"
		printf '\n== check (read-only)\n'
	} > "$HR_R/report.txt"
	run check check "$_m"
	cat "$HR_R/check.out" "$HR_R/check.err" >> "$HR_R/report.txt"
	STATUS=$RC
	if [ $((RC & 24)) -ne 0 ]; then
		say "FAILED: sshrescue check failed (status $RC): $(head -n 1 "$HR_R/check.err")"
	elif [ "$MODE" = check ]; then
		run json check --json "$_m"
	else
		printf '\n== fix --apply%s\n' "${_fixargs:+ $_fixargs}" >> "$HR_R/report.txt"
		# shellcheck disable=SC2086 # the options, split on purpose
		run json fix --apply --json $_fixargs "$_m"
		STATUS=$RC
		cat "$HR_R/json.err" >> "$HR_R/report.txt"
		printf '\n== check after the fix\n' >> "$HR_R/report.txt"
		run after check "$_m"
		cat "$HR_R/after.out" "$HR_R/after.err" >> "$HR_R/report.txt"
	fi
	report_print
	if [ "$SAVE" = yes ] && [ -s "$HR_R/json.out" ]; then
		save_report "$_m"
	elif [ "$SAVE" != yes ]; then
		say "report not written to the victim (rd.sshrescue.save=yes writes it)"
	fi
	sync
	if [ -n "$_was_ro" ] && ! is_ro "$_m"; then
		mount -o remount,ro "$_m" || say "warning: cannot remount the root read-only again"
	fi
}

main()
{
	_m=$1
	parse_cmdline
	[ -n "$MODE" ] || return 0
	mkdir -p "$HR_R" || return 0
	say "rd.sshrescue.mode=$MODE${FIXES:+, fix $FIXES}${SKIPS:+, skip $SKIPS}, then $THEN, save $SAVE"
	if [ "$MODE" = shell ]; then
		THEN=shell
	elif ! command -v sshrescue > /dev/null; then
		say "FAILED: sshrescue is not in this initramfs"
	elif [ -z "$_m" ] || [ ! -d "$_m/etc" ]; then
		say "FAILED: the root is not mounted at '$_m'"
	else
		rescue "$_m"
	fi
	# an initramfs may have no reboot or poweroff program (dracut without busybox): then the
	# kernel's magic SysRq does it (the trigger file works whatever kernel.sysrq says)
	case $THEN in
	reboot)
		say "rebooting"
		sync
		reboot -f 2> /dev/null || { echo b > /proc/sysrq-trigger; sleep 30; }
		;;
	poweroff)
		say "powering off"
		sync
		poweroff -f 2> /dev/null || { echo o > /proc/sysrq-trigger; sleep 30; }
		;;
	shell)
		say "a shell; the root is at $_m; 'exit' goes on booting"
		sh -i < /dev/console > /dev/console 2>&1
		;;
	esac
	say "going on with the boot"
	return 0
}

main "$@"
