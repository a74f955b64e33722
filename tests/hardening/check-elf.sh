#!/bin/sh
# check-elf.sh BINARY FORTIFY [COMPILE_COMMANDS] - prove that BINARY was built with the
# hardening of CMakeLists.txt (RSC_HARDEN; docs/hardening.md), from its ELF, not from the build
# files: full RELRO (a GNU_RELRO segment and BIND_NOW), PIE (type DYN with the PIE flag, an
# interpreter), the stack protector (__stack_chk_fail imported), and, when FORTIFY is "fortify",
# _FORTIFY_SOURCE (fortified __*_chk functions imported). With debug info, every C compile unit's
# DW_AT_producer must name -fstack-protector-strong and -fstack-clash-protection (the clash
# probes leave no other trace in the binary). The level of _FORTIFY_SOURCE leaves none either:
# with COMPILE_COMMANDS, every compile command must define it to 3. Exits 1 on any gap.
set -u
if [ $# -lt 2 ]; then
	echo "usage: $0 BINARY fortify|nofortify [compile_commands.json]" >&2
	exit 2
fi
bin=$1
fortify=$2
ccdb=${3:-}
bad=0
fail() {
	echo "hardening: $bin: $*" >&2
	bad=1
}

hdr=$(readelf -hW "$bin") || exit 1
dyn=$(readelf -dW "$bin")
seg=$(readelf -lW "$bin")
syms=$(readelf --dyn-syms -W "$bin")

# PIE: an ET_DYN with an interpreter and DF_1_PIE (a shared library is DYN too).
printf '%s\n' "$hdr" | grep -Eq '^ *Type: *DYN' || fail "not PIE (ELF type is not DYN)"
printf '%s\n' "$dyn" | grep -Eq '\(FLAGS_1\).*[[:space:]]PIE' || fail "no DF_1_PIE in FLAGS_1"
printf '%s\n' "$seg" | grep -Eq '^ *INTERP ' || fail "no PT_INTERP: not an executable"
# Full RELRO: the segment (-z relro) and no lazy binding (-z now).
printf '%s\n' "$seg" | grep -Eq '^ *GNU_RELRO ' || fail "no GNU_RELRO segment (-z relro)"
printf '%s\n' "$dyn" | grep -Eq '\(BIND_NOW\)|\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*[[:space:]]NOW' ||
	fail "no BIND_NOW / FLAGS_1 NOW (-z now): partial RELRO only"
# The stack protector: the canary check calls __stack_chk_fail on a mismatch.
printf '%s\n' "$syms" | grep -Eq ' UND __stack_chk_fail(@|$)' ||
	fail "__stack_chk_fail not imported (-fstack-protector-strong)"
# _FORTIFY_SOURCE: calls with a known object size go to glibc's checking variants.
nchk=$(printf '%s\n' "$syms" | grep -Ec ' UND __[a-z0-9_]+_chk(@|$)')
case $fortify in
fortify)
	[ "$nchk" -ge 3 ] || fail "only $nchk fortified __*_chk functions imported (_FORTIFY_SOURCE)"
	;;
nofortify) ;;
*)
	echo "usage: FORTIFY is fortify or nofortify, not '$fortify'" >&2
	exit 2
	;;
esac

# The compiler's command line, as recorded in the debug info (-grecord-gcc-switches, GCC's
# default; clang records none, and a build without -g has none: then this part is skipped).
prods=$(readelf --debug-dump=info "$bin" 2>/dev/null |
	sed -n 's/.*DW_AT_producer[^:]*:.*: \(GNU C.*\)$/\1/p; s/.*DW_AT_producer[^:]*: \(GNU C.*\)$/\1/p' |
	grep -E '^GNU C[0-9]+ ' | sort -u) # C units: not the C++ runtime ASan links statically
if [ -n "$prods" ]; then
	for flag in -fstack-protector-strong -fstack-clash-protection; do
		missing=$(printf '%s\n' "$prods" | grep -v -e " $flag\( \|$\)" | head -n 1)
		[ -z "$missing" ] || fail "a compile unit without $flag: $missing"
	done
	echo "hardening: $(printf '%s\n' "$prods" | wc -l) distinct compiler command lines checked"
else
	echo "hardening: no GCC producer strings (no -g or not GCC): flags not checked per unit"
fi

if [ "$fortify" = fortify ] && [ -n "$ccdb" ]; then
	if [ ! -f "$ccdb" ]; then
		fail "no $ccdb"
	else
		n=$(grep -c '"command"' "$ccdb")
		n3=$(grep '"command"' "$ccdb" | grep -c -- '-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3')
		[ "$n" -gt 0 ] && [ "$n" -eq "$n3" ] ||
			fail "$((n - n3)) of $n compile commands without -D_FORTIFY_SOURCE=3"
	fi
fi

if [ "$bad" -ne 0 ]; then
	exit 1
fi
echo "hardening: $bin: PIE, full RELRO, stack protector$([ "$fortify" = fortify ] &&
	echo ", $nchk fortified functions"): ok"
