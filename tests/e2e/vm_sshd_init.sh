#!/bin/sh
# /init of the "victim boots" initramfs of test_initramfs.sh (initramfs/build.sh --bare --init):
# the victim's own sshd, started from its disk (/dev/vda, mounted read-only with no journal
# replayed: killing the VM afterwards cannot hurt the image), as a boot would start it: /run an
# empty tmpfs with /run/sshd (the Debian ssh unit's RuntimeDirectory=sshd), /proc and /dev
# mounted. The network is qemu's user net (10.0.2.15); the host forwards a port to 22 and
# kills the VM when it is done. Powers off by itself after 300 s.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo 3 > /proc/sys/kernel/printk
while read -r m; do
	insmod "/lib/modules/$(uname -r)/$m" 2> /dev/null
done < "/lib/modules/$(uname -r)/load.order"
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if ! mount -t ext4 -o ro,noload /dev/vda /mnt; then
	echo "VM: cannot mount /dev/vda"
	poweroff -f
fi
mount -t proc proc /mnt/proc
mount -t devtmpfs devtmpfs /mnt/dev
mount -t devpts devpts /mnt/dev/pts
mount -t tmpfs -o mode=0755 tmpfs /mnt/run
mkdir -m 0755 /mnt/run/sshd
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
echo "VM: starting the victim's sshd"
(
	chroot /mnt /usr/sbin/sshd -D -e
	echo "VM: sshd exited with status $?"
) &
sleep 300
echo "VM: time is up"
poweroff -f
