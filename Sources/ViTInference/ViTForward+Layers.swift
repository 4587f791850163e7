import ViTModel
#if canImport(Glibc)
import Glibc
#endif
import Tensors

/// Scratch buffers for one batch, reused by every layer.
struct Workspace {
    let h, x, q, k, v, ctx, big, scores: UnsafeMutablePointer<Float>
    let owner: [UnsafeMutablePointer<Float>]

    /// - Parameter patchValues: elements of one image's im2col matrix (`patches x C*P*P`).
    init(rows: Int, d: Int, m: Int, t: Int, patchValues: Int) {
        func alloc(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
            p.initialize(repeating: 0, count: max(n, 1))
            return p
        }
        h = alloc(rows * d); x = alloc(rows * d); q = alloc(rows * d); k = alloc(rows * d)
        v = alloc(rows * d); ctx = alloc(rows * d); big = alloc(max(rows * m, patchValues))
        scores = alloc(t * t)
        owner = [h, x, q, k, v, ctx, big, scores]
    }

    func release() { for p in owner { p.deallocate() } }
}

extension ViTForward {
    /// Patch embedding (im2col + GEMM), cls token and position embeddings for one image.
    func embed(_ image: UnsafePointer<Float>, size: Int, positions: UnsafePointer<Float>,
               into h: UnsafeMutablePointer<Float>, patches: UnsafeMutablePointer<Float>) {
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
        let n = grid * grid
        BLAS.gemm(m: n, n: d, k: k, a: patches, lda: k, b: patchW.pointer, ldb: k, transB: true, c: h + d, ldc: d)
        Kernels.addBias(h + d, rows: n, d: d, bias: patchB.pointer)
        h.update(from: cls.pointer, count: d)
        Kernels.add(h, positions, count: (n + 1) * d)
    }

    /// One pre-LN transformer block over the whole batch.
    func runBlock(_ w: BlockWeights, _ ws: inout Workspace, batch: Int, t: Int) {
        let c = config, d = c.hiddenSize, rows = batch * t
        let heads = c.numAttentionHeads, hd = c.headDim
        Kernels.layerNorm(ws.h, ws.x, rows: rows, d: d, weight: w.ln1w.pointer, bias: w.ln1b.pointer, eps: c.layerNormEps)
        for (out, weight, bias) in [(ws.q, w.qw, w.qb), (ws.k, w.kw, w.kb), (ws.v, w.vw, w.vb)] {
            BLAS.gemm(m: rows, n: d, k: d, a: ws.x, lda: d, b: weight.pointer, ldb: d, transB: true, c: out, ldc: d)
            if let bias { Kernels.addBias(out, rows: rows, d: d, bias: bias.pointer) }
        }
        let scale = 1 / Float(hd).squareRoot()
        for b in 0..<batch {
            let base = b * t * d
            for hh in 0..<heads {
                let off = base + hh * hd
                BLAS.gemm(m: t, n: t, k: hd, alpha: scale, a: ws.q + off, lda: d, b: ws.k + off, ldb: d, transB: true,
                          c: ws.scores, ldc: t)
                Kernels.softmaxRows(ws.scores, rows: t, d: t)
                BLAS.gemm(m: t, n: hd, k: t, a: ws.scores, lda: t, b: ws.v + off, ldb: d, transB: false, c: ws.ctx + off, ldc: d)
            }
        }
        BLAS.gemm(m: rows, n: d, k: d, a: ws.ctx, lda: d, b: w.ow.pointer, ldb: d, transB: true, beta: 1, c: ws.h, ldc: d)
        Kernels.addBias(ws.h, rows: rows, d: d, bias: w.ob.pointer)
        residualMLP(w, residual: ws.h, normed: ws.x, hidden: ws.big, rows: rows)
    }

    /// `residual += fc2(gelu(fc1(LN_after(residual))))` over `rows` rows; `normed` (`rows x d`)
    /// and `hidden` (`rows x intermediate`) are scratch.
    func residualMLP(_ w: BlockWeights, residual: UnsafeMutablePointer<Float>, normed: UnsafeMutablePointer<Float>,
                     hidden: UnsafeMutablePointer<Float>, rows: Int) {
        let c = config, d = c.hiddenSize, m = c.intermediateSize
        Kernels.layerNorm(residual, normed, rows: rows, d: d, weight: w.ln2w.pointer, bias: w.ln2b.pointer, eps: c.layerNormEps)
        BLAS.gemm(m: rows, n: m, k: d, a: normed, lda: d, b: w.fc1w.pointer, ldb: d, transB: true, c: hidden, ldc: m)
        Kernels.addBias(hidden, rows: rows, d: m, bias: w.fc1b.pointer)
        switch c.hiddenAct {
        case .gelu: Kernels.geluExact(hidden, count: rows * m)
        case .geluTanh: Kernels.geluTanh(hidden, count: rows * m)
        }
        BLAS.gemm(m: rows, n: d, k: m, a: hidden, lda: m, b: w.fc2w.pointer, ldb: m, transB: true, beta: 1, c: residual, ldc: d)
        Kernels.addBias(residual, rows: rows, d: d, bias: w.fc2b.pointer)
    }

    /// The last block when only the class token's outputs are wanted (cls, pooler, logits):
    /// keys and values of every token, but the query, attention output, residual and MLP of
    /// the class token alone — about 1/12 of ViT-B/16's work saved, the same result up to
    /// rounding. The class rows are gathered into `batch`-row buffers (`x` holds their
    /// residual stream, `q` their queries and then their LayerNorm, `ctx` their attention
    /// output) and written back to `h` at the end.
    func runBlockForClassToken(_ w: BlockWeights, _ ws: inout Workspace, batch: Int, t: Int) {
        let c = config, d = c.hiddenSize, rows = batch * t
        let heads = c.numAttentionHeads, hd = c.headDim
        Kernels.layerNorm(ws.h, ws.x, rows: rows, d: d, weight: w.ln1w.pointer, bias: w.ln1b.pointer, eps: c.layerNormEps)
        for (out, weight, bias) in [(ws.k, w.kw, w.kb), (ws.v, w.vw, w.vb)] {
            BLAS.gemm(m: rows, n: d, k: d, a: ws.x, lda: d, b: weight.pointer, ldb: d, transB: true, c: out, ldc: d)
            if let bias { Kernels.addBias(out, rows: rows, d: d, bias: bias.pointer) }
        }
        // Class-token queries: rows b*t of the LayerNorm output, strided by t rows.
        BLAS.gemm(m: batch, n: d, k: d, a: ws.x, lda: t * d, b: w.qw.pointer, ldb: d, transB: true, c: ws.q, ldc: d)
        if let qb = w.qb { Kernels.addBias(ws.q, rows: batch, d: d, bias: qb.pointer) }
        let scale = 1 / Float(hd).squareRoot()
        for b in 0..<batch {
            for hh in 0..<heads {
                let off = b * t * d + hh * hd
                BLAS.gemm(m: 1, n: t, k: hd, alpha: scale, a: ws.q + b * d + hh * hd, lda: d, b: ws.k + off, ldb: d,
                          transB: true, c: ws.scores, ldc: t)
                Kernels.softmaxRows(ws.scores, rows: 1, d: t)
                BLAS.gemm(m: 1, n: hd, k: t, a: ws.scores, lda: t, b: ws.v + off, ldb: d, transB: false,
                          c: ws.ctx + b * d + hh * hd, ldc: d)
            }
        }
        for b in 0..<batch { (ws.x + b * d).update(from: ws.h + b * t * d, count: d) }
        BLAS.gemm(m: batch, n: d, k: d, a: ws.ctx, lda: d, b: w.ow.pointer, ldb: d, transB: true, beta: 1, c: ws.x, ldc: d)
        Kernels.addBias(ws.x, rows: batch, d: d, bias: w.ob.pointer)
        residualMLP(w, residual: ws.x, normed: ws.q, hidden: ws.big, rows: batch)
        for b in 0..<batch { (ws.h + b * t * d).update(from: ws.x + b * d, count: d) }
    }

    /// Final LayerNorm on the CLS rows, then pooler and classifier.
    func heads(_ ws: Workspace, batch: Int, t: Int) -> [ViTOutputs] {
        defer { ws.release() }
        let c = config, d = c.hiddenSize
        var outputs: [ViTOutputs] = []
        var clsRow = [Float](repeating: 0, count: d)
        for b in 0..<batch {
            clsRow.withUnsafeMutableBufferPointer { out in
                Kernels.layerNorm(ws.h + b * t * d, out.baseAddress!, rows: 1, d: d, weight: normW.pointer, bias: normB.pointer, eps: c.layerNormEps)
            }
            var o = ViTOutputs(cls: clsRow, poolerOutput: nil, logits: nil)
            if let pw = poolerW, let pb = poolerB {
                var y = dense(clsRow, pw, pb, out: d)
                for i in 0..<y.count { y[i] = tanhf(y[i]) }
                o.poolerOutput = y
            }
            if let hw = headW, let hb = headB { o.logits = dense(clsRow, hw, hb, out: c.numLabels) }
            outputs.append(o)
        }
        return outputs
    }

    /// The mean over every token of the final layer-normed hidden states, per image; `h` must
    /// hold all `t` rows of each image (every block run over every token). Uses `x` as scratch;
    /// sums in double precision.
    func meanTokens(_ ws: Workspace, batch: Int, t: Int) -> [[Float]] {
        let c = config, d = c.hiddenSize
        Kernels.layerNorm(ws.h, ws.x, rows: batch * t, d: d, weight: normW.pointer, bias: normB.pointer, eps: c.layerNormEps)
        var means: [[Float]] = []
        means.reserveCapacity(batch)
        var sum = [Double](repeating: 0, count: d)
        for b in 0..<batch {
            for j in 0..<d { sum[j] = 0 }
            for r in 0..<t {
                let row = ws.x + (b * t + r) * d
                for j in 0..<d { sum[j] += Double(row[j]) }
            }
            means.append(sum.map { Float($0 / Double(t)) })
        }
        return means
    }

    /// `W x + b` for one vector, `W` stored `[out, in]`.
    func dense(_ x: [Float], _ w: FloatWeight, _ b: FloatWeight, out: Int) -> [Float] {
        var y = Array(b.buffer)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                BLAS.gemm(m: 1, n: out, k: x.count, a: xp.baseAddress!, lda: x.count, b: w.pointer, ldb: x.count,
                          transB: true, beta: 1, c: yp.baseAddress!, ldc: out)
            }
        }
        return y
    }
}
