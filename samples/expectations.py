#!/usr/bin/env python3
"""Compute reference outputs ("expectations") of a Hugging Face ViT checkpoint.

vitkit never computes its own reference numbers: this tool runs a checkpoint with
Hugging Face ``transformers`` (PyTorch) on a set of images and writes what the
model produced to a JSON file that vitkit's tests (or ``vitkit verify``) compare
against.

Usage::

    python samples/expectations.py MODEL_DIR IMAGE [IMAGE ...] -o OUT.json [--image-size S]

MODEL_DIR is a directory written by ``save_pretrained`` (``config.json`` plus
``model.safetensors``, a sharded ``model.safetensors.index.json`` set, or
``pytorch_model.bin``).  The model class follows ``config.architectures``:
``*ForImageClassification`` -> ``ViTForImageClassification`` (logits), anything
else -> ``ViTModel`` (with the pooler exactly when the checkpoint has
``pooler.dense.*`` weights).  Missing or unexpected weights are an error, never
silently random-initialised.  Weights stored as float16/bfloat16 are upcast to
float32 (``model.float()``) before running, so the expectations describe the
float32 computation on the stored (rounded) values.

Preprocessing is ``ViTImageProcessor.from_pretrained(MODEL_DIR)`` (the default
``ViTImageProcessor`` at ``config.image_size`` when the directory has no
``preprocessor_config.json``).  Every image is first opened with Pillow and
converted with ``Image.convert("RGB")`` (greyscale replicated, alpha dropped,
palette expanded, 16-bit greyscale *clipped* to 0..255 as Pillow does).  With
``--image-size S`` the processor resizes to S x S and, when S differs from
``config.image_size``, the model runs with ``interpolate_pos_encoding=True``.

Output format (version 1)::

    {
      "format": "vitkit-expectations",
      "version": 1,
      "provenance": {"library": "transformers", "version": "4.57.6", "torch": "2.x",
                     "pillow": "...", "numpy": "...",
                     "model": "<MODEL_DIR as given>", "created": "<ISO 8601 UTC>"},
      "model": {"architecture": "ViTForImageClassification", "config_image_size": 64,
                "hidden_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4,
                "hidden_act": "gelu", "layer_norm_eps": 1e-12,
                "has_pooler": false, "num_labels": 5,
                "checkpoint_dtype": "F32"|"F16"|"BF16"|..., "compute_dtype": "float32",
                "interpolate_pos_encoding": false},
      "preprocessing": {"image_size": 64, "resample": "bilinear",
                        "rescale_factor": 0.00392156862745098,
                        "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5],
                        "do_resize": true, "do_rescale": true, "do_normalize": true,
                        "convert": "PIL Image.convert('RGB')"},
      "tolerances": {"atol": 1e-4, "rtol": 0.0},
      "images": [
        {"path": "../../images/chelsea.png",      # relative to the JSON file
         "logits": [...],                          # only with a classifier head
         "pooler_output": [...],                   # only with a pooler
         "cls": [...],                             # last_hidden_state[0, 0] (after the final LayerNorm)
         "mean_token": [...],                      # last_hidden_state[0].mean(0): covers every token
         "top_k": [{"index": 3, "label": "rocket", "score": 0.61}, ...]}   # classifier only, <= 5, softmax
      ]
    }

Every float is the float32 result written as ``float(x)`` (shortest repr of the
exact float32 value).  A consumer passes when ``|ours - theirs| <= atol + rtol*|theirs|``
for every value.
"""

import argparse
import datetime
import json
import os
import sys

FORMAT = "vitkit-expectations"
VERSION = 1
DEFAULT_TOLERANCES = {"atol": 1e-4, "rtol": 0.0}

_RESAMPLE_NAMES = {0: "nearest", 1: "lanczos", 2: "bilinear", 3: "bicubic", 4: "box", 5: "hamming"}


def load_rgb(path):
    """Open an image with Pillow and convert it the way vitkit must: Image.convert('RGB')."""
    from PIL import Image

    with Image.open(path) as im:
        im.load()
        return im.convert("RGB")


def checkpoint_keys(model_dir):
    """Tensor names of the PyTorch checkpoint in model_dir (safetensors, sharded index or .bin)."""
    single = os.path.join(model_dir, "model.safetensors")
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(single):
        from safetensors import safe_open

        with safe_open(single, framework="pt") as f:
            return list(f.keys())
    if os.path.exists(index):
        with open(index) as f:
            return list(json.load(f)["weight_map"].keys())
    binary = os.path.join(model_dir, "pytorch_model.bin")
    if os.path.exists(binary):
        import torch

        return list(torch.load(binary, map_location="cpu", weights_only=True).keys())
    raise FileNotFoundError(f"{model_dir}: no model.safetensors, model.safetensors.index.json or pytorch_model.bin")


def checkpoint_dtype(model_dir):
    """The safetensors dtype string of the first tensor ("F32", "F16", "BF16"), or None."""
    single = os.path.join(model_dir, "model.safetensors")
    index = os.path.join(model_dir, "model.safetensors.index.json")
    path = None
    if os.path.exists(single):
        path = single
    elif os.path.exists(index):
        with open(index) as f:
            path = os.path.join(model_dir, sorted(set(json.load(f)["weight_map"].values()))[0])
    if path is None:
        return None
    from safetensors import safe_open

    with safe_open(path, framework="np") as f:
        keys = list(f.keys())
        return f.get_slice(keys[0]).get_dtype() if keys else None


def load_model(model_dir):
    """Load a HF ViT checkpoint in float32, refusing missing/unexpected weights.

    Returns (model, config, kind) with kind "classifier" or "base".
    """
    from transformers import ViTConfig, ViTForImageClassification, ViTModel

    config = ViTConfig.from_pretrained(model_dir)
    arch = (config.architectures or ["ViTModel"])[0]
    keys = checkpoint_keys(model_dir)
    if arch.endswith("ForImageClassification"):
        model, info = ViTForImageClassification.from_pretrained(model_dir, output_loading_info=True)
        kind = "classifier"
    else:
        has_pooler = any(k.endswith("pooler.dense.weight") for k in keys)
        model, info = ViTModel.from_pretrained(
            model_dir, add_pooling_layer=has_pooler, output_loading_info=True
        )
        kind = "base"
    problems = {k: v for k, v in info.items() if v and k in ("missing_keys", "unexpected_keys", "mismatched_keys")}
    if problems:
        raise RuntimeError(f"{model_dir}: checkpoint does not match {type(model).__name__}: {problems}")
    model = model.float().eval()
    return model, config, kind


def build_processor(model_dir, config, image_size=None):
    from transformers import ViTImageProcessor

    if os.path.exists(os.path.join(model_dir, "preprocessor_config.json")):
        proc = ViTImageProcessor.from_pretrained(model_dir)
    else:
        proc = ViTImageProcessor(size={"height": config.image_size, "width": config.image_size})
    if image_size is not None:
        proc.size = {"height": int(image_size), "width": int(image_size)}
    return proc


def preprocessing_record(proc):
    size = proc.size
    if "height" in size:
        if size["height"] != size["width"]:
            raise ValueError(f"non-square processor size {size} is not supported")
        s = size["height"]
    else:
        s = size.get("shortest_edge")
    return {
        "image_size": int(s),
        "resample": _RESAMPLE_NAMES.get(int(proc.resample), str(proc.resample)),
        "rescale_factor": float(proc.rescale_factor),
        "image_mean": [float(x) for x in proc.image_mean],
        "image_std": [float(x) for x in proc.image_std],
        "do_resize": bool(proc.do_resize),
        "do_rescale": bool(proc.do_rescale),
        "do_normalize": bool(proc.do_normalize),
        "convert": "PIL Image.convert('RGB')",
    }


def pixel_values(proc, path):
    """[3,S,S] float32 numpy array exactly as ViTImageProcessor produces it."""
    return proc(load_rgb(path), return_tensors="np")["pixel_values"][0]


def floats(t):
    return [float(x) for x in t.reshape(-1).tolist()]


def run_model(model, kind, pixels, interpolate):
    """Run one [3,S,S] image; returns a dict of numpy float32 outputs."""
    import torch

    pv = torch.from_numpy(pixels[None].copy())
    with torch.no_grad():
        if kind == "classifier":
            base = model.vit(pixel_values=pv, interpolate_pos_encoding=interpolate)
            full = model(pixel_values=pv, interpolate_pos_encoding=interpolate)
            logits = model.classifier(base.last_hidden_state[:, 0, :])
            if not torch.equal(logits, full.logits):
                raise RuntimeError("classifier(vit(x)) != model(x).logits")
            out = {"logits": full.logits[0].numpy(), "last_hidden_state": base.last_hidden_state[0].numpy()}
        else:
            base = model(pixel_values=pv, interpolate_pos_encoding=interpolate)
            out = {"last_hidden_state": base.last_hidden_state[0].numpy()}
            if base.pooler_output is not None:
                out["pooler_output"] = base.pooler_output[0].numpy()
    return out


def image_record(rel_path, outputs, config):
    import numpy as np

    rec = {"path": rel_path}
    if "logits" in outputs:
        rec["logits"] = floats(outputs["logits"])
    if "pooler_output" in outputs:
        rec["pooler_output"] = floats(outputs["pooler_output"])
    lhs = outputs["last_hidden_state"]
    rec["cls"] = floats(lhs[0])
    rec["mean_token"] = floats(lhs.mean(axis=0, dtype=np.float32))
    if "logits" in outputs:
        logits = outputs["logits"].astype(np.float64)
        p = np.exp(logits - logits.max())
        p /= p.sum()
        order = sorted(range(len(p)), key=lambda i: (-p[i], i))[:5]
        id2label = {int(k): v for k, v in (config.id2label or {}).items()}
        rec["top_k"] = [
            {"index": int(i), "label": id2label.get(int(i), f"LABEL_{i}"), "score": float(np.float32(p[i]))}
            for i in order
        ]
    return rec


def compute_expectations(model_dir, images, out_path, image_size=None, tolerances=None, model_label=None):
    """Compute the expectations document (a dict); image paths are stored relative to out_path."""
    import torch

    model, config, kind = load_model(model_dir)
    proc = build_processor(model_dir, config, image_size)
    has_pooler = kind == "base" and model.pooler is not None
    doc = _document(model_dir, config, kind, type(model).__name__, has_pooler, checkpoint_dtype(model_dir), proc,
                    tolerances, model_label, {"library": "transformers", "torch": torch.__version__.split("+")[0]})
    interpolate = doc["model"]["interpolate_pos_encoding"]
    out_dir = os.path.dirname(os.path.abspath(out_path))
    for path in images:
        outputs = run_model(model, kind, pixel_values(proc, path), interpolate)
        rel = os.path.relpath(os.path.abspath(path), out_dir)
        doc["images"].append(image_record(rel, outputs, config))
    return doc


def load_tf_model(model_dir):
    """Load a transformers-TF ViT dir (tf_model.h5), refusing missing/unexpected weights.

    Returns (model, config, kind) with kind "classifier" or "base". TensorFlow must be
    importable (and torch imported first when both are used in one process).
    """
    from transformers import TFViTForImageClassification, TFViTModel, ViTConfig

    config = ViTConfig.from_pretrained(model_dir)
    arch = (config.architectures or ["ViTModel"])[0]
    cls, kind = (TFViTForImageClassification, "classifier") if arch.endswith("ForImageClassification") else (TFViTModel, "base")
    model, info = cls.from_pretrained(model_dir, output_loading_info=True)
    problems = {k: v for k, v in info.items() if v and k in ("missing_keys", "unexpected_keys", "mismatched_keys")}
    if problems:
        raise RuntimeError(f"{model_dir}: tf_model.h5 does not match {cls.__name__}: {problems}")
    return model, config, kind


def run_tf_model(model, kind, pixels):
    """Run one [3,S,S] image through a transformers-TF ViT; returns numpy float32 outputs."""
    pv = pixels[None]
    if kind == "classifier":
        logits = model(pixel_values=pv, training=False).logits.numpy()[0]
        return {"logits": logits, "last_hidden_state": model.vit(pixel_values=pv, training=False).last_hidden_state.numpy()[0]}
    o = model(pixel_values=pv, training=False)
    out = {"last_hidden_state": o.last_hidden_state.numpy()[0]}
    if o.pooler_output is not None:
        out["pooler_output"] = o.pooler_output.numpy()[0]
    return out


def compute_tf_expectations(model_dir, images, out_path, tolerances=None, model_label=None):
    """Like compute_expectations, with transformers' TensorFlow classes running tf_model.h5
    (float32, at config.image_size)."""
    import tensorflow as tf

    model, config, kind = load_tf_model(model_dir)
    proc = build_processor(model_dir, config)
    has_pooler = kind == "base" and getattr(model.vit, "pooler", None) is not None
    dtypes = {w.dtype.name for w in model.weights}
    if dtypes != {"float32"}:
        raise RuntimeError(f"{model_dir}: weights are {sorted(dtypes)}, expected float32")
    doc = _document(model_dir, config, kind, type(model).__name__, has_pooler, "F32", proc, tolerances, model_label,
                    {"library": "transformers-TF", "tensorflow": tf.__version__})
    out_dir = os.path.dirname(os.path.abspath(out_path))
    for path in images:
        outputs = run_tf_model(model, kind, pixel_values(proc, path))
        rel = os.path.relpath(os.path.abspath(path), out_dir)
        doc["images"].append(image_record(rel, outputs, config))
    return doc


def _document(model_dir, config, kind, architecture, has_pooler, dtype, proc, tolerances, model_label, library):
    """The expectations document without images; `library` holds "library" and its framework's version."""
    import numpy as np
    import PIL
    import transformers

    prep = preprocessing_record(proc)
    provenance = {"library": library.pop("library"), "version": transformers.__version__}
    provenance.update(library)
    provenance.update({
        "pillow": PIL.__version__,
        "numpy": np.__version__,
        "model": model_label if model_label is not None else model_dir,
        "created": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
    })
    return {
        "format": FORMAT,
        "version": VERSION,
        "provenance": provenance,
        "model": {
            "architecture": architecture,
            "config_image_size": int(config.image_size),
            "patch_size": int(config.patch_size),
            "hidden_size": int(config.hidden_size),
            "num_hidden_layers": int(config.num_hidden_layers),
            "num_attention_heads": int(config.num_attention_heads),
            "intermediate_size": int(config.intermediate_size),
            "hidden_act": config.hidden_act,
            "layer_norm_eps": float(config.layer_norm_eps),
            "has_pooler": bool(has_pooler),
            "num_labels": int(config.num_labels) if kind == "classifier" else 0,
            "checkpoint_dtype": dtype,
            "compute_dtype": "float32",
            "interpolate_pos_encoding": prep["image_size"] != config.image_size,
        },
        "preprocessing": prep,
        "tolerances": dict(tolerances or DEFAULT_TOLERANCES),
        "images": [],
    }


def dumps(obj, indent=1, _level=0):
    """JSON text: objects and lists of containers indented, lists of scalars on one line."""
    pad, inner = " " * (indent * _level), " " * (indent * (_level + 1))
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        if all(not isinstance(v, (dict, list, tuple)) for v in obj.values()):
            flat = json.dumps(obj)
            if len(flat) <= 100:
                return flat
        items = [f"{inner}{json.dumps(str(k))}: {dumps(v, indent, _level + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, (list, tuple)):
        if all(not isinstance(x, (dict, list, tuple)) for x in obj):
            return "[" + ", ".join(json.dumps(x) for x in obj) + "]"
        return "[\n" + ",\n".join(inner + dumps(x, indent, _level + 1) for x in obj) + "\n" + pad + "]"
    return json.dumps(obj)


def write_json(doc, path):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    text = dumps(doc)
    assert json.loads(text) == json.loads(json.dumps(doc))
    with open(path, "w") as f:
        f.write(text + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Write reference outputs (logits / pooler output / CLS embedding) of a Hugging Face "
        "ViT checkpoint on some images, computed with transformers, as a vitkit expectations JSON file.",
        epilog="The JSON format is documented in this file's module docstring (python -c "
        "'import expectations; help(expectations)' from samples/).",
    )
    parser.add_argument("model_dir", metavar="MODEL_DIR", help="directory written by save_pretrained (config.json + weights)")
    parser.add_argument("images", metavar="IMAGE", nargs="+", help="image files (anything Pillow opens)")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.json", help="expectations file to write")
    parser.add_argument(
        "--image-size",
        type=int,
        default=None,
        metavar="S",
        help="resize to S x S instead of the processor's size; if S != config.image_size the model runs "
        "with interpolate_pos_encoding=True",
    )
    parser.add_argument("--atol", type=float, default=DEFAULT_TOLERANCES["atol"], help="absolute tolerance to record (default 1e-4)")
    parser.add_argument("--rtol", type=float, default=DEFAULT_TOLERANCES["rtol"], help="relative tolerance to record (default 0)")
    args = parser.parse_args(argv)

    if not os.path.isdir(args.model_dir):
        parser.error(f"{args.model_dir}: not a directory")
    for p in args.images:
        if not os.path.isfile(p):
            parser.error(f"{p}: no such image file")
    try:
        doc = compute_expectations(
            args.model_dir, args.images, args.output, args.image_size, {"atol": args.atol, "rtol": args.rtol}
        )
    except Exception as e:  # a clear one-line message for users
        print(f"expectations.py: error: {e}", file=sys.stderr)
        return 1
    write_json(doc, args.output)
    print(f"wrote {args.output}: {len(doc['images'])} image(s), {doc['model']['architecture']} "
          f"at {doc['preprocessing']['image_size']} px")
    return 0


if __name__ == "__main__":
    sys.exit(main())
