import Tensors

extension ContainerDetection {
    /// NumPy and HDF5 containers (wired when those targets land).
    static func openOther(_ path: String, options: Checkpoint.Options) throws(CheckpointError) -> any TensorSource {
        throw .unsupported(file: path, reason: "this container is not supported yet")
    }
}
