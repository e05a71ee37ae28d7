#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cli_drops.sh - a capture whose event log overflowed: the named command must
# say so (text and JSON mode).
# usage: cli_drops.sh CLI MAKER WORKDIR COMMAND
set -u
cli=$1 maker=$2 work=$3 cmd=$4
mkdir -p "$work"
cap=$work/dropped.mbcap
"$maker" make_dropped_capture "$cap" || exit 1
case $cmd in
diff) args="$cap $cap" ;;
*) args="$cap" ;;
esac
for mode in text json; do
	if [ $mode = json ]; then
		out=$($cli $cmd -j $args 2>&1 | sed "s|$cap|CAP|g")
	else
		out=$($cli $cmd $args 2>&1 | sed "s|$cap|CAP|g")
	fi
	case $out in *"Error: CAP"*|*'"error"'*)
		echo "'memblock-cli $cmd' ($mode) cannot read the capture: $out"; exit 1 ;;
	esac
	# The count itself, 7: every JSON document has a "dropped" member (0 on
	# a complete log) and the capture's path says "drop", so neither the
	# word nor the member alone shows that the loss was reported.
	if [ $mode = json ]; then
		want='"(log_|a_|b_)?dropped": 7[,}]'
	else
		want='(^|[^0-9])7 calls were not recorded|dropped 7 calls'
	fi
	if ! printf '%s\n' "$out" | grep -Eq "$want"; then
		echo "'memblock-cli $cmd $args' ($mode) does not report the 7 dropped events:"
		echo "$out" | head -20
		exit 1
	fi
done
exit 0
