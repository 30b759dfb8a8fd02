#!/usr/bin/env bash
# Runs every test: configures and builds with CMake (which builds the Rust
# library with cargo), then one ctest run covers cargo fmt --check, clippy,
# the Rust test suite (including the header drift test) and the C tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cmake_bin="$(scripts/ensure-cmake.sh)"
ctest_bin="$(dirname "$cmake_bin")/ctest"
build="${AVCCDB_BUILD_DIR:-build}"
"$cmake_bin" -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAVCCDB_SANITIZE=ON
"$cmake_bin" --build "$build" -j 2
cd "$build"
"$ctest_bin" --output-on-failure "$@"
