internal import CHDF5
import Tensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide libhdf5 setup and the translation of its error stack into `CheckpointError`.
///
/// Every entry point of this module calls `prepare()` first: it runs `H5open()` once (the
/// `H5T_*` type globals are invalid before) and silences HDF5's automatic error printing
/// for the calling thread (the auto-print setting lives on the per-thread error stack in
/// thread-safe builds, so it must be set on every thread that calls into HDF5).
enum HDF5Library {
    private static let opened: Bool = chdf5_open() >= 0

    static func prepare() throws(CheckpointError) {
        // `opened` first: any other call would initialise the library without H5dont_atexit.
        guard opened else { throw .io(file: "<libhdf5>", reason: "libhdf5 failed to initialise (H5open)") }
        chdf5_silence_errors()
    }

    /// The innermost messages on the calling thread's error stack (which is then cleared), on
    /// one line, e.g. "truncated file: eof = 100, sblock->base_addr = 0, stored_eof = 2048".
    static func takeErrorText() -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        let text = buffer.withUnsafeMutableBufferPointer { b -> String in
            chdf5_take_error_text(b.baseAddress!, b.count)
            return String(cString: b.baseAddress!)
        }
        // The sec2 driver's write error embeds ctime()'s newline: keep errors to one line.
        return String(text.split(whereSeparator: \.isNewline).joined(separator: " ").map { $0.isWhitespace ? " " : $0 })
    }

    /// The `errno` a libhdf5 file-driver message reports ("... errno = 28, error message =
    /// 'No space left on device' ..."), or nil when the text names none.
    static func reportedErrno(in text: String) -> Int32? {
        let key = Array("errno = ".utf8), bytes = Array(text.utf8)
        guard bytes.count >= key.count else { return nil }
        for start in 0...(bytes.count - key.count) where bytes[start..<(start + key.count)].elementsEqual(key) {
            let digits = bytes[(start + key.count)...].prefix { $0 >= 0x30 && $0 <= 0x39 }.prefix(9)
            return Int32(String(decoding: digits, as: UTF8.self))
        }
        return nil
    }

    /// The libhdf5 version this module was built and linked against, e.g. "1.10.8".
    static var version: String {
        _ = opened  // H5get_libversion would initialise the library without H5dont_atexit
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        _ = H5get_libversion(&major, &minor, &release)
        return "\(major).\(minor).\(release)"
    }
}

/// Where an HDF5 call failed: the file and, when there is one, the object path inside it.
struct HDF5Location: Sendable {
    var file: String
    var object: String = ""

    /// `"/vit/kernel:0"` in the file, or just the file.
    func appending(_ name: String) -> HDF5Location {
        HDF5Location(file: file, object: HDF5Path.join(object, name))
    }

    var objectPhrase: String { object.isEmpty ? "" : " '\(object)'" }

    /// A `.malformed` error: "<file>: cannot <action> '<object>': <libhdf5 detail>"; or, when
    /// libhdf5 failed because the disk is full or a size limit was hit, `.io` saying so.
    func failure(_ action: String) -> CheckpointError {
        let detail = HDF5Library.takeErrorText()
        if let code = HDF5Library.reportedErrno(in: detail), let reason = Self.outOfSpace(code) {
            return .io(file: file, reason: "write failed: \(reason)")
        }
        let reason = "cannot \(action)\(objectPhrase)" + (detail.isEmpty ? "" : ": \(detail)")
        return .malformed(file: file, reason: reason)
    }

    /// What a write error meaning "no room for this file" says, or nil for other errors.
    static func outOfSpace(_ code: Int32) -> String? {
        switch code {
        case ENOSPC: "no space left on device"
        case EFBIG: "file too large (the file-size limit was reached)"
        case EDQUOT: "disk quota exceeded"
        default: nil
        }
    }

    func malformed(_ reason: String) -> CheckpointError {
        .malformed(file: file, reason: object.isEmpty ? reason : "'\(object)': \(reason)")
    }

    func unsupported(_ reason: String) -> CheckpointError {
        .unsupported(file: file, reason: object.isEmpty ? reason : "'\(object)': \(reason)")
    }
}

/// HDF5 object paths: absolute, `/`-separated, never `.`/`..` or empty components.
enum HDF5Path {
    static func join(_ base: String, _ name: String) -> String {
        if base.isEmpty || base == "/" { return "/" + name }
        return base + "/" + name
    }

    /// The components of `path` (leading `/` optional).
    ///
    /// Returns nil when a component is empty, `.` or `..`: such names would be resolved
    /// by libhdf5 in surprising ways (`.` is the current group).
    static func components(_ path: String) -> [String]? {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.first == "" { parts.removeFirst() }
        guard !parts.isEmpty else { return nil }
        for p in parts where p.isEmpty || p == "." || p == ".." { return nil }
        return parts
    }
}
