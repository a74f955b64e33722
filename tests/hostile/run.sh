#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh BINARY BUILDDIR [CASE...] - the hostile corpus (tests/hostile/cases): for every
# case run check, check --json, sshd-config --dump, ldd, fix, undo --list, fix --apply,
# check and undo on the victim directory (and on an ext4 image for some cases), and prove
# that no helper file is read or changed, nothing hangs or crashes, the output is escaped,
# the JSON valid and the memory bounded (docs/hostile.md). H_VERBOSE=1 lists every check.
# ok and bad always succeed: "A && ok || bad" is an if-then-else here.
# shellcheck disable=SC2015
here=$(dirname "$0")
# Run in a private mount namespace (the victims' tmpfs goes with it).
if [ -z "${H_IN_NS:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
	H_IN_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi
. "$here/hostilelib"
. "$here/cases"

H_VERBOSE=${H_VERBOSE:-}
h_init "$1" "$2"
shift 2
start=$(date +%s)
if [ $# -gt 0 ]; then
	for c in "$@"; do
		case $c in
		*'[img]') h_case "${c%\[img\]}" img ;;
		*) h_case "$c" dir ;;
		esac
	done
else
	for c in $(hc_all); do
		h_case "$c" dir
	done
	for c in $HC_IMAGES; do
		h_case "$c" img
	done
fi
end=$(date +%s)
printf 'hostile: %d cases in %d s; slowest cases:\n' "$(wc -l <"$H_TMP/cases.time")" \
	$((end - start))
sort -k2 -n -r "$H_TMP/cases.time" | head -5
printf 'largest max RSS (KiB) and longest runs:\n'
grep -v asan "$H_TMP/figures" | sort -k1 -n -r | head -3
grep -v asan "$H_TMP/figures" | sort -k3 -n -r | head -3
h_finish
