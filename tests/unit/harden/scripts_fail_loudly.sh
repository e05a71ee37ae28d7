#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# scripts_fail_loudly.sh - scripts/check and bench/cli/cli_bench.sh cannot pass quietly:
# every ctest pass of scripts/check refuses to run zero tests, and the CLI
# benchmark reports (and exits non-zero on) a command that crashes instead of
# timing it as a success.
# usage: scripts_fail_loudly.sh SOURCE_DIR MKCAPTURE WORK_DIR
set -u
src=$1 mkcap=$2 work=$3
fail=0
rm -rf "$work"
mkdir -p "$work"

# 1. scripts/check: each line that runs ctest carries --no-tests=error.
n=0
while IFS= read -r line; do
	case $line in
	'#'*) continue ;;
	*ctest\ *)
		n=$((n + 1))
		case $line in
		*--no-tests=error*) ;;
		*) echo "scripts/check: a ctest pass without --no-tests=error: $line"; fail=1 ;;
		esac ;;
	esac
done <"$src/scripts/check"
if [ "$n" -lt 4 ]; then
	echo "scripts/check: expected at least 4 ctest passes, found $n"
	fail=1
fi

# 2. cli_bench.sh with a memblock-cli that dies of SIGSEGV (except for the
# event count query it makes first): every operation must say "failed" and
# the script must exit non-zero.
fake=$work/crashing-cli
cat >"$fake" <<'EOS'
#!/bin/sh
if [ "$1" = replay ] && [ "$2" = -q ]; then
	echo '"total_events": 100,'
	exit 0
fi
kill -SEGV $$
EOS
chmod +x "$fake"
out=$(sh "$src/bench/cli/cli_bench.sh" "$fake" "$mkcap" "$work/bench" 100 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
	echo "cli_bench.sh exited 0 although every timed command crashed:"
	echo "$out"
	fail=1
fi
nfailed=$(printf '%s\n' "$out" | grep -c ': failed (exit 139)$')
if [ "$nfailed" -ne 4 ]; then
	echo "cli_bench.sh: $nfailed of 4 crashing operations reported as failed:"
	echo "$out"
	fail=1
fi
exit $fail
