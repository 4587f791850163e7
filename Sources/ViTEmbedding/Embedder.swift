import Preprocessing
import Tensors
import ViTInference
import ViTModel

/// Image embeddings from a ViT checkpoint, computed in batches.
///
/// Memory holds one batch of pixels at a time: `embed(paths:batchSize:_:)` hands each
/// batch's rows to the caller (`EmbeddingWriter` streams them to a file) and keeps nothing.
public final class Embedder: Sendable {
    /// The pipeline (preprocessing and forward pass) that runs.
    public let pipeline: ViTPipeline
    /// The embedding computed: the one asked for, or `EmbeddingKind.defaultKind(for:)`.
    public let kind: EmbeddingKind
    /// Whether `kind` was chosen by default (none was asked for).
    public let kindIsDefault: Bool
    /// Whether rows are L2-normalized (a zero row stays zero).
    public let normalize: Bool

    /// Values per embedding: the hidden size (the pooler is `hidden -> hidden` too).
    public var dimension: Int { pipeline.checkpoint.config.hiddenSize }

    /// - Parameters:
    ///   - kind: the embedding; nil takes the pooler when the checkpoint has one, else `.cls`.
    ///   - normalize: divide each row by its L2 norm (a zero row stays zero, as
    ///     `torch.nn.functional.normalize` and scikit-learn's `normalize` leave it).
    /// - Throws: `EmbeddingError.noPooler` for `.pooler` on a checkpoint without one.
    public init(pipeline: ViTPipeline, kind: EmbeddingKind? = nil, normalize: Bool = false) throws(EmbeddingError) {
        let config = pipeline.checkpoint.config
        if kind == .pooler, !config.hasPooler { throw .noPooler(file: pipeline.checkpoint.checkpoint.path) }
        self.pipeline = pipeline
        self.kind = kind ?? EmbeddingKind.defaultKind(for: config)
        kindIsDefault = kind == nil
        self.normalize = normalize
    }

    /// Loads `checkpoint` into a pipeline (see `ViTPipeline.init`, which `processor` is
    /// passed to) and makes an embedder.
    ///
    /// - Throws: `EmbeddingError.noPooler` (checked before any weight is loaded); what
    ///   `ViTPipeline.init` throws.
    public convenience init(checkpoint: ViTCheckpoint, kind: EmbeddingKind? = nil, normalize: Bool = false,
                            imageSize: Int? = nil, allowUnused: Bool = false, compute: ComputePrecision = .f32,
                            processor: ImageProcessorKind? = nil) throws {
        if kind == .pooler, !checkpoint.config.hasPooler { throw EmbeddingError.noPooler(file: checkpoint.checkpoint.path) }
        try self.init(pipeline: ViTPipeline(checkpoint: checkpoint, imageSize: imageSize, allowUnused: allowUnused, compute: compute,
                                            processor: processor),
                      kind: kind, normalize: normalize)
    }

    /// One batch of embeddings.
    public struct Batch: Sendable {
        /// Index of the batch's first image in `paths`.
        public var start: Int
        /// The batch's image paths.
        public var paths: [String]
        /// One row of `dimension` values per image, in order.
        public var rows: [[Float]]
        /// Images (indices into `paths` of this batch) whose row was all zeros, so
        /// `normalize` left it zero.
        public var zeroRows: [Int]
    }

    /// Embeds `paths` in batches of `batchSize`, calling `body` with each batch in order.
    ///
    /// - Throws: `ImageError` naming the first image that cannot be read or decoded;
    ///   `ViTError.nonFiniteOutput` naming an image whose embedding holds NaN or infinity;
    ///   what `body` throws.
    public func embed(paths: [String], batchSize: Int = 8, _ body: (Batch) throws -> Void) throws {
        precondition(batchSize > 0, "batchSize must be positive")
        var start = 0
        while start < paths.count {
            let end = min(start + batchSize, paths.count)
            var pixels: [Float] = []
            for i in start..<end { pixels += try pipeline.pixels(path: paths[i]).floats() }
            let batchPaths = Array(paths[start..<end])
            var rows = try rows(pixels: pixels, count: end - start, paths: batchPaths)
            var zeroRows: [Int] = []
            if normalize {
                for i in rows.indices {
                    if !Self.l2Normalize(&rows[i]) { zeroRows.append(i) }
                }
            }
            try body(Batch(start: start, paths: batchPaths, rows: rows, zeroRows: zeroRows))
            start = end
        }
    }

    /// Every image's embedding, in order (`paths.count x dimension` values in memory).
    ///
    /// - Throws: as `embed(paths:batchSize:_:)`.
    public func embed(paths: [String], batchSize: Int = 8) throws -> [[Float]] {
        var all: [[Float]] = []
        all.reserveCapacity(paths.count)
        try embed(paths: paths, batchSize: batchSize) { all += $0.rows }
        return all
    }

    /// The rows of one batch of preprocessed images, checked finite.
    func rows(pixels: [Float], count: Int, paths: [String]) throws -> [[Float]] {
        let forward = pipeline.forward, size = pipeline.imageSize
        let rows: [[Float]]
        switch kind {
        case .pooler, .cls:
            let outputs = try forward.run(pixels: pixels, batch: count, size: size)
            rows = outputs.map { kind == .pooler ? $0.poolerOutput ?? [] : $0.cls }
        case .mean:
            rows = try forward.runWithMeanTokens(pixels: pixels, batch: count, size: size).meanTokens
        }
        if let k = rows.firstIndex(where: { !$0.allSatisfy(\.isFinite) }) {
            throw ViTError.nonFiniteOutput(file: pipeline.checkpoint.checkpoint.path, image: paths[k],
                                           outputs: [kind.outputName], weight: pipeline.checkpoint.firstNonFiniteParameter())
        }
        return rows
    }

    /// Divides `row` by its L2 norm (computed in double precision); false, leaving it
    /// unchanged, when the norm is zero.
    static func l2Normalize(_ row: inout [Float]) -> Bool {
        let norm = row.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        guard norm > 0 else { return false }
        for j in row.indices { row[j] = Float(Double(row[j]) / norm) }
        return true
    }
}

extension EmbeddingKind {
    /// The output's name in transformers' terms (`pooler_output`, `cls`, `mean_token`), as
    /// expectations files and error messages name it.
    var outputName: String {
        switch self {
        case .pooler: "pooler_output"
        case .cls: "cls"
        case .mean: "mean_token"
        }
    }
}
