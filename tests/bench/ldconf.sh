#!/bin/sh
# ldconf.sh [BINARY...] - ldd and check on the hostile corpus's "includes" victim (h_base of
# tests/hostile/hostilelib plus hc_includes of tests/hostile/cases: an ld.so.conf of 900 KB
# that includes itself, 1,000 directories before 300,000 lines of one more, a dots.conf that
# includes itself through 1,000 "./" components, an sshd that needs libc.so.6), built once in
# a temp directory. For each BINARY (default build/sshrescue), prints the wall time and max
# RSS of /usr/bin/time -v for `ldd DIR /usr/sbin/sshd` and `check DIR`, three runs each. Not
# part of ctest. See docs/benchmarks.md.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -gt 0 ] || set -- "$top/build/sshrescue"
# shellcheck disable=SC1091 # sourced from the tree
. "$top/tests/bench/hostilebench"
bench_need ldconf.sh "$@"
bench_init ldconf
v=$H_TMP/victim
h_base "$v" && hc_includes "$v"
# bench BINARY COMMAND ARGS...: three timed runs of BINARY COMMAND ARGS
bench() {
	for run in 1 2 3; do
		/usr/bin/time -v "$@" >/dev/null 2>"$H_TMP/time" || true
		bench_time "$H_TMP/time"
		printf '%-40s %-6s %3s %10s %8s KiB  %s\n' "$1" "$2" "$run" \
			"$bench_wall" "$bench_rss" "$bench_status"
	done
}
printf '%-40s %-6s %3s %10s %12s  %s\n' binary command run wall 'max RSS' status
for bin in "$@"; do
	bench "$bin" ldd "$v" /usr/sbin/sshd
	bench "$bin" check "$v"
done
