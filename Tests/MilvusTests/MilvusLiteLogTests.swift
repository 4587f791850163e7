import Foundation
import Glibc
import Testing

@testable import Milvus

/// milvus-lite's log in the shared temporary directory: created exclusively under a random
/// name, so a link planted there (fs.protected_symlinks is 0 on some machines) never leads
/// the launcher to truncate another file. Needs no milvus-lite: `/bin/echo` plays the
/// server, prints its arguments into the log and exits.
struct MilvusLiteLogTests {
    @Test func aLinkAtTheLogsOldNameIsNeverFollowed() async throws {
        let dir = try TestEnvironment.temporaryDirectory("log-victim")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let victim = dir + "/model.safetensors"
        let weights = Data((0..<4096).map { UInt8($0 % 251) })
        try weights.write(to: URL(fileURLWithPath: victim))
        let port = 40_000 + Int(getpid() % 20_000)
        let planted = NSTemporaryDirectory() + "vitkit-milvus-lite-\(getpid())-\(port).log"  // the name used before
        try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: victim)
        defer { unlink(planted) }
        let error = await #expect(throws: MilvusError.self) {
            _ = try await MilvusLite.start(dataDirectory: dir, executable: "/bin/echo", port: port, readyTimeout: .seconds(10))
        }
        guard case .milvusLiteFailed(let reason, let log)? = error else {
            Issue.record("not milvusLiteFailed: \(String(describing: error))")
            return
        }
        #expect(reason.contains("exited (status 0)"), "\(reason)")
        #expect(log.contains("server --data-dir \(dir) --host 127.0.0.1 --port \(port)"), "the log holds the child's output: \(log)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: victim)) == weights)
        // Other tests in this process start servers with logs of the same prefix meanwhile:
        // this start's log is the one holding this test's data directory.
        let logs = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
            .filter { $0.hasPrefix("vitkit-milvus-lite-\(getpid())-") && $0 != URL(fileURLWithPath: planted).lastPathComponent }
            .filter { name in
                let text = FileManager.default.contents(atPath: NSTemporaryDirectory() + name).map { String(decoding: $0, as: UTF8.self) }
                return text?.contains("--data-dir \(dir) ") == true
            }
        #expect(logs.isEmpty, "the log is removed when the start fails: \(logs)")
    }

    /// A server that fills its log before failing: the error quotes the log's last line, and
    /// only the log's end is read into memory (a long-running server's log grows without bound).
    @Test func aLongLogIsReadFromItsEndOnly() async throws {
        let dir = try TestEnvironment.temporaryDirectory("long-log")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = dir + "/fake-milvus-lite"
        try "#!/bin/sh\nhead -c 3000000 /dev/zero | tr '\\0' 'x'\necho\necho 'the last line'\nexit 3\n"
            .write(toFile: server, atomically: true, encoding: .utf8)
        #expect(chmod(server, 0o755) == 0)
        let data = dir + "/data"
        let error = await #expect(throws: MilvusError.self) {
            _ = try await MilvusLite.start(dataDirectory: data, executable: server, readyTimeout: .seconds(20))
        }
        guard case .milvusLiteFailed(let reason, let log)? = error else {
            Issue.record("not milvusLiteFailed: \(String(describing: error))")
            return
        }
        #expect(reason.contains("exited (status 3)"), "\(reason)")
        #expect(log.utf8.count <= Int(MilvusLite.logTailBytes), "read \(log.utf8.count) bytes of the log")
        #expect(log.hasSuffix("the last line\n"))
        #expect("\(error!)".hasSuffix(": the last line"), "\(error!)")
    }
}
