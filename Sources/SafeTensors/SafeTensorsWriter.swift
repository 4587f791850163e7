import Tensors

/// Writes safetensors files laid out like the reference serializer: `__metadata__` first,
/// tensors ordered by dtype alignment (largest first) then name, data packed with no gaps,
/// header padded with spaces to a multiple of 8 bytes.
///
/// Tensors are requested one at a time from a closure, so peak memory stays near the largest
/// tensor. The file is written atomically (temp file, fsync, rename).
public enum SafeTensorsWriter {
    /// Writes `entries` to `path`, asking `tensorFor` for each tensor's data in file order.
    ///
    /// - Parameters:
    ///   - entries: name, dtype and shape of every tensor (names must be unique).
    ///   - metadata: written as `__metadata__` when not empty.
    ///   - tensorFor: returns the tensor for an entry; its dtype and shape must match.
    /// - Throws: `CheckpointError` on a duplicate or reserved (`__metadata__`) name, a shape
    ///   that overflows, a tensor that does not match its entry, an I/O failure, or whatever
    ///   `tensorFor` throws; the destination is then left untouched.
    public static func write(
        to path: String,
        entries: [TensorInfo],
        metadata: [(key: String, value: String)] = [],
        tensorFor: (TensorInfo) throws(CheckpointError) -> Tensor
    ) throws(CheckpointError) {
        let ordered = entries.sorted { a, b in
            a.dtype.byteSize != b.dtype.byteSize ? a.dtype.byteSize > b.dtype.byteSize : a.name < b.name
        }
        var members: [(String, JSON)] = []
        if !metadata.isEmpty {
            members.append(("__metadata__", .object(metadata.map { ($0.key, JSON.string($0.value)) })))
        }
        var seen = Set<String>()
        var offset = 0
        for e in ordered {
            guard seen.insert(e.name).inserted else {
                throw .malformed(file: path, reason: "tensor name '\(e.name)' given twice")
            }
            guard e.name != "__metadata__" else { throw .malformed(file: path, reason: "'__metadata__' is reserved") }
            guard let size = Shape.byteCount(e.shape, e.dtype) else {
                throw .invalidTensor(file: path, tensor: e.name, reason: "shape overflows")
            }
            members.append((e.name, .object([
                ("dtype", .string(e.dtype.rawValue)),
                ("shape", .array(e.shape.map { JSON.int($0) })),
                ("data_offsets", .array([.int(offset), .int(offset + size)])),
            ])))
            offset += size
        }
        var header = Array(JSON.object(members).compactText.utf8)
        while header.count % 8 != 0 { header.append(0x20) }

        let writer = try AtomicFileWriter(destination: path)
        var length = UInt64(header.count).littleEndian
        try withUnsafeBytes(of: &length) { b in Result { () throws(CheckpointError) in try writer.write(b) } }.get()
        try writer.write(header)
        for e in ordered {
            let t = try tensorFor(e)
            guard t.dtype == e.dtype, t.shape == e.shape else {
                throw .shapeMismatch(file: path, tensor: e.name, expected: e.shape, found: t.shape)
            }
            guard t.data.count == e.byteCount else {
                throw .sizeMismatch(file: path, tensor: e.name, expected: e.byteCount, found: t.data.count)
            }
            try t.data.withUnsafeBytes { b in Result { () throws(CheckpointError) in try writer.write(b) } }.get()
        }
        try writer.commit()
    }

    /// Writes in-memory tensors (names must be unique), laid out as `write(to:entries:...)`.
    ///
    /// - Throws: `CheckpointError` as `write(to:entries:metadata:tensorFor:)`.
    public static func write(
        to path: String,
        tensors: [(name: String, tensor: Tensor)],
        metadata: [(key: String, value: String)] = []
    ) throws(CheckpointError) {
        var byName: [String: Tensor] = [:]
        for t in tensors { byName[t.name] = t.tensor }
        let entries = tensors.map { TensorInfo(name: $0.name, dtype: $0.tensor.dtype, shape: $0.tensor.shape) }
        try write(to: path, entries: entries, metadata: metadata) { info throws(CheckpointError) in
            guard let t = byName[info.name] else { throw .unknownTensor(file: path, tensor: info.name) }
            return t
        }
    }
}
