#!/usr/bin/env bash
# The main job on the shipped samples: inspect the transformers-written checkpoint.
set -euo pipefail
vitkit=${1:-.build/release/vitkit}
cd "$(dirname "$0")/.."
echo "== vitkit inspect samples/models/hf-in21k"
"$vitkit" inspect samples/models/hf-in21k
