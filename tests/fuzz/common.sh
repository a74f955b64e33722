# common.sh - sourced by run-all.sh and campaign.sh: the one way a fuzz
# target is run. The caller sets top (the repository) and out (BUILDDIR,
# absolute); fuzz_run_target sets the fuzz_* result variables below, which
# the caller reads (hence SC2034).
# shellcheck shell=sh disable=SC2034
: "${top:?common.sh: set top}" "${out:?common.sh: set out}"

# fuzz_targets [NAME...] - the names of the targets to run, one a line: the
# NAMEs given (each must have tests/fuzz/NAME.c), else every fuzz_*.c.
fuzz_targets() {
	if [ $# -eq 0 ]; then
		for src in "$top"/tests/fuzz/fuzz_*.c; do
			basename "$src" .c
		done
		return 0
	fi
	for name in "$@"; do
		if [ ! -f "$top/tests/fuzz/$name.c" ]; then
			echo "fuzz: no target $name (tests/fuzz/$name.c)" >&2
			return 1
		fi
		echo "$name"
	done
}

# fuzz_stat LOG KEY - the last value libFuzzer printed as stat::KEY.
fuzz_stat() {
	sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

# fuzz_verdict LOG RC - what ended the run: ok, leak, timeout, oom, ub,
# crash (an ASan report or a deadly signal), or failed (anything else).
fuzz_verdict() {
	if [ "$2" -eq 0 ]; then
		echo ok
	elif grep -q 'ERROR: LeakSanitizer' "$1"; then
		echo leak
	elif grep -q 'ERROR: libFuzzer: timeout' "$1"; then
		echo timeout
	elif grep -q 'ERROR: libFuzzer: out-of-memory' "$1"; then
		echo oom
	elif grep -q 'runtime error:' "$1"; then
		echo ub
	elif grep -qE 'ERROR: AddressSanitizer|ERROR: libFuzzer: deadly signal' "$1"; then
		echo crash
	else
		echo failed
	fi
}

# fuzz_run_target NAME LIMIT... - run BUILDDIR/NAME on BUILDDIR/corpus/NAME
# (seeded from tests/fuzz/corpus/NAME) with the libFuzzer options LIMIT
# (-max_total_time=S, -runs=N), inputs up to 64 KiB, leak detection on.
# The output goes to BUILDDIR/NAME.log, artifacts to BUILDDIR/NAME-*. Sets
# fuzz_rc, fuzz_verdict, fuzz_execs, fuzz_secs (wall), fuzz_rss (peak MB),
# fuzz_corpus (inputs) and fuzz_log. Returns 0 when the run was clean.
fuzz_run_target() {
	name=$1
	shift
	corpus="$out/corpus/$name"
	mkdir -p "$corpus"
	if [ -d "$top/tests/fuzz/corpus/$name" ]; then
		cp -R "$top/tests/fuzz/corpus/$name"/. "$corpus"/
	fi
	fuzz_log="$out/$name.log"
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
	export ASAN_OPTIONS UBSAN_OPTIONS
	start=$(date +%s)
	"$out/$name" "$@" -max_len=65536 -timeout=25 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/$name-" "$corpus" >"$fuzz_log" 2>&1
	fuzz_rc=$?
	fuzz_secs=$(($(date +%s) - start))
	fuzz_verdict=$(fuzz_verdict "$fuzz_log" "$fuzz_rc")
	fuzz_execs=$(fuzz_stat "$fuzz_log" number_of_executed_units)
	fuzz_rss=$(fuzz_stat "$fuzz_log" peak_rss_mb)
	fuzz_corpus=$(find "$corpus" -type f | wc -l)
	[ "$fuzz_rc" -eq 0 ]
}

# fuzz_report_failure NAME - say how NAME failed and show the report's key
# lines from its log.
fuzz_report_failure() {
	echo "fuzz $1: FAILED ($fuzz_verdict, exit $fuzz_rc) after ${fuzz_execs:-?} runs; see $fuzz_log"
	grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' \
		"$fuzz_log" | head -n 20
}
