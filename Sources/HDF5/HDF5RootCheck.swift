import Tensors

/// vitkit's own structural check of an HDF5 file's superblock and root group object header,
/// run before libhdf5 opens the file.
///
/// libhdf5 1.10 builds a table of an object's compact attributes to list them by index
/// (`H5Aget_name_by_idx`, `H5Aiterate`), and when one attribute message fails to decode it
/// frees the table's uninitialised entries (undefined behaviour; 1.12 rewrote this path).
/// Every attribute message of the root group is therefore checked here so that libhdf5 can
/// decode it, and the root's attribute names come from this check, so vitkit never asks
/// libhdf5 to build that table for compact attributes.
struct HDF5RootCheck {
    /// The names of the root group's attributes in libhdf5's name order (byte-wise), or nil
    /// when the root keeps them in dense storage (a fractal heap: v2 headers with many attributes).
    var attributeNames: [String]?
    /// Root attributes whose datatype libhdf5 1.10 cannot decode (name, what it is): while the
    /// root keeps one among its compact attributes, libhdf5 opens none of them.
    var undecodable: [(name: String, type: String)] = []

    /// Checks `path`.
    ///
    /// - Throws: `.malformed` naming the file, the structure, what was expected and what was
    ///   found; `.unsupported` for root attributes kept as shared messages.
    init(path: String) throws(CheckpointError) {
        do {
            let file = try HDF5RawFile(path: path)
            let superblock = try HDF5Superblock.read(file)
            let at = superblock.rootObjectHeader
            let header: HDF5ObjectHeader
            do {
                header = try HDF5ObjectHeader.read(file, at: at, superblock)
            } catch {
                throw HDF5StructureError("root group: \(error.reason)")
            }
            // The root's own messages, as every object's before libhdf5 opens it (HDF5ObjectCheck).
            do {
                try HDF5ObjectCheck.check(header, file, superblock)
            } catch {
                throw error.prefixed("root group's object header (offset \(at))")
            }
            // Its link storage, before libhdf5 resolves a name in it (HDF5GroupCheck).
            do {
                try HDF5GroupCheck.check(header, file, superblock)
            } catch {
                throw error.prefixed("root group's link storage (object header at offset \(at))")
            }
            var names: [String] = []
            let dense: Bool
            do {
                dense = try HDF5AttributeInfo.of(header, superblock)?.heap != nil
            } catch {
                throw HDF5StructureError("root group: \(error.reason)")
            }
            for message in header.messages {
                guard message.type == HDF5AttributeMessage.type else { continue }
                guard message.flags & 0x02 == 0 else {
                    throw CheckpointError.unsupported(file: path, reason: "the root group keeps an attribute as a shared message (at offset \(message.headerOffset)); not supported")
                }
                do {
                    names.append(try HDF5AttributeMessage(message.body, superblock).name)
                } catch where error.newerDatatype != nil {
                    // Never a string; libhdf5 1.10 cannot open any compact root attribute then
                    // (it decodes them all to find one by name).
                    undecodable.append(((try? HDF5AttributeMessage.name(message.body).name) ?? "?", error.newerDatatype ?? ""))
                    continue
                } catch {
                    throw HDF5StructureError("root group's object header (offset \(at)): attribute message at offset \(message.headerOffset): \(error.reason)")
                }
            }
            attributeNames = dense ? nil : names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        } catch let error as HDF5StructureError {
            if error.unsupported { throw .unsupported(file: path, reason: error.reason) }
            throw .malformed(file: path, reason: "unreadable HDF5 metadata (damaged, or newer than libhdf5 1.10 reads): \(error.reason)")
        } catch let error as CheckpointError {
            throw error
        } catch {
            throw .malformed(file: path, reason: "unreadable HDF5 metadata: \(error)")
        }
    }
}
