/// What can go wrong drawing a plot (writing it fails with `CheckpointError` or `ImageError`).
///
/// `description` is one sentence naming the file.
public enum PlotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The font file is missing or FreeType cannot use it.
    case font(file: String, reason: String)
    /// The confusion matrix has more classes than a plot draws.
    case tooManyClasses(count: Int, limit: Int)

    /// One sentence for stderr.
    public var description: String {
        switch self {
        case .font(let f, let reason): "\(f): \(reason)"
        case .tooManyClasses(let count, let limit):
            "the confusion matrix has \(count) classes; a plot draws at most \(limit) (see --json for the matrix)"
        }
    }
}
