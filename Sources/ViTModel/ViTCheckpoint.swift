import Checkpoints
import Tensors

/// A checkpoint mapped onto the ViT graph: its scheme, its config and where each graph
/// parameter comes from. Reading a parameter applies the scheme's layout transform.
public final class ViTCheckpoint: Sendable {
    /// How to open a checkpoint as a ViT.
    public struct Options: Sendable {
        /// Force a naming scheme instead of detecting it.
        public var scheme: NamingScheme.ID?
        /// The head count when neither config nor tensors give it.
        public var heads: Int?
        /// How the container is opened (config path, `--format`, bf16 from `<V2`, inflation bound).
        public var checkpoint: Checkpoint.Options
        /// The largest graph (parameters, labels) the checkpoint may ask for.
        public var limits: ViTLimits

        /// Options; every default reads the checkpoint as found.
        public init(scheme: NamingScheme.ID? = nil, heads: Int? = nil, checkpoint: Checkpoint.Options = .init(),
                    limits: ViTLimits = .init()) {
            self.scheme = scheme
            self.heads = heads
            self.checkpoint = checkpoint
            self.limits = limits
        }
    }

    package struct Source: Sendable {
        package var stored: String
        package var layout: Layout
        /// Position of this parameter among the rule's canonical names.
        package var part: Int
        package var parts: Int
    }

    /// The opened container and its configs.
    public let checkpoint: Checkpoint
    /// The naming scheme the tensors were read in (detected or given).
    public let scheme: NamingScheme
    /// The graph's configuration (from config.json, vitkit metadata or the tensor shapes).
    public let config: ViTConfig
    /// How every stored tensor mapped onto the graph.
    public let report: MappingReport
    /// Where the config came from (the config file's path, `vitkit metadata`, `inferred from tensor shapes`).
    public let configOrigin: String
    /// The `config.json` keys the graph needs that no config gave (none was found, or it
    /// lacks them), so their values come from the tensor shapes, a JAX kernel's head axis or
    /// the scheme's defaults (`layer_norm_eps`, `hidden_act`); `id2label` here means the labels
    /// are `LABEL_n`. Empty when a config (or vitkit metadata) gave everything, or `--heads`
    /// the head count.
    public let inferredConfigKeys: [String]
    /// The config says `qkv_bias: false` but the file is a transformers-TF `tf_model.h5`
    /// holding q/k/v biases for every block: `TFViTSelfAttention` builds them whatever the
    /// config says, so they are part of what the TF model computes and `config.qkvBias` is
    /// true. Conversion drops them again only when they are exactly zero.
    public let qkvBiasFromTFWeights: Bool
    package let sources: [String: Source]
    /// The tensors the graph is read from: `checkpoint.source`, or for a big_vision scanned
    /// checkpoint its per-block view (`ScannedBlocks`: slices of the stacks, no copies), and
    /// for a big_vision `[1, N, D]` position embedding its `[1, N+1, D]` view (`BigVisionPositions`).
    package let tensors: any TensorSource
    /// For a big_vision checkpoint saved with `scan=True`, the number of blocks stacked along
    /// axis 0 of every `Transformer/encoderblock/...` tensor; nil when blocks are stored one
    /// by one. The mapping report names a block's tensors `Transformer/encoderblock_<i>/...`
    /// (views of slice `i` of the stacked tensor).
    public let scannedDepth: Int?
    /// The preprocessor config a native file carries in its metadata, when it has no
    /// `preprocessor_config.json` beside it (parsed at open: invalid JSON is an error).
    let nativePreprocessorConfig: JSON?

    /// Opens `path` and maps it. Problems are recorded in `report`; call `requireComplete`
    /// before using the weights.
    ///
    /// - Throws: `CheckpointError` when the container cannot be opened; `ViTError` as `init(checkpoint:options:)`.
    public convenience init(path: String, options: Options = Options()) throws {
        let checkpoint = try Checkpoint.open(path, options: options.checkpoint)
        try self.init(checkpoint: checkpoint, options: options)
    }

    /// Maps an opened checkpoint onto the graph. Problems are recorded in `report`; call
    /// `requireComplete` before using the weights.
    ///
    /// - Throws: `ViTError.unknownScheme` when no scheme recognises the tensors,
    ///   `.invalidConfig` for a config the graph cannot use, `.limitExceeded` past `options.limits`.
    public init(checkpoint: Checkpoint, options: Options = Options()) throws(ViTError) {
        self.checkpoint = checkpoint
        let unstack = options.scheme == nil || options.scheme == .jax
        let scanned: any TensorSource
        do { scanned = unstack ? try ScannedBlocks.unstacking(checkpoint.source) : checkpoint.source } catch {
            throw .input(error.description)
        }
        let tensors = unstack ? BigVisionPositions.adapting(scanned) : scanned
        self.tensors = tensors
        self.scannedDepth = (scanned as? ScannedBlocks)?.depth
        let stored = tensors.tensors
        let scheme: NamingScheme
        if let forced = options.scheme { scheme = .named(forced) } else { scheme = try SchemeDetection.detect(checkpoint, names: stored.map(\.name)) }
        self.scheme = scheme
        let matcher = SchemeMatcher(scheme)

        var matches: [(TensorInfo, SchemeMatcher.Match)] = []
        var unmatched: [String] = []
        var shapes: [String: [Int]] = [:]
        var layers = 0
        var jaxHeads: Int?
        for info in stored {
            guard let m = matcher.match(info.name) else {
                unmatched.append(info.name)
                continue
            }
            matches.append((info, m))
            // A tensor of the wrong rank is still this parameter: it is reported as mismatched
            // below, but says nothing about the config.
            let cs = m.rule.layout.canonicalShapes(external: info.shape, parts: m.canonical.count) ?? []
            for (name, s) in zip(m.canonical, cs) where shapes[name] == nil { shapes[name] = s }
            if m.index >= 0 { layers = max(layers, m.index + 1) }
            if m.rule.layout == .jaxHeadsIn, info.shape.count == 3 { jaxHeads = info.shape[1] }
        }

        // Shapes alone can ask for millions of labels (ConfigInference names each one).
        if let rows = shapes[CanonicalName.classifierWeight]?.first {
            try options.limits.check(labels: rows, file: checkpoint.path, origin: "the classifier's shape")
        }
        var config = ConfigInference.infer(shapes: shapes, layers: layers, heads: options.heads ?? jaxHeads,
                                           eps: scheme.defaultLayerNormEps)
        var origin = "inferred from tensor shapes"
        var inferredKeys = ConfigInference.neededKeys(classifier: config.hasClassifier)
        if let v = checkpoint.source.metadata.first(where: { $0.key == NativeFormat.formatKey })?.value, !NativeFormat.readable.contains(v) {
            throw .invalidConfig("\(checkpoint.path): native format version \(v) is not supported (this vitkit reads \(NativeFormat.readable.joined(separator: " and ")))")
        }
        if let meta = checkpoint.source.metadata.first(where: { $0.key == NativeFormat.configKey }) {
            let json = try NativeFormat.parseMetadataJSON(meta.value, key: meta.key, file: checkpoint.path)
            origin = "vitkit metadata"
            do { config = try ViTConfig(vitkit: json) } catch { throw Self.naming("\(checkpoint.path) (config \(origin))", error) }
            inferredKeys = []
        } else if var json = checkpoint.config {
            let inferred = config
            origin = checkpoint.configPath ?? "config.json"
            do {
                if KerasHubConfig.isKerasHub(json) { json = try KerasHubConfig.huggingFaceJSON(json, file: origin) }
                config = try ViTConfig(huggingFace: json, defaults: inferred)
            } catch {
                throw Self.naming(origin, error)
            }
            inferredKeys.removeAll { json[$0] != nil && json[$0] != .null }
            // DINOv2 configs give the MLP width as `mlp_ratio`.
            if json["mlp_ratio"] != nil { inferredKeys.removeAll { $0 == "intermediate_size" } }
            try ConfigInference.checkStructure(json, inferred: inferred, origin: origin)
            ConfigInference.takeStructure(from: inferred, into: &config)
            if config.labels.count != inferred.labels.count, inferred.hasClassifier, json["id2label"] == nil {
                config.labels = inferred.labels
            }
            if !inferred.hasClassifier { config.labels = [] }
            if json["num_attention_heads"] == nil, let h = options.heads ?? jaxHeads {
                config.numAttentionHeads = h
                config.headsAssumed = false
            }
        }
        let tfQKVBias = scheme.id == .tf && !config.qkvBias && Self.storesQKVBias(shapes, layers: config.numHiddenLayers)
        if tfQKVBias { config.qkvBias = true }
        if let h = options.heads {
            config.numAttentionHeads = h
            config.headsAssumed = false
            inferredKeys.removeAll { $0 == "num_attention_heads" }
        }
        do { try config.validate() } catch {
            throw Self.naming(checkpoint.config == nil ? "\(checkpoint.path) (config \(origin))" : origin, error)
        }
        try options.limits.check(config, file: checkpoint.path, origin: origin)
        self.config = config
        self.configOrigin = origin
        self.inferredConfigKeys = inferredKeys
        self.qkvBiasFromTFWeights = tfQKVBias

        if scheme.id == .jax { try MAPHead.refuse(unmatched, file: checkpoint.path) }
        if let task = (checkpoint.source as? KerasPreset)?.taskConfig {
            try KerasHubConfig.checkTask(task, file: FileSystem.join(FileSystem.directoryName(of: checkpoint.weightsPath), "task.json"),
                                         labels: config.numLabels)
        }
        var report = MappingReport(scheme: scheme.id)
        report.unused = unmatched
        var sources: [String: Source] = [:]
        let expected = Dictionary(config.graphParameters.map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
        for (info, m) in matches {
            guard m.canonical.allSatisfy({ expected[$0] != nil }), m.canonical.allSatisfy({ sources[$0] == nil }) else {
                report.unused.append(info.name)
                continue
            }
            let want = m.rule.layout.externalShape(canonical: m.canonical.map { expected[$0]! }, heads: config.numAttentionHeads)
            if want != info.shape {
                report.mismatched.append(.init(stored: info.name, canonical: m.canonical, expected: want, found: info.shape))
            }
            for (k, name) in m.canonical.enumerated() {
                sources[name] = Source(stored: info.name, layout: m.rule.layout, part: k, parts: m.canonical.count)
            }
            report.mapped.append(.init(stored: info.name, canonical: m.canonical, layout: m.rule.layout))
        }
        for p in config.graphParameters where sources[p.name] == nil {
            report.missing.append(.init(canonical: p.name, expectedName: scheme.externalName(forCanonical: p.name, config: config)))
        }
        self.report = report
        self.sources = sources
        if checkpoint.preprocessorConfig == nil,
           let meta = checkpoint.source.metadata.first(where: { $0.key == NativeFormat.preprocessorKey }) {
            nativePreprocessorConfig = try NativeFormat.parseMetadataJSON(meta.value, key: meta.key, file: checkpoint.path)
        } else {
            nativePreprocessorConfig = nil
        }
    }

    /// Whether every one of `layers` blocks stores q, k and v biases.
    static func storesQKVBias(_ shapes: [String: [Int]], layers: Int) -> Bool {
        layers > 0 && (0..<layers).allSatisfy { i in ["q.bias", "k.bias", "v.bias"].allSatisfy { shapes[CanonicalName.block(i, $0)] != nil } }
    }

    /// `error` with where the config came from in front of its message.
    static func naming(_ origin: String, _ error: ViTError) -> ViTError {
        guard case .invalidConfig(let message) = error else { return error }
        return .invalidConfig("\(origin): \(message)")
    }
}
