#!/usr/bin/env python3
"""PyTorch's own bf16 error on the committed sample models: transformers' float32 outputs
against the same model under torch.autocast("cpu", dtype=torch.bfloat16), on the 7 sample
images, max |diff| per output (the class token of last_hidden_state, logits or pooler output)
and how many images keep the same top-5 labels. The yardstick for `vitkit verify --compute
bf16` in docs/BENCHMARKS.md.

    python scripts/bench/autocast_agreement.py [SAMPLES_DIR]

Needs torch, transformers and Pillow (the sample generator's environment).
"""
import sys

import torch
from PIL import Image
from transformers import AutoModel, ViTForImageClassification, ViTImageProcessor

IMAGES = ["chelsea.png", "astronaut.jpg", "camera.png", "coffee-rgba.png", "rocket-palette.png",
          "camera-16bit.png", "chelsea-grey.jpg"]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "samples"
    torch.set_num_threads(2)
    for name, cls in [("hf-classifier", ViTForImageClassification), ("hf-in21k", AutoModel)]:
        d = f"{root}/models/{name}"
        model = cls.from_pretrained(d).eval()
        processor = ViTImageProcessor.from_pretrained(d)
        base = model.vit if hasattr(model, "vit") else model
        worst, same_top5 = {}, 0
        for f in IMAGES:
            image = Image.open(f"{root}/images/{f}").convert("RGB")
            x = processor(images=image, return_tensors="pt")["pixel_values"]
            with torch.no_grad():
                a, ah = model(pixel_values=x), base(pixel_values=x).last_hidden_state
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    b, bh = model(pixel_values=x), base(pixel_values=x).last_hidden_state
            pairs = {"cls": (ah[0, 0], bh[0, 0])}
            if hasattr(a, "logits"):
                pairs["logits"] = (a.logits[0], b.logits[0])
                same_top5 += set(a.logits[0].topk(5).indices.tolist()) == set(b.logits[0].float().topk(5).indices.tolist())
            if getattr(a, "pooler_output", None) is not None:
                pairs["pooler"] = (a.pooler_output[0], b.pooler_output[0])
            for key, (u, v) in pairs.items():
                worst[key] = max(worst.get(key, 0.0), (u.float() - v.float()).abs().max().item())
        top5 = f", top-5 same {same_top5}/{len(IMAGES)}" if "logits" in worst else ""
        print(f"{name}: " + ", ".join(f"{k} {v:.4f}" for k, v in worst.items()) + top5)


if __name__ == "__main__":
    main()
