#!/bin/sh
# usage.sh - benchmark of "what fills the disk" (sshrescue usage) against du -x,
# of sshrescue check against e2fsck -fn, and of both against the I/O floor, on
# an 8 GiB ext4 image shaped like a full server root (about 1,000,000 inodes).
# Not part of ctest. Needs root (mounts, drop_caches). See docs/benchmarks.md.
set -eu

help() {
	cat <<'EOF'
Usage: tests/bench/usage.sh [--builddir DIR] [--runs N] [--scale N] [--rebuild] [--out FILE]

Builds (once, cached in DIR/bench) an ext4 image like a server root: deep /usr
trees, a 60,000-entry directory, a big and a sparse log, 200 homes, symlinks,
hard links, about 1,000,000 inodes on 8 GiB, then filled to 100 % with a
fallocated log. Then measures, cold cache (drop_caches and the image's own
pages dropped) and warm, the median of N runs each:
  sshrescue usage IMG          vs  du -x -s (and --inodes) on IMG mounted ro,noload
  sshrescue check IMG          vs  e2fsck -fn IMG
  the floor: the used inode tables + directory blocks read in order (floor.c)
and peak RSS (/usr/bin/time -v). The totals of usage and du must be equal, to
the KiB and the inode, or the run fails. On a shared machine run it with
nice -n -10 (both contenders gain alike) and note the load it prints.

  --builddir DIR  the build tree with sshrescue (default: build)
  --runs N        runs per measurement (default 5)
  --scale N       divide the tree's counts by N (a quick smoke run; default 1)
  --rebuild       build the image again
  --out FILE      also write the Markdown results to FILE
  -h, --help      this help
EOF
}

builddir=build runs=5 scale=1 rebuild=0 out=""
while [ $# -gt 0 ]; do
	case $1 in
	--builddir) builddir=$2; shift ;;
	--runs) runs=$2; shift ;;
	--scale) scale=$2; shift ;;
	--rebuild) rebuild=1 ;;
	--out) out=$2; shift ;;
	-h | --help) help; exit 0 ;;
	*) help >&2; exit 2 ;;
	esac
	shift
done
if [ "$(id -u)" -ne 0 ]; then
	echo "usage.sh: needs root (loop mounts, drop_caches)" >&2
	exit 77
fi
# everything below mounts in a private mount namespace
if [ -z "${RSC_BENCH_NS:-}" ]; then
	set -- --builddir "$builddir" --runs "$runs" --scale "$scale"
	[ "$rebuild" = 1 ] && set -- "$@" --rebuild
	[ -n "$out" ] && set -- "$@" --out "$out"
	RSC_BENCH_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi

src=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$builddir" && pwd)/sshrescue
dir=$(cd "$builddir" && pwd)/bench
img=$dir/server-root-s$scale.img
mnt=$dir/mnt
tmp=$(mktemp -d)
trap 'umount "$mnt" 2>/dev/null || true; rm -rf "$tmp"' EXIT
mkdir -p "$dir" "$mnt"
[ -x "$bin" ] || { echo "usage.sh: no $bin (sh tools/build.sh $builddir)" >&2; exit 1; }

cc -O2 -Wall -Wno-format-truncation -o "$dir/mktree" "$src/mktree.c"
# shellcheck disable=SC2046
cc -O2 -Wall -o "$dir/floor" "$src/floor.c" $(pkg-config --cflags --libs ext2fs com_err)

# Fill the mounted filesystem at $1 to the last block root may use: fallocate, halving on ENOSPC.
fill() {
	off=0
	size=$(df -B1 --output=avail "$1" | tail -n 1)
	size=$((size + 1073741824))
	while [ "$size" -ge 4096 ]; do
		if fallocate -o "$off" -l "$size" "$1/var/log/app.log" 2>/dev/null; then
			off=$((off + size))
		else
			size=$((size / 2))
		fi
	done
}

if [ "$rebuild" = 1 ] || [ ! -f "$img" ]; then
	echo "building $img ..." >&2
	t0=$(date +%s.%N)
	rm -f "$img.tmp"
	truncate -s 8G "$img.tmp"
	mke2fs -q -F -t ext4 -i 8192 -L benchroot "$img.tmp"
	mount -o loop "$img.tmp" "$mnt"
	"$dir/mktree" "$mnt" "$scale" >"$img.tree"
	fill "$mnt"
	umount "$mnt"
	"$dir/floor" ranges "$img.tmp" >"$img.ranges" 2>"$img.floor"
	mv "$img.tmp" "$img"
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{ printf "%.1f\n", $2 - $1 }' >"$img.built"
fi

drop() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	dd if="$img" iflag=nocache count=0 status=none
}

kcache() { awk '/^(Buffers|Cached|SReclaimable):/ { s += $2 } END { print s }' /proc/meminfo; }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure NAME cold|warm CMD...: the median wall time and peak RSS over $runs runs
measure() {
	name=$1 mode=$2
	shift 2
	: >"$tmp/$name.$mode.t"
	: >"$tmp/$name.$mode.m"
	: >"$tmp/$name.$mode.c"
	if [ "$mode" = warm ]; then
		"$@" >/dev/null 2>&1 || true
	fi
	i=0
	while [ "$i" -lt "$runs" ]; do
		[ "$mode" = cold ] && drop
		k0=$(kcache)
		/usr/bin/time -f "%e %M %U %S" -o "$tmp/time" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" ||
			[ "$name" != usage ] || { cat "$tmp/$name.err" >&2; exit 1; }
		k1=$(kcache)
		tail -n 1 "$tmp/time" >"$tmp/time1"
		read -r t m cu cs <"$tmp/time1"
		echo "$t" >>"$tmp/$name.$mode.t"
		echo "$cu $cs" | awk '{ print $1 + $2 }' >>"$tmp/$name.$mode.c"
		echo "$m" >>"$tmp/$name.$mode.m"
		echo $((k1 - k0)) >"$tmp/$name.$mode.k"
		i=$((i + 1))
	done
	median <"$tmp/$name.$mode.t" >"$tmp/$name.$mode.med"
	median <"$tmp/$name.$mode.m" >"$tmp/$name.$mode.rss"
	median <"$tmp/$name.$mode.c" >"$tmp/$name.$mode.cpu"
	echo "  $name $mode: $(tr '\n' ' ' <"$tmp/$name.$mode.t")s" >&2
}

load0=$(uptime)
for mode in cold warm; do
	measure usage "$mode" "$bin" usage "$img" --json
	cp "$tmp/usage.out" "$tmp/usage.json"
	measure floor "$mode" "$dir/floor" read "$img" "$img.ranges"
	mount -o ro,noload,loop "$img" "$mnt"
	measure du "$mode" du -x -s --block-size=1K "$mnt"
	cp "$tmp/du.out" "$tmp/du.kib"
	umount "$mnt"
	measure check "$mode" "$bin" check "$img"
	cp "$tmp/check.out" "$tmp/check.txt"
	measure e2fsck "$mode" e2fsck -fn "$img"
done
load1=$(uptime)

mount -o ro,noload,loop "$img" "$mnt"
du_inodes=$(du -x -s --inodes "$mnt" | cut -f1)
umount "$mnt"
du_kib=$(cut -f1 "$tmp/du.kib")
our_kib=$(sed -n 's/^ *"kib": *\([0-9]*\).*/\1/p' "$tmp/usage.json")
our_inodes=$(sed -n 's/^  "inodes": *\([0-9]*\).*/\1/p' "$tmp/usage.json")
v() { cat "$tmp/$1.$2.med"; }
rss() { awk '{ printf "%.1f", $1 / 1024 }' "$tmp/$1.$2.rss"; }
kc() { awk '{ printf "%.0f", $1 / 1024 }' "$tmp/$1.$2.k"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
bytes=$(awk '{ s += $2 } END { printf "%.0f", s / 1048576 }' "$img.ranges")
disk=$(df --output=source "$dir" | tail -n 1)

{
	echo "### Results ($(date -u '+%Y-%m-%d %H:%M UTC'), $runs runs each, median)"
	echo
	echo "Image: $img ($(cat "$img.tree"); built in $(cat "$img.built") s);"
	echo "floor: $bytes MiB of used inode tables and directory blocks."
	echo "Machine: $(nproc) CPUs, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, Linux $(uname -r),"
	echo "disk $disk ($(lsblk -dno SIZE,ROTA,MODEL "$disk" 2>/dev/null |
		awk '{ m = $3; for (i = 4; i <= NF; i++) m = m " " $i
			printf "%s, rotational %s, model %s", $1, $2, m == "" ? "none" : m }'));"
	echo "load before: $(echo "$load0" | sed 's/.*load/load/'); after: $(echo "$load1" | sed 's/.*load/load/')."
	echo
	echo "| what | cold (s) | warm (s) | CPU cold / warm (s) | peak RSS (MiB) | kernel cache grown, cold (MiB) |"
	echo "|---|---|---|---|---|---|"
	for n in usage du floor check e2fsck; do
		echo "| $n | $(v "$n" cold) | $(v "$n" warm) | $(cat "$tmp/$n.cold.cpu") / $(cat "$tmp/$n.warm.cpu") | $(rss "$n" cold) | $(kc "$n" cold) |"
	done
	echo
	echo "- totals: usage $our_kib KiB, $our_inodes inodes; du -x -s $du_kib KiB, $du_inodes inodes"
	echo "- usage vs du -x: $(ratio "$(v du cold)" "$(v usage cold)")x faster cold (target 15x)," \
		"$(ratio "$(v du warm)" "$(v usage warm)")x warm (target 8x)"
	echo "- usage vs the floor, cold: $(ratio "$(v usage cold)" "$(v floor cold)")x (target at most 1.5x)"
	echo "- check, cold: $(v check cold) s (target under 2 s); e2fsck -fn $(v e2fsck cold) s"
	echo "- peak RSS of usage: $(rss usage cold) MiB (target under 64 MiB)"
} >"$tmp/result.md"
cat "$tmp/result.md"
[ -n "$out" ] && cp "$tmp/result.md" "$out"
if [ "$our_kib" != "$du_kib" ] || [ "$our_inodes" != "$du_inodes" ]; then
	echo "usage.sh: FAIL: the totals differ from du's" >&2
	exit 1
fi
