#!/bin/sh
# build.sh BUILDDIR - compile every tests/fuzz/fuzz_*.c into a libFuzzer
# program BUILDDIR/fuzz_<name>, with AddressSanitizer and UBSan (any UB
# aborts). The first line of each fuzz file names the sources it needs,
# relative to the repository:
#   /* fuzz-sources: rescue/authkeys.c rescue/util.c */
# An optional second line names system libraries to link (uninstrumented):
#   /* fuzz-libs: elf z */
# A program newer than its fuzz file, its sources, every rescue/*.h and this
# script is kept (remove BUILDDIR to force a rebuild, e.g. for another CC).
# Needs clang and its libFuzzer runtime (Debian: libclang-rt-14-dev).
set -eu
if [ $# -ne 1 ]; then
	echo "usage: $0 BUILDDIR" >&2
	exit 2
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
mkdir -p "$out"
CC=${CC:-clang}
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror
	-Wno-unused-parameter -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=undefined"

found=0
for src in "$top"/tests/fuzz/fuzz_*.c; do
	[ -f "$src" ] || continue
	found=1
	name=$(basename "$src" .c)
	line=$(head -n 1 "$src")
	case $line in
	"/* fuzz-sources:"*"*/") ;;
	*)
		echo "fuzz build: $src: first line must be /* fuzz-sources: ... */" >&2
		exit 1
		;;
	esac
	srcs=""
	for s in $(printf '%s\n' "$line" | sed 's|^/\* fuzz-sources:||; s|\*/$||'); do
		case $s in
		/* | *..*)
			echo "fuzz build: $src: source '$s' must be relative, inside the repo" >&2
			exit 1
			;;
		esac
		if [ ! -f "$top/$s" ]; then
			echo "fuzz build: $src: no such source $s" >&2
			exit 1
		fi
		srcs="$srcs $top/$s"
	done
	libs=""
	line2=$(sed -n 2p "$src")
	case $line2 in
	"/* fuzz-libs:"*"*/")
		for l in $(printf '%s\n' "$line2" | sed 's|^/\* fuzz-libs:||; s|\*/$||'); do
			case $l in
			*[!a-z0-9_+-]*)
				echo "fuzz build: $src: bad library name '$l'" >&2
				exit 1
				;;
			esac
			libs="$libs -l$l"
		done
		;;
	esac
	# a source the fuzz file includes itself (#include "../../rescue/x.c") counts too
	incs=$(sed -n 's|^#include "\.\./\.\./\(rescue/[a-z_]*\.c\)"$|'"$top"'/\1|p' "$src")
	# shellcheck disable=SC2086
	if [ -f "$out/$name" ] && [ -z "$(find "$src" $srcs $incs "$top"/rescue/*.h "$0" \
		-newer "$out/$name" 2>/dev/null)" ]; then
		echo "fuzz build: $name (up to date)"
		continue
	fi
	echo "fuzz build: $name"
	# shellcheck disable=SC2086
	$CC $CFLAGS -I "$top/rescue" -o "$out/$name" "$src" $srcs $libs
done
if [ "$found" -eq 0 ]; then
	echo "fuzz build: no tests/fuzz/fuzz_*.c" >&2
	exit 1
fi
