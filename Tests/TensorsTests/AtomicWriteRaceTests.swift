import Foundation
import Testing
import Tensors

/// What appears at a destination while a writer works is never lost: the writers' final
/// rename used to replace it (a file the user saved there meanwhile, a second vitkit run's
/// output, a note added to a directory being replaced with --force).
@Suite("atomic writers never replace what appeared while they wrote")
struct AtomicWriteRaceTests {
    func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vitkit-race-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    func hidden(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".vitkit-") }
    }

    @Test func aFileThatAppearedIsKept() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let destination = dir + "/out.safetensors"
        do {  // the failed writer's temporary goes with it
            let writer = try AtomicFileWriter(destination: destination)
            try writer.write(Array("vitkit's output".utf8))
            try "saved by the user meanwhile".write(toFile: destination, atomically: false, encoding: .utf8)
            let error = #expect(throws: CheckpointError.self) { try writer.commit() }
            #expect(error?.description.contains("appeared while vitkit was writing") == true, "\(String(describing: error))")
        }
        #expect(try text(destination) == "saved by the user meanwhile")
        #expect(try hidden(dir).isEmpty)
        // A destination that existed when the writer began is replaced, as --force asked.
        let again = try AtomicFileWriter(destination: destination)
        try again.write(Array("replaced".utf8))
        try again.commit()
        #expect(try text(destination) == "replaced")
        #expect(try hidden(dir).isEmpty)
    }

    @Test func aDirectoryThatAppearedIsKept() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let destination = dir + "/out"
        let error = #expect(throws: CheckpointError.self) {
            try AtomicDirectory.write(destination) { temporary in
                try "{}".write(toFile: temporary + "/config.json", atomically: false, encoding: .utf8)
                try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: false)
                try "the user's".write(toFile: destination + "/config.json", atomically: false, encoding: .utf8)
            }
        }
        #expect(error.map { "\($0)" }?.contains("appeared while vitkit was writing") == true, "\(String(describing: error))")
        #expect(try text(destination + "/config.json") == "the user's")
        #expect(try hidden(dir).isEmpty)
    }

    /// With --force a directory holding only files vitkit writes is replaced; one that gains
    /// another file while the new one is written goes back, untouched.
    @Test func aReplacedDirectoryThatGainedTheUsersFileGoesBack() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let destination = dir + "/out"
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: false)
        try "old".write(toFile: destination + "/config.json", atomically: false, encoding: .utf8)
        let vitkitNames: @Sendable (String) -> Bool = { $0 == "config.json" }
        let error = #expect(throws: CheckpointError.self) {
            try AtomicDirectory.write(destination, replaceableEntry: vitkitNames) { temporary in
                try "new".write(toFile: temporary + "/config.json", atomically: false, encoding: .utf8)
                try "mine".write(toFile: destination + "/notes.md", atomically: false, encoding: .utf8)
            }
        }
        #expect(error.map { "\($0)" }?.contains("gained files vitkit does not write while it was writing (notes.md)") == true, "\(String(describing: error))")
        #expect(try text(destination + "/notes.md") == "mine")
        #expect(try text(destination + "/config.json") == "old")
        #expect(try hidden(dir).isEmpty)
        // Without the note it is replaced.
        try FileManager.default.removeItem(atPath: destination + "/notes.md")
        try AtomicDirectory.write(destination, replaceableEntry: vitkitNames) { temporary in
            try "new".write(toFile: temporary + "/config.json", atomically: false, encoding: .utf8)
        }
        #expect(try text(destination + "/config.json") == "new")
        #expect(try hidden(dir).isEmpty)
    }
}
