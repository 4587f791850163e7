"""Relative change per graph part between sample checkpoints, as numpy computes it, for
`vitkit inspect A --compare B` tests.

For each pair (A, B) of Hugging Face model directories, reads model.safetensors with
safetensors.numpy and writes samples/expected/compare.json:
  {"A vs B": {part: sqrt(sum ||a - b||^2) / sqrt(sum ||b||^2) over the part's tensors in both}}
(float64). Parts follow the names: embeddings (embeddings.*), block i (encoder.layer.i.*),
final layernorm (layernorm.*), pooler, classifier; tensors in one model only are left out.

Run: python samples/compare_reference.py   (needs numpy, safetensors)
"""
import json
import os
import re

import numpy as np
from safetensors.numpy import load_file

HERE = os.path.dirname(os.path.abspath(__file__))
PAIRS = [("hf-classifier", "hf-classifier-f16"), ("hf-classifier", "hf-in21k"), ("hf-classifier", "hf-classifier")]


def part(name):
    name = name[4:] if name.startswith("vit.") else name
    m = re.match(r"encoder\.layer\.(\d+)\.", name)
    if m:
        return f"block {m.group(1)}"
    for prefix, label in (("embeddings.", "embeddings"), ("layernorm.", "final layernorm"), ("pooler.", "pooler"),
                          ("classifier.", "classifier")):
        if name.startswith(prefix):
            return label
    raise ValueError(name)


def load(model):
    return {(k[4:] if k.startswith("vit.") else k): v.astype(np.float64)
            for k, v in load_file(os.path.join(HERE, "models", model, "model.safetensors")).items()}


def main():
    out = {}
    for a_name, b_name in PAIRS:
        a, b = load(a_name), load(b_name)
        sums = {}
        for k in a:
            if k not in b or a[k].shape != b[k].shape:
                continue
            change, norm = sums.get(part(k), (0.0, 0.0))
            sums[part(k)] = (change + float(((a[k] - b[k]) ** 2).sum()), norm + float((b[k] ** 2).sum()))
        out[f"{a_name} vs {b_name}"] = {p: (c ** 0.5) / (n ** 0.5) for p, (c, n) in sums.items()}
    path = os.path.join(HERE, "expected", "compare.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", os.path.relpath(path, HERE))


if __name__ == "__main__":
    main()
