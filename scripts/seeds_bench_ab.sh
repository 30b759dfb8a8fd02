#!/usr/bin/env bash
# Side-by-side runs of two builds of examples/seeds_bench.rs (docs/PERFORMANCE.md,
# "Merkle proofs"): each pair of runs alternates the two programs (the order
# flips every repetition) so that a noisy machine hurts both alike.
#
#   scripts/seeds_bench_ab.sh A_BIN B_BIN OUT_DIR [REPS]
#
# A_BIN, B_BIN: seeds_bench binaries (e.g. one built at main, one at this
# branch: `cargo build --release --example seeds_bench`, then copy
# target/release/examples/seeds_bench). Writes one file per run into
# OUT_DIR (lines `metric value unit`):
#   seeds-<a|b>-<rep>.txt     the seeds' workload on a fresh database
#   ab-<a|b>-<rep>.txt        its reads again on a copy of one kept database
#                             (the same layout for both programs)
#   root-<a|b>-<rep>.txt      --root-every 1000 (random keys)
#   rootseq-<a|b>-<rep>.txt   --root-every 1000 --order seq
#   fill-<a|b>.txt            --fill-compare (on/off interleaved inside)
set -euo pipefail
a=$1 b=$2 out=$3 reps=${4:-3}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pair() { # rep, function: runs `function BIN a|b REP` for both, alternating
  local rep=$1
  shift
  local order=(a b)
  if ((rep % 2 == 0)); then order=(b a); fi
  for which in "${order[@]}"; do
    local bin=$a
    [ "$which" = b ] && bin=$b
    "$@" "$bin" "$which" "$rep"
  done
}

seeds() { "$1" --dir "$tmp" >"$out/seeds-$2-$3.txt"; }
reads() {
  rm -rf "$tmp/copy"
  cp -r "$kept" "$tmp/copy"
  "$1" --existing "$tmp/copy" >"$out/ab-$2-$3.txt"
}
root() { "$1" --root-every 1000 >"$out/root-$2-$3.txt"; }
rootseq() { "$1" --root-every 1000 --order seq >"$out/rootseq-$2-$3.txt"; }

for r in $(seq 1 "$reps"); do pair "$r" seeds; done
# One database for the read comparison, written by A and kept.
"$a" --dir "$tmp" --keep --rounds 1 >"$tmp/keep.txt"
kept=$(sed -n 's/^# kept //p' "$tmp/keep.txt")
for r in $(seq 1 "$reps"); do pair "$r" reads; done
for r in $(seq 1 "$reps"); do pair "$r" root; done
for r in $(seq 1 "$reps"); do pair "$r" rootseq; done
"$a" --fill-compare --reps "$reps" >"$out/fill-a.txt"
"$b" --fill-compare --reps "$reps" >"$out/fill-b.txt"
echo "results in $out"
