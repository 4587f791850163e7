/// The element types a checkpoint tensor can hold, named as safetensors names them.
///
/// `byteSize` is the storage size of one element. The F8 kinds are listed so that files
/// holding them can be inspected; vitkit does not compute with them.
public enum DType: String, Sendable, CaseIterable, Hashable {
    /// IEEE binary64.
    case f64 = "F64"
    /// IEEE binary32.
    case f32 = "F32"
    /// IEEE binary16 (half precision).
    case f16 = "F16"
    /// bfloat16: the top 16 bits of a binary32.
    case bf16 = "BF16"
    /// Signed 64-bit integer.
    case i64 = "I64"
    /// Signed 32-bit integer.
    case i32 = "I32"
    /// Signed 16-bit integer.
    case i16 = "I16"
    /// Signed 8-bit integer.
    case i8 = "I8"
    /// Unsigned 64-bit integer.
    case u64 = "U64"
    /// Unsigned 32-bit integer.
    case u32 = "U32"
    /// Unsigned 16-bit integer.
    case u16 = "U16"
    /// Unsigned 8-bit integer.
    case u8 = "U8"
    /// One byte per element, 0 or 1.
    case bool = "BOOL"
    /// 8-bit float, 5 exponent and 2 mantissa bits (listed only; not converted).
    case f8e5m2 = "F8_E5M2"
    /// 8-bit float, 4 exponent and 3 mantissa bits (listed only; not converted).
    case f8e4m3 = "F8_E4M3"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: 8
        case .f32, .i32, .u32: 4
        case .f16, .bf16, .i16, .u16: 2
        case .i8, .u8, .bool, .f8e5m2, .f8e4m3: 1
        }
    }

    /// True for the types vitkit converts to and from `Float` (F64, F32, F16, BF16).
    public var isFloatingPoint: Bool {
        switch self {
        case .f64, .f32, .f16, .bf16: true
        default: false
        }
    }

    /// The lower-case name used on the command line (`f32`, `bf16`, ...).
    public var shortName: String { rawValue.lowercased() }
}
