/// Dtype-agnostic strided gathers: the one odometer behind axis permutations (Fortran to C
/// order, HWIO to OIHW, ...).
package enum StridedCopy {
    /// Fills `dst` in row-major order over `shape`, reading element `(i0, ..., ik)` from
    /// `src` at element offset `sum(i_j * sourceStrides[j])`.
    ///
    /// `src` may be unaligned. The innermost axis is copied as one strided run per row.
    package static func gather(
        _ src: UnsafeRawBufferPointer, into dst: UnsafeMutableRawBufferPointer,
        shape: [Int], sourceStrides stride: [Int], elementSize: Int
    ) {
        let count = Shape.elementCount(shape) ?? 0
        guard count > 0 else { return }
        let rank = shape.count
        guard rank > 0 else {
            dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[0..<elementSize]))
            return
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
        default:
            for j in 0..<count {
                (dst.baseAddress! + (at + j) * size).copyMemory(from: src.baseAddress! + (from + j * step) * size, byteCount: size)
            }
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
