#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cli_bench.sh - time and peak memory of import, replay --verify, diff and map --format html.
# Usage: cli_bench.sh CLI MKCAPTURE WORKDIR [EVENTS...]   (default: 10000 1000000)
set -eu
CLI=$1
MK=$2
W=$3
shift 3
[ $# -gt 0 ] || set -- 10000 1000000
mkdir -p "$W"

# measure LABEL N CMD...: wall and user seconds (the machine may be shared: user
# time is the CPU the command needed), peak RSS and RSS per event.
measure() {
	label=$1
	n=$2
	shift 2
	# ("if ! cmd; then rc=$?" would see the status of "!", always 0.)
	rc=0
	/usr/bin/time -f "%e %U %M" -o "$W/time" "$@" >"$W/out" 2>"$W/err" || rc=$?
	# The timed commands exit 0 on these inputs; anything else is a failure,
	# not a figure (time(1) passes the command's status on).
	if [ "$rc" -ne 0 ]; then
		echo "$label: failed (exit $rc)"
		tail -5 "$W/err"
		bench_failed=1
		return 0
	fi
	read -r wall user kb <"$W/time"
	printf "%-28s %9s  %7ss wall  %7ss user  %8s KiB peak  %6s B/event\n" "$label" "$n" \
		"$wall" "$user" "$kb" "$(awk -v k="$kb" -v n="$n" 'BEGIN { printf "%.0f", k * 1024 / n }')"
}

bench_failed=0
printf "%-28s %9s  %13s  %13s  %17s  %15s\n" "operation" "events" "wall" "user" "peak RSS" "per event"
for n in "$@"; do
	"$MK" -n "$n" -o "$W/a-$n.cap" --console "$W/a-$n.log"
	"$MK" -n "$n" -v 1 -o "$W/b-$n.cap"
	events=$("$CLI" replay -q -j --to 0 "$W/a-$n.cap" | awk -F': ' '/"total_events"/ { gsub(",", "", $2); print $2 }')
	measure "import (console log)" "$events" "$CLI" import "$W/a-$n.log" -o "$W/imp-$n.cap"
	measure "replay --verify" "$events" "$CLI" replay --verify -q "$W/a-$n.cap"
	measure "diff (two captures)" "$events" "$CLI" diff --no-events "$W/a-$n.cap" "$W/b-$n.cap"
	measure "map --format html" "$events" "$CLI" map --format html -o "$W/map-$n.html" "$W/a-$n.cap"
	rm -f "$W/a-$n.log" "$W/imp-$n.cap" "$W/map-$n.html"
done
exit "$bench_failed"
