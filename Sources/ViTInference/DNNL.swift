internal import CDNNL
import ViTModel

/// The one place vitkit calls oneDNN's C API outside its matrix-product wrapper: the CPU
/// engine, status checks, OpenMP threads and the instruction set oneDNN dispatches to.
enum DNNL {
    /// The CPU engine every primitive and memory object belongs to.
    nonisolated(unsafe) static let engine: dnnl_engine_t? = {
        var e: dnnl_engine_t?
        return dnnl_engine_create(&e, dnnl_cpu, 0) == dnnl_success ? e : nil
    }()

    /// Throws `ViTError.computeBackend` naming `call` unless `status` is success.
    static func check(_ status: dnnl_status_t, _ call: @autoclosure () -> String) throws(ViTError) {
        guard status != dnnl_success else { return }
        throw .computeBackend(call: call(), reason: describe(status))
    }

    static func requireEngine() throws(ViTError) -> dnnl_engine_t {
        guard let engine else { throw .computeBackend(call: "dnnl_engine_create", reason: "no CPU engine") }
        return engine
    }

    static func describe(_ s: dnnl_status_t) -> String {
        switch s {
        case dnnl_out_of_memory: "out of memory"
        case dnnl_invalid_arguments: "invalid arguments"
        case dnnl_unimplemented: "no implementation for these shapes or types on this CPU"
        case dnnl_runtime_error: "runtime error"
        default: "status \(s.rawValue)"
        }
    }

    /// Makes the calling thread's next primitives use `ComputeThreads.count` OpenMP threads.
    ///
    /// OpenMP's thread count belongs to the thread that starts a parallel region, so this is
    /// called at the start of every forward pass, on the thread that runs it.
    static func useComputeThreads() {
        _ = cdnnl_set_omp_threads(Int32(ComputeThreads.count))
    }

    /// The instruction set oneDNN's kernels use on this CPU, as oneDNN names its kernels
    /// (`avx512_core`, `avx512_core_bf16`, `avx512_core_amx`, ...).
    static var isa: String {
        switch dnnl_get_effective_cpu_isa() {
        case dnnl_cpu_isa_avx512_core_amx: "avx512_core_amx"
        case dnnl_cpu_isa_avx512_core_bf16: "avx512_core_bf16"
        case dnnl_cpu_isa_avx512_core_vnni: "avx512_core_vnni"
        case dnnl_cpu_isa_avx512_core: "avx512_core"
        case dnnl_cpu_isa_avx2_vnni: "avx2_vnni"
        case dnnl_cpu_isa_avx2: "avx2"
        case dnnl_cpu_isa_avx: "avx"
        case dnnl_cpu_isa_sse41: "sse41"
        case let other: "isa 0x\(String(other.rawValue, radix: 16))"
        }
    }

    /// Whether oneDNN has bf16 matrix kernels here: AVX512-BF16 (`avx512_core_bf16`) or AMX.
    static var hasBF16Kernels: Bool {
        let isa = dnnl_get_effective_cpu_isa()
        return isa == dnnl_cpu_isa_avx512_core_bf16 || isa == dnnl_cpu_isa_avx512_core_amx
    }
}

/// A dense or strided tensor as oneDNN sees it: dimensions, strides in elements, element type.
struct TensorLayout: Hashable, Sendable {
    enum Element: Hashable, Sendable { case f32, bf16 }
    var dims: [Int]
    var strides: [Int]
    var element: Element

    /// A row-major `rows x cols` matrix whose rows are `stride` elements apart.
    static func matrix(_ rows: Int, _ cols: Int, stride: Int, _ element: Element = .f32) -> TensorLayout {
        TensorLayout(dims: [rows, cols], strides: [stride, 1], element: element)
    }

    var dataType: dnnl_data_type_t { element == .f32 ? dnnl_f32 : dnnl_bf16 }

    func descriptor() throws(ViTError) -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        let d = dims.map { dnnl_dim_t($0) }, s = strides.map { dnnl_dim_t($0) }
        let status = dnnl_memory_desc_init_by_strides(&md, Int32(dims.count), d, dataType, s)
        try DNNL.check(status, "dnnl_memory_desc_init_by_strides \(dims)")
        return md
    }
}
