"""Attention maps as transformers computes them, for `vitkit attention` tests.

For the sample checkpoints and images below, runs transformers' ViTModel with the eager
attention and `output_attentions=True` on the pixel tensors ViTImageProcessor made
(samples/expected/pixels/<image>.npy), and records in samples/expected/attention.json:

  {checkpoint: {image: {"layers": [[cls row of the head-mean attention, over every token], ...],
                        "rollout": [cls row of the attention rollout, over every token]}}}

Rollout (Abnar & Zuidema 2020, head fusion "mean", as jacobgil/vit-explain computes it):
A_l = mean over heads of layer l's attention; A'_l = (A_l + I) / 2, rows renormalised to sum 1;
R = A'_L ... A'_1 (float64); the class token's row of R.

Run: python samples/attention_reference.py   (needs torch, transformers, numpy)
"""
import json
import os

import numpy as np
import torch
from transformers import ViTModel

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = {"hf-classifier": ["chelsea.png", "astronaut.jpg"], "hf-in21k": ["coffee-rgba.png"]}


def rollout(layers):
    t = layers[0].shape[0]
    r = np.eye(t)
    for a in layers:
        a = (a + np.eye(t)) / 2
        a = a / a.sum(axis=-1, keepdims=True)
        r = a @ r
    return r[0]


def main():
    out = {}
    for name, images in CASES.items():
        model = ViTModel.from_pretrained(os.path.join(HERE, "models", name), attn_implementation="eager",
                                         add_pooling_layer=False).eval()
        out[name] = {}
        for image in images:
            pixels = np.load(os.path.join(HERE, "expected", "pixels", image + ".npy"))
            with torch.no_grad():
                o = model(pixel_values=torch.from_numpy(pixels[None].copy()), output_attentions=True)
            layers = [a[0].double().mean(0).numpy() for a in o.attentions]
            out[name][image] = {"layers": [l[0].tolist() for l in layers], "rollout": rollout(layers).tolist()}
    path = os.path.join(HERE, "expected", "attention.json")
    with open(path, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print("wrote", os.path.relpath(path, HERE))


if __name__ == "__main__":
    main()
