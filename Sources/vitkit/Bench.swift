import ArgumentParser
import VitKit

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure load, preprocessing and forward-pass speed of a checkpoint on this machine.",
        discussion: """
        Times are medians of --iterations runs after a warm-up. --json keys: load_ms, preprocess_ms, forward_ms_b1,
        forward_ms_per_image, batch, gflops, peak_rss_mb, threads, compute, backend. Compare with
        scripts/bench/torch_bench.py run back to back on the same machine.
        """
    )

    @Argument(help: "Checkpoint (any format).") var checkpoint: String
    @Option(help: "Batch size for the batched measurement.") var batch = 8
    @Option(help: "Timed runs per measurement (the median is reported).") var iterations = 5
    @Option(help: "Threads for the forward pass (default: every processor).") var threads: Int?
    @Option(help: "A PNG or JPEG to preprocess (default: a generated 640x480 image).") var image: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var vit: ViTOptions
    @OptionGroup var computeOptions: ComputeOptions
    @OptionGroup var processorOption: ProcessorOption
    @Option(help: ArgumentHelp("Matrix library: onednn (default) or blis (f32 only), to compare.", valueName: "onednn|blis"))
    var backend: MatrixBackend = .onednn

    func validate() throws {
        try NumericOption.positive(batch, "--batch")
        try NumericOption.positive(iterations, "--iterations")
        try NumericOption.positive(threads, "--threads")
    }

    func run() throws {
        ComputeThreads.limit(to: threads)
        let r = try ForwardBenchmark.measure(path: checkpoint, options: vit.options, batch: batch,
                                             iterations: iterations, image: image, compute: computeOptions.compute,
                                             backend: backend, processor: processorOption.processor)
        if json {
            print(r.json.prettyText)
            return
        }
        func ms(_ v: Double) -> String { v < 10 ? String(Double(Int(v * 100)) / 100) : String(Int(v.rounded())) }
        printText("""
            \(checkpoint): load \(ms(r.loadMilliseconds)) ms, preprocess \(ms(r.preprocessMilliseconds)) ms/image
            forward: batch 1 \(ms(r.forwardMillisecondsBatch1)) ms, batch \(r.batch) \(ms(r.forwardMillisecondsPerImage)) ms/image, \(ms(r.gigaflops)) GFLOP/s
            \(r.threads) threads, \(r.compute) on \(r.backend), peak RSS \(ms(r.peakResidentMegabytes)) MB
            """)
    }
}
