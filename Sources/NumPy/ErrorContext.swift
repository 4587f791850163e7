import Tensors

/// Where a parse is happening, so every error names the file and, inside an archive, the member.
struct ErrorContext: Sendable {
    /// The path that was opened.
    var file: String
    /// The ZIP member name (`a/b.npy`), nil for a plain `.npy` file.
    var member: String?

    init(file: String, member: String? = nil) {
        self.file = file
        self.member = member
    }

    /// The same file, another member.
    func member(_ name: String) -> ErrorContext { ErrorContext(file: file, member: name) }

    /// `.malformed` with the member named first when there is one.
    func malformed(_ reason: String) -> CheckpointError {
        .malformed(file: file, reason: prefixed(reason))
    }

    /// `.unsupported` with the member named first when there is one.
    func unsupported(_ reason: String) -> CheckpointError {
        .unsupported(file: file, reason: prefixed(reason))
    }

    func prefixed(_ reason: String) -> String {
        guard let member else { return reason }
        return "member '\(member)': \(reason)"
    }
}

/// `0x1a2b3c4d`, for CRCs and signatures in messages.
func hex32(_ v: UInt32) -> String {
    let digits = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
