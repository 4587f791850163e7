#if canImport(Glibc)
import Glibc
#endif
internal import CVitKitSystem

/// A hidden temporary beside a destination, `.NAME.vitkit-PID-XXXXXX`, on the same file
/// system so the final rename is atomic.
///
/// - The name fits NAME_MAX whatever the destination's length (a long NAME is shortened).
/// - While it exists it is remembered for the signal handlers (`Interruption`), which
///   remove it when the process is ended by SIGINT, SIGTERM, SIGHUP or a mapped-file SIGBUS.
/// - Temporaries left by processes that are gone (killed with SIGKILL, power loss) are
///   removed by the next write to the same destination; the `.old` copy of a directory
///   replaced without `renameat2` is put back if the destination is missing.
package final class TemporaryOutput {
    package let destination: String
    package let path: String
    /// Whether something (a file, directory or link) was at the destination when the
    /// temporary was made: if not, the final rename never replaces what appears meanwhile.
    package let destinationExisted: Bool
    private let slot: Int32
    private var kept = false
    /// The open temporary file (write-only), -1 for a directory or once closed.
    private(set) var fd: Int32 = -1

    /// Creates an empty temporary file (mode 0644), or a directory (0700 until committed)
    /// when `directory`.
    ///
    /// The name is remembered for the signal handlers *before* it is created, so a signal
    /// arriving right after creation still removes it (the pid in the name keeps it ours).
    package init(for destination: String, directory: Bool) throws(CheckpointError) {
        self.destination = destination
        Self.removeStale(for: destination, restoringLostDirectory: false)
        destinationExisted = FileSystem.exists(destination)
        let dir = FileSystem.directoryName(of: destination)
        let stem = FileSystem.join(dir, Self.prefix(for: destination) + "\(getpid())-")
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let candidate = stem + String((0..<6).map { _ in letters[Int(generator.next(upperBound: UInt(letters.count)))] })
            let slot = SystemPath.withCString(candidate) { csystem_remember_temporary($0, directory ? 1 : 0) }
            let created: Int32 = SystemPath.withCString(candidate) { p in
                directory ? mkdir(p, 0o700) : open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
            }
            if created >= 0 {
                if !directory { fd = created; _ = fchmod(created, 0o644) }
                path = candidate
                self.slot = slot
                return
            }
            let code = errno
            csystem_forget_temporary(slot)
            guard code == EEXIST else {
                throw .io(file: destination, reason: "cannot create a temporary \(directory ? "directory" : "file") in \(dir): \(FileSystem.errnoText(code))")
            }
        }
        throw .io(file: destination, reason: "cannot create a temporary in \(dir): every name tried exists")
    }

    /// Stops remembering the temporary: it was renamed into place (or now holds the old
    /// destination, which the caller removes).
    package func keep() {
        kept = true
        csystem_forget_temporary(slot)
    }

    /// Closes the temporary file (libhdf5 writes it by name).
    package func closeFile() {
        if fd >= 0 { close(fd); fd = -1 }
    }

    /// Makes a finished temporary file the destination: fsync, a last check that the
    /// destination is still something a file may replace, rename, fsync of the directory.
    package func commitFile() throws(CheckpointError) {
        try sync()
        closeFile()
        if let kind = FileSystem.kind(of: destination, followingLinks: false), kind != .regular, kind != .symbolicLink {
            throw .io(file: destination, reason: "expected a regular file or nothing at the destination, found \(kind.description)")
        }
        if destinationExisted {
            guard FileSystem.rename(path, destination) else {
                throw .io(file: destination, reason: "rename failed: \(FileSystem.errnoText())")
            }
        } else {
            try moveToNewDestination()
        }
        keep()
        FileSystem.syncDirectory(FileSystem.directoryName(of: destination))
    }

    /// Flushes the temporary file's data to disk (reopened by name if it was closed).
    func sync() throws(CheckpointError) {
        if fd < 0 { fd = SystemPath.withCString(path) { open($0, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) } }
        guard fd >= 0 else { throw .io(file: destination, reason: "cannot reopen the temporary file: \(FileSystem.errnoText())") }
        guard fsync(fd) == 0 else { throw .io(file: destination, reason: "fsync failed: \(FileSystem.errnoText())") }
    }

    /// Renames the temporary to a destination that did not exist when it was made, refusing
    /// (EEXIST) if something has appeared there since: `renameat2(RENAME_NOREPLACE)`, else
    /// for a file `link` + `unlink`, else (a directory on a file system without the flag) a
    /// plain rename, which cannot replace a directory that has entries.
    package func moveToNewDestination() throws(CheckpointError) {
        var rc = SystemPath.withCString(path) { f in SystemPath.withCString(destination) { t in csystem_rename_noreplace(f, t) } }
        if rc != 0, errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP {
            if FileSystem.kind(of: path, followingLinks: false) == .directory {
                rc = FileSystem.rename(path, destination) ? 0 : -1
            } else {
                rc = SystemPath.withCString(path) { f in SystemPath.withCString(destination) { t in link(f, t) } }
                if rc == 0 { _ = SystemPath.withCString(path) { unlink($0) } }
            }
        }
        guard rc == 0 else {
            if errno == EEXIST || errno == ENOTEMPTY {
                throw .io(file: destination, reason: "appeared while vitkit was writing (nothing was there when the run started): left as it is, nothing was written")
            }
            throw .io(file: destination, reason: "rename failed: \(FileSystem.errnoText())")
        }
    }

    deinit {
        closeFile()
        guard !kept else { return }
        csystem_forget_temporary(slot)
        FileSystem.removeTree(path)
    }

    /// NAME_MAX is 255 bytes: room for ".", ".vitkit-", a pid, "-XXXXXX" and ".old".
    static let maxNameBytes = 200

    /// `.NAME.vitkit-` with NAME cut to `maxNameBytes` bytes.
    static func prefix(for destination: String) -> String {
        let base = SystemPath.bytes(FileSystem.baseName(of: destination))
        return "." + SystemPath.decode(base.prefix(maxNameBytes)) + ".vitkit-"
    }

    /// Removes temporaries for `destination` whose process is gone; restores a lost
    /// directory from its `.old` copy when asked (`OutputGuard` does, before it looks at
    /// the destination; a `.old` is otherwise left alone).
    static func removeStale(for destination: String, restoringLostDirectory: Bool) {
        let dir = FileSystem.directoryName(of: destination)
        let prefix = prefix(for: destination)
        guard let names = try? FileSystem.listDirectory(dir) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0,
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            let stale = FileSystem.join(dir, name)
            if name.hasSuffix(".old") {
                guard restoringLostDirectory else { continue }
                if !FileSystem.exists(destination), FileSystem.rename(stale, destination) { continue }
            }
            FileSystem.removeTree(stale)
        }
    }
}

/// What the process does when it is interrupted or a mapped input shrinks.
///
/// These are process-wide settings for an application (the vitkit CLI installs them at
/// startup); a library caller decides whether it wants them.
public enum Interruption {
    /// Installs handlers for SIGINT, SIGTERM and SIGHUP that remove vitkit's temporary
    /// outputs before the process dies of the signal, and for SIGBUS that turns a read of a
    /// mapped file that shrank (truncated or replaced while being read) into one line on
    /// stderr naming the file, `messagePrefix` first (at most 63 bytes are kept), and exit
    /// status 1, temporaries removed.
    ///
    /// Call it once, at startup; it replaces handlers already installed for those signals,
    /// except that a signal set to be ignored (e.g. SIGHUP under `nohup`) stays ignored.
    ///
    /// A library user who installs their own handlers may skip this; without it, a file
    /// truncated while mapped ends the process with SIGBUS, as with any mmap reader.
    public static func installHandlers(messagePrefix: String = "Error: ") {
        csystem_install_handlers(messagePrefix)
    }

    /// Removes every temporary output still in progress (e.g. before `exit`).
    public static func removeTemporaries() {
        csystem_remove_temporaries()
    }
}
