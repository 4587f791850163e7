#!/usr/bin/env python3
"""Regenerate vitkit's committed sample files, write full-size benchmark checkpoints,
and check files written by vitkit against the reference Python libraries.

Subcommands
-----------
``python samples/generate.py [generate] [--out samples]``
    Rewrites every fixture under ``samples/`` deterministically (fixed seeds):
    tiny ViT checkpoints in four ecosystems (``models/``), sample images
    (``images/``), NumPy and HDF5 container fixtures (``numpy/``, ``h5/``) and the
    reference JSON / .npy files under ``expected/`` that vitkit's Swift tests
    compare against.  See ``samples/README.md`` for the list of files.
    Byte-for-byte reproducibility is not promised (zip and HDF5 writers embed
    timestamps), but every tensor value and every JSON number is reproducible.

``python samples/generate.py tf-noqkvbias [--out samples]``
    Rewrites only ``models/tf-noqkvbias/`` (a ``qkv_bias: false`` classifier written by
    transformers-TF, whose ``tf_model.h5`` still holds nonzero q/k/v biases) and its
    expectations, recorded by transformers-TF (``generate`` writes them too).

``python samples/generate.py processors [--out samples]``
    Rewrites only ``processors/``: pixel tensors written by transformers' ViT, DeiT and BiT
    image processors, slow and fast, with their configs (``samples/generate_processors.py``;
    ``generate`` runs it too). Needs a CPU where torch reports AVX2 or AVX512.
``python samples/generate.py family [--out samples]``
    Rewrites only the DeiT / DINOv2 fixtures (``models/family/``, ``expected/family/``):
    tiny random-init models written by transformers and timm with the outputs both record
    (see ``samples/generate_family.py``; ``generate`` writes them too).

``python samples/generate.py big-vision-scanned [--out samples]``
    Rewrites only ``models/jax/classifier-scanned.npz`` (the hf-classifier in big_vision's
    ``scan=True`` layout: ``params/`` prefix, blocks stacked along axis 0 under
    ``Transformer/encoderblock/``) and ``models/jax/map-head-scanned.npz`` (the same encoder
    with a MAP head instead of the class token); ``generate`` writes them too.

``python samples/generate.py keras-hub [--out samples]``
    Rewrites only ``models/keras-hub/`` and ``expected/expectations/keras-hub-*.json``
    (``samples/generate_keras.py generate``: keras-hub converts ``models/hf-classifier`` and
    saves presets; its outputs on the recorded pixels are the expectations).

``python samples/generate.py full-size OUTDIR``
    Writes a randomly initialised full-size ViT-B/16 (the architecture of
    google/vit-base-patch16-224-in21k: 768 hidden, 12 layers, 12 heads, 3072 MLP,
    224 px, patch 16, with pooler) in every format for local benchmarks:
    ``OUTDIR/hf/`` (model.safetensors ~346 MB), ``OUTDIR/tf/tf_model.h5``,
    ``OUTDIR/jax/vit-b16.npz`` (stored) and ``vit-b16-compressed.npz``,
    ``OUTDIR/timm/model.safetensors`` (no pooler: timm has none) and
    ``OUTDIR/expectations.json`` for two sample images at 224 px.  Never commit these.

``python samples/generate.py check [--reference HF_DIR] [--hf DIR] [--tf DIR|H5] [--jax NPZ] [--big-vision NPZ] [--timm FILE] [--npz FILE] [--npy FILE] [--npz-reference FILE]``
    Loads files that vitkit wrote with transformers (PyTorch / TensorFlow), timm
    and numpy (``allow_pickle=False``) and prints one line per file: whether it
    loads, and the max abs difference of its outputs (logits or pooler output,
    and the last hidden state) against the reference HF model on the sample
    images (or, for ``--npz/--npy``, of its arrays against ``--npz-reference``).
    Exits 1 when anything fails.

Requirements: torch, transformers 4.57, tensorflow-cpu + tf-keras (TF_USE_LEGACY_KERAS=1
is set by this script), timm, safetensors, h5py, numpy, ml_dtypes, scipy,
scikit-image and Pillow.  torch is imported before TensorFlow on purpose (the other
order aborts the process).  No weights are downloaded: every model is random-init.
"""

import argparse
import ast
import re
import copy
import io
import json
import math
import os
import shutil
import sys
import tempfile
import zipfile
from functools import partial

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import torch  # noqa: E402  (must come before tensorflow)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import expectations as X  # noqa: E402

SEED_IN21K = 21
SEED_CLASSIFIER = 1000
SEED_FULL = 224
SEED_NOQKVBIAS = 77
LABELS = ["tabby", "astronaut", "coffee", "rocket", "camera"]

# name, skimage source, (width, height), Pillow mode, format
IMAGES = [
    ("chelsea.png", "chelsea", (97, 73), "RGB", "PNG"),
    ("astronaut.jpg", "astronaut", (150, 100), "RGB", "JPEG"),
    ("camera.png", "camera", (83, 61), "L", "PNG"),
    ("coffee-rgba.png", "coffee", (59, 47), "RGBA", "PNG"),
    ("rocket-palette.png", "rocket", (121, 81), "P", "PNG"),
    ("camera-16bit.png", "camera", (71, 53), "I;16", "PNG"),
    ("chelsea-grey.jpg", "chelsea", (63, 131), "L", "JPEG"),
]
PIXELS_224 = ["chelsea.png", "astronaut.jpg"]


def log(*a):
    print(*a, flush=True)


def jdump(obj, path):
    X.write_json(obj, path)


def rel(path, root):
    return os.path.relpath(path, root).replace(os.sep, "/")


# --------------------------------------------------------------------------------------
# images
# --------------------------------------------------------------------------------------


def make_images(out):
    import skimage
    import skimage.data
    from PIL import Image

    d = os.path.join(out, "images")
    os.makedirs(d, exist_ok=True)
    for name, source, (w, h), mode, fmt in IMAGES:
        a = getattr(skimage.data, source)()
        im = Image.fromarray(a)
        # centre crop to the target aspect ratio, then downscale with Lanczos
        W, H = im.size
        if W / H > w / h:
            cw, ch = round(H * w / h), H
        else:
            cw, ch = W, round(W * h / w)
        left, top = (W - cw) // 2, (H - ch) // 2
        im = im.crop((left, top, left + cw, top + ch)).resize((w, h), Image.LANCZOS)
        path = os.path.join(d, name)
        if mode == "RGB":
            im = im.convert("RGB")
        elif mode == "L":
            im = im.convert("L")
        elif mode == "RGBA":
            rgb = np.asarray(im.convert("RGB"))
            yy, xx = np.mgrid[0:h, 0:w]
            alpha = ((xx * 255) // (w - 1)).astype(np.uint8)  # 0 (transparent) .. 255 left to right
            alpha[yy < h // 4] = 255
            im = Image.fromarray(np.dstack([rgb, alpha]), "RGBA")
        elif mode == "P":
            im = im.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        elif mode == "I;16":
            # 0..382: Pillow's convert('RGB') keeps values <= 255 and clips the rest to 255
            v = np.asarray(im.convert("L")).astype(np.uint16)
            im = Image.fromarray((v * 3) // 2)
            assert im.mode == "I;16", im.mode
        else:
            raise AssertionError(mode)
        if fmt == "JPEG":
            im.save(path, "JPEG", quality=90)
        else:
            im.save(path, "PNG")
        with Image.open(path) as chk:
            assert chk.mode == mode and chk.size == (w, h), (name, chk.mode, chk.size)
    with open(os.path.join(d, "LICENSE.md"), "w") as f:
        f.write(
            "# Sample images\n\n"
            "Derived (centre-cropped, downscaled, converted to other modes) by `samples/generate.py` from the\n"
            f"sample images bundled with scikit-image {skimage.__version__} (`skimage.data`), distributed with\n"
            "scikit-image under its BSD 3-Clause licence. The originals' own terms, per the skimage.data docs:\n\n"
            "| file(s) | source | terms |\n|---|---|---|\n"
            "| astronaut.jpg | `skimage.data.astronaut()`: Eileen Collins, NASA Great Images database | no known copyright restrictions, public domain |\n"
            "| chelsea.png, chelsea-grey.jpg | `skimage.data.chelsea()`: photograph by Stefan van der Walt | CC0 |\n"
            "| coffee-rgba.png | `skimage.data.coffee()`: photograph by Rachel Michetti | CC0 |\n"
            "| camera.png, camera-16bit.png | `skimage.data.camera()`: photograph by Lav Varshney | CC0 |\n"
            "| rocket-palette.png | `skimage.data.rocket()`: SpaceX Photos | released into the public domain by SpaceX |\n\n"
            "scikit-image: Copyright (C) 2019, the scikit-image team. All rights reserved. Redistribution and use\n"
            "in source and binary forms, with or without modification, are permitted under the BSD 3-Clause\n"
            "licence (https://github.com/scikit-image/scikit-image/blob/main/LICENSE.txt).\n"
        )
    return [os.path.join(d, n) for n, *_ in IMAGES]


# --------------------------------------------------------------------------------------
# models
# --------------------------------------------------------------------------------------


def tiny_config(**kw):
    from transformers import ViTConfig

    return ViTConfig(
        hidden_size=48,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=96,
        image_size=64,
        patch_size=16,
        num_channels=3,
        qkv_bias=True,
        layer_norm_eps=1e-12,
        hidden_act="gelu",
        **kw,
    )


def full_config():
    from transformers import ViTConfig

    return ViTConfig(
        hidden_size=768,
        num_hidden_layers=12,
        num_attention_heads=12,
        intermediate_size=3072,
        image_size=224,
        patch_size=16,
        num_channels=3,
        qkv_bias=True,
        layer_norm_eps=1e-12,
        hidden_act="gelu",
    )


def randomize_(model, seed):
    """Overwrite every parameter with seeded values chosen so that mapping bugs show.

    LayerNorm weights 1 + 0.1 N, every bias 0.1 N (nonzero), cls/position embeddings
    0.5 N, query/key, MLP fc1 and classifier kernels 2 N / sqrt(fan_in) (attention far
    from uniform, GELU inputs spread, logits spread), MLP fc2 3 N / sqrt(fan_in) (so a
    tanh-approximate GELU shows), other kernels N / sqrt(fan_in).
    """
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            n = torch.randn(p.shape, generator=g, dtype=torch.float32)
            fan_in = int(np.prod(p.shape[1:])) if p.dim() > 1 else 1
            if "layernorm" in name and name.endswith(".weight"):
                v = 1.0 + 0.1 * n
            elif name.endswith(".bias"):
                v = 0.1 * n
            elif name.endswith("cls_token") or name.endswith("position_embeddings"):
                v = 0.5 * n
            elif name.endswith(("query.weight", "key.weight", "intermediate.dense.weight")) or name.startswith("classifier."):
                v = 2.0 * n / math.sqrt(fan_in)
            elif name.endswith("output.dense.weight") and "attention" not in name:
                v = 3.0 * n / math.sqrt(fan_in)
            else:
                v = n / math.sqrt(fan_in)
            p.copy_(v)


def make_in21k(seed=SEED_IN21K, config=None):
    from transformers import ViTModel

    cfg = config or tiny_config()
    cfg.architectures = ["ViTModel"]
    m = ViTModel(cfg, add_pooling_layer=True).eval()
    randomize_(m, seed)
    return m


def make_classifier(seed=SEED_CLASSIFIER):
    from transformers import ViTForImageClassification

    cfg = tiny_config(
        num_labels=len(LABELS),
        id2label={i: n for i, n in enumerate(LABELS)},
        label2id={n: i for i, n in enumerate(LABELS)},
    )
    cfg.architectures = ["ViTForImageClassification"]
    m = ViTForImageClassification(cfg).eval()
    assert m.vit.pooler is None
    randomize_(m, seed)
    return m


def save_processor(model_dir, size):
    from transformers import ViTImageProcessor

    ViTImageProcessor(size={"height": size, "width": size}).save_pretrained(model_dir)


def state_dict_np(model):
    return {k: v.detach().cpu().float().numpy() for k, v in model.state_dict().items()}


def hf_to_jax(sd, cfg):
    """HF PyTorch state dict (numpy) -> Google's original ViT npz names and layouts."""
    p = "vit." if any(k.startswith("vit.") for k in sd) else ""
    D, H = cfg.hidden_size, cfg.num_attention_heads
    hd = D // H
    o = {}
    o["cls"] = sd[p + "embeddings.cls_token"]
    o["embedding/kernel"] = sd[p + "embeddings.patch_embeddings.projection.weight"].transpose(2, 3, 1, 0)
    o["embedding/bias"] = sd[p + "embeddings.patch_embeddings.projection.bias"]
    o["Transformer/posembed_input/pos_embedding"] = sd[p + "embeddings.position_embeddings"]
    for i in range(cfg.num_hidden_layers):
        b = f"Transformer/encoderblock_{i}/"
        l = f"{p}encoder.layer.{i}."
        o[b + "LayerNorm_0/scale"] = sd[l + "layernorm_before.weight"]
        o[b + "LayerNorm_0/bias"] = sd[l + "layernorm_before.bias"]
        for n in ("query", "key", "value"):
            o[b + f"MultiHeadDotProductAttention_1/{n}/kernel"] = sd[l + f"attention.attention.{n}.weight"].T.reshape(D, H, hd)
            o[b + f"MultiHeadDotProductAttention_1/{n}/bias"] = sd[l + f"attention.attention.{n}.bias"].reshape(H, hd)
        o[b + "MultiHeadDotProductAttention_1/out/kernel"] = sd[l + "attention.output.dense.weight"].T.reshape(H, hd, D)
        o[b + "MultiHeadDotProductAttention_1/out/bias"] = sd[l + "attention.output.dense.bias"]
        o[b + "LayerNorm_2/scale"] = sd[l + "layernorm_after.weight"]
        o[b + "LayerNorm_2/bias"] = sd[l + "layernorm_after.bias"]
        o[b + "MlpBlock_3/Dense_0/kernel"] = sd[l + "intermediate.dense.weight"].T
        o[b + "MlpBlock_3/Dense_0/bias"] = sd[l + "intermediate.dense.bias"]
        o[b + "MlpBlock_3/Dense_1/kernel"] = sd[l + "output.dense.weight"].T
        o[b + "MlpBlock_3/Dense_1/bias"] = sd[l + "output.dense.bias"]
    o["Transformer/encoder_norm/scale"] = sd[p + "layernorm.weight"]
    o["Transformer/encoder_norm/bias"] = sd[p + "layernorm.bias"]
    if "pooler.dense.weight" in sd:
        o["pre_logits/kernel"] = sd["pooler.dense.weight"].T
        o["pre_logits/bias"] = sd["pooler.dense.bias"]
    if "classifier.weight" in sd:
        o["head/kernel"] = sd["classifier.weight"].T
        o["head/bias"] = sd["classifier.bias"]
    return {k: np.ascontiguousarray(o[k], dtype=np.float32) for k in sorted(o)}


def big_vision_names(jax_sd):
    """Google npz names -> big_vision's (Encoder1DBlock submodules numbered 0/1, top-level
    pos_embedding), with the "params/" prefix big_vision checkpoints carry."""
    out = {}
    for k, v in jax_sd.items():
        k = (k.replace("MultiHeadDotProductAttention_1", "MultiHeadDotProductAttention_0")
              .replace("LayerNorm_2", "LayerNorm_1")
              .replace("MlpBlock_3", "MlpBlock_0")
              .replace("Transformer/posembed_input/pos_embedding", "pos_embedding"))
        out["params/" + k] = v
    return out


def scan_blocks(flat):
    """big_vision's ``pyloop_to_scan`` (big_vision/models/vit.py) on flat '/'-joined names:
    every ``.../Transformer/encoderblock_<i>/REST`` array is stacked with ``np.stack`` along
    a new axis 0 into ``.../Transformer/encoderblock/REST`` (blocks 0..depth-1), the layout
    ``nn.scan(..., variable_axes={"params": 0})`` trains and saves; other names unchanged."""
    pat = re.compile(r"^(.*Transformer/encoderblock)_(\d+)/(.*)$")
    blocks, out = {}, {}
    for k, v in flat.items():
        m = pat.match(k)
        if m:
            blocks.setdefault(m.group(1) + "/" + m.group(3), {})[int(m.group(2))] = v
        else:
            out[k] = v
    for k, per in blocks.items():
        assert sorted(per) == list(range(len(per))), (k, sorted(per))
        out[k] = np.stack([per[i] for i in range(len(per))])
    return dict(sorted(out.items()))


def unscan_blocks(flat):
    """big_vision's ``scan_to_pyloop``: block ``i`` of ``Transformer/encoderblock/REST`` is
    ``x[i]``, named ``Transformer/encoderblock_<i>/REST``."""
    out = {}
    for k, v in flat.items():
        m = re.match(r"^(.*Transformer/encoderblock)/(.*)$", k)
        if m:
            for i in range(v.shape[0]):
                out[f"{m.group(1)}_{i}/{m.group(2)}"] = v[i]
        else:
            out[k] = v
    return out


def map_head_params(D, H, M, seed):
    """big_vision's ``MAPHead`` parameters (module ``MAPHead_0``): probe [1,1,D], a
    MultiHeadDotProductAttention (q/k/v kernels [D,H,hd], out [H,hd,D]), LayerNorm_0 and an
    MlpBlock_0 (Dense_0 [D,M], Dense_1 [M,D]); seeded random values."""
    rng = np.random.default_rng(seed)
    hd = D // H
    shapes = {"probe": (1, 1, D), "LayerNorm_0/scale": (D,), "LayerNorm_0/bias": (D,),
              "MlpBlock_0/Dense_0/kernel": (D, M), "MlpBlock_0/Dense_0/bias": (M,),
              "MlpBlock_0/Dense_1/kernel": (M, D), "MlpBlock_0/Dense_1/bias": (D,),
              "MultiHeadDotProductAttention_0/out/kernel": (H, hd, D), "MultiHeadDotProductAttention_0/out/bias": (D,)}
    for n in ("query", "key", "value"):
        shapes[f"MultiHeadDotProductAttention_0/{n}/kernel"] = (D, H, hd)
        shapes[f"MultiHeadDotProductAttention_0/{n}/bias"] = (H, hd)
    return {"MAPHead_0/" + k: (0.1 * rng.standard_normal(s)).astype(np.float32) for k, s in sorted(shapes.items())}


def make_big_vision_scanned(out):
    """models/jax/classifier-scanned.npz, classifier-scanned-tok.npz and map-head-scanned.npz, written by numpy in
    big_vision's scan=True layout from the transformers classifier in models/hf-classifier
    (so expected/expectations/hf-classifier.json, recorded by transformers, applies).

    classifier-scanned.npz: ``params/`` + big_vision names, blocks stacked along axis 0.
    classifier-scanned-tok.npz: the same with big_vision's ``pool_type="tok"`` positions
    ([1, N, D], row 0 folded into ``cls``).
    map-head-scanned.npz: the same encoder pooled by a MAP head (no cls), which vitkit
    refuses as not supported yet.
    """
    from transformers import ViTForImageClassification

    clf = ViTForImageClassification.from_pretrained(os.path.join(out, "models", "hf-classifier")).eval()
    cfg = clf.config
    jdir = os.path.join(out, "models", "jax")
    os.makedirs(jdir, exist_ok=True)
    bv = big_vision_names(hf_to_jax(state_dict_np(clf), cfg))
    scanned = scan_blocks(bv)
    assert scanned["params/Transformer/encoderblock/MlpBlock_0/Dense_0/kernel"].shape == (cfg.num_hidden_layers, 48, 96)
    # big_vision's scan_to_pyloop gives back exactly the per-block arrays
    back = unscan_blocks(scanned)
    assert sorted(back) == sorted(bv) and all(np.array_equal(back[k], bv[k]) for k in bv)
    np.savez(os.path.join(jdir, "classifier-scanned.npz"), **scanned)
    # big_vision's own pool_type="tok" layout: positions added before the class token is
    # prepended, so pos_embedding is [1, N, D] and the class token absorbs row 0 (float32 add,
    # as transformers' embeddings compute cls + pos[0])
    tok = dict(scanned)
    pos = tok["params/pos_embedding"]
    tok["params/cls"] = (tok["params/cls"] + pos[:, :1]).astype(np.float32)
    tok["params/pos_embedding"] = np.ascontiguousarray(pos[:, 1:])
    np.savez(os.path.join(jdir, "classifier-scanned-tok.npz"), **tok)
    mh = {k: v for k, v in scanned.items() if k not in ("params/cls", "params/head/kernel", "params/head/bias")}
    mh["params/pos_embedding"] = mh["params/pos_embedding"][:, 1:]  # posemb added before pooling, no cls slot
    mh.update({"params/" + k: v for k, v in map_head_params(cfg.hidden_size, cfg.num_attention_heads, cfg.intermediate_size, 5).items()})
    np.savez(os.path.join(jdir, "map-head-scanned.npz"), **dict(sorted(mh.items())))


def hf_to_timm(sd, cfg):
    """HF PyTorch state dict (numpy) -> timm VisionTransformer state dict (torch)."""
    p = "vit." if any(k.startswith("vit.") for k in sd) else ""
    o = {
        "cls_token": sd[p + "embeddings.cls_token"],
        "pos_embed": sd[p + "embeddings.position_embeddings"],
        "patch_embed.proj.weight": sd[p + "embeddings.patch_embeddings.projection.weight"],
        "patch_embed.proj.bias": sd[p + "embeddings.patch_embeddings.projection.bias"],
    }
    for i in range(cfg.num_hidden_layers):
        l, b = f"{p}encoder.layer.{i}.", f"blocks.{i}."
        o[b + "norm1.weight"] = sd[l + "layernorm_before.weight"]
        o[b + "norm1.bias"] = sd[l + "layernorm_before.bias"]
        o[b + "attn.qkv.weight"] = np.concatenate([sd[l + f"attention.attention.{n}.weight"] for n in ("query", "key", "value")])
        o[b + "attn.qkv.bias"] = np.concatenate([sd[l + f"attention.attention.{n}.bias"] for n in ("query", "key", "value")])
        o[b + "attn.proj.weight"] = sd[l + "attention.output.dense.weight"]
        o[b + "attn.proj.bias"] = sd[l + "attention.output.dense.bias"]
        o[b + "norm2.weight"] = sd[l + "layernorm_after.weight"]
        o[b + "norm2.bias"] = sd[l + "layernorm_after.bias"]
        o[b + "mlp.fc1.weight"] = sd[l + "intermediate.dense.weight"]
        o[b + "mlp.fc1.bias"] = sd[l + "intermediate.dense.bias"]
        o[b + "mlp.fc2.weight"] = sd[l + "output.dense.weight"]
        o[b + "mlp.fc2.bias"] = sd[l + "output.dense.bias"]
    o["norm.weight"] = sd[p + "layernorm.weight"]
    o["norm.bias"] = sd[p + "layernorm.bias"]
    if "classifier.weight" in sd:
        o["head.weight"] = sd["classifier.weight"]
        o["head.bias"] = sd["classifier.bias"]
    return {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in o.items()}


def timm_model(cfg, num_classes, eps, img_size=None, no_embed_class=False):
    import torch.nn as nn
    from timm.models.vision_transformer import VisionTransformer

    return VisionTransformer(
        img_size=img_size or cfg.image_size,
        patch_size=cfg.patch_size,
        in_chans=cfg.num_channels,
        num_classes=num_classes,
        global_pool="token",
        embed_dim=cfg.hidden_size,
        depth=cfg.num_hidden_layers,
        num_heads=cfg.num_attention_heads,
        mlp_ratio=cfg.intermediate_size / cfg.hidden_size,
        qkv_bias=True,
        class_token=True,
        no_embed_class=no_embed_class,
        norm_layer=partial(nn.LayerNorm, eps=eps),
    ).eval()


# --------------------------------------------------------------------------------------
# a plain numpy ViT forward on Google JAX names (independent of torch)
# --------------------------------------------------------------------------------------


def timm_forward(m, pix, with_head):
    """timm model outputs per image of ``pix`` (name -> CHW float32): last hidden state, and
    logits when ``with_head``."""
    res = {}
    for n, a in pix.items():
        with torch.no_grad():
            feats = m.forward_features(torch.from_numpy(a[None].copy()))
            o = {"last_hidden_state": feats[0].numpy()}
            if with_head:
                o["logits"] = m.forward_head(feats)[0].numpy()
        res[n] = o
    return res


def _ln(x, s, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * s + b


def numpy_vit_forward(w, pixels, eps, prefix=""):
    """w: dict of JAX-named arrays; pixels [3,S,S]. Returns dict of float64 outputs."""
    from scipy.special import erf

    g = lambda k: np.asarray(w[prefix + k], dtype=np.float64)  # noqa: E731
    k = g("embedding/kernel")  # [P,P,C,D]
    P, _, C, D = k.shape
    x = np.asarray(pixels, dtype=np.float64).transpose(1, 2, 0)  # HWC
    n = x.shape[0] // P
    patches = x.reshape(n, P, n, P, C).transpose(0, 2, 1, 3, 4).reshape(n * n, P * P * C)
    h = patches @ k.reshape(P * P * C, D) + g("embedding/bias")
    h = np.concatenate([g("cls")[0], h], 0) + g("Transformer/posembed_input/pos_embedding")[0]
    i = 0
    while prefix + f"Transformer/encoderblock_{i}/LayerNorm_0/scale" in w:
        b = f"Transformer/encoderblock_{i}/"
        a = b + "MultiHeadDotProductAttention_1/"
        y = _ln(h, g(b + "LayerNorm_0/scale"), g(b + "LayerNorm_0/bias"), eps)
        q, kk, v = (np.einsum("nd,dhk->hnk", y, g(a + f"{t}/kernel")) + g(a + f"{t}/bias")[:, None, :] for t in ("query", "key", "value"))
        s = q @ kk.transpose(0, 2, 1) / math.sqrt(q.shape[-1])
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        o = np.einsum("hnk,hkd->nd", s @ v, g(a + "out/kernel")) + g(a + "out/bias")
        h = h + o
        y = _ln(h, g(b + "LayerNorm_2/scale"), g(b + "LayerNorm_2/bias"), eps)
        m = y @ g(b + "MlpBlock_3/Dense_0/kernel") + g(b + "MlpBlock_3/Dense_0/bias")
        m = 0.5 * m * (1.0 + erf(m / math.sqrt(2.0)))
        h = h + m @ g(b + "MlpBlock_3/Dense_1/kernel") + g(b + "MlpBlock_3/Dense_1/bias")
        i += 1
    h = _ln(h, g("Transformer/encoder_norm/scale"), g("Transformer/encoder_norm/bias"), eps)
    out = {"last_hidden_state": h}
    if prefix + "pre_logits/kernel" in w:
        out["pooler_output"] = np.tanh(h[0] @ g("pre_logits/kernel") + g("pre_logits/bias"))
    if prefix + "head/kernel" in w:
        out["logits"] = h[0] @ g("head/kernel") + g("head/bias")
    return out


def hf_interpolate_pos(pos, grid):
    """transformers' ViT interpolate_pos_encoding: bicubic (align_corners=False) on the patch grid, cls kept."""
    t = torch.from_numpy(np.ascontiguousarray(pos, dtype=np.float32))
    cls_pos, patch = t[:, :1], t[:, 1:]
    n = int(round(math.sqrt(patch.shape[1])))
    if n == grid:
        return np.asarray(pos)
    patch = patch.reshape(1, n, n, -1).permute(0, 3, 1, 2)
    patch = torch.nn.functional.interpolate(patch, size=(grid, grid), mode="bicubic", align_corners=False)
    patch = patch.permute(0, 2, 3, 1).reshape(1, grid * grid, -1)
    return torch.cat([cls_pos, patch], 1).numpy()


def maxdiff(a, b):
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


def compare_outputs(ours, ref):
    """Max abs diff per shared output key (logits / pooler_output / last_hidden_state)."""
    d = {}
    for k in ("logits", "pooler_output", "last_hidden_state"):
        if k in ours and k in ref:
            d[k] = maxdiff(ours[k], ref[k])
    return d


# --------------------------------------------------------------------------------------
# describing checkpoints
# --------------------------------------------------------------------------------------


def st_header(path):
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        return n, json.loads(f.read(n))


def describe_safetensors(path, root):
    from safetensors import safe_open

    n, header = st_header(path)
    tensors = []
    with safe_open(path, framework="np") as f:
        meta = f.metadata()
        for k in f.keys():
            s = f.get_slice(k)
            dt, shape = s.get_dtype(), list(s.get_shape())
            tensors.append({"name": k, "dtype": dt, "shape": shape, "data_offsets": header[k]["data_offsets"]})
    return {
        "path": rel(path, root),
        "format": "safetensors",
        "file_size": os.path.getsize(path),
        "header_size": n,
        "header_order": [k for k in header if k != "__metadata__"],
        "metadata": meta,
        "tensors": tensors,
    }


_ST_ITEMSIZE = {"F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}


def _attr_list(group, name):
    """Keras' load_attributes_from_hdf5_group: name, or name0, name1, ... chunks."""
    if name in group.attrs:
        vals = list(group.attrs[name])
    else:
        vals, i = [], 0
        while f"{name}{i}" in group.attrs:
            vals.extend(list(group.attrs[f"{name}{i}"]))
            i += 1
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in vals]


def describe_keras_h5(path, root):
    import h5py

    tensors = []
    with h5py.File(path, "r") as f:
        layer_names = _attr_list(f, "layer_names")
        weight_names = {}
        for layer in layer_names:
            g = f[layer]
            names = _attr_list(g, "weight_names")
            weight_names[layer] = names
            for w in names:
                ds = g[w]
                tensors.append({"name": w, "path": f"/{layer}/{w}", "layer": layer, "dtype": ds.dtype.str, "shape": list(ds.shape)})
        attrs = {k: _attr_value(f.attrs[k]) for k in f.attrs}
        groups = sorted(f.keys())
    return {
        "path": rel(path, root),
        "format": "keras-h5",
        "file_size": os.path.getsize(path),
        "root_attrs": attrs,
        "root_groups": groups,
        "layer_names": layer_names,
        "weight_names": weight_names,
        "metadata": None,
        "tensors": tensors,
    }


def describe_tf_shard(path, root):
    """transformers' sharded TF h5: root attr layer_names lists dataset paths directly."""
    import h5py

    tensors = []
    with h5py.File(path, "r") as f:
        names = _attr_list(f, "layer_names")
        for n in names:
            ds = f[n]
            tensors.append({"name": n, "path": "/" + n, "dtype": ds.dtype.str, "shape": list(ds.shape)})
        attrs = {k: _attr_value(f.attrs[k]) for k in f.attrs}
    return {"path": rel(path, root), "format": "tf-h5-shard", "file_size": os.path.getsize(path), "root_attrs": attrs, "metadata": None, "tensors": tensors}


def describe_npz(path, root):
    tensors = []
    with zipfile.ZipFile(path) as z:
        comp = {i.filename: ("deflated" if i.compress_type == zipfile.ZIP_DEFLATED else "stored") for i in z.infolist()}
    with np.load(path, allow_pickle=False) as f:
        for k in f.files:
            a = f[k]
            tensors.append({"name": k, "dtype": a.dtype.str, "shape": list(a.shape), "compression": comp[k + ".npy"]})
    return {"path": rel(path, root), "format": "npz", "file_size": os.path.getsize(path), "metadata": None, "tensors": tensors}


def _np_itemsize(dt):
    return np.dtype(dt).itemsize


def finish_entry(e, **extra):
    count, nbytes = 0, 0
    for t in e["tensors"]:
        n = int(np.prod(t["shape"])) if t["shape"] else 1
        count += n
        nbytes += n * (_ST_ITEMSIZE[t["dtype"]] if e["format"] == "safetensors" else _np_itemsize(t["dtype"]))
    e["tensor_count"] = len(e["tensors"])
    e["parameter_count"] = count
    e["total_bytes"] = nbytes
    e.update(extra)
    return e


def _attr_value(v):
    if isinstance(v, bytes):
        return v.decode("utf8", "replace")
    if isinstance(v, np.ndarray):
        return [_attr_value(x) for x in v.tolist()] if v.dtype.kind in "OS" else v.tolist()
    if isinstance(v, (np.generic,)):
        return v.item()
    if isinstance(v, list):
        return [_attr_value(x) for x in v]
    return v


# --------------------------------------------------------------------------------------
# numpy fixtures
# --------------------------------------------------------------------------------------


def _values(a):
    if a.dtype.kind == "b":
        return [int(x) for x in a.reshape(-1).tolist()]
    if a.dtype.kind in "iu":
        return [int(x) for x in a.reshape(-1).tolist()]
    return [float(x) for x in a.astype(np.float64).reshape(-1).tolist()]


def _summary(a):
    f = a.astype(np.float64).reshape(-1)
    return {"sum": float(f.sum()), "min": float(f.min()), "max": float(f.max()), "first": _values(a.reshape(-1)[:16])}


def _npy_header(fp):
    version = np.lib.format.read_magic(fp)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
    else:
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
    return version, shape, fortran, dtype


def _array_record(name, raw_bytes, member=None):
    import ml_dtypes

    fp = io.BytesIO(raw_bytes)
    version, shape, fortran, dtype = _npy_header(fp)
    fp.seek(0)
    rec = {"name": name}
    if member:
        rec["member"] = member
    # data offset: magic(6)+version(2)+len(2|4)+header; descr exactly as the header spells it
    start = 10 if version == (1, 0) else 12
    hl = int.from_bytes(raw_bytes[8:start], "little")
    text = raw_bytes[start:start + hl].decode("utf8" if version == (3, 0) else "latin1")
    if version < (3, 0):
        # Python 2 long literals (`(2L,)`): numpy drops the L from 1.0/2.0 headers (_filter_header).
        text = re.sub(r"(\d)L\b", r"\1", text)
    header = ast.literal_eval(text)
    rec["descr"] = header["descr"] if isinstance(header["descr"], str) else str(header["descr"])
    rec["numpy_dtype"] = dtype.str
    rec.update({"shape": list(shape), "fortran_order": bool(fortran), "header_version": list(version), "data_offset": start + hl})
    if dtype.hasobject:
        rec["refuse"] = True
        rec["reason"] = "object dtype (pickled data)"
        return rec
    if dtype.names is not None:
        rec["refuse"] = True
        rec["reason"] = "structured dtype"
        return rec
    rec["refuse"] = False
    a = np.lib.format.read_array(fp, allow_pickle=False)
    a = np.ascontiguousarray(a)  # values in C (row-major) order
    if a.dtype.kind == "V" and a.dtype.itemsize == 2:
        bits = a.view(np.uint16)
        rec["interpretation"] = "bfloat16 (ml_dtypes)"
        rec["bits"] = [int(x) for x in bits.reshape(-1).tolist()]
        a = bits.view(ml_dtypes.bfloat16).astype(np.float32)
    if a.size > 1024:
        rec["summary"] = _summary(a)
    else:
        rec["values"] = _values(a)
    return rec


def make_numpy(out):
    import ml_dtypes

    d = os.path.join(out, "numpy")
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    rng = np.random.default_rng(7)
    base = (np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5) * np.float32(0.3)

    def write(name, a, version=None, allow_pickle=False):
        with open(os.path.join(d, name), "wb") as f:
            if version is None:
                np.save(f, a, allow_pickle=allow_pickle)
            else:
                np.lib.format.write_array(f, a, version=version, allow_pickle=allow_pickle)

    write("v1-f4.npy", base, (1, 0))
    write("v2-f4.npy", base, (2, 0))
    write("v3-f4.npy", base, (3, 0))
    write("f4.npy", np.array([[1.5, -0.0, 3.4028235e38], [1.1754944e-38, 1e-45, -2.75]], dtype="<f4"))
    write("f2.npy", np.array([[0.1, -2.5, 65504.0], [6.1e-5, 5.96e-8, 1.0]], dtype="<f2"))
    write("f8.npy", np.array([[math.pi, -1e300], [5e-324, 0.1], [1.0, -2.0]], dtype="<f8"))
    write("i8.npy", np.array([-(2**63), 2**63 - 1, 0, 1, -1, 123456789012345], dtype="<i8"))
    write("i4.npy", np.array([[-(2**31), 2**31 - 1], [7, -7]], dtype="<i4"))
    write("i2.npy", np.array([-32768, 32767, 0, -1, 300], dtype="<i2"))
    write("i1.npy", np.array([-128, 127, 0, -1], dtype="|i1"))
    write("u1.npy", np.array([[0, 1, 2], [127, 128, 255]], dtype="|u1"))
    write("b1.npy", np.array([[True, False, True], [False, False, True]], dtype="|b1"))
    write("be-f4.npy", np.array([[1.0, -2.5, 3.25], [0.1, 1e-3, -7.0]], dtype=">f4"))
    write("be-i8.npy", np.array([1, -2, 2**40 + 3, -(2**62)], dtype=">i8"))
    write("be-f8.npy", np.array([math.e, -0.5, 1e-10], dtype=">f8"))
    fortran = np.asfortranarray(np.arange(24, dtype=np.float32).reshape(2, 3, 4) * np.float32(0.5))
    assert fortran.flags.f_contiguous and not fortran.flags.c_contiguous
    write("fortran-f4.npy", fortran)
    write("fortran-i4-2d.npy", np.asfortranarray(np.arange(12, dtype=np.int32).reshape(3, 4)))
    write("scalar-f8.npy", np.array(2.5, dtype="<f8"))
    write("vec3-f4.npy", np.array([1.0, 2.0, 3.0], dtype="<f4"))
    write("empty-f4.npy", np.zeros((0, 3), dtype="<f4"))
    write("bf16.npy", np.array([[1.0, -2.0, 0.1, 3.140625], [1e-3, 65280.0, -0.0, 0.5]], dtype=ml_dtypes.bfloat16))
    write("object-pickle.npy", np.array([{"a": 1}, "text", 3], dtype=object), allow_pickle=True)
    write("structured.npy", np.array([(1, 2.5), (3, -1.0)], dtype=[("id", "<i4"), ("value", "<f8")]))

    small = {
        "a": base,
        "b": np.arange(10, dtype="<i8"),
        "c": np.array([[True, False]], dtype="|b1"),
        "d": np.array([0.5, -0.25], dtype="<f2"),
    }
    np.savez(os.path.join(d, "stored.npz"), **small)
    np.savez_compressed(os.path.join(d, "compressed.npz"), **small)
    np.savez(os.path.join(d, "positional.npz"), base, np.arange(3, dtype="<i4"))  # arr_0, arr_1
    slashed = {
        "Transformer/encoder_norm/scale": np.linspace(0.5, 1.5, 8, dtype=np.float32),
        "Transformer/encoderblock_0/MlpBlock_3/Dense_0/kernel": (np.arange(12, dtype=np.float32).reshape(3, 4) - 6) / 4,
        "cls": np.full((1, 1, 4), 0.25, dtype=np.float32),
    }
    np.savez(os.path.join(d, "slash-names.npz"), **slashed)
    np.savez_compressed(os.path.join(d, "slash-names-compressed.npz"), **slashed)
    big = (np.sin(np.arange(150 * 130, dtype=np.float64) * 0.01) * 3 + rng.standard_normal(150 * 130) * 0.01).astype(np.float32).reshape(150, 130)
    bigs = {"big": big, "small": np.arange(5, dtype="<i4")}
    assert big.nbytes > 64 * 1024
    np.savez(os.path.join(d, "big-stored.npz"), **bigs)
    np.savez_compressed(os.path.join(d, "big-compressed.npz"), **bigs)

    # numpy's own test file with a Python 2 header ('shape': (2L,)), as numpy ships it.
    shutil.copy(os.path.join(os.path.dirname(np.lib.__file__), "tests", "data", "win64python2.npy"), d)

    files = []
    for fn in sorted(os.listdir(d)):
        path = os.path.join(d, fn)
        if fn.endswith(".npy"):
            with open(path, "rb") as f:
                raw = f.read()
            files.append({"file": rel(path, out), "kind": "npy", "arrays": [_array_record(fn[:-4], raw)]})
        else:
            arrays = []
            with zipfile.ZipFile(path) as z:
                names = np.load(path).files
                for info in z.infolist():
                    name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
                    assert name in names
                    r = _array_record(name, z.read(info), member=info.filename)
                    r["compression"] = "deflated" if info.compress_type == zipfile.ZIP_DEFLATED else "stored"
                    r["compressed_size"] = info.compress_size
                    r["file_size"] = info.file_size
                    arrays.append(r)
            files.append({"file": rel(path, out), "kind": "npz", "arrays": arrays})
    # cross-check: every non-refused value record equals what np.load returns
    for fr in files:
        path = os.path.join(out, fr["file"])
        if fr["kind"] == "npy":
            if fr["arrays"][0]["refuse"]:
                try:
                    np.load(path, allow_pickle=False)
                    assert fr["arrays"][0]["reason"].startswith("structured")
                except ValueError:
                    pass
            continue
        with np.load(path, allow_pickle=False) as z:
            assert [a["name"] for a in fr["arrays"]] == z.files, fr["file"]
    doc = {
        "format": "vitkit-numpy-fixtures",
        "version": 1,
        "numpy": np.__version__,
        "ml_dtypes": ml_dtypes.__version__,
        "notes": "values are flattened in C (row-major) order whatever fortran_order says; floats are the exact "
        "value as a double; booleans 0/1; arrays over 1024 elements have 'summary' (sum/min/max as float64, "
        "first 16 values) instead of 'values'; 'refuse': true marks files vitkit must reject (pickles, "
        "structured dtypes); bfloat16 arrays (descr <V2) also list the raw uint16 'bits'.",
        "files": files,
    }
    jdump(doc, os.path.join(out, "expected", "numpy.json"))
    return doc


# --------------------------------------------------------------------------------------
# HDF5 fixtures
# --------------------------------------------------------------------------------------


def make_generic_h5(path):
    import h5py

    with h5py.File(path, "w") as f:
        f.attrs["title"] = "vitkit generic fixture"  # variable-length UTF-8 string
        f.attrs["fixed_title"] = np.bytes_(b"fixed-length")  # fixed-length ASCII string
        f.attrs["version"] = np.int32(1)
        f.attrs["scales"] = np.array([0.5, 2.0], dtype=np.float64)
        ga = f.create_group("group_a")
        ga.attrs["units"] = "arbitrary"
        ga.create_dataset("f16", data=np.array([[0.5, -1.0, 2.0], [65504.0, 0.1, -0.0]], dtype=np.float16))
        ga.create_dataset("f32", data=(np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5) / 3)
        ga.create_dataset("nested/deeper/f64", data=np.array([[math.pi, -1e-300], [1e300, 0.25]], dtype=np.float64))
        gi = f.create_group("ints")
        gi.create_dataset("i8", data=np.array([-128, 127, 0, -1], dtype=np.int8))
        gi.create_dataset("i16", data=np.array([-32768, 32767, 5], dtype=np.int16))
        gi.create_dataset("i32", data=np.array([[-(2**31), 2**31 - 1], [1, 2]], dtype=np.int32))
        gi.create_dataset("i64", data=np.array([-(2**63), 2**63 - 1, 42], dtype=np.int64))
        gi.create_dataset("u8", data=np.array([0, 128, 255], dtype=np.uint8))
        gi.create_dataset("big_endian_i32", data=np.array([1, -2, 70000], dtype=">i4"))
        f.create_dataset("bool", data=np.array([True, False, True, True]))
        gz = (np.cos(np.arange(64 * 32) * 0.05) * 10).astype(np.float32).reshape(64, 32)
        f.create_dataset("compressed/gzip_f32", data=gz, chunks=(16, 16), compression="gzip", compression_opts=4)
        f.create_dataset("compressed/shuffle_gzip_i32", data=np.arange(1000, dtype=np.int32).reshape(10, 100), chunks=(5, 50), compression="gzip", shuffle=True)
        f.create_dataset("chunked_uncompressed_f64", data=np.linspace(-1, 1, 30).reshape(5, 6), chunks=(2, 3))
        f.create_dataset("scalar", data=np.float64(2.75))
        f.create_dataset("empty_f32", shape=(0, 4), dtype=np.float32)
        f.create_dataset("strings", data=np.array(["alpha", "beta"], dtype=object), dtype=h5py.string_dtype())
        f.create_dataset("fixed_strings", data=np.array([b"ab", b"cd"], dtype="S2"))
        f["group_a/f32"].attrs["description"] = "a 3x4 float32 matrix"
        f["group_a/f32"].attrs["scale"] = np.float32(0.5)


def _read_keras_h5(path):
    import h5py

    with h5py.File(path, "r") as f:
        root_attrs = {k: f.attrs[k] for k in f.attrs}
        layers = _attr_list(f, "layer_names")
        groups = {}
        for name in f.keys():
            g = f[name]
            wn = _attr_list(g, "weight_names")
            groups[name] = [(w, g[w][()]) for w in wn]
    return root_attrs, layers, groups


def _write_str_list_attr(obj, name, values, style, split=1):
    """Mirror tf-keras' save_attributes_to_hdf5_group.

    Keras passes a list of bytes: unsplit, h5py 3 stores it as variable-length ASCII strings
    (style "keras"); when split, each chunk is a numpy 'S' array, stored fixed-length.
    style "fixed" stores fixed-length ASCII everywhere (what h5py 2.x wrote for Keras).
    """
    encoded = [s.encode("utf8") for s in values]
    if split > 1:
        for ci, chunk in enumerate(np.array_split(np.asarray(encoded), split)):
            obj.attrs[f"{name}{ci}"] = chunk
    elif style == "fixed":
        obj.attrs[name] = np.asarray(encoded) if encoded else np.zeros((0,), np.float64)
    else:
        obj.attrs[name] = encoded  # list of bytes (empty list -> empty float64 array, as Keras gets)


def write_keras_variant(src, dst, rename=lambda n: n, style="keras", split_layer=None):
    """Rewrite a Keras-2 weights h5 with renamed weights / other attr storage / split weight_names."""
    import h5py

    root_attrs, layers, groups = _read_keras_h5(src)
    with h5py.File(dst, "w") as f:
        _write_str_list_attr(f, "layer_names", layers, style)
        for k in ("backend", "keras_version"):
            v = root_attrs[k]
            v = (v.decode() if isinstance(v, bytes) else str(v)).encode("utf8")
            f.attrs[k] = np.bytes_(v) if style == "fixed" else v
        for name in sorted(groups):
            g = f.create_group(name)
            names = [rename(w) for w, _ in groups[name]]
            _write_str_list_attr(g, "weight_names", names, style, split=2 if name == split_layer else 1)
            for w, (_, val) in zip(names, groups[name]):
                ds = g.create_dataset(w, val.shape, dtype=val.dtype)
                ds[()] = val


def _h5_attr_info(obj, k):
    import h5py

    aid = obj.attrs.get_id(k)
    t = aid.get_type()
    info = {"value": _attr_value(obj.attrs[k])}
    if isinstance(t, h5py.h5t.TypeStringID):
        info["string"] = "variable-length" if t.is_variable_str() else "fixed-length"
        info["cset"] = "utf-8" if t.get_cset() == h5py.h5t.CSET_UTF8 else "ascii"
    info["shape"] = list(aid.shape) if aid.shape is not None else None
    return info


def describe_h5(path, root, full_values_limit=4096):
    """Every group/dataset with attrs; values for datasets up to full_values_limit elements, else a summary."""
    import h5py

    groups, datasets = [], []

    def visit(name, obj):
        attrs = {k: _h5_attr_info(obj, k) for k in obj.attrs}
        if isinstance(obj, h5py.Group):
            groups.append({"path": "/" + name, "attrs": attrs})
            return
        dt = obj.dtype
        rec = {"path": "/" + name, "dtype": dt.str, "shape": list(obj.shape), "attrs": attrs}
        tclass = obj.id.get_type().get_class()
        rec["h5_class"] = {
            h5py.h5t.FLOAT: "float",
            h5py.h5t.INTEGER: "integer",
            h5py.h5t.ENUM: "enum",
            h5py.h5t.STRING: "string",
        }.get(tclass, str(tclass))
        rec["chunks"] = list(obj.chunks) if obj.chunks else None
        rec["compression"] = obj.compression
        rec["shuffle"] = bool(obj.shuffle)
        if dt.kind in "OSUV" or dt.names is not None:
            rec["refuse"] = True
            rec["reason"] = "string data" if dt.kind in "OSU" or h5py.check_string_dtype(dt) else "unsupported dtype"
            datasets.append(rec)
            return
        rec["refuse"] = False
        a = np.ascontiguousarray(obj[()])
        if a.size <= full_values_limit:
            rec["values"] = _values(a)
        else:
            rec["summary"] = _summary(a)
        datasets.append(rec)

    with h5py.File(path, "r") as f:
        root_attrs = {k: _h5_attr_info(f, k) for k in f.attrs}
        f.visititems(visit)
    return {"file": rel(path, root), "root_attrs": root_attrs, "groups": groups, "datasets": datasets}


# --------------------------------------------------------------------------------------
# generate
# --------------------------------------------------------------------------------------


def _copy_processor(src_dir, dst_dir):
    shutil.copy(os.path.join(src_dir, "preprocessor_config.json"), os.path.join(dst_dir, "preprocessor_config.json"))


def sensitivity_report(model, pixels):
    """Show that the random weights make typical conversion bugs visible far above atol."""
    from transformers import ViTForImageClassification

    def run(m):
        with torch.no_grad():
            o = m(pixel_values=torch.from_numpy(pixels[None].copy()))
        return (o.logits if isinstance(m, ViTForImageClassification) else o.pooler_output)[0].numpy()

    ref = run(model)
    rep = {}
    for what in ("query", "key", "value"):
        m = copy.deepcopy(model)
        layer = (m.vit if hasattr(m, "vit") else m).encoder.layer[0].attention.attention
        w = getattr(layer, what).weight
        with torch.no_grad():
            w.copy_(w.t().contiguous())
        rep[f"transposed_{what}_layer0"] = maxdiff(run(m), ref)
    m = copy.deepcopy(model)
    layer = (m.vit if hasattr(m, "vit") else m).encoder.layer[0].attention.attention
    with torch.no_grad():
        q, k = layer.query.weight.clone(), layer.key.weight.clone()
        layer.query.weight.copy_(k)
        layer.key.weight.copy_(q)
    rep["swapped_query_key_layer0"] = maxdiff(run(m), ref)
    from transformers.activations import ACT2FN

    m = copy.deepcopy(model)
    for lay in (m.vit if hasattr(m, "vit") else m).encoder.layer:
        lay.intermediate.intermediate_act_fn = ACT2FN["gelu_new"]
    rep["tanh_gelu_instead_of_erf"] = maxdiff(run(m), ref)
    m = copy.deepcopy(model)
    base = m.vit if hasattr(m, "vit") else m
    for mod in base.modules():
        if isinstance(mod, torch.nn.LayerNorm):
            mod.eps = 1e-6
    rep["layer_norm_eps_1e-6_instead_of_1e-12"] = maxdiff(run(m), ref)
    return rep


def keep_created_if_unchanged(doc, path):
    """Reuse the old provenance.created when nothing else changed, so regeneration is byte-stable."""
    try:
        with open(path) as f:
            old = json.load(f)
    except (OSError, ValueError):
        return
    a, b = copy.deepcopy(old), copy.deepcopy(doc)
    a.get("provenance", {}).pop("created", None)
    b["provenance"].pop("created", None)
    if a == b:
        doc["provenance"]["created"] = old["provenance"]["created"]


def make_tf_noqkvbias(out, images):
    """models/tf-noqkvbias/ and expected/expectations/tf-noqkvbias.json.

    A classifier with ``qkv_bias=False`` (seed 77) written by transformers-TF:
    ``TFViTSelfAttention`` builds q/k/v Dense layers with a bias whatever ``qkv_bias`` says,
    so its ``tf_model.h5`` stores q/k/v biases. They are set to 0.1 N (seeded) before saving,
    so a reader that ignores them fails the expectations, which transformers-TF records.
    """
    from transformers import ViTConfig, ViTForImageClassification, ViTImageProcessor  # noqa: F401  (torch classes first)
    import tensorflow as tf  # noqa: F401
    from transformers import TFViTForImageClassification

    cfg = tiny_config(
        num_labels=len(LABELS),
        id2label={i: n for i, n in enumerate(LABELS)},
        label2id={n: i for i, n in enumerate(LABELS)},
    )
    cfg.qkv_bias = False
    cfg.architectures = ["ViTForImageClassification"]
    pt = ViTForImageClassification(cfg).eval()
    assert not any(n.endswith(("query.bias", "key.bias", "value.bias")) for n, _ in pt.named_parameters())
    randomize_(pt, SEED_NOQKVBIAS)
    d = os.path.join(out, "models", "tf-noqkvbias")
    with tempfile.TemporaryDirectory() as td:
        pt.save_pretrained(td)
        m = TFViTForImageClassification.from_pretrained(td, from_pt=True)
    rng = np.random.default_rng(SEED_NOQKVBIAS)
    biases = [w for w in m.weights if re.search(r"/attention/(query|key|value)/bias:0$", w.name)]
    assert len(biases) == 3 * cfg.num_hidden_layers, [w.name for w in biases]
    for w in biases:
        w.assign((0.1 * rng.standard_normal(w.shape)).astype(np.float32))
    if os.path.isdir(d):
        shutil.rmtree(d)
    m.save_pretrained(d)
    save_processor(d, 64)
    with open(os.path.join(d, "config.json")) as f:
        assert json.load(f)["qkv_bias"] is False
    e = os.path.join(out, "expected", "expectations", "tf-noqkvbias.json")
    doc = X.compute_tf_expectations(d, images, e, model_label=rel(d, out))
    # the biases must matter: without them the logits move far beyond the tolerance
    for w in biases:
        w.assign(np.zeros(w.shape, np.float32))
    proc = X.build_processor(d, m.config)
    moved = maxdiff(X.run_tf_model(m, "classifier", X.pixel_values(proc, images[0]))["logits"], np.array(doc["images"][0]["logits"]))
    assert moved > 1e-2, moved
    keep_created_if_unchanged(doc, e)
    jdump(doc, e)
    return d


def generate(out):
    import h5py
    import PIL
    import safetensors
    import timm
    import transformers
    from safetensors.torch import save_file

    out = os.path.abspath(out)
    os.makedirs(out, exist_ok=True)
    exp = os.path.join(out, "expected")
    models = os.path.join(out, "models")
    for sub in ("models", "h5", os.path.join("expected", "pixels")):
        p = os.path.join(out, sub)
        if os.path.isdir(p):
            shutil.rmtree(p)
        os.makedirs(p)

    log("images ...")
    images = make_images(out)
    log("numpy fixtures ...")
    make_numpy(out)
    log("reader corpus (h5py) and safetensors dtypes ...")
    import generate_dtypes
    import generate_readers
    generate_readers.main(out)
    generate_dtypes.main(out)

    log("PyTorch models ...")
    in21k = make_in21k()
    clf = make_classifier()
    cfg = in21k.config
    d_in21k = os.path.join(models, "hf-in21k")
    d_clf = os.path.join(models, "hf-classifier")
    d_shard = os.path.join(models, "hf-sharded")
    d_f16 = os.path.join(models, "hf-classifier-f16")
    d_bf16 = os.path.join(models, "hf-classifier-bf16")
    in21k.save_pretrained(d_in21k)
    save_processor(d_in21k, 64)
    clf.save_pretrained(d_clf)
    save_processor(d_clf, 64)
    in21k.save_pretrained(d_shard, max_shard_size="120KB")
    save_processor(d_shard, 64)
    copy.deepcopy(clf).half().save_pretrained(d_f16)
    save_processor(d_f16, 64)
    copy.deepcopy(clf).to(torch.bfloat16).save_pretrained(d_bf16)
    save_processor(d_bf16, 64)
    n_shards = len(set(json.load(open(os.path.join(d_shard, "model.safetensors.index.json")))["weight_map"].values()))
    assert 2 <= n_shards <= 3, n_shards

    log("JAX npz ...")
    sd_in21k, sd_clf = state_dict_np(in21k), state_dict_np(clf)
    jdir = os.path.join(models, "jax")
    os.makedirs(jdir)
    jax_in21k = hf_to_jax(sd_in21k, cfg)
    jax_clf = hf_to_jax(sd_clf, clf.config)
    np.savez(os.path.join(jdir, "in21k.npz"), **jax_in21k)
    np.savez(os.path.join(jdir, "classifier.npz"), **jax_clf)
    opt = {"opt/target/" + k: v for k, v in jax_in21k.items()}
    rng = np.random.default_rng(3)
    unused = {
        "opt/state/step": np.array(1234, dtype=np.int64),
        "opt/state/param_states/cls/grad_ema": rng.standard_normal((1, 1, 48)).astype(np.float32) * 1e-3,
        "opt/state/param_states/cls/grad_sq_ema": np.abs(rng.standard_normal((1, 1, 48))).astype(np.float32) * 1e-6,
    }
    opt.update(unused)
    np.savez(os.path.join(jdir, "in21k-opt-target.npz"), **dict(sorted(opt.items())))
    # big_vision's names for the same classifier, under a "params/" prefix.
    np.savez(os.path.join(jdir, "classifier-big-vision.npz"), **big_vision_names(jax_clf))
    make_big_vision_scanned(out)

    log("timm ...")
    tdir = os.path.join(models, "timm")
    os.makedirs(tdir)
    timm_sd = hf_to_timm(sd_clf, clf.config)
    tm = timm_model(clf.config, len(LABELS), 1e-12)
    tm.load_state_dict(timm_sd, strict=True)
    save_file(tm.state_dict(), os.path.join(tdir, "classifier.safetensors"))

    log("pixels ...")
    from transformers import ViTImageProcessor

    proc64 = ViTImageProcessor(size={"height": 64, "width": 64})
    proc224 = ViTImageProcessor(size={"height": 224, "width": 224})
    pix = {}
    os.makedirs(os.path.join(exp, "pixels", "224"))
    for p in images:
        name = os.path.basename(p)
        a = X.pixel_values(proc64, p)
        assert a.dtype == np.float32 and a.shape == (3, 64, 64)
        pix[name] = a
        np.save(os.path.join(exp, "pixels", name + ".npy"), a)
        if name in PIXELS_224:
            np.save(os.path.join(exp, "pixels", "224", name + ".npy"), X.pixel_values(proc224, p))

    log("expectations ...")
    edir = os.path.join(exp, "expectations")
    ref = {}
    for label, mdir, size in (
        ("hf-in21k", d_in21k, None),
        ("hf-classifier", d_clf, None),
        ("hf-classifier-f16", d_f16, None),
        ("hf-classifier-bf16", d_bf16, None),
        ("hf-sharded", d_shard, None),
        ("hf-classifier-96", d_clf, 96),
    ):
        outp = os.path.join(edir, label + ".json")
        doc = X.compute_expectations(mdir, images, outp, size, model_label=rel(mdir, out))
        keep_created_if_unchanged(doc, outp)
        X.write_json(doc, outp)
        ref[label] = doc
    assert ref["hf-sharded"]["images"][0]["pooler_output"] == ref["hf-in21k"]["images"][0]["pooler_output"]
    generate_dtypes.f8_classifier(out)  # needs models/hf-classifier and the images

    # PyTorch reference outputs per image (float32), for the cross-checks
    def torch_outputs(model, kind):
        return {n: X.run_model(model, kind, pix[n], False) for n in pix}

    pt_in21k = torch_outputs(in21k, "base")
    pt_clf = torch_outputs(clf, "classifier")

    cross = {
        "format": "vitkit-crosscheck",
        "version": 1,
        "reference": "transformers PyTorch (expected/expectations/hf-in21k.json, hf-classifier.json)",
        "pixels": "expected/pixels/<image>.npy (64 px)",
        "versions": {},
        "sensitivity": {},
        "entries": [],
    }

    def add_entry(model_name, impl, checkpoint, outs, refs, extra=None):
        per_image, worst = [], {}
        for n in sorted(outs):
            d = compare_outputs(outs[n], refs[n])
            for k, v in d.items():
                worst[k] = max(worst.get(k, 0.0), v)
            rec = {"image": "images/" + n, "max_abs_diff": d}
            if "logits" in outs[n]:
                rec["logits"] = [float(x) for x in np.asarray(outs[n]["logits"], np.float32).reshape(-1)]
            if "pooler_output" in outs[n]:
                rec["pooler_output"] = [float(x) for x in np.asarray(outs[n]["pooler_output"], np.float32).reshape(-1)]
            per_image.append(rec)
        e = {"model": model_name, "implementation": impl, "checkpoint": checkpoint, "max_abs_diff": worst}
        e.update(extra or {})
        e["images"] = per_image
        cross["entries"].append(e)
        log(f"  crosscheck {model_name:14s} {impl:34s} {worst}")
        return worst

    cross["sensitivity"]["hf-classifier"] = sensitivity_report(clf, pix["chelsea.png"])
    cross["sensitivity"]["hf-in21k"] = sensitivity_report(in21k, pix["chelsea.png"])

    # f16 / bf16: the stored weights upcast vs the f32 originals (how much rounding moved outputs)
    for label in ("hf-classifier-f16", "hf-classifier-bf16"):
        a = ref[label]["images"]
        b = ref["hf-classifier"]["images"]
        cross["sensitivity"][f"{label}_vs_f32_logits_max_abs_diff"] = max(maxdiff(x["logits"], y["logits"]) for x, y in zip(a, b))

    # timm from the committed safetensors file, eps 1e-12 (equality) and timm's default 1e-6
    from safetensors.torch import load_file

    def timm_outputs(m, with_head):
        return timm_forward(m, pix, with_head)

    sd_file = load_file(os.path.join(tdir, "classifier.safetensors"))
    for eps in (1e-12, 1e-6):
        m = timm_model(clf.config, len(LABELS), eps)
        m.load_state_dict(sd_file, strict=True)
        w = add_entry("classifier", f"timm VisionTransformer eps={eps:g}", "models/timm/classifier.safetensors", timm_outputs(m, True), pt_clf, {"layer_norm_eps": eps})
        if eps == 1e-12:
            assert w["logits"] < 1e-5, w
    # timm's own Google-npz loader (_load_weights) on our JAX files
    for name, path, ncls, refs in (
        ("classifier", "classifier.npz", len(LABELS), pt_clf),
        ("in21k", "in21k.npz", 0, pt_in21k),
        ("in21k", "in21k-opt-target.npz", 0, pt_in21k),
    ):
        m = timm_model(cfg, ncls, 1e-12)
        m.load_pretrained(os.path.join(jdir, path))
        w = add_entry(name, "timm _load_weights (npz) eps=1e-12", "models/jax/" + path, timm_outputs(m, ncls > 0), refs,
                      {"note": "timm ignores pre_logits (no pooler); compared: last_hidden_state" + (" and logits" if ncls else "")})
        assert max(w.values()) < 1e-5, w
    # independent numpy forward on the JAX names
    for name, path, w_, refs, prefix in (
        ("in21k", "in21k.npz", jax_in21k, pt_in21k, ""),
        ("classifier", "classifier.npz", jax_clf, pt_clf, ""),
        ("in21k", "in21k-opt-target.npz", None, pt_in21k, "opt/target/"),
    ):
        with np.load(os.path.join(jdir, path), allow_pickle=False) as z:
            wz = {k: z[k] for k in z.files}
        outs = {n: numpy_vit_forward(wz, pix[n], 1e-12, prefix) for n in pix}
        w = add_entry(name, "numpy float64 forward on JAX names", "models/jax/" + path, outs, refs)
        assert max(w.values()) < 1e-4, w

    cross["versions"] = {
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "timm": timm.__version__,
        "numpy": np.__version__,
        "safetensors": safetensors.__version__,
        "h5py": h5py.__version__,
        "hdf5": h5py.version.hdf5_version,
        "pillow": PIL.__version__,
    }

    log("TensorFlow models ...")
    import tensorflow as tf
    from transformers import TFViTForImageClassification, TFViTModel

    cross["versions"]["tensorflow"] = tf.__version__
    import tf_keras

    cross["versions"]["tf_keras"] = tf_keras.__version__
    d_tf_in21k = os.path.join(models, "tf-in21k")
    d_tf_clf = os.path.join(models, "tf-classifier")
    TFViTModel.from_pretrained(d_in21k, from_pt=True).save_pretrained(d_tf_in21k)
    _copy_processor(d_in21k, d_tf_in21k)
    tfc = TFViTForImageClassification.from_pretrained(d_clf, from_pt=True)
    tfc.save_pretrained(d_tf_clf)
    _copy_processor(d_clf, d_tf_clf)

    h5d = os.path.join(out, "h5")
    d_tf_shard = os.path.join(h5d, "tf-classifier-sharded")
    tfc.save_pretrained(d_tf_shard, max_shard_size="200KB")

    def tf_outputs(m, kind):
        res = {}
        for n in pix:
            o = m(pixel_values=pix[n][None], training=False)
            if kind == "classifier":
                base = m.vit(pixel_values=pix[n][None], training=False)
                res[n] = {"logits": o.logits.numpy()[0], "last_hidden_state": base.last_hidden_state.numpy()[0]}
            else:
                res[n] = {"last_hidden_state": o.last_hidden_state.numpy()[0], "pooler_output": o.pooler_output.numpy()[0]}
        return res

    def tf_load(cls, d):
        m, info = cls.from_pretrained(d, output_loading_info=True)
        bad = {k: v for k, v in info.items() if v and k in ("missing_keys", "unexpected_keys", "mismatched_keys")}
        return m, bad

    for name, cls, d, refs, kind in (
        ("in21k", TFViTModel, d_tf_in21k, pt_in21k, "base"),
        ("classifier", TFViTForImageClassification, d_tf_clf, pt_clf, "classifier"),
        ("classifier", TFViTForImageClassification, d_tf_shard, pt_clf, "classifier"),
    ):
        m, bad = tf_load(cls, d)
        assert not bad, (d, bad)
        w = add_entry(name, f"transformers TF {cls.__name__}", rel(d, out), tf_outputs(m, kind), refs)
        assert max(w.values()) < 1e-4, w

    # interpolated position embeddings (96 px): TF resizes with tf.image.resize bicubic, torch with
    # F.interpolate bicubic (align_corners=False); record how far apart the ecosystems are
    proc96 = ViTImageProcessor(size={"height": 96, "width": 96})
    pix96 = {n: X.pixel_values(proc96, p) for n, p in zip(pix, images)}
    pt96 = {n: X.run_model(clf, "classifier", pix96[n], True) for n in pix96}
    m, _ = tf_load(TFViTForImageClassification, d_tf_clf)
    tf96 = {}
    for n in pix96:
        o = m(pixel_values=pix96[n][None], training=False, interpolate_pos_encoding=True)
        b = m.vit(pixel_values=pix96[n][None], training=False, interpolate_pos_encoding=True)
        tf96[n] = {"logits": o.logits.numpy()[0], "last_hidden_state": b.last_hidden_state.numpy()[0]}
    add_entry("classifier", "transformers TF at 96 px (interpolate_pos_encoding)", rel(d_tf_clf, out), tf96, pt96,
              {"image_size": 96, "reference": "expected/expectations/hf-classifier-96.json",
               "note": "TF interpolates position embeddings with tf.image.resize(method='bicubic') (Keys cubic a=-0.5, "
               "antialias=False) while PyTorch uses F.interpolate(mode='bicubic', align_corners=False) (a=-0.75): "
               "the ecosystems disagree at image sizes other than config.image_size; vitkit follows PyTorch"})
    tm96 = timm_model(clf.config, len(LABELS), 1e-12, img_size=96)
    sd96 = dict(sd_file)
    sd96["pos_embed"] = torch.from_numpy(hf_interpolate_pos(sd96["pos_embed"].numpy(), 6))
    tm96.load_state_dict(sd96, strict=True)
    pix_backup = dict(pix)
    pix.clear()
    pix.update(pix96)
    w = add_entry("classifier", "timm at 96 px, pos_embed interpolated the HF way", "models/timm/classifier.safetensors",
                  timm_outputs(tm96, True), pt96, {"image_size": 96})
    pix.clear()
    pix.update(pix_backup)
    assert max(w.values()) < 1e-5, w

    log("TF model without qkv bias ...")
    make_tf_noqkvbias(out, images)

    log("DeiT / DINOv2 family ...")
    import generate_family

    generate_family.generate(out)

    log("HDF5 fixtures ...")
    make_generic_h5(os.path.join(h5d, "generic.h5"))
    src_clf = os.path.join(d_tf_clf, "tf_model.h5")
    src_in21k = os.path.join(d_tf_in21k, "tf_model.h5")
    _, clf_layers, clf_groups = _read_keras_h5(src_clf)
    _, in_layers, in_groups = _read_keras_h5(src_in21k)
    model_prefix_clf = clf_groups["vit"][0][0].split("/")[0]
    model_prefix_in = in_groups["vit"][0][0].split("/")[0]
    variants = [
        ("tf-classifier-split-weight-names.h5", src_clf, {"split_layer": "vit"}, "classifier",
         "weight_names of group 'vit' split into attrs weight_names0 / weight_names1 (np.array_split of a numpy bytes array, so fixed-length strings), as Keras does when an attr exceeds 64 KB"),
        ("tf-classifier-fixed-attrs.h5", src_clf, {"style": "fixed"}, "classifier",
         "layer_names / weight_names / backend / keras_version stored as fixed-length ASCII strings (as Keras 2 with h5py 2.x "
         "wrote them, e.g. in older hub files); tf-keras 2.21 with h5py 3 writes variable-length ASCII"),
        ("tf-in21k-suffix-1.h5", src_in21k, {"rename": lambda w: w.replace(model_prefix_in + "/", model_prefix_in + "_1/", 1)}, "in21k",
         f"model-name component '{model_prefix_in}' renamed '{model_prefix_in}_1' (a second model built in one process)"),
        ("tf-classifier-keras3-names.h5", src_clf, {"rename": lambda w: w[:-2] if w.endswith(":0") else w}, "classifier",
         "weight names and dataset names without the ':0' suffix (Keras 3 style)"),
    ]
    variant_info = []
    for fn, src, kw, model_name, note in variants:
        write_keras_variant(src, os.path.join(h5d, fn), **kw)
        variant_info.append({"file": "h5/" + fn, "source": rel(src, out), "model": model_name, "note": note})

    # can transformers itself load each variant? (informative, recorded in crosscheck.json)
    for vi in variant_info:
        cls, refs, kind, src_dir = (
            (TFViTForImageClassification, pt_clf, "classifier", d_tf_clf) if vi["model"] == "classifier" else (TFViTModel, pt_in21k, "base", d_tf_in21k)
        )
        with tempfile.TemporaryDirectory() as td:
            shutil.copy(os.path.join(src_dir, "config.json"), td)
            shutil.copy(os.path.join(out, vi["file"]), os.path.join(td, "tf_model.h5"))
            try:
                m, bad = tf_load(cls, td)
                vi["transformers_loads"] = not bad
                if bad:
                    vi["transformers_problems"] = {k: len(v) for k, v in bad.items()}
                else:
                    add_entry(vi["model"], f"transformers TF {cls.__name__} (variant)", vi["file"], tf_outputs(m, kind), refs)
            except Exception as e:  # noqa: BLE001
                vi["transformers_loads"] = False
                vi["transformers_error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
        log(f"  variant {vi['file']}: transformers loads: {vi['transformers_loads']}")
    cross["h5_variants"] = variant_info

    log("expected/h5.json, checkpoints.json ...")
    h5doc = {
        "format": "vitkit-h5-fixtures",
        "version": 1,
        "h5py": h5py.__version__,
        "hdf5": h5py.version.hdf5_version,
        "notes": "dtype is numpy's dtype.str as h5py reads it (HDF5 bool enums read as |b1); values flattened in C order "
        "(datasets over 4096 elements have 'summary' instead); 'refuse': true marks datasets vitkit must reject (strings). "
        "keras variants hold exactly the tensors of their 'source' file under the names given in 'keras.weight_names'.",
        "files": [],
    }
    h5files = [os.path.join(h5d, "generic.h5")] + [os.path.join(out, v["file"]) for v in variant_info]
    shard_files = sorted(os.path.join(d_tf_shard, f) for f in os.listdir(d_tf_shard) if f.endswith(".h5"))
    for p in h5files + shard_files:
        desc = describe_h5(p, out, full_values_limit=4096 if p.endswith("generic.h5") else 0)
        vi = next((v for v in variant_info if v["file"] == desc["file"]), None)
        if vi:
            k = describe_keras_h5(p, out)
            desc["keras"] = {"source": vi["source"], "model": vi["model"], "note": vi["note"], "layer_names": k["layer_names"], "weight_names": k["weight_names"]}
        h5doc["files"].append(desc)
    jdump(h5doc, os.path.join(exp, "h5.json"))

    entries = []
    for mdir, model_name in ((d_in21k, "in21k"), (d_clf, "classifier"), (d_f16, "classifier"), (d_bf16, "classifier")):
        entries.append(finish_entry(describe_safetensors(os.path.join(mdir, "model.safetensors"), out), model=model_name))
    idx_path = os.path.join(d_shard, "model.safetensors.index.json")
    idx = json.load(open(idx_path))
    entries.append({"path": rel(idx_path, out), "format": "safetensors-index", "model": "in21k", "metadata": idx.get("metadata"),
                    "shards": sorted(set(idx["weight_map"].values())), "weight_map": idx["weight_map"]})
    for sf in sorted(set(idx["weight_map"].values())):
        entries.append(finish_entry(describe_safetensors(os.path.join(d_shard, sf), out), model="in21k", shard_of=rel(idx_path, out)))
    entries.append(finish_entry(describe_safetensors(os.path.join(tdir, "classifier.safetensors"), out), model="classifier",
                                layer_norm_eps_note="timm's own default LayerNorm eps is 1e-6; these weights come from an HF model with eps 1e-12 (expectations use 1e-12; crosscheck.json shows both)"))
    for mdir, model_name in ((d_tf_in21k, "in21k"), (d_tf_clf, "classifier")):
        entries.append(finish_entry(describe_keras_h5(os.path.join(mdir, "tf_model.h5"), out), model=model_name))
    tf_idx_path = os.path.join(d_tf_shard, "tf_model.h5.index.json")
    tf_idx = json.load(open(tf_idx_path))
    entries.append({"path": rel(tf_idx_path, out), "format": "tf-h5-index", "model": "classifier", "metadata": tf_idx.get("metadata"),
                    "shards": sorted(set(tf_idx["weight_map"].values())), "weight_map": tf_idx["weight_map"]})
    for sf in sorted(set(tf_idx["weight_map"].values())):
        entries.append(finish_entry(describe_tf_shard(os.path.join(d_tf_shard, sf), out), model="classifier", shard_of=rel(tf_idx_path, out)))
    for v in variant_info:
        entries.append(finish_entry(describe_keras_h5(os.path.join(out, v["file"]), out), model=v["model"], variant_of=v["source"]))
    for fn, model_name in (("in21k.npz", "in21k"), ("classifier.npz", "classifier"), ("in21k-opt-target.npz", "in21k"),
                           ("classifier-big-vision.npz", "classifier")):
        extra = {"model": model_name, "config": None}
        if fn == "in21k-opt-target.npz":
            extra["prefix"] = "opt/target/"
            extra["expected_unused"] = sorted(unused)
        entries.append(finish_entry(describe_npz(os.path.join(jdir, fn), out), **extra))

    # the architecture every checkpoint describes (what vitkit must infer for config-less files)
    def arch(m, has_pooler, num_labels):
        c = m.config
        return {"hidden_size": c.hidden_size, "num_hidden_layers": c.num_hidden_layers, "num_attention_heads": c.num_attention_heads,
                "intermediate_size": c.intermediate_size, "patch_size": c.patch_size, "image_size": c.image_size,
                "num_channels": c.num_channels, "has_pooler": has_pooler, "num_labels": num_labels,
                "hidden_act": c.hidden_act, "layer_norm_eps": c.layer_norm_eps}

    ck = {
        "format": "vitkit-checkpoints",
        "version": 1,
        "versions": cross["versions"],
        "models": {"in21k": arch(in21k, True, 0), "classifier": arch(clf, False, len(LABELS))},
        "notes": "tensors are listed in the order the Python library reports them: safetensors safe_open().keys(), "
        "Keras weight_names order for h5 (path = /<layer>/<weight name>), np.load().files for npz. dtype: safetensors "
        "strings for safetensors, numpy dtype.str for h5 and npz. parameter_count = total elements, total_bytes = "
        "elements x itemsize. 'metadata' is the safetensors __metadata__ (null when absent or not applicable).",
        "checkpoints": entries,
    }
    jdump(ck, os.path.join(exp, "checkpoints.json"))
    jdump(cross, os.path.join(exp, "crosscheck.json"))
    log("keras-hub presets ...")
    make_keras_hub(out)
    log("image processor fixtures (and hf-classifier through them) ...")
    from generate_processors import generate_processors
    generate_processors(out)
    log("done:", out)


def make_keras_hub(out):
    """models/keras-hub/ and expected/expectations/keras-hub-*.json, by keras-hub itself in its
    own process (generate_keras.py: keras-hub needs Keras 3 and TensorFlow, which cannot share
    a process with torch)."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    subprocess.run([sys.executable, os.path.join(HERE, "generate_keras.py"), "generate", "--out", out], check=True, env=env)


# --------------------------------------------------------------------------------------
# full-size
# --------------------------------------------------------------------------------------


def full_size(outdir):
    from safetensors.torch import save_file

    outdir = os.path.abspath(outdir)
    os.makedirs(outdir, exist_ok=True)
    images_dir = os.path.join(HERE, "images")
    imgs = [os.path.join(images_dir, n) for n in PIXELS_224]
    missing = [p for p in imgs if not os.path.exists(p)]
    if missing:
        sys.exit(f"full-size: sample images missing ({missing}); run `python samples/generate.py` first")
    log("ViT-B/16 (random init) ...")
    m = make_in21k(SEED_FULL, full_config())
    hf = os.path.join(outdir, "hf")
    m.save_pretrained(hf)
    save_processor(hf, 224)
    log("  hf:", hf)
    sd = state_dict_np(m)
    jdir = os.path.join(outdir, "jax")
    os.makedirs(jdir, exist_ok=True)
    j = hf_to_jax(sd, m.config)
    np.savez(os.path.join(jdir, "vit-b16.npz"), **j)
    np.savez_compressed(os.path.join(jdir, "vit-b16-compressed.npz"), **j)
    log("  jax:", jdir)
    tdir = os.path.join(outdir, "timm")
    os.makedirs(tdir, exist_ok=True)
    tm = timm_model(m.config, 0, 1e-12)
    tm.load_state_dict(hf_to_timm(sd, m.config), strict=True)
    save_file(tm.state_dict(), os.path.join(tdir, "model.safetensors"))
    log("  timm:", tdir, "(no pooler: timm's ViT has none)")
    del tm, j
    doc = X.compute_expectations(hf, imgs, os.path.join(outdir, "expectations.json"), None, model_label=hf)
    X.write_json(doc, os.path.join(outdir, "expectations.json"))
    log("  expectations:", os.path.join(outdir, "expectations.json"))
    import tensorflow as tf  # noqa: F401  (after torch)
    from transformers import TFViTModel

    tfd = os.path.join(outdir, "tf")
    TFViTModel.from_pretrained(hf, from_pt=True).save_pretrained(tfd)
    _copy_processor(hf, tfd)
    log("  tf:", tfd)
    for root, _, files in os.walk(outdir):
        for f in sorted(files):
            p = os.path.join(root, f)
            log(f"  {os.path.getsize(p):>12,d}  {rel(p, outdir)}")


# --------------------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------------------


class CheckFailure(Exception):
    pass


def check(args):
    images = args.images or [os.path.join(HERE, "images", n) for n, *_ in IMAGES]
    results = []

    def report(kind, path, ok, msg):
        results.append(ok)
        print(f"{'OK  ' if ok else 'FAIL'} {kind:5s} {path}: {msg}", flush=True)

    model_checks = args.hf or args.tf or args.jax or args.timm or args.big_vision
    ref_outs = ref_cfg = ref_kind = None
    if model_checks:
        if not args.reference:
            sys.exit("check: --reference HF_DIR is required with --hf/--tf/--jax/--timm")
        try:
            ref_model, ref_cfg, ref_kind = X.load_model(args.reference)
            proc = X.build_processor(args.reference, ref_cfg, args.image_size)
            pix = {p: X.pixel_values(proc, p) for p in images}
            interp = X.preprocessing_record(proc)["image_size"] != ref_cfg.image_size
            ref_outs = {p: X.run_model(ref_model, ref_kind, pix[p], interp) for p in images}
        except Exception as e:  # noqa: BLE001
            sys.exit(f"check: cannot load reference {args.reference}: {e}")

    def judge(kind, path, outs):
        worst = {}
        for p in images:
            for k, v in compare_outputs(outs[p], ref_outs[p]).items():
                worst[k] = max(worst.get(k, 0.0), v)
        if not worst:
            report(kind, path, False, "no output in common with the reference (pooler/classifier mismatch?)")
            return
        ok = all(v <= args.atol for v in worst.values())
        msg = "loads; max|diff| " + ", ".join(f"{k}={v:.3g}" for k, v in worst.items()) + f" (atol {args.atol:g})"
        report(kind, path, ok, msg)

    for d in args.hf or []:
        try:
            m, cfg, kind = X.load_model(d)
            judge("hf", d, {p: X.run_model(m, kind, pix[p], interp) for p in images})
        except Exception as e:  # noqa: BLE001
            report("hf", d, False, f"does not load: {type(e).__name__}: {e}")

    for f in args.timm or []:
        try:
            from safetensors.torch import load_file

            sd = load_file(f)
            ncls = sd["head.weight"].shape[0] if "head.weight" in sd else 0
            patch = sd["patch_embed.proj.weight"].shape[-1]
            img = next(iter(pix.values())).shape[-1]
            if img % patch:
                raise CheckFailure(f"image size {img} is not a multiple of the patch size {patch}")
            m = timm_model(ref_cfg, ncls, ref_cfg.layer_norm_eps, img_size=img)
            sd = dict(sd)
            sd["pos_embed"] = torch.from_numpy(hf_interpolate_pos(sd["pos_embed"].numpy(), img // patch))
            m.load_state_dict(sd, strict=True)
            judge("timm", f, timm_forward(m, pix, ncls > 0))
        except Exception as e:  # noqa: BLE001
            report("timm", f, False, f"does not load: {type(e).__name__}: {e}")

    for f in args.jax or []:
        try:
            with np.load(f, allow_pickle=False) as z:
                w = {k: z[k] for k in z.files}
            prefix = ""
            for pf in ("", "opt/target/", "params/"):
                if pf + "embedding/kernel" in w:
                    prefix = pf
                    break
            else:
                raise CheckFailure("no embedding/kernel (Google ViT npz names expected)")
            pk = prefix + "Transformer/posembed_input/pos_embedding"
            if pk not in w:
                raise CheckFailure(f"no {pk}")
            grid = next(iter(pix.values())).shape[-1] // w[prefix + "embedding/kernel"].shape[0]
            w[pk] = hf_interpolate_pos(w[pk], grid)
            outs = {p: numpy_vit_forward(w, pix[p], ref_cfg.layer_norm_eps, prefix) for p in images}
            # timm's own loader must accept it too
            try:
                tm = timm_model(ref_cfg, w[prefix + "head/bias"].shape[-1] if prefix + "head/bias" in w else 0, ref_cfg.layer_norm_eps,
                                img_size=w[prefix + "embedding/kernel"].shape[0] * int(round(math.sqrt(w[pk].shape[1] - 1))))
                tm.load_pretrained(f)
                timm_ok = "timm _load_weights accepts it"
            except Exception as e:  # noqa: BLE001
                timm_ok = f"timm _load_weights fails: {e}"
            judge("jax", f + f" [{timm_ok}]", outs)
        except Exception as e:  # noqa: BLE001
            report("jax", f, False, f"does not load: {type(e).__name__}: {e}")

    # big_vision scanned npz: read by timm's _load_weights, which knows big_vision's layout
    # (stacked Transformer/encoderblock/, params/ prefix, top-level pos_embedding)
    for f in args.big_vision or []:
        try:
            with np.load(f, allow_pickle=False) as z:
                shapes = {k: z[k].shape for k in z.files}
            prefix = "params/" if "params/embedding/kernel" in shapes else ""
            stacked = prefix + "Transformer/encoderblock/LayerNorm_0/scale"
            if stacked not in shapes:
                raise CheckFailure(f"no {stacked} (big_vision scan=True layout expected)")
            if shapes[stacked][0] != ref_cfg.num_hidden_layers:
                raise CheckFailure(f"{shapes[stacked][0]} stacked blocks, the reference has {ref_cfg.num_hidden_layers}")
            ncls = shapes[prefix + "head/bias"][-1] if prefix + "head/bias" in shapes else 0
            # big_vision's pool_type="tok" positions ([1, N, D], no class slot): timm's no_embed_class
            rows = shapes[prefix + "pos_embedding"][1]
            m = timm_model(ref_cfg, ncls, ref_cfg.layer_norm_eps, img_size=next(iter(pix.values())).shape[-1],
                           no_embed_class=int(round(math.sqrt(rows))) ** 2 == rows)
            m.load_pretrained(f)
            judge("bv", f + " [timm _load_weights]", timm_forward(m, pix, ncls > 0))
        except Exception as e:  # noqa: BLE001
            report("bv", f, False, f"does not load: {type(e).__name__}: {e}")

    if args.npz or args.npy:
        refd = None
        if args.npz_reference:
            try:
                if args.npz_reference.endswith(".npz"):
                    with np.load(args.npz_reference, allow_pickle=False) as z:
                        refd = {k: z[k] for k in z.files}
                else:
                    refd = {"": np.load(args.npz_reference, allow_pickle=False)}
            except Exception as e:  # noqa: BLE001
                sys.exit(f"check: cannot load --npz-reference {args.npz_reference}: {e}")
        for f in (args.npz or []) + (args.npy or []):
            kind = "npz" if f in (args.npz or []) else "npy"
            try:
                if kind == "npz":
                    with np.load(f, allow_pickle=False) as z:
                        got = {k: z[k] for k in z.files}
                else:
                    got = {"": np.load(f, allow_pickle=False)}
            except Exception as e:  # noqa: BLE001
                report(kind, f, False, f"does not load: {type(e).__name__}: {e}")
                continue
            if refd is None:
                report(kind, f, True, f"loads ({len(got)} array(s)); no --npz-reference given")
                continue
            if kind == "npy" and len(refd) == 1:
                refd_ = {"": next(iter(refd.values()))}
            else:
                refd_ = refd
            problems, worst = [], 0.0
            if set(got) != set(refd_):
                problems.append(f"names differ: missing {sorted(set(refd_) - set(got))[:5]}, extra {sorted(set(got) - set(refd_))[:5]}")
            for k in sorted(set(got) & set(refd_)):
                a, b = got[k], refd_[k]
                if a.shape != b.shape:
                    problems.append(f"{k or '<array>'}: shape {a.shape} != {b.shape}")
                    continue
                if a.dtype != b.dtype:
                    problems.append(f"{k or '<array>'}: dtype {a.dtype.str} != {b.dtype.str}")
                if a.size and a.dtype.kind in "fiub" and b.dtype.kind in "fiub":
                    worst = max(worst, maxdiff(a, b))
                elif a.size and not np.array_equal(a.view(np.uint8), b.view(np.uint8)):
                    problems.append(f"{k}: bytes differ")
            if worst > args.atol:
                problems.append(f"max|diff| {worst:.3g} > atol {args.atol:g}")
            report(kind, f, not problems, ("; ".join(problems) if problems else f"loads; {len(got)} array(s) match, max|diff| {worst:.3g}"))

    # TensorFlow last: it must be imported after torch
    for d in args.tf or []:
        try:
            import tensorflow  # noqa: F401
            from transformers import TFViTForImageClassification, TFViTModel

            cls = TFViTForImageClassification if ref_kind == "classifier" else TFViTModel
            with tempfile.TemporaryDirectory() as td:
                if os.path.isdir(d):
                    src = d
                else:
                    shutil.copy(d, os.path.join(td, "tf_model.h5"))
                    src = td
                if not os.path.exists(os.path.join(src, "config.json")):
                    if src != td:
                        for fn in os.listdir(src):
                            shutil.copy(os.path.join(src, fn), td)
                        src = td
                    shutil.copy(os.path.join(args.reference, "config.json"), td)
                m, info = cls.from_pretrained(src, output_loading_info=True)
            bad = {k: v for k, v in info.items() if v and k in ("missing_keys", "unexpected_keys", "mismatched_keys")}
            if bad:
                raise CheckFailure(f"weights do not match {cls.__name__}: " + ", ".join(f"{k}: {v[:3]}" for k, v in bad.items()))
            outs = {}
            for p in images:
                x = pix[p][None]
                if ref_kind == "classifier":
                    o = m(pixel_values=x, training=False, interpolate_pos_encoding=interp)
                    b = m.vit(pixel_values=x, training=False, interpolate_pos_encoding=interp)
                    outs[p] = {"logits": o.logits.numpy()[0], "last_hidden_state": b.last_hidden_state.numpy()[0]}
                else:
                    o = m(pixel_values=x, training=False, interpolate_pos_encoding=interp)
                    outs[p] = {"last_hidden_state": o.last_hidden_state.numpy()[0]}
                    if o.pooler_output is not None:
                        outs[p]["pooler_output"] = o.pooler_output.numpy()[0]
            if interp:
                print("     note: TF's interpolate_pos_encoding uses tf.image.resize(method='bicubic') (Keys a=-0.5), "
                      "PyTorch's uses a=-0.75: outputs differ from the PyTorch reference at other image sizes", flush=True)
            judge("tf", d, outs)
        except Exception as e:  # noqa: BLE001
            report("tf", d, False, f"does not load: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")

    if not results:
        sys.exit("check: nothing to check (give --hf/--tf/--jax/--timm/--npz/--npy)")
    n_bad = results.count(False)
    print(f"{len(results) - n_bad}/{len(results)} passed")
    return 1 if n_bad else 0


# --------------------------------------------------------------------------------------


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="generate.py",
        description="Regenerate vitkit's sample files (default), write full-size benchmark checkpoints (full-size), "
        "or check files written by vitkit with the reference Python libraries (check).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="cmd")
    g = sub.add_parser("generate", help="rewrite every committed fixture under --out (the default subcommand)")
    g.add_argument("--out", default=HERE, help="samples directory to (re)write (default: the directory of this script)")
    nq = sub.add_parser("tf-noqkvbias", help="rewrite only models/tf-noqkvbias/ and expected/expectations/tf-noqkvbias.json")
    nq.add_argument("--out", default=HERE, help="samples directory holding images/ (default: the directory of this script)")
    fm = sub.add_parser("family", help="rewrite only models/family/ and expected/family/ (DeiT, DINOv2; generate_family.py)")
    fm.add_argument("--out", default=HERE, help="samples directory holding images/ (default: the directory of this script)")
    kh = sub.add_parser("keras-hub", help="rewrite only models/keras-hub/ and expected/expectations/keras-hub-*.json")
    kh.add_argument("--out", default=HERE, help="samples directory holding models/hf-classifier and expected/pixels")
    bv = sub.add_parser("big-vision-scanned", help="rewrite only models/jax/classifier-scanned.npz and map-head-scanned.npz")
    bv.add_argument("--out", default=HERE, help="samples directory holding models/hf-classifier (default: the directory of this script)")
    pp = sub.add_parser("processors", help="rewrite only processors/ (pixel tensors of transformers' image processors)")
    pp.add_argument("--out", default=HERE, help="samples directory holding images/ (default: the directory of this script)")
    fs = sub.add_parser("full-size", help="write a random ViT-B/16 in every format (~1.7 GB) for benchmarks")
    fs.add_argument("outdir", metavar="OUTDIR")
    c = sub.add_parser(
        "check",
        help="load vitkit-written files with transformers/TF/timm/numpy and compare outputs with a reference",
        description="Each --hf/--tf/--jax/--timm/--npz/--npy may be repeated. One line per file; exit status 1 on any failure.",
    )
    c.add_argument("--reference", metavar="HF_DIR", help="reference HF model dir (needed for --hf/--tf/--jax/--timm)")
    c.add_argument("--hf", action="append", metavar="DIR", help="HF PyTorch model dir (config.json + safetensors)")
    c.add_argument("--tf", action="append", metavar="DIR|H5", help="HF TF model dir (tf_model.h5 [+ config.json]) or a .h5 file; "
                   "the reference's config.json is used when none is beside it")
    c.add_argument("--jax", action="append", metavar="NPZ", help="Google ViT .npz (run with a numpy forward pass; timm's loader is also tried)")
    c.add_argument("--big-vision", action="append", metavar="NPZ", help="big_vision scanned .npz (loaded by timm's _load_weights, "
                   "which reads big_vision's stacked layout)")
    c.add_argument("--timm", action="append", metavar="FILE", help="timm VisionTransformer state dict (.safetensors); built with the reference's LayerNorm eps")
    c.add_argument("--npz", action="append", metavar="FILE", help=".npz to load with np.load(allow_pickle=False)")
    c.add_argument("--npy", action="append", metavar="FILE", help=".npy to load with np.load(allow_pickle=False)")
    c.add_argument("--npz-reference", metavar="FILE", help=".npz/.npy whose arrays --npz/--npy must equal (names, dtypes, shapes, values)")
    c.add_argument("--images", nargs="+", metavar="IMAGE", help="images to run (default: every image in samples/images)")
    c.add_argument("--image-size", type=int, metavar="S", help="run at S x S (interpolated position embeddings)")
    c.add_argument("--atol", type=float, default=1e-4, help="max abs difference allowed (default 1e-4)")
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["generate"] + argv
    args = parser.parse_args(argv)
    if args.cmd == "generate":
        generate(args.out)
        return 0
    if args.cmd == "tf-noqkvbias":
        out = os.path.abspath(args.out)
        make_tf_noqkvbias(out, [os.path.join(out, "images", n) for n, *_ in IMAGES])
        return 0
    if args.cmd == "processors":
        from generate_processors import generate_processors
        generate_processors(os.path.abspath(args.out))
        return 0
    if args.cmd == "family":
        import generate_family

        generate_family.generate(os.path.abspath(args.out))
        return 0
    if args.cmd == "keras-hub":
        make_keras_hub(os.path.abspath(args.out))
        return 0
    if args.cmd == "big-vision-scanned":
        make_big_vision_scanned(os.path.abspath(args.out))
        return 0
    if args.cmd == "full-size":
        full_size(args.outdir)
        return 0
    if args.cmd == "check":
        return check(args)
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
