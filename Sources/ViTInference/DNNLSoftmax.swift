internal import CDNNL
import ViTModel
import Synchronization

/// oneDNN's softmax over the last axis of a dense float32 tensor, in place or into a bfloat16
/// copy (`--compute bf16`'s attention probabilities); one primitive per shape, created on first use.
final class SoftmaxPrimitive: @unchecked Sendable {
    private let primitive: dnnl_primitive_t
    private let descriptors: [Int32: dnnl_memory_desc_t]

    private struct Key: Hashable { let dims: [Int], dst: TensorLayout.Element }
    private static let cache = Mutex<[Key: SoftmaxPrimitive]>([:])

    /// The primitive for float32 scores of `dims` written as `dst` elements.
    static func get(dims: [Int], dst: TensorLayout.Element = .f32) throws(ViTError) -> SoftmaxPrimitive {
        try cache.withLock { (cache) throws(ViTError) -> SoftmaxPrimitive in
            let key = Key(dims: dims, dst: dst)
            if let p = cache[key] { return p }
            let p = try SoftmaxPrimitive(dims: dims, dst: dst)
            cache[key] = p
            return p
        }
    }

    private init(dims: [Int], dst: TensorLayout.Element) throws(ViTError) {
        var strides = Array(repeating: 1, count: dims.count)
        for i in stride(from: dims.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * dims[i + 1] }
        var md = try TensorLayout(dims: dims, strides: strides, element: .f32).descriptor()
        var dmd = try TensorLayout(dims: dims, strides: strides, element: dst).descriptor()
        var desc = dnnl_softmax_v2_desc_t()
        try DNNL.check(dnnl_softmax_v2_forward_desc_init(&desc, dnnl_forward_inference, dnnl_softmax_accurate, &md, &dmd,
                                                         Int32(dims.count - 1)),
                       "dnnl_softmax_v2_forward_desc_init")
        let attr = try DNNL.attributes()
        defer { dnnl_primitive_attr_destroy(attr) }
        var pd: dnnl_primitive_desc_t?
        try DNNL.check(dnnl_primitive_desc_create(&pd, &desc, attr, try DNNL.requireEngine(), nil), "softmax primitive for \(dims)")
        defer { dnnl_primitive_desc_destroy(pd) }
        var p: dnnl_primitive_t?
        try DNNL.check(dnnl_primitive_create(&p, pd), "dnnl_primitive_create (softmax)")
        primitive = p!
        var d = [DNNL_ARG_SRC: md, DNNL_ARG_DST: dmd]
        DNNL.addScratchpad(pd, to: &d)
        descriptors = d
    }

    deinit { dnnl_primitive_destroy(primitive) }

    /// Softmax of every innermost row of `data`, in place (`dst` nil) or into `dst`.
    func execute(_ data: UnsafeMutablePointer<Float>, into dst: UnsafeMutableRawPointer? = nil, stream: DNNLStream) throws(ViTError) {
        let p = UnsafeMutableRawPointer(data)
        try DNNL.execute(primitive, arguments: [(DNNL_ARG_SRC, p), (DNNL_ARG_DST, dst ?? p)],
                         descriptors: descriptors, stream: stream)
    }
}
