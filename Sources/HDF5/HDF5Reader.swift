internal import CHDF5
import Tensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HDF5 file opened read-only, with object lookup that follows hard links only.
///
/// Shared by `HDF5File`, `KerasWeightsFile` and `KerasShardedWeights`. Soft, external and
/// user-defined links are refused wherever a path is resolved, so a lookup can never leave
/// the file or alias another object.
final class HDF5Reader: Sendable {
    let file: HDF5FileHandle
    var path: String { file.path }
    /// The root group's attribute names in name order, from vitkit's own reading of its object
    /// header; nil when they are in dense storage (then only libhdf5 can list them).
    let rootAttributeNames: [String]?
    /// Root attributes libhdf5 1.10 cannot decode (`HDF5RootCheck.undecodable`).
    let undecodableRootAttributes: [(name: String, type: String)]

    /// Opens `path`.
    ///
    /// - Throws: `.io` when the file is missing or not a regular file; `.malformed` when it
    ///   is not HDF5, its superblock or root object header fails `HDF5RootCheck`, or libhdf5
    ///   cannot open it (truncated, corrupted...).
    init(path: String) throws(CheckpointError) {
        try HDF5Library.prepare()
        let (fd, size) = try FileSystem.openRegularFile(path)
        close(fd)
        let location = HDF5Location(file: path)
        let signature = SystemPath.withCString(path) { chdf5_is_hdf5($0) }
        if signature == 0 {
            _ = HDF5Library.takeErrorText()
            throw .malformed(file: path, reason: "not an HDF5 file (no HDF5 superblock signature)")
        }
        if signature < 0 { throw location.failure("open the file as HDF5") }
        // Superblock and root object header checked before libhdf5 decodes them (HDF5RootCheck).
        let rootCheck = try HDF5RootCheck(path: path)
        rootAttributeNames = rootCheck.attributeNames
        undecodableRootAttributes = rootCheck.undecodable
        let fapl = try HDF5Handle(H5Pcreate(chdf5_p_file_access()), .propertyList, location, "create a file access list for")
        chdf5_disable_file_locking(fapl.id)
        let id = try HDF5Handle(SystemPath.withCString(path) { H5Fopen($0, chdf5_f_acc_rdonly(), fapl.id) }, .file, location, "open the HDF5 file")
        file = HDF5FileHandle(handle: id, path: path, fileSize: size)
    }

    func location(_ object: String) -> HDF5Location { HDF5Location(file: path, object: object) }

    /// Opens the object at the absolute `objectPath`, or returns nil if some component does
    /// not exist. Each object's header passes `HDF5ObjectCheck` before libhdf5 opens it.
    ///
    /// - Throws: `.unsupported` when a component is a soft, external or user-defined link;
    ///   `.malformed` when an intermediate component is not a group, an object header fails
    ///   `HDF5ObjectCheck`, or libhdf5 fails.
    func open(_ objectPath: String) throws(CheckpointError) -> HDF5Handle? {
        try HDF5Library.prepare()
        if objectPath == "/" { return try openRoot() }
        guard let parts = HDF5Path.components(objectPath) else {
            throw location(objectPath).malformed("not a valid object path")
        }
        var current = try openRoot()
        var walked = ""
        for part in parts {
            let here = location(HDF5Path.join(walked, part))
            guard H5Iget_type(current.id) == H5I_GROUP else {
                throw location(walked).malformed("expected a group on the way to '\(objectPath)'")
            }
            guard try Self.hardLinkExists(current.id, part, at: here) else { return nil }
            try Self.checkObject(linkedAs: part, in: current.id, at: here)
            current = try HDF5Handle(H5Oopen(current.id, part, chdf5_p_default()), .object, here, "open")
            walked = here.object
        }
        return current
    }

    /// The address of the object header at `objectPath`, relative to the base address (for
    /// tests that damage it).
    func objectAddress(_ objectPath: String) throws(CheckpointError) -> UInt64 {
        guard let object = try open(objectPath) else { throw location(objectPath).malformed("no such object") }
        var address: UInt64 = 0
        guard chdf5_object_address(object.id, &address) >= 0 else { throw location(objectPath).failure("locate") }
        return address
    }

    /// Checks the header of the object the hard link `name` in `parent` points to with vitkit's
    /// own parser (`HDF5ObjectCheck`) before libhdf5 opens it; the address comes from the link.
    ///
    /// - Throws: the errors of `HDF5ObjectCheck.check`; `.malformed` when the link cannot be read.
    static func checkObject(linkedAs name: String, in parent: hid_t, at here: HDF5Location) throws(CheckpointError) {
        var address: UInt64 = 0
        let status = chdf5_link_address(parent, name, &address)
        if status == -2 { throw here.unsupported("is not a hard link; only hard links are followed") }
        guard status == 0 else { throw here.failure("read the link") }
        try HDF5ObjectCheck.check(address: address, at: here)
    }

    static func isGroup(_ object: hid_t) -> Bool { H5Iget_type(object) == H5I_GROUP }

    func openRoot() throws(CheckpointError) -> HDF5Handle {
        try HDF5Handle(H5Oopen(file.id, "/", chdf5_p_default()), .object, location("/"), "open the root group")
    }

    /// True if `parent` has a hard link `name`; false if it has no link of that name.
    ///
    /// - Throws: `.unsupported` naming the link for soft, external and user-defined links.
    static func hardLinkExists(_ parent: hid_t, _ name: String, at here: HDF5Location) throws(CheckpointError) -> Bool {
        let exists = H5Lexists(parent, name, chdf5_p_default())
        try check(exists, here, "look up")
        guard exists > 0 else { return false }
        let type = chdf5_link_type(parent, name)
        guard type >= 0 else { throw here.failure("read the link") }
        switch H5L_type_t(rawValue: type) {
        case H5L_TYPE_HARD: return true
        case H5L_TYPE_SOFT: throw here.unsupported("is a soft link; links are refused (they can alias or loop)")
        case H5L_TYPE_EXTERNAL: throw here.unsupported("is an external link to another file; external links are refused")
        default: throw here.unsupported("is a user-defined link (type \(type)); only hard links are followed")
        }
    }

    /// Describes the dataset at `objectPath` (running the safety checks).
    ///
    /// - Throws: `.malformed` when nothing or a non-dataset is there; the errors of `inspect`.
    func dataset(at objectPath: String) throws(CheckpointError) -> HDF5DatasetInfo {
        guard let info = try datasetIfPresent(at: objectPath) else { throw location(objectPath).malformed("no such dataset") }
        return info
    }

    /// `dataset(at:)`, or nil when no object exists at `objectPath`.
    func datasetIfPresent(at objectPath: String) throws(CheckpointError) -> HDF5DatasetInfo? {
        guard let object = try open(objectPath) else { return nil }
        guard H5Iget_type(object.id) == H5I_DATASET else { throw location(objectPath).malformed("is not a dataset") }
        return try HDF5Dataset.inspect(object.id, at: location(objectPath), fileSize: file.fileSize)
    }

    /// Reads the dataset at `objectPath` into an owned little-endian row-major tensor.
    func read(_ objectPath: String) throws(CheckpointError) -> Tensor {
        guard let object = try open(objectPath) else { throw location(objectPath).malformed("no such dataset") }
        guard H5Iget_type(object.id) == H5I_DATASET else { throw location(objectPath).malformed("is not a dataset") }
        return try HDF5Dataset.read(object.id, at: location(objectPath), fileSize: file.fileSize)
    }
}
