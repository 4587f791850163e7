internal import CBLIS
#if canImport(Glibc)
import Glibc
#endif

/// The one place vitkit calls BLAS: row-major single-precision GEMM.
enum BLAS {
    /// Sets BLIS to one thread per online CPU, once.
    static let configured: Bool = {
        cblis_set_num_threads(max(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 1))
        return true
    }()

    /// `C[m,n] = alpha * op(A) * op(B) + beta * C`, row-major with leading dimensions.
    ///
    /// `transB: true` reads `B` stored `[n, k]` (PyTorch's `[out, in]` weights) without copying.
    @inline(__always)
    static func gemm(m: Int, n: Int, k: Int, alpha: Float = 1,
                     a: UnsafePointer<Float>, lda: Int, transA: Bool = false,
                     b: UnsafePointer<Float>, ldb: Int, transB: Bool,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = configured
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
