/// Decoding tables for the 4- and 8-bit float types (`F8_*`, `F4`): every code's exact value
/// as a `Float`, built once from the format's fields and special values.
///
/// The formats, as ml_dtypes and PyTorch define them:
/// - `F8_E5M2`: bias 15; exponent 31 is infinity (mantissa 0) or NaN, as IEEE binary16's top byte;
/// - `F8_E4M3` (`e4m3fn`): bias 7; no infinities; `S.1111.111` is NaN;
/// - `F8_E4M3FNUZ`, `F8_E5M2FNUZ`: bias 8 and 16; no infinities; `0x80` (negative zero's code)
///   is the only NaN;
/// - `F8_E8M0` (`e8m0fnu`): no sign, no mantissa: `2^(code - 127)`; `0xFF` is NaN;
/// - `F4` (`e2m1fn`): bias 1; no infinities, no NaN.
/// A zero exponent field is subnormal: `mantissa * 2^(1 - bias - mantissaBits)`.
package enum MiniFloat {
    /// The 256 (16 for F4) values of `dtype`'s codes, or nil for the other types.
    package static func table(_ dtype: DType) -> [Float]? {
        switch dtype {
        case .f8e5m2: f8e5m2
        case .f8e4m3: f8e4m3
        case .f8e4m3fnuz: f8e4m3fnuz
        case .f8e5m2fnuz: f8e5m2fnuz
        case .f8e8m0: f8e8m0
        case .f4: f4
        default: nil
        }
    }

    static let f8e5m2 = build(exponentBits: 5, mantissaBits: 2, bias: 15) { code in
        code & 0x7C == 0x7C ? (code & 0x03 == 0 ? (code & 0x80 == 0 ? .infinity : -.infinity) : .nan) : nil
    }
    static let f8e4m3 = build(exponentBits: 4, mantissaBits: 3, bias: 7) { code in code & 0x7F == 0x7F ? .nan : nil }
    static let f8e4m3fnuz = build(exponentBits: 4, mantissaBits: 3, bias: 8) { code in code == 0x80 ? .nan : nil }
    static let f8e5m2fnuz = build(exponentBits: 5, mantissaBits: 2, bias: 16) { code in code == 0x80 ? .nan : nil }
    static let f8e8m0: [Float] = (0..<256).map { code in
        code == 0xFF ? .nan : Float(sign: .plus, exponent: code - 127, significand: 1)
    }
    static let f4 = build(exponentBits: 2, mantissaBits: 1, bias: 1) { _ in nil }

    /// Values of every code of a sign + exponent + mantissa format; `special` overrides codes.
    static func build(exponentBits: Int, mantissaBits: Int, bias: Int, special: (Int) -> Float?) -> [Float] {
        let width = 1 + exponentBits + mantissaBits
        return (0..<(1 << width)).map { code in
            if let value = special(code) { return value }
            let negative = code >> (width - 1) & 1 == 1
            let exponent = code >> mantissaBits & (1 << exponentBits - 1)
            let mantissa = code & (1 << mantissaBits - 1)
            let magnitude = exponent == 0
                ? Float(mantissa) * Float(sign: .plus, exponent: 1 - bias - mantissaBits, significand: 1)
                : Float(sign: .plus, exponent: exponent - bias, significand: 1 + Float(mantissa) / Float(1 << mantissaBits))
            return negative ? -magnitude : magnitude
        }
    }
}
