#!/bin/sh
# shellcheck disable=SC2317,SC2119 # break functions are called by name
# End to end on a directory TARGET (the scenario corpus, test_corpus.sh, uses images): the
# victim's own sshd refuses alice and bob, sshrescue finds why, fixes it, the same sshd then
# accepts their keys, and undo brings the refusal back.
#
# usage: sh test_ssh_login.sh SSHRESCUE BUILDDIR

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || e2e_die "usage: $0 SSHRESCUE [BUILDDIR]"
[ -x "$1" ] || e2e_skip "sshrescue binary $1 not built"
e2e_init "$1" "${2:-.}"
e2e_victim
R=$E2E_ROOT

# Modes, owners and content of everything under the homes and the central keys: to prove that
# check writes nothing and that undo restores the exact earlier state.
SNAP_DIRS="home srv/home root/.ssh etc/ssh/authorized_keys"
snapshot()
{
	# shellcheck disable=SC2086 # SNAP_DIRS is a list
	(cd "$R" && find $SNAP_DIRS -printf '%p %y %m %U:%G\n' | LC_ALL=C sort &&
		find $SNAP_DIRS -type f -exec sha256sum {} + | LC_ALL=C sort)
}

# --- break it ---
chmod 0777 "$R/home/alice/.ssh"
sed -i 's/$/\r/' "$R/home/alice/.ssh/authorized_keys"
# bob's key is in /etc/ssh/authorized_keys/bob (root:root 0644): 0600 makes it unreadable to him.
chmod 0600 "$R/etc/ssh/authorized_keys/bob"
snapshot > "$E2E_TMP/broken.snap"

e2e_sshd_start || e2e_die "the victim's sshd did not start"

if try_login alice; then
	e2e_fail "broken: alice's key login is refused"
else
	e2e_pass "broken: alice's key login is refused"
fi
e2e_check "broken: sshd logs bad modes of /home/alice/.ssh" \
	log_has "Authentication refused: bad ownership or modes for directory /home/alice/.ssh"
if try_login bob; then
	e2e_fail "broken: bob's key login is refused"
else
	e2e_pass "broken: bob's key login is refused"
fi
e2e_check "broken: sshd cannot open bob's root-owned 0600 central keys file" \
	log_has "Could not open user 'bob' authorized keys '/etc/ssh/authorized_keys/bob': Permission denied"
e2e_check "broken: carol (symlinked home) still logs in" try_login carol

# --- check: read-only diagnosis ---
e2e_rescue check --json "$R"
if [ $((E2E_RC & 4)) -ne 0 ] && [ $((E2E_RC & 24)) -eq 0 ]; then
	e2e_pass "check exits with the findings bit (status $E2E_RC)"
else
	e2e_fail "check exits with the findings bit (status $E2E_RC)"
	rescue_dump
fi
e2e_check "check --json lists ssh.dir.mode for alice" \
	rescue_json_has '[.findings[] | select(.code == "ssh.dir.mode" and .user == "alice")] | length == 1'
e2e_check "check --json has an error finding for bob" \
	rescue_json_has '[.findings[] | select(.user == "bob" and .severity == "error")] | length >= 1'
e2e_check "check --json says alice and bob cannot log in with a key" \
	rescue_json_has '[.users[] | select((.name == "alice" or .name == "bob") and .key_login == false)] | length == 2'
snapshot > "$E2E_TMP/after-check.snap"
e2e_check "check changed nothing on the victim" cmp -s "$E2E_TMP/broken.snap" "$E2E_TMP/after-check.snap"

# --- fix ---
e2e_rescue fix --apply "$R"
if [ $((E2E_RC & 24)) -eq 0 ] && [ $((E2E_RC & 1)) -ne 0 ]; then
	e2e_pass "fix --apply succeeds and reports fixed problems (status $E2E_RC)"
else
	e2e_fail "fix --apply succeeds and reports fixed problems (status $E2E_RC)"
	rescue_dump
fi
snapshot > "$E2E_TMP/after-fix.snap"
if cmp -s "$E2E_TMP/broken.snap" "$E2E_TMP/after-fix.snap"; then
	e2e_fail "fix changed the homes"
else
	e2e_pass "fix changed the homes"
fi
e2e_rescue check --json "$R"
e2e_check "after fix: no error finding for alice or bob" \
	rescue_json_has '[.findings[] | select((.user == "alice" or .user == "bob") and .severity == "error")] | length == 0'
e2e_check "after fix: check exit status has no error bits (status $E2E_RC)" \
	[ $((E2E_RC & 24)) -eq 0 ]
e2e_check "after fix: alice's key login succeeds" try_login alice
e2e_check "after fix: sshd accepted alice's publickey" log_has "Accepted publickey for alice"
e2e_check "after fix: bob's key login succeeds" try_login bob
e2e_check "after fix: carol's key login still succeeds" try_login carol
e2e_check "after fix: root's key login still succeeds" try_login root

# --- undo ---
e2e_rescue undo "$R"
if [ $((E2E_RC & 24)) -eq 0 ]; then
	e2e_pass "undo succeeds (status $E2E_RC)"
else
	e2e_fail "undo succeeds (status $E2E_RC)"
	rescue_dump
fi
snapshot > "$E2E_TMP/after-undo.snap"
if cmp -s "$E2E_TMP/broken.snap" "$E2E_TMP/after-undo.snap"; then
	e2e_pass "undo restored every mode, owner and byte under the homes"
else
	e2e_fail "undo restored every mode, owner and byte under the homes"
	diff "$E2E_TMP/broken.snap" "$E2E_TMP/after-undo.snap" | sed 's/^/    /'
fi
if try_login alice; then
	e2e_fail "after undo: alice's key login is refused again"
else
	e2e_pass "after undo: alice's key login is refused again"
fi
e2e_check "after undo: sshd logs bad modes of /home/alice/.ssh again" \
	log_has "Authentication refused: bad ownership or modes for directory /home/alice/.ssh"
if try_login bob; then
	e2e_fail "after undo: bob's key login is refused again"
else
	e2e_pass "after undo: bob's key login is refused again"
fi

e2e_finish
