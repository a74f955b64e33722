#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cleanup.sh BINARY - the cleanup of a full disk (fix --only fs.space.root): on an ext4 image
# filled to 100 % for root, with package caches, rotated logs, a journald archive, a sparse
# core dump and old and new files in /tmp, prove that
#   - the preview lists exactly the files of the closed list, with the bytes they free, and
#     changes nothing; --apply without --move-to is a usage error (16);
#   - --move-to DIR moves them to DIR/<id>/<path> with the same bytes (sha256), mode, owner
#     and mtime, holes kept; what is not on the list stays (a new /tmp file, lastlog, the
#     active log, a hard-linked rotated log, a symlink); the journal is started only after
#     the first files made room for it; check no longer reports the full disk;
#   - undo puts back every path, byte, mode, owner and mtime (the victim's /var and /tmp
#     listed before and after);
#   - --delete deletes them, and undo says they are lost;
#   - --truncate-logs copies the active log out and truncates it; undo puts its old bytes
#     back in front of what was written since;
#   - a manifest naming a copy outside a directory with sshrescue's marker restores nothing.
# shellcheck disable=SC2015,SC2016
. "$(dirname "$0")/imagelib"

img_init "$1"
[ -n "${CLEANUP_KEEP:-}" ] && trap - EXIT
command -v jq >/dev/null 2>&1 || img_skip "jq is missing"
T=$IMG_TMP
d=$T/tree
img_tree "$d" || bad "tree"
mkdir -p "$d/var/cache/apt/archives/partial" "$d/var/log/apt" "$d/var/log/journal/0123abc" \
	"$d/var/lib/systemd/coredump" "$d/srv" "$d/tmp/sub"
head -c 1500000 /dev/urandom >"$d/var/cache/apt/archives/bash_5.2_amd64.deb"
head -c 700000 /dev/urandom >"$d/var/cache/apt/archives/partial/curl_8_amd64.deb"
head -c 400000 /dev/urandom >"$d/var/cache/apt/pkgcache.bin"
head -c 900000 /dev/urandom >"$d/var/log/syslog.1"
head -c 800000 /dev/urandom >"$d/var/log/syslog.2.gz"
head -c 300000 /dev/urandom >"$d/var/log/apt/history.log.1.gz"
head -c 600000 /dev/urandom >"$d/var/log/journal/0123abc/system@0001-0002.journal"
head -c 1200000 /dev/urandom >"$d/var/log/syslog" # active: only with --truncate-logs
head -c 5000 /dev/urandom >"$d/var/log/lastlog"
head -c 200000 /dev/urandom >"$d/var/log/kept.1" # hard-linked: moving frees nothing
ln "$d/var/log/kept.1" "$d/srv/kept.link"
ln -s /etc/passwd "$d/var/log/link.1"
truncate -s 40M "$d/var/lib/systemd/coredump/core.sshd.1000.zst" # sparse, 2 data blocks
printf 'A' | dd of="$d/var/lib/systemd/coredump/core.sshd.1000.zst" bs=1 seek=100 \
	conv=notrunc 2>/dev/null
printf 'B' | dd of="$d/var/lib/systemd/coredump/core.sshd.1000.zst" bs=1 seek=30000000 \
	conv=notrunc 2>/dev/null
head -c 50000 /dev/urandom >"$d/tmp/sub/old" && touch -d '20 days ago' "$d/tmp/sub/old"
head -c 50000 /dev/urandom >"$d/tmp/new"
chown 1001:1001 "$d/tmp/sub/old" && chmod 0640 "$d/var/log/syslog.1"
chown 0:4 "$d/var/log/syslog.1" && touch -d '2026-11-01 10:00:00' "$d/var/log/syslog.2.gz"
MOVED="/tmp/sub/old /var/cache/apt/archives/bash_5.2_amd64.deb
/var/cache/apt/archives/partial/curl_8_amd64.deb /var/cache/apt/pkgcache.bin
/var/lib/systemd/coredump/core.sshd.1000.zst /var/log/apt/history.log.1.gz
/var/log/journal/0123abc/system@0001-0002.journal /var/log/syslog.1 /var/log/syslog.2.gz"
STAY="/tmp/new /var/log/syslog /var/log/lastlog /var/log/kept.1 /srv/kept.link"

BASE=$T/base.img
mke2fs -q -F -t ext4 -d "$d" "$BASE" 40M >/dev/null 2>&1 || bad "mke2fs"
# an old file has an old change time too, which only debugfs can give it
for f in ctime atime; do
	debugfs -w -R "sif /tmp/sub/old $f 20261101000000" "$BASE" >/dev/null 2>&1 || bad "sif $f"
done

# listing IMG OUT: path, type, mode, owner, size, mtime (files) and sha256 of /var, /tmp and
# /srv, but /srv/filler (undo needs the room its journal took: see step 3)
listing()
{
	img_mounted "$1" sh -c 'cd "$1" && find var tmp srv -path var/lib/sshrescue -prune -o \
		-path srv/filler -prune -o -type f -printf "%p %y %m %U:%G %s %T@\n" -o \
		-printf "%p %y %m %U:%G %l\n" | sort &&
		find var tmp srv -path var/lib/sshrescue -prune -o -path srv/filler -prune -o \
		-type f -print0 | sort -z | xargs -0 sha256sum' sh "$T/mnt" >"$2"
}
# Fill with /srv/filler (not on the list) until not even root can write.
img_mounted "$BASE" sh -c 'dd if=/dev/zero of="$1/srv/filler" bs=64k 2>/dev/null
	for i in 1 2 3 4 5 6; do dd if=/dev/zero of="$1/srv/filler" bs=1k oflag=append \
		conv=notrunc 2>/dev/null; sync; done; true' sh "$T/mnt" || bad "filling"
listing "$BASE" "$T/before.list" || bad "listing before"

# 1. check sees it; the preview lists the files of the list, and nothing changes.
cp "$BASE" "$T/a.img"
img_run check "$T/a.img" --json
jq -e '[.findings[].code] | index("fs.space.root")' "$OUT" >/dev/null &&
	ok "check: fs.space.root" || bad "check: no fs.space.root ($(cat "$OUT" "$ERR"))"
sha=$(img_sha "$T/a.img")
# check reads the superblock, fix the mounted filesystem (statvfs): either code may come
CODES=fs.space.root,fs.space.users
img_run fix "$T/a.img" --only $CODES
for p in $MOVED; do
	grep -q "^  move $p (.* bytes) to (no --move-to DIR given) (fs.space." "$OUT" ||
		bad "preview: no move line for $p"
done
for p in $STAY /var/log/link.1 /srv/filler; do
	grep -Eq "^  (move|delete|truncate) $p " "$OUT" && bad "preview: $p is planned"
done
want=$(for p in $MOVED; do stat -c %s "$d$p"; done |
	awk '{s += $1} END {print s}')
grep -q "^  frees $want bytes in 9 files$" "$OUT" && ok "preview: 9 files, $want bytes" ||
	bad "preview total: $(grep frees "$OUT"), want $want"
[ "$(img_sha "$T/a.img")" = "$sha" ] && ok "preview changed nothing" || bad "preview wrote"
img_run fix "$T/a.img" --apply --only $CODES
[ "$RC" -eq 16 ] && grep -q -- "--move-to DIR" "$ERR" &&
	[ "$(img_sha "$T/a.img")" = "$sha" ] && ok "apply without --move-to: 16, not even mounted" ||
	bad "apply without --move-to: rc $RC $(cat "$ERR")"
img_run fix "$T/a.img" --apply --only $CODES --move-to "$T/x/../y"
[ "$RC" -eq 16 ] && ok "--move-to with '..': 16" || bad "--move-to with ..: rc $RC"

# 2. --apply --move-to: moved with everything, the journal after the first room.
img_run fix "$T/a.img" --apply --only $CODES --move-to "$T/moved"
[ $((RC & 1)) -eq 1 ] && [ $((RC & 24)) -eq 0 ] && ok "apply: rc $RC" ||
	bad "apply: rc $RC $(cat "$ERR")"
grep -q "no room for the journal" "$OUT" && ok "the journal was started after making room" ||
	bad "no make-room message: $(head -c 600 "$OUT")"
id=$(sed -n 's/^Journal \([0-9TZ-]*\) written.*/\1/p' "$OUT")
[ -n "$id" ] && [ -f "$T/moved/$id/.sshrescue-moved" ] && ok "moved to $T/moved/$id" ||
	bad "no journal id or marker ($id)"
for p in $MOVED; do
	c=$T/moved/$id$p
	o=$d$p
	if [ ! -f "$c" ] || [ "$(sha256sum <"$c")" != "$(sha256sum <"$o")" ] ||
		[ "$(stat -c '%a %u %g %Y' "$c")" != "$(stat -c '%a %u %g %Y' "$o")" ]; then
		bad "copy of $p differs: $(stat -c '%a %u %g %Y %s' "$c" "$o" 2>&1)"
	fi
done
[ "$(du -k "$T/moved/$id/var/lib/systemd/coredump/core.sshd.1000.zst" | cut -f1)" -lt 1024 ] &&
	ok "the sparse core dump stays sparse" || bad "sparse copy is not sparse"
listing "$T/a.img" "$T/after.list"
for p in $MOVED; do
	grep -q "^${p#/} " "$T/after.list" && bad "$p still on the victim"
done
for p in $STAY /var/log/link.1; do
	grep -q "^${p#/} " "$T/after.list" || bad "$p was taken"
done
img_run check "$T/a.img" --json
jq -e '[.findings[].code] | (index("fs.space.root") or index("fs.space.users")) | not' \
	"$OUT" >/dev/null && ok "check after: the disk is no longer full" || bad "still full: $(jq -c '.filesystems' "$OUT")"
img_run fix "$T/a.img" --only $CODES --move-to "$T/moved"
grep -q "^  move " "$OUT" && bad "a second plan moves again"

# 3. undo: the exact before state. Putting everything back needs the room the journal now
# takes (a few blocks, and ext4's reservations for delayed allocation on a nearly full
# disk): the filler gives 1 MiB back first.
img_mounted "$T/a.img" truncate -s -1M "$T/mnt/srv/filler" || bad "truncating the filler"
img_run undo "$T/a.img"
[ "$RC" -eq 0 ] && ok "undo: rc 0" || bad "undo: rc $RC $(cat "$OUT" "$ERR")"
listing "$T/a.img" "$T/undone.list"
cmp -s "$T/before.list" "$T/undone.list" && ok "undo: /var, /tmp, /srv as before" ||
	bad "undo differs: $(diff "$T/before.list" "$T/undone.list" | head -n 8)"

# 4. --delete: gone, and undo says so.
cp "$BASE" "$T/b.img"
img_run fix "$T/b.img" --apply --only $CODES --delete
[ $((RC & 1)) -eq 1 ] && [ $((RC & 24)) -eq 0 ] && ok "--delete: rc $RC" ||
	bad "--delete: rc $RC $(cat "$ERR")"
listing "$T/b.img" "$T/deleted.list"
for p in $MOVED; do
	grep -q "^${p#/} " "$T/deleted.list" && bad "--delete: $p still there"
done
img_run undo "$T/b.img"
[ "$(grep -c '^  lost ' "$OUT")" -eq 9 ] && ok "undo after --delete: 9 lost" ||
	bad "undo after --delete: $(cat "$OUT")"

# 5. --truncate-logs: the active log copied out and emptied; undo keeps the later lines.
cp "$BASE" "$T/c.img"
img_run fix "$T/c.img" --only $CODES --move-to "$T/m2" --truncate-logs
grep -q "^  truncate /var/log/syslog (1200000 -> 0 bytes, a copy to $T/m2)" "$OUT" &&
	ok "preview: truncate the active log" || bad "no truncate line: $(grep syslog "$OUT")"
img_run fix "$T/c.img" --apply --only $CODES --move-to "$T/m2" --truncate-logs
id2=$(sed -n 's/^Journal \([0-9TZ-]*\) written.*/\1/p' "$OUT")
[ "$(img_mounted "$T/c.img" stat -c %s "$T/mnt/var/log/syslog")" = 0 ] &&
	cmp -s "$T/m2/$id2/var/log/syslog" "$d/var/log/syslog" &&
	ok "the active log: copied, then truncated" || bad "truncate: $(cat "$ERR")"
img_mounted "$T/c.img" sh -c 'printf "written later\n" >>"$1/var/log/syslog"' sh "$T/mnt"
img_run undo "$T/c.img"
img_mounted "$T/c.img" cat "$T/mnt/var/log/syslog" >"$T/syslog.undone"
{ cat "$d/var/log/syslog" && printf 'written later\n'; } >"$T/syslog.want"
cmp -s "$T/syslog.undone" "$T/syslog.want" && ok "undo: old bytes, then the later line" ||
	bad "undo of the truncate: $(cat "$OUT")"

# 6. A hostile manifest: a copy in a directory without our marker is never pulled in.
cp "$BASE" "$T/h.img"
img_mounted "$T/h.img" truncate -s -1M "$T/mnt/srv/filler" || bad "truncating the filler"
mkdir -p "$T/fake/20260101T000000Z-1/var/log"
printf 'helper secret\n' >"$T/fake/20260101T000000Z-1/var/log/stolen"
img_mounted "$T/h.img" sh -c 'j=$1/var/lib/sshrescue/journal/20260101T000000Z-1
	mkdir -p "$j/data" && chmod 700 "$1/var/lib/sshrescue" "$1/var/lib/sshrescue/journal" "$j"
	printf "sshrescue-journal 4\ncommand fix\ntime 2026-01-01T00:00:00Z\n1 file 0644 0 0 14 - /var/log/stolen\nmoved 1 %s\ncomplete\n" \
		"$2/fake/20260101T000000Z-1/var/log/stolen" >"$j/manifest"; chmod 600 "$j/manifest"' \
	sh "$T/mnt" "$T"
img_run undo "$T/h.img"
[ "$RC" -ne 0 ] && grep -q "no marker" "$OUT" && ok "undo refuses a copy without the marker" ||
	bad "hostile manifest: rc $RC $(cat "$OUT")"
[ -z "$(img_mounted "$T/h.img" sh -c 'ls "$1/var/log/stolen" 2>/dev/null' sh "$T/mnt")" ] &&
	ok "nothing of the helper was copied in" || bad "the helper's file reached the victim"

img_no_leaks "$T/a.img"
img_finish
