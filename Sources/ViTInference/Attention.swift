import ViTModel

extension ViTForward {
    /// Scores of at most this many floats are held at once (16 MB; one ViT-B/16 batch of 8).
    static let scoresBudget = 1 << 22

    /// Floats of the attention-scores scratch for `batch` images of `t` tokens.
    func scoresCapacity(batch: Int, t: Int) -> Int {
        max(t * t, min(batch * config.numAttentionHeads * t * t, Self.scoresBudget))
    }

    /// Multi-head attention, `ctx = softmax(q k^T / sqrt(head dim)) v` for every head, read
    /// in place from the projections' `[tokens, heads x head dim]` rows (no transposes).
    ///
    /// `k`, `v`: `batch x t` rows of width d. `q`, `ctx`: `batch x queries` rows (`queries` is
    /// `t`, or 1 when only the class token's output is wanted), all of `element` (bf16 on
    /// oneDNN only: the products take bfloat16 inputs with float32 accumulation, the scores and
    /// their softmax are float32, the probabilities are rounded to bfloat16 for the second
    /// product, as `torch.autocast` does with its float32 softmax). `scores` holds
    /// `scoresCapacity(batch:t:)` floats (and `scoresBF16` as many bfloat16 values for bf16).
    /// `probabilities` (one image, every query, float32): `t x t` floats to which the mean over
    /// heads of the attention probabilities is added.
    func attention(q: UnsafeRawPointer, k: UnsafeRawPointer, v: UnsafeRawPointer,
                   ctx: UnsafeMutableRawPointer, element: TensorLayout.Element = .f32, batch: Int, t: Int, queries tq: Int,
                   scores: UnsafeMutablePointer<Float>, scoresBF16: UnsafeMutablePointer<UInt16>? = nil,
                   stream: DNNLStream?, probabilities: UnsafeMutablePointer<Float>? = nil) throws(ViTError) {
        let c = config, d = c.hiddenSize, heads = c.numAttentionHeads, hd = c.headDim
        let scale = 1 / Float(hd).squareRoot()
        precondition(probabilities == nil || (batch == 1 && tq == t && element == .f32),
                     "attention probabilities of one image, every query, float32")
        func record(_ heads: Int) {
            guard let probabilities else { return }
            for hh in 0..<heads { Kernels.add(probabilities, scores + hh * t * t, count: t * t, scale: 1 / Float(c.numAttentionHeads)) }
        }
        guard let stream else {
            precondition(element == .f32, "BLIS runs float32 products only")
            let q = q.assumingMemoryBound(to: Float.self), k = k.assumingMemoryBound(to: Float.self)
            let v = v.assumingMemoryBound(to: Float.self), ctx = ctx.assumingMemoryBound(to: Float.self)
            for b in 0..<batch {
                for hh in 0..<heads {
                    let qo = b * tq * d + hh * hd, kvo = b * t * d + hh * hd
                    BLAS.gemm(m: tq, n: t, k: hd, alpha: scale, a: q + qo, lda: d, b: k + kvo, ldb: d, transB: true,
                              c: scores, ldc: t)
                    Kernels.softmaxRows(scores, rows: tq, d: t)
                    record(1)
                    BLAS.gemm(m: tq, n: hd, k: t, a: scores, lda: t, b: v + kvo, ldb: d, transB: false, c: ctx + qo, ldc: d)
                }
            }
            return
        }
        let probs = element == .bf16 ? scoresBF16.map { UnsafeMutableRawPointer($0) } : UnsafeMutableRawPointer(scores)
        guard let probs else { preconditionFailure("bf16 attention needs the bf16 scores buffer") }
        let bytes = element == .f32 ? 4 : 2
        // oneDNN: [images, heads, rows, cols] products over strided views, as many images (or,
        // for very large grids, heads of one image) per call as the scores budget holds.
        let capacity = scoresCapacity(batch: batch, t: t), perImage = heads * tq * t
        var b0 = 0
        while b0 < batch {
            let images = perImage <= capacity ? min(batch - b0, capacity / perImage) : 1
            let group = perImage <= capacity ? heads : max(1, capacity / (tq * t))
            var h0 = 0
            while h0 < heads {
                let g = min(group, heads - h0)
                let qo = (b0 * tq * d + h0 * hd) * bytes, kvo = (b0 * t * d + h0 * hd) * bytes
                let queryLayout = TensorLayout(dims: [images, g, tq, hd], strides: [tq * d, hd, d, 1], element: element)
                let scoresDims = [images, g, tq, t], scoresStrides = [g * tq * t, tq * t, t, 1]
                let keys = MatMulShape(
                    src: queryLayout,
                    weights: .strided(TensorLayout(dims: [images, g, hd, t], strides: [t * d, hd, 1, d], element: element)),
                    dst: TensorLayout(dims: scoresDims, strides: scoresStrides, element: .f32), scale: scale)
                try MatMulPrimitive.get(keys).execute(src: q + qo, weights: k + kvo, dst: scores, stream: stream)
                try SoftmaxPrimitive.get(dims: scoresDims, dst: element).execute(scores, into: probs, stream: stream)
                record(g)
                let values = MatMulShape(
                    src: TensorLayout(dims: scoresDims, strides: scoresStrides, element: element),
                    weights: .strided(TensorLayout(dims: [images, g, t, hd], strides: [t * d, hd, d, 1], element: element)),
                    dst: queryLayout)
                try MatMulPrimitive.get(values).execute(src: probs, weights: v + kvo, dst: ctx + qo, stream: stream)
                h0 += g
            }
            b0 += images
        }
    }
}
