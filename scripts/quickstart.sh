#!/usr/bin/env bash
# The main job: builds libavccdb and the C quickstart, then runs it on a
# database in ./quickstart-db.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cmake_bin="$(scripts/ensure-cmake.sh)"
build="${AVCCDB_BUILD_DIR:-build}"
"$cmake_bin" -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
"$cmake_bin" --build "$build" -j 2 --target quickstart >/dev/null
exec "$build/examples/quickstart" "${1:-$root/quickstart-db}"
