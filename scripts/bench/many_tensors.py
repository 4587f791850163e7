# Writes a valid safetensors file with N tiny F32 tensors (shape [1]) for timing `vitkit inspect`
# on huge headers. Plain json + struct: no numpy or safetensors needed.
#
#   python scripts/bench/many_tensors.py /tmp/many.safetensors [N] [plain|hf]
#
# plain: names t0000000, t0000001, ... (no scheme recognises any; detection must still be fast)
# hf:    a real-looking ViT prefix (blocks 0..9999 of an HF checkpoint, the most the rules accept),
#        then plain names, so schemes match some tensors and reject the rest.
# N defaults to 1,000,000 (header ~65 MB, under safetensors' 100 MB limit). Never commit the output.
import json, struct, sys

path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
style = sys.argv[3] if len(sys.argv) > 3 else "plain"
suffixes = ["layernorm_before.weight", "layernorm_before.bias", "attention.attention.query.weight",
            "attention.attention.query.bias", "attention.attention.key.weight", "attention.attention.key.bias",
            "attention.attention.value.weight", "attention.attention.value.bias", "attention.output.dense.weight",
            "attention.output.dense.bias", "layernorm_after.weight", "layernorm_after.bias",
            "intermediate.dense.weight", "intermediate.dense.bias", "output.dense.weight", "output.dense.bias"]


def names():
    k = 0
    if style == "hf":
        for i in range(10_000):
            for s in suffixes:
                if k == n:
                    return
                yield f"vit.encoder.layer.{i}.{s}"
                k += 1
    while k < n:
        yield f"t{k:07d}"
        k += 1


header = {"__metadata__": {"format": "pt"}}
for k, name in enumerate(names()):
    header[name] = {"dtype": "F32", "shape": [1], "data_offsets": [4 * k, 4 * k + 4]}
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * (-len(text) % 8)
with open(path, "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    f.write(bytes(4 * (len(header) - 1)))
print(f"{path}: {len(header) - 1} tensors, header {len(text)} bytes")
