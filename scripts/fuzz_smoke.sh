#!/usr/bin/env bash
# CI smoke run of every cargo-fuzz target (fuzz/): builds them with the
# nightly toolchain and runs each briefly from seeds that `make_corpus`
# (built with them) takes from files the engine writes, failing on any
# crash, hang or out-of-memory.
# Without `cargo +nightly` and cargo-fuzz it prints "skipped" and exits 77
# (CTest's SKIP_RETURN_CODE). Long runs: fuzz/README.md.
# Usage: scripts/fuzz_smoke.sh [seconds per target, default 5]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-5}"

if ! cargo +nightly --version >/dev/null 2>&1 ||
  ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz-smoke: skipped: nightly toolchain / cargo-fuzz not available"
  exit 77
fi

cd "$root/fuzz"
# Release with debug assertions and overflow checks, as the long runs.
cargo +nightly fuzz build -O -a
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
host="$(rustc +nightly -vV | sed -n 's/^host: //p')"
"target/$host/release/make_corpus" "$work/seeds"
for target in $(cargo +nightly fuzz list); do
  [ -d "$work/seeds/$target" ] || continue
  mkdir -p "$work/$target"
  echo "fuzz-smoke: $target (${secs}s)"
  if ! cargo +nightly fuzz run -O -a "$target" "$work/$target" "$work/seeds/$target" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$work/" >"$work/$target.log" 2>&1; then
    tail -n 40 "$work/$target.log"
    echo "fuzz-smoke: $target FAILED; its input is kept in $work"
    trap - EXIT
    exit 1
  fi
  grep -E '^Done [0-9]+ runs' "$work/$target.log" || tail -n 1 "$work/$target.log"
done
echo "fuzz-smoke: every target ran without a crash"
