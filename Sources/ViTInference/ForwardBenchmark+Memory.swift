import ViTModel

#if canImport(Glibc)
import Glibc
#endif

extension ForwardBenchmark {
    /// Bytes the benchmark's batch of `batch` images at `size` pixels needs at least: the
    /// float32 pixels (the copies the batch is built from, and the batch) and the forward
    /// pass's per-token buffers (residual stream, its normed copy, q, k, v, attention context,
    /// the MLP's hidden rows); nil when the count overflows.
    static func batchBytes(batch: Int, config c: ViTConfig, size: Int) -> Int? {
        let grid = size / max(c.patchSize, 1)
        let tokens = grid * grid + c.prefixTokens
        let pixels = 2 * c.numChannels * size * size
        let perToken = 6 * c.hiddenSize + c.fc1Outputs
        guard case (let activations, false) = tokens.multipliedReportingOverflow(by: perToken),
              case (let perImage, false) = (pixels + activations).multipliedReportingOverflow(by: MemoryLayout<Float>.size),
              case (let total, false) = perImage.multipliedReportingOverflow(by: batch) else { return nil }
        return total
    }

    /// The machine's physical memory in bytes (`sysconf`), nil when unknown.
    static func physicalMemory() -> Int? {
        #if canImport(Glibc)
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return nil }
        return pages.multipliedReportingOverflow(by: pageSize).overflow ? .max : pages * pageSize
        #else
        return nil
        #endif
    }

    /// Throws when a batch of `batch` images cannot fit in this machine's memory, before any
    /// of it is allocated (`bench --batch 1000000` built a 49 GB pixel array, then the rest).
    ///
    /// - Throws: `ViTError.input` with the batch, the bytes it needs and the memory there is.
    static func checkBatchFits(batch: Int, config: ViTConfig, size: Int) throws(ViTError) {
        guard let memory = physicalMemory() else { return }
        let need = batchBytes(batch: batch, config: config, size: size)
        guard let need, need <= memory else {
            let gb = { (bytes: Int) in String(Double(bytes / 1_000_000) / 1000) }
            throw .input("a batch of \(batch) images at \(size) px needs "
                + (need.map { "at least \(gb($0)) GB" } ?? "more bytes than a 64-bit count")
                + " for its pixels and activations, more than this machine's \(gb(memory)) GB of memory")
        }
    }
}
