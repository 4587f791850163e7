internal import CDNNL

/// Row loops of vitkit's own kernels run on the OpenMP team oneDNN's primitives use: the same
/// `ComputeThreads.count` threads, already awake between two primitives, so the forward pass
/// never has more runnable threads than cores (a Dispatch worker beside OpenMP's spinning
/// threads would be a third on two cores).
enum OpenMPTeam {
    /// Runs `body` over `[0, n)` in one contiguous chunk per thread of the team, or over all of it
    /// on the calling thread when `n < minimum`, one thread is configured, or no OpenMP runtime is
    /// loaded. Returns when every chunk is done.
    static func forEachChunk(_ n: Int, minimum: Int, _ body: (Range<Int>) -> Void) {
        let threads = ComputeThreads.count
        guard threads > 1, n >= minimum else { body(0..<n); return }
        withoutActuallyEscaping(body) { body in
            var job = Job(count: n, body: body)
            let ran = withUnsafeMutablePointer(to: &job) { job in
                cdnnl_omp_parallel({ raw in
                    guard let job = raw?.assumingMemoryBound(to: Job.self).pointee else { return }
                    let t = Int(cdnnl_omp_thread_num()), k = max(Int(cdnnl_omp_num_threads()), 1)
                    let start = job.count * t / k, end = job.count * (t + 1) / k
                    if start < end { job.body(start..<end) }
                }, job, UInt32(threads))
            }
            if ran == 0 { body(0..<n) }
        }
    }

    private struct Job {
        let count: Int
        let body: (Range<Int>) -> Void
    }
}
