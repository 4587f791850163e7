import Foundation
import Testing
import Tensors
import NumPy

@testable import Milvus

/// `vitkit index` / `vitkit search` through the real binary against a real milvus-lite.
@Suite("vitkit index and search", .serialized, SharedMilvusServer())
struct SearchCommandTests {
    static let model = "\(TestEnvironment.repository)/samples/models/hf-in21k"
    static let images = "\(TestEnvironment.repository)/samples/images"

    /// Runs the built `vitkit` with `arguments`; milvus-lite only on `PATH` when `withMilvusLite`.
    static func vitkit(_ arguments: [String], withMilvusLite: Bool = false) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestEnvironment.productsDirectory + "/vitkit")
        p.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = (withMilvusLite ? "\(TestEnvironment.virtualenv)/bin:" : "") + "/usr/local/bin:/usr/bin:/bin"
        environment["VIRTUAL_ENV"] = nil
        p.environment = environment
        let out = try TestEnvironment.temporaryDirectory("cli-out")
        defer { try? FileManager.default.removeItem(atPath: out) }
        for name in ["/o", "/e"] {
            #expect(FileManager.default.createFile(atPath: out + name, contents: nil), "cannot create \(out + name)")
        }
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out + "/o"))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: out + "/e"))
        try p.run()
        p.waitUntilExit()
        return (p.terminationStatus, try String(contentsOfFile: out + "/o", encoding: .utf8), try String(contentsOfFile: out + "/e", encoding: .utf8))
    }

    static func json(_ text: String) throws -> JSON { try JSON.parse(text) }

    /// Every sample indexed once (a re-run inserts nothing); each image is its own nearest
    /// neighbour and the top-k equals a brute-force cosine ranking of the embeddings `vitkit
    /// embed` writes; what Milvus stores (read back with pymilvus) is transformers' pooler output.
    @Test func indexAndSearchAgreeWithBruteForceAndTransformers() throws {
        let server = try SharedMilvusServer.server
        let milvus = ["--milvus", server.address]
        let first = try Self.vitkit(["index", Self.model, Self.images, "--collection", "samples", "--json"] + milvus)
        #expect(first.status == 0, "\(first.stderr)")
        let report = try Self.json(first.stdout)
        #expect(report["inserted"]?.intValue == 7 && report["already_indexed"]?.intValue == 0 && report["created"]?.boolValue == true)
        let again = try Self.json(try Self.vitkit(["index", Self.model, Self.images, "--collection", "samples", "--json"] + milvus).stdout)
        #expect(again["inserted"]?.intValue == 0 && again["already_indexed"]?.intValue == 7 && again["created"]?.boolValue == false)

        // Brute force over the embeddings `vitkit embed` writes.
        let dir = try TestEnvironment.temporaryDirectory("embed")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let embedded = try Self.vitkit(["embed", Self.model, Self.images, "-o", dir + "/e.npy"])
        #expect(embedded.status == 0, "\(embedded.stderr)")
        let rows = try NPYFile(path: dir + "/e.npy").tensor(named: "e").floats()
        let sidecar = try Self.json(try String(contentsOfFile: dir + "/e.npy.paths.json", encoding: .utf8))
        let paths = (sidecar["paths"]?.arrayValue ?? []).compactMap { $0.stringValue }
        #expect(paths.count == 7)
        let vectors = (0..<paths.count).map { Array(rows[($0 * 48)..<(($0 + 1) * 48)]) }
        let searched = try Self.vitkit(["search", Self.model, Self.images, "--collection", "samples", "-k", "7", "--json"] + milvus)
        #expect(searched.status == 0, "\(searched.stderr)")
        let results = try #require(try Self.json(searched.stdout)["results"]?.arrayValue)
        #expect(results.count == 7)
        for (i, result) in results.enumerated() {
            let hits = try #require(result["hits"]?.arrayValue)
            let got = hits.compactMap { $0["path"]?.stringValue }
            let want = (0..<paths.count).sorted { cosine(vectors[i], vectors[$0]) > cosine(vectors[i], vectors[$1]) }
            #expect(got == want.map { Self.canonical(paths[$0]) }, "\(paths[i])")
            #expect(got.first == Self.canonical(paths[i]))
            for (hit, j) in zip(hits, want) {
                let distance = try #require(hit["distance"]?.doubleValue)
                #expect(abs(distance - cosine(vectors[i], vectors[j])) < 1e-5)
            }
        }

        // What Milvus holds, read back by pymilvus, against transformers' recorded pooler output.
        let output = try TestEnvironment.runPython(["\(TestEnvironment.repository)/Tests/MilvusTests/pymilvus_read_back.py", "http://\(server.address)", "samples"])
        let read = try JSONDecoder().decode([String: [Double]].self, from: output)
        let expectations = try Self.json(try String(contentsOfFile: "\(TestEnvironment.repository)/samples/expected/expectations/hf-in21k.json", encoding: .utf8))
        let recorded = try #require(expectations["images"]?.arrayValue)
        #expect(read.count == 7 && recorded.count == 7)
        for image in recorded {
            let path = try #require(image["path"]?.stringValue)
            let name = String(path.split(separator: "/").last ?? "")
            let stored = try #require(read[Self.canonical(Self.images + "/" + name)], "\(name)")
            let pooler = (image["pooler_output"]?.arrayValue ?? []).compactMap { $0.doubleValue }
            #expect(zip(stored, pooler).allSatisfy { abs($0 - $1) <= 1e-5 } && stored.count == pooler.count, "\(name)")
        }
    }

    /// Another model's vectors, a collection vitkit did not make, an unknown collection and a
    /// refused connection: one clear line each, exit status 1, nothing inserted.
    @Test func refusalsAreClearErrors() async throws {
        let server = try SharedMilvusServer.server
        let milvus = ["--milvus", server.address]
        _ = try Self.vitkit(["index", Self.model, Self.images, "--collection", "refusals"] + milvus)
        let other = try Self.vitkit(["index", "\(TestEnvironment.repository)/samples/models/hf-classifier", Self.images,
                                     "--collection", "refusals"] + milvus)
        #expect(other.status == 1)
        #expect(other.stderr.hasSuffix("Error: collection 'refusals' holds vectors of the checkpoint with SHA-256 9dd1bc9f578ecd9d…, this one is \(String(try Self.digest("hf-classifier").prefix(16)))…: index into a new collection (or drop this one with `vitkit search --collection refusals --drop`)\n"), "\(other.stderr)")
        let mean = try Self.vitkit(["index", Self.model, Self.images, "--collection", "refusals", "--output", "mean"] + milvus)
        #expect(mean.status == 1 && mean.stderr.contains("holds 'pooler' embeddings, this run makes 'mean'"), "\(mean.stderr)")

        let client = try server.client()
        try await client.createCollection("foreign", dimension: 48)
        let foreign = try Self.vitkit(["search", Self.model, Self.images + "/chelsea.png", "--collection", "foreign"] + milvus)
        #expect(foreign.status == 1 && foreign.stderr.contains("collection 'foreign' (48-dimensional) was not created by vitkit index"), "\(foreign.stderr)")
        try await client.createCollection("small", dimension: 4, description: "not vitkit")
        let small = try Self.vitkit(["index", Self.model, Self.images, "--collection", "small"] + milvus)
        #expect(small.status == 1 && small.stderr.contains("'small' (4-dimensional) was not created by vitkit"), "\(small.stderr)")
        #expect(try await client.query(collection: "small", filter: "path != \"\"").isEmpty)
        await client.close()

        let unknown = try Self.vitkit(["search", Self.model, Self.images + "/chelsea.png", "--collection", "nope"] + milvus)
        #expect(unknown.status == 1 && unknown.stderr == "Error: no collection 'nope' on this Milvus server (vitkit index creates it)\n", "\(unknown.stderr)")
        let dropUnknown = try Self.vitkit(["search", "--collection", "nope", "--drop"] + milvus)
        #expect(dropUnknown.status == 1, "\(dropUnknown.stderr)")
        let dropped = try Self.vitkit(["search", "--collection", "refusals", "--drop"] + milvus)
        #expect(dropped.status == 0 && dropped.stdout == "dropped collection 'refusals'\n", "\(dropped.stderr)")

        // https:// asks for TLS: the plaintext milvus-lite does not answer it (a plaintext client would).
        let tls = try Self.vitkit(["search", "--collection", "refusals", "--drop", "--milvus", "https://\(server.address)"])
        #expect(tls.status == 1 && tls.stderr.contains("cannot reach Milvus at \(server.address)") && tls.stderr.contains("SSL"), "\(tls.stderr)")

        let (fd, port) = try refusingPort()
        defer { close(fd) }
        let start = Date()
        let refused = try Self.vitkit(["index", Self.model, Self.images, "--collection", "x", "--milvus", "127.0.0.1:\(port)"])
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(refused.status == 1 && refused.stderr.contains("cannot reach Milvus at 127.0.0.1:\(port)"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }.count == 1)
    }

    /// Without --milvus: milvus-lite started on --data-dir and stopped; without milvus-lite
    /// on PATH, an error saying how to get it.
    @Test func aLocalMilvusLiteIsStartedOrExplained() throws {
        let data = try TestEnvironment.temporaryDirectory("local-lite")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let indexed = try Self.vitkit(["index", Self.model, Self.images, "--collection", "local", "--data-dir", data, "--json"],
                                      withMilvusLite: true)
        #expect(indexed.status == 0, "\(indexed.stderr)")
        #expect(try Self.json(indexed.stdout)["inserted"]?.intValue == 7)
        let searched = try Self.vitkit(["search", Self.model, Self.images + "/camera.png", "--collection", "local", "--data-dir", data, "-k", "1"],
                                       withMilvusLite: true)
        #expect(searched.status == 0 && searched.stdout.hasSuffix("/samples/images/camera.png\n"), "\(searched.stdout) \(searched.stderr)")
        let missing = try Self.vitkit(["index", Self.model, Self.images, "--collection", "local", "--data-dir", data])
        #expect(missing.status == 1 && missing.stderr.contains("pip install milvus-lite, or pass --milvus HOST:PORT"), "\(missing.stderr)")
    }

    /// The server killed in the middle of `vitkit index`: a clear error; after a restart on
    /// the same data a re-run completes the job, each image stored once.
    @Test func aServerKilledMidIndexIsAClearErrorAndARerunCompletes() async throws {
        let (server, data) = try await TestEnvironment.startServer("killed-index")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let images = try TestEnvironment.temporaryDirectory("many-images")
        defer { try? FileManager.default.removeItem(atPath: images) }
        let count = 400
        for i in 0..<count {  // hard links: distinct paths (a symbolic link would resolve to its target)
            try FileManager.default.linkItem(atPath: Self.images + "/camera.png", toPath: images + String(format: "/%03d.png", i))
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestEnvironment.productsDirectory + "/vitkit")
        p.arguments = ["index", Self.model, images, "--collection", "killed", "--batch", "2", "--milvus", server.address]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let client = try server.client(timeout: .seconds(5))
        var stored = 0
        let deadline = Date().addingTimeInterval(60)
        while stored < 10, p.isRunning, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
            if (try? await client.hasCollection("killed")) == true {
                try await client.load("killed")
                stored = try await client.query(collection: "killed", filter: "path != \"\"").count
            }
        }
        await client.close()
        #expect(p.isRunning, "vitkit index finished before the server was killed (\(stored) stored)")
        await server.kill()
        p.waitUntilExit()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 1, "\(message)")
        let errors = message.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errors.count == 1 && errors[0].contains("Milvus") && errors[0].contains(server.address), "\(message)")

        let restarted = try await MilvusLite.start(dataDirectory: data, virtualenv: TestEnvironment.virtualenv)
        let rerun = try Self.vitkit(["index", Self.model, images, "--collection", "killed", "--json", "--milvus", restarted.address])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let report = try Self.json(rerun.stdout)
        #expect(report["images"]?.intValue == count && report["already_indexed"]!.intValue! + report["inserted"]!.intValue! == count)
        #expect(report["already_indexed"]!.intValue! > 0, "what was flushed before the kill survives")
        let after = try restarted.client()
        try await after.load("killed")
        #expect(try await after.query(collection: "killed", filter: "path != \"\"").count == count)
        await after.close()
        await restarted.stop()
    }

    /// The path a collection stores for `path`: absolute, links resolved.
    static func canonical(_ path: String) -> String { URL(fileURLWithPath: path).resolvingSymlinksInPath().path }

    /// SHA-256 of a sample model's weights (`sha256sum`, a tool independent of vitkit).
    static func digest(_ model: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = ["\(TestEnvironment.repository)/samples/models/\(model)/model.safetensors"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        return String(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64))
    }
}
