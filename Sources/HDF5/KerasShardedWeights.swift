import Tensors

/// transformers' sharded TensorFlow checkpoint (`save_pretrained(max_shard_size:)`):
/// `tf_model.h5.index.json` plus `tf_model-00001-of-0000N.h5` shards, as one tensor source.
///
/// The index maps full weight names (`tf_vi_t_for_image_classification/classifier/kernel:0`)
/// to shard files; each shard's root `layer_names` lists its weights without the model-name
/// component, each the path of a dataset. Tensors are named by the full weight names and
/// listed shard by shard in each shard's `layer_names` order (transformers writes the index
/// with sorted keys, so the model's own order is not recorded).
///
/// Everything is cross-checked when opening, each failure naming the files involved: every
/// index entry's shard exists and lists it; no weight is in two shards; no shard holds a
/// weight the index maps elsewhere or not at all; numbered shards `-k-of-N` are all present;
/// `metadata.total_size`, when given, equals the shards' tensor bytes.
public final class KerasShardedWeights: TensorSource {
    /// The index file.
    public let path: String
    /// `keras-h5-sharded`.
    public var format: String { "keras-h5-sharded" }
    /// Every weight of every shard, named `layer/weight name`.
    public let tensors: [TensorInfo]
    /// `total_size` from the index metadata, when present.
    public let metadata: [(key: String, value: String)]
    /// Shard file paths in shard order.
    public let shardFiles: [String]

    let readers: [String: HDF5Reader]
    let locations: [String: (shard: String, dataset: String)]

    /// The index file name transformers writes.
    public static let indexName = "tf_model.h5.index.json"

    /// Opens a directory holding `tf_model.h5.index.json`, or an index file itself, and
    /// every shard it names.
    ///
    /// - Throws: `.io` for missing files; `.malformed` naming the index and shard files for
    ///   every inconsistency listed above; the errors of `HDF5File` for each shard.
    public init(path: String) throws(CheckpointError) {
        let indexPath = FileSystem.isDirectory(path) ? FileSystem.join(path, Self.indexName) : path
        self.path = indexPath
        let dir = FileSystem.directoryName(of: indexPath)
        let index = try ShardIndex(path: indexPath)
        let fail = { (reason: String) -> CheckpointError in .malformed(file: indexPath, reason: reason) }
        var shardNames = Array(Set(index.weightMap.map(\.file))).sorted()
        try index.checkNumbering(shardNames)
        var readers: [String: HDF5Reader] = [:]
        var locations: [String: (shard: String, dataset: String)] = [:]
        var tensors: [TensorInfo] = []
        let expected = Dictionary(grouping: index.weightMap, by: \.file)
        var fullName: [String: String] = [:]
        for entry in index.weightMap {
            let stripped = KerasLayout.stripModelName(entry.name)
            if let other = fullName.updateValue(entry.name, forKey: stripped) {
                throw fail("weights '\(other)' and '\(entry.name)' would both be stored as '\(stripped)'")
            }
        }
        var totalBytes = 0
        for shard in shardNames {
            let shardPath = FileSystem.join(dir, shard)
            guard FileSystem.exists(shardPath) else {
                throw fail("shard '\(shard)' named in the weight map is missing (\(shardPath))")
            }
            let reader = try HDF5Reader(path: shardPath)
            let root = try reader.openRoot()
            guard let listed = try KerasLayout.stringList(root.id, KerasLayout.layerNames, at: reader.location("/")) else {
                throw .malformed(file: shardPath, reason: "shard has no 'layer_names' attribute")
            }
            let mapped = Set((expected[shard] ?? []).map(\.name))
            for stripped in listed {
                guard let name = fullName[stripped] else {
                    throw fail("shard '\(shard)' holds '\(stripped)', which the weight map does not list")
                }
                if let other = locations[name] {
                    throw fail("weight '\(name)' is in two shards: '\(other.shard)' and '\(shard)'")
                }
                guard mapped.contains(name) else {
                    throw fail("weight '\(name)' is in shard '\(shard)' but the weight map says '\(index.file(of: name) ?? "?")'")
                }
                let info = try reader.dataset(at: "/" + stripped)
                tensors.append(TensorInfo(name: name, dtype: info.dtype, shape: info.shape))
                locations[name] = (shard, "/" + stripped)
                totalBytes += info.byteCount
            }
            for name in mapped.sorted() where locations[name] == nil {
                throw fail("the weight map puts '\(name)' in shard '\(shard)', which does not list it")
            }
            readers[shard] = reader
        }
        if let total = index.totalSize, total != totalBytes {
            throw fail("metadata.total_size is \(total) but the shards hold \(totalBytes) bytes of tensors")
        }
        shardNames = shardNames.map { FileSystem.join(dir, $0) }
        shardFiles = shardNames
        self.tensors = tensors
        self.readers = readers
        self.locations = locations
        metadata = index.totalSize.map { [("total_size", String($0))] } ?? []
    }

    /// The top-level Keras layer of weight `name` (`vit`, `classifier`), or nil if unknown.
    /// The index and every shard file.
    public var files: [String] { [path] + shardFiles }

    /// The top-level Keras layer holding weight `name`, if any.
    public func layer(of name: String) -> String? {
        guard let dataset = locations[name]?.dataset else { return nil }
        return dataset.split(separator: "/").first.map(String.init)
    }

    /// The shard file holding weight `name`.
    public func shardFile(of name: String) -> String? {
        locations[name].map { FileSystem.join(FileSystem.directoryName(of: path), $0.shard) }
    }

    /// Reads weight `name` from its shard.
    ///
    /// - Throws: `CheckpointError.unknownTensor` when no shard holds `name`; whatever reading it
    ///   from its shard throws (see `KerasWeightsFile.tensor(named:)`).
    public func tensor(named name: String) throws(CheckpointError) -> Tensor {
        guard let location = locations[name], let reader = readers[location.shard] else {
            throw .unknownTensor(file: path, tensor: name)
        }
        return try reader.read(location.dataset)
    }
}
