#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# beside.sh BINARY - a victim whose /home is another volume, named by LABEL= in its fstab.
# With the home volume attached (a loop device) the root image is checked with alice's home
# from it: her keys are read, her too-open authorized_keys is found and fixed ON THE HOME
# VOLUME, undo restores it; check writes to neither image. A /var named by a device path is
# left alone and said so; a spec no device here carries is said so; without the home volume,
# alice's home is missing, as on the real server with that disk gone.
# ok and bad always succeed: "A && ok || bad" is an if-then-else here.
# shellcheck disable=SC2015
. "$(dirname "$0")/imagelib"

img_init "$1"
command -v jq >/dev/null 2>&1 || img_skip "jq is missing"
T=$IMG_TMP
img_tree "$T/tree" || { bad "building the tree"; img_finish; }
mkdir -p "$T/home"
mv "$T/tree/home/alice" "$T/home/alice"
printf 'LABEL=vicroot / ext4 defaults 0 1\nLABEL=bsdhome /home ext4 defaults 0 2\n/dev/sdb3 /var ext4 defaults 0 2\nUUID=00000000-dead-beef-0000-000000000000 /srv ext4 defaults 0 2\n' \
	>"$T/tree/etc/fstab"
chmod 0666 "$T/home/alice/.ssh/authorized_keys"
mke2fs -q -F -t ext4 -L vicroot -d "$T/tree" "$T/root.img" 32M >/dev/null 2>&1 || bad "mke2fs root"
mke2fs -q -F -t ext4 -L bsdhome -d "$T/home" "$T/home.img" 16M >/dev/null 2>&1 || bad "mke2fs home"

# Without the home volume: alice's home is missing.
img_run check --json "$T/root.img"
jq -e '[.findings[] | select(.code == "ssh.home.missing" and .user == "alice")] | length == 1' \
	"$OUT" >/dev/null && ok "no home volume: alice's home is missing" ||
	bad "no home volume: $(jq -c '[.findings[] | .code]' "$OUT")"
jq -e '.target.beside | contains("/home (LABEL=bsdhome): not mounted: no such filesystem")' \
	"$OUT" >/dev/null && ok "no home volume: said so" || bad "beside: $(jq '.target.beside' "$OUT")"

LOOP=$(losetup -f --show "$T/home.img") || { bad "losetup"; img_finish; }
trap 'losetup -d "$LOOP" 2>/dev/null; img_cleanup' EXIT
sr=$(img_sha "$T/root.img") sh=$(img_sha "$T/home.img")
img_run check --json "$T/root.img"
jq -e --arg l "$LOOP" '.target.beside | contains("/home (LABEL=bsdhome): " + $l)' "$OUT" \
	>/dev/null && ok "check: /home mounted from $LOOP" || bad "check: $(jq '.target.beside' "$OUT")"
jq -e '.target.beside | contains("/var (/dev/sdb3): not mounted: a device name") and
	contains("/srv (UUID=00000000-dead-beef-0000-000000000000): not mounted: no such")' \
	"$OUT" >/dev/null && ok "check: a device name and an absent UUID left alone, and said" ||
	bad "check: $(jq '.target.beside' "$OUT")"
jq -e '([.findings[] | select(.code == "ssh.home.missing")] | length == 0) and
	([.findings[] | select(.code == "ssh.keys.mode" and .user == "alice")] | length == 1)' \
	"$OUT" >/dev/null && ok "check: alice's home read from the home volume, 0666 keys found" ||
	bad "check: $(jq -c '[.findings[] | {code, user}]' "$OUT")"
[ "$(img_sha "$T/root.img")" = "$sr" ] && [ "$(img_sha "$T/home.img")" = "$sh" ] &&
	ok "check: neither image changed" || bad "check changed an image"

img_run fix --apply "$T/root.img"
[ $((RC & 1)) -eq 1 ] && [ $((RC & 24)) -eq 0 ] && ok "fix: status $RC" || bad "fix: status $RC: $(cat "$ERR")"
mode=$(debugfs -R "stat /alice/.ssh/authorized_keys" "$LOOP" 2>/dev/null | sed -n 's/.*Mode: *\([0-7]*\).*/\1/p')
[ "$mode" = 0600 ] && ok "fix: the keys file on the home volume is 0600" || bad "fix: mode '$mode'"
img_run undo "$T/root.img"
mode=$(debugfs -R "stat /alice/.ssh/authorized_keys" "$LOOP" 2>/dev/null | sed -n 's/.*Mode: *\([0-7]*\).*/\1/p')
[ "$RC" -eq 0 ] && [ "$mode" = 0666 ] && ok "undo: 0666 again on the home volume" ||
	bad "undo: status $RC, mode '$mode'"
img_no_leaks "$T/root.img" beside
img_finish
