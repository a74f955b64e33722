#!/bin/sh
# vm_login.sh KERNEL INITRD IMAGE LOG KEYDIR USER... (run in a private network namespace:
# unshare -n): boot IMAGE (read-only to qemu) with INITRD, the victim-boot initramfs of
# test_initramfs.sh (vm_sshd_init.sh), in a qemu TCG VM whose user net forwards
# 127.0.0.1:2222 to the guest's port 22; once the guest's sshd listens (or has exited), try a key
# login as each USER with KEYDIR/USER running `id -un`, then stop the VM. The serial console
# goes to LOG. Prints one line per USER: "login USER accepted" or "login USER refused", and
# "sshd listening after S s" or "sshd did not start".
set -u
KERNEL=$1
INITRD=$2
IMAGE=$3
LOG=$4
KEYDIR=$5
shift 5
PORT=2222
ip link set lo up || exit 1
: > "$LOG"
# setpriv --pdeathsig: qemu goes too if this shell is killed. romfile=: no boot ROM (iPXE) for
# the NIC, it would only wait a few seconds.
setpriv --pdeathsig TERM qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-drive "file=$IMAGE,format=raw,if=virtio,readonly=on" \
	-netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$PORT-:22" \
	-device virtio-net-pci,netdev=n0,romfile= \
	-append 'console=ttyS0 panic=-1 quiet' >> "$LOG" 2>&1 < /dev/null &
QPID=$!
t0=$(date +%s)
i=0
while ! grep -aq -e 'Server listening' -e 'VM: sshd exited' -e 'VM: cannot mount' "$LOG" &&
	kill -0 "$QPID" 2> /dev/null && [ $i -lt 1800 ]; do
	sleep 0.1
	i=$((i + 1))
done
if grep -aq 'Server listening' "$LOG"; then
	echo "sshd listening after $(($(date +%s) - t0)) s"
else
	echo "sshd did not start"
fi
# tried in any case: with no sshd in the guest the connection fails, which is the refusal
for u in "$@"; do
	if out=$(timeout 60 ssh -F /dev/null -i "$KEYDIR/$u" -p "$PORT" -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o IdentitiesOnly=yes -o ConnectTimeout=30 -o LogLevel=ERROR \
		"$u@127.0.0.1" id -un 2>&1 < /dev/null) &&
		[ "$(printf '%s\n' "$out" | tail -n 1)" = "$u" ]; then
		echo "login $u accepted"
	else
		echo "login $u refused"
	fi
done
# the guest's sshd logs the end of the attempts on the console
sleep 2
kill "$QPID" 2> /dev/null
wait "$QPID" 2> /dev/null
exit 0
