#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# no_shell.sh - no user or guest data can reach a shell: the host tools never
# call system()/popen() or run "sh -c", and gdb scripts never use a shell.
# usage: no_shell.sh SOURCE_DIR
set -u
src=$1
hits=$(grep -rnE '\b(system|popen|execl|execlp)[[:space:]]*\(|"/bin/sh"|"sh",[[:space:]]*"-c"|wordexp\(' \
	"$src/agent" "$src/cli" --include='*.c' --include='*.h' 2>/dev/null)
pypat=$(mktemp)
cat >"$pypat" <<'PAT'
os\.system
os\.popen
shell[[:space:]]*=[[:space:]]*True
subprocess\.getoutput
subprocess\.getstatusoutput
execute\([fr]?["']shell
execute\([fr]?["']!
PAT
pyhits=$(grep -rnE -f "$pypat" "$src/gdb-scripts" --include='*.py' 2>/dev/null)
rm -f "$pypat"
if [ -n "$hits$pyhits" ]; then
	echo "shell reachable from host code:"
	printf '%s\n%s\n' "$hits" "$pyhits"
	exit 1
fi
# Every exec of another program passes an argv vector (execv*/posix_spawn).
for f in $(grep -rlE '\bexec[lv]p?e?\(|posix_spawn' "$src/agent" "$src/cli" --include='*.c'); do
	if grep -nE '\bexecl' "$f"; then
		echo "$f: execl* builds a command line"
		exit 1
	fi
done
exit 0
