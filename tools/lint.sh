#!/bin/sh
# lint.sh [BUILDDIR] - cppcheck and clang-tidy over rescue/ fsck-checks/ fixups/, with the
# configuration checked in: tools/cppcheck.supp (a reason per suppression) and .clang-tidy (a
# reason per disabled check). clang-tidy reads BUILDDIR/compile_commands.json (CMake's
# CMAKE_EXPORT_COMPILE_COMMANDS; configured here if missing). Exits 1 on any finding.
# docs/hardening.md has the measured runtime.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build}
cd "$top" || exit 1
jobs=$(nproc 2>/dev/null || echo 2)
tidy=${CLANG_TIDY:-clang-tidy}
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT

if [ ! -f "$dir/compile_commands.json" ]; then
	cmake -S "$top" -B "$dir" >/dev/null || exit 1
fi
files=$(git ls-files 'rescue/*.c' 'fsck-checks/*.c' 'fixups/*.c' 2>/dev/null)
[ -n "$files" ] || files=$(find rescue fsck-checks fixups -name '*.c' | sort)
bad=0

# cppcheck without the system headers (its library files model libc/POSIX), one configuration:
# the defines of the build.
echo "lint: cppcheck $(cppcheck --version | sed 's/^Cppcheck //')"
t0=$(date +%s)
# shellcheck disable=SC2086
if ! cppcheck --quiet -j "$jobs" --std=c11 --language=c --library=posix,gnu \
	--enable=warning,style,performance,portability --inline-suppr \
	--suppressions-list="$top/tools/cppcheck.supp" --error-exitcode=1 \
	-D_GNU_SOURCE -DRSC_VERSION='"0"' -I rescue -I fsck-checks -I fixups \
	--template='{file}:{line}: {severity}: {message} [{id}]' $files; then
	echo "lint: cppcheck: findings above" >&2
	bad=1
fi
t1=$(date +%s)
echo "lint: cppcheck took $((t1 - t0)) s"

# clang-tidy, one process per file, $jobs at a time. -U_FORTIFY_SOURCE: the analyzer models the
# plain libc functions, not glibc's fortified inline wrappers of the release build. The analyzer
# (nearly all of the time) runs in its shallow mode, less inlining: a third of the CPU time of the
# default deep mode on this tree, and it still finds the add-key bug the deep mode found.
# LINT_ANALYZER=deep for the full analysis (clean too when this was written; docs/hardening.md).
mode=${LINT_ANALYZER:-shallow}
echo "lint: $($tidy --version | sed -n 's/.*LLVM version /clang-tidy /p'), analyzer mode $mode"
# shellcheck disable=SC2086
if ! printf '%s\n' $files | xargs -P "$jobs" -n 1 "$tidy" -p "$dir" --quiet \
	--extra-arg=-Wno-unknown-warning-option --extra-arg=-U_FORTIFY_SOURCE \
	--extra-arg=-Xclang --extra-arg=-analyzer-config --extra-arg=-Xclang \
	--extra-arg="mode=$mode" >"$out" 2>&1; then
	bad=1
fi
grep -v -e '^[0-9]* warnings\{0,1\} generated\.$' -e '^[0-9]* warnings\{0,1\} treated as errors$' \
	-e '^Error while processing ' "$out"
echo "lint: clang-tidy took $(($(date +%s) - t1)) s ($jobs at a time)"
if [ "$bad" -ne 0 ]; then
	echo "lint: findings (fix them, or justify a suppression in .clang-tidy / tools/cppcheck.supp)" >&2
	exit 1
fi
echo "lint: ok ($(printf '%s\n' "$files" | wc -l) files)"
