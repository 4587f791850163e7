#!/usr/bin/env python3
"""Preprocessing time per image: vitkit against transformers' image processors, back to back.

    /root/venv-ref/bin/python scripts/bench/processor_bench.py --vitkit .build/release/vitkit [--iterations 50]

For each config (ViT 224, DeiT and DINOv2 as their Hub repos ship them) and each
implementation (slow = Pillow, fast = torchvision), times on one decoded 640x480 RGB image
(samples/images/chelsea.png upscaled with Pillow, written to a temporary PNG):

* transformers: ``processor(images=im, return_tensors="pt")`` on the already decoded PIL
  image, median of ``--iterations`` calls after 3 warm-up calls, torch limited to
  ``--torch-threads`` (default 1, as vitkit's preprocessing; the machine is shared);
* vitkit: ``vitkit bench DIR --image IMG --processor KIND --json``'s ``preprocess_ms``
  (median of ``--iterations`` runs on the decoded image, one thread), for a random-init
  224 px ViT written with that ``preprocessor_config.json``.

Neither side counts image decoding. Prints a Markdown table (ms per image and the ratio).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "..", "samples")
sys.path.insert(0, SAMPLES)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vitkit", required=True, help="path to a release vitkit binary")
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--torch-threads", type=int, default=1)
    args = parser.parse_args()

    import torch
    torch.set_num_threads(args.torch_threads)
    from PIL import Image
    from transformers import ViTConfig, ViTForImageClassification
    from generate_processors import DEIT_HUB, DINOV2_HUB, processor_classes

    classes = processor_classes()
    vit224 = {"image_processor_type": "ViTImageProcessor", "size": {"height": 224, "width": 224}, "resample": 2,
              "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5], "do_resize": True, "do_rescale": True,
              "do_normalize": True, "rescale_factor": 1 / 255}
    configs = [("ViT 224 (BILINEAR)", "ViTImageProcessor", vit224),
               ("DeiT (256x256 BICUBIC, crop 224)", "DeiTImageProcessor", DEIT_HUB),
               ("DINOv2 (shortest 256 BICUBIC, crop 224)", "BitImageProcessor", DINOV2_HUB)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        image = os.path.join(tmp, "photo.png")
        Image.open(os.path.join(SAMPLES, "images", "chelsea.png")).convert("RGB").resize((640, 480), Image.BICUBIC).save(image)
        torch.manual_seed(0)
        model = ViTForImageClassification(ViTConfig(image_size=224, patch_size=16, hidden_size=48, num_hidden_layers=1,
                                                    num_attention_heads=4, intermediate_size=96, num_labels=3))
        for label, cls, config in configs:
            d = os.path.join(tmp, cls)
            model.save_pretrained(d)
            with open(os.path.join(d, "preprocessor_config.json"), "w") as f:
                json.dump(config, f)
            for kind in ("pillow", "fast"):
                proc = classes[cls + ("Fast" if kind == "fast" else "")].from_pretrained(d)
                with Image.open(image) as im:
                    im.load()
                    for _ in range(3):
                        proc(images=im, return_tensors="pt")
                    times = []
                    for _ in range(args.iterations):
                        t = time.perf_counter()
                        proc(images=im, return_tensors="pt")
                        times.append(time.perf_counter() - t)
                hf_ms = statistics.median(times) * 1000
                out = subprocess.run([args.vitkit, "bench", d, "--image", image, "--processor", kind, "--batch", "1",
                                      "--iterations", str(args.iterations), "--json"],
                                     check=True, capture_output=True, text=True).stdout
                vk_ms = json.loads(out)["preprocess_ms"]
                rows.append((label, kind, type(proc).__name__, hf_ms, vk_ms))
                print(f"{label} {kind}: transformers {hf_ms:.3f} ms, vitkit {vk_ms:.3f} ms", file=sys.stderr, flush=True)
    print("| config | processor | transformers class | transformers ms/image | vitkit ms/image | speed-up |")
    print("|---|---|---|---|---|---|")
    for label, kind, name, hf_ms, vk_ms in rows:
        print(f"| {label} | {kind} | {name} | {hf_ms:.2f} | {vk_ms:.2f} | {hf_ms / vk_ms:.1f}x |")


if __name__ == "__main__":
    main()
