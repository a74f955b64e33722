#!/bin/sh
# valgrind.sh [BUILDDIR] - run the pure cmocka unit tests (BUILDDIR/tests/test_*, from the normal
# build) once under valgrind memcheck: any invalid access, use of uninitialised memory, or a
# definite or indirect leak fails the suite. Not test_volume (it attaches loop devices and mounts),
# not the image, hostile or e2e tests. Two tests at a time; a log per test in BUILDDIR/valgrind/.
# docs/hardening.md has the measured runtime.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build}
logs=$dir/valgrind
jobs=$(nproc 2>/dev/null || echo 2)
mkdir -p "$logs" || exit 1
rm -f "$logs"/*.log "$logs"/*.fail

tests=""
for t in "$dir"/tests/test_*; do
	if [ ! -f "$t" ] || [ ! -x "$t" ]; then
		continue
	fi
	case ${t##*/} in
	test_volume) continue ;; # loop devices and mounts: not a unit test under valgrind
	esac
	tests="$tests $t"
done
if [ -z "$tests" ]; then
	echo "valgrind: no unit tests in $dir/tests (build first)" >&2
	exit 1
fi

# One test: valgrind's own exit status 99 marks its errors, apart from a failing test.
# RSC_VALGRIND: the few assertions valgrind itself falsifies (tests/unit/test_fsck.c) know it.
export RSC_SRCDIR="$top" RSC_BINARY="$dir/sshrescue" RSC_VALGRIND=1 logs
# shellcheck disable=SC2086,SC2016 # word splitting wanted; the inner script expands its own
printf '%s\n' $tests | xargs -P "$jobs" -I{} sh -c '
	t=$1
	n=${t##*/}
	start=$(date +%s)
	valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --track-origins=yes --num-callers=30 \
		--log-file="$logs/$n.log" "$t" >"$logs/$n.out" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	if [ "$rc" -eq 0 ]; then
		echo "valgrind: $n ok (${secs}s)"
	else
		[ "$rc" -eq 99 ] && what="memory errors" || what="test failed (status $rc)"
		echo "valgrind: $n: $what (${secs}s)"
		echo "$what" >"$logs/$n.fail"
	fi
' sh {}

bad=0
for f in "$logs"/*.fail; do
	[ -f "$f" ] || continue
	bad=1
	n=$(basename "$f" .fail)
	printf '\n--- %s: %s\n' "$n" "$(cat "$f")"
	tail -n 40 "$logs/$n.log"
	tail -n 20 "$logs/$n.out"
done
# shellcheck disable=SC2086
[ "$bad" -eq 0 ] && echo "valgrind: ok ($(printf '%s\n' $tests | wc -l) unit test programs)"
exit $bad
