"""Statistics of sample tensors as numpy computes them, for `vitkit inspect --stats` tests.

Writes samples/stats/flags.safetensors (tensors with NaN/Inf, all zeros, an all-ones norm gain,
an outlier block) with safetensors.numpy, then samples/expected/tensor-stats.json:
{file: {tensor: {min, max, mean, std, nan, inf, zeros, histogram}}} over the float64 values of
each tensor (min/max/mean/std of the finite values, std with ddof=0; null when none is finite;
histogram: numpy.histogram's counts of the finite values in 16 equal bins over [min, max]).
f32, f16 and bf16 safetensors (read by safetensors), f32 and f16 npz (numpy) and f32 and f16 h5
(h5py; names as vitkit lists them: dataset paths, in a Keras weights file without the layer group).

Run: python samples/tensor_stats.py   (needs numpy, safetensors, h5py, torch for the bf16 file)
"""
import json
import os

import h5py
import numpy as np
import torch
from safetensors.numpy import save_file
from safetensors.torch import load_file

HERE = os.path.dirname(os.path.abspath(__file__))


def flags_file(path):
    rng = np.random.default_rng(7)
    bad = rng.standard_normal(64).astype(np.float32)
    bad[3], bad[10], bad[11] = np.nan, np.inf, -np.inf
    tensors = {
        "bad.weight": bad,
        "zeros.bias": np.zeros(16, np.float32),
        "blocks.0.norm.weight": np.ones(32, np.float32),
    }
    for i in range(5):
        tensors[f"blocks.{i}.fc.weight"] = (rng.standard_normal((8, 8)) * (50.0 if i == 3 else 1.0)).astype(np.float32)
    save_file(tensors, path)


def stats(t):
    if isinstance(t, np.ndarray):
        x = t.astype(np.float64).ravel()
    else:
        x = t.float().numpy().astype(np.float64).ravel() if t.dtype == torch.bfloat16 else t.numpy().astype(np.float64).ravel()
    finite = x[np.isfinite(x)]
    def num(v):
        return None if finite.size == 0 else float(v)
    histogram = np.histogram(finite, bins=16, range=(finite.min(), finite.max()))[0] if finite.size else np.zeros(16)
    return {
        "histogram": [int(c) for c in histogram],
        "min": num(finite.min() if finite.size else 0), "max": num(finite.max() if finite.size else 0),
        "mean": num(finite.mean() if finite.size else 0), "std": num(finite.std() if finite.size else 0),
        "nan": int(np.isnan(x).sum()), "inf": int(np.isinf(x).sum()), "zeros": int((x == 0).sum()),
    }


def f16_files(npz_path, h5_path):
    """The same f16 tensors in an npz (numpy) and an h5 (h5py): stats of f16 values in each container."""
    rng = np.random.default_rng(11)
    arrays = {"w16": (rng.standard_normal((24, 8)) * 3).astype(np.float16),
              "b16": np.concatenate([rng.standard_normal(13), [0.0, 0.0, 65504.0]]).astype(np.float16)}
    np.savez(npz_path, **arrays)
    with h5py.File(h5_path, "w") as f:
        g = f.create_group("layer")
        for k, v in arrays.items():
            g.create_dataset(k, data=v)


def tensors(path):
    if path.endswith(".safetensors"):
        return load_file(path)
    if path.endswith(".npz"):
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    found = {}
    with h5py.File(path, "r") as f:
        # A Keras weights file lists weight names (the path below the layer group); any other
        # h5 lists dataset paths.
        keras = "layer_names" in f.attrs
        f.visititems(lambda n, o: found.__setitem__(n.split("/", 1)[1] if keras else n, o[()])
                     if isinstance(o, h5py.Dataset) else None)
    return found


if __name__ == "__main__":
    flags_path = os.path.join(HERE, "stats", "flags.safetensors")
    os.makedirs(os.path.dirname(flags_path), exist_ok=True)
    flags_file(flags_path)
    f16_files(os.path.join(HERE, "stats", "f16.npz"), os.path.join(HERE, "stats", "f16.h5"))
    files = ["stats/f16.npz", "stats/f16.h5", "stats/flags.safetensors", "models/hf-in21k/model.safetensors", "models/hf-classifier-bf16/model.safetensors",
             "models/hf-classifier-f16/model.safetensors", "models/jax/classifier.npz", "models/tf-classifier/tf_model.h5"]
    out = {f: {k: stats(v) for k, v in tensors(os.path.join(HERE, f)).items()} for f in files}
    with open(os.path.join(HERE, "expected", "tensor-stats.json"), "w") as fh:
        json.dump(out, fh, indent=1, sort_keys=True)
