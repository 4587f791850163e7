import ViTModel
import Tensors

/// The ViT forward pass on CPU (DESIGN.md §1): matrix products through oneDNN (or BLIS),
/// float32 or, on request, bfloat16 linear layers.
///
/// Weights are loaded once: the linear layers' packed (and converted) for the kernels, the
/// rest used as float32 (f32 mapped views in place). Scratch buffers are sized for the batch,
/// reused across layers, and kept for the next pass of the same batch size.
public final class ViTForward: Sendable {
    /// The configuration of the graph being run.
    public let config: ViTConfig
    let patch: DenseLayer
    let cls, positions, normW, normB: FloatWeight
    /// DeiT's distillation token and DINOv2's registers, when the graph has them.
    let distillation, registers: FloatWeight?
    let blocks: [BlockWeights]
    let poolerW, poolerB, headW, headB: FloatWeight?
    /// DeiT's distillation classifier (logits are the mean of both heads).
    let distHeadW, distHeadB: FloatWeight?
    /// The matrix library in use.
    package let backend: MatrixBackend
    /// The arithmetic of the linear layers: `bf16` when asked for and the CPU has bf16 kernels.
    public let compute: ComputePrecision
    /// The kernels in use, e.g. `onednn brg:avx512_core (f32)`, `blis-skx`, or a note that
    /// bf16 was asked for on a CPU without bf16 kernels.
    public let backendDescription: String
    /// Scratch buffers kept from one pass to the next.
    let workspaces = WorkspacePool()

    /// Loads every graph parameter of a complete checkpoint, converting and packing the
    /// linear layers' weights once for the matrix kernels.
    ///
    /// - Parameter compute: `bf16` runs the linear layers with bfloat16 inputs and weights
    ///   (float32 accumulation) where the CPU has AMX or AVX512-BF16; float32 otherwise.
    /// - Throws: `ViTError.mapping` when the checkpoint has missing or mismatched tensors
    ///   (unused tensors are allowed only with `allowUnused`); `.computeBackend` when oneDNN
    ///   refuses the weights' shapes.
    public convenience init(_ checkpoint: ViTCheckpoint, allowUnused: Bool = false, compute: ComputePrecision = .f32) throws {
        try self.init(checkpoint, allowUnused: allowUnused, compute: compute, backend: .onednn)
    }

    /// Whether this CPU has bf16 matrix kernels (AMX or AVX512-BF16) for `compute: .bf16`.
    public static var hasBF16Kernels: Bool { DNNL.hasBF16Kernels }

    /// `init`, with the matrix library chosen (BLIS runs float32 only).
    package init(_ checkpoint: ViTCheckpoint, allowUnused: Bool = false, compute asked: ComputePrecision,
                 backend: MatrixBackend) throws {
        try checkpoint.requireComplete(allowUnused: allowUnused)
        config = checkpoint.config
        self.backend = backend
        let bf16 = asked == .bf16 && backend == .onednn && DNNL.hasBF16Kernels
        compute = bf16 ? .bf16 : .f32
        let element: TensorLayout.Element = bf16 ? .bf16 : .f32
        let grid = config.imageSize / config.patchSize, tokens = grid * grid + config.prefixTokens
        func w(_ name: String) throws -> FloatWeight { try FloatWeight(checkpoint.parameter(name)) }
        // Every linear layer, the patch embedding included, runs in the pass's element type.
        func dense(_ weight: String, _ bias: String?, rows: Int = tokens) throws -> DenseLayer {
            try DenseLayer(weight: checkpoint.parameter(weight), bias: bias.map { try checkpoint.parameter($0) },
                           backend: backend, element: element, referenceRows: rows)
        }
        patch = try dense(CanonicalName.patchWeight, CanonicalName.patchBias, rows: grid * grid)
        cls = try w(CanonicalName.cls)
        distillation = config.distillationToken ? try w(CanonicalName.distillationToken) : nil
        registers = config.registerTokens > 0 ? try w(CanonicalName.registers) : nil
        positions = try w(CanonicalName.positions)
        normW = try w(CanonicalName.finalNormWeight)
        normB = try w(CanonicalName.finalNormBias)
        var blocks: [BlockWeights] = []
        for i in 0..<config.numHiddenLayers {
            func n(_ s: String) -> String { CanonicalName.block(i, s) }
            let qkvBias = config.qkvBias
            let layerScale = checkpoint.config.layerScale
            func scale(_ s: String) throws -> FloatWeight? { layerScale ? try w(n(s)) : nil }
            blocks.append(BlockWeights(
                ln1w: try w(n("ln1.weight")), ln1b: try w(n("ln1.bias")), ln2w: try w(n("ln2.weight")),
                ln2b: try w(n("ln2.bias")),
                q: try dense(n("q.weight"), qkvBias ? n("q.bias") : nil), k: try dense(n("k.weight"), qkvBias ? n("k.bias") : nil),
                v: try dense(n("v.weight"), qkvBias ? n("v.bias") : nil), o: try dense(n("o.weight"), n("o.bias")),
                fc1: try dense(n("fc1.weight"), n("fc1.bias")), fc2: try dense(n("fc2.weight"), n("fc2.bias")),
                ls1: try scale("ls1"), ls2: try scale("ls2")))
        }
        self.blocks = blocks
        poolerW = config.hasPooler ? try w(CanonicalName.poolerWeight) : nil
        poolerB = config.hasPooler ? try w(CanonicalName.poolerBias) : nil
        headW = config.hasClassifier ? try w(CanonicalName.classifierWeight) : nil
        headB = config.hasClassifier ? try w(CanonicalName.classifierBias) : nil
        distHeadW = config.distillationHead ? try w(CanonicalName.distillationClassifierWeight) : nil
        distHeadB = config.distillationHead ? try w(CanonicalName.distillationClassifierBias) : nil
        switch backend {
        case .blis:
            backendDescription = "blis-\(CPUFeatures.blisKernels)" + (asked == .bf16 ? " (bf16 needs oneDNN: ran f32)" : "")
        case .onednn:
            let layer = blocks.first?.fc1 ?? patch
            let probe = MatMulShape(src: .matrix(tokens, layer.inputs, stride: layer.inputs, layer.inputElement),
                                    weights: .packed(layer.packed!.layout), dst: .matrix(tokens, layer.outputs, stride: layer.outputs))
            let kernel = try MatMulPrimitive.get(probe).implementation
            let note = asked == .bf16 && !bf16 ? ", no AMX or AVX512-BF16 on this CPU: bf16 ran as f32" : ""
            backendDescription = "onednn \(kernel) (\(compute.rawValue)\(note))"
        }
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
        defer { workspaces.recycle(ws) }
        return heads(ws, batch: batch, t: t)
    }

    /// `run` with every token through the last block, also returning each image's mean token:
    /// the mean over the rows of the final layer-normed `last_hidden_state` (transformers'
    /// `last_hidden_state[i].mean(0)`) without the register rows, `[hidden_size]` per image;
    /// with `patchesOnly`, the mean of the patch rows (`last_hidden_state[i, prefix:].mean(0)`).
    package func runWithMeanTokens(pixels: [Float], batch: Int, size: Int,
                                   patchesOnly: Bool = false) throws(ViTError) -> (outputs: [ViTOutputs], meanTokens: [[Float]]) {
        let (ws, t) = try encode(pixels: pixels, batch: batch, size: size, clsOnlyLastBlock: false)
        defer { workspaces.recycle(ws) }
        let means = meanTokens(ws, batch: batch, t: t, patchesOnly: patchesOnly)
        return (heads(ws, batch: batch, t: t), means)
    }

    /// Embeddings and every block: the residual stream of all tokens (or, after a class-token
    /// last block, of the class rows only) in the returned workspace's `h`; `t` tokens per image.
    /// The caller hands the returned workspace back to `workspaces`; on an error it is handed back here.
    /// `probabilities`: see `Workspace.probabilities` (one image, every token through every block).
    func encode(pixels: [Float], batch: Int, size: Int, clsOnlyLastBlock: Bool,
                probabilities: UnsafeMutablePointer<Float>? = nil) throws(ViTError) -> (Workspace, t: Int) {
        let c = config
        guard size > 0, size % c.patchSize == 0, size / c.patchSize <= Self.maxGrid else {
            throw .invalidImageSize(size: size, patchSize: c.patchSize, maximum: Self.maxGrid * c.patchSize)
        }
        guard batch > 0 else { throw .input("a batch needs at least one image") }
        guard pixels.count == batch * c.numChannels * size * size else {
            throw .input("pixel buffer has \(pixels.count) values, expected \(batch)x\(c.numChannels)x\(size)x\(size)")
        }
        let pos = positionTable(size: size)
        let grid = size / c.patchSize, n = grid * grid, t = n + c.prefixTokens, d = c.hiddenSize
        if backend == .onednn { DNNL.useComputeThreads() }
        let shape = Workspace.Shape(rows: batch * t, d: d, m: c.fc1Outputs, scores: scoresCapacity(batch: batch, t: t),
                                    patchValues: n * c.numChannels * c.patchSize * c.patchSize, bf16: compute == .bf16)
        var ws = try workspaces.take(shape, oneDNN: backend == .onednn)
        ws.probabilities = probabilities
        var returned = false
        defer { if !returned { workspaces.recycle(ws) } }
        try pixels.withUnsafeBufferPointer { (px) throws(ViTError) in
            try pos.withUnsafeBufferPointer { (pos) throws(ViTError) in
                for b in 0..<batch {
                    try embed(px.baseAddress! + b * c.numChannels * size * size, size: size, positions: pos.baseAddress!,
                              into: ws.h + b * t * d, ws)
                }
            }
        }
        // The distillation head and the patch mean read other rows than the class token's.
        let clsOnly = clsOnlyLastBlock && !c.distillationHead && c.classifierInput == .cls
        for (i, block) in blocks.enumerated() {
            ws.layer = i
            if clsOnly, i == blocks.count - 1 {
                try runBlockForClassToken(block, &ws, batch: batch, t: t)
            } else {
                try runBlock(block, &ws, batch: batch, t: t)
            }
        }
        returned = true
        return (ws, t)
    }

    /// Largest patch grid side `run` accepts: 128x128 patches (2048 px at patch 16) keeps the
    /// attention scores of one head under 1 GB.
    public static let maxGrid = 128

    /// Position embeddings for `size`, interpolated when it differs from the stored grid (the
    /// class and distillation rows are kept).
    func positionTable(size: Int) -> [Float] {
        let prefix = config.positionedPrefix
        let grid = size / config.patchSize, stored = (positions.count / config.hiddenSize) - prefix
        let storedGrid = Int(Double(stored).squareRoot().rounded())
        if grid * grid == stored { return Array(positions.buffer) }
        return PositionInterpolation.interpolate(positions.buffer, prefix: prefix, grid: storedGrid, newGrid: grid, d: config.hiddenSize,
                                                 antialias: config.positionInterpolation == .bicubicAntialias)
    }
}
