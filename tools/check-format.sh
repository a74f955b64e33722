#!/bin/sh
# check-format.sh - every C file matches .clang-format (CI runs this).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bad=0
for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find rescue fsck-checks fixups tests -name '*.[ch]'); do
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f (clang-format -i $f)"
		bad=1
	fi
done
[ "$bad" -eq 0 ] && echo "format: ok"
exit $bad
