#!/bin/sh
# campaign.sh [-t SECONDS] BUILDDIR RUNS [TARGET...] - the long fuzz campaign
# (docs/fuzzing.md): build every fuzz target (build.sh), then run each, one
# after another, for RUNS executions with the options of run-all.sh (inputs
# up to 64 KiB, 25 s timeout, 2 GiB RSS limit, leak detection on). With -t,
# a target stops after SECONDS even short of RUNS (verdict "short"). Corpora
# live in BUILDDIR/corpus/<target>/, seeded from tests/fuzz/corpus/<target>/.
# Prints a line a target: executions, wall seconds, exec/s, final corpus
# size, peak RSS and verdict; exits 1 on any crash, leak, timeout, UB or
# out-of-memory report (artifacts in BUILDDIR/<target>-*).
set -u
usage() {
	echo "usage: $0 [-t SECONDS] BUILDDIR RUNS [TARGET...]"
	echo "  run each fuzz target (all, or the TARGETs named, e.g. fuzz_elf) for RUNS"
	echo "  executions, one after another, and print a table of the results"
	echo "  -t SECONDS  stop a target after SECONDS even if it has not done RUNS"
}
secs=0
case ${1-} in
-h | --help)
	usage
	exit 0
	;;
-t)
	secs=${2-}
	shift 2 || secs=
	;;
esac
if [ $# -lt 2 ]; then
	usage >&2
	exit 2
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
runs=$2
shift 2
for n in "$runs" "$secs"; do
	case $n in
	'' | *[!0-9]*)
		echo "campaign: RUNS and SECONDS must be whole numbers" >&2
		exit 2
		;;
	esac
done
if [ "$runs" -eq 0 ]; then
	echo "campaign: RUNS must not be 0" >&2
	exit 2
fi
mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 2
. "$top/tests/fuzz/common.sh"
targets=$(fuzz_targets "$@") || exit 2
sh "$top/tests/fuzz/build.sh" "$out" || exit 1

status=0
printf '%-16s %10s %7s %8s %7s %8s  %s\n' target executions seconds exec/s corpus rss_mb verdict
for name in $targets; do
	fuzz_run_target "$name" -runs="$runs" -max_total_time="$secs" || status=1
	if [ "$fuzz_verdict" = ok ] && [ "${fuzz_execs:-0}" -lt "$runs" ]; then
		fuzz_verdict=short
	fi
	rate=$(awk -v n="${fuzz_execs:-0}" -v s="$fuzz_secs" 'BEGIN { printf "%d", s ? n / s : n }')
	printf '%-16s %10s %7s %8s %7s %8s  %s\n' "$name" "${fuzz_execs:-?}" "$fuzz_secs" \
		"$rate" "$fuzz_corpus" "${fuzz_rss:-?}" "$fuzz_verdict"
	if [ "$fuzz_rc" -ne 0 ]; then
		fuzz_report_failure "$name"
	fi
done
exit "$status"
