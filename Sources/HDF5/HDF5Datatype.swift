internal import CHDF5
import Tensors

/// Maps HDF5 element types to `DType` and back.
///
/// Reading: IEEE floats of 2 (binary16, or bfloat16 bit layout), 4 and 8 bytes; two's
/// complement integers of 1, 2, 4 and 8 bytes; h5py's bool (an enum over int8 with members
/// FALSE = 0, TRUE = 1). Either byte order; the memory type is always little-endian.
/// Strings, opaque, compound, array, variable-length, reference, bitfield and time types
/// are refused with `CheckpointError.unsupportedDType`.
enum HDF5Datatype {
    /// The `DType` for the element type `type` of the object at `location`.
    static func dtype(of type: hid_t, at location: HDF5Location) throws(CheckpointError) -> DType {
        let size = H5Tget_size(type)
        let unsupported = { (what: String) -> CheckpointError in
            .unsupportedDType(file: location.file, tensor: location.object, dtype: what)
        }
        switch H5Tget_class(type) {
        case H5T_FLOAT:
            guard isPlainBits(type, size: size) else { throw unsupported("padded \(size)-byte float") }
            var spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0
            try check(H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize), location, "read the float layout of")
            let fields = [spos, epos, esize, mpos, msize, H5Tget_ebias(type)]
            switch (size, fields) {
            case (2, [15, 10, 5, 0, 10, 15]): return .f16
            case (2, [15, 7, 8, 0, 7, 127]): return .bf16
            case (4, [31, 23, 8, 0, 23, 127]): return .f32
            case (8, [63, 52, 11, 0, 52, 1023]): return .f64
            default: throw unsupported("\(size)-byte float with non-IEEE layout")
            }
        case H5T_INTEGER:
            guard isPlainBits(type, size: size) else { throw unsupported("padded \(size)-byte integer") }
            let signed = H5Tget_sign(type) == H5T_SGN_2
            switch size {
            case 1: return signed ? .i8 : .u8
            case 2: return signed ? .i16 : .u16
            case 4: return signed ? .i32 : .u32
            case 8: return signed ? .i64 : .u64
            default: throw unsupported("\(size)-byte integer")
            }
        case H5T_ENUM:
            if try isH5pyBool(type, location) { return .bool }
            throw unsupported("enum (only h5py's FALSE/TRUE bool enum is supported)")
        case H5T_STRING:
            let variable = H5Tis_variable_str(type) > 0
            throw unsupported(variable ? "variable-length string" : "fixed-length string (\(size) bytes)")
        case H5T_OPAQUE: throw unsupported("opaque (\(size) bytes)")
        case H5T_COMPOUND:
            throw unsupported(isH5pyComplex(type) ? "complex (h5py's compound of r, i; \(size) bytes)" : "compound")
        case H5T_ARRAY: throw unsupported("array")
        case H5T_VLEN: throw unsupported("variable-length sequence")
        case H5T_REFERENCE: throw unsupported("reference")
        case H5T_BITFIELD: throw unsupported("bitfield")
        case H5T_TIME: throw unsupported("time")
        default: throw unsupported("unknown type class")
        }
    }

    /// True when all `size * 8` bits are significant, starting at bit 0, in LE or BE order.
    private static func isPlainBits(_ type: hid_t, size: Int) -> Bool {
        let order = H5Tget_order(type)
        return H5Tget_precision(type) == size * 8 && H5Tget_offset(type) == 0
            && (order == H5T_ORDER_LE || order == H5T_ORDER_BE || size == 1)
    }

    /// h5py stores numpy complex numbers as a compound of two floats named `r` and `i`.
    private static func isH5pyComplex(_ type: hid_t) -> Bool {
        guard H5Tget_nmembers(type) == 2 else { return false }
        let names = (0..<UInt32(2)).map { index -> String in
            guard let name = H5Tget_member_name(type, index) else { return "" }
            defer { H5free_memory(name) }
            return String(cString: name)
        }
        return names == ["r", "i"] && (0..<UInt32(2)).allSatisfy { H5Tget_member_class(type, $0) == H5T_FLOAT }
    }

    /// h5py stores `numpy.bool_` as `enum(int8) {FALSE = 0, TRUE = 1}`.
    private static func isH5pyBool(_ type: hid_t, _ location: HDF5Location) throws(CheckpointError) -> Bool {
        let base = try HDF5Handle(H5Tget_super(type), .datatype, location, "read the enum base type of")
        guard H5Tget_class(base.id) == H5T_INTEGER, H5Tget_size(base.id) == 1, H5Tget_nmembers(type) == 2 else {
            return false
        }
        var members: [String: Int8] = [:]
        for index: UInt32 in 0..<2 {
            guard let name = H5Tget_member_name(type, index) else { return false }
            defer { H5free_memory(name) }
            var value: Int8 = 0
            try check(H5Tget_member_value(type, index, &value), location, "read the enum members of")
            members[String(cString: name)] = value
        }
        return members == ["FALSE": 0, "TRUE": 1]
    }

    /// The little-endian memory type to read elements of `fileType` (classified as `dtype`) into.
    static func memoryType(for dtype: DType, fileType: hid_t, at location: HDF5Location) throws(CheckpointError) -> HDF5Handle {
        switch dtype {
        case .f16, .bf16:
            // No predefined 16-bit float in libhdf5 1.10: the file's own layout, little-endian.
            let copy = try HDF5Handle(H5Tcopy(fileType), .datatype, location, "copy the datatype of")
            try check(H5Tset_order(copy.id, H5T_ORDER_LE), location, "set the byte order for")
            return copy
        case .bool:
            return try HDF5Handle(H5Tcopy(fileType), .datatype, location, "copy the datatype of")
        default:
            return try Self.fileType(for: dtype, at: location)
        }
    }

    /// The little-endian file type h5py writes for `dtype` (also used as a memory type).
    ///
    /// - Throws: `unsupportedDType` for BF16 and the F8 and F4 kinds, which h5py cannot store.
    static func fileType(for dtype: DType, at location: HDF5Location) throws(CheckpointError) -> HDF5Handle {
        let predefined: hid_t
        switch dtype {
        case .f32: predefined = chdf5_t_ieee_f32le()
        case .f64: predefined = chdf5_t_ieee_f64le()
        case .i8: predefined = chdf5_t_std_i8le()
        case .i16: predefined = chdf5_t_std_i16le()
        case .i32: predefined = chdf5_t_std_i32le()
        case .i64: predefined = chdf5_t_std_i64le()
        case .u8: predefined = chdf5_t_std_u8le()
        case .u16: predefined = chdf5_t_std_u16le()
        case .u32: predefined = chdf5_t_std_u32le()
        case .u64: predefined = chdf5_t_std_u64le()
        case .f16:
            // As h5py builds numpy float16: binary32 reshaped to 1-5-10 with bias 15.
            let t = try HDF5Handle(H5Tcopy(chdf5_t_ieee_f32le()), .datatype, location, "create a float16 type for")
            try check(H5Tset_fields(t.id, 15, 10, 5, 0, 10), location, "create a float16 type for")
            try check(H5Tset_size(t.id, 2), location, "create a float16 type for")
            try check(H5Tset_ebias(t.id, 15), location, "create a float16 type for")
            return t
        case .bool:
            let t = try HDF5Handle(H5Tenum_create(chdf5_t_std_i8le()), .datatype, location, "create a bool type for")
            var no: Int8 = 0, yes: Int8 = 1
            try check(H5Tenum_insert(t.id, "FALSE", &no), location, "create a bool type for")
            try check(H5Tenum_insert(t.id, "TRUE", &yes), location, "create a bool type for")
            return t
        case .bf16, .f8e4m3, .f8e5m2, .f8e4m3fnuz, .f8e5m2fnuz, .f8e8m0, .f4:
            throw .unsupportedDType(file: location.file, tensor: location.object, dtype: dtype.rawValue + " (not storable in HDF5 by h5py/Keras)")
        }
        return try HDF5Handle(H5Tcopy(predefined), .datatype, location, "copy a predefined datatype for")
    }
}
