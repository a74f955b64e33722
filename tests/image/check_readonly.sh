#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# check_readonly.sh BINARY - `check` and `fix` without --apply never write a byte:
# the image's sha256 stays the same (also with a journal that needs recovery, errors and an
# orphan list, whose superblock the fs-health family reads itself with libext2fs),
# findings give exit status 4, nothing is left attached or mounted, also when
# check is interrupted with SIGINT/SIGTERM at any moment.
# ok and bad always succeed: "A && ok || bad" is an if-then-else here.
# shellcheck disable=SC2015
. "$(dirname "$0")/imagelib"

img_init "$1"
T=$IMG_TMP
img_tree "$T/tree" || { bad "building the tree"; img_finish; }
img_make "$T/tree" "$T/root.img" || { bad "mke2fs -d"; img_finish; }
# World-writable ~/.ssh: sshd's StrictModes refuses the keys.
img_break "$T/root.img" "sif /home/alice/.ssh mode 040777" || bad "debugfs -w sif"

sha0=$(img_sha "$T/root.img")

img_run check "$T/root.img"
if [ $((RC & 4)) -ne 0 ] && [ $((RC & 24)) -eq 0 ]; then
	ok "check finds problems (status $RC)"
else
	bad "check exits $RC, expected bit 4 (findings) without 8/16: $(cat "$ERR")"
fi
grep -q alice "$OUT" && ok "the report names alice" || bad "no finding for alice in: $(cat "$OUT")"
grep -q 'ext4, mounted read-only' "$OUT" && ok "the report says read-only" ||
	bad "the report does not say it was mounted read-only"
[ "$(img_sha "$T/root.img")" = "$sha0" ] && ok "check: sha256 unchanged" ||
	bad "check changed the image"
img_no_leaks "$T/root.img" "check" && ok "check: no loop device, no mountpoint left"

img_run check --json "$T/root.img"
[ $((RC & 4)) -ne 0 ] && grep -q '"image"' "$OUT" && ok "check --json (status $RC)" ||
	bad "check --json exits $RC"
[ "$(img_sha "$T/root.img")" = "$sha0" ] && ok "check --json: sha256 unchanged" ||
	bad "check --json changed the image"

img_run fix "$T/root.img"
[ $((RC & 24)) -eq 0 ] && ok "fix preview runs (status $RC)" || bad "fix preview exits $RC"
grep -q 'nothing was changed' "$OUT" && ok "fix preview says nothing was changed" ||
	bad "fix preview output: $(cat "$OUT")"
[ "$(img_sha "$T/root.img")" = "$sha0" ] && ok "fix preview: sha256 unchanged" ||
	bad "fix preview changed the image"
img_no_leaks "$T/root.img" "fix preview" && ok "fix preview: nothing left attached"

# A journal that needs recovery: read-only must neither replay it nor fail.
img_break "$T/root.img" "feature needs_recovery" || bad "debugfs feature needs_recovery"
sha1=$(img_sha "$T/root.img")
img_run check "$T/root.img"
[ $((RC & 4)) -ne 0 ] && [ $((RC & 24)) -eq 0 ] && ok "check with a dirty journal (status $RC)" ||
	bad "check with a dirty journal exits $RC: $(cat "$ERR")"
[ "$(img_sha "$T/root.img")" = "$sha1" ] && ok "dirty journal: sha256 unchanged" ||
	bad "check replayed or wrote the dirty image"
img_no_leaks "$T/root.img" "check (dirty journal)"
# The fs-health family read the superblock itself (libext2fs on the read-only loop device).
grep -q 'fs.journal.recovery' "$OUT" && ok "dirty journal: fs-health saw needs_recovery" ||
	bad "dirty journal: no fs.journal.recovery in: $(cat "$OUT")"
# Errors, an orphan list (the kernel frees orphans at mount unless the device is read-only)
# and the dirty journal at once: still not a byte written, by the mount or by libext2fs.
ino=$(debugfs -R "stat /etc/os-release" "$T/root.img" 2>/dev/null | sed -n 's/^Inode: \([0-9]*\).*/\1/p')
img_break "$T/root.img" "ssv state 3" "ssv error_count 2" "ssv first_error_time 20261130120001" \
	"ssv last_orphan $ino" || bad "debugfs ssv state/error_count/last_orphan"
sha2=$(img_sha "$T/root.img")
img_run check --json "$T/root.img"
[ $((RC & 4)) -ne 0 ] && grep -q '"fs.errors"' "$OUT" && grep -q '"fs.orphans"' "$OUT" &&
	ok "errors and orphans reported (status $RC)" ||
	bad "errors and orphans: status $RC: $(cat "$ERR")"
[ "$(img_sha "$T/root.img")" = "$sha2" ] && ok "errors, orphans, dirty journal: sha256 unchanged" ||
	bad "check wrote to the image with errors and orphans"
img_no_leaks "$T/root.img" "check (errors, orphans)"
img_break "$T/root.img" "ssv state 1" "ssv error_count 0" "ssv first_error_time 0" \
	"ssv last_orphan 0" || bad "debugfs ssv: undo the errors and the orphan"
img_break "$T/root.img" "feature -needs_recovery" || bad "debugfs feature -needs_recovery"

# Not a filesystem: an operational error with a sentence, not a crash.
truncate -s 8M "$T/zero.img"
img_run check "$T/zero.img"
[ "$RC" -eq 8 ] && grep -q 'no filesystem' "$ERR" && ok "zeros: status 8, 'no filesystem'" ||
	bad "zeros: status $RC, stderr: $(cat "$ERR")"
img_no_leaks "$T/zero.img" "check of zeros"

# Interrupted at any moment: nothing may stay behind. 4000 more users make check
# take a while, so the signals land while the image is attached and mounted.
# A background job of a script has SIGINT ignored; env --default-signal undoes that.
(cd "$T/tree" &&
	seq 2000 5999 | awk '{printf "u%d:x:%d:%d::/home/u%d:/bin/bash\n",$1,$1,$1,$1}' \
		>>etc/passwd &&
	seq 2000 5999 | awk '{printf "u%d:x:%d:\n",$1,$1}' >>etc/group &&
	seq 2000 5999 | sed 's|.*|home/u&/.ssh|' | xargs mkdir -p &&
	seq 2000 5999 | sed 's|.*|home/u&/.ssh/authorized_keys|' >"$T/keyfiles" &&
	xargs -a "$T/keyfiles" tee <"$IMG_TMP/alice_key.pub" >/dev/null) || bad "adding 4000 users"
mke2fs -q -F -t ext4 -N 20000 -d "$T/tree" "$T/many.img" 64M >/dev/null 2>&1 || bad "mke2fs many.img"
sha3=$(img_sha "$T/many.img")
caught_int=0
caught_term=0
for delay in 0 0.02 0.05 0.1 0.15 0.2 0.3; do
	for sig in INT TERM; do
		env --default-signal=INT "$IMG_BIN" check "$T/many.img" >/dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		kill -s "$sig" "$pid" 2>/dev/null
		wait "$pid"
		rc=$?
		[ -n "$IMG_VERBOSE" ] && printf 'SIG%s after %ss: status %s\n' "$sig" "$delay" "$rc"
		case $rc in
		130) caught_int=$((caught_int + 1)) ;;
		143) caught_term=$((caught_term + 1)) ;;
		0 | 4) ;;
		*) bad "check killed with SIG$sig after ${delay}s exits $rc" ;;
		esac
		img_no_leaks "$T/many.img" "SIG$sig after ${delay}s" || break 2
	done
done
if [ "$caught_int" -ge 2 ] && [ "$caught_term" -ge 2 ]; then
	ok "interrupted $caught_int times by SIGINT, $caught_term by SIGTERM: nothing left attached or mounted"
else
	bad "too few runs were interrupted (SIGINT $caught_int, SIGTERM $caught_term)"
fi
[ "$(img_sha "$T/many.img")" = "$sha3" ] && ok "interrupted checks: sha256 unchanged" ||
	bad "an interrupted check changed the image"

img_finish
