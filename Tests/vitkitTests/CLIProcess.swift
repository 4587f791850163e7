import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `vitkit` process the test controls while it runs (stop, signal, truncate its input),
/// and runs bounded in time: a hang is a failure, not a stuck suite.
final class CLIProcess {
    let process = Process()
    private let out = Pipe(), err = Pipe()
    private var stdoutReader: PipeReader?, stderrReader: PipeReader?

    init(_ args: [String], standardOutput: FileHandle? = nil) throws {
        process.executableURL = CLI.binary
        process.arguments = args
        process.currentDirectoryURL = CLI.root
        process.standardOutput = standardOutput ?? out
        process.standardError = err
        try process.run()
        stdoutReader = standardOutput == nil ? PipeReader(out.fileHandleForReading) : nil
        stderrReader = PipeReader(err.fileHandleForReading)
    }

    var pid: Int32 { process.processIdentifier }

    /// Polls (every millisecond, up to `seconds`) until `condition` holds; false on timeout
    /// or when the process ended first.
    func wait(upTo seconds: Double = 60, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            if !process.isRunning { return condition() }
            usleep(1000)
        }
        return false
    }

    /// Kilobytes of `path`'s mapping that are resident (pages the process has read).
    func residentKB(of path: String) -> Int {
        // /proc files report size 0: read them to the end rather than by size.
        guard let data = FileHandle(forReadingAtPath: "/proc/\(pid)/smaps")?.readDataToEndOfFile() else { return 0 }
        let smaps = String(decoding: data, as: UTF8.self)
        var inside = false
        for line in smaps.split(separator: "\n") {
            if line.first?.isHexDigit == true, line.contains("-") { inside = line.hasSuffix(path) }
            if inside, line.hasPrefix("Rss:") { return Int(line.split(separator: " ")[1]) ?? 0 }
        }
        return 0
    }

    func signal(_ sig: Int32) { kill(pid, sig) }

    /// Waits for the end (killing the process after `seconds`) and returns what it printed.
    func finish(within seconds: Double = 120) -> (status: Int32, signaled: Bool, stdout: String, stderr: String) {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(2000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal,
                String(decoding: stdoutReader?.result() ?? Data(), as: UTF8.self),
                String(decoding: stderrReader?.result() ?? Data(), as: UTF8.self))
    }
}

/// Reads a pipe to its end on its own thread (so a chatty process never blocks on a full pipe).
final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func result() -> Data {
        done.wait()
        return data
    }
}

extension CLI {
    /// Runs `vitkit` and fails (kills it) if it takes longer than `seconds`.
    static func run(_ args: [String], within seconds: Double) throws -> (status: Int32, signaled: Bool, stdout: String, stderr: String) {
        try CLIProcess(args).finish(within: seconds)
    }

    /// Runs a shell command line (for file names that are not UTF-8, which `Process`
    /// arguments cannot carry); `$VITKIT` is the binary.
    static func shell(_ script: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let r = try capture(["/bin/sh", "-c", script],
                            environment: ProcessInfo.processInfo.environment.merging(["VITKIT": binary.path]) { $1 })
        return (r.status, r.stdout, r.stderr)
    }

    /// Hidden vitkit temporaries (`.NAME.vitkit-...`) in `dir`.
    static func temporaries(in dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix(".") && $0.contains(".vitkit-") }
    }

    /// The pid of a process that has ended.
    static func deadPID() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }
}
