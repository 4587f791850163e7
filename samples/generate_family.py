"""DeiT and DINOv2 fixtures (samples/models/family/, samples/expected/family/), issue 16.

Run: ``python samples/generate.py family`` (or ``python samples/generate_family.py``).

Tiny random-init models of each kind, written by transformers (``save_pretrained``,
safetensors) and by timm (its ``state_dict()`` saved with ``safetensors.torch.save_file``),
holding the same weights:

| kind            | transformers class                            | timm model                                        |
|-----------------|-----------------------------------------------|---------------------------------------------------|
| dinov2          | Dinov2Model (mask token, LayerScale)          | VisionTransformer(init_values=..) (vit_*_patch14_dinov2) |
| dinov2-reg      | Dinov2WithRegistersModel (2 registers)        | VisionTransformer(reg_tokens=2, no_embed_class=True) (vit_*_reg4_dinov2) |
| deit-distilled  | DeiTForImageClassificationWithTeacher         | deit.VisionTransformerDistilled (deit_*_distilled_*) |
| dinov2-swiglu   | Dinov2Model(use_swiglu_ffn=True)              | VisionTransformer(mlp_layer=SwiGLUPacked, act_layer=SiLU) (vit_giant_patch14_dinov2) |
| dinov2-classifier | Dinov2ForImageClassification (cls + mean of patch tokens) | (none: timm has no such head) |
| deit-model      | DeiTModel (distillation token, tanh pooler; layer_norm_eps 1e-12) | (none: timm has no pooler) |

hidden 48, 2 blocks, 4 heads, patch 14 at 56 px (DINOv2, grid 4) or patch 16 at 64 px (DeiT).
Every parameter is overwritten with seeded values (``randomize_``) so that a mapping bug
(a swapped LayerScale, a missed register, a lost distillation head) moves outputs far.

The timm weights come from the transformers model by the mapping timm's own
``_convert_dinov2`` applies (the register variant folds the class position into
``cls_token`` and drops it from ``pos_embed``); the generator loads them into the timm
model (``strict=True``) and asserts both libraries agree to 1e-5 before writing.

Pixel inputs are the processors' outputs (BitImageProcessor for DINOv2: shortest edge
64, center crop 56; DeiTImageProcessor: 72 then crop 64) for two sample images, saved
as float32 .npy under ``expected/family/pixels/``. ``expected/family/<model>.json``
holds, per pixel file, what the library computed: ``cls`` (final-normed class token),
``pooler_output`` (transformers), ``logits`` (classifiers), ``patch_mean`` (mean of the
final-normed patch tokens, registers and class/distillation tokens excluded) and, for
transformers, runs at other sizes (``interpolate_pos_encoding=True``).
"""

import math
import os
import sys
from functools import partial

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 1600
HIDDEN, LAYERS, HEADS = 48, 2, 4
LABELS = ["tabby", "astronaut", "coffee", "rocket", "camera"]
IMAGES = ["chelsea.png", "astronaut.jpg"]


def randomize_(model, seed):
    """LayerNorm weights 1 + 0.1 N, biases 0.1 N, tokens and positions 0.5 N, LayerScale
    0.5 + 0.3 N, query/key/fc1/weights_in/classifier kernels 2 N / sqrt(fan_in), fc2 /
    weights_out 3 N / sqrt(fan_in), other kernels N / sqrt(fan_in)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            n = torch.randn(p.shape, generator=g, dtype=torch.float32)
            fan_in = int(np.prod(p.shape[1:])) if p.dim() > 1 else 1
            leaf = name.split(".")[-2] if "." in name else name
            if name.endswith(".weight") and p.dim() == 1:
                v = 1.0 + 0.1 * n
            elif name.endswith(".bias"):
                v = 0.1 * n
            elif name.endswith(("cls_token", "distillation_token", "register_tokens", "mask_token", "position_embeddings")):
                v = 0.5 * n
            elif name.endswith("lambda1"):
                v = 0.5 + 0.3 * n
            elif leaf in ("query", "key", "fc1", "weights_in") or "classifier" in name:
                v = 2.0 * n / math.sqrt(fan_in)
            elif leaf in ("fc2", "weights_out"):
                v = 3.0 * n / math.sqrt(fan_in)
            else:
                v = n / math.sqrt(fan_in)
            p.copy_(v)


def hf_models():
    """kind -> (transformers model, image size, processor, other sizes to record)."""
    from transformers import (BitImageProcessor, DeiTConfig, DeiTForImageClassificationWithTeacher, DeiTImageProcessor, DeiTModel,
                              Dinov2Config, Dinov2ForImageClassification, Dinov2Model, Dinov2WithRegistersConfig,
                              Dinov2WithRegistersModel)

    def dino_processor():
        return BitImageProcessor(size={"shortest_edge": 64}, crop_size={"height": 56, "width": 56},
                                 image_mean=[0.485, 0.456, 0.406], image_std=[0.229, 0.224, 0.225])

    common = dict(hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS, image_size=56, patch_size=14)
    labels = dict(num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id={n: i for i, n in enumerate(LABELS)})
    out = {}
    cfg = Dinov2Config(mlp_ratio=4, **common)
    cfg.architectures = ["Dinov2Model"]
    out["dinov2"] = (Dinov2Model(cfg), dino_processor(), [84])
    cfg = Dinov2WithRegistersConfig(mlp_ratio=4, num_register_tokens=2, **common)
    cfg.architectures = ["Dinov2WithRegistersModel"]
    out["dinov2-reg"] = (Dinov2WithRegistersModel(cfg), dino_processor(), [84, 42])
    cfg = DeiTConfig(hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS, intermediate_size=96,
                     image_size=64, patch_size=16, layer_norm_eps=1e-6, **labels)
    cfg.architectures = ["DeiTForImageClassificationWithTeacher"]
    deit_proc = DeiTImageProcessor(size={"height": 72, "width": 72}, crop_size={"height": 64, "width": 64})
    out["deit-distilled"] = (DeiTForImageClassificationWithTeacher(cfg), deit_proc, [96])
    cfg = Dinov2Config(mlp_ratio=4, use_swiglu_ffn=True, **common)
    cfg.architectures = ["Dinov2Model"]
    out["dinov2-swiglu"] = (Dinov2Model(cfg), dino_processor(), [84])
    cfg = Dinov2Config(mlp_ratio=4, **common, **labels)
    cfg.architectures = ["Dinov2ForImageClassification"]
    out["dinov2-classifier"] = (Dinov2ForImageClassification(cfg), dino_processor(), [])
    cfg = DeiTConfig(hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS, intermediate_size=96,
                     image_size=64, patch_size=16)
    cfg.architectures = ["DeiTModel"]
    out["deit-model"] = (DeiTModel(cfg, add_pooling_layer=True), deit_proc, [96])
    return out


def hf_to_timm(kind, sd):
    """transformers state dict -> timm state dict, as timm's _convert_dinov2 / deit naming."""
    prefix = {"deit-distilled": "deit."}.get(kind, "")
    e = prefix + "embeddings."
    o = {
        "cls_token": sd[e + "cls_token"],
        "pos_embed": sd[e + "position_embeddings"],
        "patch_embed.proj.weight": sd[e + "patch_embeddings.projection.weight"],
        "patch_embed.proj.bias": sd[e + "patch_embeddings.projection.bias"],
        "norm.weight": sd[prefix + "layernorm.weight"],
        "norm.bias": sd[prefix + "layernorm.bias"],
    }
    if kind == "dinov2-reg":
        o["reg_token"] = sd[e + "register_tokens"]
        o["cls_token"] = o["cls_token"] + o["pos_embed"][:, :1]
        o["pos_embed"] = o["pos_embed"][:, 1:]
    if kind == "deit-distilled":
        o["dist_token"] = sd[e + "distillation_token"]
        o.update({"head.weight": sd["cls_classifier.weight"], "head.bias": sd["cls_classifier.bias"],
                  "head_dist.weight": sd["distillation_classifier.weight"], "head_dist.bias": sd["distillation_classifier.bias"]})
    vit_names = kind == "deit-distilled"
    for i in range(LAYERS):
        l, b = f"{prefix}encoder.layer.{i}.", f"blocks.{i}."
        ren = {"norm1": "layernorm_before" if vit_names else "norm1", "norm2": "layernorm_after" if vit_names else "norm2",
               "attn.proj": "attention.output.dense"}
        if vit_names:
            ren.update({"mlp.fc1": "intermediate.dense", "mlp.fc2": "output.dense"})
        elif kind == "dinov2-swiglu":
            ren.update({"mlp.fc1": "mlp.weights_in", "mlp.fc2": "mlp.weights_out"})
        else:
            ren.update({"mlp.fc1": "mlp.fc1", "mlp.fc2": "mlp.fc2"})
        for t, h in ren.items():
            for s in ("weight", "bias"):
                o[f"{b}{t}.{s}"] = sd[f"{l}{h}.{s}"]
        for s in ("weight", "bias"):
            o[f"{b}attn.qkv.{s}"] = torch.cat([sd[f"{l}attention.attention.{n}.{s}"] for n in ("query", "key", "value")])
        if not vit_names:
            o[b + "ls1.gamma"] = sd[l + "layer_scale1.lambda1"]
            o[b + "ls2.gamma"] = sd[l + "layer_scale2.lambda1"]
    return {k: v.detach().clone().contiguous() for k, v in o.items()}


def timm_model(kind, hf):
    import torch.nn as nn
    from timm.layers import SwiGLUPacked
    from timm.models.deit import VisionTransformerDistilled
    from timm.models.vision_transformer import VisionTransformer

    c = hf.config
    args = dict(img_size=c.image_size, patch_size=c.patch_size, embed_dim=HIDDEN, depth=LAYERS, num_heads=HEADS,
                qkv_bias=True, norm_layer=partial(nn.LayerNorm, eps=c.layer_norm_eps))
    if kind == "deit-distilled":
        return VisionTransformerDistilled(num_classes=len(LABELS), mlp_ratio=c.intermediate_size / HIDDEN, **args).eval()
    args.update(num_classes=0, init_values=1.0)
    if kind == "dinov2-reg":
        args.update(reg_tokens=c.num_register_tokens, no_embed_class=True)
    if kind == "dinov2-swiglu":
        hidden = hf.encoder.layer[0].mlp.weights_in.out_features  # 2 x transformers' rounded hidden size
        args.update(mlp_layer=SwiGLUPacked, act_layer=nn.SiLU, mlp_ratio=hidden / HIDDEN)
    else:
        args.update(mlp_ratio=c.mlp_ratio)
    return VisionTransformer(**args).eval()


def hf_record(kind, model, pixels):
    with torch.no_grad():
        size = pixels.shape[-1]
        kw = {"interpolate_pos_encoding": True} if kind.startswith("deit") else {}
        if kind == "deit-distilled":
            base = model.deit(pixels, **kw).last_hidden_state
            r = {"logits": model(pixels, **kw).logits[0]}
        elif kind == "dinov2-classifier":
            base = model.dinov2(pixels).last_hidden_state
            r = {"logits": model(pixels).logits[0]}
        else:
            o = model(pixels, **kw)
            base = o.last_hidden_state
            r = {"pooler_output": o.pooler_output[0]}
        prefix = {"dinov2-reg": 1 + model.config.num_register_tokens if kind == "dinov2-reg" else 0, "deit-distilled": 2,
                  "deit-model": 2}.get(kind, 1)
        assert base.shape[1] == prefix + (size // model.config.patch_size) ** 2
        r["cls"] = base[0, 0]
        r["patch_mean"] = base[0, prefix:].mean(0)
    return {k: [float(x) for x in v.numpy()] for k, v in r.items()}


def timm_record(kind, model, pixels):
    with torch.no_grad():
        x = model.forward_features(pixels)
        r = {"cls": x[0, 0], "patch_mean": x[0, model.num_prefix_tokens:].mean(0)}
        if kind == "deit-distilled":
            r["logits"] = model.forward_head(x)[0]
    return {k: [float(x) for x in v.numpy()] for k, v in r.items()}


def generate(out):
    from PIL import Image
    from safetensors.torch import save_file

    sys.path.insert(0, HERE)
    from expectations import write_json

    mdir = os.path.join(out, "models", "family")
    edir = os.path.join(out, "expected", "family")
    os.makedirs(os.path.join(edir, "pixels"), exist_ok=True)
    os.makedirs(mdir, exist_ok=True)
    for k, (kind, (hf, proc, sizes)) in enumerate(hf_models().items()):
        hf.eval()
        randomize_(hf, SEED + k)
        d = os.path.join(mdir, "hf-" + kind)
        hf.save_pretrained(d, safe_serialization=True)
        proc.save_pretrained(d)
        runs, timm_runs = [], []
        tm = None
        if kind not in ("dinov2-classifier", "deit-model"):
            tm = timm_model(kind, hf)
            tm.load_state_dict(hf_to_timm(kind, hf.state_dict()), strict=True)
            save_file(tm.state_dict(), os.path.join(mdir, f"timm-{kind}.safetensors"), metadata={"format": "pt"})
        for name in IMAGES:
            with Image.open(os.path.join(out, "images", name)) as im:
                px = proc(im.convert("RGB"), return_tensors="pt")["pixel_values"]
            stem = f"{kind.split('-')[0]}-{name}"
            rel = f"expected/family/pixels/{stem}.npy"
            np.save(os.path.join(out, rel), px[0].numpy().astype(np.float32))
            rec = hf_record(kind, hf, px)
            runs.append({"pixels": rel, "size": px.shape[-1], **rec})
            if tm is not None:
                t = timm_record(kind, tm, px)
                for key in t:
                    diff = float(np.max(np.abs(np.array(t[key]) - np.array(rec[key]))))
                    assert diff < 1e-5, (kind, name, key, diff)
                timm_runs.append({"pixels": rel, "size": px.shape[-1], **t})
            for s in sizes:
                big = torch.nn.functional.interpolate(px, size=(s, s), mode="bilinear", align_corners=False)
                rel_s = f"expected/family/pixels/{stem}-{s}.npy"
                np.save(os.path.join(out, rel_s), big[0].numpy().astype(np.float32))
                runs.append({"pixels": rel_s, "size": s, **hf_record(kind, hf, big)})
        import timm
        import transformers
        write_json({"model": f"models/family/hf-{kind}", "recorded_by": f"transformers {transformers.__version__}",
                    "runs": runs}, os.path.join(edir, f"hf-{kind}.json"))
        if tm is not None:
            write_json({"model": f"models/family/timm-{kind}.safetensors", "recorded_by": f"timm {timm.__version__}",
                        "config": {"num_attention_heads": HEADS, "layer_norm_eps": hf.config.layer_norm_eps},
                        "runs": timm_runs}, os.path.join(edir, f"timm-{kind}.json"))
        print(f"family: {kind} written", flush=True)
    record_attention(out)


def record_attention(out):
    """expected/family/attention.json: for DINOv2 with registers and DeiT (prefix tokens before
    the patches), transformers' eager ``output_attentions=True`` as samples/attention_reference.py
    records it: per block the class token's head-mean attention row over every token, and the
    rollout row."""
    import json

    from attention_reference import rollout
    from transformers import AutoModel

    doc = {}
    for kind, image in (("dinov2-reg", "chelsea.png"), ("deit-distilled", "chelsea.png")):
        model = AutoModel.from_pretrained(os.path.join(out, "models", "family", "hf-" + kind), attn_implementation="eager").eval()
        rel = f"expected/family/pixels/{kind.split('-')[0]}-{image}.npy"
        with torch.no_grad():
            o = model(pixel_values=torch.from_numpy(np.load(os.path.join(out, rel))[None].copy()), output_attentions=True)
        layers = [a[0].double().mean(0).numpy() for a in o.attentions]
        doc[kind] = {"pixels": rel, "layers": [l[0].tolist() for l in layers], "rollout": rollout(layers).tolist()}
    with open(os.path.join(out, "expected", "family", "attention.json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")


def full_size(outdir):
    """A random-init DINOv2-B/14 with 4 registers at 224 px (transformers, ~350 MB) for local
    benchmarks and a full-size check: OUTDIR/hf/ (no preprocessor config: vitkit and
    ViTImageProcessor then use their defaults), OUTDIR/expected.json with the outputs
    transformers computes for samples/images/chelsea.png through ``ViTImageProcessor(224)``,
    and the seconds PyTorch takes for a batch of 8 (best of 3). Never commit these."""
    import json
    import time

    from PIL import Image
    from transformers import Dinov2WithRegistersConfig, Dinov2WithRegistersModel, ViTImageProcessor

    cfg = Dinov2WithRegistersConfig(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, mlp_ratio=4,
                                    image_size=224, patch_size=14, num_register_tokens=4)
    cfg.architectures = ["Dinov2WithRegistersModel"]
    m = Dinov2WithRegistersModel(cfg).eval()
    randomize_(m, SEED)
    m.save_pretrained(os.path.join(outdir, "hf"))
    with Image.open(os.path.join(HERE, "images", "chelsea.png")) as im:
        px = ViTImageProcessor(size={"height": 224, "width": 224})(im.convert("RGB"), return_tensors="pt")["pixel_values"]
    with torch.no_grad():
        o = m(px)
        batch = px.repeat(8, 1, 1, 1)
        times = []
        for _ in range(3):
            t = time.perf_counter()
            m(batch)
            times.append(time.perf_counter() - t)
    doc = {"cls": [float(x) for x in o.last_hidden_state[0, 0]], "torch_batch8_seconds": min(times),
           "torch_threads": torch.get_num_threads()}
    with open(os.path.join(outdir, "expected.json"), "w") as f:
        json.dump(doc, f)
    print(f"full-size: wrote {outdir}; PyTorch batch 8: {min(times) * 1000:.0f} ms", flush=True)


def check(kind, hf_dirs, timm_files, atol=1e-5):
    """Loads vitkit-converted files in the other library (transformers ``from_pretrained``,
    timm ``load_state_dict(strict=True)`` into the model this script builds) and compares
    their outputs with the recorded ones. Returns the number of failures."""
    import json

    from safetensors.torch import load_file
    from transformers import AutoModel, AutoModelForImageClassification

    bad = 0
    reference = {}
    with open(os.path.join(HERE, "expected", "family", f"hf-{kind}.json")) as f:
        hf_exp = json.load(f)
    for d in hf_dirs:
        with open(os.path.join(d, "config.json")) as f:
            arch = json.load(f)["architectures"][0]
        cls = AutoModelForImageClassification if "ForImageClassification" in arch else AutoModel
        m, info = cls.from_pretrained(d, output_loading_info=True)
        m.eval()
        worst = 0.0
        for run in hf_exp["runs"]:
            px = torch.from_numpy(np.load(os.path.join(HERE, run["pixels"])))[None]
            got = hf_record(kind, m, px)
            worst = max(worst, max(float(np.max(np.abs(np.array(got[k]) - np.array(run[k])))) for k in got))
        missing = [k for k in info["missing_keys"] if not k.endswith("mask_token")]
        ok = worst <= atol and not missing and not info["unexpected_keys"]
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} transformers {arch} {d}: max |diff| {worst:.2e} over {len(hf_exp['runs'])} runs"
              + (f", missing {info['missing_keys']}" if info["missing_keys"] else ""))
        reference = m
    for path in timm_files:
        hf = reference if reference else None
        if hf is None:
            hf = hf_models()[kind][0]
        tm = timm_model(kind, hf)
        tm.load_state_dict(load_file(path), strict=True)
        with open(os.path.join(HERE, "expected", "family", f"timm-{kind}.json")) as f:
            runs = json.load(f)["runs"]
        worst = 0.0
        for run in runs:
            px = torch.from_numpy(np.load(os.path.join(HERE, run["pixels"])))[None]
            got = timm_record(kind, tm, px)
            worst = max(worst, max(float(np.max(np.abs(np.array(got[k]) - np.array(run[k])))) for k in got))
        ok = worst <= atol
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} timm {type(tm).__name__} {path}: max |diff| {worst:.2e} over {len(runs)} runs")
    return bad


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write the DeiT/DINOv2 fixtures (no arguments), or check files vitkit converted.")
    sub = parser.add_subparsers(dest="cmd")
    c = sub.add_parser("check", help="load vitkit-converted files with transformers/timm and compare with the recorded outputs")
    c.add_argument("kind", choices=["dinov2", "dinov2-reg", "deit-distilled", "dinov2-swiglu", "dinov2-classifier", "deit-model"])
    c.add_argument("--hf", action="append", default=[], metavar="DIR")
    c.add_argument("--timm", action="append", default=[], metavar="FILE")
    fs = sub.add_parser("full-size", help="write a random DINOv2-B/14 with 4 registers (~350 MB) for benchmarks; never commit")
    fs.add_argument("outdir")
    args = parser.parse_args()
    if args.cmd == "full-size":
        full_size(args.outdir)
        sys.exit(0)
    if args.cmd == "check":
        sys.exit(1 if check(args.kind, args.hf, args.timm) else 0)
    generate(HERE)
