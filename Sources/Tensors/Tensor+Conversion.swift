extension Tensor {
    /// The values as `Float`, converting F64/F16/BF16, the F8 kinds, F4 and integer types
    /// exactly where representable (F64 and large integers round to nearest). Row-major,
    /// `elementCount` values.
    ///
    /// - Throws: `CheckpointError.sizeMismatch` when `data` is shorter than the shape calls for.
    public func floats() throws(CheckpointError) -> [Float] {
        let n = elementCount
        var out = [Float](repeating: 0, count: n)
        try out.withUnsafeMutableBufferPointer { (dst) throws(CheckpointError) in
            try convert(into: dst)
        }
        return out
    }

    /// Writes the values as `Float` into `dst`, row-major, converting as `floats()` does.
    ///
    /// Traps unless `dst.count == elementCount`. `dst` is only written during the call.
    ///
    /// - Throws: `CheckpointError.sizeMismatch` when `data` is shorter than the shape calls for.
    public func convert(into dst: UnsafeMutableBufferPointer<Float>) throws(CheckpointError) {
        precondition(dst.count == elementCount)
        try convert(elements: 0..<elementCount, into: dst)
    }

    /// Writes the values of the row-major elements `range` as `Float` into `dst`, converting as
    /// `floats()` does (for streaming over a large tensor in pieces).
    ///
    /// Traps unless `range` lies within the tensor and `dst.count == range.count`.
    ///
    /// - Throws: as `convert(into:)`.
    public func convert(elements range: Range<Int>, into dst: UnsafeMutableBufferPointer<Float>) throws(CheckpointError) {
        let n = elementCount
        precondition(range.lowerBound >= 0 && range.upperBound <= n && dst.count == range.count)
        let dtype = self.dtype, first = range.lowerBound, count = range.count
        try data.withUnsafeBytes { (all) throws(CheckpointError) in
            let needed = Shape.byteCount(shape, dtype) ?? Int.max
            guard all.count >= needed else {
                throw .sizeMismatch(file: "<memory>", tensor: "", expected: needed, found: all.count)
            }
            guard count > 0 else { return }
            if let table = MiniFloat.table(dtype) {
                if dtype == .f4 {  // two per byte, the even element in the low bits
                    for i in 0..<count {
                        let k = first + i
                        dst[i] = table[Int(k & 1 == 0 ? all[k >> 1] & 0x0F : all[k >> 1] >> 4)]
                    }
                } else {
                    for i in 0..<count { dst[i] = table[Int(all[first + i])] }
                }
                return
            }
            let src = UnsafeRawBufferPointer(rebasing: all[(first * dtype.byteSize)..<((first + count) * dtype.byteSize)])
            switch dtype {
            case .f32:
                UnsafeMutableRawBufferPointer(dst).copyMemory(from: src)
            case .f16:
                for i in 0..<count { dst[i] = HalfPrecision.float(fromF16: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
            case .bf16:
                for i in 0..<count { dst[i] = HalfPrecision.float(fromBF16: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
            case .f64:
                for i in 0..<count { dst[i] = Float(src.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)) }
            case .i64:
                for i in 0..<count { dst[i] = Float(src.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)) }
            case .u64:
                for i in 0..<count { dst[i] = Float(src.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)) }
            case .i32:
                for i in 0..<count { dst[i] = Float(src.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)) }
            case .u32:
                for i in 0..<count { dst[i] = Float(src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
            case .i16:
                for i in 0..<count { dst[i] = Float(src.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)) }
            case .u16:
                for i in 0..<count { dst[i] = Float(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
            case .i8:
                for i in 0..<count { dst[i] = Float(Int8(bitPattern: src[i])) }
            case .u8, .bool:
                for i in 0..<count { dst[i] = Float(src[i]) }
            case .f8e5m2, .f8e4m3, .f8e4m3fnuz, .f8e5m2fnuz, .f8e8m0, .f4:
                break  // decoded through MiniFloat's tables above
            }
        }
    }

    /// This tensor converted to a floating-point `target` dtype (F32, F16, BF16 or F64).
    /// Returns `self` unchanged when it already has that dtype; otherwise the result owns new
    /// memory. Narrowing rounds to nearest-even (NaN stays NaN).
    ///
    /// - Throws: `CheckpointError.unsupportedDType` when `target` is not F32, F16, BF16 or
    ///   F64; `CheckpointError.sizeMismatch` as `floats()`.
    public func converted(to target: DType) throws(CheckpointError) -> Tensor {
        if target == dtype { return self }
        guard target.isFloatingPoint else {
            throw .unsupportedDType(file: "<memory>", tensor: "", dtype: target.rawValue)
        }
        let values = try floats()
        let n = values.count
        let buffer = OwnedBuffer(count: n * target.byteSize)
        let dst = buffer.bytes
        switch target {
        case .f32: values.withUnsafeBytes { dst.copyMemory(from: $0) }
        case .f16: for i in 0..<n { dst.storeBytes(of: HalfPrecision.f16Bits(from: values[i]), toByteOffset: 2 * i, as: UInt16.self) }
        case .bf16: for i in 0..<n { dst.storeBytes(of: HalfPrecision.bf16Bits(from: values[i]), toByteOffset: 2 * i, as: UInt16.self) }
        case .f64: for i in 0..<n { dst.storeBytes(of: Double(values[i]), toByteOffset: 8 * i, as: Double.self) }
        default: break
        }
        return Tensor(dtype: target, shape: shape, data: .owned(buffer))
    }
}
