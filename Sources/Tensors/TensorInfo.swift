/// What a checkpoint declares about one tensor, known without reading its data.
///
/// A plain value; writers take a list of them to know what to write before any data.
public struct TensorInfo: Sendable, Hashable {
    /// The name as the container spells it (safetensors key, npz member without `.npy`,
    /// HDF5 weight name).
    public var name: String
    /// The element type.
    public var dtype: DType
    /// Row-major dimensions, outermost first.
    public var shape: [Int]

    /// Describes a tensor; nothing is validated (writers check the shape's size).
    public init(name: String, dtype: DType, shape: [Int]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }

    /// Number of elements (validated by the reader that produced this value; 0 when the
    /// shape has a negative dimension or its count overflows).
    public var elementCount: Int { Shape.elementCount(shape) ?? 0 }
    /// Bytes of data the tensor occupies (0 on overflow, as `elementCount`).
    public var byteCount: Int { Shape.byteCount(shape, dtype) ?? 0 }
}
