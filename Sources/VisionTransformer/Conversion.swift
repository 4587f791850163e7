import Checkpoints
import SafeTensors
import Tensors

/// Converts a mapped checkpoint to any scheme, streaming tensor by tensor.
public enum Conversion {
    public struct Options: Sendable {
        /// Convert floating-point tensors to this dtype (nil keeps each tensor's dtype).
        public var dtype: DType?
        /// Replace an existing destination.
        public var force: Bool
        /// Accept unused stored tensors (they are dropped).
        public var allowUnused: Bool

        public init(dtype: DType? = nil, force: Bool = false, allowUnused: Bool = false) {
            self.dtype = dtype
            self.force = force
            self.allowUnused = allowUnused
        }
    }

    /// What a conversion wrote.
    public struct Result: Sendable {
        public var destination: String
        /// Files written (inside `destination` for directory targets).
        public var files: [String]
        public var tensors: Int
        public var bytes: Int
        public var droppedUnused: [String]
    }

    /// Writes `source` to `destination` in `target`'s layout.
    ///
    /// `native`, `jax` and `timm` write one file; `hf` and `tf` write a directory with
    /// `config.json`. Refuses to write over the source, or over an existing destination
    /// unless `force`; everything is written to temporary names and renamed at the end.
    public static func convert(_ source: ViTCheckpoint, to target: NamingScheme.ID, destination: String,
                               options: Options = Options()) throws -> Result {
        try source.requireComplete(allowUnused: options.allowUnused)
        try DestinationGuard.check(destination: destination, source: source.checkpoint, force: options.force)
        if let d = options.dtype, !d.isFloatingPoint || d == .f64 && target == .native {
            throw ViTError.conversion("--dtype must be f32, f16 or bf16")
        }
        let plan = ConversionPlan(scheme: .named(target), config: source.config)
        let writer = TensorStreamer(source: source, plan: plan, dtype: options.dtype)
        var files: [String] = []
        switch target {
        case .native, .timm:
            let meta = target == .native ? try NativeFormat.metadata(config: source.config, source: source) : [("format", "pt")]
            try writer.writeSafeTensors(to: destination, metadata: meta)
            files = [destination]
        case .hf:
            files = try DirectoryOutput.write(destination, force: options.force) { dir in
                try writer.writeSafeTensors(to: FileSystem.join(dir, "model.safetensors"), metadata: [("format", "pt")])
                try HFOutput.writeConfigs(dir: dir, source: source)
                return ["model.safetensors", "config.json"] + (source.preprocessorConfig == nil ? [] : ["preprocessor_config.json"])
            }
        case .jax:
            try writer.writeNPZ(to: destination)
            files = [destination]
        case .tf:
            guard options.dtype != .bf16, !source.checkpoint.source.tensors.contains(where: { $0.dtype == .bf16 }) || options.dtype != nil else {
                throw ViTError.conversion("HDF5 has no bfloat16 type: convert to tf with --dtype f32 or f16")
            }
            files = try DirectoryOutput.write(destination, force: options.force) { dir in
                try writer.writeKeras(to: FileSystem.join(dir, "tf_model.h5"))
                try HFOutput.writeConfigs(dir: dir, source: source)
                return ["tf_model.h5", "config.json"] + (source.preprocessorConfig == nil ? [] : ["preprocessor_config.json"])
            }
        }
        return Result(destination: destination, files: files, tensors: plan.items.count, bytes: writer.bytesWritten,
                      droppedUnused: source.report.unused)
    }
}
