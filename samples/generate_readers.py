"""HDF5 files h5py writes that vitkit must list rather than refuse (samples/readers/), and what
h5py makes of them (samples/readers/listing.json).

- empty.h5: `w` float32 [4]; `null` = h5py.Empty('f4') (a null dataspace: h5py's shape is None);
  `zero` float32 (0, 3) contiguous and `zero_chunked` float32 (0, 3) chunked, extensible;
- string-attrs.h5: root attributes `fixed2d` (numpy S2, 2 x 2), `vlen2d` (variable-length
  str, 2 x 2), `fixed3d` (S1, 2 x 1 x 2), `list` (1-D) and `title` (scalar); `w` float32 [4]
  with a 2-D string attribute of its own;
- unwritten.h5: chunked datasets created without data (their fill value is the data): `fill0`
  float32 (10, 20), `fill7` int32 (3, 4) with fillvalue 7, `partial` float32 (4, 4) with
  fillvalue -1.5 and one chunk written, `contiguous` float32 (5,) never written, `big` float32
  (4096, 8192) = 128 MiB never written (listed; reading it is refused: more fill value than
  vitkit reads), `huge` float32 (2^20, 2^14) = 64 GiB never written (over the per-dataset
  limit: listed as skipped); `w` float32 [4];
- latest.h5: libver='latest' (HDF5 1.14 writes enum and compound datatypes as version 4,
  which libhdf5 1.10 cannot decode): `w`, `g/x` float64 (2, 2), `c` float32 chunked
  extensible, `bool`, `enum`, `complex` (complex64) datasets, and a bool root attribute;
- latest-dense.h5: libver='latest', 20 string root attributes and a bool one (kept in dense
  storage: libhdf5 1.10 cannot list them), a named enum datatype `t` (version 4) and a
  dataset `x` of that type; `w` float32 [4];
- types.h5: default format: `w`, `bool` (h5py's FALSE/TRUE enum), `enum` (3 members),
  `complex64`, `complex128` (compounds of r, i).

listing.json: per file, every dataset h5py's visititems finds: name, numpy dtype (`dtype.str`,
h5py's enum/complex/bool spelled by numpy), shape (null for h5py.Empty), nbytes, the values h5py
reads (when under 1024 elements and not 'big'/'huge'; the fill value where never written),
what vitkit is expected to do with it ("tensor" with its dtype, or "skipped"; numeric dtypes
h5py reads are tensors unless they are enum/complex or libhdf5 1.10 cannot decode the file's
type), and the root attributes as h5py returns them (`.tolist()`, bytes decoded), and the named datatypes.

Run: python samples/generate_readers.py   (h5py 3.14 / HDF5 1.14.6, numpy; ~1 s)
"""
import json
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
VITKIT_DTYPE = {"<f2": "F16", "<f4": "F32", "<f8": "F64", "|i1": "I8", "<i2": "I16", "<i4": "I32", "<i8": "I64",
                "|u1": "U8", "<u2": "U16", "<u4": "U32", "<u8": "U64", "|b1": "BOOL"}


def write_files(out):
    os.makedirs(out, exist_ok=True)
    w = np.arange(4, dtype="<f4") - 1.5
    with h5py.File(os.path.join(out, "empty.h5"), "w") as f:
        f["w"] = w
        f.create_dataset("null", data=h5py.Empty("f4"))
        f.create_dataset("zero", shape=(0, 3), dtype="<f4")
        f.create_dataset("zero_chunked", shape=(0, 3), maxshape=(None, 3), chunks=(4, 3), dtype="<f4")
    with h5py.File(os.path.join(out, "string-attrs.h5"), "w") as f:
        f["w"] = w
        f.attrs["fixed2d"] = np.array([[b"ab", b"cd"], [b"ef", b"gh"]], dtype="S2")
        f.attrs.create("vlen2d", data=np.array([["a", "bc"], ["déf", ""]], dtype=object), dtype=h5py.string_dtype())
        f.attrs["fixed3d"] = np.array([[[b"p", b"q"]], [[b"r", b"s"]]], dtype="S1")
        f.attrs["list"] = [b"vit", b"classifier"]
        f.attrs["title"] = "string attributes"
        f["w"].attrs["names"] = np.array([[b"x", b"y"], [b"z", b"t"]], dtype="S1")
    with h5py.File(os.path.join(out, "unwritten.h5"), "w") as f:
        f["w"] = w
        f.create_dataset("fill0", shape=(10, 20), dtype="<f4", chunks=(5, 5))
        f.create_dataset("fill7", shape=(3, 4), dtype="<i4", chunks=(2, 2), fillvalue=7)
        d = f.create_dataset("partial", shape=(4, 4), dtype="<f4", chunks=(2, 2), fillvalue=-1.5)
        d[0:2, 0:2] = np.arange(4, dtype="<f4").reshape(2, 2)
        f.create_dataset("contiguous", shape=(5,), dtype="<f4")
        f.create_dataset("big", shape=(4096, 8192), dtype="<f4", chunks=(512, 512))
        f.create_dataset("huge", shape=(1 << 20, 1 << 14), dtype="<f4", chunks=(1024, 1024))
    with h5py.File(os.path.join(out, "latest.h5"), "w", libver="latest") as f:
        f["w"] = w
        f["g/x"] = np.array([[1.0, -2.0], [0.25, 8.0]], "<f8")
        f.create_dataset("c", data=np.arange(6, dtype="<f4"), chunks=(2,), maxshape=(None,))
        f["bool"] = np.array([True, False, True])
        f["enum"] = np.array([0, 1, 2], dtype=h5py.enum_dtype({"R": 0, "G": 1, "B": 2}, basetype="i1"))
        f["complex"] = np.array([1 + 2j, 3 - 4j], dtype="<c8")
        f.attrs["flag"] = np.bool_(True)
    with h5py.File(os.path.join(out, "latest-dense.h5"), "w", libver="latest") as f:
        f["w"] = w
        for i in range(20):
            f.attrs[f"name{i:02d}"] = f"value {i}"
        f.attrs["flag"] = np.bool_(False)
        f["t"] = h5py.enum_dtype({"R": 0, "G": 1}, basetype="i1")
        f.create_dataset("x", shape=(2,), dtype=f["t"])
    with h5py.File(os.path.join(out, "types.h5"), "w") as f:
        f["w"] = w
        f["bool"] = np.array([[True, False], [False, True]])
        f["enum"] = np.array([0, 1, 2], dtype=h5py.enum_dtype({"R": 0, "G": 1, "B": 2}, basetype="i1"))
        f["complex64"] = np.array([1 + 2j, 3 - 4j], dtype="<c8")
        f["complex128"] = np.array([1 + 2j], dtype="<c16")


def plain(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def expected(name, d, latest):
    """What vitkit must list for dataset `d`: a tensor of a dtype, or skipped."""
    if d.shape is None:
        return {"vitkit": "skipped"}  # null dataspace: h5py.Empty
    if h5py.check_enum_dtype(d.dtype) is not None and d.dtype != np.bool_:
        return {"vitkit": "skipped"}  # a general enum: vitkit reads only h5py's bool
    if d.dtype.kind == "c" or (latest and d.dtype.kind == "b"):
        return {"vitkit": "skipped"}  # complex (a compound), or enum/compound of datatype version 4
    if d.nbytes > (1 << 34):
        return {"vitkit": "skipped"}  # over the 16 GiB per-dataset limit
    return {"vitkit": "tensor", "dtype": VITKIT_DTYPE[d.dtype.str]}


def listing(path, samples):
    latest = os.path.basename(path).startswith("latest")
    datasets, named_types = [], []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Datatype):
                named_types.append(name)
            if not isinstance(obj, h5py.Dataset):
                return
            rec = {"name": name, "numpy_dtype": obj.dtype.str, "shape": None if obj.shape is None else list(obj.shape),
                   "nbytes": 0 if obj.shape is None else int(obj.nbytes)}
            rec.update(expected(name, obj, latest))
            if rec["vitkit"] == "tensor" and obj.size < 1024:
                rec["values"] = [float(x) for x in np.asarray(obj[()], dtype=np.float64).reshape(-1)]
            if name == "big":
                rec["read_refused"] = "more fill value than vitkit reads per dataset (64 MiB)"
            datasets.append(rec)
        f.visititems(visit)
        attrs = {}
        for key, value in f.attrs.items():
            if isinstance(value, np.ndarray) and value.dtype.kind in "SO":
                attrs[key] = plain(value.tolist())
            elif isinstance(value, (bytes, str)):
                attrs[key] = plain(value)
    return {"file": os.path.relpath(path, samples), "datasets": datasets, "named_datatypes": named_types, "string_attributes": attrs}


def main(samples=HERE):
    out = os.path.join(samples, "readers")
    write_files(out)
    files = [listing(os.path.join(out, n), samples) for n in ("empty.h5", "string-attrs.h5", "unwritten.h5", "latest.h5", "latest-dense.h5", "types.h5")]
    doc = {"format": "vitkit-reader-fixtures", "version": 1, "h5py": h5py.__version__, "hdf5": h5py.version.hdf5_version,
           "files": files}
    with open(os.path.join(out, "listing.json"), "w") as fh:
        json.dump(doc, fh, indent=1, ensure_ascii=False)
        fh.write("\n")


if __name__ == "__main__":
    main()
