#!/usr/bin/env bash
# alternate.sh VITKIT MODEL DATA ROUNDS: evaluate with and without overlap, back to back, ROUNDS times.
v=$1; model=$2; data=$3; rounds=$4
for r in $(seq "$rounds"); do
  a=$("$v" evaluate "$model" "$data" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')
  b=$("$v" evaluate "$model" "$data" --json --sequential | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')
  python3 -c "print(f'round $r: overlap {$a:.2f} s, sequential {$b:.2f} s, speed-up {$b/$a:.2f}x')"
done
