import Tensors

/// Turns an NPY array's stored bytes into vitkit's layout: little-endian, row-major.
enum NPYLayout {
    /// The tensor for stored bytes `raw` (exactly `header.dataByteCount` long).
    ///
    /// Native data is wrapped by `native` (a mapped view, no copy); big-endian or column-major
    /// data is copied into owned memory and converted.
    static func tensor(
        _ raw: UnsafeRawBufferPointer, header: NPYHeader, native: () -> TensorData
    ) -> Tensor {
        if header.isNative {
            return Tensor(dtype: header.dtype, shape: header.shape, data: native())
        }
        let buffer = OwnedBuffer(count: raw.count)
        if header.needsTranspose {
            fortranToC(raw, into: buffer.bytes, shape: header.shape, elementSize: header.dtype.byteSize)
        } else if raw.count > 0 {
            buffer.bytes.copyMemory(from: raw)
        }
        if header.bigEndian { swapBytes(buffer.bytes, elementSize: header.dtype.byteSize) }
        return Tensor(dtype: header.dtype, shape: header.shape, data: .owned(buffer))
    }

    /// Converts an owned buffer holding stored bytes in place (transposing through a second
    /// buffer when column-major).
    static func normalize(_ buffer: OwnedBuffer, header: NPYHeader) -> OwnedBuffer {
        if header.isNative { return buffer }
        var result = buffer
        if header.needsTranspose {
            result = OwnedBuffer(count: buffer.bytes.count)
            fortranToC(
                UnsafeRawBufferPointer(buffer.bytes), into: result.bytes, shape: header.shape,
                elementSize: header.dtype.byteSize)
        }
        if header.bigEndian { swapBytes(result.bytes, elementSize: header.dtype.byteSize) }
        return result
    }

    /// Reverses the bytes of every `elementSize`-byte element.
    static func swapBytes(_ bytes: UnsafeMutableRawBufferPointer, elementSize: Int) {
        let n = bytes.count / elementSize
        switch elementSize {
        case 2:
            for i in 0..<n {
                let v = bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                bytes.storeBytes(of: v.byteSwapped, toByteOffset: 2 * i, as: UInt16.self)
            }
        case 4:
            for i in 0..<n {
                let v = bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
                bytes.storeBytes(of: v.byteSwapped, toByteOffset: 4 * i, as: UInt32.self)
            }
        case 8:
            for i in 0..<n {
                let v = bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
                bytes.storeBytes(of: v.byteSwapped, toByteOffset: 8 * i, as: UInt64.self)
            }
        default:
            break
        }
    }

    /// Copies a column-major array into row-major order: element (i0, ..., ik) sits at
    /// i0 + s0 * (i1 + s1 * (...)) in `src`.
    static func fortranToC(
        _ src: UnsafeRawBufferPointer, into dst: UnsafeMutableRawBufferPointer, shape: [Int], elementSize: Int
    ) {
        var strides = [Int](repeating: 0, count: shape.count)
        var s = 1
        for k in 0..<shape.count {
            strides[k] = s
            s *= shape[k]
        }
        StridedCopy.gather(src, into: dst, shape: shape, sourceStrides: strides, elementSize: elementSize)
    }
}
