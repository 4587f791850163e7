import Foundation
import Glibc

/// A milvus-lite server (`milvus-lite server`, from PyPI's `milvus-lite`) run as a child process.
///
/// ``start(dataDirectory:executable:virtualenv:port:readyTimeout:)`` picks a free port on
/// 127.0.0.1, starts the server on `dataDirectory` and returns once it answers gRPC calls.
/// ``stop(grace:)`` (or deinit) asks it to shut down (SIGINT: it drains calls and closes its
/// data), then kills it after a grace period. The server never outlives this process: it is
/// sent SIGTERM when this process ends, whether by exit, a signal or SIGKILL.
public final class MilvusLite: Sendable {
    /// `127.0.0.1:port`, for ``MilvusClient/init(address:token:database:timeout:)``.
    public let address: String
    /// The port the server listens on.
    public let port: Int
    /// The server's data directory.
    public let dataDirectory: String
    /// The server's stdout and stderr (a temporary file, removed by ``stop(grace:)`` and deinit).
    public let logPath: String
    let process: ChildProcess

    private init(port: Int, dataDirectory: String, logPath: String, process: ChildProcess) {
        self.port = port
        self.address = "127.0.0.1:\(port)"
        self.dataDirectory = dataDirectory
        self.logPath = logPath
        self.process = process
    }

    deinit {
        let process = process
        unlink(logPath)  // the server keeps writing to it until it exits
        process.send(SIGINT)
        DispatchQueue.global().asyncAfter(deadline: .now() + 10) { process.send(SIGKILL) }
    }

    /// Starts milvus-lite and waits until it answers.
    ///
    /// - Parameters:
    ///   - dataDirectory: created by milvus-lite if missing; one server at a time may use it.
    ///   - executable: the `milvus-lite` program; nil to search (see ``locate(executable:virtualenv:)``).
    ///   - virtualenv: a Python virtualenv whose `bin/` holds `milvus-lite`.
    ///   - port: the port on 127.0.0.1; nil for a free one.
    ///   - readyTimeout: how long the server may take to answer.
    /// - Throws: ``MilvusError/milvusLiteMissing(searched:)``, or
    ///   ``MilvusError/milvusLiteFailed(reason:log:)`` with the end of its log when it exits or
    ///   does not answer in time.
    public static func start(
        dataDirectory: String, executable: String? = nil, virtualenv: String? = nil, port: Int? = nil,
        readyTimeout: Duration = .seconds(60)
    ) async throws -> MilvusLite {
        let program = try locate(executable: executable, virtualenv: virtualenv)
        // A free port can be taken before milvus-lite binds it: try another (only when we chose it).
        var attempt = 0
        while true {
            attempt += 1
            let chosen = try port ?? freeLoopbackPort()
            let (logPath, log) = try createLog()
            defer { close(log) }
            let process: ChildProcess
            do {
                process = try ChildProcess(
                    executable: program,
                    arguments: ["server", "--data-dir", dataDirectory, "--host", "127.0.0.1", "--port", String(chosen)],
                    output: log)
            } catch {
                unlink(logPath)
                throw error
            }
            let server = MilvusLite(port: chosen, dataDirectory: dataDirectory, logPath: logPath, process: process)
            do {
                try await server.waitUntilReady(timeout: readyTimeout)
                return server
            } catch let error as MilvusError {
                let portTaken = server.log().contains("bind")
                await server.stop()
                if port == nil, attempt < 3, portTaken { continue }
                throw error
            }
        }
    }

    /// A new log file in the temporary directory, `vitkit-milvus-lite-PID-XXXXXX.log`, created
    /// by `mkstemps` (exclusive, mode 0600, a random name): a file or link already at a name
    /// is never opened, so nothing planted in a shared /tmp can be truncated through it.
    static func createLog() throws -> (path: String, fd: Int32) {
        var template = Array((NSTemporaryDirectory() + "vitkit-milvus-lite-\(getpid())-XXXXXX.log").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 4) }
        guard fd >= 0 else {
            throw MilvusError.milvusLiteFailed(reason: "cannot create its log in \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))", log: "")
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return (template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }, fd)
    }

    /// The `milvus-lite` program: `executable` if given, else `virtualenv/bin/milvus-lite`,
    /// `$VIRTUAL_ENV/bin/milvus-lite`, then the directories of `$PATH`.
    public static func locate(executable: String? = nil, virtualenv: String? = nil) throws -> String {
        var candidates = [String]()
        if let executable {
            candidates = [executable]
        } else {
            if let virtualenv { candidates.append("\(virtualenv)/bin/milvus-lite") }
            if let active = ProcessInfo.processInfo.environment["VIRTUAL_ENV"] {
                candidates.append("\(active)/bin/milvus-lite")
            }
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            candidates += path.split(separator: ":").map { "\($0)/milvus-lite" }
        }
        if let found = candidates.first(where: { access($0, X_OK) == 0 }) { return found }
        throw MilvusError.milvusLiteMissing(searched: executable != nil ? candidates : candidates.map {
            String($0.dropLast("/milvus-lite".count))
        })
    }

    /// A client of this server.
    public func client(timeout: Duration = .seconds(60)) throws -> MilvusClient {
        try MilvusClient(host: "127.0.0.1", port: port, timeout: timeout)
    }

    /// Whether the server process is running.
    public var isRunning: Bool { process.pid != nil }

    /// The server's process id while it runs.
    public var processID: Int32? { process.pid }

    /// Stops the server: SIGINT (it finishes calls under way and closes its data), then
    /// SIGKILL if it has not exited after `grace`. Returns once it has exited.
    public func stop(grace: Duration = .seconds(10)) async {
        await process.stop(signal: SIGINT, grace: grace)
        unlink(logPath)
    }

    /// Ends the server at once (SIGKILL), as a crash would; returns once it has exited.
    func kill() async {
        await process.stop(signal: SIGKILL, grace: .seconds(10))
        unlink(logPath)
    }

    /// The end of the server's log so far: its last `logTailBytes` bytes (the log grows
    /// without bound while the server runs; errors quote only its last line).
    func log() -> String {
        guard let handle = FileHandle(forReadingAtPath: logPath) else { return "" }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return "" }
        let start = size > Self.logTailBytes ? size - Self.logTailBytes : 0
        guard (try? handle.seek(toOffset: start)) != nil, let data = try? handle.readToEnd() else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// How much of the log's end `log()` reads.
    static let logTailBytes: UInt64 = 64 * 1024

    /// Calls GetVersion until it answers, the process exits or `timeout` passes.
    private func waitUntilReady(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let how = process.exitDescription {
                throw MilvusError.milvusLiteFailed(reason: "exited (\(how)) before answering on \(address)", log: log())
            }
            let client = try client(timeout: .seconds(2))
            let answered = (try? await client.serverVersion()) != nil
            await client.close()
            if answered { return }
            guard ContinuousClock.now < deadline else {
                throw MilvusError.milvusLiteFailed(reason: "did not answer on \(address) within \(timeout)", log: log())
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
