internal import CDNNL
import ViTModel
import Synchronization

/// oneDNN's LayerNorm over the rows of a dense float32 matrix, with a weight and a bias: its
/// JIT kernels use the CPU's widest vectors, which vitkit's Swift (built for baseline x86-64)
/// cannot. oneDNN 2.6's LayerNorm writes the type it reads, so a bfloat16 destination takes a
/// second primitive, the float32 -> bf16 reorder. One per shape, created on first use.
final class LayerNormPrimitive: @unchecked Sendable {
    private let primitive: dnnl_primitive_t
    private let descriptors: [Int32: dnnl_memory_desc_t]
    /// float32 -> bf16 of the normalised rows, for a bf16 destination.
    private let rounding: dnnl_primitive_t?
    private let roundingDescriptors: [Int32: dnnl_memory_desc_t]

    private struct Key: Hashable { let rows, d: Int, eps: UInt32, dst: TensorLayout.Element }
    private static let cache = Mutex<[Key: LayerNormPrimitive]>([:])

    /// The primitive for `rows x d` float32 rows written as `dst` elements.
    static func get(rows: Int, d: Int, eps: Float, dst: TensorLayout.Element) throws(ViTError) -> LayerNormPrimitive {
        try cache.withLock { (cache) throws(ViTError) -> LayerNormPrimitive in
            let key = Key(rows: rows, d: d, eps: eps.bitPattern, dst: dst)
            if let p = cache[key] { return p }
            let p = try LayerNormPrimitive(rows: rows, d: d, eps: eps, dst: dst)
            cache[key] = p
            return p
        }
    }

    private init(rows: Int, d: Int, eps: Float, dst: TensorLayout.Element) throws(ViTError) {
        var md = try TensorLayout.matrix(rows, d, stride: d).descriptor()
        var stats = try TensorLayout(dims: [rows], strides: [1], element: .f32).descriptor()
        let vector = try TensorLayout(dims: [d], strides: [1], element: .f32).descriptor()
        var desc = dnnl_layer_normalization_desc_t()
        try DNNL.check(dnnl_layer_normalization_forward_desc_init(&desc, dnnl_forward_inference, &md, &stats, eps,
                                                                  dnnl_use_scale.rawValue | dnnl_use_shift.rawValue),
                       "dnnl_layer_normalization_forward_desc_init")
        var descriptors = [DNNL_ARG_SRC: md, DNNL_ARG_DST: md, DNNL_ARG_SCALE: vector, DNNL_ARG_SHIFT: vector]
        primitive = try DNNL.primitive(&desc, "layer normalization for \(rows)x\(d)", descriptors: &descriptors)
        self.descriptors = descriptors
        var rounded: [Int32: dnnl_memory_desc_t] = [:]
        if dst == .bf16 {
            var bf16 = try TensorLayout.matrix(rows, d, stride: d, .bf16).descriptor()
            rounded = [DNNL_ARG_FROM: md, DNNL_ARG_TO: bf16]
            rounding = try DNNL.reorder(from: &md, to: &bf16, descriptors: &rounded)
        } else {
            rounding = nil
        }
        roundingDescriptors = rounded
    }

    deinit {
        dnnl_primitive_destroy(primitive)
        if let rounding { dnnl_primitive_destroy(rounding) }
    }

    /// LayerNorm of every row of `src` with `weight` and `bias` into `normalized` (may be
    /// `src`); for a bf16 destination, then rounded into `dst`.
    func execute(_ src: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                 normalized: UnsafeMutablePointer<Float>, dst: UnsafeMutableRawPointer?, stream: DNNLStream) throws(ViTError) {
        let out = UnsafeMutableRawPointer(normalized)
        try DNNL.execute(primitive, arguments: [(DNNL_ARG_SRC, UnsafeMutableRawPointer(mutating: src)), (DNNL_ARG_DST, out),
                                                (DNNL_ARG_SCALE, UnsafeMutableRawPointer(mutating: weight)),
                                                (DNNL_ARG_SHIFT, UnsafeMutableRawPointer(mutating: bias))],
                         descriptors: descriptors, stream: stream)
        guard let rounding, let dst else { return }
        try DNNL.execute(rounding, arguments: [(DNNL_ARG_FROM, out), (DNNL_ARG_TO, dst)], descriptors: roundingDescriptors, stream: stream)
    }
}
