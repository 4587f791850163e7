"""Expectations for the DeiT / DINOv2 samples through real images: transformers'
AutoImageProcessor (DeiTImageProcessor / BitImageProcessor, from each model's
preprocessor_config.json) and AutoModel / AutoModelForImageClassification, on every image
in samples/images. Writes samples/expected/expectations/family-<name>.json in the
vitkit-expectations format (see expectations.py), with `preprocessing.processor_config`
holding the exact processor config so that `vitkit verify` replays it, and
samples/expected/family/image-pixels/<processor>-<crop>/<image>.npy: the processor's pixel tensors
(one directory per distinct processor config).

Outputs: `logits` (DeiT with teacher: the mean of both heads, as transformers returns them),
`pooler_output` (DINOv2: layernorm(CLS); DeiTModel: its pooler), `cls`
(last_hidden_state[0, 0]).

Run: python samples/family_expectations.py   (needs torch, transformers, pillow, numpy)
"""
import json
import os

import numpy as np
import torch
from PIL import Image
from transformers import AutoConfig, AutoImageProcessor, AutoModel, AutoModelForImageClassification

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = ["hf-deit-distilled", "hf-deit-model", "hf-dinov2", "hf-dinov2-classifier", "hf-dinov2-reg", "hf-dinov2-swiglu"]


def floats(t):
    return [float(x) for x in t.reshape(-1).tolist()]


def main():
    images = sorted(n for n in os.listdir(os.path.join(HERE, "images")) if n.endswith((".png", ".jpg")))
    out_dir = os.path.join(HERE, "expected", "expectations")
    for name in MODELS:
        model_dir = os.path.join(HERE, "models", "family", name)
        config = AutoConfig.from_pretrained(model_dir)
        classifier = any(a.endswith(("ForImageClassification", "ForImageClassificationWithTeacher")) for a in config.architectures)
        model = (AutoModelForImageClassification if classifier else AutoModel).from_pretrained(model_dir).eval()
        processor = AutoImageProcessor.from_pretrained(model_dir, use_fast=False)
        with open(os.path.join(model_dir, "preprocessor_config.json")) as f:
            processor_config = json.load(f)
        # One directory per distinct processor config (several models share one).
        kind = f'{processor_config["image_processor_type"]}-{processor_config["crop_size"]["height"]}'
        pixel_dir = os.path.join(HERE, "expected", "family", "image-pixels", kind)
        os.makedirs(pixel_dir, exist_ok=True)
        entries = []
        for image in images:
            rgb = Image.open(os.path.join(HERE, "images", image)).convert("RGB")
            pixels = processor(rgb, return_tensors="pt")["pixel_values"]
            np.save(os.path.join(pixel_dir, image + ".npy"), pixels[0].numpy().astype(np.float32))
            with torch.no_grad():
                if classifier:
                    o = model(pixel_values=pixels, output_hidden_states=True)
                    base = getattr(model, model.base_model_prefix)
                    h = base(pixel_values=pixels)
                    entry = {"logits": floats(o.logits[0]), "cls": floats(h.last_hidden_state[0, 0])}
                else:
                    h = model(pixel_values=pixels)
                    entry = {"cls": floats(h.last_hidden_state[0, 0])}
                    if getattr(h, "pooler_output", None) is not None:
                        entry["pooler_output"] = floats(h.pooler_output[0])
            entries.append({"path": "../../images/" + image, **entry})
        size = processor_config.get("crop_size", {}).get("height")
        doc = {
            "format": "vitkit-expectations", "version": 1,
            "provenance": {"library": "transformers", "version": __import__("transformers").__version__,
                           "torch": torch.__version__, "model": "models/family/" + name,
                           "processor": type(processor).__name__},
            "preprocessing": {"image_size": size, "processor": "pillow", "processor_config": processor_config},
            "tolerances": {"atol": 1e-5, "rtol": 0.0},
            "images": entries,
        }
        path = os.path.join(out_dir, f"family-{name}.json")
        with open(path, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        print("wrote", os.path.relpath(path, HERE))


if __name__ == "__main__":
    main()
