import Tensors

/// A `__metadata__` value known only after the tensors are written (e.g. a digest of the
/// source computed while they stream): `length` placeholder characters are written in the
/// header, and `value()` — called once the last tensor is written — replaces them in place
/// before the file is committed.
public struct LateMetadata: Sendable {
    /// The metadata key.
    public var key: String
    /// The value's length: it must be exactly this many printable ASCII characters (no `"`, no `\`).
    public var length: Int
    /// The value, asked for after the tensors.
    public var value: @Sendable () throws -> String

    public init(key: String, length: Int, value: @escaping @Sendable () throws -> String) {
        self.key = key
        self.length = length
        self.value = value
    }

    /// The placeholder written first: `length` zeros.
    var placeholder: String { String(repeating: "0", count: length) }

    /// The bytes replacing the placeholder, after checking the value fits it exactly.
    func bytes(file: String) throws -> [UInt8] {
        let v = Array(try value().utf8)
        guard v.count == length, v.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) else {
            throw CheckpointError.malformed(file: file, reason: "metadata '\(key)' must be \(length) plain ASCII characters")
        }
        return v
    }
}
