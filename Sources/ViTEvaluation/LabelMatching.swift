/// DATA's labels matched to a classifier's labels (`config.labels`, transformers' `id2label`).
public struct LabelMatching: Sendable {
    /// The class id of each of DATA's items, in order.
    public let ids: [Int]
    /// One line per label matched only case-insensitively (e.g. `'Tabby' -> 'tabby' (id 0)`).
    public let notes: [String]

    /// Matches each label, in this order: the exact name; an integer id in range (a JSON
    /// number, or digits that are no label's name); the name case-insensitively when exactly
    /// one model label matches that way (noted).
    ///
    /// - Throws: `EvaluationError.unknownLabels` listing every label that matches nothing,
    ///   with the model's labels.
    public init(_ data: EvaluationData, modelLabels: [String]) throws(EvaluationError) {
        var exact: [String: Int] = [:]
        for (i, l) in modelLabels.enumerated() where exact[l] == nil { exact[l] = i }
        var folded: [String: [Int]] = [:]
        for (i, l) in modelLabels.enumerated() { folded[l.lowercased(), default: []].append(i) }
        var resolved: [EvaluationData.Label: Int] = [:]
        var unknown: [String] = []
        var notes: [String] = []
        var ids: [Int] = []
        ids.reserveCapacity(data.items.count)
        for item in data.items {
            if let id = resolved[item.label] { ids.append(id); continue }
            var id: Int?
            switch item.label {
            case .id(let i): id = modelLabels.indices.contains(i) ? i : nil
            case .name(let s):
                if let i = exact[s] {
                    id = i
                } else if let i = Int(s), s.allSatisfy(\.isASCII), modelLabels.indices.contains(i) {
                    id = i
                } else if let candidates = folded[s.lowercased()], candidates.count == 1 {
                    id = candidates[0]
                    notes.append("'\(s)' -> '\(modelLabels[candidates[0]])' (id \(candidates[0])), matched case-insensitively")
                }
            }
            if let id {
                resolved[item.label] = id
                ids.append(id)
            } else if !unknown.contains(item.label.description) {
                unknown.append(item.label.description)
            }
        }
        guard unknown.isEmpty else { throw .unknownLabels(data: data.path, labels: unknown, modelLabels: modelLabels) }
        self.ids = ids
        self.notes = notes
    }
}
