#!/usr/bin/env bash
# Converts the shipped samples with vitkit to every ecosystem and checks, with the reference
# libraries (transformers, TensorFlow, timm, numpy; big_vision scanned npz through timm's
# big_vision loader; keras-hub presets through keras-hub), that the files load and give the same
# outputs as the source model. Needs the Python environment of samples/generate.py:
#   PYTHON=/path/to/venv/bin/python scripts/check-ecosystems.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
vitkit=${VITKIT:-.build/release/vitkit}
out=${1:-$(mktemp -d)}
mkdir -p "$out"
m=samples/models
cfg="--config $m/hf-classifier/config.json"
args=(--reference "$m/hf-classifier")
for src in hf-classifier tf-classifier jax/classifier.npz jax/classifier-scanned.npz jax/classifier-scanned-tok.npz timm/classifier.safetensors; do
  tag=$(echo "$src" | tr '/.' '__')
  extra=""; [[ $src == timm/* ]] && extra=$cfg
  "$vitkit" convert "$m/$src" "$out/$tag-hf" --to hf --force $extra >/dev/null
  "$vitkit" convert "$m/$src" "$out/$tag-tf" --to tf --force $extra >/dev/null
  "$vitkit" convert "$m/$src" "$out/$tag.npz" --to jax --force $extra >/dev/null
  "$vitkit" convert "$m/$src" "$out/$tag-timm.safetensors" --to timm --force $extra >/dev/null
  "$vitkit" convert "$m/$src" "$out/$tag-scanned.npz" --to jax --scanned --force $extra >/dev/null
  args+=(--hf "$out/$tag-hf" --tf "$out/$tag-tf" --jax "$out/$tag.npz" --timm "$out/$tag-timm.safetensors"
         --big-vision "$out/$tag-scanned.npz")
done
"$python" samples/generate.py check "${args[@]}"

# keras-hub presets written by vitkit, loaded by keras-hub (own process, Keras 3): from every
# classifier source, compared with transformers' outputs; from keras-hub's own preset, with
# keras-hub's.
presets=()
for src in hf-classifier tf-classifier jax/classifier.npz jax/classifier-scanned.npz jax/classifier-scanned-tok.npz timm/classifier.safetensors; do
  tag=$(echo "$src" | tr '/.' '__')
  extra=""; [[ $src == timm/* ]] && extra=$cfg
  "$vitkit" convert "$m/$src" "$out/$tag-keras" --to keras --force $extra >/dev/null
  presets+=("$out/$tag-keras")
done
"$python" samples/generate_keras.py check --expectations samples/expected/expectations/hf-classifier.json "${presets[@]}"
"$vitkit" convert "$m/keras-hub/classifier" "$out/keras-hub-keras" --to keras --force >/dev/null
"$vitkit" convert "$out/keras-hub-keras" "$out/keras-hub-hf" --to hf --force >/dev/null
"$vitkit" convert "$out/keras-hub-hf" "$out/keras-hub-hf-keras" --to keras --force >/dev/null
"$python" samples/generate_keras.py check --expectations samples/expected/expectations/keras-hub-classifier.json \
  "$out/keras-hub-keras" "$out/keras-hub-hf-keras"

# The in21k layout (pooler, no classifier); timm has no pooler, so --drop-pooler there.
args=(--reference "$m/hf-in21k")
for src in hf-in21k tf-in21k jax/in21k.npz; do
  tag=$(echo "$src" | tr '/.' '__')
  "$vitkit" convert "$m/$src" "$out/$tag-hf" --to hf --force >/dev/null
  "$vitkit" convert "$m/$src" "$out/$tag-tf" --to tf --force >/dev/null
  "$vitkit" convert "$m/$src" "$out/$tag.npz" --to jax --force >/dev/null
  "$vitkit" convert "$m/$src" "$out/$tag-timm.safetensors" --to timm --drop-pooler --force >/dev/null
  args+=(--hf "$out/$tag-hf" --tf "$out/$tag-tf" --jax "$out/$tag.npz" --timm "$out/$tag-timm.safetensors")
done
"$python" samples/generate.py check "${args[@]}"

# DeiT and DINOv2 (samples/models/family): transformers -> timm and timm -> transformers, each
# loaded by the other library and compared with what that library recorded.
f=$m/family
for kind in dinov2 dinov2-reg deit-distilled dinov2-swiglu; do
  "$vitkit" convert "$f/hf-$kind" "$out/family-$kind-timm.safetensors" --to timm --force >/dev/null 2>&1
  "$vitkit" convert "$f/timm-$kind.safetensors" "$out/family-$kind-hf" --to hf --heads 4 --force >/dev/null 2>&1
  "$python" samples/generate_family.py check "$kind" --hf "$out/family-$kind-hf" --timm "$out/family-$kind-timm.safetensors"
done
# transformers-only kinds (timm has no cls + patch mean head and no pooler): through native and back.
for kind in dinov2-classifier deit-model; do
  "$vitkit" convert "$f/hf-$kind" "$out/family-$kind.safetensors" --to native --force >/dev/null
  "$vitkit" convert "$out/family-$kind.safetensors" "$out/family-$kind-hf" --to hf --force >/dev/null
  "$python" samples/generate_family.py check "$kind" --hf "$out/family-$kind-hf"
done
