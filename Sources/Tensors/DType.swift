/// The element types a checkpoint tensor can hold, named as safetensors names them.
///
/// `bitSize` is the storage size of one element. The 8-bit and 4-bit float kinds are read
/// (converted to `Float` exactly: every value they hold is a `Float`); vitkit does not write
/// them in other containers than safetensors.
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
    /// 8-bit float, 5 exponent and 2 mantissa bits, bias 15, with infinities and NaN (IEEE-like).
    case f8e5m2 = "F8_E5M2"
    /// 8-bit float, 4 exponent and 3 mantissa bits, bias 7, no infinities, `S.1111.111` NaN
    /// (PyTorch's `float8_e4m3fn`).
    case f8e4m3 = "F8_E4M3"
    /// 8-bit float, 4 exponent and 3 mantissa bits, bias 8, no infinities, no negative zero:
    /// `0x80` is the only NaN (`float8_e4m3fnuz`).
    case f8e4m3fnuz = "F8_E4M3FNUZ"
    /// 8-bit float, 5 exponent and 2 mantissa bits, bias 16, no infinities, no negative zero:
    /// `0x80` is the only NaN (`float8_e5m2fnuz`).
    case f8e5m2fnuz = "F8_E5M2FNUZ"
    /// 8-bit unsigned power of two, `2^(e - 127)`, `0xFF` NaN (the OCP MX scale, `float8_e8m0fnu`).
    case f8e8m0 = "F8_E8M0"
    /// 4-bit float, 2 exponent and 1 mantissa bits, bias 1 (OCP MX FP4, `float4_e2m1fn`), two
    /// per byte: element `2k` in bits 0-3 of byte `k`, element `2k + 1` in bits 4-7, as
    /// PyTorch's `float4_e2m1fn_x2` (safetensors counts the elements in the shape).
    case f4 = "F4"

    /// Bits per element (4 for F4, a multiple of 8 for every other type).
    public var bitSize: Int {
        switch self {
        case .f4: 4
        default: byteSize * 8
        }
    }

    /// Bytes per element; for F4, whose elements are half a byte, 1 (the byte that holds two).
    /// A tensor's size in bytes is `Shape.byteCount`.
    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: 8
        case .f32, .i32, .u32: 4
        case .f16, .bf16, .i16, .u16: 2
        case .i8, .u8, .bool, .f8e5m2, .f8e4m3, .f8e4m3fnuz, .f8e5m2fnuz, .f8e8m0, .f4: 1
        }
    }

    /// True for types packed several to a byte (F4): element moves (transposes, permutations)
    /// need them decoded first.
    public var isPacked: Bool { bitSize % 8 != 0 }

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
