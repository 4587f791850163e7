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

    /// Copies a column-major array into row-major order.
    ///
    /// Element (i0, ..., ik) sits at i0 + s0 * (i1 + s1 * (...)) in `src`. The destination is
    /// walked in order while an odometer tracks the source offset.
    static func fortranToC(
        _ src: UnsafeRawBufferPointer, into dst: UnsafeMutableRawBufferPointer, shape: [Int], elementSize: Int
    ) {
        let count = Shape.elementCount(shape) ?? 0
        guard count > 0 else { return }
        let rank = shape.count
        guard rank >= 2 else {
            dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[0..<(count * elementSize)]))
            return
        }
        var stride = [Int](repeating: 0, count: rank)  // source stride of each axis, in elements
        var s = 1
        for k in 0..<rank {
            stride[k] = s
            s *= shape[k]
        }
        var index = [Int](repeating: 0, count: rank)
        let last = rank - 1
        let inner = shape[last], innerStride = stride[last]
        var source = 0  // source element offset of `index`
        var out = 0
        while out < count {
            copyRun(src, from: source, step: innerStride, into: dst, at: out, count: inner, size: elementSize)
            out += inner
            // Advance the odometer over the axes before the last.
            var k = last - 1
            while k >= 0 {
                index[k] += 1
                source += stride[k]
                if index[k] < shape[k] { break }
                source -= stride[k] * shape[k]
                index[k] = 0
                k -= 1
            }
        }
    }

    /// Copies `count` elements taken every `step` elements from `from` to consecutive slots.
    @inline(__always)
    static func copyRun(
        _ src: UnsafeRawBufferPointer, from: Int, step: Int, into dst: UnsafeMutableRawBufferPointer,
        at: Int, count: Int, size: Int
    ) {
        switch size {
        case 1: for j in 0..<count { dst[at + j] = src[from + j * step] }
        case 2: copyTyped(UInt16.self, src, from, step, dst, at, count)
        case 4: copyTyped(UInt32.self, src, from, step, dst, at, count)
        case 8: copyTyped(UInt64.self, src, from, step, dst, at, count)
        default: break
        }
    }

    @inline(__always)
    static func copyTyped<T: FixedWidthInteger>(
        _: T.Type, _ src: UnsafeRawBufferPointer, _ from: Int, _ step: Int,
        _ dst: UnsafeMutableRawBufferPointer, _ at: Int, _ count: Int
    ) {
        let size = MemoryLayout<T>.size
        for j in 0..<count {
            let v = src.loadUnaligned(fromByteOffset: (from + j * step) * size, as: T.self)
            dst.storeBytes(of: v, toByteOffset: (at + j) * size, as: T.self)
        }
    }
}
