import Foundation
import Testing
import Tensors

import NumPy

/// A measurement, not a timed test: runs only when `VITKIT_NPZ_BENCH` names a directory
/// holding `big-stored.npz` (`np.savez`) and `big-compressed.npz` (`np.savez_compressed`),
/// e.g. 200 random float32 arrays totalling 346 MB (never committed). Prints the numbers
/// (set `VITKIT_NPZ_BENCH_WRITE` too to time writing):
///
///     VITKIT_NPZ_BENCH=/tmp/npzbench swift test -c release -Xswiftc -enable-testing \
///         --filter NPZBenchmark
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["VITKIT_NPZ_BENCH"] != nil))
struct NPZBenchmark {
    let dir = ProcessInfo.processInfo.environment["VITKIT_NPZ_BENCH"] ?? ""

    func time<R>(_ body: () throws -> R) rethrows -> (R, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let r = try body()
        return (r, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }

    func report(_ what: String, ms: Double, bytes: Int? = nil) {
        let rate = bytes.map { String(format: ", %.0f MB/s", Double($0) / 1e6 / (ms / 1e3)) } ?? ""
        print(String(format: "NPZBenchmark: %@: %.2f ms%@", what, ms, rate))
    }

    @Test func openAndRead() throws {
        for name in ["big-stored.npz", "big-compressed.npz"] {
            let path = dir + "/" + name
            var opens: [Double] = []
            for _ in 0..<5 { opens.append(try time { try NPZFile(path: path) }.1) }
            let npz = try NPZFile(path: path)
            report("\(name) open+list \(npz.tensors.count) tensors (median of 5)", ms: opens.sorted()[2])
            var checksum: Float = 0
            for pass in ["first pass, pages not yet mapped", "second pass"] {
                let (_, ms) = try time {
                    for info in npz.tensors {
                        let t = try npz.tensor(named: info.name)
                        t.data.withUnsafeBytes { checksum += $0.loadUnaligned(fromByteOffset: 0, as: Float.self) }
                    }
                }
                report("\(name) read all tensors, \(pass)", ms: ms, bytes: npz.tensorBytes)
            }
            #expect(checksum.isFinite)
        }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["VITKIT_NPZ_BENCH_WRITE"] != nil))
    func write() throws {
        let source = try NPZFile(path: dir + "/big-stored.npz")
        for compressed in [false, true] {
            let out = dir + "/written-\(compressed ? "compressed" : "stored").npz"
            let (_, ms) = try time {
                try NPZWriter.write(names: source.tensors.map(\.name), to: out, compressed: compressed) {
                    (name) throws(CheckpointError) in try source.tensor(named: name)
                }
            }
            report(
                "write \(compressed ? "deflated" : "stored") npz (streaming, fsync)", ms: ms, bytes: source.tensorBytes)
            #expect(try NPZFile(path: out).tensors.count == source.tensors.count)
        }
    }
}
