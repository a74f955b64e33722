# shellcheck shell=sh disable=SC2034
# End-to-end harness: a real Debian 12 root, its own sshd, the host's ssh client.
#
# Source this file from a test script, then:
#   e2e_init SSHRESCUE BUILDDIR      root check, temp dir, cleanup trap, cached root tarball
#   e2e_victim                       fresh victim root in $E2E_ROOT with users and keys
#   e2e_sshd_start [-o Opt=val...]   the victim's own sshd in a private network namespace
#   e2e_sshd_start_image IMG [...]   the same, run from the ext4 image IMG (mounted read-only)
#   try_login USER [KEY] [ssh args]  key login running `id -un`; 0 on success
#   e2e_rescue ARGS...               run sshrescue; status in $E2E_RC, output in files
#   e2e_finish                       exit status of the test (0 pass, 1 fail)
#   e2e_sha256 FILE                  the sha256 of FILE, hex (openssl: SHA-NI, 6x sha256sum)
#
# Users of the victim, each with a fresh ed25519 key in $E2E_KEYS/<user> (made per run):
#   alice (1001)  key in ~/.ssh/authorized_keys
#   bob   (1002)  key only in /etc/ssh/authorized_keys/bob (root:root 0644), through
#                 "AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/authorized_keys/%u"
#   carol (1003)  shell /bin/bash, /home/carol is a symlink to /srv/home/carol
#   root          key in /root/.ssh/authorized_keys, "PermitRootLogin prohibit-password"
# Both sshd settings are in /etc/ssh/sshd_config.d/50-e2e.conf.
#
# Exit 77 (skip) when not root, when a tool is missing or when the Debian mirror the
# machine is configured with cannot be reached. The mirror's address is read at run
# time from the apt configuration and is never written anywhere.

E2E_SUITE=bookworm
E2E_INCLUDE=openssh-server,openssh-client,systemd-sysv
# Package archives kept beside the cached root ($E2E_DEBS), for the scenarios that restore
# package files: the exact versions the root has.
E2E_KEEP_DEBS="openssh-server openssh-sftp-server libssl3 libpam-modules bash"
E2E_DEBS=
# Bump when the way the cached root is made changes: the cache file name follows it.
E2E_RECIPE="v3 suite=$E2E_SUITE variant=minbase include=$E2E_INCLUDE debs=$E2E_KEEP_DEBS apt-clean"
E2E_PORT=22
E2E_LIBDIR=$(cd "$(dirname "$0")" && pwd)
E2E_TMP=
E2E_ROOT=
E2E_KEYS=
E2E_SSHD_PID=
E2E_SSHD_LOG=
E2E_SSHD_IMG=
E2E_FAILED=0
E2E_LOGIN_LOG=
E2E_LOGIN_OUT=
E2E_RC=0

e2e_say()
{
	printf '%s\n' "$*"
}

e2e_skip()
{
	printf 'SKIP: %s\n' "$*"
	exit 77
}

e2e_die()
{
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}

e2e_pass()
{
	printf 'ok   - %s\n' "$*"
}

e2e_fail()
{
	printf 'FAIL - %s\n' "$*"
	E2E_FAILED=$((E2E_FAILED + 1))
}

# e2e_judge LABEL LOG LINES MESSAGE...: the verdict of a check that gathered its reasons to
# fail in $_why ("reason;" each): pass with MESSAGE when there is none; else fail as
# "LABEL: reasons" and show the last LINES lines of LOG (a console log: the kernel's
# "[ time]" lines left out). Returns 1 on a failure, for a caller that shows more.
e2e_judge()
{
	_j_label=$1
	_j_log=$2
	_j_lines=$3
	shift 3
	if [ -z "$_why" ]; then
		e2e_pass "$@"
		return 0
	fi
	e2e_fail "$_j_label:${_why%;}"
	grep -av '^\[' "$_j_log" | tail -n "$_j_lines" | sed 's/^/  /'
	return 1
}

# e2e_check DESCRIPTION COMMAND...: pass if COMMAND succeeds.
e2e_check()
{
	_d=$1
	shift
	if "$@"; then
		e2e_pass "$_d"
	else
		e2e_fail "$_d"
	fi
}

e2e_finish()
{
	if [ "$E2E_FAILED" -ne 0 ]; then
		e2e_say "$E2E_FAILED check(s) failed"
		exit 1
	fi
	e2e_say "all checks passed"
	exit 0
}

# The first Debian mirror URI the machine's apt is configured with (not the security one).
e2e_mirror()
{
	_m=
	if [ -r /etc/apt/sources.list.d/debian.sources ]; then
		_m=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources |
			tr ' ' '\n' | grep -v -e security -e '^$' | head -n 1)
	fi
	if [ -z "$_m" ] && [ -r /etc/apt/sources.list ]; then
		_m=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }' \
			/etc/apt/sources.list | grep -v security | head -n 1)
	fi
	printf '%s' "$_m"
}

# The sha256 of one file, in hex. openssl uses the CPU's SHA instructions: 0.42 s for a
# 320 MiB image here, where sha256sum takes 2.51 s.
e2e_sha256()
{
	openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
}

e2e_cleanup()
{
	e2e_sshd_stop
	e2e_loop_release
	if [ -n "$E2E_TMP" ] && [ -d "$E2E_TMP" ]; then
		if [ -n "${E2E_KEEP:-}" ]; then
			e2e_say "kept $E2E_TMP"
			echo kept > "$E2E_TMP/owner"
		else
			# Never follow a mount that an interrupted run left inside.
			rm -rf --one-file-system "$E2E_TMP"
		fi
	fi
}

# Build (once) and return the path of the cached root tarball.
e2e_root_tarball()
{
	_hash=$(printf '%s' "$E2E_RECIPE" | sha256sum | cut -c1-16)
	_cache=$E2E_BUILDDIR/e2e-cache
	_tar=$_cache/debian12-$_hash.tar
	E2E_DEBS=$_cache/debs-$_hash
	mkdir -p "$_cache" || e2e_die "cannot create $_cache"
	(
		flock 9 || exit 1
		[ -s "$_tar" ] && exit 0
		_mirror=$(e2e_mirror)
		[ -n "$_mirror" ] || exit 77
		_dir=$(mktemp -d "$_cache/build.XXXXXX") || exit 1
		e2e_say "e2e: building the Debian 12 root (once; cached as $_tar)" >&2
		if ! debootstrap --variant=minbase --include="$E2E_INCLUDE" "$E2E_SUITE" \
			"$_dir/root" "$_mirror" > "$_dir/debootstrap.log" 2>&1; then
			tail -n 5 "$_dir/debootstrap.log" | sed 's/^/e2e: debootstrap: /' >&2
			rm -rf "$_dir"
			exit 77
		fi
		mkdir -p "$_dir/debs" || exit 1
		for _p in $E2E_KEEP_DEBS; do
			if ! cp "$_dir/root/var/cache/apt/archives/${_p}_"*.deb "$_dir/debs/"; then
				e2e_say "e2e: debootstrap left no archive of $_p" >&2
				rm -rf "$_dir"
				exit 1
			fi
		done
		chroot "$_dir/root" apt-get clean > /dev/null 2>&1
		# Host keys are made fresh per victim.
		rm -f "$_dir/root"/etc/ssh/ssh_host_*
		rm -rf "$E2E_DEBS"
		mv "$_dir/debs" "$E2E_DEBS" &&
			tar --numeric-owner --xattrs -cpf "$_dir/root.tar" -C "$_dir/root" . &&
			mv "$_dir/root.tar" "$_tar"
		_r=$?
		rm -rf "$_dir"
		exit $_r
	) 9> "$_cache/lock"
	_r=$?
	[ "$_r" -eq 77 ] && e2e_skip "cannot debootstrap Debian 12 from the configured mirror"
	[ "$_r" -eq 0 ] || e2e_die "building the cached root failed"
	E2E_TARBALL=$_tar
}

# Remove the temp directories of earlier runs that were killed before they could clean up
# (their owner process is gone); the runs' mounts and sshds died with their namespaces.
e2e_sweep()
{
	for _d in "$E2E_BUILDDIR"/e2e-tmp/run.*; do
		[ -d "$_d" ] || continue
		_pid=$(cat "$_d/owner" 2> /dev/null)
		[ "$_pid" = kept ] && continue
		if [ -n "$_pid" ] && kill -0 "$_pid" 2> /dev/null; then
			continue
		fi
		# A run that is just starting has no owner file yet: leave young directories alone.
		[ -n "$_pid" ] || [ -n "$(find "$_d" -maxdepth 0 -mmin +10)" ] || continue
		e2e_say "e2e: removing $_d, left by a run that was killed" >&2
		rm -rf --one-file-system "$_d"
	done
}

# e2e_init SSHRESCUE BUILDDIR
e2e_init()
{
	E2E_SSHRESCUE=$1
	[ "$(id -u)" -eq 0 ] || e2e_skip "e2e tests need root (chroot, namespaces)"
	for _t in debootstrap unshare setpriv nsenter ip ssh ssh-keygen tar flock timeout jq; do
		command -v "$_t" > /dev/null 2>&1 || e2e_skip "$_t not installed"
	done
	e2e_tmp "${2:-.}"
	e2e_root_tarball
}

# e2e_tmp BUILDDIR: E2E_BUILDDIR (absolute) and this run's scratch directory E2E_TMP under
# BUILDDIR/e2e-tmp, removed at exit (e2e_cleanup); the leftovers of dead runs are swept first.
e2e_tmp()
{
	E2E_BUILDDIR=$(cd "$1" && pwd) || e2e_die "no build dir $1"
	mkdir -p "$E2E_BUILDDIR/e2e-tmp" || e2e_die "cannot create e2e-tmp"
	e2e_sweep
	E2E_TMP=$(mktemp -d "$E2E_BUILDDIR/e2e-tmp/run.XXXXXX") || e2e_die "mktemp failed"
	printf '%s\n' "$$" > "$E2E_TMP/owner"
	trap e2e_cleanup EXIT
	trap 'exit 130' INT TERM HUP
}

# e2e_kernel: the kernel the qemu tests boot: KVER (IRD_KERNEL, else the newest installed with
# its modules; tools/deps.sh installs linux-image-amd64) and VMLINUZ, its image.
e2e_kernel()
{
	KVER=${IRD_KERNEL:-}
	if [ -z "$KVER" ]; then
		for _d in /lib/modules/*; do
			_v=${_d##*/}
			[ -f "/boot/vmlinuz-$_v" ] && [ -s "$_d/modules.dep" ] && KVER=$_v
		done
	fi
	[ -n "$KVER" ] || e2e_skip "no kernel with modules installed (apt-get install linux-image-amd64)"
	VMLINUZ=/boot/vmlinuz-$KVER
	[ -f "$VMLINUZ" ] || e2e_skip "no $VMLINUZ"
}

# e2e_adduser NAME UID HOME [central]: user with a private group, a bash shell and a fresh
# key, in ~/.ssh/authorized_keys or, with "central", in /etc/ssh/authorized_keys/NAME.
e2e_adduser()
{
	_u=$1
	_uid=$2
	_home=$3
	if [ "$_u" != root ]; then
		chroot "$E2E_ROOT" useradd -m -d "$_home" -s /bin/bash -u "$_uid" -U "$_u" ||
			e2e_die "useradd $_u failed"
	fi
	ssh-keygen -q -t ed25519 -N '' -C "e2e-$_u" -f "$E2E_KEYS/$_u" || e2e_die "ssh-keygen"
	if [ "${4:-}" = central ]; then
		if ! install -d -m 755 -o 0 -g 0 "$E2E_ROOT/etc/ssh/authorized_keys" ||
			! install -m 644 -o 0 -g 0 "$E2E_KEYS/$_u.pub" \
				"$E2E_ROOT/etc/ssh/authorized_keys/$_u"; then
			e2e_die "installing the central key of $_u failed"
		fi
		return 0
	fi
	if ! install -d -m 700 -o "$_uid" -g "$_uid" "$E2E_ROOT$_home/.ssh" ||
		! install -m 600 -o "$_uid" -g "$_uid" "$E2E_KEYS/$_u.pub" \
			"$E2E_ROOT$_home/.ssh/authorized_keys"; then
		e2e_die "installing the key of $_u failed"
	fi
}

# A fresh victim root in $E2E_ROOT (any previous one is removed).
e2e_victim()
{
	e2e_sshd_stop
	rm -rf "$E2E_TMP/root" "$E2E_TMP/keys"
	E2E_ROOT=$E2E_TMP/root
	E2E_KEYS=$E2E_TMP/keys
	mkdir -p "$E2E_ROOT" "$E2E_KEYS" || e2e_die "mkdir"
	tar --numeric-owner --xattrs -xpf "$E2E_TARBALL" -C "$E2E_ROOT" || e2e_die "extract root"
	install -d -m 755 "$E2E_ROOT/run/sshd"
	chroot "$E2E_ROOT" ssh-keygen -A > /dev/null || e2e_die "ssh-keygen -A"
	printf '%s\n' "# sshrescue e2e victim" \
		"AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/authorized_keys/%u" \
		"PermitRootLogin prohibit-password" > "$E2E_ROOT/etc/ssh/sshd_config.d/50-e2e.conf" ||
		e2e_die "writing sshd_config.d/50-e2e.conf"
	e2e_adduser root 0 /root
	e2e_adduser alice 1001 /home/alice
	e2e_adduser bob 1002 /home/bob central
	mkdir -p "$E2E_ROOT/srv/home"
	e2e_adduser carol 1003 /srv/home/carol
	chroot "$E2E_ROOT" usermod -d /home/carol carol || e2e_die "usermod carol"
	ln -s /srv/home/carol "$E2E_ROOT/home/carol"
}

# e2e_sshd_start [sshd args...]: start the victim's sshd on 127.0.0.1:$E2E_PORT inside a new
# network and mount namespace; the client joins that namespace with nsenter.
e2e_sshd_start()
{
	e2e_sshd_stop
	E2E_SSHD_LOG=$E2E_TMP/sshd.log
	: > "$E2E_SSHD_LOG"
	# unshare, setpriv and sh exec into chroot and sshd: $! is the pid of sshd itself, and sshd
	# gets SIGTERM should this shell die without cleaning up (even by SIGKILL).
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -n -m --propagation private setpriv --pdeathsig TERM sh -c 'ip link set lo up &&
		mount -t proc proc "$1/proc" &&
		root=$1 && shift && exec chroot "$root" /usr/sbin/sshd -D -e "$@"' \
		sh "$E2E_ROOT" -p "$E2E_PORT" -o ListenAddress=127.0.0.1 "$@" \
		>> "$E2E_SSHD_LOG" 2>&1 &
	E2E_SSHD_PID=$!
	e2e_sshd_wait
}

# e2e_sshd_start_image IMG [sshd args...]: like e2e_sshd_start, but the victim is the ext4
# image IMG, mounted read-only (noload: not even the journal is replayed) on $E2E_TMP/sshd-mnt
# inside sshd's private mount namespace; the mount and its loop device go away with sshd. As
# on a booted system, /run is an empty tmpfs with what boot makes in it for sshd: the ssh
# unit's RuntimeDirectory= and the victim's tmpfiles.d lines for /run/sshd (boot_run.sh).
e2e_sshd_start_image()
{
	_img=$1
	shift
	e2e_sshd_stop
	E2E_SSHD_LOG=$E2E_TMP/sshd.log
	E2E_SSHD_IMG=$_img
	: > "$E2E_SSHD_LOG"
	mkdir -p "$E2E_TMP/sshd-mnt" || e2e_die "mkdir sshd-mnt"
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -n -m --propagation private setpriv --pdeathsig TERM sh -c 'ip link set lo up &&
		mount -t ext4 -o loop,ro,noload "$1" "$2" && mount -t proc proc "$2/proc" &&
		sh "$3" "$2" && root=$2 && shift 3 && exec chroot "$root" /usr/sbin/sshd -D -e "$@"' \
		sh "$_img" "$E2E_TMP/sshd-mnt" "$E2E_LIBDIR/boot_run.sh" -p "$E2E_PORT" \
		-o ListenAddress=127.0.0.1 \
		-o PidFile=none "$@" >> "$E2E_SSHD_LOG" 2>&1 &
	E2E_SSHD_PID=$!
	e2e_sshd_wait
}

# Wait until the sshd started as $E2E_SSHD_PID listens; 1 (and sshd stopped) if it does not.
e2e_sshd_wait()
{
	_i=0
	while [ $_i -lt 100 ]; do
		grep -q 'Server listening' "$E2E_SSHD_LOG" && return 0
		kill -0 "$E2E_SSHD_PID" 2> /dev/null || break
		sleep 0.1
		_i=$((_i + 1))
	done
	e2e_say "sshd did not start:" >&2
	sed 's/^/  sshd: /' "$E2E_SSHD_LOG" >&2
	e2e_sshd_stop
	return 1
}

e2e_sshd_stop()
{
	[ -n "$E2E_SSHD_PID" ] || return 0
	kill "$E2E_SSHD_PID" 2> /dev/null
	wait "$E2E_SSHD_PID" 2> /dev/null
	E2E_SSHD_PID=
	# The image's read-only loop device is released when sshd's namespace is gone.
	if [ -n "$E2E_SSHD_IMG" ]; then
		e2e_loop_wait "$E2E_SSHD_IMG" || e2e_say "warning: a loop device still backs $E2E_SSHD_IMG" >&2
		E2E_SSHD_IMG=
	fi
}

# e2e_loop_wait FILE: wait (up to 5 s) until no loop device is backed by FILE; 1 if one still is.
e2e_loop_wait()
{
	_i=0
	while [ -n "$(losetup -n -O NAME -j "$1" 2> /dev/null)" ]; do
		[ $_i -ge 50 ] && return 1
		sleep 0.1
		_i=$((_i + 1))
	done
	return 0
}

# Detach every loop device still backed by a file of this run (under $E2E_TMP).
e2e_loop_release()
{
	[ -n "$E2E_TMP" ] && [ -d "$E2E_TMP" ] || return 0
	losetup -n -l -O NAME,BACK-FILE 2> /dev/null | while read -r _dev _file; do
		case $_file in
		"$E2E_TMP"/*)
			e2e_say "e2e: detaching $_dev left on $_file" >&2
			losetup -d "$_dev" 2> /dev/null
			;;
		esac
	done
}

# try_login USER [KEY [ssh options...]]: key login as USER running `id -un`.
# Returns 0 when the login succeeded and printed USER. Afterwards $E2E_LOGIN_LOG holds
# the sshd log lines of this attempt and $E2E_LOGIN_OUT the client's output.
try_login()
{
	_user=$1
	_key=${2:-$E2E_KEYS/$1}
	[ $# -ge 2 ] && shift
	shift
	[ -n "$E2E_SSHD_PID" ] || e2e_die "try_login: sshd is not running"
	_before=$(wc -l < "$E2E_SSHD_LOG")
	timeout 30 nsenter -t "$E2E_SSHD_PID" -n \
		ssh -F /dev/null -i "$_key" -p "$E2E_PORT" -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o IdentitiesOnly=yes -o ConnectTimeout=5 -o LogLevel=ERROR "$@" \
		"$_user@127.0.0.1" id -un > "$E2E_TMP/login.out" 2> "$E2E_TMP/login.err" < /dev/null
	_rc=$?
	# sshd's children log the end of the connection after the client has gone.
	_i=0
	while [ $_i -lt 30 ]; do
		tail -n +$((_before + 1)) "$E2E_SSHD_LOG" |
			grep -q -e 'Connection closed' -e 'Disconnected from' -e 'Received disconnect' \
				-e 'Connection reset' -e 'session closed' && break
		sleep 0.1
		_i=$((_i + 1))
	done
	E2E_LOGIN_LOG=$(tail -n +$((_before + 1)) "$E2E_SSHD_LOG")
	E2E_LOGIN_OUT=$(cat "$E2E_TMP/login.out" "$E2E_TMP/login.err")
	# The session's warnings (e.g. "Could not chdir to home directory") come on stderr, before
	# or after the output (the two streams race: seen once in CI): only stdout is judged.
	[ "$_rc" -eq 0 ] && [ "$(tail -n 1 "$E2E_TMP/login.out")" = "$_user" ]
}

# log_has STRING: the last login attempt's sshd log contains STRING (fixed string).
log_has()
{
	printf '%s\n' "$E2E_LOGIN_LOG" | grep -qF -- "$1"
}

# e2e_rescue ARGS...: run sshrescue; exit status in $E2E_RC, stdout in $E2E_TMP/rescue.out,
# stderr in $E2E_TMP/rescue.err.
e2e_rescue()
{
	"$E2E_SSHRESCUE" "$@" > "$E2E_TMP/rescue.out" 2> "$E2E_TMP/rescue.err"
	E2E_RC=$?
	return 0
}

# rescue_json_has JQ_FILTER: the last sshrescue stdout (JSON) makes JQ_FILTER true.
rescue_json_has()
{
	# `input` fails on empty output, so no output never counts as true.
	jq -n -e "input | ($1)" "$E2E_TMP/rescue.out" > /dev/null 2>&1
}

# Show the output of the last sshrescue run (for failure diagnosis).
rescue_dump()
{
	e2e_say "  sshrescue exit $E2E_RC; stdout:"
	sed 's/^/    /' "$E2E_TMP/rescue.out"
	e2e_say "  stderr:"
	sed 's/^/    /' "$E2E_TMP/rescue.err"
}
