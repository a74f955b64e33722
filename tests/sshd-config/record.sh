#!/bin/sh
# Record what the real sshd of a Debian 12 root says about each case of the sshd_config
# corpus, into tests/sshd-config/expected/<case>.txt. The recordings are a development aid
# and documentation; the oracle test (tests/e2e/test_sshd_config_oracle.sh) always runs the
# real sshd again.
#
# usage: sh record.sh [-r ROOT] [CASE...]
#   ROOT  an extracted Debian 12 root with host keys and /run/sshd (default /tmp/r12)
#   CASE  case directory names (default: all of cases/)
#
# The root's /etc/ssh/sshd_config and sshd_config.d are saved to $ROOT-ssh-orig (first run
# only; an existing backup is kept) and restored at the end, also on error or interrupt.
#
# Output format of expected/<case>.txt:
#   rc=N                    exit status of `sshd -t`
#   ...                     its stderr
#   --- T                   then, when rc=0, the LC_ALL=C sorted `sshd -T` output, or
#                           "rc=N" and the stderr of `sshd -T` when only that fails
#   --- T -C SPEC           the same for each line of the case's MATCH file (when rc=0)

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=/tmp/r12
if [ "${1:-}" = -r ]; then
	ROOT=${2:?usage: record.sh [-r ROOT] [CASE...]}
	shift 2
fi
ROOT=$(cd "$ROOT" && pwd) || exit 1
SSH=$ROOT/etc/ssh
BACKUP=$ROOT-ssh-orig
CASES=$HERE/cases
OUT=$HERE/expected

die()
{
	printf 'record.sh: %s\n' "$*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (chroot)"
[ -x "$ROOT/usr/sbin/sshd" ] || die "$ROOT has no /usr/sbin/sshd"
[ -f "$SSH/sshd_config" ] || die "$SSH/sshd_config missing"
if [ ! -d "$BACKUP" ]; then
	if ! mkdir "$BACKUP" || ! cp -a "$SSH/sshd_config" "$SSH/sshd_config.d" "$BACKUP/"; then
		die "cannot back up $SSH to $BACKUP"
	fi
fi
[ -f "$BACKUP/sshd_config" ] || die "$BACKUP has no sshd_config"
mkdir -p "$ROOT/run/sshd" "$OUT" || die "mkdir"
TMP=$(mktemp -d) || die "mktemp"
COPIED=

# Remove what the last case put into /etc/ssh.
unstage()
{
	for _e in $COPIED; do
		rm -rf "${SSH:?}/$_e"
	done
	COPIED=
}

restore()
{
	unstage
	rm -rf "$SSH/sshd_config" "$SSH/sshd_config.d"
	cp -a "$BACKUP/sshd_config" "$BACKUP/sshd_config.d" "$SSH/"
	rm -rf "$TMP"
}
trap restore EXIT
trap 'exit 130' INT TERM HUP

# stage CASEDIR: replace sshd_config and sshd_config.d by the case's files.
stage()
{
	unstage
	rm -rf "$SSH/sshd_config" "$SSH/sshd_config.d"
	for _p in "$1"/*; do
		_e=${_p##*/}
		case $_e in
		MATCH | XFAIL) continue ;;
		esac
		if [ "$_e" != sshd_config ] && [ "$_e" != sshd_config.d ] && [ -e "$SSH/$_e" ]; then
			die "case $1: $_e would overwrite the root's own /etc/ssh/$_e"
		fi
		cp -R "$_p" "$SSH/$_e" || die "copying $_p"
		COPIED="$COPIED $_e"
	done
}

# dump OUTFILE [sshd args]: append the sorted `sshd -T` output, or rc and stderr on failure.
dump()
{
	_o=$1
	shift
	chroot "$ROOT" /usr/sbin/sshd -T "$@" > "$TMP/T.out" 2> "$TMP/T.err"
	_rc=$?
	if [ "$_rc" -eq 0 ]; then
		LC_ALL=C sort "$TMP/T.out" >> "$_o"
	else
		printf 'rc=%s\n' "$_rc" >> "$_o"
		cat "$TMP/T.err" >> "$_o"
	fi
}

if [ $# -eq 0 ]; then
	for _d in "$CASES"/*/; do
		_d=${_d%/}
		set -- "$@" "${_d##*/}"
	done
fi
for name in "$@"; do
	name=${name%/}
	dir=$CASES/$name
	[ -f "$dir/sshd_config" ] || die "$dir/sshd_config missing"
	stage "$dir"
	out=$OUT/$name.txt
	chroot "$ROOT" /usr/sbin/sshd -t > "$TMP/t.out" 2> "$TMP/t.err"
	rc=$?
	{
		printf 'rc=%s\n' "$rc"
		cat "$TMP/t.out" "$TMP/t.err"
		printf -- '--- T\n'
	} > "$out"
	if [ "$rc" -eq 0 ]; then
		dump "$out"
		if [ -f "$dir/MATCH" ]; then
			while IFS= read -r spec || [ -n "$spec" ]; do
				[ -n "$spec" ] || continue
				printf -- '--- T -C %s\n' "$spec" >> "$out"
				dump "$out" -C "$spec"
			done < "$dir/MATCH"
		fi
	fi
	printf '%-32s rc=%s %s\n' "$name" "$rc" "$(head -n 1 "$TMP/t.err")"
done
