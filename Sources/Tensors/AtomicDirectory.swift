#if canImport(Glibc)
import Glibc
#endif
internal import CVitKitSystem

/// Writes a directory atomically: into a hidden temporary sibling, which then takes the
/// destination's place in one step.
///
/// An existing destination is swapped with the finished directory by
/// `renameat2(RENAME_EXCHANGE)` and the old one (now under the temporary name) is removed
/// without following links. Where the file system lacks the exchange, the old directory is
/// renamed to `.NAME.vitkit-PID-XXXXXX.old` first; if the process dies between the two
/// renames, the next write to the same destination puts it back.
public enum AtomicDirectory {
    /// Fills a new temporary directory with `body`, then moves it to `destination`,
    /// replacing what is there (check it first with `OutputGuard`).
    ///
    /// `body` receives the temporary directory's path and writes its files there; the
    /// directory becomes mode 0755 when it is moved into place.
    ///
    /// What changed at the destination while `body` ran is never lost: if nothing was there
    /// when the call began, whatever appeared since is left alone and the call fails; a
    /// directory that was there and has meanwhile gained an entry `replaceableEntry` refuses
    /// (the rule `OutputGuard` applied before) is swapped back and the call fails.
    ///
    /// - Parameters:
    ///   - replaceableEntry: the names a replaced directory may hold (as given to `OutputGuard`).
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws (nothing is left behind; a `CheckpointError` naming a
    ///   file in the temporary directory is rewritten to name it under `destination`), or
    ///   `CheckpointError.io` when the temporary cannot be created or moved into place.
    public static func write<R>(_ destination: String, replaceableEntry: @Sendable (String) -> Bool = { _ in true },
                                body: (String) throws -> R) throws -> R {
        let temporary = try TemporaryOutput(for: destination, directory: true)
        let result: R
        do {
            result = try body(temporary.path)
        } catch let error as CheckpointError {
            throw error.relocated(from: temporary.path, to: destination)  // name what the user asked for
        }
        _ = SystemPath.withCString(temporary.path) { chmod($0, 0o755) }
        guard temporary.destinationExisted, let kind = FileSystem.kind(of: destination, followingLinks: false) else {
            try temporary.moveToNewDestination()
            temporary.keep()
            FileSystem.syncDirectory(FileSystem.directoryName(of: destination))
            return result
        }
        guard [.directory, .regular, .symbolicLink].contains(kind) else {
            throw CheckpointError.io(file: destination, reason: "expected a directory or nothing at the destination, found \(kind.description)")
        }
        let exchanged = SystemPath.withCString(temporary.path) { t in
            SystemPath.withCString(destination) { d in csystem_rename_exchange(t, d) }
        }
        if exchanged == 0 {
            // The temporary name now holds the old destination: its deinit removes it, unless
            // it gained the user's files while body ran, or cannot be listed to tell (then it
            // goes back).
            if kind == .directory {
                let problem: String?
                do {
                    let foreign = try OutputGuard.foreignEntries(in: temporary.path, replaceable: replaceableEntry)
                    problem = foreign.isEmpty ? nil : "gained files vitkit does not write while it was writing (\(OutputGuard.list(foreign)))"
                } catch {
                    problem = "cannot be listed to check what it holds now (\(error))"
                }
                if let problem {
                    _ = SystemPath.withCString(temporary.path) { t in SystemPath.withCString(destination) { d in csystem_rename_exchange(t, d) } }
                    throw CheckpointError.io(file: destination, reason: "\(problem): left as it is, nothing was written")
                }
            }
            FileSystem.syncDirectory(FileSystem.directoryName(of: destination))
            return result
        }
        guard errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP else {
            throw CheckpointError.io(file: destination, reason: "cannot swap the finished output into place: \(FileSystem.errnoText())")
        }
        let old = temporary.path + ".old"
        guard FileSystem.rename(destination, old) else {
            throw CheckpointError.io(file: destination, reason: "cannot move the existing destination aside: \(FileSystem.errnoText())")
        }
        guard FileSystem.rename(temporary.path, destination) else {
            let reason = FileSystem.errnoText()
            _ = FileSystem.rename(old, destination)
            throw CheckpointError.io(file: destination, reason: "cannot rename the finished output into place: \(reason)")
        }
        temporary.keep()
        FileSystem.removeTree(old)
        FileSystem.syncDirectory(FileSystem.directoryName(of: destination))
        return result
    }
}
