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
    ///   - late: one more `__metadata__` value, filled in after the tensors (see `LateMetadata`).
    ///   - tensorFor: returns the tensor for an entry; its dtype and shape must match.
    /// - Throws: `CheckpointError` on a duplicate or reserved (`__metadata__`) name, a shape
    ///   that overflows, a tensor that does not match its entry, an I/O failure, or whatever
    ///   `tensorFor` throws (and `late.value()`, as `CheckpointError.io` unless it is one);
    ///   the destination is then left untouched.
    public static func write(
        to path: String,
        entries: [TensorInfo],
        metadata: [(key: String, value: String)] = [],
        late: LateMetadata? = nil,
        tensorFor: (TensorInfo) throws(CheckpointError) -> Tensor
    ) throws(CheckpointError) {
        let ordered = entries.sorted { a, b in
            a.dtype.byteSize != b.dtype.byteSize ? a.dtype.byteSize > b.dtype.byteSize : a.name < b.name
        }
        var members: [(String, JSON)] = []
        let allMetadata = metadata + (late.map { [($0.key, $0.placeholder)] } ?? [])
        if !allMetadata.isEmpty {
            members.append(("__metadata__", .object(allMetadata.map { ($0.key, JSON.string($0.value)) })))
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
        // Where the late value goes: after `"key":"` in the metadata (the first member).
        let lateOffset = try late.map { (l) throws(CheckpointError) -> Int in
            let needle = Array((JSON.string(l.key).compactText + ":\"" + l.placeholder + "\"").utf8)
            guard let at = Self.find(needle, in: header) else {
                throw .malformed(file: path, reason: "metadata '\(l.key)' is given twice")
            }
            return 8 + at + needle.count - 1 - l.length
        }

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
        if let late, let lateOffset {
            let value: [UInt8]
            do { value = try late.bytes(file: path) } catch let e as CheckpointError { throw e } catch {
                throw .io(file: path, reason: "\(error)")
            }
            try writer.overwrite(at: lateOffset, with: value)
        }
        try writer.commit()
    }

    /// The first index of `needle` in `haystack`.
    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        return (0...(haystack.count - needle.count)).first { i in haystack[i..<(i + needle.count)].elementsEqual(needle) }
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
