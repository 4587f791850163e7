/// The element types a checkpoint tensor can hold, named as safetensors names them.
///
/// `byteSize` is the storage size of one element. The F8 kinds are listed so that files
/// holding them can be inspected; vitkit does not compute with them.
public enum DType: String, Sendable, CaseIterable, Hashable {
    case f64 = "F64"
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case i64 = "I64"
    case i32 = "I32"
    case i16 = "I16"
    case i8 = "I8"
    case u64 = "U64"
    case u32 = "U32"
    case u16 = "U16"
    case u8 = "U8"
    case bool = "BOOL"
    case f8e5m2 = "F8_E5M2"
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
