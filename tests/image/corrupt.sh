#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# corrupt.sh BINARY - check and check --deep on corrupt ext2/3/4 images (docs/hostile.md,
# "Corrupt images"). Three small victims (ext4 with extent trees, ext3-style with indirect
# blocks, ext4 with inline_data) are broken into CORRUPT_N mutants (default 30), drawn
# deterministically from CORRUPT_SEED (default 1): debugfs -w edits of superblock fields (ssv),
# group descriptor fields (set_bg) and fields of the inodes that matter (sif: /, /etc, the
# homes, ~/.ssh, authorized_keys, a file with an extent tree), clri/freeb/setb, and byte flips
# inside the superblock, the group descriptor table, used inodes, directory blocks and extent
# or indirect blocks, all located with dumpe2fs and debugfs, not guessed. For each mutant:
#   - check --json and check --deep --json end by themselves (no signal, no timeout), with
#     no sanitizer report; they print valid JSON, or a one-line "sshrescue: ..." error with
#     exit status 8 when they got no further;
#   - the image's sha256 is unchanged, and no loop device or mountpoint is left;
#   - the oracle is e2fsck -fn: when it finds errors (exit status >= 4), a report of
#     check --deep holds an error-level fs.* finding and e2fsck's exit status, or, when the
#     kernel refuses the mount, its error line holds e2fsck's verdict (status 12); when it finds
#     none, check --deep reports no fs.deep.damaged; plain check says so by a finding
#     (fs.unreadable) when libext2fs cannot open a filesystem the kernel mounted.
# The binary is $1: ctest passes the normal build's; tools/test.sh runs the image label in its
# ASan+UBSan build too. CORRUPT_KEEP=1 keeps the temporary directory (mutants and logs).
# ok and bad always succeed: "A && ok || bad" is an if-then-else here; the word lists are
# split on purpose (SC2086).
# shellcheck disable=SC2015,SC2086
. "$(dirname "$0")/imagelib"

img_init "$1"
[ -n "${CORRUPT_KEEP:-}" ] && trap - EXIT
for t in jq dumpe2fs timeout od dd; do
	command -v "$t" >/dev/null 2>&1 || img_skip "$t is missing"
done
T=$IMG_TMP
N=${CORRUPT_N:-30}
SEED=${CORRUPT_SEED:-1}
LIMIT=60 # seconds for one run of sshrescue
SIZE=33554432 # bytes of each image (32 MiB)
printf 'corrupt: %s mutants from seed %s (CORRUPT_N, CORRUPT_SEED); in %s\n' "$N" "$SEED" "$T"

# The victim: img_tree, a second user, a file with an extent tree (one extent every other
# block: more than the inode's four), a file past the direct blocks, a directory of many blocks.
d=$T/tree
img_tree "$d" || { bad "building the tree"; img_finish; }
echo 'bob:x:1002:1002:Bob:/home/bob:/bin/bash' >>"$d/etc/passwd"
echo 'bob:x:1002:' >>"$d/etc/group"
mkdir -p "$d/home/bob/.ssh" "$d/usr/lib" "$d/var/lib/many" || bad "mkdir"
cp "$d/home/alice/.ssh/authorized_keys" "$d/home/bob/.ssh/authorized_keys"
chmod 0700 "$d/home/bob/.ssh" && chmod 0600 "$d/home/bob/.ssh/authorized_keys"
chown -R 1002:1002 "$d/home/bob"
: >"$d/usr/lib/sparse.bin"
i=0
while [ $i -lt 40 ]; do
	printf 'chunk %d\n' $i | dd of="$d/usr/lib/sparse.bin" bs=2048 seek=$i conv=notrunc \
		2>/dev/null
	i=$((i + 1))
done
head -c 300000 /dev/urandom >"$d/usr/lib/big.bin"
i=0
while [ $i -lt 120 ]; do
	: >"$d/var/lib/many/entry-with-a-longish-name-$i"
	i=$((i + 1))
done

UUID=6b1e7d3a-0c4f-4d8e-9a51-3f0c2b7e9d10
HASH=0d1e2f3a-4b5c-4d7e-8f90-a1b2c3d4e5f6
VARIANTS="ext4 ext3 inline"
for v in $VARIANTS; do
	case $v in
	ext4) o="-t ext4" ;;
	ext3) o="-t ext3" ;;
	inline) o="-t ext4 -O inline_data" ;;
	esac
	mke2fs -q -F $o -U "$UUID" -E "hash_seed=$HASH" -d "$d" "$T/$v.img" "$((SIZE / 1024))k" \
		>/dev/null 2>&1 ||
		bad "mke2fs $v"
	e2fsck -fn "$T/$v.img" >/dev/null 2>&1 && ok "$v: e2fsck -fn finds the base clean" ||
		bad "$v: the base image is not clean"
done

# The inodes that matter, by path; their numbers, places and blocks per variant below.
PATHS="/ /etc /etc/passwd /etc/ssh /etc/ssh/sshd_config /home /home/alice /home/alice/.ssh
/home/alice/.ssh/authorized_keys /home/bob/.ssh /usr/lib/sparse.bin /usr/lib/big.bin
/var/lib/many"
NPATHS=$(printf '%s\n' $PATHS | wc -l)

# layout V: $T/V.lay, lines "key value": bs, isz, dsz, groups, gdt (first block),
# ino PATH BYTE (the inode's offset), dir BLOCK, meta BLOCK (extent/indirect).
layout()
{
	img=$T/$1.img
	dumpe2fs "$img" 2>/dev/null >"$T/$1.dump"
	{
		sed -n 's/^Block size:[[:space:]]*\([0-9]*\)$/bs \1/p
			s/^Inode size:[[:space:]]*\([0-9]*\)$/isz \1/p
			s/^Group descriptor size:[[:space:]]*\([0-9]*\)$/dsz \1/p' "$T/$1.dump"
		grep -c '^Group [0-9]*:' "$T/$1.dump" | sed 's/^/groups /'
		sed -n 's/.*Primary superblock at [0-9]*, Group descriptors at \([0-9]*\)-.*/gdt \1/p' \
			"$T/$1.dump"
	} >"$T/$1.lay"
	bs=$(sed -n 's/^bs //p' "$T/$1.lay")
	for p in $PATHS; do
		debugfs -R "imap $p" "$img" 2>/dev/null |
			sed -n 's/.*located at block \([0-9]*\), offset \(0x[0-9a-f]*\).*/\1 \2/p' |
			while read -r b off; do
				echo "ino $p $((b * bs + off))"
			done
		debugfs -R "stat $p" "$img" 2>/dev/null | tr ',' '\n' |
			sed -n 's/.*(\(ETB[0-9]*\|[DT]*IND\)):\([0-9]*\).*/meta \2/p'
		if debugfs -R "stat $p" "$img" 2>/dev/null | grep -q 'Type: directory'; then
			debugfs -R "blocks $p" "$img" 2>/dev/null | tr ' ' '\n' | sed -n 's/^\([0-9][0-9]*\)$/dir \1/p'
		fi
	done >>"$T/$1.lay"
}
for v in $VARIANTS; do
	layout "$v"
	[ "$(grep -c '^ino ' "$T/$v.lay")" -eq "$NPATHS" ] && grep -q '^gdt ' "$T/$v.lay" &&
		ok "$v: layout (inodes $(grep -c '^ino ' "$T/$v.lay"), directory blocks $(grep -c '^dir ' "$T/$v.lay"), extent/indirect blocks $(grep -c '^meta ' "$T/$v.lay"))" ||
		bad "$v: layout: $(tr '\n' ' ' <"$T/$v.lay")"
done
grep -q '^meta ' "$T/ext4.lay" && grep -q '^meta ' "$T/ext3.lay" &&
	ok "an extent tree block (ext4) and an indirect block (ext3) to break" ||
	bad "no extent tree or indirect block found"

# A linear congruential generator in shell arithmetic: the same mutants for the same seed.
RND=$SEED
rnd() # rnd N: a number in 0..N-1 in $R
{
	RND=$(((RND * 1103515245 + 12345) % 2147483648))
	R=$(((RND / 65536) % $1))
}
# pick WORD...: one of the words, in $R
pick()
{
	rnd $#
	shift "$R"
	R=$1
}
lay() # lay V KEY: the value of KEY in V's layout
{
	sed -n "s/^$2 //p" "$T/$1.lay" | head -n 1
}
nth() # nth V KEY: a random value among the KEY lines of V's layout, in $R
{
	c=$(grep -c "^$2 " "$T/$1.lay")
	[ "$c" -gt 0 ] || return 1
	rnd "$c"
	R=$(sed -n "s/^$2 //p" "$T/$1.lay" | sed -n "$((R + 1))p")
}
value() # a field value: edges, small, large and random, in $R
{
	pick 0 1 2 3 7 12 15 16 255 256 1024 4096 32768 65535 65536 0x7fffffff 0x80000000 \
		0xffffffff random random random
	if [ "$R" = random ]; then
		rnd 65536
		hi=$R
		rnd 65536
		R=$((hi * 65536 + R))
	fi
}

# flip IMG OFFSET: XOR one byte at OFFSET with a random nonzero mask (one bit, or any).
flip()
{
	rnd 2
	if [ "$R" -eq 0 ]; then
		rnd 8
		m=$((1 << R))
	else
		rnd 255
		m=$((R + 1))
	fi
	b=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' \n')
	# shellcheck disable=SC2059
	printf "\\$(printf %03o $((b ^ m)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
	MUT="$MUT; flip $2 ^$m"
}

dbg() # dbg IMG CMD: one debugfs -w edit (a refusal is recorded, not an error)
{
	if debugfs -w -R "$2" "$1" 2>&1 | grep -q -i 'error\|invalid\|bad\|not found\|usage'; then
		MUT="$MUT; $2 (refused)"
	else
		MUT="$MUT; $2"
	fi
}

SB_FIELDS="inodes_count blocks_count r_blocks_count free_blocks_count free_inodes_count
first_data_block log_block_size log_cluster_size blocks_per_group clusters_per_group
inodes_per_group magic state errors rev_level first_ino inode_size feature_compat
feature_incompat feature_ro_compat reserved_gdt_blocks journal_inum last_orphan desc_size
first_meta_bg log_groups_per_flex min_extra_isize want_extra_isize checksum_type"
BG_FIELDS="block_bitmap inode_bitmap inode_table free_blocks_count free_inodes_count
used_dirs_count flags itable_unused checksum"
INO_FIELDS="mode mode size links_count blocks flags uid dtime block[0] block[1] block[2]
block[3] block[4] block[5] block[IND] block[DIND] file_acl extra_isize"
MODES="0 0100644 040755 040000 0120777 0140755 010644 020644 0100000 0170000"

# mutate V IMG: one to three mutations of IMG (a copy of V's base); what was done in $MUT
mutate()
{
	v=$1 img=$2
	bs=$(lay "$v" bs)
	rnd 3
	k=$((R + 1))
	while [ "$k" -gt 0 ]; do
		k=$((k - 1))
		rnd 12
		case $R in
		0 | 1) # a superblock field
			pick $SB_FIELDS
			f=$R
			value
			dbg "$img" "ssv $f $R"
			;;
		2) # a group descriptor field
			rnd "$(lay "$v" groups)"
			g=$R
			pick $BG_FIELDS
			f=$R
			value
			dbg "$img" "set_bg $g $f $R"
			;;
		3 | 4) # a field of an inode that matters
			pick $PATHS
			p=$R
			pick $INO_FIELDS
			f=$R
			if [ "$f" = mode ]; then pick $MODES; else value; fi
			dbg "$img" "sif $p $f $R"
			;;
		5) # a whole inode or a bitmap bit
			pick $PATHS
			p=$R
			nth "$v" dir || R=100
			pick "clri $p" "freei $p" "freeb $R" "setb $(($(lay "$v" gdt) + 300))" \
				"unlink $p"
			dbg "$img" "$R"
			;;
		6) # a byte of the superblock (its first 0x180 bytes hold the fields in use)
			rnd 384
			flip "$img" $((1024 + R))
			;;
		7) # a byte of the group descriptor table
			dsz=$(lay "$v" dsz)
			rnd $(($(lay "$v" groups) * ${dsz:-32}))
			flip "$img" $(($(lay "$v" gdt) * bs + R))
			;;
		8 | 9) # a byte of an inode that matters
			nth "$v" ino
			o=${R##* }
			rnd "$(lay "$v" isz)"
			flip "$img" $((o + R))
			;;
		10) # a byte of a directory block (the first 64: the entries of . and ..)
			nth "$v" dir || continue
			b=$R
			rnd 2
			if [ "$R" -eq 0 ]; then rnd 64; else rnd "$bs"; fi
			flip "$img" $((b * bs + R))
			;;
		11) # a byte of an extent tree or indirect block
			nth "$v" meta || continue
			b=$R
			rnd 64
			flip "$img" $((b * bs + R))
			;;
		esac
	done
	# debugfs writes the group descriptors where a broken superblock puts them, up to TiB
	# past the end: the disk ends where it ended (and sha256sum reads no sparse TiB)
	if [ "$(stat -c %s "$img")" -ne "$SIZE" ]; then
		truncate -s "$SIZE" "$img"
		MUT="$MUT; (debugfs wrote past the end: cut back)"
	fi
	MUT=${MUT#; }
}

# no_leaks IMG NAME: img_no_leaks, but a new /run/sshrescue.* is only noted here (after NAME)
# and judged at the end: one still there then is left; one gone was another test's (other image
# tests may run beside a manual run; ctest runs them one at a time).
NEW_DIRS=
no_leaks()
{
	n=0
	while img_loop_backs "$1"; do
		n=$((n + 1))
		[ $n -gt 100 ] && { bad "a loop device still backs $(basename "$1") after $2"; return 1; }
		sleep 0.05
	done
	w=$(printf '%s' "${2%% (*}" | tr ' ' _)
	for x in $(img_rundirs); do
		printf '%s\n' "$IMG_RUNDIRS" | grep -qxF "$x" || NEW_DIRS="$NEW_DIRS $x@$w"
	done
	return 0
}
dirs_left() # the end of no_leaks: the new mountpoints that stay
{
	[ -n "$NEW_DIRS" ] && sleep 3
	left=
	for x in $NEW_DIRS; do
		[ -d "${x%@*}" ] && left="$left $x"
	done
	[ -z "$left" ] && ok "no mountpoint left" || bad "mountpoints left (after):$left"
}

# run_check WHAT ARGS...: sshrescue ARGS under timeout; the assertions every run must meet
run_check()
{
	what=$1
	shift
	timeout -k 5 "$LIMIT" "$IMG_BIN" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	if [ "$RC" -ge 124 ]; then
		bad "$what: status $RC (signal or timeout) [$MUT]: $(head -c 600 "$ERR")"
		return 1
	fi
	if grep -q 'AddressSanitizer\|LeakSanitizer\|runtime error' "$ERR"; then
		bad "$what: sanitizer report [$MUT]: $(grep -m 3 'Sanitizer\|runtime error' "$ERR")"
		return 1
	fi
	if [ -s "$OUT" ]; then
		jq -e . "$OUT" >/dev/null 2>&1 || {
			bad "$what: output is not JSON [$MUT]: $(head -c 300 "$OUT")"
			return 1
		}
	elif [ $((RC & 8)) -eq 0 ] || [ "$(grep -c '^sshrescue: ' "$ERR")" -ne 1 ]; then
		bad "$what: no report, status $RC [$MUT]: $(head -c 600 "$ERR")"
		return 1
	fi
	return 0
}

# First, two mutants that pin the bugs this test found (docs/hostile.md, "Corrupt images").
# A superblock the kernel refuses to mount: check --deep gives e2fsck's verdict in its error line
# and status 12 (8: not mounted, 4: damaged), instead of only "cannot mount".
cp "$T/ext4.img" "$T/p1.img"
img_break "$T/p1.img" "ssv log_block_size 255" || bad "debugfs ssv log_block_size"
img_run check --deep --json "$T/p1.img"
[ "$RC" -eq 12 ] && [ ! -s "$OUT" ] && [ "$(wc -l <"$ERR")" -eq 1 ] &&
	grep -q 'cannot mount .*; before the mount, e2fsck -f -n [^:]*: damaged (exit status 4): ' \
		"$ERR" && ok "not mountable: status 12, e2fsck's verdict in the error line" ||
	bad "not mountable: status $RC: $(cat "$ERR")"
no_leaks "$T/p1.img" "not mountable"
# One the kernel mounts and libext2fs refuses: plain check says so (fs.unreadable, in
# libext2fs's words, not "Unknown code ext2 20"); e2fsck -fn's refusal (status 8, "does not
# describe a valid" filesystem) is damage, fs.deep.damaged, not a failure of the helper.
cp "$T/inline.img" "$T/p2.img"
img_break "$T/p2.img" "ssv rev_level 0x80000000" || bad "debugfs ssv rev_level"
img_run check --json "$T/p2.img"
[ "$RC" -eq 0 ] && jq -e '[.findings[] | select(.code == "fs.unreadable" and
	(.evidence | test("Filesystem revision too high")))] | length == 1' "$OUT" >/dev/null &&
	ok "libext2fs refuses it: fs.unreadable, in its words" ||
	bad "libext2fs refuses it: status $RC, $(jq -c '[.findings[] | [.code, .evidence]]' "$OUT")"
img_run check --deep --json "$T/p2.img"
[ "$RC" -eq 4 ] && jq -e '.filesystems[0].deep_check.verdict == "damaged" and
	.filesystems[0].deep_check.exit_status == 8 and
	([.findings[] | select(.code == "fs.deep.damaged")] | length == 1)' "$OUT" >/dev/null &&
	ok "e2fsck refuses it: fs.deep.damaged (status 8)" ||
	bad "e2fsck refuses it: status $RC, $(jq -c '.filesystems[0].deep_check' "$OUT")"
no_leaks "$T/p2.img" "libext2fs refuses"

flagged=0 reported=0 said=0 unknown=0 plain_refused=0 unreadable=0 runs_ok=0
start=$(date +%s)
mi=0 # not i: imagelib counts with it
while [ "$mi" -lt "$N" ]; do
	pick $VARIANTS
	v=$R
	img=$T/m.img
	cp "$T/$v.img" "$img"
	MUT=
	mutate "$v" "$img"
	name="mutant $mi ($v)"
	printf '%s %s: %s\n' "$mi" "$v" "$MUT" >>"$T/mutants.log"
	sha=$(img_sha "$img")
	timeout "$LIMIT" e2fsck -fn "$img" >"$T/e2fsck.out" 2>&1
	erc=$?
	[ "$erc" -ge 4 ] && flagged=$((flagged + 1))
	good=1
	if run_check "$name: check" check --json "$img"; then
		if [ ! -s "$OUT" ]; then
			plain_refused=$((plain_refused + 1))
		elif jq -e '.filesystems[0] | (.fstype | test("^ext")) and
			(.health_checked | not)' "$OUT" >/dev/null; then
			# the kernel mounted it, libext2fs refused it: said by a finding
			jq -e '[.findings[] | select(.code == "fs.unreadable")] | length == 1' \
				"$OUT" >/dev/null && unreadable=$((unreadable + 1)) ||
				{ bad "$name: check: health not checked, and no finding says so [$MUT]: $(jq -c '.filesystems[0].health_note' "$OUT")"; good=0; }
		fi
	else
		good=0
	fi
	if run_check "$name: check --deep" check --deep --json "$img"; then
		if [ ! -s "$OUT" ] && grep -q 'cannot mount\|does not look like a Linux root' "$ERR"; then
			# refused after the deep check ran: its verdict is in the error line
			if grep -q 'before the mount, e2fsck' "$ERR" &&
				{ [ "$erc" -ne 4 ] && [ "$erc" -ne 12 ] || [ $((RC & 4)) -eq 4 ]; }; then
				[ "$erc" -ge 4 ] && said=$((said + 1))
			else
				bad "$name: check --deep: status $RC, no word of e2fsck's verdict (its status $erc) [$MUT]: $(cat "$ERR")"
				good=0
			fi
		elif [ ! -s "$OUT" ]; then
			# not even identified as a filesystem: no checker ran
			[ "$erc" -ge 4 ] && unknown=$((unknown + 1))
		elif [ "$erc" -ge 4 ]; then
			jq -e --argjson e "$erc" '(.filesystems[0].deep_check.exit_status == $e) and
				([.findings[] | select((.code | startswith("fs.")) and
				 .severity == "error")] | length > 0)' "$OUT" >/dev/null &&
				reported=$((reported + 1)) ||
				{ bad "$name: check --deep: e2fsck -fn gave $erc, the report has no fs error [$MUT]: $(jq -c '[.filesystems[0].deep_check, [.findings[] | .code]]' "$OUT")"; good=0; }
		else
			jq -e '[.findings[] | select(.code == "fs.deep.damaged")] | length == 0' \
				"$OUT" >/dev/null ||
				{ bad "$name: check --deep: fs.deep.damaged, e2fsck -fn gave $erc [$MUT]"; good=0; }
		fi
	else
		good=0
	fi
	[ "$(img_sha "$img")" = "$sha" ] || { bad "$name: the image changed [$MUT]"; good=0; }
	no_leaks "$img" "$name" || good=0
	[ "$good" -eq 1 ] && runs_ok=$((runs_ok + 1))
	mi=$((mi + 1))
done
secs=$(($(date +%s) - start))
[ "$runs_ok" -eq "$N" ] && ok "$N mutants: every check ended, with JSON or one error line, and wrote nothing" ||
	bad "$((N - runs_ok)) of $N mutants failed an assertion (see above)"
dirs_left
printf 'corrupt: seed %s, %s mutants in %s s; e2fsck -fn flagged %s; of those, check --deep reported %s with an error finding, %s in its error line (not mounted), %s were no filesystem to it; plain check: %s not mounted, %s fs.unreadable\n' \
	"$SEED" "$N" "$secs" "$flagged" "$reported" "$said" "$unknown" "$plain_refused" "$unreadable"
[ $((reported + said + unknown)) -eq "$flagged" ] && ok "every mutant e2fsck flagged was reported" ||
	bad "check --deep missed $((flagged - reported - said - unknown)) of $flagged flagged mutants"
img_finish
