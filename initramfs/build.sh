#!/bin/sh
# build.sh - build the sshrescue rescue initramfs: a compressed newc cpio with sshrescue, the
# shared libraries it needs (resolved by sshrescue's own ELF resolver, `sshrescue ldd`), busybox,
# the filesystem checkers and ssh-keygen, the kernel modules of virtual and cloud disks with
# their dependencies and soft dependencies, and /init (initramfs/init). See docs/initramfs.md.
#
# Reproducible: the archive is written by this script itself (ird_pack), entries sorted by name,
# owner 0:0, modes normalised (0755 executables and directories, 0644 other files), every mtime
# SOURCE_DATE_EPOCH (default 0), inode numbers counted from 1; the compressors run without
# names or timestamps. The same inputs give the same bytes, whoever builds it.
set -u

IRD_TOP=$(cd "$(dirname "$0")/.." && pwd)
IRD_PATH=/usr/sbin:/usr/bin:/sbin:/bin
# The disks of virtual machines and clouds (virtio, NVMe, Xen, Hyper-V, VMware, AHCI/SATA, IDE
# as qemu emulates it, SCSI disks), loop devices (sshrescue check reads a device through a
# read-only loop device) and the filesystems sshrescue mounts.
IRD_MODULES_DEFAULT="virtio_pci virtio_blk virtio_scsi nvme xen-blkfront hv_storvsc vmw_pvscsi
ahci ata_piix sd_mod loop ext4 xfs btrfs"
# Programs besides sshrescue: NAME:WHERE-IN-THE-IMAGE:PACKAGE. sshrescue runs ssh-keygen (new
# host keys), dpkg-deb (files restored from a package archive) and the filesystems' own checkers
# (check --deep: e2fsck -fn, xfs_repair -n, btrfs check --readonly; the fs.errors fix: e2image
# -Q, then e2fsck -fy, e2undo when it stopped half-way; xfs_logprint: whether a dirty XFS log
# may be replayed), which are also what the operator may run from the shell of
# sshrescue.mode=shell; /init finds the filesystems with blkid (busybox has none; it uses the
# libblkid sshrescue needs anyway).
IRD_TOOLS_DEFAULT="ssh-keygen:usr/bin:openssh-client dpkg-deb:usr/bin:dpkg
e2fsck:usr/sbin:e2fsprogs e2image:usr/sbin:e2fsprogs e2undo:usr/sbin:e2fsprogs
xfs_repair:usr/sbin:xfsprogs
xfs_logprint:usr/sbin:xfsprogs
btrfs:usr/bin:btrfs-progs blkid:usr/sbin:util-linux"
# --with-lvm-luks: what `sshrescue devices --activate` runs (lvm vgchange, cryptsetup open) and
# the operator may run from the shell (dmsetup too); the lvm commands are names of one program.
IRD_TOOLS_LVM_LUKS="lvm:usr/sbin:lvm2 cryptsetup:usr/sbin:cryptsetup-bin dmsetup:usr/sbin:dmsetup"
IRD_LVM_NAMES="pvs vgs lvs pvscan vgscan lvscan vgchange lvchange vgimportclone vgrename pvdisplay
vgdisplay lvdisplay"
# ... and the kernel's side: device-mapper, dm-crypt with the ciphers of LUKS2 (aes-xts-plain64)
# and LUKS1 (aes-cbc-essiv:sha256), and the kernel crypto API that cryptsetup uses for its key
# slots (AF_ALG); aesni_intel where the CPU has AES-NI (it does not load without: harmless).
IRD_MODULES_LVM_LUKS="dm-mod dm-crypt xts ecb essiv af_alg algif_skcipher algif_hash aesni_intel"

ird_usage()
{
	cat << EOF
usage: $0 [OPTIONS]

Build the sshrescue rescue initramfs (a compressed cpio archive).

  -o, --output FILE      where to write it (default: sshrescue-initramfs.img)
  --sshrescue PATH       the sshrescue binary to put in (default: $IRD_TOP/build/sshrescue)
  --kernel VERSION       the kernel whose modules go in (default: the running one, $(uname -r))
  --modules-root DIR     the modules are in DIR/lib/modules/VERSION (default: /); for a kernel
                         package unpacked with dpkg -x and prepared with depmod -b DIR VERSION
  --modules "M ..."      the modules to put in, with their dependencies and soft dependencies
                         (default: $(printf '%s' "$IRD_MODULES_DEFAULT" | tr '\n' ' '))
  --add-modules "M ..."  more modules besides those
  --without TOOL         leave out TOOL: e2fsck, e2image, xfs_repair, btrfs or dpkg-deb (then
                         what needs it says it is missing); repeatable
  --with-lvm-luks        add lvm (lvm2), cryptsetup (cryptsetup-bin) and dmsetup, with their
                         libraries, and the device-mapper and dm-crypt modules: for
                         sshrescue devices --activate on LVM and LUKS victims (about 3 MiB
                         more)
  --init FILE            the /init to use (default: $IRD_TOP/initramfs/init)
  --bare                 only busybox, the modules and /init: no sshrescue, libraries or tools
                         (the e2e test boots the victim's own sshd with one)
  --compress gzip|xz|zstd|none
                         compressor (default: zstd, the fastest to unpack at boot; xz is
                         the smallest; Debian's kernels unpack all three)
  --no-strip             keep the debug symbols of sshrescue
  -h, --help             this help

The archive's mtimes are SOURCE_DATE_EPOCH (default 0). Needs: kmod (modprobe), strip (binutils)
unless --no-strip, and the compressor. Exit status: 0 built, 1 failed, 2 usage error.
EOF
}

ird_die()
{
	printf 'initramfs: error: %s\n' "$*" >&2
	exit 1
}

ird_usage_error()
{
	printf 'initramfs: %s (see --help)\n' "$*" >&2
	exit 2
}

ird_note()
{
	printf 'initramfs: %s\n' "$*" >&2
}

# --- options ---
OUT=sshrescue-initramfs.img
SSHRESCUE=$IRD_TOP/build/sshrescue
KVER=$(uname -r)
MODROOT=/
MODULES=$IRD_MODULES_DEFAULT
ADD_MODULES=
WITHOUT=
INIT=$IRD_TOP/initramfs/init
BARE=
LVM_LUKS=
COMPRESS=zstd
STRIP=yes
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		ird_usage
		exit 0
		;;
	-o | --output | --sshrescue | --kernel | --modules-root | --modules | --add-modules | \
		--without | --init | --compress)
		[ $# -ge 2 ] || ird_usage_error "$1 needs a value"
		case $1 in
		-o | --output) OUT=$2 ;;
		--sshrescue) SSHRESCUE=$2 ;;
		--kernel) KVER=$2 ;;
		--modules-root) MODROOT=$2 ;;
		--modules) MODULES=$2 ;;
		--add-modules) ADD_MODULES="$ADD_MODULES $2" ;;
		--without) WITHOUT="$WITHOUT $2" ;;
		--init) INIT=$2 ;;
		--compress) COMPRESS=$2 ;;
		esac
		shift 2
		;;
	--bare)
		BARE=yes
		shift
		;;
	--with-lvm-luks)
		LVM_LUKS=yes
		shift
		;;
	--no-strip)
		STRIP=
		shift
		;;
	*) ird_usage_error "unknown argument: $1" ;;
	esac
done
case $COMPRESS in
gzip | xz | zstd | none) ;;
*) ird_usage_error "--compress must be gzip, xz, zstd or none, not '$COMPRESS'" ;;
esac
[ -z "$BARE" ] || [ -z "$LVM_LUKS" ] ||
	ird_usage_error "--bare and --with-lvm-luks: a bare image has no programs but busybox"
TOOLS=$IRD_TOOLS_DEFAULT
if [ -n "$LVM_LUKS" ]; then
	TOOLS="$TOOLS $IRD_TOOLS_LVM_LUKS"
	ADD_MODULES="$ADD_MODULES $IRD_MODULES_LVM_LUKS"
fi
for _w in $WITHOUT; do
	case $_w in
	e2fsck | e2image | xfs_repair | btrfs | dpkg-deb) ;;
	# sshrescue's host key fix needs ssh-keygen, /init needs blkid
	*) ird_usage_error "--without $_w: only e2fsck, e2image, xfs_repair, btrfs or dpkg-deb" ;;
	esac
done
MTIME=${SOURCE_DATE_EPOCH:-0}
case $MTIME in
'' | *[!0-9]*) ird_usage_error "SOURCE_DATE_EPOCH must be a number of seconds, not '$MTIME'" ;;
esac
export LC_ALL=C
PATH=$IRD_PATH:$PATH

# --- checks of the inputs, before anything is made ---
[ -f "$INIT" ] || ird_die "no /init script at $INIT"
command -v modprobe > /dev/null 2>&1 || ird_die "modprobe not found (apt-get install kmod)"
case $COMPRESS in
none) ;;
*) command -v "$COMPRESS" > /dev/null 2>&1 || ird_die "$COMPRESS not found" ;;
esac
BUSYBOX=
for _b in /bin/busybox /usr/bin/busybox; do
	if [ -x "$_b" ] && "$_b" --list 2> /dev/null | grep -qx ash; then
		BUSYBOX=$_b
		break
	fi
done
[ -n "$BUSYBOX" ] || ird_die "busybox not found (apt-get install busybox-static)"
# A dynamic busybox would need its libraries, and /init runs before anything else.
if [ -x "$SSHRESCUE" ] &&
	! "$SSHRESCUE" ldd --live / "$BUSYBOX" 2> /dev/null | grep -q 'statically linked'; then
	ird_die "$BUSYBOX is not statically linked (apt-get install busybox-static)"
fi
KMODDIR=${MODROOT%/}/lib/modules/$KVER
[ -d "$KMODDIR" ] || ird_die "no modules of kernel $KVER: $KMODDIR does not exist" \
	"(name an installed kernel with --kernel; apt-get install linux-image-amd64)"
[ -s "$KMODDIR/modules.dep" ] || ird_die "$KMODDIR/modules.dep is missing (depmod -b" \
	"${MODROOT%/}/ $KVER)"
if [ -z "$BARE" ]; then
	[ -x "$SSHRESCUE" ] || ird_die "sshrescue binary $SSHRESCUE not found (build it first:" \
		"sh tools/build.sh build)"
	# an absolute path: it is also a path that sshrescue ldd resolves
	SSHRESCUE=$(cd "$(dirname "$SSHRESCUE")" && pwd)/$(basename "$SSHRESCUE")
	if [ -n "$STRIP" ]; then
		command -v strip > /dev/null 2>&1 || ird_die "strip not found (binutils), or --no-strip"
	fi
fi

STAGE=
ird_cleanup()
{
	[ -n "$STAGE" ] && rm -rf "$STAGE" "$STAGE".*
}
trap ird_cleanup EXIT
trap 'exit 130' INT TERM HUP
OUTDIR=$(dirname "$OUT")
[ -d "$OUTDIR" ] || ird_die "the directory of $OUT does not exist"
STAGE=$(mktemp -d "$OUTDIR/.initramfs.XXXXXX") || ird_die "cannot create a directory beside $OUT"
# Devices and other entries that are not files of the stage: "NAME TYPE MODE MAJOR MINOR".
SPECIAL=$STAGE.special
: > "$SPECIAL" || ird_die "cannot write beside $OUT"
ROOTFS=$STAGE/root
mkdir -p "$ROOTFS" || ird_die "mkdir $ROOTFS"

# ird_put SRC DEST: copy the content of SRC (symlinks followed) to DEST in the image, mode 0755
# if SRC is executable, else 0644.
ird_put()
{
	mkdir -p "$ROOTFS/$(dirname "$2")" || ird_die "mkdir for $2"
	cp -L "$1" "$ROOTFS/$2" || ird_die "cannot copy $1"
	if [ -x "$1" ]; then
		chmod 0755 "$ROOTFS/$2"
	else
		chmod 0644 "$ROOTFS/$2"
	fi
}

# --- the skeleton, busybox and /init ---
for _d in bin sbin usr/bin usr/sbin dev proc sys run tmp mnt victim etc lib; do
	mkdir -p "$ROOTFS/$_d" || ird_die "mkdir $_d"
done
# /dev/console must exist before devtmpfs is mounted: the kernel opens it for /init.
printf '%s\n' "dev/console c 0600 5 1" "dev/null c 0666 1 3" > "$SPECIAL"
# root's entries: for busybox (id, ls -l) and for sshrescue, which reads a root's passwd
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$ROOTFS/etc/passwd"
printf 'root:x:0:\n' > "$ROOTFS/etc/group"
chmod 0644 "$ROOTFS/etc/passwd" "$ROOTFS/etc/group"
mkdir -p "$ROOTFS/root" || ird_die "mkdir root"
ird_put "$BUSYBOX" bin/busybox
ln -s busybox "$ROOTFS/bin/sh"
ird_put "$INIT" init
chmod 0755 "$ROOTFS/init"

# --- sshrescue, the tools and their libraries ---
PROGS=
if [ -z "$BARE" ]; then
	if [ -n "$STRIP" ]; then
		mkdir -p "$ROOTFS/usr/sbin"
		strip -o "$ROOTFS/usr/sbin/sshrescue" "$SSHRESCUE" || ird_die "strip $SSHRESCUE failed"
		chmod 0755 "$ROOTFS/usr/sbin/sshrescue"
	else
		ird_put "$SSHRESCUE" usr/sbin/sshrescue
	fi
	PROGS=
	for _t in $TOOLS; do
		_name=${_t%%:*}
		_rest=${_t#*:}
		_where=${_rest%%:*}
		_pkg=${_rest#*:}
		case " $WITHOUT " in *" $_name "*) continue ;; esac
		_src=$(command -v "$_name") ||
			ird_die "$_name not found (apt-get install $_pkg), or leave it out: --without $_name"
		ird_put "$_src" "$_where/$_name"
		PROGS="$PROGS $_src"
	done
	if [ -n "$LVM_LUKS" ]; then
		for _n in $IRD_LVM_NAMES; do
			ln -s lvm "$ROOTFS/usr/sbin/$_n" || ird_die "ln -s lvm usr/sbin/$_n"
		done
	fi
	# The libraries, as the helper's own ld.so would load them for each program: the project's
	# ELF resolver reads DT_NEEDED, RPATH/RUNPATH and ld.so.cache (rescue/ldso*.c). Every path
	# it names (the interpreter too) goes to the same path in the image.
	# shellcheck disable=SC2086 # PROGS are separate paths
	"$SSHRESCUE" ldd --live / "$SSHRESCUE" $PROGS > "$STAGE.ldd" 2> "$STAGE.ldd.err" ||
		ird_die "sshrescue ldd failed: $(cat "$STAGE.ldd.err" "$STAGE.ldd" | head -n 5)"
	if grep -q -e 'not found' -e '(' "$STAGE.ldd"; then
		ird_die "a library of the programs is missing or broken: $(grep -e 'not found' \
			-e '(' "$STAGE.ldd" | head -n 3)"
	fi
	# "\tNAME => PATH" per library, "\t/PATH" for the interpreter; headers are not indented
	awk '/^\t/ && $2 == "=>" { print $3 } /^\t\// && NF == 1 { print $1 }' "$STAGE.ldd" |
		sort -u > "$STAGE.libs"
	[ -s "$STAGE.libs" ] || ird_die "sshrescue ldd named no library at all"
	while read -r _lib; do
		ird_put "$_lib" "${_lib#/}"
		# the image has no ld.so.cache: ld.so looks in the system directories, so a
		# library must be in one of them (the check below proves it)
	done < "$STAGE.libs"
	# The proof: resolved inside the image, by the same resolver, every program has all it
	# needs.
	_inside="/usr/sbin/sshrescue"
	for _t in $TOOLS; do
		_name=${_t%%:*}
		_rest=${_t#*:}
		case " $WITHOUT " in *" $_name "*) continue ;; esac
		_inside="$_inside /${_rest%%:*}/$_name"
	done
	# shellcheck disable=SC2086 # separate paths
	if ! "$SSHRESCUE" ldd "$ROOTFS" $_inside > "$STAGE.ldd2" 2>&1 ||
		grep -q -e 'not found' -e '(' "$STAGE.ldd2"; then
		ird_die "inside the image, a program would not find its libraries:" \
			"$(grep -e 'not found' -e '(' -e 'sshrescue:' "$STAGE.ldd2" | head -n 3)"
	fi
fi

# --- kernel modules, with dependencies and soft dependencies, in load order ---
MODLIST=$ROOTFS/lib/modules/$KVER/load.order
mkdir -p "$ROOTFS/lib/modules/$KVER" || ird_die "mkdir modules"
: > "$STAGE.ko"
for _m in $MODULES $ADD_MODULES; do
	if ! modprobe -d "$MODROOT" -S "$KVER" --show-depends "$_m" > "$STAGE.dep" 2> "$STAGE.dep.err"; then
		ird_note "kernel $KVER has no module $_m: left out"
		continue
	fi
	# "insmod /path/x.ko [params]" lines; "builtin x" needs nothing
	awk '$1 == "insmod" { print $2 }' "$STAGE.dep" >> "$STAGE.ko"
done
# first occurrence wins: that is the load order
awk '!seen[$0]++' "$STAGE.ko" > "$STAGE.ko.order"
[ -s "$STAGE.ko.order" ] || ird_die "none of the modules is in kernel $KVER"
NMOD=0
while read -r _ko; do
	# modprobe -d / names them //lib/modules/...
	_rel=${_ko#*/lib/modules/"$KVER"/}
	[ "$_rel" != "$_ko" ] || ird_die "module $_ko is not under $KMODDIR"
	_dst=$ROOTFS/lib/modules/$KVER/$_rel
	mkdir -p "$(dirname "$_dst")" || ird_die "mkdir for $_rel"
	# stored uncompressed: busybox insmod needs no decompressor, and the archive compresses
	# better as a whole
	case $_ko in
	*.ko.xz) xz -dc "$_ko" > "${_dst%.xz}" && _rel=${_rel%.xz} ;;
	*.ko.zst) zstd -qdc "$_ko" > "${_dst%.zst}" && _rel=${_rel%.zst} ;;
	*.ko.gz) gzip -dc "$_ko" > "${_dst%.gz}" && _rel=${_rel%.gz} ;;
	*) cp "$_ko" "$_dst" ;;
	esac || ird_die "cannot copy module $_ko"
	chmod 0644 "$ROOTFS/lib/modules/$KVER/$_rel"
	printf '%s\n' "$_rel" >> "$MODLIST"
	NMOD=$((NMOD + 1))
done < "$STAGE.ko.order"

# --- what is in it, for the operator (/etc/sshrescue-initramfs) ---
{
	printf 'kernel %s\n' "$KVER"
	if [ -z "$BARE" ]; then
		printf 'sshrescue %s\n' "$("$SSHRESCUE" --version 2> /dev/null | head -n 1)"
	fi
	printf 'modules %s\n' "$(sed 's|.*/||; s|\.ko$||' "$MODLIST" | tr '\n' ' ')"
	[ -z "$LVM_LUKS" ] || printf 'with lvm cryptsetup dmsetup\n'
} > "$ROOTFS/etc/sshrescue-initramfs"
chmod 0644 "$ROOTFS/etc/sshrescue-initramfs"

# --- the archive ---
# ird_pad N: N (0..3) NUL bytes
ird_pad()
{
	case $1 in
	1) printf '\000' ;;
	2) printf '\000\000' ;;
	3) printf '\000\000\000' ;;
	esac
}

# ird_entry NAME MODE SIZE RDEVMAJ RDEVMIN NLINK: one newc header and the name, padded.
IRD_INO=0
ird_entry()
{
	IRD_INO=$((IRD_INO + 1))
	_ns=$((${#1} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\000' \
		"$IRD_INO" "$2" 0 0 "$6" "$MTIME" "$3" 0 0 "$4" "$5" "$_ns" 0 "$1"
	ird_pad $(((4 - (110 + _ns) % 4) % 4))
}

# ird_pack: the newc archive of $ROOTFS and $SPECIAL on stdout, sorted by name.
ird_pack()
{
	(cd "$ROOTFS" && find . -mindepth 1 | sed 's|^\./||') > "$STAGE.names" || return 1
	awk '{ print $1 }' "$SPECIAL" >> "$STAGE.names"
	sort -u "$STAGE.names" > "$STAGE.sorted" || return 1
	while IFS= read -r _n; do
		_sp=$(awk -v n="$_n" '$1 == n' "$SPECIAL")
		if [ -n "$_sp" ]; then
			# shellcheck disable=SC2086 # the fields of the line
			set -- $_sp
			[ "$2" = c ] || return 1
			ird_entry "$_n" $((0020000 | 0$3)) 0 "$4" "$5" 1
			continue
		fi
		_p=$ROOTFS/$_n
		if [ -L "$_p" ]; then
			_t=$(readlink "$_p")
			ird_entry "$_n" $((0120777)) "${#_t}" 0 0 1
			printf '%s' "$_t"
			ird_pad $(((4 - ${#_t} % 4) % 4))
		elif [ -d "$_p" ]; then
			ird_entry "$_n" $((0040755)) 0 0 0 2
		elif [ -f "$_p" ]; then
			_s=$(wc -c < "$_p")
			_m=0644
			[ -x "$_p" ] && _m=0755
			ird_entry "$_n" $((0100000 | _m)) "$_s" 0 0 1
			cat "$_p" || return 1
			ird_pad $(((4 - _s % 4) % 4))
		else
			printf 'initramfs: error: %s is not a file, directory or symlink\n' "$_n" >&2
			return 1
		fi
	done < "$STAGE.sorted"
	ird_entry TRAILER!!! 0 0 0 0 1
}

case $COMPRESS in
gzip) ZIP="gzip -n -9" ;;
# the kernel's xz decoder knows CRC32 only
xz) ZIP="xz -9 --check=crc32 --threads=1" ;;
zstd) ZIP="zstd -q -19 -T1 --no-progress" ;;
none) ZIP="cat" ;;
esac
TMPOUT=$STAGE.out
ird_pack > "$STAGE.cpio" || ird_die "packing the archive failed"
$ZIP < "$STAGE.cpio" > "$TMPOUT" || ird_die "$COMPRESS failed"
mv "$TMPOUT" "$OUT" || ird_die "cannot write $OUT"
_raw=$(wc -c < "$STAGE.cpio")
_size=$(wc -c < "$OUT")
rm -f "$STAGE".*
printf 'initramfs: %s: %s bytes (%s KiB; %s KiB unpacked), kernel %s, %s modules%s\n' "$OUT" \
	"$_size" $(((_size + 1023) / 1024)) $(((_raw + 1023) / 1024)) "$KVER" "$NMOD" \
	"${BARE:+, bare}"
