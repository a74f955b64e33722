#!/bin/sh
# test.sh - install, build and run the whole test suite: the cmocka unit tests
# and image tests in a normal (hardened) build and again under ASan+UBSan, cppcheck
# and clang-tidy, the unit tests once under valgrind, the end-to-end tests against a
# real sshd, and a short run of every fuzz target (docs/hardening.md).
# Run as root. The last line is "N passed, M failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/tools/deps.sh" || exit 1

passed=0
failed=0
failures=""
timings=""
start=$(date +%s)
run() { # run NAME COMMAND...: one suite, counted
	name=$1
	shift
	printf '\n=== %s\n' "$name"
	t0=$(date +%s)
	if "$@"; then
		passed=$((passed + 1))
		verdict=ok
	else
		failed=$((failed + 1))
		failures="$failures $name"
		verdict=FAILED
	fi
	took=$(($(date +%s) - t0))
	timings="$timings$(printf '%6d s  %s %s' "$took" "$verdict" "$name")
"
}

run "format (clang-format)" sh "$top/tools/check-format.sh"
run "build" sh "$top/tools/build.sh" "$top/build"
run "build (asan+ubsan)" sh "$top/tools/build.sh" "$top/build-asan" -DRSC_SANITIZE=ON -DRSC_FAULT_INJECT=ON \
	-DCMAKE_BUILD_TYPE=Debug
run "unit + image tests" ctest --test-dir "$top/build" -LE e2e --output-on-failure -j2
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run "unit + image tests (asan+ubsan)" ctest --test-dir "$top/build-asan" -LE e2e \
	--output-on-failure -j2
run "lint (cppcheck, clang-tidy)" sh "$top/tools/lint.sh" "$top/build"
run "unit tests (valgrind)" sh "$top/tools/valgrind.sh" "$top/build"
run "end-to-end (real sshd)" ctest --test-dir "$top/build" -L e2e --output-on-failure -j2
if [ -x "$top/tests/fuzz/build.sh" ] || [ -f "$top/tests/fuzz/build.sh" ]; then
	run "fuzz (short runs)" sh "$top/tests/fuzz/run-all.sh" "$top/build-fuzz" 20
fi

printf '\n=== time per suite (total %d s)\n%s' "$(($(date +%s) - start))" "$timings"
printf '\nsuites failed:%s\n' "${failures:- none}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
