import Tensors

/// Infers a `ViTConfig` from the canonical shapes a checkpoint provides.
enum ConfigInference {
    /// Copies what only the stored tensors say (which tokens, heads and block options exist)
    /// from `inferred` into a config read from a file.
    static func takeStructure(from inferred: ViTConfig, into config: inout ViTConfig) {
        config.hasPooler = inferred.hasPooler
        config.distillationToken = inferred.distillationToken
        config.distillationHead = inferred.distillationHead
        config.registerTokens = inferred.registerTokens
        config.maskToken = inferred.maskToken
        config.layerScale = inferred.layerScale
        config.mlp = inferred.mlp
        config.classPosition = inferred.classPosition
        config.classifierInput = inferred.classifierInput
    }

    /// Throws when `json` states a structure the stored tensors (`inferred`) contradict:
    /// `num_register_tokens` of a `dinov2_with_registers` config. transformers would refuse
    /// the weights (or leave missing registers random); vitkit would run the stored ones.
    ///
    /// - Throws: `ViTError.invalidConfig` naming `origin`, both counts.
    static func checkStructure(_ json: JSON, inferred: ViTConfig, origin: String) throws(ViTError) {
        guard json["model_type"]?.stringValue == "dinov2_with_registers",
              let stated = json["num_register_tokens"]?.intValue, stated != inferred.registerTokens else { return }
        throw .invalidConfig("\(origin): num_register_tokens is \(stated) but the weights hold \(inferred.registerTokens) register tokens")
    }

    /// The `config.json` keys the graph is built from (`id2label` only with a classifier).
    static func neededKeys(classifier: Bool) -> [String] {
        ["hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "image_size", "patch_size",
         "num_channels", "qkv_bias", "layer_norm_eps", "hidden_act"] + (classifier ? ["id2label"] : [])
    }

    /// - Parameters:
    ///   - shapes: canonical name -> canonical shape, for every matched tensor.
    ///   - heads: the head count when known (config, flag or a JAX kernel).
    static func infer(shapes: [String: [Int]], layers: Int, heads: Int?, eps: Double) -> ViTConfig {
        var c = ViTConfig()
        c.layerNormEps = eps
        if let s = shapes[CanonicalName.cls], let d = s.last { c.hiddenSize = d }
        else if let s = shapes[CanonicalName.patchWeight], s.count == 4 { c.hiddenSize = s[0] }
        if let s = shapes[CanonicalName.patchWeight], s.count == 4 {
            c.numChannels = s[1]
            c.patchSize = s[2]
        }
        c.distillationToken = shapes[CanonicalName.distillationToken] != nil
        if let s = shapes[CanonicalName.registers], s.count == 3 { c.registerTokens = s[1] }
        c.maskToken = shapes[CanonicalName.maskToken] != nil
        c.layerScale = shapes[CanonicalName.block(0, "ls1")] != nil
        // Registers come with DINOv2-with-registers' antialiased interpolation (transformers).
        if c.registerTokens > 0 { c.positionInterpolation = .bicubicAntialias }
        if let s = shapes[CanonicalName.positions], s.count >= 2 {
            // g*g rows: no class position (timm `no_embed_class`); else g*g plus the class (and
            // distillation) rows. g*g + 1 and g*g + 2 are never squares (g > 0).
            let rows = s[s.count - 2]
            func square(_ n: Int) -> Int? {
                let g = Int(Double(max(n, 0)).squareRoot().rounded())
                let (gg, overflow) = g.multipliedReportingOverflow(by: g)
                return g > 0 && !overflow && gg == n ? g : nil
            }
            if let g = square(rows) {
                c.classPosition = false
                c.imageSize = g * c.patchSize
            } else if let g = square(rows - 1 - (c.distillationToken ? 1 : 0)) {
                c.imageSize = g * c.patchSize
            }
        }
        c.numHiddenLayers = layers
        if let s = shapes[CanonicalName.block(0, "fc1.weight")], s.count == 2 { c.intermediateSize = s[0] }
        // SwiGLU: fc1 gives both halves, fc2 reads one.
        if let s = shapes[CanonicalName.block(0, "fc2.weight")], s.count == 2, s[1] > 0, c.intermediateSize % 2 == 0,
           c.intermediateSize / 2 == s[1] {
            c.mlp = .swiGLU
            c.intermediateSize = s[1]
        }
        c.qkvBias = shapes[CanonicalName.block(0, "q.bias")] != nil || layers == 0
        c.hasPooler = shapes[CanonicalName.poolerWeight] != nil
        if let s = shapes[CanonicalName.classifierWeight], s.count == 2 {
            c.labels = (0..<s[0]).map { "LABEL_\($0)" }
            if s[1] % 2 == 0, s[1] / 2 == c.hiddenSize { c.classifierInput = .clsAndPatchMean }
            c.distillationHead = c.distillationToken && shapes[CanonicalName.distillationClassifierWeight] != nil
        }
        if let heads {
            c.numAttentionHeads = heads
        } else {
            c.numAttentionHeads = max(c.hiddenSize / 64, 1)
            c.headsAssumed = true
        }
        return c
    }
}
