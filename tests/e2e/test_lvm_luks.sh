#!/bin/sh
# LVM and LUKS victims: `sshrescue devices --activate` (docs/sshrescue.8), end to end.
#   host  the victim's disks as read-only loop devices (this host has no device-mapper, so
#         nothing can be activated here, but everything refused before that can be tested):
#         without lvm and cryptsetup in PATH it names the Debian packages (lvm2,
#         cryptsetup-bin) and exits 8; a dd copy of a physical volume (the same PV UUID on two
#         devices) is refused, with vgimportclone; a LUKS container with no --key-file and no
#         terminal is not opened; --key-file without --activate is a usage error
#   VM    the Debian kernel boots an initramfs built with initramfs/build.sh --with-lvm-luks
#         and vm_lvm_luks_init.sh as /init (no udev, like the rescue initramfs), with the
#         victim's ext4 image (alice's ~/.ssh 0777) and four empty disks. In the VM: the image
#         dd'd into an LV of volume group vicvg and into a LUKS2 container (key file), both
#         deactivated; `devices` gives the PV and LUKS hints; `devices --activate --key-file`
#         activates vicvg and opens the container read-only, lists both as Linux roots and
#         prints the undo commands; `check` on /dev/vicvg/root and on
#         /dev/mapper/sshrescue-UUID reports ssh.dir.mode; a second run leaves both as they
#         are; the printed undo commands, run as printed, leave no dm device and no node; a
#         second volume group named vicvg is refused (exit 8, vgimportclone) and vicvg is not
#         activated, then after the vgimportclone it said both are; LVM inside LUKS (Debian's
#         encrypted install) is opened and activated in one run, undone in the right order;
#         without --key-file, the passphrase typed on the serial console (a terminal) opens it.
#
# usage: sh test_lvm_luks.sh SSHRESCUE BUILDDIR
# The kernel: the newest installed with its modules, or IRD_KERNEL=V (as test_initramfs.sh).
# E2E_KEEP=1 keeps the images and the console log.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# img_tree: the small Debian-like victim root of the image tests
# shellcheck source=../image/imagelib
. "$(dirname "$0")/../image/imagelib"

[ $# -ge 2 ] || e2e_die "usage: $0 SSHRESCUE BUILDDIR"
[ -x "$1" ] || e2e_skip "sshrescue binary $1 not built"
[ "$(id -u)" -eq 0 ] || e2e_skip "e2e tests need root (loop devices)"
for _t in qemu-system-x86_64 modprobe strip gzip mke2fs ssh-keygen losetup lvm cryptsetup \
	dmsetup setpriv; do
	command -v "$_t" > /dev/null 2>&1 ||
		e2e_skip "$_t not installed (tools/deps.sh; lvm2, cryptsetup-bin)"
done
IRD_SRC=$(cd "$(dirname "$0")/../../initramfs" && pwd) || e2e_die "no initramfs/ directory"
e2e_kernel

BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
e2e_tmp "$2"
T=$E2E_TMP
IMG_TMP=$T # img_tree keeps alice's key there

# --- the victim: a small Debian root whose ~alice/.ssh is 0777 (ssh.dir.mode) ---
img_tree "$T/tree" > "$T/tree.log" 2>&1 || e2e_die "img_tree: $(cat "$T/tree.log")"
chmod 0777 "$T/tree/home/alice/.ssh"
mke2fs -q -F -t ext4 -L lvmvictim -d "$T/tree" "$T/victim.img" 24M > "$T/mke2fs.log" 2>&1 ||
	e2e_die "mke2fs: $(cat "$T/mke2fs.log")"

# --- host: what is refused before anything would be activated ---
LVMC='devices { obtain_device_list_from_udev = 0 } activation { udev_sync = 0 udev_rules = 0 }'
VG=rsce2e$$
truncate -s 16M "$T/pv.img" || e2e_die "truncate"
_l=$(losetup -f --show "$T/pv.img") || e2e_die "losetup"
if ! DM_DISABLE_UDEV=1 lvm vgcreate -q --config "$LVMC" --devices "$_l" "$VG" "$_l" \
	> "$T/vgcreate.log" 2>&1; then
	losetup -d "$_l"
	e2e_die "vgcreate on a loop device: $(cat "$T/vgcreate.log")"
fi
losetup -d "$_l"
cp "$T/pv.img" "$T/copy.img" || e2e_die "cp"
printf 'sshrescue-e2e-key' > "$T/luks.key"
truncate -s 20M "$T/luks.img" || e2e_die "truncate"
cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
	--key-file "$T/luks.key" "$T/luks.img" > "$T/luks.log" 2>&1 ||
	e2e_die "luksFormat: $(cat "$T/luks.log")"
if ! LPV=$(losetup -f --show -r "$T/pv.img") || ! LCOPY=$(losetup -f --show -r "$T/copy.img") ||
	! LLUKS=$(losetup -f --show -r "$T/luks.img"); then
	e2e_die "losetup -r"
fi

env PATH=/nonexistent "$BIN" devices --activate --key-file "$T/luks.key" > "$T/nopath.out" 2>&1
_rc=$?
e2e_check "no lvm, no cryptsetup: exit 8 ($_rc)" test "$_rc" -eq 8
e2e_check "no lvm: the Debian package is named" grep -qF "$LPV: LVM physical volume, and lvm is \
not installed on this helper (Debian: apt-get install lvm2)" "$T/nopath.out"
e2e_check "no cryptsetup: the Debian package is named" grep -qF "$LLUKS: LUKS container, and \
cryptsetup is not installed on this helper (Debian: apt-get install cryptsetup-bin)" \
	"$T/nopath.out"
"$BIN" devices --activate < /dev/null > "$T/host.out" 2>&1
_rc=$?
e2e_check "host refusals: exit 8 ($_rc)" test "$_rc" -eq 8
for _d in "$LPV" "$LCOPY"; do
	e2e_check "a copy of a PV ($_d): refused, with vgimportclone" grep -q "^  $_d: LVM physical \
volume .*has the same PV UUID: a copy of the same disk.*vgimportclone --basevgname NEWNAME $_d$" \
		"$T/host.out"
done
e2e_check "LUKS, no --key-file, no terminal: not opened" grep -qF "$LLUKS: LUKS container: give \
its key with --key-file FILE, or run this on a terminal to type its passphrase: not opened" \
	"$T/host.out"
"$BIN" devices --key-file "$T/luks.key" > /dev/null 2>&1
_rc=$?
e2e_check "--key-file without --activate: usage error ($_rc)" test "$_rc" -eq 16
losetup -d "$LPV" "$LCOPY" "$LLUKS"
[ -n "${E2E_VERBOSE:-}" ] && cat "$T/nopath.out" "$T/host.out"

# --- VM: the initramfs with lvm, cryptsetup, sshrescue and the test's /init ---
IRD=$T/vm.img
_t0=$(date +%s)
if sh "$IRD_SRC/build.sh" --sshrescue "$BIN" --kernel "$KVER" --with-lvm-luks --compress gzip \
	--init "$E2E_LIBDIR/vm_lvm_luks_init.sh" -o "$IRD" > "$T/build.log" 2>&1; then
	e2e_pass "build.sh --with-lvm-luks: $(tail -n 1 "$T/build.log" | sed 's/^initramfs: //')" \
		"($(($(date +%s) - _t0)) s)"
else
	e2e_fail "initramfs/build.sh --with-lvm-luks failed"
	sed 's/^/  /' "$T/build.log"
	e2e_finish
fi
_size=$(wc -c < "$IRD")
e2e_check "with lvm and cryptsetup, gzip: $_size bytes, under 16 MiB" \
	test "$_size" -lt $((16 * 1024 * 1024))
for _n in 1 2 3 4; do
	truncate -s 64M "$T/disk$_n.img" || e2e_die "truncate"
done
LOG=$T/console
_start=$(date +%s)
# the serial console's keyboard: a FIFO held open while the VM runs
mkfifo "$T/keys" || e2e_die "mkfifo"
# -nic none: no NIC, whose boot ROM would wait for nothing
setpriv --pdeathsig TERM qemu-system-x86_64 -accel tcg -m 1024 -nographic \
	-no-reboot -nic none -kernel "$VMLINUZ" -initrd "$IRD" \
	-drive "file=$T/victim.img,format=raw,if=virtio,readonly=on" \
	-drive "file=$T/disk1.img,format=raw,if=virtio" \
	-drive "file=$T/disk2.img,format=raw,if=virtio" \
	-drive "file=$T/disk3.img,format=raw,if=virtio" \
	-drive "file=$T/disk4.img,format=raw,if=virtio" \
	-append "console=ttyS0 panic=-1 quiet" < "$T/keys" > "$LOG.raw" 2>&1 &
_qpid=$!
exec 7> "$T/keys"
_typed=
_i=0
while kill -0 "$_qpid" 2> /dev/null && [ $_i -lt 6000 ]; do
	if [ -z "$_typed" ] && grep -aq 'Enter passphrase for /dev/vde' "$LOG.raw"; then
		sleep 1 # cryptsetup has turned the echo off
		printf 'sshrescue-e2e-key\r' >&7
		_typed=yes
	fi
	sleep 0.1
	_i=$((_i + 1))
done
if kill -0 "$_qpid" 2> /dev/null; then
	kill "$_qpid"
	e2e_fail "the VM did not power off within 600 s: stopped"
fi
wait "$_qpid"
_qrc=$?
exec 7>&-
tr -d '\r' < "$LOG.raw" > "$LOG"
e2e_check "the VM ran every step and powered off by itself ($(($(date +%s) - _start)) s, \
qemu status $_qrc)" sh -c "[ $_qrc -eq 0 ] && grep -q '==== END\$' '$LOG'"

# section STEP: what the VM printed for STEP (into $T/step.STEP); its exit status in $SRC.
section()
{
	sed -n "/==== $1\$/,/^VM: rc $1 /p" "$LOG" > "$T/step.$1"
	SRC=$(sed -n "s/^VM: rc $1 \([0-9]*\)\$/\1/p" "$T/step.$1")
}
# expect STEP RC DESCRIPTION [FIXED-STRING...]: STEP exited RC and printed every string.
expect()
{
	_s=$1
	_want=$2
	_desc=$3
	shift 3
	section "$_s"
	if [ "$SRC" != "$_want" ]; then
		e2e_fail "$_desc: exit status ${SRC:-none}, not $_want"
		sed 's/^/    /' "$T/step.$_s"
		return
	fi
	for _str in "$@"; do
		if ! grep -qF -- "$_str" "$T/step.$_s"; then
			e2e_fail "$_desc: no '$_str'"
			sed 's/^/    /' "$T/step.$_s"
			return
		fi
	done
	e2e_pass "$_desc"
}

U1=$(sed -n 's/^VM: luks uuid \(.*\)$/\1/p' "$LOG")
U2=$(sed -n 's/^VM: luks uuid2 \(.*\)$/\1/p' "$LOG")
expect setup 0 "VM: vicvg/root and a LUKS2 container, each holding the victim, made and closed" \
	"VM: dm devices after setup: 0"
expect devices 0 "devices: the PV and the LUKS container, with their hints" \
	"LVM physical volume: activate its volume group (sshrescue devices --activate" \
	"LUKS container: unlock it (sshrescue devices --activate --key-file FILE"
expect activate 0 "devices --activate --key-file: vicvg active, LUKS open read-only, undo said" \
	"/dev/vdb: volume group vicvg activated (vgchange -ay vicvg): /dev/mapper/vicvg-root" \
	"/dev/vdc: LUKS container opened read-only (cryptsetup open --readonly): \
/dev/mapper/sshrescue-$U1" \
	"device-mapper: /dev/mapper/vicvg-root" "device-mapper: /dev/mapper/sshrescue-$U1" \
	"To undo the activation, when done (in this order):" \
	"  DM_DISABLE_UDEV=1 vgchange -an vicvg" "  DM_DISABLE_UDEV=1 cryptsetup close sshrescue-$U1"
_roots=$(grep -c 'a Linux root: Debian GNU/Linux 12 (bookworm), with /usr/sbin/sshd' \
	"$T/step.activate")
e2e_check "the listing after it: the LV and the opened container are Linux roots too ($_roots)" \
	test "$_roots" -eq 3
expect check-lv 4 "check /dev/vicvg/root: the seeded problem" "Target: /dev/vicvg/root" \
	"[ssh.dir.mode]"
expect check-luks 4 "check /dev/mapper/sshrescue-UUID: the seeded problem" \
	"Target: /dev/mapper/sshrescue-$U1" "[ssh.dir.mode]"
expect again 0 "a second --activate: both in use, left as they are" \
	"/dev/vdb: LVM physical volume in use (/dev/mapper/vicvg-root): left as it is" \
	"/dev/vdc: LUKS container, open already (/dev/mapper/sshrescue-$U1): left as it is"
expect undo 0 "the undo commands, run as printed: no dm device, no node left" \
	"VM: after undo: 0 dm devices; /dev/mapper: control ; /dev/vicvg absent"
expect clone-make 0 "VM: a second volume group vicvg on /dev/vdd"
expect clone 8 "two volume groups named vicvg: both refused (exit 8), with vgimportclone" \
	"/dev/vdb: LVM physical volume of volume group vicvg, and /dev/vdd holds another volume \
group of that name" "vgimportclone --basevgname NEWNAME /dev/vdd" \
	"vgimportclone --basevgname NEWNAME /dev/vdb"
e2e_check "the refused vicvg was not activated" \
	grep -qx 'VM: /dev/mapper/vicvg-root after the refusal: absent' "$LOG"
expect importclone 0 "VM: vgimportclone --basevgname vicclone /dev/vdd, as said"
expect after-import 0 "after the vgimportclone: both volume groups activated" \
	"/dev/vdb: volume group vicvg activated (vgchange -ay vicvg): /dev/mapper/vicvg-root" \
	"/dev/vdd: volume group vicclone activated (vgchange -ay vicclone)"
expect stack-make 0 "VM: LVM inside LUKS on /dev/vde, closed"
expect stack 0 "LVM inside LUKS: opened, then its volume group activated, in one run" \
	"/dev/vde: LUKS container opened read-only (cryptsetup open --readonly): \
/dev/mapper/sshrescue-$U2" \
	"volume group stackvg activated (vgchange -ay stackvg): /dev/mapper/stackvg-root"
_lv=$(grep -n 'DM_DISABLE_UDEV=1 vgchange -an stackvg' "$T/step.stack" | cut -d: -f1)
_cs=$(grep -n "DM_DISABLE_UDEV=1 cryptsetup close sshrescue-$U2" "$T/step.stack" | cut -d: -f1)
e2e_check "undo order: the volume group before its LUKS container (lines ${_lv:-?}, ${_cs:-?})" \
	test "${_lv:-9999}" -lt "${_cs:-0}"
expect check-stack 4 "check /dev/stackvg/root: the seeded problem" "[ssh.dir.mode]"
expect stack-undo 0 "the stack's undo commands: its mappings are gone" "VM: after undo: 2 dm devices"
e2e_check "... and the earlier ones stay (vicvg, the first container)" \
	grep -qF "/dev/mapper: control sshrescue-$U1 vicvg-root ;" "$T/step.stack-undo"
expect tty 0 "no --key-file, on a terminal: the passphrase typed there opens the container" \
	"/dev/vde: LUKS container $U2; cryptsetup asks for its passphrase:" \
	"Enter passphrase for /dev/vde" \
	"/dev/vde: LUKS container opened read-only (cryptsetup open --readonly): \
/dev/mapper/sshrescue-$U2" "volume group stackvg activated (vgchange -ay stackvg)"
e2e_check "the passphrase was not echoed" sh -c "! grep -q sshrescue-e2e-key '$T/step.tty'"
[ -z "${E2E_VERBOSE:-}" ] || cat "$LOG"
e2e_finish
