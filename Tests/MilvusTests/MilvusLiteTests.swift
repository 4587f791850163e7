import Foundation
import Glibc
import Testing

@testable import Milvus

/// The launcher and failures of the connection: servers of their own, not the suite's.
@Suite(.serialized)
struct MilvusLiteTests {
    @Test func refusedPortIsAClearErrorQuickly() async throws {
        let (socket, port) = try refusingPort()
        defer { close(socket) }
        let client = try MilvusClient(host: "127.0.0.1", port: port, timeout: .seconds(30))
        defer { Task { await client.close() } }
        let started = ContinuousClock.now
        let error = await #expect(throws: MilvusError.self) { try await client.hasCollection("images") }
        #expect(ContinuousClock.now - started < .seconds(5))
        guard case .unreachable("has collection", "127.0.0.1:\(port)", _)? = error else {
            Issue.record("not unreachable: \(String(describing: error))")
            return
        }
        #expect(error!.description.hasPrefix("Milvus has collection failed: cannot reach Milvus at 127.0.0.1:\(port) ("))
    }

    @Test func missingMilvusLiteSaysHowToInstallIt() throws {
        let empty = try TestEnvironment.temporaryDirectory("no-venv")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let error = #expect(throws: MilvusError.self) {
            try MilvusLite.locate(executable: "\(empty)/bin/milvus-lite")
        }
        #expect(error == .milvusLiteMissing(searched: ["\(empty)/bin/milvus-lite"]))
        #expect(error!.description.contains("pip install milvus-lite, or pass --milvus HOST:PORT"))
    }

    @Test func addressesParse() throws {
        #expect(try MilvusClient.parse(address: "127.0.0.1:19530") == ("127.0.0.1", 19530))
        #expect(try MilvusClient.parse(address: "http://localhost:8/") == ("localhost", 8))
        #expect(try MilvusClient.parse(address: "[::1]:19530") == ("::1", 19530))
        #expect(throws: MilvusError.self) { try MilvusClient.parse(address: "localhost") }
        #expect(throws: MilvusError.self) { try MilvusClient.parse(address: "localhost:0") }
    }

    /// pymilvus's headers: "cm9vdDpNaWx2dXM=" is base64 of "root:Milvus" (Python's base64.b64encode).
    @Test func tokenAndDatabaseHeaders() {
        let metadata = MilvusClient.metadata(token: "root:Milvus", database: "images")
        #expect(Array(metadata[stringValues: "authorization"]) == ["cm9vdDpNaWx2dXM="])
        #expect(Array(metadata[stringValues: "dbname"]) == ["images"])
        #expect(MilvusClient.metadata(token: nil, database: nil).isEmpty)
    }

    @Test func killedServerIsAClearErrorAndItsDataSurvivesARestart() async throws {
        var (server, data) = try await TestEnvironment.startServer("milvus-kill")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let name = "survivor"
        let dimension = 32
        var random = SeededVectors(seed: 7)
        let kept = (0..<500).map { "kept/\($0).png" }
        let keptVectors = random.vectors(kept.count, dimension: dimension)
        do {
            let client = try server.client()
            defer { Task { await client.close() } }
            try await client.createCollection(name, dimension: dimension, description: "kept across a crash")
            try await client.insert(collection: name, paths: kept, vectors: keptVectors)
            try await client.flush(name)

            // A long insert in small batches; the server dies under it.
            let more = (0..<200_000).map { "more/\($0).png" }
            let moreVectors = Array(repeating: [Float](repeating: 0.5, count: dimension), count: more.count)
            let insert = Task { try await client.insert(collection: name, paths: more, vectors: moreVectors, batchSize: 200) }
            try await Task.sleep(for: .milliseconds(700))
            await server.kill()
            let error = await #expect(throws: MilvusError.self) { _ = try await insert.value }
            guard case .unreachable("insert", server.address, _)? = error else {
                Issue.record("not unreachable: \(String(describing: error))")
                return
            }
        }

        server = try await MilvusLite.start(dataDirectory: data, virtualenv: TestEnvironment.virtualenv)
        let client = try server.client()
        #expect(try await client.hasCollection(name))
        let info = try await client.describeCollection(name)
        #expect(info.dimension == dimension && info.description == "kept across a crash" && info.metric == .cosine)
        try await client.load(name)
        let rows = try await client.query(collection: name, filter: #"path like "kept/%""#, vectors: true)
        #expect(Dictionary(uniqueKeysWithValues: rows.map { ($0.path, $0.vector!) })
            == Dictionary(uniqueKeysWithValues: zip(kept, keptVectors).map { ($0, $1) }))
        let hits = try await client.search(collection: name, vectors: [keptVectors[42]], k: 1)
        #expect(hits[0].first?.path == kept[42])
        await client.close()
        await server.stop()
        #expect(!server.isRunning)
    }

    /// The server dies with the process that started it, even when that one is SIGKILLed.
    @Test(arguments: [SIGKILL, SIGINT])
    func serverDoesNotOutliveItsParent(signal: Int32) async throws {
        let data = try TestEnvironment.temporaryDirectory("milvus-probe")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: TestEnvironment.productsDirectory + "/milvus-lite-probe")
        probe.arguments = [data, TestEnvironment.virtualenv]
        let out = Pipe()
        probe.standardOutput = out
        try probe.run()
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        let fields = line.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
        try #require(fields.count == 3, "probe said: \(line)")
        defer { unlink(fields[2]) }  // the server's log: its parent died before removing it
        let (port, serverPID) = (try #require(Int(fields[0])), try #require(Int32(fields[1])))
        let client = try MilvusClient(host: "127.0.0.1", port: port, timeout: .seconds(5))
        defer { Task { await client.close() } }
        _ = try await client.serverVersion()

        kill(probe.processIdentifier, signal)
        probe.waitUntilExit()
        let deadline = ContinuousClock.now + .seconds(15)
        while kill(serverPID, 0) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(kill(serverPID, 0) != 0, "milvus-lite \(serverPID) still runs after its parent died of signal \(signal)")
        if kill(serverPID, 0) == 0 { kill(serverPID, SIGKILL) }  // the failure above: leave nothing running
        await #expect(throws: MilvusError.self) { try await client.serverVersion() }
    }
}

/// A loopback port held by a socket that is bound and never listens: connections to it are
/// refused, and no other test's server can take it meanwhile (a port that was merely free
/// could be picked by a milvus-lite another suite starts at the same time).
func refusingPort() throws -> (socket: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(fd >= 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    try #require(bound, "bind: \(String(cString: strerror(errno)))")
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}

extension TestEnvironment {
    /// The directory of the built products: the test runner's, or the one above it.
    static var productsDirectory: String {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [here, here.deletingLastPathComponent(), Bundle.main.bundleURL.deletingLastPathComponent()]
        where FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("milvus-lite-probe").path) {
            return directory.path
        }
        return "\(repository)/.build/debug"
    }
}
