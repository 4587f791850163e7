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
                guard let r = v.doubleValue, r.isFinite, r > 0, r < 1e6 else {
                    throw .invalidConfig("mlp_ratio must be a positive number, found \(v.compactText)")
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
