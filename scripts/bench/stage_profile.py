#!/usr/bin/env python3
"""Per-stage profile of vitkit's forward pass from oneDNN's own per-primitive timing.

Runs `vitkit bench CHECKPOINT --batch B --iterations K --json [--compute C]` with
DNNL_VERBOSE=1 (for this run only; verbose mode slows every call a little), sorts every
primitive oneDNN executed into the pass at batch 1 or batch B, and prints a markdown table per
batch size: milliseconds per pass for the linear layers' GEMMs, attention's two batched
products, softmax and the patch embedding, with their GFLOP/s, and "rest" (the pass's time
from bench's JSON minus everything oneDNN timed: vitkit's own LayerNorm, embeddings, copies
and heads). Weight packing at load (reorders) is not part of a pass and is left out.

    python scripts/bench/stage_profile.py .build/release/vitkit /tmp/fullsize/hf --batch 8 --compute bf16

Standard library only.
"""
import argparse
import json
import os
import subprocess
from collections import defaultdict


def flops(dims):
    """2*M*K*N (times the leading batch dims) of a matmul's 'src:wei:dst' dims string."""
    src, wei, _ = (list(map(int, part.split("x"))) for part in dims.split(":"))
    lead = 1
    for d in src[:-2]:
        lead *= d
    return 2 * lead * src[-2] * src[-1] * wei[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("vitkit")
    ap.add_argument("checkpoint")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--compute", default="f32")
    ap.add_argument("--patches", type=int, default=196, help="patches per image (rows of the patch embedding)")
    args = ap.parse_args()

    env = dict(os.environ, DNNL_VERBOSE="1")
    cmd = [args.vitkit, "bench", args.checkpoint, "--batch", str(args.batch), "--iterations", str(args.iterations),
           "--compute", args.compute, "--json"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("{"))
    result = json.loads("\n".join(lines[start:]))

    passes = args.iterations + 1  # bench runs one warm-up pass before the timed ones
    # Each pass embeds its images one at a time: the first `passes` patch embeddings are batch 1's.
    embeddings_seen = 0
    totals = {1: defaultdict(float), args.batch: defaultdict(float)}
    work = {1: defaultdict(float), args.batch: defaultdict(float)}
    for line in lines[:start]:
        if not line.startswith("onednn_verbose,exec,"):
            continue
        fields = line.split(",")
        kind, dims, ms = fields[3], fields[-2], float(fields[-1])
        if kind == "reorder":
            continue  # weight packing at load
        if kind == "matmul":
            rank = dims.split(":")[0].count("x") + 1
            rows = int(dims.split(":")[0].split("x")[-2])
            if rank == 4:
                stage = "attention products (QK^T, PV)"
            elif rows == args.patches:
                stage = "patch embedding"
                embeddings_seen += 1
            else:
                stage = "linear layers (q/k/v/o, fc1+GELU, fc2+residual)"
        elif kind.startswith("softmax"):
            stage = "softmax"
        else:
            stage = kind
        phase = 1 if embeddings_seen <= passes else args.batch
        totals[phase][stage] += ms
        if kind == "matmul":
            work[phase][stage] += flops(dims)

    print(f"`{' '.join(cmd)}` with DNNL_VERBOSE=1; backend {result['backend']}")
    for batch, per_image in ((1, result["forward_ms_b1"]), (args.batch, result["forward_ms_per_image"])):
        pass_ms = per_image * batch
        print(f"\nbatch {batch}: {pass_ms:.1f} ms per pass ({per_image:.1f} ms/image), {passes} passes averaged\n")
        print("| stage | ms per pass | share | GFLOP/s |")
        print("|---|---|---|---|")
        timed = 0.0
        for stage, ms in sorted(totals[batch].items(), key=lambda kv: -kv[1]):
            per_pass = ms / passes
            timed += per_pass
            gflops = f"{work[batch][stage] / (ms / 1000) / 1e9:.1f}" if work[batch][stage] else ""
            print(f"| {stage} | {per_pass:.1f} | {per_pass / pass_ms:.1%} | {gflops} |")
        rest = pass_ms - timed
        print(f"| rest: LayerNorm, embeddings, copies, heads (vitkit's Swift kernels) | {rest:.1f} | {rest / pass_ms:.1%} | |")


if __name__ == "__main__":
    main()
