import Dispatch
import Synchronization
import Preprocessing
import Tensors
import ViTInference
import ViTModel

/// One batch of images, decoded and preprocessed.
struct PreparedBatch: Sendable {
    /// Indices (into DATA's items) of the images that decoded, in order.
    var items: [Int] = []
    /// Per distinct preprocessor: `items.count` pixel tensors `[3, S, S]`, concatenated.
    var pixels: [[Float]]
    /// Images that failed to decode, in order.
    var failures: [(item: Int, error: ImageError)] = []
    /// The index of the first item after this batch.
    var end: Int
}

/// Decodes each image once and runs every distinct preprocessor on it; the images of a
/// batch are decoded `threads` at a time.
struct BatchPreparer: Sendable {
    let paths: [String]
    let preprocessors: [ImagePreprocessor]
    let batchSize: Int
    /// Stop a batch at its first failure (the run ends there).
    let strict: Bool
    /// Images decoded in parallel (1: one after the other on the preparing thread).
    let threads: Int

    /// The batch of up to `batchSize` decodable images starting at item `start`.
    func batch(from start: Int) -> PreparedBatch {
        var b = PreparedBatch(pixels: preprocessors.map { _ in [] }, end: start)
        // Room for the images there are, not for `batchSize` (which may be any positive Int).
        let images = min(batchSize, paths.count - start)
        for (k, p) in preprocessors.enumerated() { b.pixels[k].reserveCapacity(images * 3 * p.height * p.width) }
        while b.items.count < batchSize, b.end < paths.count {
            let chunk = b.end..<min(b.end + batchSize - b.items.count, paths.count)
            for (i, decoded) in zip(chunk, decode(chunk)) {
                b.end = i + 1
                switch decoded {
                case .success(let pixels):
                    for k in pixels.indices { b.pixels[k] += pixels[k] }
                    b.items.append(i)
                case .failure(let error):
                    b.failures.append((i, error))
                    if strict { return b }
                }
            }
        }
        return b
    }

    /// Pixels per preprocessor for each image of `range`, in order.
    func decode(_ range: Range<Int>) -> [Result<[[Float]], ImageError>] {
        let one: @Sendable (Int) -> Result<[[Float]], ImageError> = { [paths, preprocessors] i in
            Result { () throws(ImageError) in
                let image = try ImageDecoder.decode(path: paths[i])
                return try preprocessors.map { (p) throws(ImageError) in try p.checkedPixelValues(image: image, name: paths[i]) }
            }
        }
        guard threads > 1, range.count > 1 else { return range.map(one) }
        let slots = Mutex<[Result<[[Float]], ImageError>?]>(Array(repeating: nil, count: range.count))
        DispatchQueue.concurrentPerform(iterations: min(threads, range.count)) { worker in
            for j in stride(from: worker, to: range.count, by: min(threads, range.count)) {
                let r = one(range.lowerBound + j)
                slots.withLock { $0[j] = r }
            }
        }
        return slots.withLock { $0.map { $0! } }
    }
}

/// The result of a batch prepared on another thread, read after the group is waited on.
private final class BatchSlot: @unchecked Sendable {
    var batch: PreparedBatch?
}

extension Evaluation {
    /// Runs `consume` on every batch in order. With `overlap`, batch k+1 is prepared on a
    /// Dispatch worker while `consume` runs on batch k (at most one batch ahead); without,
    /// each batch is prepared on the calling thread just before it is consumed.
    ///
    /// If `consume` throws, the batch in preparation is waited for and dropped.
    static func stream(total: Int, overlap: Bool, prepare: @escaping @Sendable (Int) -> PreparedBatch,
                       consume: (PreparedBatch) throws -> Void) throws {
        guard total > 0 else { return }
        var current = prepare(0)
        while true {
            let more = current.end < total
            let slot = BatchSlot()
            let group = DispatchGroup()
            if more, overlap {
                let start = current.end
                DispatchQueue.global(qos: .userInitiated).async(group: group) { slot.batch = prepare(start) }
            }
            do {
                try consume(current)
            } catch {
                group.wait()
                throw error
            }
            guard more else { return }
            group.wait()
            current = slot.batch ?? prepare(current.end)
        }
    }
}
