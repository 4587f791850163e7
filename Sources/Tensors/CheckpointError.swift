/// Everything that can be wrong with a checkpoint file, each case naming the file and,
/// where there is one, the tensor, with what was expected and what was found.
///
/// `description` is one sentence suitable for stderr.
public enum CheckpointError: Error, Sendable, CustomStringConvertible, Equatable {
    case io(file: String, reason: String)
    /// The container structure is invalid (bad magic, header, JSON, offsets...).
    case malformed(file: String, reason: String)
    case unknownTensor(file: String, tensor: String)
    case unsupportedDType(file: String, tensor: String, dtype: String)
    case sizeMismatch(file: String, tensor: String, expected: Int, found: Int)
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
    /// A tensor's declared data would overflow or does not fit in the file.
    case invalidTensor(file: String, tensor: String, reason: String)
    case unsupported(file: String, reason: String)

    public var description: String {
        switch self {
        case .io(let f, let r): "\(f): \(r)"
        case .malformed(let f, let r): "\(f): \(r)"
        case .unknownTensor(let f, let t): "\(f): no tensor named '\(t)'"
        case .unsupportedDType(let f, let t, let d):
            t.isEmpty ? "\(f): unsupported dtype \(d)" : "\(f): tensor '\(t)' has unsupported dtype \(d)"
        case .sizeMismatch(let f, let t, let e, let found):
            "\(f): tensor '\(t)' should have \(e) bytes of data but has \(found)"
        case .shapeMismatch(let f, let t, let e, let found):
            "\(f): tensor '\(t)' has shape \(Shape.describe(found)), expected \(Shape.describe(e))"
        case .invalidTensor(let f, let t, let r): "\(f): tensor '\(t)': \(r)"
        case .unsupported(let f, let r): "\(f): \(r)"
        }
    }
}
