import Testing
@testable import Tensors

@Suite("half-precision conversions")
struct HalfPrecisionTests {
    @Test func f16RoundTripsEveryBitPattern() {
        for bits in UInt16.min...UInt16.max {
            let f = HalfPrecision.float(fromF16: bits)
            if f.isNaN { #expect(HalfPrecision.f16Bits(from: f) & 0x7C00 == 0x7C00); continue }
            #expect(HalfPrecision.f16Bits(from: f) == bits)
        }
    }

    @Test func bf16RoundTripsEveryBitPattern() {
        for bits in UInt16.min...UInt16.max {
            let f = HalfPrecision.float(fromBF16: bits)
            if f.isNaN { #expect(HalfPrecision.bf16Bits(from: f) & 0x7F80 == 0x7F80); continue }
            #expect(HalfPrecision.bf16Bits(from: f) == bits)
        }
    }

    @Test(arguments: [
        // (float32 bits, expected f16 bits): values from numpy's float32 -> float16 cast.
        (UInt32(0x3F80_0000), UInt16(0x3C00)),  // 1.0
        (UInt32(0x3F80_1000), UInt16(0x3C00)),  // 1 + 2^-11: tie, rounds to even (down)
        (UInt32(0x3F80_3000), UInt16(0x3C02)),  // 1 + 3*2^-11: tie, rounds to even (up)
        (UInt32(0x477F_F000), UInt16(0x7C00)),  // 65520 rounds to +inf
        (UInt32(0x3380_0000), UInt16(0x0001)),  // 2^-24, smallest subnormal
        (UInt32(0x3300_0000), UInt16(0x0000)),  // 2^-25: tie to even -> 0
        (UInt32(0xFF80_0000), UInt16(0xFC00)),  // -inf
    ])
    func f16Rounding(input: UInt32, expected: UInt16) {
        #expect(HalfPrecision.f16Bits(from: Float(bitPattern: input)) == expected)
    }

    @Test(arguments: [
        (UInt32(0x3F80_8000), UInt16(0x3F80)),  // tie, even stays
        (UInt32(0x3F81_8000), UInt16(0x3F82)),  // tie, odd rounds up
        (UInt32(0x3F80_8001), UInt16(0x3F81)),  // above half
        (UInt32(0x7F7F_FFFF), UInt16(0x7F80)),  // max float rounds to inf
        (UInt32(0x0000_0001), UInt16(0x0000)),  // tiny subnormal
        (UInt32(0x7FC0_0001), UInt16(0x7FC0)),  // NaN stays NaN
    ])
    func bf16Rounding(input: UInt32, expected: UInt16) {
        #expect(HalfPrecision.bf16Bits(from: Float(bitPattern: input)) == expected)
    }
}
