#!/bin/sh
# mkdemo.sh OUTDIR - generate the bundled demo: a small, broken victim image.
#
# OUTDIR/demo.img is an ext4 image (mke2fs -d, no mount needed) of a tiny
# Debian-like root where alice cannot log in: her ~/.ssh is 0777 and her
# authorized_keys has Windows line endings. bob is healthy. The keys are
# generated now (OUTDIR/keys/), never shipped.
set -eu

out=${1:?usage: mkdemo.sh OUTDIR}
mkdir -p "$out"
tree=$(mktemp -d "$out/tree.XXXXXX")
trap 'rm -rf "$tree"' EXIT INT TERM

mkdir -p "$out/keys"
for u in alice bob; do
	[ -f "$out/keys/$u" ] || ssh-keygen -q -t ed25519 -N '' -C "$u@demo" -f "$out/keys/$u"
done

install -d -m 0755 "$tree/etc/ssh" "$tree/home" "$tree/var/lib/dpkg" "$tree/usr/sbin" "$tree/run"
cat >"$tree/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
sshd:x:100:65534::/run/sshd:/usr/sbin/nologin
alice:x:1001:1001:Alice:/home/alice:/bin/bash
bob:x:1002:1002:Bob:/home/bob:/bin/bash
P
cat >"$tree/etc/group" <<'G'
root:x:0:
daemon:x:1:
alice:x:1001:
bob:x:1002:
G
cat >"$tree/etc/shadow" <<'S'
root:*:19700:0:99999:7:::
daemon:*:19700:0:99999:7:::
sshd:*:19700:0:99999:7:::
alice:!:19700:0:99999:7:::
bob:!:19700:0:99999:7:::
S
chmod 0640 "$tree/etc/shadow"
cat >"$tree/etc/os-release" <<'O'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
ID=debian
O
cat >"$tree/var/lib/dpkg/status" <<'D'
Package: openssh-server
Status: install ok installed
Priority: optional
Version: 1:9.2p1-2+deb12u3
Description: secure shell (SSH) server, for secure access from remote machines

D
cat >"$tree/etc/ssh/sshd_config" <<'C'
Include /etc/ssh/sshd_config.d/*.conf
KbdInteractiveAuthentication no
UsePAM yes
X11Forwarding yes
PrintMotd no
AcceptEnv LANG LC_*
C
install -d -m 0755 "$tree/etc/ssh/sshd_config.d" "$tree/root" "$tree/bin"
# stand-ins, so that the demo is about the access problems: sshd must be a whole program
# whose libraries the victim has (the helper's static ldconfig needs none), the shell only an
# executable file (sshd refuses an account whose shell is missing)
install -d -m 0755 "$tree/usr/sbin"
install -m 0755 /sbin/ldconfig "$tree/usr/sbin/sshd"
printf '#!/bin/sh\n' >"$tree/bin/bash"
chmod 0755 "$tree/bin/bash"
# what sshd needs to start: a host key, and the unit that makes /run/sshd at boot
ssh-keygen -q -t ed25519 -N '' -C root@demo -f "$tree/etc/ssh/ssh_host_ed25519_key" </dev/null
install -d -m 0755 "$tree/lib/systemd/system"
printf '[Service]\nExecStart=/usr/sbin/sshd -D\nRuntimeDirectory=sshd\n' \
	>"$tree/lib/systemd/system/ssh.service"

# alice: ~/.ssh world-writable, authorized_keys with CRLF line ends
install -d -m 0755 -o 1001 -g 1001 "$tree/home/alice"
install -d -m 0777 -o 1001 -g 1001 "$tree/home/alice/.ssh"
{ printf '# laptop\r\n'; tr -d '\n' <"$out/keys/alice.pub"; printf '\r\n'; } \
	>"$tree/home/alice/.ssh/authorized_keys"
chown 1001:1001 "$tree/home/alice/.ssh/authorized_keys"
chmod 0600 "$tree/home/alice/.ssh/authorized_keys"

# bob: healthy
install -d -m 0755 -o 1002 -g 1002 "$tree/home/bob"
install -d -m 0700 -o 1002 -g 1002 "$tree/home/bob/.ssh"
install -m 0600 -o 1002 -g 1002 "$out/keys/bob.pub" "$tree/home/bob/.ssh/authorized_keys"

rm -f "$out/demo.img"
mke2fs -q -t ext4 -L demo-victim -d "$tree" "$out/demo.img" 16M
echo "demo: $out/demo.img (alice: ~/.ssh 0777, CRLF authorized_keys; bob: healthy)"
