#!/bin/sh
# run-all.sh BUILDDIR SECONDS - build every fuzz target (build.sh), then run
# each for SECONDS, two at a time (FUZZ_JOBS), with inputs up to 64 KiB. Seeds come from
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

# Two targets at a time (FUZZ_JOBS): this machine kind has two cores. Each run's lines go to
# BUILDDIR/NAME.result and are printed in target order when its pair is done.
jobs=${FUZZ_JOBS:-2}
case $jobs in
'' | *[!0-9]* | 0)
	echo "run-all: FUZZ_JOBS must be a positive whole number" >&2
	exit 2
	;;
esac
run_one() { # NAME: in a subshell; its lines, and 0 when clean
	if fuzz_run_target "$1" -max_total_time="$secs"; then
		echo "fuzz $1: ok, ${fuzz_execs:-?} runs in ${secs}s, corpus $fuzz_corpus inputs"
	else
		fuzz_report_failure "$1"
		return 1
	fi
}
status=0
# shellcheck disable=SC2119,SC2046 # no names: every target; names have no blanks
set -- $(fuzz_targets)
while [ $# -gt 0 ]; do
	pids=""
	names=""
	n=0
	while [ $# -gt 0 ] && [ "$n" -lt "$jobs" ]; do
		(run_one "$1") > "$out/$1.result" 2>&1 &
		pids="$pids $!"
		names="$names $1"
		n=$((n + 1))
		shift
	done
	for pid in $pids; do
		wait "$pid" || status=1
	done
	for name in $names; do
		cat "$out/$name.result"
	done
done
exit "$status"
