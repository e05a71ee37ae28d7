#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# deb_test.sh - build the Debian package from a copy of the source tree, check
# what it holds, run lintian, unpack it into a scratch root (dpkg -x) and use
# it from there with the source and build trees hidden (installed_check.sh).
# Usage: deb_test.sh SOURCE_DIR BUILD_DIR
set -eu
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
for t in dpkg-buildpackage dh lintian fakeroot; do
	command -v $t >/dev/null || fail "$t not installed (scripts/deps)"
done

work=$(mktemp -d /tmp/memblock-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
# The source as a clean clone has it: no VCS data, no build trees.
rel=${build#"$src"/}
(cd "$src" && tar --exclude=./.git --exclude='./build*' --exclude='./obj-*' \
	--exclude="./$rel" -cf - .) | tar -C "$work/src" -xf -

echo "deb-test: dpkg-buildpackage -b -us -uc (log: $work/build.log)"
(cd "$work/src" && DEB_BUILD_OPTIONS="nocheck parallel=${MB_DEB_JOBS:-2}" \
	dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1 ||
	fail "dpkg-buildpackage: $(tail -n 20 "$work/build.log")"
deb=$(ls "$work"/memblock-cli_*_amd64.deb)

dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$work/contents"
echo "deb-test: $(basename "$deb"): $(grep -vc '/$' "$work/contents") files"
for f in /usr/bin/memblock-cli \
	 /usr/share/memblock-cli/kernel.elf /usr/share/memblock-cli/kernel-doubling.elf \
	 /usr/share/memblock-cli/kernel-multiboot.elf /usr/share/memblock-cli/demo \
	 /usr/share/memblock-cli/gdb/memblock-gdb.py \
	 /usr/share/memblock-cli/gdb/mbgdb/commands.py \
	 /usr/share/memblock-cli/gdb/mbgdb/_where.py \
	 /usr/share/gdb/auto-load/usr/share/memblock-cli/kernel.elf-gdb.py \
	 /usr/lib/python3/dist-packages/memblock/__init__.py \
	 /usr/lib/python3/dist-packages/memblock/_consts.py \
	 /usr/lib/python3/dist-packages/memblock/_where.py \
	 /usr/lib/x86_64-linux-gnu/memblock-cli/libmbcapture.so \
	 /usr/share/man/man1/memblock-cli.1.gz /usr/share/man/man1/memblock-cli-capture.1.gz \
	 /usr/share/man/man1/memblock-cli-diff.1.gz \
	 /usr/share/bash-completion/completions/memblock-cli \
	 /usr/share/doc/memblock-cli/copyright; do
	grep -qx "$f" "$work/contents" || fail "$f is not in the package"
done
dpkg-deb -f "$deb" Depends | grep -q 'qemu-system-x86' || fail "Depends lacks qemu-system-x86"
dpkg-deb -f "$deb" Recommends | grep -q 'gdb' || fail "gdb is not recommended"

# lintian: errors fail the test, warnings are shown.
lintian --tag-display-limit 0 "$deb" >"$work/lintian.txt" 2>&1 || true
grep -v '^running with root' "$work/lintian.txt" || true
if grep -q '^E: ' "$work/lintian.txt"; then
	fail "lintian reports errors"
fi

mkdir "$work/root"
dpkg -x "$deb" "$work/root"
sh "$src/tests/install/installed_check.sh" "$work/root/usr" "$work" "$src" "$build" ||
	fail "the unpacked package does not work on its own"
