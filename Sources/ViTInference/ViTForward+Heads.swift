import ViTModel
#if canImport(Glibc)
import Glibc
#endif

extension ViTForward {
    /// Final LayerNorm on the class rows, then pooler and classifier: on the class token, on
    /// the class token and the mean patch token (DINOv2's classifier), and with DeiT's
    /// distillation head the mean of both heads' logits, as transformers computes them.
    func heads(_ ws: Workspace, batch: Int, t: Int) -> [ViTOutputs] {
        let c = config, d = c.hiddenSize
        var outputs: [ViTOutputs] = []
        let patchMeans = c.classifierInput == .clsAndPatchMean ? meanTokens(ws, batch: batch, t: t, patchesOnly: true) : []
        for b in 0..<batch {
            let clsRow = finalNorm(ws.h + b * t * d)
            var o = ViTOutputs(cls: clsRow, poolerOutput: nil, logits: nil)
            if let pw = poolerW, let pb = poolerB {
                var y = dense(clsRow, pw, pb, out: d)
                for i in 0..<y.count { y[i] = tanhf(y[i]) }
                o.poolerOutput = y
            } else if c.family == .dinov2 || c.family == .dinov2WithRegisters {
                o.poolerOutput = clsRow  // Dinov2Model's pooler_output: the layer-normed class token
            }
            if let hw = headW, let hb = headB {
                var logits = dense(patchMeans.isEmpty ? clsRow : clsRow + patchMeans[b], hw, hb, out: c.numLabels)
                if let dw = distHeadW, let db = distHeadB {
                    let dist = dense(finalNorm(ws.h + (b * t + 1) * d), dw, db, out: c.numLabels)
                    for i in 0..<logits.count { logits[i] = (logits[i] + dist[i]) / 2 }
                }
                o.logits = logits
            }
            outputs.append(o)
        }
        return outputs
    }

    /// The final LayerNorm of one row.
    func finalNorm(_ row: UnsafePointer<Float>) -> [Float] {
        let d = config.hiddenSize
        var out = [Float](repeating: 0, count: d)
        out.withUnsafeMutableBufferPointer { o in
            Kernels.layerNorm(row, o.baseAddress!, rows: 1, d: d, weight: normW.pointer, bias: normB.pointer, eps: config.layerNormEps)
        }
        return out
    }

    /// The mean over the tokens of the final layer-normed hidden states, per image: every row
    /// but the registers, or (`patchesOnly`) the patch rows. `h` must hold all `t` rows of each
    /// image (every block run over every token). Uses `x` as scratch; sums in double precision.
    func meanTokens(_ ws: Workspace, batch: Int, t: Int, patchesOnly: Bool = false) -> [[Float]] {
        let c = config, d = c.hiddenSize, prefix = c.prefixTokens
        Kernels.layerNorm(ws.h, ws.x, rows: batch * t, d: d, weight: normW.pointer, bias: normB.pointer, eps: c.layerNormEps)
        let rows = patchesOnly ? Array(prefix..<t) : Array(0..<(prefix - c.registerTokens)) + Array(prefix..<t)
        var means: [[Float]] = []
        means.reserveCapacity(batch)
        var sum = [Double](repeating: 0, count: d)
        for b in 0..<batch {
            for j in 0..<d { sum[j] = 0 }
            for r in rows {
                let row = ws.x + (b * t + r) * d
                for j in 0..<d { sum[j] += Double(row[j]) }
            }
            means.append(sum.map { Float($0 / Double(rows.count)) })
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
