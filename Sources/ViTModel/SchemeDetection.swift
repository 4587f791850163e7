import Checkpoints
import Tensors

/// Picks the naming scheme that explains the most stored tensors.
///
/// Cost is linear in the total length of the names: each scheme looks at a name once (see
/// `SchemeMatcher`), and a scheme stops as soon as it can no longer beat the best scheme
/// before it in preference order (ties go to the earlier scheme).
public enum SchemeDetection {
    /// Stored tensors each scheme recognises, best first (every scheme counts every name).
    public static func scores(_ names: [String]) -> [(NamingScheme.ID, Int)] {
        NamingScheme.all.map { scheme in
            let m = SchemeMatcher(scheme)
            var work = 0
            return (scheme.id, names.reduce(0) { $0 + (m.locate($1, work: &work) == nil ? 0 : 1) })
        }.sorted { $0.1 > $1.1 }
    }

    /// The outcome of `rank`: the winning scheme and what it cost.
    struct Ranking {
        /// The scheme recognising the most names (earliest in preference order on a tie), and its count.
        var best: (id: NamingScheme.ID, count: Int)?
        /// Names looked at, over all schemes.
        var namesExamined = 0
        /// Bytes examined by the matchers, over all schemes.
        var work = 0
    }

    /// Finds the scheme recognising the most `names`, skipping the rest of a scheme's names once
    /// it cannot win.
    static func rank(_ names: [String]) -> Ranking {
        var ranking = Ranking()
        for scheme in NamingScheme.all {
            let matcher = SchemeMatcher(scheme)
            let best = ranking.best?.count ?? 0
            var count = 0
            for (k, name) in names.enumerated() {
                // Even if every remaining name matched, this scheme would not beat (or tie first with) `best`.
                if ranking.best != nil, count + (names.count - k) <= best { break }
                ranking.namesExamined += 1
                if matcher.locate(name, work: &ranking.work) != nil { count += 1 }
            }
            if count > best || ranking.best == nil { ranking.best = (scheme.id, count) }
        }
        return ranking
    }

    /// The scheme of `checkpoint`, whose tensors are `names` (the per-block names of a
    /// scanned checkpoint).
    static func detect(_ checkpoint: Checkpoint, names: [String]) throws(ViTError) -> NamingScheme {
        if checkpoint.source.metadata.contains(where: { $0.key == NativeFormat.formatKey }) { return .native }
        guard let best = rank(names).best, best.count > 0 else {
            throw .unknownScheme(file: checkpoint.path, tensorCount: names.count)
        }
        return .named(best.id)
    }
}

extension NamingScheme {
    /// The stored name this scheme writes for a canonical parameter.
    public func externalName(forCanonical canonical: String, config: ViTConfig) -> String {
        guard let m = SchemeMatcher.writing(id, for: config).match(canonical) else { return canonical }
        return decorate(m.canonical[0], config: config)
    }

    /// Adds container decorations (`vit.` prefix, Keras model name, `:0`) for writing.
    public func decorate(_ name: String, config: ViTConfig) -> String {
        switch id {
        case .hf:
            let head = ["classifier.", "cls_classifier.", "distillation_classifier."].contains { name.hasPrefix($0) }
            return config.hasClassifier && !head ? config.family.modelPrefix + name : name
        case .tf:
            let model = config.hasClassifier ? "tf_vi_t_for_image_classification" : "tf_vi_t_model"
            return "\(model)/\(name):0"
        case .jax, .timm, .native, .keras:
            return name
        }
    }
}
