import Tensors

/// Infers a `ViTConfig` from the canonical shapes a checkpoint provides.
enum ConfigInference {
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
        if let s = shapes[CanonicalName.positions], s.count >= 2 {
            let tokens = s[s.count - 2] - 1
            let grid = Int(Double(max(tokens, 0)).squareRoot().rounded())
            if grid * grid == tokens { c.imageSize = grid * c.patchSize }
        }
        c.numHiddenLayers = layers
        if let s = shapes[CanonicalName.block(0, "fc1.weight")], s.count == 2 { c.intermediateSize = s[0] }
        c.qkvBias = shapes[CanonicalName.block(0, "q.bias")] != nil || layers == 0
        c.hasPooler = shapes[CanonicalName.poolerWeight] != nil
        if let s = shapes[CanonicalName.classifierWeight], s.count == 2 {
            c.labels = (0..<s[0]).map { "LABEL_\($0)" }
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
