#!/usr/bin/env bash
# The main job on the shipped samples: verify every sample checkpoint (four ecosystems,
# f32/f16/bf16, big_vision scanned) against the outputs transformers recorded, a keras-hub
# preset against keras-hub's, then show a prediction.
set -euo pipefail
cd "$(dirname "$0")/.."
vitkit=${1:-.build/release/vitkit}
exp=samples/expected/expectations
check() { # checkpoint expectations [extra flags]
  printf '%-44s %-20s ' "$1" "$2"
  "$vitkit" verify "$1" --expectations "$exp/$2.json" "${@:3}" | tail -n 1
}
echo "== verify: vitkit's forward pass vs transformers (max |diff| <= 1e-4 on logits/pooler/cls)"
check samples/models/hf-classifier hf-classifier
check samples/models/hf-in21k hf-in21k
check samples/models/hf-sharded hf-sharded
check samples/models/hf-classifier-f16 hf-classifier-f16
check samples/models/hf-classifier-bf16 hf-classifier-bf16
check samples/models/tf-classifier hf-classifier
check samples/models/tf-in21k hf-in21k
check samples/models/jax/classifier.npz hf-classifier
check samples/models/jax/in21k.npz hf-in21k
# timm state dicts carry no config: give the model's (heads, LayerNorm eps 1e-12).
check samples/models/timm/classifier.safetensors hf-classifier --config samples/models/hf-classifier/config.json
check samples/models/hf-classifier hf-classifier-96   # 96 px: interpolated position embeddings
check samples/models/jax/classifier-scanned.npz hf-classifier   # big_vision scan=True: blocks stacked on axis 0
echo
echo "== keras-hub: a preset keras-hub saved, verified against keras-hub's outputs, converted both ways"
check samples/models/keras-hub/classifier keras-hub-classifier
kdir=${TMPDIR:-/tmp}/vitkit-demo-keras
"$vitkit" convert samples/models/keras-hub/classifier "$kdir-hf" --to hf --force
"$vitkit" convert samples/models/hf-classifier "$kdir" --to keras --force
check "$kdir-hf" keras-hub-classifier
check "$kdir" hf-classifier
echo
echo "== DeiT and DINOv2 (registers, SwiGLU) through their own processors, vs transformers (1e-5)"
for m in hf-deit-distilled hf-dinov2 hf-dinov2-reg hf-dinov2-swiglu; do check samples/models/family/$m family-$m; done
echo
echo "== predict"
"$vitkit" predict samples/models/hf-classifier samples/images/chelsea.png samples/images/astronaut.jpg --top-k 3
echo
echo "== inspect (layer view)"
"$vitkit" inspect samples/models/jax/in21k.npz --filter posembed
echo
echo "== evaluate (a labelled folder; metrics as scikit-learn computes them)"
plot=${TMPDIR:-/tmp}/vitkit-demo-confusion.png
"$vitkit" evaluate samples/models/hf-classifier samples/eval --plot "$plot" --force
echo "(confusion matrix heat map: $plot)"
echo
echo "== pictures: attention rollout over the photo, weight histograms"
attention=${TMPDIR:-/tmp}/vitkit-demo-attention.png
histogram=${TMPDIR:-/tmp}/vitkit-demo-histogram.png
"$vitkit" attention samples/models/hf-classifier samples/images/astronaut.jpg -o "$attention" --force
"$vitkit" inspect samples/models/hf-in21k --histogram 'encoder.layer.0.*weight' -o "$histogram" --force > /dev/null
echo "(attention: $attention; histograms: $histogram)"
echo
echo "== evaluate --compare (a converted copy: same predictions, same logits)"
"$vitkit" evaluate samples/models/hf-classifier samples/eval --compare samples/models/tf-classifier | tail -n 3
echo
echo "== embed (the in21k model's pooler output per image: .npy + .paths.json sidecar)"
embed_dir=$(mktemp -d)
trap 'rm -rf "$embed_dir"' EXIT
"$vitkit" embed samples/models/hf-in21k samples/images -o "$embed_dir/embeddings.npy"
echo
echo "== index + search (image search in Milvus: a local milvus-lite from .venv, its data in a temporary directory)"
PATH="$PWD/.venv/bin:$PATH" "$vitkit" index samples/models/hf-in21k samples/images --collection demo --data-dir "$embed_dir/milvus"
PATH="$PWD/.venv/bin:$PATH" "$vitkit" search samples/models/hf-in21k samples/images/chelsea.png --collection demo --data-dir "$embed_dir/milvus" -k 3
