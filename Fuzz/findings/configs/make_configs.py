"""Writes the crafted configs, expectations and npz of the parsers6 probes (Fuzz/README.md,
"Config and manifest findings") into this directory.

Each file is a committed sample written by a reference library (keras-hub's config.json and
task.json, transformers' config.json and preprocessor_config.json, samples/expectations.py's
expectations) with one value changed by `json`, a tiny big_vision/Google-layout npz written
by numpy, or a vitkit native safetensors written by safetensors with crafted metadata; `dinov2-crop-28.expected.json` is transformers' output for its crafted config (torch,
transformers, Pillow). Tests copy the sample model directory and put the crafted file in place
of the original.

    /root/venv-ref/bin/python Fuzz/findings/configs/make_configs.py
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "..", "..", "samples")


def load(rel):
    with open(os.path.join(SAMPLES, rel)) as f:
        return json.load(f)


def write(name, obj):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def main():
    # keras-hub ViTBackbone config.json: image_shape whose patch grid squares past 2**63
    # (the arithmetic-overflow trap in ViTConfig.sequenceLength).
    k = load("models/keras-hub/classifier/config.json")
    k["config"]["image_shape"] = [2**62, 2**62, 3]
    write("keras-hub-image-shape-2p62.config.json", k)
    # The same through transformers' config.json.
    h = load("models/hf-classifier/config.json")
    h["image_size"] = 2**62
    write("hf-image-size-2p62.config.json", h)
    # keras-hub image_shape of the wrong type: the error named no file.
    # keras-hub values of the wrong type: a string image_shape named no file; a 4-entry one and a
    # string use_class_token were accepted silently (keras-hub itself needs (h, w, c) and a bool).
    for name, key, value in [("image-shape-string", "image_shape", "64"), ("image-shape-4d", "image_shape", [64, 64, 3, 1]),
                             ("use-class-token-string", "use_class_token", "no")]:
        k = load("models/keras-hub/classifier/config.json")
        k["config"][key] = value
        write(f"keras-hub-{name}.config.json", k)
    # keras-hub task.json asking for 3 classes over task.weights.h5's 5: accepted silently.
    t = load("models/keras-hub/classifier/task.json")
    t["config"]["num_classes"] = 3
    write("keras-hub-num-classes-3.task.json", t)
    # Expectations (hf-classifier, paths relative to samples/expected/expectations/): a bad
    # preprocessing.image_size named no file and blamed --image-size; a string one was ignored;
    # a bad image_mean named no file.
    for name, key, value in [("image-size-17", "image_size", 17), ("image-size-string", "image_size", "64"),
                             ("image-mean-1", "image_mean", [0.5])]:
        e = load("expected/expectations/hf-classifier.json")
        e["preprocessing"][key] = value
        e["images"] = e["images"][:1]
        for image in e["images"]:
            image["path"] = "../../../samples/expected/expectations/" + image["path"]
            image.pop("mean_token", None)
        write(f"expectations-{name}.json", e)
    # A tiny Google-layout ViT (hidden 4, 1 head, MLP 8, one 16 px patch) with one stray member
    # of block 9999: the mapping error listed ~40,000 missing tensors.
    rng = np.random.default_rng(9999)
    d, m = 4, 8
    f = lambda *s: rng.standard_normal(s).astype(np.float32)  # noqa: E731
    b = "Transformer/encoderblock_0/"
    arrays = {
        "embedding/kernel": f(16, 16, 3, d), "embedding/bias": f(d), "cls": f(1, 1, d),
        "Transformer/posembed_input/pos_embedding": f(1, 2, d),
        "Transformer/encoder_norm/scale": f(d), "Transformer/encoder_norm/bias": f(d),
        b + "LayerNorm_0/scale": f(d), b + "LayerNorm_0/bias": f(d),
        b + "LayerNorm_2/scale": f(d), b + "LayerNorm_2/bias": f(d),
        b + "MlpBlock_3/Dense_0/kernel": f(d, m), b + "MlpBlock_3/Dense_0/bias": f(m),
        b + "MlpBlock_3/Dense_1/kernel": f(m, d), b + "MlpBlock_3/Dense_1/bias": f(d),
        b + "MultiHeadDotProductAttention_1/out/kernel": f(1, d, d),
        b + "MultiHeadDotProductAttention_1/out/bias": f(d),
        "Transformer/encoderblock_9999/LayerNorm_0/bias": f(d),
    }
    for p in ("query", "key", "value"):
        arrays[b + f"MultiHeadDotProductAttention_1/{p}/kernel"] = f(d, 1, d)
        arrays[b + f"MultiHeadDotProductAttention_1/{p}/bias"] = f(1, d)
    np.savez(os.path.join(HERE, "jax-block-9999.npz"), **arrays)
    # DINOv2 with registers whose config.json says 3 registers over 2 stored: ran the 2 silently.
    r = load("models/family/hf-dinov2-reg/config.json")
    r["num_register_tokens"] = 3
    write("dinov2-reg-3.config.json", r)
    # hf-classifier's processor resizing to 32 px under a config saying 64: vitkit ran at 64
    # (the config's size won); transformers' ViTForImageClassification refuses 32 px pixels.
    p = load("models/hf-classifier/preprocessor_config.json")
    p["size"] = {"height": 32, "width": 32}
    write("vit-size-32.preprocessor_config.json", p)
    native_metadata()
    dinov2_crop()
    one_channel_model()


def one_channel_model():
    """A tiny transformers ViTForImageClassification of 1-channel images (num_channels 1, hidden 8,
    patch 4 at 8 px), saved by save_pretrained with its ViTImageProcessor: vitkit preprocessed to RGB
    and then failed with "pixel buffer has 192 values, expected 1x1x8x8", naming nothing."""
    import torch
    from transformers import ViTConfig, ViTForImageClassification, ViTImageProcessor

    torch.manual_seed(1)
    config = ViTConfig(hidden_size=8, num_hidden_layers=1, num_attention_heads=2, intermediate_size=16, image_size=8,
                       patch_size=4, num_channels=1, num_labels=2)
    out = os.path.join(HERE, "vit-1-channel")
    ViTForImageClassification(config).eval().save_pretrained(out)
    ViTImageProcessor(size={"height": 8, "width": 8}).save_pretrained(out)


def native_metadata():
    """A vitkit native safetensors (written by safetensors; its metadata order varies from run to run) whose `vitkit.config` metadata asks
    for an MLP kind vitkit does not know: the error named no file. Two of hf-classifier's tensors
    under their native names; the config is hf-classifier's as vitkit records it."""
    from safetensors.numpy import load_file, save_file

    hf = load_file(os.path.join(SAMPLES, "models/hf-classifier/model.safetensors"))
    tensors = {"cls": hf["vit.embeddings.cls_token"], "patch.bias": hf["vit.embeddings.patch_embeddings.projection.bias"]}
    c = load("models/hf-classifier/config.json")
    config = {"hidden_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 96,
              "image_size": 64, "patch_size": 16, "num_channels": 3, "qkv_bias": True, "layer_norm_eps": 1e-12,
              "hidden_act": "gelu", "has_pooler": False, "num_labels": 5, "id2label": c["id2label"],
              "heads_assumed": False, "mlp": "swish"}
    save_file(tensors, os.path.join(HERE, "native-mlp-swish.safetensors"),
              metadata={"vitkit.format_version": "2", "vitkit.config": json.dumps(config)})


def dinov2_crop():
    """hf-dinov2's processor cropping 28 px (shortest edge 32) while config.json says 56: vitkit
    ran at 56 (the config's size won over crop_size); transformers' Dinov2Model interpolates the
    positions to the 28 px it is given. Writes the config and transformers' outputs on two images."""
    import shutil
    import tempfile

    import torch
    import transformers
    from PIL import Image
    from transformers import BitImageProcessor, Dinov2Model

    p = load("models/family/hf-dinov2/preprocessor_config.json")
    p["size"] = {"shortest_edge": 32}
    p["crop_size"] = {"height": 28, "width": 28}
    write("dinov2-crop-28.preprocessor_config.json", p)
    with tempfile.TemporaryDirectory() as d:
        for name in ("config.json", "model.safetensors"):
            shutil.copy(os.path.join(SAMPLES, "models/family/hf-dinov2", name), d)
        shutil.copy(os.path.join(HERE, "dinov2-crop-28.preprocessor_config.json"), os.path.join(d, "preprocessor_config.json"))
        processor = BitImageProcessor.from_pretrained(d)
        model = Dinov2Model.from_pretrained(d).eval()
        images = []
        for image in ("chelsea.png", "astronaut.jpg"):
            pixels = processor(Image.open(os.path.join(SAMPLES, "images", image)), return_tensors="pt")["pixel_values"]
            with torch.no_grad():
                out = model(pixel_values=pixels)
            images.append({"image": "samples/images/" + image, "pixel_values_shape": list(pixels.shape),
                           "pooler_output": [float(x) for x in out.pooler_output[0]]})
    write("dinov2-crop-28.expected.json", {"transformers": transformers.__version__, "torch": torch.__version__,
                                           "model": "samples/models/family/hf-dinov2", "images": images})


if __name__ == "__main__":
    main()
