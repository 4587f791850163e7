import Foundation
import TestScratch

/// A new empty directory under the tests' scratch root.
func scratchDirectory() throws -> String {
    let dir = TestScratch.root.appendingPathComponent("vitkit-plot-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.path
}

/// The reference Python (Pillow, numpy): `VITKIT_REFERENCE_PYTHON`, else the project's
/// virtualenv. Tests that need it are skipped (and say so) where it is missing.
enum ReferencePython {
    static let path = ProcessInfo.processInfo.environment["VITKIT_REFERENCE_PYTHON"] ?? "/root/venv-ref/bin/python"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Runs `script` with `arguments`; returns stdout. Throws unless it exits 0.
    static func run(_ script: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = ["-c", script] + arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw PythonFailure(message: String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }

    struct PythonFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { "reference Python failed: \(message)" }
    }
}
