/// Container-specific decorations removed from stored names before rules apply.
extension NamingScheme {
    /// The name as the rules see it, or nil if the scheme cannot interpret it.
    public func normalize(_ stored: String) -> String {
        switch id {
        case .hf:
            return stored.hasPrefix("vit.") ? String(stored.dropFirst(4)) : stored
        case .jax:
            for prefix in ["opt/target/", "params/"] where stored.hasPrefix(prefix) {
                return String(stored.dropFirst(prefix.count))
            }
            return stored
        case .tf:
            var name = stored.hasSuffix(":0") ? String(stored.dropLast(2)) : stored
            // Drop the Keras model-name component(s) before the first known root.
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            if let root = parts.firstIndex(where: { $0 == "vit" || $0 == "classifier" }), root > 0 {
                name = parts[root...].joined(separator: "/")
            }
            return name
        case .timm, .native:
            return stored
        }
    }

    /// A compiled `{i}` pattern: prefix, optional index, suffix.
    struct Pattern: Hashable {
        let prefix: String
        let suffix: String
        let indexed: Bool

        init(_ text: String) {
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

        /// The block index (or -1 for unindexed) when `name` matches.
        func match(_ name: String) -> Int? {
            guard indexed else { return name == prefix ? -1 : nil }
            guard name.count > prefix.count + suffix.count, name.hasPrefix(prefix), name.hasSuffix(suffix) else { return nil }
            let middle = name.dropFirst(prefix.count).dropLast(suffix.count)
            guard !middle.isEmpty, middle.count <= 4, middle.allSatisfy(\.isASCII), middle.allSatisfy(\.isNumber),
                  !(middle.count > 1 && middle.first == "0"), let i = Int(middle) else { return nil }
            return i
        }

        func fill(_ i: Int) -> String { indexed ? prefix + String(i) + suffix : prefix }
    }

    static func fill(_ pattern: String, _ i: Int) -> String { Pattern(pattern).fill(i) }
}
