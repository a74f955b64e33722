#!/bin/sh
# shellcheck disable=SC2317,SC2119 # break functions are called by name
# The rules sshrescue models, checked against the real Debian 12 sshd: per breakage, whether
# the key login succeeds and the exact sshd log line (docs/sshd-behaviour.md). Then the oracle
# check: sshrescue's verdict for the user ("key_login" in check --json) must match what the
# real sshd did.
#
# usage: sh test_sshd_rules.sh SSHRESCUE BUILDDIR

. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || e2e_die "usage: $0 SSHRESCUE [BUILDDIR]"
e2e_init "$1" "${2:-.}"
HAVE_RESCUE=0
[ -x "$E2E_SSHRESCUE" ] && HAVE_RESCUE=1

H=
AK=
R_USER=alice
R_KEY=
R_SSHOPTS=

# rule ID yes|no LOG_LINE|- BREAK_FUNCTION
rule()
{
	_id=$1
	_want=$2
	_line=$3
	_break=$4
	R_USER=alice
	R_KEY=
	R_SSHOPTS=
	e2e_victim
	H=$E2E_ROOT/home/alice
	AK=$H/.ssh/authorized_keys
	"$_break"
	if ! e2e_sshd_start; then
		e2e_fail "$_id: the victim's sshd starts"
		return
	fi
	# shellcheck disable=SC2086
	if try_login "$R_USER" "${R_KEY:-$E2E_KEYS/$R_USER}" $R_SSHOPTS; then
		_got=yes
	else
		_got=no
	fi
	e2e_sshd_stop
	if [ "$_got" = "$_want" ]; then
		e2e_pass "$_id: sshd login $_want"
	else
		e2e_fail "$_id: sshd login $_want (got $_got)"
		printf '%s\n' "$E2E_LOGIN_LOG" | sed 's/^/    sshd: /'
	fi
	if [ "$_line" != - ]; then
		if log_has "$_line"; then
			e2e_pass "$_id: sshd logs '$_line'"
		else
			e2e_fail "$_id: sshd logs '$_line'"
			printf '%s\n' "$E2E_LOGIN_LOG" | sed 's/^/    sshd: /'
		fi
	fi
	[ "$HAVE_RESCUE" -eq 1 ] || return
	e2e_rescue check --json --user "$R_USER" "$E2E_ROOT"
	_pred=$(jq -r --arg u "$R_USER" \
		'.users[] | select(.name == $u) | if .key_login then "yes" else "no" end' \
		"$E2E_TMP/rescue.out" 2> /dev/null)
	if [ "$_pred" = "$_got" ]; then
		e2e_pass "$_id: sshrescue predicts login $_got"
	else
		e2e_fail "$_id: sshrescue predicts login $_got (it says '${_pred:-nothing}', status $E2E_RC)"
		jq -c '.findings[] | [.code, .severity, .user]' "$E2E_TMP/rescue.out" 2> /dev/null |
			sed 's/^/    finding: /'
	fi
}

REFUSED_DIR="Authentication refused: bad ownership or modes for directory"
REFUSED_FILE="Authentication refused: bad ownership or modes for file"
CLOSED="Connection closed by authenticating user alice"

b_none() { :; }
b_dir_0777() { chmod 0777 "$H/.ssh"; }
b_dir_0770_private() { chmod 0770 "$H/.ssh"; }
b_dir_0770_users()
{
	chmod 0770 "$H/.ssh"
	chgrp 100 "$H/.ssh"
	chroot "$E2E_ROOT" usermod -a -G users bob
}
b_dir_owner_bob() { chown 1002:1002 "$H/.ssh"; }
b_home_0777() { chmod 0777 "$H"; }
b_home_owner_bob() { chown 1002:1002 "$H"; }
b_keys_0666() { chmod 0666 "$AK"; }
b_keys_0644() { chmod 0644 "$AK"; }
b_keys_root600() { chown 0:0 "$AK"; }
b_keys_root644()
{
	chown 0:0 "$AK"
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
b_crlf() { sed -i 's/$/\r/' "$AK"; }
b_bom()
{
	{
		printf '\357\273\277'
		cat "$E2E_KEYS/alice.pub"
	} > "$AK"
}
b_bom_line2()
{
	{
		printf '\357\273\277\n'
		cat "$E2E_KEYS/alice.pub"
	} > "$AK"
}
b_split()
{
	awk '{ print $1 " " substr($2, 1, 40); print substr($2, 41) " " $3 }' \
		"$E2E_KEYS/alice.pub" > "$AK"
}
b_private() { cat "$E2E_KEYS/alice" > "$AK"; }
b_carol() { R_USER=carol; }
b_dsa()
{
	ssh-keygen -q -t dsa -N '' -C e2e-dsa -f "$E2E_KEYS/dsa" &&
		install -m 600 -o 1001 -g 1001 "$E2E_KEYS/dsa.pub" "$AK"
	R_KEY=$E2E_KEYS/dsa
	R_SSHOPTS="-o PubkeyAcceptedAlgorithms=+ssh-dss"
}
b_rsa1024()
{
	ssh-keygen -q -t rsa -b 1024 -N '' -C e2e-rsa -f "$E2E_KEYS/rsa1024" &&
		install -m 600 -o 1001 -g 1001 "$E2E_KEYS/rsa1024.pub" "$AK"
	R_KEY=$E2E_KEYS/rsa1024
}
b_strictmodes_no()
{
	chmod 0777 "$H/.ssh"
	printf 'StrictModes no\n' >> "$E2E_ROOT/etc/ssh/sshd_config"
}
b_home_missing() { rm -rf "$H"; }
b_shell_missing() { chroot "$E2E_ROOT" usermod -s /bin/nosuch alice 2> /dev/null; }

rule baseline yes "Accepted publickey for alice" b_none
rule dir-0777 no "$REFUSED_DIR /home/alice/.ssh" b_dir_0777
rule dir-0770-private-group yes "Accepted publickey for alice" b_dir_0770_private
rule dir-0770-group-users no "$REFUSED_DIR /home/alice/.ssh" b_dir_0770_users
rule dir-owner-other no \
	"Could not open user 'alice' authorized keys '/home/alice/.ssh/authorized_keys': Permission denied" \
	b_dir_owner_bob
rule home-0777 no "$REFUSED_DIR /home/alice" b_home_0777
rule home-owner-other no "$REFUSED_DIR /home/alice" b_home_owner_bob
rule keys-0666 no "$REFUSED_FILE /home/alice/.ssh/authorized_keys" b_keys_0666
rule keys-0644 yes "Accepted publickey for alice" b_keys_0644
rule keys-root-0600 no \
	"Could not open user 'alice' authorized keys '/home/alice/.ssh/authorized_keys': Permission denied" \
	b_keys_root600
rule keys-root-0644 yes "Accepted publickey for alice" b_keys_root644
rule keys-directory no \
	"User 'alice' authorized keys '/home/alice/.ssh/authorized_keys' is not a regular file" b_keys_dir
rule keys-fifo no \
	"User 'alice' authorized keys '/home/alice/.ssh/authorized_keys' is not a regular file" b_keys_fifo
rule keys-crlf yes "Accepted publickey for alice" b_crlf
rule keys-bom no "$CLOSED" b_bom
rule keys-bom-line2 yes "Accepted publickey for alice" b_bom_line2
rule keys-split no "$CLOSED" b_split
rule keys-private no "$CLOSED" b_private
rule carol-symlinked-home yes "Accepted publickey for carol" b_carol
rule key-dsa no "userauth_pubkey: signature algorithm ssh-dss not in PubkeyAcceptedAlgorithms" b_dsa
rule key-rsa-1024 yes "Accepted publickey for alice" b_rsa1024
rule strictmodes-no yes "Accepted publickey for alice" b_strictmodes_no
rule home-missing no "$CLOSED" b_home_missing
rule shell-missing no "User alice not allowed because shell /bin/nosuch does not exist" b_shell_missing

[ "$HAVE_RESCUE" -eq 1 ] || e2e_say "note: $E2E_SSHRESCUE not built; sshrescue predictions not checked"
e2e_finish
