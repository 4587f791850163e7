internal import CHDF5
import Tensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing the attributes Keras uses: arrays of strings (fixed- or
/// variable-length, scalar or 1-D) and h5py's empty `float64` array for an empty list.
enum HDF5Attributes {
    /// At most this many strings, or bytes of fixed-length string data, in one attribute.
    static let maxStrings = 1 << 20
    static let maxFixedBytes = 64 << 20

    static func exists(_ object: hid_t, _ name: String, at location: HDF5Location) throws(CheckpointError) -> Bool {
        let found = H5Aexists(object, name)
        try check(found, location, "look up attribute '\(name)' of")
        return found > 0
    }

    /// How many attributes `object` has (read from its header; no attribute is decoded).
    static func count(_ object: hid_t, at location: HDF5Location) throws(CheckpointError) -> Int {
        let count = chdf5_attribute_count(object)
        guard count >= 0 else { throw location.failure("count the attributes of") }
        return Int(count)
    }

    /// Names of the attributes of `object`, which keeps them in dense storage, in name order.
    ///
    /// Never call this for compact attributes (`HDF5RootCheck` lists those): libhdf5 1.10
    /// lists them through a table it frees uninitialised when a message fails to decode.
    static func denseNames(_ object: hid_t, at location: HDF5Location) throws(CheckpointError) -> [String] {
        var list = chdf5_links(data: nil, used: 0, capacity: 0, count: 0, max: maxStrings, truncated: 0)
        defer { free(list.data) }
        guard chdf5_dense_attribute_names(object, &list) == 0 else { throw location.failure("read attribute names of") }
        guard list.truncated == 0 else { throw location.malformed("has more than \(maxStrings) attributes") }
        var names: [String] = []
        if let data = list.data {
            // Entries: a type byte (unused), the name, NUL.
            let bytes = UnsafeRawBufferPointer(start: data, count: list.used)
            var i = 0
            while i < bytes.count {
                var end = i + 1
                while bytes[end] != 0 { end += 1 }
                names.append(String(decoding: bytes[(i + 1)..<end], as: UTF8.self))
                i = end + 1
            }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The strings of attribute `name`: a scalar string gives one element; an empty numeric
    /// array (h5py's encoding of `[]`) gives none.
    ///
    /// - Throws: `.malformed` naming the attribute when it is not a string array, is not UTF-8,
    ///   is larger than the limits above, or holds variable-length strings that fail
    ///   `HDF5VlenStringCheck` (checked before libhdf5 reads them).
    static func strings(_ object: hid_t, _ name: String, at location: HDF5Location) throws(CheckpointError) -> [String] {
        let (values, shape) = try stringsAndShape(object, name, at: location)
        guard shape.count <= 1 else { throw attributeError(name, location, "should be a list of strings but has rank \(shape.count)") }
        return values
    }

    /// True when attribute `name` holds strings (of any length kind).
    static func isString(_ object: hid_t, _ name: String, at location: HDF5Location) throws(CheckpointError) -> Bool {
        let attr = try HDF5Handle(H5Aopen(object, name, chdf5_p_default()), .attribute, location, "open attribute '\(name)' of")
        let type = try HDF5Handle(H5Aget_type(attr.id), .datatype, location, "read the type of attribute '\(name)' of")
        return H5Tget_class(type.id) == H5T_STRING
    }

    /// The strings of attribute `name` of any rank, row-major, with its shape (`[]` for a
    /// scalar; h5py writes a 2-D numpy string array as a 2-D dataspace).
    static func stringsAndShape(_ object: hid_t, _ name: String, at location: HDF5Location) throws(CheckpointError) -> (values: [String], shape: [Int]) {
        let what = "attribute '\(name)' of"
        let attr = try HDF5Handle(H5Aopen(object, name, chdf5_p_default()), .attribute, location, "open \(what)")
        let type = try HDF5Handle(H5Aget_type(attr.id), .datatype, location, "read the type of \(what)")
        let space = try HDF5Handle(H5Aget_space(attr.id), .dataspace, location, "read the shape of \(what)")
        let rank = H5Sget_simple_extent_ndims(space.id)
        let points = H5Sget_simple_extent_npoints(space.id)
        guard rank >= 0, points >= 0 else { throw location.failure("read the shape of \(what)") }
        guard rank <= 32 else { throw attributeError(name, location, "has rank \(rank) (HDF5 allows at most 32)") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        guard H5Sget_simple_extent_dims(space.id, &dims, nil) == rank else { throw location.failure("read the shape of \(what)") }
        let shape = dims.map { Int(clamping: $0) }
        let count = Int(points)
        let typeClass = H5Tget_class(type.id)
        if count == 0 && (typeClass == H5T_FLOAT || typeClass == H5T_INTEGER) { return ([], shape) }
        guard typeClass == H5T_STRING else {
            throw attributeError(name, location, "should be a list of strings")
        }
        guard count <= maxStrings else { throw attributeError(name, location, "holds \(count) strings") }
        if count == 0 { return ([], shape) }
        let cset = H5Tget_cset(type.id)
        let memory = try HDF5Handle(H5Tcopy(chdf5_t_c_s1()), .datatype, location, "read \(what)")
        try check(H5Tset_cset(memory.id, cset), location, "read \(what)")
        if H5Tis_variable_str(type.id) > 0 {
            // libhdf5 1.10 follows each element into the global heap unchecked: vitkit checks first.
            var address: UInt64 = 0
            guard chdf5_object_address(object, &address) >= 0 else { throw location.failure("locate the object header of") }
            try HDF5VlenStringCheck.check(objectAddress: address, attribute: name, at: location)
            try check(H5Tset_size(memory.id, chdf5_t_variable()), location, "read \(what)")
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            try check(H5Aread(attr.id, memory.id, &pointers), location, "read \(what)")
            defer { _ = chdf5_reclaim(memory.id, space.id, &pointers) }
            var result: [String] = []
            for p in pointers {
                guard let p else { result.append(""); continue }
                result.append(try decode(UnsafeRawBufferPointer(start: p, count: strlen(p)).bindMemory(to: UInt8.self), name, location))
            }
            return (result, shape)
        }
        let size = H5Tget_size(type.id)
        let (total, overflow) = size.multipliedReportingOverflow(by: count)
        guard size > 0, !overflow, total <= maxFixedBytes else {
            throw attributeError(name, location, "is too large (\(count) strings of \(size) bytes)")
        }
        try check(H5Tset_size(memory.id, size), location, "read \(what)")
        try check(H5Tset_strpad(memory.id, H5Tget_strpad(type.id)), location, "read \(what)")
        var bytes = [UInt8](repeating: 0, count: total)
        try check(H5Aread(attr.id, memory.id, &bytes), location, "read \(what)")
        let spacePadded = H5Tget_strpad(type.id) == H5T_STR_SPACEPAD
        var result: [String] = []
        for i in 0..<count {
            var element = bytes[(i * size)..<((i + 1) * size)]
            if let nul = element.firstIndex(of: 0) { element = element[..<nul] }
            if spacePadded { while element.last == 0x20 { element = element.dropLast() } }
            result.append(try decode(element, name, location))
        }
        return (result, shape)
    }

    private static func decode<C: Collection<UInt8>>(_ bytes: C, _ name: String, _ location: HDF5Location) throws(CheckpointError) -> String {
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw attributeError(name, location, "holds a string that is not UTF-8")
        }
        return s
    }

    /// Writes attribute `name` as h5py writes a list of Python `bytes`: variable-length
    /// ASCII-tagged NUL-terminated strings; `scalar` writes one string with a scalar dataspace.
    /// An empty list is written as h5py writes `np.asarray([])`: an empty `float64` array.
    static func writeStrings(_ object: hid_t, _ name: String, _ values: [String], scalar: Bool = false, at location: HDF5Location) throws(CheckpointError) {
        let what = "write attribute '\(name)' of"
        if values.isEmpty && !scalar {
            var dims: [hsize_t] = [0]
            let space = try HDF5Handle(H5Screate_simple(1, &dims, nil), .dataspace, location, what)
            _ = try HDF5Handle(H5Acreate2(object, name, chdf5_t_ieee_f64le(), space.id, chdf5_p_default(), chdf5_p_default()), .attribute, location, what)
            return
        }
        precondition(!scalar || values.count == 1)
        let type = try HDF5Handle(H5Tcopy(chdf5_t_c_s1()), .datatype, location, what)
        try check(H5Tset_size(type.id, chdf5_t_variable()), location, what)
        try check(H5Tset_cset(type.id, H5T_CSET_ASCII), location, what)
        var dims: [hsize_t] = [hsize_t(values.count)]
        let space = try HDF5Handle(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dims, nil), .dataspace, location, what)
        let attr = try HDF5Handle(H5Acreate2(object, name, type.id, space.id, chdf5_p_default(), chdf5_p_default()), .attribute, location, what)
        let cStrings = values.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var pointers: [UnsafePointer<CChar>?] = cStrings.map { $0.map { UnsafePointer($0) } }
        try check(H5Awrite(attr.id, type.id, &pointers), location, what)
    }

    /// Writes attribute `name` as h5py writes a numpy `S` array: fixed-length strings as long
    /// as the longest value (at least 1 byte), NUL-padded, ASCII-tagged.
    static func writeFixedStrings(_ object: hid_t, _ name: String, _ values: [String], at location: HDF5Location) throws(CheckpointError) {
        let what = "write attribute '\(name)' of"
        let encoded = values.map { Array($0.utf8) }
        let itemSize = max(encoded.map(\.count).max() ?? 0, 1)
        var bytes = [UInt8](repeating: 0, count: itemSize * values.count)
        for (i, value) in encoded.enumerated() { bytes.replaceSubrange((i * itemSize)..<(i * itemSize + value.count), with: value) }
        let type = try HDF5Handle(H5Tcopy(chdf5_t_c_s1()), .datatype, location, what)
        try check(H5Tset_size(type.id, itemSize), location, what)
        try check(H5Tset_strpad(type.id, H5T_STR_NULLPAD), location, what)
        try check(H5Tset_cset(type.id, H5T_CSET_ASCII), location, what)
        var dims: [hsize_t] = [hsize_t(values.count)]
        let space = try HDF5Handle(H5Screate_simple(1, &dims, nil), .dataspace, location, what)
        let attr = try HDF5Handle(H5Acreate2(object, name, type.id, space.id, chdf5_p_default(), chdf5_p_default()), .attribute, location, what)
        if !bytes.isEmpty { try check(H5Awrite(attr.id, type.id, &bytes), location, what) }
    }

    /// "attribute 'layer_names' of '/vit' <problem>".
    static func attributeError(_ name: String, _ location: HDF5Location, _ problem: String) -> CheckpointError {
        .malformed(file: location.file, reason: "attribute '\(name)' of '\(location.object.isEmpty ? "/" : location.object)' \(problem)")
    }
}
