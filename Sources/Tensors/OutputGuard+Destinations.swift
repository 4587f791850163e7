/// The checks on a destination's name and place that need no file, and the check that the
/// outputs of one run are distinct files.
extension OutputGuard {
    /// The longest file name Linux file systems take (NAME_MAX), in bytes.
    static let maxNameBytes = 255

    /// Directories whose entries are the system's (device nodes, `/dev/stdout` and its
    /// kin, kernel files): a write there, even over a link with `--force`, is refused.
    /// `/dev/shm` and `/dev/mqueue` are ordinary file systems and stay writable.
    static let systemDirectories = ["/dev", "/proc", "/sys"]
    static let writableUnderDev = ["/dev/shm", "/dev/mqueue"]

    /// Checks every destination of one run as `check` does, after making sure no two of
    /// them name the same file (the same name in the same directory, by device and inode,
    /// through any spelling), which would make the later write replace the earlier one.
    ///
    /// - Throws: `CheckpointError.io` naming the destination and what was found there.
    public static func check(_ destinations: [String], inputs: [String], replace: Bool, output: Output) throws(CheckpointError) {
        var seen: [String] = []
        for destination in destinations {
            if let earlier = seen.first(where: { sameEntry($0, destination) }) {
                throw .io(file: destination, reason: "is also where \(earlier) goes: give each output of the run its own file")
            }
            seen.append(destination)
        }
        for destination in destinations { try check(destination, inputs: inputs, replace: replace, output: output) }
    }

    /// True when `a` and `b` name the same directory entry: the same base name in one directory.
    static func sameEntry(_ a: String, _ b: String) -> Bool {
        guard FileSystem.baseName(of: a) == FileSystem.baseName(of: b) else { return false }
        let (da, db) = (FileSystem.directoryName(of: a), FileSystem.directoryName(of: b))
        guard let ia = FileSystem.identity(of: da), let ib = FileSystem.identity(of: db) else { return da == db }
        return ia == ib
    }

    /// Refuses an empty destination and a base name longer than a file name may be, before
    /// anything is computed (the rename at the end would fail).
    static func checkName(_ destination: String) throws(CheckpointError) {
        guard !destination.isEmpty else { throw .io(file: "\"\"", reason: "the output path is empty") }
        let name = SystemPath.bytes(FileSystem.baseName(of: destination))
        if name.count > maxNameBytes {
            throw .io(file: destination, reason: "its file name is \(name.count) bytes long, more than the \(maxNameBytes) a file name may have")
        }
    }

    /// Refuses a destination in `/dev`, `/proc` or `/sys` (by its directory's real path):
    /// `-o /dev/stdout` would otherwise replace the system's link with a file.
    static func checkPlace(_ destination: String, parent: String) throws(CheckpointError) {
        guard let real = FileSystem.realPath(parent) else { return }
        func isUnder(_ root: String) -> Bool { real == root || real.hasPrefix(root + "/") }
        guard let system = systemDirectories.first(where: isUnder), !writableUnderDev.contains(where: isUnder) else { return }
        throw .io(file: destination, reason: "is in \(system), where the system's device and kernel files live: refusing to write there (vitkit writes files through a temporary and a rename, never to a device or a stream)")
    }
}
