import ViTModel
#if canImport(Glibc)
import Glibc
#endif
import Tensors

extension ViTForward {
    /// Patch embedding (im2col + GEMM), cls token and position embeddings for one image. The
    /// im2col matrix is float32 in `ws.big`, or bfloat16 in `ws.bf16.big` when the patch layer
    /// takes bf16 inputs (`--compute bf16`, as autocast runs the convolution).
    func embed(_ image: UnsafePointer<Float>, size: Int, positions: UnsafePointer<Float>,
               into h: UnsafeMutablePointer<Float>, _ ws: Workspace) throws(ViTError) {
        let c = config, grid = size / c.patchSize, d = c.hiddenSize
        let k = c.numChannels * c.patchSize * c.patchSize, n = grid * grid
        let src: UnsafeRawPointer
        if patch.inputElement == .bf16, let bf16 = ws.bf16 {
            im2col(image, size: size, into: bf16.big)
            src = UnsafeRawPointer(bf16.big)
        } else {
            im2col(image, size: size, into: ws.big)
            src = UnsafeRawPointer(ws.big)
        }
        let prefix = c.prefixTokens, positioned = c.positionedPrefix
        // Rows: class, distillation, registers, patches.
        try patch.apply(src, lda: k, rows: n, into: h + prefix * d, ldc: d, stream: ws.stream)
        h.update(from: cls.pointer, count: d)
        if let distillation { (h + d).update(from: distillation.pointer, count: d) }
        if let registers { (h + (prefix - c.registerTokens) * d).update(from: registers.pointer, count: registers.count) }
        // Registers have no position; the class (and distillation) rows have one unless `classPosition` is off.
        Kernels.add(h, positions, count: positioned * d)
        Kernels.add(h + prefix * d, positions + positioned * d, count: n * d)
    }

    /// One image's patches as rows: `patches[n, (c, ky, kx)]`, the OIHW weight's flattening.
    private func im2col<Out: KernelOutput>(_ image: UnsafePointer<Float>, size: Int, into patches: UnsafeMutablePointer<Out>) {
        let c = config, p = c.patchSize, ch = c.numChannels, grid = size / p, k = ch * p * p
        for gy in 0..<grid {
            for gx in 0..<grid {
                let row = patches + (gy * grid + gx) * k
                for cc in 0..<ch {
                    for ky in 0..<p {
                        let src = image + cc * size * size + (gy * p + ky) * size + gx * p
                        let dst = row + (cc * p + ky) * p
                        for kx in 0..<p { dst[kx] = Out(rounding: src[kx]) }
                    }
                }
            }
        }
    }

    /// One pre-LN transformer block over the whole batch.
    func runBlock(_ w: BlockWeights, _ ws: inout Workspace, batch: Int, t: Int) throws(ViTError) {
        let c = config, d = c.hiddenSize, rows = batch * t
        let (x, lda) = ws.normalized(ws.h, rows: rows, weight: w.ln1w, bias: w.ln1b, eps: c.layerNormEps, into: ws.x, for: w.q)
        if let b = ws.bf16Attention(w) {
            // q, k, v written as bfloat16 by their GEMMs; the context lands in `b.x`, o's input.
            for (out, layer) in [(b.q, w.q), (b.k, w.k), (b.v, w.v)] {
                try layer.apply(x, lda: lda, rows: rows, into: out, ldc: d, dstElement: .bf16, stream: ws.stream)
            }
            try attention(q: b.q, k: b.k, v: b.v, ctx: b.x, element: .bf16, batch: batch, t: t, queries: t,
                          scores: ws.scores, scoresBF16: b.scores, stream: ws.stream)
            try addProjection(w.o, b.x, lda: d, rows: rows, into: ws.h, scale: w.ls1, scratch: ws.q, stream: ws.stream)
        } else {
            for (out, layer) in [(ws.q, w.q), (ws.k, w.k), (ws.v, w.v)] {
                try layer.apply(x, lda: lda, rows: rows, into: out, ldc: d, stream: ws.stream)
            }
            try attention(q: ws.q, k: ws.k, v: ws.v, ctx: ws.ctx, batch: batch, t: t, queries: t, scores: ws.scores,
                          stream: ws.stream, probabilities: ws.probabilities.map { $0 + ws.layer * t * t })
            let (ctx, ldctx) = ws.input(ws.ctx, lda: d, rows: rows, for: w.o)
            try addProjection(w.o, ctx, lda: ldctx, rows: rows, into: ws.h, scale: w.ls1, scratch: ws.q, stream: ws.stream)
        }
        try residualMLP(w, residual: ws.h, normed: ws.x, rows: rows, ws)
    }

    /// `residual += layer(src)`, or with LayerScale `residual += scale * layer(src)` (the product
    /// goes through `scratch`, `rows x d`).
    func addProjection(_ layer: DenseLayer, _ src: UnsafeRawPointer, lda: Int, rows: Int, into residual: UnsafeMutablePointer<Float>,
                       scale: FloatWeight?, scratch: UnsafeMutablePointer<Float>, stream: DNNLStream?) throws(ViTError) {
        let d = config.hiddenSize
        guard let scale else {
            try layer.apply(src, lda: lda, rows: rows, into: residual, ldc: d, .accumulate, stream: stream)
            return
        }
        try layer.apply(src, lda: lda, rows: rows, into: scratch, ldc: d, stream: stream)
        Kernels.addScaled(residual, scratch, scale: scale.pointer, rows: rows, d: d)
    }

    /// `residual += fc2(gelu(fc1(LN_after(residual))))` over `rows` rows (SwiGLU:
    /// `fc2(silu(a) * b)`, `a, b` the halves of `fc1`; LayerScale multiplies the MLP's output);
    /// `normed` (`rows x d`) and the workspace's hidden rows are scratch.
    func residualMLP(_ w: BlockWeights, residual: UnsafeMutablePointer<Float>, normed: UnsafeMutablePointer<Float>,
                     rows: Int, _ ws: Workspace) throws(ViTError) {
        let c = config, m = c.intermediateSize
        let (x, lda) = ws.normalized(residual, rows: rows, weight: w.ln2w, bias: w.ln2b, eps: c.layerNormEps, into: normed, for: w.fc1)
        if c.mlp == .swiGLU {
            // fc1's output stays float32 for the gate; the gated rows are packed (bf16: rounded
            // into the hidden bf16 rows) as fc2's input.
            try w.fc1.apply(x, lda: lda, rows: rows, into: ws.big, ldc: 2 * m, stream: ws.stream)
            if w.fc2.inputElement == .bf16, let hidden = ws.bf16?.big {
                Kernels.swiGLU(ws.big, rows: rows, width: m, into: hidden)
                try addProjection(w.fc2, hidden, lda: m, rows: rows, into: residual, scale: w.ls2, scratch: normed, stream: ws.stream)
            } else {
                Kernels.swiGLU(ws.big, rows: rows, width: m, into: ws.big)
                try addProjection(w.fc2, ws.big, lda: m, rows: rows, into: residual, scale: w.ls2, scratch: normed, stream: ws.stream)
            }
            return
        }

        let gelu: Epilogue = c.hiddenAct == .gelu ? .geluErf : .geluTanh
        // bf16: fc1 writes its GELU output as bf16, fc2's input, with no separate pass.
        if w.fc2.inputElement == .bf16, let hidden = ws.bf16?.big {
            try w.fc1.apply(x, lda: lda, rows: rows, into: hidden, ldc: m, dstElement: .bf16, gelu, stream: ws.stream)
            try addProjection(w.fc2, hidden, lda: m, rows: rows, into: residual, scale: w.ls2, scratch: normed, stream: ws.stream)
        } else {
            try w.fc1.apply(x, lda: lda, rows: rows, into: ws.big, ldc: m, gelu, stream: ws.stream)
            try addProjection(w.fc2, ws.big, lda: m, rows: rows, into: residual, scale: w.ls2, scratch: normed, stream: ws.stream)
        }
    }

    /// The last block when only the class token's outputs are wanted (cls, pooler, logits):
    /// keys and values of every token, but the query, attention output, residual and MLP of
    /// the class token alone — about 1/12 of ViT-B/16's work saved, the same result up to
    /// rounding. The class rows are gathered into `batch`-row buffers (`x` holds their
    /// residual stream, `q` their queries and then their LayerNorm, `ctx` their attention
    /// output) and written back to `h` at the end.
    func runBlockForClassToken(_ w: BlockWeights, _ ws: inout Workspace, batch: Int, t: Int) throws(ViTError) {
        let c = config, d = c.hiddenSize, rows = batch * t
        let (x, lda) = ws.normalized(ws.h, rows: rows, weight: w.ln1w, bias: w.ln1b, eps: c.layerNormEps, into: ws.x, for: w.k)
        let b = ws.bf16Attention(w)
        let (keys, values): (UnsafeMutableRawPointer, UnsafeMutableRawPointer) = b.map { (.init($0.k), .init($0.v)) } ?? (.init(ws.k), .init(ws.v))
        for (out, layer) in [(keys, w.k), (values, w.v)] {
            try layer.apply(x, lda: lda, rows: rows, into: out, ldc: d, dstElement: b == nil ? .f32 : .bf16, stream: ws.stream)
        }
        // Class-token queries: rows b*t of the LayerNorm output, gathered first (oneDNN 2.6
        // runs a strided source through its reference matmul: 46 ms instead of 0.05 for 8 rows).
        precondition(w.q.inputElement == w.k.inputElement, "queries and keys take the same element type")
        let bytes = w.q.inputElement == .bf16 ? 2 : 4
        var classRows = UnsafeMutableRawPointer(ws.big)
        if bytes == 2, let b16 = ws.bf16 { classRows = UnsafeMutableRawPointer(b16.big) }
        let ldClass = d
        for i in 0..<batch { (classRows + i * d * bytes).copyMemory(from: x + i * t * lda * bytes, byteCount: d * bytes) }
        if let b {
            try w.q.apply(classRows, lda: ldClass, rows: batch, into: b.q, ldc: d, dstElement: .bf16, stream: ws.stream)
            try attention(q: b.q, k: b.k, v: b.v, ctx: b.x, element: .bf16, batch: batch, t: t, queries: 1,
                          scores: ws.scores, scoresBF16: b.scores, stream: ws.stream)
        } else {
            try w.q.apply(classRows, lda: ldClass, rows: batch, into: ws.q, ldc: d, stream: ws.stream)
            try attention(q: ws.q, k: ws.k, v: ws.v, ctx: ws.ctx, batch: batch, t: t, queries: 1, scores: ws.scores,
                          stream: ws.stream)
        }
        for i in 0..<batch { (ws.x + i * d).update(from: ws.h + i * t * d, count: d) }
        let (ctx, ldctx) = b.map { (UnsafeRawPointer($0.x), d) } ?? ws.input(ws.ctx, lda: d, rows: batch, for: w.o)
        try addProjection(w.o, ctx, lda: ldctx, rows: batch, into: ws.x, scale: w.ls1, scratch: ws.q, stream: ws.stream)
        try residualMLP(w, residual: ws.x, normed: ws.q, rows: batch, ws)
        for i in 0..<batch { (ws.h + i * t * d).update(from: ws.x + i * d, count: d) }
    }
}
