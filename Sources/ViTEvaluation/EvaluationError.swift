/// Everything that can go wrong preparing or running an evaluation.
///
/// Images that fail to decode are `ImageError`s (reported per image, fatal only when
/// `strict`); the model's own errors stay `ViTError`. `description` is one sentence.
public enum EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A manifest line that cannot be read: `line` is 1-based.
    case manifest(file: String, line: Int, reason: String)
    /// DATA is not an image folder or a manifest, or holds no images.
    case data(path: String, reason: String)
    /// Labels in DATA that match none of the model's labels (`modelLabels`, by id).
    case unknownLabels(data: String, labels: [String], modelLabels: [String])
    /// The checkpoint has no classifier, so there is nothing to evaluate.
    case noClassifier(file: String)
    /// A second checkpoint (`file`, `--compare`) whose labels are not the first one's (`other`).
    case incomparable(file: String, other: String, reason: String)

    /// One sentence naming the file (and line, for manifests).
    public var description: String {
        switch self {
        case .manifest(let f, let line, let reason): "\(f):\(line): \(reason)"
        case .data(let p, let reason): "\(p): \(reason)"
        case .unknownLabels(let d, let labels, let model):
            "\(d): \(labels.count == 1 ? "label" : "labels") \(Self.list(labels)) \(labels.count == 1 ? "matches" : "match")"
                + " none of the model's \(model.count) labels (\(Self.list(model, limit: 50)))"
        case .noClassifier(let f):
            "\(f) has no classifier (no labels, no classification head): it cannot be evaluated on labelled images"
        case .incomparable(let f, let other, let reason): "\(f): cannot be compared with \(other): \(reason)"
        }
    }

    static func list(_ items: [String], limit: Int = 20) -> String {
        let shown = items.prefix(limit).map { "'\($0)'" }.joined(separator: ", ")
        return items.count > limit ? shown + ", ... (\(items.count - limit) more)" : shown
    }
}
