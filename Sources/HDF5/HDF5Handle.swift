internal import CHDF5
import Tensors

/// One owned libhdf5 identifier, closed with the matching `H5?close` when it goes away.
///
/// Non-copyable so that exactly one owner closes it. Identifiers that are not owned (the
/// `H5T_*` predefined types) are never wrapped.
struct HDF5Handle: ~Copyable {
    enum Kind {
        case file, group, dataset, attribute, dataspace, datatype, propertyList, object
    }

    let id: hid_t
    let kind: Kind

    /// Wraps `id` if it is valid (>= 0); otherwise throws `location.failure(action)`.
    init(_ id: hid_t, _ kind: Kind, _ location: HDF5Location, _ action: @autoclosure () -> String) throws(CheckpointError) {
        guard id >= 0 else { throw location.failure(action()) }
        self.id = id
        self.kind = kind
    }

    /// Closes now and returns libhdf5's status (closing a file flushes it: check the result).
    consuming func close() -> herr_t {
        let status = Self.close(id, kind)
        discard self
        return status
    }

    deinit { _ = Self.close(id, kind) }

    private static func close(_ id: hid_t, _ kind: Kind) -> herr_t {
        switch kind {
        case .file: H5Fclose(id)
        case .group: H5Gclose(id)
        case .dataset: H5Dclose(id)
        case .attribute: H5Aclose(id)
        case .dataspace: H5Sclose(id)
        case .datatype: H5Tclose(id)
        case .propertyList: H5Pclose(id)
        case .object: H5Oclose(id)
        }
    }
}

/// A file identifier shared by the readers' objects, closed when the last owner goes away.
///
/// Calls through one `HDF5FileHandle` may come from several threads: the thread-safe libhdf5
/// serialises them behind its global lock.
final class HDF5FileHandle: @unchecked Sendable {
    let handle: HDF5Handle
    let path: String
    /// The file size in bytes when it was opened (for the declared-size checks).
    let fileSize: Int

    init(handle: consuming HDF5Handle, path: String, fileSize: Int) {
        self.handle = handle
        self.path = path
        self.fileSize = fileSize
    }

    var id: hid_t { handle.id }
    var location: HDF5Location { HDF5Location(file: path) }
}

/// Checks an `herr_t`/`htri_t` result (negative is failure).
@inline(__always)
func check(_ status: Int32, _ location: HDF5Location, _ action: @autoclosure () -> String) throws(CheckpointError) {
    if status < 0 { throw location.failure(action()) }
}

/// Runs `body` with `name` as a NUL-terminated C string.
@inline(__always)
func withCName<R, E: Error>(_ name: String, _ body: (UnsafePointer<CChar>) throws(E) -> R) throws(E) -> R {
    var chars = Array(name.utf8CString)
    return try chars.withUnsafeMutableBufferPointer { (b) throws(E) -> R in try body(b.baseAddress!) }
}

/// The text of a NUL-terminated C string held in a buffer (invalid UTF-8 is repaired).
func cString(_ buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
