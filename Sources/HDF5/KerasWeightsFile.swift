import Tensors

/// One weight of a Keras weight file: its stored name and the top-level layer holding it.
public struct KerasWeight: Sendable, Hashable {
    /// The weight name as stored, e.g. `tf_vi_t_model/vit/embeddings/cls_token:0`.
    public var name: String
    /// The top-level Keras layer (h5 group) it belongs to, e.g. `vit` or `classifier`.
    public var layer: String
    /// The weight's element type.
    public var dtype: DType
    /// Row-major dimensions.
    public var shape: [Int]

    /// The name without its first (model-name) component, as transformers matches weights:
    /// `vit/embeddings/cls_token:0` for both `tf_vi_t_model/...` and `tf_vi_t_model_1/...`.
    public var nameWithoutModel: String {
        guard let slash = name.firstIndex(of: "/") else { return name }
        return String(name[name.index(after: slash)...])
    }
}

/// A Keras 2 weight file (`model.save_weights("x.h5")`, transformers' `tf_model.h5`) as a
/// tensor source, tensors in Keras order (`layer_names`, then each layer's `weight_names`)
/// and named by their weight names.
///
/// Reads `layer_names`/`weight_names` in every form Keras and h5py produce: fixed- or
/// variable-length strings, split into `weight_names0`, `weight_names1`, ...; weights of an
/// optional `top_level_model_weights` group; Keras-3 legacy names without `:0`; the weights
/// of full-model saves under `/model_weights`. The `model_config` attribute is never read.
/// All listed datasets are checked when opening (dtype, shape, safety, as `HDF5File` does).
public final class KerasWeightsFile: TensorSource {
    /// The file as given.
    public let path: String
    /// `keras-h5`.
    public var format: String { "keras-h5" }
    /// Every weight, named `layer/weight name` in Keras' order.
    public let tensors: [TensorInfo]
    /// The root attributes `backend` and `keras_version` (when present).
    public let metadata: [(key: String, value: String)]
    /// The top-level layer names in model order.
    public let layerNames: [String]
    /// Every weight in Keras order, with its layer.
    public let weights: [KerasWeight]

    let reader: HDF5Reader
    let datasetPaths: [String: String]
    let layers: [String: String]

    /// Opens `path` and checks that every listed weight has a numeric dataset.
    ///
    /// - Throws: `CheckpointError` naming the file and object: `.malformed` when
    ///   `layer_names` is missing, a listed layer has no group or no `weight_names`, a listed
    ///   weight has no dataset, or a name repeats; `.unsupportedDType` when a weight holds
    ///   strings; plus everything `HDF5File` refuses.
    public init(path: String) throws(CheckpointError) {
        let reader = try HDF5Reader(path: path)
        self.reader = reader
        self.path = path
        let base = try Self.weightsBase(reader)
        guard let baseGroup = try reader.open(base) else { throw reader.location(base).malformed("no such group") }
        guard let layerNames = try KerasLayout.stringList(baseGroup.id, KerasLayout.layerNames, at: reader.location(base)) else {
            throw .malformed(file: path, reason: "not a Keras weight file: no 'layer_names' attribute")
        }
        self.layerNames = layerNames
        var groups = layerNames
        if !layerNames.contains(KerasLayout.topLevelGroup), try reader.open(HDF5Path.join(base, KerasLayout.topLevelGroup)) != nil {
            groups.append(KerasLayout.topLevelGroup)
        }
        var weights: [KerasWeight] = []
        var datasetPaths: [String: String] = [:]
        var layers: [String: String] = [:]
        for layer in groups {
            let groupPath = HDF5Path.join(base, layer)
            guard HDF5Path.components(layer) != nil else {
                throw .malformed(file: path, reason: "layer name '\(layer)' is not a valid HDF5 path")
            }
            guard let group = try reader.open(groupPath) else {
                throw .malformed(file: path, reason: "layer '\(layer)' named by layer_names has no group '\(groupPath)'")
            }
            guard let names = try KerasLayout.stringList(group.id, KerasLayout.weightNames, at: reader.location(groupPath)) else {
                throw .malformed(file: path, reason: "group '\(groupPath)' of layer '\(layer)' has no 'weight_names' attribute")
            }
            for name in names {
                let datasetPath = HDF5Path.join(groupPath, name)
                guard HDF5Path.components(name) != nil else {
                    throw .malformed(file: path, reason: "weight name '\(name)' in layer '\(layer)' is not a valid HDF5 path")
                }
                guard let info = try reader.datasetIfPresent(at: datasetPath) else {
                    throw .malformed(file: path, reason: "weight '\(name)' listed in weight_names of layer '\(layer)' has no dataset '\(datasetPath)'")
                }
                guard datasetPaths[name] == nil else {
                    throw .malformed(file: path, reason: "weight '\(name)' is listed twice (layers '\(layers[name]!)' and '\(layer)')")
                }
                weights.append(KerasWeight(name: name, layer: layer, dtype: info.dtype, shape: info.shape))
                datasetPaths[name] = datasetPath
                layers[name] = layer
            }
        }
        self.weights = weights
        self.datasetPaths = datasetPaths
        self.layers = layers
        tensors = weights.map { TensorInfo(name: $0.name, dtype: $0.dtype, shape: $0.shape) }
        let root = try reader.openRoot()
        var metadata: [(key: String, value: String)] = []
        for key in ["backend", "keras_version"] where try HDF5Attributes.exists(root.id, key, at: reader.location("/")) {
            if let value = try? HDF5Attributes.strings(root.id, key, at: reader.location("/")), value.count == 1 {
                metadata.append((key, value[0]))
            }
        }
        self.metadata = metadata
    }

    /// The top-level layer holding weight `name`, or nil for unknown names.
    public func layer(of name: String) -> String? { layers[name] }

    /// Reads weight `name`.
    ///
    /// - Throws: `.unknownTensor` for names not listed; read errors as `HDF5File`.
    public func tensor(named name: String) throws(CheckpointError) -> Tensor {
        guard let datasetPath = datasetPaths[name] else { throw .unknownTensor(file: path, tensor: name) }
        return try reader.read(datasetPath)
    }

    /// True when `path` is an HDF5 file laid out as a Keras weight file: `layer_names` (or
    /// its split form) at the root or in `/model_weights`, naming groups rather than
    /// datasets (transformers' shard files list datasets). Never throws; false on any error.
    public static func isKerasWeights(_ path: String) -> Bool {
        guard let reader = try? HDF5Reader(path: path), let base = try? weightsBase(reader),
              let group = try? reader.open(base),
              let names = try? KerasLayout.stringList(group.id, KerasLayout.layerNames, at: reader.location(base))
        else { return false }
        guard let first = names.first else { return true }
        guard let object = try? reader.open(HDF5Path.join(base, first)) else { return false }
        return HDF5Reader.isGroup(object.id)
    }

    /// `/`, or `/model_weights` when the root has no `layer_names` but that group exists.
    static func weightsBase(_ reader: HDF5Reader) throws(CheckpointError) -> String {
        let root = try reader.openRoot()
        let plain = try HDF5Attributes.exists(root.id, KerasLayout.layerNames, at: reader.location("/"))
        let split = try HDF5Attributes.exists(root.id, KerasLayout.layerNames + "0", at: reader.location("/"))
        if plain || split { return "/" }
        let alternative = "/" + KerasLayout.modelWeightsGroup
        if let group = try reader.open(alternative), HDF5Reader.isGroup(group.id) { return alternative }
        return "/"
    }
}
