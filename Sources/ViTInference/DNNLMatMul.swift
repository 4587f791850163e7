internal import CDNNL
import ViTModel
import Synchronization

/// What a product does after `x W + bias`, as oneDNN post-ops in its epilogue.
enum Epilogue: Hashable, Sendable {
    case none
    /// `y = gelu(x W + b)`, exact (erf) or tanh GELU.
    case geluErf, geluTanh
    /// `y += x W + b`: the residual add, a sum post-op on the destination's old values.
    case accumulate
}

/// The weights operand of a product: a strided tensor (attention's keys and values), or
/// a layer's `[out, in]` weights packed once at load into the layout oneDNN picked.
enum WeightsOperand: Hashable, Sendable {
    case strided(TensorLayout)
    case packed(PackedWeights.Layout)
}

/// Everything that selects one oneDNN matmul primitive; primitives are cached by it.
struct MatMulShape: Hashable, Sendable {
    var src: TensorLayout
    var weights: WeightsOperand
    var dst: TensorLayout
    var bias = false
    var epilogue = Epilogue.none
    /// Multiplies the product before bias and post-ops (attention's 1/sqrt(head dim)).
    var scale: Float = 1
}

/// A oneDNN matmul primitive, created once per `MatMulShape` (JIT-compiled kernels) and
/// reused by every layer and call with that shape.
final class MatMulPrimitive: @unchecked Sendable {
    private let primitive: dnnl_primitive_t
    private let descriptors: [Int32: dnnl_memory_desc_t]
    /// oneDNN's name for the kernel it chose, e.g. `brg:avx512_core_bf16`.
    let implementation: String

    private static let cache = Mutex<[MatMulShape: MatMulPrimitive]>([:])

    /// The primitive for `shape`, created on first use.
    static func get(_ shape: MatMulShape) throws(ViTError) -> MatMulPrimitive {
        try cache.withLock { (cache) throws(ViTError) -> MatMulPrimitive in
            if let p = cache[shape] { return p }
            let p = try MatMulPrimitive(shape)
            cache[shape] = p
            return p
        }
    }

    private init(_ shape: MatMulShape) throws(ViTError) {
        let engine = try DNNL.requireEngine()
        var src = try shape.src.descriptor(), dst = try shape.dst.descriptor()
        var weights: dnnl_memory_desc_t
        switch shape.weights {
        case .strided(let layout): weights = try layout.descriptor()
        case .packed(let layout): weights = try PackedWeights.descriptor(layout)
        }
        let n = shape.dst.dims[shape.dst.dims.count - 1]
        var bias = try TensorLayout(dims: Array(repeating: 1, count: shape.dst.dims.count - 1) + [n],
                                    strides: Array(repeating: n, count: shape.dst.dims.count - 1) + [1],
                                    element: .f32).descriptor()
        var desc = dnnl_matmul_desc_t()
        let status = shape.bias ? dnnl_matmul_desc_init(&desc, &src, &weights, &bias, &dst)
                                : dnnl_matmul_desc_init(&desc, &src, &weights, nil, &dst)
        try DNNL.check(status, "dnnl_matmul_desc_init")
        let attr = try Self.attributes(shape)
        defer { dnnl_primitive_attr_destroy(attr) }
        var pd: dnnl_primitive_desc_t?
        try DNNL.check(dnnl_primitive_desc_create(&pd, &desc, attr, engine, nil), "matmul primitive for \(shape.src.dims)x\(shape.dst.dims)")
        defer { dnnl_primitive_desc_destroy(pd) }
        var impl: UnsafePointer<CChar>?
        _ = dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl)
        implementation = impl.map { String(cString: $0) } ?? "unknown"
        var p: dnnl_primitive_t?
        try DNNL.check(dnnl_primitive_create(&p, pd), "dnnl_primitive_create (matmul)")
        primitive = p!
        var d: [Int32: dnnl_memory_desc_t] = [DNNL_ARG_SRC: src, DNNL_ARG_WEIGHTS: weights, DNNL_ARG_DST: dst]
        if shape.bias { d[DNNL_ARG_BIAS] = bias }
        DNNL.addScratchpad(pd, to: &d)
        descriptors = d
    }

    deinit { dnnl_primitive_destroy(primitive) }

    private static func attributes(_ shape: MatMulShape) throws(ViTError) -> dnnl_primitive_attr_t? {
        let attr = try DNNL.attributes()
        if shape.scale != 1 {
            var s = shape.scale
            try DNNL.check(dnnl_primitive_attr_set_output_scales(attr, 1, 0, &s), "dnnl_primitive_attr_set_output_scales")
        }
        guard shape.epilogue != .none else { return attr }
        var ops: dnnl_post_ops_t?
        try DNNL.check(dnnl_post_ops_create(&ops), "dnnl_post_ops_create")
        defer { dnnl_post_ops_destroy(ops) }
        switch shape.epilogue {
        case .none: break
        case .geluErf: try DNNL.check(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_gelu_erf, 0, 0), "gelu_erf post-op")
        case .geluTanh: try DNNL.check(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_gelu_tanh, 0, 0), "gelu_tanh post-op")
        case .accumulate: try DNNL.check(dnnl_post_ops_append_sum(ops, 1), "sum post-op")
        }
        try DNNL.check(dnnl_primitive_attr_set_post_ops(attr, ops), "dnnl_primitive_attr_set_post_ops")
        return attr
    }

    /// Runs the product on `stream`: `dst = epilogue(scale * src x weights + bias)`.
    func execute(src: UnsafeRawPointer, weights: UnsafeRawPointer, bias: UnsafePointer<Float>? = nil,
                 dst: UnsafeMutableRawPointer, stream: DNNLStream) throws(ViTError) {
        var pointers: [(Int32, UnsafeMutableRawPointer)] = [
            (DNNL_ARG_SRC, UnsafeMutableRawPointer(mutating: src)),
            (DNNL_ARG_WEIGHTS, UnsafeMutableRawPointer(mutating: weights)), (DNNL_ARG_DST, dst),
        ]
        if let bias { pointers.append((DNNL_ARG_BIAS, UnsafeMutableRawPointer(mutating: bias))) }
        try DNNL.execute(primitive, arguments: pointers, descriptors: descriptors, stream: stream)
    }
}

extension DNNL {
    /// Attributes every vitkit primitive starts from: a scratchpad the caller provides.
    ///
    /// oneDNN's default scratchpad is one global buffer shared by all primitives, which makes
    /// two forward passes on two threads overwrite each other's temporaries (Debian's build
    /// is not configured for concurrent execution). With a user scratchpad each pass brings
    /// its own (`DNNLStream.scratchpad`).
    static func attributes() throws(ViTError) -> dnnl_primitive_attr_t? {
        var attr: dnnl_primitive_attr_t?
        try check(dnnl_primitive_attr_create(&attr), "dnnl_primitive_attr_create")
        try check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "user scratchpad")
        return attr
    }

    /// Adds the scratchpad descriptor of `pd` (when it needs one) to `descriptors`.
    static func addScratchpad(_ pd: dnnl_primitive_desc_t?, to descriptors: inout [Int32: dnnl_memory_desc_t]) {
        guard let md = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0) else { return }
        var d = md.pointee
        if dnnl_memory_desc_get_size(&d) > 0 { descriptors[DNNL_ARG_SCRATCHPAD] = d }
    }
}

/// A oneDNN stream: primitives run in order on the calling thread's OpenMP team, with this
/// stream's scratchpad (one per forward pass, so concurrent passes never share one).
final class DNNLStream {
    let stream: dnnl_stream_t
    private var scratch: UnsafeMutableRawPointer?
    private var scratchBytes = 0

    /// At least `bytes` of scratch memory, 64-byte aligned, reused by the next call.
    func scratchpad(_ bytes: Int) -> UnsafeMutableRawPointer {
        if bytes > scratchBytes {
            scratch?.deallocate()
            scratch = .allocate(byteCount: bytes, alignment: 64)
            scratchBytes = bytes
        }
        return scratch!
    }

    init() throws(ViTError) {
        var s: dnnl_stream_t?
        try DNNL.check(dnnl_stream_create(&s, try DNNL.requireEngine(), dnnl_stream_default_flags.rawValue), "dnnl_stream_create")
        stream = s!
    }

    deinit {
        dnnl_stream_destroy(stream)
        scratch?.deallocate()
    }
}

extension DNNL {
    /// Executes `primitive` with memory objects wrapping `arguments` (the caller's buffers,
    /// described by `descriptors`) and waits for it.
    static func execute(_ primitive: dnnl_primitive_t, arguments: [(Int32, UnsafeMutableRawPointer)],
                        descriptors: [Int32: dnnl_memory_desc_t], stream: DNNLStream) throws(ViTError) {
        let engine = try requireEngine()
        var args: [dnnl_exec_arg_t] = []
        defer { for a in args { dnnl_memory_destroy(a.memory) } }
        var arguments = arguments
        if var scratch = descriptors[DNNL_ARG_SCRATCHPAD] {
            arguments.append((DNNL_ARG_SCRATCHPAD, stream.scratchpad(dnnl_memory_desc_get_size(&scratch))))
        }
        for (kind, pointer) in arguments {
            var md = descriptors[kind]!
            var memory: dnnl_memory_t?
            try check(dnnl_memory_create(&memory, &md, engine, pointer), "dnnl_memory_create")
            args.append(dnnl_exec_arg_t(arg: kind, memory: memory))
        }
        try check(dnnl_primitive_execute(primitive, stream.stream, Int32(args.count), args), "dnnl_primitive_execute")
        try check(dnnl_stream_wait(stream.stream), "dnnl_stream_wait")
    }
}
