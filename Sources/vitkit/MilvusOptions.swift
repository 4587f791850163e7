import ArgumentParser
import Foundation
import Milvus
import VitKit
import ViTSearch

extension MilvusMetric: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

/// Where the Milvus server is: a running one (`--milvus`), or a milvus-lite this run starts.
struct MilvusOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A running Milvus server: host:port (plaintext gRPC), or https://host:port for TLS (Zilliz Cloud); default: start milvus-lite locally.",
                               valueName: "address"))
    var milvus: String?
    @Option(help: ArgumentHelp("Milvus token: an API key, or user:password.", valueName: "token")) var token: String?
    @Option(help: ArgumentHelp("Milvus database (default: the server's default).", valueName: "name")) var database: String?
    @Option(help: ArgumentHelp("Data directory of the local milvus-lite (default: $XDG_DATA_HOME/vitkit/milvus-lite, else ~/.local/share/vitkit/milvus-lite).",
                               valueName: "dir"))
    var dataDir: String?

    func validate() throws {
        if milvus != nil, dataDir != nil { throw ValidationError("--data-dir is for the local milvus-lite; it cannot go with --milvus") }
    }

    /// The default data directory of the local milvus-lite.
    static var defaultDataDirectory: String {
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/vitkit/milvus-lite" }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.local/share/vitkit/milvus-lite"
    }

    /// Runs `body` with a client of the server these options name, starting (and afterwards
    /// stopping) a local milvus-lite when no `--milvus` is given; its data directory must not
    /// hold any of `inputs`.
    func withClient<T: Sendable>(inputs: [String] = [], _ body: @Sendable (MilvusClient) async throws -> T) async throws -> T {
        if let milvus {
            let client = try MilvusClient(address: milvus, token: token, database: database)
            do {
                let value = try await body(client)
                await client.close()
                return value
            } catch {
                await client.close()
                throw error
            }
        }
        let directory = dataDir ?? Self.defaultDataDirectory
        try LocalDataDirectory.prepare(directory, inputs: inputs)
        let server = try await MilvusLite.start(dataDirectory: directory)
        let client = try server.client()
        do {
            let value = try await body(client)
            await client.close()
            await server.stop()
            return value
        } catch {
            await client.close()
            await server.stop()
            throw error
        }
    }
}

/// Runs async `work` to completion from a synchronous command's `run()`.
func runBlocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>(), done = DispatchSemaphore(value: 0)
    Task.detached {
        do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// The result an async task hands to the thread waiting for it (written before the semaphore
/// is signalled, read after).
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
