#!/bin/sh
# The ld.so oracle: on a real Debian 12 root, `sshrescue ldd ROOT PATH` must resolve exactly
# what the victim's own loader reports with `chroot ROOT /lib64/ld-linux-x86-64.so.2 --list PATH`,
# for sshd, bash, sftp-server, ssh-keygen and every PAM module of the root.
#
# Both outputs are normalised to sorted "NAME => PATH" lines: linux-vdso (the kernel's, not a
# file) is dropped, load addresses are dropped, a line without "=>" (the interpreter) is
# "PATH => PATH", "not found" stays, and every PATH is canonicalised inside the root
# (`chroot ROOT readlink -f`), since ld.so prints a path as it found it. The raw paths (before
# canonicalisation) are compared too and must agree as well.
#
# Then the root is broken: libcrypto.so.3 deleted, and libz.so.1 left as a dangling symlink;
# for sshd, ssh-keygen and ssh both sides must then agree again (both say "not found"), and
# sshrescue must exit 4.
#
# usage: sh test_ldso_oracle.sh SSHRESCUE BUILDDIR

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || e2e_die "usage: $0 SSHRESCUE [BUILDDIR]"
_rescue=$1
[ -x "$_rescue" ] || e2e_skip "$_rescue not built"
e2e_init "$_rescue" "${2:-.}"
e2e_victim
R=$E2E_ROOT
W=$E2E_TMP/ldso
mkdir -p "$W" || e2e_die "mkdir"
LDSO=/lib64/ld-linux-x86-64.so.2
[ -x "$R$LDSO" ] || e2e_skip "the victim root has no $LDSO"

# canon FILE: replace the path of each "NAME => PATH" line by its canonical form in the root.
canon()
{
	while IFS= read -r _l; do
		case $_l in
		*" => "*) ;;
		*)
			printf '%s\n' "$_l"
			continue
			;;
		esac
		_n=${_l%% => *}
		_p=${_l#* => }
		if [ "$_p" != "not found" ]; then
			_c=$(chroot "$R" readlink -f "$_p" 2> /dev/null) || _c="$_p (unresolvable)"
			_p=$_c
		fi
		printf '%s => %s\n' "$_n" "$_p"
	done < "$1"
}

# ldso_list PATH: the victim loader's answer, normalised, raw paths. With LDSO_TRACE=yes it is
# asked the way ldd(1) asks (LD_TRACE_LOADED_OBJECTS=1, set by the victim's env so that the
# helper's chroot is not traced): glibc 2.36's --list stops at the first missing library,
# the trace mode reports every one as "not found".
LDSO_TRACE=no
ldso_list()
{
	if [ "$LDSO_TRACE" = yes ]; then
		chroot "$R" /usr/bin/env LD_TRACE_LOADED_OBJECTS=1 "$LDSO" "$1"
	else
		chroot "$R" "$LDSO" --list "$1"
	fi 2> "$W/ldso.err" |
		sed -e '/^[[:space:]]*linux-vdso\.so/d' -e 's/^[[:space:]]*//' \
			-e 's/ (0x[0-9a-f]*)$//' |
		awk '/ => /{ print; next } /^\//{ print $0 " => " $0; next } { print "== " $0 }' |
		LC_ALL=C sort
}

# rescue_list PATH: ours, normalised the same way (problem notes in parentheses dropped).
rescue_list()
{
	"$E2E_SSHRESCUE" ldd "$R" "$1" > "$W/rescue.out" 2> "$W/rescue.err"
	RESCUE_RC=$?
	sed -e 's/^[[:space:]]*//' -e 's/ (.*)$//' "$W/rescue.out" |
		awk '/ => /{ print; next } /^\//{ print $0 " => " $0; next } { print "== " $0 }' |
		LC_ALL=C sort
}

COMPARED=0
AGREED=0

# compare PATH EXPECTED_RC: the two normalised answers are equal, raw and canonical.
compare()
{
	_prog=$1
	ldso_list "$_prog" > "$W/a.raw"
	rescue_list "$_prog" > "$W/b.raw"
	canon "$W/a.raw" | LC_ALL=C sort > "$W/a"
	canon "$W/b.raw" | LC_ALL=C sort > "$W/b"
	COMPARED=$((COMPARED + 1))
	_why=
	[ -s "$W/a" ] || _why="ld.so printed nothing: $(head -c 300 "$W/ldso.err")"
	[ -z "$_why" ] && ! cmp -s "$W/a" "$W/b" && _why="canonical resolutions differ"
	[ -z "$_why" ] && ! cmp -s "$W/a.raw" "$W/b.raw" && _why="paths as found differ"
	[ -z "$_why" ] && [ "$RESCUE_RC" -ne "$2" ] && _why="sshrescue exit $RESCUE_RC, not $2"
	if [ -z "$_why" ]; then
		AGREED=$((AGREED + 1))
		e2e_pass "$_prog: $(wc -l < "$W/a") objects agree"
	else
		e2e_fail "$_prog: $_why"
		diff -u "$W/a.raw" "$W/b.raw" | sed 's/^/    /'
		diff -u "$W/a" "$W/b" | sed 's/^/    /'
		sed 's/^/    sshrescue: /' "$W/rescue.out" "$W/rescue.err"
	fi
}

set -- /usr/sbin/sshd /bin/bash /usr/lib/openssh/sftp-server /usr/bin/ssh-keygen
for _m in "$R"/lib/x86_64-linux-gnu/security/*.so; do
	[ -f "$_m" ] && set -- "$@" "/lib/x86_64-linux-gnu/security/${_m##*/}"
done
[ $# -gt 10 ] || e2e_fail "only $# programs found (no PAM modules?)"
for _p in "$@"; do
	compare "$_p" 0
done
e2e_say "intact root: $AGREED of $COMPARED programs agree with the victim's ld.so"

# The broken root: a deleted libcrypto, a dangling libz symlink.
_z=$(chroot "$R" readlink -f /lib/x86_64-linux-gnu/libz.so.1)
rm -f "$R/usr/lib/x86_64-linux-gnu/libcrypto.so.3" "$R$_z" || e2e_die "breaking the root"
[ -L "$R/lib/x86_64-linux-gnu/libz.so.1" ] || e2e_die "libz.so.1 is not a symlink"
_before=$AGREED
LDSO_TRACE=yes
for _p in /usr/sbin/sshd /usr/bin/ssh-keygen /usr/bin/ssh; do
	compare "$_p" 4
	grep -qx 'libcrypto.so.3 => not found' "$W/a" ||
		e2e_fail "$_p: the victim's ld.so does not say libcrypto.so.3 => not found"
done
"$E2E_SSHRESCUE" ldd "$R" /usr/sbin/sshd > "$W/sshd.out" 2>&1
e2e_check "sshd: libcrypto.so.3 => not found (needed by /usr/sbin/sshd)" \
	grep -qF 'libcrypto.so.3 => not found (needed by /usr/sbin/sshd)' "$W/sshd.out"
e2e_check "sshd: libz.so.1 => not found, reported as a dangling symlink" \
	grep -qF "libz.so.1 => not found (dangling-symlink: /lib/x86_64-linux-gnu/libz.so.1 is a \
dangling symlink to ${_z##*/}; needed by /usr/sbin/sshd)" "$W/sshd.out"
e2e_say "broken root: $((AGREED - _before)) of 3 programs agree with the victim's ld.so"
e2e_finish
