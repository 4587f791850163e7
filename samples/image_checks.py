"""Reference values for vitkit's image tests, from Pillow and transformers' ViTImageProcessor.

Writes samples/expected/image-checks.json: CRC-32s of Pillow's BILINEAR resize of a
synthetic pattern (Tests/ImageIOTests/PillowResizeTests.swift) and of ViTImageProcessor's
float32 output for an image holding every byte value (ImagePreprocessorTests.swift).
Needs only pillow, numpy and transformers (no torch): python samples/image_checks.py
"""
import json
import os
import zlib

import numpy as np
import PIL
from PIL import Image
import transformers
from transformers import ViTImageProcessor

HERE = os.path.dirname(os.path.abspath(__file__))

RESIZE_CASES = [  # (in w, in h, out w, out h): shrink, enlarge, one axis only, both pass orders
    (97, 73, 64, 64), (63, 131, 64, 64), (131, 63, 64, 64), (50, 40, 224, 224), (1, 1, 5, 3),
    (300, 7, 224, 224), (7, 300, 224, 224), (640, 480, 224, 224), (224, 500, 224, 224),
    (500, 224, 224, 224), (10, 10, 10, 3), (10, 10, 3, 10), (30, 20, 45, 17), (2, 2, 1, 1),
]

PROCESSOR_CASES = [
    {"do_resize": False, "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225]},
    {"do_resize": False, "rescale_factor": 0.5, "do_normalize": False},
    {"do_resize": False, "do_rescale": False},
    {"do_resize": False},
    {"size": {"height": 7, "width": 20}, "image_mean": 0.3, "image_std": 0.7, "resample": 2},
]


def synthetic(w, h):
    """The same formula as PillowResizeTests.synthetic."""
    y, x, c = np.meshgrid(np.arange(h), np.arange(w), np.arange(3), indexing="ij")
    values = (x * 37 + y * 91 + c * 53 + (x * y) % 17) & 0xFF
    return Image.fromarray(values.astype(np.uint8), "RGB")


def all_bytes():
    """16x16, R = i, G = 255 - i, B = 7i mod 256 (ImagePreprocessorTests.allBytes)."""
    i = np.arange(256)
    pixels = np.stack([i, 255 - i, (i * 7) % 256], axis=1).reshape(16, 16, 3)
    return Image.fromarray(pixels.astype(np.uint8), "RGB")


def main():
    resize = []
    for w, h, ow, oh in RESIZE_CASES:
        out = synthetic(w, h).resize((ow, oh), Image.BILINEAR)
        resize.append({"input": [w, h], "output": [ow, oh], "crc32": zlib.crc32(out.tobytes())})
    processor = []
    for config in PROCESSOR_CASES:
        values = ViTImageProcessor(**config)(images=all_bytes(), return_tensors="np")["pixel_values"][0]
        processor.append({"config": config, "shape": list(values.shape),
                          "crc32": zlib.crc32(values.astype("<f4").tobytes())})
    out = {"pillow": PIL.__version__, "transformers": transformers.__version__,
           "resize_bilinear": resize, "vit_image_processor": processor}
    path = os.path.join(HERE, "expected", "image-checks.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
