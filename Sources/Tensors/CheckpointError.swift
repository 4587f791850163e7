/// Everything that can be wrong with a checkpoint file, each case naming the file and,
/// where there is one, the tensor, with what was expected and what was found.
///
/// `description` is one sentence suitable for stderr.
public enum CheckpointError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A file or directory could not be opened, read, created or written; `reason` says why
    /// (the system's message, or what was found at the path).
    case io(file: String, reason: String)
    /// The container structure is invalid (bad magic, header, JSON, offsets...).
    case malformed(file: String, reason: String)
    /// The container has no tensor of that name.
    case unknownTensor(file: String, tensor: String)
    /// An element type vitkit cannot read or convert (`dtype` as the file spells it); an
    /// empty `tensor` means the file as a whole.
    case unsupportedDType(file: String, tensor: String, dtype: String)
    /// A tensor's data is not the size its dtype and shape call for; sizes in bytes.
    case sizeMismatch(file: String, tensor: String, expected: Int, found: Int)
    /// A tensor has another shape than the one required (dimensions, outermost first).
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
    /// A tensor's declared data would overflow or does not fit in the file.
    case invalidTensor(file: String, tensor: String, reason: String)
    /// A valid file using a feature vitkit does not support (or refuses, like pickles).
    case unsupported(file: String, reason: String)
    /// A writer's destination exists and the caller did not ask to replace it.
    case destinationExists(file: String)

    /// One sentence naming the file (and tensor), for stderr.
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
        case .destinationExists(let f): "\(f) already exists"
        }
    }
}

extension CheckpointError {
    /// The file the error names.
    public var file: String {
        switch self {
        case .io(let f, _), .malformed(let f, _), .unknownTensor(let f, _), .unsupportedDType(let f, _, _),
             .sizeMismatch(let f, _, _, _), .shapeMismatch(let f, _, _, _), .invalidTensor(let f, _, _),
             .unsupported(let f, _), .destinationExists(let f):
            f
        }
    }

    /// The same error naming `replacement` instead of `prefix` when its file is `prefix` or
    /// lies under it (`prefix/...`): a writer working in a temporary directory reports the
    /// destination the user asked for.
    package func relocated(from prefix: String, to replacement: String) -> CheckpointError {
        let f = file
        let moved: String
        if f == prefix {
            moved = replacement
        } else if f.hasPrefix(prefix + "/") {
            moved = replacement + f.dropFirst(prefix.count)
        } else {
            return self
        }
        switch self {
        case .io(_, let r): return .io(file: moved, reason: r)
        case .malformed(_, let r): return .malformed(file: moved, reason: r)
        case .unknownTensor(_, let t): return .unknownTensor(file: moved, tensor: t)
        case .unsupportedDType(_, let t, let d): return .unsupportedDType(file: moved, tensor: t, dtype: d)
        case .sizeMismatch(_, let t, let e, let x): return .sizeMismatch(file: moved, tensor: t, expected: e, found: x)
        case .shapeMismatch(_, let t, let e, let x): return .shapeMismatch(file: moved, tensor: t, expected: e, found: x)
        case .invalidTensor(_, let t, let r): return .invalidTensor(file: moved, tensor: t, reason: r)
        case .unsupported(_, let r): return .unsupported(file: moved, reason: r)
        case .destinationExists: return .destinationExists(file: moved)
        }
    }
}
