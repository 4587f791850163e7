// Milvus search latency: N random vectors of dimension D inserted into a fresh collection,
// then Q single-vector searches of k nearest; prints insert throughput and search p50/p95.
//
//   vitkit-search-bench [--vectors 10000] [--dimension 768] [--queries 200] [-k 10]
//                       [--milvus HOST:PORT | --venv DIR] [--metric cosine]
//
// Without --milvus a milvus-lite is started from DIR/bin (default .venv) on a temporary data
// directory and stopped at the end. Numbers go to docs/BENCHMARKS.md.
import Foundation
import Milvus

func option(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return fallback }
    return args[i + 1]
}

let count = Int(option("--vectors", "10000"))!, dimension = Int(option("--dimension", "768"))!
let queries = Int(option("--queries", "200"))!, k = Int(option("-k", "10"))!
let metric = MilvusMetric(rawValue: option("--metric", "cosine").uppercased()) ?? .cosine

/// Seeded uniform values in [-1, 1) (SplitMix64).
struct Uniform {
    var state: UInt64 = 42
    mutating func next() -> Float {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Float(Double((z ^ (z >> 31)) >> 11) / Double(1 << 53) * 2 - 1)
    }
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((p * Double(sorted.count - 1)).rounded()))]
}

let done = DispatchSemaphore(value: 0)
Task.detached {
    do {
        var server: MilvusLite?
        var data: String?
        let client: MilvusClient
        if let address = CommandLine.arguments.firstIndex(of: "--milvus").map({ CommandLine.arguments[$0 + 1] }) {
            client = try MilvusClient(address: address)
        } else {
            data = NSTemporaryDirectory() + "vitkit-search-bench-\(getpid())"
            server = try await MilvusLite.start(dataDirectory: data!, virtualenv: option("--venv", ".venv"))
            client = try server!.client()
        }
        let name = "search_bench_\(getpid())"
        try await client.createCollection(name, dimension: dimension, metric: metric)
        let paths = (0..<count).map { String(format: "/bench/%06d.png", $0) }
        var uniform = Uniform()
        let vectors = (0..<count).map { _ in (0..<dimension).map { _ in uniform.next() } }
        let clock = ContinuousClock()
        let insert = try await clock.measure {
            try await client.insert(collection: name, paths: paths, vectors: vectors, batchSize: 500)
            try await client.flush(name)
        }
        try await client.load(name)
        var latencies: [Double] = []
        for _ in 0..<5 { _ = try await client.search(collection: name, vectors: [vectors[0]], k: k) }  // warm-up
        for q in 0..<queries {
            let query = vectors[(q * 7919) % count]
            let elapsed = try await clock.measure { _ = try await client.search(collection: name, vectors: [query], k: k) }
            latencies.append(seconds(elapsed) * 1000)
        }
        latencies.sort()
        try await client.dropCollection(name)
        await client.close()
        await server?.stop()
        if let data { try? FileManager.default.removeItem(atPath: data) }
        print(String(format: #"{"vectors": %d, "dimension": %d, "metric": "%@", "insert_seconds": %.3f, "insert_vectors_per_second": %.0f, "queries": %d, "k": %d, "search_ms_p50": %.2f, "search_ms_p95": %.2f, "search_ms_max": %.2f}"#,
                     count, dimension, metric.rawValue, seconds(insert), Double(count) / seconds(insert), queries, k,
                     percentile(latencies, 0.5), percentile(latencies, 0.95), latencies.last!))
    } catch {
        FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
        exit(1)
    }
    done.signal()
}
done.wait()
