#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fs_deep.sh BINARY - check --deep and the filesystem repair of fix, on real images made here.
# The oracle is the real checker: `check --deep` must give e2fsck -fn's own exit status and
# verdict for the same image (clean, and damaged with debugfs -w), and never change the image;
# `fix --apply --only fs.errors` must leave an image e2fsck -fn finds clean, a metadata backup
# that e2image -r turns back into the damaged state, and a log on the victim that undo removes;
# without --only, or with a backup that cannot be written, nothing may change. An XFS image
# with a dirty log (xfs_io shutdown) is judged by xfs_repair -n, and repaired when asked.
# ok and bad always succeed: "A && ok || bad" is an if-then-else here.
# shellcheck disable=SC2015
. "$(dirname "$0")/imagelib"

img_init "$1"
command -v jq >/dev/null 2>&1 || img_skip "jq is missing"
command -v e2image >/dev/null 2>&1 || img_skip "e2image is missing"
T=$IMG_TMP
img_tree "$T/tree" || { bad "building the tree"; img_finish; }
mkdir -p "$T/tree/var/log" || bad "mkdir var/log"
FS='.filesystems[0]'

# deep NAME IMG: check --deep agrees with e2fsck -fn on IMG, and IMG is unchanged.
deep()
{
	name=$1 img=$2
	e2fsck -fn "$img" >"$T/e2fsck.out" 2>&1
	want_rc=$?
	sha=$(img_sha "$img")
	img_run check --deep --json "$img"
	got_rc=$(jq -r "$FS.deep_check.exit_status" "$OUT" 2>/dev/null)
	[ "$got_rc" = "$want_rc" ] && ok "$name: deep exit status $got_rc, as e2fsck -fn's" ||
		bad "$name: deep exit status '$got_rc', e2fsck -fn gave $want_rc ($(cat "$ERR"))"
	[ "$(img_sha "$img")" = "$sha" ] && ok "$name: check --deep left the image unchanged" ||
		bad "$name: check --deep changed the image"
	img_no_leaks "$img" "$name"
}

# 1. A clean image: verdict clean, no fs.deep.* code.
img_make "$T/tree" "$T/clean.img" || bad "mke2fs clean"
deep clean "$T/clean.img"
jq -e "$FS.deep_check.verdict == \"clean\" and $FS.deep_check.tool == \"e2fsck\" and
	([.findings[].code | select(startswith(\"fs.deep\"))] | length == 0)" "$OUT" >/dev/null &&
	ok "clean: verdict clean, no fs.deep code" || bad "clean: $(jq -c "$FS.deep_check" "$OUT")"
# without --deep, no checker runs
img_run check --json "$T/clean.img"
jq -e "$FS.deep_check == null" "$OUT" >/dev/null && ok "clean: no deep check without --deep" ||
	bad "clean: a deep check ran without --deep"

# 2. Damaged: the kernel's error flag and blocks marked in use that no file owns.
cp "$T/clean.img" "$T/bad.img"
free16=$(debugfs -R "ffb 16 25000" "$T/bad.img" 2>/dev/null | sed -n 's/^Free blocks found: \([0-9]*\).*/\1/p')
img_break "$T/bad.img" "ssv state 3" "ssv error_count 2" "setb ${free16:-25000} 16" ||
	bad "debugfs damage"
deep damaged "$T/bad.img"
jq -e "$FS.deep_check.verdict == \"damaged\" and
	([.findings[] | select(.code == \"fs.deep.damaged\" and
	 (.evidence | contains(\"Block bitmap differences\")))] | length == 1) and
	([.findings[] | select(.code == \"fs.errors\")] | length == 1)" "$OUT" >/dev/null &&
	ok "damaged: fs.deep.damaged with e2fsck's own words, and fs.errors" ||
	bad "damaged: $(jq -c '[.findings[] | {code, evidence}]' "$OUT")"
[ "$RC" -eq 4 ] && ok "damaged: status 4" || bad "damaged: status $RC, expected 4"

# 3. fix without --only: the repair is opt-in; the damage read before the read-write mount is
#    reported and listed as not repaired; no checker runs.
cp "$T/bad.img" "$T/held.img"
sha=$(img_sha "$T/held.img")
img_run fix --apply "$T/held.img"
grep -q 'fix --apply --only fs.errors' "$OUT" && ok "held: says how to ask for the repair" ||
	bad "held: no hint in $(head -c 600 "$OUT")"
e2fsck -fn "$T/held.img" >/dev/null 2>&1
[ $? -eq 4 ] && ok "held: still damaged (no e2fsck ran)" || bad "held: the image was repaired"
dumpe2fs -h "$T/held.img" 2>/dev/null | grep -q '^Filesystem state:.*with errors' &&
	ok "held: the error flag is still set" || bad "held: the error flag was cleared"

# 4. The preview names the two steps and changes nothing.
sha=$(img_sha "$T/bad.img")
img_run fix --only fs.errors "$T/bad.img"
grep -q 'save the metadata with e2image' "$OUT" && grep -q 'repair with e2fsck' "$OUT" &&
	ok "preview: backup and e2fsck announced" || bad "preview: $(head -c 600 "$OUT")"
[ "$(img_sha "$T/bad.img")" = "$sha" ] && ok "preview: image unchanged" ||
	bad "preview: the image changed"

# 5. A backup that cannot be made (the file exists): nothing is repaired, status 8.
cp "$T/bad.img" "$T/nobackup.img"
sha=$(img_sha "$T/nobackup.img")
: >"$T/exists.qcow2"
img_run fix --apply --only fs.errors --fs-backup "$T/exists.qcow2" "$T/nobackup.img"
[ "$RC" -eq 8 ] && ok "no backup: status 8" || bad "no backup: status $RC, expected 8"
[ "$(img_sha "$T/nobackup.img")" = "$sha" ] && ok "no backup: image unchanged" ||
	bad "no backup: the image changed"
[ ! -s "$T/exists.qcow2" ] && ok "no backup: the existing file is untouched" ||
	bad "no backup: the existing file was written"
img_run fix --apply --only fs.errors --fs-backup "$T/x" --no-fs-backup "$T/nobackup.img"
[ "$RC" -eq 16 ] && ok "contradicting options: status 16" || bad "contradicting: status $RC"

# 6. The repair: backup first, then e2fsck -fy; the checker finds it clean afterwards.
cp "$T/bad.img" "$T/fixed.img"
img_run fix --apply --only fs.errors --fs-backup "$T/meta.qcow2" "$T/fixed.img"
[ $((RC & 1)) -eq 1 ] && [ $((RC & 24)) -eq 0 ] && ok "repair: status $RC (fixed)" ||
	bad "repair: status $RC ($(cat "$ERR"))"
e2fsck -fn "$T/fixed.img" >/dev/null 2>&1
[ $? -eq 0 ] && ok "repair: e2fsck -fn finds the image clean" || bad "repair: still damaged"
dumpe2fs -h "$T/fixed.img" 2>/dev/null | grep -q '^Filesystem state: *clean$' &&
	ok "repair: error flag cleared" || bad "repair: state $(dumpe2fs -h "$T/fixed.img" 2>&1 |
	grep 'state')"
if e2image -r "$T/meta.qcow2" "$T/restored.raw" >/dev/null 2>&1 &&
	dumpe2fs -h "$T/restored.raw" 2>/dev/null | grep -q '^Filesystem state:.*with errors'; then
	ok "repair: the backup restores the damaged metadata (e2image -r)"
else
	bad "repair: the backup does not give back the state before"
fi
log=$(debugfs -R 'ls /var/log/sshrescue' "$T/fixed.img" 2>/dev/null | grep -o 'fsck-[0-9TZ]*\.log')
[ -n "$log" ] && debugfs -R "cat /var/log/sshrescue/$log" "$T/fixed.img" 2>/dev/null |
	grep -q "command: e2fsck -z $T/meta.e2undo -f -y" &&
	ok "repair: its log is on the victim ($log), e2fsck kept an undo file" ||
	bad "repair: no log on the victim"
img_run check --json "$T/fixed.img"
jq -e '[.findings[] | select(.code | startswith("fs."))] | length == 0' "$OUT" >/dev/null &&
	ok "repair: check finds no fs problem" || bad "repair: $(jq -c '[.findings[].code]' "$OUT")"
img_run fix --only fs.errors "$T/fixed.img"
grep -q 'nothing to change' "$OUT" && ok "repair: a second fix plans nothing" ||
	bad "repair: second fix: $(head -c 400 "$OUT")"
img_run undo "$T/fixed.img"
[ "$RC" -eq 0 ] && ! debugfs -R "stat /var/log/sshrescue/$log" "$T/fixed.img" 2>/dev/null |
	grep -q '^Inode:' && ok "undo: the log is gone" || bad "undo: status $RC, log still there"
img_no_leaks "$T/fixed.img" repair

# 7. A directory target cannot be deep-checked: said, not silently skipped.
img_run check --deep --json "$T/tree"
jq -e '[.findings[] | select(.code == "fs.deep.failed")] | length == 1' "$OUT" >/dev/null &&
	ok "directory: fs.deep.failed" || bad "directory: $(jq -c '[.findings[].code]' "$OUT")"

# 8. XFS with a dirty log: xfs_repair -n is the judge; the repair asked by code dumps the
#    metadata (xfs_metadump), replays the log by one mount when that is safe (the log reads
#    whole with xfs_logprint, a read-only mount without recovery works), and runs xfs_repair;
#    a log that does not read is not replayed.
if command -v mkfs.xfs >/dev/null 2>&1 && command -v xfs_io >/dev/null 2>&1; then
	truncate -s 300M "$T/xfs.img"
	mkfs.xfs -q "$T/xfs.img" || bad "mkfs.xfs"
	mkdir -p "$T/xmnt"
	if unshare -m --propagation private sh -c 'mount -o loop "$1" "$2" || exit 1
		cp -a "$3"/. "$2"/ && sync && echo new >"$2/etc/motd" &&
		xfs_io -x -c "shutdown" "$2"; umount "$2"' sh "$T/xfs.img" "$T/xmnt" "$T/tree"; then
		xfs_repair -n "$T/xfs.img" >"$T/xfs.out" 2>&1
		want=$?
		sha=$(img_sha "$T/xfs.img")
		img_run check --deep --json "$T/xfs.img"
		jq -e --argjson w "$want" "$FS.deep_check.tool == \"xfs_repair\" and
			$FS.deep_check.exit_status == \$w" "$OUT" >/dev/null &&
			ok "xfs: deep exit status $want, as xfs_repair -n's" ||
			bad "xfs: $(jq -c "$FS.deep_check" "$OUT") vs xfs_repair -n $want ($(cat "$ERR"))"
		[ "$(img_sha "$T/xfs.img")" = "$sha" ] && ok "xfs: image unchanged (log not replayed)" ||
			bad "xfs: check --deep changed the image"
		# a copy whose log is garbage (its first 64 blocks random): xfs_logprint cannot
		# read it, so it is not replayed, xfs_repair -L is only proposed, nothing changes
		cp --sparse=always "$T/xfs.img" "$T/xfsbad.img"
		lstart=$(xfs_db -r -c 'sb 0' -c 'p logstart' "$T/xfsbad.img" | sed 's/.* = //')
		loff=$(xfs_db -r -c "convert fsblock $lstart byte" "$T/xfsbad.img" |
			sed 's/.*(\([0-9]*\)).*/\1/')
		head -c $((64 * 4096)) /dev/urandom |
			dd of="$T/xfsbad.img" bs=4096 seek=$((loff / 4096)) conv=notrunc status=none
		xfs_logprint -t "$T/xfsbad.img" >/dev/null 2>&1 && bad "xfs: the garbled log still reads"
		sha=$(img_sha "$T/xfsbad.img")
		img_run fix --apply --only fs.deep.damaged --fs-backup "$T/xfsbad.meta" "$T/xfsbad.img"
		[ "$RC" -eq 4 ] &&
			grep -q "xfs_logprint cannot read the XFS log" "$ERR" &&
			grep -q "run 'xfs_repair -L' yourself" "$ERR" && ! grep -q 'log replay: mount' "$OUT" &&
			ok "xfs: a log xfs_logprint cannot read is not replayed, -L only proposed" ||
			bad "xfs: garbled log: status $RC: $(cat "$ERR") $(head -c 800 "$OUT")"
		[ "$(img_sha "$T/xfsbad.img")" = "$sha" ] &&
			ok "xfs: the image with the garbled log is unchanged" ||
			bad "xfs: the image with the garbled log changed"
		img_no_leaks "$T/xfsbad.img" xfs-garbled
		# the repair: metadata dump, xfs_repair refuses the dirty log (exit 2), one mount
		# replays it, xfs_repair again; afterwards xfs_repair -n finds nothing
		img_run fix --apply --only fs.deep.damaged --fs-backup "$T/xfs.meta" "$T/xfs.img"
		[ $((RC & 1)) -eq 1 ] && [ $((RC & 24)) -eq 0 ] &&
			grep -q 'log replay: safe' "$OUT" && grep -q 'log replay: mount and unmount' "$OUT" &&
			ok "xfs: repaired after a log replay (status $RC)" ||
			bad "xfs: fix status $RC: $(cat "$ERR") $(head -c 800 "$OUT")"
		xfs_repair -n "$T/xfs.img" >/dev/null 2>&1
		[ $? -eq 0 ] && ok "xfs: xfs_repair -n finds it clean afterwards" ||
			bad "xfs: still damaged after the repair"
		[ -s "$T/xfs.meta" ] && ok "xfs: the metadata dump was written first" ||
			bad "xfs: no metadata dump"
		img_no_leaks "$T/xfs.img" xfs
	else
		bad "making the dirty XFS image"
	fi
fi
img_finish
