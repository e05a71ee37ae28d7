#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# installed_check.sh - use an installed memblock-cli tree with nothing else around.
# Usage: installed_check.sh PREFIX WORKDIR HIDE_DIR...
# Runs in a private mount namespace (unshare) in which every HIDE_DIR (the
# source and build trees) is covered by an empty tmpfs, as if deleted, for
# this process tree only. Then, from PREFIX alone: capture with the default
# kernel, dump, log, replay, map; the memblock Python module; gdb with the
# installed loader (and the auto-load hook) running mb-dump, mb-save and
# mb-at against QEMU; the installed demo. Prints "installed-check: OK".
set -eu

if [ "${MB_INSIDE_NS:-}" != 1 ]; then
	[ $# -ge 3 ] || { echo "usage: $0 PREFIX WORKDIR HIDE_DIR..." >&2; exit 2; }
	export MB_INSIDE_NS=1
	for u in "unshare --mount --propagation private" \
		 "unshare --mount --propagation private --map-root-user"; do
		# shellcheck disable=SC2086
		if $u true 2>/dev/null; then
			# shellcheck disable=SC2086
			exec $u sh "$0" "$@"
		fi
	done
	echo "FAIL: cannot make a private mount namespace (unshare --mount): the" \
	     "build tree cannot be hidden; run as root or allow user namespaces" >&2
	exit 1
fi

prefix=$1
work=$2
shift 2
# Deepest first, so a build tree inside the source tree is covered too.
for d in $(printf '%s\n' "$@" | awk '{ print length($0) " " $0 }' | sort -rn | cut -d' ' -f2-); do
	[ -d "$d" ] || continue
	mount -t tmpfs -o size=1m,mode=0755 memblock-hidden "$d"
done
for d in "$@"; do
	if [ -n "$(ls -A "$d" 2>/dev/null)" ]; then
		echo "FAIL: $d is still visible" >&2
		exit 1
	fi
done

fail() { echo "FAIL: $*" >&2; exit 1; }
cli=$prefix/bin/memblock-cli
share=$prefix/share/memblock-cli
export PATH="$prefix/bin:$PATH"
cd "$work"

# 1. The CLI with its installed kernel (no -k: the default must be found).
out=$("$cli" capture -o "$work/a.cap" 2>&1) || fail "capture: $out"
"$cli" dump "$work/a.cap" >"$work/dump.txt" || fail "dump"
grep -q '^MEMBLOCK configuration:' "$work/dump.txt" || fail "dump output: $(head -3 "$work/dump.txt")"
"$cli" log -j "$work/a.cap" >"$work/log.json" || fail "log -j"
"$cli" replay --verify "$work/a.cap" >/dev/null || fail "replay --verify"
"$cli" map "$work/a.cap" >"$work/map.txt" || fail "map"
grep -q 'reserved' "$work/map.txt" || fail "map output"

# 2. The Python module from the installed path.
pydir=$(find "$prefix/lib" -type d -name memblock -path '*-packages/*' | head -n 1)
[ -n "$pydir" ] || fail "no memblock Python package under $prefix/lib"
"$cli" diff -j --all "$work/a.cap" "$work/a.cap" >"$work/diff.json" || fail "diff -j"
PYTHONPATH=$(dirname "$pydir") python3 - "$work/a.cap" "$work/log.json" "$prefix" \
	"$work/dump.txt" "$work/diff.json" <<'PY' ||
import json, os, sys
import memblock
cap, log, prefix, dump, diff = sys.argv[1:6]
assert os.path.realpath(memblock.__file__).startswith(os.path.realpath(prefix)), memblock.__file__
assert os.path.realpath(memblock._lib.LIBRARY_PATH).startswith(os.path.realpath(prefix)), \
    memblock._lib.LIBRARY_PATH
c = memblock.open(cap)
n = json.load(open(log))['total_events']
assert len(c.events) == n > 0, (len(c.events), n)
assert c.verify().ok
# The installed library holds the dump formatter and the ownership analysis.
assert c.end_state.dump_text() == open(dump).read()
want = {r['caller']: int(r['a_size'], 0) for r in json.load(open(diff))['callers']}
got = memblock.owners(c)
assert got == {k: v for k, v in want.items() if v}, (got, want)
PY
	fail "the installed memblock module"

# 3. gdb with the installed loader: QEMU halted at reset (-S), gdbstub on a
# socket here (the README's "-s -S" uses TCP :1234 instead).
command -v gdb >/dev/null || fail "gdb not installed (scripts/deps)"
sock=$work/gdb.sock
qemu-system-x86_64 -kernel "$share/kernel.elf" -nic none -m 256M -display none \
	-no-reboot -monitor none -serial null -S \
	-gdb "unix:$sock,server=on,wait=off" >"$work/qemu.log" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null || true' EXIT
i=0
while [ ! -S "$sock" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "QEMU gdbstub socket did not appear"
	sleep 0.1
done
timeout 120 gdb -nx -batch -q "$share/kernel.elf" \
	-ex "source $share/gdb/memblock-gdb.py" \
	-ex "target remote $sock" \
	-ex 'break mb_evlog_set_state if $rdi == 2' \
	-ex 'continue' -ex 'finish' \
	-ex 'show mb-cli' -ex 'mb-dump' -ex "mb-save $work/g.cap" -ex 'mb-at 5' \
	>"$work/gdb.txt" 2>&1 || fail "gdb: $(tail -5 "$work/gdb.txt")"
kill $qpid 2>/dev/null || true
grep -q "memblock-cli used by mb-at is \"$cli\"" "$work/gdb.txt" ||
	fail "mb-at does not use the installed CLI: $(grep mb-cli "$work/gdb.txt")"
grep -q '^memblock: mb-dump' "$work/gdb.txt" || fail "loader: $(head -3 "$work/gdb.txt")"
[ "$(grep -c '^MEMBLOCK configuration:' "$work/gdb.txt")" -eq 2 ] ||
	fail "mb-dump and mb-at did not both print a configuration block"
grep -q '^mb-save: ' "$work/gdb.txt" || fail "mb-save: $(grep mb-save "$work/gdb.txt")"
"$cli" replay --verify "$work/g.cap" >/dev/null || fail "replay --verify of the mb-save capture"
# mb-dump at DONE shows what the CLI shows for the mb-save capture.
awk '/^mb-save:/ { exit } /^MEMBLOCK configuration:/ { on = 1 } on' "$work/gdb.txt" \
	>"$work/mbdump.txt"
"$cli" dump "$work/g.cap" >"$work/gdump.txt"
cmp -s "$work/mbdump.txt" "$work/gdump.txt" ||
	fail "mb-dump and memblock-cli dump of the mb-save capture differ"

# The auto-load hook sources the loader through its relative path.
hook=$(find "$prefix/share/gdb/auto-load" -name 'kernel.elf-gdb.py' | head -n 1)
[ -n "$hook" ] || fail "no gdb auto-load hook installed"
gdb -nx -batch -q -ex "source $hook" -ex 'help mb-dump' >"$work/hook.txt" 2>&1 ||
	fail "auto-load hook: $(cat "$work/hook.txt")"
grep -q '^mb-dump' "$work/hook.txt" || fail "auto-load hook did not load the commands"

# 4. The installed demo.
OUT=$work/demo "$share/demo" >"$work/demo.txt" 2>&1 || fail "demo: $(tail -5 "$work/demo.txt")"
grep -q 'HTML maps' "$work/demo.txt" || fail "demo output: $(tail -3 "$work/demo.txt")"
[ -s "$work/demo/doubling.cap" ] || fail "demo wrote no doubling capture"

echo "installed-check: OK ($prefix)"
