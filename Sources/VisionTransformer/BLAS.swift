internal import COpenBLAS

/// The one place vitkit calls BLAS: row-major single-precision GEMM.
enum BLAS {
    /// `C[m,n] = alpha * op(A) * op(B) + beta * C`, row-major with leading dimensions.
    ///
    /// `transB: true` reads `B` stored `[n, k]` (PyTorch's `[out, in]` weights) without copying.
    @inline(__always)
    static func gemm(m: Int, n: Int, k: Int, alpha: Float = 1,
                     a: UnsafePointer<Float>, lda: Int, transA: Bool = false,
                     b: UnsafePointer<Float>, ldb: Int, transB: Bool,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}
