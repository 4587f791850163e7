import HDF5
import NumPy
import Tensors

extension ContainerDetection {
    /// NumPy and HDF5 containers: `.npy`, `.npz`, Keras weight files (single or sharded)
    /// and any other HDF5 file.
    static func openOther(_ path: String, options: Checkpoint.Options) throws(CheckpointError) -> any TensorSource {
        switch try kind(of: path) {
        case .npy: return try NPYFile(path: path, bf16FromV2: options.bf16FromV2)
        case .npz: return try NPZFile(path: path, bf16FromV2: options.bf16FromV2, maxInflatedBytes: options.maxInflatedBytes)
        case .hdf5:
            if path.hasSuffix(".index.json") { return try KerasShardedWeights(path: path) }
            if KerasWeightsFile.isKerasWeights(path) { return try KerasWeightsFile(path: path) }
            return try HDF5File(path: path)
        default:
            throw .malformed(file: path, reason: "not a NumPy or HDF5 file")
        }
    }
}
