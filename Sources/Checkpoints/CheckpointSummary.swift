import Tensors

/// What `vitkit inspect` reports about a checkpoint: tensors (optionally filtered), totals,
/// container metadata and config. Built without reading tensor data.
package struct CheckpointSummary: Sendable {
    package var format: String
    package var path: String
    /// The weights file read (`path` itself unless it is a directory).
    package var weightsPath: String
    /// Other readable weights files in the directory that were not read.
    package var otherWeights: [String]
    /// Listed tensors in container order (after the filter).
    package var tensors: [TensorInfo]
    /// Elements over the listed tensors.
    package var parameters: Int
    /// Bytes over the listed tensors.
    package var bytes: Int
    package var metadata: [(key: String, value: String)]
    package var config: JSON?
    /// Objects the container holds that are not numeric tensors, with the reason.
    package var skipped: [(name: String, reason: String)]
    /// The filter pattern that narrowed `tensors`, if any.
    package var filter: String?

    /// Summarises `checkpoint`, keeping tensors whose name matches `filter` (see `NamePattern`).
    package init(_ checkpoint: Checkpoint, filter: String? = nil) {
        let pattern = filter.map(NamePattern.init)
        let all = checkpoint.source.tensors
        let listed = pattern.map { p in all.filter { p.matches($0.name) } } ?? all
        format = checkpoint.source.format
        path = checkpoint.path
        weightsPath = checkpoint.weightsPath
        otherWeights = checkpoint.otherWeights
        tensors = listed
        parameters = listed.reduce(0) { $0 + $1.elementCount }
        bytes = listed.reduce(0) { $0 + $1.byteCount }
        metadata = checkpoint.source.metadata
        config = checkpoint.config
        skipped = checkpoint.source.skipped
        self.filter = filter
    }

    /// The `--json` form: `format`, `path`, `weights_path`, `other_weights`, `tensors` (`name`,
    /// `dtype`, `shape`, `parameters`, `bytes`), `parameters`, `bytes`, `metadata`, `skipped`
    /// (non-numeric objects) when there are any, and `config` when known.
    package var json: JSON {
        var members: [(String, JSON)] = [
            ("format", .string(format)),
            ("path", .string(path)),
            ("weights_path", .string(weightsPath)),
            ("other_weights", .array(otherWeights.map { JSON.string($0) })),
            ("tensors", .array(tensors.map { t in
                .object([
                    ("name", .string(t.name)),
                    ("dtype", .string(t.dtype.rawValue)),
                    ("shape", .array(t.shape.map { JSON.int($0) })),
                    ("parameters", .int(t.elementCount)),
                    ("bytes", .int(t.byteCount)),
                ])
            })),
            ("parameters", .int(parameters)),
            ("bytes", .int(bytes)),
            ("metadata", .object(metadata.map { ($0.key, JSON.string($0.value)) })),
        ]
        if !skipped.isEmpty {
            members.append(("skipped", .array(skipped.map { .object([("name", .string($0.name)), ("reason", .string($0.reason))]) })))
        }
        if let filter { members.append(("filter", .string(filter))) }
        if let config { members.append(("config", config)) }
        return .object(members)
    }
}
