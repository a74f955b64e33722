#!/bin/sh
# shellcheck disable=SC2016 # the inner shells expand their own arguments
# Measure what the real Debian 12 sshd does when the victim's root filesystem is full: for
# users only (the root-reserved blocks are left), for root too, and out of inodes. Prints
# what happened as plain text; docs/sshd-behaviour.md records the results. Not a test.
#
# usage: sh tests/e2e/measure_fullfs.sh BUILDDIR [SSHRESCUE]
#   SSHRESCUE  if given, its `check --json` verdict on each image (fs.* codes, free blocks for
#              users and root) is printed before sshd runs, next to what sshd then does
#
# Each case: a fresh victim (tests/e2e/lib.sh), packed into an ext4 image, filled through a
# loop mount in a private mount namespace, then the victim's own sshd run from that image
# mounted READ-WRITE (as on a booted server; /run a tmpfs, devpts for a terminal), and key
# logins of alice and root: a command session (no terminal) and a terminal session (-tt,
# the one sshd records in lastlog/wtmp), each trying to write the home, /tmp and /var/log.

. "$(dirname "$0")/lib.sh"

e2e_init "${2:-/bin/false}" "${1:-.}"
IMG=$E2E_TMP/full.img
MNT=$E2E_TMP/mnt
mkdir -p "$MNT" || e2e_die "mkdir"
# uid 65534 fills the image through $MNT: it must be able to reach it (nothing to list here)
chmod 0711 "$E2E_TMP" || e2e_die "chmod"

# in_image CMD...: run CMD with $IMG mounted read-write on $MNT (private mount namespace).
in_image()
{
	unshare -m --propagation private sh -c 'mount -t ext4 -o loop "$1" "$2" || exit 1
		shift 2; "$@"; r=$?; sync; exit $r' sh "$IMG" "$MNT" "$@"
}

# fill_as UID FILE: write zeros to FILE as UID until the filesystem says ENOSPC.
fill_as()
{
	in_image setpriv --reuid "$1" --regid "$1" --clear-groups sh -c '
		dd if=/dev/zero of="$1" bs=1M 2>/dev/null
		dd if=/dev/zero of="$1" bs=4k oflag=append conv=notrunc 2>/dev/null
		dd if=/dev/zero of="$1" bs=1k oflag=append conv=notrunc 2>/dev/null; true' sh "$MNT$2"
}

fill_inodes()
{
	in_image sh -c 'mkdir "$1/var/many" && cd "$1/var/many" &&
		i=0; while :; do
			seq $i $((i + 999)) | xargs touch 2>/dev/null || break
			i=$((i + 1000))
		done; ls | wc -l' sh "$MNT"
}

usage_line()
{
	dumpe2fs -h "$IMG" 2>/dev/null | awk -F: '
		/^Block count/ { b = $2 } /^Reserved block count/ { r = $2 }
		/^Free blocks/ { f = $2 } /^Inode count/ { i = $2 } /^Free inodes/ { fi = $2 }
		END { gsub(/ /, "", b); gsub(/ /, "", r); gsub(/ /, "", f); gsub(/ /, "", i);
		      gsub(/ /, "", fi)
		      printf "blocks %s, free %s, reserved %s; inodes %s, free %s\n", b, f, r, i, fi }'
}

sshd_rw()
{
	E2E_SSHD_LOG=$E2E_TMP/sshd.log
	: > "$E2E_SSHD_LOG"
	unshare -n -m --propagation private setpriv --pdeathsig TERM sh -c 'ip link set lo up &&
		mount -t ext4 -o loop "$1" "$2" && mount -t proc proc "$2/proc" &&
		mount -t tmpfs -o mode=0755 tmpfs "$2/run" && mkdir -m 0755 "$2/run/sshd" &&
		mount -t devpts -o newinstance,ptmxmode=0666 devpts "$2/dev/pts" &&
		{ [ -e "$2/dev/ptmx" ] || touch "$2/dev/ptmx"; } &&
		mount --bind "$2/dev/pts/ptmx" "$2/dev/ptmx" &&
		root=$2 && shift 2 && exec chroot "$root" /usr/sbin/sshd -D -e "$@"' \
		sh "$IMG" "$MNT" -p "$E2E_PORT" -o ListenAddress=127.0.0.1 -o PidFile=none \
		>> "$E2E_SSHD_LOG" 2>&1 &
	E2E_SSHD_PID=$!
	e2e_sshd_wait
}

# New files of 16 KiB: appending to an existing file may fit in its last block.
PROBE='id -un; w() { if (head -c 16384 /dev/zero > "$1" && sync "$1") 2>/dev/null; then
	echo "new file $1: ok"; else echo "new file $1: FAILED"; fi; };
	w ~/probe.$$; w /tmp/probe.$$; [ "$(id -u)" = 0 ] && w /var/log/probe.$$; true'

login()
{
	_user=$1
	shift
	_before=$(wc -l < "$E2E_SSHD_LOG")
	timeout 30 nsenter -t "$E2E_SSHD_PID" -n \
		ssh -F /dev/null -i "$E2E_KEYS/$_user" -p "$E2E_PORT" -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes \
		-o ConnectTimeout=5 -o LogLevel=ERROR "$@" "$_user@127.0.0.1" "$PROBE" \
		> "$E2E_TMP/login.out" 2>&1 < /dev/null
	_rc=$?
	sleep 0.5
	printf '  ssh %s %s: rc=%s\n' "$_user" "$*" "$_rc"
	tr -d '\r' < "$E2E_TMP/login.out" | sed 's/^/    client: /'
	tail -n +$((_before + 1)) "$E2E_SSHD_LOG" | grep -v -e '^Connection from' \
		-e '^Received disconnect' -e '^Disconnected from' | sed 's/port [0-9]*/port N/' |
		sed 's/^/    sshd:   /'
}

run_case()
{
	printf '\n== %s\n' "$1"
	printf '  before: %s\n' "$(usage_line)"
	for f in /var/log/lastlog /var/log/wtmp; do
		printf '  %s: size %s\n' "$f" "$(debugfs -R "stat $f" "$IMG" 2>/dev/null |
			awk '/Size:/ { for (i = 1; i <= NF; i++) if ($i == "Size:") print $(i + 1) }' |
			head -n 1)"
	done
	if [ -n "${2:-}" ] || [ "$E2E_SSHRESCUE" != /bin/false ]; then
		"$E2E_SSHRESCUE" check --json "$IMG" 2>/dev/null | jq -r '"  sshrescue: " +
			([.findings[].code | select(startswith("fs."))] | join(" ") |
			if . == "" then "no fs.* code" else . end) + "; " +
			(.filesystems[0] | "users may write \(.blocks_available_users) blocks, root " +
			"\(.blocks_available_root), inodes free \(.inodes_free)")'
	fi
	sshd_rw || { printf '  sshd did not start\n'; return; }
	login alice -T
	login alice -tt
	login root -T
	login root -tt
	e2e_sshd_stop
	printf '  after:  %s\n' "$(usage_line)"
	for f in /var/log/lastlog /var/log/wtmp; do
		printf '  %s: size %s\n' "$f" "$(debugfs -R "stat $f" "$IMG" 2>/dev/null |
			awk '/Size:/ { for (i = 1; i <= NF; i++) if ($i == "Size:") print $(i + 1) }' |
			head -n 1)"
	done
	printf '  e2fsck -fn: %s\n' "$(e2fsck -fn "$IMG" > /dev/null 2>&1 && echo clean || echo "exit $?")"
}

e2e_victim
mke2fs -q -F -t ext4 -d "$E2E_ROOT" "$IMG" 320M || e2e_die "mke2fs"
run_case "baseline: 320M ext4, not full"

e2e_victim
mke2fs -q -F -t ext4 -d "$E2E_ROOT" "$IMG" 320M || e2e_die "mke2fs"
fill_as 65534 /tmp/fill-users
run_case "full for users: filled by uid 65534 until ENOSPC (root's reserve left)"

e2e_victim
mke2fs -q -F -t ext4 -d "$E2E_ROOT" "$IMG" 320M || e2e_die "mke2fs"
fill_as 65534 /tmp/fill-users
fill_as 0 /var/fill-root
run_case "full for root too: filled by uid 65534, then by root, until ENOSPC"

e2e_victim
# room for the root's own files and about a thousand more
N=$(($(find "$E2E_ROOT" -xdev | wc -l) + 1000))
mke2fs -q -F -t ext4 -N "$N" -d "$E2E_ROOT" "$IMG" 320M || e2e_die "mke2fs"
printf '\n(made %s empty files)\n' "$(fill_inodes)"
run_case "no free inodes: -N $N, empty files made by root until ENOSPC"

e2e_finish
