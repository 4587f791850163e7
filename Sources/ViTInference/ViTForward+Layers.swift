import ViTModel
#if canImport(Glibc)
import Glibc
#endif
import Tensors

/// Scratch buffers for one batch, reused by every layer.
struct Workspace {
    let h, x, q, k, v, ctx, big, scores: UnsafeMutablePointer<Float>
    /// bf16 compute: the linear layers' inputs (`rows x d`) and the MLP's hidden rows.
    let xb, bigb: UnsafeMutablePointer<UInt16>?
    let stream: DNNLStream?
    /// When set (one image): `layers x t x t` floats receiving each block's head-mean
    /// attention probabilities; `layer` is the block running.
    var probabilities: UnsafeMutablePointer<Float>?
    var layer = 0
    private let floats: [UnsafeMutablePointer<Float>]

    /// - Parameters:
    ///   - scores: floats of attention scores held at once.
    ///   - patchValues: elements of one image's im2col matrix (`patches x C*P*P`).
    init(rows: Int, d: Int, m: Int, scores: Int, patchValues: Int, bf16: Bool, stream: DNNLStream?) {
        func alloc(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
            p.initialize(repeating: 0, count: max(n, 1))
            return p
        }
        h = alloc(rows * d); x = alloc(rows * d); q = alloc(rows * d); k = alloc(rows * d)
        v = alloc(rows * d); ctx = alloc(rows * d); big = alloc(max(rows * m, patchValues))
        self.scores = alloc(scores)
        floats = [h, x, q, k, v, ctx, big, self.scores]
        xb = bf16 ? .allocate(capacity: rows * d) : nil
        bigb = bf16 ? .allocate(capacity: rows * m) : nil
        self.stream = stream
    }

    func release() {
        for p in floats { p.deallocate() }
        xb?.deallocate()
        bigb?.deallocate()
    }

    /// The input of `layer` for `rows` rows of `x` (`lda` apart): `x` itself, or its bf16
    /// rounding (in `xb`, rows `layer.inputs` apart) for a bf16 layer. Returns the pointer
    /// and its row stride.
    func input(_ x: UnsafePointer<Float>, lda: Int, rows: Int, for layer: DenseLayer) -> (UnsafeRawPointer, Int) {
        guard layer.inputElement == .bf16, let xb else { return (UnsafeRawPointer(x), lda) }
        BFloat16.convert(x, lda: lda, rows: rows, cols: layer.inputs, into: xb)
        return (UnsafeRawPointer(xb), layer.inputs)
    }
}

extension ViTForward {
    /// Patch embedding (im2col + GEMM), cls token and position embeddings for one image.
    func embed(_ image: UnsafePointer<Float>, size: Int, positions: UnsafePointer<Float>,
               into h: UnsafeMutablePointer<Float>, patches: UnsafeMutablePointer<Float>,
               stream: DNNLStream?) throws(ViTError) {
        let c = config, p = c.patchSize, ch = c.numChannels, grid = size / p, d = c.hiddenSize
        let k = ch * p * p
        // patches[n, (c, ky, kx)] matches the OIHW weight's flattening.
        for gy in 0..<grid {
            for gx in 0..<grid {
                let row = patches + (gy * grid + gx) * k
                for cc in 0..<ch {
                    for ky in 0..<p {
                        let src = image + cc * size * size + (gy * p + ky) * size + gx * p
                        (row + (cc * p + ky) * p).update(from: src, count: p)
                    }
                }
            }
        }
        let n = grid * grid, prefix = c.prefixTokens, positioned = c.positionedPrefix
        // Rows: class, distillation, registers, patches.
        try patch.apply(patches, lda: k, rows: n, into: h + prefix * d, ldc: d, stream: stream)
        h.update(from: cls.pointer, count: d)
        if let distillation { (h + d).update(from: distillation.pointer, count: d) }
        if let registers { (h + (prefix - c.registerTokens) * d).update(from: registers.pointer, count: registers.count) }
        // Registers have no position; the class (and distillation) rows have one unless `classPosition` is off.
        Kernels.add(h, positions, count: positioned * d)
        Kernels.add(h + prefix * d, positions + positioned * d, count: n * d)
    }

    /// One pre-LN transformer block over the whole batch.
    func runBlock(_ w: BlockWeights, _ ws: inout Workspace, batch: Int, t: Int) throws(ViTError) {
        let c = config, d = c.hiddenSize, rows = batch * t
        Kernels.layerNorm(ws.h, ws.x, rows: rows, d: d, weight: w.ln1w.pointer, bias: w.ln1b.pointer, eps: c.layerNormEps)
        let (x, lda) = ws.input(ws.x, lda: d, rows: rows, for: w.q)
        for (out, layer) in [(ws.q, w.q), (ws.k, w.k), (ws.v, w.v)] {
            try layer.apply(x, lda: lda, rows: rows, into: out, ldc: d, stream: ws.stream)
        }
        try attention(q: ws.q, k: ws.k, v: ws.v, ctx: ws.ctx, batch: batch, t: t, queries: t, scores: ws.scores,
                      stream: ws.stream, probabilities: ws.probabilities.map { $0 + ws.layer * t * t })
        let (ctx, ldctx) = ws.input(ws.ctx, lda: d, rows: rows, for: w.o)
        try addProjection(w.o, ctx, lda: ldctx, rows: rows, into: ws.h, scale: w.ls1, scratch: ws.q, stream: ws.stream)
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
        let c = config, d = c.hiddenSize, m = c.intermediateSize
        Kernels.layerNorm(residual, normed, rows: rows, d: d, weight: w.ln2w.pointer, bias: w.ln2b.pointer, eps: c.layerNormEps)
        let (x, lda) = ws.input(normed, lda: d, rows: rows, for: w.fc1)
        if c.mlp == .swiGLU {
            // Float32 layers (see init): the gated rows are packed at the start of `big`.
            try w.fc1.apply(x, lda: lda, rows: rows, into: ws.big, ldc: 2 * m, stream: ws.stream)
            Kernels.swiGLU(ws.big, rows: rows, width: m)
            try addProjection(w.fc2, ws.big, lda: m, rows: rows, into: residual, scale: w.ls2, scratch: normed, stream: ws.stream)
            return
        }

        let gelu: Epilogue = c.hiddenAct == .gelu ? .geluErf : .geluTanh
        // bf16: fc1 writes its GELU output as bf16, fc2's input, with no separate pass.
        if w.fc2.inputElement == .bf16, let hidden = ws.bigb {
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
        Kernels.layerNorm(ws.h, ws.x, rows: rows, d: d, weight: w.ln1w.pointer, bias: w.ln1b.pointer, eps: c.layerNormEps)
        let (x, lda) = ws.input(ws.x, lda: d, rows: rows, for: w.k)
        for (out, layer) in [(ws.k, w.k), (ws.v, w.v)] {
            try layer.apply(x, lda: lda, rows: rows, into: out, ldc: d, stream: ws.stream)
        }
        // Class-token queries: rows b*t of the LayerNorm output, gathered first (oneDNN 2.6
        // runs a strided source through its reference matmul: 46 ms instead of 0.05 for 8 rows).
        for b in 0..<batch { (ws.big + b * d).update(from: ws.x + b * t * d, count: d) }
        let (classRows, ldClass) = ws.input(ws.big, lda: d, rows: batch, for: w.q)
        try w.q.apply(classRows, lda: ldClass, rows: batch, into: ws.q, ldc: d, stream: ws.stream)
        try attention(q: ws.q, k: ws.k, v: ws.v, ctx: ws.ctx, batch: batch, t: t, queries: 1, scores: ws.scores,
                      stream: ws.stream)
        for b in 0..<batch { (ws.x + b * d).update(from: ws.h + b * t * d, count: d) }
        let (ctx, ldctx) = ws.input(ws.ctx, lda: d, rows: batch, for: w.o)
        try addProjection(w.o, ctx, lda: ldctx, rows: batch, into: ws.x, scale: w.ls1, scratch: ws.q, stream: ws.stream)
        try residualMLP(w, residual: ws.x, normed: ws.q, rows: batch, ws)
        for b in 0..<batch { (ws.h + b * t * d).update(from: ws.x + b * d, count: d) }
    }
}
