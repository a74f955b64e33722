#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# faults_cleanup.sh BINARY - the full disk's cleanup (fix --only fs.space.root), crash-safe:
# the fault points of a test build (-DRSC_FAULT_INJECT=ON, rescue/fault.h; another build
# skips), driven like faults.sh (faultlib) through three cleanups of a small ext4 victim with
# a package cache, a rotated log (mode 0640, owner 0:4, an old mtime) and a 1.1 MB active log:
#   move    a disk full for users (root has room): --move-to DIR --truncate-logs (MOVE, TRUNCATE)
#   delete  the same disk: --delete (DELETE)
#   full    a disk 100 % full, for root too: --move-to DIR, the journal started only after the
#           first file made room for it (rsc_plan_make_room)
# Each is run once to learn K (SSHRESCUE_FAULT=0); then for every N in 1..K, on a fresh copy
# and an empty DIR, the fix is made to fail at point N (EIO), killed there (SIGKILL) or
# interrupted there (SIGINT), and it is proven that
#   - it stopped: status 8 (137 when killed), no mountpoint or loop device left;
#   - every path of the victim's /var, /tmp and /srv (a listing with type, mode, owner, size,
#     mtime and sha256 of every file) is in its before or its after state, no other is there;
#   - undo --list reads every journal (none unusable);
#   - DIR holds nothing a later undo would misuse: every copy a journal record names is the
#     exact file of before (sha256, mode, owner, size, mtime) in a DIR/<id>/ with its marker;
#     a copy no record names is the only place of a file the make-room window took from
#     the victim (then exact as well), or a complete copy whose record failed, or, only
#     after a kill, a partial one: no undo reads those;
#   - undo brings back the exact before state; after --delete, exactly the files undo reports
#     "lost" are missing, everything else is exact; a run stopped in the make-room window
#     (files taken, no journal yet) is put back by the command of docs/journal.md instead;
#   - a new fix --apply (same DIR) then completes, to exactly the after state.
# And the undo of the whole move cleanup, stopped at every point of its own the same ways
# (variant undo): every path before or after (but, after a kill while copying a file back,
# its temporary PATH.sshrescue-undo-ID), the journal readable, and undo run again brings back
# exactly the before state (a truncated log not doubled, the temporary file gone).
# FAULTS_VARIANTS="move full" runs only those (of move delete full undo). ok and bad always succeed: "A && ok || bad" is an if-then-else here. $ARGS is split on
# purpose (options, no spaces: $T is mktemp's).
# shellcheck disable=SC2015,SC2016,SC2086
. "$(dirname "$0")/imagelib"
. "$(dirname "$0")/faultlib"

img_init "$1"
fault_probe
T=$IMG_TMP
M=$T/moved
CODES=fs.space.root,fs.space.users
d=$T/tree
img_tree "$d" || bad "tree"
mkdir -p "$d/var/cache/apt" "$d/var/log" "$d/srv"
head -c 300000 /dev/urandom >"$d/var/cache/apt/pkgcache.bin"
head -c 200000 /dev/urandom >"$d/var/log/syslog.1"
head -c 1100000 /dev/urandom >"$d/var/log/syslog" # active: only with --truncate-logs
chmod 0640 "$d/var/log/syslog.1" && chown 0:4 "$d/var/log/syslog.1"
touch -d '2026-11-01 10:00:00' "$d/var/log/syslog.1"
# 10 % reserved for root: room for root (and for undo) while users have none
mke2fs -q -F -t ext4 -m 10 -d "$d" "$T/full.img" 16M >/dev/null 2>&1 || bad "mke2fs"
img_mounted "$T/full.img" sh -c 'dd if=/dev/zero of="$1/srv/filler" bs=64k 2>/dev/null
	for i in 1 2 3 4 5 6; do dd if=/dev/zero of="$1/srv/filler" bs=1k oflag=append \
		conv=notrunc 2>/dev/null; sync; done; true' sh "$T/mnt" || bad "filling"
cp "$T/full.img" "$T/room.img"
img_mounted "$T/room.img" truncate -s -256K "$T/mnt/srv/filler" || bad "room for root"

# capture IMG OUT: OUT, one line per path of /var, /tmp and /srv but the journal and the
# filler: path type mode owner [size mtime sha256] (the mtime of an empty file, which only a
# truncate makes, as "-"); OUT.rec, the journals' cleanup records: id seq how path dest
capture()
{
	img_mounted "$1" sh -c 'cd "$1" || exit 1
		{
			find var tmp srv -path var/lib/sshrescue -prune -o -path srv/filler -prune \
				-o ! -type f -printf "%p %y %m %U:%G %l\n"
			find var tmp srv -path var/lib/sshrescue -prune -o -path srv/filler -prune \
				-o -type f -print | while read -r p; do
				echo "$(find "$p" -printf "%p %y %m %U:%G %s %T@") $(sha256sum <"$p" |
					cut -c1-16)"
			done
		} | awk "\$2 == \"f\" && \$5 == 0 { \$6 = \"-\" } 1" | LC_ALL=C sort >"$2"
		for m in var/lib/sshrescue/journal/*/manifest; do
			[ -f "$m" ] || continue
			id=${m%/manifest}
			awk -v id="${id##*/}" "\$2 == \"file\" { p[\$1] = \$8 }
				\$1 == \"moved\" || \$1 == \"truncated\" { print id, \$2, \$1, p[\$2], \$3 }
				\$1 == \"deleted\" { print id, \$2, \$1, p[\$2], \"-\" }" "$m"
		done >"$2.rec"' sh "$T/mnt" "$2"
}

# copy_line FILE VPATH: FILE (on the helper) as capture lists the victim's VPATH
copy_line()
{
	echo "${2#/} f $(find "$1" -printf '%m %U:%G %s %T@') $(sha256sum <"$1" | cut -c1-16)"
}

# line_of VPATH LISTING: the line of VPATH in a capture
line_of()
{
	awk -v p="${1#/}" '$1 == p' "$2"
}

# helper_ok MODE: DIR as the header says; WINDOW is set when a copy is a file's only place.
# A copy no record names while the victim still has the file is complete (its record could
# not be written) or, after a kill only, partial; no undo reads either.
helper_ok()
{
	WINDOW=
	while read -r id _ how p dest; do
		[ "$dest" = - ] && continue
		if [ -f "$dest" ]; then
			[ "$(cat "$M/$id/.sshrescue-moved" 2>/dev/null)" = "sshrescue-moved $id" ] ||
				{ bad "$what: $dest is recorded ($how), $M/$id has no marker" && return 1; }
			[ "$(copy_line "$dest" "$p")" = "$(line_of "$p" "$T/before")" ] ||
				{ bad "$what: the recorded copy $dest is not the file of before" &&
					return 1; }
		else
			bad "$what: the recorded copy $dest is missing" && return 1
		fi
	done <"$T/mid.rec"
	find "$M" -type f ! -name .sshrescue-moved 2>/dev/null >"$T/copies"
	while read -r f; do
		rel=${f#"$M"/}
		id=${rel%%/*}
		p=/${rel#*/}
		grep -q "^$id [0-9]* [a-z]* $p $f\$" "$T/mid.rec" && continue
		if [ -z "$(line_of "$p" "$T/mid")" ]; then
			[ "$(copy_line "$f" "$p")" = "$(line_of "$p" "$T/before")" ] ||
				{ bad "$what: $p is gone, its only copy $f differs" && return 1; }
			WINDOW=1
		elif [ "$1" != kill ] && [ "$(copy_line "$f" "$p")" != "$(line_of "$p" "$T/before")" ]
		then
			bad "$what: a partial copy is left: $f" && return 1
		fi
	done <"$T/copies"
	return 0
}

# restore_ok: the victim's before state again, by undo or, in the make-room window, by hand
restore_ok()
{
	[ "$V" = full ] && { img_mounted "$img" truncate -s -512K "$T/mnt/srv/filler" ||
		{ bad "$what: freeing room for undo" && return 1; }; }
	if [ -s "$T/mid.rec" ]; then
		"$IMG_BIN" undo "$img" >"$T/u.out" 2>&1
		urc=$?
		capture "$img" "$T/undone"
		# "  lost      PATH: deleted ..." (our paths need no escaping)
		sed -n 's/^  lost      \([^:]*\): .*/\1/p' "$T/u.out" | sed 's,^/,,' |
			LC_ALL=C sort >"$T/lost"
		awk 'FILENAME == ARGV[1] { lost[$1] = 1; next } !($1 in lost)' "$T/lost" \
			"$T/before" >"$T/want"
		[ "$urc" -eq 0 ] && cmp -s "$T/want" "$T/undone" || {
			bad "$what: undo (status $urc) left: $(diff "$T/want" "$T/undone" | head -n 4) $(tail -n 3 "$T/u.out")"
			return 1
		}
		[ "$V" = delete ] || [ ! -s "$T/lost" ] ||
			{ bad "$what: undo lost $(cat "$T/lost")" && return 1; }
	else
		[ -n "$WINDOW" ] || { bad "$what: changed without a journal or a copy" && return 1; }
		grep -q "what was moved is in $M/" "$T/f.err" || [ "$mode" = kill ] ||
			{ bad "$what: no word of where the files are: $(tail -n 2 "$T/f.err")" && return 1; }
		# the window's files back by hand, as docs/journal.md says
		for b in "$M"/*/; do
			img_mounted "$img" sh -c 'cd "$1" && find . -type f ! -name .sshrescue-moved \
				-exec cp -a --parents {} "$2/" \;' sh "$b" "$T/mnt" ||
				{ bad "$what: cp -a --parents" && return 1; }
		done
		capture "$img" "$T/undone"
		cmp -s "$T/before" "$T/undone" ||
			{ bad "$what: by hand: $(diff "$T/before" "$T/undone" | head -n 4)" && return 1; }
	fi
	return 0
}

# one N MODE: the cleanup $V stopped at point N by MODE, checked as the header says
one()
{
	n=$1
	mode=$2
	img=$T/f.img
	cp "$VIMG" "$img" && rm -rf "$M"
	SSHRESCUE_FAULT="$n:$mode" "$IMG_BIN" fix --apply "$img" --only $CODES $ARGS >"$T/f.out" \
		2>"$T/f.err"
	rc=$?
	what="$V: $(fault_what "$n" "$mode" "$T/f.err")"
	fault_stopped "$rc" "$mode" "$what" "$img" "$T/f.err" || return
	capture "$img" "$T/mid" || { bad "$what: cannot read the image" && return; }
	stray=$(LC_ALL=C comm -23 "$T/mid" "$T/either")
	[ -z "$stray" ] || { bad "$what: neither before nor after: $stray" && return; }
	"$IMG_BIN" undo "$img" --list >"$T/l.out" 2>&1 && ! grep -q unusable "$T/l.out" ||
		{ bad "$what: undo --list: $(cat "$T/l.out")" && return; }
	helper_ok "$mode" || return
	cmp -s "$T/before" "$T/mid" && [ ! -s "$T/mid.rec" ] || restore_ok || return
	"$IMG_BIN" fix --apply "$img" --only $CODES $ARGS >"$T/r.out" 2>&1
	capture "$img" "$T/redone"
	cmp -s "$T/after" "$T/redone" || {
		bad "$what: a new fix gives another state: $(diff "$T/after" "$T/redone" | head -n 4) $(tail -n 2 "$T/r.out")"
		return
	}
	PASSED=$((PASSED + 1))
}

# variant NAME IMG ARGS...: the whole cleanup once (K), then every point
variant()
{
	V=$1
	VIMG=$2
	shift 2
	ARGS="$*"
	start=$(date +%s)
	capture "$VIMG" "$T/before" || bad "$V: listing before"
	cp "$VIMG" "$T/whole.img" && rm -rf "$M"
	SSHRESCUE_FAULT=0 "$IMG_BIN" fix --apply "$T/whole.img" --only $CODES $ARGS \
		>"$T/whole.out" 2>"$T/whole.err"
	K=$(fault_points "$T/whole.err")
	[ -n "$K" ] && [ "$K" -gt 10 ] && ok "$V: the whole cleanup passes $K fault points" ||
		bad "$V: no count of fault points: $(cat "$T/whole.err")"
	capture "$T/whole.img" "$T/after"
	cmp -s "$T/before" "$T/after" && bad "$V: the cleanup changed nothing"
	[ "$V" != full ] || grep -q "no room for the journal" "$T/whole.out" ||
		bad "$V: not the make-room path: $(head -c 300 "$T/whole.out")"
	LC_ALL=C sort -u "$T/before" "$T/after" >"$T/either"
	fault_sweep "$K" one
	ok "$V: $(($(date +%s) - start)) s"
}

# one_undo N MODE: the undo of the whole move cleanup stopped at point N by MODE; then every
# path is in its before or after state, the journal is readable, and undo again (or the
# first one, when it completed) leaves exactly the before state
one_undo()
{
	n=$1
	mode=$2
	img=$T/f.img
	cp "$T/fixed.img" "$img" && rm -rf "$M" && cp -a "$T/moved.fixed" "$M"
	SSHRESCUE_FAULT="$n:$mode" "$IMG_BIN" undo "$img" >"$T/f.out" 2>"$T/f.err"
	rc=$?
	what="undo: $(fault_what "$n" "$mode" "$T/f.err")"
	fault_stopped "$rc" "$mode" "$what" "$img" "$T/f.err" || return
	capture "$img" "$T/mid" || { bad "$what: cannot read the image" && return; }
	# killed while copying back: its named temporary file, which the next undo removes
	stray=$(LC_ALL=C comm -23 "$T/mid" "$T/either" | if [ "$mode" = kill ]; then
		grep -v '^[^ ]*\.sshrescue-undo-[0-9TZ-]* f '; else cat; fi)
	[ -z "$stray" ] || { bad "$what: neither before nor after: $stray" && return; }
	"$IMG_BIN" undo "$img" --list >"$T/l.out" 2>&1 && ! grep -q unusable "$T/l.out" ||
		{ bad "$what: undo --list: $(cat "$T/l.out")" && return; }
	"$IMG_BIN" undo "$img" >"$T/u.out" 2>&1
	urc=$?
	capture "$img" "$T/undone"
	{ [ "$urc" -eq 0 ] || grep -q "no journal to undo" "$T/u.out"; } &&
		cmp -s "$T/before" "$T/undone" || {
		bad "$what: undo again (status $urc) left: $(diff "$T/before" "$T/undone" | head -n 4) $(tail -n 3 "$T/u.out")"
		return
	}
	PASSED=$((PASSED + 1))
}

# undo_variant: the undo of the whole move cleanup, stopped at every point of its own
undo_variant()
{
	V=undo
	start=$(date +%s)
	capture "$T/room.img" "$T/before" || bad "undo: listing before"
	cp "$T/room.img" "$T/fixed.img" && rm -rf "$M"
	"$IMG_BIN" fix --apply "$T/fixed.img" --only $CODES --move-to "$M" --truncate-logs \
		>"$T/whole.out" 2>&1
	capture "$T/fixed.img" "$T/after"
	rm -rf "$T/moved.fixed" && cp -a "$M" "$T/moved.fixed"
	LC_ALL=C sort -u "$T/before" "$T/after" >"$T/either"
	cp "$T/fixed.img" "$T/whole.img"
	SSHRESCUE_FAULT=0 "$IMG_BIN" undo "$T/whole.img" >"$T/whole.out" 2>"$T/whole.err"
	K=$(fault_points "$T/whole.err")
	[ -n "$K" ] && [ "$K" -gt 10 ] && ok "undo: the whole undo passes $K fault points" ||
		bad "undo: no count of fault points: $(cat "$T/whole.err")"
	capture "$T/whole.img" "$T/undone"
	cmp -s "$T/before" "$T/undone" || bad "undo: the whole undo is not the before state"
	fault_sweep "$K" one_undo
	ok "undo: $(($(date +%s) - start)) s"
}

case " ${FAULTS_VARIANTS:-move delete full undo} " in *" move "*)
	variant move "$T/room.img" --move-to "$M" --truncate-logs ;; esac
case " ${FAULTS_VARIANTS:-move delete full undo} " in *" delete "*)
	variant delete "$T/room.img" --delete ;; esac
case " ${FAULTS_VARIANTS:-move delete full undo} " in *" full "*)
	variant full "$T/full.img" --move-to "$M" ;; esac
case " ${FAULTS_VARIANTS:-move delete full undo} " in *" undo "*) undo_variant ;; esac
img_finish
