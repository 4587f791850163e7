import Foundation
import Testing

/// The README's library snippet is `Examples/LibraryTour/main.swift`, and it runs.
@Suite("README library example")
struct LibraryExampleTests {
    @Test func readmeShowsTheExampleThatRuns() throws {
        let readme = try String(contentsOf: CLI.root.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try String(contentsOf: CLI.root.appendingPathComponent("Examples/LibraryTour/main.swift"), encoding: .utf8)
        #expect(readme.contains("```swift\n" + example + "```"), "README's snippet differs from Examples/LibraryTour/main.swift")

        let p = Process()
        p.executableURL = CLI.binary.deletingLastPathComponent().appendingPathComponent("vitkit-library-tour")
        p.currentDirectoryURL = CLI.root
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(e)")
        let lines = o.split(separator: "\n")
        #expect(lines.count == 3, "\(o)")
        #expect(lines.first == "hf 48 40")
        #expect(lines.last == "true")
    }
}
