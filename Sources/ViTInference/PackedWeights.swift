internal import CDNNL
import ViTModel
import Synchronization

/// A linear layer's weights packed once, at load, into the blocked layout oneDNN's matmul
/// kernels read (and converted to bf16 for `--compute bf16`), so that no product repacks them.
final class PackedWeights: @unchecked Sendable {
    /// `k x n` weights (`k` inputs, `n` outputs) of one element type. Every layer of that
    /// shape shares one packed layout and therefore one primitive per batch shape.
    struct Layout: Hashable, Sendable {
        let k, n: Int
        let element: TensorLayout.Element
    }

    let layout: Layout
    private let memory: dnnl_memory_t
    /// The packed data (oneDNN's allocation, owned by `memory`).
    let pointer: UnsafeRawPointer

    /// Packs `weight`, PyTorch's `[out, in]` row-major float32 (`n x k`).
    ///
    /// - Parameter referenceRows: the rows (`batch x tokens`) of a typical product; the first
    ///   packing of a `layout` asks oneDNN for its preferred layout (`format_tag_any`) at this
    ///   shape, and every later product of that layout uses it.
    init(_ weight: UnsafePointer<Float>, k: Int, n: Int, element: TensorLayout.Element, referenceRows: Int) throws(ViTError) {
        layout = Layout(k: k, n: n, element: element)
        let engine = try DNNL.requireEngine()
        var packed = try Self.choose(layout, referenceRows: referenceRows)
        var mem: dnnl_memory_t?
        try DNNL.check(dnnl_memory_create(&mem, &packed, engine, cdnnl_memory_allocate()), "dnnl_memory_create (weights)")
        memory = mem!
        var handle: UnsafeMutableRawPointer?
        try DNNL.check(dnnl_memory_get_data_handle(memory, &handle), "dnnl_memory_get_data_handle")
        pointer = UnsafeRawPointer(handle!)
        // [out, in] row-major is the k x n matrix with strides (1, k): oneDNN's "ba".
        var source = try TensorLayout(dims: [k, n], strides: [1, k], element: .f32).descriptor()
        let attr = try DNNL.attributes()
        defer { dnnl_primitive_attr_destroy(attr) }
        var reorder: dnnl_primitive_desc_t?
        try DNNL.check(dnnl_reorder_primitive_desc_create(&reorder, &source, engine, &packed, engine, attr), "weights reorder")
        defer { dnnl_primitive_desc_destroy(reorder) }
        var descriptors = [DNNL_ARG_FROM: source, DNNL_ARG_TO: packed]
        DNNL.addScratchpad(reorder, to: &descriptors)
        var primitive: dnnl_primitive_t?
        try DNNL.check(dnnl_primitive_create(&primitive, reorder), "dnnl_primitive_create (reorder)")
        defer { dnnl_primitive_destroy(primitive) }
        try DNNL.execute(primitive!, arguments: [(DNNL_ARG_FROM, UnsafeMutableRawPointer(mutating: weight)), (DNNL_ARG_TO, handle!)],
                         descriptors: descriptors, stream: DNNLStream())
    }

    deinit { dnnl_memory_destroy(memory) }

    /// Bytes of packed data.
    var byteCount: Int {
        guard let md = Self.chosen.withLock({ $0[layout] }) else { return 0 }
        var d = md.descriptor
        return dnnl_memory_desc_get_size(&d)
    }

    private final class Descriptor: @unchecked Sendable {
        let descriptor: dnnl_memory_desc_t
        init(_ d: dnnl_memory_desc_t) { descriptor = d }
    }

    private static let chosen = Mutex<[Layout: Descriptor]>([:])

    /// The packed layout in use for `layout` (chosen by `init` before any product uses it).
    static func descriptor(_ layout: Layout) throws(ViTError) -> dnnl_memory_desc_t {
        guard let d = chosen.withLock({ $0[layout] }) else {
            throw .computeBackend(call: "packed weights \(layout.k)x\(layout.n)", reason: "no layout chosen")
        }
        return d.descriptor
    }

    private static func choose(_ layout: Layout, referenceRows m: Int) throws(ViTError) -> dnnl_memory_desc_t {
        try chosen.withLock { (chosen) throws(ViTError) -> dnnl_memory_desc_t in
            if let d = chosen[layout] { return d.descriptor }
            let engine = try DNNL.requireEngine()
            var src = try TensorLayout.matrix(m, layout.k, stride: layout.k, layout.element).descriptor()
            var dst = try TensorLayout.matrix(m, layout.n, stride: layout.n).descriptor()
            var any = dnnl_memory_desc_t()
            let dims = [dnnl_dim_t(layout.k), dnnl_dim_t(layout.n)]
            let type = TensorLayout(dims: [], strides: [], element: layout.element).dataType
            try DNNL.check(dnnl_memory_desc_init_by_tag(&any, 2, dims, type, dnnl_format_tag_any), "weights descriptor")
            var desc = dnnl_matmul_desc_t()
            try DNNL.check(dnnl_matmul_desc_init(&desc, &src, &any, nil, &dst), "dnnl_matmul_desc_init (weights layout)")
            var pd: dnnl_primitive_desc_t?
            try DNNL.check(dnnl_primitive_desc_create(&pd, &desc, nil, engine, nil), "matmul \(m)x\(layout.k)x\(layout.n)")
            defer { dnnl_primitive_desc_destroy(pd) }
            guard let md = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0) else {
                throw .computeBackend(call: "dnnl_primitive_desc_query_md", reason: "no weights descriptor")
            }
            chosen[layout] = Descriptor(md.pointee)
            return md.pointee
        }
    }
}
