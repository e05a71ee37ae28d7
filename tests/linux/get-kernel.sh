#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# get-kernel.sh - download Debian 6.1 and 6.12 kernel packages into a cache.
#
# Usage: get-kernel.sh CACHE_DIR
# Leaves symlinks to the downloaded packages:
#   linux-6.1.deb, linux-6.12.deb                  newest cloud flavour
#   linux-6.1-generic.deb, linux-6.12-generic.deb  newest generic flavour
#   linux-6.1-pinned.deb, linux-6.12-pinned.deb    the fixtures' versions
#                                                  (PINNED_6_1, PINNED_6_12)
# CACHE_DIR/linux-6.12.none records that no 6.12 package exists. Packages
# already in the cache (or in $MB_KCACHE when set) are not
# downloaded again. A pinned version that cannot be fetched is an error.
set -eu

dir=${1:?usage: get-kernel.sh CACHE_DIR}
mkdir -p "$dir"
cd "$dir"

# Newest package whose name matches the extended regex $1.
pick() {
	apt-cache search --names-only "$1" 2>/dev/null | awk '{print $1}' | sort -V | tail -n 1
}

p61=$(pick '^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$')
if [ -z "$p61" ]; then
	# Package lists may be missing or stale on a fresh machine.
	if [ "$(id -u)" -eq 0 ]; then
		timeout 300 apt-get update -qq >/dev/null 2>&1 || true
	fi
	p61=$(pick '^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$')
fi
p612=$(pick '^linux-image-6\.12\.[0-9]+(\+deb[0-9]+)?-cloud-amd64-unsigned$')
g61=$(pick '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$')
g612=$(pick '^linux-image-6\.12\.[0-9]+(\+deb[0-9]+)?-amd64-unsigned$')
PINNED_6_1=${PINNED_6_1:-linux-image-6.1.0-56-cloud-amd64-unsigned}
PINNED_6_12=${PINNED_6_12:-linux-image-6.12.117+deb12-cloud-amd64-unsigned}
kcache=${MB_KCACHE:-}

if [ -z "$p61" ]; then
	echo "get-kernel: apt-cache knows no linux-image-6.1.0-*-cloud-amd64-unsigned" >&2
	exit 1
fi

fetch() {
	pkg=$1
	link=$2
	deb=$(ls "${pkg}"_*.deb 2>/dev/null | head -n 1 || true)
	if [ -z "$deb" ] && [ -n "$kcache" ] && [ -d "$kcache" ]; then
		src=$(ls "$kcache/${pkg}"_*.deb 2>/dev/null | head -n 1 || true)
		[ -z "$src" ] || cp "$src" . && deb=$(ls "${pkg}"_*.deb 2>/dev/null | head -n 1 || true)
	fi
	if [ -z "$deb" ]; then
		timeout 600 apt-get download -q "$pkg" >/dev/null 2>download.err || {
			echo "get-kernel: apt-get download $pkg failed:" >&2
			cat download.err >&2
			exit 1
		}
		deb=$(ls "${pkg}"_*.deb | head -n 1)
	fi
	ln -sf "$deb" "$link"
}

fetch "$p61" linux-6.1.deb
fetch "$PINNED_6_1" linux-6.1-pinned.deb
fetch "$PINNED_6_12" linux-6.12-pinned.deb
if [ -z "$g61" ] || [ -z "$g612" ]; then
	echo "get-kernel: apt-cache knows no generic linux-image-6.1.0-*/6.12.*-amd64-unsigned" >&2
	exit 1
fi
fetch "$g61" linux-6.1-generic.deb
fetch "$g612" linux-6.12-generic.deb
if [ -n "$p612" ]; then
	fetch "$p612" linux-6.12.deb
	rm -f linux-6.12.none
else
	rm -f linux-6.12.deb
	echo "no 6.12 cloud kernel package in the archive" >linux-6.12.none
fi
exit 0
