import Tensors

/// keras-hub's serialized `ViTBackbone` (a preset's `config.json`:
/// `{"module", "class_name": "ViTBackbone", "config": {...}, "registered_name"}`) read as the
/// transformers config keys vitkit's graph uses.
enum KerasHubConfig {
    /// Whether `json` is a keras-hub ViT backbone config rather than a transformers one.
    static func isKerasHub(_ json: JSON) -> Bool {
        json["class_name"]?.stringValue == "ViTBackbone" && json["config"]?.objectValue != nil
    }

    /// Throws unless a keras-hub task config (`task.json`) computes what vitkit's classifier
    /// does: `ViTImageClassifier` with `pooling: "token"`, no output `activation` (or
    /// `linear`) and no `intermediate_dim` (a tanh `pre_logits` layer), and its `num_classes`
    /// is the classifier's `labels` (the outputs of the stored weights), as keras-hub's
    /// `from_preset` needs to load them.
    ///
    /// - Throws: `ViTError.notSupportedYet` naming what differs; `.invalidConfig` naming the
    ///   file for another `num_classes`.
    static func checkTask(_ task: JSON, file: String, labels: Int) throws(ViTError) {
        let c = task["config"] ?? .null
        func refuse(_ what: String) throws(ViTError) { throw .notSupportedYet(file: file, feature: what, tensors: []) }
        if let n = c["num_classes"], n != .null, n.intValue != labels {
            throw .invalidConfig("\(file): num_classes is \(n.compactText.prefix(40)) but the classifier weights have \(labels) outputs")
        }
        if let name = task["class_name"]?.stringValue, name != "ViTImageClassifier" { try refuse("a keras-hub \(name) task") }
        if let p = c["pooling"], p != .null, p.stringValue != "token" { try refuse("ViTImageClassifier pooling \(p.compactText)") }
        if let a = c["activation"], a != .null, a.stringValue != "linear" { try refuse("ViTImageClassifier output activation \(a.compactText)") }
        if let d = c["intermediate_dim"], d != .null { try refuse("ViTImageClassifier intermediate_dim \(d.compactText) (a tanh pre_logits layer)") }
    }

    /// The transformers keys for keras-hub's `config` (`hidden_dim` -> `hidden_size`, ...;
    /// `hidden_act` "gelu": keras-hub's MLP uses `activation="gelu"`, Keras' exact GELU).
    ///
    /// - Throws: `ViTError.invalidConfig` for a value of the wrong type (an `image_shape` list
    ///   that is not `[height, width, channels]`, a `patch_size` list that is not two integers,
    ///   a `use_*` flag that is not a boolean), non-square images or patches; `.notSupportedYet`
    ///   for `use_class_token`, `use_patch_bias` or `use_mlp_bias` false (vitkit's graph has a
    ///   class token and those biases).
    static func huggingFaceJSON(_ json: JSON, file: String) throws(ViTError) -> JSON {
        let c = json["config"] ?? .null
        // `count` entries: image_shape is (height, width, channels), patch_size (height, width).
        func pair(_ key: String, count: Int) throws(ViTError) -> Int? {
            guard let v = c[key], v != .null else { return nil }
            if let i = v.intValue { return i }
            guard let a = v.arrayValue, a.count == count, a.allSatisfy({ $0.intValue != nil }),
                  let x = a[0].intValue, let y = a[1].intValue else {
                throw .invalidConfig("\(key) must be an integer or a list of \(count) integers, found \(v.compactText.prefix(60))")
            }
            guard x == y else { throw .invalidConfig("\(key) \(v.compactText) is not square; vitkit's graph needs square images and patches") }
            return x
        }
        for key in ["use_class_token", "use_patch_bias", "use_mlp_bias"] {
            guard let v = c[key], v != .null else { continue }
            guard let flag = v.boolValue else { throw .invalidConfig("\(key) must be true or false, found \(v.compactText.prefix(40))") }
            if !flag { throw .notSupportedYet(file: file, feature: "a keras-hub ViTBackbone with \(key): false", tensors: []) }
        }
        var out: [(String, JSON)] = [("hidden_act", .string("gelu"))]
        let renames = [("hidden_dim", "hidden_size"), ("num_layers", "num_hidden_layers"), ("num_heads", "num_attention_heads"),
                       ("mlp_dim", "intermediate_size"), ("layer_norm_epsilon", "layer_norm_eps"), ("use_mha_bias", "qkv_bias")]
        for (k, hf) in renames { if let v = c[k], v != .null { out.append((hf, v)) } }
        if let s = try pair("image_shape", count: 3) { out.append(("image_size", .int(s))) }
        if let p = try pair("patch_size", count: 2) { out.append(("patch_size", .int(p))) }
        if let shape = c["image_shape"]?.arrayValue, shape.count == 3, let channels = shape[2].intValue {
            out.append(("num_channels", .int(channels)))
        }
        return .object(out)
    }
}
