#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# valgrind_cli.sh - every memblock-cli command (success and error paths) under
# valgrind memcheck: no invalid access, no uninitialised use, no leak, and
# each call ends with the exit status it must have (a crash under valgrind,
# 134 or 139, fails like a memcheck error, 99).
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
# run WANT ARGS...: memblock-cli ARGS under valgrind must exit with WANT.
run() {
	want=$1
	shift
	n=$((n + 1))
	$VG "$cli" "$@" >/dev/null 2>"$work/vg.$n.log" </dev/null
	rc=$?
	if [ $rc -eq 99 ]; then
		echo "valgrind: errors in 'memblock-cli $*':"
		grep '^==' "$work/vg.$n.log" | head -40
		fail=1
	elif [ $rc -ne "$want" ]; then
		echo "valgrind: 'memblock-cli $*' exited $rc, expected $want:"
		tail -20 "$work/vg.$n.log"
		fail=1
	fi
}

run 0 help
run 0 --help
run 0 dump "$a"
run 0 dump -j "$a"
run 0 dump --at 100 "$a"
run 2 dump --at 100000 "$a"
run 2 dump -j --at 100000 "$a"
run 0 log "$a"
run 0 log -j "$a"
run 0 log --op memblock_reserve "$a"
run 0 replay "$a"
run 0 replay --verify "$a"
run 2 replay --to 100000 "$a"
run 0 replay -j "$c"
run 0 map "$a"
run 0 map -j "$a"
run 0 diff "$a" "$b"
run 0 diff -j "$a" "$b"
run 0 diff "$c" "$a"
if [ -n "$log" ]; then
	run 0 import "$log" -o "$work/imported.mbcap"
	run 0 import -j "$log" -o "$work/imported2.mbcap"
	run 0 replay --verify "$work/imported.mbcap"
else
	echo "no Linux log in $data/linux: the import calls cannot run"
	fail=1
fi
for bad in "$work/truncated.mbcap" "$work/garbage.mbcap" "$work/missing.mbcap"; do
	run 1 dump "$bad"
	run 1 log -j "$bad"
	run 1 map "$bad"
done
run 2 dump --no-such-option "$a"
run 2 log --op no_such_op "$a"
run 2 frobnicate
exit $fail
