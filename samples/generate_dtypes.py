"""safetensors files with dtypes vitkit lists but cannot represent (samples/dtypes/).

- complex.safetensors: written by safetensors.numpy: `w` float32 [2] = [1, 2] and `c`
  complex64 [3] (dtype C64, 24 bytes);
- packed.safetensors: `w` float32 [2] = [1, 2], `q` F4 [4] (2 bytes) and `e` F8_E8M0 [3]
  (3 bytes), laid out by hand as the safetensors format defines them (numpy has no such
  dtypes); safetensors' own `safe_open` reads back their dtypes and shapes (checked here).

Run: python samples/generate_dtypes.py   (safetensors 0.8, numpy)
"""
import json
import os
import struct

import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))

if __name__ == "__main__":
    d = os.path.join(HERE, "dtypes")
    os.makedirs(d, exist_ok=True)
    save_file({"w": np.array([1, 2], np.float32), "c": np.arange(3).astype(np.complex64)}, os.path.join(d, "complex.safetensors"))
    entries = {
        "w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
        "q": {"dtype": "F4", "shape": [4], "data_offsets": [8, 10]},
        "e": {"dtype": "F8_E8M0", "shape": [3], "data_offsets": [10, 13]},
    }
    header = json.dumps(entries, separators=(",", ":")).encode()
    header += b" " * (-len(header) % 8)
    path = os.path.join(d, "packed.safetensors")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + struct.pack("<2f", 1, 2) + bytes([0x12, 0x34]) + bytes([127, 128, 129]))
    with safe_open(path, "np") as f:
        got = {k: (f.get_slice(k).get_dtype(), f.get_slice(k).get_shape()) for k in f.keys()}
    assert got == {"w": ("F32", [2]), "q": ("F4", [4]), "e": ("F8_E8M0", [3])}, got
