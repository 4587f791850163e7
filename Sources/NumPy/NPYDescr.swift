import Tensors

/// NumPy `descr` strings (`dtype.str`) and the vitkit dtypes they map to.
///
/// A descr is a byte-order character (`<` little, `>` big, `|` not applicable), a kind
/// character and the item size in bytes: `<f4`, `>i8`, `|u1`, `|b1`. ml_dtypes' bfloat16 has
/// no numpy name and is written as raw 2-byte void, `<V2`.
enum NPYDescr {
    /// The element type and whether its bytes are big-endian, or a refusal.
    enum Decoded: Equatable {
        case dtype(DType, bigEndian: Bool)
        /// `|O`: pickled Python objects.
        case pickle
        /// `<V2` when the caller did not ask for bfloat16.
        case void2
        case unsupported
    }

    /// Decodes `descr`. Multi-byte types need an explicit `<` or `>`; single-byte types take
    /// any byte-order character or none, as numpy does.
    static func decode(_ descr: String, bf16FromV2: Bool) -> Decoded {
        var chars = Array(descr.unicodeScalars)
        var order: Unicode.Scalar? = nil
        if let first = chars.first, "<>|=".unicodeScalars.contains(first) {
            order = first
            chars.removeFirst()
        }
        guard let kind = chars.first else { return .unsupported }
        if kind == "O" { return .pickle }
        let digits = String(String.UnicodeScalarView(chars.dropFirst()))
        guard !digits.isEmpty,
            digits.unicodeScalars.allSatisfy({ $0.properties.numericType == .decimal && $0.isASCII }),
            let size = Int(digits)
        else { return .unsupported }
        let dtype: DType?
        switch (kind, size) {
        case ("f", 2): dtype = .f16
        case ("f", 4): dtype = .f32
        case ("f", 8): dtype = .f64
        case ("i", 1): dtype = .i8
        case ("i", 2): dtype = .i16
        case ("i", 4): dtype = .i32
        case ("i", 8): dtype = .i64
        case ("u", 1): dtype = .u8
        case ("u", 2): dtype = .u16
        case ("u", 4): dtype = .u32
        case ("u", 8): dtype = .u64
        case ("b", 1): dtype = .bool
        case ("V", 2):
            guard order == "<" || order == ">" else { return .unsupported }
            guard bf16FromV2 else { return .void2 }
            dtype = .bf16
        default: dtype = nil
        }
        guard let dtype else { return .unsupported }
        if size == 1 { return .dtype(dtype, bigEndian: false) }
        switch order {
        case "<": return .dtype(dtype, bigEndian: false)
        case ">": return .dtype(dtype, bigEndian: true)
        default: return .unsupported
        }
    }

    /// The descr numpy writes for `dtype` (`<V2` for bf16, as ml_dtypes does); nil for the F8
    /// and F4 types, which have no plain numpy equivalent.
    static func descr(for dtype: DType) -> String? {
        switch dtype {
        case .f64: "<f8"
        case .f32: "<f4"
        case .f16: "<f2"
        case .bf16: "<V2"
        case .i64: "<i8"
        case .i32: "<i4"
        case .i16: "<i2"
        case .i8: "|i1"
        case .u64: "<u8"
        case .u32: "<u4"
        case .u16: "<u2"
        case .u8: "|u1"
        case .bool: "|b1"
        case .f8e5m2, .f8e4m3, .f8e4m3fnuz, .f8e5m2fnuz, .f8e8m0, .f4: nil
        }
    }
}
