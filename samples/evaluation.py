#!/usr/bin/env python3
"""Write the labelled image set for ``vitkit evaluate`` and scikit-learn's metrics on it.

``python samples/evaluation.py [--out samples]``

* ``eval/<label>/*.png``: 15 small images (4 to 2 per label, so macro and weighted averages differ) (crops, flips and resizes of ``images/``), one
  sub-folder per label of ``models/hf-classifier`` (tabby, astronaut, coffee, rocket, camera).
* ``eval.csv`` (``path,label`` with label names) and ``eval.jsonl`` (``{"path", "label"}``
  with integer ids) list the same images, paths relative to the manifest.
* ``expected/evaluation.json``: transformers' ``ViTForImageClassification`` +
  ``ViTImageProcessor`` predictions on each image (``Image.open(p).convert("RGB")``), the
  logits, the top-2 margin, and scikit-learn's metrics on them (``zero_division=0``,
  labels ``sorted(set(y_true) | set(y_pred))`` for the per-class metrics and the confusion
  matrix, ``top_k_accuracy_score(labels=range(5))`` for k = 1..5).

Deterministic: same library versions, same bytes. Requirements: torch, transformers 4.57,
scikit-learn, numpy, Pillow.  Nothing here is computed by vitkit.
"""

import argparse
import json
import os

import numpy as np
import sklearn
import torch
import transformers
from PIL import Image, ImageOps
from sklearn.metrics import (accuracy_score, confusion_matrix, precision_recall_fscore_support,
                             top_k_accuracy_score)
from transformers import ViTForImageClassification, ViTImageProcessor

HERE = os.path.dirname(os.path.abspath(__file__))

# label -> [(output name, source image, transform)]; transforms keep images small.
PLAN = {
    "tabby": [("chelsea-crop", "chelsea.png", "crop"), ("chelsea-flip", "chelsea.png", "flip"),
              ("chelsea-grey", "chelsea-grey.jpg", "resize"), ("chelsea-small", "chelsea.png", "resize")],
    "astronaut": [("astronaut", "astronaut.jpg", "same"), ("astronaut-crop", "astronaut.jpg", "crop"),
                  ("astronaut-flip", "astronaut.jpg", "flip")],
    "coffee": [("coffee", "coffee-rgba.png", "same"), ("coffee-small", "coffee-rgba.png", "resize"),
               ("coffee-flip", "coffee-rgba.png", "flip")],
    "rocket": [("rocket", "rocket-palette.png", "same"), ("rocket-mirror", "rocket-palette.png", "mirror")],
    "camera": [("camera", "camera.png", "same"), ("camera-16bit", "camera-16bit.png", "same"),
               ("camera-crop", "camera.png", "crop")],
}


def transform(img, how):
    w, h = img.size
    if how == "crop":
        return img.crop((w // 8, h // 8, w - w // 6, h - h // 5))
    if how == "flip":
        return ImageOps.flip(img)
    if how == "mirror":
        return ImageOps.mirror(img)
    if how == "resize":
        return img.resize((max(1, w * 2 // 3), max(1, h * 2 // 3)), Image.BILINEAR)
    return img.copy()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args()
    out = args.out
    model_dir = os.path.join(out, "models", "hf-classifier")
    model = ViTForImageClassification.from_pretrained(model_dir).eval()
    processor = ViTImageProcessor.from_pretrained(model_dir)
    id2label = {int(k): v for k, v in model.config.id2label.items()}
    label2id = {v: k for k, v in id2label.items()}

    rows = []  # (relative path under out, label name)
    for label in sorted(PLAN):
        d = os.path.join(out, "eval", label)
        os.makedirs(d, exist_ok=True)
        for name, source, how in PLAN[label]:
            img = Image.open(os.path.join(out, "images", source))
            img.load()
            t = transform(img, how)
            rel = f"eval/{label}/{name}.png"
            t.save(os.path.join(out, rel), optimize=True)
            rows.append((rel, label))
    rows.sort()  # the image-folder order: class folders sorted, files sorted

    with open(os.path.join(out, "eval.csv"), "w", newline="") as f:
        f.write("path,label\n")
        for rel, label in rows:
            f.write(f"{rel},{label}\n")
    with open(os.path.join(out, "eval.jsonl"), "w") as f:
        for rel, label in rows:
            f.write(json.dumps({"path": rel, "label": label2id[label]}) + "\n")

    logits = []
    with torch.no_grad():
        for rel, _ in rows:
            image = Image.open(os.path.join(out, rel)).convert("RGB")
            pixels = processor(images=image, return_tensors="pt")["pixel_values"]
            logits.append(model(pixel_values=pixels).logits[0].double().numpy())
    scores = np.stack(logits)
    y_true = np.array([label2id[label] for _, label in rows])
    y_pred = scores.argmax(axis=1)
    labels = sorted(set(y_true.tolist()) | set(y_pred.tolist()))

    def prf(average):
        p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=average, zero_division=0)
        return p, r, f, s

    pm, rm, fm, _ = prf("macro")
    pw, rw, fw, _ = prf("weighted")
    pc, rc, fc, sc = prf(None)
    top2 = np.sort(scores, axis=1)[:, ::-1]
    result = {
        "created_by": f"samples/evaluation.py (transformers {transformers.__version__}, torch {torch.__version__},"
                      f" scikit-learn {sklearn.__version__})",
        "model": "models/hf-classifier",
        "images": [{"path": rel, "label": label, "true_id": int(t), "predicted_id": int(p),
                    "logits": [float(v) for v in s], "top2_margin": float(m[0] - m[1])}
                   for (rel, label), t, p, s, m in zip(rows, y_true, y_pred, scores, top2)],
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "precision_macro": float(pm), "recall_macro": float(rm), "f1_macro": float(fm),
        "precision_weighted": float(pw), "recall_weighted": float(rw), "f1_weighted": float(fw),
        "top_k_accuracy": {str(k): float(top_k_accuracy_score(y_true, scores, k=k, labels=list(range(len(id2label)))))
                           for k in range(1, len(id2label) + 1)},
        "labels": [int(v) for v in labels],
        "per_class": [{"label": id2label[l], "id": int(l), "precision": float(p), "recall": float(r), "f1": float(f),
                       "support": int(s)} for l, p, r, f, s in zip(labels, pc, rc, fc, sc)],
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }
    path = os.path.join(out, "expected", "evaluation.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(f"wrote {len(rows)} images, accuracy {result['accuracy']:.4f}, min top-2 margin {float((top2[:, 0] - top2[:, 1]).min()):.3g} -> {path}")


if __name__ == "__main__":
    main()
