#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# valgrind_cli.sh - every memblock-cli command (success and error paths) under
# valgrind memcheck: no invalid access, no uninitialised use, no leak.
# usage: valgrind_cli.sh CLI MKCAPTURE DATA_DIR WORK_DIR
set -u
cli=$1 mkcap=$2 data=$3 work=$4
VG=${MB_VALGRIND:-valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect -q}
rm -rf "$work"
mkdir -p "$work"
a=$work/a.mbcap b=$work/b.mbcap c=$work/dropped.mbcap
"$mkcap" -n 300 -o "$a" >/dev/null || exit 1
"$mkcap" -n 300 -v 1 -o "$b" >/dev/null || exit 1
"$mkcap" -n 60 --dropped 5 -o "$c" >/dev/null || exit 1
head -c 300 "$a" >"$work/truncated.mbcap"
printf 'not a capture\n' >"$work/garbage.mbcap"
log=$(ls "$data"/linux/*.log 2>/dev/null | head -1)

fail=0
n=0
run() {
	n=$((n + 1))
	$VG "$cli" "$@" >/dev/null 2>"$work/vg.$n.log" </dev/null
	if [ $? -eq 99 ]; then
		echo "valgrind: errors in 'memblock-cli $*':"
		grep '^==' "$work/vg.$n.log" | head -40
		fail=1
	fi
}

run help
run --help
run dump "$a"
run dump -j "$a"
run dump --at 100 "$a"
run log "$a"
run log -j "$a"
run log --op memblock_reserve "$a"
run replay "$a"
run replay --verify "$a"
run replay -j "$c"
run map "$a"
run map -j "$a"
run diff "$a" "$b"
run diff -j "$a" "$b"
run diff "$c" "$a"
if [ -n "$log" ]; then
	run import "$log" -o "$work/imported.mbcap"
	run import -j "$log" -o "$work/imported2.mbcap"
	[ -f "$work/imported.mbcap" ] && run replay --verify "$work/imported.mbcap"
fi
for bad in "$work/truncated.mbcap" "$work/garbage.mbcap" "$work/missing.mbcap"; do
	run dump "$bad"
	run log -j "$bad"
	run map "$bad"
done
run dump --no-such-option "$a"
run log --op no_such_op "$a"
run frobnicate
exit $fail
