#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# devices.sh BINARY - volumes as a recovery helper sees them, on images made here.
# 1. A partitioned disk image (sfdisk, GPT) whose second partition is the victim's root, made
#    with mke2fs -E offset= (loop partition scanning is not needed, and not on every kernel):
#    `check` on the whole disk names --partition; `check --partition 2` reads the root;
#    a partition that does not exist is a clear error; nothing changes the image.
# 2. `sshrescue devices` with the victim's root, its /home and its swap attached as loop
#    devices: each listed with blkid's type, label and UUID; the root found to be a Linux root
#    with its OS and sshd, its fstab's / (by UUID) and /home (by LABEL) resolved to the
#    devices here; /home found to be no root; nothing changed.
# 3. A clone (another filesystem with the root's UUID, mounted in a private namespace):
#    flagged by `devices` and by `check` (fs.uuid.clone), and not without it.
# 4. An image whose loop device is still being detached: check waits for it.
# ok and bad always succeed: "A && ok || bad" is an if-then-else here.
# shellcheck disable=SC2015
. "$(dirname "$0")/imagelib"

img_init "$1"
command -v jq >/dev/null 2>&1 || img_skip "jq is missing"
command -v sfdisk >/dev/null 2>&1 || img_skip "sfdisk is missing"
T=$IMG_TMP
ROOT_UUID=6f1e3c1a-1b2c-4d5e-8f90-0123456789ab
HOME_UUID=0a9b8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d
SWAP_UUID=5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d
img_tree "$T/tree" || { bad "building the tree"; img_finish; }
cat >"$T/tree/etc/fstab" <<EOF
# <file system> <mount point> <type> <options> <dump> <pass>
UUID=$ROOT_UUID / ext4 errors=remount-ro 0 1
LABEL=vichome /home ext4 defaults 0 2
UUID=$SWAP_UUID none swap sw 0 0
EOF
mkdir -p "$T/home/alice"

# 1. The partitioned disk.
truncate -s 100M "$T/disk.img"
printf 'label: gpt\nsize=8M, type=swap\nsize=48M, type=linux\ntype=linux\n' |
	sfdisk -q "$T/disk.img" >/dev/null 2>&1 || bad "sfdisk"
start2=$(sfdisk -d "$T/disk.img" 2>/dev/null | sed -n 's/.*disk.img2 : start= *\([0-9]*\), size= *\([0-9]*\).*/\1/p')
size2=$(sfdisk -d "$T/disk.img" 2>/dev/null | sed -n 's/.*disk.img2 : start= *[0-9]*, size= *\([0-9]*\).*/\1/p')
[ -n "$start2" ] && [ -n "$size2" ] || bad "sfdisk -d: no partition 2"
mke2fs -q -F -t ext4 -U "$ROOT_UUID" -L vicroot -E offset=$((start2 * 512)) -d "$T/tree" \
	"$T/disk.img" $((size2 / 2))k >/dev/null 2>&1 || bad "mke2fs in partition 2"
sha=$(img_sha "$T/disk.img")
img_run check "$T/disk.img"
[ "$RC" -eq 8 ] && grep -q 'partition table (gpt).*--partition N' "$ERR" &&
	ok "check DISK: names the partition table and --partition" ||
	bad "check DISK: status $RC: $(cat "$ERR")"
img_run check --json --partition 2 "$T/disk.img"
[ $((RC & 24)) -eq 0 ] && jq -e --arg u "$ROOT_UUID" '.target.partition == 2 and
	.target.uuid == $u and .target.fstype == "ext4" and
	([.users[] | select(.name == "alice")] | length == 1)' "$OUT" >/dev/null &&
	ok "check --partition 2: the victim's root" || bad "check --partition 2: status $RC: $(cat "$ERR")"
img_run check --partition 9 "$T/disk.img"
[ "$RC" -eq 8 ] && grep -q 'no partition 9 (it has 3)' "$ERR" &&
	ok "check --partition 9: no such partition" || bad "--partition 9: status $RC: $(cat "$ERR")"
img_run check --partition 2x "$T/disk.img"
[ "$RC" -eq 16 ] && ok "--partition 2x: usage error" || bad "--partition 2x: status $RC"
[ "$(img_sha "$T/disk.img")" = "$sha" ] && ok "disk image unchanged" || bad "disk image changed"
img_no_leaks "$T/disk.img" disk

# 2. devices, with the volumes attached as loop devices.
mke2fs -q -F -t ext4 -U "$ROOT_UUID" -L vicroot -d "$T/tree" "$T/root.img" 32M >/dev/null 2>&1 ||
	bad "mke2fs root"
mke2fs -q -F -t ext4 -U "$HOME_UUID" -L vichome -d "$T/home" "$T/home.img" 16M >/dev/null 2>&1 ||
	bad "mke2fs home"
truncate -s 8M "$T/swap.img" && mkswap -q -U "$SWAP_UUID" "$T/swap.img" >/dev/null 2>&1 ||
	bad "mkswap"
LOOPS=
# attach IMG: a read-only loop device in $AT, remembered for the cleanup (no subshell)
attach() { AT=$(losetup -f --show -r "$1") && LOOPS="$LOOPS $AT"; }
trap 'for l in $LOOPS; do losetup -d "$l" 2>/dev/null; done; img_cleanup' EXIT
attach "$T/root.img" && LR=$AT && attach "$T/home.img" && LH=$AT &&
	attach "$T/swap.img" && LS=$AT || { bad "losetup"; img_finish; }
sha=$(img_sha "$T/root.img")
img_run devices --json
dev() { jq -c --arg d "$1" '.[] | select(.device == $d)' "$OUT"; }
# each jq -e below needs a non-empty record: jq accepts an empty input as success
has() { [ -n "$1" ] && printf '%s\n' "$1" | jq -e "$2" >/dev/null; }
r=$(dev "$LR") h=$(dev "$LH") w=$(dev "$LS")
[ "$RC" -eq 0 ] && ok "devices: status 0" || bad "devices: status $RC ($(cat "$ERR"))"
has "$w" ".type == \"swap\" and .uuid == \"$SWAP_UUID\" and (.linux_root | not) and
	(.hint | startswith(\"swap\"))" && ok "swap: listed as swap" || bad "swap: '$w'"
has "$r" ".type == \"ext4\" and .uuid == \"$ROOT_UUID\" and .label == \"vicroot\" and
	.linux_root and .sshd and .os == \"Debian GNU/Linux 12 (bookworm)\"" &&
	ok "root: a Linux root, with its OS and sshd" || bad "root: '$r'"
has "$r" "[.fstab[] | select(.mountpoint == \"/\" and .device == \"$LR\")] | length == 1" &&
	has "$r" "[.fstab[] | select(.mountpoint == \"/home\" and .device == \"$LH\" and
		.spec == \"LABEL=vichome\")] | length == 1" &&
	ok "root: its fstab's / and /home found on the devices here" || bad "root fstab: '$r'"
has "$h" ".type == \"ext4\" and (.linux_root | not) and
	(.not_root_because | contains(\"passwd\"))" && ok "home: a filesystem, not a root" ||
	bad "home: '$h'"
img_run devices
grep -q "a Linux root: Debian GNU/Linux 12 (bookworm), with /usr/sbin/sshd" "$OUT" &&
	grep -q "fstab: /home on LABEL=vichome = $LH" "$OUT" &&
	ok "devices (text): root and fstab lines" || bad "devices (text): $(cat "$OUT")"
[ "$(img_sha "$T/root.img")" = "$sha" ] && ok "devices changed nothing" ||
	bad "devices changed the root image"

# A clone: another filesystem with the root's UUID, mounted on the helper (private namespace).
mke2fs -q -F -t ext4 -U "$ROOT_UUID" -d "$T/tree" "$T/clone.img" 32M >/dev/null 2>&1 ||
	bad "mke2fs clone"
mkdir -p "$T/cmnt"
unshare -m --propagation private sh -c 'mount -o ro,loop "$1" "$2" || exit 9
	"$3" devices --json >"$4.devices"; "$3" check --json "$5" >"$4.check"; exit 0' \
	sh "$T/clone.img" "$T/cmnt" "$IMG_BIN" "$T/clone" "$T/root.img"
[ $? -eq 0 ] || bad "mounting the clone"
jq -e --arg d "$LR" --arg m "$T/cmnt" '[.[] | select(.device == $d and
	.uuid_clone_of == $m)] | length == 1' "$T/clone.devices" >/dev/null &&
	ok "clone: devices names the helper's mount with the same UUID" ||
	bad "clone: $(jq -c --arg d "$LR" '.[] | select(.device == $d)' "$T/clone.devices")"
jq -e '[.findings[] | select(.code == "fs.uuid.clone")] | length == 1' "$T/clone.check" \
	>/dev/null && ok "clone: check reports fs.uuid.clone" ||
	bad "clone: $(jq -c '[.findings[].code]' "$T/clone.check")"
img_run check --json "$T/root.img"
jq -e '.schema == "sshrescue-report" and
	([.findings[] | select(.code == "fs.uuid.clone")] | length == 0)' "$OUT" >/dev/null &&
	ok "no clone mounted: no fs.uuid.clone" || bad "fs.uuid.clone without a clone"
img_no_leaks "$T/clone.img" clone

# 4. Right after a mount of the image ends, its loop device is still being detached: check
#    waits for it (at most 5 s), then sees what that mount wrote.
mkdir -p "$T/lmnt"
cp "$T/root.img" "$T/late.img"
unshare -m --propagation private sh -c 'mount -o loop "$1" "$2" || exit 9
	echo "written just before" >"$2/etc/motd" && (sleep 1; umount "$2") &
	sleep 0.2; t0=$(date +%s%N); "$3" check --json "$1" >"$4.json" 2>"$4.err"; rc=$?
	echo "$rc $(( ($(date +%s%N) - t0) / 1000000 ))" >"$4.rc"; wait' \
	sh "$T/late.img" "$T/lmnt" "$IMG_BIN" "$T/late"
read -r lrc lms <"$T/late.rc"
[ "$lrc" -eq 0 ] && [ "$lms" -ge 700 ] && [ "$lms" -lt 6000 ] &&
	ok "late detach: check waited ${lms} ms for the loop device, then read the image" ||
	bad "late detach: status $lrc after ${lms} ms: $(cat "$T/late.err")"
img_no_leaks "$T/late.img" late
img_finish
