import Tensors

/// A sharded safetensors checkpoint (`model.safetensors.index.json` + shard files) read as
/// one tensor source.
///
/// Opening validates every shard and checks the index against the shard headers: every
/// shard named by the map exists, every tensor of a shard is mapped to that shard, no
/// tensor appears in two shards, every mapped tensor is present where the map says, and
/// `metadata.total_size` (when given) equals the shards' tensor bytes.
///
/// Immutable after `init`, so it may be read from several threads at once.
public final class ShardedSafeTensors: TensorSource, Sendable {
    /// The index file that was opened.
    public let path: String
    /// `safetensors-sharded`.
    public var format: String { "safetensors-sharded" }
    /// Shard files in the order they are first named by the index.
    public let shards: [SafeTensorsFile]
    /// Every tensor: shard by shard, each in its data order.
    public let tensors: [TensorInfo]
    /// The index's `metadata` object; values that are not strings as compact JSON text.
    public let metadata: [(key: String, value: String)]
    let location: [String: Int]

    /// The conventional index name transformers writes.
    public static let indexName = "model.safetensors.index.json"

    /// Opens the index file at `indexPath`; shard paths are relative to its directory.
    ///
    /// - Throws: `CheckpointError` naming the index for invalid JSON, a shard name that is
    ///   not a plain file name, a missing shard, or any disagreement between the index and
    ///   the shards (see the type's description); naming a shard for an invalid shard.
    public init(indexPath: String) throws(CheckpointError) {
        path = indexPath
        let dir = FileSystem.directoryName(of: indexPath)
        let index = try ShardIndex(path: indexPath)
        metadata = index.metadata

        var shardNames: [String] = []
        var shardIndex: [String: Int] = [:]
        var mapped: [String: String] = [:]
        for (tensor, name) in index.weightMap {
            mapped[tensor] = name
            if shardIndex[name] == nil {
                shardIndex[name] = shardNames.count
                shardNames.append(name)
            }
        }
        var shards: [SafeTensorsFile] = []
        for name in shardNames {
            let shardPath = FileSystem.join(dir, name)
            guard FileSystem.exists(shardPath) else {
                throw .malformed(file: indexPath, reason: "shard '\(name)' named by the index is missing (\(shardPath))")
            }
            shards.append(try SafeTensorsFile(path: shardPath))
        }
        var location: [String: Int] = [:]
        var infos: [TensorInfo] = []
        for (i, shard) in shards.enumerated() {
            for info in shard.tensors {
                if let other = location[info.name] {
                    throw .malformed(file: indexPath,
                                     reason: "tensor '\(info.name)' is in two shards: \(shards[other].path) and \(shard.path)")
                }
                guard let want = mapped[info.name] else {
                    throw .malformed(file: indexPath, reason: "tensor '\(info.name)' in \(shard.path) is not in the index's weight_map")
                }
                guard want == shardNames[i] else {
                    throw .malformed(file: indexPath,
                                     reason: "index maps '\(info.name)' to \(want) but it is in \(shard.path)")
                }
                location[info.name] = i
                infos.append(info)
            }
        }
        for (tensor, file) in mapped where location[tensor] == nil {
            throw .malformed(file: indexPath, reason: "index maps '\(tensor)' to \(file) but that shard has no such tensor")
        }
        let tensorBytes = infos.reduce(0) { $0 + $1.byteCount }
        if let declared = index.totalSize, declared != tensorBytes {
            throw .malformed(file: indexPath, reason: "metadata.total_size is \(declared) but the shards hold \(tensorBytes) bytes of tensors")
        }
        self.shards = shards
        self.tensors = infos
        self.location = location
    }

    /// The index followed by every shard.
    public var files: [String] { [path] + shards.map(\.path) }

    /// The tensor `name`, as a view into its shard's mapping (no copy).
    ///
    /// - Throws: `CheckpointError.unknownTensor` naming the index when no shard holds `name`.
    public func tensor(named name: String) throws(CheckpointError) -> Tensor {
        guard let i = location[name] else { throw .unknownTensor(file: path, tensor: name) }
        return try shards[i].tensor(named: name)
    }
}
