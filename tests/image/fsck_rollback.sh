#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fsck_rollback.sh BINARY - the filesystem repair of `fix --apply --only fs.errors` stopped
# half-way. e2fsck runs with an undo file (-z) beside the metadata backup; when it is
# cancelled (a SIGINT reaches it: exit 32) or killed, sshrescue replays that file with e2undo,
# so the device is bit for bit as before (sha256), and exits 8 without mounting it. A signal to
# sshrescue alone waits for the checker: the repair completes, nothing is mounted, status 8.
#   1-2  a wrapper e2fsck runs the real one to the end, then says "cancelled" (exit 32) or
#        kills itself: every change is in the undo file, e2undo must put all of them back;
#        it fails before making the undo file (nothing to put back), or damages the file
#        (e2undo refuses it: the message must not claim a rollback)
#   3    the wrapper sends SIGTERM to sshrescue first: the repair completes, status 8
#   4    --no-fs-backup: no undo file, a cancelled repair stays, and the message says so
#   5    the real e2fsck, SIGTERM to the whole process group at 12 moments of its run
#        (e2fsck cancels on SIGTERM as on SIGINT; a shell starts background jobs with SIGINT
#        ignored): each run ends with status 8, either exactly before (sha256) or repaired
#        (e2fsck -fn clean), at least one rolled back by e2undo, nothing is left mounted, and
#        a fix afterwards repairs it
# ok and bad always succeed: "A && ok || bad" is an if-then-else here.
# shellcheck disable=SC2015
. "$(dirname "$0")/imagelib"

img_init "$1"
for t in e2image e2undo setsid; do
	command -v "$t" >/dev/null 2>&1 || img_skip "$t is missing"
done
T=$IMG_TMP
REAL=$(command -v e2fsck)
img_tree "$T/tree" || { bad "building the tree"; img_finish; }
mkdir -p "$T/tree/var/log" || bad "mkdir var/log"
img_make "$T/tree" "$T/base.img" || bad "mke2fs"
# damage e2fsck -fy repairs: the errors flag, an error count, 16 free blocks marked in use
free16=$(debugfs -R "ffb 16 5000" "$T/base.img" 2>/dev/null |
	sed -n 's/^Free blocks found: \([0-9]*\).*/\1/p')
img_break "$T/base.img" "ssv state 3" "ssv error_count 2" "setb ${free16:-5000} 16" ||
	bad "debugfs damage"
e2fsck -fn "$T/base.img" >/dev/null 2>&1
[ $? -eq 4 ] && ok "the damaged image: e2fsck -fn exit 4" || bad "the damage is not seen"
BEFORE=$(img_sha "$T/base.img")

# A wrapper named e2fsck, first in PATH, in front of the real one; $RB_MODE picks what it does.
mkdir -p "$T/bin" || bad "mkdir bin"
cat >"$T/bin/e2fsck" <<EOF
#!/bin/sh
case \$RB_MODE in
term) kill -TERM \$PPID; sleep 0.3 ;;
early) exit 8 ;;
group)
	trap '' TERM
	"$REAL" "\$@" &
	p=\$!
	sleep "\$RB_DELAY"
	kill -TERM 0
	wait \$p
	exit \$?
	;;
esac
"$REAL" "\$@"
rc=\$?
case \$RB_MODE in
cancel) exit 32 ;;
kill) kill -KILL \$\$ ;;
broken) truncate -s 100 "\$2"; exit 8 ;;
esac
exit \$rc
EOF
chmod 755 "$T/bin/e2fsck"

# fixrun NAME MODE [ARGS...]: a copy of the damaged image, fixed through the wrapper
fixrun()
{
	_n=$1
	_mode=$2
	shift 2
	cp "$T/base.img" "$T/$_n.img" || bad "$_n: copy"
	RB_MODE=$_mode PATH="$T/bin:$PATH" "$IMG_BIN" fix --apply --only fs.errors "$@" \
		"$T/$_n.img" >"$OUT" 2>"$ERR"
	RC=$?
}

# no_log IMG: the repair's log was not written on the victim (it was never mounted)
no_log()
{
	! debugfs -R 'ls /var/log/sshrescue' "$1" 2>/dev/null | grep -q 'fsck-'
}

# 1, 2: cancelled, killed: rolled back from the undo file
for m in cancel kill; do
	fixrun "$m" "$m" --fs-backup "$T/$m.qcow2"
	[ "$RC" -eq 8 ] && ok "$m: status 8" || bad "$m: status $RC ($(cat "$ERR"))"
	[ "$(img_sha "$T/$m.img")" = "$BEFORE" ] && ok "$m: the image is exactly as before" ||
		bad "$m: the image changed ($(e2fsck -fn "$T/$m.img" 2>&1 | tail -n 1))"
	grep -q 'e2undo put back every block' "$ERR" && ok "$m: says it was rolled back" ||
		bad "$m: message: $(cat "$ERR")"
	grep -q "e2fsck -z $T/$m.e2undo -f -y" "$OUT" && [ -s "$T/$m.e2undo" ] &&
		ok "$m: e2fsck kept its undo file beside the backup" ||
		bad "$m: no undo file: $(grep -i 'repair' "$OUT" | head -n 3)"
	grep -q 'rollback: e2undo' "$OUT" && ok "$m: the rollback is shown" ||
		bad "$m: no rollback line: $(head -c 600 "$OUT")"
	img_no_leaks "$T/$m.img" "$m"
done
# the rolled-back image is repaired by a fix that is not stopped
"$IMG_BIN" fix --apply --only fs.errors --fs-backup "$T/again.qcow2" "$T/cancel.img" \
	>"$OUT" 2>"$ERR"
RC=$?
e2fsck -fn "$T/cancel.img" >/dev/null 2>&1
[ $? -eq 0 ] && [ $((RC & 1)) -eq 1 ] && [ $((RC & 24)) -eq 0 ] &&
	ok "after the rollback, a fix repairs the image (status $RC)" ||
	bad "after the rollback: status $RC, $(cat "$ERR")"

# failed before the undo file existed: nothing to roll back, nothing changed
fixrun early early --fs-backup "$T/early.qcow2"
[ "$RC" -eq 8 ] && [ "$(img_sha "$T/early.img")" = "$BEFORE" ] &&
	grep -q 'before it could change anything' "$ERR" &&
	ok "early: status 8, unchanged, says nothing was changed" ||
	bad "early: status $RC, $(cat "$ERR")"
# a damaged undo file: e2undo refuses it, and the message does not claim a rollback
fixrun broken broken --fs-backup "$T/broken.qcow2"
[ "$RC" -eq 8 ] && grep -q 'e2undo could not use its undo file' "$ERR" &&
	ok "broken undo file: status 8, says the changes stay" ||
	bad "broken undo file: status $RC, $(cat "$ERR")"
no_log "$T/broken.img" && ok "broken undo file: not mounted" || bad "broken: log written"

# 3: a SIGTERM to sshrescue while e2fsck runs: e2fsck completes, nothing is mounted
fixrun term term --fs-backup "$T/term.qcow2"
[ "$RC" -eq 8 ] && ok "term: status 8" || bad "term: status $RC ($(cat "$ERR"))"
grep -q 'stopped by signal 15 after e2fsck had finished (repaired)' "$ERR" &&
	ok "term: says the repair completed" || bad "term: message: $(cat "$ERR")"
e2fsck -fn "$T/term.img" >/dev/null 2>&1
[ $? -eq 0 ] && ok "term: the repair is complete (e2fsck -fn clean)" ||
	bad "term: the image is not clean"
no_log "$T/term.img" && ok "term: not mounted (no log written)" || bad "term: log written"
img_no_leaks "$T/term.img" term

# 4: --no-fs-backup: no undo file, so a cancelled repair is not rolled back, and says so
fixrun nobackup cancel --no-fs-backup
[ "$RC" -eq 8 ] && grep -q 'no undo file, so what it changed stays' "$ERR" &&
	ok "no backup: status 8, says the repair stays" || bad "no backup: $RC $(cat "$ERR")"
grep -q -- ' -z ' "$OUT" && bad "no backup: e2fsck ran with an undo file" ||
	ok "no backup: e2fsck ran without an undo file"

# 5: the real e2fsck, cancelled at 12 moments of its run. The wrapper starts it and, after
# RB_DELAY, sends SIGTERM to the whole process group (sshrescue, run by setsid, and e2fsck),
# as a ^C on the terminal does with SIGINT. A bigger image (4,000 more files), so that e2fsck
# runs long enough to be stopped in the middle.
mkdir -p "$T/tree/usr/share/many" || bad "mkdir many"
i=0
while [ $i -lt 4000 ]; do
	printf '%s\n' "$i" >"$T/tree/usr/share/many/f$i"
	i=$((i + 1))
done
mke2fs -q -F -t ext4 -d "$T/tree" "$T/big.img" 96M >/dev/null 2>&1 || bad "mke2fs big"
free16=$(debugfs -R "ffb 16 20000" "$T/big.img" 2>/dev/null |
	sed -n 's/^Free blocks found: \([0-9]*\).*/\1/p')
img_break "$T/big.img" "ssv state 3" "ssv error_count 2" "setb ${free16:-20000} 16" ||
	bad "debugfs damage (big)"
BIG=$(img_sha "$T/big.img")
n_before=0 n_repaired=0 n_rolled=0
for d in 0 0.002 0.004 0.006 0.008 0.01 0.015 0.02 0.03 0.05 0.08 0.12; do
	cp "$T/big.img" "$T/int.img" || bad "int: copy"
	rm -f "$T/int.qcow2" "$T/int.e2undo"
	RB_MODE=group RB_DELAY=$d PATH="$T/bin:$PATH" setsid "$IMG_BIN" fix --apply \
		--only fs.errors --fs-backup "$T/int.qcow2" "$T/int.img" >"$OUT" 2>"$ERR"
	RC=$?
	sha=$(img_sha "$T/int.img")
	if [ "$sha" = "$BIG" ]; then
		n_before=$((n_before + 1))
		grep -q 'e2undo put back' "$ERR" && n_rolled=$((n_rolled + 1))
	elif e2fsck -fn "$T/int.img" >/dev/null 2>&1; then
		n_repaired=$((n_repaired + 1))
	else
		bad "cancel after ${d}s: status $RC, neither before nor repaired ($(cat "$ERR"))"
	fi
	[ "$RC" -eq 8 ] || bad "cancel after ${d}s: status $RC ($(cat "$ERR"))"
	img_no_leaks "$T/int.img" "cancel after ${d}s" >/dev/null
	"$IMG_BIN" fix --apply --only fs.errors --no-fs-backup "$T/int.img" >/dev/null 2>&1
	e2fsck -fn "$T/int.img" >/dev/null 2>&1 ||
		bad "cancel after ${d}s: a fix afterwards does not repair the image"
done
[ "$n_rolled" -gt 0 ] && ok "SIGTERM at 12 moments of e2fsck: $n_before exactly before" \
	"($n_rolled of them rolled back by e2undo), $n_repaired repaired, none in between" ||
	bad "SIGTERM at 12 moments: no run was rolled back ($n_before before, $n_repaired repaired)"

img_finish
