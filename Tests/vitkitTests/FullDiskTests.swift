import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `convert` onto a full disk or past a file-size limit: one clear line naming the destination,
/// exit status 1 (never a signal: libhdf5 1.10 used to crash at exit after a failed close), no
/// libhdf5 text, and nothing left in the destination's directory.
@Suite("convert on a full disk")
struct FullDiskTests {
    /// Where each target writes, relative to a fresh directory.
    static let targets: [(to: String, destination: String)] = [
        ("tf", "out"), ("hf", "out"), ("native", "out.safetensors"), ("jax", "out.npz"),
    ]

    /// Runs `vitkit ARGS` under `script`, a `sh -c` script in which `"$@"` runs the binary
    /// (`$1` is the binary), itself started through `launcher` (e.g. `unshare -m`).
    static func run(_ script: String, _ args: [String], launcher: [String] = []) throws -> (reason: Process.TerminationReason, status: Int32, stdout: String, stderr: String) {
        try CLI.capture(launcher + ["/bin/sh", "-c", script, "sh", CLI.binary.path] + args)
    }

    /// The checks every failed write must pass.
    static func expectCleanFailure(_ r: (reason: Process.TerminationReason, status: Int32, stdout: String, stderr: String),
                                   destination: String, cause: String) {
        #expect(r.reason == .exit, "killed by signal \(r.status): \(r.stderr)")
        #expect(r.status == 1, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "not one line: \(r.stderr)")
        #expect(r.stderr.contains(destination + ":") || r.stderr.contains(destination + "/"), "does not name \(destination): \(r.stderr)")
        #expect(r.stderr.localizedCaseInsensitiveContains(cause), "\(r.stderr)")
        #expect(!r.stderr.contains("HDF5") && !r.stderr.contains(".vitkit-") && !r.stderr.contains("Backtrac"), "\(r.stderr)")
    }

    @Test(arguments: targets)
    func aFileSizeLimitIsOneClearErrorAndLeavesNothing(to: String, destination: String) throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let dest = dir.appendingPathComponent(destination).path
        // 200 blocks of 1 KiB, below the ~300 KB every target writes; SIGXFSZ ignored so that
        // write() fails with EFBIG instead of killing the process.
        let r = try Self.run("ulimit -f 200; trap '' XFSZ; exec \"$@\"",
                             ["convert", CLI.sample("models/hf-classifier"), dest, "--to", to])
        Self.expectCleanFailure(r, destination: dest, cause: "too large")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [], "left behind in \(dir.path)")
    }

    /// The same limit hit later, while libhdf5 flushes its metadata on close (the h5 file is
    /// ~357 KiB, its data ~300 KB): the failing close must not crash either.
    @Test(arguments: [300, 340, 352, 356])
    func aLimitHitWhileClosingTheHDF5FileIsClean(blocks: Int) throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let dest = dir.appendingPathComponent("out").path
        let r = try Self.run("ulimit -f \(blocks); trap '' XFSZ; exec \"$@\"",
                             ["convert", CLI.sample("models/hf-classifier"), dest, "--to", "tf"])
        Self.expectCleanFailure(r, destination: dest, cause: "too large")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [])
    }

    /// A real full file system: a 200 KiB tmpfs mounted in a private mount namespace (so it
    /// vanishes with the process), where `write` fails with ENOSPC. Needs root and
    /// `unshare`; runs wherever the probe mount succeeds (CI runs as root).
    @Test(.enabled(if: Tmpfs.available, "needs root and unshare -m to mount a tmpfs"), arguments: targets)
    func aFullTmpfsIsOneClearErrorAndLeavesNothing(to: String, destination: String) throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let dest = dir.appendingPathComponent(destination).path
        // The listing after vitkit ran is printed inside the namespace (the tmpfs is private to it).
        let script = """
            dir=$(dirname "$4"); mount -t tmpfs -o size=200k vitkit-test "$dir" || exit 90
            "$@"; status=$?
            echo "left: $(ls -A "$dir" | wc -l)"
            exit $status
            """
        let r = try Self.run(script, ["convert", CLI.sample("models/hf-classifier"), dest, "--to", to],
                             launcher: ["/usr/bin/unshare", "-m"])
        #expect(r.status != 90, "mount failed: \(r.stderr)")
        Self.expectCleanFailure(r, destination: dest, cause: "no space left")
        #expect(r.stdout.hasSuffix("left: 0\n"), "left behind: \(r.stdout)")
    }
}

/// Whether this process can mount a tmpfs in a private mount namespace.
enum Tmpfs {
    static let available: Bool = {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        let probe = "d=$(mktemp -d) || exit 1; mount -t tmpfs -o size=64k vitkit-probe \"$d\" && umount \"$d\"; s=$?; rmdir \"$d\"; exit $s"
        p.arguments = ["-m", "/bin/sh", "-c", probe]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }()
}
