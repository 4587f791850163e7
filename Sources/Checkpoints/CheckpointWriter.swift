import HDF5
import NumPy
import SafeTensors
import Tensors

/// Writes tensors into one container file: the writing counterpart of `Checkpoint.open`.
///
/// Tensors are pulled one at a time from `tensorFor`, in the order the container stores
/// them, so memory stays near the largest tensor. The file is written atomically (a hidden
/// temporary beside it, renamed into place); check the destination with `OutputGuard` first.
public enum CheckpointWriter {
    /// The container and what it needs besides the tensors.
    public enum Format {
        /// A safetensors file; `metadata` becomes `__metadata__` (transformers requires
        /// `format: pt`).
        case safetensors(metadata: [(key: String, value: String)])
        /// A NumPy `.npz`: stored members (`np.savez`) or deflated (`np.savez_compressed`).
        case npz(compressed: Bool)
        /// A single-array NumPy `.npy` (header byte-identical to `np.save`); exactly one entry.
        case npy
        /// A Keras 2 weights file (`save_weights` layout, as transformers' TF models write):
        /// each top-level layer with its weight names, in the order Keras lists them.
        case kerasWeights(layers: [(layerName: String, weightNames: [String])])
        /// A Keras 3 weights file (`.weights.h5`, keras-hub's `model.weights.h5`): each entry
        /// a dataset at its name (`layers/.../vars/0`), no attributes.
        case keras3Weights
    }

    /// Writes `entries` to `path` in `format`, atomically (a temporary beside `path`, renamed
    /// into place when complete).
    ///
    /// This is the container writer: it does not know which files `tensorFor` reads, so it
    /// does not refuse a `path` that is one of them. Check the destination first with
    /// `OutputGuard.check(_:inputs:replace:output:)` (with `Checkpoint.inputFiles`), as
    /// `Conversion.convert` does.
    ///
    /// - Parameter tensorFor: the data of an entry; its dtype and shape must match it.
    /// - Throws: `CheckpointError` for a tensor that does not match its entry, a dtype the
    ///   container cannot hold (bf16 in HDF5), or an I/O failure (nothing is left behind);
    ///   whatever `tensorFor` throws, unchanged.
    public static func write(to path: String, format: Format, entries: [TensorInfo],
                             tensorFor: (TensorInfo) throws -> Tensor) throws {
        switch format {
        case .safetensors(let metadata):
            var failure: Error?
            do {
                try SafeTensorsWriter.write(to: path, entries: entries, metadata: metadata) { (info) throws(CheckpointError) -> Tensor in
                    do { return try tensorFor(info) } catch let e as CheckpointError { throw e } catch {
                        failure = error
                        throw CheckpointError.io(file: path, reason: "\(error)")
                    }
                }
            } catch {
                throw failure ?? error
            }
        case .npy:
            guard entries.count == 1 else {
                throw CheckpointError.malformed(file: path, reason: "an .npy file holds one array, not \(entries.count)")
            }
            try NPYWriter.write(tensorFor(entries[0]), to: path)
        case .npz(let compressed):
            let writer = try NPZWriter(path: path, compressed: compressed)
            for info in entries { try writer.append(name: info.name, tensor: tensorFor(info)) }
            try writer.commit()
        case .kerasWeights(let layers):
            let byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let writer = try KerasWeightsWriter(destination: path, layers: layers)
            for name in layers.flatMap(\.weightNames) {
                guard let info = byName[name] else { throw CheckpointError.unknownTensor(file: path, tensor: name) }
                try writer.write(weightName: name, tensor: tensorFor(info))
            }
            try writer.commit()
        case .keras3Weights:
            let writer = try KerasWeightsWriter(keras3Destination: path, datasets: entries.map(\.name))
            for info in entries { try writer.write(weightName: info.name, tensor: tensorFor(info)) }
            try writer.commit()
        }
    }
}
