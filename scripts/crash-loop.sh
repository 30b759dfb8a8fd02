#!/usr/bin/env bash
# The crash loop (docs/RELIABILITY.md, "Crash loop"):
#
#   scripts/crash-loop.sh ROUNDS [DIR]
#
# Each round starts the writer of examples/crash_loop (two threads writing
# synced batches of puts, deletes and versioned puts, a large batch every
# 50th, compactions running) and SIGKILLs it after a random 20-600 ms; one round in three
# then also reopens the database and SIGKILLs that after 0-99 ms, in the
# middle of its recovery or not; then the checker reopens the database and
# checks it against the acknowledged batches. The database carries over
# from round to round. Prints the rounds, the acknowledged batches and the
# failures; exits 1 if any round failed.
#
# The work directory is a fresh one under DIR (default: the system temp
# dir); it is removed after a clean run, kept after a failure, with a copy
# of the database as it was after each failing kill (round-N-db/).
# CRASH_LOOP_SEED fixes the workload and kill-time seed (default: random;
# kill times still vary with the machine's load). The program is built
# with `cargo build --release`, or with the dev profile `cargo test` uses
# when CRASH_LOOP_PROFILE=dev (CARGO and CARGO_TARGET_DIR are honoured).
set -euo pipefail

# Starts a fresh database and an empty ack log (the writer appends what it
# acknowledges; the checker resets the log to where each writer goes on).
new_db() {
  rm -rf "$db"
  : >"$acks"
}

# Counts a failed round, keeps its database and starts over on a new one
# (the model no longer fits the old one).
fail_round() {
  failures=$((failures + 1))
  cp -a "$db" "$work/round-$round-db" 2>/dev/null || true
  cp "$acks" "$work/round-$round-acks"
  new_db
}

# Runs "$@" in the background and SIGKILLs it after $1 milliseconds (then
# shifted off); sets `status` to its exit status (137: killed).
run_and_kill() {
  local ms=$1
  shift
  "$@" &
  local pid=$!
  # The delay is when the kill lands, not a wait for anything.
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  kill -KILL "$pid" 2>/dev/null || true
  status=0
  wait "$pid" 2>/dev/null || status=$?
}

# Everything runs from main, and the line that calls it also exits, so bash
# has read the whole script before any of it runs: editing the file during
# a long run cannot derail that run.
main() {
  rounds="${1:-}"
  if ! [[ "$rounds" =~ ^[0-9]+$ ]] || [ "$rounds" -eq 0 ]; then
    echo "usage: $0 ROUNDS [DIR]" >&2
    exit 2
  fi
  local parent="${2:-${TMPDIR:-/tmp}}"
  local root cargo_bin target bin seed profile out_dir
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cargo_bin="${CARGO:-$(command -v cargo || echo "$HOME/.cargo/bin/cargo")}"
  profile="${CRASH_LOOP_PROFILE:-release}"
  case "$profile" in
    release) out_dir=release ;;
    dev) out_dir=debug ;;
    *) echo "CRASH_LOOP_PROFILE must be release or dev" >&2; exit 2 ;;
  esac
  (cd "$root" && "$cargo_bin" build --profile "$profile" --locked --quiet --example crash_loop)
  target="${CARGO_TARGET_DIR:-$root/target}"
  case "$target" in /*) ;; *) target="$root/$target" ;; esac
  bin="$target/$out_dir/examples/crash_loop"

  seed="${CRASH_LOOP_SEED:-$(((RANDOM << 30) ^ (RANDOM << 15) ^ RANDOM))}"
  RANDOM=$((seed % 32768))
  mkdir -p "$parent"
  work="$(mktemp -d "$parent/crash-loop.XXXXXX")"
  db="$work/db"
  acks="$work/acks"
  echo "crash loop: $rounds rounds, seed $seed, $profile build, work dir $work"
  new_db

  failures=0
  local acked_total=0 large_total=0 in_flight=0 before_large=0
  local reopens=0 reopens_killed=0 started=$SECONDS
  local delay out a l f x
  for ((round = 1; round <= rounds; round++)); do
    delay=$((20 + RANDOM % 581))
    run_and_kill "$delay" "$bin" write "$db" "$acks" "$seed" 2>"$work/writer.err"
    if [ "$status" -ne 137 ]; then
      # The writer only ends by the kill; anything else is its own error.
      echo "round $round: the writer exited by itself (status $status):"
      cat "$work/writer.err"
      fail_round
      continue
    fi
    if [ $((RANDOM % 3)) -eq 0 ]; then
      reopens=$((reopens + 1))
      run_and_kill $((RANDOM % 100)) "$bin" reopen "$db" 2>"$work/reopen.err"
      case "$status" in
        0) ;;
        137) reopens_killed=$((reopens_killed + 1)) ;;
        *)
          echo "round $round: the reopen after the kill failed (status $status):"
          cat "$work/reopen.err"
          fail_round
          continue
          ;;
      esac
    fi
    if out="$("$bin" check "$db" "$acks" "$seed" 2>&1)"; then
      # ok acked=A large_acked=L in_flight=F next_large=X held=K0,K1
      read -r _ a l f x _ <<<"$out"
      acked_total=$((acked_total + ${a#acked=}))
      large_total=$((large_total + ${l#large_acked=}))
      in_flight=$((in_flight + ${f#in_flight=}))
      before_large=$((before_large + ${x#next_large=}))
    else
      echo "round $round (writer killed after $delay ms) FAILED:"
      echo "$out"
      fail_round
    fi
    if [ $((round % 50)) -eq 0 ] && [ "$round" -lt "$rounds" ]; then
      echo "  ... $round rounds, $acked_total acknowledged, $failures failures ($((SECONDS - started)) s)"
    fi
  done

  echo "rounds: $rounds"
  echo "acknowledged batches: $acked_total (large: $large_total)"
  echo "unacknowledged batches found in the database (in flight at the kill): $in_flight"
  echo "writers killed with a large batch next to acknowledge: $before_large"
  echo "reopens after a kill: $reopens (killed in turn: $reopens_killed)"
  echo "failures: $failures"
  echo "seconds: $((SECONDS - started))"
  if [ "$failures" -ne 0 ]; then
    echo "kept for inspection: $work"
    exit 1
  fi
  rm -rf "$work"
}

main "$@"; exit
