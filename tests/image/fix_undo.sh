#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fix_undo.sh BINARY - `fix --apply` on an image repairs alice's login (a second
# check is clean, e2fsck -fn is clean) and `undo` restores every mode, owner
# and byte of /etc and /home that the fix changed.
# ok and bad always succeed: "A && ok || bad" is an if-then-else here.
# shellcheck disable=SC2015
. "$(dirname "$0")/imagelib"

img_init "$1"
T=$IMG_TMP
img_tree "$T/tree" || { bad "building the tree"; img_finish; }
img_make "$T/tree" "$T/root.img" || { bad "mke2fs -d"; img_finish; }
# Broken: ~/.ssh and the keys file world-writable, the keys file owned by root
# (allowed by sshd); its CRLF content was written into the tree before mke2fs.
img_break "$T/root.img" "sif /home/alice/.ssh mode 040777" \
	"sif /home/alice/.ssh/authorized_keys mode 0100666" \
	"sif /home/alice/.ssh/authorized_keys uid 0" || bad "debugfs -w sif"
img_snapshot "$T/root.img" "$T/before" || bad "rdump before"

sha0=$(img_sha "$T/root.img")
img_run fix "$T/root.img"
[ $((RC & 24)) -eq 0 ] && ok "fix preview (status $RC)" || bad "fix preview exits $RC: $(cat "$ERR")"
[ "$(img_sha "$T/root.img")" = "$sha0" ] && ok "fix preview: sha256 unchanged" ||
	bad "fix preview changed the image"
img_no_leaks "$T/root.img" "fix preview"

img_run fix --apply "$T/root.img"
[ $((RC & 1)) -ne 0 ] && [ $((RC & 24)) -eq 0 ] && ok "fix --apply fixed something (status $RC)" ||
	bad "fix --apply exits $RC: $(cat "$ERR") $(cat "$OUT")"
img_no_leaks "$T/root.img" "fix --apply"

img_run check "$T/root.img"
[ "$RC" -eq 0 ] && ok "check after fix exits 0" ||
	bad "check after fix exits $RC: $(cat "$OUT") $(cat "$ERR")"
if grep -q 'alice can log in with a key' "$OUT" && ! grep -Eq '^ *(ERROR|WARN)' "$OUT"; then
	ok "check after fix: alice can log in, nothing reported"
else
	bad "check after fix still reports: $(cat "$OUT")"
fi
img_no_leaks "$T/root.img" "check after fix"

e2fsck -fn "$T/root.img" >"$T/fsck" 2>&1 && ok "e2fsck -fn clean after fix" ||
	bad "e2fsck -fn after fix: $(cat "$T/fsck")"

# What the fix did, seen by debugfs: modes and owner repaired, CRLF gone.
img_snapshot "$T/root.img" "$T/fixed" || bad "rdump after fix"
grep -q '^\./home/alice/\.ssh d 700 1001 1001' "$T/fixed.list" && ok "alice's .ssh is 0700 alice" ||
	bad ".ssh after fix: $(grep '^\./home/alice/\.ssh ' "$T/fixed.list")"
# sshd wants it owned by root or alice and not writable by others (Debian also
# accepts group-writable when the group is alice's private group).
# shellcheck disable=SC2046 # split into fields on purpose
set -- $(grep '^\./home/alice/\.ssh/authorized_keys ' "$T/fixed.list")
if [ "$2" = f ] && [ $((0$3 & 02)) -eq 0 ] && { [ "$4" = 0 ] || [ "$4" = 1001 ]; }; then
	ok "authorized_keys is no longer world-writable ($3, uid $4)"
else
	bad "authorized_keys after fix: $*"
fi
if od -c "$T/fixed/home/alice/.ssh/authorized_keys" | grep -q '\\r'; then
	bad "authorized_keys still has CRLF"
else
	ok "authorized_keys has no CR"
fi

img_run fix "$T/root.img"
[ "$RC" -eq 0 ] && grep -q 'nothing to change' "$OUT" && ok "a second fix finds nothing to do" ||
	bad "second fix exits $RC: $(cat "$OUT")"

img_run undo "$T/root.img"
[ "$RC" -eq 0 ] && ok "undo (status $RC)" || bad "undo exits $RC: $(cat "$ERR")"
img_no_leaks "$T/root.img" "undo"
img_snapshot "$T/root.img" "$T/undone" || bad "rdump after undo"
if cmp -s "$T/before.list" "$T/undone.list"; then
	ok "undo restored every type, mode, owner and link of /etc and /home"
else
	bad "undo: modes/owners differ: $(diff "$T/before.list" "$T/undone.list")"
fi
if diff -r "$T/before" "$T/undone" >"$T/diff" 2>&1; then
	ok "undo restored every byte of /etc and /home"
else
	bad "undo: contents differ: $(cat "$T/diff")"
fi
e2fsck -fn "$T/root.img" >"$T/fsck" 2>&1 && ok "e2fsck -fn clean after undo" ||
	bad "e2fsck -fn after undo: $(cat "$T/fsck")"

img_run check "$T/root.img"
[ $((RC & 4)) -ne 0 ] && ok "check after undo finds the problems again (status $RC)" ||
	bad "check after undo exits $RC"

img_finish
