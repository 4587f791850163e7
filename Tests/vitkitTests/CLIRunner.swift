import Foundation
import TestScratch
import Tensors

/// Runs the built `vitkit` binary (next to the test bundle) and captures its output.
enum CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func sample(_ relative: String) -> String { root.appendingPathComponent("samples/" + relative).path }

    static var binary: URL {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [here, here.deletingLastPathComponent(), Bundle.main.bundleURL.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("vitkit")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return root.appendingPathComponent(".build/debug/vitkit")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var json: JSON? { try? JSON.parse(stdout) }
    }

    static func run(_ args: [String]) throws -> Result {
        let r = try capture([binary.path] + args)
        return Result(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }

    /// Runs `command` (an executable path and its arguments) in the repository root and
    /// returns how it ended and what it printed. Both pipes are drained concurrently.
    static func capture(_ command: [String], environment: [String: String]? = nil) throws
        -> (reason: Process.TerminationReason, status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: command[0])
        p.arguments = Array(command.dropFirst())
        if let environment { p.environment = environment }
        p.currentDirectoryURL = root
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = PipeReader(out.fileHandleForReading), e = PipeReader(err.fileHandleForReading)
        p.waitUntilExit()
        return (p.terminationReason, p.terminationStatus,
                String(decoding: o.result(), as: UTF8.self), String(decoding: e.result(), as: UTF8.self))
    }

    static func tempDir() throws -> URL {
        let dir = TestScratch.root.appendingPathComponent("vitkit-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
