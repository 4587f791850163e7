"""Statistics of sample tensors as numpy computes them, for `vitkit inspect --stats` tests.

Writes samples/stats/flags.safetensors (tensors with NaN/Inf, all zeros, an all-ones norm gain,
an outlier block) with safetensors.numpy, then samples/expected/tensor-stats.json:
{file: {tensor: {min, max, mean, std, nan, inf, zeros}}} over the float64 values of each tensor
(min/max/mean/std of the finite values, std with ddof=0; null when none is finite).

Run: python samples/tensor_stats.py   (needs numpy, safetensors, torch for the bf16 file)
"""
import json
import os

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
    x = t.float().numpy().astype(np.float64).ravel() if t.dtype == torch.bfloat16 else t.numpy().astype(np.float64).ravel()
    finite = x[np.isfinite(x)]
    def num(v):
        return None if finite.size == 0 else float(v)
    return {
        "min": num(finite.min() if finite.size else 0), "max": num(finite.max() if finite.size else 0),
        "mean": num(finite.mean() if finite.size else 0), "std": num(finite.std() if finite.size else 0),
        "nan": int(np.isnan(x).sum()), "inf": int(np.isinf(x).sum()), "zeros": int((x == 0).sum()),
    }


if __name__ == "__main__":
    flags_path = os.path.join(HERE, "stats", "flags.safetensors")
    os.makedirs(os.path.dirname(flags_path), exist_ok=True)
    flags_file(flags_path)
    files = ["stats/flags.safetensors", "models/hf-in21k/model.safetensors", "models/hf-classifier-bf16/model.safetensors"]
    out = {f: {k: stats(v) for k, v in load_file(os.path.join(HERE, f)).items()} for f in files}
    with open(os.path.join(HERE, "expected", "tensor-stats.json"), "w") as fh:
        json.dump(out, fh, indent=1, sort_keys=True)
