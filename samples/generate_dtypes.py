"""safetensors files with the newer dtypes (samples/dtypes/), and what the reference readers make
of them (samples/dtypes/listing.json).

- complex.safetensors: written by safetensors.numpy: `w` float32 [2] = [1, 2] and `c`
  complex64 [3] (dtype C64, 24 bytes; vitkit lists it as skipped: no float32 value);
- packed.safetensors: `w` float32 [2] = [1, 2], `q` F4 [4] (2 bytes) and `e` F8_E8M0 [3]
  (3 bytes), laid out by hand as the safetensors format defines them;
- minifloats.safetensors: written by safetensors.torch from PyTorch float8 tensors holding every
  byte code 0..255 (`e4m3` float8_e4m3fn [16, 16], `e5m2`, `e4m3fnuz`, `e5m2fnuz`, `e8m0`
  float8_e8m0fnu [256]) and `f4`, a float4_e2m1fn_x2 [16, 16] of every byte, which safetensors
  stores as F4 [16, 32] (the last dimension counts elements, two per byte), plus `w` float32;
- f6.safetensors: `w` float32 [2], `a` F6_E2M3 [4] (3 bytes), `b` F6_E3M2 [8] (6 bytes), by
  hand (no reference library writes F6; safetensors defines its size, not its bit packing);
- hf-classifier-f8e4m3/: models/hf-classifier's weights cast by PyTorch to float8_e4m3fn
  (safetensors.torch, `format: pt`), its config and preprocessor config; its expectations
  (expected/expectations/hf-classifier-f8e4m3.json) are transformers' outputs on the sample
  images with those weights loaded (upcast to float32 by from_pretrained).

listing.json: per file, every tensor as safetensors' `safe_open` lists it (dtype, shape, bytes)
and, where a float32 value is defined, the values as ml_dtypes converts them (float8_*, float4_e2m1fn,
F4 unpacked as PyTorch's Float4_e2m1fn_x2 header defines: element 2k in the low nibble of byte k),
checked against PyTorch's own float8 -> float32 conversion, and numpy's statistics of them
(min/max/mean/std of the finite values, ddof=0; NaN/Inf/zero counts). Non-finite values are the
strings "nan", "inf", "-inf".

Run: python samples/generate_dtypes.py   (safetensors 0.8, numpy, ml_dtypes 0.6, torch 2.15)
"""
import json
import os
import struct

import ml_dtypes
import numpy as np
import torch
from safetensors import safe_open
from safetensors.numpy import save_file
from safetensors.torch import save_file as save_torch

HERE = os.path.dirname(os.path.abspath(__file__))
BITS = {"F32": 32, "C64": 64, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6}
ML = {
    "F8_E4M3": ml_dtypes.float8_e4m3fn, "F8_E5M2": ml_dtypes.float8_e5m2, "F8_E4M3FNUZ": ml_dtypes.float8_e4m3fnuz,
    "F8_E5M2FNUZ": ml_dtypes.float8_e5m2fnuz, "F8_E8M0": ml_dtypes.float8_e8m0fnu,
}
TORCH = {
    "F8_E4M3": torch.float8_e4m3fn, "F8_E5M2": torch.float8_e5m2, "F8_E4M3FNUZ": torch.float8_e4m3fnuz,
    "F8_E5M2FNUZ": torch.float8_e5m2fnuz, "F8_E8M0": torch.float8_e8m0fnu,
}


def hand_written(path, entries, data):
    header = json.dumps(entries, separators=(",", ":")).encode()
    header += b" " * (-len(header) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + data)


def raw_bytes(path, begin, end):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        f.seek(8 + n + begin)
        return np.frombuffer(f.read(end - begin), np.uint8)


def as_float32(dtype, raw, shape):
    """float32 values of raw bytes, as ml_dtypes converts them; None where no float32 is defined."""
    if dtype == "F32":
        return raw.view("<f4").astype(np.float32)
    if dtype in ML:
        values = raw.view(ML[dtype]).astype(np.float32)
        # PyTorch's own conversion agrees (NaN where ml_dtypes has NaN).
        theirs = torch.from_numpy(raw.copy()).view(TORCH[dtype]).to(torch.float32).numpy()
        assert np.array_equal(values, theirs, equal_nan=True), dtype
        return values
    if dtype == "F4":
        codes = np.empty(raw.size * 2, np.uint8)
        codes[0::2], codes[1::2] = raw & 0x0F, raw >> 4  # Float4_e2m1fn_x2.h: val0 in bits 3..0
        return codes.view(ml_dtypes.float4_e2m1fn).astype(np.float32)
    return None


def number(v):
    v = float(v)
    return "nan" if np.isnan(v) else ("inf" if v > 0 else "-inf") if np.isinf(v) else v


def stats(x):
    x = x.astype(np.float64)
    finite = x[np.isfinite(x)]
    num = (lambda v: None) if finite.size == 0 else float
    return {"min": num(finite.min() if finite.size else 0), "max": num(finite.max() if finite.size else 0),
            "mean": num(finite.mean() if finite.size else 0), "std": num(finite.std() if finite.size else 0),
            "nan": int(np.isnan(x).sum()), "inf": int(np.isinf(x).sum()), "zeros": int((x == 0).sum())}


def listing(path, samples):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    tensors = []
    with safe_open(path, "np") as f:
        for name in f.keys():
            s = f.get_slice(name)
            dtype, shape = s.get_dtype(), s.get_shape()
            begin, end = header[name]["data_offsets"]
            assert header[name]["dtype"] == dtype and header[name]["shape"] == shape
            assert int(np.prod(shape)) * BITS.get(dtype, 8) == 8 * (end - begin)
            rec = {"name": name, "dtype": dtype, "shape": shape, "bytes": end - begin}
            values = as_float32(dtype, raw_bytes(path, begin, end), shape)
            rec["readable"] = values is not None
            if values is not None:
                assert values.size == int(np.prod(shape))
                rec["values"] = [number(v) for v in values]
                rec["stats"] = stats(values)
            tensors.append(rec)
    return {"file": os.path.relpath(path, samples), "tensors": tensors}


def f8_classifier(samples):
    """hf-classifier cast to float8_e4m3fn, and what transformers computes with it."""
    import shutil

    from safetensors.torch import load_file

    import expectations as X

    src, dst = os.path.join(samples, "models", "hf-classifier"), os.path.join(samples, "dtypes", "hf-classifier-f8e4m3")
    os.makedirs(dst, exist_ok=True)
    weights = {k: v.to(torch.float8_e4m3fn) for k, v in load_file(os.path.join(src, "model.safetensors")).items()}
    save_torch(weights, os.path.join(dst, "model.safetensors"), metadata={"format": "pt"})
    for name in ("config.json", "preprocessor_config.json"):
        shutil.copy(os.path.join(src, name), dst)
    images = sorted(os.path.join(samples, "images", n) for n in os.listdir(os.path.join(samples, "images"))
                    if n.endswith((".png", ".jpg")))
    os.chmod(os.path.join(dst, "model.safetensors"), 0o644)
    out = os.path.join(samples, "expected", "expectations", "hf-classifier-f8e4m3.json")
    doc = X.compute_expectations(dst, images, out, None, model_label=os.path.relpath(dst, samples))
    assert doc["model"]["checkpoint_dtype"] == "F8_E4M3", doc["model"]
    X.write_json(doc, out)


def main(samples=HERE):
    d = os.path.join(samples, "dtypes")
    os.makedirs(d, exist_ok=True)
    save_file({"w": np.array([1, 2], np.float32), "c": np.arange(3).astype(np.complex64)}, os.path.join(d, "complex.safetensors"))
    hand_written(os.path.join(d, "packed.safetensors"), {
        "w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
        "q": {"dtype": "F4", "shape": [4], "data_offsets": [8, 10]},
        "e": {"dtype": "F8_E8M0", "shape": [3], "data_offsets": [10, 13]},
    }, struct.pack("<2f", 1, 2) + bytes([0x12, 0x34]) + bytes([127, 128, 129]))
    def codes():
        return torch.arange(256, dtype=torch.uint8)
    save_torch({
        "w": torch.tensor([0.5, -3.0]),
        "e4m3": codes().view(torch.float8_e4m3fn).reshape(16, 16),
        "e5m2": codes().view(torch.float8_e5m2),
        "e4m3fnuz": codes().view(torch.float8_e4m3fnuz),
        "e5m2fnuz": codes().view(torch.float8_e5m2fnuz),
        "e8m0": codes().view(torch.float8_e8m0fnu),
        "f4": codes().view(torch.float4_e2m1fn_x2).reshape(16, 16),
    }, os.path.join(d, "minifloats.safetensors"))
    hand_written(os.path.join(d, "f6.safetensors"), {
        "w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
        "a": {"dtype": "F6_E2M3", "shape": [4], "data_offsets": [8, 11]},
        "b": {"dtype": "F6_E3M2", "shape": [8], "data_offsets": [11, 17]},
    }, struct.pack("<2f", 1, 2) + bytes(range(1, 10)))
    files = [listing(os.path.join(d, n), samples) for n in ("complex.safetensors", "packed.safetensors", "minifloats.safetensors", "f6.safetensors")]
    f4 = next(t for t in files[2]["tensors"] if t["name"] == "f4")
    assert f4["dtype"] == "F4" and f4["shape"] == [16, 32], f4["shape"]
    doc = {"format": "vitkit-dtype-fixtures", "version": 1, "ml_dtypes": ml_dtypes.__version__, "torch": torch.__version__,
           "files": files}
    for n in os.listdir(d):
        os.chmod(os.path.join(d, n), 0o644)
    with open(os.path.join(d, "listing.json"), "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, HERE)
    main()
    f8_classifier(HERE)
