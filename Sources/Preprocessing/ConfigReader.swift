import Tensors

/// Reads a `preprocessor_config.json` object key by key and, at the end, refuses every key
/// nobody read, so nothing in a config is silently ignored.
struct ConfigReader {
    /// A `size` / `crop_size` value.
    enum Size { case box(height: Int, width: Int), shortestEdge(Int) }

    /// Keys that never change pixel values: bookkeeping written by `save_pretrained` or by
    /// the processor wrappers, and the fast classes' output options.
    static let irrelevantKeys: Set<String> = [
        "processor_class", "_processor_class", "return_tensors", "disable_grouping", "image_seq_length",
        "auto_map", "transformers_version",
    ]

    let entries: [(String, JSON)]
    let source: String?
    private var read: Set<String> = []

    init(entries: [(String, JSON)], source: String?) {
        self.entries = entries
        self.source = source
    }

    func invalid(_ reason: String) -> ImageError { .invalidConfig(file: source, reason: reason) }

    /// The value of `key`, nil when absent or null; marks it read.
    mutating func value(_ key: String) -> JSON? {
        read.insert(key)
        guard let v = entries.first(where: { $0.0 == key })?.1, v != .null else { return nil }
        return v
    }

    /// Throws naming every key not read and not in `irrelevantKeys`.
    func finish() throws(ImageError) {
        let unknown = entries.map(\.0).filter { !read.contains($0) && !Self.irrelevantKeys.contains($0) }
        guard unknown.isEmpty else {
            throw invalid("unknown key\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\($0)'" }.joined(separator: ", ")) "
                + "(vitkit reproduces the ViT, DeiT and BiT processors' keys only)")
        }
    }

    /// The value of `key` through `extract`; throws naming the key and `what` it must be.
    private mutating func typed<T>(_ key: String, _ what: String, _ extract: (JSON) -> T?) throws(ImageError) -> T? {
        guard let v = value(key) else { return nil }
        guard let t = extract(v) else { throw invalid("'\(key)' must be \(what), found \(v.compactText)") }
        return t
    }

    mutating func flag(_ key: String) throws(ImageError) -> Bool? { try typed(key, "true or false") { $0.boolValue } }

    mutating func string(_ key: String) throws(ImageError) -> String? { try typed(key, "a string") { $0.stringValue } }

    mutating func int(_ key: String) throws(ImageError) -> Int? { try typed(key, "an integer") { $0.intValue } }

    mutating func number(_ key: String) throws(ImageError) -> Double? {
        try typed(key, "a number") { $0.doubleValue.flatMap { $0.isFinite ? $0 : nil } }
    }

    /// An integer (a square, or the shortest edge), or `{"height", "width"}`, or
    /// `{"shortest_edge"}`; every side in 1...`ImageDecoder.maxDimension`, a box at most `ImageDecoder.maxPixels`.
    mutating func size(_ key: String, intIsShortestEdge: Bool) throws(ImageError) -> Size? {
        guard let v = value(key) else { return nil }
        func side(_ j: JSON?) throws(ImageError) -> Int {
            guard let n = j?.intValue, n > 0, n <= ImageDecoder.maxDimension else {
                throw invalid("'\(key)' must hold integers in 1...\(ImageDecoder.maxDimension), found \(v.compactText)")
            }
            return n
        }
        func box(_ h: Int, _ w: Int) throws(ImageError) -> Size {
            guard h * w <= ImageDecoder.maxPixels else {
                throw invalid("'\(key)' asks for \(h) x \(w) pixels, more than the limit of \(ImageDecoder.maxPixels)")
            }
            return .box(height: h, width: w)
        }
        if v.intValue != nil {
            let n = try side(v)
            return intIsShortestEdge ? .shortestEdge(n) : try box(n, n)
        }
        guard let object = v.objectValue else { throw invalid("'\(key)' must be an integer or an object, found \(v.compactText)") }
        let keys = Set(object.map(\.0))
        if keys == ["height", "width"] { return try box(try side(v["height"]), try side(v["width"])) }
        if keys == ["shortest_edge"] { return .shortestEdge(try side(v["shortest_edge"])) }
        throw invalid("'\(key)' must be {\"height\", \"width\"} or {\"shortest_edge\"}, found \(v.compactText)")
    }

    /// A per-channel list of 3 numbers, or one number for all channels, as float32.
    mutating func channels(_ key: String) throws(ImageError) -> [Float]? {
        guard let v = value(key) else { return nil }
        if let d = v.doubleValue, d.isFinite { return [Float](repeating: Float(d), count: 3) }
        guard let items = v.arrayValue, items.count == 3 else {
            throw invalid("'\(key)' must be a number or a list of 3 numbers, found \(v.compactText)")
        }
        var out: [Float] = []
        for item in items {
            guard let d = item.doubleValue, d.isFinite else { throw invalid("'\(key)' must hold numbers, found \(v.compactText)") }
            out.append(Float(d))
        }
        return out
    }

    mutating func requireAbsentOrFalse(_ key: String) throws(ImageError) {
        guard let v = value(key) else { return }
        guard v.boolValue == false else { throw invalid("'\(key)': \(v.compactText) is not supported") }
    }

    mutating func requireNull(_ key: String, orString allowed: String? = nil) throws(ImageError) {
        guard let v = value(key) else { return }
        guard let allowed, v.stringValue == allowed else {
            throw invalid("'\(key)': \(v.compactText) is not supported\(allowed.map { " (only \"\($0)\")" } ?? "")")
        }
    }
}
