#!/bin/sh
# demo.sh - install, build, and run sshrescue on the bundled demo victim:
# check (read-only), fix --apply, check again. Run as root (mounting the
# image needs it).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/tools/deps.sh"
sh "$top/tools/build.sh" "$top/build"
bin=$top/build/sshrescue
demo=$top/build/demo
sh "$top/tools/mkdemo.sh" "$demo"

step() {
	printf '\n==> %s\n' "$*"
	"$@" || echo "(exit status $?)"
}
step "$bin" check "$demo/demo.img"
step "$bin" fix "$demo/demo.img"
step "$bin" fix --apply "$demo/demo.img"
step "$bin" check "$demo/demo.img"
printf '\nundo the fix with: %s undo %s\n' "$bin" "$demo/demo.img"
