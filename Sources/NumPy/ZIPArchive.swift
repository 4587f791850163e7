import Tensors

/// A ZIP archive's members, validated without reading their data: the central directory,
/// every local header cross-checked against it, and no two members sharing a byte
/// (overlapping members are a zip-bomb technique).
struct ZIPArchive {
    /// Members in central-directory order, with `dataOffset` set. Directory entries (names
    /// ending in `/`, no data) are dropped.
    var entries: [ZIPEntry]

    init(_ bytes: UnsafeRawBufferPointer, context: ErrorContext) throws(CheckpointError) {
        let directory = try ZIPCentralDirectory(bytes, context: context)
        var entries: [ZIPEntry] = []
        var spans: [(range: Range<Int>, name: String)] = []
        var names = Set<String>()
        for var entry in directory.entries {
            let member = context.member(entry.name)
            guard names.insert(entry.name).inserted else { throw member.malformed("the name appears twice") }
            let span = try entry.readLocalHeader(bytes, limit: directory.offset, context: member)
            spans.append((span, entry.name))
            if entry.name.hasSuffix("/") {
                guard entry.uncompressedSize == 0 else { throw member.malformed("a directory entry holds data") }
                continue
            }
            entries.append(entry)
        }
        spans.sort { $0.range.lowerBound < $1.range.lowerBound }
        for (a, b) in zip(spans, spans.dropFirst()) where b.range.lowerBound < a.range.upperBound {
            throw context.malformed(
                "members '\(a.name)' (bytes \(a.range.lowerBound)..<\(a.range.upperBound)) and "
                    + "'\(b.name)' (bytes \(b.range.lowerBound)..<\(b.range.upperBound)) overlap")
        }
        self.entries = entries
    }
}
