import Checkpoints
import Tensors

/// Picks the naming scheme that explains the most stored tensors.
public enum SchemeDetection {
    /// Stored tensors each scheme recognises, best first.
    public static func scores(_ names: [String]) -> [(NamingScheme.ID, Int)] {
        NamingScheme.all.map { scheme in
            let m = SchemeMatcher(scheme)
            return (scheme.id, names.reduce(0) { $0 + (m.match($1) == nil ? 0 : 1) })
        }.sorted { $0.1 > $1.1 }
    }

    static func detect(_ checkpoint: Checkpoint) throws(ViTError) -> NamingScheme {
        if checkpoint.source.metadata.contains(where: { $0.key == NativeFormat.formatKey }) { return .native }
        let names = checkpoint.source.tensors.map(\.name)
        let ranked = scores(names)
        guard let best = ranked.first, best.1 > 0 else {
            throw .unknownScheme("\(checkpoint.path): no naming scheme (hf, tf, jax, timm, native) recognises any of its \(names.count) tensors")
        }
        return .named(best.0)
    }
}

extension NamingScheme {
    /// The stored name this scheme writes for a canonical parameter.
    public func externalName(forCanonical canonical: String, config: ViTConfig) -> String {
        for rule in rules {
            for (k, c) in rule.canonical.enumerated() {
                let p = Pattern(c)
                guard let i = p.match(canonical) else { continue }
                _ = k
                return decorate(Pattern(rule.external[0]).fill(i), config: config)
            }
        }
        return canonical
    }

    /// Adds container decorations (`vit.` prefix, Keras model name, `:0`) for writing.
    public func decorate(_ name: String, config: ViTConfig) -> String {
        switch id {
        case .hf:
            return config.hasClassifier && !name.hasPrefix("classifier.") ? "vit." + name : name
        case .tf:
            let model = config.hasClassifier ? "tf_vi_t_for_image_classification" : "tf_vi_t_model"
            return "\(model)/\(name):0"
        case .jax, .timm, .native:
            return name
        }
    }
}
