#!/bin/sh
# shellcheck disable=SC2034 # the scenario files set variables this script reads
# `sshrescue install-boot-entry`, proven through a real GRUB in a VM (qemu TCG; docs/initramfs.md):
#   1. a corpus scenario's broken image (test_corpus.sh with E2E_BROKEN_OUT) becomes partition 1
#      of a disk with BIOS GRUB (grub-mkimage, boot.img) and a grub.cfg from GRUB's own
#      00_header with one usual entry: the Debian kernel with a tiny initramfs that prints a
#      marker and powers off (the "usual boot")
#   2. install-boot-entry --partition 1 --mode fix --apply puts the rescue entry on it
#   3. first boot, from the disk (SeaBIOS, GRUB): GRUB boots the sshrescue entry (next_entry),
#      the rescue initramfs repairs the victim and reboots; GRUB has cleared next_entry
#   4. second boot: GRUB boots the usual entry again (the marker), no rescue
#   5. sshrescue check on the host finds no error; undo gives grub.cfg back byte for byte
#
# usage: sh test_boot_entry.sh SSHRESCUE BUILDDIR [SCENARIO]   (default dir-0777)

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || e2e_die "usage: $0 SSHRESCUE BUILDDIR [SCENARIO]"
[ -x "$1" ] || e2e_skip "sshrescue binary $1 not built"
[ "$(id -u)" -eq 0 ] || e2e_skip "e2e tests need root (loop devices)"
for _t in qemu-system-x86_64 grub-mkimage grub-editenv sfdisk losetup debugfs unshare setpriv; do
	command -v "$_t" > /dev/null 2>&1 || e2e_skip "$_t not installed (grub-common, fdisk)"
done
[ -d /usr/lib/grub/i386-pc ] || e2e_skip "no GRUB for BIOS (apt-get install grub-pc-bin)"
[ -x /etc/grub.d/00_header ] || e2e_skip "no /etc/grub.d/00_header (grub-common)"
IRD_SRC=$(cd "$(dirname "$0")/../../initramfs" && pwd) || e2e_die "no initramfs/ directory"
SCN_SRC=$(cd "$(dirname "$0")/scenarios" && pwd) || e2e_die "no scenarios directory"
e2e_kernel

BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
BUILD=$2
S=${3:-dir-0777}
e2e_init "$BIN" "$BUILD"

# --- the rescue image, and the "usual boot" ---
RESCUE=$E2E_TMP/rescue.img
sh "$IRD_SRC/build.sh" --sshrescue "$BIN" --kernel "$KVER" --compress gzip -o "$RESCUE" \
	> "$E2E_TMP/build.log" 2>&1 || e2e_die "initramfs/build.sh: $(tail -n 5 "$E2E_TMP/build.log")"
cat > "$E2E_TMP/usual_init.sh" << 'EOF'
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
echo "USUAL-BOOT-MARKER: the usual entry booted"
poweroff -f
EOF
sh "$IRD_SRC/build.sh" --bare --compress gzip --init "$E2E_TMP/usual_init.sh" --kernel "$KVER" \
	--modules virtio_blk -o "$E2E_TMP/usual.img" > "$E2E_TMP/build2.log" 2>&1 ||
	e2e_die "the usual initramfs: $(tail -n 5 "$E2E_TMP/build2.log")"

# --- 1: the disk ---
BROKEN=$E2E_TMP/broken
mkdir -p "$BROKEN" || e2e_die "mkdir"
E2E_BROKEN_OUT=$BROKEN sh "$E2E_LIBDIR/test_corpus.sh" "$BIN" "$BUILD" "$S" \
	> "$E2E_TMP/corpus.log" 2>&1 || e2e_die "test_corpus.sh: $(tail -n 5 "$E2E_TMP/corpus.log")"
LOGIN=alice
EXPECT=
# shellcheck disable=SC1090 # a scenario file
. "$SCN_SRC/$S.scn"
UUID=$(blkid -p -s UUID -o value "$BROKEN/$S.img")
{
	printf 'serial --unit=0 --speed=115200\nterminal_input serial\nterminal_output serial\n'
	GRUB_DEFAULT=0 GRUB_TIMEOUT=0 pkgdatadir=/usr/share/grub sh /etc/grub.d/00_header
	cat << EOF
menuentry 'Debian GNU/Linux' --id usual {
	insmod part_msdos
	insmod ext2
	search --no-floppy --fs-uuid --set=root $UUID
	linux	/boot/vmlinuz-$KVER root=UUID=$UUID ro console=ttyS0 panic=-1
	initrd	/boot/initrd.img-$KVER
}
EOF
} > "$E2E_TMP/grub.cfg" 2> "$E2E_TMP/hdr.err" || e2e_die "00_header: $(cat "$E2E_TMP/hdr.err")"
# GRUB as grub-install puts it on a BIOS disk, by hand (this machine's kernel may not scan
# the partitions of a loop device, and grub-install wants them): the modules and grub.cfg in
# the filesystem's /boot/grub, the filesystem at 1 MiB, core.img (grub-mkimage, prefix
# (hd0,msdos1)/boot/grub) in the sectors after the MBR, boot.img's code in the MBR (it loads
# sector 1 by default).
FS=$E2E_TMP/fs.img
cp --sparse=always "$BROKEN/$S.img" "$FS" || e2e_die "cp"
# shellcheck disable=SC2016 # expanded by the inner shell
if ! unshare -m --propagation private sh -c '
	set -e
	mkdir -p "$2/mnt"
	mount -o loop "$1" "$2/mnt"
	trap "umount $2/mnt 2> /dev/null || :" EXIT
	mkdir -p "$2/mnt/boot/grub/i386-pc"
	cp "/boot/vmlinuz-$3" "$2/mnt/boot/"
	cp "$2/usual.img" "$2/mnt/boot/initrd.img-$3"
	cp /usr/lib/grub/i386-pc/*.mod /usr/lib/grub/i386-pc/*.lst "$2/mnt/boot/grub/i386-pc/"
	cp "$2/grub.cfg" "$2/mnt/boot/grub/grub.cfg"
	grub-editenv "$2/mnt/boot/grub/grubenv" create
	umount "$2/mnt"' sh "$FS" "$E2E_TMP" "$KVER" > "$E2E_TMP/disk.log" 2>&1 ||
	! e2e_loop_wait "$FS"; then
	e2e_die "filling the filesystem: $(tail -n 10 "$E2E_TMP/disk.log")"
fi
DISK=$E2E_TMP/disk.img
_fs=$(stat -c %s "$FS")
truncate -s $((_fs + 2 * 1024 * 1024)) "$DISK" || e2e_die "truncate"
printf 'label: dos\nstart=2048, size=%s, type=83, bootable\n' $((_fs / 512)) |
	sfdisk -q "$DISK" > "$E2E_TMP/sfdisk.log" 2>&1 || e2e_die "sfdisk: $(cat "$E2E_TMP/sfdisk.log")"
dd if="$FS" of="$DISK" bs=1M seek=1 conv=notrunc,sparse status=none || e2e_die "dd"
rm -f "$FS"
grub-mkimage -O i386-pc -o "$E2E_TMP/core.img" -p '(hd0,msdos1)/boot/grub' \
	biosdisk part_msdos ext2 > "$E2E_TMP/mkimage.log" 2>&1 ||
	e2e_die "grub-mkimage: $(cat "$E2E_TMP/mkimage.log")"
[ "$(stat -c %s "$E2E_TMP/core.img")" -lt $((2047 * 512)) ] || e2e_die "core.img too large"
if ! dd if=/usr/lib/grub/i386-pc/boot.img of="$DISK" bs=440 count=1 conv=notrunc status=none ||
	! dd if="$E2E_TMP/core.img" of="$DISK" bs=512 seek=1 conv=notrunc status=none; then
	e2e_die "writing GRUB to the disk"
fi
e2e_pass "a BIOS GRUB disk (grub-mkimage, boot.img, GRUB's 00_header) with the broken $S" \
	"image as partition 1"

# fs_cat PATH OUT: a file of partition 1, by debugfs on a read-only loop device at its offset
fs_cat()
{
	_dev=$(losetup -r -o 1048576 --sizelimit "$_fs" -f --show "$DISK") || return 1
	debugfs -R "dump $1 $2" "$_dev" > /dev/null 2>&1
	losetup -d "$_dev"
	e2e_loop_wait "$DISK"
}
fs_cat /boot/grub/grub.cfg "$E2E_TMP/cfg.before"

# --- 2: the entry ---
e2e_rescue install-boot-entry --partition 1 --initramfs "$RESCUE" --mode fix --apply "$DISK"
if [ "$E2E_RC" -eq 0 ]; then
	e2e_pass "install-boot-entry --partition 1 --mode fix --apply"
else
	e2e_fail "install-boot-entry exits $E2E_RC: $(cat "$E2E_TMP/rescue.err")"
	e2e_finish
fi
ID=$(sed -n 's/^Journal \([^ ]*\) written on the victim.*/\1/p' "$E2E_TMP/rescue.out")

# boot OUT: from the disk; waits until the VM stops (at most 600 s). BOOT_SECS, BOOT_HALTED.
boot()
{
	_start=$(date +%s)
	setpriv --pdeathsig TERM qemu-system-x86_64 -accel tcg -m 1024 -nographic -no-reboot \
		-nic none -drive "file=$DISK,format=raw,if=virtio" > "$1.log" 2>&1 < /dev/null &
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
	tr -d '\r' < "$1.log" > "$1.txt"
}

# --- 3: the first boot: the rescue ---
D=$E2E_TMP/boots
mkdir -p "$D" || e2e_die "mkdir"
boot "$D/first"
_why=
grep -q '^==== sshrescue report: END (mode fix, status 1) ====$' "$D/first.txt" ||
	_why="$_why no fix report with status 1;"
for _c in $EXPECT; do
	grep -qF "[${_c%@*}]" "$D/first.txt" || _why="$_why $_c not in the report;"
done
grep -q 'sshrescue\[[0-9.]*\]: rebooting' "$D/first.txt" || _why="$_why no reboot at its end;"
grep -q 'USUAL-BOOT-MARKER' "$D/first.txt" && _why="$_why the usual entry booted first;"
[ -n "$BOOT_HALTED" ] || _why="$_why the VM did not stop;"
fs_cat /boot/grub/grubenv "$D/grubenv.first"
grub-editenv "$D/grubenv.first" list > "$D/grubenv.list" 2>&1
grep -q '^next_entry=sshrescue' "$D/grubenv.list" && _why="$_why GRUB did not clear next_entry;"
[ "$(stat -c %s "$D/grubenv.first" 2> /dev/null)" = 1024 ] || _why="$_why grubenv is not 1024 bytes;"
e2e_judge "first boot" "$D/first.txt" 30 \
	"first boot: GRUB booted the sshrescue entry; report, status 1, reboot" \
	"(${BOOT_SECS} s); grubenv after it: $(tr '\n' ' ' < "$D/grubenv.list")"

# --- 4: the second boot: the usual entry ---
boot "$D/second"
_why=
grep -q 'USUAL-BOOT-MARKER' "$D/second.txt" || _why="$_why the usual entry did not boot;"
grep -q '==== sshrescue report' "$D/second.txt" && _why="$_why the rescue booted again;"
e2e_judge "second boot" "$D/second.txt" 20 \
	"second boot: the usual entry (${BOOT_SECS} s): one-time, like grub-reboot"

# --- 5: the image, and undo ---
e2e_rescue check --json --partition 1 "$DISK"
if rescue_json_has '[.findings[] | select(.severity == "error")] | length == 0'; then
	e2e_pass "check --partition 1 on the host: no error left after the rescue"
else
	e2e_fail "check on the host exits $E2E_RC: $(tail -n 20 "$E2E_TMP/rescue.out")"
fi
e2e_rescue undo --partition 1 "$DISK" "$ID"
fs_cat /boot/grub/grub.cfg "$D/cfg.undone"
if [ "$E2E_RC" -eq 0 ] && cmp -s "$D/cfg.undone" "$E2E_TMP/cfg.before"; then
	e2e_pass "undo $ID: grub.cfg byte for byte as before"
else
	e2e_fail "undo exits $E2E_RC: $(cat "$E2E_TMP/rescue.err")"
fi
e2e_finish
