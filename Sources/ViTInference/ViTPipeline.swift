import ViTModel
import Preprocessing
import Tensors

/// Images in, outputs out: `ViTImageProcessor`-exact preprocessing followed by the forward
/// pass. This is what `predict` and `verify` run.
public final class ViTPipeline: Sendable {
    /// The checkpoint whose weights run.
    public let checkpoint: ViTCheckpoint
    /// The forward pass (weights loaded as float32).
    public let forward: ViTForward
    /// The image preprocessing, `ViTImageProcessor`-exact, at `imageSize`.
    public let preprocessor: ImagePreprocessor
    /// The square input size in pixels.
    public let imageSize: Int

    /// - Parameters:
    ///   - imageSize: run at this resolution (position embeddings interpolated like
    ///     transformers' `interpolate_pos_encoding=True`); default: the model's (DINOv2's:
    ///     its processor's fixed output size, as transformers runs it; `defaultSize`).
    ///   - preprocessing: a processor config overriding the checkpoint's
    ///     `preprocessor_config.json` (an expectations file's `preprocessing`).
    ///   - compute: the linear layers' arithmetic (`ComputePrecision`); float32 by default.
    ///   - processor: the image processor implementation (`--processor`); nil: the one the
    ///     processor config's `image_processor_type` names, else `.pillow`.
    ///
    /// - Throws: `ViTError.mapping` when weights are missing or mismatched (or unused, unless
    ///   `allowUnused`); `.notSupportedYet` for a model of other than 3-channel images;
    ///   `.invalidImageSize`; `ImageError.invalidConfig` for a processor config vitkit cannot
    ///   follow, whose output size follows the image, or (without `imageSize`) that gives
    ///   another size than the model's (`defaultSize`).
    ///   - preprocessingSource: where `preprocessing` came from, named in its errors.
    public convenience init(checkpoint: ViTCheckpoint, imageSize: Int? = nil, preprocessing: JSON? = nil,
                            preprocessingSource: String? = nil, allowUnused: Bool = false, compute: ComputePrecision = .f32,
                            processor: ImageProcessorKind? = nil) throws {
        try self.init(checkpoint: checkpoint, imageSize: imageSize, preprocessing: preprocessing,
                      preprocessingSource: preprocessingSource, allowUnused: allowUnused, compute: compute, backend: .onednn,
                      processor: processor)
    }

    /// `init`, with the matrix library chosen.
    package init(checkpoint: ViTCheckpoint, imageSize: Int? = nil, preprocessing: JSON? = nil, preprocessingSource: String? = nil,
                 allowUnused: Bool = false, compute: ComputePrecision, backend: MatrixBackend,
                 processor: ImageProcessorKind? = nil) throws {
        self.checkpoint = checkpoint
        let channels = checkpoint.config.numChannels
        guard channels == 3 else {
            let feature = "a model of \(channels)-channel images "
                + "(vitkit preprocesses to RGB, 3 channels, as transformers' image processors do)"
            throw ViTError.notSupportedYet(file: checkpoint.checkpoint.path, feature: feature, tensors: [])
        }
        forward = try ViTForward(checkpoint, allowUnused: allowUnused, compute: compute, backend: backend)
        let source = preprocessing == nil ? checkpoint.preprocessorConfigOrigin : preprocessingSource
        var preprocessor = try ImagePreprocessor(preprocessorConfig: preprocessing ?? checkpoint.preprocessorConfig,
                                                 imageSize: imageSize ?? checkpoint.config.imageSize, processor: processor, source: source)
        let size = try imageSize ?? Self.defaultSize(checkpoint.config, preprocessor, source: source)
        let patch = checkpoint.config.patchSize
        guard size > 0, size % patch == 0, size / patch <= ViTForward.maxGrid else {
            throw ViTError.invalidImageSize(size: size, patchSize: patch, maximum: ViTForward.maxGrid * patch)
        }
        self.imageSize = size
        // The run size wins over the processor config's `size` or `crop_size` (that is what
        // --image-size asks).
        try preprocessor.setOutputSize(size, source: source)
        self.preprocessor = preprocessor
    }

    /// The size a model runs at when none is asked for: DINOv2's (with or without registers)
    /// the processor's fixed output size, as transformers' `Dinov2Embeddings` always
    /// interpolates the positions to the pixels it is given (the Hub's DINOv2 configs say 518,
    /// their processors crop 224); every other model its config's `image_size`, which its
    /// processor must then produce (transformers' ViT and DeiT classes refuse other pixels).
    ///
    /// - Throws: `ImageError.invalidConfig` when a DINOv2 processor's fixed output is not
    ///   square, or another model's processor resizes or crops to another size.
    static func defaultSize(_ config: ViTConfig, _ preprocessor: ImagePreprocessor, source: String?) throws(ImageError) -> Int {
        guard let fixed = preprocessor.fixedOutputSize else { return config.imageSize }
        guard config.family == .dinov2 || config.family == .dinov2WithRegisters else {
            guard fixed != (config.imageSize, config.imageSize) else { return config.imageSize }
            throw .invalidConfig(file: source, reason: "the processor's output is \(fixed.width) x \(fixed.height) pixels but the model "
                + "runs at \(config.imageSize) x \(config.imageSize) (config image_size), which transformers' "
                + "\(config.family == .deit ? "DeiT" : "ViT") classes refuse; ask for a run size to resize to it instead")
        }
        guard fixed.width == fixed.height else {
            throw .invalidConfig(file: source, reason: "the processor's output is \(fixed.width) x \(fixed.height) pixels; "
                + "vitkit runs DINOv2 on square images")
        }
        return fixed.width
    }

    /// The pixel tensor `[3, S, S]` for an image file.
    ///
    /// - Throws: `ImageError` naming the file when it cannot be read or decoded.
    public func pixels(path: String) throws -> Tensor {
        try preprocessor.pixelValues(path: path)
    }

    /// Outputs for each image file, in order, run in batches of `batchSize`;
    /// `progress(done, total)` after each batch.
    ///
    /// - Throws: `ImageError` naming a file that cannot be read or decoded; `ViTError` from
    ///   the forward pass.
    public func run(paths: [String], batchSize: Int = 8, progress: ((Int, Int) -> Void)? = nil) throws -> [ViTOutputs] {
        try run(count: paths.count, batchSize: batchSize, progress: progress) { try preprocessor.pixelValues(path: paths[$0]).floats() }
    }

    /// Throws unless every output for every image is finite.
    ///
    /// - Throws: `ViTError.nonFiniteOutput` naming the first such image, its non-finite outputs
    ///   and the first graph parameter holding NaN or infinity (if none does, the values
    ///   overflowed inside the model).
    public func requireFinite(_ outputs: [ViTOutputs], images: [String]) throws(ViTError) {
        guard let k = outputs.firstIndex(where: { !$0.nonFiniteOutputs.isEmpty }) else { return }
        throw .nonFiniteOutput(file: checkpoint.checkpoint.path, image: k < images.count ? images[k] : "image \(k)",
                               outputs: outputs[k].nonFiniteOutputs, weight: checkpoint.firstNonFiniteParameter())
    }

    /// Top-k classes with softmax scores (empty without a classifier).
    public func topK(_ out: ViTOutputs, k: Int) -> [(index: Int, label: String, score: Float)] {
        guard let logits = out.logits else { return [] }
        let probs = TopK.softmax(logits)
        let labels = checkpoint.config.labels
        return TopK.indices(logits, k: k).map { ($0, $0 < labels.count ? labels[$0] : "LABEL_\($0)", probs[$0]) }
    }

    /// One `predict --json` result entry.
    public func json(image: String, output o: ViTOutputs, topK k: Int) -> JSON {
        func arr(_ v: [Float]) -> JSON { .array(v.map { JSON.float($0) }) }
        var m: [(String, JSON)] = [("image", .string(image))]
        if let l = o.logits { m.append(("logits", arr(l))) }
        if let p = o.poolerOutput { m.append(("pooler_output", arr(p))) }
        m.append(("cls", arr(o.cls)))
        if o.logits != nil {
            m.append(("top_k", .array(topK(o, k: k).map {
                .object([("index", .int($0.index)), ("label", .string($0.label)), ("score", .float($0.score))])
            })))
        }
        return .object(m)
    }
}
