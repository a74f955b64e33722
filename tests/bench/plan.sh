#!/bin/sh
# plan.sh [-n "N..."] [BINARY...] - fix, fix --apply and undo on a victim directory whose N
# users (default 8000 32000) each have a home, a world-writable ~/.ssh and an
# authorized_keys of mode 0644: the hostile corpus's base victim (h_base of
# tests/hostile/hostilelib) plus hc_users of tests/hostile/cases and hc_loose_homes, two
# chmods a user. Each BINARY (default build/sshrescue) gets a fresh copy of the victim. Prints
# the wall time and max RSS of /usr/bin/time -v for each command. The victims are made in
# TMPDIR (default /tmp; /dev/shm for tmpfs). Not part of ctest. See docs/benchmarks.md.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
sizes='8000 32000'
if [ "${1-}" = -n ]; then
	sizes=${2:?plan.sh: -n needs a list of sizes}
	shift 2
fi
[ $# -gt 0 ] || set -- "$top/build/sshrescue"
# shellcheck disable=SC1091 # sourced from the tree
. "$top/tests/bench/hostilebench"
bench_need plan.sh "$@"
bench_init plan
printf '%-40s %-7s %-12s %10s %12s  %s\n' binary users command wall 'max RSS' status
for n in $sizes; do
	h_base "$H_TMP/base" && hc_users "$H_TMP/base" "$n" && hc_loose_homes "$H_TMP/base" "$n"
	for bin in "$@"; do
		v=$H_TMP/victim
		cp -a "$H_TMP/base" "$v"
		for cmd in fix "fix --apply" undo; do
			# shellcheck disable=SC2086 # the command's words
			/usr/bin/time -v "$bin" $cmd "$v" >/dev/null 2>"$H_TMP/time" || true
			bench_time "$H_TMP/time"
			printf '%-40s %-7s %-12s %10s %8s KiB  %s\n' "$bin" "$n" "$cmd" \
				"$bench_wall" "$bench_rss" "$bench_status"
		done
		rm -rf "$v"
	done
	rm -rf "$H_TMP/base"
done
