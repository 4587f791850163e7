import ViTModel
import Tensors

/// The ViT forward pass on CPU in float32 (DESIGN.md §1), matrix products through BLAS.
///
/// Weights are loaded once (f16/bf16 upcast; f32 mapped views used in place). Buffers are
/// allocated per call for the batch and reused across layers.
public final class ViTForward: Sendable {
    /// The configuration of the graph being run.
    public let config: ViTConfig
    let patchW, patchB, cls, positions, normW, normB: FloatWeight
    let blocks: [BlockWeights]
    let poolerW, poolerB, headW, headB: FloatWeight?

    /// Loads every graph parameter of a complete checkpoint.
    ///
    /// - Throws: `ViTError.mapping` when the checkpoint has missing or mismatched tensors
    ///   (unused tensors are allowed only with `allowUnused`).
    public init(_ checkpoint: ViTCheckpoint, allowUnused: Bool = false) throws {
        try checkpoint.requireComplete(allowUnused: allowUnused)
        config = checkpoint.config
        func w(_ name: String) throws -> FloatWeight { try FloatWeight(checkpoint.parameter(name)) }
        patchW = try w(CanonicalName.patchWeight)
        patchB = try w(CanonicalName.patchBias)
        cls = try w(CanonicalName.cls)
        positions = try w(CanonicalName.positions)
        normW = try w(CanonicalName.finalNormWeight)
        normB = try w(CanonicalName.finalNormBias)
        var blocks: [BlockWeights] = []
        for i in 0..<config.numHiddenLayers {
            func b(_ s: String) throws -> FloatWeight { try w(CanonicalName.block(i, s)) }
            let bias = config.qkvBias
            blocks.append(BlockWeights(
                ln1w: try b("ln1.weight"), ln1b: try b("ln1.bias"), qw: try b("q.weight"), kw: try b("k.weight"),
                vw: try b("v.weight"), ow: try b("o.weight"), ob: try b("o.bias"), ln2w: try b("ln2.weight"),
                ln2b: try b("ln2.bias"), fc1w: try b("fc1.weight"), fc1b: try b("fc1.bias"), fc2w: try b("fc2.weight"),
                fc2b: try b("fc2.bias"), qb: bias ? try b("q.bias") : nil, kb: bias ? try b("k.bias") : nil,
                vb: bias ? try b("v.bias") : nil))
        }
        self.blocks = blocks
        poolerW = config.hasPooler ? try w(CanonicalName.poolerWeight) : nil
        poolerB = config.hasPooler ? try w(CanonicalName.poolerBias) : nil
        headW = config.hasClassifier ? try w(CanonicalName.classifierWeight) : nil
        headB = config.hasClassifier ? try w(CanonicalName.classifierBias) : nil
    }

    /// Runs a batch of images.
    ///
    /// - Parameter pixels: `batch` images, each `[channels, size, size]` row-major float32,
    ///   concatenated. `size` must be a multiple of the patch size; other sizes than
    ///   `config.imageSize` interpolate the position embeddings.
    ///
    /// - Throws: `ViTError.invalidImageSize` for a size the model cannot run at; `.input` when
    ///   `batch` is not positive or `pixels` does not hold `batch` images of that size.
    public func run(pixels: [Float], batch: Int, size: Int) throws(ViTError) -> [ViTOutputs] {
        try run(pixels: pixels, batch: batch, size: size, clsOnlyLastBlock: true)
    }

    /// `run`, choosing whether the last block computes every token (`false`, as PyTorch does)
    /// or only what the class token's outputs need (`true`: its query, attention output and
    /// MLP; keys and values still of every token). The outputs are the same up to rounding.
    package func run(pixels: [Float], batch: Int, size: Int, clsOnlyLastBlock: Bool) throws(ViTError) -> [ViTOutputs] {
        let (ws, t) = try encode(pixels: pixels, batch: batch, size: size, clsOnlyLastBlock: clsOnlyLastBlock)
        return heads(ws, batch: batch, t: t)
    }

    /// `run` with every token through the last block, also returning each image's mean token:
    /// the mean over all `N+1` rows of the final layer-normed `last_hidden_state`
    /// (transformers' `last_hidden_state[i].mean(0)`), `[hidden_size]` per image.
    package func runWithMeanTokens(pixels: [Float], batch: Int, size: Int) throws(ViTError) -> (outputs: [ViTOutputs], meanTokens: [[Float]]) {
        let (ws, t) = try encode(pixels: pixels, batch: batch, size: size, clsOnlyLastBlock: false)
        let means = meanTokens(ws, batch: batch, t: t)
        return (heads(ws, batch: batch, t: t), means)
    }

    /// Embeddings and every block: the residual stream of all tokens (or, after a class-token
    /// last block, of the class rows only) in the returned workspace's `h`; `t` tokens per image.
    /// The caller releases the workspace (`heads` does).
    func encode(pixels: [Float], batch: Int, size: Int, clsOnlyLastBlock: Bool) throws(ViTError) -> (Workspace, t: Int) {
        let c = config
        guard size > 0, size % c.patchSize == 0, size / c.patchSize <= Self.maxGrid else {
            throw .invalidImageSize(size: size, patchSize: c.patchSize, maximum: Self.maxGrid * c.patchSize)
        }
        guard batch > 0 else { throw .input("a batch needs at least one image") }
        guard pixels.count == batch * c.numChannels * size * size else {
            throw .input("pixel buffer has \(pixels.count) values, expected \(batch)x\(c.numChannels)x\(size)x\(size)")
        }
        let pos = positionTable(size: size)
        let grid = size / c.patchSize, n = grid * grid, t = n + 1, d = c.hiddenSize
        var ws = Workspace(rows: batch * t, d: d, m: c.intermediateSize, t: t,
                           patchValues: n * c.numChannels * c.patchSize * c.patchSize)
        pixels.withUnsafeBufferPointer { px in
            pos.withUnsafeBufferPointer { pos in
                for b in 0..<batch {
                    embed(px.baseAddress! + b * c.numChannels * size * size, size: size, positions: pos.baseAddress!,
                          into: ws.h + b * t * d, patches: ws.big)
                }
            }
        }
        for (i, block) in blocks.enumerated() {
            if clsOnlyLastBlock, i == blocks.count - 1 {
                runBlockForClassToken(block, &ws, batch: batch, t: t)
            } else {
                runBlock(block, &ws, batch: batch, t: t)
            }
        }
        return (ws, t)
    }

    /// Largest patch grid side `run` accepts: 128x128 patches (2048 px at patch 16) keeps the
    /// attention scores of one head under 1 GB.
    public static let maxGrid = 128

    /// Position embeddings for `size`, interpolated when it differs from the stored grid.
    func positionTable(size: Int) -> [Float] {
        let grid = size / config.patchSize, stored = (positions.count / config.hiddenSize) - 1
        let storedGrid = Int(Double(stored).squareRoot().rounded())
        if grid * grid == stored { return Array(positions.buffer) }
        return PositionInterpolation.interpolate(positions.buffer, grid: storedGrid, newGrid: grid, d: config.hiddenSize)
    }
}
