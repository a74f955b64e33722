#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fs_health.sh BINARY - the fs-health family on real ext2/ext4 images made here with mke2fs
# and broken with debugfs -w (superblock fields) or filled through a loop mount in a private
# mount namespace: each image gives exactly the expected codes in `check --json`, exit bit 4
# only with an error-level code, the usage figures of the superblock, and an unchanged sha256.
# Last, a damaged directory block (a bad checksum): the ssh-access check reports it as the
# user's fs.read.error, on the files sshd cannot open either, and goes on.
# ok and bad always succeed: "A && ok || bad" is an if-then-else here.
# shellcheck disable=SC2015
. "$(dirname "$0")/imagelib"

img_init "$1"
command -v jq >/dev/null 2>&1 || img_skip "jq is missing"
T=$IMG_TMP
img_tree "$T/tree" || { bad "building the tree"; img_finish; }
# What the victim tree alone gives (alice's keys file has CRLF endings: an info).
BASE="ssh.keys.crlf"

# expect NAME IMG "CODES" [JQ]: check --json IMG reports exactly CODES (plus $BASE), exit bit 4
# exactly when one is an error, the image is unchanged; JQ, if given, must hold on the report.
expect()
{
	name=$1 img=$2 want=$3 pred=${4:-true}
	sha=$(img_sha "$img")
	img_run check --json "$img"
	got=$(jq -r '[.findings[].code] | unique | join(" ")' "$OUT" 2>/dev/null)
	want_all=$(printf '%s\n' $want $BASE | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//')
	got_sorted=$(printf '%s\n' $got | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//')
	[ "$got_sorted" = "$want_all" ] && ok "$name: codes $want_all" ||
		bad "$name: codes '$got_sorted', expected '$want_all' (status $RC, $(cat "$ERR"))"
	errs=$(jq '[.findings[] | select(.severity == "error")] | length' "$OUT" 2>/dev/null)
	if [ "${errs:-0}" -gt 0 ]; then
		[ "$RC" -eq 4 ] && ok "$name: status 4 (an error-level code)" ||
			bad "$name: status $RC with $errs error(s), expected 4"
	else
		[ "$RC" -eq 0 ] && ok "$name: status 0 (no error-level code)" ||
			bad "$name: status $RC without errors, expected 0"
	fi
	jq -e "$pred" "$OUT" >/dev/null 2>&1 && ok "$name: $pred" || bad "$name: not $pred"
	[ "$(img_sha "$img")" = "$sha" ] && ok "$name: sha256 unchanged" ||
		bad "$name: check changed the image"
	img_no_leaks "$img" "$name"
}

# in_image IMG CMD...: run CMD with IMG mounted read-write on $T/mnt, in a private namespace.
in_image()
{
	_img=$1
	shift
	mkdir -p "$T/mnt"
	unshare -m --propagation private sh -c 'mount -t ext4 -o loop "$1" "$2" || exit 1
		mp=$2; shift 2; "$@"; r=$?; umount "$mp"; exit $r' sh "$_img" "$T/mnt" "$@"
}

# fill IMG UID: write zeros as UID into /tmp of IMG until ENOSPC.
fill()
{
	in_image "$1" setpriv --reuid "$2" --regid "$2" --clear-groups sh -c '
		dd if=/dev/zero of="$1" bs=64k 2>/dev/null
		dd if=/dev/zero of="$1" bs=1k oflag=append conv=notrunc 2>/dev/null; sync; true' \
		sh "$T/mnt/tmp/fill.$2"
}

FS='.filesystems[0]'

# 1. Clean: no fs finding, usage from the superblock.
img_make "$T/tree" "$T/clean.img" || bad "mke2fs clean"
expect clean "$T/clean.img" "" \
	"$FS.source == \"superblock\" and $FS.health_checked and $FS.blocks == 32768 and
	 $FS.block_size == 1024 and $FS.blocks_reserved_root == 1638 and
	 $FS.blocks_available_users > 0 and $FS.inodes > $FS.inodes_free and
	 ($FS.journal_unreplayed | not)"

# 2. The kernel recorded errors: state, count and both records.
cp "$T/clean.img" "$T/errors.img"
img_break "$T/errors.img" "ssv state 3" "ssv error_count 7" \
	"ssv first_error_time 20261130120001" "ssv first_error_func ext4_lookup" \
	"ssv first_error_line 1855" "ssv first_error_ino 12" "ssv first_error_block 4242" \
	"ssv last_error_time 20261201080000" "ssv last_error_func ext4_find_extent" \
	"ssv last_error_line 936" "ssv last_error_ino 13" || bad "debugfs ssv errors"
expect errors "$T/errors.img" "fs.errors" \
	'[.findings[] | select(.code == "fs.errors") | .evidence | test("7 errors recorded; first: 2026-11-30 12:00:01 UTC in ext4_lookup:1855, inode 12, block 4242; last: 2026-12-01 08:00:00 UTC in ext4_find_extent:936, inode 13")] | any'

# 3. A journal that needs recovery: a warning, and the figures say they are unreplayed.
cp "$T/clean.img" "$T/dirty.img"
img_break "$T/dirty.img" "feature needs_recovery" || bad "debugfs feature needs_recovery"
expect needs_recovery "$T/dirty.img" "fs.journal.recovery" "$FS.journal_unreplayed"

# 4. No journal, not cleanly unmounted (ext2).
mke2fs -q -F -t ext2 -d "$T/tree" "$T/ext2.img" 32M >/dev/null 2>&1 || bad "mke2fs ext2"
img_break "$T/ext2.img" "ssv state 0" || bad "debugfs ssv state 0"
expect unclean "$T/ext2.img" "fs.unclean" "$FS.fstype == \"ext2\""

# 5. An orphan list, and a check that is due (mount count over the maximum).
cp "$T/clean.img" "$T/orphan.img"
ino=$(debugfs -R "stat /etc/os-release" "$T/orphan.img" 2>/dev/null | sed -n 's/^Inode: \([0-9]*\).*/\1/p')
img_break "$T/orphan.img" "ssv last_orphan $ino" "ssv max_mnt_count 20" "ssv mnt_count 25" ||
	bad "debugfs ssv last_orphan/mnt_count"
expect orphans "$T/orphan.img" "fs.check.due fs.orphans" \
	'[.findings[] | select(.code == "fs.orphans") | .evidence | test("1 inode holding")] | any'

# 5a. A damaged orphan list that loops on itself: found, and the walk ends.
cp "$T/clean.img" "$T/loop.img"
img_break "$T/loop.img" "sif <$ino> dtime $ino" "ssv last_orphan $ino" || bad "debugfs loop"
expect orphan_loop "$T/loop.img" "fs.orphans" \
	'[.findings[] | select(.code == "fs.orphans") | .evidence | test("1 inode holding .* it loops")] | any'

# 5b. A read-only-compatible feature no Linux ext4 mounts read-write: an error (no repair).
cp "$T/clean.img" "$T/feature.img"
img_break "$T/feature.img" "feature shared_blocks" || bad "debugfs feature shared_blocks"
expect feature_rw "$T/feature.img" "fs.feature.rw" \
	'[.findings[] | select(.code == "fs.feature.rw") | .evidence | test("shared_blocks")] | any'

# 6. 100 % full for ordinary users: uid 65534 wrote until ENOSPC, root's reserve is left.
chmod 0711 "$T" # uid 65534 reaches the mountpoint, lists nothing
cp "$T/clean.img" "$T/full-users.img"
fill "$T/full-users.img" 65534 || bad "filling as uid 65534"
expect full_users "$T/full-users.img" "fs.space.users" \
	"$FS.blocks_available_users == 0 and $FS.blocks_available_root > 0"

# 7. Full for root too.
cp "$T/full-users.img" "$T/full-root.img"
fill "$T/full-root.img" 0 || bad "filling as root"
expect full_root "$T/full-root.img" "fs.space.root" "$FS.blocks_available_root == 0"

# 8. Out of inodes: 128 inodes, empty files until ENOSPC.
mke2fs -q -F -t ext4 -N 128 -d "$T/tree" "$T/inodes.img" 32M >/dev/null 2>&1 ||
	bad "mke2fs -N 128"
in_image "$T/inodes.img" sh -c 'i=0; while touch "$1/tmp/f$i" 2>/dev/null; do
	i=$((i + 1)); done' sh "$T/mnt" || bad "using up the inodes"
expect inodes "$T/inodes.img" "fs.inodes.full" "$FS.inodes_free == 0"

# 9. A directory target: only statvfs, and the report says the health was not checked.
img_run check --json "$T/tree"
jq -e "$FS.source == \"statvfs\" and ($FS.health_checked | not) and
	($FS.health_note | test(\"directory\"))" "$OUT" >/dev/null 2>&1 &&
	ok "directory: statvfs only, health not checked" ||
	bad "directory: $(jq -c "$FS" "$OUT" 2>/dev/null) $(cat "$ERR")"
img_run check "$T/errors.img"
grep -q '^Filesystem /: ext4, 32.0 MiB' "$OUT" && ok "text report: the Filesystem line" ||
	bad "text report: $(head -n 4 "$OUT")"

# 10. The directory block of alice's ~/.ssh fails its checksum (its entries are intact): the
# kernel answers "Bad message" to the lookup of authorized_keys, as it does to sshd. That is
# alice's finding, on that path; her verdict is not "no authorized keys"; the others are judged.
cp "$T/clean.img" "$T/dircsum.img"
blk=$(debugfs -R "blocks /home/alice/.ssh" "$T/dircsum.img" 2>/dev/null | tr -d ' \n')
bs=$(dumpe2fs -h "$T/dircsum.img" 2>/dev/null | sed -n 's/^Block size: *//p')
img_break "$T/dircsum.img" "zap_block -o $((bs - 4)) -l 4 -p 0x5a $blk" || bad "debugfs zap_block"
sha=$(img_sha "$T/dircsum.img")
img_run check --json "$T/dircsum.img"
[ "$RC" -eq 4 ] && ok "dir csum: status 4" || bad "dir csum: status $RC ($(cat "$ERR"))"
# (sshd's default AuthorizedKeysFile is two files in that directory: one finding for each)
jq -e '[.findings[] | select(.code == "fs.read.error")] | length == 2 and all(.user == "alice"
	and (.evidence | test("Bad message"))) and ([.[].path] | sort ==
	["/home/alice/.ssh/authorized_keys", "/home/alice/.ssh/authorized_keys2"])' \
	"$OUT" >/dev/null 2>&1 && ok "dir csum: fs.read.error for alice on each of her keys files" ||
	bad "dir csum: $(jq -c '[.findings[] | {code, user, path}]' "$OUT" 2>/dev/null)"
jq -e '([.findings[] | select(.code == "check.failed")] | length == 0) and
	([.users[] | select(.name == "alice")][0].key_login == false) and
	([.users[] | select(.name == "root")] | length == 1)' "$OUT" >/dev/null 2>&1 &&
	ok "dir csum: no check.failed, alice cannot log in, root still judged" ||
	bad "dir csum: $(jq -c '.users' "$OUT" 2>/dev/null)"
[ "$(img_sha "$T/dircsum.img")" = "$sha" ] && ok "dir csum: sha256 unchanged" ||
	bad "dir csum: check changed the image"
img_run check "$T/dircsum.img"
grep -q '^  alice cannot log in with a key: the kernel refused .*authorized_keys (fs.read.error)$' \
	"$OUT" && ok "dir csum: the verdict line names the damage" ||
	bad "dir csum: verdict $(grep -A3 '^Verdict' "$OUT")"
img_no_leaks "$T/dircsum.img" "dir csum"

img_finish
