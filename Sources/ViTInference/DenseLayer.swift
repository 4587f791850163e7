import ViTModel
import Tensors

/// One linear layer `y = x W^T + b` (`W` stored `[out, in]`), ready for the backend in use:
/// float32 weights for BLIS, or weights packed once for oneDNN (float32 or bfloat16).
struct DenseLayer: Sendable {
    let inputs, outputs: Int
    /// BLIS: the `[out, in]` float32 weights (a view into the mapped file when possible).
    let weight: FloatWeight?
    /// oneDNN: the packed weights.
    let packed: PackedWeights?
    let bias: FloatWeight?

    /// - Parameters:
    ///   - element: bf16 packs bfloat16 weights (oneDNN only); the products then take bfloat16 inputs.
    ///   - referenceRows: rows of a typical product, for oneDNN's choice of packed layout.
    init(weight: Tensor, bias: Tensor?, backend: MatrixBackend, element: TensorLayout.Element,
         referenceRows: Int) throws {
        // [out, in], or a convolution's [out, C, P, P] flattened as the im2col rows are.
        outputs = weight.shape[0]
        inputs = weight.elementCount / max(outputs, 1)
        self.bias = try bias.map { try FloatWeight($0) }
        let floats = try FloatWeight(weight)
        switch backend {
        case .blis:
            self.weight = floats
            packed = nil
        case .onednn:
            packed = try PackedWeights(floats.pointer, k: inputs, n: outputs, element: element, referenceRows: referenceRows)
            self.weight = nil
            weight.data.releaseResidentPages()  // the packed copy is what runs
        }
    }

    /// The element type its products take as input.
    var inputElement: TensorLayout.Element { packed?.layout.element ?? .f32 }

    /// `dst = epilogue(src W^T + b)` over `rows` rows; `src` rows are `lda` elements apart
    /// (of `inputElement`), `dst` rows `ldc` apart (of `dstElement`; bf16 only on oneDNN).
    func apply(_ src: UnsafeRawPointer, lda: Int, rows: Int, into dst: UnsafeMutableRawPointer, ldc: Int,
               dstElement: TensorLayout.Element = .f32, _ epilogue: Epilogue = .none, stream: DNNLStream?) throws(ViTError) {
        if let packed, let stream {
            let shape = MatMulShape(src: .matrix(rows, inputs, stride: lda, packed.layout.element),
                                    weights: .packed(packed.layout), dst: .matrix(rows, outputs, stride: ldc, dstElement),
                                    bias: bias != nil, epilogue: epilogue)
            try MatMulPrimitive.get(shape).execute(src: src, weights: packed.pointer, bias: bias?.pointer, dst: dst,
                                                   stream: stream)
            return
        }
        guard let weight, dstElement == .f32 else { preconditionFailure("BLIS runs float32 products only") }
        let a = src.assumingMemoryBound(to: Float.self), c = dst.assumingMemoryBound(to: Float.self)
        BLAS.gemm(m: rows, n: outputs, k: inputs, a: a, lda: lda, b: weight.pointer, ldb: inputs, transB: true,
                  beta: epilogue == .accumulate ? 1 : 0, c: c, ldc: ldc)
        if let bias { Kernels.addBias(c, rows: rows, d: outputs, ldc: ldc, bias: bias.pointer) }
        // Rows `ldc` apart: one call over the whole block when they are contiguous.
        let (spans, width) = ldc == outputs ? (1, rows * outputs) : (rows, outputs)
        switch epilogue {
        case .geluErf: for r in 0..<spans { Kernels.geluExact(c + r * ldc, count: width) }
        case .geluTanh: for r in 0..<spans { Kernels.geluTanh(c + r * ldc, count: width) }
        case .none, .accumulate: break
        }
    }
}
