import Tensors

extension TensorStreamer {
    /// Google JAX npz (wired when the NumPy target lands).
    func writeNPZ(to path: String) throws {
        throw ViTError.conversion("\(path): npz output is not available yet")
    }

    /// Keras h5 (wired when the HDF5 target lands).
    func writeKeras(to path: String) throws {
        throw ViTError.conversion("\(path): tf output is not available yet")
    }
}
