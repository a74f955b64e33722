#!/bin/sh
# run-all.sh BUILDDIR SECONDS - build every fuzz target (build.sh), then run
# each for SECONDS with inputs up to 64 KiB. Seeds come from
# tests/fuzz/corpus/<target>/ when present; they are copied to
# BUILDDIR/corpus/<target>/, where new inputs accumulate (the source tree is
# never written). A crash, leak or UB report leaves BUILDDIR/<target>-crash-*
# and makes the exit status non-zero. Prints the executions of each target.
set -u
if [ $# -ne 2 ]; then
	echo "usage: $0 BUILDDIR SECONDS" >&2
	exit 2
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
secs=$2
case $secs in
'' | *[!0-9]*)
	echo "run-all: SECONDS must be a whole number" >&2
	exit 2
	;;
esac
sh "$top/tests/fuzz/build.sh" "$out" || exit 1
out=$(cd "$out" && pwd)

status=0
for src in "$top"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	corpus="$out/corpus/$name"
	mkdir -p "$corpus"
	if [ -d "$top/tests/fuzz/corpus/$name" ]; then
		cp -R "$top/tests/fuzz/corpus/$name"/. "$corpus"/
	fi
	log="$out/$name.log"
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
	export ASAN_OPTIONS UBSAN_OPTIONS
	"$out/$name" -max_total_time="$secs" -max_len=65536 -timeout=25 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/$name-" "$corpus" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$rc" -ne 0 ]; then
		status=1
		echo "fuzz $name: FAILED (exit $rc) after ${execs:-?} runs; see $log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' \
			"$log" | head -n 20
	else
		echo "fuzz $name: ok, ${execs:-?} runs in ${secs}s, corpus $(ls "$corpus" | wc -l) inputs"
	fi
done
exit "$status"
