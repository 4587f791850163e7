import Dispatch
import Preprocessing
import Tensors
import ViTModel
#if canImport(Glibc)
import Glibc
#endif

/// `vitkit bench`: how fast a checkpoint loads, preprocesses and runs on this machine.
///
/// Times are medians of `iterations` runs after one warm-up run, in milliseconds, so a
/// noisy machine moves them less than a mean would. Compare against the PyTorch script in
/// `scripts/bench/` run back to back on the same machine: ratios, not absolute times.
public struct ForwardBenchmark: Sendable {
    /// Opening the checkpoint and loading its weights as float32.
    public var loadMilliseconds: Double
    /// Preprocessing one decoded image (resize, crop, rescale, normalise: the pipeline's processor).
    public var preprocessMilliseconds: Double
    /// One forward pass at batch 1.
    public var forwardMillisecondsBatch1: Double
    /// Per image, in a forward pass of `batch` images.
    public var forwardMillisecondsPerImage: Double
    /// The batch of `forwardMillisecondsPerImage`.
    public var batch: Int
    /// Multiply-adds x 2 per second reached at `batch`, in GFLOP/s.
    public var gigaflops: Double
    /// The process's peak resident memory so far, in MB.
    public var peakResidentMegabytes: Double
    /// Threads the forward pass used (`ComputeThreads`).
    public var threads: Int
    /// The arithmetic of the linear layers: `f32` or `bf16` (`f32` when bf16 was asked for
    /// on a CPU without bf16 kernels; `backend` then says so).
    public var compute: String
    /// The matrix library and its kernels, e.g. `onednn brg:avx512_core_bf16 (bf16)` (oneDNN's
    /// name for the kernel of the MLP's first product, which names the instruction set) or `blis-skx`.
    public var backend: String

    /// Measures `path`.
    ///
    /// - Parameters:
    ///   - image: a PNG or JPEG to preprocess; nil uses a generated 640x480 photo-like pattern.
    ///   - compute: the linear layers' arithmetic.
    ///   - processor: the image processor implementation (see `ViTPipeline.init`).
    /// - Throws: `CheckpointError`, `ViTError` or `ImageError` from opening and running;
    ///   `ViTError.input` when the batch cannot fit in the machine's memory.
    public static func measure(path: String, options: ViTCheckpoint.Options = .init(), batch: Int = 8,
                               iterations: Int = 5, image: String? = nil,
                               compute: ComputePrecision = .f32, processor: ImageProcessorKind? = nil) throws -> ForwardBenchmark {
        try measure(path: path, options: options, batch: batch, iterations: iterations, image: image, compute: compute,
                    backend: .onednn, processor: processor)
    }

    /// `measure`, with the matrix library chosen.
    package static func measure(path: String, options: ViTCheckpoint.Options = .init(), batch: Int = 8,
                                iterations: Int = 5, image: String? = nil, compute: ComputePrecision,
                                backend: MatrixBackend, processor: ImageProcessorKind? = nil) throws -> ForwardBenchmark {
        precondition(batch > 0 && iterations > 0, "batch and iterations must be positive")
        let start = now()
        let pipeline = try ViTPipeline(checkpoint: ViTCheckpoint(path: path, options: options), compute: compute,
                                       backend: backend, processor: processor)
        let load = now() - start
        let config = pipeline.checkpoint.config
        let size = pipeline.imageSize
        try checkBatchFits(batch: batch, config: config, size: size)

        let rgb = try image.map { try ImageDecoder.decode(path: $0) } ?? Self.pattern(width: 640, height: 480)
        var pixels: [Float] = []
        let preprocess = median(iterations) { pixels = pipeline.preprocessor.pixelValues(image: rgb) }
        let batched = Array([[Float]](repeating: pixels, count: batch).joined())
        var failure: Error?
        func forward(_ input: [Float], _ n: Int) -> Double {
            median(iterations, warmUp: true) {
                do { _ = try pipeline.forward.run(pixels: input, batch: n, size: size) } catch { failure = error }
            }
        }
        let one = forward(pixels, 1)
        let many = forward(batched, batch)
        if let failure { throw failure }
        return ForwardBenchmark(
            loadMilliseconds: load * 1000, preprocessMilliseconds: preprocess * 1000,
            forwardMillisecondsBatch1: one * 1000, forwardMillisecondsPerImage: many * 1000 / Double(batch), batch: batch,
            gigaflops: flops(config, size: size) * Double(batch) / many / 1e9,
            peakResidentMegabytes: peakResidentMegabytes(), threads: ComputeThreads.count,
            compute: pipeline.forward.compute.rawValue, backend: pipeline.forward.backendDescription)
    }

    /// `bench --json`: `load_ms`, `preprocess_ms`, `forward_ms_b1`, `forward_ms_per_image`,
    /// `batch`, `gflops`, `peak_rss_mb`, `threads`, `compute`, `backend`.
    public var json: JSON {
        func ms(_ v: Double) -> JSON { .double((v * 100).rounded() / 100) }
        return .object([
            ("load_ms", ms(loadMilliseconds)), ("preprocess_ms", ms(preprocessMilliseconds)),
            ("forward_ms_b1", ms(forwardMillisecondsBatch1)), ("forward_ms_per_image", ms(forwardMillisecondsPerImage)),
            ("batch", .int(batch)), ("gflops", ms(gigaflops)), ("peak_rss_mb", ms(peakResidentMegabytes)),
            ("threads", .int(threads)), ("compute", .string(compute)), ("backend", .string(backend)),
        ])
    }

    /// Floating-point operations of one image's forward pass (2 per multiply-add): patch
    /// embedding, every block's projections, MLP and attention products over every token
    /// (class, distillation and register tokens included).
    static func flops(_ c: ViTConfig, size: Int) -> Double {
        let patches = Double((size / c.patchSize) * (size / c.patchSize)), tokens = patches + Double(c.prefixTokens)
        // MLP: fc1 [fc1Outputs, d] (twice the width for SwiGLU), fc2 [d, m].
        let d = Double(c.hiddenSize), m = Double(c.intermediateSize), m1 = Double(c.fc1Outputs)
        let block = 2 * tokens * d * (4 * d + m1 + m) + 4 * tokens * tokens * d
        return Double(c.numHiddenLayers) * block + 2 * patches * d * Double(c.numChannels * c.patchSize * c.patchSize)
    }

    /// A deterministic photo-sized test image.
    static func pattern(width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 { pixels[(y * width + x) * 3 + c] = UInt8((x * 7 + y * 13 + c * 61 + (x ^ y)) & 0xFF) }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Median seconds of `runs` calls of `body` (after one untimed call when `warmUp`).
    static func median(_ runs: Int, warmUp: Bool = false, _ body: () -> Void) -> Double {
        if warmUp { body() }
        let times = (0..<runs).map { _ in
            let t = now()
            body()
            return now() - t
        }.sorted()
        return times[times.count / 2]
    }

    static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
    }
}
