/// A tensor without a name: dtype, row-major shape and its bytes (little-endian).
///
/// A `Tensor` is a value; copies share the same bytes, which vitkit fills before it wraps
/// them and never writes afterwards, so tensors may be passed between threads freely.
/// `data` holds exactly `Shape.byteCount(shape, dtype)` bytes: the public initializers
/// check it, and the properties can only be set inside this package.
public struct Tensor: Sendable {
    /// The element type.
    public package(set) var dtype: DType
    /// Row-major dimensions, outermost first.
    public package(set) var shape: [Int]
    /// The bytes: `elementCount * dtype.byteSize` of them, little-endian, row-major.
    public package(set) var data: TensorData

    /// Wraps `data` after checking that it holds exactly what `dtype` and `shape` call for.
    ///
    /// - Throws: `CheckpointError.invalidTensor` when a dimension is negative or the byte
    ///   count overflows `Int`; `CheckpointError.sizeMismatch` (sizes in bytes) when
    ///   `data.count` differs from it. Both name the file `<memory>`.
    public init(dtype: DType, shape: [Int], validating data: TensorData) throws(CheckpointError) {
        guard let size = Shape.byteCount(shape, dtype) else {
            throw .invalidTensor(
                file: "<memory>", tensor: "", reason: "shape \(Shape.describe(shape)) of \(dtype.rawValue) overflows")
        }
        guard data.count == size else {
            throw .sizeMismatch(file: "<memory>", tensor: "", expected: size, found: data.count)
        }
        self.init(dtype: dtype, shape: shape, data: data)
    }

    /// Wraps `data` unchecked; the caller guarantees `data.count == elementCount * dtype.byteSize`.
    ///
    /// Package-only on purpose: the readers build tensors from sizes they have already
    /// validated against the file (no second check on the hot path), and tests build
    /// deliberately mismatched tensors to prove that every writer refuses them (e.g.
    /// `KerasWeightsWriterTests`, a 4-element f32 tensor over 8 bytes). A
    /// precondition here would trap those tests, and a throwing init would touch every
    /// caller; users get `init(dtype:shape:validating:)` instead.
    package init(dtype: DType, shape: [Int], data: TensorData) {
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// Number of elements (0 for a shape whose count overflows or has a negative dimension).
    public var elementCount: Int { Shape.elementCount(shape) ?? 0 }

    /// A float32 tensor holding `values` (copied) with `shape`.
    ///
    /// Traps unless `shape`'s element count equals `values.count`.
    public init(floats values: [Float], shape: [Int]) {
        precondition(Shape.elementCount(shape) == values.count, "shape does not match value count")
        let buffer = OwnedBuffer(count: values.count * 4)
        values.withUnsafeBytes { buffer.bytes.copyMemory(from: $0) }
        self.init(dtype: .f32, shape: shape, data: .owned(buffer))
    }
}
