import Tensors

extension ImagePreprocessor {
    /// Reads the `ViTImageProcessor` keys of a `preprocessor_config.json` object.
    mutating func apply(_ config: JSON, source: String?) throws(ImageError) {
        func flag(_ key: String) throws(ImageError) -> Bool? {
            guard let v = config[key], v != .null else { return nil }
            guard let b = v.boolValue else { throw ImageError.invalidConfig(file: source, reason: "'\(key)' must be true or false") }
            return b
        }
        if let v = try flag("do_resize") { doResize = v }
        if let v = try flag("do_rescale") { doRescale = v }
        if let v = try flag("do_normalize") { doNormalize = v }
        if try flag("do_center_crop") == true {
            throw ImageError.invalidConfig(file: source, reason: "center cropping (do_center_crop) is not supported")
        }
        if let size = config["size"], size != .null {
            if let s = size.intValue {
                guard s > 0 else { throw ImageError.invalidConfig(file: source, reason: "'size' must be positive") }
                (height, width) = (s, s)
            } else if let h = size["height"]?.intValue, let w = size["width"]?.intValue {
                guard h > 0, w > 0 else { throw ImageError.invalidConfig(file: source, reason: "'size' must be positive") }
                (height, width) = (h, w)
            } else {
                throw .invalidConfig(
                    file: source, reason: "'size' must be an integer or {\"height\", \"width\"} (no shortest_edge in ViT)"
                )
            }
        }
        if let resample = config["resample"], resample != .null {
            guard resample.intValue == 2 else {
                throw ImageError.invalidConfig(file: source, reason: "resample \(resample) is not supported (only 2, PIL BILINEAR)")
            }
        }
        if let factor = config["rescale_factor"], factor != .null {
            guard let f = factor.doubleValue, f.isFinite else {
                throw ImageError.invalidConfig(file: source, reason: "'rescale_factor' must be a number")
            }
            rescaleFactor = f
        }
        if let m = try channels("image_mean", config, source) { mean = m }
        if let s = try channels("image_std", config, source) {
            guard s.allSatisfy({ $0 != 0 }) || !doNormalize else {
                throw ImageError.invalidConfig(file: source, reason: "'image_std' contains zero")
            }
            std = s
        }
    }

    /// A per-channel list (or one number for all channels), converted to float32 as numpy does.
    private func channels(_ key: String, _ config: JSON, _ source: String?) throws(ImageError) -> [Float]? {
        guard let v = config[key], v != .null else { return nil }
        if let d = v.doubleValue { return [Float](repeating: Float(d), count: 3) }
        guard let items = v.arrayValue, items.count == 3 else {
            throw ImageError.invalidConfig(file: source, reason: "'\(key)' must be a number or a list of 3 numbers")
        }
        var out: [Float] = []
        for item in items {
            guard let d = item.doubleValue, d.isFinite else {
                throw ImageError.invalidConfig(file: source, reason: "'\(key)' must hold numbers")
            }
            out.append(Float(d))
        }
        return out
    }
}
