#!/bin/sh
# shellcheck disable=SC2034 # the scenario files set variables this script reads
# The rescue initramfs, proven in a virtual machine (qemu TCG; see docs/initramfs.md):
#   1. initramfs/build.sh builds it twice: the same bytes (sha256), under 16 MiB
#   2. corpus scenarios (tests/e2e/scenarios) that `fix` repairs give their broken images
#      (test_corpus.sh with E2E_BROKEN_OUT)
#   3. on the first scenario's image: sshrescue.mode=check (sshrescue.root=LABEL=...) prints
#      the report and changes not a byte; a root that is not there (sshrescue.root=LABEL=
#      no-such-disk) prints a FAILED line and opens a shell, no panic; without
#      sshrescue.then=, a shell on the terminal console (it runs a line typed there) and a
#      reboot without any console (/dev/console replaced by a dangling symlink)
#   4. per scenario:
#      before  the victim's own sshd, booted from the broken image in a VM (vm_sshd_init.sh,
#              vm_login.sh), refuses the key of every LOGIN user and logs SSHD_SAYS
#      rescue  the Debian kernel boots the rescue initramfs with the image as a virtio disk,
#              sshrescue.mode=fix sshrescue.then=poweroff console=ttyS0: the report is on the
#              serial console (with the scenario's codes, nothing left after the fix), the VM
#              powers off by itself; the time from qemu start to the end of the report
#      image   sshrescue check on the host finds it repaired; /var/log/sshrescue/ on it holds
#              the report, text and JSON
#      after   the victim's sshd, booted from the repaired image in a VM, accepts the keys
#   Between 3 and 4, a root in an LVM logical volume: an image built --with-lvm-luks activates
#   it by itself; check mode leaves the PV's sha256 as it was; fix mode fixes it, and the
#   victim's sshd then accepts the keys from the LV's bytes.
#
# usage: sh test_initramfs.sh SSHRESCUE BUILDDIR [SCENARIO...]
# Default scenarios: dir-0777 keys-0666 sshd-hostkeys-gone sshd-bogus-keyword. The kernel is
# the newest one installed with its modules (/boot/vmlinuz-V and /lib/modules/V; tools/deps.sh
# installs linux-image-amd64), or IRD_KERNEL=V. E2E_KEEP=1 keeps the images and console logs.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || e2e_die "usage: $0 SSHRESCUE BUILDDIR [SCENARIO...]"
[ -x "$1" ] || e2e_skip "sshrescue binary $1 not built"
[ "$(id -u)" -eq 0 ] || e2e_skip "e2e tests need root (namespaces, loop devices)"
for _t in qemu-system-x86_64 modprobe zstd strip debugfs sha256sum unshare setpriv cpio \
	mkfifo; do
	command -v "$_t" > /dev/null 2>&1 || e2e_skip "$_t not installed (tools/deps.sh)"
done
IRD_SRC=$(cd "$(dirname "$0")/../../initramfs" && pwd) || e2e_die "no initramfs/ directory"
SCN_SRC=$(cd "$(dirname "$0")/scenarios" && pwd) || e2e_die "no scenarios directory"

e2e_kernel

BIN=$1
BUILD=$2
shift 2
SCENARIOS=${*:-dir-0777 keys-0666 sshd-hostkeys-gone sshd-bogus-keyword}
e2e_init "$BIN" "$BUILD"

# --- 1: the image, reproducible and small ---
IRD=$E2E_TMP/rescue.img
e2e_say "kernel $KVER; building the rescue initramfs twice"
_t0=$(date +%s)
if sh "$IRD_SRC/build.sh" --sshrescue "$BIN" --kernel "$KVER" -o "$IRD" \
	> "$E2E_TMP/build1.log" 2>&1 &&
	sh "$IRD_SRC/build.sh" --sshrescue "$BIN" --kernel "$KVER" -o "$E2E_TMP/rescue2.img" \
		> "$E2E_TMP/build2.log" 2>&1; then
	e2e_pass "initramfs/build.sh: $(tail -n 1 "$E2E_TMP/build1.log" | sed 's/^initramfs: //')" \
		"($(($(date +%s) - _t0)) s for both builds)"
else
	e2e_fail "initramfs/build.sh failed"
	sed 's/^/  /' "$E2E_TMP/build1.log" "$E2E_TMP/build2.log" 2> /dev/null
	e2e_finish
fi
_sha1=$(sha256sum < "$IRD" | cut -d ' ' -f 1)
_sha2=$(sha256sum < "$E2E_TMP/rescue2.img" | cut -d ' ' -f 1)
if [ "$_sha1" = "$_sha2" ]; then
	e2e_pass "reproducible: both builds are sha256 $_sha1"
else
	e2e_fail "two builds differ: $_sha1 and $_sha2"
fi
IRD_SIZE=$(wc -c < "$IRD")
if [ "$IRD_SIZE" -lt $((16 * 1024 * 1024)) ]; then
	e2e_pass "size $IRD_SIZE bytes ($((IRD_SIZE / 1024)) KiB), under 16 MiB"
else
	e2e_fail "size $IRD_SIZE bytes: not under 16 MiB"
fi
# What the proof boots to run the victim's sshd: busybox, disk and net drivers, ext4.
VMIRD=$E2E_TMP/victim-boot.img
sh "$IRD_SRC/build.sh" --bare --compress gzip --init "$E2E_LIBDIR/vm_sshd_init.sh" \
	--kernel "$KVER" --modules "virtio_pci virtio_blk virtio_net ext4" -o "$VMIRD" \
	> "$E2E_TMP/build3.log" 2>&1 || e2e_die "the victim-boot initramfs: $(cat "$E2E_TMP/build3.log")"

# --- 2: the broken images of the scenarios ---
BROKEN=$E2E_TMP/broken
mkdir -p "$BROKEN" || e2e_die "mkdir"
# shellcheck disable=SC2086 # the scenario names
if ! E2E_BROKEN_OUT=$BROKEN sh "$E2E_LIBDIR/test_corpus.sh" "$BIN" "$BUILD" $SCENARIOS \
	> "$E2E_TMP/corpus.log" 2>&1; then
	e2e_fail "test_corpus.sh could not make the broken images"
	sed 's/^/  /' "$E2E_TMP/corpus.log"
	e2e_finish
fi

# vm_logins IMG LOG WANT(accepted|refused) USERS: boot the victim's sshd from IMG in a VM; every
# user's login must be WANT. Prints the users that were not; $VM_UP: how sshd came up.
vm_logins()
{
	_img=$1
	_log=$2
	_want=$3
	shift 3
	unshare -n sh "$E2E_LIBDIR/vm_login.sh" "$VMLINUZ" "$VMIRD" "$_img" "$_log" \
		"$BROKEN/keys" "$@" > "$_log.result" 2>&1
	VM_UP=$(head -n 1 "$_log.result")
	for _u in "$@"; do
		grep -qx "login $_u $_want" "$_log.result" || printf ' %s' "$_u"
	done
}

# says_missing LOG: the lines of SSHD_SAYS that LOG does not contain.
says_missing()
{
	printf '%s\n' "$SSHD_SAYS" | while IFS= read -r _l; do
		[ -z "$_l" ] || grep -aqF -- "$_l" "$1" || printf '%s\n' "$_l"
	done
}

# rescue_boot IMG OUT PARAMS [QEMU ARGS...]: boot the rescue initramfs (RB_INITRD, default $IRD)
# with IMG as a virtio disk and PARAMS on the kernel command line; the console in OUT.log, and
# without CRs in OUT.txt. With RB_TYPE, that line is typed on the serial console once /init
# offers its shell. Waits until the VM powers off or reboots (-no-reboot: qemu exits; at most
# 600 s) or /init says FAILED (then 5 s more, for the shell it opens). Sets RB_END (the time the
# end of the report appeared, empty without one), RB_TO_END (seconds from qemu start to it),
# RB_TOTAL (to the end of the boot), RB_HALTED (yes: the VM stopped by itself).
rescue_boot()
{
	_img=$1
	_out=$2
	_params=$3
	shift 3
	_in=/dev/null
	if [ -n "${RB_TYPE:-}" ]; then
		_in=$_out.in
		rm -f "$_in"
		mkfifo "$_in" || e2e_die "mkfifo $_in"
	fi
	: > "$_out.log" # before qemu starts: the loop below reads it at once
	_start=$(date +%s.%N)
	# -nic none: no default NIC, whose boot ROM (iPXE) would wait a few seconds for nothing
	setpriv --pdeathsig TERM qemu-system-x86_64 -accel tcg -m 1024 -nographic -no-reboot \
		-nic none -kernel "$VMLINUZ" -initrd "${RB_INITRD:-$IRD}" \
		-drive "file=$_img,format=raw,if=virtio" "$@" \
		-append "console=ttyS0 panic=-1 $_params" > "$_out.log" 2>&1 < "$_in" &
	_qpid=$!
	# the keyboard: held open while the VM runs (qemu would see the end of its input)
	[ -z "${RB_TYPE:-}" ] || exec 7> "$_in"
	_typed=
	RB_END=
	_i=0
	while kill -0 "$_qpid" 2> /dev/null && [ $_i -lt 6000 ]; do
		if [ -z "$RB_END" ] && grep -aq '^==== sshrescue report: END' "$_out.log"; then
			RB_END=$(date +%s.%N)
		fi
		if [ -n "${RB_TYPE:-}" ] && [ -z "$_typed" ] &&
			grep -aq "busybox shell; 'reboot -f'" "$_out.log"; then
			sleep 2 # the shell's prompt
			printf '%s\r' "$RB_TYPE" >&7
			_typed=yes
		fi
		if grep -aq '^sshrescue\[[0-9.]*\]: FAILED' "$_out.log"; then
			sleep 5
			break
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -n "$RB_END" ] || ! grep -aq '^==== sshrescue report: END' "$_out.log" ||
		RB_END=$(date +%s.%N)
	RB_HALTED=yes
	if kill -0 "$_qpid" 2> /dev/null; then
		RB_HALTED=
		kill "$_qpid"
	fi
	wait "$_qpid" 2> /dev/null
	[ -z "${RB_TYPE:-}" ] || exec 7>&-
	_done=$(date +%s.%N)
	tr -d '\r' < "$_out.log" > "$_out.txt"
	RB_TO_END=$(awk -v a="${RB_END:-$_done}" -v b="$_start" 'BEGIN { printf "%.1f", a - b }')
	RB_TOTAL=$(awk -v a="$_done" -v b="$_start" 'BEGIN { printf "%.1f", a - b }')
}

# scn_load NAME: the fields of a corpus scenario.
scn_load()
{
	LOGIN=alice
	EXPECT=
	SSHD_SAYS=
	SSHD_STARTS=yes
	unset -f scn_break 2> /dev/null
	# shellcheck disable=SC1090 # a scenario file
	. "$SCN_SRC/$1.scn"
}

# --- 3: check mode and a failure, on the first scenario's broken image ---
FIRST=${SCENARIOS%% *}
scn_load "$FIRST"
IMG=$BROKEN/$FIRST.img
D=$E2E_TMP/modes
mkdir -p "$D" || e2e_die "mkdir"
_sha0=$(sha256sum < "$IMG" | cut -d ' ' -f 1)
rescue_boot "$IMG" "$D/check" \
	'sshrescue.mode=check sshrescue.then=poweroff sshrescue.root=LABEL=e2e-victim'
_sha1=$(sha256sum < "$IMG" | cut -d ' ' -f 1)
_why=
grep -q '^==== sshrescue report: END (mode check, status 4) ====$' "$D/check.txt" ||
	_why="$_why no check report with status 4 on the console;"
for _c in $EXPECT; do
	grep -qF "[${_c%@*}]" "$D/check.txt" || _why="$_why $_c not in the report;"
done
grep -q 'victim root: /dev/vda (ext4), from sshrescue.root=LABEL=e2e-victim' "$D/check.txt" ||
	_why="$_why sshrescue.root=LABEL= did not find /dev/vda;"
grep -q 'report not written to the victim' "$D/check.txt" || _why="$_why report saved in check mode;"
[ "$_sha0" = "$_sha1" ] || _why="$_why check mode changed the image;"
[ -n "$RB_HALTED" ] || _why="$_why the VM did not power off by itself;"
e2e_judge "check mode" "$D/check.txt" 20 \
	"check mode ($FIRST, sshrescue.root=LABEL=e2e-victim): report after $RB_TO_END s," \
	"status 4, $EXPECT reported, image sha256 unchanged, nothing saved, powered off"
rescue_boot "$IMG" "$D/fail" \
	'sshrescue.mode=fix sshrescue.then=poweroff sshrescue.root=LABEL=no-such-disk sshrescue.wait=3'
_sha1=$(sha256sum < "$IMG" | cut -d ' ' -f 1)
_why=
grep -q 'FAILED: sshrescue.root=LABEL=no-such-disk: no such device after 3 s' "$D/fail.txt" ||
	_why="$_why no FAILED line naming the missing root;"
grep -q "busybox shell; 'reboot -f'" "$D/fail.txt" || _why="$_why no shell offered;"
grep -q 'Kernel panic' "$D/fail.txt" && _why="$_why kernel panic;"
[ -z "$RB_HALTED" ] || _why="$_why the VM stopped instead of waiting in the shell;"
[ "$_sha0" = "$_sha1" ] || _why="$_why the failed boot changed the image;"
e2e_judge "failure path" "$D/fail.txt" 20 \
	"a failure (sshrescue.root=LABEL=no-such-disk): FAILED line naming it, a shell," \
	"no panic, image unchanged"

# No sshrescue.then=, on a terminal console: a shell, and it takes commands. Check mode: the
# image stays as it was.
# shellcheck disable=SC2016 # expanded by the VM's shell: the answer proves it ran
RB_TYPE='echo sshrescue-typed-$((6 * 7)); poweroff -f'
rescue_boot "$IMG" "$D/default-tty" 'sshrescue.mode=check sshrescue.root=LABEL=e2e-victim'
RB_TYPE=
_sha1=$(sha256sum < "$IMG" | cut -d ' ' -f 1)
_why=
grep -q '^==== sshrescue report: END (mode check, status 4) ====$' "$D/default-tty.txt" ||
	_why="$_why no check report;"
grep -q 'no sshrescue.then= given and the console is a terminal: a shell' "$D/default-tty.txt" ||
	_why="$_why no shell chosen;"
grep -q '^sshrescue-typed-42$' "$D/default-tty.txt" ||
	_why="$_why the shell did not run the typed line;"
grep -q 'reboot: Power down' "$D/default-tty.txt" ||
	_why="$_why the typed poweroff -f did not stop it;"
[ -n "$RB_HALTED" ] || _why="$_why the VM is still running;"
[ "$_sha0" = "$_sha1" ] || _why="$_why the image changed;"
e2e_judge "default then= on a terminal" "$D/default-tty.txt" 15 \
	"no sshrescue.then=, a terminal console: after the report (${RB_TO_END} s) a shell" \
	"that ran the line typed on the serial console (echo; poweroff -f), image unchanged"

# No sshrescue.then=, no console /init can open (the image's /dev/console replaced by a dangling
# symlink through a second cpio archive appended, 4-byte aligned): /init gets no standard
# input/output, the report goes to the victim only, and the machine reboots (-no-reboot: qemu
# exits; the kernel says which, on ttyS0, which still takes its messages).
NOCON=$D/nocon
mkdir -p "$NOCON/cpio/dev" || e2e_die "mkdir"
ln -sf /sshrescue-no-console "$NOCON/cpio/dev/console" || e2e_die "ln"
_pad=$(((4 - IRD_SIZE % 4) % 4))
{
	cat "$IRD"
	head -c "$_pad" /dev/zero
	(cd "$NOCON/cpio" && echo dev/console | cpio -o -H newc --quiet)
} > "$NOCON/rescue.img" || e2e_die "the no-console initramfs"
cp --sparse=always "$IMG" "$NOCON/victim.img" || e2e_die "cp"
RB_INITRD=$NOCON/rescue.img
rescue_boot "$NOCON/victim.img" "$NOCON/boot" \
	'sshrescue.mode=check sshrescue.save=yes sshrescue.root=LABEL=e2e-victim'
RB_INITRD=
debugfs -R 'cat /var/log/sshrescue/last.txt' "$NOCON/victim.img" > "$NOCON/last.txt" 2> /dev/null
_why=
grep -q 'Warning: unable to open an initial console' "$NOCON/boot.txt" ||
	_why="$_why the kernel opened a console;"
grep -q '^sshrescue rescue report, check mode' "$NOCON/last.txt" ||
	_why="$_why no report on the victim;"
grep -q 'reboot: Restarting system' "$NOCON/boot.txt" || _why="$_why no reboot;"
grep -q 'Kernel panic' "$NOCON/boot.txt" && _why="$_why kernel panic;"
[ -n "$RB_HALTED" ] || _why="$_why the VM is still running;"
e2e_judge "default then= without a console" "$NOCON/boot.txt" 15 \
	"no sshrescue.then=, no console: the report saved on the victim" \
	"(/var/log/sshrescue/last.txt), then a reboot after ${RB_TOTAL} s" ||
	grep -a -e 'reboot' -e 'panic' -e 'console' "$NOCON/boot.txt" | tail -n 5 | sed 's/^/  /'

# A separate /home (the victim's fstab: LABEL=e2e-home): the first scenario's image with its
# /home moved to a second disk; fix mode must repair the files on that disk.
SEP=$E2E_TMP/separate
mkdir -p "$SEP/mnt" "$SEP/home" || e2e_die "mkdir"
cp --sparse=always "$IMG" "$SEP/root.img" || e2e_die "cp"
# shellcheck disable=SC2016 # expanded by the inner shell
if ! unshare -m --propagation private sh -c 'mount -o loop "$1/root.img" "$1/mnt" &&
	cp -a "$1/mnt/home/." "$1/home/" && rm -rf "$1/mnt/home/"* &&
	printf "LABEL=e2e-home /home ext4 defaults 0 2\n" >> "$1/mnt/etc/fstab" &&
	umount "$1/mnt"' sh "$SEP" > "$SEP/setup.log" 2>&1 || ! e2e_loop_wait "$SEP/root.img" ||
	! mke2fs -q -F -t ext4 -L e2e-home -d "$SEP/home" "$SEP/home.img" 64M \
		>> "$SEP/setup.log" 2>&1; then
	e2e_die "making the separate /home: $(cat "$SEP/setup.log")"
fi
rescue_boot "$SEP/root.img" "$SEP/rescue" 'sshrescue.mode=fix sshrescue.then=poweroff' \
	-drive "file=$SEP/home.img,format=raw,if=virtio"
_why=
grep -q 'separate /home: /dev/vdb (ext4), from the victim' "$SEP/rescue.txt" ||
	_why="$_why /home not found through the fstab;"
for _c in $EXPECT; do
	grep -qF "[${_c%@*}]" "$SEP/rescue.txt" || _why="$_why $_c not in the report;"
done
sed -n '/^== check after the fix/,/^==== sshrescue report: END/p' "$SEP/rescue.txt" |
	grep -q '^0 errors' || _why="$_why errors left after the fix;"
grep -q 'report written to the victim' "$SEP/rescue.txt" || _why="$_why report not saved;"
[ -n "$RB_HALTED" ] || _why="$_why the VM did not power off by itself;"
# what was fixed is on the /home disk, not in the root's own /home, which stays empty
_n=$(debugfs -R 'ls -p /home' "$SEP/root.img" 2> /dev/null |
	awk -F / 'NF > 5 && $6 != "." && $6 != ".."' | wc -l)
[ "$_n" -eq 0 ] || _why="$_why the root's own /home was written ($_n entries);"
e2e_judge "separate /home" "$SEP/rescue.txt" 25 \
	"separate /home ($FIRST, fstab LABEL=e2e-home on a second disk): found, fixed there," \
	"report after $RB_TO_END s, saved, powered off"

# A root in an LVM logical volume (Ubuntu's and many installers' default): the first scenario's
# broken image in e2evg/root, made here without device-mapper (lvm's activation off: metadata
# only, the image dd'd at the LV's place on the PV). The image built --with-lvm-luks activates
# the volume group by itself (sshrescue.activate= is yes by default), finds the root in it and
# fixes it; then the LV's bytes, taken out of the PV, boot the victim's sshd, which accepts.
LV=$E2E_TMP/lvm
mkdir -p "$LV" || e2e_die "mkdir"
_lvmc='global { activation = 0 } devices { obtain_device_list_from_udev = 0
	use_devicesfile = 0 } activation { udev_sync = 0 udev_rules = 0 }'
_isz=$(wc -c < "$IMG")
lvm_pv()
{
	truncate -s $((_isz + 8 * 1048576)) "$LV/pv.img" || return 1
	_l=$(losetup -f --show "$LV/pv.img") || return 1
	LVM_SUPPRESS_FD_WARNINGS=1 DM_DISABLE_UDEV=1 lvm vgcreate -q --config "$_lvmc" \
		--devices "$_l" e2evg "$_l" &&
		LVM_SUPPRESS_FD_WARNINGS=1 DM_DISABLE_UDEV=1 lvm lvcreate -q --config "$_lvmc" \
			--devices "$_l" -an -Zn -n root -l 100%FREE e2evg &&
		LVM_SUPPRESS_FD_WARNINGS=1 lvm pvs --config "$_lvmc" --devices "$_l" --noheadings \
			--units b --nosuffix -o pe_start > "$LV/pe_start" &&
		LVM_SUPPRESS_FD_WARNINGS=1 lvm lvs --config "$_lvmc" --devices "$_l" --noheadings \
			--units b --nosuffix -o seg_pe_ranges,vg_extent_size e2evg > "$LV/seg"
	_r=$?
	losetup -d "$_l"
	return $_r
}
if ! command -v lvm > /dev/null 2>&1; then
	e2e_fail "LVM root: lvm is not installed (tools/deps.sh: lvm2)"
elif ! lvm_pv > "$LV/setup.log" 2>&1; then
	e2e_fail "LVM root: making the physical volume: $(tr '\n' ' ' < "$LV/setup.log")"
else
	# the LV's first byte: the PV's first extent plus the LV's first extent (0 here)
	_pe=$(tr -d ' ' < "$LV/pe_start")
	_first=$(sed -n 's/^ *[^ ]*:\([0-9]*\)-[0-9]* .*/\1/p' "$LV/seg")
	_ext=$(awk '{ print $2 }' "$LV/seg")
	_off=$((_pe + _first * _ext))
	dd if="$IMG" of="$LV/pv.img" bs=1M seek="$_off" oflag=seek_bytes conv=notrunc,sparse \
		status=none || e2e_die "dd into the LV"
	if ! sh "$IRD_SRC/build.sh" --sshrescue "$BIN" --kernel "$KVER" --with-lvm-luks \
		--compress gzip -o "$LV/rescue.img" > "$LV/build.log" 2>&1; then
		e2e_fail "LVM root: build.sh --with-lvm-luks: $(tail -n 3 "$LV/build.log")"
	else
		RB_INITRD=$LV/rescue.img
		# check mode: the activation and the check write nothing on the PV
		_sha0=$(sha256sum < "$LV/pv.img" | cut -d ' ' -f 1)
		rescue_boot "$LV/pv.img" "$LV/check" 'sshrescue.mode=check sshrescue.then=poweroff'
		_why=
		grep -q '/dev/vda: volume group e2evg activated' "$LV/check.txt" ||
			_why="$_why e2evg not activated;"
		grep -q '^==== sshrescue report: END (mode check, status 4) ====$' "$LV/check.txt" ||
			_why="$_why no check report with status 4;"
		[ "$(sha256sum < "$LV/pv.img" | cut -d ' ' -f 1)" = "$_sha0" ] ||
			_why="$_why check mode changed the PV;"
		[ -n "$RB_HALTED" ] || _why="$_why the VM did not power off by itself;"
		e2e_judge "LVM root, check mode" "$LV/check.txt" 20 \
			"LVM root, check mode: e2evg activated, report (status 4) after $RB_TO_END s," \
			"the PV's sha256 unchanged"
		rescue_boot "$LV/pv.img" "$LV/rescue" 'sshrescue.mode=fix sshrescue.then=poweroff'
		RB_INITRD=
		_why=
		grep -q 'LVM physical volumes on the disks: sshrescue devices --activate' \
			"$LV/rescue.txt" || _why="$_why no activation;"
		grep -q '/dev/vda: volume group e2evg activated (vgchange -ay e2evg): /dev/mapper/e2evg-root' \
			"$LV/rescue.txt" || _why="$_why e2evg not activated;"
		grep -q 'victim root: /dev/mapper/e2evg-root (ext4), the only Linux root' \
			"$LV/rescue.txt" || _why="$_why the root was not found in the LV;"
		for _c in $EXPECT; do
			grep -qF "[${_c%@*}]" "$LV/rescue.txt" || _why="$_why $_c not in the report;"
		done
		sed -n '/^== check after the fix/,/^==== sshrescue report: END/p' "$LV/rescue.txt" |
			grep -q '^0 errors' || _why="$_why errors left after the fix;"
		grep -q 'report written to the victim' "$LV/rescue.txt" ||
			_why="$_why report not saved;"
		[ -n "$RB_HALTED" ] || _why="$_why the VM did not power off by itself;"
		e2e_judge "LVM root" "$LV/rescue.txt" 30 \
			"LVM root ($FIRST in e2evg/root): activated by /init, found, fixed," \
			"report after $RB_TO_END s, saved, powered off"
		# the LV's bytes as an image of their own: repaired, and the victim's sshd accepts
		dd if="$LV/pv.img" of="$LV/lv.img" bs=1M skip="$_off" count="$_isz" \
			iflag=skip_bytes,count_bytes conv=sparse status=none || e2e_die "dd out of the LV"
		_why=
		e2e_rescue check --json "$LV/lv.img"
		rescue_json_has '[.findings[] | select(.severity == "error")] | length == 0' ||
			_why="$_why check on the host (status $E2E_RC) still finds errors;"
		debugfs -R 'cat /var/log/sshrescue/last.txt' "$LV/lv.img" 2> /dev/null |
			grep -q '^sshrescue rescue report, fix mode' || _why="$_why no report on the LV;"
		# shellcheck disable=SC2086 # LOGIN: user names
		_bad=$(vm_logins "$LV/lv.img" "$LV/after.log" accepted $LOGIN)
		[ -z "$_bad" ] || _why="$_why the victim's sshd refused:$_bad;"
		if [ -z "$_why" ]; then
			e2e_pass "LVM root after: the LV holds the repair and the report; the victim's" \
				"sshd in a VM ($(head -n 1 "$LV/after.log.result")) accepts $LOGIN"
		else
			e2e_fail "LVM root after:${_why%;}"
		fi
	fi
fi

# --- 4: each scenario: refused, rescued, accepted ---
TIMES=
for S in $SCENARIOS; do
	scn_load "$S"
	IMG=$BROKEN/$S.img
	D=$E2E_TMP/$S
	mkdir -p "$D" || e2e_die "mkdir"
	if [ ! -f "$IMG" ]; then
		e2e_fail "$S: no broken image"
		continue
	fi
	# before: refused, and sshd says why
	# shellcheck disable=SC2086 # LOGIN: user names
	_bad=$(vm_logins "$IMG" "$D/before.log" refused $LOGIN)
	_miss=$(says_missing "$D/before.log" | head -n 1)
	if [ -z "$_bad" ] && [ -z "$_miss" ]; then
		e2e_pass "$S before: the victim's sshd in a VM ($(head -n 1 "$D/before.log.result"))" \
			"refuses $LOGIN: $(printf '%s' "$SSHD_SAYS" | head -n 1)"
	else
		e2e_fail "$S before: wanted a refusal;${_bad:+ accepted:$_bad;}${_miss:+ sshd never said: $_miss}"
		grep -a -e 'sshd' -e 'VM:' "$D/before.log" | tr -d '\r' | tail -n 8 | sed 's/^/  /'
	fi
	# rescue: boot the initramfs on the broken image
	_sha0=$(sha256sum < "$IMG" | cut -d ' ' -f 1)
	rescue_boot "$IMG" "$D/rescue" 'sshrescue.mode=fix sshrescue.then=poweroff'
	_halted=$RB_HALTED
	_end=$RB_END
	_to_end=$RB_TO_END
	_total=$RB_TOTAL
	_why=
	if grep -q '^sshrescue\[[0-9.]*\]: FAILED' "$D/rescue.txt"; then
		_why="$_why $(grep '^sshrescue\[[0-9.]*\]: FAILED' "$D/rescue.txt" | head -n 1);"
	fi
	[ -n "$_end" ] || _why="$_why no report on the console;"
	[ -n "$_halted" ] || _why="$_why the VM did not power off by itself;"
	_status=$(sed -n 's/^==== sshrescue report: END (mode fix, status \([0-9]*\)) ====$/\1/p' \
		"$D/rescue.txt")
	case $_status in
	1 | 5) ;;
	*) _why="$_why fix status '${_status:-none}', wanted the fixed bit without 8 or 16;" ;;
	esac
	for _c in $EXPECT; do
		grep -qF "[${_c%@*}]" "$D/rescue.txt" || _why="$_why $_c not in the report;"
	done
	# the check after the fix, last in the report: no error left
	sed -n '/^== check after the fix/,/^==== sshrescue report: END/p' "$D/rescue.txt" |
		grep -q '^0 errors' || _why="$_why errors left after the fix;"
	grep -q 'report written to the victim' "$D/rescue.txt" || _why="$_why report not saved;"
	e2e_judge "$S rescue" "$D/rescue.txt" 30 \
		"$S rescue: report on the serial console after ${_to_end} s" \
		"(qemu start to its end; powered off after ${_total} s), status $_status," \
		"$(printf '%s' "$EXPECT" | tr ' ' ',') fixed" && TIMES="$TIMES $_to_end"
	# image: repaired, and the report is on it
	_why=
	_sha1=$(sha256sum < "$IMG" | cut -d ' ' -f 1)
	[ "$_sha0" != "$_sha1" ] || _why="$_why the image did not change;"
	e2e_rescue check --json "$IMG"
	rescue_json_has '[.findings[] | select(.severity == "error")] | length == 0' ||
		_why="$_why check on the host (status $E2E_RC) still finds errors;"
	debugfs -R 'ls -l /var/log/sshrescue' "$IMG" > "$D/logdir.txt" 2> /dev/null
	debugfs -R 'cat /var/log/sshrescue/last.json' "$IMG" > "$D/last.json" 2> /dev/null
	debugfs -R 'cat /var/log/sshrescue/last.txt' "$IMG" > "$D/last.txt" 2> /dev/null
	jq -e '.schema == "sshrescue-report" and .command == "fix"' "$D/last.json" \
		> /dev/null 2>&1 || _why="$_why no JSON report (last.json) on the image;"
	grep -q '^sshrescue rescue report, fix mode' "$D/last.txt" ||
		_why="$_why no text report (last.txt) on the image;"
	grep -q -e '-fix\.txt' "$D/logdir.txt" && grep -q -e '-fix\.json' "$D/logdir.txt" ||
		_why="$_why no dated report files in /var/log/sshrescue;"
	grep -q '100600' "$D/logdir.txt" || _why="$_why the report files are not 0600;"
	if [ -z "$_why" ]; then
		e2e_pass "$S image: check on the host finds no error; /var/log/sshrescue holds" \
			"$(awk '$NF ~ /-fix\.(txt|json)$/ { printf "%s, ", $NF }' "$D/logdir.txt")last.txt" \
			"and last.json (0600)"
	else
		e2e_fail "$S image:${_why%;}"
	fi
	# after: the same sshd accepts the keys
	# shellcheck disable=SC2086 # LOGIN: user names
	_bad=$(vm_logins "$IMG" "$D/after.log" accepted $LOGIN)
	if [ -z "$_bad" ]; then
		e2e_pass "$S after: the victim's sshd in a VM ($(head -n 1 "$D/after.log.result"))" \
			"accepts $LOGIN"
	else
		e2e_fail "$S after: refused:$_bad"
		grep -a -e 'sshd' -e 'VM:' -e 'Authentication' "$D/after.log" | tr -d '\r' |
			tail -n 8 | sed 's/^/  /'
	fi
done
e2e_say "figures: initramfs $IRD_SIZE bytes; qemu start to the end of the report (s):$TIMES"
e2e_finish
