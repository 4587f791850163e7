import ViTModel

/// Where one image's class token looks, layer by layer: the attention probabilities of every
/// block averaged over its heads (transformers' `output_attentions=True`, `.mean(heads)`).
public struct AttentionMaps: Sendable {
    /// Blocks.
    public let layers: Int
    /// Tokens per image: the class token (then DeiT's distillation token and DINOv2's
    /// registers: `prefixTokens` in all), then the patches row by row.
    public let tokens: Int
    /// Tokens before the patches (1 for a ViT).
    public let prefixTokens: Int
    /// Patches per side.
    public let grid: Int
    /// `layers x tokens x tokens`: row `i` of a layer holds token `i`'s attention over every token.
    public let probabilities: [Float]

    /// The class token's attention over the patches in block `layer`, `grid x grid` row-major
    /// (its attention to itself left out).
    public func classAttention(layer: Int) -> [Float] {
        precondition(layer >= 0 && layer < layers, "layer \(layer) of \(layers)")
        let start = layer * tokens * tokens + prefixTokens
        return Array(probabilities[start..<start + grid * grid])
    }

    /// The class token's row of the attention rollout (Abnar & Zuidema 2020, heads fused by
    /// their mean, as jacobgil/vit-explain computes it): with `A'_l = (A_l + I) / 2`, rows
    /// renormalised, `R = A'_L ... A'_1`; returns `R[0]` over every token (`tokens` values,
    /// summing to 1), computed in double precision from the last block down.
    public func rolloutRow() -> [Double] {
        let t = tokens
        var row = [Double](repeating: 0, count: t)
        row[0] = 1
        var next = [Double](repeating: 0, count: t)
        for l in stride(from: layers - 1, through: 0, by: -1) {
            for j in 0..<t { next[j] = 0 }
            probabilities.withUnsafeBufferPointer { p in
                let a = p.baseAddress! + l * t * t
                for i in 0..<t where row[i] != 0 {
                    let ai = a + i * t
                    var sum = 1.0
                    for j in 0..<t { sum += Double(ai[j]) }
                    let w = row[i] / sum
                    for j in 0..<t { next[j] += w * Double(ai[j]) }
                    next[i] += w
                }
            }
            swap(&row, &next)
        }
        return row
    }

    /// The class token's rollout over the patches, `grid x grid` row-major.
    public func rollout() -> [Float] {
        rolloutRow()[prefixTokens..<(prefixTokens + grid * grid)].map { Float($0) }
    }
}

extension ViTForward {
    /// At most this many attention probabilities (`layers x tokens²`, 256 MB of float32) are
    /// kept for one image: 12 blocks at 448 px / patch 16 use 13 MB.
    public static let maxAttentionValues = 1 << 26

    /// Runs one image `[channels, size, size]` through every block and keeps each block's
    /// head-mean attention probabilities.
    ///
    /// - Throws: `ViTError.invalidImageSize`, `.input` as `run`; `.input` when the maps at
    ///   this size would exceed `maxAttentionValues`.
    public func attentionMaps(pixels: [Float], size: Int) throws(ViTError) -> AttentionMaps {
        let c = config, grid = size / max(c.patchSize, 1), t = grid * grid + c.prefixTokens
        let (values, overflow) = c.numHiddenLayers.multipliedReportingOverflow(by: t * t)
        guard size % max(c.patchSize, 1) == 0, !overflow, values <= Self.maxAttentionValues else {
            if size % max(c.patchSize, 1) != 0 || grid > Self.maxGrid {
                throw .invalidImageSize(size: size, patchSize: c.patchSize, maximum: Self.maxGrid * c.patchSize)
            }
            throw .input("attention maps of \(t) tokens over \(c.numHiddenLayers) blocks need \(values / (1 << 18)) MB; "
                + "at most \(Self.maxAttentionValues / (1 << 18)) MB: use a smaller image size")
        }
        let probabilities = UnsafeMutablePointer<Float>.allocate(capacity: max(values, 1))
        probabilities.initialize(repeating: 0, count: max(values, 1))
        defer { probabilities.deallocate() }
        let (ws, _) = try encode(pixels: pixels, batch: 1, size: size, clsOnlyLastBlock: false, probabilities: probabilities)
        workspaces.recycle(ws)
        return AttentionMaps(layers: c.numHiddenLayers, tokens: t, prefixTokens: c.prefixTokens, grid: grid,
                             probabilities: Array(UnsafeBufferPointer(start: probabilities, count: values)))
    }
}

extension ViTPipeline {
    /// The attention maps of one image file, preprocessed as `run` does.
    ///
    /// - Throws: `ImageError` naming the file; `ViTError` as `ViTForward.attentionMaps`.
    public func attentionMaps(path: String) throws -> AttentionMaps {
        try forward.attentionMaps(pixels: pixels(path: path).floats(), size: imageSize)
    }
}
