#!/bin/sh
# /init of the VM of test_lvm_luks.sh (initramfs/build.sh --with-lvm-luks --init): a helper with
# device-mapper (the host has none) and no udev, like the rescue initramfs. Disks: /dev/vda the
# victim's ext4 image (read-only), /dev/vdb to /dev/vde empty. It builds the victims (vdb: an
# LVM PV, volume group vicvg, the image in its LV root; vdc: LUKS2 with a key file, the image
# inside), deactivates and closes both, then runs sshrescue on them; later a second volume group
# vicvg on vdd (refused, then renamed as the refusal says) and LVM inside LUKS on vde (Debian's
# encrypted install), at last with the passphrase typed on the console. On the serial console
# "==== STEP" before each step and "VM: rc STEP N" after it; the host greps. Powers off at the
# end, or after 400 s.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
NO_COLOR=1
export PATH NO_COLOR
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=0755 tmpfs /run
echo 3 > /proc/sys/kernel/printk
while read -r m; do
	insmod "/lib/modules/$(uname -r)/$m" 2> /dev/null
done < "/lib/modules/$(uname -r)/load.order"
(
	sleep 400
	echo "VM: time is up"
	poweroff -f
) &
i=0
while [ ! -b /dev/vde ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done

# The device-mapper devices there are, and the names in /dev/mapper.
dm_count()
{
	set -- /sys/class/block/dm-*
	if [ -e "$1" ]; then echo $#; else echo 0; fi
}
mapper_names()
{
	for _m in /dev/mapper/*; do
		printf '%s ' "${_m##*/}"
	done
}

# devices --activate, its output also kept for undo
activate()
{
	sshrescue devices --activate --key-file /run/luks.key > /run/activate.out 2>&1
	_rc=$?
	cat /run/activate.out
	return $_rc
}

# step NAME COMMAND...: run it with its output on the console, between the markers.
echo # the firmware's last line has no end
step()
{
	_n=$1
	shift
	echo "==== $_n"
	"$@"
	echo "VM: rc $_n $?"
}

# The victims, made with the same settings sshrescue gives the tools without udev.
setup()
{
	C='devices { obtain_device_list_from_udev = 0 } activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }'
	printf 'sshrescue-e2e-key' > /run/luks.key
	DM_DISABLE_UDEV=1 lvm pvcreate -q --config "$C" /dev/vdb &&
		DM_DISABLE_UDEV=1 lvm vgcreate -q --config "$C" vicvg /dev/vdb &&
		DM_DISABLE_UDEV=1 lvm lvcreate -q -y --config "$C" -n root -L 40M vicvg &&
		dd if=/dev/vda of=/dev/mapper/vicvg-root bs=1M 2> /dev/null &&
		DM_DISABLE_UDEV=1 lvm vgchange -q --config "$C" -an vicvg &&
		cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
			--key-file /run/luks.key /dev/vdc &&
		DM_DISABLE_UDEV=1 cryptsetup open --key-file /run/luks.key /dev/vdc setup &&
		dd if=/dev/vda of=/dev/mapper/setup bs=1M 2> /dev/null &&
		DM_DISABLE_UDEV=1 cryptsetup close setup || return 1
	LUKS_UUID=$(blkid -s UUID -o value /dev/vdc)
	echo "VM: luks uuid $LUKS_UUID"
	echo "VM: dm devices after setup: $(dm_count)"
}

# The commands that devices --activate printed to undo it, run as printed; then no dm device
# and no node of one may be left.
undo()
{
	sed -n '/^To undo/,$p' /run/activate.out | sed '1d; s/^ *//' > /run/undo.sh
	cat /run/undo.sh
	sh -e /run/undo.sh || return 1
	echo "VM: after undo: $(dm_count) dm devices; /dev/mapper: $(mapper_names);" \
		"/dev/vicvg $(test -e /dev/vicvg && echo present || echo absent)"
}

# A second volume group named vicvg, on vdd, made while vdb is out of sight (--devices).
clone()
{
	C='devices { obtain_device_list_from_udev = 0 } activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }'
	DM_DISABLE_UDEV=1 lvm vgcreate -q --config "$C" --devices /dev/vdd vicvg /dev/vdd
}

# What the refusal said to run: the clone renamed (new UUIDs, volume group vicclone).
import_clone()
{
	C='devices { obtain_device_list_from_udev = 0 } activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }'
	DM_DISABLE_UDEV=1 lvm vgimportclone --config "$C" --basevgname vicclone /dev/vdd
}

# LVM inside LUKS on vde: volume group stackvg on the opened container, the image in its LV root.
stack()
{
	C='devices { obtain_device_list_from_udev = 0 } activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }'
	cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
		--key-file /run/luks.key /dev/vde &&
		DM_DISABLE_UDEV=1 cryptsetup open --key-file /run/luks.key /dev/vde setup2 &&
		DM_DISABLE_UDEV=1 lvm pvcreate -q --config "$C" /dev/mapper/setup2 &&
		DM_DISABLE_UDEV=1 lvm vgcreate -q --config "$C" stackvg /dev/mapper/setup2 &&
		DM_DISABLE_UDEV=1 lvm lvcreate -q -y --config "$C" -n root -L 28M stackvg &&
		dd if=/dev/vda of=/dev/mapper/stackvg-root bs=1M 2> /dev/null &&
		DM_DISABLE_UDEV=1 lvm vgchange -q --config "$C" -an stackvg &&
		DM_DISABLE_UDEV=1 cryptsetup close setup2 || return 1
	echo "VM: luks uuid2 $(blkid -s UUID -o value /dev/vde)"
}

step setup setup
step devices sshrescue devices
step activate activate
step check-lv sshrescue check /dev/vicvg/root
step check-luks sshrescue check "/dev/mapper/sshrescue-$LUKS_UUID"
step again sshrescue devices --activate --key-file /run/luks.key
step undo undo
step clone-make clone
step clone sshrescue devices --activate --key-file /run/luks.key
echo "VM: /dev/mapper/vicvg-root after the refusal: $(test -e /dev/mapper/vicvg-root && echo present || echo absent)"
step importclone import_clone
step after-import sshrescue devices --activate --key-file /run/luks.key
step stack-make stack
step stack activate
step check-stack sshrescue check /dev/stackvg/root
step stack-undo undo
# No --key-file, on the console (a terminal): cryptsetup asks, the host types the passphrase.
step tty sshrescue devices --activate
echo "==== END"
poweroff -f
