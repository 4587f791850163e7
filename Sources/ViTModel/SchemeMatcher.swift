/// Matches stored tensor names against one scheme's rules.
///
/// A name costs one pass over its bytes, whatever the number of rules: the unindexed rule
/// names are looked up exactly, and a block name is recognised by its prefix, 1-4 digits
/// and an exact lookup of the rest. A name that fails the prefix is rejected at once.
struct SchemeMatcher: Sendable {
    struct Match: Sendable {
        var rule: NamingScheme.Rule
        /// Block index, or -1 for rules outside the blocks.
        var index: Int
        /// Canonical names with the index filled in.
        var canonical: [String]
    }

    /// Rules whose external names share one `{i}` prefix, keyed by what follows the index.
    struct Block: Sendable {
        var prefix: [UInt8]
        var suffixes = NameTable()
    }

    let scheme: NamingScheme
    let exact: NameTable
    let blocks: [Block]
    /// Each rule's canonical names, compiled.
    let canonical: [[NamingScheme.Pattern]]

    init(_ scheme: NamingScheme) {
        self.scheme = scheme
        var exact = NameTable()
        var blocks: [Block] = []
        for (k, rule) in scheme.rules.enumerated() {
            for e in rule.external {
                let p = NamingScheme.Pattern(e)
                guard p.indexed else { exact.insert(e, k); continue }
                // Digits are read greedily, so what follows the index must not start with one.
                precondition(!(p.suffix.utf8.first.map { $0 >= 0x30 && $0 <= 0x39 } ?? false), "\(e): digit after {i}")
                let prefix = Array(p.prefix.utf8)
                if let b = blocks.firstIndex(where: { $0.prefix == prefix }) {
                    blocks[b].suffixes.insert(p.suffix, k)
                } else {
                    var block = Block(prefix: prefix)
                    block.suffixes.insert(p.suffix, k)
                    blocks.append(block)
                }
            }
        }
        self.exact = exact
        self.blocks = blocks
        canonical = scheme.rules.map { $0.canonical.map(NamingScheme.Pattern.init) }
    }

    func match(_ stored: String) -> Match? {
        var work = 0
        guard let (k, index) = locate(stored, work: &work) else { return nil }
        let rule = scheme.rules[k]
        return Match(rule: rule, index: index, canonical: index < 0 ? rule.canonical : canonical[k].map { $0.fill(index) })
    }

    /// The rule (by position) and block index (-1 outside the blocks) that `stored` matches.
    ///
    /// `work` grows by the bytes examined: at most a small multiple of the name's length.
    func locate(_ stored: String, work: inout Int) -> (rule: Int, index: Int)? {
        var name = stored
        return name.withUTF8 { locate($0, work: &work) }
    }

    func locate(_ stored: UnsafeBufferPointer<UInt8>, work: inout Int) -> (rule: Int, index: Int)? {
        let name = UnsafeBufferPointer(rebasing: stored[scheme.normalizedRange(stored, work: &work)])
        if let k = exact.lookup(name, work: &work) { return (k, -1) }
        for block in blocks {
            work += block.prefix.count
            guard name.hasBytes(block.prefix) else { continue }
            let start = block.prefix.count
            var end = start, index = 0
            while end < name.count, end - start < 5, name[end] >= 0x30, name[end] <= 0x39 {
                index = index * 10 + Int(name[end] - 0x30)
                end += 1
            }
            work += end - start
            let digits = end - start
            guard (1...4).contains(digits), digits == 1 || name[start] != 0x30 else { continue }
            if let k = block.suffixes.lookup(UnsafeBufferPointer(rebasing: name[end...]), work: &work) { return (k, index) }
        }
        return nil
    }
}

extension SchemeMatcher {
    /// Matches canonical names and gives the external name `scheme` writes for each in a
    /// graph like `config` (the first external name of the first rule holding it whose
    /// condition holds), as its one "canonical" name.
    static func writing(_ scheme: NamingScheme.ID, for config: ViTConfig) -> SchemeMatcher {
        writers[Key(id: scheme, conditions: NamingScheme.Condition.allCases.map { $0.holds(for: config) })]!
    }

    private struct Key: Hashable {
        var id: NamingScheme.ID
        var conditions: [Bool]
    }

    /// One matcher per scheme and combination of rule conditions (a handful each).
    private static let writers: [Key: SchemeMatcher] = {
        let conditions = NamingScheme.Condition.allCases
        var out: [Key: SchemeMatcher] = [:]
        for scheme in NamingScheme.all {
            for mask in 0..<(1 << conditions.count) {
                let holds = conditions.indices.map { mask & (1 << $0) != 0 }
                // Canonical names carry no container decorations: match them as `.native` does.
                let rules = scheme.rules.filter { holds[conditions.firstIndex(of: $0.when)!] }
                let inverse = NamingScheme(id: .native, rules: rules.flatMap { rule in
                    rule.canonical.map { NamingScheme.Rule([$0], [rule.external[0]], rule.layout) }
                }, defaultLayerNormEps: scheme.defaultLayerNormEps)
                out[Key(id: scheme.id, conditions: holds)] = SchemeMatcher(inverse)
            }
        }
        return out
    }()
}
