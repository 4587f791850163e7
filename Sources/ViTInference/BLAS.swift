internal import CBLIS
import Tensors
import ViTModel
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one place vitkit calls BLAS: row-major single-precision GEMM.
enum BLAS {
    /// Configures BLIS once, before its first use: `ComputeThreads.count` threads, and its
    /// AVX-512 ("skx") kernels on CPUs that have AVX-512 F/DQ/BW/VL.
    ///
    /// BLIS 0.9 picks kernels by CPU model and falls back to its AVX2 ("haswell") kernels
    /// when it cannot tell how many FMA units a newer Xeon has; on these machines the skx
    /// kernels run the ViT-B/16 forward pass ~30% faster (docs/BENCHMARKS.md). BLIS reads the
    /// choice from `BLIS_ARCH_TYPE` when it initialises; a value the user set is kept.
    static let configured: Bool = {
        if getenv("BLIS_ARCH_TYPE") == nil, CPUFeatures.hasAVX512ForBLIS {
            setenv("BLIS_ARCH_TYPE", "skx", 0)
        }
        cblis_set_num_threads(threads)
        return true
    }()

    static var threads: Int { ComputeThreads.count }

    /// Products below this many multiply-adds run on one thread: splitting them costs more
    /// than it saves (attention's per-head products, every product of a small model).
    static let parallelThreshold = 1 << 22

    /// Serialises BLIS calls process-wide and remembers the thread count last set.
    ///
    /// BLIS's thread teams wait for each other in spin barriers; two teams from concurrent
    /// callers on a 2-core machine spin against each other for seconds. One product at a time
    /// (each using every core when it is large) is never slower and cannot oversubscribe.
    static let threadCount = Mutex<Int>(0)

    /// `C[m,n] = alpha * op(A) * op(B) + beta * C`, row-major with leading dimensions.
    ///
    /// `transB: true` reads `B` stored `[n, k]` (PyTorch's `[out, in]` weights) without copying.
    @inline(__always)
    static func gemm(m: Int, n: Int, k: Int, alpha: Float = 1,
                     a: UnsafePointer<Float>, lda: Int, transA: Bool = false,
                     b: UnsafePointer<Float>, ldb: Int, transB: Bool,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = configured
        let want = m * n * k >= parallelThreshold ? threads : 1
        threadCount.withLock { current in
            if current != want {
                cblis_set_num_threads(want)
                current = want
            }
            cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
    }
}
