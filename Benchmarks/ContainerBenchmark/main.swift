// vitkit-container-bench: open/list and read-all timings for any checkpoint files, and
// optionally npz writing (not a test; numbers go to docs/BENCHMARKS.md).
//
//   vitkit-container-bench FILE... [--write-npz DIR]
//
// For each FILE: open + list (median of 5), then read every tensor twice (first touch, then
// warm; every page of a mapped view is touched) reporting MB/s. With --write-npz, the first FILE's tensors are written to DIR as a
// stored and a deflated npz (streaming, fsync included).
import Checkpoints
import Dispatch
import NumPy
import Tensors

func milliseconds<R>(_ body: () throws -> R) rethrows -> (R, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let r = try body()
    return (r, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
}

func report(_ what: String, ms: Double, bytes: Int? = nil) {
    let rate = bytes.map { ", \(Int(Double($0) / 1e6 / (ms / 1e3))) MB/s" } ?? ""
    print("\(what): \((ms * 100).rounded() / 100) ms\(rate)")
}

var arguments = Array(CommandLine.arguments.dropFirst())
var writeDir: String?
if let i = arguments.firstIndex(of: "--write-npz"), i + 1 < arguments.count {
    writeDir = arguments[i + 1]
    arguments.removeSubrange(i...(i + 1))
}
if arguments.isEmpty {
    print("usage: vitkit-container-bench FILE... [--write-npz DIR]")
}

for path in arguments {
    var opens: [Double] = []
    for _ in 0..<5 { opens.append(try milliseconds { try Checkpoint.open(path) }.1) }
    let source = try Checkpoint.open(path).source
    report("\(path) (\(source.format)) open + list \(source.tensors.count) tensors, median of 5", ms: opens.sorted()[2])
    var checksum: Float = 0
    for pass in ["read all tensors, first touch", "read all tensors, warm"] {
        let (_, ms) = try milliseconds {
            for info in source.tensors where info.byteCount >= 4 {
                let t = try source.tensor(named: info.name)
                // Touch every page, so that views into mapped files are really read.
                t.data.withUnsafeBytes { raw in
                    for offset in stride(from: 0, to: raw.count - 3, by: 4096) {
                        checksum += raw.loadUnaligned(fromByteOffset: offset, as: Float.self)
                    }
                }
            }
        }
        report("  \(pass)", ms: ms, bytes: source.tensorBytes)
    }
    if checksum.isNaN { print("  (checksum is NaN)") }
}

if let dir = writeDir, let first = arguments.first {
    let source = try Checkpoint.open(first).source
    for compressed in [false, true] {
        let out = FileSystem.join(dir, "written-\(compressed ? "deflated" : "stored").npz")
        let (_, ms) = try milliseconds {
            try NPZWriter.write(names: source.tensors.map(\.name), to: out, compressed: compressed) {
                (name) throws(CheckpointError) in try source.tensor(named: name)
            }
        }
        report("write \(compressed ? "deflated" : "stored") npz (streaming, fsync)", ms: ms, bytes: source.tensorBytes)
    }
}
