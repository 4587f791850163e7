"""Data for the `evaluate` throughput measurements (docs/BENCHMARKS.md); nothing is committed.

python scripts/bench/eval_data.py OUT [--images N] [--size WxH]
  OUT/images/<class>/NNN.jpg   N smooth random JPEGs (quality 90) in 5 class folders
  OUT/vit-b16/                 ViTForImageClassification, ViT-B/16 224 px, 5 labels, random init
  OUT/vit-ti16/                the same with ViT-Ti/16 sizes (hidden 192, 3 heads, MLP 768)
"""
import argparse
import os

import numpy as np
from PIL import Image

LABELS = ["tabby", "astronaut", "coffee", "rocket", "camera"]


def images(out, n, w, h):
    rng = np.random.default_rng(0)
    for i in range(n):
        d = os.path.join(out, "images", LABELS[i % len(LABELS)])
        os.makedirs(d, exist_ok=True)
        # A smooth field plus noise: decodes like a photo, not like flat colour.
        small = rng.integers(0, 256, size=(h // 16 + 1, w // 16 + 1, 3), dtype=np.uint8)
        img = Image.fromarray(small).resize((w, h), Image.BILINEAR)
        noise = rng.integers(-12, 13, size=(h, w, 3))
        arr = np.clip(np.asarray(img).astype(int) + noise, 0, 255).astype(np.uint8)
        Image.fromarray(arr).save(os.path.join(d, f"{i:04d}.jpg"), quality=90)


def model(out, name, **sizes):
    import torch
    from transformers import ViTConfig, ViTForImageClassification, ViTImageProcessor

    torch.manual_seed(0)
    config = ViTConfig(num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
                       label2id={l: i for i, l in enumerate(LABELS)}, **sizes)
    path = os.path.join(out, name)
    ViTForImageClassification(config).save_pretrained(path)
    ViTImageProcessor(size={"height": 224, "width": 224}).save_pretrained(path)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--images", type=int, default=500)
    p.add_argument("--size", default="640x480")
    a = p.parse_args()
    w, h = map(int, a.size.split("x"))
    images(a.out, a.images, w, h)
    model(a.out, "vit-b16")
    model(a.out, "vit-ti16", hidden_size=192, num_attention_heads=3, intermediate_size=768)
