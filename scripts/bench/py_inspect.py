# Python reference timing for docs/BENCHMARKS.md: python py_inspect.py st|npz|h5 FILE
import sys, time
t=time.perf_counter()
kind, p = sys.argv[1], sys.argv[2]
if kind == "st":
    from safetensors import safe_open
    with safe_open(p, "np") as f:
        info = [(k, f.get_slice(k).get_shape()) for k in f.keys()]
elif kind == "npz":
    import numpy as np
    z = np.load(p)
    info = [(k, z[k].shape) for k in z.files]  # numpy has no header-only listing: loads arrays
elif kind == "h5":
    import h5py
    out = []
    with h5py.File(p) as f:
        f.visititems(lambda n, o: out.append((n, o.shape)) if isinstance(o, h5py.Dataset) else None)
    info = out
print(f"{kind}: {len(info)} tensors listed in {(time.perf_counter()-t)*1000:.1f} ms (after imports)")
