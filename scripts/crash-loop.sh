#!/usr/bin/env bash
# The crash loop (docs/RELIABILITY.md, "Crash loop"):
#
#   scripts/crash-loop.sh ROUNDS [DIR]
#
# Each round starts the writer of examples/crash_loop (synced batches of
# puts, deletes and versioned puts, a large batch every 50th, compactions
# running), SIGKILLs it after a random 20-600 ms, then runs the checker,
# which reopens the database and checks it against the acknowledged batches.
# The database carries over from round to round. Prints the rounds, the
# acknowledged batches and the failures; exits 1 if any round failed.
#
# The work directory is a fresh one under DIR (default: the system temp
# dir); it is removed after a clean run, kept after a failure, with a copy
# of the database as it was after each failing kill (round-N-db/).
# CRASH_LOOP_SEED fixes the workload and kill-time seed (default: random).
# The program is built with `cargo build --release` (CARGO_TARGET_DIR is
# honoured).
set -euo pipefail

rounds="${1:-}"
if ! [[ "$rounds" =~ ^[0-9]+$ ]] || [ "$rounds" -eq 0 ]; then
  echo "usage: $0 ROUNDS [DIR]" >&2
  exit 2
fi
parent="${2:-${TMPDIR:-/tmp}}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cargo_bin="$(command -v cargo || echo "$HOME/.cargo/bin/cargo")"

(cd "$root" && "$cargo_bin" build --release --locked --quiet --example crash_loop)
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
bin="$target/release/examples/crash_loop"

seed="${CRASH_LOOP_SEED:-$(( (RANDOM << 30) ^ (RANDOM << 15) ^ RANDOM ))}"
RANDOM=$((seed % 32768))
mkdir -p "$parent"
work="$(mktemp -d "$parent/crash-loop.XXXXXX")"
db="$work/db"
echo "crash loop: $rounds rounds, seed $seed, work dir $work"

# The ack log starts each round as `start N`, N the batch to write next;
# the writer appends what it acknowledges, the checker resets it.
new_db() {
  rm -rf "$db"
  echo "start 0" >"$acks"
}
acks="$work/acks"
new_db
acked_total=0
large_total=0
failures=0
kills_in_flight=0
started=$SECONDS
for ((round = 1; round <= rounds; round++)); do
  "$bin" write "$db" "$acks" "$seed" 2>"$work/writer.err" &
  writer=$!
  delay_ms=$((20 + RANDOM % 581))
  # The delay is when the kill lands, not a wait for anything.
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -KILL "$writer" 2>/dev/null || true
  status=0
  wait "$writer" 2>/dev/null || status=$?
  if [ "$status" -ne 137 ]; then
    # The writer only ends by the kill; anything else is an error of its own.
    echo "round $round: the writer exited by itself (status $status):"
    cat "$work/writer.err"
    failures=$((failures + 1))
    cp -a "$db" "$work/round-$round-db" 2>/dev/null || true
    new_db
    continue
  fi
  if out="$("$bin" check "$db" "$acks" "$seed" 2>&1)"; then
    # ok start=S acked=A large_acked=L marker=K
    read -r _ s a l k <<<"$out"
    acked_total=$((acked_total + ${a#acked=}))
    large_total=$((large_total + ${l#large_acked=}))
    s=${s#start=}
    k=${k#marker=}
    # The batch in flight at the kill made it to disk, unacknowledged.
    if [ "$k" != none ] && [ "$k" -eq $((s + ${a#acked=})) ]; then
      kills_in_flight=$((kills_in_flight + 1))
    fi
  else
    echo "round $round (killed after $delay_ms ms) FAILED:"
    echo "$out"
    failures=$((failures + 1))
    cp -a "$db" "$work/round-$round-db"
    cp "$acks" "$work/round-$round-acks"
    # Later rounds start over on a fresh database: the model no longer fits.
    new_db
  fi
  if [ $((round % 50)) -eq 0 ] && [ "$round" -lt "$rounds" ]; then
    echo "  ... $round rounds, $acked_total acknowledged, $failures failures ($((SECONDS - started)) s)"
  fi
done

echo "rounds: $rounds"
echo "acknowledged batches: $acked_total (large: $large_total)"
echo "kills after an unacknowledged batch reached the journal: $kills_in_flight"
echo "failures: $failures"
echo "seconds: $((SECONDS - started))"
if [ "$failures" -ne 0 ]; then
  echo "kept for inspection: $work"
  exit 1
fi
rm -rf "$work"
