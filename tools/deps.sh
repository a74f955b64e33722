#!/bin/sh
# deps.sh - install what building and testing sshrescue needs, from Debian's
# packages (Debian 12). Safe to run again; does nothing when all is present.
set -eu

# libclang-rt-14-dev: the libFuzzer and sanitizer runtimes (tests/fuzz); clang-14 only
# recommends it, and recommends are not installed here. rpm: rpm --root --verify of rpm
# victims (check packages), rpmbuild for its unit test. xfsprogs, btrfs-progs: the checkers
# of check --deep and the test images they read. The rescue initramfs (initramfs/build.sh)
# and its e2e test: busybox-static, kmod (modprobe), binutils (strip), zstd, qemu-system-x86
# and a kernel with modules to put in and to boot (linux-image-amd64: installs
# /boot/vmlinuz-V and /lib/modules/V). jq: the image tests read --json with it; time:
# /usr/bin/time -v, peak memory in tests/bench/usage.sh and tests/hostile; strace: every file
# the hostile corpus's runs open. grub-common: grub-editenv and grub-script-check, the oracles
# of the install-boot-entry image test; grub-pc-bin (GRUB's BIOS modules and boot.img, for a
# test disk: no boot loader of this machine is touched), initramfs-tools (mkinitramfs) and
# dracut-core (dracut, which does not conflict with initramfs-tools): the e2e tests of the
# boot entry and of the initramfs hooks. cppcheck, clang-tidy: tools/lint.sh; valgrind:
# tools/valgrind.sh (docs/hardening.md). cpio: the initramfs e2e test appends an archive.
# openssl: the e2e tests hash images with it (SHA-NI). lvm2, cryptsetup-bin: `devices --activate` runs them, build.sh --with-lvm-luks puts them in the
# image, tests/e2e/test_lvm_luks.sh needs both (installing lvm2 runs update-initramfs once).
PKGS="gcc make openssl cmake pkg-config clang clang-format clang-tidy cppcheck valgrind libclang-rt-14-dev
libext2fs-dev libblkid-dev libmount-dev libjson-c-dev libcmocka-dev libelf-dev libssl-dev dpkg
e2fsprogs util-linux fdisk mount openssh-client debootstrap iproute2 coreutils rpm
busybox-static kmod binutils zstd xfsprogs btrfs-progs qemu-system-x86 linux-image-amd64
jq time strace grub-common grub-pc-bin initramfs-tools dracut-core cpio lvm2 cryptsetup-bin"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all build and test packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing; run as root (apt-get install)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
