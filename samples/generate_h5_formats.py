"""Small HDF5 files in the newer file-format versions, for vitkit's own superblock and
object-header reader (Sources/HDF5/HDF5RootCheck.swift).

samples/generate.py writes h5py's default (superblock 0, version-1 object headers); these
use libver v110 (superblock 3, version-2 object headers, "OHDR"/"OCHK" blocks), which
libhdf5 1.10 still reads:

- h5/v110-attrs.h5: 13 root attributes of every kind h5py writes (variable- and fixed-length
  strings, UTF-8, arrays, big-endian, bool enum, compound, array type, opaque, empty, null),
  all compact (the root's phase change raised to 32), creation order tracked;
- h5/v110-dense-attrs.h5: 20 string root attributes, which HDF5 keeps in dense storage (a
  fractal heap) rather than in the object header;
- h5/userblock.h5: h5py's default format after a 512-byte user block (the superblock at
  offset 512), one dataset `w` = arange(6) as float32 [2, 3];
- h5/userblock-offsets4.h5: the same with 4-byte offsets and lengths (an all-ones 4-byte
  address is libhdf5's undefined address, 2^64 - 1, in its base address arithmetic);
- h5/v110-many-dense-attrs.h5: 201 variable-length string root attributes (200 scalars of
  9 to 58 bytes and a 40-string list) in dense storage large enough for a two-level name
  index (v2 B-tree of depth 1) and a root indirect block over several direct blocks, for
  vitkit's own reading of dense attributes (Sources/HDF5/HDF5AttributeLookup.swift).

Run: python samples/generate_h5_formats.py   (h5py 3.16 / HDF5 2.0 and numpy 2.4 used; ~1 s)
"""
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
LIBVER = ("v110", "v110")


def create(path, max_compact=8):
    """A v110 file whose root keeps up to `max_compact` attributes in its object header."""
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_libver_bounds(h5py.h5f.LIBVER_V110, h5py.h5f.LIBVER_V110)
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    fcpl.set_link_creation_order(h5py.h5p.CRT_ORDER_TRACKED | h5py.h5p.CRT_ORDER_INDEXED)
    fcpl.set_attr_creation_order(h5py.h5p.CRT_ORDER_TRACKED | h5py.h5p.CRT_ORDER_INDEXED)
    fcpl.set_attr_phase_change(max_compact, min(max_compact, 6))
    fcpl.set_obj_track_times(False)  # byte-identical output on every run
    return h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl))


def main():
    out = os.path.join(HERE, "h5")
    with create(os.path.join(out, "v110-attrs.h5"), max_compact=32) as f:
        f.attrs["title"] = "vitkit v110 fixture"
        f.attrs["fixed"] = np.bytes_("abc")
        f.attrs["layer_names"] = [b"vit", b"classifier"]
        f.attrs["unicode"] = "ünï"
        f.attrs["f32"] = np.arange(6, dtype="<f4").reshape(2, 3)
        f.attrs["big_endian"] = np.arange(3, dtype=">i4")
        f.attrs["flag"] = np.bool_(True)
        f.attrs["i64"] = np.int64(5)
        f.attrs["compound"] = np.array([(1, 2.0)], dtype=[("a", "<i4"), ("b", "<f8")])
        f.attrs["array"] = np.zeros(2, dtype=("<f4", (3,)))
        f.attrs["opaque"] = np.void(b"\x01\x02\x03")
        f.attrs["empty"] = np.zeros((0,), dtype="<f8")
        f.attrs.create("null", data=h5py.Empty("f4"))
        f["weights"] = np.arange(4, dtype="<f4")
    with create(os.path.join(out, "v110-dense-attrs.h5")) as f:
        for i in range(20):
            f.attrs[f"name{i:02d}"] = f"value {i}"
        f["weights"] = np.arange(4, dtype="<f4")
    with create(os.path.join(out, "v110-many-dense-attrs.h5")) as f:
        for i in range(200):
            f.attrs[f"attr{i:03d}"] = f"value {i} " + "x" * (i % 50)
        f.attrs["names"] = [f"layer_{i}".encode() for i in range(40)]
        f["weights"] = np.arange(4, dtype="<f4")



def userblock(out):
    with h5py.File(os.path.join(out, "userblock.h5"), "w", userblock_size=512) as f:
        f["w"] = np.arange(6, dtype="<f4").reshape(2, 3)
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    fcpl.set_sizes(4, 4)
    fcpl.set_userblock(512)
    path = os.path.join(out, "userblock-offsets4.h5")
    with h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl)) as f:
        f["w"] = np.arange(6, dtype="<f4").reshape(2, 3)


if __name__ == "__main__":
    main()
    userblock(os.path.join(HERE, "h5"))
