#!/bin/sh
# users.sh [BINARY [N...]] - check and check --json on a victim directory with N users
# (default 3000 10000 30000 1000000): the hostile corpus's base victim (h_base of
# tests/hostile/hostilelib) plus N users, groups and shadow entries (hc_users of
# tests/hostile/cases; none has a home, so every one the tool reads is examined), built in
# a temp directory. Prints the wall time and max RSS of /usr/bin/time -v for each. Not part
# of ctest. See docs/benchmarks.md.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$top/build/sshrescue}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- 3000 10000 30000 1000000
# shellcheck disable=SC1091 # sourced from the tree
. "$top/tests/bench/hostilebench"
bench_need users.sh "$bin"
bench_init users
printf 'users     command        wall       max RSS  status\n'
for n in "$@"; do
	v=$H_TMP/v$n
	h_base "$v" && hc_users "$v" "$n"
	for cmd in check "check --json"; do
		# shellcheck disable=SC2086 # the command's words
		/usr/bin/time -v "$bin" $cmd "$v" >/dev/null 2>"$H_TMP/time" || true
		bench_time "$H_TMP/time"
		printf '%-9s %-13s %8s %10s KiB  %s\n' "$n" "$cmd" "$bench_wall" "$bench_rss" "$bench_status"
	done
	rm -rf "$v"
done
