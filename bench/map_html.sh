#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# map_html.sh - time and peak memory of `memblock-cli map` (html and text) on 10k and 1M events.
# Usage: map_html.sh MEMBLOCK_CLI MB_MAP_GENCAP [EVENTS...]
set -eu
cli=$1
gencap=$2
shift 2
[ $# -gt 0 ] || set -- 10000 1000000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

measure() {	# label events command...
	label=$1
	n=$2
	shift 2
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null
	read -r secs kib < "$tmp/time"
	awk -v l="$label" -v n="$n" -v s="$secs" -v k="$kib" 'BEGIN {
		printf "%-22s %8d events  %6.2f s  peak %7.1f MiB  %6.1f bytes/event\n",
			l, n, s, k / 1024, k * 1024 / n }'
}

for n in "$@"; do
	"$gencap" "$n" "$tmp/cap"
	measure "map --format html" "$n" "$cli" map --format html -o "$tmp/map.html" "$tmp/cap"
	printf '%-22s %8d events  page %s bytes\n' "" "$n" "$(wc -c < "$tmp/map.html")"
	measure "map (text)" "$n" "$cli" map --width 100 "$tmp/cap"
	measure "map -j" "$n" "$cli" map -j "$tmp/cap"
done
