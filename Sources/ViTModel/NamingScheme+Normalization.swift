/// Container-specific decorations removed from stored names before rules apply.
extension NamingScheme {
    /// The name as the rules see it (the stored name minus this scheme's container decorations).
    public func normalize(_ stored: String) -> String {
        var name = stored
        return name.withUTF8 { bytes in
            var work = 0
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[normalizedRange(bytes, work: &work)]), as: UTF8.self)
        }
    }

    /// The byte range of `name` (UTF-8) the rules see, in one pass over at most its bytes.
    ///
    /// - hf: a leading model prefix (`vit.`, `deit.`, `dinov2.`, `dinov2_with_registers.`) is dropped.
    /// - jax: a leading `opt/target/` or `params/` is dropped.
    /// - tf: a trailing `:0` is dropped, then the Keras model-name component(s) before the
    ///   first `vit` or `classifier` component.
    /// - keras: a leading `layers/vi_t_backbone/` (a whole `ViTImageClassifier`'s
    ///   `save_weights`) is dropped.
    ///
    /// `work` grows by the bytes examined.
    func normalizedRange(_ name: UnsafeBufferPointer<UInt8>, work: inout Int) -> Range<Int> {
        switch id {
        case .hf:
            for prefix in Self.hfPrefixes {
                work += prefix.count
                if name.hasBytes(prefix) { return prefix.count..<name.count }
            }
            return 0..<name.count
        case .jax:
            for prefix in Self.jaxPrefixes {
                work += prefix.count
                if name.hasBytes(prefix) { return prefix.count..<name.count }
            }
            return 0..<name.count
        case .tf:
            let end = name.count >= 2 && name[name.count - 2] == UInt8(ascii: ":") && name[name.count - 1] == UInt8(ascii: "0")
                ? name.count - 2 : name.count
            work += end
            var start = 0
            for i in 0...end where i == end || name[i] == UInt8(ascii: "/") {
                let component = UnsafeBufferPointer(rebasing: name[start..<i])
                if Self.tfRoots.contains(where: { component.count == $0.count && component.hasBytes($0) }) {
                    return start..<end
                }
                start = i + 1
            }
            return 0..<end
        case .keras:
            work += Self.kerasBackbone.count
            return name.hasBytes(Self.kerasBackbone) ? Self.kerasBackbone.count..<name.count : 0..<name.count
        case .timm, .native:
            return 0..<name.count
        }
    }

    private static let hfPrefixes = ViTConfig.Family.allPrefixes.map { Array($0.utf8) }
    private static let jaxPrefixes = [Array("opt/target/".utf8), Array("params/".utf8)]
    private static let tfRoots = [Array("vit".utf8), Array("classifier".utf8)]
    /// Where a Keras 3 `save_weights` of a whole `ViTImageClassifier` puts its backbone.
    private static let kerasBackbone = Array("layers/vi_t_backbone/".utf8)

    /// A compiled `{i}` pattern: prefix, optional index, suffix.
    ///
    /// The index a stored name carries is 1-4 ASCII digits without a leading zero (0-9999).
    package struct Pattern: Hashable {
        let prefix: String
        let suffix: String
        package let indexed: Bool

        package init(_ text: String) {
            let chars = Array(text)
            if let k = (0..<max(chars.count - 2, 0)).first(where: { chars[$0] == "{" && chars[$0 + 1] == "i" && chars[$0 + 2] == "}" }) {
                prefix = String(chars[..<k])
                suffix = String(chars[(k + 3)...])
                indexed = true
            } else {
                prefix = text
                suffix = ""
                indexed = false
            }
        }

        package func fill(_ i: Int) -> String { indexed ? prefix + String(i) + suffix : prefix }
    }

    package static func fill(_ pattern: String, _ i: Int) -> String { Pattern(pattern).fill(i) }
}
