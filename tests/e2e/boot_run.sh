#!/bin/sh
# boot_run.sh ROOT - make ROOT/run what a boot of the victim would make of it for sshd:
# an empty tmpfs, then the ssh unit's RuntimeDirectory= (systemd makes it when the service
# starts), then the victim's tmpfiles.d lines for /run/sshd, applied by the host's real
# systemd-tmpfiles (what systemd-tmpfiles-setup.service runs at boot). Run it in the private
# mount namespace that runs the victim's sshd: the tmpfs goes away with that namespace.
#
# RuntimeDirectory= is read the way systemd reads it: the unit file from the first of
# /etc/systemd/system, /lib/systemd/system, /usr/lib/systemd/system that has it (a link to
# /dev/null or an empty file masks it), then ssh.service.d/*.conf of all of them, in the order
# of their file names (the first directory's file wins a name); an empty assignment clears
# the list. Only the [Service] section counts.
set -u
R=$1
mount -t tmpfs -o mode=0755 tmpfs "$R/run" || exit 1

unit=
for d in etc/systemd/system lib/systemd/system usr/lib/systemd/system; do
	f=$R/$d/ssh.service
	if [ -L "$f" ] && [ "$(readlink "$f")" = /dev/null ]; then
		unit=masked
		break
	fi
	if [ -f "$f" ]; then
		unit=$f
		[ -s "$f" ] || unit=masked
		break
	fi
done

# Every drop-in once by name, first directory first, then sorted by name.
dropins()
{
	for d in etc/systemd/system lib/systemd/system usr/lib/systemd/system; do
		for f in "$R/$d/ssh.service.d"/*.conf; do
			[ -f "$f" ] && printf '%s %s\n' "$(basename "$f")" "$f"
		done
	done | awk '!seen[$1]++' | sort -k1,1 | cut -d' ' -f2-
}

runtime_dirs()
{
	# shellcheck disable=SC2046 # file names of the victim's unit dirs have no blanks
	awk '
		/^[ \t]*\[/ { sec = $0; gsub(/[ \t]/, "", sec); next }
		sec == "[Service]" && /^[ \t]*RuntimeDirectory[ \t]*=/ {
			v = $0; sub(/^[^=]*=[ \t]*/, "", v); sub(/[ \t\r]*$/, "", v)
			if (v == "") list = ""; else list = list " " v
		}
		END { print list }' "$unit" $(dropins)
}

if [ -n "$unit" ] && [ "$unit" != masked ]; then
	for name in $(runtime_dirs); do
		[ "$name" = sshd ] && mkdir -m 0755 "$R/run/sshd"
	done
fi
if command -v systemd-tmpfiles > /dev/null 2>&1; then
	systemd-tmpfiles --root="$R" --create --prefix=/run/sshd > /dev/null 2>&1
fi
exit 0
