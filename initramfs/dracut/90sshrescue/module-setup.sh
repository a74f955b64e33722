#!/bin/bash
# shellcheck disable=SC2154 # moddir: set by dracut
# SPDX-License-Identifier: GPL-2.0-or-later
# dracut module: sshrescue in the system's own initramfs (Fedora, RHEL, SUSE, Debian with
# dracut). With rd.sshrescue.mode=check|fix|shell on the kernel command line, it checks (or
# repairs) the root mounted at $NEWROOT before the switch to it (sshrescue-pre-pivot.sh, which
# runs hook-run.sh; docs/initramfs.md). Not included unless asked for:
#   dracut --add sshrescue ...   or   add_dracutmodules+=" sshrescue " in /etc/dracut.conf.d/
# Install this directory as /usr/lib/dracut/modules.d/90sshrescue with a copy of
# initramfs/hook-run.sh in it. SSHRESCUE (the binary, default: the one on PATH) and
# SSHRESCUE_LIBDIR (where hook-run.sh is when not beside this file) may point elsewhere.

# the sshrescue binary and hook-run.sh to put in
sshrescue_bin()
{
	if [ -n "${SSHRESCUE:-}" ]; then
		echo "$SSHRESCUE"
	else
		command -v sshrescue
	fi
}

sshrescue_run()
{
	if [ -f "$moddir/hook-run.sh" ]; then
		echo "$moddir/hook-run.sh"
	else
		echo "${SSHRESCUE_LIBDIR:-/usr/lib/sshrescue}/hook-run.sh"
	fi
}

check()
{
	local bin
	bin=$(sshrescue_bin)
	[ -n "$bin" ] && [ -x "$bin" ] || return 1
	[ -f "$(sshrescue_run)" ] || return 1
	# only when asked for: a rescue tool is not for every initramfs
	return 255
}

depends()
{
	echo rootfs-block
	return 0
}

install()
{
	inst_binary "$(sshrescue_bin)" /usr/sbin/sshrescue
	# what sshrescue runs: new host keys, files from a .deb, the filesystem checkers
	inst_multiple -o ssh-keygen dpkg-deb e2fsck e2image e2undo xfs_repair
	inst_simple "$(sshrescue_run)" /usr/lib/sshrescue/hook-run.sh
	inst_multiple sh awk cat cp mkdir chmod rm date cut mount sync sleep
	inst_hook pre-pivot 90 "$moddir/sshrescue-pre-pivot.sh"
}
