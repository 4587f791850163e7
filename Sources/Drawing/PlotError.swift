/// What can go wrong drawing a plot (writing it fails with `CheckpointError` or `ImageError`).
///
/// `description` is one sentence naming the file.
public enum PlotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The font file is missing or FreeType cannot use it.
    case font(file: String, reason: String)
    /// The confusion matrix has more classes than a plot draws.
    case tooManyClasses(count: Int, limit: Int)
    /// More histograms were asked for than one picture draws.
    case tooManyCharts(count: Int, limit: Int)
    /// No tensor of the file has the name or matches the pattern.
    case noTensorMatches(pattern: String, file: String)

    /// One sentence for stderr.
    public var description: String {
        switch self {
        case .font(let f, let reason): "\(f): \(reason)"
        case .tooManyClasses(let count, let limit):
            "the confusion matrix has \(count) classes; a plot draws at most \(limit) (see --json for the matrix)"
        case .tooManyCharts(let count, let limit):
            "\(count) tensors match; one picture draws at most \(limit) histograms (match fewer names)"
        case .noTensorMatches(let pattern, let file):
            "\(file): no tensor is named '\(pattern)' or matches it (see vitkit inspect for the names)"
        }
    }
}
