#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# faults.sh BINARY - crash-safe fixes, with the fault injection points of a test build
# (-DRSC_FAULT_INJECT=ON, rescue/fault.h; another build skips). A victim with one change of
# every kind a fix makes (chmod, chown, a rewrite of authorized_keys, a removal of
# /etc/nologin with its bytes kept, mkdir of a missing privsep directory) is repaired once
# to learn K, the number of points (SSHRESCUE_FAULT=0). Then for every N in 1..K, on a fresh
# copy, the fix is made to fail at point N (EIO), killed there (SIGKILL: as a power loss),
# or interrupted there (SIGINT), and it is proven that
#   - every path of /etc, /home and /run is in its state of before or of after the fix (type,
#     mode, owner, content), and no other path is there (no temporary file left);
#   - fail and SIGINT: exit status 8, no mountpoint or loop device left;
#   - undo (when a journal was started) restores exactly the before state;
#   - a new fix --apply then reaches exactly the after state.
# ok and bad always succeed: "A && ok || bad" is an if-then-else here.
# shellcheck disable=SC2015
. "$(dirname "$0")/imagelib"
. "$(dirname "$0")/faultlib"

img_init "$1"
T=$IMG_TMP
fault_probe
img_tree "$T/tree" || bad "building the tree"
printf 'maintenance until 04:00\n' >"$T/tree/etc/nologin"
img_make "$T/tree" "$T/base.img" || bad "mke2fs -d"
img_break "$T/base.img" "sif /home/alice/.ssh mode 040777" \
	"sif /home/alice/.ssh/authorized_keys mode 0100666" \
	"sif /home/alice/.ssh/authorized_keys uid 0" || bad "debugfs -w sif"

# state IMG OUT: one line per path of /etc and /home: path type mode uid gid [sha256]
state()
{
	rm -rf "$T/snap" "$T/snap.list"
	img_snapshot "$1" "$T/snap" || return 1
	while read -r p y m u g _; do
		if [ "$y" = f ]; then
			echo "$p $y $m $u $g $(sha256sum <"$T/snap/$p" | cut -c1-16)"
		else
			echo "$p $y $m $u $g"
		fi
	done <"$T/snap.list" >"$2"
}

state "$T/base.img" "$T/before"
cp "$T/base.img" "$T/full.img"
SSHRESCUE_FAULT=0 "$IMG_BIN" fix --apply "$T/full.img" >"$T/full.out" 2>"$T/full.err"
K=$(fault_points "$T/full.err")
[ -n "$K" ] && [ "$K" -gt 10 ] && ok "a whole fix passes $K fault points" ||
	bad "no count of fault points: $(cat "$T/full.err")"
state "$T/full.img" "$T/after"
cmp -s "$T/before" "$T/after" && bad "the fix changed nothing"
sort -u "$T/before" "$T/after" >"$T/either"

# one N MODE: the fix stopped at point N by MODE, checked as the header says
one()
{
	n=$1
	mode=$2
	img=$T/f.img
	cp "$T/base.img" "$img"
	SSHRESCUE_FAULT="$n:$mode" "$IMG_BIN" fix --apply "$img" >"$T/f.out" 2>"$T/f.err"
	rc=$?
	what=$(fault_what "$n" "$mode" "$T/f.err")
	fault_stopped "$rc" "$mode" "$what" "$img" "$T/f.err" || return
	# a killed run's loop device detaches with the process; wait for it like check does
	state "$img" "$T/mid" || { bad "$what: cannot read the image" && return; }
	stray=$(sort -u "$T/mid" | comm -23 - "$T/either")
	[ -z "$stray" ] || { bad "$what: neither before nor after: $stray" && return; }
	if grep -q '^Journal ' "$T/f.out" || debugfs -R "ls /var/lib/sshrescue/journal" "$img" \
		2>/dev/null | grep -q '[0-9]T[0-9]'; then
		"$IMG_BIN" undo "$img" >"$T/u.out" 2>&1
		urc=$?
		state "$img" "$T/undone"
		if [ "$urc" -ne 0 ] && grep -q 'no journal to undo' "$T/u.out" &&
			cmp -s "$T/before" "$T/mid"; then
			: # the journal was started, nothing recorded, nothing changed
		elif [ "$urc" -ne 0 ] || ! cmp -s "$T/before" "$T/undone"; then
			bad "$what: undo (status $urc) left: $(diff "$T/before" "$T/undone" | head -n 4) $(tail -n 3 "$T/u.out")"
			return
		fi
	elif ! cmp -s "$T/before" "$T/mid"; then
		bad "$what: changed without a journal: $(diff "$T/before" "$T/mid" | head -n 4)"
		return
	fi
	"$IMG_BIN" fix --apply "$img" >"$T/r.out" 2>&1
	state "$img" "$T/redone"
	cmp -s "$T/after" "$T/redone" || {
		bad "$what: a new fix gives another state: $(diff "$T/after" "$T/redone" | head -n 4)"
		return
	}
	PASSED=$((PASSED + 1))
}

fault_sweep "$K" one
img_finish
