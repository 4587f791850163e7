import ViTModel
import Checkpoints
import Tensors

/// A keras-hub preset directory (`--to keras`), laid out as keras-hub 0.32's
/// `save_to_preset` writes it and `ViTBackbone.from_preset` / `ViTImageClassifier.from_preset`
/// load it: `config.json` (the backbone's serialized config), `metadata.json`,
/// `model.weights.h5` (Keras 3 layout); for a classifier also `task.json` (preprocessor
/// null) and `task.weights.h5` (the `predictions` dense layer).
enum KerasPresetOutput {
    /// The files `--to keras` writes, the only entries `--force` may replace besides HF's.
    static let fileNames: Set<String> = ["config.json", "metadata.json", "model.weights.h5", "task.json", "task.weights.h5"]

    /// Why `config` cannot be a keras-hub ViT, or nil when it can.
    static func refusal(_ config: ViTConfig) -> String? {
        if config.hasPooler { return "has a pooler (in21k ViTModel), which keras-hub's ViTBackbone does not have" }
        if !config.qkvBias {
            return "has no q/k/v biases; keras-hub's use_mha_bias: false also drops the attention output bias, which this model has"
        }
        if config.hiddenAct != .gelu { return "uses the tanh GELU approximation; keras-hub's ViT uses the exact GELU" }
        return nil
    }

    /// Writes the preset into `dir` (a temporary directory `AtomicDirectory` renames).
    static func write(dir: String, writer: TensorStreamer, config: ViTConfig) throws -> [String] {
        let head = writer.plan.items.filter { $0.canonical[0].hasPrefix("classifier.") }
        let body = writer.plan.items.filter { !$0.canonical[0].hasPrefix("classifier.") }
        try writer.write(to: FileSystem.join(dir, "model.weights.h5"), format: .keras3Weights, items: body)
        let dtype = HFOutput.torchName(writer.storedDType)
        let backbone = backboneJSON(config, dtype: dtype)
        try HFOutput.writeText(FileSystem.join(dir, "config.json"), backbone.prettyText + "\n")
        let parameters = config.graphParameters.filter { !$0.name.hasPrefix("classifier.") }.reduce(0) { $0 + $1.shape.reduce(1, *) }
        let metadata = JSON.object([
            ("keras_version", .string("3.15.1")), ("keras_hub_version", .string("0.32.0")),
            ("parameter_count", .int(parameters)), ("tasks", .array([.string("ImageClassifier")])),
            ("saved_by", .string("vitkit \(VitKitVersion.current)")),
        ])
        try HFOutput.writeText(FileSystem.join(dir, "metadata.json"), metadata.prettyText + "\n")
        guard config.hasClassifier else { return ["config.json", "metadata.json", "model.weights.h5"] }
        try writer.write(to: FileSystem.join(dir, "task.weights.h5"), format: .keras3Weights, items: head)
        let task = JSON.object([
            ("module", .string("keras_hub.src.models.vit.vit_image_classifier")),
            ("class_name", .string("ViTImageClassifier")),
            ("config", .object([
                ("backbone", backbone), ("preprocessor", .null), ("name", .string("vi_t_image_classifier")),
                ("num_classes", .int(config.numLabels)), ("pooling", .string("token")), ("activation", .null),
                ("dropout", .double(0)), ("intermediate_dim", .null),
            ])),
            ("registered_name", .string("keras_hub>ViTImageClassifier")),
        ])
        try HFOutput.writeText(FileSystem.join(dir, "task.json"), task.prettyText + "\n")
        return ["config.json", "metadata.json", "model.weights.h5", "task.json", "task.weights.h5"]
    }

    /// The serialized `ViTBackbone` (keras-hub's `config.json`).
    static func backboneJSON(_ c: ViTConfig, dtype: String) -> JSON {
        .object([
            ("module", .string("keras_hub.src.models.vit.vit_backbone")),
            ("class_name", .string("ViTBackbone")),
            ("config", .object([
                ("name", .string("vi_t_backbone")), ("trainable", .bool(true)),
                ("dtype", .object([("module", .string("keras")), ("class_name", .string("DTypePolicy")),
                                   ("config", .object([("name", .string(dtype))])), ("registered_name", .null)])),
                ("image_shape", .array([.int(c.imageSize), .int(c.imageSize), .int(c.numChannels)])),
                ("patch_size", .array([.int(c.patchSize), .int(c.patchSize)])),
                ("num_layers", .int(c.numHiddenLayers)), ("num_heads", .int(c.numAttentionHeads)),
                ("hidden_dim", .int(c.hiddenSize)), ("mlp_dim", .int(c.intermediateSize)),
                ("dropout_rate", .double(0)), ("attention_dropout", .double(0)),
                ("layer_norm_epsilon", .double(c.layerNormEps)),
                ("use_mha_bias", .bool(c.qkvBias)), ("use_mlp_bias", .bool(true)),
                ("use_class_token", .bool(true)), ("use_patch_bias", .bool(true)),
            ])),
            ("registered_name", .string("keras_hub>ViTBackbone")),
        ])
    }
}
