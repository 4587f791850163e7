/// A transformers shard index (`model.safetensors.index.json`, `tf_model.h5.index.json`):
/// `{"metadata": {"total_size": N, ...}, "weight_map": {tensor: file}}`. One parser for both
/// sharded readers.
package struct ShardIndex {
    package let path: String
    /// Entries in document order.
    package let weightMap: [(name: String, file: String)]
    /// `metadata.total_size`: the shards' tensor bytes, when the index says.
    package let totalSize: Int?
    /// The `metadata` object; values that are not strings as compact JSON text.
    package let metadata: [(key: String, value: String)]

    /// Reads and validates the index: a JSON object whose `weight_map` maps strings to plain
    /// file names (no directories), at least one entry.
    package init(path: String) throws(CheckpointError) {
        self.path = path
        let bytes = try FileSystem.readFile(path)
        let json: JSON
        do { json = try JSON.parse(bytes) } catch { throw .malformed(file: path, reason: error.description) }
        guard let map = json["weight_map"]?.objectValue else {
            throw .malformed(file: path, reason: "no 'weight_map' object in the shard index")
        }
        var entries: [(name: String, file: String)] = []
        for (name, value) in map {
            guard let file = value.stringValue else {
                throw .malformed(file: path, reason: "weight_map['\(name)'] is not a file name")
            }
            guard !file.isEmpty, !file.contains("/"), file != ".", file != ".." else {
                throw .malformed(file: path, reason: "weight_map['\(name)'] = '\(file)' is not a plain file name in the index's directory")
            }
            entries.append((name, file))
        }
        guard !entries.isEmpty else { throw .malformed(file: path, reason: "the weight map is empty") }
        weightMap = entries
        metadata = (json["metadata"]?.objectValue ?? []).map { ($0.0, $0.1.stringValue ?? $0.1.compactText) }
        if let total = json["metadata"]?["total_size"] {
            guard let value = total.intValue, value >= 0 else {
                throw .malformed(file: path, reason: "metadata.total_size is not a non-negative integer")
            }
            totalSize = value
        } else {
            totalSize = nil
        }
    }

    package func file(of name: String) -> String? { weightMap.first { $0.name == name }?.file }

    /// For shard names of the form `<stem>-00001-of-00003.h5`: all must agree on the stem and
    /// count, and every number from 1 to the count must be used by the weight map.
    package func checkNumbering(_ files: [String]) throws(CheckpointError) {
        let parsed = files.map { ($0, Self.number($0)) }
        let numbered = parsed.compactMap { $0.1 }
        guard !numbered.isEmpty else { return }
        guard numbered.count == files.count else {
            throw .malformed(file: path, reason: "the weight map mixes numbered and unnumbered shard names: \(files.joined(separator: ", "))")
        }
        let first = numbered[0]
        for (file, n) in parsed where n!.stem != first.stem || n!.count != first.count {
            throw .malformed(file: path, reason: "shard '\(file)' does not match '\(files[0])' (different name or shard count)")
        }
        if let bad = numbered.first(where: { $0.index < 1 || $0.index > first.count }) {
            throw .malformed(file: path, reason: "shard number \(bad.index) is outside 1...\(first.count)")
        }
        let used = Set(numbered.map(\.index))
        for k in 1...max(first.count, 1) where !used.contains(k) {
            let missing = "\(first.stem)-\(Self.pad(k))-of-\(Self.pad(first.count)).h5"
            throw .malformed(file: path, reason: "shard '\(missing)' of \(first.count) is never named by the weight map")
        }
    }

    /// `tf_model-00002-of-00005.h5` -> ("tf_model", 2, 5).
    static func number(_ file: String) -> (stem: String, index: Int, count: Int)? {
        guard file.hasSuffix(".h5") else { return nil }
        let body = file.dropLast(3)
        let parts = body.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[parts.count - 2] == "of",
              let index = Int(parts[parts.count - 3]), let count = Int(parts[parts.count - 1]),
              parts[parts.count - 3].allSatisfy(\.isNumber), parts[parts.count - 1].allSatisfy(\.isNumber)
        else { return nil }
        return (parts[..<(parts.count - 3)].joined(separator: "-"), index, count)
    }

    static func pad(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 5 - s.count)) + s
    }
}
