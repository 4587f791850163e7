import Tensors

/// Writes a Keras 2 weight file in the layout transformers' TensorFlow classes load with
/// `from_pretrained` (`tf_model.h5`), streaming one tensor at a time.
///
/// The layout is what `tf_keras` `save_weights` + h5py write (checked against files
/// transformers 4.57 / tf_keras 2.21 / h5py 3.14 produce):
/// - root attributes `layer_names` (variable-length ASCII strings, `[layers]`), `backend`
///   and `keras_version` (scalar variable-length ASCII strings);
/// - one group per layer, created in sorted name order, with a `weight_names` attribute
///   (variable-length strings; split into fixed-length `weight_names0`, `weight_names1`, ...
///   exactly as Keras does once the list exceeds 64512 bytes);
/// - datasets at `/<layer>/<weight name>`, contiguous, little-endian (`<f4` for F32);
/// - an empty `top_level_model_weights` group whose `weight_names` is an empty float64 array.
///
/// The file is written to a hidden temporary file in the destination directory and renamed
/// over `destination` by `commit()` after an fsync; if the writer is dropped first, the
/// temporary file is removed and `destination` is untouched. Errors name `destination`, never
/// the temporary file; after a failed write or commit the HDF5 file is closed at once and the
/// writer only throws.
public final class KerasWeightsWriter {
    /// The file being written (renamed into place by `commit`).
    public let destination: String
    private var writer: HDF5Writer?
    private var temporary: AtomicRename
    private var pending: [String: String]
    private var order: [String]

    /// Starts the file: writes the root attributes and the layer groups with their
    /// `weight_names`.
    ///
    /// - Parameters:
    ///   - layers: top-level layers in model order, each with its weight names in Keras order
    ///     (for a TF ViT: `("vit", ["tf_vi_t_model/vit/embeddings/cls_token:0", ...])`).
    ///   - backend, kerasVersion: the root attributes (transformers ignores them).
    /// - Throws: `.malformed` for empty, repeated or invalid layer/weight names (a component
    ///   that is empty, `.` or `..`; a layer name with `/`); `.io` when the destination
    ///   directory is not writable.
    public init(destination: String, layers: [(layerName: String, weightNames: [String])],
                backend: String = "tensorflow", kerasVersion: String = "2.21.0") throws(CheckpointError) {
        self.destination = destination
        var pending: [String: String] = [:]
        var order: [String] = []
        var seenLayers = Set<String>()
        for (layer, names) in layers {
            guard !layer.isEmpty, !layer.contains("/"), HDF5Path.components(layer) != nil,
                  layer != KerasLayout.topLevelGroup, seenLayers.insert(layer).inserted else {
                throw .malformed(file: destination, reason: "invalid or repeated Keras layer name '\(layer)'")
            }
            for name in names {
                guard HDF5Path.components(name) != nil, !name.hasPrefix("/") else {
                    throw .malformed(file: destination, reason: "invalid weight name '\(name)' in layer '\(layer)'")
                }
                guard pending[name] == nil else {
                    throw .malformed(file: destination, reason: "weight name '\(name)' is listed twice")
                }
                pending[name] = "/\(layer)/\(name)"
                order.append(name)
            }
        }
        self.pending = pending
        self.order = order
        temporary = try AtomicRename(destination: destination)
        let writer = try HDF5Writer(creating: temporary.temporaryPath, reportingAs: destination)
        self.writer = writer
        try Self.writeStringList(writer, "/", KerasLayout.layerNames, layers.map(\.layerName))
        try writer.writeStrings(on: "/", "backend", [backend], scalar: true)
        try writer.writeStrings(on: "/", "keras_version", [kerasVersion], scalar: true)
        for (layer, names) in layers.sorted(by: { $0.layerName < $1.layerName }) {
            try writer.createGroup("/" + layer)
            try Self.writeStringList(writer, "/" + layer, KerasLayout.weightNames, names)
        }
        try writer.createGroup("/" + KerasLayout.topLevelGroup)
        try Self.writeStringList(writer, "/" + KerasLayout.topLevelGroup, KerasLayout.weightNames, [])
    }

    /// Starts a Keras 3 weights file (`model.save_weights("x.weights.h5")`, keras-hub's
    /// `model.weights.h5`): no root or layer attributes, each weight a dataset at its own
    /// path (`layers/<layer path>/vars/<k>`), groups created as needed. Keras 3's loader
    /// (`H5IOStore.get`) finds a layer's variables by that path alone.
    ///
    /// - Throws: `.malformed` for empty, repeated or invalid dataset paths; `.io` when the
    ///   destination directory is not writable.
    public init(keras3Destination destination: String, datasets: [String]) throws(CheckpointError) {
        self.destination = destination
        var pending: [String: String] = [:]
        for name in datasets {
            guard HDF5Path.components(name) != nil, !name.hasPrefix("/"), pending[name] == nil else {
                throw .malformed(file: destination, reason: "invalid or repeated Keras 3 weight path '\(name)'")
            }
            pending[name] = "/" + name
        }
        self.pending = pending
        self.order = datasets
        temporary = try AtomicRename(destination: destination)
        writer = try HDF5Writer(creating: temporary.temporaryPath, reportingAs: destination)
    }

    /// `save_attributes_to_hdf5_group`: one variable-length attribute, or fixed-length chunks.
    static func writeStringList(_ writer: HDF5Writer, _ object: String, _ name: String, _ values: [String]) throws(CheckpointError) {
        guard let chunks = KerasLayout.split(values) else {
            try writer.writeStrings(on: object, name, values)
            return
        }
        for (i, chunk) in chunks.enumerated() {
            try writer.writeStrings(on: object, "\(name)\(i)", chunk, fixedLength: true)
        }
    }

    /// Writes one weight's dataset. Weights may come in any order; each exactly once.
    ///
    /// - Throws: `.unknownTensor` for names not declared in `init` or already written;
    ///   `.unsupportedDType` for BF16/F8 (convert to F32 or F16 first); `.sizeMismatch` when
    ///   the data length does not match the shape.
    public func write(weightName: String, tensor: Tensor) throws(CheckpointError) {
        guard let writer else { throw .io(file: destination, reason: "the writer is closed (committed, or a write failed)") }
        guard let objectPath = pending[weightName] else {
            throw .unknownTensor(file: destination, tensor: weightName)
        }
        do {
            try writer.writeDataset(objectPath, tensor)
        } catch {
            if !writer.isOpen { self.writer = nil }  // libhdf5 failed and the file was closed
            throw error
        }
        pending[weightName] = nil
    }

    /// Closes the file and moves it to `destination`.
    ///
    /// - Throws: `.malformed` naming the weights never written (nothing is renamed; the
    ///   temporary file goes when the writer is dropped); `.io` when flushing, fsync or
    ///   rename fails.
    public func commit() throws(CheckpointError) {
        guard let writer else { throw .io(file: destination, reason: "the writer is closed (committed, or a write failed)") }
        guard pending.isEmpty else {
            let missing = order.filter { pending[$0] != nil }
            let shown = missing.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            throw .malformed(file: destination, reason: "\(missing.count) declared weight(s) never written: \(shown)\(missing.count > 5 ? ", ..." : "")")
        }
        self.writer = nil
        do {
            try writer.close()
        } catch {
            writer.abandon()
            throw error
        }
        try temporary.commit()
    }

}
