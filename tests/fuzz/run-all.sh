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
. "$top/tests/fuzz/common.sh"

status=0
# shellcheck disable=SC2119 # no names: every target
for name in $(fuzz_targets); do
	if fuzz_run_target "$name" -max_total_time="$secs"; then
		echo "fuzz $name: ok, ${fuzz_execs:-?} runs in ${secs}s, corpus $fuzz_corpus inputs"
	else
		status=1
		fuzz_report_failure "$name"
	fi
done
exit "$status"
