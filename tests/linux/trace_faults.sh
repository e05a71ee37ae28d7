#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# trace_faults.sh - capture --linux --trace under faults: each a clear error or a stated fallback, never a file.
#
# Usage: trace_faults.sh MEMBLOCK_CLI TEST_LINUX_TRACE DEB WORKDIR
# The package's vmlinux (booted by QEMU through its PVH entry) is edited with
# objcopy to drop its ORC tables or its BTF. Faults real QEMU does not make
# on its own (a refused breakpoint, a guest that triple-faults) come from
# rsp_fault_qemu.py, given as --qemu: the real QEMU behind a gdbstub proxy.
set -u
cli=$1
helper=$2
deb=$3
dir=$4
proxy=$(dirname "$0")/rsp_fault_qemu.py
[ -r "$deb" ] || { echo "trace_faults: $deb missing (linux_get_kernels fetches it)" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir"
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

"$helper" vmlinux "$deb" "$dir/vmlinux" || { echo "cannot unpack $deb" >&2; exit 1; }

# expect_error NAME PATTERN ARGS...: non-zero exit, one Error: line matching, no output file.
# With $fault set (VAR=VALUE words for rsp_fault_qemu.py), QEMU runs behind the proxy.
fault=""
expect_error() {
	name=$1 pat=$2
	shift 2
	out="$dir/$name.cap"
	start=$(date +%s)
	if [ -n "$fault" ]; then
		# shellcheck disable=SC2086
		env MB_FAULT_DIR="$dir" $fault "$cli" capture -o "$out" --qemu "$proxy" --timeout 120 \
			"$@" >"$dir/$name.out" 2>"$dir/$name.err"
	else
		"$cli" capture -o "$out" "$@" >"$dir/$name.out" 2>"$dir/$name.err"
	fi
	st=$?
	took=$(($(date +%s) - start))
	[ $st -ne 0 ] || bad "$name: exit 0"
	[ "$(grep -c '^Error: ' "$dir/$name.err")" -eq 1 ] || bad "$name: not one Error: line: $(cat "$dir/$name.err")"
	grep -q "$pat" "$dir/$name.err" || bad "$name: error does not say '$pat': $(cat "$dir/$name.err")"
	[ ! -e "$out" ] || bad "$name: wrote $out"
	echo "$name: exit $st after ${took}s: $(grep '^Error: ' "$dir/$name.err")"
}

# No ORC tables: the capture works, unwinding falls back, and says why.
objcopy --remove-section .orc_unwind --remove-section .orc_unwind_ip \
	--remove-section .orc_header "$dir/vmlinux" "$dir/vmlinux-noorc" 2>/dev/null ||
	objcopy --remove-section .orc_unwind --remove-section .orc_unwind_ip \
		"$dir/vmlinux" "$dir/vmlinux-noorc"
if "$cli" capture --linux "$dir/vmlinux-noorc" --trace -o "$dir/noorc.cap" --timeout 300 \
	>"$dir/noorc.out" 2>&1; then
	u=$("$helper" meta "$dir/noorc.cap" trace_unwinder)
	case $u in
	*"no ORC"*) echo "no ORC: $u" ;;
	*) bad "no ORC: unwinder '$u'" ;;
	esac
	"$helper" replay "$dir/noorc.cap" >/dev/null || bad "no ORC: replay failed"
else
	bad "no ORC: capture failed: $(cat "$dir/noorc.out")"
fi

# No BTF: nothing to type the arguments or find struct memblock with.
objcopy --remove-section .BTF --remove-section .BTF_ids "$dir/vmlinux" "$dir/vmlinux-nobtf"
expect_error nobtf "BTF" --linux "$dir/vmlinux-nobtf" --trace
# Bounds: an entry point hit too often, a trace too long.
expect_error maxhits "memblock_reserve was called more than 5 times" --linux "$dir/vmlinux" \
	--trace-max-hits 5
expect_error maxevents "exceeds 20 events" --linux "$dir/vmlinux" --trace-max-events 20
# The deadline passes mid-boot.
expect_error timeout "timed out" --linux "$dir/vmlinux" --trace --timeout 2

# Breakpoints QEMU refuses (the proxy answers one Z0 with E22, or with the
# empty reply of a stub without software breakpoints): an entry point, the
# read point when it is no entry point, a return site. Addresses from the
# no-ORC capture's metadata (the same image's kallsyms).
eps=$("$helper" meta "$dir/noorc.cap" trace_entry_points 2>/dev/null)
ep() { echo "$eps" | tr ',' '\n' | sed -n "s/^ *$1@//p"; }
add=$(ep memblock_add)
reserve=$(ep memblock_reserve)
neps=$(echo "$eps" | tr ',' '\n' | grep -c @)
if [ -z "$add" ] || [ -z "$reserve" ]; then
	bad "no entry point addresses in the no-ORC capture: '$eps'"
else
	fault="MB_FAULT_REFUSE=$add"
	expect_error refuse_entry "QEMU refused the breakpoint at memblock_add ($add): .*E22" \
		--linux "$dir/vmlinux" --trace
	fault="MB_FAULT_REFUSE=$reserve MB_FAULT_REPLY=empty"
	expect_error refuse_unsupported \
		"QEMU refused the breakpoint at memblock_reserve ($reserve): gdbstub does not support" \
		--linux "$dir/vmlinux" --trace
	# The read point's breakpoint is the one inserted after the entry points'.
	fault="MB_FAULT_REFUSE=#$((neps + 1))"
	expect_error refuse_readpoint "QEMU refused the read-point breakpoint at mem_init (0x" \
		--linux "$dir/vmlinux" --trace --read-at symbol:mem_init
	# The first return breakpoint: the kernel image's reservation in setup_arch.
	fault="MB_FAULT_REFUSE=ret"
	expect_error refuse_return "QEMU refused the return breakpoint at setup_arch+0x[0-9a-f]* (0x" \
		--linux "$dir/vmlinux" --trace
fi

# The guest resets mid-trace: at the 5th stop the proxy points rsp at a
# non-canonical address, and the guest's next push triple-faults (a real
# reset in QEMU). Under the launcher's -no-reboot that ends in a pause
# (signal 3); with -action reboot=reset added, the guest boots a second
# time and its first memblock call comes again.
fault="MB_FAULT_CRASH_AFTER=5"
expect_error reset "the guest reset or shut down mid-trace after [0-9]* events" \
	--linux "$dir/vmlinux" --trace
fault="MB_FAULT_CRASH_AFTER=5 MB_FAULT_REBOOT=1"
expect_error reboot "the guest rebooted mid-trace after [0-9]* events: its first memblock call (memblock_reserve) came again" \
	--linux "$dir/vmlinux" --trace
fault=""

# QEMU dies mid-trace: killed (by its pid, a child of this capture) after its first stops.
"$cli" capture -o "$dir/killed.cap" --linux "$dir/vmlinux" --trace --timeout 120 \
	>"$dir/killed.out" 2>"$dir/killed.err" &
cpid=$!
q=""
i=0
while [ $i -lt 100 ] && [ -z "$q" ]; do
	sleep 0.1
	q=$(pgrep -P $cpid qemu-system 2>/dev/null | head -n 1)
	i=$((i + 1))
done
sleep 2
[ -n "$q" ] && kill -9 "$q"
wait $cpid
st=$?
[ $st -ne 0 ] || bad "killed: exit 0"
grep -q '^Error: .*QEMU exited' "$dir/killed.err" || bad "killed: $(cat "$dir/killed.err")"
[ ! -e "$dir/killed.cap" ] || bad "killed: wrote a capture"
echo "killed: exit $st: $(cat "$dir/killed.err")"

exit $fail
