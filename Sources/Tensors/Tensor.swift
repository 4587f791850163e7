/// A named-less tensor: dtype, row-major shape and its bytes (little-endian).
public struct Tensor: Sendable {
    public var dtype: DType
    /// Row-major dimensions, outermost first.
    public var shape: [Int]
    public var data: TensorData

    /// Wraps `data`; the caller guarantees `data.count == elementCount * dtype.byteSize`.
    public init(dtype: DType, shape: [Int], data: TensorData) {
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// Number of elements.
    public var elementCount: Int { Shape.elementCount(shape) ?? 0 }

    /// A float32 tensor holding `values` (copied) with `shape`.
    public init(floats values: [Float], shape: [Int]) {
        precondition(Shape.elementCount(shape) == values.count, "shape does not match value count")
        let buffer = OwnedBuffer(count: values.count * 4)
        values.withUnsafeBytes { buffer.bytes.copyMemory(from: $0) }
        self.init(dtype: .f32, shape: shape, data: .owned(buffer))
    }
}
