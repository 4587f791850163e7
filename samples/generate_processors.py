#!/usr/bin/env python3
"""Image-processor fixtures: pixel tensors written by transformers' own processors.

``python samples/generate.py processors [--out samples]`` (or run this file) rewrites
``samples/processors/``:

``configs/<name>/preprocessor_config.json``
    The configs the processors are built from. ``deit`` and ``dinov2`` are written as
    facebook/deit-base-distilled-patch16-224 and facebook/dinov2-small ship them (DeiT's is
    the old feature-extractor format with integer sizes; DINOv2's is what
    ``convert_dinov2_to_hf.py`` saved from ``BitImageProcessor(size={"shortest_edge": 256},
    resample=BICUBIC, image_mean=IMAGENET_DEFAULT_MEAN, image_std=IMAGENET_DEFAULT_STD)``);
    the others are written by ``save_pretrained`` of the processor they name.
``images/``
    Extra inputs beside ``samples/images``: a 7x4 image (smaller than every crop; a height of 3 would make
    transformers guess channels-first) and a
    301x97 one (downscaled by every config).
``pixels/<case>.npz``
    For each image, the processor's float32 ``pixel_values[0]`` ``[3, H, W]``, stored
    losslessly as ``<image>.index`` (uint8 ``[3, H, W]``) and ``<image>.table`` (float32
    ``[3, 256]``, NaN past the distinct values): ``value[c, y, x] = table[c, index[c, y, x]]``.
    Every output holds at most 256 distinct values per channel (one per input byte), so this
    is the tensor bit for bit at a quarter of the size; it is checked before writing.
``expectations/hf-classifier-bit64[-fast].json``
    Expectations (``samples/expectations.py`` format) of ``models/hf-classifier`` run by
    transformers on pixels from ``BitImageProcessor`` / ``BitImageProcessorFast`` with
    ``configs/bit64`` (shortest edge 73, BICUBIC, center crop 64, ImageNet mean/std).
    ``preprocessing`` adds ``processor`` ("pillow" or "fast") and ``processor_config`` (the
    config with the class's ``image_processor_type``), which ``vitkit verify`` replays.
``processors.json``
    The cases (config, processor class, slow or fast, images, output shapes) and the library
    versions and torch CPU capability they were recorded with.

Images that are not RGB are converted with ``Image.convert("RGB")`` before they are given
to the ViT and DeiT classes (which, without ``do_convert_rgb``, fail on them or broadcast
grey over three channels); the BiT classes get the file's image as opened and convert it
themselves. The fast processors' BILINEAR path depends on the CPU: torchvision resizes uint8
natively (the kernels vitkit reproduces) only when ``torch.backends.cpu.get_cpu_capability()``
is AVX2 or AVX512; ``processors.json`` records it and this script refuses to run elsewhere.
"""

import json
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE_IMAGES = ["chelsea.png", "astronaut.jpg", "camera.png", "coffee-rgba.png", "rocket-palette.png",
                 "camera-16bit.png", "chelsea-grey.jpg"]
EXTRA_IMAGES = [("tiny.png", (7, 4)), ("wide.png", (301, 97))]
ALL_IMAGES = SAMPLE_IMAGES + [n for n, _ in EXTRA_IMAGES]
# The Hub's 256/224 configs on one image each (tall grey; RGBA): ~110 KB per tensor.
DEIT_IMAGES = ["chelsea-grey.jpg"]
DINOV2_IMAGES = ["coffee-rgba.png"]

# As shipped on the Hub (see the module docstring).
DEIT_HUB = {
    "crop_size": 224, "do_center_crop": True, "do_normalize": True, "do_resize": True,
    "feature_extractor_type": "DeiTFeatureExtractor", "image_mean": [0.485, 0.456, 0.406],
    "image_std": [0.229, 0.224, 0.225], "resample": 3, "size": 256,
}
DINOV2_HUB = {
    "crop_size": {"height": 224, "width": 224}, "do_center_crop": True, "do_convert_rgb": True,
    "do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": [0.485, 0.456, 0.406],
    "image_processor_type": "BitImageProcessor", "image_std": [0.229, 0.224, 0.225], "resample": 3,
    "rescale_factor": 0.00392156862745098, "size": {"shortest_edge": 256},
}


def processor_classes():
    from transformers import (BitImageProcessor, BitImageProcessorFast, DeiTImageProcessor,
                              DeiTImageProcessorFast, ViTImageProcessor, ViTImageProcessorFast)
    return {"ViTImageProcessor": ViTImageProcessor, "ViTImageProcessorFast": ViTImageProcessorFast,
            "DeiTImageProcessor": DeiTImageProcessor, "DeiTImageProcessorFast": DeiTImageProcessorFast,
            "BitImageProcessor": BitImageProcessor, "BitImageProcessorFast": BitImageProcessorFast}


def config_specs():
    """name -> (class that writes it or None for a literal dict, kwargs or dict)."""
    from PIL import Image
    return {
        "vit64": ("ViTImageProcessor", dict(size={"height": 64, "width": 64})),
        "vit64-rescale-only": ("ViTImageProcessor", dict(size={"height": 64, "width": 64}, do_normalize=False)),
        "deit": (None, DEIT_HUB),
        "dinov2": (None, DINOV2_HUB),
        "bit-small": ("BitImageProcessor", dict(size={"shortest_edge": 40}, crop_size={"height": 32, "width": 36},
                                                resample=Image.BICUBIC, image_mean=[0.485, 0.456, 0.406],
                                                image_std=[0.229, 0.224, 0.225])),
        "bit-crop-pad": ("BitImageProcessor", dict(do_resize=False, crop_size={"height": 75, "width": 64})),
        "bit64": ("BitImageProcessor", dict(size={"shortest_edge": 73}, crop_size={"height": 64, "width": 64},
                                            resample=Image.BICUBIC, image_mean=[0.485, 0.456, 0.406],
                                            image_std=[0.229, 0.224, 0.225])),
        "deit-bilinear": ("DeiTImageProcessor", dict(size={"height": 50, "width": 70}, resample=Image.BILINEAR,
                                                     crop_size={"height": 45, "width": 61})),
    }


# case name -> (config, processor class, images)
CASES = [
    ("vit64", "vit64", "ViTImageProcessor", ALL_IMAGES),
    ("vit64-fast", "vit64", "ViTImageProcessorFast", ALL_IMAGES),
    ("vit64-rescale-only", "vit64-rescale-only", "ViTImageProcessor", ["chelsea.png", "tiny.png"]),
    ("vit64-rescale-only-fast", "vit64-rescale-only", "ViTImageProcessorFast", ["chelsea.png", "tiny.png"]),
    ("deit", "deit", "DeiTImageProcessor", DEIT_IMAGES),
    ("deit-fast", "deit", "DeiTImageProcessorFast", DEIT_IMAGES),
    ("dinov2", "dinov2", "BitImageProcessor", DINOV2_IMAGES),
    ("dinov2-fast", "dinov2", "BitImageProcessorFast", DINOV2_IMAGES),
    ("bit-small", "bit-small", "BitImageProcessor", ALL_IMAGES),
    ("bit-small-fast", "bit-small", "BitImageProcessorFast", ALL_IMAGES),
    ("bit-crop-pad", "bit-crop-pad", "BitImageProcessor", ALL_IMAGES),
    ("bit-crop-pad-fast", "bit-crop-pad", "BitImageProcessorFast", ALL_IMAGES),
    ("deit-bilinear", "deit-bilinear", "DeiTImageProcessor", ALL_IMAGES),
    ("deit-bilinear-fast", "deit-bilinear", "DeiTImageProcessorFast", ALL_IMAGES),
]


def make_extra_images(d):
    from PIL import Image
    rng = np.random.default_rng(5)
    (tw, th), (ww, wh) = (size for _, size in EXTRA_IMAGES)
    tiny = rng.integers(0, 256, size=(th, tw, 3), dtype=np.uint8)
    Image.fromarray(tiny, "RGB").save(os.path.join(d, "tiny.png"))
    # smooth gradients plus texture, so downscaling has something to antialias
    yy, xx = np.mgrid[0:wh, 0:ww]
    base = np.stack([(xx * 255) // (ww - 1), (yy * 255) // (wh - 1), ((xx + yy) * 7) % 256], axis=-1)
    noise = rng.integers(-40, 41, size=base.shape)
    wide = np.clip(base + noise, 0, 255).astype(np.uint8)
    Image.fromarray(wide, "RGB").save(os.path.join(d, "wide.png"))


def image_path(out, name):
    extra = {n for n, _ in EXTRA_IMAGES}
    return os.path.join(out, "processors", "images", name) if name in extra else os.path.join(out, "images", name)


def encode(values):
    """float32 [3,H,W] -> (uint8 index [3,H,W], float32 table [3,256]), checked lossless."""
    assert values.dtype == np.float32 and values.ndim == 3 and values.shape[0] == 3, (values.dtype, values.shape)
    index = np.zeros(values.shape, dtype=np.uint8)
    table = np.full((3, 256), np.nan, dtype=np.float32)
    for c in range(3):
        distinct = np.unique(values[c])
        assert len(distinct) <= 256, len(distinct)
        table[c, : len(distinct)] = distinct
        index[c] = np.searchsorted(distinct, values[c]).astype(np.uint8)
    decoded = np.take_along_axis(table, index.reshape(3, -1).astype(np.int64), axis=1).reshape(values.shape)
    assert np.array_equal(decoded.view(np.uint32), values.view(np.uint32)), "lossless encoding failed"
    return index, table


def generate_processors(out=HERE):
    import PIL
    import torch
    import torchvision
    import transformers
    from PIL import Image

    capability = torch.backends.cpu.get_cpu_capability()
    if capability not in ("AVX2", "AVX512"):
        sys.exit(f"torch CPU capability is {capability}: the fast processors' BILINEAR resize would take "
                 "torchvision's float path, not the uint8 kernels vitkit reproduces (see the docstring)")
    root = os.path.join(os.path.abspath(out), "processors")
    if os.path.isdir(root):
        shutil.rmtree(root)
    for sub in ("configs", "images", "pixels"):
        os.makedirs(os.path.join(root, sub))
    make_extra_images(os.path.join(root, "images"))

    classes = processor_classes()
    for name, (cls, spec) in config_specs().items():
        d = os.path.join(root, "configs", name)
        os.makedirs(d)
        if cls is None:
            with open(os.path.join(d, "preprocessor_config.json"), "w") as f:
                json.dump(spec, f, indent=2, sort_keys=True)
                f.write("\n")
        else:
            classes[cls](**spec).save_pretrained(d)

    manifest = {
        "format": "vitkit-processor-fixtures", "version": 1,
        "libraries": {"transformers": transformers.__version__, "torch": torch.__version__,
                      "torchvision": torchvision.__version__, "Pillow": PIL.__version__, "numpy": np.__version__},
        "torch_cpu_capability": capability,
        "cases": [],
    }
    for case, config, cls_name, images in CASES:
        cfg_dir = os.path.join(root, "configs", config)
        proc = classes[cls_name].from_pretrained(cfg_dir)
        assert type(proc).__name__ == cls_name, (type(proc).__name__, cls_name)
        arrays, shapes = {}, {}
        for name in images:
            with Image.open(image_path(out, name)) as im:
                im.load()
                if not cls_name.startswith("Bit") and im.mode != "RGB":
                    im = im.convert("RGB")
                values = proc(images=im, return_tensors="pt")["pixel_values"][0].numpy()
            index, table = encode(np.ascontiguousarray(values, dtype=np.float32))
            arrays[f"{name}.index"] = index
            arrays[f"{name}.table"] = table
            shapes[name] = list(values.shape)
        np.savez_compressed(os.path.join(root, "pixels", f"{case}.npz"), **arrays)
        manifest["cases"].append({"name": case, "config": f"configs/{config}/preprocessor_config.json",
                                  "class": cls_name, "processor": "fast" if cls_name.endswith("Fast") else "pillow",
                                  "pixels": f"pixels/{case}.npz", "images": images, "shapes": shapes})
        print(f"{case}: {len(images)} images, {os.path.getsize(os.path.join(root, 'pixels', case + '.npz'))} bytes",
              flush=True)
    with open(os.path.join(root, "processors.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    make_expectations(out, root, classes)


def make_expectations(out, root, classes):
    """models/hf-classifier through the BiT processors, slow and fast, run by transformers."""
    sys.path.insert(0, HERE)
    import torch
    import expectations as X

    model_dir = os.path.join(out, "models", "hf-classifier")
    model, config, kind = X.load_model(model_dir)
    cfg_dir = os.path.join(root, "configs", "bit64")
    with open(os.path.join(cfg_dir, "preprocessor_config.json")) as f:
        processor_config = json.load(f)
    os.makedirs(os.path.join(root, "expectations"))
    from PIL import Image
    for cls_name, suffix in (("BitImageProcessor", ""), ("BitImageProcessorFast", "-fast")):
        proc = classes[cls_name].from_pretrained(cfg_dir)
        doc = X._document("models/hf-classifier", config, kind, type(model).__name__, False, X.checkpoint_dtype(model_dir),
                          proc, None, "models/hf-classifier",
                          {"library": "transformers", "torch": torch.__version__.split("+")[0]})
        crop = proc.crop_size["height"]
        assert crop == proc.crop_size["width"] == config.image_size
        doc["preprocessing"].update({
            "image_size": crop, "processor": "fast" if suffix else "pillow",
            "processor_config": dict(processor_config, image_processor_type=cls_name),
            "convert": "the processor's own convert_to_rgb (PIL Image.convert('RGB'))",
        })
        doc["model"]["interpolate_pos_encoding"] = False
        path = os.path.join(root, "expectations", f"hf-classifier-bit64{suffix}.json")
        for name in ALL_IMAGES:
            with Image.open(image_path(out, name)) as im:
                im.load()
                pixels = proc(images=im, return_tensors="pt")["pixel_values"][0].numpy()
            outputs = X.run_model(model, kind, pixels, False)
            rel = os.path.relpath(image_path(out, name), os.path.dirname(path))
            doc["images"].append(X.image_record(rel, outputs, config))
        X.write_json(doc, path)


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=HERE, help="samples directory (default: this script's directory)")
    generate_processors(parser.parse_args().out)
