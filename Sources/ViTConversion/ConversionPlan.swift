import ViTModel
import Tensors

/// The tensors a target scheme stores for a graph, in the scheme's rule order, each with
/// the canonical parameters it is built from.
package struct ConversionPlan: Sendable {
    package struct Item: Sendable {
        /// The stored (decorated) name.
        package var name: String
        /// The name before decoration (what the rules use).
        package var ruleName: String
        package var canonical: [String]
        package var layout: Layout
        package var shape: [Int]
    }

    package var scheme: NamingScheme
    /// The graph written (its class-position convention may differ from the source's).
    package var config: ViTConfig
    package var items: [Item]

    /// The plan for `config` in `scheme`; `externalName` picks the stored name of each rule
    /// among its accepted names (the first, unless a variant is asked for).
    package init(scheme: NamingScheme, config: ViTConfig, externalName: (NamingScheme.Rule) -> String = { $0.external[0] }) {
        self.scheme = scheme
        self.config = config
        let shapes = Dictionary(config.graphParameters.map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
        var items: [Item] = []
        var covered = Set<String>()
        for rule in scheme.rules where rule.when.holds(for: config) {
            let pattern = NamingScheme.Pattern(externalName(rule))
            let indices = pattern.indexed ? Array(0..<config.numHiddenLayers) : [-1]
            for i in indices {
                let canonical = rule.canonical.map { NamingScheme.fill($0, i) }
                guard canonical.allSatisfy({ shapes[$0] != nil }), !canonical.contains(where: covered.contains) else { continue }
                covered.formUnion(canonical)
                let ruleName = pattern.fill(i)
                items.append(Item(
                    name: scheme.decorate(ruleName, config: config), ruleName: ruleName, canonical: canonical,
                    layout: rule.layout,
                    shape: rule.layout.externalShape(canonical: canonical.map { shapes[$0]! }, heads: config.numAttentionHeads)))
            }
        }
        // Keep graph order (embeddings, blocks in order, head) rather than rule order.
        let order = Dictionary(config.graphParameters.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
        self.items = items.sorted { order[$0.canonical[0]]! < order[$1.canonical[0]]! }
    }
}
