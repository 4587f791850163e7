import Foundation
import Testing

@testable import Milvus

/// Where the tests find milvus-lite and Python: `$VITKIT_VENV`, else the repository's `.venv`
/// (`make test` creates it with milvus-lite and pymilvus).
enum TestEnvironment {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let virtualenv = ProcessInfo.processInfo.environment["VITKIT_VENV"] ?? "\(repository)/.venv"
    static let python = "\(virtualenv)/bin/python"

    /// A new empty directory under the system's temporary directory.
    static func temporaryDirectory(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "vitkit-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs the virtualenv's Python with `arguments`; its standard output (it must exit 0).
    static func runPython(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return data
    }

    /// Starts milvus-lite on a new data directory in it.
    static func startServer(_ name: String) async throws -> (MilvusLite, dataDirectory: String) {
        let data = try temporaryDirectory(name)
        let server = try await MilvusLite.start(dataDirectory: data, virtualenv: virtualenv)
        return (server, data)
    }
}

/// One milvus-lite server for the suite that carries this trait, on a temporary data
/// directory, stopped and removed when the suite ends.
struct SharedMilvusServer: SuiteTrait, TestScoping {
    @TaskLocal static var current: MilvusLite?

    func provideScope(for test: Test, testCase: Test.Case?, performing function: () async throws -> Void) async throws {
        let (server, data) = try await TestEnvironment.startServer("milvus-suite")
        defer { try? FileManager.default.removeItem(atPath: data) }
        do {
            try await Self.$current.withValue(server) { try await function() }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// The suite's server.
    static var server: MilvusLite {
        get throws {
            guard let current else { throw MilvusError.milvusLiteFailed(reason: "no suite server", log: "") }
            return current
        }
    }
}

/// Random vectors, seeded (SplitMix64) so a failure can be reproduced.
struct SeededVectors {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` vectors of `dimension` values uniform in [-1, 1).
    mutating func vectors(_ count: Int, dimension: Int) -> [[Float]] {
        (0..<count).map { _ in
            (0..<dimension).map { _ in Float(Double(next() >> 11) / Double(1 << 53) * 2 - 1) }
        }
    }
}

/// Cosine similarity in Double.
func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) {
        dot += Double(x) * Double(y)
        na += Double(x) * Double(x)
        nb += Double(y) * Double(y)
    }
    return dot / (na.squareRoot() * nb.squareRoot())
}
