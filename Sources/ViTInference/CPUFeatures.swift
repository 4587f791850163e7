#if canImport(Glibc)
import Glibc
#endif
import ViTModel
import Tensors

/// What the CPU supports, from the kernel's `/proc/cpuinfo` (Linux).
enum CPUFeatures {
    /// The instruction-set flags of the first CPU listed.
    static let flags: Set<Substring> = {
        guard let bytes = try? FileSystem.readStream("/proc/cpuinfo") else { return [] }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " "))
    }()

    /// The BLIS kernel family in use: the `BLIS_ARCH_TYPE` the user set or vitkit chose
    /// (`skx` on AVX-512 CPUs), else BLIS's own choice.
    static var blisKernels: String {
        _ = BLAS.configured
        return getenv("BLIS_ARCH_TYPE").map { String(cString: $0) } ?? "auto"
    }

    /// AVX-512 Foundation, DQ, BW and VL: what BLIS's skx kernels use.
    static var hasAVX512ForBLIS: Bool {
        ["avx512f", "avx512dq", "avx512bw", "avx512vl"].allSatisfy { flags.contains(Substring($0)) }
    }
}
