/// What a checkpoint declares about one tensor, known without reading its data.
public struct TensorInfo: Sendable, Hashable {
    /// The name as the container spells it (safetensors key, npz member without `.npy`,
    /// HDF5 weight name).
    public var name: String
    public var dtype: DType
    /// Row-major dimensions, outermost first.
    public var shape: [Int]

    public init(name: String, dtype: DType, shape: [Int]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }

    /// Number of elements (validated by the reader that produced this value).
    public var elementCount: Int { Shape.elementCount(shape) ?? 0 }
    /// Bytes of data the tensor occupies.
    public var byteCount: Int { Shape.byteCount(shape, dtype) ?? 0 }
}
