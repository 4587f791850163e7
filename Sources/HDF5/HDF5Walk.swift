internal import CHDF5
import Tensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every group and dataset of a file, found by walking hard links from the root.
struct HDF5Contents: Sendable {
    /// Absolute group paths, parents before children, siblings in name order (`/` first).
    var groups: [String] = []
    /// Numeric datasets in the same depth-first, name-ordered walk.
    var datasets: [HDF5DatasetInfo] = []
    /// Datasets that exist but are not listed as tensors (strings, opaque, compound, empty
    /// null dataspaces, types libhdf5 1.10 cannot decode), with the error reading them raises
    /// and the reason in plain words.
    var refused: [(path: String, error: CheckpointError, reason: String)] = []
}

extension HDF5Reader {
    /// At most this many links are visited, and groups nest at most this deep.
    static let maxLinks = 1 << 20
    static let maxDepth = 64

    /// Walks the whole file.
    ///
    /// - Throws: `.unsupported` for soft, external and user-defined links anywhere, and for the
    ///   storage refused by `HDF5Safety`; `.malformed` when an object is reachable twice (an
    ///   alias or a cycle), nesting or link counts exceed the limits, or libhdf5 fails.
    func walk() throws(CheckpointError) -> HDF5Contents {
        try HDF5Library.prepare()
        var contents = HDF5Contents()
        var seen = Set<UInt64>()
        var budget = Self.maxLinks
        let root = try openRoot()
        seen.insert(try objectKey(root.id, at: location("/")))
        contents.groups.append("/")
        try walkGroup(root.id, "/", depth: 0, &seen, &budget, &contents)
        return contents
    }

    private func walkGroup(_ group: hid_t, _ path: String, depth: Int, _ seen: inout Set<UInt64>,
                           _ budget: inout Int, _ contents: inout HDF5Contents) throws(CheckpointError) {
        guard depth < Self.maxDepth else { throw location(path).malformed("groups nest deeper than \(Self.maxDepth) levels") }
        for (name, type) in try links(of: group, at: location(path), budget: budget) {
            budget -= 1
            let here = location(HDF5Path.join(path, name))
            switch H5L_type_t(rawValue: type) {
            case H5L_TYPE_HARD: break
            case H5L_TYPE_SOFT: throw here.unsupported("is a soft link; links are refused (they can alias or loop)")
            case H5L_TYPE_EXTERNAL: throw here.unsupported("is an external link to another file; external links are refused")
            default: throw here.unsupported("is a user-defined link (type \(type)); only hard links are followed")
            }
            do {
                try Self.checkObject(linkedAs: name, in: group, at: here)
            } catch {
                // A datatype newer than libhdf5 1.10 decodes: the object is never opened.
                guard let reason = HDF5Dataset.skipReason(error) else { throw error }
                contents.refused.append((here.object, error, reason))
                continue
            }
            let object = try HDF5Handle(H5Oopen(group, name, chdf5_p_default()), .object, here, "open")
            guard seen.insert(try objectKey(object.id, at: here)).inserted else {
                throw here.malformed("is a second hard link to an object already visited (an alias or a cycle)")
            }
            switch H5Iget_type(object.id) {
            case H5I_GROUP:
                contents.groups.append(here.object)
                try walkGroup(object.id, here.object, depth: depth + 1, &seen, &budget, &contents)
            case H5I_DATASET:
                do {
                    contents.datasets.append(try HDF5Dataset.inspect(object.id, at: here, fileSize: file.fileSize))
                } catch {
                    guard let reason = HDF5Dataset.skipReason(error) else { throw error }
                    contents.refused.append((here.object, error, reason))
                }
            default:
                break  // committed datatypes hold no data
            }
        }
    }

    /// The links of `group` in name order, with their `H5L_type_t` raw values.
    func links(of group: hid_t, at location: HDF5Location, budget: Int = HDF5Reader.maxLinks) throws(CheckpointError) -> [(String, Int32)] {
        var list = chdf5_links(data: nil, used: 0, capacity: 0, count: 0, max: max(budget, 0), truncated: 0)
        defer { free(list.data) }
        guard chdf5_list_links(group, &list) == 0 else { throw location.failure("list the members of") }
        guard list.truncated == 0 else { throw location.malformed("the file has more than \(Self.maxLinks) links") }
        var result: [(String, Int32)] = []
        guard let data = list.data else { return result }
        let bytes = UnsafeRawBufferPointer(start: data, count: list.used)
        var i = 0
        while i < bytes.count {
            let type = Int32(Int8(bitPattern: bytes[i]))
            var end = i + 1
            while bytes[end] != 0 { end += 1 }
            guard let name = String(validating: bytes[(i + 1)..<end], as: UTF8.self) else {
                throw location.malformed("has a member whose name is not UTF-8")
            }
            result.append((name, type))
            i = end + 1
        }
        return result
    }

    private func objectKey(_ object: hid_t, at here: HDF5Location) throws(CheckpointError) -> UInt64 {
        var key: UInt64 = 0
        guard chdf5_object_key(object, &key) >= 0 else { throw here.failure("identify") }
        return key
    }
}
