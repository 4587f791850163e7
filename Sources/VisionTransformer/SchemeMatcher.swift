/// Matches stored tensor names against one scheme's rules.
struct SchemeMatcher: Sendable {
    struct Match: Sendable {
        var rule: NamingScheme.Rule
        /// Block index, or -1 for rules outside the blocks.
        var index: Int
        /// Canonical names with the index filled in.
        var canonical: [String]
    }

    let scheme: NamingScheme
    let exact: [String: Int]
    let indexed: [(NamingScheme.Pattern, Int)]

    init(_ scheme: NamingScheme) {
        self.scheme = scheme
        var exact: [String: Int] = [:]
        var indexed: [(NamingScheme.Pattern, Int)] = []
        for (k, rule) in scheme.rules.enumerated() {
            for e in rule.external {
                let p = NamingScheme.Pattern(e)
                if p.indexed { indexed.append((p, k)) } else { exact[e] = exact[e] ?? k }
            }
        }
        self.exact = exact
        self.indexed = indexed
    }

    func match(_ stored: String) -> Match? {
        let name = scheme.normalize(stored)
        if let k = exact[name] {
            let rule = scheme.rules[k]
            return Match(rule: rule, index: -1, canonical: rule.canonical)
        }
        for (p, k) in indexed {
            if let i = p.match(name) {
                let rule = scheme.rules[k]
                return Match(rule: rule, index: i, canonical: rule.canonical.map { NamingScheme.fill($0, i) })
            }
        }
        return nil
    }
}
