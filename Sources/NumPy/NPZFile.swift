import Tensors

/// A `.npz` archive (`np.savez` or `np.savez_compressed`): a ZIP of `.npy` members.
///
/// Tensor names are member names without `.npy`, as numpy's `NpzFile.files` shows them
/// (they may contain `/`), in central-directory order. Opening validates the whole ZIP
/// structure and every member's NPY header without reading array data (a deflated member's
/// first bytes are inflated to reach its header).
///
/// Reading a stored (`np.savez`) member that is little-endian and row-major returns a view
/// into the mapped file (no copy; unaligned); its CRC-32 is checked on every read (several
/// GB/s). A deflated member is inflated in one pass into memory of exactly its declared size,
/// stopping there, and CRC-checked. Big-endian and Fortran-order members are converted into
/// owned little-endian row-major memory.
///
/// Immutable after `init`, so it may be read from several threads at once.
public final class NPZFile: TensorSource {
    /// The path that was opened.
    public let path: String
    /// `npz`.
    public var format: String { "npz" }
    /// Every member array, in central-directory order.
    public let tensors: [TensorInfo]
    /// None: the format carries no metadata.
    public var metadata: [(key: String, value: String)] { [] }
    /// Members vitkit cannot represent (strings, objects, complex, long double, structured),
    /// with the reason: listed, never read; the numeric members still are.
    public let skipped: [(name: String, reason: String)]
    let file: MappedFile
    let members: [Member]
    let index: [String: Int]
    /// The most bytes one deflated member may inflate to (checked against its declared size
    /// before anything is allocated).
    public let maxInflatedBytes: Int
    /// The default `maxInflatedBytes`: 16 GiB, as HDF5's per-dataset limit.
    public static let defaultMaxInflatedBytes = 1 << 34

    struct Member: Sendable {
        var name: String
        var entry: ZIPEntry
        var header: NPYHeader
    }

    /// Opens `path` and validates its ZIP structure and NPY headers.
    ///
    /// - Parameters:
    ///   - bf16FromV2: read members with dtype `<V2` (raw 2-byte void, which is how
    ///     ml_dtypes bfloat16 is saved) as BF16. Without it such members are refused.
    ///   - maxInflatedBytes: reading a deflated member that declares more bytes than this is
    ///     refused before anything is allocated or inflated.
    /// - Throws: `CheckpointError` naming the file (and member) for truncated or malformed
    ///   archives, local headers disagreeing with the central directory, overlapping members,
    ///   impossible compression ratios, unsupported dtypes (pickles, structured arrays), and
    ///   members whose size is not exactly what their header declares.
    public init(path: String, bf16FromV2: Bool = false, maxInflatedBytes: Int = defaultMaxInflatedBytes) throws(CheckpointError) {
        self.path = path
        self.maxInflatedBytes = maxInflatedBytes
        file = try MappedFile(path: path)
        let context = ErrorContext(file: path)
        let archive = try ZIPArchive(file.bytes, context: context)
        var members: [Member] = []
        var index: [String: Int] = [:]
        var skipped: [(name: String, reason: String)] = []
        var seen = Set<String>()  // every member name, numeric or skipped: a second one is refused
        for entry in archive.entries {
            let name = entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name
            guard seen.insert(name).inserted else {
                throw context.member(entry.name).malformed("another member also holds the array '\(name)'")
            }
            let header: NPYHeader
            do {
                header = try Self.readHeader(
                    file.bytes, entry: entry, tensor: name, bf16FromV2: bf16FromV2,
                    context: context.member(entry.name))
            } catch {
                guard case .unsupportedDType(_, _, let dtype) = error else { throw error }
                skipped.append((name, "unsupported dtype \(dtype)"))
                continue
            }
            index[name] = members.count
            members.append(Member(name: name, entry: entry, header: header))
        }
        self.members = members
        self.index = index
        self.skipped = skipped
        tensors = members.map { TensorInfo(name: $0.name, dtype: $0.header.dtype, shape: $0.header.shape) }
    }

    /// Reads one array (see the type's documentation for when it is a mapped view).
    ///
    /// - Throws: `CheckpointError.unknownTensor` for a name not in the archive;
    ///   `.invalidTensor` when the CRC-32 does not match or a deflated member is over
    ///   `maxInflatedBytes`; `.malformed` when a deflate stream is corrupt or inflates to more
    ///   or fewer bytes than declared.
    public func tensor(named name: String) throws(CheckpointError) -> Tensor {
        guard let i = index[name] else { throw .unknownTensor(file: path, tensor: name) }
        let member = members[i]
        let entry = member.entry, header = member.header
        let context = ErrorContext(file: path, member: entry.name)
        if entry.isDeflated {
            guard entry.uncompressedSize <= maxInflatedBytes else {
                throw .invalidTensor(file: path, tensor: name, reason: "deflated member '\(entry.name)' declares \(entry.uncompressedSize) bytes, over the limit of \(maxInflatedBytes) bytes per member; refused before inflating")
            }
            let buffer = try inflateArray(member, context: context)
            return Tensor(
                dtype: header.dtype, shape: header.shape, data: .owned(NPYLayout.normalize(buffer, header: header)))
        }
        try checkCRC(CRC32.update(0, file.bytes.slice(entry.dataRange)), member)
        let range = (entry.dataOffset + header.dataOffset)..<(entry.dataOffset + entry.uncompressedSize)
        let file = self.file
        return NPYLayout.tensor(file.bytes.slice(range), header: header) { .mapped(file, range: range) }
    }

    /// Inflates a member: its header into scratch memory, its array into a buffer of exactly
    /// the declared size; then the stream must end and the CRC match.
    func inflateArray(_ member: Member, context: ErrorContext) throws(CheckpointError) -> OwnedBuffer {
        let entry = member.entry
        let inflater = try Inflater(compressed: file.bytes.slice(entry.dataRange), context: context)
        let head = OwnedBuffer(count: member.header.dataOffset)
        try inflater.fill(head.bytes)
        let buffer = OwnedBuffer(count: member.header.dataByteCount)
        try inflater.fill(buffer.bytes)
        try inflater.finish(declared: entry.uncompressedSize)
        // The compressed bytes are no longer needed: drop their pages from the mapping.
        file.release(entry.dataRange)
        let crc = CRC32.update(
            CRC32.update(0, UnsafeRawBufferPointer(head.bytes)), UnsafeRawBufferPointer(buffer.bytes))
        try checkCRC(crc, member)
        return buffer
    }

    func checkCRC(_ crc: UInt32, _ member: Member) throws(CheckpointError) {
        guard crc == member.entry.crc else {
            throw .invalidTensor(
                file: path, tensor: member.name,
                reason: "member '\(member.entry.name)' fails its CRC-32 check (computed \(hex32(crc)), "
                    + "the archive declares \(hex32(member.entry.crc)))")
        }
    }

    /// Reads a member's NPY header: in place for a stored member, by inflating just the
    /// header bytes for a deflated one.
    static func readHeader(
        _ bytes: UnsafeRawBufferPointer, entry: ZIPEntry, tensor: String, bf16FromV2: Bool, context: ErrorContext
    ) throws(CheckpointError) -> NPYHeader {
        let data = bytes.slice(entry.dataRange)
        if entry.isDeflated {
            let inflater = try Inflater(compressed: data, context: context)
            return try NPYHeader.read(
                size: entry.uncompressedSize, tensor: tensor, bf16FromV2: bf16FromV2, context: context
            ) { (n) throws(CheckpointError) -> [UInt8] in
                let scratch = OwnedBuffer(count: n)
                try inflater.fill(scratch.bytes)
                return Array(scratch.bytes)
            }
        }
        var position = 0
        return try NPYHeader.read(
            size: entry.uncompressedSize, tensor: tensor, bf16FromV2: bf16FromV2, context: context
        ) { (n) throws(CheckpointError) -> [UInt8] in
            defer { position += n }
            return Array(data.slice(position..<(position + n)))
        }
    }
}
