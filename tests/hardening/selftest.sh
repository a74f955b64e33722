#!/bin/sh
# selftest.sh - check-elf.sh must notice each missing hardening flag: a small program built with
# all of them passes, and built once without each one (or with its opposite) fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cc=${CC:-cc}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/p.c" <<'C'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	char b[16], v[argc * 64];
	strcpy(b, argc > 5 ? argv[0] : "x");
	memcpy(v, argv[0], strlen(argv[0]) % sizeof(b));
	snprintf(v, sizeof(v), "%s %s", b, argv[0]);
	return puts(v) < 0;
}
C
all="-g -O2 -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 -fstack-protector-strong
	-fstack-clash-protection -fPIE -pie -Wl,-z,relro,-z,now"
bad=0
build() { # build NAME FLAGS...
	n=$1
	shift
	# shellcheck disable=SC2086
	$cc "$@" -o "$tmp/$n" "$tmp/p.c" || {
		echo "selftest: cannot build $n" >&2
		bad=1
	}
}
# shellcheck disable=SC2086
build full $all
sh "$here/check-elf.sh" "$tmp/full" fortify >/dev/null || {
	echo "selftest: the fully hardened program was rejected" >&2
	bad=1
}
# Each case: a name, the flag taken out, what replaces it.
while read -r name out repl; do
	[ "$repl" = - ] && repl=""
	# shellcheck disable=SC2086
	flags=$(printf '%s\n' $all | grep -vxF -e "$out" | tr '\n' ' ')
	# shellcheck disable=SC2086
	build "$name" $flags $repl
	if sh "$here/check-elf.sh" "$tmp/$name" fortify >/dev/null 2>"$tmp/$name.err"; then
		echo "selftest: $name ($out taken out) was accepted" >&2
		bad=1
	else
		echo "selftest: $name rejected: $(head -n 1 "$tmp/$name.err")"
	fi
done <<'CASES'
no-fortify -D_FORTIFY_SOURCE=3 -
no-ssp -fstack-protector-strong -fno-stack-protector
no-clash -fstack-clash-protection -fno-stack-clash-protection
no-pie -pie -no-pie
no-now -Wl,-z,relro,-z,now -Wl,-z,relro,-z,lazy
no-relro -Wl,-z,relro,-z,now -Wl,-z,norelro,-z,now
CASES
[ "$bad" -eq 0 ] && echo "selftest: ok"
exit $bad
