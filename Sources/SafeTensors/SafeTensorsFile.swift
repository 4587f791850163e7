import Tensors

/// A memory-mapped safetensors file. Opening validates the whole header against the file
/// size and reads no tensor data; `tensor(named:)` returns a view into the mapping.
///
/// Immutable after `init`, so it may be read from several threads at once; the mapping
/// lives as long as this object or any tensor read from it.
public final class SafeTensorsFile: TensorSource, Sendable {
    /// The path that was opened.
    public let path: String
    /// `safetensors`.
    public var format: String { "safetensors" }
    /// The validated header: entries with their byte ranges in the file.
    package let header: SafeTensorsHeader
    let file: MappedFile
    let index: [String: Int]
    /// Every tensor, in data order (ascending file offsets).
    public let tensors: [TensorInfo]

    /// Maps and validates `path`.
    ///
    /// - Throws: `CheckpointError` naming the file (and tensor) for every violation of the
    ///   format's rules.
    public init(path: String) throws(CheckpointError) {
        self.path = path
        file = try MappedFile(path: path)
        header = try SafeTensorsHeader.parse(file.bytes, path: path)
        var index: [String: Int] = [:]
        for (i, e) in header.entries.enumerated() { index[e.info.name] = i }
        self.index = index
        tensors = header.entries.map(\.info)
    }

    /// The header's `__metadata__` string pairs, in document order.
    public var metadata: [(key: String, value: String)] { header.metadata }
    /// Entries of dtypes vitkit cannot represent (C64, F6_E2M3, F6_E3M2), with why.
    public var skipped: [(name: String, reason: String)] { header.skipped }

    /// The tensor `name`, as a view into the mapped file (no copy, possibly unaligned).
    ///
    /// - Throws: `CheckpointError.unknownTensor` when the header has no such tensor.
    public func tensor(named name: String) throws(CheckpointError) -> Tensor {
        guard let i = index[name] else { throw .unknownTensor(file: path, tensor: name) }
        let e = header.entries[i]
        return Tensor(dtype: e.info.dtype, shape: e.info.shape, data: .mapped(file, range: e.fileRange))
    }

    /// True when the file starts like a safetensors file (plausible header length and `{`),
    /// without validating it.
    package static func looksLikeSafeTensors(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 9 else { return false }
        let n = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard n <= UInt64(SafeTensorsHeader.maxHeaderLength) else { return false }
        var i = 8
        while i < bytes.count, i < 8 + Int(n), [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        return i < bytes.count && bytes[i] == UInt8(ascii: "{")
    }
}
