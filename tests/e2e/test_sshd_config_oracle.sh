#!/bin/sh
# The sshd_config oracle: for every case of tests/sshd-config/cases, the real sshd of a
# Debian 12 root (OpenSSH 9.2p1) and `sshrescue sshd-config` must agree on
#   - the verdict: `sshd -t` exits 0 exactly when `sshrescue sshd-config ROOT` exits 0
#     (otherwise sshrescue must exit 4: the configuration is refused);
#   - the effective configuration: the LC_ALL=C sorted output of `sshd -T` and of
#     `sshrescue sshd-config ROOT --dump` are identical; the same for `sshd -T -C SPEC` and
#     `--dump --match SPEC`, for each line SPEC of the case's MATCH file. When sshd cannot
#     dump (a fatal configuration), --dump must exit 4 and print nothing on stdout.
# A case with a file XFAIL (one line: why) is a known disagreement: a mismatch is reported
# as "xfail" and does not fail the run; an XFAIL case that agrees is "XPASS" and fails the
# run, so that stale XFAIL files get removed. The case format: tests/sshd-config/README.md.
#
# usage: sh test_sshd_config_oracle.sh SSHRESCUE BUILDDIR [CASE...]

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || e2e_die "usage: $0 SSHRESCUE [BUILDDIR] [CASE...]"
CASES=$(cd "$(dirname "$0")/../sshd-config/cases" && pwd) || e2e_die "no cases directory"
_rescue=$1
_build=${2:-.}
[ $# -ge 2 ] && shift
shift
[ -x "$_rescue" ] || e2e_skip "$_rescue not built"
e2e_init "$_rescue" "$_build"

ALL=no
if [ $# -eq 0 ]; then
	ALL=yes
	for _d in "$CASES"/*/; do
		_d=${_d%/}
		set -- "$@" "${_d##*/}"
	done
fi
for _c in "$@"; do
	_c=${_c%/}
	[ -f "$CASES/${_c##*/}/sshd_config" ] || e2e_die "no case ${_c##*/} in $CASES"
done

e2e_victim
SSH=$E2E_ROOT/etc/ssh
W=$E2E_TMP/oracle
mkdir -p "$W" "$E2E_ROOT/run/sshd" || e2e_die "mkdir"
[ -x "$E2E_ROOT/usr/sbin/sshd" ] || e2e_skip "the victim root has no /usr/sbin/sshd"
ls "$SSH"/ssh_host_*_key > /dev/null 2>&1 || chroot "$E2E_ROOT" ssh-keygen -A > /dev/null ||
	e2e_die "ssh-keygen -A"
COPIED=

# Remove what the last case put into the victim's /etc/ssh.
unstage()
{
	for _e in $COPIED; do
		rm -rf "${SSH:?}/$_e"
	done
	COPIED=
}

# stage CASEDIR: the victim's sshd_config and sshd_config.d are replaced by the case's files.
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
			e2e_die "case $1: $_e would overwrite the victim's own /etc/ssh/$_e"
		fi
		cp -R "$_p" "$SSH/$_e" || e2e_die "copying $_p"
		COPIED="$COPIED $_e"
	done
}

WHY=
DIFF=

# mismatch REASON: record the first reason why a case fails.
mismatch()
{
	[ -n "$WHY" ] || WHY=$1
}

# compare_dump LABEL [SPEC]: sshd -T [-C SPEC] against sshrescue --dump [--match SPEC].
compare_dump()
{
	_label=$1
	if [ $# -ge 2 ]; then
		set -- -C "$2"
		_ours="--dump --match $2"
	else
		set --
		_ours=--dump
	fi
	timeout 60 chroot "$E2E_ROOT" /usr/sbin/sshd -T "$@" > "$W/T.out" 2> "$W/T.err"
	_trc=$?
	if [ $# -ge 2 ]; then
		# shellcheck disable=SC2086 # --dump [--match SPEC]: a spec has no blanks
		timeout 60 "$E2E_SSHRESCUE" sshd-config "$E2E_ROOT" $_ours > "$W/D.out" 2> "$W/D.err"
	else
		timeout 60 "$E2E_SSHRESCUE" sshd-config "$E2E_ROOT" --dump > "$W/D.out" 2> "$W/D.err"
	fi
	_drc=$?
	if [ "$_trc" -ne 0 ]; then
		if [ "$_drc" -ne 4 ] || [ -s "$W/D.out" ]; then
			mismatch "$_label: sshd -T exits $_trc ($(head -n 1 "$W/T.err")), sshrescue $_ours exits $_drc with $(wc -l < "$W/D.out") line(s)"
		fi
		return
	fi
	if [ "$_drc" -ne 0 ]; then
		mismatch "$_label: sshd -T exits 0, sshrescue $_ours exits $_drc ($(head -n 1 "$W/D.err"))"
		return
	fi
	LC_ALL=C sort "$W/T.out" > "$W/T.sorted"
	LC_ALL=C sort "$W/D.out" > "$W/D.sorted"
	if ! diff -u "$W/T.sorted" "$W/D.sorted" > "$W/diff"; then
		mismatch "$_label: sshd -T and sshrescue $_ours differ"
		[ -n "$DIFF" ] ||
			DIFF=$(sed -e '1s/.*/--- sshd -T/' -e '2s/.*/+++ sshrescue/' "$W/diff" | head -n 20)
	fi
}

# run_case NAME: compare sshd and sshrescue on one case; sets WHY (empty: they agree).
run_case()
{
	_dir=$CASES/$1
	WHY=
	DIFF=
	stage "$_dir"
	timeout 60 chroot "$E2E_ROOT" /usr/sbin/sshd -t > "$W/t.out" 2> "$W/t.err"
	TRC=$?
	timeout 60 "$E2E_SSHRESCUE" sshd-config "$E2E_ROOT" > "$W/v.out" 2> "$W/v.err"
	VRC=$?
	if [ "$VRC" -ne 0 ] && [ "$VRC" -ne 4 ]; then
		mismatch "sshrescue sshd-config exits $VRC ($(head -n 1 "$W/v.err"))"
	elif { [ "$TRC" -eq 0 ] && [ "$VRC" -ne 0 ]; } || { [ "$TRC" -ne 0 ] && [ "$VRC" -eq 0 ]; }; then
		mismatch "verdict: sshd -t exits $TRC, sshrescue sshd-config exits $VRC"
	fi
	compare_dump "dump"
	if [ "$TRC" -eq 0 ] && [ -f "$_dir/MATCH" ]; then
		while IFS= read -r _spec || [ -n "$_spec" ]; do
			[ -n "$_spec" ] || continue
			compare_dump "dump -C $_spec" "$_spec"
		done < "$_dir/MATCH"
	fi
}

N=0
PASSED=0
FAILED=0
XFAILED=0
for _c in "$@"; do
	_c=${_c%/}
	_c=${_c##*/}
	N=$((N + 1))
	run_case "$_c"
	_xfail=
	[ -f "$CASES/$_c/XFAIL" ] && _xfail=$(head -n 1 "$CASES/$_c/XFAIL")
	if [ -z "$WHY" ] && [ -z "$_xfail" ]; then
		PASSED=$((PASSED + 1))
		e2e_say "ok   - $_c"
	elif [ -z "$WHY" ]; then
		FAILED=$((FAILED + 1))
		e2e_say "XPASS - $_c: sshd and sshrescue agree; remove XFAIL ($_xfail)"
	elif [ -n "$_xfail" ]; then
		XFAILED=$((XFAILED + 1))
		e2e_say "xfail - $_c: $WHY ($_xfail)"
	else
		FAILED=$((FAILED + 1))
		e2e_say "FAIL - $_c: $WHY"
		e2e_say "    sshd -t exit $TRC, sshrescue sshd-config exit $VRC"
		[ -z "$DIFF" ] || printf '%s\n' "$DIFF" | sed 's/^/    /'
	fi
	if [ "$TRC" -ne 0 ]; then
		e2e_say "    sshd -t: $(grep -m 1 . "$W/t.err")"
	fi
done
unstage

# --exec-victim: the victim's own sshd, run by sshrescue in its sandbox, agrees (a valid and
# a broken case), and the sandbox leaves the victim root untouched.
exec_victim()
{
	stage "$CASES/$1"
	_before=$(find "$E2E_ROOT/etc" "$E2E_ROOT/var" -newer "$W/stamp" 2> /dev/null | wc -l)
	"$_rescue" sshd-config --exec-victim "$E2E_ROOT" > "$W/x.out" 2>&1
	_rc=$?
	_after=$(find "$E2E_ROOT/etc" "$E2E_ROOT/var" -newer "$W/stamp" 2> /dev/null | wc -l)
	N=$((N + 1))
	if grep -q "the victim's sshd -t: $2" "$W/x.out" && ! grep -q DISAGREE "$W/x.out" &&
		[ "$_rc" -eq "$3" ] && [ "$_before" -eq "$_after" ]; then
		PASSED=$((PASSED + 1))
		e2e_say "ok   - exec-victim $1: sshd -t $2, no disagreement, nothing written"
	else
		FAILED=$((FAILED + 1))
		e2e_say "FAIL - exec-victim $1 (exit $_rc, want $3; sshd -t $2 wanted):"
		sed 's/^/    /' "$W/x.out"
	fi
	unstage
}
if [ "$ALL" = yes ]; then
	sleep 1
	touch "$W/stamp"
	sleep 1
	exec_victim 01-stock-debian accepted 0
	exec_victim 31-unknown-keyword refused 4
fi

_summary="$N cases, $PASSED passed, $FAILED failed"
[ "$XFAILED" -eq 0 ] || _summary="$_summary, $XFAILED xfail"
e2e_say "$_summary"
[ "$FAILED" -eq 0 ] || exit 1
exit 0
