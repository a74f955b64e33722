#!/bin/sh
# shellcheck disable=SC2034 # the scenario files set variables this script reads
# The initramfs-tools hook (initramfs/initramfs-tools/, docs/initramfs.md), proven in a VM:
#   1. mkinitramfs (Debian's own initramfs-tools) builds an initrd for the installed kernel
#      with our hook and local-bottom script in its config directory
#   2. a corpus scenario's broken image (test_corpus.sh with E2E_BROKEN_OUT)
#   3. three boots of the Debian kernel with that initrd and the image as a virtio disk,
#      root=/dev/vda ro, the way the victim's own initramfs boots it:
#      none   no rd.sshrescue.mode: the hook says and does nothing, the image is unchanged
#             (init=/bin/true: the boot ends right after the switch to the root)
#      check  rd.sshrescue.mode=check rd.sshrescue.then=poweroff: the report is on the
#             console with the scenario's codes (status 4), the image is unchanged
#      fix    rd.sshrescue.mode=fix rd.sshrescue.then=poweroff: the report, nothing left
#             after the fix, status 1, saved in /var/log/sshrescue/; sshrescue check on the
#             host finds no error, and the victim's own sshd, booted from the image in a VM,
#             accepts the key it refused
#   4. when dracut is installed (dracut-core), the dracut module (initramfs/dracut/90sshrescue)
#      the same way: dracut builds an initrd with it (from a copy of dracut's module
#      directory, dracutbasedir), a fix-mode boot repairs the image and powers off
#
# usage: sh test_initramfs_tools.sh SSHRESCUE BUILDDIR [SCENARIO]   (default dir-0777)
# The kernel: the newest installed with its modules, or IRD_KERNEL=V. E2E_KEEP=1 keeps files.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || e2e_die "usage: $0 SSHRESCUE BUILDDIR [SCENARIO]"
[ -x "$1" ] || e2e_skip "sshrescue binary $1 not built"
[ "$(id -u)" -eq 0 ] || e2e_skip "e2e tests need root (namespaces, loop devices)"
for _t in qemu-system-x86_64 mkinitramfs lsinitramfs debugfs sha256sum unshare setpriv jq; do
	command -v "$_t" > /dev/null 2>&1 || e2e_skip "$_t not installed (tools/deps.sh)"
done
IRD_SRC=$(cd "$(dirname "$0")/../../initramfs" && pwd) || e2e_die "no initramfs/ directory"
SCN_SRC=$(cd "$(dirname "$0")/scenarios" && pwd) || e2e_die "no scenarios directory"
e2e_kernel

BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
BUILD=$2
S=${3:-dir-0777}
e2e_init "$BIN" "$BUILD"

# --- 1: the initrd, by mkinitramfs with our hook ---
CONF=$E2E_TMP/initramfs-tools
mkdir -p "$CONF/conf.d" "$CONF/hooks" "$CONF/scripts/local-bottom" || e2e_die "mkdir"
# a small image: the modules a virtio disk with ext4 needs, gzip -1 (fast to build)
printf 'MODULES=list\nBUSYBOX=y\nCOMPRESS=gzip\nCOMPRESSLEVEL=1\nRUNSIZE=10%%\nFSTYPE=auto\n' \
	> "$CONF/initramfs.conf"
printf 'virtio_pci\nvirtio_blk\next4\n' > "$CONF/modules"
if ! cp "$IRD_SRC/initramfs-tools/hooks/sshrescue" "$CONF/hooks/" ||
	! cp "$IRD_SRC/initramfs-tools/scripts/local-bottom/sshrescue" "$CONF/scripts/local-bottom/"; then
	e2e_die "copying the hook"
fi
IRD=$E2E_TMP/initrd.img
_t0=$(date +%s)
if SSHRESCUE=$BIN SSHRESCUE_LIBDIR=$IRD_SRC mkinitramfs -d "$CONF" -o "$IRD" "$KVER" \
	> "$E2E_TMP/mkinitramfs.log" 2>&1; then
	lsinitramfs "$IRD" > "$E2E_TMP/contents" 2>&1
	_miss=
	for _f in usr/sbin/sshrescue usr/lib/sshrescue/hook-run.sh scripts/local-bottom/sshrescue; do
		grep -qx "$_f" "$E2E_TMP/contents" || _miss="$_miss $_f"
	done
	if [ -z "$_miss" ]; then
		e2e_pass "mkinitramfs $KVER with the hook: $(wc -c < "$IRD") bytes in" \
			"$(($(date +%s) - _t0)) s; sshrescue, hook-run.sh and the local-bottom script in it"
	else
		e2e_fail "the initrd lacks:$_miss"
	fi
else
	e2e_fail "mkinitramfs failed"
	sed 's/^/  /' "$E2E_TMP/mkinitramfs.log"
	e2e_finish
fi
# what boots the victim's sshd for the login proof (test_initramfs.sh does the same)
VMIRD=$E2E_TMP/victim-boot.img
sh "$IRD_SRC/build.sh" --bare --compress gzip --init "$E2E_LIBDIR/vm_sshd_init.sh" \
	--kernel "$KVER" --modules "virtio_pci virtio_blk virtio_net ext4" -o "$VMIRD" \
	> "$E2E_TMP/build-vm.log" 2>&1 || e2e_die "the victim-boot initramfs: $(cat "$E2E_TMP/build-vm.log")"

# --- 2: the broken image ---
BROKEN=$E2E_TMP/broken
mkdir -p "$BROKEN" || e2e_die "mkdir"
if ! E2E_BROKEN_OUT=$BROKEN sh "$E2E_LIBDIR/test_corpus.sh" "$BIN" "$BUILD" "$S" \
	> "$E2E_TMP/corpus.log" 2>&1; then
	e2e_fail "test_corpus.sh could not make the broken image of $S"
	sed 's/^/  /' "$E2E_TMP/corpus.log"
	e2e_finish
fi
LOGIN=alice
EXPECT=
# shellcheck disable=SC1090 # a scenario file
. "$SCN_SRC/$S.scn"

# boot IMG OUT PARAMS: the Debian kernel with the mkinitramfs initrd; the console in OUT.log
# and, without CRs, OUT.txt; waits until the VM stops (at most 600 s). BOOT_SECS, BOOT_HALTED.
boot()
{
	_start=$(date +%s)
	setpriv --pdeathsig TERM qemu-system-x86_64 -accel tcg -m 1024 -nographic -no-reboot \
		-nic none -kernel "$VMLINUZ" -initrd "${BOOT_IRD:-$IRD}" \
		-drive "file=$1,format=raw,if=virtio" \
		-append "console=ttyS0 panic=-1 root=/dev/vda ro $3" > "$2.log" 2>&1 < /dev/null &
	_qpid=$!
	_i=0
	while kill -0 "$_qpid" 2> /dev/null && [ $_i -lt 6000 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	BOOT_HALTED=yes
	if kill -0 "$_qpid" 2> /dev/null; then
		BOOT_HALTED=
		kill "$_qpid"
	fi
	wait "$_qpid" 2> /dev/null
	BOOT_SECS=$(($(date +%s) - _start))
	tr -d '\r' < "$2.log" > "$2.txt"
}

# --- 3a: no rd.sshrescue.mode ---
D=$E2E_TMP/boots
mkdir -p "$D" || e2e_die "mkdir"
IMG=$D/none.img
cp --sparse=always "$BROKEN/$S.img" "$IMG" || e2e_die "cp"
_sha0=$(sha256sum < "$IMG" | cut -d ' ' -f 1)
boot "$IMG" "$D/none" "init=/bin/true"
_why=
grep -q 'Running /scripts/local-bottom' "$D/none.txt" || _why="$_why local-bottom never ran;"
grep -q 'sshrescue\[' "$D/none.txt" && _why="$_why the hook said something;"
grep -q '==== sshrescue report' "$D/none.txt" && _why="$_why a report without the parameter;"
[ "$(sha256sum < "$IMG" | cut -d ' ' -f 1)" = "$_sha0" ] || _why="$_why the image changed;"
e2e_judge "no rd.sshrescue.mode" "$D/none.txt" 15 \
	"no rd.sshrescue.mode: the hook is silent, the boot goes on to init," \
	"image unchanged (${BOOT_SECS} s)"

# --- 3b: check mode ---
IMG=$D/check.img
cp --sparse=always "$BROKEN/$S.img" "$IMG" || e2e_die "cp"
boot "$IMG" "$D/check" "rd.sshrescue.mode=check rd.sshrescue.then=poweroff"
_why=
grep -q '^==== sshrescue report: END (mode check, status 4) ====$' "$D/check.txt" ||
	_why="$_why no check report with status 4;"
for _c in $EXPECT; do
	grep -qF "[${_c%@*}]" "$D/check.txt" || _why="$_why $_c not in the report;"
done
grep -q 'report not written to the victim' "$D/check.txt" || _why="$_why saved in check mode;"
[ "$(sha256sum < "$IMG" | cut -d ' ' -f 1)" = "$_sha0" ] || _why="$_why the image changed;"
[ -n "$BOOT_HALTED" ] || _why="$_why the VM did not power off;"
e2e_judge "rd.sshrescue.mode=check" "$D/check.txt" 30 \
	"rd.sshrescue.mode=check: report on the console, status 4, $EXPECT reported," \
	"image sha256 unchanged, powered off (${BOOT_SECS} s)"

# --- 3c: fix mode ---
IMG=$D/fix.img
cp --sparse=always "$BROKEN/$S.img" "$IMG" || e2e_die "cp"
boot "$IMG" "$D/fix" "rd.sshrescue.mode=fix rd.sshrescue.then=poweroff"
_why=
grep -q '^==== sshrescue report: END (mode fix, status 1) ====$' "$D/fix.txt" ||
	_why="$_why no fix report with status 1;"
for _c in $EXPECT; do
	grep -qF "[${_c%@*}]" "$D/fix.txt" || _why="$_why $_c not in the report;"
done
sed -n '/^== check after the fix/,/^==== sshrescue report: END/p' "$D/fix.txt" |
	grep -q '^0 errors' || _why="$_why errors left after the fix;"
grep -q 'report written to the victim' "$D/fix.txt" || _why="$_why report not saved;"
[ -n "$BOOT_HALTED" ] || _why="$_why the VM did not power off;"
_at=$(sed -n 's/^.*sshrescue\[\([0-9.]*\)\]: rd.sshrescue.mode=fix.*/\1/p' "$D/fix.txt")
e2e_judge "rd.sshrescue.mode=fix" "$D/fix.txt" 40 \
	"rd.sshrescue.mode=fix: report on the console (hook started at guest uptime" \
	"${_at} s), status 1, nothing left after the fix, powered off (${BOOT_SECS} s)"
_why=
e2e_rescue check --json "$IMG"
rescue_json_has '[.findings[] | select(.severity == "error")] | length == 0' ||
	_why="$_why check on the host (status $E2E_RC) still finds errors;"
debugfs -R 'ls -l /var/log/sshrescue' "$IMG" > "$D/logdir.txt" 2> /dev/null
debugfs -R 'cat /var/log/sshrescue/last.json' "$IMG" > "$D/last.json" 2> /dev/null
jq -e '.schema == "sshrescue-report" and .command == "fix"' "$D/last.json" > /dev/null 2>&1 ||
	_why="$_why no JSON report (last.json) on the image;"
grep -q '100600' "$D/logdir.txt" || _why="$_why the report files are not 0600;"
e2fsck -fn "$IMG" > "$D/fsck.txt" 2>&1 || _why="$_why e2fsck -fn is not clean;"
if [ -z "$_why" ]; then
	e2e_pass "fix image: check on the host finds no error, last.json/last.txt (0600) in" \
		"/var/log/sshrescue, e2fsck -fn clean"
else
	e2e_fail "fix image:${_why%;}"
fi
# shellcheck disable=SC2086 # LOGIN: user names
unshare -n sh "$E2E_LIBDIR/vm_login.sh" "$VMLINUZ" "$VMIRD" "$IMG" "$D/after.log" \
	"$BROKEN/keys" $LOGIN > "$D/after.result" 2>&1
_bad=
for _u in $LOGIN; do
	grep -qx "login $_u accepted" "$D/after.result" || _bad="$_bad $_u"
done
if [ -z "$_bad" ]; then
	e2e_pass "after: the victim's sshd in a VM ($(head -n 1 "$D/after.result")) accepts $LOGIN"
else
	e2e_fail "after: refused:$_bad"
	grep -a -e 'sshd' -e 'VM:' -e 'Authentication' "$D/after.log" | tr -d '\r' |
		tail -n 8 | sed 's/^/  /'
fi

# --- 4: the dracut module ---
if ! command -v dracut > /dev/null 2>&1; then
	e2e_say "dracut is not installed (apt-get install dracut-core): its module was not booted"
	e2e_finish
fi
DB=$E2E_TMP/dracut
mkdir -p "$DB/conf.d" || e2e_die "mkdir"
if ! cp -a /usr/lib/dracut "$DB/base" ||
	! cp -a "$IRD_SRC/dracut/90sshrescue" "$DB/base/modules.d/" ||
	! cp "$IRD_SRC/hook-run.sh" "$DB/base/modules.d/90sshrescue/"; then
	e2e_die "copying dracut"
fi
_t0=$(date +%s)
if SSHRESCUE=$BIN dracutbasedir=$DB/base dracut --force --no-hostonly --no-hostonly-cmdline \
	--conf /dev/null --confdir "$DB/conf.d" -m "base rootfs-block kernel-modules sshrescue" \
	--drivers "virtio_pci virtio_blk ext4" --compress "gzip -1" "$DB/initrd.img" "$KVER" \
	> "$DB/dracut.log" 2>&1; then
	e2e_pass "dracut $KVER with the sshrescue module: $(wc -c < "$DB/initrd.img") bytes in" \
		"$(($(date +%s) - _t0)) s"
else
	e2e_fail "dracut failed"
	tail -n 20 "$DB/dracut.log" | sed 's/^/  /'
	e2e_finish
fi
IMG=$D/dracut.img
cp --sparse=always "$BROKEN/$S.img" "$IMG" || e2e_die "cp"
BOOT_IRD=$DB/initrd.img
boot "$IMG" "$D/dracut" "rd.sshrescue.mode=fix rd.sshrescue.then=poweroff"
_why=
grep -q '^==== sshrescue report: END (mode fix, status 1) ====$' "$D/dracut.txt" ||
	_why="$_why no fix report with status 1;"
for _c in $EXPECT; do
	grep -qF "[${_c%@*}]" "$D/dracut.txt" || _why="$_why $_c not in the report;"
done
grep -q 'root mounted at /sysroot' "$D/dracut.txt" || _why="$_why not run on /sysroot;"
grep -q 'report written to the victim' "$D/dracut.txt" || _why="$_why report not saved;"
grep -q 'Switching root' "$D/dracut.txt" && _why="$_why the boot went on past poweroff;"
[ -n "$BOOT_HALTED" ] || _why="$_why the VM did not power off;"
e2e_rescue check --json "$IMG"
rescue_json_has '[.findings[] | select(.severity == "error")] | length == 0' ||
	_why="$_why check on the host (status $E2E_RC) still finds errors;"
e2e_judge "dracut, rd.sshrescue.mode=fix" "$D/dracut.txt" 30 \
	"dracut, rd.sshrescue.mode=fix: the pre-pivot hook's report on the console," \
	"status 1, saved; check on the host finds no error; powered off (${BOOT_SECS} s)"
e2e_finish
