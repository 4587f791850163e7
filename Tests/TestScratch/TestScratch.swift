import Foundation

/// One directory per test process under the system temporary directory, removed when the
/// process exits: every test's files go under it, so a test run leaves nothing in /tmp even
/// when a test fails half way or forgets to clean up.
public enum TestScratch {
    /// `$TMPDIR/vitkit-tests-<pid>-<uuid>`, created on first use.
    public static let root: URL = {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("vitkit-tests-\(getpid())-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            fatalError("cannot create the test scratch directory \(dir.path): \(error)")
        }
        atexit { try? FileManager.default.removeItem(at: TestScratch.root) }
        return dir
    }()

    /// A new empty directory under `root`, named `<tag>-<uuid>`.
    public static func directory(_ tag: String) throws -> URL {
        let dir = root.appendingPathComponent("\(tag)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
