import CHDF5
import Testing
import Tensors
@testable import HDF5

/// Builders for HDF5 files with features vitkit must refuse, written through libhdf5
/// directly (the library itself never creates them).
enum HDF5TestFiles {
    /// A dataset whose raw data lives in an external file.
    static func externalStorage(_ path: String, rawFile: String) throws {
        try build(path) { file in
            let dcpl = H5Pcreate(chdf5_p_dataset_create())
            defer { H5Pclose(dcpl) }
            _ = H5Pset_external(dcpl, rawFile, 0, 64)
            try dataset(file, "data", dims: [16], dcpl: dcpl)
        }
    }

    /// A virtual dataset mapping `source`:`/data`.
    static func virtualDataset(_ path: String, source: String) throws {
        try build(path) { file in
            var dims: [hsize_t] = [16]
            let space = H5Screate_simple(1, &dims, nil)
            defer { H5Sclose(space) }
            let dcpl = H5Pcreate(chdf5_p_dataset_create())
            defer { H5Pclose(dcpl) }
            _ = H5Pset_virtual(dcpl, space, source, "/data", space)
            try dataset(file, "virtual", dims: [16], dcpl: dcpl)
        }
    }

    /// A dataset declaring `dims` float32 elements with no data written (chunked, optionally deflated).
    static func hugeDeclared(_ path: String, dims: [UInt64], chunk: UInt64, deflate: Bool) throws {
        try build(path) { file in
            let dcpl = H5Pcreate(chdf5_p_dataset_create())
            defer { H5Pclose(dcpl) }
            var chunks = dims.map { _ in hsize_t(1) }
            chunks[chunks.count - 1] = chunk
            _ = H5Pset_chunk(dcpl, Int32(chunks.count), &chunks)
            if deflate { _ = H5Pset_deflate(dcpl, 6) }
            try dataset(file, "huge", dims: dims, dcpl: dcpl)
        }
    }

    /// A variable-length string dataset at `objectPath` in an existing writer's file.
    static func stringDataset(_ path: String, build body: (HDF5Writer) throws -> Void, stringAt objectPath: String) throws {
        let writer = try HDF5Writer(creating: path)
        try body(writer)
        try writer.close()
        let file = H5Fopen(path, chdf5_f_acc_rdwr(), chdf5_p_default())
        defer { H5Fclose(file) }
        let type = H5Tcopy(chdf5_t_c_s1())
        defer { H5Tclose(type) }
        _ = H5Tset_size(type, chdf5_t_variable())
        var dims: [hsize_t] = [2]
        let space = H5Screate_simple(1, &dims, nil)
        defer { H5Sclose(space) }
        let lcpl = H5Pcreate(chdf5_p_link_create())
        defer { H5Pclose(lcpl) }
        _ = H5Pset_create_intermediate_group(lcpl, 1)
        let dset = H5Dcreate2(file, objectPath, type, space, lcpl, chdf5_p_default(), chdf5_p_default())
        #expect(dset >= 0)
        H5Dclose(dset)
    }

    /// A second hard link `alias` to the object at `target`.
    static func addHardLink(_ path: String, target: String, alias: String) {
        let file = H5Fopen(path, chdf5_f_acc_rdwr(), chdf5_p_default())
        defer { H5Fclose(file) }
        #expect(H5Lcreate_hard(file, target, file, alias, chdf5_p_default(), chdf5_p_default()) >= 0)
    }

    /// A float64 array attribute on an object of an existing file.
    static func floatAttribute(_ path: String, on object: String, name: String, values: [Double]) throws {
        chdf5_silence_errors()
        let file = H5Fopen(path, chdf5_f_acc_rdwr(), chdf5_p_default())
        defer { H5Fclose(file) }
        var dims: [hsize_t] = [hsize_t(values.count)]
        let space = H5Screate_simple(1, &dims, nil)
        defer { H5Sclose(space) }
        let attr = H5Acreate_by_name(file, object, name, chdf5_t_ieee_f64le(), space, chdf5_p_default(), chdf5_p_default(), chdf5_p_default())
        defer { H5Aclose(attr) }
        var v = values
        #expect(H5Awrite(attr, chdf5_t_ieee_f64le(), &v) >= 0)
    }

    /// How an attribute is stored: "vlen ascii nullterm [2]", "fixed 10 ascii nullpad [2]",
    /// "float 8 [0]", with "scalar" for a scalar dataspace.
    static func attributeInfo(_ path: String, _ object: String, _ name: String) -> String {
        chdf5_silence_errors()
        let file = openReadOnly(path)
        defer { H5Fclose(file) }
        let attr = H5Aopen_by_name(file, object, name, chdf5_p_default(), chdf5_p_default())
        guard attr >= 0 else { return "missing: \(HDF5Library.takeErrorText())" }
        defer { H5Aclose(attr) }
        let type = H5Aget_type(attr), space = H5Aget_space(attr)
        defer { H5Tclose(type); H5Sclose(space) }
        var dims = [hsize_t](repeating: 0, count: 4)
        let rank = H5Sget_simple_extent_ndims(space)
        _ = H5Sget_simple_extent_dims(space, &dims, nil)
        let shape = rank == 0 ? "scalar" : "[" + dims.prefix(Int(rank)).map { String($0) }.joined(separator: ", ") + "]"
        switch H5Tget_class(type) {
        case H5T_STRING:
            let cset = H5Tget_cset(type) == H5T_CSET_UTF8 ? "utf8" : "ascii"
            let pad = H5Tget_strpad(type) == H5T_STR_NULLTERM ? "nullterm" : H5Tget_strpad(type) == H5T_STR_NULLPAD ? "nullpad" : "spacepad"
            return H5Tis_variable_str(type) > 0 ? "vlen \(cset) \(pad) \(shape)" : "fixed \(H5Tget_size(type)) \(cset) \(pad) \(shape)"
        case H5T_FLOAT: return "float \(H5Tget_size(type)) \(shape)"
        case H5T_INTEGER: return "integer \(H5Tget_size(type)) \(shape)"
        default: return "other \(shape)"
        }
    }

    /// A dataset's storage: "contiguous float 4 le nofilters" etc.
    static func datasetInfo(_ path: String, _ dataset: String) -> String {
        chdf5_silence_errors()
        let file = openReadOnly(path)
        defer { H5Fclose(file) }
        let dset = H5Dopen2(file, dataset, chdf5_p_default())
        guard dset >= 0 else { return "missing" }
        defer { H5Dclose(dset) }
        let type = H5Dget_type(dset), dcpl = H5Dget_create_plist(dset)
        defer { H5Tclose(type); H5Pclose(dcpl) }
        let layout = H5Pget_layout(dcpl) == H5D_CONTIGUOUS ? "contiguous" : "other"
        let cls = H5Tget_class(type) == H5T_FLOAT ? "float" : H5Tget_class(type) == H5T_INTEGER ? "integer" : "other"
        let order = H5Tget_order(type) == H5T_ORDER_LE ? "le" : "be"
        return "\(layout) \(cls) \(H5Tget_size(type)) \(order) filters=\(H5Pget_nfilters(dcpl))"
    }

    /// (file offset, stored size) of every chunk of a chunked dataset.
    static func chunkLocations(_ path: String, _ dataset: String) -> [(Int, Int)] {
        chdf5_silence_errors()
        let file = openReadOnly(path)
        defer { H5Fclose(file) }
        let dset = H5Dopen2(file, dataset, chdf5_p_default())
        defer { H5Dclose(dset) }
        let space = H5Dget_space(dset)
        defer { H5Sclose(space) }
        var count: hsize_t = 0
        _ = H5Dget_num_chunks(dset, space, &count)
        var result: [(Int, Int)] = []
        for i in 0..<count {
            var offset = [hsize_t](repeating: 0, count: 2)
            var mask: UInt32 = 0
            var address: haddr_t = 0
            var size: hsize_t = 0
            _ = H5Dget_chunk_info(dset, space, i, &offset, &mask, &address, &size)
            result.append((Int(address), Int(size)))
        }
        return result
    }

    /// Opens read-only with file locking off, as `HDF5Reader` does (libhdf5 refuses to open a
    /// file twice in one process with different locking settings).
    static func openReadOnly(_ path: String) -> hid_t {
        let fapl = H5Pcreate(chdf5_p_file_access())
        defer { H5Pclose(fapl) }
        chdf5_disable_file_locking(fapl)
        return H5Fopen(path, chdf5_f_acc_rdonly(), fapl)
    }

    private static func build(_ path: String, _ body: (hid_t) throws -> Void) throws {
        chdf5_silence_errors()
        let file = H5Fcreate(path, chdf5_f_acc_trunc(), chdf5_p_default(), chdf5_p_default())
        #expect(file >= 0)
        defer { H5Fclose(file) }
        try body(file)
    }

    private static func dataset(_ file: hid_t, _ name: String, dims: [UInt64], dcpl: hid_t) throws {
        var d = dims.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(d.count), &d, nil)
        defer { H5Sclose(space) }
        let dset = H5Dcreate2(file, name, chdf5_t_ieee_f32le(), space, chdf5_p_default(), dcpl, chdf5_p_default())
        #expect(dset >= 0, "creating \(name): \(HDF5Library.takeErrorText())")
        H5Dclose(dset)
    }
}
