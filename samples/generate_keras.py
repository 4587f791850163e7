#!/usr/bin/env python3
"""keras-hub fixtures and checks (run by ``generate.py`` in its own process: keras-hub
needs Keras 3, generate.py runs tf-keras).

``python samples/generate_keras.py generate [--out samples]``
    ``models/keras-hub/backbone/`` and ``models/keras-hub/classifier/``: keras-hub 0.32
    (TensorFlow backend, CPU) converts the transformers classifier in
    ``models/hf-classifier`` itself (``ViTBackbone.from_preset`` /
    ``ViTImageClassifier.from_preset``) and writes them with ``save_to_preset``
    (``config.json``, ``metadata.json`` without its date, ``model.weights.h5``; the
    classifier also ``task.json``, ``task.weights.h5``), and ``models/keras-hub/classifier.weights.h5``
    (the same classifier's Keras 3 ``save_weights``). keras-hub's forward pass on the
    ``ViTImageProcessor`` pixels of every sample image is recorded in
    ``expected/expectations/keras-hub-backbone.json`` / ``keras-hub-classifier.json``.

``python samples/generate_keras.py check --expectations FILE PRESET_DIR...``
    Loads each preset directory with keras-hub (``ViTImageClassifier.from_preset`` when it
    has ``task.json``, else ``ViTBackbone.from_preset``), runs it on the recorded pixels of
    the expectations' images and prints one line per preset with the max abs difference of
    the class token (and logits); exit status 1 when one does not load or differs by more
    than --atol.

keras-hub's inputs are the ``ViTImageProcessor`` pixels generate.py recorded
(``expected/pixels/<image>.npy``), transposed to channels-last: this process never imports
torch (a process holding both torch and TensorFlow aborts).

Requirements: keras-hub 0.32, keras 3, tensorflow, numpy.
"""

import argparse
import os
import sys

os.environ.pop("TF_USE_LEGACY_KERAS", None)
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import keras_hub  # noqa: E402,F401  (before transformers: a process with both torch and TensorFlow aborts here)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import expectations as X  # noqa: E402

IMAGES = ["chelsea.png", "astronaut.jpg", "camera.png", "coffee-rgba.png", "rocket-palette.png", "camera-16bit.png",
          "chelsea-grey.jpg"]


def load(preset_dir):
    import keras_hub

    if os.path.exists(os.path.join(preset_dir, "task.json")):
        return keras_hub.models.ViTImageClassifier.from_preset(preset_dir), "classifier"
    return keras_hub.models.ViTBackbone.from_preset(preset_dir), "base"


def run(model, kind, pixels):
    """keras-hub outputs for one CHW image: the backbone's sequence output (and logits)."""
    x = np.transpose(pixels, (1, 2, 0))[None]  # keras-hub is channels_last
    if kind == "classifier":
        seq = np.asarray(model.backbone(x, training=False))[0]
        logits = np.asarray(model(x, training=False))[0]
        return {"last_hidden_state": seq, "logits": logits}
    return {"last_hidden_state": np.asarray(model(x, training=False))[0]}


def pixels(samples, name):
    """The ViTImageProcessor pixels (64 px) generate.py recorded for image ``name``."""
    return np.load(os.path.join(samples, "expected", "pixels", name + ".npy"))


class _Labels:
    id2label = None


def record(samples, preset_dir, out_path):
    """The expectations document of keras-hub's outputs on the recorded pixels, in
    expectations.py's format (header of hf-classifier.json: same images, same processor)."""
    import json
    import keras
    import keras_hub
    import tensorflow as tf

    model, kind = load(preset_dir)
    template = json.load(open(os.path.join(samples, "expected", "expectations", "hf-classifier.json")))
    c = json.load(open(os.path.join(preset_dir, "config.json")))["config"]
    doc = {k: template[k] for k in ("format", "version")}
    doc["provenance"] = {"library": "keras-hub", "version": keras_hub.__version__, "keras": keras.__version__,
                         "tensorflow": tf.__version__, "numpy": np.__version__,
                         "model": os.path.relpath(preset_dir, samples),
                         "pixels": "expected/pixels/<image>.npy (ViTImageProcessor, recorded by generate.py)"}
    doc["model"] = dict(template["model"], architecture=type(model).__name__, layer_norm_eps=c["layer_norm_epsilon"],
                        has_pooler=False, num_labels=model.num_classes if kind == "classifier" else 0)
    doc["preprocessing"] = template["preprocessing"]
    doc["tolerances"] = template["tolerances"]
    doc["images"] = []
    out_dir = os.path.dirname(os.path.abspath(out_path))
    for name in IMAGES:
        outputs = run(model, kind, pixels(samples, name))
        rel = os.path.relpath(os.path.join(samples, "images", name), out_dir)
        doc["images"].append(X.image_record(rel, outputs, _Labels))
    return doc


def generate(out):
    import shutil
    import keras_hub

    hf = os.path.join(out, "models", "hf-classifier")
    kdir = os.path.join(out, "models", "keras-hub")
    if os.path.isdir(kdir):
        shutil.rmtree(kdir)
    # keras-hub converts the transformers checkpoint itself (keras_hub/src/utils/transformers/convert_vit.py);
    # preprocessor=None: its HF image-processor conversion is not needed (vitkit tests feed recorded pixels)
    keras_hub.models.ViTBackbone.from_preset(hf).save_to_preset(os.path.join(kdir, "backbone"))
    classifier = keras_hub.models.ViTImageClassifier.from_preset(hf, preprocessor=None)
    classifier.save_to_preset(os.path.join(kdir, "classifier"))
    # a plain Keras 3 weights file of the whole task (backbone under layers/vi_t_backbone/)
    classifier.save_weights(os.path.join(kdir, "classifier.weights.h5"))
    for name in ("backbone", "classifier"):
        d = os.path.join(kdir, name)
        meta = os.path.join(d, "metadata.json")
        m = json_load(meta)
        m.pop("date_saved", None)  # keep regenerated files byte-stable
        X.write_json(m, meta)
        e = os.path.join(out, "expected", "expectations", f"keras-hub-{name}.json")
        X.write_json(record(out, d, e), e)


def json_load(path):
    import json

    with open(path) as f:
        return json.load(f)


def check(args):
    exp = json_load(args.expectations)
    base = os.path.dirname(os.path.abspath(args.expectations))
    bad = 0
    for d in args.presets:
        try:
            model, kind = load(d)
            worst = {}
            for rec in exp["images"]:
                name = os.path.basename(rec["path"])
                out = run(model, kind, pixels(os.path.dirname(os.path.dirname(base)), name))
                worst["cls"] = max(worst.get("cls", 0.0), float(np.max(np.abs(out["last_hidden_state"][0] - rec["cls"]))))
                if "logits" in rec:
                    if "logits" not in out:
                        raise RuntimeError("no classifier (task.json) but the expectations have logits")
                    worst["logits"] = max(worst.get("logits", 0.0), float(np.max(np.abs(out["logits"] - rec["logits"]))))
            ok = all(v <= args.atol for v in worst.values())
            print(f"{'OK  ' if ok else 'FAIL'} keras {d}: keras-hub loads it; max|diff| "
                  + ", ".join(f"{k}={v:.3g}" for k, v in worst.items()) + f" (atol {args.atol:g})", flush=True)
            bad += not ok
        except Exception as e:  # noqa: BLE001
            print(f"FAIL keras {d}: does not load: {type(e).__name__}: {e}", flush=True)
            bad += 1
    return 1 if bad else 0


def main(argv=None):
    p = argparse.ArgumentParser(prog="generate_keras.py")
    sub = p.add_subparsers(dest="cmd")
    g = sub.add_parser("generate")
    g.add_argument("--out", default=HERE)
    c = sub.add_parser("check")
    c.add_argument("--expectations", required=True)
    c.add_argument("--atol", type=float, default=1e-4)
    c.add_argument("presets", nargs="+")
    args = p.parse_args(argv)
    if args.cmd == "generate":
        generate(os.path.abspath(args.out))
        return 0
    if args.cmd == "check":
        return check(args)
    p.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
