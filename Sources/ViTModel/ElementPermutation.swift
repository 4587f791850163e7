import Tensors

/// Dtype-agnostic element moves (transpose, axis permutation, row split/concat) on raw bytes.
package enum ElementPermutation {
    /// Transposes a `rows x cols` matrix of elements; the result gets `shape`.
    static func transpose2D(_ t: Tensor, rows: Int, cols: Int, shape: [Int]) -> Tensor {
        let size = t.dtype.byteSize
        let out = OwnedBuffer(count: rows * cols * size)
        t.data.withUnsafeBytes { src in
            let dst = out.bytes
            switch size {
            case 4: transpose(src, dst, rows, cols, UInt32.self)
            case 2: transpose(src, dst, rows, cols, UInt16.self)
            case 8: transpose(src, dst, rows, cols, UInt64.self)
            default: transpose(src, dst, rows, cols, UInt8.self)
            }
        }
        return Tensor(dtype: t.dtype, shape: shape, data: .owned(out))
    }

    /// Blocked transpose; the source may be unaligned.
    static func transpose<T: FixedWidthInteger>(_ src: UnsafeRawBufferPointer, _ dst: UnsafeMutableRawBufferPointer,
                                               _ rows: Int, _ cols: Int, _: T.Type) {
        let s = MemoryLayout<T>.stride
        let block = 32
        var r0 = 0
        while r0 < rows {
            var c0 = 0
            while c0 < cols {
                for r in r0..<min(r0 + block, rows) {
                    for c in c0..<min(c0 + block, cols) {
                        let v = src.loadUnaligned(fromByteOffset: (r * cols + c) * s, as: T.self)
                        dst.storeBytes(of: v, toByteOffset: (c * rows + r) * s, as: T.self)
                    }
                }
                c0 += block
            }
            r0 += block
        }
    }

    /// General axis permutation: output axis k is input axis `order[k]`.
    static func permute(_ t: Tensor, dims: [Int], order: [Int]) -> Tensor {
        let size = t.dtype.byteSize
        var inStrides = [Int](repeating: 1, count: dims.count)
        for k in stride(from: dims.count - 2, through: 0, by: -1) { inStrides[k] = inStrides[k + 1] * dims[k + 1] }
        let outDims = order.map { dims[$0] }
        let out = OwnedBuffer(count: (Shape.elementCount(dims) ?? 0) * size)
        t.data.withUnsafeBytes { src in
            StridedCopy.gather(src, into: out.bytes, shape: outDims, sourceStrides: order.map { inStrides[$0] }, elementSize: size)
        }
        return Tensor(dtype: t.dtype, shape: outDims, data: .owned(out))
    }

    /// Splits along dimension 0 into `parts` equal tensors (copies, since they are small
    /// relative to the model and must outlive the source view safely).
    static func splitRows(_ t: Tensor, parts: Int) -> [Tensor] {
        let rows = t.shape[0] / parts
        let shape = [rows] + Array(t.shape.dropFirst())
        let bytes = t.data.count / parts
        return (0..<parts).map { k in
            t.data.withUnsafeBytes { src in
                Tensor(dtype: t.dtype, shape: shape, data: .copying(UnsafeRawBufferPointer(rebasing: src[(k * bytes)..<((k + 1) * bytes)])))
            }
        }
    }

    /// Concatenates along dimension 0.
    package static func concatRows(_ ts: [Tensor]) -> Tensor {
        let total = ts.reduce(0) { $0 + $1.data.count }
        let out = OwnedBuffer(count: total)
        var offset = 0
        for t in ts {
            t.data.withUnsafeBytes { src in
                if src.count > 0 { out.bytes.baseAddress!.advanced(by: offset).copyMemory(from: src.baseAddress!, byteCount: src.count) }
                offset += src.count
            }
        }
        let rows = ts.reduce(0) { $0 + $1.shape[0] }
        return Tensor(dtype: ts[0].dtype, shape: [rows] + Array(ts[0].shape.dropFirst()), data: .owned(out))
    }
}
