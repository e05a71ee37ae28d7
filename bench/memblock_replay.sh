#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# memblock_replay.sh - replay and diff CPU time for logs of N single-page memblock_reserve calls.
#
# Usage: memblock_replay.sh CLI WORKDIR [MEMORY:N ...]
#   (default: 512M:250000 512M:300000 512M:1000000 16G:300000 16G:1000000)
#
# Each log is Linux memblock=debug console text: one MEMBLOCK configuration block
# (memory [1 MiB, MEMORY), reserved [0, 4 KiB)) and N reserves of 4 KiB every 8 KiB
# from 16 MiB up.  With 512 MiB of memory the holes are 4 KiB, so the reserved array
# cannot double past 2^18 entries and every later reserve fails (issue 12's case);
# with 16 GiB it doubles up to 2^20.  The log is imported, then timed: replay, and
# diff of the capture against a copy.  Wall time includes waiting for a CPU on a
# shared machine; user time is what the command needed.
set -eu
CLI=$1
W=$2
shift 2
[ $# -gt 0 ] || set -- 512M:250000 512M:300000 512M:1000000 16G:300000 16G:1000000
mkdir -p "$W"

bytes() {
	case $1 in
	*G) echo $((${1%G} << 30)) ;;
	*M) echo $((${1%M} << 20)) ;;
	*) echo "$1" ;;
	esac
}

gen() {
	awk -v mem="$1" -v n="$2" 'BEGIN {
		print "[    0.000000] Linux version 6.12.0 (bench) #1 SMP"
		print "[    0.000000] Command line: memblock=debug"
		print "[    0.010000] MEMBLOCK configuration:"
		printf "[    0.010000]  memory size = 0x%016x reserved size = 0x0000000000001000\n", mem - 1048576
		print "[    0.010000]  memory.cnt  = 0x1"
		printf "[    0.010000]  memory[0x0]\t[0x0000000000100000-0x%016x], 0x%016x bytes flags: 0x0\n", mem - 1, mem - 1048576
		print "[    0.010000]  reserved.cnt  = 0x1"
		print "[    0.010000]  reserved[0x0]\t[0x0000000000000000-0x0000000000000fff], 0x0000000000001000 bytes flags: 0x0"
		for (i = 0; i < n; i++) {
			b = 16777216 + i * 8192
			printf "[    0.020000] memblock_reserve: [0x%016x-0x%016x] setup_arch+0x10/0x100\n", b, b + 4095
		}
	}'
}

measure() {
	label=$1
	shift
	rc=0
	/usr/bin/time -f "%e %U %M" -o "$W/time" "$@" >"$W/out" 2>"$W/err" || rc=$?
	if [ "$rc" -gt 5 ]; then
		echo "$label: failed ($rc)"
		cat "$W/err"
		return 0
	fi
	read -r wall user kb <"$W/time"
	printf "%-34s %7ss wall  %7ss user  %8s KiB peak\n" "$label" "$wall" "$user" "$kb"
}

for spec in "$@"; do
	mem=${spec%%:*}
	n=${spec#*:}
	gen "$(bytes "$mem")" "$n" >"$W/r.log"
	"$CLI" import "$W/r.log" -o "$W/a.cap" >/dev/null
	cp "$W/a.cap" "$W/b.cap"
	cnt=$("$CLI" replay "$W/a.cap" | awk '/reserved.cnt/ { v = $3 } END { print v }')
	echo "memory $mem, $n reserves: final reserved.cnt $cnt"
	measure "  replay" "$CLI" replay "$W/a.cap"
	measure "  diff (capture vs copy)" "$CLI" diff "$W/a.cap" "$W/b.cap"
	rm -f "$W/r.log" "$W/a.cap" "$W/b.cap"
done
