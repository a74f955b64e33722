#!/bin/sh
# shellcheck disable=SC2317,SC2119,SC2016,SC2088 # break functions are called by name
# Measure how the real Debian 12 sshd reacts to broken ~/.ssh setups and print the table of
# docs/sshd-behaviour.md (Markdown) on stdout. Not a test: it asserts nothing.
#
# usage: sh tests/e2e/measure_sshd.sh BUILDDIR [RAWDIR]
#   BUILDDIR  where the cached Debian root lives (build tree)
#   RAWDIR    if given, the full sshd logs (INFO and DEBUG2) of every case are kept there
#
# Each case: a fresh victim root, one breakage, the victim's own sshd (default LogLevel INFO,
# then again with LogLevel DEBUG2), one key login with the host's OpenSSH client.

. "$(dirname "$0")/lib.sh"

e2e_init /bin/false "${1:-.}"
RAWDIR=${2:-}
[ -n "$RAWDIR" ] && mkdir -p "$RAWDIR"

M_USER=alice
M_KEY=
M_SSHOPTS=
M_NOTE=

H=
AK=
alice_paths()
{
	H=$E2E_ROOT/home/alice
	AK=$H/.ssh/authorized_keys
}

# Stable text: no port numbers, pids or fingerprints.
normalise()
{
	sed -e 's/port [0-9][0-9]*/port N/g' -e 's/pid [0-9][0-9]*/pid N/g' \
		-e 's/SHA256:[A-Za-z0-9+\/]*/SHA256:…/g' -e 's/\r//g' -e "s#$E2E_TMP/keys/#KEYS/#g"
}

# INFO lines worth showing: everything but the connection bookkeeping.
info_lines()
{
	grep -v -e '^Server listening' -e '^Received disconnect' -e '^Disconnected from' \
		-e '^Connection from' -e '^Received signal' -e '^$'
}

# DEBUG2 lines that explain an authorized_keys decision (the per-line "check options:" and
# "advance:" traces are left out: they repeat the file's content and carry no verdict).
debug_lines()
{
	grep -e 'Failed publickey' -e 'matching key found' -e 'Authentication refused' \
		-e 'Could not' -e 'not a regular' -e 'processed [0-9]*/[0-9]* lines' -e 'chdir' \
		-e 'RSA key' -e 'signature algorithm' -e 'secure_' |
		grep -v -e "authorized_keys2': No such file" |
		sed -e 's/^debug[0-9]: //' -e 's/^auth_check_authkeys_file: //' | awk '!seen[$0]++'
}

md_cell()
{
	normalise | awk 'BEGIN { ORS = "" } NF { gsub(/\|/, "\\|"); if (n++) print "<br>"; print "`" $0 "`" }'
}

# m_case ID DESCRIPTION BREAK_FUNCTION [sshd options...]
m_case()
{
	_id=$1
	_desc=$2
	_break=$3
	shift 3
	M_USER=alice
	M_KEY=
	M_SSHOPTS=
	M_NOTE=
	e2e_victim
	alice_paths
	"$_break"
	_key=${M_KEY:-$E2E_KEYS/$M_USER}
	if ! e2e_sshd_start "$@"; then
		printf '| %s | %s | sshd did not start | | |\n' "$_id" "$_desc"
		return
	fi
	# shellcheck disable=SC2086
	if try_login "$M_USER" "$_key" $M_SSHOPTS; then
		_res="**yes**"
	else
		_res="no"
	fi
	_info=$E2E_LOGIN_LOG
	_client=$(printf '%s\n' "$E2E_LOGIN_OUT" | grep -v "^$M_USER\$" | head -n 2)
	e2e_sshd_start -o LogLevel=DEBUG2 "$@" || return
	# shellcheck disable=SC2086
	try_login "$M_USER" "$_key" $M_SSHOPTS
	_debug=$E2E_LOGIN_LOG
	e2e_sshd_stop
	if [ -n "$RAWDIR" ]; then
		printf '%s\n' "$_info" > "$RAWDIR/$_id.info.log"
		printf '%s\n' "$_debug" > "$RAWDIR/$_id.debug.log"
	fi
	_note=$M_NOTE
	[ -n "$_client" ] && _note="${_note:+$_note; }client: $(printf '%s' "$_client" |
		normalise | tr '\n' ' ' | sed 's/ *$//')"
	printf '| %s | %s | %s | %s | %s | %s |\n' "$_id" "$_desc" "$_res" \
		"$(printf '%s\n' "$_info" | info_lines | md_cell)" \
		"$(printf '%s\n' "$_debug" | debug_lines | md_cell)" "$(printf '%s' "$_note" | tr '|' '/')"
}

# --- breakages (run with the fresh victim; $H and $AK are alice's) ---
b_none() { :; }
b_crlf() { sed -i 's/$/\r/' "$AK"; }
b_crlf_nocomment() { awk '{ print $1 " " $2 "\r" }' "$E2E_KEYS/alice.pub" > "$AK"; }
b_bom() { { printf '\357\273\277'; cat "$E2E_KEYS/alice.pub"; } > "$AK"; }
b_bom_line2() { { printf '\357\273\277\n'; cat "$E2E_KEYS/alice.pub"; } > "$AK"; }
b_bom_comment() { { printf '\357\273\277# keys of alice\n'; cat "$E2E_KEYS/alice.pub"; } > "$AK"; }
b_split()
{
	awk '{ print $1 " " substr($2, 1, 40); print substr($2, 41) " " $3 }' \
		"$E2E_KEYS/alice.pub" > "$AK"
}
b_split_wrapped() { fold -w 64 "$E2E_KEYS/alice.pub" > "$AK"; }
b_private() { cat "$E2E_KEYS/alice" > "$AK"; }
b_private_and_pub() { cat "$E2E_KEYS/alice" "$E2E_KEYS/alice.pub" > "$AK"; }
b_dir_0777() { chmod 0777 "$H/.ssh"; }
b_dir_0770_private() { chmod 0770 "$H/.ssh"; }
b_dir_0770_users()
{
	chmod 0770 "$H/.ssh"
	chgrp 100 "$H/.ssh"
	chroot "$E2E_ROOT" usermod -a -G users bob
}
b_dir_0770_users_empty()
{
	chmod 0770 "$H/.ssh"
	chgrp 100 "$H/.ssh"
}
b_dir_0770_private_member()
{
	chmod 0770 "$H/.ssh"
	chroot "$E2E_ROOT" usermod -a -G alice bob
}
b_dir_0755() { chmod 0755 "$H/.ssh"; }
b_dir_owner_bob() { chown 1002:1002 "$H/.ssh"; }
b_dir_owner_root755()
{
	chown 0:0 "$H/.ssh"
	chmod 0755 "$H/.ssh"
}
b_home_0777() { chmod 0777 "$H"; }
b_home_0775_private() { chmod 0775 "$H"; }
b_home_owner_bob() { chown 1002:1002 "$H"; }
b_home_owner_root() { chown 0:0 "$H"; }
b_keys_0666() { chmod 0666 "$AK"; }
b_keys_0644() { chmod 0644 "$AK"; }
b_keys_0620_private() { chmod 0620 "$AK"; }
b_keys_root600() { chown 0:0 "$AK"; }
b_keys_root644()
{
	chown 0:0 "$AK"
	chmod 0644 "$AK"
}
b_keys_bob644()
{
	chown 1002:1002 "$AK"
	chmod 0644 "$AK"
}
b_keys_dir()
{
	rm -f "$AK"
	install -d -m 700 -o 1001 -g 1001 "$AK"
}
b_keys_fifo()
{
	rm -f "$AK"
	mkfifo -m 600 "$AK"
	chown 1001:1001 "$AK"
}
b_keys_symlink()
{
	install -d -m 755 "$E2E_ROOT/etc/ssh/keys"
	install -m 600 -o 1001 -g 1001 "$AK" "$E2E_ROOT/etc/ssh/keys/alice"
	rm -f "$AK"
	ln -s /etc/ssh/keys/alice "$AK"
}
b_keys_missing() { rm -f "$AK"; }
b_keys_empty() { : > "$AK"; }
b_carol() { M_USER=carol; }
b_carol_srvhome_0777()
{
	M_USER=carol
	chmod 0777 "$E2E_ROOT/srv/home"
}
b_carol_home_0777()
{
	M_USER=carol
	chmod 0777 "$E2E_ROOT/home"
}
b_dsa()
{
	ssh-keygen -q -t dsa -N '' -C e2e-dsa -f "$E2E_TMP/keys/dsa" || M_NOTE="ssh-keygen -t dsa failed"
	install -m 600 -o 1001 -g 1001 "$E2E_TMP/keys/dsa.pub" "$AK"
	M_KEY=$E2E_TMP/keys/dsa
}
b_dsa_client_on()
{
	b_dsa
	M_SSHOPTS="-o PubkeyAcceptedAlgorithms=+ssh-dss"
	M_NOTE="client: -o PubkeyAcceptedAlgorithms=+ssh-dss"
}
b_rsa1024()
{
	ssh-keygen -q -t rsa -b 1024 -N '' -C e2e-rsa1024 -f "$E2E_TMP/keys/rsa1024" ||
		M_NOTE="ssh-keygen -b 1024 failed"
	install -m 600 -o 1001 -g 1001 "$E2E_TMP/keys/rsa1024.pub" "$AK"
	M_KEY=$E2E_TMP/keys/rsa1024
}
b_rsa768()
{
	# ssh-keygen cannot make it: openssl can, but OpenSSH 9.2 then refuses to load it.
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:768 -out "$E2E_KEYS/rsa768" \
		2> /dev/null
	chmod 600 "$E2E_KEYS/rsa768"
	M_KEY=$E2E_KEYS/rsa768
	M_SSHOPTS="-o RequiredRSASize=512"
	if ssh-keygen -y -f "$E2E_KEYS/rsa768" > "$E2E_KEYS/rsa768.pub" 2> "$E2E_KEYS/rsa768.err"; then
		install -m 600 -o 1001 -g 1001 "$E2E_KEYS/rsa768.pub" "$AK"
	else
		M_NOTE="ssh-keygen -y: $(normalise < "$E2E_KEYS/rsa768.err" | tr '\n' ' ')- not offered"
	fi
}
b_home_missing() { rm -rf "$H"; }
b_home_missing_central()
{
	install -d -m 755 "$E2E_ROOT/etc/ssh/authorized_keys"
	install -m 644 "$AK" "$E2E_ROOT/etc/ssh/authorized_keys/alice"
	rm -rf "$H"
}
b_shell_missing() { chroot "$E2E_ROOT" usermod -s /bin/nosuch alice 2> /dev/null; }
b_shell_nologin() { chroot "$E2E_ROOT" usermod -s /usr/sbin/nologin alice; }

sshd_version=$(chroot "$E2E_ROOT" dpkg-query -W -f '${Version}' openssh-server 2> /dev/null)
[ -n "$sshd_version" ] || {
	e2e_victim
	sshd_version=$(chroot "$E2E_ROOT" dpkg-query -W -f '${Version}' openssh-server)
}
printf 'Measured with openssh-server %s (Debian 12), client %s.\n\n' "$sshd_version" \
	"$(ssh -V 2>&1 | cut -d, -f1)"
printf '| # | breakage (user alice unless noted) | login | sshd log, default LogLevel INFO | sshd LogLevel DEBUG2 (relevant lines) | notes |\n'
printf '|---|---|---|---|---|---|\n'
m_case 1 "baseline: ed25519 key, ~/.ssh 0700, authorized_keys 0600" b_none
m_case 2 "authorized_keys with CRLF line endings (key with comment)" b_crlf
m_case 3 "authorized_keys CRLF, key without comment (CR right after base64)" b_crlf_nocomment
m_case 4 "UTF-8 BOM before the first (only) key" b_bom
m_case 5 "UTF-8 BOM alone on line 1, key on line 2" b_bom_line2
m_case 6 "UTF-8 BOM + comment on line 1, key on line 2" b_bom_comment
m_case 7 "key split across two lines" b_split
m_case 8 "key hard-wrapped at 64 columns (fold)" b_split_wrapped
m_case 9 "private key pasted instead of the public key" b_private
m_case 10 "private key pasted, then the public key" b_private_and_pub
m_case 11 "~/.ssh 0777" b_dir_0777
m_case 12 "~/.ssh 0770, group = alice's private group (no members)" b_dir_0770_private
m_case 13 "~/.ssh 0770, group alice has member bob" b_dir_0770_private_member
m_case 14 "~/.ssh 0770, group users (gid 100) with member bob" b_dir_0770_users
m_case 15 "~/.ssh 0770, group users (gid 100) without members" b_dir_0770_users_empty
m_case 16 "~/.ssh 0755" b_dir_0755
m_case 17 "~/.ssh owned by bob (0700)" b_dir_owner_bob
m_case 18 "~/.ssh root:root 0755" b_dir_owner_root755
m_case 19 "home 0777" b_home_0777
m_case 20 "home 0775, group = private group" b_home_0775_private
m_case 21 "home owned by bob (0755)" b_home_owner_bob
m_case 22 "home owned by root (0755)" b_home_owner_root
m_case 23 "authorized_keys 0666" b_keys_0666
m_case 24 "authorized_keys 0644" b_keys_0644
m_case 25 "authorized_keys 0620, group = private group" b_keys_0620_private
m_case 26 "authorized_keys root:root 0600" b_keys_root600
m_case 27 "authorized_keys root:root 0644" b_keys_root644
m_case 28 "authorized_keys bob:bob 0644" b_keys_bob644
m_case 29 "authorized_keys is a directory" b_keys_dir
m_case 30 "authorized_keys is a FIFO (nobody writes)" b_keys_fifo
m_case 31 "authorized_keys symlink to /etc/ssh/keys/alice (alice 0600)" b_keys_symlink
m_case 32 "authorized_keys missing" b_keys_missing
m_case 33 "authorized_keys empty" b_keys_empty
m_case 34 "carol: /home/carol symlink -> /srv/home/carol" b_carol
m_case 35 "carol: symlinked home, /srv/home 0777" b_carol_srvhome_0777
m_case 36 "carol: symlinked home, /home 0777 (symlink's dir)" b_carol_home_0777
m_case 37 "DSA key, default client" b_dsa
m_case 38 "DSA key, client allows ssh-dss" b_dsa_client_on
m_case 39 "RSA 1024-bit key" b_rsa1024
m_case 40 "RSA 768-bit key (made with openssl; client -o RequiredRSASize=512)" b_rsa768
m_case 41 "StrictModes no, ~/.ssh 0777" b_dir_0777 -o StrictModes=no
m_case 42 "StrictModes no, authorized_keys 0666" b_keys_0666 -o StrictModes=no
m_case 43 "home directory missing" b_home_missing
m_case 44 "home missing, AuthorizedKeysFile /etc/ssh/authorized_keys/%u" b_home_missing_central \
	-o AuthorizedKeysFile=/etc/ssh/authorized_keys/%u
m_case 45 "login shell /bin/nosuch" b_shell_missing
m_case 46 "login shell /usr/sbin/nologin" b_shell_nologin
