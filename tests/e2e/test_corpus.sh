#!/bin/sh
# shellcheck disable=SC2317,SC2034,SC2016 # scn_break and its variables live in the .scn files
# The end-to-end scenario corpus: every tests/e2e/scenarios/*.scn is one broken (or unusual but
# working) server, proven with the victim's own sshd before and after sshrescue repairs it.
#
# usage: sh test_corpus.sh SSHRESCUE BUILDDIR [SCENARIO...]
#   SCENARIO  names (file names without .scn) to run only those; default: all of them
# Writes the scoreboard (scenario x step) to BUILDDIR/e2e-scoreboard.md; docs/e2e-scoreboard.md
# is a copy of it from a full run. E2E_KEEP=1 keeps the run's temp directory.
# E2E_BROKEN_OUT=DIR makes the broken images only (step 0, no other step, no scoreboard): for
# each scenario DIR/NAME.img, and the run's keys in DIR/keys/ (test_initramfs.sh boots them).
#
# Once per run: the cached Debian 12 root is unpacked and prepared (users, keys, host keys:
# tests/e2e/lib.sh), then packed into one ext4 image (mke2fs -d). Per scenario: a copy of that
# image, mounted read-write at $ROOT in the runner's private mount namespace, scn_break run on
# it, unmounted; then DEBUGFS commands, if any, with debugfs -w. Then the steps:
#   1 login    access: the victim's own sshd, run from the image (mounted read-only, chroot,
#              private network namespace, 127.0.0.1), refuses the key of every LOGIN user and
#              logs SSHD_SAYS; benign: it accepts them. OTHERS must log in in any case.
#   2 check    `check IMAGE --json`: every EXPECT code, no other error-level code, exit status
#              4 exactly when there are errors, users[].key_login as KEY_LOGIN says
#   3 ro       the image's sha256 is unchanged by check, no loop device is left
#   4 fix      `fix IMAGE --apply` (ADDKEY: `add-key IMAGE USER NEW.pub`) exits with the "fixed"
#              bit (1) and without 8 or 16; benign: without 4, 8 or 16
#   5 login    access and benign: sshd accepts the key and `id -un` prints the user
#   6 clean    `check` exits 0 with no error-level finding (diagnose: none of EXPECT at all;
#              others: none of CLEARED);
#              a second `fix` plans nothing
#   7 undo     `undo IMAGE`: paths, types, modes, owners, link targets and file contents equal
#              the broken tree (sshrescue's own journal, /var/lib/sshrescue, left out); access:
#              the login is refused again, benign: still accepted. When step 4 changed nothing,
#              there is nothing to undo: the tree must simply be unchanged.
# diagnose kinds skip the logins (steps 1 and 5, the login part of 7).
#
# Scenario file NAME.scn (sourced by sh; see docs/e2e-corpus.md):
#   DESC="..."          one line: what is broken
#   KIND=access         access | diagnose | benign
#   LOGIN="alice"       users whose key login is tested (default alice)
#   EXPECT="code ..."   codes check must report (any severity; CODE@USER: for that user);
#                       an error-level code not listed here fails the step
#   SSHD_SAYS="..."     optional: fixed strings (one per line) the victim's sshd logs when it
#                       refuses (access; steps 1 and 7)
#   SSHD_STARTS=no      optional: the refusal is sshd refusing to start (a broken
#                       sshd_config, no host key); SSHD_SAYS is then looked for in its output
#   OTHERS="carol"      optional: users who must log in at steps 1, 5 and 7 whatever happens
#   ADDKEY=yes          optional: the fix is add-key with a key made for this run ($NEWKEY,
#                       $NEWKEY.pub); the logins of steps 1, 5 and 7 use that key
#   FIX_ARGS="--opt"    optional: more options for both fix runs (e.g. --reset-sshd-config)
#   CLEARED="code ..."  optional: codes (warnings too) that must be gone at step 6
#   UNDO_KEEPS=yes      optional: the fix is a filesystem repair, which undo does not take
#                       back (it removes the repair's log only): step 7 wants the tree as
#                       step 4 left it, /var/log/sshrescue aside, and the login still accepted
#   KEY_LOGIN=yes|no    optional: users[].key_login expected for LOGIN (default: access no,
#                       benign yes, diagnose unchecked)
#   XFAIL="reason"      optional: the tool cannot do this yet; failing steps count as xfail, and
#                       a scenario that passes every step fails as XPASS (remove the mark)
#   DEBUGFS="cmd"       optional: debugfs -w requests (one per line) run on the image (scn_break
#                       may set it, e.g. from debugfs -R ffb on $IMG, read-only)
#   scn_break() {...}   the breakage, run as root on the victim mounted at $ROOT. It may use
#                       $KEYS/USER (the run's private keys, .pub public), $SCN_DIR (scratch),
#                       $NEWKEY, and set KEY and KEY_OPTS (another private key and ssh options
#                       for the LOGIN user) or BEFORE_KEY and BEFORE_OPTS (a key that must also
#                       be refused at step 1, e.g. the DSA key a user really has).

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || e2e_die "usage: $0 SSHRESCUE BUILDDIR [SCENARIO...]"
[ -x "$1" ] || e2e_skip "sshrescue binary $1 not built"
[ "$(id -u)" -eq 0 ] || e2e_skip "e2e tests need root (chroot, namespaces, loop devices)"
for _t in mke2fs debugfs losetup mount umount openssl; do
	command -v "$_t" > /dev/null 2>&1 || e2e_skip "$_t not installed"
done
# The whole run lives in a private mount namespace: whatever it mounts disappears with it.
if [ -z "${E2E_CORPUS_NS:-}" ]; then
	export E2E_CORPUS_NS=1
	exec unshare -m --propagation private sh "$0" "$@"
fi

SCN_SRC=$(cd "$(dirname "$0")/scenarios" && pwd) || e2e_die "no scenarios directory"
BIN=$1
BUILD=${2:-.}
shift
[ $# -ge 1 ] && shift
e2e_init "$BIN" "$BUILD"
MNT=$E2E_TMP/mnt
mkdir -p "$MNT" || e2e_die "mkdir"

corpus_cleanup()
{
	e2e_sshd_stop
	if mountpoint -q "$MNT" 2> /dev/null; then
		umount "$MNT" 2> /dev/null || umount -l "$MNT" 2> /dev/null
	fi
	e2e_cleanup
}
trap corpus_cleanup EXIT

L_PREFIX=
N_PASS=0
N_FAIL=0
N_XFAIL=0
BOARD=$E2E_TMP/board.rows

# --- the victim, once per run ---
e2e_victim
BASE=$E2E_TMP/base.img
mke2fs -q -F -t ext4 -L e2e-victim -d "$E2E_ROOT" "$BASE" 320M > "$E2E_TMP/mke2fs.log" 2>&1 ||
	e2e_die "mke2fs -d failed: $(cat "$E2E_TMP/mke2fs.log")"
rm -rf "$E2E_ROOT"
if [ -n "${E2E_BROKEN_OUT:-}" ]; then
	if ! mkdir -p "$E2E_BROKEN_OUT/keys" || ! cp -p "$E2E_KEYS"/* "$E2E_BROKEN_OUT/keys/"; then
		e2e_die "cannot copy the keys to $E2E_BROKEN_OUT/keys"
	fi
fi

# --- results ---
# result STEP pass|fail|na MESSAGE: one line per scenario x step
result()
{
	_step=$1
	_r=$2
	shift 2
	case $_r in
	pass)
		N_PASS=$((N_PASS + 1))
		_cell=pass
		printf 'ok    %s %s: %s\n' "$S_NAME" "$_step" "$*"
		;;
	fail)
		if [ -n "$XFAIL" ]; then
			N_XFAIL=$((N_XFAIL + 1))
			_cell=xfail
			printf 'XFAIL %s %s: %s\n' "$S_NAME" "$_step" "$*"
		else
			N_FAIL=$((N_FAIL + 1))
			_cell='**FAIL**'
			printf 'FAIL  %s %s: %s\n' "$S_NAME" "$_step" "$*"
		fi
		S_FAILS=$((S_FAILS + 1))
		;;
	*)
		_cell=–
		printf 'n/a   %s %s: %s\n' "$S_NAME" "$_step" "$*"
		;;
	esac
	S_CELLS="$S_CELLS | $_cell"
}

# Indented detail after a failed step.
detail()
{
	sed 's/^/        /'
}

findings_dump()
{
	jq -r '.findings[]? | "finding: \(.severity) \(.code) \(.user // "-") \(.path // "-")"' \
		"$E2E_TMP/rescue.out" 2> /dev/null | detail
	sed 's/^/stderr: /' "$E2E_TMP/rescue.err" | head -n 5 | detail
}

# --- image helpers (run in the runner's private mount namespace) ---
# digest IMG OUT: every path of the tree with type, mode, owner and link target, then the sha256
# of every regular file; sshrescue's journal directory is left out.
digest()
{
	mount -t ext4 -o loop,ro,noload "$1" "$MNT" || return 1
	(
		cd "$MNT" || exit 1
		find . -path ./var/lib/sshrescue -prune -o -printf '%p %y %m %U:%G %l\n' |
			LC_ALL=C sort
		find . -path ./var/lib/sshrescue -prune -o -type f -print0 |
			xargs -0 -r openssl dgst -sha256 -r | LC_ALL=C sort -k 2
	) > "$2" 2> "$2.err" # a damaged directory (fs-dir-csum) is unreadable: noted there
	_r=$?
	umount "$MNT" || return 1
	e2e_loop_wait "$1"
	return $_r
}

# leaks IMG: no loop device is backed by IMG any more (after sshrescue ran on it).
leaks()
{
	if e2e_loop_wait "$1"; then
		return 1
	fi
	printf 'loop device left on the image: %s' "$(losetup -n -O NAME -j "$1" | tr '\n' ' ')"
	return 0
}

# rescue_status_ok MASK_SET MASK_CLEAR: $E2E_RC has every bit of MASK_SET and none of MASK_CLEAR.
rescue_status_ok()
{
	[ $((E2E_RC & $1)) -eq "$1" ] && [ $((E2E_RC & $2)) -eq 0 ]
}

# key_of USER: the private key the LOGIN user logs in with.
key_of()
{
	if [ -n "$ADDKEY" ] && [ "$1" = "$S_FIRST" ]; then
		printf '%s' "$NEWKEY"
	elif [ -n "$KEY" ] && [ "$1" = "$S_FIRST" ]; then
		printf '%s' "$KEY"
	else
		printf '%s' "$E2E_KEYS/$1"
	fi
}

# says_missing LOG: the lines of SSHD_SAYS that LOG does not contain (as fixed strings).
says_missing()
{
	printf '%s\n' "$SSHD_SAYS" | while IFS= read -r _l; do
		grep -qF -- "$_l" "$1" || printf '%s\n' "$_l"
	done
}

# logins STEP WANT(yes|no) [before]: start the victim's sshd from the image and try every LOGIN
# user (want WANT) and every OTHERS user (want yes); with "before", BEFORE_KEY as well (want no).
logins()
{
	_step=$1
	_want=$2
	_msg=
	_bad=
	if ! e2e_sshd_start_image "$IMG" > "$S_DIR/sshd-start.log" 2>&1; then
		# SSHD_STARTS=no: a refusal is sshd refusing to start, with SSHD_SAYS in its log
		if [ "$_want" = no ] && [ "$SSHD_STARTS" = no ] && [ -z "$OTHERS" ] &&
			says_missing "$S_DIR/sshd-start.log" > "$S_DIR/says.missing" &&
			! [ -s "$S_DIR/says.missing" ]; then
			result "$_step" pass "${L_PREFIX}sshd from the image refuses to start:" \
				"$(printf '%s' "$SSHD_SAYS" | head -n 1)"
			return
		fi
		result "$_step" fail "the victim's sshd does not start from the image"
		detail < "$S_DIR/sshd-start.log"
		return
	fi
	if [ "$_want" = no ] && [ "$SSHD_STARTS" = no ]; then
		e2e_sshd_stop
		result "$_step" fail "${L_PREFIX}the victim's sshd starts, but SSHD_STARTS=no"
		return
	fi
	for _u in $LOGIN; do
		_k=$(key_of "$_u")
		# shellcheck disable=SC2086 # KEY_OPTS are separate ssh options
		if [ "$_u" = "$S_FIRST" ] && try_login "$_u" "$_k" $KEY_OPTS; then
			_got=yes
		elif [ "$_u" != "$S_FIRST" ] && try_login "$_u" "$_k"; then
			_got=yes
		else
			_got=no
		fi
		if [ "$_got" = "$_want" ]; then
			_msg="$_msg $_u:$([ "$_got" = yes ] && echo accepted || echo refused)"
		else
			_bad="$_bad $_u:$([ "$_got" = yes ] && echo accepted || echo refused)"
			printf '%s\n' "$E2E_LOGIN_OUT" "$E2E_LOGIN_LOG" | sed "s/^/$_u: /" |
				grep -v '^[a-z]*: $' >> "$S_DIR/login.detail"
		fi
	done
	if [ "${3:-}" = before ] && [ -n "$BEFORE_KEY" ]; then
		# shellcheck disable=SC2086 # BEFORE_OPTS are separate ssh options
		if try_login "$S_FIRST" "$BEFORE_KEY" $BEFORE_OPTS; then
			_bad="$_bad $S_FIRST(old key):accepted"
		else
			_msg="$_msg $S_FIRST(old key):refused"
		fi
	fi
	for _u in $OTHERS; do
		if try_login "$_u"; then
			_msg="$_msg $_u:accepted"
		else
			_bad="$_bad $_u:refused"
			printf '%s\n' "$E2E_LOGIN_LOG" | sed "s/^/$_u: /" >> "$S_DIR/login.detail"
		fi
	done
	_says=ok
	if [ "$_want" = no ] && [ -n "$SSHD_SAYS" ]; then
		# every line of SSHD_SAYS, as a fixed string
		says_missing "$E2E_SSHD_LOG" > "$S_DIR/says.missing"
		[ -s "$S_DIR/says.missing" ] && _says=missing
	fi
	cp "$E2E_SSHD_LOG" "$S_DIR/sshd.$_step.log"
	e2e_sshd_stop
	if [ -z "$_bad" ] && [ "$_says" = ok ]; then
		if [ "$_want" = no ] && [ -n "$SSHD_SAYS" ]; then
			_msg="$_msg; sshd: $(printf '%s' "$SSHD_SAYS" | sed 's/$/ | /' | tr -d '\n')"
			_msg=${_msg% | }
		fi
		result "$_step" pass "${L_PREFIX}sshd from the image:$_msg"
	else
		[ "$_says" = ok ] || _bad="$_bad; sshd never logged: $(head -n 1 "$S_DIR/says.missing")"
		result "$_step" fail "${L_PREFIX}sshd from the image, wanted login $_want:$_bad"
		if [ -f "$S_DIR/login.detail" ]; then
			detail < "$S_DIR/login.detail"
			rm -f "$S_DIR/login.detail"
		else
			grep -v -e '^Server listening' "$S_DIR/sshd.$_step.log" | detail
		fi
	fi
}

# --- the steps ---
step_check()
{
	_why=
	e2e_rescue check --json "$IMG"
	if ! jq -e '.schema == "sshrescue-report"' "$E2E_TMP/rescue.out" > /dev/null 2>&1; then
		result 2-check fail "check --json gave no report (status $E2E_RC)"
		findings_dump
		return
	fi
	_errs=$(jq '[.findings[] | select(.severity == "error")] | length' "$E2E_TMP/rescue.out")
	if [ $((E2E_RC & 24)) -ne 0 ]; then
		_why="$_why status $E2E_RC has 8/16;"
	elif [ "$_errs" -gt 0 ] && [ $((E2E_RC & 4)) -eq 0 ]; then
		_why="$_why $_errs error(s) but status $E2E_RC;"
	elif [ "$_errs" -eq 0 ] && [ $((E2E_RC & 4)) -ne 0 ]; then
		_why="$_why no error but status $E2E_RC;"
	fi
	_codes=
	for _c in $EXPECT; do
		case $_c in
		*@*)
			rescue_json_has "[.findings[] | select(.code == \"${_c%@*}\" and
				.user == \"${_c#*@}\")] | length > 0" || _why="$_why $_c missing;"
			;;
		*)
			rescue_json_has "[.findings[] | select(.code == \"$_c\")] | length > 0" ||
				_why="$_why $_c missing;"
			;;
		esac
		_codes="$_codes ${_c%@*}"
	done
	_extra=$(jq -r --arg want "$_codes " '[.findings[] | select(.severity == "error") |
		.code | select(. as $c | $want | contains(" " + $c + " ") | not)] | unique | join(" ")' \
		"$E2E_TMP/rescue.out")
	[ -z "$_extra" ] || _why="$_why unexpected error(s): $_extra;"
	[ "$KIND" = benign ] && [ "$_errs" -gt 0 ] && _why="$_why benign but $_errs error(s);"
	if [ -n "$KEY_LOGIN" ]; then
		for _u in $LOGIN; do
			_kl=$(jq -r --arg u "$_u" '.users[] | select(.name == $u) |
				if .key_login then "yes" else "no" end' "$E2E_TMP/rescue.out")
			[ "$_kl" = "$KEY_LOGIN" ] || _why="$_why key_login of $_u is '${_kl:-absent}', want $KEY_LOGIN;"
		done
	fi
	_got=$(jq -r '[.findings[] | "\(.code)(\(.severity[0:1]))"] | unique | join(" ")' \
		"$E2E_TMP/rescue.out")
	if [ -z "$_why" ]; then
		result 2-check pass "status $E2E_RC, ${_got:-no findings}${KEY_LOGIN:+, key_login $KEY_LOGIN}"
	else
		result 2-check fail "${_why%;} (status $E2E_RC)"
		findings_dump
	fi
}

step_fix()
{
	if [ -n "$ADDKEY" ]; then
		_what="add-key $S_FIRST"
		e2e_rescue add-key "$IMG" "$S_FIRST" "$NEWKEY.pub"
	else
		_what="fix --apply${FIX_ARGS:+ $FIX_ARGS}"
		# shellcheck disable=SC2086 # FIX_ARGS: options, split on purpose
		e2e_rescue fix "$IMG" --apply $FIX_ARGS
	fi
	S_FIXED=0
	[ $((E2E_RC & 1)) -ne 0 ] && S_FIXED=1
	_leak=$(leaks "$IMG")
	_set=1
	_clear=24
	if [ "$KIND" = benign ]; then
		_set=0
		_clear=28
	fi
	if rescue_status_ok $_set $_clear && [ -z "$_leak" ]; then
		result 4-fix pass "$_what: status $E2E_RC"
	else
		result 4-fix fail "$_what: status $E2E_RC${_leak:+; $_leak}"
		findings_dump
	fi
}

step_clean()
{
	_why=
	e2e_rescue check --json "$IMG"
	_errs=$(jq '[.findings[] | select(.severity == "error")] | length' \
		"$E2E_TMP/rescue.out" 2> /dev/null)
	[ "$E2E_RC" -eq 0 ] || _why="check status $E2E_RC;"
	[ "${_errs:-x}" = 0 ] || _why="$_why ${_errs:-no report} error(s) left;"
	# a diagnose kind's problems are not login failures: they must be gone, warnings too
	_gone=$CLEARED
	[ "$KIND" = diagnose ] && _gone=$EXPECT
	for _c in $_gone; do
		rescue_json_has "[.findings[] | select(.code == \"${_c%@*}\")] | length > 0" &&
			_why="$_why $_c still reported;"
	done
	[ -z "$_why" ] || findings_dump > "$S_DIR/clean.detail"
	# shellcheck disable=SC2086 # FIX_ARGS: options, split on purpose
	e2e_rescue fix "$IMG" $FIX_ARGS
	if [ "$E2E_RC" -ne 0 ] || ! grep -q 'nothing to change' "$E2E_TMP/rescue.out"; then
		_why="$_why second fix (status $E2E_RC) plans changes;"
		grep -v '^$' "$E2E_TMP/rescue.out" | head -n 12 | detail >> "$S_DIR/clean.detail"
	fi
	_leak=$(leaks "$IMG")
	[ -z "$_leak" ] || _why="$_why $_leak;"
	if [ -z "$_why" ]; then
		result 6-clean pass "check status 0, no error; second fix: nothing to change"
	else
		result 6-clean fail "${_why%;}"
		cat "$S_DIR/clean.detail"
	fi
}

step_undo()
{
	_why=
	_ref=$S_DIR/broken.digest
	if [ "$S_FIXED" -eq 1 ]; then
		e2e_rescue undo "$IMG"
		[ "$E2E_RC" -eq 0 ] || _why="undo status $E2E_RC: $(head -n 1 "$E2E_TMP/rescue.err");"
		_leak=$(leaks "$IMG")
		[ -z "$_leak" ] || _why="$_why $_leak;"
		_what="undo: tree identical to the broken one"
		if [ "$UNDO_KEEPS" = yes ]; then
			_ref=$S_DIR/fixed.digest
			_what="undo: the repair's log is gone, the filesystem repair stays (tree as fixed)"
		fi
	else
		_what="nothing was fixed, nothing to undo: tree unchanged"
	fi
	if ! digest "$IMG" "$S_DIR/after.digest"; then
		_why="$_why cannot read the tree;"
	elif [ "$_ref" = "$S_DIR/fixed.digest" ]; then
		grep -v -e '^\./var/log/sshrescue' -e ' \*\./var/log/sshrescue/' "$S_DIR/after.digest" > "$S_DIR/after.kept"
		if ! cmp -s "$_ref" "$S_DIR/after.kept"; then
			_why="$_why tree differs from the fixed one;"
			diff "$_ref" "$S_DIR/after.kept" | grep '^[<>]' | head -n 12 |
				detail > "$S_DIR/undo.detail"
		fi
	elif ! cmp -s "$_ref" "$S_DIR/after.digest"; then
		_why="$_why tree differs from the broken one;"
		diff "$_ref" "$S_DIR/after.digest" | grep '^[<>]' | head -n 12 |
			detail > "$S_DIR/undo.detail"
	fi
	if [ -n "$_why" ]; then
		result 7-undo fail "${_why%;}"
		[ -f "$S_DIR/undo.detail" ] && cat "$S_DIR/undo.detail"
		return
	fi
	if [ "$KIND" = diagnose ]; then
		result 7-undo pass "$_what"
		return
	fi
	# The login part: refused again (access), still accepted (benign, a repair undo keeps).
	L_PREFIX="$_what; "
	if [ "$KIND" = access ] && [ "$_ref" = "$S_DIR/broken.digest" ]; then
		logins 7-undo no before
	else
		logins 7-undo yes
	fi
	L_PREFIX=
}

# --- one scenario ---
run_scenario()
{
	S_FILE=$1
	S_NAME=$(basename "$S_FILE" .scn)
	S_DIR=$E2E_TMP/scn/$S_NAME
	S_CELLS=
	S_FAILS=0
	S_FIXED=0
	DESC=
	KIND=
	LOGIN=alice
	EXPECT=
	SSHD_SAYS=
	SSHD_STARTS=yes
	OTHERS=
	ADDKEY=
	FIX_ARGS=
	CLEARED=
	UNDO_KEEPS=
	KEY_LOGIN=
	XFAIL=
	DEBUGFS=
	KEY=
	KEY_OPTS=
	BEFORE_KEY=
	BEFORE_OPTS=
	unset -f scn_break 2> /dev/null
	# shellcheck disable=SC1090 # the scenario files
	. "$S_FILE"
	S_FIRST=${LOGIN%% *}
	case $KIND in
	access | benign) ;;
	diagnose) ;;
	*)
		result 0-setup fail "KIND '$KIND' is not access, diagnose or benign"
		return
		;;
	esac
	if [ -z "$KEY_LOGIN" ]; then
		case $KIND in
		access) KEY_LOGIN=no ;;
		benign) KEY_LOGIN=yes ;;
		esac
	fi
	mkdir -p "$S_DIR" || e2e_die "mkdir"
	printf '# %s: %s (%s%s)\n' "$S_NAME" "$DESC" "$KIND" "${XFAIL:+, expected to fail: $XFAIL}"
	IMG=$S_DIR/victim.img
	NEWKEY=$S_DIR/newkey
	ROOT=$MNT
	SCN_DIR=$S_DIR
	KEYS=$E2E_KEYS
	cp --sparse=always "$BASE" "$IMG" || e2e_die "copying the image"
	if [ -n "$ADDKEY" ]; then
		ssh-keygen -q -t ed25519 -N '' -C "e2e-new-$S_FIRST" -f "$NEWKEY" || e2e_die "ssh-keygen"
	fi
	# The breakage, on the mounted image.
	_setup=
	if command -v scn_break > /dev/null 2>&1; then
		if mount -t ext4 -o loop "$IMG" "$MNT"; then
			scn_break > "$S_DIR/break.log" 2>&1 || _setup="scn_break failed"
			umount "$MNT" || e2e_die "umount $MNT"
			e2e_loop_wait "$IMG" || e2e_die "loop device left on $IMG"
		else
			_setup="cannot mount the image"
		fi
	fi
	if [ -z "$_setup" ] && [ -n "$DEBUGFS" ]; then
		printf '%s\n' "$DEBUGFS" > "$S_DIR/debugfs.cmd"
		debugfs -w -f "$S_DIR/debugfs.cmd" "$IMG" > "$S_DIR/debugfs.log" 2>&1 ||
			_setup="debugfs -w failed"
		# anything but the banner and the echo of a feature request is a complaint
		grep -v -e '^debugfs' -e '^$' -e '^Filesystem features:' "$S_DIR/debugfs.log" |
			grep -q . && _setup="debugfs -w: $(grep -v -e '^debugfs' -e '^$' \
			-e '^Filesystem features:' "$S_DIR/debugfs.log" | head -n 1)"
	fi
	if [ -z "$_setup" ] && ! digest "$IMG" "$S_DIR/broken.digest"; then
		_setup="cannot read the broken tree"
	fi
	if [ -n "$_setup" ]; then
		result 0-setup fail "$_setup"
		[ -f "$S_DIR/break.log" ] && detail < "$S_DIR/break.log"
		S_CELLS=" | setup failed | | | | | |"
		board_row
		return
	fi

	if [ -n "${E2E_BROKEN_OUT:-}" ]; then
		if mv "$IMG" "$E2E_BROKEN_OUT/$S_NAME.img"; then
			result 0-setup pass "broken image: $E2E_BROKEN_OUT/$S_NAME.img"
		else
			result 0-setup fail "cannot move the broken image to $E2E_BROKEN_OUT"
		fi
		return
	fi
	# 1: the breakage is real (access) / the setup works (benign)
	case $KIND in
	access) logins 1-login no before ;;
	benign) logins 1-login yes ;;
	*) result 1-login na "diagnose: no login test" ;;
	esac
	# 2, 3: check reports it and writes nothing
	_sha0=$(e2e_sha256 "$IMG")
	step_check
	_sha1=$(e2e_sha256 "$IMG")
	_leak=$(leaks "$IMG")
	if [ "$_sha0" = "$_sha1" ] && [ -z "$_leak" ]; then
		result 3-ro pass "image sha256 unchanged by check (${_sha0%"${_sha0#????????????}"}...)"
	else
		result 3-ro fail "check changed the image ($_sha0 -> $_sha1)${_leak:+; $_leak}"
	fi
	# 4, 5: repaired, and sshd agrees
	step_fix
	# what undo must leave when it does not take the repair back (its log aside)
	if [ "$UNDO_KEEPS" = yes ] && digest "$IMG" "$S_DIR/fixed.all"; then
		grep -v -e '^\./var/log/sshrescue' -e ' \*\./var/log/sshrescue/' "$S_DIR/fixed.all" > "$S_DIR/fixed.digest"
	fi
	case $KIND in
	access | benign) logins 5-login yes ;;
	*) result 5-login na "diagnose: no login test" ;;
	esac
	# 6, 7
	step_clean
	step_undo
	if [ -n "$XFAIL" ] && [ "$S_FAILS" -eq 0 ]; then
		_was=$XFAIL
		XFAIL=
		result XPASS fail "marked expected-failing ($_was) but every step passed:" \
			"remove XFAIL from $S_NAME.scn"
		XFAIL=$_was
	fi
	board_row
	[ -n "${E2E_KEEP:-}" ] || rm -f "$IMG"
}

board_row()
{
	_mark=
	[ -n "$XFAIL" ] && _mark=" (xfail)"
	printf '| %s%s | %s | %s | %s%s |\n' "$S_NAME" "$_mark" "$KIND" "$LOGIN" \
		"$(printf '%s' "$EXPECT" | sed 's/[^ ][^ ]*/`&`/g')" "$S_CELLS" >> "$BOARD"
	printf -- '- **%s**: %s%s\n' "$S_NAME" "$DESC" "${XFAIL:+ — expected to fail: $XFAIL}" \
		>> "$BOARD.desc"
}

board_write()
{
	_out=$E2E_BUILDDIR/e2e-scoreboard.md
	{
		printf '# End-to-end scoreboard\n\n'
		printf 'Generated by `tests/e2e/test_corpus.sh` (ctest -L e2e, test e2e_corpus); do not\n'
		printf 'edit by hand. Regenerate: `ctest --test-dir build -R e2e_corpus` writes\n'
		printf '`build/e2e-scoreboard.md`; copy it here. Scenarios and steps: docs/e2e-corpus.md.\n\n'
		printf 'Victim: Debian 12, openssh-server %s. Tool: %s.\n' \
			"$(sed -n 's/^Version: //p' "$E2E_TMP/sshd-version" 2> /dev/null | head -n 1)" \
			"$("$E2E_SSHRESCUE" --version 2> /dev/null | head -n 1)"
		printf 'Result: %s passed, %s failed, %s xfail.\n\n' "$N_PASS" "$N_FAIL" "$N_XFAIL"
		printf '| scenario | kind | login | expected codes | 1 login | 2 check | 3 ro | 4 fix'
		printf ' | 5 login | 6 clean | 7 undo |\n'
		printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
		cat "$BOARD"
		printf '\npass: the step held; **FAIL**: it did not; xfail: it did not, and the scenario is\n'
		printf 'marked as one the tool cannot handle yet (XFAIL in its .scn file); –: not\n'
		printf 'applicable (diagnose kinds test no login).\n\n## Scenarios\n\n'
		cat "$BOARD.desc"
	} > "$_out"
}

# The victim's OpenSSH, for the scoreboard.
tar -xOf "$E2E_TARBALL" ./var/lib/dpkg/status 2> /dev/null |
	awk '/^Package: openssh-server$/ { p = 1 } p && /^Version:/ { print; exit }' \
		> "$E2E_TMP/sshd-version"

: > "$BOARD"
: > "$BOARD.desc"
if [ $# -gt 0 ]; then
	for _n in "$@"; do
		[ -f "$SCN_SRC/$_n.scn" ] || e2e_die "no scenario $_n"
		run_scenario "$SCN_SRC/$_n.scn"
	done
else
	for _f in "$SCN_SRC"/*.scn; do
		run_scenario "$_f"
	done
fi
if [ -z "${E2E_BROKEN_OUT:-}" ]; then
	board_write
	e2e_say "scoreboard: $E2E_BUILDDIR/e2e-scoreboard.md"
fi
e2e_say "$N_PASS passed, $N_FAIL failed ($N_XFAIL xfail)"
[ "$N_FAIL" -eq 0 ]
