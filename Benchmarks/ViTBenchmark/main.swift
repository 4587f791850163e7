// vitkit-bench: measures the forward pass on a checkpoint (not a test; numbers go to
// docs/BENCHMARKS.md). Usage: vitkit-bench CHECKPOINT [--runs N] [--batch B] [--size S] [--full-last-block]
// (--full-last-block: compute every token in the last block, as PyTorch does, to measure the
// class-token-only shortcut; `vitkit bench` is the user-facing benchmark.)
import Dispatch
import ViTInference
import ViTModel

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

var args = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String, _ fallback: Int) -> Int {
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return fallback }
    args.removeSubrange(i...(i + 1))
    return v
}
let runs = option("--runs", 5)
let batch = option("--batch", 1)
let sizeArg = option("--size", 0)
let fullLastBlock = args.contains("--full-last-block")
args.removeAll { $0 == "--full-last-block" }
guard let path = args.first else {
    print("usage: vitkit-bench CHECKPOINT [--runs N] [--batch B] [--size S]")
    exit(2)
}

let t0 = now()
let checkpoint = try ViTCheckpoint(path: path)
let forward = try ViTForward(checkpoint)
let load = now() - t0
let c = checkpoint.config
let size = sizeArg > 0 ? sizeArg : c.imageSize
var rng = SystemRandomNumberGenerator()
let pixels = (0..<(batch * c.numChannels * size * size)).map { _ in Float.random(in: -1...1, using: &rng) }
_ = try forward.run(pixels: pixels, batch: batch, size: size, clsOnlyLastBlock: !fullLastBlock)
var times: [Double] = []
for _ in 0..<runs {
    let t = now()
    _ = try forward.run(pixels: pixels, batch: batch, size: size, clsOnlyLastBlock: !fullLastBlock)
    times.append(now() - t)
}
times.sort()
let tokens = Double((size / c.patchSize) * (size / c.patchSize) + 1)
let d = Double(c.hiddenSize), m = Double(c.intermediateSize)
let flops = Double(batch) * (Double(c.numHiddenLayers) * (2 * tokens * d * (4 * d + 2 * m) + 4 * tokens * tokens * d)
                             + 2 * (tokens - 1) * d * Double(c.numChannels * c.patchSize * c.patchSize))
let median = times[times.count / 2]
print("checkpoint \(path): load \(Int(load * 1000)) ms")
print("batch \(batch) at \(size)px: median \(Int(median * 1000)) ms (\(Int(median * 1000 / Double(batch))) ms/image), best \(Int(times[0] * 1000)) ms, \(Int(flops / median / 1e9)) GFLOP/s over \(runs) runs")
#if canImport(Glibc)
import Glibc
#endif
