#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocation policy for streaming large checkpoints.
package enum MemoryPolicy {
    /// Makes glibc serve allocations of `threshold` bytes and more from their own memory maps,
    /// returned to the system on free. glibc otherwise raises its mmap threshold after the
    /// first large free, and buffers that libraries (libhdf5, zlib) allocate and free per
    /// tensor then pile up in a fragmented heap: converting a 346 MB model to tf_model.h5 peaked
    /// at 254 MB resident without this, 46 MB with it (docs/BENCHMARKS.md).
    package static func returnLargeBuffersToTheSystem(threshold: Int = 1 << 20) {
        #if canImport(Glibc)
        _ = glibcMallopt(glibcMmapThreshold, Int32(clamping: threshold))
        #endif
    }
}

#if canImport(Glibc)
/// `<malloc.h>` is not part of Swift's Glibc module; `mallopt` is a stable glibc symbol.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
/// `M_MMAP_THRESHOLD` from `<malloc.h>`.
private let glibcMmapThreshold: Int32 = -3
#endif
