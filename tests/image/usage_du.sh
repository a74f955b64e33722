#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# usage_du.sh BINARY - `sshrescue usage` against its oracle, du: on ext2/3/4 images made
# here with mke2fs -d from one tree (hard links, a sparse file, a 3000-entry directory, deep
# nesting, symlinks, inline-data, block-mapped and htree directories), the totals of the
# unmounted-image scan equal du -x -s --block-size=1K and du -x -s --inodes of the same
# image mounted read-only (ro,noload, in a private mount namespace), to the KiB and the
# inode; the image is unchanged; XFS and btrfs images (mounted read-only and walked) and a
# directory target agree with du as well; check names what fills a full disk.
# shellcheck disable=SC2015,SC2016
. "$(dirname "$0")/imagelib"

img_init "$1"
command -v jq >/dev/null 2>&1 || img_skip "jq is missing"
T=$IMG_TMP
d=$T/tree
mkdir -p "$d/etc" "$d/var/log" "$d/big" "$d/deep" "$d/home/alice/.ssh" "$d/inl/a" "$d/inl/b"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$d/etc/passwd"
i=0
while [ $i -lt 3000 ]; do # more than 12 blocks of 1 KiB: indirect blocks when block-mapped
	printf 'x' >"$d/big/a-rather-long-file-name-to-fill-blocks-$i"
	i=$((i + 1))
done
p=$d/deep
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	p=$p/level$i
done
mkdir -p "$p" && printf 'bottom' >"$p/file"
head -c 300000 /dev/urandom >"$d/var/log/syslog"
ln "$d/var/log/syslog" "$d/home/alice/syslog.link" # a hard link: counted once
ln "$d/var/log/syslog" "$d/etc/syslog.link2"
truncate -s 64M "$d/var/log/sparse" # 64 MiB long, two blocks of data
printf 'a' | dd of="$d/var/log/sparse" bs=1 seek=1000000 conv=notrunc 2>/dev/null
printf 'b' | dd of="$d/var/log/sparse" bs=1 seek=50000000 conv=notrunc 2>/dev/null
ln -s /etc/passwd "$d/home/alice/link"
ln -s ../../.. "$d/home/alice/.ssh/loop"
printf 'k' >"$d/inl/a/f" && printf 'l' >"$d/inl/b/g"
mkfifo "$d/var/log/fifo"

# oracle IMG: "KIB INODES" of du -x on IMG mounted read-only in a private namespace
oracle()
{
	mkdir -p "$T/mnt"
	unshare -m --propagation private sh -c 'mount -o ro,noload,loop "$1" "$2" 2>/dev/null ||
		mount -o ro,norecovery,loop "$1" "$2" 2>/dev/null || mount -o ro,loop "$1" "$2" || exit 1
		printf "%s %s\n" "$(du -x -s --block-size=1K "$2" | cut -f1)" \
			"$(du -x -s --inodes "$2" | cut -f1)"; umount "$2"' sh "$1" "$T/mnt"
}

# same NAME MKE2FS-ARGS...: an image made with those options, scanned, equals du
same()
{
	name=$1
	shift
	img=$T/$name.img
	rm -f "$img"
	mke2fs -q -F "$@" -d "$d" "$img" 96M >/dev/null 2>&1 || { bad "$name: mke2fs $*"; return; }
	case $name in
	*htree*) # mke2fs -d writes linear directories; e2fsck -D indexes them (htree)
		e2fsck -fyD "$img" >/dev/null 2>&1
		debugfs -R "htree /big" "$img" 2>/dev/null | grep -q "Root node dump" &&
			ok "$name: /big is an htree directory" || bad "$name: /big has no htree" ;;
	esac
	sha=$(img_sha "$img")
	img_run usage --json "$img"
	[ "$RC" -eq 0 ] || { bad "$name: usage status $RC ($(cat "$ERR"))"; return; }
	ours="$(jq -r '"\(.kib) \(.inodes)"' "$OUT")"
	want=$(oracle "$img")
	[ "$ours" = "$want" ] && ok "$name: usage = du: $ours (KiB, inodes)" ||
		bad "$name: usage says '$ours', du '$want'"
	[ "$(jq -r .method "$OUT")" = ext4 ] && ok "$name: scanned unmounted (libext2fs)" ||
		bad "$name: method $(jq -r .method "$OUT")"
	[ "$(jq -r .damaged "$OUT")" = 0 ] && ok "$name: nothing damaged" ||
		bad "$name: $(jq -r .damaged "$OUT") damaged entries"
	jq -e '(.largest_files[0].path | test("^/(var/log/syslog|etc/syslog.link2|home/alice/syslog.link)$")) and
		(.largest_files | map(select(.path | test("syslog"))) | length == 1)' \
		"$OUT" >/dev/null && ok "$name: the hard-linked log is listed once, first" ||
		bad "$name: largest files $(jq -c '[.largest_files[].path]' "$OUT")"
	jq -e '.top_directories_by_inodes[0].path == "/big" and
		.top_directories_by_inodes[0].inodes == 3001' "$OUT" >/dev/null &&
		ok "$name: /big has 3001 inodes" ||
		bad "$name: by inodes $(jq -c '.top_directories_by_inodes[0]' "$OUT")"
	[ "$(img_sha "$img")" = "$sha" ] && ok "$name: image unchanged" || bad "$name: changed"
}

same ext4 -t ext4 -b 4096
same ext4-1k-blockmap -t ext4 -b 1024 -O ^extent,^dir_index,^64bit
same ext3 -t ext3 -b 1024
same ext2 -t ext2
same ext4-inline -t ext4 -I 256 -O inline_data
same ext4-csum-htree -t ext4 -b 1024 -O metadata_csum,dir_index

# The sparse file counts its two blocks, not its 64 MiB.
img_run usage --json --top 50 "$T/ext4.img"
jq -e '[.largest_files[] | select(.path == "/var/log/sparse")][0].bytes == 8192' "$OUT" \
	>/dev/null && ok "sparse: 8 KiB allocated of 64 MiB" ||
	bad "sparse: $(jq -c '[.largest_files[] | select(.path == "/var/log/sparse")]' "$OUT")"

# A journal that needs recovery: the scan says it is of the unreplayed state.
cp "$T/ext4.img" "$T/dirty.img"
img_break "$T/dirty.img" "feature needs_recovery"
img_run usage "$T/dirty.img"
grep -q "unreplayed state" "$OUT" && ok "needs_recovery: said so" ||
	bad "needs_recovery: not said ($(head -n 3 "$OUT"))"

# check on a disk full for root too: the finding's evidence names what fills it.
cp "$T/ext4.img" "$T/full.img"
mkdir -p "$T/mnt"
unshare -m --propagation private sh -c 'mount -o loop "$1" "$2" || exit 1
	n=$((1 << 30)); o=0
	while [ $n -ge 4096 ]; do
		if fallocate -o $o -l $n "$2/var/log/fill" 2>/dev/null; then o=$((o + n)); else n=$((n / 2)); fi
	done; umount "$2"' sh "$T/full.img" "$T/mnt" || bad "filling full.img"
sha=$(img_sha "$T/full.img")
img_run check --json "$T/full.img"
ev=$(jq -r '.findings[] | select(.code == "fs.space.root") | .evidence' "$OUT")
case $ev in
*"largest files: /var/log/fill "*) ok "check: fs.space.root names /var/log/fill" ;;
*) bad "check: fs.space.root evidence '$ev'" ;;
esac
[ "$(img_sha "$T/full.img")" = "$sha" ] && ok "check: full.img unchanged" || bad "check: changed"

# XFS and btrfs images: mounted read-only (norecovery / ro) and walked; the totals equal du's.
for fs in xfs btrfs; do
	command -v "mkfs.$fs" >/dev/null 2>&1 || { ok "$fs: mkfs.$fs missing, skipped"; continue; }
	img=$T/$fs.img
	rm -f "$img"
	truncate -s 320M "$img"
	"mkfs.$fs" -q "$img" >/dev/null 2>&1 || { bad "$fs: mkfs.$fs"; continue; }
	unshare -m --propagation private sh -c 'mount -o loop "$1" "$2" || exit 1
		cp -a "$3/." "$2/" && umount "$2"' sh "$img" "$T/mnt" "$d" || { bad "$fs: copy"; continue; }
	img_run usage --json "$img"
	ours="$(jq -r '"\(.kib) \(.inodes) \(.method)"' "$OUT")"
	want="$(oracle "$img") walk"
	[ "$ours" = "$want" ] && ok "$fs: usage (walk) = du: $ours" || bad "$fs: '$ours', du '$want'"
	img_no_leaks "$img" "usage $fs"
done

# The second partition of a disk image (--partition 2): the same totals as the bare filesystem.
if command -v sfdisk >/dev/null 2>&1; then
	truncate -s 130M "$T/disk.img"
	printf 'label: dos\n,8M,L\n,,L\n' | sfdisk -q "$T/disk.img" >/dev/null 2>&1
	start=$(sfdisk -d "$T/disk.img" | sed -n 's/.*disk.img2 : start= *\([0-9]*\),.*/\1/p')
	dd if="$T/ext4.img" of="$T/disk.img" bs=512 seek="$start" conv=notrunc status=none
	img_run usage --json "$T/ext4.img"
	want=$(jq -r '"\(.kib) \(.inodes)"' "$OUT")
	img_run usage --json --partition 2 "$T/disk.img"
	ours=$(jq -r '"\(.kib) \(.inodes) \(.method)"' "$OUT")
	[ "$ours" = "$want ext4" ] && ok "partition 2: $ours" || bad "partition 2: '$ours', want '$want ext4'"
	img_no_leaks "$T/disk.img" "usage --partition"
fi

# A directory target is walked, never leaving it; its totals equal du's of the same tree.
img_run usage --json "$d"
ours="$(jq -r '"\(.kib) \(.inodes) \(.method)"' "$OUT")"
want="$(du -x -s --block-size=1K "$d" | cut -f1) $(du -x -s --inodes "$d" | cut -f1) walk"
[ "$ours" = "$want" ] && ok "directory walk = du: $ours" || bad "walk '$ours', du '$want'"
img_no_leaks "$T/ext4.img" usage
img_finish
