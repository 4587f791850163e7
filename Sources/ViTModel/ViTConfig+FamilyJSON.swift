import Tensors

/// The DeiT / DINOv2 options in transformers' `config.json` and in vitkit's native metadata.
extension ViTConfig {
    /// vitkit's keys for the options (written by `json`, read by `init(vitkit:)`; absent in
    /// files written before them, which then read as a plain ViT).
    var optionsJSON: [(String, JSON)] {
        [
            ("distillation_token", .bool(distillationToken)),
            ("distillation_head", .bool(distillationHead)),
            ("num_register_tokens", .int(registerTokens)),
            ("layer_scale", .bool(layerScale)),
            ("mlp", .string(mlp.rawValue)),
            ("class_position", .bool(classPosition)),
            ("position_interpolation", .string(positionInterpolation.rawValue)),
            ("classifier_input", .string(classifierInput.rawValue)),
            ("mask_token", .bool(maskToken)),
        ]
    }

    /// Reads the keys `optionsJSON` writes.
    mutating func readOptions(_ json: JSON) throws(ViTError) {
        func bool(_ key: String) throws(ViTError) -> Bool? {
            guard let v = json[key], v != .null else { return nil }
            guard let b = v.boolValue else { throw .invalidConfig("\(key) must be true or false, found \(v.compactText)") }
            return b
        }
        func choice<T: RawRepresentable<String>>(_ key: String, _: T.Type, _ allowed: [T]) throws(ViTError) -> T? {
            guard let v = json[key], v != .null else { return nil }
            guard let s = v.stringValue, let t = T(rawValue: s) else {
                throw .invalidConfig("\(key) must be one of \(allowed.map(\.rawValue).joined(separator: ", ")), found \(v.compactText)")
            }
            return t
        }
        if let b = try bool("distillation_token") { distillationToken = b }
        if let b = try bool("distillation_head") { distillationHead = b }
        if let b = try bool("layer_scale") { layerScale = b }
        if let b = try bool("class_position") { classPosition = b }
        if let b = try bool("mask_token") { maskToken = b }
        if let m = try choice("mlp", MLPKind.self, [.gelu, .swiGLU]) { mlp = m }
        if let p = try choice("position_interpolation", PositionInterpolation.self, [.bicubic, .bicubicAntialias]) {
            positionInterpolation = p
        }
        if let c = try choice("classifier_input", ClassifierInput.self, [.cls, .clsAndPatchMean]) { classifierInput = c }
        if let v = json["num_register_tokens"], v != .null {
            guard let n = v.intValue else { throw .invalidConfig("num_register_tokens must be an integer, found \(v.compactText)") }
            registerTokens = n
        }
    }

    /// transformers' family-specific keys: `model_type` `deit`, `dinov2` (`mlp_ratio`,
    /// `use_swiglu_ffn`, `layerscale_value`, `use_mask_token`) and `dinov2_with_registers`
    /// (`num_register_tokens`, antialiased interpolation).
    mutating func readFamily(_ json: JSON) throws(ViTError) {
        guard let type = json["model_type"]?.stringValue else { return }
        switch type {
        case "deit":
            distillationToken = true
            distillationHead = json["architectures"]?.arrayValue?.contains(.string("DeiTForImageClassificationWithTeacher")) ?? false
        case "dinov2", "dinov2_with_registers":
            layerScale = true
            hasPooler = false
            if let v = json["use_swiglu_ffn"], v != .null {
                guard let b = v.boolValue else { throw .invalidConfig("use_swiglu_ffn must be true or false, found \(v.compactText)") }
                mlp = b ? .swiGLU : .gelu
            }
            if let v = json["mlp_ratio"], v != .null {
                guard let r = v.doubleValue, r.isFinite, r > 0, Double(hiddenSize) * r < 1e9 else {
                    throw .invalidConfig("mlp_ratio must be a positive number (hidden_size x mlp_ratio below 1e9), found \(v.compactText)")
                }
                intermediateSize = Self.dinov2Hidden(hiddenSize: hiddenSize, mlpRatio: r, swiGLU: mlp == .swiGLU)
            }
            maskToken = type == "dinov2_with_registers" || (json["use_mask_token"]?.boolValue ?? true)
            if type == "dinov2_with_registers" {
                positionInterpolation = .bicubicAntialias
                if let v = json["num_register_tokens"], v != .null {
                    guard let n = v.intValue else { throw .invalidConfig("num_register_tokens must be an integer, found \(v.compactText)") }
                    registerTokens = n
                }
            } else {
                positionInterpolation = .bicubic
            }
            if json["id2label"] != nil, json["architectures"]?.arrayValue?.contains(where: { $0.stringValue?.hasSuffix("ForImageClassification") == true }) == true {
                classifierInput = .clsAndPatchMean
            }
        default:
            break
        }
    }

    /// DINOv2's MLP width from `mlp_ratio`: `int(hidden * ratio)`, and for SwiGLU
    /// transformers' `Dinov2SwiGLUFFN` rounding `(int(h * 2 / 3) + 7) // 8 * 8`.
    static func dinov2Hidden(hiddenSize: Int, mlpRatio: Double, swiGLU: Bool) -> Int {
        let h = Int(Double(hiddenSize) * mlpRatio)
        return swiGLU ? (Int(Double(h) * 2 / 3) + 7) / 8 * 8 : h
    }

    /// The `mlp_ratio` transformers turns back into `intermediateSize` (nil when none does:
    /// a SwiGLU width that is not a multiple of 8).
    var dinov2MLPRatio: Double? {
        var r = mlp == .swiGLU ? Double(intermediateSize) * 1.5 / Double(hiddenSize) : Double(intermediateSize) / Double(hiddenSize)
        for _ in 0..<4 {
            if Self.dinov2Hidden(hiddenSize: hiddenSize, mlpRatio: r, swiGLU: mlp == .swiGLU) == intermediateSize { return r }
            r = r.nextUp
        }
        return nil
    }
}

extension ViTConfig {
    /// The transformers class a checkpoint of this graph loads as (`ViTModel`,
    /// `DeiTForImageClassificationWithTeacher`, `Dinov2WithRegistersModel`...).
    public var huggingFaceArchitecture: String {
        switch family {
        case .vit: hasClassifier ? "ViTForImageClassification" : "ViTModel"
        case .deit:
            distillationHead ? "DeiTForImageClassificationWithTeacher" : hasClassifier ? "DeiTForImageClassification" : "DeiTModel"
        case .dinov2: hasClassifier ? "Dinov2ForImageClassification" : "Dinov2Model"
        case .dinov2WithRegisters: hasClassifier ? "Dinov2WithRegistersForImageClassification" : "Dinov2WithRegistersModel"
        }
    }

    /// Why transformers cannot hold this graph (completing "it ..."), or nil when it can: its DINOv2 classes need
    /// LayerScale, an `mlp_ratio` giving the MLP width, the classifier on cls + patch mean and
    /// no pooler; DeiT and ViT classes no LayerScale, registers or SwiGLU.
    public var huggingFaceRefusal: String? {
        switch family {
        case .dinov2, .dinov2WithRegisters:
            if hasPooler { return "has a pooler (DINOv2 classes have none)" }
            if distillationToken { return "has a distillation token (DINOv2 classes have none)" }
            if hasClassifier, classifierInput != .clsAndPatchMean {
                return "has a classifier on the class token (Dinov2ForImageClassification reads cls + patch mean)"
            }
            if !layerScale { return "has no LayerScale (DINOv2 classes always have it)" }
            if dinov2MLPRatio == nil { return "has an MLP width \(intermediateSize) that no mlp_ratio gives (SwiGLU widths are multiples of 8)" }
            return nil
        case .vit, .deit:
            if mlp == .swiGLU { return "has a SwiGLU MLP (ViT and DeiT classes have none)" }
            if classifierInput != .cls { return "has a classifier on cls + patch mean (ViT and DeiT classifiers read the class token)" }
            return nil
        }
    }

    /// `config.json` as transformers writes it for this graph's family (`huggingFaceJSON(architecture:)`
    /// for ViT; `model_type` `deit`, `dinov2` or `dinov2_with_registers` otherwise).
    public func huggingFaceFamilyJSON(torchDType: String = "float32") -> JSON {
        let vit = huggingFaceJSON(architecture: huggingFaceArchitecture, torchDType: torchDType)
        guard family == .dinov2 || family == .dinov2WithRegisters, case .object(let members) = vit else {
            guard family == .deit, case .object(let members) = vit else { return vit }
            return .object(members.map { $0.0 == "model_type" ? ($0.0, .string("deit")) : $0 })
        }
        // DINOv2 configs have no intermediate_size, encoder_stride or pooler keys.
        let dropped: Set<String> = ["intermediate_size", "encoder_stride", "pooler_act", "pooler_output_size", "model_type"]
        var out = members.filter { !dropped.contains($0.0) }
        let ratio = dinov2MLPRatio ?? 4
        out += [
            ("layerscale_value", .double(1)),
            // An integral ratio is written as transformers' default (4), not 4.0.
            ("mlp_ratio", ratio == ratio.rounded() && ratio < 1e6 ? .int(Int(ratio)) : .double(ratio)),
            ("model_type", .string(family.rawValue)),
            ("use_swiglu_ffn", .bool(mlp == .swiGLU)),
        ]
        if family == .dinov2 { out.append(("use_mask_token", .bool(maskToken))) }
        if family == .dinov2WithRegisters { out.append(("num_register_tokens", .int(registerTokens))) }
        return .object(out.sorted { $0.0 < $1.0 })
    }
}
