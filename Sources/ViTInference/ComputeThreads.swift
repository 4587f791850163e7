import Synchronization
import Tensors

/// How many threads the forward pass uses: BLAS products and the element-wise kernels.
///
/// Process-wide, because BLIS keeps one thread team per process. The default is every
/// online processor.
public enum ComputeThreads {
    private static let limit = Atomic<Int>(0)

    /// The threads in use: the limit set, at most the processors online.
    public static var count: Int {
        let l = limit.load(ordering: .relaxed)
        return l > 0 ? min(l, Processors.online) : Processors.online
    }

    /// Limits the forward pass to `threads` (nil: every processor). Takes effect for the
    /// next product.
    public static func limit(to threads: Int?) {
        limit.store(max(threads ?? 0, 0), ordering: .relaxed)
    }
}
