import Tensors

extension ViTConfig {
    /// Reads transformers' `config.json` fields (missing or `null` fields keep `defaults`).
    ///
    /// `hasPooler` is not in `config.json`; it comes from `defaults`.
    /// - Throws: `ViTError.invalidConfig` when `json` is not an object or a field the graph
    ///   uses has the wrong type.
    public init(huggingFace json: JSON, defaults: ViTConfig = ViTConfig()) throws(ViTError) {
        guard json.objectValue != nil else {
            throw .invalidConfig("not a JSON object (found \(json.compactText.prefix(40)))")
        }
        self = defaults
        func value(_ key: String) -> JSON? { json[key].flatMap { $0 == .null ? nil : $0 } }
        func int(_ key: String) throws(ViTError) -> Int? {
            guard let v = value(key) else { return nil }
            guard let i = v.intValue else { throw .invalidConfig("\(key) must be an integer, found \(v.compactText)") }
            return i
        }
        if let v = try int("hidden_size") { hiddenSize = v }
        if let v = try int("num_hidden_layers") { numHiddenLayers = v }
        if let v = try int("num_attention_heads") { numAttentionHeads = v; headsAssumed = false }
        if let v = try int("intermediate_size") { intermediateSize = v }
        if let v = try int("image_size") { imageSize = v }
        if let v = try int("patch_size") { patchSize = v }
        if let v = try int("num_channels") { numChannels = v }
        if let v = value("qkv_bias") {
            guard let b = v.boolValue else { throw .invalidConfig("qkv_bias must be true or false, found \(v.compactText)") }
            qkvBias = b
        }
        if let v = value("layer_norm_eps") {
            guard let d = v.doubleValue else { throw .invalidConfig("layer_norm_eps must be a number, found \(v.compactText)") }
            layerNormEps = d
        }
        if let v = value("hidden_act") {
            guard let act = v.stringValue else { throw .invalidConfig("hidden_act must be a string, found \(v.compactText)") }
            switch act {
            case "gelu": hiddenAct = .gelu
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": hiddenAct = .geluTanh
            default: throw .invalidConfig("hidden_act '\(act)' is not supported (gelu, gelu_new, gelu_pytorch_tanh)")
            }
        }
        if let v = value("id2label") {
            guard let map = v.objectValue else { throw .invalidConfig("id2label must be an object of index: label, found \(v.compactText.prefix(40))") }
            var pairs: [(Int, String)] = []
            for (k, v) in map {
                guard let i = Int(k), i >= 0, let label = v.stringValue else {
                    throw .invalidConfig("id2label entry '\(k)' is not an index with a string label")
                }
                pairs.append((i, label))
            }
            pairs.sort { $0.0 < $1.0 }
            guard pairs.enumerated().allSatisfy({ $0.offset == $0.element.0 }) else {
                throw .invalidConfig("id2label indices are not 0..<\(pairs.count)")
            }
            labels = pairs.map(\.1)
        }
        if let archs = json["architectures"]?.arrayValue?.compactMap(\.stringValue) {
            if archs.contains("ViTForImageClassification") { hasPooler = false }
        }
        try readFamily(json)
    }

    /// `config.json` as transformers writes it for `architecture`
    /// (`ViTModel` or `ViTForImageClassification`).
    ///
    /// `torchDType` is the stored weights' dtype as torch names it (`float32`, `float16`,
    /// `bfloat16`).
    public func huggingFaceJSON(architecture: String, torchDType: String = "float32") -> JSON {
        var members: [(String, JSON)] = [
            ("architectures", .array([.string(architecture)])),
            ("attention_probs_dropout_prob", .double(0)),
            ("encoder_stride", .int(patchSize)),
            ("hidden_act", .string(hiddenAct == .gelu ? "gelu" : "gelu_pytorch_tanh")),
            ("hidden_dropout_prob", .double(0)),
            ("hidden_size", .int(hiddenSize)),
        ]
        if hasClassifier {
            members.append(("id2label", .object(labels.enumerated().map { (String($0.offset), JSON.string($0.element)) })))
        }
        members += [
            ("image_size", .int(imageSize)),
            ("initializer_range", .double(0.02)),
            ("intermediate_size", .int(intermediateSize)),
        ]
        if hasClassifier {
            let sorted = labels.enumerated().sorted { $0.element < $1.element }
            members.append(("label2id", .object(sorted.map { ($0.element, JSON.int($0.offset)) })))
        }
        members += [
            ("layer_norm_eps", .double(layerNormEps)),
            ("model_type", .string("vit")),
            ("num_attention_heads", .int(numAttentionHeads)),
            ("num_channels", .int(numChannels)),
            ("num_hidden_layers", .int(numHiddenLayers)),
            ("patch_size", .int(patchSize)),
            ("pooler_act", .string("tanh")),
            ("pooler_output_size", .int(hiddenSize)),
            ("qkv_bias", .bool(qkvBias)),
            ("torch_dtype", .string(torchDType)),
            ("transformers_version", .string("4.57.0")),
        ]
        return .object(members)
    }

    /// The full config as vitkit records it (ViTConfig field names plus pooler/labels).
    public var json: JSON {
        .object([
            ("hidden_size", .int(hiddenSize)),
            ("num_hidden_layers", .int(numHiddenLayers)),
            ("num_attention_heads", .int(numAttentionHeads)),
            ("intermediate_size", .int(intermediateSize)),
            ("image_size", .int(imageSize)),
            ("patch_size", .int(patchSize)),
            ("num_channels", .int(numChannels)),
            ("qkv_bias", .bool(qkvBias)),
            ("layer_norm_eps", .double(layerNormEps)),
            ("hidden_act", .string(hiddenAct == .gelu ? "gelu" : "gelu_pytorch_tanh")),
            ("has_pooler", .bool(hasPooler)),
            ("num_labels", .int(numLabels)),
            ("id2label", .object(labels.enumerated().map { (String($0.offset), JSON.string($0.element)) })),
            ("heads_assumed", .bool(headsAssumed)),
        ] + optionsJSON)
    }

    /// Reads the form written by `json` (vitkit's native metadata).
    ///
    /// - Throws: `ViTError.invalidConfig` when a field is missing, of the wrong type or out of range.
    public init(vitkit json: JSON) throws(ViTError) {
        try self.init(huggingFace: json)
        hasPooler = json["has_pooler"]?.boolValue ?? false
        headsAssumed = json["heads_assumed"]?.boolValue ?? false
        try readOptions(json)
    }
}
