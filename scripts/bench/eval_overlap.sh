#!/usr/bin/env bash
# evaluate's images/s in three modes, back to back, ROUNDS times (docs/BENCHMARKS.md):
#   sequential  --sequential --decode-threads 1   decode, then forward, one thread decoding
#   overlap     --decode-threads 1                next batch decoded during the forward pass
#   parallel    (defaults)                        overlap, the batch's images decoded one per core
# Usage: scripts/bench/eval_overlap.sh VITKIT MODEL DATA ROUNDS
v=$1; model=$2; data=$3; rounds=$4
rate() { "$v" evaluate "$model" "$data" --json "$@" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["images_per_second"], 2))'; }
for r in $(seq "$rounds"); do
  s=$(rate --sequential --decode-threads 1); o=$(rate --decode-threads 1); p=$(rate)
  python3 -c "print(f'round $r: sequential $s, overlap $o ({$o/$s:.2f}x), overlap + parallel decode $p ({$p/$s:.2f}x) images/s')"
done
