#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# regen.sh - rebuild the synthetic captures and the golden outputs (review the diff!).
# Usage: tests/cli/regen.sh BUILD_DIR
set -eu
B=${1:?usage: regen.sh BUILD_DIR}
D=$(cd "$(dirname "$0")/../.." && pwd)
"$B/tests/mb-mkcapture" -n 400 -o "$D/tests/data/cli/synth.cap"
"$B/tests/mb-mkcapture" -n 400 -v 1 -o "$D/tests/data/cli/synth-v1.cap"
"$B/tests/mb-mkcapture" -n 200 -d 5 -o "$D/tests/data/cli/synth-dropped.cap"
cd "$B" && MB_UPDATE_GOLDEN=1 ctest -R '^cli\.(dump|log|replay|diff|import|help)' -L cli >/dev/null || true
