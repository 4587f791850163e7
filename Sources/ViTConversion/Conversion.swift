import ViTModel
import Checkpoints
import Tensors

/// Converts a mapped checkpoint to any scheme, streaming tensor by tensor.
public enum Conversion {
    /// How to convert.
    public struct Options: Sendable {
        /// Convert floating-point tensors to this dtype (nil keeps each tensor's dtype).
        public var dtype: DType?
        /// Replace an existing destination.
        public var force: Bool
        /// Accept unused stored tensors (they are dropped).
        public var allowUnused: Bool
        /// Leave the pooler out (timm's `VisionTransformer` has none).
        public var dropPooler: Bool
        /// With target `jax`: write a big_vision scanned npz (blocks stacked along axis 0
        /// under `Transformer/encoderblock/`, big_vision's names) instead of Google's layout.
        public var scanned: Bool
        /// Called with (tensors written, tensors to write) after each tensor.
        public var progress: (@Sendable (Int, Int) -> Void)?

        /// Options; the defaults keep dtypes, refuse an existing destination and unused tensors.
        public init(dtype: DType? = nil, force: Bool = false, allowUnused: Bool = false, dropPooler: Bool = false,
                    scanned: Bool = false) {
            self.dtype = dtype
            self.force = force
            self.allowUnused = allowUnused
            self.dropPooler = dropPooler
            self.scanned = scanned
        }
    }

    /// What a conversion wrote.
    public struct Result: Sendable {
        /// The path written.
        public var destination: String
        /// Files written (inside `destination` for directory targets).
        public var files: [String]
        /// Tensors written.
        public var tensors: Int
        /// Bytes of tensor data written (headers excluded).
        public var bytes: Int
        /// Stored tensors left out because they are not part of the graph (with `allowUnused`).
        public var droppedUnused: [String]
        /// What happened to a TF file's q/k/v biases its config calls absent (nil otherwise).
        public var qkvBias: QKVBiasChoice?
        /// Graph parameters the target has no name for and that were left out (the DINOv2
        /// mask token, pre-training only, in timm).
        public var droppedParameters: [String] = []
        /// The class position moved into the class token (true: timm's `no_embed_class`) or
        /// out of it into a zero row (false: for transformers); nil when unchanged.
        public var foldedClassPosition: Bool?
    }

    /// Writes `source` to `destination` in `target`'s layout.
    ///
    /// `native`, `jax` and `timm` write one file; `hf` and `tf` write a directory with
    /// `config.json`. The destination is checked by `OutputGuard` (never the source, never
    /// a device or FIFO, an existing one only with `force`, a directory only if it holds
    /// nothing but files vitkit writes); everything is written to temporary names and
    /// moved into place at the end.
    public static func convert(_ source: ViTCheckpoint, to target: NamingScheme.ID, destination: String,
                               options: Options = Options()) throws -> Result {
        // `out/` and `out` are the same directory (as for mkdir); a file output keeps the slash
        // so that OutputGuard refuses it.
        let isDirectory = [.hf, .tf, .keras].contains(target)
        let destination = isDirectory ? FileSystem.trimmingTrailingSlashes(destination) : destination
        try source.requireComplete(allowUnused: options.allowUnused)
        let output: OutputGuard.Output = isDirectory ? .directory(replaceableEntry: HFOutput.isWrittenByVitkit) : .file
        try OutputGuard.check(destination, inputs: source.checkpoint.inputFiles, replace: options.force, output: output)
        if let d = options.dtype, ![.f32, .f16, .bf16].contains(d) {
            throw ViTError.conversionRefused(file: source.checkpoint.path, reason: .unsupportedDType(d))
        }
        if options.scanned, target != .jax {
            throw ViTError.conversionRefused(file: source.checkpoint.path, reason: .scannedOnlyForJax(target))
        }
        var config = source.config
        if options.dropPooler { config.hasPooler = false }
        let qkvBias = try QKVBiasChoice.choose(source, target: target)
        if qkvBias == .droppedZero { config.qkvBias = false }
        // The plan follows `config`; the written config.json follows the choice.
        var written = config
        if qkvBias == .keptZeroForTF { written.qkvBias = false }
        if config.hasPooler, target == .timm {
            throw ViTError.conversionRefused(file: source.checkpoint.path, reason: .poolerInTimm)
        }
        if target == .keras, let reason = KerasPresetOutput.refusal(config) {
            throw ViTError.conversionRefused(file: source.checkpoint.path, reason: .notRepresentable(target, reason))
        }
        if config.hasPooler, config.hasClassifier, target == .hf {
            throw ViTError.conversionRefused(file: source.checkpoint.path, reason: .poolerWithClassifier)
        }
        if let refusal = Self.graphRefusal(config, target: target) {
            throw ViTError.conversionRefused(file: source.checkpoint.path, reason: .notRepresentable(target, refusal))
        }
        config.classPosition = PositionFold.classPosition(config, in: target)
        written.classPosition = config.classPosition
        let plan = options.scanned
            ? ConversionPlan(scheme: .named(target), config: config, externalName: ScannedPlan.bigVisionName)
            : ConversionPlan(scheme: .named(target), config: config)
        // timm has no mask token (its own DINOv2 conversion drops it); anything else left out is refused.
        let planned = Set(plan.items.flatMap(\.canonical))
        let dropped = config.graphParameters.map(\.name).filter { !planned.contains($0) }
        guard dropped.allSatisfy({ $0 == CanonicalName.maskToken && target == .timm }) else {
            throw ViTError.conversionRefused(file: source.checkpoint.path,
                                             reason: .notRepresentable(target, "has \(dropped.joined(separator: ", ")), which \(target.rawValue) has no name for"))
        }
        let writer = TensorStreamer(source: source, plan: plan, dtype: options.dtype)
        writer.progress = options.progress
        var files: [String] = []
        switch target {
        case .native, .timm:
            let meta = target == .native ? try NativeFormat.metadata(config: written, source: source) : [("format", "pt")]
            try writer.writeSafeTensors(to: destination, metadata: meta)
            files = [destination]
        case .hf:
            files = try AtomicDirectory.write(destination, replaceableEntry: HFOutput.isWrittenByVitkit) { dir in
                try writer.writeSafeTensors(to: FileSystem.join(dir, "model.safetensors"), metadata: [("format", "pt")])
                try HFOutput.writeConfigs(dir: dir, source: source, config: written, dtype: writer.storedDType)
                return ["model.safetensors", "config.json"] + (source.preprocessorConfig == nil ? [] : ["preprocessor_config.json"])
            }
        case .jax:
            if options.scanned { try writer.writeScannedNPZ(to: destination) } else { try writer.writeNPZ(to: destination) }
            files = [destination]
        case .keras:
            try refuseBFloat16(source, options)
            files = try AtomicDirectory.write(destination, replaceableEntry: HFOutput.isWrittenByVitkit) { dir in try KerasPresetOutput.write(dir: dir, writer: writer, config: written) }
        case .tf:
            try refuseBFloat16(source, options)
            files = try AtomicDirectory.write(destination, replaceableEntry: HFOutput.isWrittenByVitkit) { dir in
                try writer.writeKeras(to: FileSystem.join(dir, "tf_model.h5"))
                try HFOutput.writeConfigs(dir: dir, source: source, config: written, dtype: writer.storedDType)
                return ["tf_model.h5", "config.json"] + (source.preprocessorConfig == nil ? [] : ["preprocessor_config.json"])
            }
        }
        return Result(destination: destination, files: files, tensors: options.scanned ? ScannedPlan(plan).entries.count : plan.items.count,
                      bytes: writer.bytesWritten, droppedUnused: source.report.unused, qkvBias: qkvBias, droppedParameters: dropped,
                      foldedClassPosition: writer.fold.map { $0 == .fold })
    }

    /// Why `target` cannot hold `config`'s graph options (completing "it ..."), or nil.
    static func graphRefusal(_ config: ViTConfig, target: NamingScheme.ID) -> String? {
        switch target {
        case .native: return nil
        case .hf: return config.huggingFaceRefusal
        case .timm:
            if config.classifierInput != .cls { return "has a classifier on cls + patch mean (timm's heads read the class token)" }
            if config.distillationToken, config.hasClassifier, !config.distillationHead {
                return "has a distillation token and one classifier (timm's VisionTransformerDistilled has a distillation head too)"
            }
            return nil
        case .tf, .jax, .keras:
            let options = [(config.distillationToken, "a distillation token"), (config.registerTokens > 0, "register tokens"),
                           (config.layerScale, "LayerScale"), (config.mlp == .swiGLU, "a SwiGLU MLP"),
                           (config.classifierInput != .cls, "a cls + patch mean classifier"), (!config.classPosition, "no class position")]
            let found = options.filter(\.0).map(\.1)
            return found.isEmpty ? nil : "has \(found.joined(separator: ", ")) (\(target.rawValue) holds plain ViTs only)"
        }
    }

    /// HDF5 has no bfloat16 type: refuses a bf16 output (asked for, or kept from the source).
    static func refuseBFloat16(_ source: ViTCheckpoint, _ options: Options) throws {
        let sourceHasBF16 = source.checkpoint.source.tensors.contains { $0.dtype == .bf16 }
        if options.dtype == .bf16 || (options.dtype == nil && sourceHasBF16) {
            throw ViTError.conversionRefused(file: source.checkpoint.path, reason: .bfloat16InHDF5)
        }
    }
}
