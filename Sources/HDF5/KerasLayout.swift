internal import CHDF5
import Tensors

/// What Keras 2 (`tf_keras` `save_weights`, `hdf5_format.py`) and transformers'
/// `modeling_tf_utils.py` put in their h5 files, shared by the readers and the writer.
///
/// Unsharded (`save_weights_to_hdf5_group`): root attributes `layer_names` (one per
/// top-level layer, in model order), `backend`, `keras_version`; one group per layer
/// (created in sorted name order) whose `weight_names` attribute lists that layer's weights;
/// each weight's dataset at `/<layer>/<weight name>` (intermediate groups created on the
/// way); an extra `top_level_model_weights` group for weights owned by the model itself.
/// String lists are `save_attributes_to_hdf5_group`: one attribute if its numpy array
/// (fixed-length, `count * longest` bytes) fits in 64512 bytes, else split with
/// `np.array_split` into `name0`, `name1`, ...
///
/// Sharded (`save_pretrained(max_shard_size:)`): `tf_model.h5.index.json` maps full weight
/// names to shard files `tf_model-00001-of-0000N.h5`; each shard has only a root
/// `layer_names` listing its weights without the model-name component, each the path of a
/// dataset.
enum KerasLayout {
    static let layerNames = "layer_names"
    static let weightNames = "weight_names"
    static let topLevelGroup = "top_level_model_weights"
    /// Full-model saves (`model.save("x.h5")`) keep the weights under this group.
    static let modelWeightsGroup = "model_weights"
    static let headerLimit = 64512

    /// `load_attributes_from_hdf5_group`: attribute `name`, or else `name0`, `name1`, ...
    /// concatenated; nil when neither form exists.
    static func stringList(_ object: hid_t, _ name: String, at location: HDF5Location) throws(CheckpointError) -> [String]? {
        if try HDF5Attributes.exists(object, name, at: location) {
            return try HDF5Attributes.strings(object, name, at: location)
        }
        var result: [String] = []
        var chunk = 0
        while try HDF5Attributes.exists(object, "\(name)\(chunk)", at: location) {
            result += try HDF5Attributes.strings(object, "\(name)\(chunk)", at: location)
            chunk += 1
            guard chunk <= HDF5Attributes.maxStrings else { break }
        }
        return chunk == 0 ? nil : result
    }

    /// How `save_attributes_to_hdf5_group` splits `values`: nil for one attribute, else the
    /// `np.array_split` chunks (which numpy stores fixed-length, padded to the longest value).
    static func split(_ values: [String]) -> [[String]]? {
        let itemSize = max(values.map { $0.utf8.count }.max() ?? 0, 1)
        var chunks = 1
        while chunkSizes(values.count, chunks).contains(where: { $0 * itemSize > headerLimit }) { chunks += 1 }
        guard chunks > 1 else { return nil }
        var result: [[String]] = []
        var start = 0
        for size in chunkSizes(values.count, chunks) {
            result.append(Array(values[start..<(start + size)]))
            start += size
        }
        return result
    }

    /// `np.array_split(count, chunks)` sizes: the first `count % chunks` get one extra.
    static func chunkSizes(_ count: Int, _ chunks: Int) -> [Int] {
        (0..<chunks).map { count / chunks + ($0 < count % chunks ? 1 : 0) }
    }

    /// transformers' `strip_model_name_and_prefix` without a prefix: drops the model-name
    /// component unless the name contains `model.` or has a single component.
    static func stripModelName(_ name: String) -> String {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.contains("model."), parts.count > 1 else { return name }
        return parts.dropFirst().joined(separator: "/")
    }
}
