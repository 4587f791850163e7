"""PyTorch counterpart of `vitkit bench` (same JSON keys), for ratios measured back to back.

    python scripts/bench/torch_bench.py HF_DIR [--batch 8] [--iterations 5] [--threads 2]
        [--compute f32|bf16] [--image FILE] [--json]

Loads with transformers (the class config.json's `architectures` names: `ViTModel`,
`ViTForImageClassification`, `Dinov2Model`, `DeiTForImageClassificationWithTeacher`...),
preprocesses with `ViTImageProcessor`, times the forward pass under `torch.no_grad()`
(`--compute bf16`: `torch.autocast("cpu", dtype=torch.bfloat16)`). Medians after a warm-up.
"""
import argparse
import json
import resource
import statistics
import time

import numpy as np
import torch
from PIL import Image
import transformers
from transformers import AutoConfig, ViTImageProcessor, ViTModel


def median_ms(runs, fn, warm_up=False):
    if warm_up:
        fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def pattern(width=640, height=480):
    """The same generated image as vitkit's ForwardBenchmark.pattern."""
    y, x, c = np.meshgrid(np.arange(height), np.arange(width), np.arange(3), indexing="ij")
    return Image.fromarray(((x * 7 + y * 13 + c * 61 + (x ^ y)) & 0xFF).astype(np.uint8), "RGB")


def flops(cfg, size):
    """As vitkit's ForwardBenchmark.flops: every token (class, distillation, registers), fc1
    twice as wide for DINOv2's SwiGLU (its width rounded as Dinov2SwiGLUFFN)."""
    patches = (size // cfg.patch_size) ** 2
    tokens = patches + 1 + (cfg.model_type == "deit") + getattr(cfg, "num_register_tokens", 0)
    d = cfg.hidden_size
    if hasattr(cfg, "mlp_ratio"):
        m = int(d * cfg.mlp_ratio)
        if getattr(cfg, "use_swiglu_ffn", False):
            m = (int(m * 2 / 3) + 7) // 8 * 8
        m1 = 2 * m if getattr(cfg, "use_swiglu_ffn", False) else m
    else:
        m = m1 = cfg.intermediate_size
    block = 2 * tokens * d * (4 * d + m1 + m) + 4 * tokens * tokens * d
    return cfg.num_hidden_layers * block + 2 * patches * d * cfg.num_channels * cfg.patch_size ** 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--compute", choices=["f32", "bf16"], default="f32")
    ap.add_argument("--image")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)

    t = time.perf_counter()
    cfg = AutoConfig.from_pretrained(a.model)
    cls = getattr(transformers, (cfg.architectures or ["ViTModel"])[0], ViTModel)
    model = cls.from_pretrained(a.model).eval()
    load_ms = (time.perf_counter() - t) * 1000

    processor = ViTImageProcessor.from_pretrained(a.model)
    image = Image.open(a.image).convert("RGB") if a.image else pattern()
    pixels = {}
    preprocess_ms = median_ms(a.iterations, lambda: pixels.update(x=processor(images=image, return_tensors="pt")["pixel_values"]))
    one = pixels["x"]
    many = one.repeat(a.batch, 1, 1, 1)

    def run(x):
        with torch.no_grad():
            if a.compute == "bf16":
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    model(pixel_values=x)
            else:
                model(pixel_values=x)

    b1 = median_ms(a.iterations, lambda: run(one), warm_up=True)
    bn = median_ms(a.iterations, lambda: run(many), warm_up=True)
    size = one.shape[-1]
    out = {
        "load_ms": round(load_ms, 2), "preprocess_ms": round(preprocess_ms, 2),
        "forward_ms_b1": round(b1, 2), "forward_ms_per_image": round(bn / a.batch, 2), "batch": a.batch,
        "gflops": round(flops(cfg, size) * a.batch / (bn / 1000) / 1e9, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 2),
        "threads": torch.get_num_threads(), "compute": a.compute,
        "backend": f"torch-{torch.__version__}-{torch.backends.cpu.get_cpu_capability()}",
    }
    print(json.dumps(out, indent=2) if a.json else out)


if __name__ == "__main__":
    main()
